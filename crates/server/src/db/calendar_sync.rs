//! The connected calendar: the practitioner's connection (credentials encrypted), the event kept there for each
//! session, and the persisted queue that writes them. One job per session ("make its event match the session"):
//! a later change of the session raises the job's `version`, so no change is lost while an attempt runs.

use api::error::ErrorCode;
use sqlx::any::AnyRow;
use sqlx::{Any, FromRow, Row, Transaction};

use super::vocab::CalendarProvider;
use super::{Backend, Db};
use crate::ids::{SessionId, UserId};

pub use super::vocab::CalendarState as State;

#[derive(Debug, Clone)]
pub struct ConnectionRow {
    pub user_id: UserId,
    pub provider: CalendarProvider,
    pub server_url: String,
    pub username: String,
    pub secret_enc: String,
    /// JSON list of `{url, name}` found by discovery.
    pub calendars: String,
    pub calendar_url: Option<String>,
    pub calendar_name: Option<String>,
    pub state: State,
    pub problem_code: Option<ErrorCode>,
    pub problem: Option<String>,
    pub last_pushed_at: Option<i64>,
}

impl FromRow<'_, AnyRow> for ConnectionRow {
    fn from_row(r: &AnyRow) -> sqlx::Result<Self> {
        Ok(ConnectionRow {
            user_id: r.try_get("user_id")?,
            provider: r.try_get("provider")?,
            server_url: r.try_get("server_url")?,
            username: r.try_get("username")?,
            secret_enc: r.try_get("secret_enc")?,
            calendars: r.try_get("calendars")?,
            calendar_url: r.try_get("calendar_url")?,
            calendar_name: r.try_get("calendar_name")?,
            state: r.try_get("state")?,
            problem_code: r
                .try_get::<Option<String>, _>("problem_code")?
                .map(|c| ErrorCode::parse(&c)),
            problem: r.try_get("problem")?,
            last_pushed_at: r.try_get("last_pushed_at")?,
        })
    }
}

pub async fn connection(db: &Db, user_id: UserId) -> sqlx::Result<Option<ConnectionRow>> {
    sqlx::query_as("SELECT * FROM calendar_connections WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(db)
        .await
}

pub struct NewConnection<'a> {
    pub provider: CalendarProvider,
    pub server_url: &'a str,
    pub username: &'a str,
    pub secret_enc: &'a str,
    pub calendars: &'a str,
}

/// Stores freshly verified credentials, waiting for the practitioner to pick a calendar. Reconnecting replaces the
/// earlier connection; the events already written stay known (same calendar, same resources).
pub async fn store_choosing(db: &Db, user_id: UserId, c: &NewConnection<'_>, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO calendar_connections (user_id, provider, server_url, username, secret_enc, calendars, state,
                                           created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'choosing', $7, $7)
         ON CONFLICT (user_id) DO UPDATE SET provider = excluded.provider, server_url = excluded.server_url,
             username = excluded.username, secret_enc = excluded.secret_enc, calendars = excluded.calendars,
             calendar_url = NULL, calendar_name = NULL, state = 'choosing', problem_code = NULL, problem = NULL,
             updated_at = excluded.updated_at",
    )
    .bind(user_id)
    .bind(c.provider)
    .bind(c.server_url)
    .bind(c.username)
    .bind(c.secret_enc)
    .bind(c.calendars)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// The practitioner picked a calendar. Events written to another calendar before are forgotten (they stay there,
/// no longer updated); every upcoming session gets a job, and parked work runs again.
pub async fn choose(
    tx: &mut Transaction<'_, Any>,
    user_id: UserId,
    calendar_url: &str,
    calendar_name: &str,
    now: i64,
) -> sqlx::Result<u64> {
    sqlx::query("DELETE FROM calendar_events WHERE user_id = $1 AND substr(href, 1, length($2)) <> $2")
        .bind(user_id)
        .bind(calendar_url)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "UPDATE calendar_connections SET calendar_url = $1, calendar_name = $2, state = 'connected',
                problem_code = NULL, problem = NULL, updated_at = $3 WHERE user_id = $4",
    )
    .bind(calendar_url)
    .bind(calendar_name)
    .bind(now)
    .bind(user_id)
    .execute(&mut **tx)
    .await?;
    let queued = sqlx::query(
        "INSERT INTO calendar_jobs (user_id, session_id, next_attempt_at, created_at)
         SELECT user_id, id, $1, $1 FROM sessions
          WHERE user_id = $2 AND status = 'scheduled' AND starts_at + duration_minutes * 60000 > $1
         ON CONFLICT (session_id) DO UPDATE SET next_attempt_at = excluded.next_attempt_at,
                                                version = calendar_jobs.version + 1",
    )
    .bind(now)
    .bind(user_id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    sqlx::query("UPDATE calendar_jobs SET next_attempt_at = $1 WHERE user_id = $2 AND next_attempt_at IS NULL")
        .bind(now)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(queued)
}

