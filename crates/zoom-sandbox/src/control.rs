//! `/_sandbox`: the control API for tests and the demo. No auth: it only ever listens on loopback.

mod app;
mod failure;
mod fault_injection;
mod grants;
mod inspection;
mod limits;
mod meetings;
mod users;
mod webhooks;

use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;

use crate::app_state::AppState;
use app::{get_app, get_clock, get_ttl, patch_app, set_clock, set_ttl};
use fault_injection::{add_fault, clear_faults, list_faults};
use grants::{disable_app, enable_app, expire_access_token, kill_grant, remove_app};
use inspection::{clear_calls, issued_secrets, list_calls, list_grants};
use limits::{
    get_account_usage, get_daily_usage, get_plan, get_rate_limits, set_account_usage, set_daily_usage, set_plan,
    set_rate_limits,
};
use meetings::{
    delete_in_zoom, get_meeting, list_meetings, move_in_zoom, recover_meeting, set_meeting_status, start_urls,
};
use users::{create_user, list_users, seed_demo};
use webhooks::{list_webhook_deliveries, validate_webhook_endpoint};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/health", get(|| async { Json(json!({ "ok": true })) }))
        .route("/users", get(list_users).post(create_user))
        .route("/seed-demo", post(seed_demo))
        .route("/app", get(get_app).patch(patch_app))
        .route("/clock", get(get_clock).post(set_clock))
        .route("/ttl", get(get_ttl).post(set_ttl))
        .route("/users/{id}/expire-access-token", post(expire_access_token))
        .route("/users/{id}/kill-grant", post(kill_grant))
        .route("/users/{id}/disable-app", post(disable_app))
        .route("/users/{id}/enable-app", post(enable_app))
        .route("/users/{id}/remove-app", post(remove_app))
        .route("/webhooks/validate", post(validate_webhook_endpoint))
        .route("/webhooks", get(list_webhook_deliveries))
        .route("/grants", get(list_grants))
        .route("/calls", get(list_calls).delete(clear_calls))
        .route("/issued-secrets", get(issued_secrets))
        .route("/meetings", get(list_meetings))
        .route("/meetings/{id}", get(get_meeting))
        .route("/meetings/{id}/start-urls", get(start_urls))
        .route("/meetings/{id}/status", post(set_meeting_status))
        .route("/meetings/{id}/delete-in-zoom", post(delete_in_zoom))
        .route("/meetings/{id}/move-in-zoom", post(move_in_zoom))
        .route("/meetings/{id}/recover", post(recover_meeting))
        .route("/faults", get(list_faults).post(add_fault).delete(clear_faults))
        .route("/users/{id}/daily-usage", get(get_daily_usage).post(set_daily_usage))
        .route("/rate-limits", get(get_rate_limits).post(set_rate_limits))
        .route("/accounts/{id}/plan", get(get_plan).post(set_plan))
        .route(
            "/accounts/{id}/daily-usage",
            get(get_account_usage).post(set_account_usage),
        )
}
