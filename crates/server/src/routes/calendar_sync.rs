//! Console → Calendar sync, the connected calendar: status, connect (CalDAV), pick the calendar, test, disconnect.
//! Connecting and testing reach the calendar server because that is what the practitioner asked for; the page view
//! (`GET`) reads only the database.

use api::calendar_sync::{CalDavCredentials, CalendarConnection, CalendarSync, CalendarTest, ChooseCalendar};
use api::paths;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::Json;
use axum::Router;

use crate::extract;

use crate::app_state::AppState;
use crate::auth::CurrentUser;
use crate::error::ApiResult;

/// The routes of this resource, with their paths from `api::paths`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(paths::CALENDAR_SYNC, get(status).delete(disconnect))
        .route(paths::CALENDAR_SYNC_CALDAV, post(connect_caldav))
        .route(paths::CALENDAR_SYNC_CALENDAR, put(choose))
        .route(paths::CALENDAR_SYNC_TEST, post(test))
}

pub async fn status(State(state): State<AppState>, CurrentUser(user): CurrentUser) -> ApiResult<Json<CalendarSync>> {
    Ok(Json(state.calendar_push.status(user).await?))
}

pub async fn connect_caldav(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    extract::Json(input): extract::Json<CalDavCredentials>,
) -> ApiResult<Json<CalendarConnection>> {
    Ok(Json(state.calendar_push.connect_caldav(user, &input).await?))
}

pub async fn choose(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    extract::Json(input): extract::Json<ChooseCalendar>,
) -> ApiResult<Json<CalendarConnection>> {
    Ok(Json(state.calendar_push.choose(user, &input.url).await?))
}

pub async fn test(State(state): State<AppState>, CurrentUser(user): CurrentUser) -> ApiResult<Json<CalendarTest>> {
    Ok(Json(state.calendar_push.test(user).await?))
}

pub async fn disconnect(State(state): State<AppState>, CurrentUser(user): CurrentUser) -> ApiResult<StatusCode> {
    state.calendar_push.disconnect(user).await?;
    Ok(StatusCode::NO_CONTENT)
}
