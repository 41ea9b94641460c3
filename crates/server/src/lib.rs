//! The thin BetterBeing backend for the Zoom integration.

pub mod app_state;
pub mod auth;
pub mod calendar_feed;
pub mod calendar_sync;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod db;
pub mod error;
pub mod extract;
pub mod ids;
pub mod routes;
pub mod session_link;
pub mod sessions;
pub mod spa_page;
pub mod startup;
pub mod telemetry;
pub mod zoom;
