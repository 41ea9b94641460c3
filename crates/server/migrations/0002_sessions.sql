-- Sessions on a practitioner's calendar and the work queued for Zoom. Times are Unix milliseconds (UTC).

ALTER TABLE users ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';

CREATE TABLE sessions (
    id                         INTEGER PRIMARY KEY,
    user_id                    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- Stable random reference: the iCalendar UID and the marker in the Zoom meeting's agenda.
    ref                        TEXT NOT NULL UNIQUE,
    client_name                TEXT NOT NULL,
    starts_at                  INTEGER NOT NULL,
    duration_minutes           INTEGER NOT NULL,
    time_zone                  TEXT NOT NULL,
    private_notes              TEXT NOT NULL DEFAULT '',
    client_name_in_zoom_topic  INTEGER NOT NULL DEFAULT 0,
    status                     TEXT NOT NULL CHECK (status IN ('scheduled', 'cancelled')),
    -- Raised on every reschedule (iCalendar SEQUENCE; which meeting generation the session needs).
    sequence                   INTEGER NOT NULL DEFAULT 0,
    zoom_meeting_id            TEXT,
    zoom_join_url              TEXT,
    -- The `sequence` the current meeting was made for; differs from `sequence` while a reschedule is pending.
    zoom_meeting_sequence      INTEGER,
    zoom_sync                  TEXT NOT NULL CHECK (zoom_sync IN ('in_sync', 'no_link', 'pending', 'retrying', 'failed')),
    zoom_sync_code             TEXT,
    zoom_sync_message          TEXT,
    created_at                 INTEGER NOT NULL,
    updated_at                 INTEGER NOT NULL
);
CREATE INDEX sessions_by_user_and_start ON sessions (user_id, starts_at);

-- The persisted retry queue. `ensure_meeting` gives a session a meeting for its current sequence (reconciling with
-- Zoom's meeting list before creating again); `update_meeting` patches the topic; `delete_meeting` deletes one.
CREATE TABLE zoom_jobs (
    id               INTEGER PRIMARY KEY,
    user_id          INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    session_id       INTEGER REFERENCES sessions(id) ON DELETE CASCADE,
    kind             TEXT NOT NULL CHECK (kind IN ('ensure_meeting', 'update_meeting', 'delete_meeting')),
    meeting_id       TEXT,
    attempts         INTEGER NOT NULL DEFAULT 0,
    -- NULL = parked until the practitioner acts (reconnect, retry).
    next_attempt_at  INTEGER,
    last_error       TEXT,
    lease_owner      TEXT,
    lease_until      INTEGER,
    created_at       INTEGER NOT NULL
);
CREATE INDEX zoom_jobs_due ON zoom_jobs (next_attempt_at);
CREATE UNIQUE INDEX zoom_jobs_one_ensure_per_session ON zoom_jobs (session_id) WHERE kind = 'ensure_meeting';

-- Private iCalendar subscription per practitioner. The secret is looked up by its SHA-256 and kept encrypted so the
-- page can show the URL again.
CREATE TABLE calendar_feeds (
    user_id      INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    token_hash   TEXT NOT NULL UNIQUE,
    token_enc    TEXT NOT NULL,
    created_at   INTEGER NOT NULL
);
