use crate::extract::{Path, Query};
use api::error::ErrorCode;
use api::paths;
use api::sessions::{MissingLinks, Preferences, ResolveZoomTime, Session, SessionInput, StartLink};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Json;
use axum::Router;

use crate::extract;
use chrono::{DateTime, Utc};
use secrecy::ExposeSecret;
use serde::Deserialize;

use crate::app_state::AppState;
use crate::auth::CurrentUser;
use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::ids::SessionId;
use crate::sessions::validation::parse_time_zone;
use crate::sessions::SessionError;

/// The routes of this resource, with their paths from `api::paths`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(paths::PREFERENCES, get(preferences).put(set_preferences))
        .route(paths::SESSIONS, get(list).post(create))
        .route(paths::SESSIONS_ATTENTION, get(attention))
        .route(
            paths::SESSIONS_MISSING_LINKS,
            get(missing_links).post(add_missing_links),
        )
        .route(paths::SESSION_ROUTE, get(show).put(update).delete(cancel))
        .route(paths::SESSION_ZOOM_LINK_ROUTE, post(add_link))
        .route(paths::SESSION_START_ROUTE, post(start))
        .route(paths::SESSION_ZOOM_TIME_ROUTE, post(resolve_zoom_time))
}

impl From<SessionError> for ApiError {
    fn from(e: SessionError) -> Self {
        match e {
            SessionError::NotFound => ApiError::not_found(),
            SessionError::Invalid(invalid) | SessionError::ZoomTimeUnusable(invalid) => {
                ApiError::refused(invalid.code, invalid.message)
            }
            SessionError::Cancelled => ApiError::refused(ErrorCode::SessionCancelled, "This session was cancelled."),
            SessionError::NoMeeting => ApiError::refused(
                ErrorCode::NoZoomMeeting,
                "This session has no Zoom meeting yet. Add a Zoom link first; if it just disappeared from Zoom, a \
                 new one is being created.",
            ),
            SessionError::BlockedByOrganisation => ApiError::ZoomBlockedByOrganisation { admin_name: None },
            SessionError::Zoom(zoom) => zoom.into(),
            SessionError::NotMovedInZoom => ApiError::refused(
                ErrorCode::ZoomTimeMatches,
                "Zoom has this meeting at the session's time: there is nothing to put back or follow.",
            ),
            SessionError::Db(e) => e.into(),
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct Range {
    from: DateTime<Utc>,
    to: DateTime<Utc>,
}

pub async fn list(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Query(range): Query<Range>,
) -> ApiResult<Json<Vec<Session>>> {
    if range.to <= range.from || range.to - range.from > chrono::Duration::days(62) {
        return Err(ApiError::refused(
            ErrorCode::BadRequest,
            "Ask for a range of at most 62 days, with `to` after `from`.",
        ));
    }
    Ok(Json(state.calendar.list(user, range.from, range.to).await?))
}

pub async fn create(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    extract::Json(input): extract::Json<SessionInput>,
) -> ApiResult<(StatusCode, Json<Session>)> {
    Ok((StatusCode::CREATED, Json(state.calendar.create(user, &input).await?)))
}

pub async fn show(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<SessionId>,
) -> ApiResult<Json<Session>> {
    Ok(Json(state.calendar.get(user, id).await?))
}

pub async fn update(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<SessionId>,
    extract::Json(input): extract::Json<SessionInput>,
) -> ApiResult<Json<Session>> {
    Ok(Json(state.calendar.update(user, id, &input).await?))
}

pub async fn cancel(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<SessionId>,
) -> ApiResult<StatusCode> {
    state.calendar.cancel(user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn add_link(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<SessionId>,
) -> ApiResult<Json<Session>> {
    Ok(Json(state.calendar.add_link(user, id).await?))
}

/// The meeting was moved in Zoom: put it back, or follow Zoom's time.
pub async fn resolve_zoom_time(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<SessionId>,
    extract::Json(body): extract::Json<ResolveZoomTime>,
) -> ApiResult<Json<Session>> {
    Ok(Json(state.calendar.resolve_zoom_time(user, id, body.choice).await?))
}

/// The one answer that carries a host link: made at the moment Start Zoom Session is clicked.
pub async fn start(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<SessionId>,
) -> ApiResult<Json<StartLink>> {
    let url = state.calendar.start_link(user, id).await?;
    tracing::info!(session = %id, "host link handed out for Start Zoom Session");
    Ok(Json(StartLink {
        start_url: url.expose_secret().to_string(),
    }))
}

pub async fn attention(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> ApiResult<Json<api::sessions::Attention>> {
    Ok(Json(state.calendar.attention(user).await?))
}

pub async fn missing_links(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> ApiResult<Json<MissingLinks>> {
    Ok(Json(state.calendar.missing_links(user).await?))
}

pub async fn add_missing_links(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> ApiResult<Json<MissingLinks>> {
    Ok(Json(state.calendar.add_missing_links(user).await?))
}

pub async fn preferences(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> ApiResult<Json<Preferences>> {
    let time_zone = db::users::time_zone(&state.db, user).await?;
    Ok(Json(with_offsets(&state, time_zone)))
}

/// The preferences answer: the zone, and its offsets around now when it is one the server knows.
fn with_offsets(state: &AppState, time_zone: String) -> Preferences {
    let offsets = time_zone
        .parse()
        .ok()
        .map(|zone| crate::sessions::zone_offsets::around(zone, state.clock.now()));
    Preferences { time_zone, offsets }
}

pub async fn set_preferences(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    extract::Json(body): extract::Json<Preferences>,
) -> ApiResult<Json<Preferences>> {
    let zone = parse_time_zone(&body.time_zone).map_err(|i| ApiError::refused(i.code, i.message))?;
    db::users::set_time_zone(&state.db, user, zone.name()).await?;
    Ok(Json(with_offsets(&state, zone.name().to_string())))
}
