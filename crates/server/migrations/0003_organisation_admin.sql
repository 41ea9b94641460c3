-- Who changed an organisation's Zoom access, and when.
CREATE TABLE admin_audit (
    id               INTEGER PRIMARY KEY,
    organisation_id  INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    actor_user_id    INTEGER NOT NULL REFERENCES users(id),
    action           TEXT NOT NULL CHECK (action IN ('zoom_access_enabled', 'zoom_access_disabled')),
    at               INTEGER NOT NULL
);
CREATE INDEX admin_audit_by_org ON admin_audit (organisation_id, at);
