-- 0005_search_trigram: a trigram index of package names and descriptions
-- (FTS5's trigram tokenizer), so that a search for three characters or
-- more looks up the packages containing them instead of scanning every
-- package's name and description. The index holds no text of its own
-- (content='packages'); triggers keep it in step with the table.
--
-- It finds a superset of what LIKE matches (it folds the case of every
-- letter, LIKE of ASCII ones only): the queries keep their LIKE on the
-- rows it finds, so the results are as without it.
CREATE VIRTUAL TABLE packages_search USING fts5 (
	name, description,
	content = 'packages', content_rowid = 'id',
	tokenize = 'trigram'
);
INSERT INTO packages_search (packages_search) VALUES ('rebuild');

CREATE TRIGGER packages_search_insert AFTER INSERT ON packages BEGIN
	INSERT INTO packages_search (rowid, name, description) VALUES (new.id, new.name, new.description);
END;
CREATE TRIGGER packages_search_delete AFTER DELETE ON packages BEGIN
	INSERT INTO packages_search (packages_search, rowid, name, description)
	VALUES ('delete', old.id, old.name, old.description);
END;
CREATE TRIGGER packages_search_update AFTER UPDATE OF name, description ON packages BEGIN
	INSERT INTO packages_search (packages_search, rowid, name, description)
	VALUES ('delete', old.id, old.name, old.description);
	INSERT INTO packages_search (rowid, name, description) VALUES (new.id, new.name, new.description);
END;
