//! Who is calling: cookie sessions (HttpOnly, SameSite=Lax, Secure on https), the demo sign-in, and the BetterBeing
//! shell's signed identity hand-over.
//!
//! Shell hand-over token: `v1.<base64url(JSON claims)>.<base64url(HMAC-SHA256(BB_SHELL_SECRET, "v1." + claims part))>`
//! with claims `{"sub","name","email","role":"practitioner"|"admin","org_id","org_name","plan":"solo"|"clinic"|
//! "enterprise","exp":<unix seconds>}`. The shell mints one per page load (valid a few minutes) and the SPA exchanges
//! it for a session cookie at `POST /api/auth/shell/sign-in`.

use api::identity::{Plan, Role};
use axum::extract::{FromRef, FromRequestParts};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use sha2::Sha256;

use crate::clock::wall_clock_ms;
use crate::crypto::{random_token, sha256_hex};
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::ids::UserId;

pub const SESSION_COOKIE: &str = "bb_session";
const SESSION_TTL_MS: i64 = 12 * 60 * 60 * 1000;

/// What cookie sessions need: where they are stored and how the cookie is set. Their lifetime is real time
/// (`clock::wall_clock_ms`), the browser's `Max-Age` of the cookie.
#[derive(Clone)]
pub struct SignIn {
    pub db: Db,
    /// `Secure` on the cookie (the public URL is https).
    pub cookie_secure: bool,
    /// `SameSite=None` (https only): the SPA runs inside the shell on another site.
    pub cookie_same_site_none: bool,
}

/// The signed-in BetterBeing user's id.
#[derive(Debug, Clone, Copy)]
pub struct CurrentUser(pub UserId);

/// Like `CurrentUser`, but absent instead of 401 (the OAuth callback decides itself).
#[derive(Debug, Clone, Copy)]
pub struct MaybeUser(pub Option<UserId>);

fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_string())
}

async fn user_from(parts: &Parts, state: &SignIn) -> Result<Option<UserId>, ApiError> {
    let Some(token) = session_cookie(&parts.headers) else {
        return Ok(None);
    };
    Ok(db::web_sessions::user_for(&state.db, &sha256_hex(&token), wall_clock_ms()).await?)
}

impl<S> FromRequestParts<S> for CurrentUser
where
    S: Send + Sync,
    SignIn: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        user_from(parts, &SignIn::from_ref(state))
            .await?
            .map(CurrentUser)
            .ok_or(ApiError::unauthenticated())
    }
}

impl<S> FromRequestParts<S> for MaybeUser
where
    S: Send + Sync,
    SignIn: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Ok(MaybeUser(user_from(parts, &SignIn::from_ref(state)).await?))
    }
}

/// Starts a session and returns the `Set-Cookie` header for it.
pub async fn start_session(state: &SignIn, user_id: UserId) -> Result<HeaderMap, ApiError> {
    let token = random_token();
    let now = wall_clock_ms();
    db::web_sessions::create(&state.db, &sha256_hex(&token), user_id, now, now + SESSION_TTL_MS).await?;
    let cookie = session_set_cookie(
        &token,
        SESSION_TTL_MS / 1000,
        state.cookie_secure,
        state.cookie_same_site_none,
    );
    let mut headers = HeaderMap::new();
    headers.insert(
        SET_COOKIE,
        HeaderValue::from_str(&cookie).map_err(|e| ApiError::Internal(e.into()))?,
    );
    Ok(headers)
}

pub async fn end_session(state: &SignIn, headers: &HeaderMap) -> Result<HeaderMap, ApiError> {
    if let Some(token) = session_cookie(headers) {
        db::web_sessions::delete(&state.db, &sha256_hex(&token)).await?;
    }
    let mut out = HeaderMap::new();
    // Cleared with the attributes it was set with: a browser only replaces a cookie whose attributes match, and
    // with SameSite=None a Lax clearing cookie is refused in a cross-site shell, leaving the practitioner signed in.
    let cookie = session_set_cookie("", 0, state.cookie_secure, state.cookie_same_site_none);
    out.insert(
        SET_COOKIE,
        HeaderValue::from_str(&cookie).map_err(|e| ApiError::Internal(e.into()))?,
    );
    Ok(out)
}

/// The one `Set-Cookie` value for the session cookie, used to set it and to clear it (`max_age_secs` 0).
/// Lax is sent on the top-level return from Zoom; None (https only) when the shell calls us from another site.
fn session_set_cookie(value: &str, max_age_secs: i64, secure: bool, same_site_none: bool) -> String {
    let same_site = if same_site_none && secure { "None" } else { "Lax" };
    format!(
        "{SESSION_COOKIE}={value}; HttpOnly; SameSite={same_site}; Path=/; Max-Age={max_age_secs}{}",
        if secure { "; Secure" } else { "" }
    )
}

