//! The job runner: one job per session ("make its event match the session"), leased, retried with backoff, parked
//! when only the practitioner can fix it. [`Connector`] is where a provider plugs in.

use std::time::Duration;

use api::error::ErrorCode;
use url::Url;

use super::caldav::{CalDav, CalDavError, Precondition};
use crate::calendar_feed;
use crate::crypto::random_token;
use crate::db::begin_write;
use crate::db::calendar_sync::{self as store, EventRow, JobRow};
use crate::db::sessions as session_rows;
use crate::db::vocab::SessionStatus;

use super::service::{host_of, CalendarPush};

/// Where a calendar provider plugs in. The job runner asks it to make one session's event be `ics` (or be gone);
/// it answers what is now stored, so a later write can be conditioned on it.
enum Connector {
    CalDav { client: CalDav, calendar: Url },
}

/// What one attempt did to the calendar.
enum Effect {
    Stored(EventRow),
    Removed,
    Nothing,
}

impl Connector {
    fn href_for(&self, session_ref: &str) -> Result<Url, CalDavError> {
        match self {
            Connector::CalDav { calendar, .. } => calendar
                .join(&format!("bb-{session_ref}.ics"))
                .map_err(|_| CalDavError::CalendarGone),
        }
    }

    /// Writes the event; on a precondition failure (edited or deleted in the calendar app, or written by an
    /// attempt whose answer was lost) reads what is there and writes over it.
    async fn write(
        &self,
        href: &Url,
        known: Option<&EventRow>,
        mut make: impl FnMut(i64) -> String,
        sequence: i64,
    ) -> Result<(Option<String>, i64), CalDavError> {
        let Connector::CalDav { client, .. } = self;
        let first = match known.and_then(|k| k.etag.as_deref()) {
            Some(etag) => client.put(href, &make(sequence), Precondition::Matches(etag)).await,
            None if known.is_some() => client.put(href, &make(sequence), Precondition::Overwrite).await,
            None => client.put(href, &make(sequence), Precondition::Create).await,
        };
        let (etag, sequence) = match first {
            Ok(etag) => (etag, sequence),
            Err(CalDavError::PreconditionFailed) => match client.get(href).await? {
                None => (client.put(href, &make(sequence), Precondition::Create).await?, sequence),
                Some((their_etag, body)) => {
                    let theirs = calendar_feed::sequence_in(&body);
                    let sequence = if theirs > sequence { theirs + 1 } else { sequence };
                    tracing::info!("calendar event changed outside BetterBeing; rewriting it from the session");
                    let when = match their_etag.as_deref() {
                        Some(etag) => Precondition::Matches(etag),
                        None => Precondition::Overwrite,
                    };
                    (client.put(href, &make(sequence), when).await?, sequence)
                }
            },
            Err(e) => return Err(e),
        };
        let etag = match etag {
            Some(etag) => Some(etag),
            None => client.get(href).await?.and_then(|(etag, _)| etag),
        };
        Ok((etag, sequence))
    }

    async fn remove(&self, href: &Url, etag: Option<&str>) -> Result<(), CalDavError> {
        let Connector::CalDav { client, .. } = self;
        match client.delete(href, etag).await {
            // Edited in the calendar app since: the session is cancelled, so its event goes anyway.
            Err(CalDavError::PreconditionFailed) => client.delete(href, None).await,
            other => other,
        }
    }
}

/// What to do after a failed attempt.
enum Next {
    RetryAt(i64, String),
    /// Only the practitioner can fix it: the connection shows `problem`; work waits until they do.
    Park {
        code: ErrorCode,
        problem: String,
    },
}

impl CalendarPush {
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

    /// Starts every due job this process has room for; answers how many started.
    pub async fn run_due(&self) -> usize {
        let mut started = 0;
        loop {
            let Ok(permit) = self.permits.clone().try_acquire_owned() else {
                break;
            };
            let token = random_token();
            let now = self.clock.now_ms();
            let until = now + self.settings.lease.as_millis() as i64;
            match store::claim(&self.db, &token, now, until).await {
                Ok(Some(job)) => {
                    started += 1;
                    let me = self.clone();
                    tokio::spawn(async move {
                        me.run(job, token).await;
                        drop(permit);
                        me.attempt_ended.notify_waiters();
                        me.wake.notify_one();
                    });
                }
                Ok(None) => break,
                Err(e) => {
                    tracing::error!(error = %e, "reading the calendar queue failed");
                    break;
                }
            }
        }
        started
    }

    /// Runs queued pushes until nothing is due and nothing runs in this process (tests wait with this).
    pub async fn drain(&self) {
        loop {
            let started = self.run_due().await;
            while self.permits.available_permits() < self.settings.concurrency.max(1) {
                let _ = tokio::time::timeout(Duration::from_millis(20), self.attempt_ended.notified()).await;
            }
            if started == 0 {
                return;
            }
        }
    }

    async fn run(&self, job: JobRow, token: String) {
        let renewer = self.keep_leased(job.id, &token);
        let outcome = self.attempt(&job).await;
        renewer.abort();
        let result = match outcome {
            Ok(effect) => self.record(&job, &token, effect).await,
            Err(error) => self.after_failure(&job, &token, &error).await,
        };
        if let Err(e) = result {
            tracing::error!(job = %job.id, error = %e, "recording a calendar push failed");
        }
    }

