pub mod calendar;
pub mod session;
pub mod sign_in;
pub mod zoom;
