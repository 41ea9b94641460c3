//! Calls to the BetterBeing API with gloo-net. Every call sends the session cookie; every POST, PUT and DELETE
//! carries the CSRF header. Only `crates/api` types cross this boundary.

pub mod auth;
pub mod calendar_feed;
pub mod calendar_sync;
mod error;
pub mod organisation;
pub mod sessions;
pub mod zoom;

pub use error::ApiError;

use gloo_net::http::{RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;
use web_sys::RequestCredentials;

use crate::config::Config;
use crate::routes;

fn get(config: &Config, path: &str) -> RequestBuilder {
    RequestBuilder::new(&routes::api_url(config, path))
        .method(gloo_net::http::Method::GET)
        .credentials(RequestCredentials::Include)
        .header("accept", "application/json")
}

fn post(config: &Config, path: &str) -> RequestBuilder {
    changing(config, path, gloo_net::http::Method::POST)
}

/// A state-changing request: the cookie and the CSRF header.
fn changing(config: &Config, path: &str, method: gloo_net::http::Method) -> RequestBuilder {
    RequestBuilder::new(&routes::api_url(config, path))
        .method(method)
        .credentials(RequestCredentials::Include)
        .header("accept", "application/json")
        .header(::api::CSRF_HEADER, ::api::CSRF_HEADER_VALUE)
}

async fn get_json<T: DeserializeOwned>(config: &Config, path: &str) -> Result<T, ApiError> {
    let response = get(config, path).send().await.map_err(|_| ApiError::Network)?;
    let response = ok_or_error(response).await?;
    response.json::<T>().await.map_err(|_| ApiError::Decode)
}

/// POST expecting 204 (or any 2xx whose body we ignore).
async fn post_no_content<B: Serialize>(config: &Config, path: &str, body: Option<&B>) -> Result<(), ApiError> {
    let request = match body {
        Some(body) => post(config, path).json(body),
        None => post(config, path).build(),
    }
    .map_err(|_| ApiError::Decode)?;
    let response = request.send().await.map_err(|_| ApiError::Network)?;
    ok_or_error(response).await.map(|_| ())
}

/// POST expecting a JSON answer.
async fn post_json<B: Serialize, T: DeserializeOwned>(
    config: &Config,
    path: &str,
    body: Option<&B>,
) -> Result<T, ApiError> {
    let request = match body {
        Some(body) => post(config, path).json(body),
        None => post(config, path).build(),
    }
    .map_err(|_| ApiError::Decode)?;
    let response = request.send().await.map_err(|_| ApiError::Network)?;
    let response = ok_or_error(response).await?;
    response.json::<T>().await.map_err(|_| ApiError::Decode)
}

async fn put_json<B: Serialize, T: DeserializeOwned>(config: &Config, path: &str, body: &B) -> Result<T, ApiError> {
    let request = changing(config, path, gloo_net::http::Method::PUT)
        .json(body)
        .map_err(|_| ApiError::Decode)?;
    let response = request.send().await.map_err(|_| ApiError::Network)?;
    let response = ok_or_error(response).await?;
    response.json::<T>().await.map_err(|_| ApiError::Decode)
}

async fn delete_no_content(config: &Config, path: &str) -> Result<(), ApiError> {
    let response = changing(config, path, gloo_net::http::Method::DELETE)
        .send()
        .await
        .map_err(|_| ApiError::Network)?;
    ok_or_error(response).await.map(|_| ())
}

async fn ok_or_error(response: Response) -> Result<Response, ApiError> {
    if response.ok() {
        Ok(response)
    } else {
        let status = response.status();
        let body = response.json::<::api::ErrorBody>().await.ok();
        Err(ApiError::Http { status, body })
    }
}
