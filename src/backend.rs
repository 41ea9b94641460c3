//! Calls to the BetterBeing API: requests built with web-sys and sent with `fetch`, answers read with gloo-net.
//! Every call sends the session cookie; every POST, PUT and DELETE carries the CSRF header. Reads leave when called,
//! writes when awaited. Only `crates/api` types cross this boundary.

pub mod auth;
pub mod calendar_feed;
pub mod calendar_sync;
mod error;
pub mod organisation;
pub mod sessions;
pub mod zoom;

pub use error::ApiError;

use std::future::Future;
use std::pin::Pin;

use gloo_net::http::{Method, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::RequestCredentials;

use crate::config::Config;
use crate::routes;

/// A read. Unlike the writes below it is not an `async fn`: the request leaves when this is called, so a page that
/// calls it while being set up has its answer on the way while the rest of the page is drawn (an `async fn` would
/// send it only when first polled, after the whole synchronous render). Only reads are sent this eagerly: a write
/// must never leave unless it is awaited.
fn get_json<T: DeserializeOwned>(config: &Config, path: &str) -> impl Future<Output = Result<T, ApiError>> + 'static {
    let answer = exchange(config, Method::GET, path, None);
    async move { decode(&answer.await?) }
}

/// POST expecting 204 (or any 2xx whose body we ignore).
async fn post_no_content<B: Serialize>(config: &Config, path: &str, body: Option<&B>) -> Result<(), ApiError> {
    let body = body.map(encode).transpose()?;
    exchange(config, Method::POST, path, body).await.map(|_| ())
}

/// POST expecting a JSON answer.
async fn post_json<B: Serialize, T: DeserializeOwned>(
    config: &Config,
    path: &str,
    body: Option<&B>,
) -> Result<T, ApiError> {
    let body = body.map(encode).transpose()?;
    decode(&exchange(config, Method::POST, path, body).await?)
}

async fn put_json<B: Serialize, T: DeserializeOwned>(config: &Config, path: &str, body: &B) -> Result<T, ApiError> {
    let body = encode(body)?;
    decode(&exchange(config, Method::PUT, path, Some(body)).await?)
}

async fn delete_no_content(config: &Config, path: &str) -> Result<(), ApiError> {
    exchange(config, Method::DELETE, path, None).await.map(|_| ())
}

fn encode<B: Serialize>(body: &B) -> Result<String, ApiError> {
    serde_json::to_string(body).map_err(|_| ApiError::Decode)
}

fn decode<T: DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    serde_json::from_str(text).map_err(|_| ApiError::Decode)
}

/// Sends one request (with `body`, JSON already written, if any) at once, and answers the text of a 2xx answer.
/// Every call goes through this one function, and its future is boxed, so the wasm holds one copy of the request's
/// async code rather than one per answer type.
fn exchange(
    config: &Config,
    method: Method,
    path: &str,
    body: Option<String>,
) -> Pin<Box<dyn Future<Output = Result<String, ApiError>>>> {
    // The browser refuses to build a request only for a malformed address: a POST or PUT reports that as `Decode`
    // (like a body it could not write), a GET or DELETE as `Network`.
    let unbuilt = if method == Method::POST || method == Method::PUT {
        ApiError::Decode
    } else {
        ApiError::Network
    };
    let changes = method != Method::GET;
    // The page may have come with the answer (the server answers a console page's first reads in it).
    if !changes {
        if let Some((status, text)) = first_answer(path) {
            return Box::pin(std::future::ready(answered(status, text)));
        }
    }
    // Built with web-sys rather than gloo-net's `RequestBuilder`, which adds a `&` to a URL that has a query (and
    // parses every URL on the way): the URL is exactly the path asked for, as the page's answers name it.
    let init = web_sys::RequestInit::new();
    init.set_method(method.as_str());
    init.set_credentials(RequestCredentials::Include);
    let Ok(headers) = web_sys::Headers::new() else {
        return Box::pin(std::future::ready(Err(unbuilt)));
    };
    let set = |name: &str, value: &str| headers.set(name, value).is_ok();
    let mut built = set("accept", "application/json");
    if changes {
        built &= set(::api::CSRF_HEADER, ::api::CSRF_HEADER_VALUE);
    }
    if let Some(body) = &body {
        built &= set("content-type", "application/json");
        init.set_body(&wasm_bindgen::JsValue::from_str(body));
    }
    init.set_headers(&headers);
    let request = web_sys::Request::new_with_str_and_init(&routes::api_url(config, path), &init);
    let (true, Ok(request)) = (built, request) else {
        return Box::pin(std::future::ready(Err(unbuilt)));
    };
    // Sent here, not when the future is first polled, so a read leaves as soon as it is called.
    let sent = web_sys::window().map(|w| w.fetch_with_request(&request));
    Box::pin(async move {
        let sent = sent.ok_or(ApiError::Network)?;
        let response: web_sys::Response = JsFuture::from(sent)
            .await
            .map_err(|_| ApiError::Network)?
            .dyn_into()
            .map_err(|_| ApiError::Network)?;
        let response = Response::from(response);
        let status = response.status();
        match response.text().await {
            Ok(text) => answered(status, text),
            Err(_) if (200..300).contains(&status) => Err(ApiError::Decode),
            Err(_) => Err(ApiError::Http { status, body: None }),
        }
    })
}

/// The text of a 2xx answer, or the error another status stands for (with the API's error body when it has one).
fn answered(status: u16, text: String) -> Result<String, ApiError> {
    if (200..300).contains(&status) {
        return Ok(text);
    }
    let body = serde_json::from_str::<::api::ErrorBody>(&text).ok();
    Err(ApiError::Http { status, body })
}

/// The answer to the read `path` the page came with, taken once: the server writes the answers to a console
/// page's first reads into it (`crates/server/src/spa_page.rs`), one `<script type="application/json"
/// id="bb-read:{path}">` each, for the page it was asked for. They stand in only while the app is still on that
/// page: the first read asked anywhere else drops them all (a signed-out visitor's "unauthenticated" answers must
/// not greet them back once signed in, nor one person's answers the next).
fn first_answer(path: &str) -> Option<(u16, String)> {
    thread_local! {
        static GONE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }
    if GONE.with(std::cell::Cell::get) {
        return None;
    }
    let window = web_sys::window()?;
    let document = window.document()?;
    let Some(any) = document.query_selector("script[data-bb-read]").ok().flatten() else {
        GONE.with(|gone| gone.set(true));
        return None;
    };
    let here = window.location().pathname().ok()?;
    if any.get_attribute("data-page").as_deref() != Some(here.as_str()) {
        while let Some(answer) = document.query_selector("script[data-bb-read]").ok().flatten() {
            answer.remove();
        }
        GONE.with(|gone| gone.set(true));
        return None;
    }
    let element = document.get_element_by_id(&format!("bb-read:{path}"))?;
    element.remove();
    let status = element.get_attribute("data-status")?.parse().ok()?;
    Some((status, element.text_content()?))
}
