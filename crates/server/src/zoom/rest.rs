//! Zoom REST calls (`/v2`). Bearer header only; never a token in a URL.

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

/// Zoom's error body: `{"code": 124, "message": "..."}`.
#[derive(Debug, Clone, Deserialize)]
pub struct ZoomErrorBody {
    pub code: i64,
    #[serde(default)]
    pub message: String,
}

/// Outcome of one API call, classified for the retry / reauthorization logic.
#[derive(Debug, Clone, thiserror::Error)]
pub enum RestError {
    /// 401 code 124: the access token is expired, revoked or otherwise unusable.
    #[error("zoom refused the access token")]
    InvalidAccessToken,
    /// 4738: the Zoom account's admin disabled the app.
    #[error("the zoom account's admin disabled the app")]
    DisabledByAdmin,
    /// 429: per-second limit, or the 100-per-day create/update cap of one host (`daily`), which resets at 00:00 UTC.
    #[error("zoom rate limit (daily: {daily})")]
    RateLimited { daily: bool },
    /// Any other Zoom answer with a JSON error body.
    #[error("zoom refused: {status} {code} {message}")]
    Zoom { status: u16, code: i64, message: String },
    /// No usable answer (network, timeout, 5xx without body).
    #[error("zoom did not answer")]
    Unavailable,
}

/// `GET /users/me`, the part we keep.
#[derive(Debug, Clone, Deserialize)]
pub struct ZoomUser {
    pub id: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub account_id: String,
    #[serde(rename = "type", default)]
    pub user_type: i64,
}

impl ZoomUser {
    pub fn display_name(&self) -> String {
        self.display_name
            .clone()
            .filter(|d| !d.trim().is_empty())
            .unwrap_or_else(|| format!("{} {}", self.first_name, self.last_name).trim().to_string())
    }
}

#[derive(Clone)]
pub struct ZoomRest {
    http: reqwest::Client,
}

impl ZoomRest {
    pub fn new(http: reqwest::Client) -> Self {
        ZoomRest { http }
    }

    pub(super) fn http(&self) -> &reqwest::Client {
        &self.http
    }

    pub async fn users_me(&self, api_base: &str, token: &SecretString) -> Result<ZoomUser, RestError> {
        let url = format!("{}/users/me", api_base.trim_end_matches('/'));
        let response = self
            .http
            .get(url)
            .bearer_auth(token.expose_secret())
            .send()
            .await
            .map_err(|_| RestError::Unavailable)?;
        decode(response).await
    }
}

tokio::task_local! {
    /// `x-ratelimit-limit` / `x-ratelimit-remaining` of the last answer inside [`observe_quota`].
    static QUOTA: std::cell::Cell<Option<(i64, i64)>>;
}

/// Runs one request and returns what Zoom said of its limit with the answer: `(limit, remaining)` from
/// `x-ratelimit-limit` / `x-ratelimit-remaining`, when Zoom sent both (it does not always: facts §4.2).
pub async fn observe_quota<T>(request: impl std::future::Future<Output = T>) -> (T, Option<(i64, i64)>) {
    QUOTA
        .scope(std::cell::Cell::new(None), async {
            let answer = request.await;
            (answer, QUOTA.with(|q| q.get()))
        })
        .await
}

fn note_quota(response: &reqwest::Response) {
    let number = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<i64>().ok())
    };
    if let (Some(limit), Some(remaining)) = (number("x-ratelimit-limit"), number("x-ratelimit-remaining")) {
        let _ = QUOTA.try_with(|q| q.set(Some((limit, remaining))));
    }
}

pub(super) async fn decode<T: serde::de::DeserializeOwned>(response: reqwest::Response) -> Result<T, RestError> {
    let status = response.status();
    note_quota(&response);
    if status.is_success() {
        return response.json::<T>().await.map_err(|_| RestError::Unavailable);
    }
    decode_error(status, response).await
}

/// For 204 answers (PATCH, DELETE).
pub(super) async fn decode_empty(response: reqwest::Response) -> Result<(), RestError> {
    let status = response.status();
    note_quota(&response);
    if status.is_success() {
        return Ok(());
    }
    decode_error(status, response).await
}

async fn decode_error<T>(status: reqwest::StatusCode, response: reqwest::Response) -> Result<T, RestError> {
    if status.is_server_error() {
        // Zoom's side failed: whatever the body says, trying again later is the answer.
        return Err(RestError::Unavailable);
    }
    let body = response.json::<ZoomErrorBody>().await;
    match body {
        Ok(ZoomErrorBody { code: 124, .. }) => Err(RestError::InvalidAccessToken),
        Ok(ZoomErrorBody { code: 4738, .. }) => Err(RestError::DisabledByAdmin),
        Ok(ZoomErrorBody { message, .. }) if status == reqwest::StatusCode::TOO_MANY_REQUESTS => {
            Err(RestError::RateLimited {
                daily: message.to_ascii_lowercase().contains("daily"),
            })
        }
        Ok(ZoomErrorBody { code, message }) => Err(RestError::Zoom {
            status: status.as_u16(),
            code,
            message,
        }),
        Err(_) if status == reqwest::StatusCode::UNAUTHORIZED => Err(RestError::InvalidAccessToken),
        Err(_) if status == reqwest::StatusCode::TOO_MANY_REQUESTS => Err(RestError::RateLimited { daily: false }),
        Err(_) => Err(RestError::Unavailable),
    }
}
