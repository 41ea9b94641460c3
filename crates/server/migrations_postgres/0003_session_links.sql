-- Every session's stable link for the client (`/join/<token>`): see migrations/0007_session_links.sql. Sessions that
-- exist already get a token from gen_random_uuid() (PostgreSQL 13+, drawn from pg_strong_random: 122 random bits).
ALTER TABLE sessions ADD COLUMN link_token TEXT;
UPDATE sessions SET link_token = replace(gen_random_uuid()::text, '-', '') WHERE link_token IS NULL;
ALTER TABLE sessions ALTER COLUMN link_token SET NOT NULL;
CREATE UNIQUE INDEX sessions_link_token ON sessions (link_token);
