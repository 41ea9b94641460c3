//! What a client did: grants, the call log and every secret the sandbox handed out.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

use crate::app_state::AppState;

pub(super) async fn list_grants(State(state): State<AppState>) -> Json<Value> {
    Json(json!(state.lock().grant_views()))
}

pub(super) async fn list_calls(State(state): State<AppState>) -> Json<Value> {
    let sandbox = state.lock();
    Json(json!({
        "calls": sandbox.calls.calls(),
        "counters": sandbox.call_counters(),
    }))
}

pub(super) async fn clear_calls(State(state): State<AppState>) -> StatusCode {
    state.lock().calls.clear();
    StatusCode::NO_CONTENT
}

pub(super) async fn issued_secrets(State(state): State<AppState>) -> Json<Value> {
    Json(json!(state.lock().issued_secrets()))
}
