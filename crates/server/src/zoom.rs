//! Everything that speaks to Zoom. Zoom's wire shapes stay private to this module; the rest of the server sees
//! `Zoom`'s methods and `crates/api` types.

pub mod account_switch;
pub mod authorization;
pub mod connection;
pub mod limits;
pub mod meetings;
pub mod oauth;
pub mod rest;
pub mod tokens;
pub mod webhook;

pub use connection::{Zoom, ZoomCallError};
