use std::future::Future;

use api::calendar_sync::{CalDavCredentials, CalendarConnection, CalendarSync, CalendarTest, ChooseCalendar};
use api::paths;

use super::{delete_no_content, get_json, post_json, put_json, ApiError};
use crate::config::Config;

/// The practitioner's connected calendar, if any (read from BetterBeing only; no calendar server is asked).
pub fn status(config: &Config) -> impl Future<Output = Result<CalendarSync, ApiError>> + 'static {
    get_json(config, paths::CALENDAR_SYNC)
}

/// Checks a CalDAV account and lists its calendars.
pub async fn connect_caldav(config: &Config, credentials: &CalDavCredentials) -> Result<CalendarConnection, ApiError> {
    post_json(config, paths::CALENDAR_SYNC_CALDAV, Some(credentials)).await
}

/// The calendar the sessions go to.
pub async fn choose(config: &Config, url: &str) -> Result<CalendarConnection, ApiError> {
    put_json(
        config,
        paths::CALENDAR_SYNC_CALENDAR,
        &ChooseCalendar { url: url.to_string() },
    )
    .await
}

pub async fn test(config: &Config) -> Result<CalendarTest, ApiError> {
    post_json::<(), _>(config, paths::CALENDAR_SYNC_TEST, None).await
}

pub async fn disconnect(config: &Config) -> Result<(), ApiError> {
    delete_no_content(config, paths::CALENDAR_SYNC).await
}
