-- See migrations/0008_zoom_side_changes.sql.
ALTER TABLE sessions ADD COLUMN zoom_remote TEXT CHECK (zoom_remote IN ('deleted', 'moved'));
ALTER TABLE sessions ADD COLUMN zoom_remote_starts_at BIGINT;
ALTER TABLE sessions ADD COLUMN zoom_remote_duration BIGINT;
ALTER TABLE sessions ADD COLUMN zoom_started_at BIGINT;
CREATE INDEX sessions_by_zoom_meeting ON sessions (zoom_meeting_id);

CREATE TABLE zoom_released_meetings (
    meeting_id   TEXT PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    session_id   BIGINT REFERENCES sessions(id) ON DELETE SET NULL,
    released_at  BIGINT NOT NULL
);
