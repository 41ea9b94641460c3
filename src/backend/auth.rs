use api::identity::{DemoPerson, DemoSignIn, Me};
use api::paths;

use super::{get_json, post_no_content, ApiError};
use crate::config::Config;

pub async fn me(config: &Config) -> Result<Me, ApiError> {
    get_json(config, paths::ME).await
}

pub async fn demo_people(config: &Config) -> Result<Vec<DemoPerson>, ApiError> {
    get_json(config, paths::DEMO_PEOPLE).await
}

pub async fn demo_sign_in(config: &Config, user_id: i64) -> Result<(), ApiError> {
    post_no_content(config, paths::DEMO_SIGN_IN, Some(&DemoSignIn { user_id })).await
}

pub async fn sign_out(config: &Config) -> Result<(), ApiError> {
    post_no_content::<()>(config, paths::SIGN_OUT, None).await
}
