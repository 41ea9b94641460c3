//! Zoom's OAuth 2.0 endpoints through the `oauth2` crate: authorize URL with state + PKCE (S256), code exchange and
//! refresh with HTTP Basic client authentication, over an HTTP client that never follows redirects.

use std::fmt;
use std::time::Duration;

use oauth2::basic::{BasicRevocationErrorResponse, BasicTokenIntrospectionResponse, BasicTokenType};
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet, EndpointSet, ExtraTokenFields,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RefreshToken, RequestTokenError, Scope, StandardRevocableToken,
    StandardTokenResponse, TokenResponse, TokenUrl,
};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::config::ZoomApp;

/// Zoom adds `api_url` (the user's regional API base) to token responses.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ZoomTokenFields {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_url: Option<String>,
}
impl ExtraTokenFields for ZoomTokenFields {}

/// Zoom's token-endpoint error body: `{"reason": "...", "error": "..."}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ZoomOAuthErrorBody {
    pub error: String,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub error_description: Option<String>,
}
impl fmt::Display for ZoomOAuthErrorBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}",
            self.error,
            self.reason
                .as_deref()
                .or(self.error_description.as_deref())
                .unwrap_or("")
        )
    }
}
impl oauth2::ErrorResponse for ZoomOAuthErrorBody {}

type TokenResp = StandardTokenResponse<ZoomTokenFields, BasicTokenType>;
type Client = oauth2::Client<
    ZoomOAuthErrorBody,
    TokenResp,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// A token pair fresh from Zoom. Secrets stay wrapped until they are encrypted for storage or put in a header.
pub struct TokenSet {
    pub access_token: SecretString,
    pub refresh_token: SecretString,
    pub expires_in: Duration,
    pub scopes: Vec<String>,
    pub api_url: Option<String>,
}

/// How a token-endpoint call failed, in the terms the rest of the server acts on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OAuthFailure {
    /// The grant is dead (code used/expired, refresh token rotated out or revoked, PKCE mismatch).
    #[error("the grant is no longer valid")]
    InvalidGrant,
    /// The Zoom account's admin disabled the app (4738).
    #[error("the zoom account's admin disabled the app")]
    DisabledByAdmin,
    /// Client credentials or configuration rejected: an operator problem, not the user's.
    #[error("zoom rejected the app's credentials or configuration: {0}")]
    Rejected(String),
    /// Zoom did not answer usefully (network, 5xx, unparseable body).
    #[error("zoom's token endpoint did not answer")]
    Unavailable,
}

#[derive(Clone)]
pub struct ZoomOAuth {
    client: Client,
    http: reqwest::Client,
    revoke_url: String,
    client_id: String,
    client_secret: SecretString,
}

impl ZoomOAuth {
    pub fn new(app: &ZoomApp, timeout: Duration) -> anyhow::Result<Self> {
        let base = app.oauth_base.trim_end_matches('/');
        let client = oauth2::Client::new(ClientId::new(app.client_id.clone()))
            .set_client_secret(ClientSecret::new(app.client_secret.expose_secret().to_string()))
            .set_auth_uri(AuthUrl::new(format!("{base}/oauth/authorize"))?)
            .set_token_uri(TokenUrl::new(format!("{base}/oauth/token"))?)
            .set_redirect_uri(RedirectUrl::new(app.redirect_url.clone())?);
        Ok(ZoomOAuth {
            client,
            http: http_client(timeout)?,
            revoke_url: format!("{base}/oauth/revoke"),
            client_id: app.client_id.clone(),
            client_secret: app.client_secret.clone(),
        })
    }

    /// Zoom's consent URL for `state`, and the PKCE verifier to keep for the exchange.
    pub fn authorize_url(&self, state: &str) -> (url::Url, PkceCodeVerifier) {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let state = state.to_string();
        let (url, _) = self
            .client
            .authorize_url(move || CsrfToken::new(state))
            // Zoom grants the scopes configured on the app; sending them documents intent and is ignored.
            .add_scopes(api::zoom::SCOPES.iter().map(|s| Scope::new(s.name.to_string())))
            .set_pkce_challenge(challenge)
            .url();
        (url, verifier)
    }

