//! Faults on one user's grant: expired access tokens, a killed grant, the app disabled by an admin or removed in the
//! Marketplace.

use axum::extract::{Path, State};
use axum::response::IntoResponse;
use axum::Json;
use serde_json::json;

use super::failure::ControlResult;
use crate::app_state::AppState;
use crate::webhook;

pub(super) async fn expire_access_token(State(state): State<AppState>, Path(id): Path<String>) -> ControlResult {
    let grant_id = state.lock().expire_access_tokens(&id)?;
    Ok(Json(json!({ "grant_id": grant_id })).into_response())
}

pub(super) async fn kill_grant(State(state): State<AppState>, Path(id): Path<String>) -> ControlResult {
    let grant_id = state.lock().kill_grant(&id)?;
    Ok(Json(json!({ "grant_id": grant_id })).into_response())
}

pub(super) async fn disable_app(State(state): State<AppState>, Path(id): Path<String>) -> ControlResult {
    state.lock().set_app_disabled(&id, true)?;
    Ok(Json(json!({ "app_disabled": true })).into_response())
}

pub(super) async fn enable_app(State(state): State<AppState>, Path(id): Path<String>) -> ControlResult {
    state.lock().set_app_disabled(&id, false)?;
    Ok(Json(json!({ "app_disabled": false })).into_response())
}

pub(super) async fn remove_app(State(state): State<AppState>, Path(id): Path<String>) -> ControlResult {
    let (event, url, secret) = {
        let mut sandbox = state.lock();
        let deauthorization = sandbox.remove_app(&id)?;
        let event = webhook::app_deauthorized(&deauthorization, chrono::Utc::now());
        (
            event,
            sandbox.config.deauthorization_url.clone(),
            sandbox.config.webhook_secret_token.clone(),
        )
    };
    let status = match url {
        Some(url) => Some(state.deliver_webhook(&url, &secret, &event).await),
        None => None,
    };
    let status = status.flatten();
    let delivered = status.is_some_and(|s| (200..300).contains(&s));
    Ok(Json(json!({ "delivered": delivered, "status": status })).into_response())
}
