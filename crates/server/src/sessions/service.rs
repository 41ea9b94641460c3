//! What a practitioner does with sessions — create, edit, cancel, add a link, follow Zoom's time, start — each saved
//! together with the Zoom work it implies, in one transaction, before anything reaches Zoom.

use std::sync::Arc;
use std::time::Duration;

use api::error::ErrorCode;
use api::sessions::{Session, SessionInput, ZoomTimeChoice};
use chrono::{DateTime, Utc};
use secrecy::SecretString;
use tokio::sync::{Notify, Semaphore};

use crate::calendar_sync::{self, CalendarPush};
use crate::clock::Clock;
use crate::crypto::random_token;
use crate::db::connections;
use crate::db::sessions::{self as rows, SessionFields, SessionRow};
use crate::db::vocab::{ConnectionStatus, JobKind, RemoteChange, RepairNotice, SessionStatus, SyncState};
use crate::db::zoom_jobs::{self};
use crate::db::{begin_write, Db};
use crate::ids::{SessionId, UserId};
use crate::session_link::SessionLinks;
use crate::zoom::limits::{Lane, ZoomOp};
use crate::zoom::{Zoom, ZoomCallError};

use super::meeting::topic;
use super::validation::{self, Invalid, ValidSession};
use super::view;

/// How the persisted Zoom queue runs.
#[derive(Debug, Clone)]
pub struct QueueSettings {
    /// First retry delay (then ×3 per attempt, at most an hour).
    pub retry_base: Duration,
    /// How long a request waits for its Zoom work before answering with "pending".
    pub inline_wait: Duration,
    /// An attempt's lease; renewed every third of it while the attempt runs, so a crashed server's work is taken
    /// over by another process (or the restarted one) within this time.
    pub lease: Duration,
    /// Attempts running at once in this process (never more than one per practitioner, across all processes).
    pub concurrency: usize,
}

