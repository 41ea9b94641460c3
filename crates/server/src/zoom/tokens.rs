//! The stored tokens of a connection and every authorized API call: refresh-before-expiry that is single-flight per
//! user within a process (a mutex) and across processes sharing the database (a lease row). Any sign that Zoom
//! dropped the grant turns the connection into "needs reauthorization".

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use api::zoom::ReauthReason;
use secrecy::{ExposeSecret, SecretString};

use super::connection::{Zoom, ZoomCallError};
use super::limits::{Lane, ZoomOp, DAILY_MEETING_CHANGES};
use super::oauth::OAuthFailure;
use super::rest::{observe_quota, RestError};
use crate::db::connections;
use crate::db::vocab::ConnectionStatus;
use crate::ids::UserId;

/// Refresh this long before Zoom's stated expiry, so a call never starts with a token about to die.
const REFRESH_SKEW_MS: i64 = 120_000;
/// A refresh lease outlives any single token request (20 s timeout) with margin.
const LEASE_MS: i64 = 30_000;
const LEASE_POLL: Duration = Duration::from_millis(25);

/// Associated data for the stored tokens: a ciphertext only decrypts as the token it was stored as, for its user.
pub(super) fn aad_access(user_id: UserId) -> String {
    format!("zoom:{user_id}:access")
}
pub(super) fn aad_refresh(user_id: UserId) -> String {
    format!("zoom:{user_id}:refresh")
}

pub(super) struct UsableToken {
    pub(super) access: SecretString,
    api_base: String,
    generation: i64,
    /// Whose calls these are, for Zoom's limits: the host user (the daily meeting cap) and the account (the
    /// per-second limits, by the user's type).
    zoom_user_id: String,
    zoom_account_id: String,
    zoom_user_type: i64,
}

impl Zoom {
    /// Runs one Zoom API call with the user's access token: refreshes first when the token is about to expire,
    /// refreshes once and retries when Zoom says the token is unusable (124), and marks the connection as needing
    /// reauthorization when even a fresh token is refused or Zoom refuses the grant.
    ///
    /// Zoom's limits are kept first (`limits`): a create or update is counted against the host's 100 a day and not
    /// sent at all once `lane` has used its share (the answer is then the daily 429 Zoom would have given), and
    /// every call waits for its turn in the account's per-second bucket.
    pub async fn call<T, F, Fut>(&self, user_id: UserId, op: ZoomOp, lane: Lane, request: F) -> Result<T, ZoomCallError>
    where
        F: Fn(String, SecretString) -> Fut,
        Fut: Future<Output = Result<T, RestError>>,
    {
        let mut refreshed = false;
        let mut counted = false;
        // A token refused while another request or process was rotating it is a race, not a dead grant: go round
        // again with the stored tokens (a few times at most).
        for _ in 0..4 {
            let token = self.usable_token(user_id, &mut refreshed).await?;
            if op.counts_toward_daily_cap() && !counted {
                if !self.limits.take_daily(&token.zoom_user_id, lane).await? {
                    tracing::info!(%user_id, ?lane, "zoom daily meeting budget used up; not calling zoom");
                    return Err(ZoomCallError::RateLimited { daily: true });
                }
                counted = true;
            }
            let category = op.category();
            self.limits
                .wait_for_turn(&token.zoom_account_id, token.zoom_user_type, category, lane)
                .await?;
            let (answer, quota) = observe_quota(request(token.api_base.clone(), token.access)).await;
            if let (true, Some((DAILY_MEETING_CHANGES, remaining))) = (op.counts_toward_daily_cap(), quota) {
                self.limits
                    .zoom_says_daily_remaining(&token.zoom_user_id, remaining)
                    .await?;
            }
            let dead = match answer {
                Ok(value) => {
                    connections::record_success(&self.db, user_id, self.clock.now_ms()).await?;
                    return Ok(value);
                }
                Err(RestError::InvalidAccessToken) if !refreshed => {
                    self.refresh(user_id, token.generation).await?;
                    refreshed = true;
                    continue;
                }
                Err(RestError::InvalidAccessToken) => ReauthReason::GrantRevoked,
                Err(RestError::DisabledByAdmin) => ReauthReason::AppDisabledByZoomAdmin,
                Err(RestError::Zoom { status, code, message }) => {
                    return Err(ZoomCallError::Zoom { status, code, message })
                }
                Err(RestError::RateLimited { daily }) => {
                    if daily && op.counts_toward_daily_cap() {
                        self.limits.zoom_says_daily_remaining(&token.zoom_user_id, 0).await?;
                    } else if !daily {
                        self.limits.slow_down(&token.zoom_account_id, category).await?;
                    }
                    tracing::warn!(%user_id, ?op, daily, "zoom refused a call for its rate limit");
                    return Err(ZoomCallError::RateLimited { daily });
                }
                Err(RestError::Unavailable) => return Err(ZoomCallError::Unavailable),
            };
            if self.needs_reauth(user_id, token.generation, dead).await? {
                return Err(ZoomCallError::NeedsReauth);
            }
        }
        Err(ZoomCallError::Unavailable)
    }

    /// How many creates/updates `lane` may still send today for this practitioner's Zoom user (`None`: no usable
    /// connection).
    pub async fn daily_budget_left(&self, user_id: UserId, lane: Lane) -> sqlx::Result<Option<i64>> {
        match connections::get(&self.db, user_id).await? {
            Some(row) if row.status == ConnectionStatus::Connected => {
                Ok(Some(self.limits.daily_left(&row.zoom_user_id, lane).await?))
            }
            _ => Ok(None),
        }
    }

