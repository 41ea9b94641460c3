use std::future::Future;

use api::organisation::{OrganisationAdmin, ZoomAccessChange};
use api::paths;

use super::{get_json, put_json, ApiError};
use crate::config::Config;

/// The admin's view of their organisation; 403 `forbidden` for anyone else.
pub fn get(config: &Config) -> impl Future<Output = Result<OrganisationAdmin, ApiError>> + 'static {
    get_json(config, paths::ADMIN_ORGANISATION)
}

/// Turns "Allow practitioners to connect Zoom" on or off.
pub async fn set_zoom_access(config: &Config, allowed: bool) -> Result<OrganisationAdmin, ApiError> {
    put_json(config, paths::ADMIN_ZOOM_ACCESS, &ZoomAccessChange { allowed }).await
}
