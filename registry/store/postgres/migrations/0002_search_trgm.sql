-- 0002_search_trgm: trigram indexes, so that SearchPackages' substring
-- search (ILIKE '%word%' on the name or the description) looks up the
-- packages containing a word instead of reading every package.
--
-- pg_trgm ships with PostgreSQL (contrib) and is a trusted extension: the
-- owner of the database, or anyone with CREATE on it, may create it. When
-- the store's user may not, a superuser creates it once beforehand
-- (CREATE EXTENSION pg_trgm;) and this migration finds it there.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- The extension may live in another schema than the store's tables (one
-- database has it once): name its operator class with its schema.
DO $$
DECLARE
	ext name;
BEGIN
	SELECT n.nspname INTO STRICT ext
	FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
	WHERE e.extname = 'pg_trgm';
	EXECUTE format('CREATE INDEX packages_name_trgm ON packages USING gin (name %I.gin_trgm_ops)', ext);
	EXECUTE format('CREATE INDEX packages_description_trgm ON packages USING gin (description %I.gin_trgm_ops)', ext);
END
$$;
