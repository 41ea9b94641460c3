//! What the control API shows of the sandbox: grants, issued secrets and the call log.

use std::collections::BTreeMap;

use serde::Serialize;

use super::grants::GrantStatus;
use super::sandbox::{IssuedSecrets, Sandbox};
use crate::call_log::Call;
use crate::clock::rfc3339_secs;

#[derive(Clone, Debug, Serialize)]
pub struct GrantView {
    pub id: String,
    pub zoom_user_id: String,
    pub client_id: String,
    pub status: &'static str,
    pub created_at: String,
    pub refresh_count: u32,
}

impl Sandbox {
    pub fn grant_views(&self) -> Vec<GrantView> {
        let now = self.now();
        self.grants
            .iter()
            .map(|grant| {
                let refresh_dead = self
                    .refresh_tokens
                    .get(&grant.current_refresh_token)
                    .is_none_or(|r| now >= r.expires_at);
                let status = match grant.status {
                    GrantStatus::Active if refresh_dead => "expired",
                    GrantStatus::Active => "active",
                    GrantStatus::Revoked => "revoked",
                    GrantStatus::Replaced => "replaced",
                };
                GrantView {
                    id: grant.id.clone(),
                    zoom_user_id: grant.zoom_user_id.clone(),
                    client_id: grant.client_id.clone(),
                    status,
                    created_at: rfc3339_secs(grant.created_at),
                    refresh_count: grant.refresh_count,
                }
            })
            .collect()
    }

    pub fn issued_secrets(&self) -> IssuedSecrets {
        IssuedSecrets {
            start_url_zaks: self.meetings.zaks.clone(),
            ..self.secrets.clone()
        }
    }

    pub fn record_call(&mut self, call: Call) {
        self.calls.push(call);
    }

    pub fn call_counters(&self) -> BTreeMap<String, u64> {
        self.calls.counters()
    }
}
