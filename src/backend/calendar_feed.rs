use std::future::Future;

use api::paths;
use api::sessions::CalendarFeed;

use super::{get_json, post_json, ApiError};
use crate::config::Config;

/// The practitioner's subscription URL (made on first use).
pub fn get(config: &Config) -> impl Future<Output = Result<CalendarFeed, ApiError>> + 'static {
    get_json(config, paths::CALENDAR_FEED)
}

/// A new subscription URL; the old one stops working.
pub async fn rotate(config: &Config) -> Result<CalendarFeed, ApiError> {
    post_json::<(), _>(config, paths::CALENDAR_FEED, None).await
}
