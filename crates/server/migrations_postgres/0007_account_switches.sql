-- See migrations/0011_account_switches.sql.
CREATE TABLE zoom_pending_switches (
    user_id            BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    zoom_user_id       TEXT NOT NULL,
    zoom_account_id    TEXT NOT NULL,
    zoom_email         TEXT NOT NULL,
    zoom_display_name  TEXT NOT NULL,
    zoom_user_type     BIGINT NOT NULL,
    scopes             TEXT NOT NULL,
    api_url            TEXT NOT NULL,
    access_token_enc   TEXT NOT NULL,
    refresh_token_enc  TEXT NOT NULL,
    access_expires_at  BIGINT NOT NULL,
    created_at         BIGINT NOT NULL
);
