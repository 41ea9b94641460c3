//! The runner of the persisted Zoom queue: claims due jobs under a lease (one attempt per practitioner at a time,
//! across instances), runs them, and records what a failure means (`retry_policy`). Requests wait here a moment for
//! their own work, so a healthy Zoom answers within the request.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::clock::Clock;
use crate::crypto::random_token;
use crate::db::begin_write;
use crate::db::sessions::{self as rows};
use crate::db::vocab::{JobKind, SyncState};
use crate::db::zoom_jobs::{self, JobRow};
use crate::zoom::limits::Lane;
use crate::zoom::ZoomCallError;

use super::retry_policy::{self, Next};
use super::service::Calendar;

/// How often a request waiting for its Zoom work looks again when the practitioner's attempt in the way may be
/// running on another server instance.
const OTHER_INSTANCE_POLL: Duration = Duration::from_millis(50);

/// One leased attempt of a job: only this token may renew, finish or reschedule it.
pub(super) struct Attempt {
    pub(super) job: JobRow,
    pub(super) token: String,
}

impl Attempt {
    /// Bulk work waits behind the practitioner's own (and leaves part of Zoom's daily cap to it).
    pub(super) fn lane(&self) -> Lane {
        if self.job.bulk {
            Lane::Bulk
        } else {
            Lane::Interactive
        }
    }
}

impl Calendar {
    /// Runs these jobs now if their practitioner's other Zoom work allows, and waits a little for them, so a healthy
    /// Zoom answers within the request. Whatever is not done by then, the background worker finishes.
    pub(super) async fn run_soon(&self, jobs: impl IntoIterator<Item = i64>) {
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

    pub(super) async fn run_when_free(&self, job_id: i64, deadline: tokio::time::Instant) {
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

    pub(super) async fn still_waiting(&self, job_id: i64) -> bool {
        matches!(zoom_jobs::get(&self.db, job_id).await, Ok(Some(job)) if job.next_attempt_at.is_some_and(|at| at <= self.clock.now_ms()))
    }

    /// Claims one due job (`only` this one, if given) and runs it, with the deletions it queues; false when
    /// nothing could be claimed.
    pub(super) async fn run_one(&self, only: Option<i64>) -> sqlx::Result<bool> {
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

    pub(super) fn attempt_ended(&self) {
        self.attempt_ended.notify_waiters();
        self.wake.notify_one();
    }

    pub(super) async fn claim(&self, only: Option<i64>) -> sqlx::Result<Option<Attempt>> {
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
    pub(super) async fn run_claimed(&self, first: Attempt) {
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

    pub(super) fn keep_leased(&self, attempt: &Attempt) -> tokio::task::JoinHandle<()> {
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

    pub(super) async fn attempt(&self, attempt: &Attempt) -> Result<Vec<i64>, ZoomCallError> {
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

    pub(super) async fn after_failure(&self, attempt: &Attempt, error: &ZoomCallError) -> Result<(), sqlx::Error> {
        let job = &attempt.job;
        let decision = retry_policy::decide(error, job.attempts, self.clock.now(), self.queue.retry_base);
        tracing::warn!(job = %job.id, kind = job.kind.as_str(), attempts = job.attempts, error = ?error, "zoom job failed");
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
                job = %job.id,
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
                tracing::info!(user_id = %job.user_id, held, "zoom work waits for the daily reset");
            }
        }
        tx.commit().await
    }

    pub(super) async fn finish(&self, attempt: &Attempt) -> Result<(), ZoomCallError> {
        let mut tx = begin_write(&self.db).await?;
        if zoom_jobs::finish(&mut tx, attempt.job.id, &attempt.token).await? {
            tx.commit().await?;
        } else {
            tracing::warn!(job = %attempt.job.id, "zoom job no longer leased by this attempt");
        }
        Ok(())
    }
}
