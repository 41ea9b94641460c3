pub mod calendar;
pub mod calendar_sync;
pub mod console;
pub mod organisation;
pub mod session;
pub mod sign_in;
pub mod zoom;
