//! OAuth as Zoom runs it (facts §1): the consent step, codes, the token endpoint's grants and refreshes, revocation,
//! and the bearer check every API call starts with.

use chrono::Duration;

use super::errors::{AccessError, TokenError};
use super::grants::{AccessTokenRecord, CodeRecord, Grant, GrantStatus, PendingAuthorization, RefreshTokenRecord};
use super::sandbox::Sandbox;
use crate::ids;
use crate::users::User;

#[derive(Debug)]
pub struct TokenSet {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: i64,
    pub scopes: Vec<String>,
    pub zoom_user_id: String,
}

#[derive(Debug)]
pub struct Authenticated {
    pub user: User,
    pub grant_id: String,
    pub scopes: Vec<String>,
}

impl Sandbox {
    // ---- authorize ---------------------------------------------------------------------------------

    pub fn park_authorization(&mut self, pending: PendingAuthorization) -> String {
        let id = ids::random_hex::<16>();
        self.pending.insert(id.clone(), pending);
        id
    }

    /// Single use: a resubmitted consent form finds nothing.
    pub fn take_authorization(&mut self, id: &str) -> Option<PendingAuthorization> {
        self.pending.remove(id)
    }

    pub fn consent_blocked_by_admin(&self, zoom_user_id: &str) -> bool {
        self.app_disabled_for(zoom_user_id)
    }

    pub fn issue_code(&mut self, pending: &PendingAuthorization, zoom_user_id: &str) -> String {
        let code = ids::authorization_code();
        let record = CodeRecord {
            client_id: pending.client_id.clone(),
            redirect_uri: pending.redirect_uri.clone(),
            zoom_user_id: zoom_user_id.to_owned(),
            pkce: pending.pkce.clone(),
            expires_at: self.now() + Duration::seconds(self.ttls.code_secs),
        };
        self.codes.insert(code.clone(), record);
        self.secrets.codes.push(code.clone());
        code
    }

    // ---- token endpoint ----------------------------------------------------------------------------

    pub fn client_credentials_match(&self, client_id: &str, client_secret: &str) -> bool {
        client_id == self.config.client_id && client_secret == self.config.client_secret
    }

    /// The code is consumed by this call whatever the outcome: Zoom codes are single-use.
    pub fn exchange_code(
        &mut self,
        client_id: &str,
        code: &str,
        redirect_uri: Option<&str>,
        code_verifier: Option<&str>,
    ) -> Result<TokenSet, TokenError> {
        if let Some(verifier) = code_verifier {
            self.secrets.code_verifiers.push(verifier.to_owned());
        }
        let record = self.codes.remove(code).ok_or(TokenError::InvalidCode)?;
        if record.client_id != client_id {
            return Err(TokenError::InvalidCode);
        }
        if self.now() >= record.expires_at {
            return Err(TokenError::CodeExpired);
        }
        if redirect_uri != Some(record.redirect_uri.as_str()) {
            return Err(TokenError::RedirectMismatch);
        }
        if let Some(pkce) = &record.pkce {
            if !pkce.is_satisfied_by(code_verifier) {
                return Err(TokenError::InvalidVerifier);
            }
        }
        if self.app_disabled_for(&record.zoom_user_id) {
            return Err(TokenError::DisabledByAdmin);
        }
        // Zoom keeps one grant per user and app: "the last token issued is considered valid" (4741).
        for grant in &mut self.grants {
            if grant.zoom_user_id == record.zoom_user_id
                && grant.client_id == client_id
                && grant.status == GrantStatus::Active
            {
                grant.status = GrantStatus::Replaced;
            }
        }
        let index = self.grants.len();
        self.grants.push(Grant {
            id: format!("grant_{}", index + 1),
            zoom_user_id: record.zoom_user_id,
            client_id: client_id.to_owned(),
            scopes: self.config.scopes.clone(),
            status: GrantStatus::Active,
            created_at: self.now(),
            refresh_count: 0,
            current_refresh_token: String::new(),
        });
        Ok(self.issue_tokens(index))
    }

