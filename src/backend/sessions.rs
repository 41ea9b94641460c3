//! The calendar's calls: preferences, sessions and their Zoom links.

use std::future::Future;

use api::paths;
use api::sessions::{MissingLinks, Preferences, Session, SessionInput, StartLink};
use chrono::{DateTime, Utc};

use super::{delete_no_content, get_json, post_json, put_json, ApiError};
use crate::config::Config;

pub fn preferences(config: &Config) -> impl Future<Output = Result<Preferences, ApiError>> + 'static {
    get_json(config, paths::PREFERENCES)
}

pub async fn save_preferences(config: &Config, preferences: &Preferences) -> Result<Preferences, ApiError> {
    put_json(config, paths::PREFERENCES, preferences).await
}

/// Scheduled sessions overlapping `[from, to)`.
pub fn list(
    config: &Config,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> impl Future<Output = Result<Vec<Session>, ApiError>> + 'static {
    get_json(config, &paths::sessions_between(from, to))
}

pub fn get(config: &Config, id: i64) -> impl Future<Output = Result<Session, ApiError>> + 'static {
    get_json(config, &paths::session(id))
}

pub async fn create(config: &Config, input: &SessionInput) -> Result<Session, ApiError> {
    post_json(config, paths::SESSIONS, Some(input)).await
}

pub async fn update(config: &Config, id: i64, input: &SessionInput) -> Result<Session, ApiError> {
    put_json(config, &paths::session(id), input).await
}

/// Cancels: the calendar event goes and the Zoom meeting is deleted (later, if Zoom is down).
pub async fn cancel(config: &Config, id: i64) -> Result<(), ApiError> {
    delete_no_content(config, &paths::session(id)).await
}

/// Adds a Zoom link to a session without one, or retries a failed one now.
pub async fn add_zoom_link(config: &Config, id: i64) -> Result<Session, ApiError> {
    post_json::<(), _>(config, &paths::session_zoom_link(id), None).await
}

/// The meeting was moved in Zoom: put it back at the session's time, or move the session to Zoom's time.
pub async fn resolve_zoom_time(
    config: &Config,
    id: i64,
    choice: api::sessions::ZoomTimeChoice,
) -> Result<Session, ApiError> {
    post_json(
        config,
        &paths::session_zoom_time(id),
        Some(&api::sessions::ResolveZoomTime { choice }),
    )
    .await
}

/// The host link for Start Zoom Session. The caller uses it at once and keeps nothing.
pub async fn start(config: &Config, id: i64) -> Result<StartLink, ApiError> {
    post_json::<(), _>(config, &paths::session_start(id), None).await
}

pub fn missing_zoom_links(config: &Config) -> impl Future<Output = Result<MissingLinks, ApiError>> + 'static {
    get_json(config, paths::SESSIONS_MISSING_LINKS)
}

/// Queues links for every upcoming session without one; answers the ones queued.
pub async fn add_missing_zoom_links(config: &Config) -> Result<MissingLinks, ApiError> {
    post_json::<(), _>(config, paths::SESSIONS_MISSING_LINKS, None).await
}

/// Sessions that need the practitioner because of Zoom, and meetings still to delete once Zoom is reconnected.
pub fn attention(config: &Config) -> impl Future<Output = Result<api::sessions::Attention, ApiError>> + 'static {
    get_json(config, paths::SESSIONS_ATTENTION)
}
