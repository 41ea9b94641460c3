-- Zoom off the read path: the Zoom page shows the connection as stored, and the server confirms it with Zoom
-- (GET /users/me) at most every BB_ZOOM_STATUS_MAX_AGE_SECS per practitioner, in the background, or when the
-- practitioner clicks "Check again". 401s, invalid_grant and the deauthorization webhook still change the stored
-- state at once.
ALTER TABLE zoom_connections ADD COLUMN checked_at INTEGER;            -- Zoom last confirmed the grant (ms)
ALTER TABLE zoom_connections ADD COLUMN check_unreachable_at INTEGER;  -- the last check could not reach Zoom (ms)
-- Claimed by the instance running a background check (any instance sharing the database), so a burst of page views
-- makes one check, not one per view.
ALTER TABLE zoom_connections ADD COLUMN check_started_at INTEGER;
UPDATE zoom_connections SET checked_at = last_zoom_success_at;
