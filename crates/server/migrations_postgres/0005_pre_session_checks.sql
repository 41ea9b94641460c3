-- See migrations/0009_pre_session_checks.sql.
ALTER TABLE sessions ADD COLUMN zoom_checked_24h_at BIGINT;
ALTER TABLE sessions ADD COLUMN zoom_checked_15m_at BIGINT;
ALTER TABLE sessions ADD COLUMN zoom_notice TEXT CHECK (zoom_notice IN ('remade_after_deletion', 'remade_after_account_switch'));
ALTER TABLE sessions ADD COLUMN zoom_notice_at BIGINT;
