-- 0003_docs_key: each docs upload gets a blob key of its own, as package
-- tarballs do, and the release records it; has_docs becomes docs_key <> ''.
-- Docs used to be overwritten in place under docs/NAME-VERSION.tar.gz, so
-- a docs removal or a collection could delete docs uploaded meanwhile.
--
-- Releases that had docs keep them where they are: their docs_key is that
-- old fixed key.
ALTER TABLE releases ADD COLUMN docs_key text NOT NULL DEFAULT '';

UPDATE releases r
SET docs_key = 'docs/' || p.name || '-' || r.version || '.tar.gz'
FROM packages p
WHERE p.id = r.package_id AND r.has_docs;

ALTER TABLE releases DROP COLUMN has_docs;
