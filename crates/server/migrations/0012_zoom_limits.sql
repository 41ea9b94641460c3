-- Zoom's rate limits as a budget (facts §4.2).
--
-- The 100 meeting creates/updates a Zoom user may make per UTC day, counted by BetterBeing (and corrected from
-- Zoom's own count, `x-ratelimit-remaining`, whenever Zoom sends it), so no create or update Zoom would refuse is
-- sent. Keyed by the Zoom user, because that is what Zoom counts.
CREATE TABLE zoom_daily_budgets (
    zoom_user_id TEXT PRIMARY KEY,
    day          INTEGER NOT NULL,              -- UTC days since 1970-01-01
    used         INTEGER NOT NULL CHECK (used >= 0),
    -- Of them, the practitioner's own bookings and changes: bulk work leaves them a reserve, which these use up.
    interactive_used INTEGER NOT NULL DEFAULT 0,
    updated_at   INTEGER NOT NULL
);

-- Zoom's per-second limits apply per Zoom account and rate category, shared by every app on the account: one token
-- bucket per (account, category), shared by every server instance. Tokens are stored in thousandths.
CREATE TABLE zoom_rate_buckets (
    zoom_account_id TEXT NOT NULL,
    category        TEXT NOT NULL CHECK (category IN ('light', 'medium', 'heavy')),
    milli_tokens    INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    -- After a per-second 429 the bucket refills at half speed until then.
    slowed_until    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (zoom_account_id, category)
);

-- Bulk work ("Add Zoom links", new meetings after an account switch) runs after the practitioner's own changes and
-- leaves part of the daily budget to them.
ALTER TABLE zoom_jobs ADD COLUMN bulk INTEGER NOT NULL DEFAULT 0 CHECK (bulk IN (0, 1));
