-- 0002_docs_key: each docs upload gets a blob key of its own, as package
-- tarballs do, and the release records it; has_docs becomes docs_key <> ''.
-- Docs used to be overwritten in place under docs/NAME-VERSION.tar.gz, so
-- a docs removal or a collection could delete docs uploaded meanwhile.
--
-- Releases that had docs keep them where they are: their docs_key is that
-- old fixed key.
ALTER TABLE releases ADD COLUMN docs_key TEXT NOT NULL DEFAULT '';

UPDATE releases
SET docs_key = 'docs/' || (SELECT p.name FROM packages p WHERE p.id = releases.package_id) || '-' || version || '.tar.gz'
WHERE has_docs <> 0;

ALTER TABLE releases DROP COLUMN has_docs;
