use api::identity::Me;
use api::paths;
use axum::extract::State;
use axum::routing::get;
use axum::Json;
use axum::Router;

use crate::app_state::AppState;
use crate::auth::CurrentUser;
use crate::db;
use crate::error::{ApiError, ApiResult};

/// The routes of this resource, with their paths from `api::paths`.
pub fn router() -> Router<AppState> {
    Router::new().route(paths::ME, get(me))
}

pub async fn me(State(state): State<AppState>, CurrentUser(user_id): CurrentUser) -> ApiResult<Json<Me>> {
    db::users::me(&state.db, user_id)
        .await?
        .map(Json)
        .ok_or(ApiError::unauthenticated())
}
