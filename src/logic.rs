//! Pure functions: no browser, no reactivity. Everything here is tested natively with
//! `cargo test -p betterbeing-zoom-web --lib`.

pub mod dates;
pub mod guidance;
pub mod messages;
pub mod urls;
