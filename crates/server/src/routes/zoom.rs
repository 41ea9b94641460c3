use crate::extract::Query;
use api::error::ErrorCode;
use api::paths;
use api::zoom::{callback, CallbackError, ZoomStatus};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Redirect;
use axum::routing::{get, post};
use axum::Json;
use axum::Router;
use serde::Deserialize;

use super::return_to;
use crate::app_state::AppState;
use crate::auth::{CurrentUser, MaybeUser};
use crate::error::{ApiError, ApiResult};

/// The routes of this resource, with their paths from `api::paths`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(paths::ZOOM_STATUS, get(status))
        .route(paths::ZOOM_STATUS_CHECK, post(check_again))
        .route(paths::ZOOM_CONNECT, get(connect))
        .route(paths::ZOOM_CALLBACK, get(callback))
        .route(paths::ZOOM_DISCONNECT, post(disconnect))
        .route(
            paths::ZOOM_ACCOUNT_SWITCH,
            get(account_switch)
                .post(confirm_account_switch)
                .delete(discard_account_switch),
        )
}

/// From the database only (no Zoom call on a page view); see `Zoom::status`.
pub async fn status(State(state): State<AppState>, CurrentUser(user_id): CurrentUser) -> ApiResult<Json<ZoomStatus>> {
    state.zoom.status(user_id).await.map(Json).map_err(ApiError::from)
}

/// "Check again": asks Zoom now.
pub async fn check_again(
    State(state): State<AppState>,
    CurrentUser(user_id): CurrentUser,
) -> ApiResult<Json<ZoomStatus>> {
    state.zoom.check_now(user_id).await.map(Json).map_err(ApiError::from)
}

#[derive(Debug, Deserialize)]
pub struct ConnectQuery {
    return_to: Option<String>,
}

/// A top-level navigation from the SPA ("Connect Zoom Account" / "Reauth"): answers with redirects, never JSON, so
/// the person always lands on a page.
pub async fn connect(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Query(query): Query<ConnectQuery>,
) -> ApiResult<Redirect> {
    let return_to = return_to::sanitize(query.return_to.as_deref(), &state.allowed_origins)
        .map_err(|_| ApiError::refused(ErrorCode::InvalidReturnTo, "return_to must be a path on this site."))?;
    let Some(user_id) = user else {
        return Ok(Redirect::to(&format!(
            "/signin?next={}",
            urlencoding::encode(&return_to)
        )));
    };
    if !state.zoom.allowed_for(user_id).await? {
        return Ok(Redirect::to(&return_to::with_outcome(
            &return_to,
            callback::QUERY_ERROR,
            CallbackError::BlockedByOrganisation.as_str(),
        )));
    }
    let url = state.zoom.begin_authorization(user_id, &return_to).await?;
    Ok(Redirect::to(url.as_str()))
}

#[derive(Debug, Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_code: Option<String>,
}

pub async fn callback(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Query(query): Query<CallbackQuery>,
) -> Redirect {
    let outcome = state
        .zoom
        .complete_authorization(
            user,
            query.state.as_deref(),
            query.code.as_deref(),
            query.error.as_deref().map(|e| (e, query.error_code.as_deref())),
        )
        .await;
    let target = match outcome.result {
        Ok(()) => {
            if let Some(user) = user {
                if let Err(e) = state.calendar.resume_after_connect(user).await {
                    tracing::error!(error = ?e, "resuming parked zoom work failed");
                }
            }
            return_to::with_outcome(&outcome.return_to, callback::QUERY_OK, callback::OK_VALUE)
        }
        Err(code) => {
            tracing::info!(outcome = code.as_str(), "zoom authorization did not complete");
            return_to::with_outcome(&outcome.return_to, callback::QUERY_ERROR, code.as_str())
        }
    };
    Redirect::to(&target)
}

pub async fn disconnect(State(state): State<AppState>, CurrentUser(user_id): CurrentUser) -> ApiResult<StatusCode> {
    state.zoom.disconnect(user_id).await.map_err(ApiError::from)?;
    Ok(StatusCode::NO_CONTENT)
}

/// A Reauth that came back with another Zoom account, if one waits for the practitioner.
pub async fn account_switch(
    State(state): State<AppState>,
    CurrentUser(user_id): CurrentUser,
) -> ApiResult<Json<api::zoom::PendingAccountSwitch>> {
    Ok(Json(api::zoom::PendingAccountSwitch {
        pending: state.zoom.pending_switch(user_id).await?,
    }))
}

/// Switch to the newly authorized account on purpose: every upcoming session gets a new meeting on it (through the
/// queue, within Zoom's daily cap); the answer lists them.
pub async fn confirm_account_switch(
    State(state): State<AppState>,
    CurrentUser(user_id): CurrentUser,
) -> ApiResult<Json<api::zoom::AccountSwitched>> {
    let Some(account) = state.zoom.confirm_switch(user_id).await? else {
        return Err(ApiError::not_found());
    };
    let session_ids = state.calendar.remake_links_after_switch(user_id).await?;
    Ok(Json(api::zoom::AccountSwitched {
        account,
        session_ids: session_ids.into_iter().map(|id| id.0).collect(),
    }))
}

/// Forget the newly authorized account (revoked at Zoom), to authorize the one the sessions are on.
pub async fn discard_account_switch(
    State(state): State<AppState>,
    CurrentUser(user_id): CurrentUser,
) -> ApiResult<StatusCode> {
    state.zoom.discard_switch(user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
