//! Sessions on practitioners' calendars.

use api::error::ErrorCode;
use sqlx::any::AnyRow;
use sqlx::{Any, FromRow, Row, Transaction};

use super::vocab::{RemoteChange, RepairNotice, SessionStatus, SyncState};
use super::Db;
use crate::ids::{SessionId, UserId};

#[derive(Debug, Clone)]
pub struct SessionRow {
    pub id: SessionId,
    pub user_id: UserId,
    pub r#ref: String,
    /// The secret part of the session's stable link for the client (`/join/<token>`).
    pub link_token: String,
    pub client_name: String,
    pub starts_at: i64,
    pub duration_minutes: i64,
    pub time_zone: String,
    pub private_notes: String,
    pub client_name_in_zoom_topic: bool,
    pub status: SessionStatus,
    pub sequence: i64,
    pub zoom_meeting_id: Option<String>,
    pub zoom_join_url: Option<String>,
    pub zoom_meeting_sequence: Option<i64>,
    pub zoom_sync: SyncState,
    /// The stable code of a retry or a failure (`api::error::ErrorCode`'s word).
    pub zoom_sync_code: Option<ErrorCode>,
    pub zoom_sync_message: Option<String>,
    pub updated_at: i64,
    /// What happened to the meeting in Zoom itself: deleted, or moved (to `zoom_remote_starts_at` /
    /// `zoom_remote_duration`), `None` when Zoom has it as BetterBeing made it.
    pub zoom_remote: Option<RemoteChange>,
    pub zoom_remote_starts_at: Option<i64>,
    pub zoom_remote_duration: Option<i64>,
    /// Set while the meeting is running (Zoom's `meeting.started` until `meeting.ended`).
    pub zoom_started_at: Option<i64>,
    /// What a pre-session check repaired, and when.
    pub zoom_notice: Option<RepairNotice>,
    pub zoom_notice_at: Option<i64>,
}

/// The two pre-session checkpoints: how long before the start each runs, and the column that claims it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checkpoint {
    DayBefore,
    QuarterHourBefore,
}

impl Checkpoint {
    pub const ALL: [Checkpoint; 2] = [Checkpoint::DayBefore, Checkpoint::QuarterHourBefore];

    pub fn lead_ms(self) -> i64 {
        match self {
            Checkpoint::DayBefore => 24 * 3_600_000,
            Checkpoint::QuarterHourBefore => 15 * 60_000,
        }
    }

    fn column(self) -> &'static str {
        match self {
            Checkpoint::DayBefore => "zoom_checked_24h_at",
            Checkpoint::QuarterHourBefore => "zoom_checked_15m_at",
        }
    }
}

/// Sessions whose checkpoint is due: scheduled, with a meeting made for their current time, starting within the
/// checkpoint's lead and not yet checked there (soonest first).
pub async fn due_checks(db: &Db, checkpoint: Checkpoint, now: i64, limit: i64) -> sqlx::Result<Vec<SessionRow>> {
    let sql = format!(
        "SELECT * FROM sessions
          WHERE status = 'scheduled' AND zoom_meeting_id IS NOT NULL AND zoom_meeting_sequence = sequence
            AND starts_at > $1 AND starts_at - $2 <= $1 AND {} IS NULL
          ORDER BY starts_at LIMIT $3",
        checkpoint.column()
    );
    sqlx::query_as(&sql)
        .bind(now)
        .bind(checkpoint.lead_ms())
        .bind(limit)
        .fetch_all(db)
        .await
}

/// Claims a checkpoint of a session for this check (true: ours; false: another instance took it).
pub async fn claim_check(db: &Db, id: SessionId, checkpoint: Checkpoint, now: i64) -> sqlx::Result<bool> {
    let sql = format!(
        "UPDATE sessions SET {0} = $1 WHERE id = $2 AND {0} IS NULL",
        checkpoint.column()
    );
    Ok(sqlx::query(&sql).bind(now).bind(id).execute(db).await?.rows_affected() == 1)
}