pub async fn mark_failed(db: &Db, user_id: UserId, code: ErrorCode, problem: &str, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE calendar_connections SET state = 'failed', problem_code = $1, problem = $2, updated_at = $3
          WHERE user_id = $4 AND state = 'connected'",
    )
    .bind(code.as_str())
    .bind(problem)
    .bind(now)
    .bind(user_id)
    .execute(db)
    .await?;
    Ok(())
}

/// A test of the connection succeeded: a failure recorded earlier is over, and parked work runs again.
pub async fn mark_healthy(db: &Db, user_id: UserId, now: i64) -> sqlx::Result<u64> {
    sqlx::query(
        "UPDATE calendar_connections SET state = 'connected', problem_code = NULL, problem = NULL, updated_at = $1
          WHERE user_id = $2 AND state = 'failed' AND calendar_url IS NOT NULL",
    )
    .bind(now)
    .bind(user_id)
    .execute(db)
    .await?;
    Ok(
        sqlx::query("UPDATE calendar_jobs SET next_attempt_at = $1 WHERE user_id = $2 AND next_attempt_at IS NULL")
            .bind(now)
            .bind(user_id)
            .execute(db)
            .await?
            .rows_affected(),
    )
}

/// Disconnect: the credentials, the event records and the queued work go; the events stay in the calendar.
pub async fn delete_connection(db: &Db, user_id: UserId) -> sqlx::Result<()> {
    let mut tx = super::begin_write(db).await?;
    lock_connection(&mut tx, user_id).await?;
    for table in ["calendar_jobs", "calendar_events", "calendar_connections"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE user_id = $1"))
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await
}

/// Locks the person's connection row until the transaction ends (PostgreSQL; SQLite's write lock already covers
/// it) and answers whether there is one. A disconnect and the recording of a push both take this lock first, so they
/// lock their rows in one order: the other way round (events, connection, job against job, events, connection) they
/// deadlocked on PostgreSQL and the disconnect answered 500 (caught by CI).
pub async fn lock_connection(tx: &mut Transaction<'_, Any>, user_id: UserId) -> sqlx::Result<bool> {
    let sql = format!(
        "SELECT user_id FROM calendar_connections WHERE user_id = $1{}",
        super::for_update(tx)
    );
    Ok(sqlx::query(&sql)
        .bind(user_id)
        .fetch_optional(&mut **tx)
        .await?
        .is_some())
}

// ---- Events ---------------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
pub struct EventRow {
    pub href: String,
    pub etag: Option<String>,
    pub sequence: i64,
    pub session_sequence: i64,
}

impl FromRow<'_, AnyRow> for EventRow {
    fn from_row(r: &AnyRow) -> sqlx::Result<Self> {
        Ok(EventRow {
            href: r.try_get("href")?,
            etag: r.try_get("etag")?,
            sequence: r.try_get("sequence")?,
            session_sequence: r.try_get("session_sequence")?,
        })
    }
}

pub async fn event(db: &Db, session_id: SessionId) -> sqlx::Result<Option<EventRow>> {
    sqlx::query_as("SELECT href, etag, sequence, session_sequence FROM calendar_events WHERE session_id = $1")
        .bind(session_id)
        .fetch_optional(db)
        .await
}

