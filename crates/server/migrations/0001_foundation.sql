-- Times are Unix milliseconds (UTC).

CREATE TABLE organisations (
    id            INTEGER PRIMARY KEY,
    external_id   TEXT UNIQUE,
    name          TEXT NOT NULL,
    plan          TEXT NOT NULL CHECK (plan IN ('solo', 'clinic', 'enterprise')),
    zoom_allowed  INTEGER NOT NULL DEFAULT 0 CHECK (zoom_allowed IN (0, 1))
);

CREATE TABLE users (
    id               INTEGER PRIMARY KEY,
    external_id      TEXT UNIQUE,
    organisation_id  INTEGER NOT NULL REFERENCES organisations(id),
    name             TEXT NOT NULL,
    email            TEXT NOT NULL UNIQUE,
    role             TEXT NOT NULL CHECK (role IN ('practitioner', 'admin')),
    demo_description TEXT
);

-- Browser sessions. Only the SHA-256 of the cookie value is stored.
CREATE TABLE web_sessions (
    token_hash  TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);

-- Pending Zoom authorizations: single-use, short-lived, bound to the person who started them.
-- Only the SHA-256 of `state` is stored; the PKCE verifier is encrypted.
CREATE TABLE oauth_states (
    state_hash         TEXT PRIMARY KEY,
    user_id            INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    pkce_verifier_enc  TEXT NOT NULL,
    return_to          TEXT NOT NULL,
    created_at         INTEGER NOT NULL,
    expires_at         INTEGER NOT NULL
);

CREATE TABLE zoom_connections (
    user_id               INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    zoom_user_id          TEXT NOT NULL,
    zoom_account_id       TEXT NOT NULL,
    zoom_email            TEXT NOT NULL,
    zoom_display_name     TEXT NOT NULL,
    zoom_user_type        INTEGER NOT NULL,
    scopes                TEXT NOT NULL,
    api_url               TEXT NOT NULL,
    status                TEXT NOT NULL CHECK (status IN ('connected', 'needs_reauth')),
    reauth_reason         TEXT,
    -- AES-256-GCM, "<key id>.<base64url>"; NULL once Zoom has dropped the grant.
    access_token_enc      TEXT,
    refresh_token_enc     TEXT,
    access_expires_at     INTEGER NOT NULL,
    -- Bumped on every token change; a refresh only writes over the generation it started from.
    token_generation      INTEGER NOT NULL DEFAULT 0,
    connected_at          INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL,
    last_zoom_success_at  INTEGER,
    -- Refresh lease shared by every server process using this database.
    refresh_lease_owner   TEXT,
    refresh_lease_until   INTEGER
);
CREATE INDEX zoom_connections_by_zoom_user ON zoom_connections (zoom_user_id);

-- Webhook deliveries already accepted, for replay protection inside the timestamp window.
CREATE TABLE webhook_deliveries (
    signature    TEXT PRIMARY KEY,
    received_at  INTEGER NOT NULL
);
