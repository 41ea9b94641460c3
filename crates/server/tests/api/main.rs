//! Server integration tests: the real router on a loopback port, a real SQLite file, the Zoom sandbox over HTTP.

#[path = "../support/app.rs"]
mod support;

mod account_switch;
mod admin;
mod calendar_feed;
mod calendar_sync;
mod contract;
mod embedding;
mod identity;
mod leaks;
mod oauth_flow;
mod pre_session;
mod queue;
mod refresh;
mod rejections;
mod session_link;
mod sessions;
mod startup;
mod status;
mod webhooks;
mod zoom_limits;
mod zoom_side;
