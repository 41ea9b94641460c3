//! Configuration from the environment. Secrets are wrapped in `SecretString` so they never reach a log line by
//! accident (`Debug` prints `[REDACTED]`).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use secrecy::SecretString;

use crate::clock::Clock;
use crate::crypto::Keyring;

/// Where Zoom is: the real one, or the sandbox started inside this process.
#[derive(Debug, Clone)]
pub enum ZoomTarget {
    /// Real Zoom (or an external sandbox) with the app's credentials.
    External(ZoomApp),
    /// Start `zoom-sandbox` in-process on this address and point at it (the default demo).
    EmbeddedSandbox { bind: SocketAddr },
}

/// A Zoom OAuth app's settings, as configured in the Zoom App Marketplace.
#[derive(Debug, Clone)]
pub struct ZoomApp {
    pub client_id: String,
    pub client_secret: SecretString,
    /// Must equal the app's redirect URL in the Zoom Marketplace exactly.
    pub redirect_url: String,
    /// The app's "Secret Token" for webhook signatures.
    pub webhook_secret_token: SecretString,
    /// `https://zoom.us` (authorize, token, revoke live under `/oauth`).
    pub oauth_base: String,
    /// `https://api.zoom.us/v2`, used when a token response carries no `api_url`.
    pub api_base: String,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub bind: SocketAddr,
    /// The origin people reach the app at, e.g. `https://app.betterbeing.example` (no trailing slash); `None` means
    /// `http://` + the bound address.
    pub public_url: Option<String>,
    /// `sqlite://path/to/file.sqlite`.
    pub database_url: String,
    /// The SPA built by Trunk; `None` serves only `/api`.
    pub dist_dir: Option<PathBuf>,
    pub token_keys: Keyring,
    pub zoom: ZoomTarget,
    /// Seed demo people and offer the demo sign-in page.
    pub demo: bool,
    /// Longest wait for one Zoom HTTP call.
    pub zoom_timeout: Duration,
    /// First retry delay of queued Zoom work (then ×3 per attempt, at most an hour).
    pub retry_base: Duration,
    /// How long a request waits for its Zoom work before answering with "pending".
    pub inline_wait: Duration,
    /// How often the background worker looks for due Zoom work.
    pub job_poll: Duration,
    /// A queued Zoom attempt's lease (renewed while it runs): how soon another process takes over after a crash.
    pub job_lease: Duration,
    /// Zoom attempts one process runs at once (one per practitioner at a time).
    pub job_concurrency: usize,
    /// "Now" for the queue and token expiry (tests move it forward).
    pub clock: Clock,
    /// Origins of host pages that embed the SPA (the BetterBeing shell), e.g. `https://app.betterbeing.example`:
    /// allowed for CORS with credentials, as `frame-ancestors`, and as OAuth return URLs.
    pub allowed_origins: Vec<String>,
    /// `SameSite=None` session cookies (needed when the shell calls the API from another site; requires https).
    pub cookie_same_site_none: bool,
    /// Shared secret with the BetterBeing web shell for signed identity hand-over; `None` disables it.
    pub shell_secret: Option<SecretString>,
}

impl Settings {
    /// Reads `BB_*` and `ZOOM_*` variables (see README). Without `ZOOM_CLIENT_ID` the embedded sandbox is used.
    pub fn from_env() -> anyhow::Result<Self> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let bind: SocketAddr = var("BB_BIND").unwrap_or_else(|| "127.0.0.1:8080".into()).parse()?;
        let public_url = var("BB_PUBLIC_URL").map(|u| u.trim_end_matches('/').to_string());
        let data_dir = PathBuf::from(var("BB_DATA_DIR").unwrap_or_else(|| ".data".into()));
        let database_url = var("BB_DATABASE_URL")
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("betterbeing.sqlite").display()));
        let dist_dir = Some(PathBuf::from(var("BB_DIST_DIR").unwrap_or_else(|| "dist".into())));

        let zoom = match var("ZOOM_CLIENT_ID") {
            Some(client_id) => {
                let required = |name: &str| {
                    var(name).ok_or_else(|| anyhow::anyhow!("{name} must be set when ZOOM_CLIENT_ID is set"))
                };
                ZoomTarget::External(ZoomApp {
                    client_id,
                    client_secret: required("ZOOM_CLIENT_SECRET")?.into(),
                    redirect_url: var("ZOOM_REDIRECT_URL")
                        .or_else(|| public_url.as_ref().map(|p| format!("{p}{}", api::paths::ZOOM_CALLBACK)))
                        .ok_or_else(|| anyhow::anyhow!("set ZOOM_REDIRECT_URL or BB_PUBLIC_URL"))?,
                    webhook_secret_token: required("ZOOM_WEBHOOK_SECRET_TOKEN")?.into(),
                    oauth_base: var("ZOOM_OAUTH_BASE").unwrap_or_else(|| "https://zoom.us".into()),
                    api_base: var("ZOOM_API_BASE").unwrap_or_else(|| "https://api.zoom.us/v2".into()),
                })
            }
            None => ZoomTarget::EmbeddedSandbox {
                bind: var("ZOOM_SANDBOX_BIND")
                    .unwrap_or_else(|| "127.0.0.1:9090".into())
                    .parse()?,
            },
        };
        let demo = match var("BB_DEMO") {
            Some(v) => v == "1" || v.eq_ignore_ascii_case("true"),
            None => matches!(zoom, ZoomTarget::EmbeddedSandbox { .. }),
        };
        let token_keys = match var("BB_TOKEN_KEYS") {
            Some(spec) => Keyring::parse(&spec)?,
            None if demo => Keyring::load_or_create_demo(&data_dir.join("token-keys"))?,
            None => anyhow::bail!("BB_TOKEN_KEYS must be set (see README: key id and 32-byte base64 key)"),
        };
        Ok(Settings {
            bind,
            public_url,
            database_url,
            dist_dir,
            token_keys,
            zoom,
            demo,
            shell_secret: var("BB_SHELL_SECRET").map(SecretString::from),
            allowed_origins: var("BB_ALLOWED_ORIGINS")
                .map(|v| {
                    v.split(',')
                        .map(|o| o.trim().trim_end_matches('/').to_string())
                        .filter(|o| !o.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            cookie_same_site_none: var("BB_COOKIE_SAMESITE").is_some_and(|v| v.eq_ignore_ascii_case("none")),
            zoom_timeout: Duration::from_secs(15),
            retry_base: Duration::from_secs(10),
            inline_wait: Duration::from_secs(5),
            job_poll: Duration::from_secs(1),
            job_lease: Duration::from_secs(match var("BB_JOB_LEASE_SECS") {
                Some(v) => {
                    v.parse::<u64>().ok().filter(|s| (2..=300).contains(s)).ok_or_else(|| {
                        anyhow::anyhow!("BB_JOB_LEASE_SECS must be a whole number of seconds, 2 to 300")
                    })?
                }
                None => 10,
            }),
            job_concurrency: 8,
            clock: Clock::default(),
        })
    }
}
