//! A practitioner's Zoom connection: connect (state + PKCE), status, disconnect, and every authorized API call with
//! refresh-before-expiry that is single-flight per user within a process (a mutex) and across processes sharing the
//! database (a lease row). Any sign that Zoom dropped the grant turns the connection into "needs reauthorization".

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use api::zoom::{CallbackError, ConnectionEnded, EndedReason, ReauthReason, ZoomAccount, ZoomPlan, ZoomStatus};
use chrono::DateTime;
use secrecy::{ExposeSecret, SecretString};
use subtle::ConstantTimeEq;

use super::api_client::{observe_quota, ApiCallError, ZoomApiClient};
use super::limits::{Lane, Limits, Plan, ZoomOp, DAILY_MEETING_CHANGES};
use super::oauth::{OAuthFailure, TokenSet, ZoomOAuth};
use crate::clock::Clock;
use crate::crypto::{random_token, sha256_hex, Keyring};
use crate::db::connections::{self, ConnectionRow, NewConnection};
use crate::db::vocab::ConnectionStatus;
use crate::db::{self, oauth_states, Db};

/// Refresh this long before Zoom's stated expiry, so a call never starts with a token about to die.
const REFRESH_SKEW_MS: i64 = 120_000;
/// A refresh lease outlives any single token request (20 s timeout) with margin.
const LEASE_MS: i64 = 30_000;
const LEASE_POLL: Duration = Duration::from_millis(25);
const PENDING_AUTHORIZATION_MS: i64 = 10 * 60_000;

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

/// The outcome of the OAuth callback: where to send the browser, and the code to put on the URL.
pub struct CallbackOutcome {
    pub return_to: String,
    pub result: Result<(), CallbackError>,
}

struct UsableToken {
    access: SecretString,
    api_base: String,
    generation: i64,
    /// Whose calls these are, for Zoom's limits: the host user (the daily meeting cap) and the account (the
    /// per-second limits, by the user's type).
    zoom_user_id: String,
    zoom_account_id: String,
    zoom_user_type: i64,
}

#[derive(Clone)]
pub struct Zoom {
    db: Db,
    keys: Keyring,
    oauth: ZoomOAuth,
    api: ZoomApiClient,
    default_api_base: String,
    default_return_to: String,
    locks: Arc<Mutex<HashMap<i64, Arc<tokio::sync::Mutex<()>>>>>,
    lease_owner: String,
    clock: Clock,
    /// How long a Zoom confirmation of a connection stays fresh for the status page.
    status_max_age: Duration,
    /// Zoom's daily meeting cap and per-second limits, kept as a budget.
    limits: Limits,
}

/// A background check that has not finished after this long is presumed dead (its process crashed); another may run.
const CHECK_LEASE_MS: i64 = 60_000;

fn aad_access(user_id: i64) -> String {
    format!("zoom:{user_id}:access")
}
fn aad_refresh(user_id: i64) -> String {
    format!("zoom:{user_id}:refresh")
}
fn aad_verifier(state_hash: &str) -> String {
    format!("oauth_state:{state_hash}:verifier")
}

fn reason_from(s: Option<&str>) -> ReauthReason {
    match s {
        Some("replaced_by_newer_authorization") => ReauthReason::ReplacedByNewerAuthorization,
        Some("app_disabled_by_zoom_admin") => ReauthReason::AppDisabledByZoomAdmin,
        _ => ReauthReason::GrantRevoked,
    }
}

