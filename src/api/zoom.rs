use api::paths;
use api::zoom::ZoomStatus;

use super::{get_json, post_json, post_no_content, ApiError};
use crate::config::Config;

pub async fn status(config: &Config) -> Result<ZoomStatus, ApiError> {
    get_json(config, paths::ZOOM_STATUS).await
}

/// "Check again": the server asks Zoom now and answers with the status.
pub async fn check_again(config: &Config) -> Result<ZoomStatus, ApiError> {
    post_json::<(), _>(config, paths::ZOOM_STATUS_CHECK, None).await
}

pub async fn disconnect(config: &Config) -> Result<(), ApiError> {
    post_no_content::<()>(config, paths::ZOOM_DISCONNECT, None).await
}
