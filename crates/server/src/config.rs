//! Configuration from the environment, validated as a whole before anything starts. Secrets are wrapped in
//! `SecretString` so they never reach a log line by accident (`Debug` prints `[REDACTED]`).
//!
//! The server fails closed: without a real Zoom app's settings (`ZOOM_CLIENT_ID`, `ZOOM_CLIENT_SECRET`,
//! `ZOOM_WEBHOOK_SECRET_TOKEN`, a redirect URL) and a token key (`BB_TOKEN_KEYS`) it refuses to start and names what
//! is missing. Only `BB_DEMO=1`, asked for explicitly, relaxes that: Zoom then defaults to the local sandbox process
//! that `scripts/demo` starts, the token key is generated beside the database, and the password-less demo sign-in is
//! offered. The sandbox itself is never part of this binary.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use url::Url;

use crate::clock::Clock;
use crate::crypto::Keyring;
use crate::zoom::limits::Plan;

/// The demo's Zoom app as the `zoom-sandbox` process registers it (`zoom_sandbox::SandboxConfig::demo`; a test keeps
/// the two equal). Used only with `BB_DEMO=1` when no `ZOOM_*` settings are given.
pub mod demo_zoom {
    pub const BASE_URL: &str = "http://127.0.0.1:9090";
    pub const CLIENT_ID: &str = "bb-demo-client-id";
    pub const CLIENT_SECRET: &str = "bb-demo-client-secret";
    pub const WEBHOOK_SECRET_TOKEN: &str = "bb-demo-webhook-secret";
}

/// Shortest accepted `BB_SHELL_SECRET` (it signs identity hand-overs: 32 characters of a random string or more).
pub const MIN_SHELL_SECRET_CHARS: usize = 32;

/// A Zoom OAuth app's settings, as configured in the Zoom App Marketplace (or the demo's sandbox).
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
    /// `sqlite://path/to/file.sqlite` (the embedded default) or `postgres://user:password@host:5432/database`
    /// (several instances sharing one database).
    pub database_url: String,
    /// The SPA built by Trunk; `None` serves only `/api`.
    pub dist_dir: Option<PathBuf>,
    pub token_keys: Keyring,
    pub zoom: ZoomApp,
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
    /// How often the pre-session checks (24 hours and 15 minutes before each session) look for due sessions.
    pub pre_session_check_every: Duration,
    /// A queued Zoom attempt's lease (renewed while it runs): how soon another process takes over after a crash.
    pub job_lease: Duration,
    /// Zoom attempts one process runs at once (one per practitioner at a time).
    pub job_concurrency: usize,
    /// How long a connection's Zoom check stays fresh: the Zoom page reads the database, and asks Zoom again only
    /// when the last check is older than this (or on "Check again").
    pub status_max_age: Duration,
    /// What the Zoom accounts of licensed users are, for Zoom's per-second limits (`BB_ZOOM_LICENSED_PLAN`: `pro`,
    /// the default, or `business` for Business, Education and Enterprise accounts). Basic users' accounts are Free.
    pub zoom_licensed_plan: Plan,
    /// Connected calendars on loopback or private addresses (and plain http to them) may be reached: a local
    /// Radicale in the demo and the tests. `BB_CALDAV_ALLOW_PRIVATE`, default on only in demo mode.
    pub calendar_allow_private: bool,
    /// Longest wait for one request to a connected calendar's server.
    pub calendar_timeout: Duration,
    /// "Now" for the queue and token expiry (tests move it forward).
    pub clock: Clock,
    /// Origins of host pages that embed the SPA (the BetterBeing shell), e.g. `https://app.betterbeing.example`:
    /// allowed for CORS with credentials, as `frame-ancestors`, and as OAuth return URLs.
    pub allowed_origins: Vec<String>,
    /// `SameSite=None` session cookies (needed when the shell calls the API from another site; requires https).
    pub cookie_same_site_none: bool,
    /// Shared secret with the BetterBeing web shell for signed identity hand-over; `None` disables it.
    pub shell_secret: Option<SecretString>,
    /// The header a trusted reverse proxy sets to the client's address (`BB_CLIENT_IP_HEADER`, e.g.
    /// `x-forwarded-for`); the public session links are rate-limited per client address. `None`: the peer address.
    pub client_ip_header: Option<axum::http::HeaderName>,
}