pub async fn store_event(
    tx: &mut Transaction<'_, Any>,
    user_id: UserId,
    session_id: SessionId,
    event: &EventRow,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO calendar_events (session_id, user_id, href, etag, sequence, session_sequence, pushed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (session_id) DO UPDATE SET href = excluded.href, etag = excluded.etag,
             sequence = excluded.sequence, session_sequence = excluded.session_sequence,
             pushed_at = excluded.pushed_at",
    )
    .bind(session_id)
    .bind(user_id)
    .bind(&event.href)
    .bind(&event.etag)
    .bind(event.sequence)
    .bind(event.session_sequence)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE calendar_connections SET last_pushed_at = $1 WHERE user_id = $2")
        .bind(now)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn forget_event(tx: &mut Transaction<'_, Any>, session_id: SessionId) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM calendar_events WHERE session_id = $1")
        .bind(session_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

// ---- The queue ------------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
pub struct JobRow {
    pub id: i64,
    pub user_id: UserId,
    pub session_id: SessionId,
    pub version: i64,
    pub attempts: i64,
}

impl FromRow<'_, AnyRow> for JobRow {
    fn from_row(r: &AnyRow) -> sqlx::Result<Self> {
        Ok(JobRow {
            id: r.try_get("id")?,
            user_id: r.try_get("user_id")?,
            session_id: r.try_get("session_id")?,
            version: r.try_get("version")?,
            attempts: r.try_get("attempts")?,
        })
    }
}

/// Queues "make this session's event match it", due now, in the transaction that changed the session, if the
/// practitioner has a calendar connected (a failed connection's work is parked until they fix it). Returns whether
/// a job was queued.
pub async fn enqueue(
    tx: &mut Transaction<'_, Any>,
    user_id: UserId,
    session_id: SessionId,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO calendar_jobs (user_id, session_id, next_attempt_at, created_at)
         SELECT c.user_id, $2, CASE WHEN c.state = 'connected' THEN $3 END, $3
           FROM calendar_connections c WHERE c.user_id = $1 AND c.calendar_url IS NOT NULL
         ON CONFLICT (session_id) DO UPDATE SET version = calendar_jobs.version + 1,
                                                next_attempt_at = excluded.next_attempt_at",
    )
    .bind(user_id)
    .bind(session_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Leases one due job, the oldest first. The attempt is counted before the calendar server is called, so a lost
/// answer is known to the next run. On PostgreSQL two instances never take the same job (`SKIP LOCKED`).
pub async fn claim(db: &Db, token: &str, now: i64, until: i64) -> sqlx::Result<Option<JobRow>> {
    let lock = match Backend::of(db) {
        Backend::Sqlite => "",
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
    };
    sqlx::query_as(&format!(
        "UPDATE calendar_jobs SET lease_owner = $1, lease_until = $2, attempts = attempts + 1
          WHERE id = (SELECT id FROM calendar_jobs
                       WHERE next_attempt_at IS NOT NULL AND next_attempt_at <= $3
                         AND (lease_until IS NULL OR lease_until <= $3)
                       ORDER BY next_attempt_at, id LIMIT 1{lock})
          RETURNING id, user_id, session_id, version, attempts"
    ))
    .bind(token)
    .bind(until)
    .bind(now)
    .fetch_optional(db)
    .await
}

/// Ends a successful attempt: the job goes if the session has not changed since it was claimed; otherwise it stays,
/// due now, for the newer version. False if the lease is no longer this attempt's (nothing done).
pub async fn finish(tx: &mut Transaction<'_, Any>, job: &JobRow, token: &str, now: i64) -> sqlx::Result<bool> {
    let deleted = sqlx::query("DELETE FROM calendar_jobs WHERE id = $1 AND lease_owner = $2 AND version = $3")
        .bind(job.id)
        .bind(token)
        .bind(job.version)
        .execute(&mut **tx)
        .await?;
    if deleted.rows_affected() == 1 {
        return Ok(true);
    }
    let released = sqlx::query(
        "UPDATE calendar_jobs SET lease_owner = NULL, lease_until = NULL, attempts = 0, next_attempt_at = $1
          WHERE id = $2 AND lease_owner = $3",
    )
    .bind(now)
    .bind(job.id)
    .bind(token)
    .execute(&mut **tx)
    .await?;
    Ok(released.rows_affected() == 1)
}

/// Schedules the next attempt (`None` parks it until the practitioner fixes the connection) and releases the lease.
pub async fn reschedule(
    db: &Db,
    job: &JobRow,
    token: &str,
    next_attempt_at: Option<i64>,
    error: &str,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE calendar_jobs SET next_attempt_at = $1, last_error = $2, lease_owner = NULL, lease_until = NULL
          WHERE id = $3 AND lease_owner = $4",
    )
    .bind(next_attempt_at)
    .bind(error)
    .bind(job.id)
    .bind(token)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn renew(db: &Db, id: i64, token: &str, until: i64) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE calendar_jobs SET lease_until = $1 WHERE id = $2 AND lease_owner = $3")
        .bind(until)
        .bind(id)
        .bind(token)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Sessions whose event has not reached the calendar yet (queued, retrying or parked).
pub async fn waiting(db: &Db, user_id: UserId) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM calendar_jobs WHERE user_id = $1")
        .bind(user_id)
        .fetch_one(db)
        .await
}

/// The last error of a job still waiting (retrying), if any, for the sync page.
pub async fn last_error(db: &Db, user_id: UserId) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(
        "SELECT last_error FROM calendar_jobs WHERE user_id = $1 AND last_error IS NOT NULL ORDER BY id LIMIT 1",
    )
    .bind(user_id)
    .fetch_optional(db)
    .await
    .map(Option::flatten)
}
