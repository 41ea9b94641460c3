//! Everything the sandbox remembers: the app, users, grants, codes, tokens and its own clock.
//!
//! The OAuth rules live here as plain methods so they can be unit-tested without HTTP; the handlers in
//! `oauth.rs`, `api.rs` and `control/` only parse, call one method and map the result.

mod accounts;
mod authorization;
mod errors;
mod grant_faults;
mod grants;
mod inspection;
mod sandbox;
#[cfg(test)]
mod tests;

pub use authorization::TokenSet;
pub use errors::{AccessError, ControlError, TokenError};
pub use grant_faults::Deauthorization;
pub use grants::PendingAuthorization;
pub use sandbox::{IssuedSecrets, Sandbox};
