-- See migrations/0012_zoom_limits.sql.
CREATE TABLE zoom_daily_budgets (
    zoom_user_id TEXT PRIMARY KEY,
    day          BIGINT NOT NULL,
    used         BIGINT NOT NULL CHECK (used >= 0),
    interactive_used BIGINT NOT NULL DEFAULT 0,
    updated_at   BIGINT NOT NULL
);

CREATE TABLE zoom_rate_buckets (
    zoom_account_id TEXT NOT NULL,
    category        TEXT NOT NULL CHECK (category IN ('light', 'medium', 'heavy')),
    milli_tokens    BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    slowed_until    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (zoom_account_id, category)
);

ALTER TABLE zoom_jobs ADD COLUMN bulk BIGINT NOT NULL DEFAULT 0 CHECK (bulk IN (0, 1));
