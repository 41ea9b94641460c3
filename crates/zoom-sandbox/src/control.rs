//! `/_sandbox`: the control API for tests and the demo. No auth: it only ever listens on loopback.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer};
use serde_json::{json, Value};

use crate::faults::{Fault, FaultMode, DEFAULT_HANG_SECS};
use crate::ids;
use crate::meeting_events;
use crate::meetings::{MeetingStatus, DAILY_CREATE_UPDATE_LIMIT};
use crate::rate_limits::{Plan, RateCategory};
use crate::state::{rfc3339_millis, AppState, ControlError, NewUser, Sandbox};
use crate::webhook;

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

struct ControlFailure(StatusCode, String);

impl IntoResponse for ControlFailure {
    fn into_response(self) -> Response {
        (self.0, Json(json!({ "error": self.1 }))).into_response()
    }
}

impl From<ControlError> for ControlFailure {
    fn from(error: ControlError) -> Self {
        match error {
            ControlError::UnknownUser => Self(StatusCode::NOT_FOUND, "no such Zoom user".to_owned()),
            ControlError::UnknownAccount => Self(StatusCode::NOT_FOUND, "no such Zoom account".to_owned()),
            ControlError::NoActiveGrant => Self(
                StatusCode::CONFLICT,
                "this user has no active grant for the app".to_owned(),
            ),
        }
    }
}

type ControlResult = Result<Response, ControlFailure>;

// ---- users -----------------------------------------------------------------------------------------

async fn list_users(State(state): State<AppState>) -> Json<Vec<Value>> {
    let sandbox = state.lock();
    let now = sandbox.now();
    Json(sandbox.users().iter().map(|u| u.to_zoom_json(now)).collect())
}

#[derive(Deserialize)]
struct CreateUser {
    email: String,
    #[serde(default)]
    first_name: String,
    #[serde(default)]
    last_name: String,
    #[serde(rename = "type")]
    user_type: u8,
    account_id: Option<String>,
    timezone: Option<String>,
}

async fn create_user(State(state): State<AppState>, Json(body): Json<CreateUser>) -> ControlResult {
    let mut sandbox = state.lock();
    let user = sandbox
        .add_user(NewUser {
            email: body.email,
            first_name: body.first_name,
            last_name: body.last_name,
            user_type: body.user_type,
            account_id: body.account_id,
            timezone: body.timezone,
        })
        .map_err(|message| ControlFailure(StatusCode::BAD_REQUEST, message))?;
    Ok((StatusCode::CREATED, Json(user.to_zoom_json(sandbox.now()))).into_response())
}

async fn seed_demo(State(state): State<AppState>) -> Json<Vec<Value>> {
    let mut sandbox = state.lock();
    let users = sandbox.seed_demo_users();
    let now = sandbox.now();
    Json(users.iter().map(|u| u.to_zoom_json(now)).collect())
}

// ---- app, clock, TTLs --------------------------------------------------------------------------------

fn app_json(state: &AppState) -> Value {
    let sandbox = state.lock();
    let config = &sandbox.config;
    json!({
        "app_name": config.app_name,
        "client_id": config.client_id,
        "redirect_uris": config.redirect_uris,
        "scopes": config.scopes,
        "deauthorization_url": config.deauthorization_url,
        "event_subscriptions": config.event_subscriptions,
        "refresh_grace_secs": sandbox.refresh_grace_secs,
        "api_url": sandbox.base_url,
    })
}

async fn get_app(State(state): State<AppState>) -> Json<Value> {
    Json(app_json(&state))
}

/// Distinguishes an absent field (leave alone) from `null` (clear).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

#[derive(Deserialize)]
struct PatchApp {
    redirect_uris: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    deauthorization_url: Option<Option<String>>,
    refresh_grace_secs: Option<i64>,
    event_subscriptions: Option<Vec<String>>,
}

