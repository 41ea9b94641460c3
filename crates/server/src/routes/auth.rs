use api::error::ErrorCode;
use api::identity::{DemoPerson, DemoSignIn, ShellSignIn};
use api::paths;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::Json;
use axum::Router;

use crate::extract;

use crate::app_state::AppState;
use crate::auth::{self, verify_shell_token};
use crate::clock::wall_clock_secs;
use crate::db::{self, users::ShellIdentity};
use crate::error::{ApiError, ApiResult};
use crate::ids::UserId;

/// The routes of this resource, with their paths from `api::paths`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(paths::DEMO_PEOPLE, get(demo_people))
        .route(paths::DEMO_SIGN_IN, post(demo_sign_in))
        .route(paths::SHELL_SIGN_IN, post(shell_sign_in))
        .route(paths::SIGN_OUT, post(sign_out))
}

pub async fn demo_people(State(state): State<AppState>) -> ApiResult<Json<Vec<DemoPerson>>> {
    if !state.demo {
        return Err(ApiError::not_found());
    }
    Ok(Json(db::users::demo_people(&state.db).await?))
}

pub async fn demo_sign_in(
    State(state): State<AppState>,
    extract::Json(body): extract::Json<DemoSignIn>,
) -> ApiResult<(StatusCode, HeaderMap)> {
    if !state.demo {
        return Err(ApiError::not_found());
    }
    if !db::users::is_demo_person(&state.db, UserId(body.user_id)).await? {
        return Err(ApiError::refused(
            ErrorCode::BadRequest,
            "There is no demo person with that id.",
        ));
    }
    Ok((
        StatusCode::NO_CONTENT,
        auth::start_session(&state.sign_in, UserId(body.user_id)).await?,
    ))
}

pub async fn shell_sign_in(
    State(state): State<AppState>,
    extract::Json(body): extract::Json<ShellSignIn>,
) -> ApiResult<(StatusCode, HeaderMap)> {
    let Some(secret) = state.shell_secret.as_ref() else {
        return Err(ApiError::not_found());
    };
    let claims = verify_shell_token(secret, &body.token, wall_clock_secs()).map_err(|e| {
        tracing::warn!(reason = %e, "shell identity refused");
        ApiError::refused(
            ErrorCode::InvalidShellToken,
            "The sign-in hand-over from BetterBeing was not valid. Reload the page to try again.",
        )
    })?;
    let user_id = db::users::upsert_from_shell(
        &state.db,
        &ShellIdentity {
            user_external_id: &claims.sub,
            name: &claims.name,
            email: &claims.email,
            role: claims.role,
            org_external_id: &claims.org_id,
            org_name: &claims.org_name,
            plan: claims.plan,
        },
    )
    .await?;
    Ok((
        StatusCode::NO_CONTENT,
        auth::start_session(&state.sign_in, user_id).await?,
    ))
}

pub async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<(StatusCode, HeaderMap)> {
    Ok((
        StatusCode::NO_CONTENT,
        auth::end_session(&state.sign_in, &headers).await?,
    ))
}
