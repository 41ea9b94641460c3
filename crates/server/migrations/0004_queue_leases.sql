-- The Zoom queue, rebuilt so a job id is never reused (AUTOINCREMENT) and every attempt holds its own lease token:
-- a job is finished or rescheduled only by the holder of the attempt's lease (`lease_owner` is that token).

CREATE TABLE zoom_jobs_v2 (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id          INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    session_id       INTEGER REFERENCES sessions(id) ON DELETE CASCADE,
    kind             TEXT NOT NULL CHECK (kind IN ('ensure_meeting', 'update_meeting', 'delete_meeting')),
    meeting_id       TEXT,
    -- Counted when an attempt is leased, before Zoom is called: above 1, a previous attempt may have reached Zoom.
    attempts         INTEGER NOT NULL DEFAULT 0,
    -- NULL = parked until the practitioner acts (reconnect, retry).
    next_attempt_at  INTEGER,
    last_error       TEXT,
    -- A random token per attempt; the lease is renewed while the attempt runs, so a crash frees it in seconds.
    lease_owner      TEXT,
    lease_until      INTEGER,
    created_at       INTEGER NOT NULL
);
INSERT INTO zoom_jobs_v2 (id, user_id, session_id, kind, meeting_id, attempts, next_attempt_at, last_error,
                          lease_owner, lease_until, created_at)
     SELECT id, user_id, session_id, kind, meeting_id, attempts, next_attempt_at, last_error, NULL, NULL, created_at
       FROM zoom_jobs;
DROP TABLE zoom_jobs;
ALTER TABLE zoom_jobs_v2 RENAME TO zoom_jobs;
CREATE INDEX zoom_jobs_due ON zoom_jobs (next_attempt_at);
CREATE INDEX zoom_jobs_by_user_lease ON zoom_jobs (user_id, lease_until);
CREATE UNIQUE INDEX zoom_jobs_one_ensure_per_session ON zoom_jobs (session_id) WHERE kind = 'ensure_meeting';
