//! Pure functions: no browser, no reactivity. Everything here is tested natively with
//! `cargo test -p betterbeing-zoom-web --lib`.

pub mod calendar;
pub mod client_message;
pub mod dates;
pub mod guidance;
pub mod help;
pub mod host_events;
pub mod link_state;
pub mod messages;
pub mod organisation;
pub mod session_form;
pub mod urls;
pub mod zones;
