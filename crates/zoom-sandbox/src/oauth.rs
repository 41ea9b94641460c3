//! zoom.us/oauth: authorize (consent), token, revoke (facts §1).

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Query, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::Deserialize;
use serde_json::json;

use crate::app_state::AppState;
use crate::call_log::CallNote;
use crate::consent_page::{self, Consent};
use crate::pkce::{PkceChallenge, PkceMethod};
use crate::state::{PendingAuthorization, TokenError, TokenSet};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/oauth/authorize", get(authorize_page).post(authorize_decision))
        .route("/oauth/token", post(token))
        .route("/oauth/revoke", post(revoke))
}

// ---- authorize ---------------------------------------------------------------------------------------

fn error_page(kind: &'static str, title: &str, detail: &str) -> Response {
    let mut response = (StatusCode::BAD_REQUEST, Html(consent_page::error(title, detail))).into_response();
    response.extensions_mut().insert(CallNote::kind(kind));
    response
}

async fn authorize_page(State(state): State<AppState>, Query(query): Query<HashMap<String, String>>) -> Response {
    const KIND: &str = "authorize.page";
    let param = |name: &str| query.get(name).map(String::as_str).filter(|v| !v.is_empty());
    let mut sandbox = state.lock();
    if param("client_id") != Some(sandbox.config.client_id.as_str()) {
        return error_page(
            KIND,
            "Invalid client_id",
            "The app you are trying to authorize does not exist. Please contact the app developer.",
        );
    }
    let Some(redirect_uri) =
        param("redirect_uri").filter(|uri| sandbox.config.redirect_uris.iter().any(|allowed| allowed == uri))
    else {
        return error_page(
            KIND,
            "Redirect URI mismatch",
            "The redirect_uri does not match any redirect URL configured for this app.",
        );
    };
    if param("response_type") != Some("code") {
        return error_page(
            KIND,
            "Unsupported response type",
            "Only response_type=code is supported.",
        );
    }
    let pkce = match param("code_challenge") {
        None => None,
        Some(challenge) => match PkceMethod::parse(param("code_challenge_method")) {
            Some(method) => Some(PkceChallenge {
                method,
                challenge: challenge.to_owned(),
            }),
            None => {
                return error_page(
                    KIND,
                    "Invalid code_challenge_method",
                    "code_challenge_method must be S256 or plain.",
                )
            }
        },
    };
    // `scope` is accepted and ignored: Zoom grants the app's configured scopes (facts §1.1).
    let client_id = sandbox.config.client_id.clone();
    let pending_id = sandbox.park_authorization(PendingAuthorization {
        client_id,
        redirect_uri: redirect_uri.to_owned(),
        state: param("state").map(str::to_owned),
        pkce,
    });
    let html = consent_page::consent(&Consent {
        app_name: &sandbox.config.app_name,
        pending_id: &pending_id,
        scopes: &sandbox.config.scopes,
        users: sandbox.users(),
    });
    let mut response = Html(html).into_response();
    response.extensions_mut().insert(CallNote::kind(KIND));
    response
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct DecisionForm {
    pending_id: String,
    zoom_user_id: String,
    decision: String,
}

/// Builds `redirect_uri?...&state=...`, keeping any query the registered URI already has.
fn redirect_back(pending: &PendingAuthorization, pairs: &[(&str, &str)]) -> Response {
    let Ok(mut url) = url::Url::parse(&pending.redirect_uri) else {
        return error_page(
            "authorize.decision",
            "Redirect URI mismatch",
            "The app's redirect URL is not a valid URL.",
        );
    };
    {
        let mut query = url.query_pairs_mut();
        for (name, value) in pairs {
            query.append_pair(name, value);
        }
        if let Some(state) = &pending.state {
            query.append_pair("state", state);
        }
    }
    (StatusCode::FOUND, [(header::LOCATION, url.to_string())]).into_response()
}

async fn authorize_decision(State(state): State<AppState>, Form(form): Form<DecisionForm>) -> Response {
    const KIND: &str = "authorize.decision";
    let mut sandbox = state.lock();
    let Some(pending) = sandbox.take_authorization(&form.pending_id) else {
        return error_page(
            KIND,
            "This authorization request has expired",
            "Go back to the app and start connecting again.",
        );
    };
    let mut response = match form.decision.as_str() {
        "deny" => redirect_back(
            &pending,
            &[
                ("error", "access_denied"),
                ("error_description", "The user denied the authorization."),
            ],
        ),
        "allow" if sandbox.user(&form.zoom_user_id).is_none() => {
            return error_page(KIND, "Unknown Zoom user", "Choose a Zoom user to sign in as.");
        }
        // Our choice (Zoom's exact form is UNCONFIRMED): an admin-disabled app is refused like a denial,
        // with Zoom's OAuth error code 4738 alongside.
        "allow" if sandbox.consent_blocked_by_admin(&form.zoom_user_id) => redirect_back(
            &pending,
            &[
                ("error", "access_denied"),
                ("error_code", "4738"),
                (
                    "error_description",
                    "Your account admin has disabled this app. Contact your admin for approval.",
                ),
            ],
        ),
        "allow" => {
            let code = sandbox.issue_code(&pending, &form.zoom_user_id);
            redirect_back(&pending, &[("code", &code)])
        }
        _ => return error_page(KIND, "Invalid request", "decision must be allow or deny."),
    };
    let mut note = CallNote::kind(KIND);
    if sandbox.user(&form.zoom_user_id).is_some() {
        note = note.user(form.zoom_user_id);
    }
    response.extensions_mut().insert(note);
    response
}

// ---- token and revoke ----------------------------------------------------------------------------------

/// Zoom's token-endpoint error body: `{"reason","error"}`, HTTP 400.
struct OAuthError {
    reason: &'static str,
    error: &'static str,
}

impl OAuthError {
    const INVALID_CLIENT: Self = Self {
        reason: "Invalid client_id or client_secret",
        error: "invalid_client",
    };
    const UNSUPPORTED_GRANT: Self = Self {
        reason: "Unsupported grant type",
        error: "unsupported_grant_type",
    };
}

impl From<TokenError> for OAuthError {
    fn from(error: TokenError) -> Self {
        let (reason, error) = match error {
            TokenError::InvalidCode => ("Invalid authorization code", "invalid_grant"),
            TokenError::CodeExpired => ("Code is expired", "invalid_grant"),
            TokenError::RedirectMismatch => ("Redirect URI mismatch.", "invalid_request"),
            TokenError::InvalidVerifier => ("Invalid code_verifier", "invalid_grant"),
            TokenError::InvalidToken => ("Invalid Token!", "invalid_grant"),
            TokenError::DisabledByAdmin => ("The token is disabled by admin.", "invalid_grant"),
        };
        Self { reason, error }
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        (
            StatusCode::BAD_REQUEST,
            Json(json!({ "reason": self.reason, "error": self.error })),
        )
            .into_response()
    }
}

/// Zoom takes token parameters from the query string or the form body (facts §1.2); the body wins.
pub(crate) fn token_params(query: Option<&str>, body: &[u8]) -> HashMap<String, String> {
    let mut params: HashMap<String, String> = url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .into_owned()
        .collect();
    params.extend(url::form_urlencoded::parse(body).into_owned());
    params
}

fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

fn authenticated_client(state: &AppState, headers: &HeaderMap) -> Option<String> {
    let (id, secret) = basic_credentials(headers)?;
    state.lock().client_credentials_match(&id, &secret).then_some(id)
}

fn with_note(mut response: Response, note: CallNote) -> Response {
    response.extensions_mut().insert(note);
    response
}

async fn token(State(state): State<AppState>, headers: HeaderMap, RawQuery(query): RawQuery, body: Bytes) -> Response {
    let params = token_params(query.as_deref(), &body);
    let param = |name: &str| params.get(name).map(String::as_str).filter(|v| !v.is_empty());
    let grant_type = param("grant_type");
    let mut note = CallNote {
        kind: Some(match grant_type {
            Some("authorization_code") => "token.authorization_code",
            Some("refresh_token") => "token.refresh_token",
            _ => "token.unsupported",
        }),
        grant_type: grant_type.map(str::to_owned),
        zoom_user_id: None,
    };
    let Some(client_id) = authenticated_client(&state, &headers) else {
        return with_note(OAuthError::INVALID_CLIENT.into_response(), note);
    };
    let result = {
        let mut sandbox = state.lock();
        let outcome = match grant_type {
            Some("authorization_code") => sandbox.exchange_code(
                &client_id,
                param("code").unwrap_or(""),
                param("redirect_uri"),
                param("code_verifier"),
            ),
            Some("refresh_token") => sandbox.refresh(&client_id, param("refresh_token").unwrap_or("")),
            _ => return with_note(OAuthError::UNSUPPORTED_GRANT.into_response(), note),
        };
        outcome.map(|tokens| (tokens, sandbox.base_url.clone()))
    };
    let response = match result {
        Ok((tokens, api_url)) => {
            note.zoom_user_id = Some(tokens.zoom_user_id.clone());
            token_response(tokens, api_url)
        }
        Err(error) => OAuthError::from(error).into_response(),
    };
    with_note(response, note)
}

fn token_response(tokens: TokenSet, api_url: String) -> Response {
    (
        [(header::CACHE_CONTROL, "no-store")],
        Json(json!({
            "access_token": tokens.access_token,
            "token_type": "bearer",
            "refresh_token": tokens.refresh_token,
            "expires_in": tokens.expires_in,
            "scope": tokens.scopes.join(" "),
            "api_url": api_url,
        })),
    )
        .into_response()
}

/// Revokes the whole grant. Unlike Zoom staff's description of production, no `app_deauthorized`
/// follows: the brief for this sandbox keeps revoke and Marketplace removal separate.
async fn revoke(State(state): State<AppState>, headers: HeaderMap, RawQuery(query): RawQuery, body: Bytes) -> Response {
    let note = CallNote::kind("revoke");
    let Some(client_id) = authenticated_client(&state, &headers) else {
        return with_note(OAuthError::INVALID_CLIENT.into_response(), note);
    };
    let params = token_params(query.as_deref(), &body);
    let token = params.get("token").map(String::as_str).unwrap_or("");
    let response = match state.lock().revoke(&client_id, token) {
        Ok(()) => Json(json!({ "status": "success" })).into_response(),
        Err(error) => OAuthError::from(error).into_response(),
    };
    with_note(response, note)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_parameters_override_query_parameters() {
        let params = token_params(Some("grant_type=refresh_token&code=q"), b"code=b%2Bc");
        assert_eq!(params["grant_type"], "refresh_token");
        assert_eq!(params["code"], "b+c");
    }

    #[test]
    fn basic_credentials_are_decoded() {
        let mut headers = HeaderMap::new();
        let value = format!("Basic {}", STANDARD.encode("id:se:cret"));
        headers.insert(header::AUTHORIZATION, value.parse().unwrap());
        assert_eq!(
            basic_credentials(&headers),
            Some(("id".to_owned(), "se:cret".to_owned()))
        );
    }
}