/// Why a session operation did not happen. `Invalid` carries the code and words of a refused input.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("session not found")]
    NotFound,
    #[error("invalid session: {}", .0.code)]
    Invalid(Invalid),
    #[error("session cancelled")]
    Cancelled,
    #[error("session has no zoom meeting")]
    NoMeeting,
    #[error(transparent)]
    Zoom(#[from] ZoomCallError),
    #[error("zoom access is off for the organisation")]
    BlockedByOrganisation,
    /// "Put back" / "Use Zoom's time" when Zoom has the meeting at the session's own time.
    #[error("the meeting is at the session's time in zoom")]
    NotMovedInZoom,
    /// Zoom's time cannot be a session's (`Invalid` says why).
    #[error("zoom's time cannot be the session's: {}", .0.code)]
    ZoomTimeUnusable(Invalid),
    #[error("database")]
    Db(#[from] sqlx::Error),
}

#[derive(Clone)]
pub struct Calendar {
    pub(super) db: Db,
    pub(super) zoom: Zoom,
    /// The connected calendar: every session change queues its event's push in the same transaction.
    pub(super) push: CalendarPush,
    pub(super) clock: Clock,
    pub(super) queue: QueueSettings,
    /// Makes each session's stable client link.
    pub(super) links: SessionLinks,
    /// Bounds the attempts this process runs at once.
    pub(super) permits: Arc<Semaphore>,
    /// Wakes the background worker (new work, or an attempt ended and freed a practitioner).
    pub(super) wake: Arc<Notify>,
    /// Signalled whenever an attempt ends.
    pub(super) attempt_ended: Arc<Notify>,
}

impl Calendar {
    pub fn new(
        db: Db,
        zoom: Zoom,
        push: CalendarPush,
        clock: Clock,
        queue: QueueSettings,
        links: SessionLinks,
    ) -> Self {
        Calendar {
            links,
            db,
            zoom,
            push,
            clock,
            permits: Arc::new(Semaphore::new(queue.concurrency.max(1))),
            queue,
            wake: Arc::default(),
            attempt_ended: Arc::default(),
        }
    }

    /// Wakes the calendar push after a commit that queued one.
    pub(super) fn poke_if(&self, pushed: bool) {
        if pushed {
            self.push.poke();
        }
    }

    pub(super) async fn owned(&self, user_id: UserId, id: SessionId) -> Result<SessionRow, SessionError> {
        match rows::get(&self.db, id).await? {
            Some(row) if row.user_id == user_id => Ok(row),
            _ => Err(SessionError::NotFound),
        }
    }

    pub async fn view(&self, row: &SessionRow) -> Result<Session, SessionError> {
        let job = zoom_jobs::ensure_job_of(&self.db, row.id).await?;
        Ok(view::session(row, job.as_ref(), &self.links, self.clock.now()))
    }

    pub async fn get(&self, user_id: UserId, id: SessionId) -> Result<Session, SessionError> {
        let row = self.owned(user_id, id).await?;
        self.view(&row).await
    }

    pub async fn list(
        &self,
        user_id: UserId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Session>, SessionError> {
        let (from, to) = (from.timestamp_millis(), to.timestamp_millis());
        // Two queries whatever the number of sessions (the jobs may be read a moment later than the sessions: a
        // job that finished in between shows the session's own, newer state).
        let rows = rows::list(&self.db, user_id, from, to).await?;
        let jobs = zoom_jobs::ensure_jobs_of_listed(&self.db, user_id, from, to).await?;
        let now = self.clock.now();
        Ok(rows
            .iter()
            .map(|row| view::session(row, jobs.get(&row.id), &self.links, now))
            .collect())
    }

    /// What a new session's Zoom side starts as, given the practitioner's connection.
    pub(super) async fn initial_sync(&self, user_id: UserId) -> Result<(SyncState, bool), SessionError> {
        if !self.zoom.allowed_for(user_id).await? {
            return Ok((SyncState::NoLink, false));
        }
        Ok(match connections::get(&self.db, user_id).await? {
            None => (SyncState::NoLink, false),
            Some(c) if c.status == ConnectionStatus::Connected => (SyncState::Pending, true),
            // Saved with the reason; the queued job runs once the practitioner re-authorizes.
            Some(_) => (SyncState::Failed, true),
        })
    }

    pub async fn create(&self, user_id: UserId, input: &SessionInput) -> Result<Session, SessionError> {
        let valid = validation::validate(input, self.clock.now(), None).map_err(SessionError::Invalid)?;
        let (sync, queue) = self.initial_sync(user_id).await?;
        let now = self.clock.now_ms();
        let mut tx = begin_write(&self.db).await?;
        let id = rows::insert(
            &mut tx,
            user_id,
            &random_token(),
            &random_token(),
            &fields(&valid),
            sync,
            now,
        )
        .await?;
        let pushed = calendar_sync::enqueue(&mut tx, user_id, id, now).await?;
        let job = if queue {
            if sync == SyncState::Failed {
                rows::set_sync(&mut tx, id, SyncState::Failed, Some(ErrorCode::ZoomNeedsReauth), None).await?;
            }
            Some(zoom_jobs::enqueue_ensure(&mut tx, user_id, id, now, false).await?)
        } else {
            None
        };
        tx.commit().await?;
        self.poke_if(pushed);
        if let (Some(job), SyncState::Pending) = (job, sync) {
            self.run_soon([job]).await;
        }
        self.get(user_id, id).await
    }

    /// Edits a session. A new start is a reschedule: the session gets a new Zoom meeting (made before the old one is
    /// deleted), so a link sent for the old time cannot be used at the wrong time. A new length or zone at the same
    /// start, or a new meeting title, is patched onto the existing meeting: the client's link stays. A session
    /// without a link (made while Zoom was not connected) gets one when it is edited with Zoom connected, as the
    /// product doc's Getting Started promises ("Create or edit a session … a Zoom meeting link will be generated").
    pub async fn update(&self, user_id: UserId, id: SessionId, input: &SessionInput) -> Result<Session, SessionError> {
        let now = self.clock.now_ms();
        // Asked before the write lock: whether a link-less session can get a link now.
        let (link_now, _) = self.initial_sync(user_id).await?;
        let mut tx = begin_write(&self.db).await?;
        let row = scheduled_in(&mut tx, user_id, id).await?;
        let previous_start = DateTime::from_timestamp_millis(row.starts_at);
        let valid = validation::validate(input, self.clock.now(), previous_start).map_err(SessionError::Invalid)?;
        let start_changed = valid.starts_at.timestamp_millis() != row.starts_at;
        let length_changed =
            valid.duration_minutes as i64 != row.duration_minutes || valid.time_zone.name() != row.time_zone;
        let retitle = topic(&valid.client_name, valid.client_name_in_zoom_topic)
            != topic(&row.client_name, row.client_name_in_zoom_topic);
        let has_zoom_work = row.zoom_meeting_id.is_some() || row.zoom_sync != SyncState::NoLink;
        // The meeting Zoom has was made for the session's current time (not mid-reschedule, not deleted in Zoom).
        let meeting_current = row.zoom_meeting_id.is_some()
            && row.zoom_meeting_sequence == Some(row.sequence)
            && row.zoom_remote != Some(RemoteChange::Deleted);
        let change = match (start_changed, length_changed) {
            (true, _) => rows::TimeChange::Moved,
            (false, true) if meeting_current || !has_zoom_work => rows::TimeChange::Relengthened,
            // A meeting is on its way for the old length: make it again for the new one.
            (false, true) => rows::TimeChange::Moved,
            (false, false) => rows::TimeChange::None,
        };
        rows::update_fields(&mut tx, id, &fields(&valid), change, now).await?;
        let pushed = calendar_sync::enqueue(&mut tx, user_id, id, now).await?;
        let mut job = None;
        if (change == rows::TimeChange::Moved && has_zoom_work) || (!has_zoom_work && link_now == SyncState::Pending) {
            rows::set_sync(&mut tx, id, SyncState::Pending, None, None).await?;
            job = Some(zoom_jobs::enqueue_ensure(&mut tx, user_id, id, now, false).await?);
        } else if retitle || (change == rows::TimeChange::Relengthened && meeting_current) {
            if let Some(meeting) = &row.zoom_meeting_id {
                job = Some(
                    zoom_jobs::enqueue_for_meeting(&mut tx, JobKind::UpdateMeeting, user_id, Some(id), meeting, now)
                        .await?,
                );
            }
        }
        tx.commit().await?;
        self.poke_if(pushed);
        if let Some(job) = job {
            self.run_soon([job]).await;
        }
        self.get(user_id, id).await
    }

    /// Cancels: the session leaves the calendar at once; its meeting is deleted now or, if Zoom is down, as soon as
    /// Zoom recovers.
    pub async fn cancel(&self, user_id: UserId, id: SessionId) -> Result<(), SessionError> {
        let now = self.clock.now_ms();
        // Read inside the write transaction: a creation finishing meanwhile cannot slip its new link past the cancel.
        let mut tx = begin_write(&self.db).await?;
        let row = match rows::get_in(&mut tx, id).await? {
            Some(row) if row.user_id == user_id => row,
            _ => return Err(SessionError::NotFound),
        };
        if row.status == SessionStatus::Cancelled {
            return Ok(());
        }
        rows::cancel(&mut tx, id, now).await?;
        let pushed = calendar_sync::enqueue(&mut tx, user_id, id, now).await?;
        zoom_jobs::on_cancel(&mut tx, id, now).await?;
        let mut job = None;
        if let Some(meeting) = &row.zoom_meeting_id {
            job = Some(
                zoom_jobs::enqueue_for_meeting(&mut tx, JobKind::DeleteMeeting, user_id, Some(id), meeting, now)
                    .await?,
            );
            rows::clear_link(&mut tx, id).await?;
        }
        tx.commit().await?;
        self.poke_if(pushed);
        let purge = zoom_jobs::ensure_job_of(&self.db, id).await?.map(|j| j.id);
        self.run_soon(job.into_iter().chain(purge)).await;
        Ok(())
    }

    /// The meeting was moved in Zoom: put it back at the session's time (a PATCH through the queue), or move the
    /// session to the meeting's time (the link stays; calendars get the new time).
    pub async fn resolve_zoom_time(
        &self,
        user_id: UserId,
        id: SessionId,
        choice: ZoomTimeChoice,
    ) -> Result<Session, SessionError> {
        let now = self.clock.now_ms();
        let mut tx = begin_write(&self.db).await?;
        let row = scheduled_in(&mut tx, user_id, id).await?;
        let (Some(meeting), Some(RemoteChange::Moved)) = (&row.zoom_meeting_id, row.zoom_remote) else {
            return Err(SessionError::NotMovedInZoom);
        };
        match choice {
            ZoomTimeChoice::PutBack => {
                // The PATCH carries the session's whole time; the mismatch clears when Zoom has taken it.
                let job =
                    zoom_jobs::enqueue_for_meeting(&mut tx, JobKind::UpdateMeeting, user_id, Some(id), meeting, now)
                        .await?;
                tx.commit().await?;
                self.run_soon([job]).await;
            }
            ZoomTimeChoice::FollowZoom => {
                let starts_at = row.zoom_remote_starts_at.unwrap_or(row.starts_at);
                let duration = row.zoom_remote_duration.unwrap_or(row.duration_minutes);
                validation::check_zoom_time(starts_at, duration, self.clock.now())
                    .map_err(SessionError::ZoomTimeUnusable)?;
                rows::follow_zoom_time(&mut tx, id, starts_at, duration, now).await?;
                let pushed = calendar_sync::enqueue(&mut tx, user_id, id, now).await?;
                tx.commit().await?;
                self.poke_if(pushed);
            }
        }
        self.get(user_id, id).await
    }

    /// Upcoming sessions that need the practitioner because of Zoom, and meetings still to delete once Zoom is
    /// reconnected.
    pub async fn attention(&self, user_id: UserId) -> Result<api::sessions::Attention, SessionError> {
        use api::sessions::{AttentionItem, AttentionReason, PendingDeletion};
        let instant = |ms: i64| DateTime::from_timestamp_millis(ms).unwrap_or_default();
        let sessions = rows::needing_attention(&self.db, user_id, self.clock.now_ms())
            .await?
            .into_iter()
            .filter_map(|row| {
                let reason = match (row.zoom_remote, row.zoom_notice) {
                    (Some(RemoteChange::Deleted), _) => AttentionReason::DeletedInZoom,
                    (Some(RemoteChange::Moved), _) => AttentionReason::MovedInZoom,
                    (_, Some(RepairNotice::RemadeAfterDeletion)) => AttentionReason::RemadeAfterDeletion,
                    (_, Some(RepairNotice::RemadeAfterAccountSwitch)) => AttentionReason::RemadeAfterAccountSwitch,
                    _ => return None,
                };
                Some(AttentionItem {
                    session_id: row.id.0,
                    client_name: row.client_name,
                    starts_at: instant(row.starts_at),
                    reason,
                })
            })
            .collect();
        let pending_deletions = zoom_jobs::parked_deletions(&self.db, user_id)
            .await?
            .into_iter()
            .map(
                |(meeting_id, session_id, client_name, starts_at, since)| PendingDeletion {
                    meeting_id,
                    session_id,
                    client_name,
                    starts_at: starts_at.map(instant),
                    since: instant(since),
                },
            )
            .collect();
        Ok(api::sessions::Attention {
            sessions,
            pending_deletions,
        })
    }

    /// A freshly fetched host link for Start Zoom Session. Never stored, never logged.
    pub async fn start_link(&self, user_id: UserId, id: SessionId) -> Result<SecretString, SessionError> {
        let row = self.owned(user_id, id).await?;
        if row.status == SessionStatus::Cancelled {
            return Err(SessionError::Cancelled);
        }
        let meeting = row.zoom_meeting_id.clone().ok_or(SessionError::NoMeeting)?;
        let api = self.zoom.rest().clone();
        let result = self
            .zoom
            .call(user_id, ZoomOp::GetMeeting, Lane::Interactive, |base, token| {
                let (api, meeting) = (api.clone(), meeting.clone());
                async move { api.start_url(&base, &token, &meeting).await }
            })
            .await;
        match result {
            Ok(url) => Ok(url),
            Err(ZoomCallError::Zoom { code: 3001, .. }) => {
                // The meeting is gone in Zoom: make a new one for this session, unless a reschedule replaced (and
                // deleted) it while Zoom was answering, and the session already has its next meeting. The new
                // attempt looks at Zoom's meetings first, so it adopts rather than duplicates what is there.
                let mut tx = begin_write(&self.db).await?;
                if rows::clear_link_if(&mut tx, id, &meeting).await? {
                    rows::set_sync(&mut tx, id, SyncState::Pending, None, None).await?;
                    let now = self.clock.now_ms();
                    let job = zoom_jobs::enqueue_ensure(&mut tx, user_id, id, now, true).await?;
                    let pushed = calendar_sync::enqueue(&mut tx, user_id, id, now).await?;
                    tx.commit().await?;
                    self.poke_if(pushed);
                    self.run_soon([job]).await;
                } else {
                    tx.commit().await?;
                }
                Err(SessionError::NoMeeting)
            }
            Err(e) => Err(SessionError::Zoom(e)),
        }
    }
}

/// The practitioner's scheduled session, read and locked inside a write transaction.
pub(super) async fn scheduled_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    user_id: UserId,
    id: SessionId,
) -> Result<SessionRow, SessionError> {
    match rows::get_in(tx, id).await? {
        Some(row) if row.user_id != user_id => Err(SessionError::NotFound),
        Some(row) if row.status == SessionStatus::Cancelled => Err(SessionError::Cancelled),
        Some(row) => Ok(row),
        None => Err(SessionError::NotFound),
    }
}

pub(super) fn fields(v: &ValidSession) -> SessionFields<'_> {
    SessionFields {
        client_name: &v.client_name,
        starts_at: v.starts_at.timestamp_millis(),
        duration_minutes: v.duration_minutes as i64,
        time_zone: v.time_zone.name(),
        private_notes: &v.private_notes,
        client_name_in_zoom_topic: v.client_name_in_zoom_topic,
    }
}
