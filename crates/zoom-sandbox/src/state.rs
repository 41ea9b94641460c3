//! Everything the sandbox remembers: the app, users, grants, codes, tokens and its own clock.
//!
//! The OAuth rules live here as plain methods so they can be unit-tested without HTTP; the handlers in
//! `oauth.rs`, `api.rs` and `control.rs` only parse, call one method and map the result.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use crate::calls::{Call, CallLog};
use crate::config::SandboxConfig;
use crate::faults::Faults;
use crate::ids;
use crate::meetings::MeetingStore;
use crate::pkce::PkceChallenge;
use crate::rate_limits::{Plan, RateCategory, RateLimits, Refusal};

/// Shared by every handler. A sandbox serves a handful of requests at a time, so one lock is plenty.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Mutex<Sandbox>>,
    pub http: reqwest::Client,
    /// `--state FILE`: where the lasting state is saved after every request that may change it.
    persist: Option<Arc<Persist>>,
    /// Webhooks waiting to be delivered, in order, by one background task (started with the first).
    outbox: Arc<Mutex<Option<tokio::sync::mpsc::UnboundedSender<Outgoing>>>>,
}

/// One webhook on its way: endpoint, secret token, event.
type Outgoing = (String, String, serde_json::Value);

struct Persist {
    path: std::path::PathBuf,
    /// Held from taking the snapshot to renaming the file into place, so saves land in order.
    writing: Mutex<()>,
}

impl AppState {
    pub fn new(sandbox: Sandbox) -> Self {
        Self::with_state_file(sandbox, None)
    }

    pub fn with_state_file(sandbox: Sandbox, path: Option<std::path::PathBuf>) -> Self {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(5))
            .build()
            .expect("the webhook HTTP client builds");
        Self {
            inner: Arc::new(Mutex::new(sandbox)),
            http,
            persist: path.map(|path| {
                Arc::new(Persist {
                    path,
                    writing: Mutex::new(()),
                })
            }),
            outbox: Arc::default(),
        }
    }

    /// Delivers `event` after everything queued before it, in the background (the request that caused it answers
    /// first, as at Zoom). Must be called inside the runtime.
    pub fn queue_webhook(&self, url: String, secret: String, event: serde_json::Value) {
        let mut outbox = self.outbox.lock().unwrap_or_else(|p| p.into_inner());
        let sender = outbox.get_or_insert_with(|| {
            let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel::<Outgoing>();
            let state = self.clone();
            tokio::spawn(async move {
                while let Some((url, secret, event)) = receiver.recv().await {
                    crate::control::send_logged(&state, &url, &secret, &event).await;
                }
            });
            sender
        });
        let _ = sender.send((url, secret, event));
    }

    pub fn persists(&self) -> bool {
        self.persist.is_some()
    }

    /// Writes the lasting state to the state file, if there is one: to a temporary file first, then renamed over
    /// the old one, so a crash mid-write leaves the previous state intact.
    pub fn save(&self) -> std::io::Result<()> {
        let Some(persist) = &self.persist else {
            return Ok(());
        };
        let _order = persist.writing.lock().unwrap_or_else(|p| p.into_inner());
        let bytes = self.lock().snapshot();
        let temporary = persist.path.with_extension("json.tmp");
        std::fs::write(&temporary, bytes)?;
        std::fs::rename(&temporary, &persist.path)
    }

    /// Never held across an `.await`.
    pub fn lock(&self) -> MutexGuard<'_, Sandbox> {
        // A panicking handler must not take the whole sandbox down with it.
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

