//! Presentational components: they take signals and callbacks and never fetch, so tests can mount them with any
//! state.

pub mod callback_notice;
pub mod disconnect_dialog;
pub mod scope_list;
pub mod shell;
pub mod zoom_status;