/// Everything wrong with the environment at once, so an operator fixes it in one go.
#[derive(Debug)]
pub struct ConfigErrors(pub Vec<String>);

impl std::fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "BetterBeing cannot start: its configuration is incomplete or invalid."
        )?;
        for problem in &self.0 {
            writeln!(f, "  - {problem}")?;
        }
        write!(
            f,
            "See README.md, \"Configuration\". To try it without a Zoom app, run scripts/demo (it sets BB_DEMO=1)."
        )
    }
}

impl std::error::Error for ConfigErrors {}

impl Settings {
    /// Reads `BB_*` and `ZOOM_*` variables (see README).
    pub fn from_env() -> Result<Self, ConfigErrors> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`Settings::from_env`], reading variables through `lookup` (tests pass a map).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigErrors> {
        let var = |name: &str| lookup(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let mut problems = Vec::new();

        let demo = match var("BB_DEMO").as_deref() {
            None | Some("0") => false,
            Some("1") => true,
            Some(v) if v.eq_ignore_ascii_case("true") => true,
            Some(v) if v.eq_ignore_ascii_case("false") => false,
            Some(v) => {
                problems.push(format!("BB_DEMO must be 1 or 0 (got {v:?})"));
                false
            }
        };

        let calendar_allow_private = match var("BB_CALDAV_ALLOW_PRIVATE").as_deref() {
            None => demo,
            Some("1") => true,
            Some("0") => false,
            Some(v) => {
                problems.push(format!("BB_CALDAV_ALLOW_PRIVATE must be 1 or 0 (got {v:?})"));
                false
            }
        };

        let bind = var("BB_BIND").unwrap_or_else(|| "127.0.0.1:8080".into());
        let bind: Option<SocketAddr> = bind
            .parse()
            .map_err(|_| problems.push(format!("BB_BIND must be an address like 0.0.0.0:8080 (got {bind:?})")))
            .ok();

        let public_url = var("BB_PUBLIC_URL").and_then(|u| match origin(&u) {
            Ok(o) if o.starts_with("https://") || is_loopback_origin(&o) => Some(o),
            Ok(_) => {
                problems.push(format!(
                    "BB_PUBLIC_URL must use https (plain http only for localhost), got {u:?}"
                ));
                None
            }
            Err(why) => {
                problems.push(format!("BB_PUBLIC_URL {why}"));
                None
            }
        });

        let data_dir = PathBuf::from(var("BB_DATA_DIR").unwrap_or_else(|| ".data".into()));
        let database_url = var("BB_DATABASE_URL")
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("betterbeing.sqlite").display()));
        match crate::db::Backend::of_url(&database_url) {
            None => problems.push(format!(
                "BB_DATABASE_URL must start with sqlite:// or postgres:// (got {:?})",
                redact_url_password(&database_url)
            )),
            Some(crate::db::Backend::Postgres) if url::Url::parse(&database_url).map_or(true, |u| !u.has_host()) => {
                problems.push(format!(
                    "BB_DATABASE_URL must name a PostgreSQL host, like postgres://user:password@db.example:5432/betterbeing (got {:?})",
                    redact_url_password(&database_url)
                ))
            }
            Some(_) => {}
        }
        let dist_dir = Some(PathBuf::from(var("BB_DIST_DIR").unwrap_or_else(|| "dist".into())));

        let zoom = zoom_app(&var, demo, public_url.as_deref(), &mut problems);

        let token_keys = match var("BB_TOKEN_KEYS") {
            Some(spec) => Keyring::parse(&spec)
                .map_err(|e| problems.push(format!("BB_TOKEN_KEYS: {e}")))
                .ok(),
            None if demo => Keyring::load_or_create_demo(&data_dir.join("token-keys"))
                .map_err(|e| problems.push(format!("the demo token key in {}: {e}", data_dir.display())))
                .ok(),
            None => {
                problems.push(
                    "BB_TOKEN_KEYS is not set (the key that encrypts Zoom tokens at rest: id:base64 of 32 random \
                     bytes, e.g. k1:$(openssl rand -base64 32))"
                        .into(),
                );
                None
            }
        };

        let shell_secret = var("BB_SHELL_SECRET").map(SecretString::from);
        if let Some(secret) = &shell_secret {
            if secret.expose_secret().chars().count() < MIN_SHELL_SECRET_CHARS {
                problems.push(format!(
                    "BB_SHELL_SECRET must be at least {MIN_SHELL_SECRET_CHARS} characters (it signs identity \
                     hand-overs from the shell)"
                ));
            }
        }

        let mut allowed_origins = Vec::new();
        for entry in var("BB_ALLOWED_ORIGINS").unwrap_or_default().split(',') {
            let entry = entry.trim();
            if entry.is_empty() {
                continue;
            }
            match origin(entry) {
                Ok(o) if o.starts_with("https://") || is_loopback_origin(&o) => allowed_origins.push(o),
                Ok(_) => problems.push(format!(
                    "BB_ALLOWED_ORIGINS: {entry:?} must use https (plain http only for localhost)"
                )),
                Err(why) => problems.push(format!("BB_ALLOWED_ORIGINS: {entry:?} {why}")),
            }
        }

        let cookie_same_site_none = match var("BB_COOKIE_SAMESITE").map(|v| v.to_ascii_lowercase()).as_deref() {
            None | Some("lax") => false,
            Some("none") => {
                if !public_url.as_deref().is_some_and(|u| u.starts_with("https://")) {
                    problems.push(
                        "BB_COOKIE_SAMESITE=none needs an https BB_PUBLIC_URL (browsers drop SameSite=None cookies \
                         that are not Secure)"
                            .into(),
                    );
                }
                true
            }
            Some(v) => {
                problems.push(format!("BB_COOKIE_SAMESITE must be lax or none (got {v:?})"));
                false
            }
        };

        let job_lease = match var("BB_JOB_LEASE_SECS") {
            Some(v) => match v.parse::<u64>().ok().filter(|s| (2..=300).contains(s)) {
                Some(secs) => secs,
                None => {
                    problems.push(format!(
                        "BB_JOB_LEASE_SECS must be a whole number of seconds, 2 to 300 (got {v:?})"
                    ));
                    10
                }
            },
            None => 10,
        };
        let status_max_age = match var("BB_ZOOM_STATUS_MAX_AGE_SECS") {
            Some(v) => match v.parse::<u64>().ok().filter(|s| (10..=3600).contains(s)) {
                Some(secs) => secs,
                None => {
                    problems.push(format!(
                        "BB_ZOOM_STATUS_MAX_AGE_SECS must be a whole number of seconds, 10 to 3600 (got {v:?})"
                    ));
                    300
                }
            },
            None => 300,
        };

        let zoom_licensed_plan = match var("BB_ZOOM_LICENSED_PLAN") {
            Some(v) => match Plan::parse(&v).filter(|p| *p != Plan::Free) {
                Some(plan) => plan,
                None => {
                    problems.push(format!("BB_ZOOM_LICENSED_PLAN must be pro or business (got {v:?})"));
                    Plan::Pro
                }
            },
            None => Plan::Pro,
        };

        let client_ip_header = var("BB_CLIENT_IP_HEADER").and_then(|v| {
            axum::http::HeaderName::from_bytes(v.to_ascii_lowercase().as_bytes())
                .map_err(|_| problems.push(format!("BB_CLIENT_IP_HEADER must be a header name (got {v:?})")))
                .ok()
        });

        match (bind, token_keys, zoom) {
            (Some(bind), Some(token_keys), Some(zoom)) if problems.is_empty() => Ok(Settings {
                bind,
                public_url,
                database_url,
                dist_dir,
                token_keys,
                zoom,
                demo,
                shell_secret,
                client_ip_header,
                allowed_origins,
                cookie_same_site_none,
                zoom_timeout: Duration::from_secs(15),
                retry_base: Duration::from_secs(10),
                inline_wait: Duration::from_secs(5),
                job_poll: Duration::from_secs(1),
                pre_session_check_every: Duration::from_secs(60),
                job_lease: Duration::from_secs(job_lease),
                job_concurrency: 8,
                status_max_age: Duration::from_secs(status_max_age),
                zoom_licensed_plan,
                calendar_allow_private,
                calendar_timeout: Duration::from_secs(10),
                clock: Clock::default(),
            }),
            _ => Err(ConfigErrors(problems)),
        }
    }
}