async fn patch_app(State(state): State<AppState>, Json(body): Json<PatchApp>) -> Json<Value> {
    {
        let mut sandbox = state.lock();
        if let Some(uris) = body.redirect_uris {
            sandbox.config.redirect_uris = uris;
        }
        if let Some(url) = body.deauthorization_url {
            sandbox.config.deauthorization_url = url;
        }
        if let Some(secs) = body.refresh_grace_secs {
            sandbox.refresh_grace_secs = secs.max(0);
        }
        if let Some(events) = body.event_subscriptions {
            sandbox.config.event_subscriptions = events;
        }
    }
    Json(app_json(&state))
}

async fn get_clock(State(state): State<AppState>) -> Json<Value> {
    Json(json!({ "now": rfc3339_millis(state.lock().now()) }))
}

#[derive(Deserialize)]
struct SetClock {
    advance_secs: Option<i64>,
    now: Option<DateTime<Utc>>,
}

async fn set_clock(State(state): State<AppState>, Json(body): Json<SetClock>) -> ControlResult {
    let mut sandbox = state.lock();
    match (body.advance_secs, body.now) {
        (Some(secs), None) => sandbox.clock.advance(secs),
        (None, Some(now)) => sandbox.clock.set(now),
        _ => {
            return Err(ControlFailure(
                StatusCode::BAD_REQUEST,
                "send exactly one of advance_secs or now".to_owned(),
            ))
        }
    }
    Ok(Json(json!({ "now": rfc3339_millis(sandbox.now()) })).into_response())
}

async fn get_ttl(State(state): State<AppState>) -> Json<Value> {
    Json(json!(state.lock().ttls))
}

#[derive(Deserialize)]
struct SetTtl {
    code_secs: Option<i64>,
    access_token_secs: Option<i64>,
    refresh_token_secs: Option<i64>,
}

async fn set_ttl(State(state): State<AppState>, Json(body): Json<SetTtl>) -> Json<Value> {
    let mut sandbox = state.lock();
    let ttls = &mut sandbox.ttls;
    if let Some(secs) = body.code_secs {
        ttls.code_secs = secs;
    }
    if let Some(secs) = body.access_token_secs {
        ttls.access_token_secs = secs;
    }
    if let Some(secs) = body.refresh_token_secs {
        ttls.refresh_token_secs = secs;
    }
    Json(json!(sandbox.ttls))
}

// ---- faults ----------------------------------------------------------------------------------------------

async fn expire_access_token(State(state): State<AppState>, Path(id): Path<String>) -> ControlResult {
    let grant_id = state.lock().expire_access_tokens(&id)?;
    Ok(Json(json!({ "grant_id": grant_id })).into_response())
}

async fn kill_grant(State(state): State<AppState>, Path(id): Path<String>) -> ControlResult {
    let grant_id = state.lock().kill_grant(&id)?;
    Ok(Json(json!({ "grant_id": grant_id })).into_response())
}

async fn disable_app(State(state): State<AppState>, Path(id): Path<String>) -> ControlResult {
    state.lock().set_app_disabled(&id, true)?;
    Ok(Json(json!({ "app_disabled": true })).into_response())
}

async fn enable_app(State(state): State<AppState>, Path(id): Path<String>) -> ControlResult {
    state.lock().set_app_disabled(&id, false)?;
    Ok(Json(json!({ "app_disabled": false })).into_response())
}

async fn remove_app(State(state): State<AppState>, Path(id): Path<String>) -> ControlResult {
    let (event, url, secret) = {
        let mut sandbox = state.lock();
        let deauthorization = sandbox.remove_app(&id)?;
        let event = webhook::app_deauthorized(&deauthorization, chrono::Utc::now());
        (
            event,
            sandbox.config.deauthorization_url.clone(),
            sandbox.config.webhook_secret_token.clone(),
        )
    };
    let status = match url {
        Some(url) => Some(send_logged(&state, &url, &secret, &event).await),
        None => None,
    };
    let status = status.flatten();
    let delivered = status.is_some_and(|s| (200..300).contains(&s));
    Ok(Json(json!({ "delivered": delivered, "status": status })).into_response())
}

