//! A practitioner's Zoom connection: the `Zoom` service, the connection's status (as stored, confirmed with Zoom in
//! the background or on request), disconnect, and Zoom's own word that the app was removed. Connecting is in
//! `authorization.rs`, a second account waiting to be switched to in `account_switch.rs`, the tokens and every
//! authorized call in `tokens.rs`; each adds its methods to `Zoom`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use api::zoom::{ConnectionEnded, EndedReason, ReauthReason, ZoomAccount, ZoomPlan, ZoomStatus};
use chrono::DateTime;

use super::limits::{Lane, Limits, Plan, ZoomOp};
use super::oauth::{OAuthFailure, ZoomOAuth};
use super::rest::ZoomRest;
use crate::clock::Clock;
use crate::crypto::{random_token, Keyring};
use crate::db::connections::{self, ConnectionRow};
use crate::db::vocab::ConnectionStatus;
use crate::db::{self, Db};
use crate::ids::UserId;

#[derive(Debug, thiserror::Error)]
pub enum ZoomCallError {
    #[error("zoom is not connected")]
    NotConnected,
    /// The organisation's admin has turned Zoom access off (BetterBeing's own rule, not Zoom's).
    #[error("zoom access is off for the organisation")]
    BlockedByOrganisation,
    #[error("zoom needs reauthorization")]
    NeedsReauth,
    #[error("zoom did not answer")]
    Unavailable,
    /// Zoom's rate limits (429); `daily` is the per-host 100 creates/updates a day, reset at 00:00 UTC.
    #[error("zoom rate limit (daily: {daily})")]
    RateLimited { daily: bool },
    /// Zoom answered with an error that is about the request, not the grant.
    #[error("zoom refused: {status} {code} {message}")]
    Zoom { status: u16, code: i64, message: String },
    /// A fault of ours on the way (the database, a stored value that does not read back).
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for ZoomCallError {
    fn from(e: sqlx::Error) -> Self {
        ZoomCallError::Internal(anyhow::Error::new(e).context("database"))
    }
}

#[derive(Clone)]
pub struct Zoom {
    pub(super) db: Db,
    pub(super) keys: Keyring,
    pub(super) oauth: ZoomOAuth,
    pub(super) rest: ZoomRest,
    pub(super) default_api_base: String,
    pub(super) default_return_to: String,
    pub(super) locks: Arc<Mutex<HashMap<UserId, Arc<tokio::sync::Mutex<()>>>>>,
    pub(super) lease_owner: String,
    pub(super) clock: Clock,
    /// How long a Zoom confirmation of a connection stays fresh for the status page.
    pub(super) status_max_age: Duration,
    /// Zoom's daily meeting cap and per-second limits, kept as a budget.
    pub(super) limits: Limits,
}

/// A background check that has not finished after this long is presumed dead (its process crashed); another may run.
const CHECK_LEASE_MS: i64 = 60_000;

pub(super) fn account_of(row: &ConnectionRow) -> ZoomAccount {
    ZoomAccount {
        email: row.zoom_email.clone(),
        display_name: row.zoom_display_name.clone(),
        plan: ZoomPlan::from_zoom_user_type(row.zoom_user_type),
        connected_since: chrono::DateTime::from_timestamp_millis(row.connected_at).unwrap_or_default(),
        scopes: row.scopes.split_whitespace().map(str::to_string).collect(),
    }
}

impl Zoom {
    // Nine settings of one service, each used once here; issue 11's AppState redesign groups them.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        db: Db,
        keys: Keyring,
        oauth: ZoomOAuth,
        default_api_base: String,
        default_return_to: String,
        timeout: Duration,
        clock: Clock,
        status_max_age: Duration,
        licensed_plan: Plan,
    ) -> Self {
        let http = super::oauth::http_client(timeout).expect("HTTP client builds");
        Zoom {
            limits: Limits::new(db.clone(), clock.clone(), licensed_plan),
            db,
            keys,
            oauth,
            rest: ZoomRest::new(http),
            default_api_base,
            default_return_to,
            locks: Arc::default(),
            lease_owner: random_token(),
            clock,
            status_max_age,
        }
    }

    /// The REST client, for calls made through [`Zoom::call`].
    pub fn rest(&self) -> &ZoomRest {
        &self.rest
    }

    // ---- Status and disconnect -------------------------------------------------------------------------------------

    /// The practitioner's connection as stored: this path never waits for Zoom. When Zoom last confirmed the
    /// connection longer ago than the status max age, one background check (one across every instance sharing the
    /// database) asks Zoom again; what it learns shows on the next view. 401s, `invalid_grant` and the
    /// deauthorization webhook change the stored state at once, whatever the age of the last check.
    pub async fn status(&self, user_id: UserId) -> Result<ZoomStatus, ZoomCallError> {
        let (status, stale) = self.stored_status(user_id).await?;
        if stale {
            let now = self.clock.now_ms();
            let max_age = self.status_max_age.as_millis() as i64;
            if connections::claim_check(&self.db, user_id, now - max_age, now - CHECK_LEASE_MS, now).await? {
                let zoom = self.clone();
                tokio::spawn(async move {
                    if let Err(e) = zoom.verify(user_id, Lane::Bulk).await {
                        tracing::warn!(%user_id, failure = ?e, "background zoom check failed");
                    }
                });
            }
        }
        Ok(status)
    }