    fn keep_leased(&self, id: i64, token: &str) -> tokio::task::JoinHandle<()> {
        let (db, clock, lease, token) = (
            self.db.clone(),
            self.clock.clone(),
            self.settings.lease,
            token.to_string(),
        );
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(lease / 3).await;
                let until = clock.now_ms() + lease.as_millis() as i64;
                if !matches!(store::renew(&db, id, &token, until).await, Ok(true)) {
                    return;
                }
            }
        })
    }

    async fn attempt(&self, job: &JobRow) -> Result<Effect, CalDavError> {
        let db_error = |e: sqlx::Error| CalDavError::Unreachable(format!("the database: {e}"));
        let Some(row) = store::connection(&self.db, job.user_id).await.map_err(db_error)? else {
            return Ok(Effect::Nothing);
        };
        let Some(calendar) = row.calendar_url.as_deref().and_then(|u| Url::parse(u).ok()) else {
            return Ok(Effect::Nothing);
        };
        let client = self
            .client(&row)
            .map_err(|_| CalDavError::Unreachable("the stored password could not be read".into()))?;
        let connector = Connector::CalDav { client, calendar };
        let session = session_rows::get(&self.db, job.session_id).await.map_err(db_error)?;
        let known = store::event(&self.db, job.session_id).await.map_err(db_error)?;
        let Some(session) = session.clone().filter(|s| s.status != SessionStatus::Cancelled) else {
            // Cancelled (or gone): its event must go. Nothing was ever written unless an event is recorded or an
            // earlier attempt of this job may have reached the server.
            let href = match (&known, &session) {
                (Some(k), _) => Url::parse(&k.href).map_err(|_| CalDavError::CalendarGone)?,
                (None, Some(s)) if job.attempts > 1 => connector.href_for(&s.r#ref)?,
                _ => return Ok(Effect::Nothing),
            };
            connector
                .remove(&href, known.as_ref().and_then(|k| k.etag.as_deref()))
                .await?;
            return Ok(Effect::Removed);
        };
        let href = match &known {
            Some(k) => Url::parse(&k.href).map_err(|_| CalDavError::CalendarGone)?,
            None => connector.href_for(&session.r#ref)?,
        };
        // SEQUENCE rises with every reschedule of the session, from wherever the calendar's copy stood.
        let sequence = match &known {
            Some(k) => k.sequence + (session.sequence - k.session_sequence).max(0),
            None => session.sequence,
        };
        let now = self.clock.now();
        let (etag, sequence) = connector
            .write(
                &href,
                known.as_ref(),
                |seq| calendar_feed::document(&session, seq, now, &self.settings.links),
                sequence,
            )
            .await?;
        Ok(Effect::Stored(EventRow {
            href: href.to_string(),
            etag,
            sequence,
            session_sequence: session.sequence,
        }))
    }

    async fn record(&self, job: &JobRow, token: &str, effect: Effect) -> sqlx::Result<()> {
        let now = self.clock.now_ms();
        let mut tx = begin_write(&self.db).await?;
        // Disconnected meanwhile: the disconnect took the job and the events with it, so nothing is kept.
        if !store::lock_connection(&mut tx, job.user_id).await? {
            return Ok(());
        }
        match &effect {
            Effect::Stored(event) => store::store_event(&mut tx, job.user_id, job.session_id, event, now).await?,
            Effect::Removed => store::forget_event(&mut tx, job.session_id).await?,
            Effect::Nothing => {}
        }
        if store::finish(&mut tx, job, token, now).await? {
            tx.commit().await?;
        } else {
            tracing::warn!(
                job = %job.id,
                "calendar job no longer leased by this attempt; leaving it to its holder"
            );
        }
        Ok(())
    }

    async fn after_failure(&self, job: &JobRow, token: &str, error: &CalDavError) -> sqlx::Result<()> {
        let row = store::connection(&self.db, job.user_id).await?;
        let server_url = row.as_ref().map(|r| r.server_url.clone()).unwrap_or_default();
        let calendar_name = row.as_ref().and_then(|r| r.calendar_name.clone()).unwrap_or_default();
        let host = host_of(&server_url);
        let now = self.clock.now();
        let retry = |why: String| {
            let at = now + crate::sessions::retry_policy::backoff(self.settings.retry_base, job.attempts);
            Next::RetryAt(at.timestamp_millis(), why)
        };
        let next = match error {
            CalDavError::Unauthorized => Next::Park {
                code: ErrorCode::CalendarAuthFailed,
                problem: format!(
                    "{host} no longer accepts BetterBeing's password for your calendar. Connect again with a new \
                     app-specific password; your sessions go to your calendar right after."
                ),
            },
            CalDavError::CalendarGone => Next::Park {
                code: ErrorCode::CalendarGone,
                problem: format!(
                    "The calendar \u{201c}{calendar_name}\u{201d} is no longer on {host}. Connect again and pick a \
                     calendar; your sessions go to it right after."
                ),
            },
            CalDavError::UrlRefused(why) => Next::Park {
                code: ErrorCode::CalendarUrlInvalid,
                problem: why.clone(),
            },
            CalDavError::Unreachable(why) => retry(format!(
                "{host} could not be reached ({why}). BetterBeing keeps trying; your sessions are saved."
            )),
            CalDavError::NotCalDav | CalDavError::Refused(_) | CalDavError::PreconditionFailed => retry(format!(
                "{host} refused the event. BetterBeing tries again shortly; your sessions are saved."
            )),
        };
        tracing::warn!(job = %job.id, attempts = job.attempts, error = ?error, "calendar push failed");
        match next {
            Next::RetryAt(at, why) => {
                store::reschedule(&self.db, job, token, Some(at), &why).await?;
            }
            Next::Park { code, problem } => {
                store::reschedule(&self.db, job, token, None, &problem).await?;
                store::mark_failed(&self.db, job.user_id, code, &problem, now.timestamp_millis()).await?;
            }
        }
        Ok(())
    }
}
