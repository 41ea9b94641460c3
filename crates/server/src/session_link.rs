//! A session's stable link for the client: `<public URL>/join/<token>`, made once per session and never changed.
//! It redirects to the session's current Zoom join link, so an invitation forwarded days ago still works after a
//! reschedule replaced the meeting; while a reschedule is finishing it says where the session moved to, and after a
//! cancel it says the session was cancelled. It never shows the client's name, the practitioner's other sessions or
//! anything else: only this session's time, in the zone it was scheduled in.
//!
//! Public (no sign-in: the client has no BetterBeing account), so it is rate-limited per client address and logged
//! without its token (`telemetry::loggable_path`). The token is 256 random bits.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Tz;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use axum::extract::FromRef;
use axum::routing::get;
use axum::Router;

use crate::db::sessions::{self as rows, SessionRow};
use crate::db::vocab::{SessionStatus, SyncState};
use crate::db::Db;

/// Where the stable links live on the server (`api::paths::JOIN_ROUTE` without its parameter).
pub const PATH_PREFIX: &str = "/join/";

/// What the public link pages need: the sessions, and the per-address rate limit.
#[derive(Clone)]
pub struct LinkPages {
    pub db: Db,
    pub limiter: Arc<LinkLimiter>,
}

/// The public pages: `/join/<token>` and the waiting pages' script.
pub fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    LinkPages: FromRef<S>,
{
    Router::new()
        .route(api::paths::JOIN_ROUTE, get(open))
        .route(api::paths::JOIN_WAIT_SCRIPT, get(wait_script))
}

/// Makes the full stable link of a session from its token.
#[derive(Debug, Clone)]
pub struct SessionLinks {
    public_url: String,
}

impl SessionLinks {
    /// `public_url`: the origin people reach us at (no trailing slash).
    pub fn new(public_url: &str) -> Self {
        SessionLinks {
            public_url: public_url.trim_end_matches('/').to_string(),
        }
    }

    pub fn url(&self, token: &str) -> String {
        format!("{}{PATH_PREFIX}{token}", self.public_url)
    }

    pub fn of(&self, row: &SessionRow) -> String {
        self.url(&row.link_token)
    }
}

/// Requests per client address: a burst of 20, then one every 2 seconds (30 a minute). A person clicking a link,
/// or a page refreshing while a reschedule finishes, stays far below it; guessing tokens is hopeless anyway.
pub struct LinkLimiter {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
    /// The header a trusted reverse proxy puts the client's address in (`BB_CLIENT_IP_HEADER`); else the peer.
    client_ip_header: Option<HeaderName>,
}

impl LinkLimiter {
    pub fn new(client_ip_header: Option<HeaderName>) -> Arc<Self> {
        let quota = Quota::with_period(std::time::Duration::from_secs(2))
            .expect("non-zero period")
            .allow_burst(NonZeroU32::new(20).expect("non-zero"));
        Arc::new(LinkLimiter {
            limiter: RateLimiter::keyed(quota),
            client_ip_header,
        })
    }

    fn client_address(&self, request: &Request) -> IpAddr {
        let from_proxy = self.client_ip_header.as_ref().and_then(|name| {
            // The last address is the one the proxy itself saw (earlier ones are the client's own claims).
            let value = request.headers().get(name)?.to_str().ok()?;
            value.rsplit(',').next()?.trim().parse().ok()
        });
        from_proxy
            .or_else(|| request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip()))
            .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
    }

    /// `Err(seconds to wait)` when the address has used up its allowance.
    fn check(&self, request: &Request) -> Result<(), u64> {
        if self.limiter.len() > 50_000 {
            self.limiter.retain_recent();
        }
        self.limiter
            .check_key(&self.client_address(request))
            .map_err(|not_until| {
                use governor::clock::Clock;
                let wait = not_until.wait_time_from(governor::clock::DefaultClock::default().now());
                wait.as_secs().max(1)
            })
    }
}

/// What the link does for a session in its current state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The session's current Zoom join link.
    Redirect(String),
    /// Rescheduled, and its new meeting is not made yet. `preparing`: BetterBeing is working on it right now.
    Moved {
        when: String,
        preparing: bool,
    },
    /// No Zoom meeting yet (never made, or being made).
    NotReady {
        when: String,
        preparing: bool,
    },
    Cancelled {
        when: String,
    },
    Unknown,
}

/// "Tuesday 8 December 2026, 10:00 (Europe/London, UTC+00:00)": the session's own zone, with its offset so a client
/// elsewhere can convert it.
pub fn when(row: &SessionRow) -> String {
    let zone: Tz = row.time_zone.parse().unwrap_or(Tz::UTC);
    let start = DateTime::<Utc>::from_timestamp_millis(row.starts_at).unwrap_or_default();
    let local = zone.from_utc_datetime(&start.naive_utc());
    format!(
        "{} ({}, UTC{})",
        local.format("%A %-d %B %Y, %H:%M"),
        zone.name(),
        local.format("%:z")
    )
}

