//! Server integration tests: the real router on a loopback port, a real SQLite file, the Zoom sandbox over HTTP.

#[path = "support/app.rs"]
mod support;

#[path = "api/account_switch.rs"]
mod account_switch;
#[path = "api/admin.rs"]
mod admin;
#[path = "api/calendar_feed.rs"]
mod calendar_feed;
#[path = "api/calendar_sync.rs"]
mod calendar_sync;
#[path = "api/contract.rs"]
mod contract;
#[path = "api/embedding.rs"]
mod embedding;
#[path = "api/identity.rs"]
mod identity;
#[path = "api/leaks.rs"]
mod leaks;
#[path = "api/oauth_flow.rs"]
mod oauth_flow;
#[path = "api/pre_session.rs"]
mod pre_session;
#[path = "api/queue.rs"]
mod queue;
#[path = "api/refresh.rs"]
mod refresh;
#[path = "api/rejections.rs"]
mod rejections;
#[path = "api/session_link.rs"]
mod session_link;
#[path = "api/sessions.rs"]
mod sessions;
#[path = "api/startup.rs"]
mod startup;
#[path = "api/status.rs"]
mod status;
#[path = "api/webhooks.rs"]
mod webhooks;
#[path = "api/zoom_limits.rs"]
mod zoom_limits;
#[path = "api/zoom_side.rs"]
mod zoom_side;
