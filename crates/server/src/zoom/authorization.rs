//! Connecting to Zoom: the OAuth authorization (random state + PKCE, remembered encrypted until Zoom redirects back)
//! and what its callback stores. An authorization that comes back with another Zoom account than the one the
//! upcoming sessions' meetings are on is parked for `account_switch.rs` instead of applied.

use api::zoom::{CallbackError, ZoomPlan};
use secrecy::{ExposeSecret, SecretString};
use subtle::ConstantTimeEq;

use super::connection::Zoom;
use super::oauth::{OAuthFailure, TokenSet};
use super::rest::RestError;
use super::tokens::{aad_access, aad_refresh};
use crate::crypto::{random_token, sha256_hex};
use crate::db::connections::{self, NewConnection};
use crate::db::{self, oauth_states};
use crate::ids::UserId;

const PENDING_AUTHORIZATION_MS: i64 = 10 * 60_000;

/// The outcome of the OAuth callback: where to send the browser, and the code to put on the URL.
pub struct CallbackOutcome {
    pub return_to: String,
    pub result: Result<(), CallbackError>,
}

fn aad_verifier(state_hash: &str) -> String {
    format!("oauth_state:{state_hash}:verifier")
}

impl Zoom {
    /// Remembers a pending authorization and returns Zoom's consent URL.
    pub async fn begin_authorization(&self, user_id: UserId, return_to: &str) -> anyhow::Result<url::Url> {
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
        session_user_id: Option<UserId>,
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
            tracing::info!(user_id = %pending.user_id, error, "zoom authorization not granted");
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

    async fn store_authorization(&self, user_id: UserId, tokens: TokenSet) -> Result<(), CallbackError> {
        let api_base = tokens
            .api_url
            .as_deref()
            .map(api_base_from)
            .unwrap_or_else(|| self.default_api_base.clone());
        let user = match self.rest.users_me(&api_base, &tokens.access_token).await {
            Ok(user) => user,
            Err(e) => {
                self.revoke_quietly(&tokens.access_token).await;
                return Err(match e {
                    RestError::DisabledByAdmin => CallbackError::AppDisabled,
                    RestError::Zoom { code: 3161, .. } => CallbackError::CannotHost,
                    RestError::Unavailable => CallbackError::ZoomUnavailable,
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
                        tracing::info!(%user_id, "zoom authorized another account; waiting for the practitioner");
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
                tracing::info!(%user_id, replaced = ?replaced, "zoom connected");
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

    pub(super) async fn revoke_quietly(&self, token: &SecretString) {
        if let Err(e) = self.oauth.revoke(token).await {
            tracing::warn!(failure = ?e, "revoking an unused zoom grant failed");
        }
    }

    /// Solo practitioners always may; Clinic and Enterprise members once their admin allowed it.
    pub async fn allowed_for(&self, user_id: UserId) -> sqlx::Result<bool> {
        Ok(db::users::me(&self.db, user_id)
            .await?
            .map(|me| me.organisation.zoom_allowed)
            .unwrap_or(false))
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
