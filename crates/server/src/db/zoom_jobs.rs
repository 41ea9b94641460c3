//! The persisted queue of Zoom work. A job is leased before it runs, so one job runs once at a time across every
//! server process sharing the database, and only the holder of an attempt's lease can finish or reschedule it.

use api::error::ErrorCode;
use sqlx::any::AnyRow;
use sqlx::{Any, FromRow, Row, Transaction};

use super::vocab::JobKind;
use super::{Backend, Db};
use crate::ids::{SessionId, UserId};

#[derive(Debug, Clone)]
pub struct JobRow {
    pub id: i64,
    pub user_id: UserId,
    pub session_id: Option<SessionId>,
    pub kind: JobKind,
    pub meeting_id: Option<String>,
    pub attempts: i64,
    pub next_attempt_at: Option<i64>,
    pub last_error: Option<String>,
    /// Bulk work ("Add Zoom links", a remake after an account switch) runs after the practitioner's own.
    pub bulk: bool,
}

impl FromRow<'_, AnyRow> for JobRow {
    fn from_row(r: &AnyRow) -> sqlx::Result<Self> {
        Ok(JobRow {
            id: r.try_get("id")?,
            user_id: r.try_get("user_id")?,
            session_id: r.try_get("session_id")?,
            kind: r.try_get("kind")?,
            meeting_id: r.try_get("meeting_id")?,
            attempts: r.try_get("attempts")?,
            next_attempt_at: r.try_get("next_attempt_at")?,
            last_error: r.try_get("last_error")?,
            bulk: r.try_get::<i64, _>("bulk")? != 0,
        })
    }
}

/// Queues "give this session a meeting for its current sequence", due now. One per session: an existing one is
/// made due again (its attempt count is kept, so the next run reconciles with Zoom first). `reconcile` marks it as
/// if an attempt had already reached Zoom, so its next run looks at Zoom's meetings before creating one.
pub async fn enqueue_ensure(
    tx: &mut Transaction<'_, Any>,
    user_id: UserId,
    session_id: SessionId,
    now: i64,
    reconcile: bool,
) -> sqlx::Result<i64> {
    let when = Ensure {
        due_at: now,
        bulk: false,
        reconcile,
    };
    enqueue_ensure_with(tx, user_id, session_id, now, when).await
}

/// How an ensure job is queued.
#[derive(Debug, Clone, Copy)]
pub struct Ensure {
    /// When it may run (Zoom's next daily reset for work beyond today's budget).
    pub due_at: i64,
    /// Bulk work; an existing job the practitioner's own change made stays interactive.
    pub bulk: bool,
    pub reconcile: bool,
}

pub async fn enqueue_ensure_with(
    tx: &mut Transaction<'_, Any>,
    user_id: UserId,
    session_id: SessionId,
    now: i64,
    how: Ensure,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO zoom_jobs (user_id, session_id, kind, attempts, next_attempt_at, created_at, bulk)
         VALUES ($1, $2, 'ensure_meeting', $3, $4, $5, $6)
         ON CONFLICT (session_id) WHERE kind = 'ensure_meeting'
         DO UPDATE SET next_attempt_at = excluded.next_attempt_at,
                       attempts = CASE WHEN excluded.attempts > zoom_jobs.attempts
                                       THEN excluded.attempts ELSE zoom_jobs.attempts END,
                       bulk = CASE WHEN excluded.bulk < zoom_jobs.bulk THEN excluded.bulk ELSE zoom_jobs.bulk END
         RETURNING id",
    )
    .bind(user_id)
    .bind(session_id)
    .bind(how.reconcile as i64)
    .bind(how.due_at)
    .bind(now)
    .bind(how.bulk as i64)
    .fetch_one(&mut **tx)
    .await
}

