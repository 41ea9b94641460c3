//! `/_sandbox/app`, `/clock` and `/ttl`: the registered app, the sandbox clock and the lifetimes of codes and tokens.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer};
use serde_json::{json, Value};

use super::failure::{ControlFailure, ControlResult};
use crate::app_state::AppState;
use crate::clock::rfc3339_millis;

fn app_json(state: &AppState) -> Value {
    let sandbox = state.lock();
    let config = &sandbox.config;
    json!({
        "app_name": config.app_name,
        "client_id": config.client_id,
        "redirect_uris": config.redirect_uris,
        "scopes": config.scopes,
        "deauthorization_url": config.deauthorization_url,
        "event_subscriptions": config.event_subscriptions,
        "refresh_grace_secs": sandbox.refresh_grace_secs,
        "api_url": sandbox.base_url,
    })
}

pub(super) async fn get_app(State(state): State<AppState>) -> Json<Value> {
    Json(app_json(&state))
}

/// Distinguishes an absent field (leave alone) from `null` (clear).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

#[derive(Deserialize)]
pub(super) struct PatchApp {
    redirect_uris: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    deauthorization_url: Option<Option<String>>,
    refresh_grace_secs: Option<i64>,
    event_subscriptions: Option<Vec<String>>,
}

pub(super) async fn patch_app(State(state): State<AppState>, Json(body): Json<PatchApp>) -> Json<Value> {
    {
        let mut sandbox = state.lock();
        if let Some(uris) = body.redirect_uris {
            sandbox.config.redirect_uris = uris;
        }
        if let Some(url) = body.deauthorization_url {
            sandbox.config.deauthorization_url = url;
        }
        if let Some(secs) = body.refresh_grace_secs {
            sandbox.refresh_grace_secs = secs.max(0);
        }
        if let Some(events) = body.event_subscriptions {
            sandbox.config.event_subscriptions = events;
        }
    }
    Json(app_json(&state))
}

pub(super) async fn get_clock(State(state): State<AppState>) -> Json<Value> {
    Json(json!({ "now": rfc3339_millis(state.lock().now()) }))
}

#[derive(Deserialize)]
pub(super) struct SetClock {
    advance_secs: Option<i64>,
    now: Option<DateTime<Utc>>,
}

pub(super) async fn set_clock(State(state): State<AppState>, Json(body): Json<SetClock>) -> ControlResult {
    let mut sandbox = state.lock();
    match (body.advance_secs, body.now) {
        (Some(secs), None) => sandbox.clock.advance(secs),
        (None, Some(now)) => sandbox.clock.set(now),
        _ => {
            return Err(ControlFailure(
                StatusCode::BAD_REQUEST,
                "send exactly one of advance_secs or now".to_owned(),
            ))
        }
    }
    Ok(Json(json!({ "now": rfc3339_millis(sandbox.now()) })).into_response())
}

pub(super) async fn get_ttl(State(state): State<AppState>) -> Json<Value> {
    Json(json!(state.lock().ttls))
}

#[derive(Deserialize)]
pub(super) struct SetTtl {
    code_secs: Option<i64>,
    access_token_secs: Option<i64>,
    refresh_token_secs: Option<i64>,
}

pub(super) async fn set_ttl(State(state): State<AppState>, Json(body): Json<SetTtl>) -> Json<Value> {
    let mut sandbox = state.lock();
    let ttls = &mut sandbox.ttls;
    if let Some(secs) = body.code_secs {
        ttls.code_secs = secs;
    }
    if let Some(secs) = body.access_token_secs {
        ttls.access_token_secs = secs;
    }
    if let Some(secs) = body.refresh_token_secs {
        ttls.refresh_token_secs = secs;
    }
    Json(json!(sandbox.ttls))
}
