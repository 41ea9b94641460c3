//! The persisted queue of Zoom work. A job is leased before it runs, so one job runs once at a time across every
//! server process sharing the database.

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
/// made due again (its attempt count is kept, so the next run reconciles with Zoom first).
pub async fn enqueue_ensure(
    tx: &mut Transaction<'_, Sqlite>,
    user_id: i64,
    session_id: i64,
    now: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO zoom_jobs (user_id, session_id, kind, next_attempt_at, created_at)
         VALUES (?, ?, 'ensure_meeting', ?, ?)
         ON CONFLICT (session_id) WHERE kind = 'ensure_meeting' DO UPDATE SET next_attempt_at = excluded.next_attempt_at
         RETURNING id",
    )
    .bind(user_id)
    .bind(session_id)
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

/// Drops queued ensure/update work of a session (it was cancelled); deletions stay.
pub async fn drop_session_work(tx: &mut Transaction<'_, Sqlite>, session_id: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM zoom_jobs WHERE session_id = ? AND kind IN ('ensure_meeting', 'update_meeting')")
        .bind(session_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Due jobs, oldest first.
pub async fn due(db: &Db, now: i64, limit: i64) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar(
        "SELECT id FROM zoom_jobs WHERE next_attempt_at IS NOT NULL AND next_attempt_at <= ?
            AND (lease_until IS NULL OR lease_until <= ?)
          ORDER BY next_attempt_at, id LIMIT ?",
    )
    .bind(now)
    .bind(now)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// Leases a job and counts the attempt before Zoom is called, so a crash or a lost answer is known to the next run.
pub async fn lease(db: &Db, id: i64, owner: &str, now: i64, until: i64) -> sqlx::Result<Option<JobRow>> {
    sqlx::query_as(
        "UPDATE zoom_jobs SET lease_owner = ?, lease_until = ?, attempts = attempts + 1
          WHERE id = ? AND next_attempt_at IS NOT NULL AND (lease_until IS NULL OR lease_until <= ?)
          RETURNING *",
    )
    .bind(owner)
    .bind(until)
    .bind(id)
    .bind(now)
    .fetch_optional(db)
    .await
}

pub async fn finish(tx: &mut Transaction<'_, Sqlite>, id: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM zoom_jobs WHERE id = ?")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Schedules the next attempt (`None` parks the job until the practitioner acts) and releases the lease.
pub async fn reschedule(
    tx: &mut Transaction<'_, Sqlite>,
    id: i64,
    next_attempt_at: Option<i64>,
    last_error: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE zoom_jobs SET next_attempt_at = ?, last_error = ?, lease_owner = NULL, lease_until = NULL WHERE id = ?",
    )
    .bind(next_attempt_at)
    .bind(last_error)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn ensure_job_of(db: &Db, session_id: i64) -> sqlx::Result<Option<JobRow>> {
    sqlx::query_as("SELECT * FROM zoom_jobs WHERE session_id = ? AND kind = 'ensure_meeting'")
        .bind(session_id)
        .fetch_optional(db)
        .await
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
