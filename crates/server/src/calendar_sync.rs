//! The connected calendar: BetterBeing writes each session's event into the practitioner's own calendar within
//! seconds of a change, instead of waiting for the calendar app to re-read the subscription feed (Google: 8–24 h).
//!
//! How it holds together:
//! - The session logic only ever calls [`enqueue`], in the same transaction that changes a session (create,
//!   reschedule, new Zoom link, cancel), and then wakes the worker. It knows nothing about calendar servers.
//! - The queue (`db::calendar_sync`) holds one job per session: "make this session's event match the session". The
//!   job reads the session when it runs, so several quick changes make one write, a change during a run raises the
//!   job's version and runs it again, and a cancel turns the job into a deletion. Attempts are counted before the
//!   server is called; failures retry with backoff (same policy as Zoom work) or, when only the practitioner can fix
//!   them (password refused, calendar deleted), wait parked until they do.
//! - One resource per session (`bb-<session ref>.ics` in the chosen calendar) with a stable UID: a write whose
//!   answer was lost can only ever overwrite that same resource, so an event is never duplicated. Creates use
//!   `If-None-Match: *`, updates `If-Match` with the stored ETag.
//! - [`Connector`] is where a provider plugs in: CalDAV today; Google Calendar and Microsoft 365 would be further
//!   variants with their own write/remove (see docs/CALENDAR_SYNC.md).
//!
//! Edited in the calendar app (a 412 on `If-Match`): the session in BetterBeing is the source of truth for the
//! events it writes. The event is read again and rewritten with the session's time, title and links (SEQUENCE above
//! the calendar's), so the client's link in the practitioner's calendar is never stale. An event deleted in the
//! calendar app is written again at the session's next change. A cancelled session's event is deleted whatever was
//! edited.

pub mod caldav;

use std::sync::Arc;
use std::time::Duration;

use api::calendar_sync::{
    CalDavCredentials, CalendarChoice, CalendarConnection, CalendarProvider, CalendarState, CalendarSync, CalendarTest,
};
use api::error::ErrorCode;
use chrono::DateTime;
use secrecy::SecretString;
use sqlx::{Any, Transaction};
use tokio::sync::{Notify, Semaphore};
use url::Url;

use crate::calendar_feed;
use crate::clock::Clock;
use crate::crypto::{random_token, Keyring};
use crate::db::calendar_sync::{self as store, ConnectionRow, EventRow, JobRow, NewConnection, State};
use crate::db::sessions as session_rows;
use crate::db::vocab::SessionStatus;
use crate::db::{begin_write, Db};
use crate::error::ApiError;
use crate::ids::{SessionId, UserId};
use caldav::{CalDav, CalDavError, FoundCalendar, Precondition, UrlRule};

/// How the connected calendar runs.
#[derive(Debug, Clone)]
pub struct SyncSettings {
    /// Allow calendar servers on loopback and private addresses, over plain http too (a local Radicale in the demo
    /// and the tests). Off in production: a practitioner cannot make the server reach into its own network.
    pub allow_private: bool,
    /// Each request to a calendar server.
    pub timeout: Duration,
    /// First retry delay (then ×3 per attempt, at most an hour).
    pub retry_base: Duration,
    pub lease: Duration,
    pub concurrency: usize,
    /// Each event carries its session's stable link beside the Zoom link.
    pub links: crate::session_link::SessionLinks,
}

/// Queues the push of this session's event (in the caller's transaction); false if no calendar is connected.
pub async fn enqueue(
    tx: &mut Transaction<'_, Any>,
    user_id: UserId,
    session_id: SessionId,
    now: i64,
) -> sqlx::Result<bool> {
    store::enqueue(tx, user_id, session_id, now).await
}

fn secret_aad(user_id: UserId) -> String {
    format!("calendar_connection:{user_id}")
}

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

#[derive(Clone)]
pub struct CalendarPush {
    db: Db,
    keys: Keyring,
    clock: Clock,
    http: reqwest::Client,
    settings: SyncSettings,
    permits: Arc<Semaphore>,
    wake: Arc<Notify>,
    attempt_ended: Arc<Notify>,
}

fn host_of(url: &str) -> String {
    Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| url.to_string())
}

