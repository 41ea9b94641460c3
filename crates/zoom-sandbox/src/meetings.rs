//! The Meetings API's rules (facts §3, §4.2, §5), kept free of HTTP so they can be unit-tested.
//!
//! Every meeting ever created stays here, deleted ones flagged, so tests can inspect what a client did.

mod daily_cap;
mod error;
mod listing;
mod meeting;
mod request_body;
mod settings;
mod store;

pub use daily_cap::{Quota, DAILY_CREATE_UPDATE_LIMIT};
pub use error::MeetingError;
pub use listing::ListQuery;
pub use meeting::{Meeting, MeetingStatus};
pub use store::{MeetingStore, StartOutcome};
