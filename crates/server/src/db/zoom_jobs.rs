//! The persisted queue of Zoom work. A job is leased before it runs, so one job runs once at a time across every
//! server process sharing the database, and only the holder of an attempt's lease can finish or reschedule it.

use sqlx::sqlite::SqliteRow;
use sqlx::{FromRow, Row, Sqlite, Transaction};

use super::Db;

pub const ENSURE_MEETING: &str = "ensure_meeting";
pub const UPDATE_MEETING: &str = "update_meeting";
pub const DELETE_MEETING: &str = "delete_meeting";

#[derive(Debug, Clone)]
pub struct JobRow {
    pub id: i64,
    pub user_id: i64,
    pub session_id: Option<i64>,
    pub kind: String,
    pub meeting_id: Option<String>,
    pub attempts: i64,
    pub next_attempt_at: Option<i64>,
    pub last_error: Option<String>,
}

impl FromRow<'_, SqliteRow> for JobRow {
    fn from_row(r: &SqliteRow) -> sqlx::Result<Self> {
        Ok(JobRow {
            id: r.try_get("id")?,
            user_id: r.try_get("user_id")?,
            session_id: r.try_get("session_id")?,
            kind: r.try_get("kind")?,
            meeting_id: r.try_get("meeting_id")?,
            attempts: r.try_get("attempts")?,
            next_attempt_at: r.try_get("next_attempt_at")?,
            last_error: r.try_get("last_error")?,
        })
    }
}

/// Queues "give this session a meeting for its current sequence", due now. One per session: an existing one is
/// made due again (its attempt count is kept, so the next run reconciles with Zoom first). `reconcile` marks it as
/// if an attempt had already reached Zoom, so its next run looks at Zoom's meetings before creating one.
pub async fn enqueue_ensure(
    tx: &mut Transaction<'_, Sqlite>,
    user_id: i64,
    session_id: i64,
    now: i64,
    reconcile: bool,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO zoom_jobs (user_id, session_id, kind, attempts, next_attempt_at, created_at)
         VALUES (?, ?, 'ensure_meeting', ?, ?, ?)
         ON CONFLICT (session_id) WHERE kind = 'ensure_meeting'
         DO UPDATE SET next_attempt_at = excluded.next_attempt_at, attempts = MAX(attempts, excluded.attempts)
         RETURNING id",
    )
    .bind(user_id)
    .bind(session_id)
    .bind(reconcile as i64)
    .bind(now)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
}