    /// Rotates: the presented refresh token dies (after the grace knob), the previous access token lives on
    /// until its own expiry.
    pub fn refresh(&mut self, client_id: &str, refresh_token: &str) -> Result<TokenSet, TokenError> {
        let now = self.now();
        let grace = Duration::seconds(self.refresh_grace_secs);
        let record = self.refresh_tokens.get(refresh_token).ok_or(TokenError::InvalidToken)?;
        let index = record.grant;
        let grant = &self.grants[index];
        let rotated_out = record.rotated_at.is_some_and(|at| now >= at + grace);
        if grant.client_id != client_id
            || grant.status != GrantStatus::Active
            || now >= record.expires_at
            || rotated_out
        {
            return Err(TokenError::InvalidToken);
        }
        if self.app_disabled_for(&grant.zoom_user_id) {
            return Err(TokenError::DisabledByAdmin);
        }
        let current = grant.current_refresh_token.clone();
        if let Some(current) = self.refresh_tokens.get_mut(&current) {
            current.rotated_at.get_or_insert(now);
        }
        self.grants[index].refresh_count += 1;
        Ok(self.issue_tokens(index))
    }

    /// Revokes the whole grant behind an access or refresh token that still works.
    pub fn revoke(&mut self, client_id: &str, token: &str) -> Result<(), TokenError> {
        let index = self.live_grant_of_token(token).ok_or(TokenError::InvalidToken)?;
        if self.grants[index].client_id != client_id {
            return Err(TokenError::InvalidToken);
        }
        self.grants[index].status = GrantStatus::Revoked;
        Ok(())
    }

    fn live_grant_of_token(&self, token: &str) -> Option<usize> {
        let now = self.now();
        let grace = Duration::seconds(self.refresh_grace_secs);
        let index = if let Some(access) = self.access_tokens.get(token) {
            (now < access.expires_at).then_some(access.grant)?
        } else {
            let refresh = self.refresh_tokens.get(token)?;
            let rotated_out = refresh.rotated_at.is_some_and(|at| now >= at + grace);
            (now < refresh.expires_at && !rotated_out).then_some(refresh.grant)?
        };
        (self.grants[index].status == GrantStatus::Active).then_some(index)
    }

    fn issue_tokens(&mut self, index: usize) -> TokenSet {
        let now = self.now();
        let access_token = ids::oauth_token("access_token");
        let refresh_token = ids::oauth_token("refresh_token");
        self.access_tokens.insert(
            access_token.clone(),
            AccessTokenRecord {
                grant: index,
                expires_at: now + Duration::seconds(self.ttls.access_token_secs),
            },
        );
        self.refresh_tokens.insert(
            refresh_token.clone(),
            RefreshTokenRecord {
                grant: index,
                expires_at: now + Duration::seconds(self.ttls.refresh_token_secs),
                rotated_at: None,
            },
        );
        self.secrets.access_tokens.push(access_token.clone());
        self.secrets.refresh_tokens.push(refresh_token.clone());
        let grant = &mut self.grants[index];
        grant.current_refresh_token = refresh_token.clone();
        TokenSet {
            access_token,
            refresh_token,
            expires_in: self.ttls.access_token_secs,
            scopes: grant.scopes.clone(),
            zoom_user_id: grant.zoom_user_id.clone(),
        }
    }

    // ---- API authentication ------------------------------------------------------------------------

    pub fn authenticate(&self, access_token: &str) -> Result<Authenticated, AccessError> {
        let record = self.access_tokens.get(access_token).ok_or(AccessError::Invalid)?;
        let grant = &self.grants[record.grant];
        if grant.status != GrantStatus::Active {
            return Err(AccessError::Invalid);
        }
        if self.now() >= record.expires_at {
            return Err(AccessError::Expired);
        }
        if self.app_disabled_for(&grant.zoom_user_id) {
            return Err(AccessError::DisabledByAdmin);
        }
        // A deleted user's tokens die with them.
        let user = self.user(&grant.zoom_user_id).ok_or(AccessError::Invalid)?;
        Ok(Authenticated {
            user: user.clone(),
            grant_id: grant.id.clone(),
            scopes: grant.scopes.clone(),
        })
    }
}
