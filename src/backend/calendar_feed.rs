use api::paths;
use api::sessions::CalendarFeed;

use super::{get_json, post_json, ApiError};
use crate::config::Config;

/// The practitioner's subscription URL (made on first use).
pub async fn get(config: &Config) -> Result<CalendarFeed, ApiError> {
    get_json(config, paths::CALENDAR_FEED).await
}

/// A new subscription URL; the old one stops working.
pub async fn rotate(config: &Config) -> Result<CalendarFeed, ApiError> {
    post_json::<(), _>(config, paths::CALENDAR_FEED, None).await
}