/// Sends and remembers the delivery for `GET /_sandbox/webhooks`; returns the endpoint's status.
pub(crate) async fn send_logged(state: &AppState, url: &str, secret: &str, event: &Value) -> Option<u16> {
    let client_id = state.lock().config.client_id.clone();
    let delivery = webhook::send(&state.http, url, secret, &client_id, event).await;
    let mut sandbox = state.lock();
    let at = rfc3339_millis(sandbox.now());
    sandbox.webhook_deliveries.push(json!({
        "at": at,
        "event": event["event"],
        "url": url,
        "status": delivery.status,
        "delivered": delivery.delivered(),
        "body": event,
    }));
    delivery.status
}

async fn validate_webhook_endpoint(State(state): State<AppState>) -> Json<Value> {
    let (url, secret, client_id) = {
        let sandbox = state.lock();
        (
            sandbox.config.deauthorization_url.clone(),
            sandbox.config.webhook_secret_token.clone(),
            sandbox.config.client_id.clone(),
        )
    };
    let Some(url) = url else {
        return Json(json!({ "valid": false, "status": null, "error": "no deauthorization_url configured" }));
    };
    let plain_token = ids::random_alnum(22);
    let event = webhook::url_validation(&plain_token, chrono::Utc::now());
    let delivery = webhook::send(&state.http, &url, &secret, &client_id, &event).await;
    let valid = webhook::validation_passed(&secret, &plain_token, &delivery);
    Json(json!({ "valid": valid, "status": delivery.status }))
}

async fn list_webhook_deliveries(State(state): State<AppState>) -> Json<Value> {
    Json(json!(state.lock().webhook_deliveries))
}

// ---- inspection --------------------------------------------------------------------------------------

async fn list_grants(State(state): State<AppState>) -> Json<Value> {
    Json(json!(state.lock().grant_views()))
}

async fn list_calls(State(state): State<AppState>) -> Json<Value> {
    let sandbox = state.lock();
    Json(json!({
        "calls": sandbox.calls.calls(),
        "counters": sandbox.call_counters(),
    }))
}

async fn clear_calls(State(state): State<AppState>) -> StatusCode {
    state.lock().calls.clear();
    StatusCode::NO_CONTENT
}

async fn issued_secrets(State(state): State<AppState>) -> Json<Value> {
    Json(json!(state.lock().issued_secrets()))
}

// ---- meetings ----------------------------------------------------------------------------------------

#[derive(Deserialize)]
struct MeetingFilter {
    host_email: Option<String>,
}

async fn list_meetings(State(state): State<AppState>, Query(filter): Query<MeetingFilter>) -> Json<Value> {
    let sandbox = state.lock();
    let now = sandbox.now();
    let meetings: Vec<Value> = sandbox
        .meetings
        .all()
        .iter()
        .filter(|m| {
            filter
                .host_email
                .as_deref()
                .is_none_or(|email| m.host_email.eq_ignore_ascii_case(email))
        })
        .map(|m| m.to_control_json(now))
        .collect();
    Json(json!(meetings))
}

fn no_such_meeting() -> ControlFailure {
    ControlFailure(StatusCode::NOT_FOUND, "no such meeting".to_owned())
}

async fn get_meeting(State(state): State<AppState>, Path(id): Path<u64>) -> ControlResult {
    let sandbox = state.lock();
    let meeting = sandbox.meetings.by_id(id).ok_or_else(no_such_meeting)?;
    Ok(Json(meeting.to_control_json(sandbox.now())).into_response())
}

async fn start_urls(State(state): State<AppState>, Path(id): Path<u64>) -> ControlResult {
    let sandbox = state.lock();
    let meeting = sandbox.meetings.by_id(id).ok_or_else(no_such_meeting)?;
    Ok(Json(json!(meeting.start_urls)).into_response())
}

#[derive(Deserialize)]
struct SetStatus {
    status: MeetingStatus,
}

