use std::future::Future;

use api::paths;
use api::zoom::ZoomStatus;

use super::{get_json, post_json, post_no_content, ApiError};
use crate::config::Config;

pub fn status(config: &Config) -> impl Future<Output = Result<ZoomStatus, ApiError>> + 'static {
    get_json(config, paths::ZOOM_STATUS)
}

/// "Check again": the server asks Zoom now and answers with the status.
pub async fn check_again(config: &Config) -> Result<ZoomStatus, ApiError> {
    post_json::<(), _>(config, paths::ZOOM_STATUS_CHECK, None).await
}

pub async fn disconnect(config: &Config) -> Result<(), ApiError> {
    post_no_content::<()>(config, paths::ZOOM_DISCONNECT, None).await
}

/// A Reauth that came back with another Zoom account, if one waits.
pub fn account_switch(
    config: &Config,
) -> impl Future<Output = Result<api::zoom::PendingAccountSwitch, ApiError>> + 'static {
    get_json(config, paths::ZOOM_ACCOUNT_SWITCH)
}

/// Switch to the newly authorized account: the upcoming sessions get new meetings on it.
pub async fn confirm_account_switch(config: &Config) -> Result<api::zoom::AccountSwitched, ApiError> {
    post_json::<(), _>(config, paths::ZOOM_ACCOUNT_SWITCH, None).await
}

/// Forget the newly authorized account, to authorize the one the sessions are on.
pub async fn discard_account_switch(config: &Config) -> Result<(), ApiError> {
    super::delete_no_content(config, paths::ZOOM_ACCOUNT_SWITCH).await
}