/// Gives a checkpoint back (Zoom could not be asked): the next sweep tries again.
pub async fn unclaim_check(db: &Db, id: SessionId, checkpoint: Checkpoint) -> sqlx::Result<()> {
    let sql = format!("UPDATE sessions SET {} = NULL WHERE id = $1", checkpoint.column());
    sqlx::query(&sql).bind(id).execute(db).await?;
    Ok(())
}

pub async fn set_notice(
    tx: &mut Transaction<'_, Any>,
    id: SessionId,
    notice: Option<RepairNotice>,
    at: i64,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE sessions SET zoom_notice = $1, zoom_notice_at = $2 WHERE id = $3")
        .bind(notice)
        .bind(notice.map(|_| at))
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Upcoming scheduled sessions of a practitioner that need their attention because of Zoom: changed in Zoom, or
/// repaired by a pre-session check.
pub async fn needing_attention(db: &Db, user_id: UserId, now: i64) -> sqlx::Result<Vec<SessionRow>> {
    sqlx::query_as(
        "SELECT * FROM sessions
          WHERE user_id = $1 AND status = 'scheduled' AND starts_at + duration_minutes * 60000 > $2
            AND (zoom_remote IS NOT NULL OR zoom_notice IS NOT NULL)
          ORDER BY starts_at, id",
    )
    .bind(user_id)
    .bind(now)
    .fetch_all(db)
    .await
}

impl SessionRow {
    /// The join link a client can use now: none when the meeting was deleted in Zoom.
    pub fn working_join_url(&self) -> Option<&str> {
        match self.zoom_remote {
            Some(RemoteChange::Deleted) => None,
            _ => self.zoom_join_url.as_deref(),
        }
    }
}

impl FromRow<'_, AnyRow> for SessionRow {
    fn from_row(r: &AnyRow) -> sqlx::Result<Self> {
        Ok(SessionRow {
            id: r.try_get("id")?,
            user_id: r.try_get("user_id")?,
            r#ref: r.try_get("ref")?,
            link_token: r.try_get("link_token")?,
            client_name: r.try_get("client_name")?,
            starts_at: r.try_get("starts_at")?,
            duration_minutes: r.try_get("duration_minutes")?,
            time_zone: r.try_get("time_zone")?,
            private_notes: r.try_get("private_notes")?,
            client_name_in_zoom_topic: r.try_get::<i64, _>("client_name_in_zoom_topic")? == 1,
            status: r.try_get("status")?,
            sequence: r.try_get("sequence")?,
            zoom_meeting_id: r.try_get("zoom_meeting_id")?,
            zoom_join_url: r.try_get("zoom_join_url")?,
            zoom_meeting_sequence: r.try_get("zoom_meeting_sequence")?,
            zoom_sync: r.try_get("zoom_sync")?,
            zoom_sync_code: r
                .try_get::<Option<String>, _>("zoom_sync_code")?
                .map(|c| ErrorCode::parse(&c)),
            zoom_sync_message: r.try_get("zoom_sync_message")?,
            updated_at: r.try_get("updated_at")?,
            zoom_remote: r.try_get("zoom_remote")?,
            zoom_remote_starts_at: r.try_get("zoom_remote_starts_at")?,
            zoom_remote_duration: r.try_get("zoom_remote_duration")?,
            zoom_started_at: r.try_get("zoom_started_at")?,
            zoom_notice: r.try_get("zoom_notice")?,
            zoom_notice_at: r.try_get("zoom_notice_at")?,
        })
    }
}

/// The editable part of a session.
pub struct SessionFields<'a> {
    pub client_name: &'a str,
    pub starts_at: i64,
    pub duration_minutes: i64,
    pub time_zone: &'a str,
    pub private_notes: &'a str,
    pub client_name_in_zoom_topic: bool,
}

