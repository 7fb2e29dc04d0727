-- 0001_init: the registry's first schema.
--
-- Conventions:
--   * times are INTEGER microseconds since the Unix epoch, UTC (sortable,
--     indexable, and the precision the store promises);
--   * lists (licenses, links, maintainers, build tools, requirements,
--     permissions) are JSON text, always an array, '[]' when empty;
--   * names and emails are matched case-insensitively through lower()
--     expression indexes; SQLite's lower() folds ASCII letters only, which
--     covers usernames (ASCII by rule) and the usual email addresses.

CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	username      TEXT    NOT NULL,
	email         TEXT    NOT NULL,
	full_name     TEXT    NOT NULL DEFAULT '',
	password_hash TEXT    NOT NULL DEFAULT '',
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX users_username_lower ON users (lower(username));
CREATE UNIQUE INDEX users_email_lower ON users (lower(email));

CREATE TABLE keys (
	id                  INTEGER PRIMARY KEY,
	user_id             INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	name                TEXT    NOT NULL,
	lookup              TEXT    NOT NULL,
	verify              TEXT    NOT NULL,
	permissions         TEXT    NOT NULL DEFAULT '[]',
	created_at          INTEGER NOT NULL,
	updated_at          INTEGER NOT NULL,
	revoked_at          INTEGER,
	last_use_at         INTEGER,
	last_use_ip         TEXT,
	last_use_user_agent TEXT
);
-- Every key, revoked or not, keeps its lookup: a revoked key must still be
-- found (to answer "revoked" rather than "unknown").
CREATE UNIQUE INDEX keys_lookup ON keys (lookup);
-- A name may be reused once the key that had it is revoked.
CREATE UNIQUE INDEX keys_user_name_active ON keys (user_id, name) WHERE revoked_at IS NULL;
-- KeyByName and Keys, which also look at revoked keys.
CREATE INDEX keys_user_name ON keys (user_id, name);

CREATE TABLE packages (
	id          INTEGER PRIMARY KEY,
	name        TEXT    NOT NULL UNIQUE,
	description TEXT    NOT NULL DEFAULT '',
	licenses    TEXT    NOT NULL DEFAULT '[]',
	links       TEXT    NOT NULL DEFAULT '[]',
	maintainers TEXT    NOT NULL DEFAULT '[]',
	downloads   INTEGER NOT NULL DEFAULT 0,
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL
);
-- One index per search order, each ending in (name, description): a page
-- is read off the index in order, and a search's LIKE is checked on the
-- index entry, so a common word stops after a page of matches and a rare
-- one scans the index, never the table row by row. name breaks ties so
-- pages never overlap.
CREATE INDEX packages_name_search ON packages (name, description);
CREATE INDEX packages_downloads ON packages (downloads DESC, name, description);
CREATE INDEX packages_updated_at ON packages (updated_at DESC, name, description);
CREATE INDEX packages_created_at ON packages (created_at DESC, name, description);

CREATE TABLE releases (
	id                 INTEGER PRIMARY KEY,
	package_id         INTEGER NOT NULL REFERENCES packages (id),
	version            TEXT    NOT NULL,
	inner_checksum     BLOB    NOT NULL,
	outer_checksum     BLOB    NOT NULL,
	size               INTEGER NOT NULL,
	blob_key           TEXT    NOT NULL,
	app                TEXT    NOT NULL,
	build_tools        TEXT    NOT NULL DEFAULT '[]',
	elixir             TEXT    NOT NULL DEFAULT '',
	requirements       TEXT    NOT NULL DEFAULT '[]',
	metadata           BLOB    NOT NULL,
	publisher_id       INTEGER REFERENCES users (id) ON DELETE SET NULL,
	has_docs           INTEGER NOT NULL DEFAULT 0,
	retirement_reason  TEXT,
	retirement_message TEXT,
	downloads          INTEGER NOT NULL DEFAULT 0,
	created_at         INTEGER NOT NULL,
	updated_at         INTEGER NOT NULL,
	UNIQUE (package_id, version)
);

CREATE TABLE owners (
	package_id INTEGER NOT NULL REFERENCES packages (id) ON DELETE CASCADE,
	user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	level      TEXT    NOT NULL CHECK (level IN ('full', 'maintainer')),
	PRIMARY KEY (package_id, user_id)
) WITHOUT ROWID;
-- PackagesOwnedBy.
CREATE INDEX owners_user ON owners (user_id);

CREATE TABLE repo_files (
	path       TEXT    PRIMARY KEY,
	body       BLOB    NOT NULL,
	etag       TEXT    NOT NULL,
	updated_at INTEGER NOT NULL
);

-- TEXT compares with memcmp (BINARY collation), so ORDER BY name is byte order.
CREATE TABLE index_entries (
	name     TEXT PRIMARY KEY,
	names    BLOB NOT NULL,
	versions BLOB NOT NULL
);

-- One row: bumped by every write to index_entries.
CREATE TABLE index_generation (
	id         INTEGER PRIMARY KEY CHECK (id = 1),
	generation INTEGER NOT NULL
);
INSERT INTO index_generation (id, generation) VALUES (1, 0);
