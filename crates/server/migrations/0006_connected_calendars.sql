-- A practitioner's connected calendar (CalDAV first; the provider column leaves room for Google and Microsoft), the
-- event BetterBeing keeps there for each session, and the persisted queue that writes them.

CREATE TABLE calendar_connections (
    user_id          INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    provider         TEXT NOT NULL CHECK (provider IN ('caldav')),
    server_url       TEXT NOT NULL,
    username         TEXT NOT NULL,
    -- The app-specific password, AES-256-GCM like Zoom tokens (associated data binds it to this user).
    secret_enc       TEXT NOT NULL,
    -- The calendars discovery found (JSON list of {url, name}); the practitioner picks one of them.
    calendars        TEXT NOT NULL,
    calendar_url     TEXT,
    calendar_name    TEXT,
    state            TEXT NOT NULL CHECK (state IN ('choosing', 'connected', 'failed')),
    problem_code     TEXT,
    problem          TEXT,
    last_pushed_at   INTEGER,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);

-- One event per session in the connected calendar: a stable resource (href) and UID for the session's life.
CREATE TABLE calendar_events (
    session_id   INTEGER PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    href         TEXT NOT NULL,
    -- The server's ETag for what we last wrote (NULL: unknown, read it before writing).
    etag         TEXT,
    -- SEQUENCE as last written; it never goes down, even if the calendar app raised it.
    sequence     INTEGER NOT NULL,
    -- The session's own sequence (raised on each reschedule) when that was written: SEQUENCE rises with it.
    session_sequence INTEGER NOT NULL,
    pushed_at    INTEGER NOT NULL
);

-- "Make this session's event match the session", one per session. `version` rises each time the session changes,
-- so an attempt that ran against an older version leaves the job for another run instead of finishing it.
CREATE TABLE calendar_jobs (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id          INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    session_id       INTEGER NOT NULL UNIQUE REFERENCES sessions(id) ON DELETE CASCADE,
    version          INTEGER NOT NULL DEFAULT 1,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER,
    last_error       TEXT,
    lease_owner      TEXT,
    lease_until      INTEGER,
    created_at       INTEGER NOT NULL
);
CREATE INDEX calendar_jobs_due ON calendar_jobs (next_attempt_at);
CREATE INDEX calendar_jobs_by_user ON calendar_jobs (user_id);