pub async fn insert(
    tx: &mut Transaction<'_, Any>,
    user_id: UserId,
    session_ref: &str,
    link_token: &str,
    f: &SessionFields<'_>,
    zoom_sync: SyncState,
    now: i64,
) -> sqlx::Result<SessionId> {
    sqlx::query_scalar(
        "INSERT INTO sessions (user_id, ref, client_name, starts_at, duration_minutes, time_zone, private_notes,
                               client_name_in_zoom_topic, status, sequence, zoom_sync, created_at, updated_at, link_token)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'scheduled', 0, $9, $10, $11, $12) RETURNING id",
    )
    .bind(user_id)
    .bind(session_ref)
    .bind(f.client_name)
    .bind(f.starts_at)
    .bind(f.duration_minutes)
    .bind(f.time_zone)
    .bind(f.private_notes)
    .bind(f.client_name_in_zoom_topic as i64)
    .bind(zoom_sync)
    .bind(now)
    .bind(now)
    .bind(link_token)
    .fetch_one(&mut **tx)
    .await
}

/// How an edit changes the session's time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeChange {
    /// Same time and length: the sequence stays.
    None,
    /// A new start: the sequence rises and the session needs a new meeting.
    Moved,
    /// Same start, another length or zone: the sequence rises (calendars see a new version), and the meeting, if it
    /// was made for the session's time, stays its meeting (it is updated in place).
    Relengthened,
}