    pub async fn exchange_code(&self, code: String, verifier: String) -> Result<TokenSet, OAuthFailure> {
        let result = self
            .client
            .exchange_code(AuthorizationCode::new(code))
            .set_pkce_verifier(PkceCodeVerifier::new(verifier))
            .request_async(&self.http)
            .await;
        token_set(result)
    }

    pub async fn refresh(&self, refresh_token: &SecretString) -> Result<TokenSet, OAuthFailure> {
        let refresh_token = RefreshToken::new(refresh_token.expose_secret().to_string());
        let result = self
            .client
            .exchange_refresh_token(&refresh_token)
            .request_async(&self.http)
            .await;
        token_set(result)
    }

    /// Revokes the grant at Zoom (`POST /oauth/revoke`, Basic auth, form body). `oauth2`'s RFC 7009 helper insists
    /// on an https URL, which the local sandbox is not, so this one call is made directly.
    pub async fn revoke(&self, token: &SecretString) -> Result<(), OAuthFailure> {
        let response = self
            .http
            .post(&self.revoke_url)
            .basic_auth(&self.client_id, Some(self.client_secret.expose_secret()))
            .form(&[("token", token.expose_secret())])
            .send()
            .await
            .map_err(|_| OAuthFailure::Unavailable)?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        if status.is_server_error() {
            return Err(OAuthFailure::Unavailable);
        }
        match response.json::<ZoomOAuthErrorBody>().await {
            Ok(body) => Err(classify(&body)),
            Err(_) => Err(OAuthFailure::Unavailable),
        }
    }
}

/// The HTTP client for every Zoom call: rustls, timeouts, and no redirect following (a redirect from a token
/// endpoint would carry our client secret somewhere else).
pub fn http_client(timeout: Duration) -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(5).min(timeout))
        .timeout(timeout)
        .user_agent("BetterBeing-Zoom/1.0")
        .build()?)
}

fn classify(body: &ZoomOAuthErrorBody) -> OAuthFailure {
    let reason = body.reason.as_deref().unwrap_or_default().to_ascii_lowercase();
    if reason.contains("disabled by admin") || reason.contains("4738") {
        return OAuthFailure::DisabledByAdmin;
    }
    match body.error.as_str() {
        "invalid_grant" => OAuthFailure::InvalidGrant,
        other => OAuthFailure::Rejected(other.to_string()),
    }
}

fn token_set<RE: std::error::Error + 'static>(
    result: Result<TokenResp, RequestTokenError<RE, ZoomOAuthErrorBody>>,
) -> Result<TokenSet, OAuthFailure> {
    match result {
        Ok(token) => {
            let refresh_token = token.refresh_token().ok_or(OAuthFailure::Unavailable)?;
            Ok(TokenSet {
                access_token: SecretString::from(token.access_token().secret().to_string()),
                refresh_token: SecretString::from(refresh_token.secret().to_string()),
                expires_in: token.expires_in().unwrap_or(Duration::from_secs(3599)),
                scopes: token
                    .scopes()
                    .map(|s| s.iter().map(|s| s.to_string()).collect())
                    .unwrap_or_default(),
                api_url: token.extra_fields().api_url.clone(),
            })
        }
        Err(RequestTokenError::ServerResponse(body)) => {
            tracing::warn!(error = %body.error, "zoom token endpoint refused");
            Err(classify(&body))
        }
        Err(RequestTokenError::Request(_)) | Err(RequestTokenError::Parse(..)) | Err(RequestTokenError::Other(_)) => {
            tracing::warn!("zoom token endpoint unavailable");
            Err(OAuthFailure::Unavailable)
        }
    }
}