/// The Zoom app from `ZOOM_*`; in demo mode, the local sandbox's demo app fills whatever is not given.
fn zoom_app(
    var: &impl Fn(&str) -> Option<String>,
    demo: bool,
    public_url: Option<&str>,
    problems: &mut Vec<String>,
) -> Option<ZoomApp> {
    let sandbox = demo.then_some(demo_zoom::BASE_URL);
    let mut missing = Vec::new();
    let mut required = |name: &'static str, demo_default: &str| match var(name) {
        Some(v) => Some(v),
        None if demo => Some(demo_default.to_string()),
        None => {
            missing.push(name);
            None
        }
    };
    let client_id = required("ZOOM_CLIENT_ID", demo_zoom::CLIENT_ID);
    let client_secret = required("ZOOM_CLIENT_SECRET", demo_zoom::CLIENT_SECRET);
    let webhook_secret = required("ZOOM_WEBHOOK_SECRET_TOKEN", demo_zoom::WEBHOOK_SECRET_TOKEN);
    let redirect_url = var("ZOOM_REDIRECT_URL").or_else(|| {
        public_url
            .map(str::to_string)
            .or_else(|| demo.then(|| format!("http://{}", var("BB_BIND").unwrap_or_else(|| "127.0.0.1:8080".into()))))
            .map(|base| format!("{base}{}", api::paths::ZOOM_CALLBACK))
    });
    if redirect_url.is_none() {
        missing.push("ZOOM_REDIRECT_URL (or BB_PUBLIC_URL)");
    }
    if !missing.is_empty() {
        problems.push(format!(
            "no Zoom app is configured: set {} (from your app in the Zoom App Marketplace), or run the demo with \
             BB_DEMO=1",
            missing.join(", ")
        ));
    }
    let oauth_base = var("ZOOM_OAUTH_BASE")
        .or_else(|| sandbox.map(str::to_string))
        .unwrap_or_else(|| "https://zoom.us".into());
    let api_base = var("ZOOM_API_BASE")
        .or_else(|| sandbox.map(|s| format!("{s}/v2")))
        .unwrap_or_else(|| "https://api.zoom.us/v2".into());
    let mut check_url = |name: &str, value: &str, need_path: Option<&str>| match Url::parse(value) {
        Ok(url) if !matches!(url.scheme(), "https" | "http") || url.host_str().is_none() => {
            problems.push(format!("{name} must be an http(s) URL (got {value:?})"));
            false
        }
        Ok(url) if url.scheme() == "http" && !is_loopback_host(url.host_str().unwrap_or_default()) => {
            problems.push(format!(
                "{name} must use https (plain http only for localhost), got {value:?}"
            ));
            false
        }
        Ok(url) if need_path.is_some_and(|p| url.path() != p) => {
            problems.push(format!(
                "{name} must end in {} (BetterBeing's OAuth callback), got {value:?}",
                need_path.unwrap_or_default()
            ));
            false
        }
        Ok(_) => true,
        Err(e) => {
            problems.push(format!("{name} is not a URL ({e}): {value:?}"));
            false
        }
    };
    let urls_ok = check_url("ZOOM_OAUTH_BASE", &oauth_base, None)
        & check_url("ZOOM_API_BASE", &api_base, None)
        & redirect_url
            .as_deref()
            .is_none_or(|r| check_url("ZOOM_REDIRECT_URL", r, Some(api::paths::ZOOM_CALLBACK)));
    match (client_id, client_secret, webhook_secret, redirect_url) {
        (Some(client_id), Some(secret), Some(webhook), Some(redirect_url)) if urls_ok => Some(ZoomApp {
            client_id,
            client_secret: secret.into(),
            redirect_url,
            webhook_secret_token: webhook.into(),
            oauth_base: oauth_base.trim_end_matches('/').to_string(),
            api_base: api_base.trim_end_matches('/').to_string(),
        }),
        _ => None,
    }
}