pub async fn enqueue_for_meeting(
    tx: &mut Transaction<'_, Sqlite>,
    kind: &str,
    user_id: i64,
    session_id: Option<i64>,
    meeting_id: &str,
    now: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO zoom_jobs (user_id, session_id, kind, meeting_id, next_attempt_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(user_id)
    .bind(session_id)
    .bind(kind)
    .bind(meeting_id)
    .bind(now)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
}

/// What cancelling does to a session's queued work: a title change is moot, and an ensure job that never reached
/// Zoom (no attempt yet) is dropped. An ensure job that may have reached Zoom stays and is made due: run for a
/// cancelled session, it finds every meeting Zoom holds for the session and deletes it, so a creation in flight or
/// whose answer was lost never leaves a live meeting. Deletions stay.
pub async fn on_cancel(tx: &mut Transaction<'_, Sqlite>, session_id: i64, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "DELETE FROM zoom_jobs WHERE session_id = ?
            AND (kind = 'update_meeting' OR (kind = 'ensure_meeting' AND attempts = 0))",
    )
    .bind(session_id)
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE zoom_jobs SET next_attempt_at = ? WHERE session_id = ? AND kind = 'ensure_meeting'")
        .bind(now)
        .bind(session_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Leases one due job whose practitioner has no other job running (Zoom work runs one at a time per practitioner,
/// concurrently across practitioners), the oldest first, or only `only` if given. The attempt is counted before Zoom
/// is called, so a crash or a lost answer is known to the next run. `token` identifies this attempt's lease: only
/// its holder may renew, finish or reschedule the job. One statement, so the claim is atomic across processes.
pub async fn claim(db: &Db, only: Option<i64>, token: &str, now: i64, until: i64) -> sqlx::Result<Option<JobRow>> {
    sqlx::query_as(
        "UPDATE zoom_jobs SET lease_owner = ?1, lease_until = ?2, attempts = attempts + 1
          WHERE id = (
            SELECT j.id FROM zoom_jobs j
             WHERE j.next_attempt_at IS NOT NULL AND j.next_attempt_at <= ?3
               AND (j.lease_until IS NULL OR j.lease_until <= ?3)
               AND (?4 IS NULL OR j.id = ?4)
               AND NOT EXISTS (SELECT 1 FROM zoom_jobs k
                                WHERE k.user_id = j.user_id AND k.id <> j.id AND k.lease_until > ?3)
             ORDER BY j.next_attempt_at, j.id LIMIT 1)
          RETURNING *",
    )
    .bind(token)
    .bind(until)
    .bind(now)
    .bind(only)
    .fetch_optional(db)
    .await
}

/// Extends a running attempt's lease; false if the lease is no longer this attempt's.
pub async fn renew(db: &Db, id: i64, token: &str, until: i64) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE zoom_jobs SET lease_until = ? WHERE id = ? AND lease_owner = ?")
        .bind(until)
        .bind(id)
        .bind(token)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Removes a finished job; false (nothing done) unless `token` holds its lease.
pub async fn finish(tx: &mut Transaction<'_, Sqlite>, id: i64, token: &str) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM zoom_jobs WHERE id = ? AND lease_owner = ?")
        .bind(id)
        .bind(token)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Schedules the next attempt (`None` parks the job until the practitioner acts) and releases the lease; false
/// (nothing done) unless `token` holds it.
pub async fn reschedule(
    tx: &mut Transaction<'_, Sqlite>,
    id: i64,
    token: &str,
    next_attempt_at: Option<i64>,
    last_error: &str,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE zoom_jobs SET next_attempt_at = ?, last_error = ?, lease_owner = NULL, lease_until = NULL
          WHERE id = ? AND lease_owner = ?",
    )
    .bind(next_attempt_at)
    .bind(last_error)
    .bind(id)
    .bind(token)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// When the next queued attempt is due (`None`: nothing is waiting, parked jobs aside).
pub async fn next_due_at(db: &Db) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "SELECT MIN(MAX(next_attempt_at, COALESCE(lease_until, 0))) FROM zoom_jobs WHERE next_attempt_at IS NOT NULL",
    )
    .fetch_one(db)
    .await
}

pub async fn get(db: &Db, id: i64) -> sqlx::Result<Option<JobRow>> {
    sqlx::query_as("SELECT * FROM zoom_jobs WHERE id = ?")
        .bind(id)
        .fetch_optional(db)
        .await
}

pub async fn ensure_job_of(db: &Db, session_id: i64) -> sqlx::Result<Option<JobRow>> {
    sqlx::query_as("SELECT * FROM zoom_jobs WHERE session_id = ? AND kind = 'ensure_meeting'")
        .bind(session_id)
        .fetch_optional(db)
        .await
}

/// The ensure jobs of every session `sessions::list` returns for the same arguments, in one query (the session
/// list answers in a constant number of queries whatever the number of sessions).
pub async fn ensure_jobs_of_listed(
    db: &Db,
    user_id: i64,
    from: i64,
    to: i64,
) -> sqlx::Result<std::collections::HashMap<i64, JobRow>> {
    let jobs: Vec<JobRow> = sqlx::query_as(
        "SELECT j.* FROM zoom_jobs j JOIN sessions s ON s.id = j.session_id
          WHERE j.kind = 'ensure_meeting' AND s.user_id = ? AND s.status = 'scheduled'
            AND s.starts_at < ? AND s.starts_at + s.duration_minutes * 60000 > ?",
    )
    .bind(user_id)
    .bind(to)
    .bind(from)
    .fetch_all(db)
    .await?;
    Ok(jobs
        .into_iter()
        .filter_map(|job| Some((job.session_id?, job)))
        .collect())
}

/// After a reconnect: parked work of this practitioner becomes due again.
pub async fn unpark_for_user(db: &Db, user_id: i64, now: i64) -> sqlx::Result<u64> {
    Ok(
        sqlx::query("UPDATE zoom_jobs SET next_attempt_at = ? WHERE user_id = ? AND next_attempt_at IS NULL")
            .bind(now)
            .bind(user_id)
            .execute(db)
            .await?
            .rows_affected(),
    )
}
