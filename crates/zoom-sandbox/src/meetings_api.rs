//! api.zoom.us/v2 Meetings endpoints (facts §3.1–§3.5): wire form only; the rules are in `meetings/`.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::Value;

use crate::api::{check_self, rate_limited, ApiError, Endpoint, ZoomAuth};
use crate::app_state::AppState;
use crate::meeting_events;
use crate::meetings::{ListQuery, MeetingError, Quota, DAILY_CREATE_UPDATE_LIMIT};
use crate::rate_limits::{RateCategory, RateLimitKind};
use crate::state::Sandbox;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/users/{user_id}/meetings", post(create_meeting).get(list_meetings))
        .route(
            "/meetings/{meeting_id}",
            get(get_meeting).patch(update_meeting).delete(delete_meeting),
        )
}

pub struct CreateMeeting;
pub struct GetMeeting;
pub struct UpdateMeeting;
pub struct DeleteMeeting;
pub struct ListMeetings;

impl Endpoint for CreateMeeting {
    const KIND: &'static str = "api.meetings.create";
    const SCOPE: &'static str = "meeting:write:meeting";
    const CATEGORY: RateCategory = RateCategory::Medium;
}

impl Endpoint for GetMeeting {
    const KIND: &'static str = "api.meetings.get";
    const SCOPE: &'static str = "meeting:read:meeting";
    const CATEGORY: RateCategory = RateCategory::Light;
}

impl Endpoint for UpdateMeeting {
    const KIND: &'static str = "api.meetings.update";
    const SCOPE: &'static str = "meeting:update:meeting";
    const CATEGORY: RateCategory = RateCategory::Light;
}

impl Endpoint for DeleteMeeting {
    const KIND: &'static str = "api.meetings.delete";
    const SCOPE: &'static str = "meeting:delete:meeting";
    const CATEGORY: RateCategory = RateCategory::Light;
}

impl Endpoint for ListMeetings {
    const KIND: &'static str = "api.meetings.list";
    const SCOPE: &'static str = "meeting:read:list_meetings";
    const CATEGORY: RateCategory = RateCategory::Medium;
}

/// Unassigned users (type 4) cannot host or schedule (facts §6): 400 3161 on every meetings endpoint.
fn refuse_non_host<E: Endpoint>(auth: &ZoomAuth<E>) -> Option<Response> {
    (auth.user.user_type == 4).then(|| {
        auth.error(ApiError::new(
            StatusCode::BAD_REQUEST,
            3161,
            "Your user account is not allowed meeting hosting and scheduling capabilities.",
        ))
    })
}

fn api_error(error: MeetingError) -> ApiError {
    match error {
        MeetingError::Validation(fields) => {
            let mut error = ApiError::new(StatusCode::BAD_REQUEST, 300, "Validation Failed.");
            error.fields = fields;
            error
        }
        MeetingError::InvalidBody => ApiError::new(
            StatusCode::BAD_REQUEST,
            300,
            "Request Body should be a valid JSON object.",
        ),
        MeetingError::NotFound(id) => {
            ApiError::new(StatusCode::NOT_FOUND, 3001, format!("Meeting does not exist: {id}."))
        }
        MeetingError::DailyLimit => ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            429,
            format!(
                "You have exceeded the daily rate limit ({DAILY_CREATE_UPDATE_LIMIT}) of Meeting Create/Update API \
                 requests permitted for this particular user. You may resume these requests at GMT 00:00:00."
            ),
        ),
        MeetingError::InvalidOccurrence => {
            ApiError::new(StatusCode::BAD_REQUEST, 300, "Invalid parameter: occurrence_id.")
        }
        MeetingError::InvalidPageToken => ApiError::new(
            StatusCode::BAD_REQUEST,
            300,
            "The next page token is invalid or expired.",
        ),
    }
}

/// `x-ratelimit-limit` / `-remaining` for the per-user create/update cap (no `Retry-After`: facts §4.2).
fn with_quota(mut response: Response, remaining: u32) -> Response {
    let headers = response.headers_mut();
    headers.insert("x-ratelimit-limit", HeaderValue::from(DAILY_CREATE_UPDATE_LIMIT));
    headers.insert("x-ratelimit-remaining", HeaderValue::from(remaining));
    response
}