async fn set_meeting_status(
    State(state): State<AppState>,
    Path(id): Path<u64>,
    Json(body): Json<SetStatus>,
) -> ControlResult {
    let (answer, event) = {
        let mut sandbox = state.lock();
        let now = sandbox.now();
        let was = sandbox.meetings.by_id(id).map(|m| m.status);
        if !sandbox.meetings.set_status(id, body.status, now) {
            return Err(no_such_meeting());
        }
        let meeting = sandbox.meetings.by_id(id).ok_or_else(no_such_meeting)?;
        // Starting a meeting, or everyone leaving it, is what Zoom reports; setting the same status again is not.
        let event = (was != Some(body.status)).then(|| {
            let name = match body.status {
                MeetingStatus::Started => "meeting.started",
                MeetingStatus::Waiting => "meeting.ended",
            };
            meeting_events::started_or_ended(name, meeting, &meeting_events::account_of(&sandbox, meeting), now)
        });
        (meeting.to_control_json(now), event)
    };
    if let Some(event) = event {
        meeting_events::emit(&state, event);
    }
    Ok(Json(answer).into_response())
}

/// The host deletes the meeting in Zoom's web portal (not through the app): `meeting.deleted` follows.
async fn delete_in_zoom(State(state): State<AppState>, Path(id): Path<u64>) -> ControlResult {
    let (answer, event) = {
        let mut sandbox = state.lock();
        let now = sandbox.now();
        let meeting = sandbox.meetings.by_id(id).ok_or_else(no_such_meeting)?.clone();
        if !meeting.live(now) {
            return Err(ControlFailure(
                StatusCode::CONFLICT,
                "the meeting is already deleted or expired".into(),
            ));
        }
        let host = sandbox.user(&meeting.host_id).cloned();
        sandbox.meetings.mark_deleted(id, Some(now));
        let operator = meeting_events::Operator {
            email: host.as_ref().map_or("", |h| h.email.as_str()),
            id: &meeting.host_id,
        };
        let account = meeting_events::account_of(&sandbox, &meeting);
        let event = meeting_events::lifecycle("meeting.deleted", &meeting, &account, &operator, now);
        let answer = sandbox.meetings.by_id(id).map(|m| m.to_control_json(now));
        (answer, event)
    };
    meeting_events::emit(&state, event);
    Ok(Json(answer).into_response())
}

#[derive(Deserialize)]
struct MoveInZoom {
    start_time: DateTime<Utc>,
    duration: Option<u32>,
}

/// The host changes the meeting's time (and perhaps length) in Zoom's web portal: `meeting.updated` follows.
async fn move_in_zoom(
    State(state): State<AppState>,
    Path(id): Path<u64>,
    Json(body): Json<MoveInZoom>,
) -> ControlResult {
    let (answer, event) = {
        let mut sandbox = state.lock();
        let now = sandbox.now();
        let before = sandbox.meetings.by_id(id).ok_or_else(no_such_meeting)?.clone();
        if !before.live(now) {
            return Err(ControlFailure(
                StatusCode::CONFLICT,
                "the meeting is deleted or expired".into(),
            ));
        }
        let host = sandbox.user(&before.host_id).cloned();
        sandbox.meetings.move_to(id, body.start_time, body.duration, now);
        let after = sandbox.meetings.by_id(id).ok_or_else(no_such_meeting)?.clone();
        let operator = meeting_events::Operator {
            email: host.as_ref().map_or("", |h| h.email.as_str()),
            id: &before.host_id,
        };
        let account = meeting_events::account_of(&sandbox, &before);
        let event = meeting_events::updated(&before, &after, &account, &operator, now);
        (after.to_control_json(now), event)
    };
    if let Some(event) = event {
        meeting_events::emit(&state, event);
    }
    Ok(Json(answer).into_response())
}

