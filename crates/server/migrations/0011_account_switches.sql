-- A Reauth that came back with a different Zoom account than the one the practitioner's sessions were made on is
-- not applied silently: the new authorization waits here (tokens encrypted exactly as a connection's) until the
-- practitioner either switches on purpose (every upcoming session gets a new meeting on the new account) or goes
-- back and authorizes the account they had (this one is then revoked at Zoom and forgotten).
CREATE TABLE zoom_pending_switches (
    user_id            INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    zoom_user_id       TEXT NOT NULL,
    zoom_account_id    TEXT NOT NULL,
    zoom_email         TEXT NOT NULL,
    zoom_display_name  TEXT NOT NULL,
    zoom_user_type     INTEGER NOT NULL,
    scopes             TEXT NOT NULL,
    api_url            TEXT NOT NULL,
    access_token_enc   TEXT NOT NULL,
    refresh_token_enc  TEXT NOT NULL,
    access_expires_at  INTEGER NOT NULL,
    created_at         INTEGER NOT NULL
);
