//! BetterBeing Console → Video Accounts → Zoom: the single-page app. `main.rs` only mounts [`app::App`]; the
//! components are public so `tests/` can mount them on their own.

pub mod app;
pub mod auth;
pub mod backend;
pub mod components;
pub mod config;
pub mod hooks;
pub mod host;
pub mod logic;
pub mod pages;
pub mod routes;
