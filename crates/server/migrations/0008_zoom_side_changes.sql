-- What Zoom tells us happened to a session's meeting outside BetterBeing (meeting event webhooks, the pre-session
-- check): deleted in Zoom, or moved to another time / length in Zoom (the time Zoom has is kept beside the session's
-- own, so the practitioner can put it back or follow Zoom), and whether the meeting is in progress right now.
ALTER TABLE sessions ADD COLUMN zoom_remote TEXT CHECK (zoom_remote IN ('deleted', 'moved'));
ALTER TABLE sessions ADD COLUMN zoom_remote_starts_at INTEGER;
ALTER TABLE sessions ADD COLUMN zoom_remote_duration INTEGER;
ALTER TABLE sessions ADD COLUMN zoom_started_at INTEGER;
CREATE INDEX sessions_by_zoom_meeting ON sessions (zoom_meeting_id);

-- Meetings a session stopped using because they were deleted in Zoom and the practitioner made a new link: if Zoom
-- later recovers one from its trash, it belongs to nobody and is deleted (nothing of ours stays live).
CREATE TABLE zoom_released_meetings (
    meeting_id   TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    session_id   INTEGER REFERENCES sessions(id) ON DELETE SET NULL,
    released_at  INTEGER NOT NULL
);
