use std::future::Future;

use api::identity::{DemoPerson, DemoSignIn, Me};
use api::paths;

use super::{get_json, post_no_content, ApiError};
use crate::config::Config;

pub fn me(config: &Config) -> impl Future<Output = Result<Me, ApiError>> + 'static {
    get_json(config, paths::ME)
}

pub fn demo_people(config: &Config) -> impl Future<Output = Result<Vec<DemoPerson>, ApiError>> + 'static {
    get_json(config, paths::DEMO_PEOPLE)
}

pub async fn demo_sign_in(config: &Config, user_id: i64) -> Result<(), ApiError> {
    post_no_content(config, paths::DEMO_SIGN_IN, Some(&DemoSignIn { user_id })).await
}

pub async fn sign_out(config: &Config) -> Result<(), ApiError> {
    post_no_content::<()>(config, paths::SIGN_OUT, None).await
}