pub fn outcome(row: Option<&SessionRow>) -> Outcome {
    let Some(row) = row else { return Outcome::Unknown };
    let when = when(row);
    if row.status == SessionStatus::Cancelled {
        return Outcome::Cancelled { when };
    }
    let preparing = matches!(row.zoom_sync, SyncState::Pending | SyncState::Retrying);
    match (row.working_join_url(), row.zoom_meeting_sequence) {
        (Some(url), Some(seq)) if seq == row.sequence => Outcome::Redirect(url.to_string()),
        (Some(_), _) => Outcome::Moved { when, preparing },
        (None, _) => Outcome::NotReady { when, preparing },
    }
}

/// `GET /join/{token}`.
pub async fn open(State(state): State<LinkPages>, Path(token): Path<String>, request: Request) -> Response {
    if let Err(wait) = state.limiter.check(&request) {
        tracing::warn!(retry_after = wait, "session link: too many requests from one address");
        let mut response = page(
            StatusCode::TOO_MANY_REQUESTS,
            "Too many requests",
            &["This link was opened too many times in a short while. Wait a minute, then try again."],
            None,
        );
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(wait));
        return response;
    }
    let row = match rows::by_link_token(&state.db, &token).await {
        Ok(row) => row,
        Err(e) => {
            tracing::error!(error = %e, "session link: the database could not be read");
            return page(
                StatusCode::SERVICE_UNAVAILABLE,
                "Please try again",
                &["BetterBeing could not look up this session just now. Try again in a minute."],
                Some(30),
            );
        }
    };
    let outcome = outcome(row.as_ref());
    let session = row.as_ref().map(|r| r.id);
    match outcome {
        Outcome::Redirect(url) => {
            tracing::info!(?session, outcome = "redirect", "session link opened");
            let mut response = Redirect::temporary(&url).into_response();
            no_store(&mut response);
            response
        }
        Outcome::Moved { when, preparing } => {
            tracing::info!(?session, outcome = "moved", "session link opened");
            let moved = format!("This session moved to {when}.");
            let then = if preparing {
                "Its new Zoom link is being prepared. This page takes you to the meeting as soon as it is ready."
            } else {
                "Its new Zoom link is not ready yet. This page takes you to the meeting once it is; if it is \
                 still not ready close to the session, contact your practitioner."
            };
            page(
                StatusCode::OK,
                "This session moved",
                &[&moved, then],
                Some(if preparing { 5 } else { 60 }),
            )
        }
        Outcome::NotReady { when, preparing } => {
            tracing::info!(?session, outcome = "not_ready", "session link opened");
            let at = format!("The session is on {when}.");
            let then = if preparing {
                "Its Zoom link is being prepared. This page takes you to the meeting as soon as it is ready."
            } else {
                "Its Zoom meeting is not ready yet. This page takes you to the meeting once it is; if it is still \
                 not ready close to the session, contact your practitioner."
            };
            page(
                StatusCode::OK,
                "The Zoom link is not ready yet",
                &[&at, then],
                Some(if preparing { 5 } else { 60 }),
            )
        }
        Outcome::Cancelled { when } => {
            tracing::info!(?session, outcome = "cancelled", "session link opened");
            let was = format!("The session on {when} was cancelled, and its Zoom meeting no longer works.");
            page(
                StatusCode::GONE,
                "This session was cancelled",
                &[&was, "If you have questions, contact your practitioner."],
                None,
            )
        }
        Outcome::Unknown => {
            tracing::info!(outcome = "unknown", "session link opened");
            page(
                StatusCode::NOT_FOUND,
                "This link does not lead to a session",
                &["Check that you copied the whole link, or ask your practitioner for it again."],
                None,
            )
        }
    }
}

/// Where the waiting pages' script lives (same origin, so the Content-Security-Policy admits it).
const WAIT_SCRIPT_PATH: &str = api::paths::JOIN_WAIT_SCRIPT;

/// The waiting pages look again by themselves, without a `<meta http-equiv="refresh">` (a timed refresh fails WCAG
/// 2.2.1): every few seconds the script asks for the same link without following redirects, and reloads only once
/// the server answers with a redirect, i.e. when the session's Zoom link is ready.
const WAIT_SCRIPT: &str = r#"(function () {
  var script = document.currentScript;
  var every = Number(script && script.getAttribute("data-every")) * 1000 || 5000;
  function look() {
    fetch(location.href, { redirect: "manual", cache: "no-store", credentials: "omit" })
      .then(function (r) { if (r.type === "opaqueredirect") { location.reload(); } else { setTimeout(look, every); } })
      .catch(function () { setTimeout(look, every); });
  }
  setTimeout(look, every);
})();
"#;

/// `GET /join-wait.js`.
pub async fn wait_script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        WAIT_SCRIPT,
    )
        .into_response()
}

fn no_store(response: &mut Response) {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        HeaderName::from_static("x-robots-tag"),
        HeaderValue::from_static("noindex, nofollow"),
    );
}

