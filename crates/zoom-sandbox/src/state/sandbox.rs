//! The sandbox's whole state in one value, and how it is saved and read back.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::grants::{AccessTokenRecord, CodeRecord, Grant, PendingAuthorization, RefreshTokenRecord};
use crate::call_log::CallLog;
use crate::clock::Clock;
use crate::config::SandboxConfig;
use crate::faults::Faults;
use crate::meetings::MeetingStore;
use crate::rate_limits::RateLimits;
use crate::users::User;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Ttls {
    pub code_secs: i64,
    pub access_token_secs: i64,
    pub refresh_token_secs: i64,
}

impl Default for Ttls {
    fn default() -> Self {
        Self {
            code_secs: 300,
            access_token_secs: 3599,
            refresh_token_secs: 90 * 24 * 3600,
        }
    }
}

/// What the leak tests search for.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct IssuedSecrets {
    pub codes: Vec<String>,
    pub access_tokens: Vec<String>,
    pub refresh_tokens: Vec<String>,
    pub code_verifiers: Vec<String>,
    pub client_secret: String,
    /// The `zak` of every `start_url` handed out: whoever holds one starts the meeting as its host.
    pub start_url_zaks: Vec<String>,
}

/// Everything "Zoom" knows. With `--state FILE` the lasting part (users, grants, tokens, codes, meetings, daily
/// usage, plan overrides, the clock's offset) is written to that file after every change and read back at start, so a restarted
/// sandbox still honours the grants and meetings it handed out. The app's registration comes from the command line
/// each start; the call log, webhook deliveries, armed faults and open consent pages are not kept.
#[derive(Serialize, Deserialize)]
pub struct Sandbox {
    #[serde(skip)]
    pub config: SandboxConfig,
    #[serde(skip)]
    pub base_url: String,
    pub refresh_grace_secs: i64,
    pub ttls: Ttls,
    pub clock: Clock,
    pub(super) users: Vec<User>,
    pub(super) disabled_accounts: HashSet<String>,
    pub(super) grants: Vec<Grant>,
    pub(super) access_tokens: HashMap<String, AccessTokenRecord>,
    pub(super) refresh_tokens: HashMap<String, RefreshTokenRecord>,
    pub(super) codes: HashMap<String, CodeRecord>,
    #[serde(skip)]
    pub(super) pending: HashMap<String, PendingAuthorization>,
    #[serde(skip)]
    pub calls: CallLog,
    #[serde(skip)]
    pub webhook_deliveries: Vec<serde_json::Value>,
    pub meetings: MeetingStore,
    #[serde(skip)]
    pub faults: Faults,
    /// Zoom's account-wide rate limits. `default`: state files from before they existed still load.
    #[serde(default)]
    pub rate_limits: RateLimits,
    pub(super) secrets: IssuedSecrets,
}

impl Sandbox {
    pub fn new(config: SandboxConfig, base_url: String) -> Self {
        let secrets = IssuedSecrets {
            client_secret: config.client_secret.clone(),
            ..IssuedSecrets::default()
        };
        let rate_limits = RateLimits::new(config.per_second_limits);
        Self {
            config,
            base_url,
            refresh_grace_secs: 0,
            ttls: Ttls::default(),
            clock: Clock::default(),
            users: Vec::new(),
            disabled_accounts: HashSet::new(),
            grants: Vec::new(),
            access_tokens: HashMap::new(),
            refresh_tokens: HashMap::new(),
            codes: HashMap::new(),
            pending: HashMap::new(),
            calls: CallLog::default(),
            webhook_deliveries: Vec::new(),
            meetings: MeetingStore::default(),
            faults: Faults::default(),
            rate_limits,
            secrets,
        }
    }

    /// The sandbox saved in `json` (see [`Sandbox`]), serving the app `config` at `base_url`.
    pub fn restore(json: &[u8], config: SandboxConfig, base_url: String) -> Result<Self, serde_json::Error> {
        let mut sandbox: Sandbox = serde_json::from_slice(json)?;
        sandbox.secrets.client_secret = config.client_secret.clone();
        sandbox.rate_limits.per_second = config.per_second_limits;
        sandbox.config = config;
        sandbox.base_url = base_url;
        Ok(sandbox)
    }

    /// What [`Sandbox::restore`] reads back.
    pub fn snapshot(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("the sandbox state serializes")
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}
