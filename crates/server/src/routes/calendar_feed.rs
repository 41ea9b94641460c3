use crate::extract::Path;
use api::paths;
use api::sessions::CalendarFeed;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Json;
use axum::Router;
use chrono::DateTime;

use crate::app_state::AppState;
use crate::auth::CurrentUser;
use crate::calendar_feed::{self, FEED_HISTORY_DAYS};
use crate::crypto::{random_token, sha256_hex};
use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::ids::{SessionId, UserId};

/// The routes of this resource, with their paths from `api::paths`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(paths::SESSION_ICS_ROUTE, get(session_ics))
        .route(paths::CALENDAR_FEED, get(current).post(rotate))
        .route(paths::FEED_ROUTE, get(feed))
}

const FEED_AAD: &str = "calendar_feed";

fn urls(state: &AppState, token: &str, created_at: i64) -> CalendarFeed {
    let url = format!("{}/feeds/{token}.ics", state.public_url);
    let webcal_url = url
        .replacen("https://", "webcal://", 1)
        .replacen("http://", "webcal://", 1);
    CalendarFeed {
        url,
        webcal_url,
        created_at: DateTime::from_timestamp_millis(created_at).unwrap_or_default(),
    }
}

async fn issue(state: &AppState, user: UserId) -> ApiResult<CalendarFeed> {
    let token = random_token();
    let now = state.clock.now_ms();
    db::calendar_feeds::put(
        &state.db,
        user,
        &sha256_hex(&token),
        &state.keys.encrypt(&token, FEED_AAD),
        now,
    )
    .await?;
    Ok(urls(state, &token, now))
}

/// The subscription URL, made on first use.
pub async fn current(State(state): State<AppState>, CurrentUser(user): CurrentUser) -> ApiResult<Json<CalendarFeed>> {
    match db::calendar_feeds::get(&state.db, user).await? {
        Some(row) => {
            let token = state
                .keys
                .decrypt(&row.token_enc, FEED_AAD)
                .map_err(|e| ApiError::Internal(e.into()))?;
            Ok(Json(urls(&state, &token, row.created_at)))
        }
        None => Ok(Json(issue(&state, user).await?)),
    }
}

/// A new secret: the old URL stops working at once.
pub async fn rotate(State(state): State<AppState>, CurrentUser(user): CurrentUser) -> ApiResult<Json<CalendarFeed>> {
    Ok(Json(issue(&state, user).await?))
}

fn ics(body: String, download: Option<&str>) -> Response {
    let mut response = (
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "private, max-age=300"),
        ],
        body,
    )
        .into_response();
    if let Some(name) = download {
        response.headers_mut().insert(
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\"")
                .parse()
                .expect("valid header"),
        );
    }
    response
}

/// `GET /feeds/{secret}.ics`: what calendar apps poll. The secret is the only credential (they send no cookies).
pub async fn feed(State(state): State<AppState>, Path(file): Path<String>) -> Result<Response, StatusCode> {
    let token = file.strip_suffix(".ics").unwrap_or(&file);
    let user = db::calendar_feeds::user_for(&state.db, &sha256_hex(token))
        .await
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?
        .ok_or(StatusCode::NOT_FOUND)?;
    let name = db::users::name(&state.db, user)
        .await
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    let since = state.clock.now_ms() - FEED_HISTORY_DAYS * 86_400_000;
    let rows = db::sessions::scheduled_since(&state.db, user, since)
        .await
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    Ok(ics(
        calendar_feed::feed(&name, &rows, state.clock.now(), &state.links),
        None,
    ))
}

/// One session as a downloadable `.ics` file.
pub async fn session_ics(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<SessionId>,
) -> ApiResult<Response> {
    let row = db::sessions::get(&state.db, id)
        .await?
        .filter(|r| r.user_id == user)
        .ok_or(ApiError::not_found())?;
    if row.status == db::vocab::SessionStatus::Cancelled {
        return Err(ApiError::not_found());
    }
    Ok(ics(
        calendar_feed::single(&row, state.clock.now(), &state.links),
        Some("betterbeing-session.ics"),
    ))
}
