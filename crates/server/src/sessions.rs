//! Sessions and their Zoom meetings. Every change is saved first, together with the Zoom work it implies (a job in
//! the persisted queue), in one transaction; the job then runs at once and, if Zoom fails, again later with backoff.
//! So Zoom trouble never loses a session, never leaves a session without a working link during a reschedule (the new
//! meeting is made before the old one is deleted), and never leaves a cancelled session's meeting alive.
//!
//! - `service`: what the practitioner does (the `Calendar` type and its operations); `links`: Zoom links for sessions
//!   that have none;
//! - `queue`: the runner of the persisted queue; `reconcile`: one job against Zoom; `retry_policy`: what a failure
//!   means (retry when, or wait for the practitioner);
//! - `meeting`: what a session's meeting is; `validation`: the session form's rules; `view`: the wire `Session`;
//! - `zoom_side`: what Zoom says happened to a meeting; `pre_session`: the checks 24 h and 15 min ahead.

mod links;
mod meeting;
pub mod pre_session;
mod queue;
mod reconcile;
pub mod retry_policy;
mod service;
pub mod validation;
pub mod view;
pub mod zone_offsets;
pub mod zoom_side;

pub use meeting::topic;
pub use service::{Calendar, QueueSettings, SessionError};