/// Zoom's daily meeting budget of this practitioner is used up: their bulk creates/updates for scheduled sessions
/// wait until `until` (Zoom's next 00:00 UTC), and those sessions say so. Returns how many wait. Deletions, and the
/// clean-up of cancelled sessions, are never held: they do not count toward the cap.
pub async fn hold_bulk_until(
    tx: &mut Transaction<'_, Any>,
    user_id: UserId,
    until: i64,
    code: ErrorCode,
) -> sqlx::Result<u64> {
    const HELD: &str = "SELECT j.session_id FROM zoom_jobs j JOIN sessions s ON s.id = j.session_id
          WHERE j.user_id = $1 AND j.bulk = 1 AND j.kind IN ('ensure_meeting', 'update_meeting')
            AND s.status = 'scheduled' AND j.lease_owner IS NULL
            AND j.next_attempt_at IS NOT NULL AND j.next_attempt_at < $2";
    sqlx::query(&format!(
        "UPDATE sessions SET zoom_sync = 'retrying', zoom_sync_code = $3, zoom_sync_message = NULL
          WHERE zoom_sync IN ('pending', 'retrying') AND id IN ({HELD})"
    ))
    .bind(user_id)
    .bind(until)
    .bind(code.as_str())
    .execute(&mut **tx)
    .await?;
    Ok(sqlx::query(&format!(
        "UPDATE zoom_jobs SET next_attempt_at = $2, last_error = $3 WHERE id IN ({})",
        HELD.replace("SELECT j.session_id", "SELECT j.id")
    ))
    .bind(user_id)
    .bind(until)
    .bind(code.as_str())
    .execute(&mut **tx)
    .await?
    .rows_affected())
}

