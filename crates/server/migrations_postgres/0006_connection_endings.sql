-- See migrations/0010_connection_endings.sql.
CREATE TABLE zoom_connection_endings (
    user_id     BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    reason      TEXT NOT NULL CHECK (reason IN ('removed_in_zoom')),
    zoom_email  TEXT NOT NULL,
    ended_at    BIGINT NOT NULL
);
