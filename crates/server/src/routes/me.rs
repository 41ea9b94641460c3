use api::identity::Me;
use axum::extract::State;
use axum::Json;

use crate::auth::CurrentUser;
use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::startup::AppState;

pub async fn me(State(state): State<AppState>, CurrentUser(user_id): CurrentUser) -> ApiResult<Json<Me>> {
    db::users::me(&state.db, user_id)
        .await?
        .map(Json)
        .ok_or(ApiError::unauthenticated())
}