pub async fn enqueue_for_meeting(
    tx: &mut Transaction<'_, Any>,
    kind: JobKind,
    user_id: UserId,
    session_id: Option<SessionId>,
    meeting_id: &str,
    now: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO zoom_jobs (user_id, session_id, kind, meeting_id, next_attempt_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
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
pub async fn on_cancel(tx: &mut Transaction<'_, Any>, session_id: SessionId, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "DELETE FROM zoom_jobs WHERE session_id = $1
            AND (kind = 'update_meeting' OR (kind = 'ensure_meeting' AND attempts = 0))",
    )
    .bind(session_id)
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE zoom_jobs SET next_attempt_at = $1 WHERE session_id = $2 AND kind = 'ensure_meeting'")
        .bind(now)
        .bind(session_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Leases one due job whose practitioner has no other job running (Zoom work runs one at a time per practitioner,
/// concurrently across practitioners), or only `only` if given: the practitioners' own work before bulk work, then
/// the earliest due, then the soonest session (work waiting for Zoom's daily reset all falls due at 00:00 UTC, and
/// the sessions that come first get their links first). The attempt is counted before Zoom
/// is called, so a crash or a lost answer is known to the next run. `token` identifies this attempt's lease: only
/// its holder may renew, finish or reschedule the job.
///
/// SQLite runs the claim as one statement, atomic across processes (one writer at a time). PostgreSQL runs it in a
/// transaction that first takes the queue's claim lock (`pg_advisory_xact_lock`, held only for this statement's
/// transaction) and picks the job `FOR UPDATE SKIP LOCKED`: two instances never take the same job, a row another
/// transaction is changing (a cancel) is skipped rather than waited for, and the "one running job per practitioner"
/// check cannot be passed by two instances at once, because under READ COMMITTED each would not yet see the other's
/// uncommitted lease.
pub async fn claim(db: &Db, only: Option<i64>, token: &str, now: i64, until: i64) -> sqlx::Result<Option<JobRow>> {
    const CLAIM: &str = "UPDATE zoom_jobs SET lease_owner = $1, lease_until = $2, attempts = attempts + 1
          WHERE id = (
            SELECT j.id FROM zoom_jobs j LEFT JOIN sessions s ON s.id = j.session_id
             WHERE j.next_attempt_at IS NOT NULL AND j.next_attempt_at <= $3
               AND (j.lease_until IS NULL OR j.lease_until <= $3)
               AND ($4 IS NULL OR j.id = $4)
               AND NOT EXISTS (SELECT 1 FROM zoom_jobs k
                                WHERE k.user_id = j.user_id AND k.id <> j.id AND k.lease_until > $3)
             ORDER BY j.bulk, j.next_attempt_at, s.starts_at, j.id LIMIT 1{lock})
          RETURNING *";
    match Backend::of(db) {
        Backend::Sqlite => {
            sqlx::query_as(&CLAIM.replace("{lock}", ""))
                .bind(token)
                .bind(until)
                .bind(now)
                .bind(only)
                .fetch_optional(db)
                .await
        }
        Backend::Postgres => {
            let mut tx = db.begin().await?;
            sqlx::query("SELECT 1 FROM (SELECT pg_advisory_xact_lock($1)) AS claim_lock")
                .bind(QUEUE_CLAIM_LOCK)
                .execute(&mut *tx)
                .await?;
            let job = sqlx::query_as(&CLAIM.replace("{lock}", " FOR UPDATE OF j SKIP LOCKED"))
                .bind(token)
                .bind(until)
                .bind(now)
                .bind(only)
                .fetch_optional(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(job)
        }
    }
}

/// The key of the PostgreSQL advisory lock that serialises queue claims (any constant unique to this use).
const QUEUE_CLAIM_LOCK: i64 = 0x6262_7a6f_6f6d_0001;

/// Extends a running attempt's lease; false if the lease is no longer this attempt's.
pub async fn renew(db: &Db, id: i64, token: &str, until: i64) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE zoom_jobs SET lease_until = $1 WHERE id = $2 AND lease_owner = $3")
        .bind(until)
        .bind(id)
        .bind(token)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Removes a finished job; false (nothing done) unless `token` holds its lease.
pub async fn finish(tx: &mut Transaction<'_, Any>, id: i64, token: &str) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM zoom_jobs WHERE id = $1 AND lease_owner = $2")
        .bind(id)
        .bind(token)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Schedules the next attempt (`None` parks the job until the practitioner acts) and releases the lease; false
/// (nothing done) unless `token` holds it.
pub async fn reschedule(
    tx: &mut Transaction<'_, Any>,
    id: i64,
    token: &str,
    next_attempt_at: Option<i64>,
    last_error: &str,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE zoom_jobs SET next_attempt_at = $1, last_error = $2, lease_owner = NULL, lease_until = NULL
          WHERE id = $3 AND lease_owner = $4",
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
        "SELECT MIN(CASE WHEN lease_until > next_attempt_at THEN lease_until ELSE next_attempt_at END)
           FROM zoom_jobs WHERE next_attempt_at IS NOT NULL",
    )
    .fetch_one(db)
    .await
}

pub async fn get(db: &Db, id: i64) -> sqlx::Result<Option<JobRow>> {
    sqlx::query_as("SELECT * FROM zoom_jobs WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await
}

pub async fn ensure_job_of(db: &Db, session_id: SessionId) -> sqlx::Result<Option<JobRow>> {
    sqlx::query_as("SELECT * FROM zoom_jobs WHERE session_id = $1 AND kind = 'ensure_meeting'")
        .bind(session_id)
        .fetch_optional(db)
        .await
}

/// The ensure jobs of every session `sessions::list` returns for the same arguments, in one query (the session
/// list answers in a constant number of queries whatever the number of sessions).
pub async fn ensure_jobs_of_listed(
    db: &Db,
    user_id: UserId,
    from: i64,
    to: i64,
) -> sqlx::Result<std::collections::HashMap<SessionId, JobRow>> {
    let jobs: Vec<JobRow> = sqlx::query_as(
        "SELECT j.* FROM zoom_jobs j JOIN sessions s ON s.id = j.session_id
          WHERE j.kind = 'ensure_meeting' AND s.user_id = $1 AND s.status = 'scheduled'
            AND s.starts_at < $2 AND s.starts_at + s.duration_minutes * 60000 > $3",
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
pub async fn unpark_for_user(db: &Db, user_id: UserId, now: i64) -> sqlx::Result<u64> {
    Ok(
        sqlx::query("UPDATE zoom_jobs SET next_attempt_at = $1 WHERE user_id = $2 AND next_attempt_at IS NULL")
            .bind(now)
            .bind(user_id)
            .execute(db)
            .await?
            .rows_affected(),
    )
}

/// Deletions parked until the practitioner reconnects Zoom (the meetings stay live in Zoom until then), with the
/// session each belonged to: `(meeting_id, session_id, client_name, starts_at, created_at)`.
pub async fn parked_deletions(
    db: &Db,
    user_id: UserId,
) -> sqlx::Result<Vec<(String, Option<i64>, Option<String>, Option<i64>, i64)>> {
    sqlx::query_as(
        "SELECT j.meeting_id, j.session_id, s.client_name, s.starts_at, j.created_at
           FROM zoom_jobs j LEFT JOIN sessions s ON s.id = j.session_id
          WHERE j.user_id = $1 AND j.kind = 'delete_meeting' AND j.next_attempt_at IS NULL AND j.meeting_id IS NOT NULL
          ORDER BY j.created_at, j.id",
    )
    .bind(user_id)
    .fetch_all(db)
    .await
}
