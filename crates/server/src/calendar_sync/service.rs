//! The connected calendar's service: its settings, the `CalendarPush` handle the rest of the server holds, and
//! [`enqueue`], the one call the session logic makes (in the transaction that changes a session).

use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;
use sqlx::{Any, Transaction};
use tokio::sync::{Notify, Semaphore};
use url::Url;

use super::caldav::{CalDav, UrlRule};
use crate::clock::Clock;
use crate::crypto::Keyring;
use crate::db::calendar_sync::{self as store, ConnectionRow};
use crate::db::Db;
use crate::error::ApiError;
use crate::ids::{SessionId, UserId};

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

pub(super) fn secret_aad(user_id: UserId) -> String {
    format!("calendar_connection:{user_id}")
}

#[derive(Clone)]
pub struct CalendarPush {
    pub(super) db: Db,
    pub(super) keys: Keyring,
    pub(super) clock: Clock,
    pub(super) http: reqwest::Client,
    pub(super) settings: SyncSettings,
    pub(super) permits: Arc<Semaphore>,
    pub(super) wake: Arc<Notify>,
    pub(super) attempt_ended: Arc<Notify>,
}

impl CalendarPush {
    pub fn new(db: Db, keys: Keyring, clock: Clock, settings: SyncSettings) -> Self {
        CalendarPush {
            db,
            keys,
            clock,
            http: super::caldav::http_client(settings.timeout),
            permits: Arc::new(Semaphore::new(settings.concurrency.max(1))),
            settings,
            wake: Arc::default(),
            attempt_ended: Arc::default(),
        }
    }

    pub(super) fn rule(&self) -> UrlRule {
        UrlRule {
            allow_private: self.settings.allow_private,
        }
    }

    /// Wakes the worker: a session change was committed with a push queued.
    pub fn poke(&self) {
        self.wake.notify_one();
    }

    pub(super) fn client(&self, row: &ConnectionRow) -> Result<CalDav, ApiError> {
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
}

pub(super) fn host_of(url: &str) -> String {
    Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| url.to_string())
}
