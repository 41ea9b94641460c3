use api::error::ErrorCode;
use api::paths;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Json;
use axum::Router;
use secrecy::ExposeSecret;
use serde_json::json;

use crate::app_state::AppState;
use crate::clock::wall_clock_secs;
use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::zoom::webhook::{self, Deauthorization, Event, SignatureError, TIMESTAMP_WINDOW_SECS};

/// The routes of this resource, with their paths from `api::paths`.
pub fn router() -> Router<AppState> {
    Router::new().route(paths::ZOOM_WEBHOOK, post(receive))
}

/// Zoom's event notification and deauthorization endpoint. Every delivery must carry a valid `x-zm-signature`
/// made within the timestamp window; a delivery already accepted is acknowledged without acting twice.
pub async fn receive(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> ApiResult<Response> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let secret = state.webhook_secret.expose_secret().as_bytes();
    let now_secs = wall_clock_secs();
    let signature = header("x-zm-signature");
    let replay_key = match webhook::verify(secret, header("x-zm-request-timestamp"), signature, &body, now_secs) {
        Ok(key) => key,
        Err(e) => {
            tracing::warn!(reason = ?e, "zoom webhook refused");
            let message = match e {
                SignatureError::Stale => "The webhook timestamp is outside the accepted window.",
                SignatureError::Missing | SignatureError::Mismatch => "The webhook signature is not valid.",
            };
            return Err(ApiError::refused(ErrorCode::InvalidWebhookSignature, message));
        }
    };
    let event: Event = serde_json::from_slice(&body)
        .map_err(|_| ApiError::refused(ErrorCode::BadRequest, "The webhook body is not a Zoom event."))?;
    if event.event == "endpoint.url_validation" {
        let plain = event
            .payload
            .get("plainToken")
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string();
        let encrypted = webhook::url_validation_token(secret, &plain);
        return Ok(Json(json!({ "plainToken": plain, "encryptedToken": encrypted })).into_response());
    }
    let first_delivery = db::webhooks::record_delivery(
        &state.db,
        &replay_key,
        now_secs * 1000,
        (now_secs - 2 * TIMESTAMP_WINDOW_SECS) * 1000,
    )
    .await?;
    if !first_delivery {
        tracing::info!(event = %event.event, "zoom webhook replay ignored");
        return Ok(StatusCode::OK.into_response());
    }
    match event.event.as_str() {
        "app_deauthorized" => {
            let deauth: Deauthorization = serde_json::from_value(event.payload)
                .map_err(|_| ApiError::refused(ErrorCode::BadRequest, "app_deauthorized without a user_id."))?;
            if deauth.client_id.as_deref().is_some_and(|c| c != state.zoom_client_id) {
                tracing::warn!("app_deauthorized for another client id ignored");
            } else {
                state.zoom.deauthorized_by_zoom(&deauth.user_id).await?;
            }
        }
        name if name.starts_with("meeting.") => match crate::sessions::zoom_side::parse(name, &event.payload) {
            // Unknown meetings and our own echoes change nothing; the answer is 200 either way, so Zoom does not
            // retry.
            Some(change) => state.calendar.zoom_side_change(change).await?,
            None => tracing::info!(event = %name, "zoom meeting event not acted on"),
        },
        other => tracing::info!(event = %other, "zoom webhook event not handled"),
    }
    Ok(StatusCode::OK.into_response())
}
