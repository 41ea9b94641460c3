//! api.zoom.us/v2: bearer authentication, Zoom's error JSON, and the endpoints.
//!
//! Adding an endpoint (e.g. the Meetings API) means: a marker type implementing [`Endpoint`] with its
//! granular scope, call-log kind and rate-limit label; a handler taking `ZoomAuth<ThatMarker>`; answering
//! with [`ZoomAuth::reply`] or an [`ApiError`]; and its route in a `*_api.rs` module's `routes()`, which `lib.rs`
//! mounts with [`v2`]. Authentication, 124/4738/4711, Zoom's account-wide rate limits and the call log come for free.

use std::marker::PhantomData;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{middleware, Json, Router};
use serde_json::json;

use crate::app_state::AppState;
use crate::call_log::CallNote;
use crate::clock::rfc3339_secs;
use crate::rate_limits::{RateCategory, RateLimitKind, Refusal};
use crate::state::AccessError;
use crate::users::User;

/// `/v2`: the `endpoints` (`users_api.rs`, `meetings_api.rs`), Zoom's 404 for any other path, and the
/// `x-ratelimit-category` header on every answer.
pub fn v2(endpoints: Router<AppState>) -> Router<AppState> {
    endpoints
        .fallback(unknown_route)
        .layer(middleware::map_response(rate_limit_header))
}

/// One API operation: what it needs and how it is labelled.
pub trait Endpoint: Send + Sync + 'static {
    /// Call-log kind, e.g. `api.users.me`.
    const KIND: &'static str;
    /// The user-level granular scope (facts §1.4). Zoom's 4711 also names the `:admin` variant.
    const SCOPE: &'static str;
    /// Zoom's rate-limit label, sent as `x-ratelimit-category`.
    const CATEGORY: RateCategory;
}

/// Zoom's API error body: `{"code","message"}`, plus `errors[]` on validation failures (facts §4.1).
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: u32,
    pub message: String,
    /// Field names for `"errors":[{"field","message":"Invalid field."}]`; omitted when empty.
    pub fields: Vec<String>,
    note: CallNote,
    category: RateCategory,
}

impl ApiError {
    pub fn new(status: StatusCode, code: u32, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            fields: Vec::new(),
            note: CallNote::default(),
            category: RateCategory::Light,
        }
    }

    fn for_endpoint<E: Endpoint>(mut self) -> Self {
        self.note.kind = Some(E::KIND);
        self.category = E::CATEGORY;
        self
    }

    fn from_access(error: AccessError) -> Self {
        match error {
            AccessError::Invalid => Self::invalid_token(),
            AccessError::Expired => Self::new(StatusCode::UNAUTHORIZED, 124, "Access token is expired."),
            AccessError::DisabledByAdmin => {
                Self::new(StatusCode::UNAUTHORIZED, 4738, "The token is disabled by admin.")
            }
        }
    }

    fn invalid_token() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, 124, "Invalid access token.")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({ "code": self.code, "message": self.message });
        if !self.fields.is_empty() {
            let errors: Vec<_> = self
                .fields
                .iter()
                .map(|field| json!({ "field": field, "message": "Invalid field." }))
                .collect();
            body["errors"] = json!(errors);
        }
        let mut response = (self.status, Json(body)).into_response();
        response.extensions_mut().insert(self.note);
        response.extensions_mut().insert(self.category);
        response
    }
}

/// A request that carried a live, correctly scoped access token for endpoint `E`.
pub struct ZoomAuth<E> {
    pub user: User,
    #[expect(
        dead_code,
        reason = "meetings belong to the Zoom user, not the grant; kept for endpoints that care"
    )]
    pub grant_id: String,
    #[expect(dead_code, reason = "the extractor checks the scope; kept for endpoints that care")]
    pub scopes: Vec<String>,
    endpoint: PhantomData<fn() -> E>,
}

impl<E: Endpoint> ZoomAuth<E> {
    pub fn note(&self) -> CallNote {
        CallNote::kind(E::KIND).user(self.user.id.clone())
    }

    /// A success response, labelled for the call log and rate-limit header.
    pub fn reply(&self, status: StatusCode, body: impl IntoResponse) -> Response {
        let mut response = (status, body).into_response();
        response.extensions_mut().insert(self.note());
        response.extensions_mut().insert(E::CATEGORY);
        response
    }

    /// An error for this caller, labelled like [`ZoomAuth::reply`].
    pub fn error(&self, error: ApiError) -> Response {
        let mut error = error.for_endpoint::<E>();
        error.note = self.note();
        error.into_response()
    }
}

