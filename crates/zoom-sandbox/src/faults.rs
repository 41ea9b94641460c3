//! Fault injection: "the next N calls to this endpoint answer 500 / 503 / 429, or hang".
//!
//! Faults are checked in the call-log middleware before the handler runs (a Zoom outage does not look at
//! your token), except `hang_after_commit`, which lets the handler do its work and then loses the answer.

use axum::http::Method;
use serde::{Deserialize, Serialize};

/// Endpoint names accepted by `POST /_sandbox/faults`; `*` matches every one of them.
pub const ENDPOINTS: [&str; 8] = [
    "meetings.create",
    "meetings.get",
    "meetings.update",
    "meetings.delete",
    "meetings.list",
    "users.get",
    "token",
    "*",
];

pub const DEFAULT_HANG_SECS: u64 = 60;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultMode {
    #[serde(rename = "error_500")]
    Error500,
    #[serde(rename = "error_503")]
    Error503,
    #[serde(rename = "rate_limit_429")]
    RateLimit429,
    /// No answer for `hang_secs`, and nothing done; then 504 with an empty body.
    Hang,
    /// The operation is performed, then the answer is held for `hang_secs` (a lost response).
    HangAfterCommit,
    /// The request waits `hang_secs` before Zoom looks at it, then is answered normally (a slow network or Zoom).
    Delay,
}

impl FaultMode {
    pub fn name(self) -> &'static str {
        match self {
            Self::Error500 => "error_500",
            Self::Error503 => "error_503",
            Self::RateLimit429 => "rate_limit_429",
            Self::Hang => "hang",
            Self::HangAfterCommit => "hang_after_commit",
            Self::Delay => "delay",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Fault {
    pub endpoint: String,
    pub mode: FaultMode,
    /// How many more matching calls this fault answers.
    pub remaining: u32,
    pub hang_secs: u64,
}

/// The fault one call gets.
#[derive(Clone, Copy, Debug)]
pub struct Triggered {
    pub mode: FaultMode,
    pub hang_secs: u64,
}

#[derive(Debug, Default)]
pub struct Faults {
    pending: Vec<Fault>,
}

impl Faults {
    pub fn add(&mut self, fault: Fault) -> Result<(), String> {
        if !ENDPOINTS.contains(&fault.endpoint.as_str()) {
            return Err(format!(
                "unknown endpoint {:?}; expected one of {}",
                fault.endpoint,
                ENDPOINTS.join(", ")
            ));
        }
        if fault.remaining > 0 {
            self.pending.push(fault);
        }
        Ok(())
    }

    pub fn pending(&self) -> &[Fault] {
        &self.pending
    }

    pub fn clear(&mut self) {
        self.pending.clear();
    }

    /// Consumes one use of the oldest fault matching `endpoint`.
    pub fn take(&mut self, endpoint: &str) -> Option<Triggered> {
        let index = self
            .pending
            .iter()
            .position(|f| f.endpoint == endpoint || f.endpoint == "*")?;
        let fault = &mut self.pending[index];
        fault.remaining -= 1;
        let triggered = Triggered {
            mode: fault.mode,
            hang_secs: fault.hang_secs,
        };
        if fault.remaining == 0 {
            self.pending.remove(index);
        }
        Some(triggered)
    }
}

/// Which fault-injectable endpoint a Zoom-facing request is, if any.
pub fn classify(method: &Method, path: &str) -> Option<&'static str> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').skip(1).collect();
    match (method.as_str(), segments.as_slice()) {
        ("POST", ["oauth", "token"]) => Some("token"),
        ("GET", ["v2", "users", _]) => Some("users.get"),
        ("POST", ["v2", "users", _, "meetings"]) => Some("meetings.create"),
        ("GET", ["v2", "users", _, "meetings"]) => Some("meetings.list"),
        ("GET", ["v2", "meetings", _]) => Some("meetings.get"),
        ("PATCH", ["v2", "meetings", _]) => Some("meetings.update"),
        ("DELETE", ["v2", "meetings", _]) => Some("meetings.delete"),
        _ => None,
    }
}

/// The call-log kind of an endpoint (for calls a fault answers before the handler could say).
pub fn kind_of(endpoint: &str) -> &'static str {
    match endpoint {
        "users.get" => "api.users.get",
        "meetings.create" => "api.meetings.create",
        "meetings.list" => "api.meetings.list",
        "meetings.get" => "api.meetings.get",
        "meetings.update" => "api.meetings.update",
        "meetings.delete" => "api.meetings.delete",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fault(endpoint: &str, remaining: u32) -> Fault {
        Fault {
            endpoint: endpoint.to_owned(),
            mode: FaultMode::Error500,
            remaining,
            hang_secs: 1,
        }
    }

    #[test]
    fn faults_are_used_up_in_order_and_star_matches_anything() {
        let mut faults = Faults::default();
        faults.add(fault("meetings.get", 2)).unwrap();
        faults.add(fault("*", 1)).unwrap();
        assert!(faults.add(fault("meetings.frobnicate", 1)).is_err());
        assert!(faults.take("meetings.get").is_some());
        assert!(faults.take("token").is_some()); // the `*` one
        assert!(faults.take("token").is_none());
        assert!(faults.take("meetings.get").is_some());
        assert!(faults.take("meetings.get").is_none());
    }

    #[test]
    fn requests_are_classified_by_method_and_path() {
        assert_eq!(
            classify(&Method::POST, "/v2/users/me/meetings"),
            Some("meetings.create")
        );
        assert_eq!(
            classify(&Method::DELETE, "/v2/meetings/85746065432"),
            Some("meetings.delete")
        );
        assert_eq!(classify(&Method::GET, "/v2/users/me"), Some("users.get"));
        assert_eq!(classify(&Method::POST, "/oauth/token"), Some("token"));
        assert_eq!(classify(&Method::POST, "/oauth/revoke"), None);
    }
}
