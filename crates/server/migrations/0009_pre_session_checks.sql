-- The pre-session check: about 24 hours and 15 minutes before a session, one GET confirms Zoom still has its meeting
-- at the session's time. Each checkpoint is claimed once (across every instance) by setting its column; a check that
-- could not reach Zoom clears it again so the next sweep retries. `zoom_notice` tells the practitioner what a check
-- repaired (`remade_after_deletion`: Zoom no longer had the meeting, so a new one was made), or that a switch of Zoom
-- account gave the session a new meeting (`remade_after_account_switch`).
ALTER TABLE sessions ADD COLUMN zoom_checked_24h_at INTEGER;
ALTER TABLE sessions ADD COLUMN zoom_checked_15m_at INTEGER;
ALTER TABLE sessions ADD COLUMN zoom_notice TEXT CHECK (zoom_notice IN ('remade_after_deletion', 'remade_after_account_switch'));
ALTER TABLE sessions ADD COLUMN zoom_notice_at INTEGER;