    /// Marks the connection as needing reauthorization, unless its tokens changed since `generation` was read
    /// (another request or process refreshed them meanwhile: then the grant is alive and this returns false).
    async fn needs_reauth(&self, user_id: UserId, generation: i64, reason: ReauthReason) -> sqlx::Result<bool> {
        let marked =
            connections::mark_needs_reauth(&self.db, user_id, generation, reason.into(), self.clock.now_ms()).await?;
        if marked {
            tracing::warn!(
                %user_id,
                reason = reason.as_str(),
                "zoom connection needs reauthorization"
            );
        } else {
            tracing::info!(%user_id, "zoom tokens changed meanwhile; not a dead grant");
        }
        Ok(marked)
    }

    pub(super) async fn usable_token(
        &self,
        user_id: UserId,
        refreshed: &mut bool,
    ) -> Result<UsableToken, ZoomCallError> {
        loop {
            let row = connections::get(&self.db, user_id)
                .await?
                .ok_or(ZoomCallError::NotConnected)?;
            if row.status != ConnectionStatus::Connected {
                return Err(ZoomCallError::NeedsReauth);
            }
            if row.access_expires_at - REFRESH_SKEW_MS > self.clock.now_ms() {
                let stored = row.access_token_enc.as_deref().ok_or(ZoomCallError::NeedsReauth)?;
                let access = self.keys.decrypt(stored, &aad_access(user_id)).map_err(|e| {
                    ZoomCallError::Internal(anyhow::Error::new(e).context("reading the stored access token"))
                })?;
                return Ok(UsableToken {
                    access: SecretString::from(access),
                    api_base: row.api_url,
                    generation: row.token_generation,
                    zoom_user_id: row.zoom_user_id,
                    zoom_account_id: row.zoom_account_id,
                    zoom_user_type: row.zoom_user_type,
                });
            }
            self.refresh(user_id, row.token_generation).await?;
            *refreshed = true;
        }
    }

    fn local_lock(&self, user_id: UserId) -> Arc<tokio::sync::Mutex<()>> {
        self.locks
            .lock()
            .expect("lock map poisoned")
            .entry(user_id)
            .or_default()
            .clone()
    }

    /// Replaces the tokens of `generation` with fresh ones, unless someone (this process or another sharing the
    /// database) already did. Exactly one refresh per generation reaches Zoom.
    async fn refresh(&self, user_id: UserId, generation: i64) -> Result<(), ZoomCallError> {
        let lock = self.local_lock(user_id);
        let _guard = lock.lock().await;
        let give_up_at = self.clock.now_ms() + LEASE_MS + 10_000;
        let row = loop {
            let row = connections::get(&self.db, user_id)
                .await?
                .ok_or(ZoomCallError::NotConnected)?;
            if row.status != ConnectionStatus::Connected {
                return Err(ZoomCallError::NeedsReauth);
            }
            if row.token_generation != generation {
                return Ok(());
            }
            let now = self.clock.now_ms();
            if connections::try_lease(&self.db, user_id, generation, &self.lease_owner, now, now + LEASE_MS).await? {
                break row;
            }
            if now > give_up_at {
                return Err(ZoomCallError::Unavailable);
            }
            tokio::time::sleep(LEASE_POLL).await;
        };
        let refresh_token = match row
            .refresh_token_enc
            .as_deref()
            .map(|s| self.keys.decrypt(s, &aad_refresh(user_id)))
        {
            Some(Ok(t)) => SecretString::from(t),
            _ => {
                return if self
                    .needs_reauth(user_id, generation, ReauthReason::GrantRevoked)
                    .await?
                {
                    Err(ZoomCallError::NeedsReauth)
                } else {
                    Ok(())
                };
            }
        };
        match self.oauth.refresh(&refresh_token).await {
            Ok(tokens) => {
                let now = self.clock.now_ms();
                let stored = connections::store_refreshed(
                    &self.db,
                    user_id,
                    generation,
                    &self
                        .keys
                        .encrypt(tokens.access_token.expose_secret(), &aad_access(user_id)),
                    &self
                        .keys
                        .encrypt(tokens.refresh_token.expose_secret(), &aad_refresh(user_id)),
                    now + tokens.expires_in.as_millis() as i64,
                    now,
                )
                .await?;
                if !stored {
                    tracing::error!(
                        %user_id,
                        "the tokens changed during the refresh; the newer ones were kept"
                    );
                }
                tracing::info!(%user_id, "zoom tokens refreshed");
                Ok(())
            }
            // Zoom refuses the refresh token. If the stored tokens changed meanwhile (another process refreshed after
            // our lease ran out), this was a race and the caller goes on with the new ones; only a refusal of the
            // tokens still stored means the grant is dead.
            Err(failure @ (OAuthFailure::InvalidGrant | OAuthFailure::DisabledByAdmin)) => {
                let reason = if failure == OAuthFailure::InvalidGrant {
                    ReauthReason::GrantRevoked
                } else {
                    ReauthReason::AppDisabledByZoomAdmin
                };
                connections::release_lease(&self.db, user_id, &self.lease_owner).await?;
                if self.needs_reauth(user_id, generation, reason).await? {
                    Err(ZoomCallError::NeedsReauth)
                } else {
                    Ok(())
                }
            }
            Err(OAuthFailure::Unavailable) | Err(OAuthFailure::Rejected(_)) => {
                connections::release_lease(&self.db, user_id, &self.lease_owner).await?;
                Err(ZoomCallError::Unavailable)
            }
        }
    }
}
