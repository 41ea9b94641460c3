//! The call log: every request to the Zoom-facing routes, so tests can assert "exactly one refresh".
//!
//! Handlers describe their call by putting a [`CallNote`] in the response extensions; the middleware
//! records it together with method, path (never the query string, which may hold a code or token) and status.

use std::collections::BTreeMap;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use serde::Serialize;

use crate::state::{rfc3339_millis, AppState};

/// What a handler knows about its own call.
#[derive(Clone, Debug, Default)]
pub struct CallNote {
    /// e.g. `token.refresh_token`, `api.users.me`.
    pub kind: Option<&'static str>,
    pub grant_type: Option<String>,
    pub zoom_user_id: Option<String>,
}

impl CallNote {
    pub fn kind(kind: &'static str) -> Self {
        Self {
            kind: Some(kind),
            ..Self::default()
        }
    }

    pub fn user(mut self, zoom_user_id: impl Into<String>) -> Self {
        self.zoom_user_id = Some(zoom_user_id.into());
        self
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Call {
    pub at: String,
    pub kind: String,
    pub method: String,
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grant_type: Option<String>,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zoom_user_id: Option<String>,
}

#[derive(Debug, Default)]
pub struct CallLog {
    calls: Vec<Call>,
}

impl CallLog {
    pub fn push(&mut self, call: Call) {
        self.calls.push(call);
    }

    pub fn calls(&self) -> &[Call] {
        &self.calls
    }

    pub fn clear(&mut self) {
        self.calls.clear();
    }

    pub fn counters(&self) -> BTreeMap<String, u64> {
        let mut counters = BTreeMap::new();
        for call in &self.calls {
            *counters.entry(call.kind.clone()).or_insert(0) += 1;
        }
        counters
    }
}

pub async fn record(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let method = request.method().to_string();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let note = response
        .extensions()
        .get::<CallNote>()
        .cloned()
        .unwrap_or_default();
    let status = response.status().as_u16();
    let kind = note.kind.unwrap_or("other");
    tracing::info!(%method, %path, status, kind, "zoom call");
    let mut sandbox = state.lock();
    let at = rfc3339_millis(sandbox.now());
    sandbox.record_call(Call {
        at,
        kind: kind.to_owned(),
        method,
        path,
        grant_type: note.grant_type,
        status,
        zoom_user_id: note.zoom_user_id,
    });
    response
}
