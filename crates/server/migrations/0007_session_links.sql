-- Every session's stable link for the client (`/join/<token>`): an unguessable token that redirects to the session's
-- current Zoom join link, says "moved to …" while a reschedule finishes and "cancelled" after a cancel. It is stored
-- as it is (the join links it leads to are stored in this table as they are too): anyone who can read this table
-- learns nothing more through it. Sessions that exist already get one now (randomblob draws from SQLite's CSPRNG,
-- 128 bits); new ones get 256 bits from the server.
ALTER TABLE sessions ADD COLUMN link_token TEXT;
UPDATE sessions SET link_token = lower(hex(randomblob(16))) WHERE link_token IS NULL;
CREATE UNIQUE INDEX sessions_link_token ON sessions (link_token);
