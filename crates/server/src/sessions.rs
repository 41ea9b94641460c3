//! Sessions and their Zoom meetings. Every change is saved first, together with the Zoom work it implies (a job in
//! the persisted queue), in one transaction; the job then runs at once and, if Zoom fails, again later with backoff.
//! So Zoom trouble never loses a session, never leaves a session without a working link during a reschedule (the new
//! meeting is made before the old one is deleted), and never leaves a cancelled session's meeting alive.

pub mod jobs;
pub mod pre_session;
pub mod validation;
pub mod view;
pub mod zoom_side;

use std::sync::Arc;
use std::time::Duration;

use api::error::ErrorCode;
use api::sessions::{MissingLinks, Session, SessionInput, ZoomTimeChoice};
use chrono::{DateTime, Utc};
use secrecy::SecretString;
use tokio::sync::{Notify, Semaphore};

use crate::calendar_sync::{self, CalendarPush};
use crate::clock::Clock;
use crate::crypto::random_token;
use crate::db::connections;
use crate::db::sessions::{self as rows, SessionFields, SessionRow};
use crate::db::vocab::ConnectionStatus;
use crate::db::vocab::{JobKind, RemoteChange, RepairNotice, SessionStatus, SyncState};
use crate::db::zoom_jobs::{self, JobRow};
use crate::db::{begin_write, Db};
use crate::session_link::SessionLinks;
use crate::zoom::limits::{self, Lane, ZoomOp};
use crate::zoom::meetings::{ListedMeeting, MeetingSpec};
use crate::zoom::{Zoom, ZoomCallError};
use jobs::Next;
use validation::{Invalid, ValidSession};

/// How often a request waiting for its Zoom work looks again when the practitioner's attempt in the way may be
/// running on another server instance.
const OTHER_INSTANCE_POLL: Duration = Duration::from_millis(50);

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

#[derive(Debug)]
pub enum SessionError {
    NotFound,
    Invalid(Invalid),
    Cancelled,
    NoMeeting,
    Zoom(ZoomCallError),
    BlockedByOrganisation,
    /// "Put back" / "Use Zoom's time" when Zoom has the meeting at the session's own time.
    NotMovedInZoom,
    /// Zoom's time cannot be a session's (`Invalid` says why).
    ZoomTimeUnusable(Invalid),
    Db(sqlx::Error),
}

impl From<sqlx::Error> for SessionError {
    fn from(e: sqlx::Error) -> Self {
        SessionError::Db(e)
    }
}

#[derive(Clone)]
pub struct Calendar {
    db: Db,
    zoom: Zoom,
    /// The connected calendar: every session change queues its event's push in the same transaction.
    push: CalendarPush,
    clock: Clock,
    queue: QueueSettings,
    /// Makes each session's stable client link.
    links: SessionLinks,
    /// Bounds the attempts this process runs at once.
    permits: Arc<Semaphore>,
    /// Wakes the background worker (new work, or an attempt ended and freed a practitioner).
    wake: Arc<Notify>,
    /// Signalled whenever an attempt ends.
    attempt_ended: Arc<Notify>,
}

/// One leased attempt of a job: only this token may renew, finish or reschedule it.
struct Attempt {
    job: JobRow,
    token: String,
}

impl Attempt {
    /// Bulk work waits behind the practitioner's own (and leaves part of Zoom's daily cap to it).
    fn lane(&self) -> Lane {
        if self.job.bulk {
            Lane::Bulk
        } else {
            Lane::Interactive
        }
    }
}

/// The Zoom meeting title: neutral unless the practitioner opted in to show the client's name.
pub fn topic(client_name: &str, opt_in: bool) -> String {
    if opt_in {
        format!("Session with {client_name}").chars().take(200).collect()
    } else {
        "BetterBeing session".to_string()
    }
}

fn agenda_marker(session_ref: &str, sequence: i64) -> String {
    format!("bb-{session_ref}-{sequence}")
}