    /// "Check again": asks Zoom now (`GET /users/me`) and answers with what it said.
    pub async fn check_now(&self, user_id: UserId) -> Result<ZoomStatus, ZoomCallError> {
        if matches!(self.stored_status(user_id).await?.0, ZoomStatus::Connected { .. }) {
            self.verify(user_id, Lane::Interactive).await?;
        }
        Ok(self.stored_status(user_id).await?.0)
    }

    /// The stored status, and whether a connected one is due for a check with Zoom.
    async fn stored_status(&self, user_id: UserId) -> Result<(ZoomStatus, bool), ZoomCallError> {
        let Some(me) = db::users::me(&self.db, user_id).await? else {
            return Err(ZoomCallError::NotConnected);
        };
        let row = connections::get(&self.db, user_id).await?;
        if !me.organisation.zoom_allowed {
            // Still connected from before the switch was turned off: shown (so it can be disconnected), not used.
            return Ok((
                ZoomStatus::BlockedByOrganisation {
                    admin_name: me.organisation.admin_name,
                    connected_account: row.as_ref().map(account_of),
                },
                false,
            ));
        }
        let Some(row) = row else {
            let ended = connections::ending(&self.db, user_id)
                .await?
                .map(|(_, email, at)| ConnectionEnded {
                    reason: EndedReason::RemovedInZoom,
                    zoom_email: email,
                    at: DateTime::from_timestamp_millis(at).unwrap_or_default(),
                });
            return Ok((ZoomStatus::NotConnected { ended }, false));
        };
        if row.status != ConnectionStatus::Connected {
            return Ok((
                ZoomStatus::NeedsReauth {
                    account: account_of(&row),
                    reason: row.reauth_reason.map_or(ReauthReason::GrantRevoked, ReauthReason::from),
                },
                false,
            ));
        }
        let max_age = self.status_max_age.as_millis() as i64;
        let stale = row.checked_at.is_none_or(|at| at < self.clock.now_ms() - max_age);
        Ok((
            ZoomStatus::Connected {
                account: account_of(&row),
                verified: row.check_unreachable_at.is_none(),
                checked_at: row.checked_at.and_then(chrono::DateTime::from_timestamp_millis),
            },
            stale,
        ))
    }

    /// Confirms the grant with Zoom and records the answer: who the user is now, that Zoom could not be reached, or
    /// (inside [`Zoom::call`]) that the grant is dead.
    async fn verify(&self, user_id: UserId, lane: Lane) -> Result<(), ZoomCallError> {
        let answer = self
            .call(user_id, ZoomOp::GetUser, lane, |base, token| async move {
                self.rest.users_me(&base, &token).await
            })
            .await;
        let now = self.clock.now_ms();
        match answer {
            Ok(user) => {
                connections::record_check(
                    &self.db,
                    user_id,
                    &user.email,
                    &user.display_name(),
                    user.user_type,
                    now,
                )
                .await?;
                Ok(())
            }
            // Marked (or gone) already; nothing more to record.
            Err(ZoomCallError::NeedsReauth | ZoomCallError::NotConnected | ZoomCallError::BlockedByOrganisation) => {
                Ok(())
            }
            Err(ZoomCallError::Unavailable | ZoomCallError::Zoom { .. } | ZoomCallError::RateLimited { .. }) => {
                connections::record_check_unanswered(&self.db, user_id, true, now).await?;
                Ok(())
            }
            Err(e @ ZoomCallError::Internal(_)) => {
                connections::record_check_unanswered(&self.db, user_id, false, now).await?;
                Err(e)
            }
        }
    }

    /// Revokes BetterBeing's grant at Zoom, then forgets it. A grant Zoom already dropped is simply forgotten; if
    /// Zoom cannot be reached nothing changes, so the person can try again.
    pub async fn disconnect(&self, user_id: UserId) -> Result<(), ZoomCallError> {
        let Some(row) = connections::get(&self.db, user_id).await? else {
            return Ok(());
        };
        if row.status == ConnectionStatus::Connected {
            match self.usable_token(user_id, &mut false).await {
                Ok(token) => match self.oauth.revoke(&token.access).await {
                    Ok(()) | Err(OAuthFailure::InvalidGrant) => {}
                    Err(OAuthFailure::Unavailable) | Err(OAuthFailure::Rejected(_)) => {
                        return Err(ZoomCallError::Unavailable)
                    }
                    Err(OAuthFailure::DisabledByAdmin) => {}
                },
                Err(ZoomCallError::NeedsReauth) | Err(ZoomCallError::NotConnected) => {}
                Err(e) => return Err(e),
            }
        }
        connections::delete(&self.db, user_id).await?;
        connections::clear_ending(&self.db, user_id).await?;
        tracing::info!(%user_id, "zoom disconnected");
        Ok(())
    }

    /// Zoom says the user removed BetterBeing from their Zoom account.
    pub async fn deauthorized_by_zoom(&self, zoom_user_id: &str) -> sqlx::Result<Vec<UserId>> {
        let purged = connections::delete_by_zoom_user(&self.db, zoom_user_id, self.clock.now_ms()).await?;
        tracing::info!(purged = ?purged, "zoom app removed on the zoom side");
        Ok(purged)
    }
}
