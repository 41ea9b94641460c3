//! The call log: every request to the Zoom-facing routes, so tests can assert "exactly one refresh".
//!
//! Handlers describe their call by putting a [`CallNote`] (and, when one of Zoom's rate limits refused it, a
//! `RateLimitKind`) in the response extensions; `call_recorder.rs` records it together with method, path (never the
//! query string, which may hold a code or token) and status.
//! Meetings calls also keep their query parameters and JSON bodies (for contract tests): start URLs and zaks
//! appear there, in the sandbox's own test-only log, but never in tracing output.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

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
    /// Meetings calls only: the query parameters (never `access_token`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<Value>,
    /// Meetings calls only: the JSON request body (`null` when none; a string when it was not JSON).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_body: Option<Value>,
    /// Meetings calls only: the JSON response body (`null` when none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_body: Option<Value>,
    /// How long the sandbox took to answer, in milliseconds (an injected hang included): the baseline a client's own
    /// overhead is measured against (`scripts/bench`).
    pub duration_ms: f64,
    /// The injected fault that answered this call, e.g. `error_503`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fault: Option<&'static str>,
    /// Which of Zoom's rate limits refused this call: `per_second`, `daily` or `user_daily`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<&'static str>,
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