/// The practitioner-facing account of a CalDAV failure while connecting or testing.
fn explain(error: &CalDavError, server_url: &str) -> (ErrorCode, String) {
    let host = host_of(server_url);
    match error {
        CalDavError::Unauthorized => (
            ErrorCode::CalendarAuthFailed,
            format!(
                "{host} did not accept this username and password. Apple iCloud and Fastmail need an app-specific \
                 password, not your account password: create one in your account's security settings and try again."
            ),
        ),
        CalDavError::Unreachable(why) => (
            ErrorCode::CalendarUnreachable,
            format!("BetterBeing could not reach {host} ({why}). Check the server URL and try again in a moment."),
        ),
        CalDavError::NotCalDav | CalDavError::Refused(_) => (
            ErrorCode::CalendarNotCaldav,
            format!(
                "{server_url} does not answer as a CalDAV server. Use your provider's CalDAV address, for example \
                 https://caldav.icloud.com for iCloud, https://caldav.fastmail.com for Fastmail or \
                 https://<your server>/remote.php/dav for Nextcloud."
            ),
        ),
        CalDavError::CalendarGone => (
            ErrorCode::CalendarGone,
            "The calendar BetterBeing writes to is no longer on the server. Connect again and pick a calendar."
                .to_string(),
        ),
        CalDavError::PreconditionFailed => (
            ErrorCode::CalendarRefused,
            format!("{host} refused the request. Try again in a moment."),
        ),
        CalDavError::UrlRefused(why) => (ErrorCode::CalendarUrlInvalid, why.clone()),
    }
}

impl CalendarPush {
    pub fn new(db: Db, keys: Keyring, clock: Clock, settings: SyncSettings) -> Self {
        CalendarPush {
            db,
            keys,
            clock,
            http: caldav::http_client(settings.timeout),
            permits: Arc::new(Semaphore::new(settings.concurrency.max(1))),
            settings,
            wake: Arc::default(),
            attempt_ended: Arc::default(),
        }
    }

    fn rule(&self) -> UrlRule {
        UrlRule {
            allow_private: self.settings.allow_private,
        }
    }

    /// Wakes the worker: a session change was committed with a push queued.
    pub fn poke(&self) {
        self.wake.notify_one();
    }

    fn client(&self, row: &ConnectionRow) -> Result<CalDav, ApiError> {
        let password = self
            .keys
            .decrypt(&row.secret_enc, &secret_aad(row.user_id))
            .map_err(|e| ApiError::Internal(e.into()))?;
        Ok(CalDav::new(
            self.http.clone(),
            self.rule(),
            &row.username,
            SecretString::from(password),
        ))
    }

    async fn view(&self, row: &ConnectionRow) -> Result<CalendarConnection, ApiError> {
        let calendars: Vec<CalendarChoice> = serde_json::from_str(&row.calendars).unwrap_or_default();
        let waiting = store::waiting(&self.db, row.user_id).await?;
        let retrying_because = match row.state {
            State::Connected if waiting > 0 => store::last_error(&self.db, row.user_id).await?,
            _ => None,
        };
        Ok(CalendarConnection {
            provider: CalendarProvider::CalDav,
            server_url: row.server_url.clone(),
            username: row.username.clone(),
            state: match row.state {
                State::Choosing => CalendarState::Choosing,
                State::Connected => CalendarState::Connected,
                State::Failed => CalendarState::Failed,
            },
            calendars,
            calendar: row.calendar_url.clone().map(|url| CalendarChoice {
                url,
                name: row.calendar_name.clone().unwrap_or_default(),
            }),
            problem: row.problem.clone(),
            waiting: waiting.max(0) as u32,
            retrying_because,
            last_pushed_at: row.last_pushed_at.and_then(DateTime::from_timestamp_millis),
        })
    }

    async fn connection_view(&self, user_id: UserId) -> Result<CalendarConnection, ApiError> {
        let row = store::connection(&self.db, user_id).await?.ok_or_else(not_connected)?;
        self.view(&row).await
    }

    pub async fn status(&self, user_id: UserId) -> Result<CalendarSync, ApiError> {
        let connection = match store::connection(&self.db, user_id).await? {
            Some(row) => Some(self.view(&row).await?),
            None => None,
        };
        Ok(CalendarSync { connection })
    }

    /// Checks the account and discovers its calendars; stores the credentials (encrypted) only if the server
    /// accepted them and has a calendar for events.
    pub async fn connect_caldav(
        &self,
        user_id: UserId,
        input: &CalDavCredentials,
    ) -> Result<CalendarConnection, ApiError> {
        let server = parse_server_url(&input.server_url)?;
        let username = input.username.trim();
        if username.is_empty() || username.chars().count() > 320 {
            return Err(ApiError::refused(
                ErrorCode::CalendarAuthFailed,
                "Enter the username of your calendar account (often your email address).",
            ));
        }
        if input.password.is_empty() || input.password.len() > 1024 {
            return Err(ApiError::refused(
                ErrorCode::CalendarAuthFailed,
                "Enter the app-specific password of your calendar account.",
            ));
        }
        self.rule()
            .check(&server)
            .map_err(|e| refused_as(&e, server.as_str()))?;
        let client = CalDav::new(
            self.http.clone(),
            self.rule(),
            username,
            SecretString::from(input.password.clone()),
        );
        let found = client
            .discover(&server)
            .await
            .map_err(|e| refused_as(&e, server.as_str()))?;
        if found.is_empty() {
            return Err(ApiError::refused(
                ErrorCode::CalendarNoneFound,
                format!(
                    "Your account on {} has no calendar that can hold events. Create one in your calendar app, then \
                     connect again.",
                    host_of(server.as_str())
                ),
            ));
        }
        let calendars: Vec<CalendarChoice> = found
            .into_iter()
            .map(|FoundCalendar { url, name }| CalendarChoice { url, name })
            .collect();
        let secret_enc = self.keys.encrypt(&input.password, &secret_aad(user_id));
        let calendars_json = serde_json::to_string(&calendars).map_err(|e| ApiError::Internal(e.into()))?;
        store::store_choosing(
            &self.db,
            user_id,
            &NewConnection {
                provider: crate::db::vocab::CalendarProvider::CalDav,
                server_url: server.as_str(),
                username,
                secret_enc: &secret_enc,
                calendars: &calendars_json,
            },
            self.clock.now_ms(),
        )
        .await?;
        tracing::info!(%user_id, calendars = calendars.len(), "calendar account connected");
        self.connection_view(user_id).await
    }