/// `scheme://host[:port]` of `value`, or why it is not one (a path, query or credentials are refused).
fn origin(value: &str) -> Result<String, String> {
    let url = Url::parse(value).map_err(|e| format!("is not a URL ({e}): {value:?}"))?;
    if !matches!(url.scheme(), "https" | "http") || url.host_str().is_none() {
        return Err(format!(
            "must be an http(s) origin like https://app.example.com (got {value:?})"
        ));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
        return Err(format!(
            "must be an origin only (scheme, host, port), without a path (got {value:?})"
        ));
    }
    Ok(url.origin().ascii_serialization())
}

fn is_loopback_origin(origin: &str) -> bool {
    Url::parse(origin)
        .ok()
        .and_then(|u| u.host_str().map(is_loopback_host))
        .unwrap_or(false)
}

fn is_loopback_host(host: &str) -> bool {
    host == "localhost"
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// A database URL fit for an error message (the password replaced).
fn redact_url_password(url: &str) -> String {
    let Ok(mut parsed) = Url::parse(url) else {
        // Not a URL: shown as given unless it might hold credentials.
        return if url.contains('@') || url.contains("password") {
            "(not a URL)".to_string()
        } else {
            url.to_string()
        };
    };
    if parsed.password().is_some() {
        let _ = parsed.set_password(Some("***"));
    }
    if parsed.query().is_some() {
        // A password may also come as a query parameter (`?password=`, `?sslpassword=`).
        let kept: Vec<(String, String)> = parsed
            .query_pairs()
            .map(|(k, v)| {
                let secret = k.to_ascii_lowercase().contains("password");
                (k.into_owned(), if secret { "***".to_string() } else { v.into_owned() })
            })
            .collect();
        parsed.query_pairs_mut().clear().extend_pairs(kept);
    }
    parsed.to_string()
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    const KEY: &str = "k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    fn settings(vars: &[(&str, &str)]) -> Result<Settings, ConfigErrors> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Settings::from_lookup(|name| map.get(name).cloned())
    }

    fn production() -> Vec<(&'static str, &'static str)> {
        vec![
            ("BB_PUBLIC_URL", "https://zoom.betterbeing.example"),
            ("BB_TOKEN_KEYS", KEY),
            ("ZOOM_CLIENT_ID", "abc"),
            ("ZOOM_CLIENT_SECRET", "def"),
            ("ZOOM_WEBHOOK_SECRET_TOKEN", "ghi"),
        ]
    }

    fn problems(vars: &[(&str, &str)]) -> String {
        settings(vars).expect_err("refused").to_string()
    }

    #[test]
    fn an_empty_environment_is_refused_naming_every_missing_setting() {
        let message = problems(&[]);
        for name in [
            "ZOOM_CLIENT_ID",
            "ZOOM_CLIENT_SECRET",
            "ZOOM_WEBHOOK_SECRET_TOKEN",
            "ZOOM_REDIRECT_URL (or BB_PUBLIC_URL)",
            "BB_TOKEN_KEYS",
            "BB_DEMO=1",
        ] {
            assert!(message.contains(name), "{name} in {message}");
        }
    }

    #[test]
    fn a_complete_production_environment_starts_with_real_zoom_and_no_demo() {
        let s = settings(&production()).expect("valid");
        assert!(!s.demo);
        assert_eq!(s.zoom.oauth_base, "https://zoom.us");
        assert_eq!(s.zoom.api_base, "https://api.zoom.us/v2");
        assert_eq!(
            s.zoom.redirect_url,
            "https://zoom.betterbeing.example/api/zoom/callback"
        );
        assert_eq!(s.status_max_age, Duration::from_secs(300));
    }

    #[test]
    fn a_postgres_url_selects_postgresql_and_one_without_a_host_is_refused() {
        let mut vars = production();
        vars.push(("BB_DATABASE_URL", "postgres://bb:s3cret@db.internal:5432/betterbeing"));
        let s = settings(&vars).expect("valid");
        assert_eq!(
            crate::db::Backend::of_url(&s.database_url),
            Some(crate::db::Backend::Postgres)
        );
        assert_eq!(
            crate::db::Backend::of_url("sqlite://.data/x.sqlite"),
            Some(crate::db::Backend::Sqlite)
        );
        let mut vars = production();
        vars.push(("BB_DATABASE_URL", "postgres:///betterbeing?password=s3cret"));
        let message = problems(&vars);
        assert!(message.contains("must name a PostgreSQL host"), "{message}");
        assert!(
            !message.contains("s3cret"),
            "a database password is never printed: {message}"
        );
    }

    #[test]
    fn demo_mode_must_be_asked_for_and_then_points_at_the_local_sandbox() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().display().to_string();
        let s = settings(&[("BB_DEMO", "1"), ("BB_DATA_DIR", &data)]).expect("demo starts");
        assert!(s.demo);
        assert_eq!(s.zoom.oauth_base, demo_zoom::BASE_URL);
        assert_eq!(s.zoom.client_id, demo_zoom::CLIENT_ID);
        assert_eq!(s.zoom.redirect_url, "http://127.0.0.1:8080/api/zoom/callback");
        assert!(
            dir.path().join("token-keys").exists(),
            "the demo key is generated beside the data"
        );
        // Without BB_DEMO, the same environment is refused.
        assert!(settings(&[("BB_DATA_DIR", &data)]).is_err());
    }

    #[test]
    fn every_malformed_setting_is_named_with_what_is_expected() {
        let mut vars = production();
        vars.extend([
            ("BB_BIND", "localhost"),
            ("BB_ALLOWED_ORIGINS", "https://shell.example/app, http://evil.example"),
            ("BB_SHELL_SECRET", "short"),
            ("BB_COOKIE_SAMESITE", "strictest"),
            ("BB_JOB_LEASE_SECS", "0"),
            ("BB_DEMO", "yes"),
            ("ZOOM_API_BASE", "ftp://api.zoom.us"),
            ("ZOOM_OAUTH_BASE", "http://zoom.us"),
            ("ZOOM_REDIRECT_URL", "https://zoom.betterbeing.example/callback"),
            ("BB_DATABASE_URL", "mysql://root:hunter2@db/bb"),
            ("BB_CLIENT_IP_HEADER", "x forwarded for"),
        ]);
        let message = problems(&vars);
        for expected in [
            "BB_BIND must be an address",
            "\"https://shell.example/app\" must be an origin only",
            "\"http://evil.example\" must use https",
            "BB_SHELL_SECRET must be at least 32 characters",
            "BB_COOKIE_SAMESITE must be lax or none",
            "BB_JOB_LEASE_SECS must be a whole number",
            "BB_DEMO must be 1 or 0",
            "ZOOM_API_BASE must be an http(s) URL",
            "ZOOM_OAUTH_BASE must use https",
            "ZOOM_REDIRECT_URL must end in /api/zoom/callback",
            "BB_DATABASE_URL must start with sqlite:// or postgres://",
            "BB_CLIENT_IP_HEADER must be a header name",
        ] {
            assert!(message.contains(expected), "{expected:?} in:\n{message}");
        }
        assert!(!message.contains("hunter2"), "a database password is never printed");
    }

    #[test]
    fn short_or_malformed_token_keys_are_refused() {
        let mut vars = production();
        vars.retain(|(k, _)| *k != "BB_TOKEN_KEYS");
        vars.push(("BB_TOKEN_KEYS", "k1:c2hvcnQ="));
        assert!(problems(&vars).contains("must be 32 bytes"));
    }

    #[test]
    fn same_site_none_needs_https_and_loopback_http_is_allowed_for_local_zoom() {
        let mut vars = production();
        vars.retain(|(k, _)| *k != "BB_PUBLIC_URL");
        vars.extend([
            ("BB_PUBLIC_URL", "http://127.0.0.1:8080"),
            ("BB_COOKIE_SAMESITE", "none"),
            ("ZOOM_OAUTH_BASE", "http://127.0.0.1:9090"),
        ]);
        let message = problems(&vars);
        assert!(message.contains("BB_COOKIE_SAMESITE=none needs an https BB_PUBLIC_URL"));
        assert!(!message.contains("ZOOM_OAUTH_BASE"), "{message}");
    }
}