fn bearer_token(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

fn has_query_token(parts: &Parts) -> bool {
    let query = parts.uri.query().unwrap_or("");
    url::form_urlencoded::parse(query.as_bytes()).any(|(name, _)| name == "access_token")
}

/// Marks `response` as refused by one of Zoom's rate limits, for the call log's `rate_limit`.
pub fn rate_limited(mut response: Response, kind: RateLimitKind) -> Response {
    response.extensions_mut().insert(kind);
    response
}

/// Zoom's answer when an account-wide limit refuses a call (facts §4.2), from `error`, the caller's labelled 429: the
/// documented message, and `x-ratelimit-type` / `-limit` / `-remaining: 0` (the category header is added for every
/// `/v2` answer); a daily refusal also names the next 00:00 UTC in `Retry-After` as an ISO date, not seconds, as the
/// doc's example does.
fn refusal_response(refusal: Refusal, error: impl FnOnce(ApiError) -> ApiError) -> Response {
    let (kind, limit, message, rate_type) = match refusal {
        Refusal::PerSecond { limit } => (
            RateLimitKind::PerSecond,
            limit,
            "You have reached the maximum per-second rate limit for this API. Try again later.",
            "QPS",
        ),
        Refusal::Daily { limit, .. } => (
            RateLimitKind::Daily,
            limit,
            "You have reached the maximum daily rate limit for this API. Refer to the response header for details \
             on when you can make another request.",
            "Daily-limit",
        ),
    };
    let mut headers = HeaderMap::new();
    headers.insert("x-ratelimit-type", HeaderValue::from_static(rate_type));
    headers.insert("x-ratelimit-limit", HeaderValue::from(limit));
    headers.insert("x-ratelimit-remaining", HeaderValue::from(0));
    if let Refusal::Daily { retry_after, .. } = refusal {
        let value = HeaderValue::from_str(&rfc3339_secs(retry_after)).expect("a date is a header value");
        headers.insert(header::RETRY_AFTER, value);
    }
    let response = error(ApiError::new(StatusCode::TOO_MANY_REQUESTS, 429, message)).into_response();
    rate_limited((headers, response).into_response(), kind)
}

impl<E: Endpoint> FromRequestParts<AppState> for ZoomAuth<E> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        // Since 2023-02 Zoom refuses query-string tokens outright, even next to a good header (facts §1.3).
        if has_query_token(parts) {
            let error = ApiError::new(
                StatusCode::UNAUTHORIZED,
                124,
                "Access token is not supported as query parameter string.",
            );
            return Err(error.for_endpoint::<E>().into_response());
        }
        let token = bearer_token(parts).ok_or_else(|| ApiError::invalid_token().for_endpoint::<E>().into_response())?;
        let mut sandbox = state.lock();
        let authenticated = sandbox
            .authenticate(token)
            .map_err(|e| ApiError::from_access(e).for_endpoint::<E>().into_response())?;
        let for_user = |error: ApiError| {
            let mut error = error.for_endpoint::<E>();
            error.note = error.note.user(authenticated.user.id.clone());
            error
        };
        if !authenticated.scopes.iter().any(|s| s == E::SCOPE) {
            return Err(for_user(ApiError::new(
                StatusCode::BAD_REQUEST,
                4711,
                format!(
                    "Invalid access token, does not contain scopes:[{0}, {0}:admin].",
                    E::SCOPE
                ),
            ))
            .into_response());
        }
        // Zoom counts what it has authenticated, per account and category, before the operation runs; a refused
        // call does nothing (facts §4.2).
        if let Err(refusal) = sandbox.admit_api_call(&authenticated.user.account_id, E::CATEGORY) {
            return Err(refusal_response(refusal, for_user));
        }
        drop(sandbox);
        Ok(Self {
            user: authenticated.user,
            grant_id: authenticated.grant_id,
            scopes: authenticated.scopes,
            endpoint: PhantomData,
        })
    }
}

async fn rate_limit_header(mut response: Response) -> Response {
    let category = response
        .extensions()
        .get::<RateCategory>()
        .copied()
        .unwrap_or(RateCategory::Light);
    response.headers_mut().insert(
        "x-ratelimit-category",
        HeaderValue::from_static(category.header_value()),
    );
    response
}

async fn unknown_route() -> ApiError {
    let mut error = ApiError::new(StatusCode::NOT_FOUND, 404, "Not Found");
    error.note = CallNote::kind("api.unknown");
    error
}

/// A user-level app names its own user as `me`, by id or by email; anyone else is 1001.
pub fn check_self(user: &User, user_id: &str) -> Result<(), ApiError> {
    if user_id == "me" || user_id == user.id || user_id.eq_ignore_ascii_case(&user.email) {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::NOT_FOUND,
            1001,
            format!("User does not exist: {user_id}."),
        ))
    }
}
