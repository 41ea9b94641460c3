//! `/_sandbox/users` and `/_sandbox/seed-demo`: Zoom users to sign in as.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use serde_json::Value;

use super::failure::{ControlFailure, ControlResult};
use crate::app_state::AppState;
use crate::users::NewUser;

pub(super) async fn list_users(State(state): State<AppState>) -> Json<Vec<Value>> {
    let sandbox = state.lock();
    let now = sandbox.now();
    Json(sandbox.users().iter().map(|u| u.to_zoom_json(now)).collect())
}

#[derive(Deserialize)]
pub(super) struct CreateUser {
    email: String,
    #[serde(default)]
    first_name: String,
    #[serde(default)]
    last_name: String,
    #[serde(rename = "type")]
    user_type: u8,
    account_id: Option<String>,
    timezone: Option<String>,
}

pub(super) async fn create_user(State(state): State<AppState>, Json(body): Json<CreateUser>) -> ControlResult {
    let mut sandbox = state.lock();
    let user = sandbox
        .add_user(NewUser {
            email: body.email,
            first_name: body.first_name,
            last_name: body.last_name,
            user_type: body.user_type,
            account_id: body.account_id,
            timezone: body.timezone,
        })
        .map_err(|message| ControlFailure(StatusCode::BAD_REQUEST, message))?;
    Ok((StatusCode::CREATED, Json(user.to_zoom_json(sandbox.now()))).into_response())
}

pub(super) async fn seed_demo(State(state): State<AppState>) -> Json<Vec<Value>> {
    let mut sandbox = state.lock();
    let users = sandbox.seed_demo_users();
    let now = sandbox.now();
    Json(users.iter().map(|u| u.to_zoom_json(now)).collect())
}