/// Writes the edited fields.
pub async fn update_fields(
    tx: &mut Transaction<'_, Any>,
    id: SessionId,
    f: &SessionFields<'_>,
    change: TimeChange,
    now: i64,
) -> sqlx::Result<()> {
    let bump = (change != TimeChange::None) as i64;
    let keep_meeting = (change == TimeChange::Relengthened) as i64;
    sqlx::query(
        "UPDATE sessions SET client_name = $1, starts_at = $2, duration_minutes = $3, time_zone = $4, private_notes = $5,
                client_name_in_zoom_topic = $6, sequence = sequence + $7, updated_at = $8,
                zoom_meeting_sequence = CASE WHEN $10 = 1 AND zoom_meeting_sequence = sequence THEN sequence + 1
                                             ELSE zoom_meeting_sequence END
          WHERE id = $9",
    )
    .bind(f.client_name)
    .bind(f.starts_at)
    .bind(f.duration_minutes)
    .bind(f.time_zone)
    .bind(f.private_notes)
    .bind(f.client_name_in_zoom_topic as i64)
    .bind(bump)
    .bind(now)
    .bind(id)
    .bind(keep_meeting)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn get(db: &Db, id: SessionId) -> sqlx::Result<Option<SessionRow>> {
    sqlx::query_as("SELECT * FROM sessions WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await
}

/// The session a stable client link leads to.
pub async fn by_link_token(db: &Db, token: &str) -> sqlx::Result<Option<SessionRow>> {
    sqlx::query_as("SELECT * FROM sessions WHERE link_token = $1")
        .bind(token)
        .fetch_optional(db)
        .await
}

/// The session as it stands inside a write transaction, locked until the transaction ends.
pub async fn get_in(tx: &mut Transaction<'_, Any>, id: SessionId) -> sqlx::Result<Option<SessionRow>> {
    let sql = format!("SELECT * FROM sessions WHERE id = $1{}", super::for_update(tx));
    sqlx::query_as(&sql).bind(id).fetch_optional(&mut **tx).await
}

/// Scheduled sessions of `user_id` overlapping `[from, to)`.
pub async fn list(db: &Db, user_id: UserId, from: i64, to: i64) -> sqlx::Result<Vec<SessionRow>> {
    sqlx::query_as(
        "SELECT * FROM sessions
          WHERE user_id = $1 AND status = 'scheduled' AND starts_at < $2 AND starts_at + duration_minutes * 60000 > $3
          ORDER BY starts_at, id",
    )
    .bind(user_id)
    .bind(to)
    .bind(from)
    .fetch_all(db)
    .await
}

/// The scheduled session whose current meeting is `meeting_id` (Zoom's int64 id as text), locked for the rest of
/// the transaction.
pub async fn by_meeting_in(tx: &mut Transaction<'_, Any>, meeting_id: &str) -> sqlx::Result<Option<SessionRow>> {
    let sql = format!(
        "SELECT * FROM sessions WHERE zoom_meeting_id = $1 AND status = 'scheduled'{}",
        super::for_update(tx)
    );
    sqlx::query_as(&sql).bind(meeting_id).fetch_optional(&mut **tx).await
}

/// Whether some scheduled session has `meeting_id` as its current meeting (a read, no lock): most meeting events are
/// echoes of our own calls about meetings no session uses any more, and need no write transaction.
pub async fn meeting_in_use(db: &Db, meeting_id: &str) -> sqlx::Result<bool> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT id FROM sessions WHERE zoom_meeting_id = $1 AND status = 'scheduled' LIMIT 1")
            .bind(meeting_id)
            .fetch_optional(db)
            .await?;
    Ok(found.is_some())
}

/// Records what Zoom says happened to the session's meeting outside BetterBeing (`None`: nothing, it matches).
pub async fn set_remote(
    tx: &mut Transaction<'_, Any>,
    id: SessionId,
    remote: Option<RemoteChange>,
    starts_at: Option<i64>,
    duration: Option<i64>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE sessions SET zoom_remote = $1, zoom_remote_starts_at = $2, zoom_remote_duration = $3 WHERE id = $4",
    )
    .bind(remote)
    .bind(starts_at)
    .bind(duration)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The meeting started (`Some(at)`) or ended (`None`); true if a session has it as its meeting.
pub async fn set_started(db: &Db, meeting_id: &str, at: Option<i64>) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE sessions SET zoom_started_at = $1 WHERE zoom_meeting_id = $2")
        .bind(at)
        .bind(meeting_id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// "Use Zoom's time": the session takes the time its meeting has in Zoom, and the meeting counts as made for it (so
/// it is kept, not replaced). The sequence rises like any reschedule, so calendars see a new version of the event.
pub async fn follow_zoom_time(
    tx: &mut Transaction<'_, Any>,
    id: SessionId,
    starts_at: i64,
    duration_minutes: i64,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE sessions SET starts_at = $1, duration_minutes = $2, sequence = sequence + 1,
                zoom_meeting_sequence = sequence + 1, zoom_remote = NULL, zoom_remote_starts_at = NULL,
                zoom_remote_duration = NULL, updated_at = $3
          WHERE id = $4",
    )
    .bind(starts_at)
    .bind(duration_minutes)
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Remembers a meeting a session let go of after it was deleted in Zoom (see `zoom_released_meetings`).
pub async fn release_meeting(
    tx: &mut Transaction<'_, Any>,
    meeting_id: &str,
    user_id: UserId,
    session_id: SessionId,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO zoom_released_meetings (meeting_id, user_id, session_id, released_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING",
    )
    .bind(meeting_id)
    .bind(user_id)
    .bind(session_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Takes a released meeting back out of the list: its practitioner, if it was there.
pub async fn take_released(
    tx: &mut Transaction<'_, Any>,
    meeting_id: &str,
) -> sqlx::Result<Option<(UserId, Option<SessionId>)>> {
    let row: Option<(UserId, Option<SessionId>)> =
        sqlx::query_as("SELECT user_id, session_id FROM zoom_released_meetings WHERE meeting_id = $1")
            .bind(meeting_id)
            .fetch_optional(&mut **tx)
            .await?;
    if row.is_some() {
        sqlx::query("DELETE FROM zoom_released_meetings WHERE meeting_id = $1")
            .bind(meeting_id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(row)
}

/// Upcoming scheduled sessions with no link and nothing queued to make one.
pub async fn missing_links(db: &Db, user_id: UserId, now: i64) -> sqlx::Result<Vec<SessionId>> {
    sqlx::query_scalar(
        "SELECT s.id FROM sessions s
          WHERE s.user_id = $1 AND s.status = 'scheduled' AND s.starts_at + s.duration_minutes * 60000 > $2
            AND ((s.zoom_meeting_id IS NULL AND s.zoom_sync IN ('no_link', 'failed')) OR s.zoom_remote = 'deleted')
          ORDER BY s.starts_at",
    )
    .bind(user_id)
    .bind(now)
    .fetch_all(db)
    .await
}

pub async fn set_sync(
    tx: &mut Transaction<'_, Any>,
    id: SessionId,
    sync: SyncState,
    code: Option<ErrorCode>,
    message: Option<&str>,
) -> sqlx::Result<()> {
    // A cancelled session's Zoom state is final: late news from its old work never shows on it.
    sqlx::query(
        "UPDATE sessions SET zoom_sync = $1, zoom_sync_code = $2, zoom_sync_message = $3 WHERE id = $4 AND status = 'scheduled'",
    )
        .bind(sync)
        .bind(code.map(ErrorCode::as_str))
        .bind(message)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn set_link(
    tx: &mut Transaction<'_, Any>,
    id: SessionId,
    meeting_id: &str,
    join_url: &str,
    meeting_sequence: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE sessions SET zoom_meeting_id = $1, zoom_join_url = $2, zoom_meeting_sequence = $3, zoom_sync = 'in_sync',
                zoom_sync_code = NULL, zoom_sync_message = NULL, zoom_remote = NULL, zoom_remote_starts_at = NULL,
                zoom_remote_duration = NULL, zoom_started_at = NULL
          WHERE id = $4",
    )
    .bind(meeting_id)
    .bind(join_url)
    .bind(meeting_sequence)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn clear_link(tx: &mut Transaction<'_, Any>, id: SessionId) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE sessions SET zoom_meeting_id = NULL, zoom_join_url = NULL, zoom_meeting_sequence = NULL,
                zoom_remote = NULL, zoom_remote_starts_at = NULL, zoom_remote_duration = NULL, zoom_started_at = NULL
          WHERE id = $1",
    )
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Forgets the session's link if it is still `meeting_id` (a reschedule may have replaced it meanwhile); true if so.
pub async fn clear_link_if(tx: &mut Transaction<'_, Any>, id: SessionId, meeting_id: &str) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE sessions SET zoom_meeting_id = NULL, zoom_join_url = NULL, zoom_meeting_sequence = NULL,
                zoom_remote = NULL, zoom_remote_starts_at = NULL, zoom_remote_duration = NULL, zoom_started_at = NULL
          WHERE id = $1 AND zoom_meeting_id = $2 AND status = 'scheduled'",
    )
    .bind(id)
    .bind(meeting_id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn cancel(tx: &mut Transaction<'_, Any>, id: SessionId, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE sessions SET status = 'cancelled', sequence = sequence + 1, zoom_sync = 'in_sync',
                zoom_sync_code = NULL, zoom_sync_message = NULL, updated_at = $1
          WHERE id = $2",
    )
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Every scheduled session of a practitioner from `since` on (the subscription feed).
pub async fn scheduled_since(db: &Db, user_id: UserId, since: i64) -> sqlx::Result<Vec<SessionRow>> {
    sqlx::query_as(
        "SELECT * FROM sessions WHERE user_id = $1 AND status = 'scheduled' AND starts_at >= $2 ORDER BY starts_at, id",
    )
    .bind(user_id)
    .bind(since)
    .fetch_all(db)
    .await
}

/// Upcoming scheduled sessions of a practitioner that have a Zoom meeting (whatever its account).
pub async fn upcoming_with_meetings(db: &Db, user_id: UserId, now: i64) -> sqlx::Result<Vec<SessionId>> {
    sqlx::query_scalar(
        "SELECT id FROM sessions
          WHERE user_id = $1 AND status = 'scheduled' AND zoom_meeting_id IS NOT NULL
            AND starts_at + duration_minutes * 60000 > $2
          ORDER BY starts_at, id",
    )
    .bind(user_id)
    .bind(now)
    .fetch_all(db)
    .await
}