/// The per-user cap refused a create/update: 429 with `remaining: 0`, tallied with the account-wide refusals so
/// tests can assert that nothing was refused.
fn user_cap_refused<E: Endpoint>(sandbox: &mut Sandbox, auth: &ZoomAuth<E>, error: MeetingError) -> Response {
    sandbox.rate_limits.refused.count(RateLimitKind::UserDaily);
    rate_limited(with_quota(auth.error(api_error(error)), 0), RateLimitKind::UserDaily)
}

fn quota_error<E: Endpoint>(auth: &ZoomAuth<E>, quota: Quota, error: MeetingError) -> Response {
    with_quota(auth.error(api_error(error)), quota.remaining)
}

fn query_param(query: Option<&str>, name: &str) -> Option<String> {
    url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.into_owned())
}

/// An absent body is an empty object; anything that is not a JSON object is Zoom's 300.
fn json_body(body: &Bytes) -> Result<Value, MeetingError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Default::default()));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(value @ Value::Object(_)) => Ok(value),
        _ => Err(MeetingError::InvalidBody),
    }
}

/// `POST /v2/users/{userId}/meetings` → 201.
async fn create_meeting(
    State(state): State<AppState>,
    Path(user_id): Path<String>,
    auth: ZoomAuth<CreateMeeting>,
    body: Bytes,
) -> Response {
    if let Some(response) = refuse_non_host(&auth) {
        return response;
    }
    if let Err(error) = check_self(&auth.user, &user_id) {
        return auth.error(error);
    }
    let mut sandbox = state.lock();
    let now = sandbox.now();
    let base_url = sandbox.base_url.clone();
    let quota = match sandbox.meetings.count_create_update(&auth.user.id, now) {
        Ok(quota) => quota,
        Err(error) => return user_cap_refused(&mut sandbox, &auth, error),
    };
    let body = match json_body(&body) {
        Ok(body) => body,
        Err(error) => return quota_error(&auth, quota, error),
    };
    let (response, event) = match sandbox.meetings.create(&auth.user, &body, &base_url, now) {
        Ok(meeting) => {
            let event =
                meeting_events::lifecycle("meeting.created", meeting, &auth.user.account_id, &operator(&auth), now);
            (
                with_quota(
                    auth.reply(StatusCode::CREATED, Json(meeting.to_zoom_json())),
                    quota.remaining,
                ),
                Some(event),
            )
        }
        Err(error) => (quota_error(&auth, quota, error), None),
    };
    drop(sandbox);
    if let Some(event) = event {
        meeting_events::emit(&state, event);
    }
    response
}

/// The app acts for its user, so Zoom names the user as the operator of API changes.
fn operator<E: Endpoint>(auth: &ZoomAuth<E>) -> meeting_events::Operator<'_> {
    meeting_events::Operator {
        email: &auth.user.email,
        id: &auth.user.id,
    }
}

/// `GET /v2/meetings/{meetingId}` → 200 with a fresh `start_url`.
async fn get_meeting(
    State(state): State<AppState>,
    Path(meeting_id): Path<String>,
    auth: ZoomAuth<GetMeeting>,
) -> Response {
    if let Some(response) = refuse_non_host(&auth) {
        return response;
    }
    let mut sandbox = state.lock();
    let now = sandbox.now();
    let base_url = sandbox.base_url.clone();
    match sandbox.meetings.get(&auth.user, &meeting_id, &base_url, now) {
        Ok(meeting) => auth.reply(StatusCode::OK, Json(meeting.to_zoom_json())),
        Err(error) => auth.error(api_error(error)),
    }
}