/// The meeting a session needs now. The agenda carries the session's reference for its current sequence (never the
/// client's name or notes).
fn meeting_spec(row: &SessionRow) -> MeetingSpec {
    MeetingSpec {
        topic: topic(&row.client_name, row.client_name_in_zoom_topic),
        starts_at: DateTime::from_timestamp_millis(row.starts_at).unwrap_or_default(),
        time_zone: row.time_zone.clone(),
        duration_minutes: row.duration_minutes as u32,
        agenda: format!(
            "Scheduled in BetterBeing. Reference: {}",
            agenda_marker(&row.r#ref, row.sequence)
        ),
    }
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
    fn poke_if(&self, pushed: bool) {
        if pushed {
            self.push.poke();
        }
    }

    async fn owned(&self, user_id: i64, id: i64) -> Result<SessionRow, SessionError> {
        match rows::get(&self.db, id).await? {
            Some(row) if row.user_id == user_id => Ok(row),
            _ => Err(SessionError::NotFound),
        }
    }

    pub async fn view(&self, row: &SessionRow) -> Result<Session, SessionError> {
        let job = zoom_jobs::ensure_job_of(&self.db, row.id).await?;
        Ok(view::session(row, job.as_ref(), &self.links))
    }

    pub async fn get(&self, user_id: i64, id: i64) -> Result<Session, SessionError> {
        let row = self.owned(user_id, id).await?;
        self.view(&row).await
    }

    pub async fn list(
        &self,
        user_id: i64,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Session>, SessionError> {
        let (from, to) = (from.timestamp_millis(), to.timestamp_millis());
        // Two queries whatever the number of sessions (the jobs may be read a moment later than the sessions: a
        // job that finished in between shows the session's own, newer state).
        let rows = rows::list(&self.db, user_id, from, to).await?;
        let jobs = zoom_jobs::ensure_jobs_of_listed(&self.db, user_id, from, to).await?;
        Ok(rows
            .iter()
            .map(|row| view::session(row, jobs.get(&row.id), &self.links))
            .collect())
    }

    /// What a new session's Zoom side starts as, given the practitioner's connection.
    async fn initial_sync(&self, user_id: i64) -> Result<(SyncState, bool), SessionError> {
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

    pub async fn create(&self, user_id: i64, input: &SessionInput) -> Result<Session, SessionError> {
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
    pub async fn update(&self, user_id: i64, id: i64, input: &SessionInput) -> Result<Session, SessionError> {
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
    pub async fn cancel(&self, user_id: i64, id: i64) -> Result<(), SessionError> {
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

    /// "Add Zoom link" (a session made while Zoom was not connected) and "Retry now".
    pub async fn add_link(&self, user_id: i64, id: i64) -> Result<Session, SessionError> {
        let row = self.owned(user_id, id).await?;
        if row.status == SessionStatus::Cancelled {
            return Err(SessionError::Cancelled);
        }
        self.ready_for_zoom(user_id).await?;
        let now = self.clock.now_ms();
        let mut tx = begin_write(&self.db).await?;
        let how = zoom_jobs::Ensure {
            due_at: now,
            bulk: false,
            reconcile: false,
        };
        let job = self.queue_link_in(&mut tx, user_id, id, now, how, None).await?;
        tx.commit().await?;
        if let Some(job) = job {
            self.push.poke();
            self.run_soon([job]).await;
        }
        self.get(user_id, id).await
    }

    /// Zoom may be asked for this practitioner: their organisation allows it and their connection is usable.
    async fn ready_for_zoom(&self, user_id: i64) -> Result<(), SessionError> {
        if !self.zoom.allowed_for(user_id).await? {
            return Err(SessionError::BlockedByOrganisation);
        }
        match connections::get(&self.db, user_id).await? {
            None => Err(SessionError::Zoom(ZoomCallError::NotConnected)),
            Some(c) if c.status != ConnectionStatus::Connected => Err(SessionError::Zoom(ZoomCallError::NeedsReauth)),
            Some(_) => Ok(()),
        }
    }

    /// Queues a new link for a scheduled session that has none (or whose meeting was deleted in Zoom), inside the
    /// caller's write transaction; `None` when it needs none (already linked, cancelled, another's). `waiting` is
    /// why the session waits until its job runs (work beyond today's Zoom budget), instead of "pending".
    async fn queue_link_in(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        user_id: i64,
        id: i64,
        now: i64,
        how: zoom_jobs::Ensure,
        waiting: Option<ErrorCode>,
    ) -> Result<Option<i64>, SessionError> {
        let Ok(row) = scheduled_in(tx, user_id, id).await else {
            return Ok(None);
        };
        let deleted_in_zoom = row.zoom_remote == Some(RemoteChange::Deleted);
        if row.zoom_meeting_sequence == Some(row.sequence) && row.zoom_meeting_id.is_some() && !deleted_in_zoom {
            return Ok(None);
        }
        if deleted_in_zoom {
            // "Make a new Zoom link": let go of the deleted meeting (remembered, in case Zoom recovers it) and make
            // a new one.
            if let Some(meeting) = &row.zoom_meeting_id {
                rows::release_meeting(tx, meeting, user_id, id, now).await?;
            }
            rows::clear_link(tx, id).await?;
            calendar_sync::enqueue(tx, user_id, id, now).await?;
        }
        match waiting {
            Some(code) => rows::set_sync(tx, id, SyncState::Retrying, Some(code), None).await?,
            None => rows::set_sync(tx, id, SyncState::Pending, None, None).await?,
        }
        Ok(Some(zoom_jobs::enqueue_ensure_with(tx, user_id, id, now, how).await?))
    }

    /// The meeting was moved in Zoom: put it back at the session's time (a PATCH through the queue), or move the
    /// session to the meeting's time (the link stays; calendars get the new time).
    pub async fn resolve_zoom_time(
        &self,
        user_id: i64,
        id: i64,
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
    pub async fn attention(&self, user_id: i64) -> Result<api::sessions::Attention, SessionError> {
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
                    session_id: row.id,
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

    /// The upcoming sessions "Add Zoom links" would link (soonest first), and how many of them Zoom's daily limit
    /// lets BetterBeing link today.
    pub async fn missing_links(&self, user_id: i64) -> Result<MissingLinks, SessionError> {
        let ids = rows::missing_links(&self.db, user_id, self.clock.now_ms()).await?;
        let left = self
            .zoom
            .daily_budget_left(user_id, Lane::Bulk)
            .await?
            .unwrap_or(limits::daily_left(Lane::Bulk, 0, 0));
        Ok(link_plan(ids, left, self.clock.now_ms()))
    }

    /// "Add Zoom links": queues a link for every upcoming session without one, in one transaction, as bulk work
    /// (after the practitioner's own changes, within Zoom's limits): as many as today's budget allows, soonest first,
    /// are due now; the others wait for Zoom's next daily reset and say so. Answers at once with that plan.
    pub async fn add_missing_links(&self, user_id: i64) -> Result<MissingLinks, SessionError> {
        self.ready_for_zoom(user_id).await?;
        let plan = self.missing_links(user_id).await?;
        let now = self.clock.now_ms();
        let rest_from = limits::next_reset(now).timestamp_millis();
        let mut queued = Vec::new();
        let mut tx = begin_write(&self.db).await?;
        for (i, id) in plan.session_ids.iter().enumerate() {
            let today = i < plan.today as usize;
            let how = zoom_jobs::Ensure {
                due_at: if today { now } else { rest_from },
                bulk: true,
                reconcile: false,
            };
            let waiting = (!today).then_some(ErrorCode::ZoomDailyLimit);
            if self
                .queue_link_in(&mut tx, user_id, *id, now, how, waiting)
                .await?
                .is_some()
            {
                queued.push(*id);
            }
        }
        tx.commit().await?;
        tracing::info!(
            user_id,
            queued = queued.len(),
            today = plan.today,
            "zoom links queued for sessions without one"
        );
        self.push.poke();
        self.wake.notify_one();
        Ok(MissingLinks {
            today: plan.today.min(queued.len() as u32),
            session_ids: queued,
            ..plan
        })
    }

    /// A freshly fetched host link for Start Zoom Session. Never stored, never logged.
    pub async fn start_link(&self, user_id: i64, id: i64) -> Result<SecretString, SessionError> {
        let row = self.owned(user_id, id).await?;
        if row.status == SessionStatus::Cancelled {
            return Err(SessionError::Cancelled);
        }
        let meeting = row.zoom_meeting_id.clone().ok_or(SessionError::NoMeeting)?;
        let api = self.zoom.api().clone();
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

    /// After the practitioner switched Zoom accounts on purpose: every upcoming session gets a new meeting on the new
    /// account (its old meeting stays on the old account, which BetterBeing can no longer reach), through the queue,
    /// soonest first, within Zoom's daily cap; each carries a notice that its Zoom link changed. Returns them.
    pub async fn remake_links_after_switch(&self, user_id: i64) -> Result<Vec<i64>, SessionError> {
        let now = self.clock.now_ms();
        let mut remade = Vec::new();
        for id in rows::upcoming_with_meetings(&self.db, user_id, now).await? {
            let mut tx = begin_write(&self.db).await?;
            let Ok(row) = scheduled_in(&mut tx, user_id, id).await else {
                continue;
            };
            if row.zoom_meeting_id.is_none() {
                continue;
            }
            rows::clear_link(&mut tx, id).await?;
            rows::set_sync(&mut tx, id, SyncState::Pending, None, None).await?;
            rows::set_notice(&mut tx, id, Some(RepairNotice::RemadeAfterAccountSwitch), now).await?;
            let how = zoom_jobs::Ensure {
                due_at: now,
                bulk: true,
                reconcile: false,
            };
            zoom_jobs::enqueue_ensure_with(&mut tx, user_id, id, now, how).await?;
            calendar_sync::enqueue(&mut tx, user_id, id, now).await?;
            tx.commit().await?;
            remade.push(id);
        }
        tracing::info!(
            user_id,
            sessions = remade.len(),
            "new meetings queued after a zoom account switch"
        );
        self.push.poke();
        self.resume_after_connect(user_id).await?;
        self.wake.notify_one();
        Ok(remade)
    }

    /// After a (re)connect: parked work becomes due again.
    pub async fn resume_after_connect(&self, user_id: i64) -> Result<(), SessionError> {
        let resumed = zoom_jobs::unpark_for_user(&self.db, user_id, self.clock.now_ms()).await?;
        if resumed > 0 {
            tracing::info!(user_id, resumed, "parked zoom work resumed");
            self.run_due().await;
        }
        Ok(())
    }

    // ---- The queue ------------------------------------------------------------------------------------------------

    /// Runs these jobs now if their practitioner's other Zoom work allows, and waits a little for them, so a healthy
    /// Zoom answers within the request. Whatever is not done by then, the background worker finishes.
    async fn run_soon(&self, jobs: impl IntoIterator<Item = i64>) {
        let deadline = tokio::time::Instant::now() + self.queue.inline_wait;
        let tasks: Vec<_> = jobs
            .into_iter()
            .map(|job_id| {
                let me = self.clone();
                tokio::spawn(async move { me.run_when_free(job_id, deadline).await })
            })
            .collect();
        for task in tasks {
            let _ = tokio::time::timeout_at(deadline, task).await;
        }
    }

    async fn run_when_free(&self, job_id: i64, deadline: tokio::time::Instant) {
        loop {
            let ended = self.attempt_ended.notified();
            tokio::pin!(ended);
            ended.as_mut().enable();
            match self.run_one(Some(job_id)).await {
                Ok(true) => return,
                Ok(false) if !self.still_waiting(job_id).await => return,
                Ok(false) => {}
                Err(e) => {
                    tracing::error!(error = %e, "running a zoom job failed");
                    return;
                }
            }
            // Another attempt of this practitioner is running: try again when one of this process's attempts ends,
            // or after a short while, since the attempt may be another instance's (its end is not signalled here).
            let retry_at = (tokio::time::Instant::now() + OTHER_INSTANCE_POLL).min(deadline);
            let _ = tokio::time::timeout_at(retry_at, ended).await;
            if tokio::time::Instant::now() >= deadline {
                self.wake.notify_one();
                return;
            }
        }
    }

    async fn still_waiting(&self, job_id: i64) -> bool {
        matches!(zoom_jobs::get(&self.db, job_id).await, Ok(Some(job)) if job.next_attempt_at.is_some_and(|at| at <= self.clock.now_ms()))
    }

    /// Claims one due job (`only` this one, if given) and runs it, with the deletions it queues; false when
    /// nothing could be claimed.
    async fn run_one(&self, only: Option<i64>) -> sqlx::Result<bool> {
        let Ok(permit) = self.permits.clone().acquire_owned().await else {
            return Ok(false);
        };
        let Some(attempt) = self.claim(only).await? else {
            return Ok(false);
        };
        self.run_claimed(attempt).await;
        drop(permit);
        self.attempt_ended();
        Ok(true)
    }

    fn attempt_ended(&self) {
        self.attempt_ended.notify_waiters();
        self.wake.notify_one();
    }

    async fn claim(&self, only: Option<i64>) -> sqlx::Result<Option<Attempt>> {
        let token = random_token();
        let now = self.clock.now_ms();
        let until = now + self.queue.lease.as_millis() as i64;
        Ok(zoom_jobs::claim(&self.db, only, &token, now, until)
            .await?
            .map(|job| Attempt { job, token }))
    }

    /// Starts every due job this process has room for, each in its own task (one per practitioner at a time);
    /// returns how many it started.
    pub async fn run_due(&self) -> usize {
        let mut started = 0;
        while let Ok(permit) = self.permits.clone().try_acquire_owned() {
            match self.claim(None).await {
                Ok(Some(attempt)) => {
                    started += 1;
                    let me = self.clone();
                    tokio::spawn(async move {
                        me.run_claimed(attempt).await;
                        drop(permit);
                        me.attempt_ended();
                    });
                }
                Ok(None) => break,
                Err(e) => {
                    tracing::error!(error = %e, "reading the zoom queue failed");
                    break;
                }
            }
        }
        started
    }

    /// Runs queued work until nothing is due and nothing is running in this process (tests drain the queue with
    /// this instead of sleeping; work due later waits for the clock to reach it).
    pub async fn drain(&self) {
        loop {
            let started = self.run_due().await;
            while self.permits.available_permits() < self.queue.concurrency.max(1) {
                let _ = tokio::time::timeout(Duration::from_millis(20), self.attempt_ended.notified()).await;
            }
            if started == 0 {
                return;
            }
        }
    }

    /// When the next queued attempt can run (`None`: nothing waits but parked work).
    pub async fn next_due_at(&self) -> sqlx::Result<Option<DateTime<Utc>>> {
        Ok(zoom_jobs::next_due_at(&self.db)
            .await?
            .and_then(DateTime::from_timestamp_millis))
    }

    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    pub fn spawn_worker(&self, every: Duration) -> tokio::task::JoinHandle<()> {
        let me = self.clone();
        tokio::spawn(async move {
            loop {
                me.run_due().await;
                tokio::select! {
                    _ = tokio::time::sleep(every) => {}
                    _ = me.wake.notified() => {}
                }
            }
        })
    }

    /// Runs a leased attempt, then the deletions it queued (a reschedule's deletion of the old meeting runs right
    /// after the new meeting is stored). The lease is renewed while Zoom is being called.
    async fn run_claimed(&self, first: Attempt) {
        let mut pending: Vec<i64> = Vec::new();
        let mut next = Some(first);
        while let Some(attempt) = next.take() {
            let renewer = self.keep_leased(&attempt);
            let outcome = self.attempt(&attempt).await;
            renewer.abort();
            match outcome {
                Ok(follow_ups) => pending.extend(follow_ups),
                Err(error) => {
                    if let Err(e) = self.after_failure(&attempt, &error).await {
                        tracing::error!(error = ?e, "recording a zoom failure failed");
                    }
                }
            }
            while next.is_none() {
                let Some(id) = pending.pop() else { break };
                match self.claim(Some(id)).await {
                    Ok(claimed) => next = claimed,
                    Err(e) => tracing::error!(error = %e, "claiming a follow-up zoom job failed"),
                }
            }
        }
    }

    fn keep_leased(&self, attempt: &Attempt) -> tokio::task::JoinHandle<()> {
        let (db, clock, lease) = (self.db.clone(), self.clock.clone(), self.queue.lease);
        let (id, token) = (attempt.job.id, attempt.token.clone());
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(lease / 3).await;
                let until = clock.now_ms() + lease.as_millis() as i64;
                match zoom_jobs::renew(&db, id, &token, until).await {
                    Ok(true) => {}
                    Ok(false) => return,
                    Err(e) => tracing::warn!(error = %e, "renewing a zoom job lease failed"),
                }
            }
        })
    }

    async fn attempt(&self, attempt: &Attempt) -> Result<Vec<i64>, ZoomCallError> {
        let job = &attempt.job;
        // Deleting is always allowed: turning Zoom access off must never leave a cancelled meeting live.
        if job.kind != JobKind::DeleteMeeting && !self.zoom.allowed_for(job.user_id).await? {
            return Err(ZoomCallError::BlockedByOrganisation);
        }
        match job.kind {
            JobKind::EnsureMeeting => self.ensure_meeting(attempt).await,
            JobKind::UpdateMeeting => self.update_meeting(attempt).await.map(|()| Vec::new()),
            JobKind::DeleteMeeting => self.delete_meeting(attempt).await.map(|()| Vec::new()),
        }
    }

    async fn after_failure(&self, attempt: &Attempt, error: &ZoomCallError) -> Result<(), sqlx::Error> {
        let job = &attempt.job;
        let decision = jobs::decide(error, job.attempts, self.clock.now(), self.queue.retry_base);
        tracing::warn!(job = job.id, kind = job.kind.as_str(), attempts = job.attempts, error = ?error, "zoom job failed");
        let (next_attempt_at, code, sync, zoom_message) = match &decision {
            Next::RetryAt { at, code } => (Some(at.timestamp_millis()), *code, SyncState::Retrying, None),
            Next::Park {
                sync,
                code,
                zoom_message,
            } => (None, *code, *sync, zoom_message.as_deref()),
        };
        let mut tx = begin_write(&self.db).await?;
        // The session's row first, then its job, in the order a cancel or an edit takes them (on PostgreSQL the
        // opposite order could deadlock with a cancel of the same session).
        if let Some(session) = job.session_id {
            rows::get_in(&mut tx, session).await?;
        }
        if !zoom_jobs::reschedule(&mut tx, job.id, &attempt.token, next_attempt_at, code.as_str()).await? {
            tracing::warn!(
                job = job.id,
                "zoom job no longer leased by this attempt; leaving it to its holder"
            );
            return Ok(());
        }
        if let (Some(session), true) = (job.session_id, job.kind != JobKind::DeleteMeeting) {
            rows::set_sync(&mut tx, session, sync, Some(code), zoom_message).await?;
        }
        if let (ZoomCallError::RateLimited { daily: true }, Some(until)) = (error, next_attempt_at) {
            // Today's budget is spent: the practitioner's other bulk work waits for the reset too, without asking
            // Zoom, and ordered by session start when it falls due.
            let held = zoom_jobs::hold_bulk_until(&mut tx, job.user_id, until, code).await?;
            if held > 0 {
                tracing::info!(user_id = job.user_id, held, "zoom work waits for the daily reset");
            }
        }
        tx.commit().await
    }

    /// Every meeting Zoom holds for this session (any time it was scheduled for), looked up by the reference in
    /// their agenda across all unexpired meetings, not only the next six months.
    async fn meetings_of(&self, row: &SessionRow, lane: Lane) -> Result<Vec<ListedMeeting>, ZoomCallError> {
        let api = self.zoom.api().clone();
        let session_prefix = format!("bb-{}-", row.r#ref);
        self.zoom
            .call(row.user_id, ZoomOp::ListMeetings, lane, |base, token| {
                let (api, prefix) = (api.clone(), session_prefix.clone());
                async move { api.meetings_with_agenda_containing(&base, &token, &prefix).await }
            })
            .await
    }

    async fn delete_in_zoom(&self, user_id: i64, meeting: &str, lane: Lane) -> Result<(), ZoomCallError> {
        let api = self.zoom.api().clone();
        self.zoom
            .call(user_id, ZoomOp::DeleteMeeting, lane, |base, token| {
                let (api, meeting) = (api.clone(), meeting.to_string());
                async move { api.delete_meeting(&base, &token, &meeting).await }
            })
            .await
    }

    /// Gives the session a meeting for its current sequence (or, once cancelled, none at all); returns the
    /// deletions it queued.
    async fn ensure_meeting(&self, attempt: &Attempt) -> Result<Vec<i64>, ZoomCallError> {
        let job = &attempt.job;
        let session_id = job
            .session_id
            .ok_or_else(|| ZoomCallError::Internal(anyhow::anyhow!("ensure job {} without a session", job.id)))?;
        let Some(row) = rows::get(&self.db, session_id).await? else {
            return self.finish(attempt).await.map(|()| Vec::new());
        };
        // An earlier attempt may have reached Zoom and lost its answer (or its server): look before acting.
        let earlier_attempts = job.attempts > 1;
        if row.status == SessionStatus::Cancelled {
            // Cancelled while a creation was in flight or after its answer was lost: delete whatever it made.
            if earlier_attempts {
                for meeting in self.meetings_of(&row, attempt.lane()).await? {
                    tracing::info!(session_id, "deleting a meeting made for a cancelled session");
                    self.delete_in_zoom(row.user_id, &meeting.id.to_string(), attempt.lane())
                        .await?;
                }
            }
            return self.finish(attempt).await.map(|()| Vec::new());
        }
        if row.zoom_meeting_sequence == Some(row.sequence) && row.zoom_meeting_id.is_some() {
            if !earlier_attempts {
                return self.finish(attempt).await.map(|()| Vec::new());
            }
            // Linked already, yet a reconcile was asked for: an attempt whose lease ended while Zoom was answering
            // may have made a meeting after another attempt linked this one. Everything else Zoom holds for the
            // session goes.
            let linked = row.zoom_meeting_id.clone();
            let strays: Vec<String> = self
                .meetings_of(&row, attempt.lane())
                .await?
                .into_iter()
                .map(|m| m.id.to_string())
                .filter(|id| Some(id) != linked.as_ref())
                .collect();
            let now = self.clock.now_ms();
            let mut tx = begin_write(&self.db).await?;
            let current_link = rows::get_in(&mut tx, session_id).await?.and_then(|c| c.zoom_meeting_id);
            if !zoom_jobs::finish(&mut tx, job.id, &attempt.token).await? {
                return Ok(Vec::new());
            }
            let mut deletions = Vec::new();
            for meeting in strays.iter().filter(|id| Some(*id) != current_link.as_ref()) {
                tracing::info!(
                    session_id,
                    "queueing the deletion of a second meeting a lost lease made"
                );
                deletions.push(
                    zoom_jobs::enqueue_for_meeting(
                        &mut tx,
                        JobKind::DeleteMeeting,
                        row.user_id,
                        Some(session_id),
                        meeting,
                        now,
                    )
                    .await?,
                );
            }
            tx.commit().await?;
            return Ok(deletions);
        }
        let sequence = row.sequence;
        let marker = agenda_marker(&row.r#ref, sequence);
        let spec = meeting_spec(&row);
        // Keep at most one meeting for the current time (the linked one if Zoom has it); every other meeting of this
        // session that a lost answer made (for this time or an earlier one) is deleted.
        let (existing, strays) = if earlier_attempts {
            let found = self.meetings_of(&row, attempt.lane()).await?;
            let keep = found
                .iter()
                .filter(|m| m.agenda.ends_with(&marker))
                .max_by_key(|m| Some(m.id.to_string()) == row.zoom_meeting_id)
                .map(|m| (m.id, m.join_url.clone()));
            let strays: Vec<String> = found
                .iter()
                .filter(|m| Some(m.id) != keep.as_ref().map(|k| k.0))
                .map(|m| m.id.to_string())
                .collect();
            (keep, strays)
        } else {
            (None, Vec::new())
        };
        let created = existing.is_none();
        let (meeting_id, join_url) = match existing {
            Some(found) => {
                tracing::info!(session_id, "adopted the meeting a lost answer had created");
                found
            }
            None => {
                let api = self.zoom.api().clone();
                let created = self
                    .zoom
                    .call(row.user_id, ZoomOp::CreateMeeting, attempt.lane(), |base, token| {
                        let (api, spec) = (api.clone(), spec.clone());
                        async move { api.create_meeting(&base, &token, &spec).await }
                    })
                    .await?;
                (created.id, created.join_url)
            }
        };
        let meeting_id = meeting_id.to_string();
        let now = self.clock.now_ms();
        let mut tx = begin_write(&self.db).await?;
        let mut pushed = false;
        let current = rows::get_in(&mut tx, session_id).await?;
        let current_link = current.as_ref().and_then(|c| c.zoom_meeting_id.clone());
        let mut to_delete: Vec<String> = strays
            .into_iter()
            .filter(|id| Some(id) != current_link.as_ref() && *id != meeting_id)
            .collect();
        let kept = match current {
            Some(s) if s.status != SessionStatus::Cancelled && s.sequence == sequence => {
                to_delete.extend(s.zoom_meeting_id.filter(|old| *old != meeting_id));
                rows::set_link(&mut tx, session_id, &meeting_id, &join_url, sequence).await?;
                pushed = calendar_sync::enqueue(&mut tx, row.user_id, session_id, now).await?;
                zoom_jobs::finish(&mut tx, job.id, &attempt.token).await?
            }
            Some(s) if s.status != SessionStatus::Cancelled => {
                // Rescheduled again while Zoom was answering: this meeting is for an old time. Delete it and go
                // round again for the new time.
                to_delete.push(meeting_id.clone());
                zoom_jobs::reschedule(&mut tx, job.id, &attempt.token, Some(now), "superseded").await?
            }
            _ => {
                // Cancelled while Zoom was answering: nothing may stay live.
                to_delete.push(meeting_id.clone());
                zoom_jobs::finish(&mut tx, job.id, &attempt.token).await?
            }
        };
        if !kept {
            // This attempt's lease ended (the process stalled past it) and another attempt may be running: leave the
            // session to it, but make sure a reconcile runs so the meeting this attempt made is adopted or deleted.
            drop(tx);
            tracing::warn!(session_id, "zoom job lease lost mid-attempt; queueing a reconcile");
            if created {
                let mut tx = begin_write(&self.db).await?;
                zoom_jobs::enqueue_ensure(&mut tx, row.user_id, session_id, now, true).await?;
                tx.commit().await?;
            }
            return Ok(Vec::new());
        }
        let mut deletions = Vec::new();
        for meeting in &to_delete {
            tracing::info!(
                session_id,
                "queueing the deletion of a meeting this session no longer uses"
            );
            deletions.push(
                zoom_jobs::enqueue_for_meeting(
                    &mut tx,
                    JobKind::DeleteMeeting,
                    row.user_id,
                    Some(session_id),
                    meeting,
                    now,
                )
                .await?,
            );
        }
        tx.commit().await?;
        self.poke_if(pushed);
        Ok(deletions)
    }

    async fn update_meeting(&self, attempt: &Attempt) -> Result<(), ZoomCallError> {
        let job = &attempt.job;
        let Some(row) = rows::get(&self.db, job.session_id.unwrap_or_default()).await? else {
            return self.finish(attempt).await;
        };
        let Some(meeting) = row
            .zoom_meeting_id
            .clone()
            .filter(|_| row.status != SessionStatus::Cancelled)
        else {
            return self.finish(attempt).await;
        };
        let spec = meeting_spec(&row);
        let api = self.zoom.api().clone();
        self.zoom
            .call(row.user_id, ZoomOp::UpdateMeeting, attempt.lane(), |base, token| {
                let (api, spec, meeting) = (api.clone(), spec.clone(), meeting.clone());
                async move { api.update_meeting(&base, &token, &meeting, &spec).await }
            })
            .await?;
        // Zoom now has the session's whole time: a move made in Zoom is undone.
        let mut tx = begin_write(&self.db).await?;
        if let Some(current) = rows::get_in(&mut tx, row.id).await? {
            let same_time = current.starts_at == row.starts_at && current.duration_minutes == row.duration_minutes;
            if same_time
                && current.zoom_meeting_id.as_deref() == Some(meeting.as_str())
                && current.zoom_remote == Some(RemoteChange::Moved)
            {
                rows::set_remote(&mut tx, row.id, None, None, None).await?;
            }
        }
        tx.commit().await?;
        self.finish(attempt).await
    }

    async fn delete_meeting(&self, attempt: &Attempt) -> Result<(), ZoomCallError> {
        let job = &attempt.job;
        let meeting = job
            .meeting_id
            .clone()
            .ok_or_else(|| ZoomCallError::Internal(anyhow::anyhow!("delete job {} without a meeting id", job.id)))?;
        self.delete_in_zoom(job.user_id, &meeting, attempt.lane()).await?;
        tracing::info!(job = job.id, "zoom meeting deleted");
        self.finish(attempt).await
    }

    async fn finish(&self, attempt: &Attempt) -> Result<(), ZoomCallError> {
        let mut tx = begin_write(&self.db).await?;
        if zoom_jobs::finish(&mut tx, attempt.job.id, &attempt.token).await? {
            tx.commit().await?;
        } else {
            tracing::warn!(job = attempt.job.id, "zoom job no longer leased by this attempt");
        }
        Ok(())
    }
}

/// The practitioner's scheduled session, read and locked inside a write transaction.
async fn scheduled_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    user_id: i64,
    id: i64,
) -> Result<SessionRow, SessionError> {
    match rows::get_in(tx, id).await? {
        Some(row) if row.user_id != user_id => Err(SessionError::NotFound),
        Some(row) if row.status == SessionStatus::Cancelled => Err(SessionError::Cancelled),
        Some(row) => Ok(row),
        None => Err(SessionError::NotFound),
    }
}

fn fields(v: &ValidSession) -> SessionFields<'_> {
    SessionFields {
        client_name: &v.client_name,
        starts_at: v.starts_at.timestamp_millis(),
        duration_minutes: v.duration_minutes as i64,
        time_zone: v.time_zone.name(),
        private_notes: &v.private_notes,
        client_name_in_zoom_topic: v.client_name_in_zoom_topic,
    }
}

/// Where "Add Zoom links" stops for the day: the first `left` sessions (soonest first) today, the rest from the next
/// 00:00 UTC.
fn link_plan(session_ids: Vec<i64>, left: i64, now: i64) -> MissingLinks {
    let today = (left.max(0) as usize).min(session_ids.len());
    MissingLinks {
        rest_from: (session_ids.len() > today).then(|| limits::next_reset(now)),
        today: today as u32,
        session_ids,
        daily_limit: limits::DAILY_MEETING_CHANGES as u32,
    }
}
