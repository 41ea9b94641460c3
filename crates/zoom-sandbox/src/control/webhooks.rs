//! `/_sandbox/webhooks`: the app's event endpoint checked the way Zoom checks it, and every delivery so far.

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use crate::app_state::AppState;
use crate::ids;
use crate::webhook;

pub(super) async fn validate_webhook_endpoint(State(state): State<AppState>) -> Json<Value> {
    let (url, secret, client_id) = {
        let sandbox = state.lock();
        (
            sandbox.config.deauthorization_url.clone(),
            sandbox.config.webhook_secret_token.clone(),
            sandbox.config.client_id.clone(),
        )
    };
    let Some(url) = url else {
        return Json(json!({ "valid": false, "status": null, "error": "no deauthorization_url configured" }));
    };
    let plain_token = ids::random_alnum(22);
    let event = webhook::url_validation(&plain_token, chrono::Utc::now());
    let delivery = webhook::send(&state.http, &url, &secret, &client_id, &event).await;
    let valid = webhook::validation_passed(&secret, &plain_token, &delivery);
    Json(json!({ "valid": valid, "status": delivery.status }))
}

pub(super) async fn list_webhook_deliveries(State(state): State<AppState>) -> Json<Value> {
    Json(json!(state.lock().webhook_deliveries))
}