pub fn rfc3339_secs(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub fn rfc3339_millis(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Real time shifted by an offset the control API moves, so time keeps flowing between test steps.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Clock {
    #[serde(with = "offset_millis")]
    offset: Duration,
}

mod offset_millis {
    use chrono::Duration;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(offset: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(offset.num_milliseconds())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        Ok(Duration::milliseconds(i64::deserialize(d)?))
    }
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.offset
    }

    pub fn advance(&mut self, secs: i64) {
        self.offset += Duration::seconds(secs);
    }

    pub fn set(&mut self, now: DateTime<Utc>) {
        self.offset = now - Utc::now();
    }
}

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

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct User {
    pub id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    /// 1 Basic, 2 Licensed, 4 unassigned (no Meetings Basic; cannot host).
    pub user_type: u8,
    pub role_name: String,
    pub account_id: String,
    pub account_number: u64,
    pub timezone: String,
    pub pmi: u64,
    pub personal_meeting_url: String,
    pub created_at: DateTime<Utc>,
}

impl User {
    /// The `GET /v2/users/me` body (facts §3.6).
    pub fn to_zoom_json(&self, now: DateTime<Utc>) -> serde_json::Value {
        serde_json::json!({
            "id": self.id,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "display_name": format!("{} {}", self.first_name, self.last_name).trim(),
            "email": self.email,
            "type": self.user_type,
            "role_name": self.role_name,
            "pmi": self.pmi,
            "use_pmi": false,
            "personal_meeting_url": self.personal_meeting_url,
            "timezone": self.timezone,
            "verified": 1,
            "dept": "",
            "created_at": rfc3339_secs(self.created_at),
            "last_login_time": rfc3339_secs(now),
            "pic_url": "",
            "language": "en-US",
            "phone_number": "",
            "status": "active",
            "role_id": if self.role_name == "Owner" { "0" } else { "2" },
            "login_types": [100],
            "account_id": self.account_id,
            "account_number": self.account_number,
            "cluster": "us05",
            "user_created_at": rfc3339_secs(self.created_at),
        })
    }
}

#[derive(Clone, Debug)]
pub struct NewUser {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub user_type: u8,
    pub account_id: Option<String>,
    pub timezone: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum GrantStatus {
    Active,
    /// Revoked through `/oauth/revoke`, removal in the Marketplace, or the `kill-grant` fault.
    Revoked,
    /// A later authorization by the same user for the same app (Zoom 4741).
    Replaced,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Grant {
    pub id: String,
    pub zoom_user_id: String,
    pub client_id: String,
    pub scopes: Vec<String>,
    pub status: GrantStatus,
    pub created_at: DateTime<Utc>,
    pub refresh_count: u32,
    current_refresh_token: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct GrantView {
    pub id: String,
    pub zoom_user_id: String,
    pub client_id: String,
    pub status: &'static str,
    pub created_at: String,
    pub refresh_count: u32,
}

#[derive(Debug, Serialize, Deserialize)]
struct AccessTokenRecord {
    grant: usize,
    expires_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, Deserialize)]
struct RefreshTokenRecord {
    grant: usize,
    expires_at: DateTime<Utc>,
    /// When a refresh replaced this token; it dies `refresh_grace_secs` later.
    rotated_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, Deserialize)]
struct CodeRecord {
    client_id: String,
    redirect_uri: String,
    zoom_user_id: String,
    pkce: Option<PkceChallenge>,
    expires_at: DateTime<Utc>,
}

/// An authorize request waiting for the user's decision on the consent page. Kept server-side so the
/// form cannot smuggle in another redirect_uri.
#[derive(Clone, Debug)]
pub struct PendingAuthorization {
    pub client_id: String,
    pub redirect_uri: String,
    pub state: Option<String>,
    pub pkce: Option<PkceChallenge>,
}

#[derive(Debug)]
pub struct TokenSet {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: i64,
    pub scopes: Vec<String>,
    pub zoom_user_id: String,
}

/// Token-endpoint failures; `oauth.rs` owns their wire form.
#[derive(Debug, PartialEq, Eq)]
pub enum TokenError {
    InvalidCode,
    CodeExpired,
    RedirectMismatch,
    InvalidVerifier,
    InvalidToken,
    DisabledByAdmin,
}

/// Bearer-authentication failures; `api.rs` owns their wire form.
#[derive(Debug, PartialEq, Eq)]
pub enum AccessError {
    Invalid,
    Expired,
    DisabledByAdmin,
}

#[derive(Debug)]
pub struct Authenticated {
    pub user: User,
    pub grant_id: String,
    pub scopes: Vec<String>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum ControlError {
    UnknownUser,
    UnknownAccount,
    NoActiveGrant,
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

/// The facts a removed app needs for its `app_deauthorized` event.
#[derive(Debug)]
pub struct Deauthorization {
    pub account_id: String,
    pub user_id: String,
    pub client_id: String,
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
    users: Vec<User>,
    disabled_accounts: HashSet<String>,
    grants: Vec<Grant>,
    access_tokens: HashMap<String, AccessTokenRecord>,
    refresh_tokens: HashMap<String, RefreshTokenRecord>,
    codes: HashMap<String, CodeRecord>,
    #[serde(skip)]
    pending: HashMap<String, PendingAuthorization>,
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
    secrets: IssuedSecrets,
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

    // ---- users -------------------------------------------------------------------------------------

    pub fn users(&self) -> &[User] {
        &self.users
    }

    pub fn user(&self, id: &str) -> Option<&User> {
        self.users.iter().find(|u| u.id == id)
    }

    pub fn add_user(&mut self, new: NewUser) -> Result<User, String> {
        if ![1, 2, 4].contains(&new.user_type) {
            return Err("type must be 1 (Basic), 2 (Licensed) or 4 (unassigned)".to_owned());
        }
        let email = new.email.trim().to_lowercase();
        if !email.contains('@') {
            return Err("email must be an email address".to_owned());
        }
        if self.users.iter().any(|u| u.email == email) {
            return Err(format!("a user with email {email} already exists"));
        }
        let account_id = new.account_id.unwrap_or_else(ids::zoom_id);
        let account_mate = self.users.iter().find(|u| u.account_id == account_id);
        let (role_name, account_number) = match account_mate {
            Some(mate) => ("Member".to_owned(), mate.account_number),
            None => ("Owner".to_owned(), ids::random_number(9)),
        };
        let pmi = ids::random_number(10);
        let user = User {
            id: ids::zoom_id(),
            email,
            first_name: new.first_name,
            last_name: new.last_name,
            user_type: new.user_type,
            role_name,
            account_id,
            account_number,
            timezone: new.timezone.unwrap_or_else(|| "America/New_York".to_owned()),
            pmi,
            personal_meeting_url: format!("https://us05web.zoom.us/j/{pmi}?pwd={}.1", ids::random_alnum(32)),
            created_at: self.now(),
        };
        self.users.push(user.clone());
        Ok(user)
    }

    /// Adds the three demo users (skipping any whose email already exists) and returns them.
    pub fn seed_demo_users(&mut self) -> Vec<User> {
        let demo = [
            ("dr.rivera@zoom.example", "Alex", "Rivera", 2, "America/New_York"),
            ("sam.okafor@zoom.example", "Sam", "Okafor", 1, "Europe/London"),
            ("lee.unassigned@zoom.example", "Lee", "Chen", 4, "America/Los_Angeles"),
        ];
        demo.into_iter()
            .map(|(email, first_name, last_name, user_type, timezone)| {
                if let Some(existing) = self.users.iter().find(|u| u.email == email) {
                    return existing.clone();
                }
                self.add_user(NewUser {
                    email: email.to_owned(),
                    first_name: first_name.to_owned(),
                    last_name: last_name.to_owned(),
                    user_type,
                    account_id: None,
                    timezone: Some(timezone.to_owned()),
                })
                .expect("demo users are valid")
            })
            .collect()
    }

    fn app_disabled_for(&self, zoom_user_id: &str) -> bool {
        self.user(zoom_user_id)
            .is_some_and(|u| self.disabled_accounts.contains(&u.account_id))
    }

    /// The user's account admin switches the app off (or back on) for the whole account.
    pub fn set_app_disabled(&mut self, zoom_user_id: &str, disabled: bool) -> Result<(), ControlError> {
        let account_id = self
            .user(zoom_user_id)
            .ok_or(ControlError::UnknownUser)?
            .account_id
            .clone();
        if disabled {
            self.disabled_accounts.insert(account_id);
        } else {
            self.disabled_accounts.remove(&account_id);
        }
        Ok(())
    }

    // ---- rate limits -------------------------------------------------------------------------------

    /// The account's plan and whether the control API set it; `None` when no user is on that account. Without an
    /// override a Zoom account is Free unless one of its users is Licensed (type 2): a Basic user's account gets
    /// Free limits (facts §4.2).
    pub fn plan_of(&self, account_id: &str) -> Option<(Plan, bool)> {
        let mut members = self.users.iter().filter(|u| u.account_id == account_id).peekable();
        members.peek()?;
        if let Some(plan) = self.rate_limits.plan_override(account_id) {
            return Some((plan, true));
        }
        let licensed = members.any(|u| u.user_type == 2);
        Some((if licensed { Plan::Pro } else { Plan::Free }, false))
    }

    /// Counts one authenticated API call of `account_id` in `category` against Zoom's limits, or refuses it.
    pub fn admit_api_call(&mut self, account_id: &str, category: RateCategory) -> Result<(), Refusal> {
        let plan = self.plan_of(account_id).map_or(Plan::Free, |(plan, _)| plan);
        let now = self.now();
        self.rate_limits
            .admit(account_id, plan, category, std::time::Instant::now(), now)
    }

    // ---- authorize ---------------------------------------------------------------------------------

    pub fn park_authorization(&mut self, pending: PendingAuthorization) -> String {
        let id = ids::random_hex::<16>();
        self.pending.insert(id.clone(), pending);
        id
    }

    /// Single use: a resubmitted consent form finds nothing.
    pub fn take_authorization(&mut self, id: &str) -> Option<PendingAuthorization> {
        self.pending.remove(id)
    }

    pub fn consent_blocked_by_admin(&self, zoom_user_id: &str) -> bool {
        self.app_disabled_for(zoom_user_id)
    }

    pub fn issue_code(&mut self, pending: &PendingAuthorization, zoom_user_id: &str) -> String {
        let code = ids::authorization_code();
        let record = CodeRecord {
            client_id: pending.client_id.clone(),
            redirect_uri: pending.redirect_uri.clone(),
            zoom_user_id: zoom_user_id.to_owned(),
            pkce: pending.pkce.clone(),
            expires_at: self.now() + Duration::seconds(self.ttls.code_secs),
        };
        self.codes.insert(code.clone(), record);
        self.secrets.codes.push(code.clone());
        code
    }

    // ---- token endpoint ----------------------------------------------------------------------------

    pub fn client_credentials_match(&self, client_id: &str, client_secret: &str) -> bool {
        client_id == self.config.client_id && client_secret == self.config.client_secret
    }

    /// The code is consumed by this call whatever the outcome: Zoom codes are single-use.
    pub fn exchange_code(
        &mut self,
        client_id: &str,
        code: &str,
        redirect_uri: Option<&str>,
        code_verifier: Option<&str>,
    ) -> Result<TokenSet, TokenError> {
        if let Some(verifier) = code_verifier {
            self.secrets.code_verifiers.push(verifier.to_owned());
        }
        let record = self.codes.remove(code).ok_or(TokenError::InvalidCode)?;
        if record.client_id != client_id {
            return Err(TokenError::InvalidCode);
        }
        if self.now() >= record.expires_at {
            return Err(TokenError::CodeExpired);
        }
        if redirect_uri != Some(record.redirect_uri.as_str()) {
            return Err(TokenError::RedirectMismatch);
        }
        if let Some(pkce) = &record.pkce {
            if !pkce.is_satisfied_by(code_verifier) {
                return Err(TokenError::InvalidVerifier);
            }
        }
        if self.app_disabled_for(&record.zoom_user_id) {
            return Err(TokenError::DisabledByAdmin);
        }
        // Zoom keeps one grant per user and app: "the last token issued is considered valid" (4741).
        for grant in &mut self.grants {
            if grant.zoom_user_id == record.zoom_user_id
                && grant.client_id == client_id
                && grant.status == GrantStatus::Active
            {
                grant.status = GrantStatus::Replaced;
            }
        }
        let index = self.grants.len();
        self.grants.push(Grant {
            id: format!("grant_{}", index + 1),
            zoom_user_id: record.zoom_user_id,
            client_id: client_id.to_owned(),
            scopes: self.config.scopes.clone(),
            status: GrantStatus::Active,
            created_at: self.now(),
            refresh_count: 0,
            current_refresh_token: String::new(),
        });
        Ok(self.issue_tokens(index))
    }

    /// Rotates: the presented refresh token dies (after the grace knob), the previous access token lives on
    /// until its own expiry.
    pub fn refresh(&mut self, client_id: &str, refresh_token: &str) -> Result<TokenSet, TokenError> {
        let now = self.now();
        let grace = Duration::seconds(self.refresh_grace_secs);
        let record = self.refresh_tokens.get(refresh_token).ok_or(TokenError::InvalidToken)?;
        let index = record.grant;
        let grant = &self.grants[index];
        let rotated_out = record.rotated_at.is_some_and(|at| now >= at + grace);
        if grant.client_id != client_id
            || grant.status != GrantStatus::Active
            || now >= record.expires_at
            || rotated_out
        {
            return Err(TokenError::InvalidToken);
        }
        if self.app_disabled_for(&grant.zoom_user_id) {
            return Err(TokenError::DisabledByAdmin);
        }
        let current = grant.current_refresh_token.clone();
        if let Some(current) = self.refresh_tokens.get_mut(&current) {
            current.rotated_at.get_or_insert(now);
        }
        self.grants[index].refresh_count += 1;
        Ok(self.issue_tokens(index))
    }

    /// Revokes the whole grant behind an access or refresh token that still works.
    pub fn revoke(&mut self, client_id: &str, token: &str) -> Result<(), TokenError> {
        let index = self.live_grant_of_token(token).ok_or(TokenError::InvalidToken)?;
        if self.grants[index].client_id != client_id {
            return Err(TokenError::InvalidToken);
        }
        self.grants[index].status = GrantStatus::Revoked;
        Ok(())
    }

    fn live_grant_of_token(&self, token: &str) -> Option<usize> {
        let now = self.now();
        let grace = Duration::seconds(self.refresh_grace_secs);
        let index = if let Some(access) = self.access_tokens.get(token) {
            (now < access.expires_at).then_some(access.grant)?
        } else {
            let refresh = self.refresh_tokens.get(token)?;
            let rotated_out = refresh.rotated_at.is_some_and(|at| now >= at + grace);
            (now < refresh.expires_at && !rotated_out).then_some(refresh.grant)?
        };
        (self.grants[index].status == GrantStatus::Active).then_some(index)
    }

    fn issue_tokens(&mut self, index: usize) -> TokenSet {
        let now = self.now();
        let access_token = ids::oauth_token("access_token");
        let refresh_token = ids::oauth_token("refresh_token");
        self.access_tokens.insert(
            access_token.clone(),
            AccessTokenRecord {
                grant: index,
                expires_at: now + Duration::seconds(self.ttls.access_token_secs),
            },
        );
        self.refresh_tokens.insert(
            refresh_token.clone(),
            RefreshTokenRecord {
                grant: index,
                expires_at: now + Duration::seconds(self.ttls.refresh_token_secs),
                rotated_at: None,
            },
        );
        self.secrets.access_tokens.push(access_token.clone());
        self.secrets.refresh_tokens.push(refresh_token.clone());
        let grant = &mut self.grants[index];
        grant.current_refresh_token = refresh_token.clone();
        TokenSet {
            access_token,
            refresh_token,
            expires_in: self.ttls.access_token_secs,
            scopes: grant.scopes.clone(),
            zoom_user_id: grant.zoom_user_id.clone(),
        }
    }

    // ---- API authentication ------------------------------------------------------------------------

    pub fn authenticate(&self, access_token: &str) -> Result<Authenticated, AccessError> {
        let record = self.access_tokens.get(access_token).ok_or(AccessError::Invalid)?;
        let grant = &self.grants[record.grant];
        if grant.status != GrantStatus::Active {
            return Err(AccessError::Invalid);
        }
        if self.now() >= record.expires_at {
            return Err(AccessError::Expired);
        }
        if self.app_disabled_for(&grant.zoom_user_id) {
            return Err(AccessError::DisabledByAdmin);
        }
        // A deleted user's tokens die with them.
        let user = self.user(&grant.zoom_user_id).ok_or(AccessError::Invalid)?;
        Ok(Authenticated {
            user: user.clone(),
            grant_id: grant.id.clone(),
            scopes: grant.scopes.clone(),
        })
    }

    // ---- faults and inspection ---------------------------------------------------------------------

    fn active_grant_of(&self, zoom_user_id: &str) -> Result<usize, ControlError> {
        self.user(zoom_user_id).ok_or(ControlError::UnknownUser)?;
        self.grants
            .iter()
            .position(|g| g.zoom_user_id == zoom_user_id && g.status == GrantStatus::Active)
            .ok_or(ControlError::NoActiveGrant)
    }

    pub fn expire_access_tokens(&mut self, zoom_user_id: &str) -> Result<String, ControlError> {
        let index = self.active_grant_of(zoom_user_id)?;
        let now = self.now();
        for record in self.access_tokens.values_mut() {
            if record.grant == index && record.expires_at > now {
                record.expires_at = now;
            }
        }
        Ok(self.grants[index].id.clone())
    }

    pub fn kill_grant(&mut self, zoom_user_id: &str) -> Result<String, ControlError> {
        let index = self.active_grant_of(zoom_user_id)?;
        self.grants[index].status = GrantStatus::Revoked;
        Ok(self.grants[index].id.clone())
    }

    /// The user uninstalls the app in the Marketplace: the grant dies and Zoom owes the app a webhook.
    pub fn remove_app(&mut self, zoom_user_id: &str) -> Result<Deauthorization, ControlError> {
        let index = self.active_grant_of(zoom_user_id)?;
        self.grants[index].status = GrantStatus::Revoked;
        let user = self.user(zoom_user_id).ok_or(ControlError::UnknownUser)?;
        Ok(Deauthorization {
            account_id: user.account_id.clone(),
            user_id: user.id.clone(),
            client_id: self.grants[index].client_id.clone(),
        })
    }

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pkce::{s256, PkceMethod};

    const REDIRECT: &str = "https://app.example/callback";

    fn sandbox() -> (Sandbox, String) {
        let mut sandbox = Sandbox::new(SandboxConfig::demo(REDIRECT, None), "http://127.0.0.1:1".to_owned());
        let user = sandbox
            .add_user(NewUser {
                email: "a@zoom.example".to_owned(),
                first_name: "A".to_owned(),
                last_name: "B".to_owned(),
                user_type: 2,
                account_id: None,
                timezone: None,
            })
            .unwrap();
        (sandbox, user.id)
    }

    fn code(sandbox: &mut Sandbox, user: &str, pkce: Option<PkceChallenge>) -> String {
        let pending = PendingAuthorization {
            client_id: "bb-demo-client-id".to_owned(),
            redirect_uri: REDIRECT.to_owned(),
            state: None,
            pkce,
        };
        sandbox.issue_code(&pending, user)
    }

    fn connect(sandbox: &mut Sandbox, user: &str) -> TokenSet {
        let code = code(sandbox, user, None);
        sandbox
            .exchange_code("bb-demo-client-id", &code, Some(REDIRECT), None)
            .unwrap()
    }

    #[test]
    fn codes_are_single_use_even_when_the_first_attempt_fails() {
        let (mut sandbox, user) = sandbox();
        let code = code(&mut sandbox, &user, None);
        let wrong = sandbox.exchange_code("bb-demo-client-id", &code, Some("https://evil"), None);
        assert_eq!(wrong.unwrap_err(), TokenError::RedirectMismatch);
        let again = sandbox.exchange_code("bb-demo-client-id", &code, Some(REDIRECT), None);
        assert_eq!(again.unwrap_err(), TokenError::InvalidCode);
    }

    #[test]
    fn codes_expire_on_the_sandbox_clock() {
        let (mut sandbox, user) = sandbox();
        let code = code(&mut sandbox, &user, None);
        sandbox.clock.advance(300);
        let result = sandbox.exchange_code("bb-demo-client-id", &code, Some(REDIRECT), None);
        assert_eq!(result.unwrap_err(), TokenError::CodeExpired);
    }

    #[test]
    fn pkce_is_checked_at_the_token_step() {
        let (mut sandbox, user) = sandbox();
        let challenge = PkceChallenge {
            method: PkceMethod::S256,
            challenge: s256("verifier-1"),
        };
        let c = code(&mut sandbox, &user, Some(challenge.clone()));
        let bad = sandbox.exchange_code("bb-demo-client-id", &c, Some(REDIRECT), Some("nope"));
        assert_eq!(bad.unwrap_err(), TokenError::InvalidVerifier);
        let c = code(&mut sandbox, &user, Some(challenge));
        let good = sandbox.exchange_code("bb-demo-client-id", &c, Some(REDIRECT), Some("verifier-1"));
        assert!(good.is_ok());
    }

    #[test]
    fn refresh_rotates_and_the_old_refresh_token_dies_at_once() {
        let (mut sandbox, user) = sandbox();
        let first = connect(&mut sandbox, &user);
        let second = sandbox.refresh("bb-demo-client-id", &first.refresh_token).unwrap();
        assert_ne!(first.refresh_token, second.refresh_token);
        assert_eq!(
            sandbox.refresh("bb-demo-client-id", &first.refresh_token).unwrap_err(),
            TokenError::InvalidToken
        );
        // The previous access token lives until its own expiry.
        assert!(sandbox.authenticate(&first.access_token).is_ok());
        assert!(sandbox.refresh("bb-demo-client-id", &second.refresh_token).is_ok());
    }

    #[test]
    fn the_grace_knob_lets_a_rotated_refresh_token_live_briefly() {
        let (mut sandbox, user) = sandbox();
        sandbox.refresh_grace_secs = 30;
        let first = connect(&mut sandbox, &user);
        sandbox.refresh("bb-demo-client-id", &first.refresh_token).unwrap();
        assert!(sandbox.refresh("bb-demo-client-id", &first.refresh_token).is_ok());
        sandbox.clock.advance(31);
        assert_eq!(
            sandbox.refresh("bb-demo-client-id", &first.refresh_token).unwrap_err(),
            TokenError::InvalidToken
        );
    }

    #[test]
    fn a_new_authorization_replaces_the_earlier_grant() {
        let (mut sandbox, user) = sandbox();
        let first = connect(&mut sandbox, &user);
        let second = connect(&mut sandbox, &user);
        assert_eq!(
            sandbox.authenticate(&first.access_token).unwrap_err(),
            AccessError::Invalid
        );
        assert!(sandbox.authenticate(&second.access_token).is_ok());
        let statuses: Vec<_> = sandbox.grant_views().iter().map(|g| g.status).collect();
        assert_eq!(statuses, ["replaced", "active"]);
    }

    #[test]
    fn access_tokens_expire_and_admins_can_disable_the_app() {
        let (mut sandbox, user) = sandbox();
        let tokens = connect(&mut sandbox, &user);
        sandbox.set_app_disabled(&user, true).unwrap();
        assert_eq!(
            sandbox.authenticate(&tokens.access_token).unwrap_err(),
            AccessError::DisabledByAdmin
        );
        assert_eq!(
            sandbox.refresh("bb-demo-client-id", &tokens.refresh_token).unwrap_err(),
            TokenError::DisabledByAdmin
        );
        sandbox.set_app_disabled(&user, false).unwrap();
        sandbox.clock.advance(3599);
        assert_eq!(
            sandbox.authenticate(&tokens.access_token).unwrap_err(),
            AccessError::Expired
        );
    }

    #[test]
    fn an_accounts_plan_comes_from_its_users_unless_overridden() {
        let (mut sandbox, licensed) = sandbox();
        let account = sandbox.user(&licensed).unwrap().account_id.clone();
        assert_eq!(sandbox.plan_of(&account), Some((Plan::Pro, false)));
        assert_eq!(sandbox.plan_of("nobody"), None);
        let basic = sandbox
            .add_user(NewUser {
                email: "basic@zoom.example".to_owned(),
                first_name: "C".to_owned(),
                last_name: "D".to_owned(),
                user_type: 1,
                account_id: None,
                timezone: None,
            })
            .unwrap();
        assert_eq!(sandbox.plan_of(&basic.account_id), Some((Plan::Free, false)));
        sandbox
            .rate_limits
            .set_plan_override(&basic.account_id, Some(Plan::Business));
        assert_eq!(sandbox.plan_of(&basic.account_id), Some((Plan::Business, true)));
        sandbox.rate_limits.set_plan_override(&basic.account_id, None);
        assert_eq!(sandbox.plan_of(&basic.account_id), Some((Plan::Free, false)));
    }

    #[test]
    fn plan_overrides_and_account_usage_survive_a_restart_and_old_state_files_still_load() {
        let (mut sandbox, user) = sandbox();
        let account = sandbox.user(&user).unwrap().account_id.clone();
        sandbox.rate_limits.set_plan_override(&account, Some(Plan::Free));
        let now = sandbox.now();
        sandbox
            .rate_limits
            .set_daily_used(&account, RateCategory::Medium, 1999, now);
        let mut config = SandboxConfig::demo(REDIRECT, None);
        config.per_second_limits = false;
        let restored = Sandbox::restore(&sandbox.snapshot(), config, String::new()).unwrap();
        assert_eq!(restored.plan_of(&account), Some((Plan::Free, true)));
        assert_eq!(
            restored.rate_limits.daily_used(&account, RateCategory::Medium, now),
            1999
        );
        assert!(
            !restored.rate_limits.per_second,
            "the switch comes from the command line"
        );

        let mut old: serde_json::Value = serde_json::from_slice(&sandbox.snapshot()).unwrap();
        old.as_object_mut().unwrap().remove("rate_limits");
        let bytes = serde_json::to_vec(&old).unwrap();
        let restored = Sandbox::restore(&bytes, SandboxConfig::demo(REDIRECT, None), String::new()).unwrap();
        assert_eq!(restored.plan_of(&account), Some((Plan::Pro, false)));
        assert!(restored.rate_limits.per_second);
    }

    #[test]
    fn refresh_tokens_expire_after_their_ttl() {
        let (mut sandbox, user) = sandbox();
        let tokens = connect(&mut sandbox, &user);
        sandbox.clock.advance(90 * 24 * 3600);
        assert_eq!(
            sandbox.refresh("bb-demo-client-id", &tokens.refresh_token).unwrap_err(),
            TokenError::InvalidToken
        );
        assert_eq!(sandbox.grant_views()[0].status, "expired");
    }
}
