//! api.zoom.us/v2 Users endpoint: `GET /v2/users/{userId}`, the user the app acts for (facts §3.6).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};

use crate::api::{check_self, Endpoint, ZoomAuth};
use crate::app_state::AppState;
use crate::rate_limits::RateCategory;

pub fn routes() -> Router<AppState> {
    Router::new().route("/users/{user_id}", get(get_user))
}

pub struct GetUser;

impl Endpoint for GetUser {
    const KIND: &'static str = "api.users.get";
    const SCOPE: &'static str = "user:read:user";
    const CATEGORY: RateCategory = RateCategory::Light;
}

/// `GET /v2/users/me`.
async fn get_user(State(state): State<AppState>, Path(user_id): Path<String>, auth: ZoomAuth<GetUser>) -> Response {
    let own = &auth.user;
    if let Err(error) = check_self(own, &user_id) {
        return auth.error(error);
    }
    let now = state.lock().now();
    auth.reply(StatusCode::OK, Json(own.to_zoom_json(now)))
}
