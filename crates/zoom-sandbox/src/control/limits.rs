//! The per-user daily create/update cap and Zoom's account-wide rate limits (facts §4.2), read and set.

use axum::extract::{Path, State};
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::failure::ControlResult;
use crate::app_state::AppState;
use crate::meetings::DAILY_CREATE_UPDATE_LIMIT;
use crate::rate_limits::{Plan, RateCategory};
use crate::state::{ControlError, Sandbox};

// ---- the daily create/update cap ---------------------------------------------------------------------

fn daily_usage_json(sandbox: &Sandbox, user_id: &str) -> Value {
    let now = sandbox.now();
    let used = sandbox.meetings.daily_used(user_id, now);
    json!({
        "user_id": user_id,
        "day": now.date_naive().to_string(),
        "used": used,
        "limit": DAILY_CREATE_UPDATE_LIMIT,
        "remaining": DAILY_CREATE_UPDATE_LIMIT.saturating_sub(used),
    })
}

pub(super) async fn get_daily_usage(State(state): State<AppState>, Path(id): Path<String>) -> ControlResult {
    let sandbox = state.lock();
    sandbox.user(&id).ok_or(ControlError::UnknownUser)?;
    Ok(Json(daily_usage_json(&sandbox, &id)).into_response())
}

#[derive(Deserialize)]
pub(super) struct SetDailyUsage {
    used: u32,
}

pub(super) async fn set_daily_usage(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Json(body): Json<SetDailyUsage>,
) -> ControlResult {
    let mut sandbox = state.lock();
    sandbox.user(&id).ok_or(ControlError::UnknownUser)?;
    let now = sandbox.now();
    sandbox.meetings.set_daily_used(&id, body.used, now);
    Ok(Json(daily_usage_json(&sandbox, &id)).into_response())
}

// ---- Zoom's account-wide rate limits (facts §4.2) -----------------------------------------------------------

fn rate_limits_json(sandbox: &Sandbox) -> Value {
    json!({
        "per_second": sandbox.rate_limits.per_second,
        "refused": sandbox.rate_limits.refused,
    })
}

pub(super) async fn get_rate_limits(State(state): State<AppState>) -> Json<Value> {
    Json(rate_limits_json(&state.lock()))
}

#[derive(Deserialize)]
pub(super) struct SetRateLimits {
    per_second: bool,
}

/// The switch for the per-second limits (the daily ones always apply). Tests about other things switch them off,
/// since a quick loop of calls for a Free account goes over 2 creates a second.
pub(super) async fn set_rate_limits(State(state): State<AppState>, Json(body): Json<SetRateLimits>) -> Json<Value> {
    let mut sandbox = state.lock();
    sandbox.rate_limits.per_second = body.per_second;
    Json(rate_limits_json(&sandbox))
}

/// `{"light": f(light), "medium": …, "heavy": …}`.
fn per_category(f: impl Fn(RateCategory) -> Value) -> Value {
    RateCategory::ALL
        .into_iter()
        .map(|category| (category.key().to_owned(), f(category)))
        .collect::<serde_json::Map<_, _>>()
        .into()
}

fn plan_json(sandbox: &Sandbox, account_id: &str) -> Result<Value, ControlError> {
    let (plan, overridden) = sandbox.plan_of(account_id).ok_or(ControlError::UnknownAccount)?;
    Ok(json!({
        "account_id": account_id,
        "plan": plan.name(),
        "overridden": overridden,
        "per_second": per_category(|c| json!(plan.per_second(c))),
        "daily": per_category(|c| json!(plan.daily(c))),
    }))
}

pub(super) async fn get_plan(State(state): State<AppState>, Path(id): Path<String>) -> ControlResult {
    Ok(Json(plan_json(&state.lock(), &id)?).into_response())
}

#[derive(Deserialize)]
pub(super) struct SetPlan {
    /// `null` returns the account to the plan its users give it.
    plan: Option<Plan>,
}

pub(super) async fn set_plan(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Json(body): Json<SetPlan>,
) -> ControlResult {
    let mut sandbox = state.lock();
    sandbox.plan_of(&id).ok_or(ControlError::UnknownAccount)?;
    sandbox.rate_limits.set_plan_override(&id, body.plan);
    Ok(Json(plan_json(&sandbox, &id)?).into_response())
}

fn account_usage_json(sandbox: &Sandbox, account_id: &str) -> Result<Value, ControlError> {
    let (plan, _) = sandbox.plan_of(account_id).ok_or(ControlError::UnknownAccount)?;
    let now = sandbox.now();
    Ok(json!({
        "account_id": account_id,
        "day": now.date_naive().to_string(),
        "plan": plan.name(),
        "categories": per_category(|c| {
            let used = sandbox.rate_limits.daily_used(account_id, c, now);
            let limit = plan.daily(c);
            json!({ "used": used, "limit": limit, "remaining": limit.map(|l| l.saturating_sub(used)) })
        }),
    }))
}

pub(super) async fn get_account_usage(State(state): State<AppState>, Path(id): Path<String>) -> ControlResult {
    Ok(Json(account_usage_json(&state.lock(), &id)?).into_response())
}

#[derive(Deserialize)]
pub(super) struct SetAccountUsage {
    category: RateCategory,
    used: u32,
}

/// Sets today's (UTC, sandbox clock) count of one category, so a test can start next to a Free account's daily cap.
pub(super) async fn set_account_usage(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Json(body): Json<SetAccountUsage>,
) -> ControlResult {
    let mut sandbox = state.lock();
    sandbox.plan_of(&id).ok_or(ControlError::UnknownAccount)?;
    let now = sandbox.now();
    sandbox.rate_limits.set_daily_used(&id, body.category, body.used, now);
    Ok(Json(account_usage_json(&sandbox, &id)?).into_response())
}
