-- Why a practitioner is no longer connected, when they did not disconnect themselves: the Zoom page says so instead
-- of a bare "not connected". Cleared by the next connect or by the practitioner's own disconnect.
CREATE TABLE zoom_connection_endings (
    user_id     INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    reason      TEXT NOT NULL CHECK (reason IN ('removed_in_zoom')),
    zoom_email  TEXT NOT NULL,
    ended_at    INTEGER NOT NULL
);
