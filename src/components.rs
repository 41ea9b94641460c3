//! Presentational components: they take signals and callbacks and never fetch, so tests can mount them with any
//! state.

pub mod account_switch;
pub mod calendar_feed;
pub mod calendar_view;
pub mod callback_notice;
pub mod cancel_session_dialog;
pub mod confirm_dialog;
pub mod connected_calendar;
pub mod copy;
pub mod disconnect_dialog;
pub mod load_failed;
pub mod missing_links_offer;
pub mod organisation_admin;
pub mod scope_list;
pub mod session_dialog;
pub mod session_panel;
pub mod shell;
pub mod zoom_attention;
pub mod zoom_help;
pub mod zoom_status;