fn account_of(row: &ConnectionRow) -> ZoomAccount {
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
            api: ZoomApiClient::new(http),
            default_api_base,
            default_return_to,
            locks: Arc::default(),
            lease_owner: random_token(),
            clock,
            status_max_age,
        }
    }

    /// The REST client, for calls made through [`Zoom::call`].
    pub fn api(&self) -> &ZoomApiClient {
        &self.api
    }

    // ---- Connect -------------------------------------------------------------------------------------------------

    /// Remembers a pending authorization and returns Zoom's consent URL.
    pub async fn begin_authorization(&self, user_id: i64, return_to: &str) -> anyhow::Result<url::Url> {
        let state = random_token();
        let state_hash = sha256_hex(&state);
        let (url, verifier) = self.oauth.authorize_url(&state);
        let now = self.clock.now_ms();
        oauth_states::insert(
            &self.db,
            &oauth_states::PendingAuthorization {
                pkce_verifier_enc: self.keys.encrypt(verifier.secret(), &aad_verifier(&state_hash)),
                state_hash,
                user_id,
                return_to: return_to.to_string(),
                expires_at: now + PENDING_AUTHORIZATION_MS,
            },
            now,
        )
        .await?;
        Ok(url)
    }

    /// Finishes the authorization Zoom redirected back with. `zoom_error` is Zoom's `error` (e.g. the person clicked
    /// Deny) with its `error_code` if any.
    pub async fn complete_authorization(
        &self,
        session_user_id: Option<i64>,
        state: Option<&str>,
        code: Option<&str>,
        zoom_error: Option<(&str, Option<&str>)>,
    ) -> CallbackOutcome {
        let fail = |return_to: String, code: CallbackError| CallbackOutcome {
            return_to,
            result: Err(code),
        };
        let Some(state) = state.filter(|s| !s.is_empty()) else {
            return fail(self.default_return_to.clone(), CallbackError::StateInvalid);
        };
        let presented_hash = sha256_hex(state);
        let pending = match oauth_states::take(&self.db, &presented_hash).await {
            Ok(Some(p)) => p,
            Ok(None) => return fail(self.default_return_to.clone(), CallbackError::StateInvalid),
            Err(e) => {
                tracing::error!(error = %e, "loading pending authorization failed");
                return fail(self.default_return_to.clone(), CallbackError::ZoomUnavailable);
            }
        };
        let same_state: bool = pending.state_hash.as_bytes().ct_eq(presented_hash.as_bytes()).into();
        if !same_state || session_user_id != Some(pending.user_id) || pending.expires_at <= self.clock.now_ms() {
            return fail(pending.return_to, CallbackError::StateInvalid);
        }
        let return_to = pending.return_to.clone();
        if let Some((error, error_code)) = zoom_error {
            tracing::info!(user_id = pending.user_id, error, "zoom authorization not granted");
            let outcome = if error_code == Some("4738") {
                CallbackError::AppDisabled
            } else {
                CallbackError::Denied
            };
            return fail(return_to, outcome);
        }
        let Some(code) = code.filter(|c| !c.is_empty()) else {
            return fail(return_to, CallbackError::ExchangeFailed);
        };
        match self.allowed_for(pending.user_id).await {
            Ok(true) => {}
            Ok(false) => return fail(return_to, CallbackError::BlockedByOrganisation),
            Err(_) => return fail(return_to, CallbackError::ZoomUnavailable),
        }
        let verifier = match self
            .keys
            .decrypt(&pending.pkce_verifier_enc, &aad_verifier(&pending.state_hash))
        {
            Ok(v) => v,
            Err(e) => {
                tracing::error!(error = %e, "pending authorization unreadable");
                return fail(return_to, CallbackError::StateInvalid);
            }
        };
        let tokens = match self.oauth.exchange_code(code.to_string(), verifier).await {
            Ok(t) => t,
            Err(OAuthFailure::DisabledByAdmin) => return fail(return_to, CallbackError::AppDisabled),
            Err(OAuthFailure::Unavailable) => return fail(return_to, CallbackError::ZoomUnavailable),
            Err(OAuthFailure::InvalidGrant) | Err(OAuthFailure::Rejected(_)) => {
                return fail(return_to, CallbackError::ExchangeFailed)
            }
        };
        match self.store_authorization(pending.user_id, tokens).await {
            Ok(()) => CallbackOutcome {
                return_to,
                result: Ok(()),
            },
            Err(code) => fail(return_to, code),
        }
    }

    async fn store_authorization(&self, user_id: i64, tokens: TokenSet) -> Result<(), CallbackError> {
        let api_base = tokens
            .api_url
            .as_deref()
            .map(api_base_from)
            .unwrap_or_else(|| self.default_api_base.clone());
        let user = match self.api.users_me(&api_base, &tokens.access_token).await {
            Ok(user) => user,
            Err(e) => {
                self.revoke_quietly(&tokens.access_token).await;
                return Err(match e {
                    ApiCallError::DisabledByAdmin => CallbackError::AppDisabled,
                    ApiCallError::Zoom { code: 3161, .. } => CallbackError::CannotHost,
                    ApiCallError::Unavailable => CallbackError::ZoomUnavailable,
                    _ => CallbackError::ExchangeFailed,
                });
            }
        };
        if ZoomPlan::from_zoom_user_type(user.user_type) == ZoomPlan::Unassigned {
            // An account without hosting rights could never create a session's meeting: don't pretend it works.
            self.revoke_quietly(&tokens.access_token).await;
            return Err(CallbackError::CannotHost);
        }
        let now = self.clock.now_ms();
        let scopes = tokens.scopes.join(" ");
        let new = NewConnection {
            user_id,
            zoom_user_id: &user.id,
            zoom_account_id: &user.account_id,
            zoom_email: &user.email,
            zoom_display_name: &user.display_name(),
            zoom_user_type: user.user_type,
            scopes: &scopes,
            api_url: &api_base,
            access_token_enc: &self
                .keys
                .encrypt(tokens.access_token.expose_secret(), &aad_access(user_id)),
            refresh_token_enc: &self
                .keys
                .encrypt(tokens.refresh_token.expose_secret(), &aad_refresh(user_id)),
            access_expires_at: now + tokens.expires_in.as_millis() as i64,
        };
        // Another Zoom account than the one the upcoming sessions' meetings are on: not applied silently. The new
        // authorization waits for the practitioner (switch on purpose, or go back and authorize the old account).
        if let Ok(Some(existing)) = connections::get(&self.db, user_id).await {
            let has_meetings = crate::db::sessions::upcoming_with_meetings(&self.db, user_id, now)
                .await
                .map(|ids| !ids.is_empty())
                .unwrap_or(true);
            if existing.zoom_user_id != user.id && has_meetings {
                return match connections::put_pending_switch(&self.db, &new, now).await {
                    Ok(()) => {
                        tracing::info!(user_id, "zoom authorized another account; waiting for the practitioner");
                        Err(CallbackError::OtherAccount)
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "storing a pending zoom account switch failed");
                        self.revoke_quietly(&tokens.access_token).await;
                        Err(CallbackError::ZoomUnavailable)
                    }
                };
            }
        }
        match connections::store_new(&self.db, &new, now).await {
            Ok(replaced) => {
                tracing::info!(user_id, replaced = ?replaced, "zoom connected");
                if let Err(e) = connections::clear_ending(&self.db, user_id).await {
                    tracing::warn!(error = %e, "forgetting why an earlier zoom connection ended failed");
                }
                Ok(())
            }
            Err(e) => {
                tracing::error!(error = %e, "storing zoom connection failed");
                self.revoke_quietly(&tokens.access_token).await;
                Err(CallbackError::ZoomUnavailable)
            }
        }
    }

    async fn revoke_quietly(&self, token: &SecretString) {
        if let Err(e) = self.oauth.revoke(token).await {
            tracing::warn!(failure = ?e, "revoking an unused zoom grant failed");
        }
    }

    /// Solo practitioners always may; Clinic and Enterprise members once their admin allowed it.
    pub async fn allowed_for(&self, user_id: i64) -> sqlx::Result<bool> {
        Ok(db::users::me(&self.db, user_id)
            .await?
            .map(|me| me.organisation.zoom_allowed)
            .unwrap_or(false))
    }

    // ---- Status and disconnect -------------------------------------------------------------------------------------

    /// The practitioner's connection as stored: this path never waits for Zoom. When Zoom last confirmed the
    /// connection longer ago than the status max age, one background check (one across every instance sharing the
    /// database) asks Zoom again; what it learns shows on the next view. 401s, `invalid_grant` and the
    /// deauthorization webhook change the stored state at once, whatever the age of the last check.
    pub async fn status(&self, user_id: i64) -> Result<ZoomStatus, ZoomCallError> {
        let (status, stale) = self.stored_status(user_id).await?;
        if stale {
            let now = self.clock.now_ms();
            let max_age = self.status_max_age.as_millis() as i64;
            if connections::claim_check(&self.db, user_id, now - max_age, now - CHECK_LEASE_MS, now).await? {
                let zoom = self.clone();
                tokio::spawn(async move {
                    if let Err(e) = zoom.verify(user_id, Lane::Bulk).await {
                        tracing::warn!(user_id, failure = ?e, "background zoom check failed");
                    }
                });
            }
        }
        Ok(status)
    }

    /// "Check again": asks Zoom now (`GET /users/me`) and answers with what it said.
    pub async fn check_now(&self, user_id: i64) -> Result<ZoomStatus, ZoomCallError> {
        if matches!(self.stored_status(user_id).await?.0, ZoomStatus::Connected { .. }) {
            self.verify(user_id, Lane::Interactive).await?;
        }
        Ok(self.stored_status(user_id).await?.0)
    }

    /// The stored status, and whether a connected one is due for a check with Zoom.
    async fn stored_status(&self, user_id: i64) -> Result<(ZoomStatus, bool), ZoomCallError> {
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
                    reason: reason_from(row.reauth_reason.as_deref()),
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
    async fn verify(&self, user_id: i64, lane: Lane) -> Result<(), ZoomCallError> {
        let answer = self
            .call(user_id, ZoomOp::GetUser, lane, |base, token| async move {
                self.api.users_me(&base, &token).await
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
    pub async fn disconnect(&self, user_id: i64) -> Result<(), ZoomCallError> {
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
        tracing::info!(user_id, "zoom disconnected");
        Ok(())
    }

    /// The Reauth that came back with another account, if one waits.
    pub async fn pending_switch(&self, user_id: i64) -> sqlx::Result<Option<api::zoom::AccountSwitch>> {
        let (Some(pending), Some(current)) = (
            connections::pending_switch(&self.db, user_id).await?,
            connections::get(&self.db, user_id).await?,
        ) else {
            return Ok(None);
        };
        let sessions = crate::db::sessions::upcoming_with_meetings(&self.db, user_id, self.clock.now_ms()).await?;
        Ok(Some(api::zoom::AccountSwitch {
            current: account_of(&current),
            new: ZoomAccount {
                email: pending.zoom_email.clone(),
                display_name: pending.zoom_display_name.clone(),
                plan: ZoomPlan::from_zoom_user_type(pending.zoom_user_type),
                connected_since: DateTime::from_timestamp_millis(self.clock.now_ms()).unwrap_or_default(),
                scopes: pending.scopes.split_whitespace().map(str::to_string).collect(),
            },
            upcoming_sessions: sessions.len() as u32,
        }))
    }

    /// Switches to the waiting account on purpose: it becomes the connection. Returns the account, or `None` when
    /// nothing was waiting.
    pub async fn confirm_switch(&self, user_id: i64) -> sqlx::Result<Option<ZoomAccount>> {
        let Some(pending) = connections::pending_switch(&self.db, user_id).await? else {
            return Ok(None);
        };
        connections::store_new(&self.db, &pending.as_new(), self.clock.now_ms()).await?;
        connections::delete_pending_switch(&self.db, user_id).await?;
        tracing::info!(user_id, "zoom account switched on purpose");
        Ok(connections::get(&self.db, user_id).await?.as_ref().map(account_of))
    }

    /// Forgets the waiting account (its authorization is revoked at Zoom), so the practitioner can authorize the one
    /// the sessions are on.
    pub async fn discard_switch(&self, user_id: i64) -> sqlx::Result<()> {
        if let Some(pending) = connections::pending_switch(&self.db, user_id).await? {
            match self.keys.decrypt(&pending.access_token_enc, &aad_access(user_id)) {
                Ok(token) => self.revoke_quietly(&SecretString::from(token)).await,
                Err(e) => tracing::warn!(error = %e, "a pending zoom authorization could not be read to revoke it"),
            }
            connections::delete_pending_switch(&self.db, user_id).await?;
        }
        Ok(())
    }

    /// Zoom says the user removed BetterBeing from their Zoom account.
    pub async fn deauthorized_by_zoom(&self, zoom_user_id: &str) -> sqlx::Result<Vec<i64>> {
        let purged = connections::delete_by_zoom_user(&self.db, zoom_user_id, self.clock.now_ms()).await?;
        tracing::info!(purged = ?purged, "zoom app removed on the zoom side");
        Ok(purged)
    }

    // ---- Authorized calls -------------------------------------------------------------------------------------------

    /// Runs one Zoom API call with the user's access token: refreshes first when the token is about to expire,
    /// refreshes once and retries when Zoom says the token is unusable (124), and marks the connection as needing
    /// reauthorization when even a fresh token is refused or Zoom refuses the grant.
    ///
    /// Zoom's limits are kept first (`limits`): a create or update is counted against the host's 100 a day and not
    /// sent at all once `lane` has used its share (the answer is then the daily 429 Zoom would have given), and
    /// every call waits for its turn in the account's per-second bucket.
    pub async fn call<T, F, Fut>(&self, user_id: i64, op: ZoomOp, lane: Lane, request: F) -> Result<T, ZoomCallError>
    where
        F: Fn(String, SecretString) -> Fut,
        Fut: Future<Output = Result<T, ApiCallError>>,
    {
        let mut refreshed = false;
        let mut counted = false;
        // A token refused while another request or process was rotating it is a race, not a dead grant: go round
        // again with the stored tokens (a few times at most).
        for _ in 0..4 {
            let token = self.usable_token(user_id, &mut refreshed).await?;
            if op.counts_toward_daily_cap() && !counted {
                if !self.limits.take_daily(&token.zoom_user_id, lane).await? {
                    tracing::info!(user_id, ?lane, "zoom daily meeting budget used up; not calling zoom");
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
                Err(ApiCallError::InvalidAccessToken) if !refreshed => {
                    self.refresh(user_id, token.generation).await?;
                    refreshed = true;
                    continue;
                }
                Err(ApiCallError::InvalidAccessToken) => ReauthReason::GrantRevoked,
                Err(ApiCallError::DisabledByAdmin) => ReauthReason::AppDisabledByZoomAdmin,
                Err(ApiCallError::Zoom { status, code, message }) => {
                    return Err(ZoomCallError::Zoom { status, code, message })
                }
                Err(ApiCallError::RateLimited { daily }) => {
                    if daily && op.counts_toward_daily_cap() {
                        self.limits.zoom_says_daily_remaining(&token.zoom_user_id, 0).await?;
                    } else if !daily {
                        self.limits.slow_down(&token.zoom_account_id, category).await?;
                    }
                    tracing::warn!(user_id, ?op, daily, "zoom refused a call for its rate limit");
                    return Err(ZoomCallError::RateLimited { daily });
                }
                Err(ApiCallError::Unavailable) => return Err(ZoomCallError::Unavailable),
            };
            if self.needs_reauth(user_id, token.generation, dead).await? {
                return Err(ZoomCallError::NeedsReauth);
            }
        }
        Err(ZoomCallError::Unavailable)
    }

    /// How many creates/updates `lane` may still send today for this practitioner's Zoom user (`None`: no usable
    /// connection).
    pub async fn daily_budget_left(&self, user_id: i64, lane: Lane) -> sqlx::Result<Option<i64>> {
        match connections::get(&self.db, user_id).await? {
            Some(row) if row.status == ConnectionStatus::Connected => {
                Ok(Some(self.limits.daily_left(&row.zoom_user_id, lane).await?))
            }
            _ => Ok(None),
        }
    }

    /// Marks the connection as needing reauthorization, unless its tokens changed since `generation` was read
    /// (another request or process refreshed them meanwhile: then the grant is alive and this returns false).
    async fn needs_reauth(&self, user_id: i64, generation: i64, reason: ReauthReason) -> sqlx::Result<bool> {
        let marked =
            connections::mark_needs_reauth(&self.db, user_id, generation, reason.as_str(), self.clock.now_ms()).await?;
        if marked {
            tracing::warn!(
                user_id,
                reason = reason.as_str(),
                "zoom connection needs reauthorization"
            );
        } else {
            tracing::info!(user_id, "zoom tokens changed meanwhile; not a dead grant");
        }
        Ok(marked)
    }

    async fn usable_token(&self, user_id: i64, refreshed: &mut bool) -> Result<UsableToken, ZoomCallError> {
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

    fn local_lock(&self, user_id: i64) -> Arc<tokio::sync::Mutex<()>> {
        self.locks
            .lock()
            .expect("lock map poisoned")
            .entry(user_id)
            .or_default()
            .clone()
    }

    /// Replaces the tokens of `generation` with fresh ones, unless someone (this process or another sharing the
    /// database) already did. Exactly one refresh per generation reaches Zoom.
    async fn refresh(&self, user_id: i64, generation: i64) -> Result<(), ZoomCallError> {
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
                        user_id,
                        "the tokens changed during the refresh; the newer ones were kept"
                    );
                }
                tracing::info!(user_id, "zoom tokens refreshed");
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

/// Zoom's `api_url` is the API origin (`https://api-eu.zoom.us`); calls go to its `/v2`.
fn api_base_from(api_url: &str) -> String {
    let trimmed = api_url.trim_end_matches('/');
    if trimmed.ends_with("/v2") {
        trimmed.to_string()
    } else {
        format!("{trimmed}/v2")
    }
}