/// A small page of its own (no app, no script): the client may open it on any device.
fn page(status: StatusCode, title: &str, paragraphs: &[&str], refresh_secs: Option<u32>) -> Response {
    let (refresh, check_again) = match refresh_secs {
        Some(s) => (
            format!(r#"<script src="{WAIT_SCRIPT_PATH}" data-every="{s}" defer></script>"#),
            r#"<p class="again">This page takes you on by itself. <a href="">Check now</a></p>"#.to_string(),
        ),
        None => (String::new(), String::new()),
    };
    let body: String = paragraphs
        .iter()
        .map(|p| format!("<p>{}</p>", api::html::escape(p)))
        .collect();
    let title = api::html::escape(title);
    let html = format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
{refresh}
<title>{title} · BetterBeing</title>
<style>
  body {{ margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: #f5f7f6;
         color: #1d2624; line-height: 1.5; }}
  main {{ max-width: 34rem; margin: 12vh auto 2rem auto; padding: 2rem 1.75rem; background: #fff;
         border: 1px solid #d5dcd9; border-radius: 12px; }}
  .brand {{ font-weight: 700; color: #22665a; margin: 0 0 1rem 0; }}
  h1 {{ font-size: 1.375rem; margin: 0 0 0.75rem 0; }}
  p {{ margin: 0 0 0.75rem 0; }}
  a {{ color: #1d5c51; }}
  .again {{ font-size: 0.9375rem; color: #3d4a47; }}
  @media (max-width: 36rem) {{ main {{ margin: 1rem; }} }}
</style>
</head>
<body>
<main data-testid="session-link-page">
<p class="brand">BetterBeing</p>
<h1>{title}</h1>
{body}
{check_again}
</main>
</body>
</html>
"#
    );
    let mut response = (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response();
    no_store(&mut response);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> SessionRow {
        SessionRow {
            id: crate::ids::SessionId(7),
            user_id: crate::ids::UserId(1),
            r#ref: "r".into(),
            link_token: "t".into(),
            client_name: "Jordan <script>".into(),
            // 2026-12-08T10:00:00Z
            starts_at: 1_796_724_000_000,
            duration_minutes: 50,
            time_zone: "America/New_York".into(),
            private_notes: String::new(),
            client_name_in_zoom_topic: false,
            status: SessionStatus::Scheduled,
            sequence: 1,
            zoom_meeting_id: Some("851".into()),
            zoom_join_url: Some("https://zoom.example/j/851?pwd=x".into()),
            zoom_meeting_sequence: Some(1),
            zoom_sync: SyncState::InSync,
            zoom_sync_code: None,
            zoom_sync_message: None,
            updated_at: 0,
            zoom_remote: None,
            zoom_remote_starts_at: None,
            zoom_remote_duration: None,
            zoom_started_at: None,
            zoom_notice: None,
            zoom_notice_at: None,
        }
    }

    #[test]
    fn each_state_leads_where_the_client_needs() {
        let r = row();
        assert_eq!(
            outcome(Some(&r)),
            Outcome::Redirect("https://zoom.example/j/851?pwd=x".into())
        );
        let when = "Tuesday 8 December 2026, 05:00 (America/New_York, UTC-05:00)".to_string();
        let moving = SessionRow {
            sequence: 2,
            zoom_sync: SyncState::Pending,
            ..row()
        };
        assert_eq!(
            outcome(Some(&moving)),
            Outcome::Moved {
                when: when.clone(),
                preparing: true
            }
        );
        let stuck = SessionRow {
            zoom_sync: SyncState::Failed,
            ..moving.clone()
        };
        assert_eq!(
            outcome(Some(&stuck)),
            Outcome::Moved {
                when: when.clone(),
                preparing: false
            }
        );
        let none = SessionRow {
            zoom_meeting_id: None,
            zoom_join_url: None,
            zoom_meeting_sequence: None,
            zoom_sync: SyncState::NoLink,
            ..row()
        };
        assert_eq!(
            outcome(Some(&none)),
            Outcome::NotReady {
                when: when.clone(),
                preparing: false
            }
        );
        let cancelled = SessionRow {
            status: SessionStatus::Cancelled,
            ..none
        };
        assert_eq!(outcome(Some(&cancelled)), Outcome::Cancelled { when: when.clone() });
        let deleted_in_zoom = SessionRow {
            zoom_remote: Some(crate::db::vocab::RemoteChange::Deleted),
            ..row()
        };
        assert_eq!(
            outcome(Some(&deleted_in_zoom)),
            Outcome::NotReady { when, preparing: false },
            "a meeting deleted in Zoom is never redirected to"
        );
        assert_eq!(outcome(None), Outcome::Unknown);
    }

    #[test]
    fn links_are_made_from_the_public_origin() {
        let links = SessionLinks::new("https://console.example/");
        assert_eq!(links.url("abc"), "https://console.example/join/abc");
    }
}
