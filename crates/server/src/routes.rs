//! HTTP handlers, one module per resource. Handlers parse, authorize, call one domain function and map the result.

pub mod admin;
pub mod auth;
pub mod calendar_feed;
pub mod calendar_sync;
pub mod me;
pub mod return_to;
pub mod sessions;
pub mod webhook;
pub mod zoom;
