//! The SPA's component tests in headless Chromium (wasm-bindgen-test): one wasm binary, since every test binary is
//! a full wasm link, with one module per component.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::wasm_bindgen_test_configure;

wasm_bindgen_test_configure!(run_in_browser);

#[path = "../support/mount.rs"]
mod support;

mod calendar;
mod calendar_feed;
mod callback_notice;
mod host_events;
mod organisation;
mod session_dialog;
mod session_panel;
mod zoom_help;
mod zoom_status;
