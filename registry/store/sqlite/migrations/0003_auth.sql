-- 0003_auth: two-factor authentication, OAuth device authorizations,
-- sessions and tokens, website sessions, failure counts for rate limits,
-- and each account's security log.
--
-- Every secret is kept as a hash (or, for TOTP, sealed) by the caller: the
-- lookup, hash and user_code columns are what a request presents, hashed.
-- Times are INTEGER microseconds since the Unix epoch, UTC, and lists JSON
-- arrays, as in 0001_init. An ID column that may name no row (0 in the
-- store's types) is NULL then, so that its foreign key holds.

-- One row per user with 2FA on. last_step and last_by record the last
-- accepted code, so that it cannot be replayed (see UseTOTPStep).
CREATE TABLE totp (
	user_id    INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
	secret     BLOB    NOT NULL,
	enabled_at INTEGER NOT NULL,
	last_step  INTEGER NOT NULL DEFAULT 0,
	last_by    TEXT    NOT NULL DEFAULT ''
);

CREATE TABLE recovery_codes (
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	hash    TEXT    NOT NULL,
	used_at INTEGER,
	PRIMARY KEY (user_id, hash)
) WITHOUT ROWID;

CREATE TABLE oauth_sessions (
	id                  INTEGER PRIMARY KEY,
	user_id             INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	client_id           TEXT    NOT NULL,
	name                TEXT    NOT NULL DEFAULT '',
	scopes              TEXT    NOT NULL DEFAULT '[]',
	-- The API key a client_credentials exchange consumed: the session dies
	-- with the key's row.
	key_id              INTEGER REFERENCES keys (id) ON DELETE CASCADE,
	created_at          INTEGER NOT NULL,
	expires_at          INTEGER NOT NULL,
	revoked_at          INTEGER,
	last_use_at         INTEGER,
	last_use_ip         TEXT,
	last_use_user_agent TEXT
);
-- OAuthSessions (newest first) and RevokeOAuthSessions.
CREATE INDEX oauth_sessions_user ON oauth_sessions (user_id, created_at);
CREATE INDEX oauth_sessions_key ON oauth_sessions (key_id) WHERE key_id IS NOT NULL;
-- PruneAuth.
CREATE INDEX oauth_sessions_expires_at ON oauth_sessions (expires_at);
CREATE INDEX oauth_sessions_revoked_at ON oauth_sessions (revoked_at) WHERE revoked_at IS NOT NULL;

CREATE TABLE oauth_tokens (
	id         INTEGER PRIMARY KEY,
	session_id INTEGER NOT NULL REFERENCES oauth_sessions (id) ON DELETE CASCADE,
	kind       TEXT    NOT NULL CHECK (kind IN ('access', 'refresh')),
	hash       TEXT    NOT NULL UNIQUE,
	-- The refresh token whose rotation issued this one, in the same
	-- session (and so deleted with it): lineage only, no foreign key.
	parent_id  INTEGER,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	rotated_at INTEGER,
	revoked_at INTEGER
);
CREATE INDEX oauth_tokens_session ON oauth_tokens (session_id);

-- A user_code is short and typed by a person, so it is not unique: once
-- its authorization has expired it may be issued again (CreateDeviceCode
-- checks that no live authorization has it).
CREATE TABLE device_codes (
	id         INTEGER PRIMARY KEY,
	lookup     TEXT    NOT NULL UNIQUE,
	user_code  TEXT    NOT NULL,
	client_id  TEXT    NOT NULL,
	scopes     TEXT    NOT NULL DEFAULT '[]',
	name       TEXT    NOT NULL DEFAULT '',
	ip         TEXT    NOT NULL DEFAULT '',
	user_agent TEXT    NOT NULL DEFAULT '',
	status     TEXT    NOT NULL CHECK (status IN ('pending', 'authorized', 'denied', 'used')),
	user_id    INTEGER REFERENCES users (id) ON DELETE CASCADE,
	session_id INTEGER REFERENCES oauth_sessions (id) ON DELETE SET NULL,
	expires_at INTEGER NOT NULL,
	created_at INTEGER NOT NULL
);
CREATE INDEX device_codes_user_code ON device_codes (user_code, expires_at);
-- PruneAuth, and the foreign key when a session is pruned.
CREATE INDEX device_codes_expires_at ON device_codes (expires_at);
CREATE INDEX device_codes_session ON device_codes (session_id) WHERE session_id IS NOT NULL;

CREATE TABLE web_sessions (
	id                  INTEGER PRIMARY KEY,
	lookup              TEXT    NOT NULL UNIQUE,
	user_id             INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	pending_2fa         INTEGER NOT NULL DEFAULT 0,
	sudo_at             INTEGER,
	created_at          INTEGER NOT NULL,
	expires_at          INTEGER NOT NULL,
	last_use_at         INTEGER,
	last_use_ip         TEXT,
	last_use_user_agent TEXT
);
CREATE INDEX web_sessions_user ON web_sessions (user_id);
CREATE INDEX web_sessions_expires_at ON web_sessions (expires_at);

-- One row per failure (a wrong password, a wrong code) under a key the
-- caller chose ("login-ip:192.0.2.1"): rate limits count the recent ones.
CREATE TABLE auth_failures (
	key TEXT    NOT NULL,
	at  INTEGER NOT NULL
);
CREATE INDEX auth_failures_key_at ON auth_failures (key, at);
CREATE INDEX auth_failures_at ON auth_failures (at);

CREATE TABLE security_events (
	id         INTEGER PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	kind       TEXT    NOT NULL,
	detail     TEXT    NOT NULL DEFAULT '',
	ip         TEXT    NOT NULL DEFAULT '',
	user_agent TEXT    NOT NULL DEFAULT '',
	at         INTEGER NOT NULL
);
-- SecurityEvents, newest first (the rowid, id, ends every index).
CREATE INDEX security_events_user_at ON security_events (user_id, at);