/// `PATCH /v2/meetings/{meetingId}` → 204, counted against the daily cap.
async fn update_meeting(
    State(state): State<AppState>,
    Path(meeting_id): Path<String>,
    RawQuery(query): RawQuery,
    auth: ZoomAuth<UpdateMeeting>,
    body: Bytes,
) -> Response {
    if let Some(response) = refuse_non_host(&auth) {
        return response;
    }
    let mut sandbox = state.lock();
    let now = sandbox.now();
    let base_url = sandbox.base_url.clone();
    if let Err(error) = sandbox.meetings.check_exists(&auth.user, &meeting_id, now) {
        return auth.error(api_error(error));
    }
    let quota = match sandbox.meetings.count_create_update(&auth.user.id, now) {
        Ok(quota) => quota,
        Err(error) => return user_cap_refused(&mut sandbox, &auth, error),
    };
    let body = match json_body(&body) {
        Ok(body) => body,
        Err(error) => return quota_error(&auth, quota, error),
    };
    let occurrence = query_param(query.as_deref(), "occurrence_id");
    let before = meeting_id
        .parse::<u64>()
        .ok()
        .and_then(|id| sandbox.meetings.by_id(id).cloned());
    let (response, event) =
        match sandbox
            .meetings
            .update(&auth.user, &meeting_id, &body, occurrence.as_deref(), &base_url, now)
        {
            Ok(()) => {
                let after = before.as_ref().and_then(|b| sandbox.meetings.by_id(b.id));
                let event = before
                    .as_ref()
                    .zip(after)
                    .and_then(|(b, a)| meeting_events::updated(b, a, &auth.user.account_id, &operator(&auth), now));
                (
                    with_quota(auth.reply(StatusCode::NO_CONTENT, ()), quota.remaining),
                    event,
                )
            }
            Err(error) => (quota_error(&auth, quota, error), None),
        };
    drop(sandbox);
    if let Some(event) = event {
        meeting_events::emit(&state, event);
    }
    response
}

/// `DELETE /v2/meetings/{meetingId}` → 204; a second delete is 404 3001.
async fn delete_meeting(
    State(state): State<AppState>,
    Path(meeting_id): Path<String>,
    RawQuery(query): RawQuery,
    auth: ZoomAuth<DeleteMeeting>,
) -> Response {
    if let Some(response) = refuse_non_host(&auth) {
        return response;
    }
    // schedule_for_reminder and cancel_meeting_reminder are accepted; the sandbox sends no email.
    let occurrence = query_param(query.as_deref(), "occurrence_id");
    let mut sandbox = state.lock();
    let now = sandbox.now();
    let (response, event) = match sandbox
        .meetings
        .delete(&auth.user, &meeting_id, occurrence.as_deref(), now)
    {
        Ok(()) => {
            let event = meeting_id
                .parse::<u64>()
                .ok()
                .and_then(|id| sandbox.meetings.by_id(id))
                .map(|m| meeting_events::lifecycle("meeting.deleted", m, &auth.user.account_id, &operator(&auth), now));
            (auth.reply(StatusCode::NO_CONTENT, ()), event)
        }
        Err(error) => (auth.error(api_error(error)), None),
    };
    drop(sandbox);
    if let Some(event) = event {
        meeting_events::emit(&state, event);
    }
    response
}

/// `GET /v2/users/{userId}/meetings` → 200, paginated with `next_page_token`.
async fn list_meetings(
    State(state): State<AppState>,
    Path(user_id): Path<String>,
    RawQuery(query): RawQuery,
    auth: ZoomAuth<ListMeetings>,
) -> Response {
    if let Some(response) = refuse_non_host(&auth) {
        return response;
    }
    if let Err(error) = check_self(&auth.user, &user_id) {
        return auth.error(error);
    }
    let q = query.as_deref();
    let list_query = ListQuery {
        list_type: query_param(q, "type"),
        page_size: query_param(q, "page_size"),
        next_page_token: query_param(q, "next_page_token"),
        page_number: query_param(q, "page_number"),
        from: query_param(q, "from"),
        to: query_param(q, "to"),
        timezone: query_param(q, "timezone"),
    };
    let mut sandbox = state.lock();
    let now = sandbox.now();
    match sandbox.meetings.list(&auth.user, &list_query, now) {
        Ok(body) => auth.reply(StatusCode::OK, Json(body)),
        Err(error) => auth.error(api_error(error)),
    }
}
