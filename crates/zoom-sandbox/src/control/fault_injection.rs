//! `/_sandbox/faults`: errors, hangs and delays armed for the next calls to an endpoint (see `faults.rs`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::failure::{ControlFailure, ControlResult};
use crate::app_state::AppState;
use crate::faults::{Fault, FaultMode, DEFAULT_HANG_SECS};

#[derive(Deserialize)]
pub(super) struct NewFault {
    endpoint: String,
    mode: FaultMode,
    count: Option<u32>,
    hang_secs: Option<u64>,
}

pub(super) async fn add_fault(State(state): State<AppState>, Json(body): Json<NewFault>) -> ControlResult {
    let fault = Fault {
        endpoint: body.endpoint,
        mode: body.mode,
        remaining: body.count.unwrap_or(1),
        hang_secs: body.hang_secs.unwrap_or(DEFAULT_HANG_SECS),
    };
    let mut sandbox = state.lock();
    sandbox
        .faults
        .add(fault)
        .map_err(|message| ControlFailure(StatusCode::BAD_REQUEST, message))?;
    Ok((StatusCode::CREATED, Json(json!(sandbox.faults.pending()))).into_response())
}

pub(super) async fn list_faults(State(state): State<AppState>) -> Json<Value> {
    Json(json!(state.lock().faults.pending()))
}

pub(super) async fn clear_faults(State(state): State<AppState>) -> StatusCode {
    state.lock().faults.clear();
    StatusCode::NO_CONTENT
}