    /// The calendar the sessions go to: every upcoming session is written to it.
    pub async fn choose(&self, user_id: UserId, url: &str) -> Result<CalendarConnection, ApiError> {
        let row = store::connection(&self.db, user_id).await?.ok_or_else(not_connected)?;
        let calendars: Vec<CalendarChoice> = serde_json::from_str(&row.calendars).unwrap_or_default();
        let Some(choice) = calendars.into_iter().find(|c| c.url == url) else {
            return Err(ApiError::refused(
                ErrorCode::CalendarNotOffered,
                "Pick one of the calendars listed for your account.",
            ));
        };
        let mut tx = begin_write(&self.db).await?;
        let queued = store::choose(&mut tx, user_id, &choice.url, &choice.name, self.clock.now_ms()).await?;
        tx.commit().await?;
        tracing::info!(%user_id, queued, "calendar chosen; upcoming sessions queued");
        self.poke();
        self.connection_view(user_id).await
    }

    /// Reaches the chosen calendar now. A problem it finds is shown on the page; one that is gone lets the
    /// waiting sessions go out.
    pub async fn test(&self, user_id: UserId) -> Result<CalendarTest, ApiError> {
        let row = store::connection(&self.db, user_id).await?.ok_or_else(not_connected)?;
        let (Some(url), Some(name)) = (row.calendar_url.clone(), row.calendar_name.clone()) else {
            return Err(not_connected());
        };
        let calendar = Url::parse(&url).map_err(|e| ApiError::Internal(e.into()))?;
        let now = self.clock.now_ms();
        match self.client(&row)?.check_calendar(&calendar).await {
            Ok(()) => {
                if store::mark_healthy(&self.db, user_id, now).await? > 0 {
                    self.poke();
                }
                Ok(CalendarTest {
                    ok: true,
                    message: format!(
                        "BetterBeing reached \u{201c}{name}\u{201d} on {} and can write your sessions to it.",
                        host_of(&row.server_url)
                    ),
                })
            }
            Err(e) => {
                let (code, message) = explain(&e, &row.server_url);
                if matches!(e, CalDavError::Unauthorized | CalDavError::CalendarGone) {
                    store::mark_failed(&self.db, user_id, code, &message, now).await?;
                }
                Ok(CalendarTest { ok: false, message })
            }
        }
    }

    pub async fn disconnect(&self, user_id: UserId) -> Result<(), ApiError> {
        store::delete_connection(&self.db, user_id).await?;
        tracing::info!(%user_id, "calendar disconnected");
        Ok(())
    }

    // ---- The queue ------------------------------------------------------------------------------------------------

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

fn not_connected() -> ApiError {
    ApiError::refused(
        ErrorCode::CalendarNotConnected,
        "No calendar is connected. Connect one on Console → Calendar sync.",
    )
}

fn refused_as(error: &CalDavError, server_url: &str) -> ApiError {
    let (code, message) = explain(error, server_url);
    ApiError::refused(code, message)
}

/// The server URL as typed: `https://` is assumed when no scheme is given.
fn parse_server_url(input: &str) -> Result<Url, ApiError> {
    let input = input.trim();
    let with_scheme = if input.contains("://") {
        input.to_string()
    } else {
        format!("https://{input}")
    };
    match Url::parse(&with_scheme) {
        Ok(url) if url.host_str().is_some_and(|h| !h.is_empty()) && !input.is_empty() => Ok(url),
        _ => Err(ApiError::refused(
            ErrorCode::CalendarUrlInvalid,
            "Enter your calendar server's address, for example https://caldav.icloud.com.",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_url_without_a_scheme_is_https_and_garbage_is_refused() {
        assert_eq!(
            parse_server_url(" caldav.fastmail.com ").unwrap().as_str(),
            "https://caldav.fastmail.com/"
        );
        assert!(parse_server_url("").is_err());
        assert!(parse_server_url("https://").is_err());
        assert!(parse_server_url("not a url at all").is_err());
    }
}