#[derive(Debug, Deserialize)]
pub struct ShellClaims {
    pub sub: String,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub org_id: String,
    pub org_name: String,
    pub plan: Plan,
    pub exp: i64,
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ShellTokenError {
    #[error("malformed")]
    Malformed,
    #[error("bad signature")]
    BadSignature,
    #[error("expired")]
    Expired,
}

/// Verifies a shell hand-over token (constant-time HMAC check, then expiry).
pub fn verify_shell_token(secret: &SecretString, token: &str, now_secs: i64) -> Result<ShellClaims, ShellTokenError> {
    let mut parts = token.split('.');
    let (Some("v1"), Some(claims_b64), Some(sig_b64), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ShellTokenError::Malformed);
    };
    let signature = URL_SAFE_NO_PAD
        .decode(sig_b64)
        .map_err(|_| ShellTokenError::Malformed)?;
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.expose_secret().as_bytes()).expect("any key length");
    mac.update(b"v1.");
    mac.update(claims_b64.as_bytes());
    mac.verify_slice(&signature)
        .map_err(|_| ShellTokenError::BadSignature)?;
    let claims: ShellClaims = URL_SAFE_NO_PAD
        .decode(claims_b64)
        .ok()
        .and_then(|raw| serde_json::from_slice(&raw).ok())
        .ok_or(ShellTokenError::Malformed)?;
    if claims.exp <= now_secs {
        return Err(ShellTokenError::Expired);
    }
    Ok(claims)
}

/// Mints a hand-over token the way the shell does (used by tests and documented for the shell team).
pub fn sign_shell_token(secret: &str, claims_json: &str) -> String {
    let claims_b64 = URL_SAFE_NO_PAD.encode(claims_json.as_bytes());
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(b"v1.");
    mac.update(claims_b64.as_bytes());
    format!(
        "v1.{claims_b64}.{}",
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(exp: i64) -> String {
        format!(
            r#"{{"sub":"u-1","name":"Ada","email":"ada@example.org","role":"admin","org_id":"o-1","org_name":"Clinic","plan":"clinic","exp":{exp}}}"#
        )
    }

    #[test]
    fn a_token_signed_with_the_shared_secret_is_accepted_until_it_expires() {
        let secret = SecretString::from("shared");
        let token = sign_shell_token("shared", &claims(2_000));
        let ok = verify_shell_token(&secret, &token, 1_000).unwrap();
        assert_eq!((ok.sub.as_str(), ok.role, ok.plan), ("u-1", Role::Admin, Plan::Clinic));
        assert_eq!(
            verify_shell_token(&secret, &token, 2_000).unwrap_err(),
            ShellTokenError::Expired
        );
    }

    #[test]
    fn forged_or_malformed_tokens_are_refused() {
        let secret = SecretString::from("shared");
        let forged = sign_shell_token("not-the-secret", &claims(2_000));
        assert_eq!(
            verify_shell_token(&secret, &forged, 1_000).unwrap_err(),
            ShellTokenError::BadSignature
        );
        assert_eq!(
            verify_shell_token(&secret, "v1.abc", 1_000).unwrap_err(),
            ShellTokenError::Malformed
        );
        let token = sign_shell_token("shared", &claims(2_000));
        let tampered = token.replacen("v1.", "v1.x", 1);
        assert!(verify_shell_token(&secret, &tampered, 1_000).is_err());
    }

    #[test]
    fn sign_out_clears_the_cookie_with_the_attributes_sign_in_set() {
        for (secure, none) in [(false, false), (true, false), (true, true), (false, true)] {
            let set = session_set_cookie("abc", 3600, secure, none);
            let cleared = session_set_cookie("", 0, secure, none);
            let attributes = |c: &str| -> Vec<String> {
                c.split("; ")
                    .skip(1)
                    .filter(|a| !a.starts_with("Max-Age"))
                    .map(str::to_string)
                    .collect()
            };
            assert_eq!(attributes(&set), attributes(&cleared), "secure={secure} none={none}");
            assert!(cleared.starts_with("bb_session=;") && cleared.contains("Max-Age=0"));
        }
        assert!(session_set_cookie("", 0, true, true).contains("SameSite=None; Path=/; Max-Age=0; Secure"));
    }

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, HeaderValue::from_static("a=1; bb_session=abc; b=2"));
        assert_eq!(session_cookie(&headers).as_deref(), Some("abc"));
    }
}
