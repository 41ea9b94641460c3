//! The middleware in front of the Zoom-facing routes: applies injected faults (see `faults.rs`) and writes each call
//! to the call log (`call_log.rs`) with method, path (never the query string, which may hold a code or token),
//! status and the handler's [`CallNote`].

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

use crate::app_state::AppState;
use crate::call_log::{Call, CallNote};
use crate::clock::rfc3339_millis;
use crate::faults::{self, FaultMode, Triggered};
use crate::oauth;
use crate::rate_limits::RateLimitKind;

/// Requests to the Zoom-facing routes are small; anything bigger is refused outright.
const BODY_LIMIT: usize = 4 << 20;

/// What the middleware knows about a call before the answer.
struct Incoming {
    method: String,
    path: String,
    endpoint: Option<&'static str>,
    query: Option<Value>,
    request_body: Option<Value>,
    grant_type: Option<String>,
    fault: Option<Triggered>,
    /// When the call arrived, for its logged duration.
    started: std::time::Instant,
}

/// Logs every Zoom-facing call and applies injected faults (see `faults.rs`).
pub async fn record(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = std::time::Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let raw_query = request.uri().query().unwrap_or("").to_owned();
    let endpoint = faults::classify(&method, &path);
    let log_bodies = endpoint.is_some_and(|e| e.starts_with("meetings."));
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, BODY_LIMIT).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let request = Request::from_parts(parts, Body::from(bytes.clone()));
    let grant_type = (endpoint == Some("token"))
        .then(|| {
            oauth::token_params(Some(&raw_query), &bytes)
                .remove("grant_type")
                .filter(|g| !g.is_empty())
        })
        .flatten();
    let fault = endpoint.and_then(|e| state.lock().faults.take(e));
    let incoming = Incoming {
        method: method.to_string(),
        path,
        endpoint,
        query: log_bodies.then(|| query_json(&raw_query)),
        request_body: log_bodies.then(|| body_json(&bytes)),
        grant_type,
        fault,
        started,
    };
    let response = match fault.map(|f| f.mode) {
        Some(FaultMode::Error500 | FaultMode::Error503 | FaultMode::RateLimit429) => fault_response(&incoming),
        Some(FaultMode::Hang) => {
            let response = fault_response(&incoming);
            log(&state, &incoming, &response, log_bodies.then_some(Value::Null));
            tokio::time::sleep(hang_time(&incoming)).await;
            return response;
        }
        Some(FaultMode::Delay) => {
            tokio::time::sleep(hang_time(&incoming)).await;
            next.run(request).await
        }
        Some(FaultMode::HangAfterCommit) | None => next.run(request).await,
    };
    let (response, response_body) = if log_bodies {
        let (parts, body) = response.into_parts();
        let bytes = to_bytes(body, usize::MAX).await.unwrap_or_default();
        let logged = body_json(&bytes);
        (Response::from_parts(parts, Body::from(bytes)), Some(logged))
    } else {
        (response, None)
    };
    log(&state, &incoming, &response, response_body);
    if fault.is_some_and(|f| f.mode == FaultMode::HangAfterCommit) {
        tokio::time::sleep(hang_time(&incoming)).await;
    }
    response
}

fn hang_time(incoming: &Incoming) -> std::time::Duration {
    std::time::Duration::from_secs(incoming.fault.map_or(0, |f| f.hang_secs))
}

fn log(state: &AppState, incoming: &Incoming, response: &Response, response_body: Option<Value>) {
    let note = response.extensions().get::<CallNote>().cloned().unwrap_or_default();
    let status = response.status().as_u16();
    let kind = note
        .kind
        .or_else(|| incoming.endpoint.map(|e| fault_kind(e, incoming.grant_type.as_deref())))
        .unwrap_or("other");
    let fault = incoming.fault.map(|f| f.mode.name());
    tracing::info!(method = %incoming.method, path = %incoming.path, status, kind, fault, "zoom call");
    let mut sandbox = state.lock();
    let at = rfc3339_millis(sandbox.now());
    sandbox.record_call(Call {
        at,
        kind: kind.to_owned(),
        method: incoming.method.clone(),
        path: incoming.path.clone(),
        grant_type: note.grant_type.or_else(|| incoming.grant_type.clone()),
        status,
        zoom_user_id: note.zoom_user_id,
        query: incoming.query.clone(),
        request_body: incoming.request_body.clone(),
        response_body,
        duration_ms: (incoming.started.elapsed().as_secs_f64() * 100_000.0).round() / 100.0,
        fault,
        rate_limit: response.extensions().get::<RateLimitKind>().map(|k| k.name()),
    });
}

fn fault_kind(endpoint: &str, grant_type: Option<&str>) -> &'static str {
    match (endpoint, grant_type) {
        ("token", Some("authorization_code")) => "token.authorization_code",
        ("token", Some("refresh_token")) => "token.refresh_token",
        ("token", _) => "token.unsupported",
        (endpoint, _) => faults::kind_of(endpoint),
    }
}

/// The answer of a fault that pre-empts the handler. Zoom's exact 5xx bodies are unknown; these follow its
/// `{"code","message"}` shape. `hang` ends (if the client is still there) in an empty 504.
fn fault_response(incoming: &Incoming) -> Response {
    let mode = incoming.fault.map(|f| f.mode);
    let (status, body) = match mode {
        Some(FaultMode::Error500) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Some(json!({ "code": 500, "message": "Internal Server Error" })),
        ),
        Some(FaultMode::Error503) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Some(json!({ "code": 503, "message": "Service Unavailable" })),
        ),
        Some(FaultMode::RateLimit429) => (
            StatusCode::TOO_MANY_REQUESTS,
            Some(json!({
                "code": 429,
                "message": "You have reached the maximum per-second rate limit for this API. Try again later.",
            })),
        ),
        _ => (StatusCode::GATEWAY_TIMEOUT, None),
    };
    let mut response = match body {
        Some(body) => (status, Json(body)).into_response(),
        None => status.into_response(),
    };
    if let Some(endpoint) = incoming.endpoint.filter(|e| *e != "token") {
        let category = if matches!(endpoint, "meetings.create" | "meetings.list") {
            "Medium"
        } else {
            "Light"
        };
        let headers = response.headers_mut();
        headers.insert("x-ratelimit-category", HeaderValue::from_static(category));
        if mode == Some(FaultMode::RateLimit429) {
            headers.insert("x-ratelimit-type", HeaderValue::from_static("QPS"));
        }
    }
    response
}

fn body_json(bytes: &[u8]) -> Value {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Value::Null;
    }
    serde_json::from_slice(bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned()))
}

fn query_json(raw: &str) -> Value {
    let pairs: Map<String, Value> = url::form_urlencoded::parse(raw.as_bytes())
        .filter(|(name, _)| name != "access_token")
        .map(|(name, value)| (name.into_owned(), Value::String(value.into_owned())))
        .collect();
    Value::Object(pairs)
}