/// The host restores a deleted meeting from Zoom's trash (within 7 days): same id and join_url,
/// `meeting.recovered` follows.
async fn recover_meeting(State(state): State<AppState>, Path(id): Path<u64>) -> ControlResult {
    let (answer, event) = {
        let mut sandbox = state.lock();
        let now = sandbox.now();
        let meeting = sandbox.meetings.by_id(id).ok_or_else(no_such_meeting)?.clone();
        let in_trash = meeting
            .deleted_at
            .is_some_and(|at| now < at + chrono::Duration::days(7));
        if !in_trash {
            return Err(ControlFailure(
                StatusCode::CONFLICT,
                "the meeting is not in Zoom's trash".into(),
            ));
        }
        sandbox.meetings.mark_deleted(id, None);
        let host = sandbox.user(&meeting.host_id).cloned();
        let operator = meeting_events::Operator {
            email: host.as_ref().map_or("", |h| h.email.as_str()),
            id: &meeting.host_id,
        };
        let account = meeting_events::account_of(&sandbox, &meeting);
        let event = meeting_events::lifecycle("meeting.recovered", &meeting, &account, &operator, now);
        (sandbox.meetings.by_id(id).map(|m| m.to_control_json(now)), event)
    };
    meeting_events::emit(&state, event);
    Ok(Json(answer).into_response())
}

// ---- fault injection ---------------------------------------------------------------------------------

#[derive(Deserialize)]
struct NewFault {
    endpoint: String,
    mode: FaultMode,
    count: Option<u32>,
    hang_secs: Option<u64>,
}

async fn add_fault(State(state): State<AppState>, Json(body): Json<NewFault>) -> ControlResult {
    let fault = Fault {
        endpoint: body.endpoint,
        mode: body.mode,
        remaining: body.count.unwrap_or(1),
        hang_secs: body.hang_secs.unwrap_or(DEFAULT_HANG_SECS),
    };
    let mut sandbox = state.lock();
    sandbox
        .faults
        .add(fault)
        .map_err(|message| ControlFailure(StatusCode::BAD_REQUEST, message))?;
    Ok((StatusCode::CREATED, Json(json!(sandbox.faults.pending()))).into_response())
}

async fn list_faults(State(state): State<AppState>) -> Json<Value> {
    Json(json!(state.lock().faults.pending()))
}

async fn clear_faults(State(state): State<AppState>) -> StatusCode {
    state.lock().faults.clear();
    StatusCode::NO_CONTENT
}

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

async fn get_daily_usage(State(state): State<AppState>, Path(id): Path<String>) -> ControlResult {
    let sandbox = state.lock();
    sandbox.user(&id).ok_or(ControlError::UnknownUser)?;
    Ok(Json(daily_usage_json(&sandbox, &id)).into_response())
}

#[derive(Deserialize)]
struct SetDailyUsage {
    used: u32,
}

async fn set_daily_usage(
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

async fn get_rate_limits(State(state): State<AppState>) -> Json<Value> {
    Json(rate_limits_json(&state.lock()))
}

#[derive(Deserialize)]
struct SetRateLimits {
    per_second: bool,
}

/// The switch for the per-second limits (the daily ones always apply). Tests about other things switch them off,
/// since a quick loop of calls for a Free account goes over 2 creates a second.
async fn set_rate_limits(State(state): State<AppState>, Json(body): Json<SetRateLimits>) -> Json<Value> {
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

async fn get_plan(State(state): State<AppState>, Path(id): Path<String>) -> ControlResult {
    Ok(Json(plan_json(&state.lock(), &id)?).into_response())
}

#[derive(Deserialize)]
struct SetPlan {
    /// `null` returns the account to the plan its users give it.
    plan: Option<Plan>,
}

async fn set_plan(State(state): State<AppState>, Path(id): Path<String>, Json(body): Json<SetPlan>) -> ControlResult {
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

async fn get_account_usage(State(state): State<AppState>, Path(id): Path<String>) -> ControlResult {
    Ok(Json(account_usage_json(&state.lock(), &id)?).into_response())
}

#[derive(Deserialize)]
struct SetAccountUsage {
    category: RateCategory,
    used: u32,
}

/// Sets today's (UTC, sandbox clock) count of one category, so a test can start next to a Free account's daily cap.
async fn set_account_usage(
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
