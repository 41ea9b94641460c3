//! Sessions and their Zoom meetings. Every change is saved first, together with the Zoom work it implies (a job in
//! the persisted queue), in one transaction; the job then runs at once and, if Zoom fails, again later with backoff.
//! So Zoom trouble never loses a session, never leaves a session without a working link during a reschedule (the new
//! meeting is made before the old one is deleted), and never leaves a cancelled session's meeting alive.

pub mod jobs;
pub mod validation;
pub mod view;

use std::time::Duration;

use api::sessions::{Session, SessionInput};
use chrono::{DateTime, Utc};
use secrecy::SecretString;

use crate::crypto::random_token;
use crate::db::connections;
use crate::db::sessions::{self as rows, SessionFields, SessionRow, CANCELLED};
use crate::db::zoom_jobs::{self, JobRow, DELETE_MEETING, ENSURE_MEETING, UPDATE_MEETING};
use crate::db::{now_ms, Db};
use crate::zoom::meetings::MeetingSpec;
use crate::zoom::{Zoom, ZoomCallError};
use jobs::Next;
use validation::{Invalid, ValidSession};

const JOB_LEASE_MS: i64 = 120_000;

#[derive(Debug)]
pub enum SessionError {
    NotFound,
    Invalid(Invalid),
    Cancelled,
    NoMeeting,
    Zoom(ZoomCallError),
    BlockedByOrganisation,
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
    lease_owner: String,
    retry_base: Duration,
    inline_wait: Duration,
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
    pub fn new(db: Db, zoom: Zoom, retry_base: Duration, inline_wait: Duration) -> Self {
        Calendar {
            db,
            zoom,
            lease_owner: random_token(),
            retry_base,
            inline_wait,
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
        Ok(view::session(row, job.as_ref()))
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
        let mut out = Vec::new();
        for row in rows::list(&self.db, user_id, from.timestamp_millis(), to.timestamp_millis()).await? {
            out.push(self.view(&row).await?);
        }
        Ok(out)
    }

    /// What a new session's Zoom side starts as, given the practitioner's connection.
    async fn initial_sync(&self, user_id: i64) -> Result<(&'static str, bool), SessionError> {
        if !self.zoom.allowed_for(user_id).await? {
            return Ok(("no_link", false));
        }
        Ok(match connections::get(&self.db, user_id).await? {
            None => ("no_link", false),
            Some(c) if c.status == connections::CONNECTED => ("pending", true),
            // Saved with the reason; the queued job runs once the practitioner re-authorizes.
            Some(_) => ("failed", true),
        })
    }

    pub async fn create(&self, user_id: i64, input: &SessionInput) -> Result<Session, SessionError> {
        let valid = validation::validate(input, Utc::now(), None).map_err(SessionError::Invalid)?;
        let (sync, queue) = self.initial_sync(user_id).await?;
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        let id = rows::insert(&mut tx, user_id, &random_token(), &fields(&valid), sync, now).await?;
        let job = if queue {
            if sync == "failed" {
                let (code, message) = needs_reauth_text();
                rows::set_sync(&mut tx, id, "failed", Some(code), Some(&message)).await?;
            }
            Some(zoom_jobs::enqueue_ensure(&mut tx, user_id, id, now).await?)
        } else {
            None
        };
        tx.commit().await?;
        if let (Some(job), "pending") = (job, sync) {
            self.run_soon(job).await;
        }
        self.get(user_id, id).await
    }

    /// Edits a session. A new start, duration or zone is a reschedule: the session gets a new Zoom meeting (made
    /// before the old one is deleted). A changed meeting title alone is patched onto the existing meeting.
    pub async fn update(&self, user_id: i64, id: i64, input: &SessionInput) -> Result<Session, SessionError> {
        let row = self.owned(user_id, id).await?;
        if row.status == CANCELLED {
            return Err(SessionError::Cancelled);
        }
        let previous_start = DateTime::from_timestamp_millis(row.starts_at);
        let valid = validation::validate(input, Utc::now(), previous_start).map_err(SessionError::Invalid)?;
        let reschedule = valid.starts_at.timestamp_millis() != row.starts_at
            || valid.duration_minutes as i64 != row.duration_minutes
            || valid.time_zone.name() != row.time_zone;
        let retitle = topic(&valid.client_name, valid.client_name_in_zoom_topic)
            != topic(&row.client_name, row.client_name_in_zoom_topic);
        let has_zoom_work = row.zoom_meeting_id.is_some() || row.zoom_sync != "no_link";
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        rows::update_fields(&mut tx, id, &fields(&valid), reschedule, now).await?;
        let mut job = None;
        if reschedule && has_zoom_work {
            rows::set_sync(&mut tx, id, "pending", None, None).await?;
            job = Some(zoom_jobs::enqueue_ensure(&mut tx, user_id, id, now).await?);
        } else if retitle {
            if let Some(meeting) = &row.zoom_meeting_id {
                job = Some(
                    zoom_jobs::enqueue_for_meeting(&mut tx, UPDATE_MEETING, user_id, Some(id), meeting, now).await?,
                );
            }
        }
        tx.commit().await?;
        if let Some(job) = job {
            self.run_soon(job).await;
        }
        self.get(user_id, id).await
    }

    /// Cancels: the session leaves the calendar at once; its meeting is deleted now or, if Zoom is down, as soon as
    /// Zoom recovers.
    pub async fn cancel(&self, user_id: i64, id: i64) -> Result<(), SessionError> {
        let row = self.owned(user_id, id).await?;
        if row.status == CANCELLED {
            return Ok(());
        }
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        rows::cancel(&mut tx, id, now).await?;
        zoom_jobs::drop_session_work(&mut tx, id).await?;
        let mut job = None;
        if let Some(meeting) = &row.zoom_meeting_id {
            job = Some(zoom_jobs::enqueue_for_meeting(&mut tx, DELETE_MEETING, user_id, Some(id), meeting, now).await?);
            rows::clear_link(&mut tx, id).await?;
        }
        tx.commit().await?;
        if let Some(job) = job {
            self.run_soon(job).await;
        }
        Ok(())
    }

    /// "Add Zoom link" (a session made while Zoom was not connected) and "Retry now".
    pub async fn add_link(&self, user_id: i64, id: i64) -> Result<Session, SessionError> {
        let row = self.owned(user_id, id).await?;
        if row.status == CANCELLED {
            return Err(SessionError::Cancelled);
        }
        if !self.zoom.allowed_for(user_id).await? {
            return Err(SessionError::BlockedByOrganisation);
        }
        match connections::get(&self.db, user_id).await? {
            None => return Err(SessionError::Zoom(ZoomCallError::NotConnected)),
            Some(c) if c.status != connections::CONNECTED => {
                return Err(SessionError::Zoom(ZoomCallError::NeedsReauth))
            }
            Some(_) => {}
        }
        if row.zoom_meeting_sequence == Some(row.sequence) && row.zoom_meeting_id.is_some() {
            return self.view(&row).await;
        }
        let mut tx = self.db.begin().await?;
        rows::set_sync(&mut tx, id, "pending", None, None).await?;
        let job = zoom_jobs::enqueue_ensure(&mut tx, user_id, id, now_ms()).await?;
        tx.commit().await?;
        self.run_soon(job).await;
        self.get(user_id, id).await
    }

    pub async fn missing_links(&self, user_id: i64) -> Result<Vec<i64>, SessionError> {
        Ok(rows::missing_links(&self.db, user_id, now_ms()).await?)
    }

    pub async fn add_missing_links(&self, user_id: i64) -> Result<Vec<i64>, SessionError> {
        let ids = self.missing_links(user_id).await?;
        for id in &ids {
            self.add_link(user_id, *id).await?;
        }
        Ok(ids)
    }

    /// A freshly fetched host link for Start Zoom Session. Never stored, never logged.
    pub async fn start_link(&self, user_id: i64, id: i64) -> Result<SecretString, SessionError> {
        let row = self.owned(user_id, id).await?;
        if row.status == CANCELLED {
            return Err(SessionError::Cancelled);
        }
        let meeting = row.zoom_meeting_id.clone().ok_or(SessionError::NoMeeting)?;
        let api = self.zoom.api().clone();
        let result = self
            .zoom
            .call(user_id, |base, token| {
                let (api, meeting) = (api.clone(), meeting.clone());
                async move { api.start_url(&base, &token, &meeting).await }
            })
            .await;
        match result {
            Ok(url) => Ok(url),
            Err(ZoomCallError::Zoom { code: 3001, .. }) => {
                // The meeting was deleted in Zoom: make a new one for this session.
                let mut tx = self.db.begin().await?;
                rows::clear_link(&mut tx, id).await?;
                rows::set_sync(&mut tx, id, "pending", None, None).await?;
                let job = zoom_jobs::enqueue_ensure(&mut tx, user_id, id, now_ms()).await?;
                tx.commit().await?;
                self.run_soon(job).await;
                Err(SessionError::NoMeeting)
            }
            Err(e) => Err(SessionError::Zoom(e)),
        }
    }

    /// After a (re)connect: parked work becomes due again.
    pub async fn resume_after_connect(&self, user_id: i64) -> Result<(), SessionError> {
        let resumed = zoom_jobs::unpark_for_user(&self.db, user_id, now_ms()).await?;
        if resumed > 0 {
            tracing::info!(user_id, resumed, "parked zoom work resumed");
            self.run_due().await;
        }
        Ok(())
    }

    // ---- The queue ------------------------------------------------------------------------------------------------

    /// Runs a job in the background and waits a little for it, so a healthy Zoom answers within the request.
    async fn run_soon(&self, job_id: i64) {
        let me = self.clone();
        let task = tokio::spawn(async move { me.run(job_id).await });
        let _ = tokio::time::timeout(self.inline_wait, task).await;
    }

    /// Runs every due job once (the background worker calls this in a loop).
    pub async fn run_due(&self) {
        match zoom_jobs::due(&self.db, now_ms(), 50).await {
            Ok(ids) => {
                for id in ids {
                    self.run(id).await;
                }
            }
            Err(e) => tracing::error!(error = %e, "reading the zoom queue failed"),
        }
    }

    pub fn spawn_worker(&self, every: Duration) -> tokio::task::JoinHandle<()> {
        let me = self.clone();
        tokio::spawn(async move {
            loop {
                me.run_due().await;
                tokio::time::sleep(every).await;
            }
        })
    }

    /// Runs a job, then the jobs it queued (a reschedule's deletion of the old meeting runs right after the new
    /// meeting is stored).
    async fn run(&self, job_id: i64) {
        let mut queue = vec![job_id];
        while let Some(job_id) = queue.pop() {
            let now = now_ms();
            let job = match zoom_jobs::lease(&self.db, job_id, &self.lease_owner, now, now + JOB_LEASE_MS).await {
                Ok(Some(job)) => job,
                Ok(None) => continue,
                Err(e) => {
                    tracing::error!(error = %e, "leasing a zoom job failed");
                    continue;
                }
            };
            let blocked = job.kind != DELETE_MEETING && !self.zoom.allowed_for(job.user_id).await.unwrap_or(false);
            let outcome = match job.kind.as_str() {
                // Deleting is always allowed: turning Zoom access off must never leave a cancelled meeting live.
                _ if blocked => Err(ZoomCallError::BlockedByOrganisation),
                ENSURE_MEETING => self.ensure_meeting(&job).await,
                UPDATE_MEETING => self.update_meeting(&job).await.map(|()| Vec::new()),
                DELETE_MEETING => self.delete_meeting(&job).await.map(|()| Vec::new()),
                other => Err(ZoomCallError::Internal(format!("unknown job kind {other}"))),
            };
            match outcome {
                Ok(follow_ups) => queue.extend(follow_ups),
                Err(error) => {
                    if let Err(e) = self.after_failure(&job, &error).await {
                        tracing::error!(error = ?e, "recording a zoom failure failed");
                    }
                }
            }
        }
    }

    async fn after_failure(&self, job: &JobRow, error: &ZoomCallError) -> Result<(), sqlx::Error> {
        let decision = jobs::decide(error, job.attempts, Utc::now(), self.retry_base);
        tracing::warn!(job = job.id, kind = %job.kind, attempts = job.attempts, error = ?error, "zoom job failed");
        let mut tx = self.db.begin().await?;
        match &decision {
            Next::RetryAt { at, code, reason } => {
                zoom_jobs::reschedule(&mut tx, job.id, Some(at.timestamp_millis()), code).await?;
                if let (Some(session), true) = (job.session_id, job.kind != DELETE_MEETING) {
                    rows::set_sync(&mut tx, session, "retrying", Some(code), Some(reason)).await?;
                }
            }
            Next::Park { sync, code, message } => {
                zoom_jobs::reschedule(&mut tx, job.id, None, code).await?;
                if let (Some(session), true) = (job.session_id, job.kind != DELETE_MEETING) {
                    rows::set_sync(&mut tx, session, sync, Some(code), Some(message)).await?;
                }
            }
        }
        tx.commit().await
    }

    /// Gives the session a meeting for its current sequence; returns the deletions it queued.
    async fn ensure_meeting(&self, job: &JobRow) -> Result<Vec<i64>, ZoomCallError> {
        let session_id = job
            .session_id
            .ok_or_else(|| ZoomCallError::Internal("ensure without session".into()))?;
        let Some(row) = rows::get(&self.db, session_id).await? else {
            return self.finish(job.id).await.map(|()| Vec::new());
        };
        if row.status == CANCELLED || (row.zoom_meeting_sequence == Some(row.sequence) && row.zoom_meeting_id.is_some())
        {
            return self.finish(job.id).await.map(|()| Vec::new());
        }
        let sequence = row.sequence;
        let marker = agenda_marker(&row.r#ref, sequence);
        let spec = meeting_spec(&row);
        let api = self.zoom.api().clone();
        // A previous attempt may have created the meeting and lost Zoom's answer: look before creating again.
        // Meetings of this session for an older time whose creation answer was lost too (the session was rescheduled
        // before the retry) are deleted, so nothing of this session stays live in Zoom but its current meeting.
        let (existing, strays) = if job.attempts > 1 {
            let session_prefix = format!("bb-{}-", row.r#ref);
            let found = self
                .zoom
                .call(row.user_id, |base, token| {
                    let (api, prefix) = (api.clone(), session_prefix.clone());
                    async move { api.meetings_with_agenda_containing(&base, &token, &prefix).await }
                })
                .await?;
            let (mine, older): (Vec<_>, Vec<_>) = found.into_iter().partition(|m| m.agenda.ends_with(&marker));
            (
                mine.into_iter().next().map(|m| (m.id, m.join_url)),
                older.into_iter().map(|m| m.id.to_string()).collect(),
            )
        } else {
            (None, Vec::<String>::new())
        };
        let (meeting_id, join_url) = match existing {
            Some(found) => {
                tracing::info!(session_id, "adopted the meeting a lost answer had created");
                found
            }
            None => {
                let created = self
                    .zoom
                    .call(row.user_id, |base, token| {
                        let (api, spec) = (api.clone(), spec.clone());
                        async move { api.create_meeting(&base, &token, &spec).await }
                    })
                    .await?;
                (created.id, created.join_url)
            }
        };
        let meeting_id = meeting_id.to_string();
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        let current = rows::get_in(&mut tx, session_id).await?;
        let mut deletions = Vec::new();
        let current_link = current.as_ref().and_then(|c| c.zoom_meeting_id.clone());
        for stray in strays
            .iter()
            .filter(|id| Some(*id) != current_link.as_ref() && **id != meeting_id)
        {
            tracing::info!(session_id, "deleting a meeting a lost answer made for an earlier time");
            deletions.push(
                zoom_jobs::enqueue_for_meeting(&mut tx, DELETE_MEETING, row.user_id, Some(session_id), stray, now)
                    .await?,
            );
        }
        match current {
            Some(s) if s.status != CANCELLED && s.sequence == sequence => {
                if let Some(old) = s.zoom_meeting_id.filter(|old| *old != meeting_id) {
                    deletions.push(
                        zoom_jobs::enqueue_for_meeting(&mut tx, DELETE_MEETING, s.user_id, Some(session_id), &old, now)
                            .await?,
                    );
                }
                rows::set_link(&mut tx, session_id, &meeting_id, &join_url, sequence).await?;
                zoom_jobs::finish(&mut tx, job.id).await?;
            }
            Some(s) if s.status != CANCELLED => {
                // Rescheduled again while Zoom was answering: this meeting is for an old time. Delete it and go
                // round again for the new time.
                deletions.push(
                    zoom_jobs::enqueue_for_meeting(
                        &mut tx,
                        DELETE_MEETING,
                        s.user_id,
                        Some(session_id),
                        &meeting_id,
                        now,
                    )
                    .await?,
                );
                zoom_jobs::reschedule(&mut tx, job.id, Some(now), "superseded").await?;
            }
            _ => {
                // Cancelled while Zoom was answering: nothing may stay live.
                deletions.push(
                    zoom_jobs::enqueue_for_meeting(
                        &mut tx,
                        DELETE_MEETING,
                        row.user_id,
                        Some(session_id),
                        &meeting_id,
                        now,
                    )
                    .await?,
                );
                zoom_jobs::finish(&mut tx, job.id).await?;
            }
        }
        tx.commit().await?;
        Ok(deletions)
    }

    async fn update_meeting(&self, job: &JobRow) -> Result<(), ZoomCallError> {
        let Some(row) = rows::get(&self.db, job.session_id.unwrap_or_default()).await? else {
            return self.finish(job.id).await;
        };
        let Some(meeting) = row.zoom_meeting_id.clone().filter(|_| row.status != CANCELLED) else {
            return self.finish(job.id).await;
        };
        let spec = meeting_spec(&row);
        let api = self.zoom.api().clone();
        self.zoom
            .call(row.user_id, |base, token| {
                let (api, spec, meeting) = (api.clone(), spec.clone(), meeting.clone());
                async move { api.update_meeting(&base, &token, &meeting, &spec).await }
            })
            .await?;
        self.finish(job.id).await
    }

    async fn delete_meeting(&self, job: &JobRow) -> Result<(), ZoomCallError> {
        let meeting = job
            .meeting_id
            .clone()
            .ok_or_else(|| ZoomCallError::Internal("delete without id".into()))?;
        let api = self.zoom.api().clone();
        self.zoom
            .call(job.user_id, |base, token| {
                let (api, meeting) = (api.clone(), meeting.clone());
                async move { api.delete_meeting(&base, &token, &meeting).await }
            })
            .await?;
        tracing::info!(job = job.id, "zoom meeting deleted");
        self.finish(job.id).await
    }

    async fn finish(&self, job_id: i64) -> Result<(), ZoomCallError> {
        let mut tx = self.db.begin().await?;
        zoom_jobs::finish(&mut tx, job_id).await?;
        tx.commit().await?;
        Ok(())
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

fn needs_reauth_text() -> (&'static str, String) {
    match jobs::decide(&ZoomCallError::NeedsReauth, 1, Utc::now(), Duration::from_secs(1)) {
        Next::Park { code, message, .. } => (code, message),
        Next::RetryAt { code, reason, .. } => (code, reason),
    }
}
