//! `/_sandbox/meetings`: every meeting with its full record, and what a host does in Zoom's own web portal (start,
//! end, delete, move, restore), each followed by the meeting event Zoom would send.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{json, Value};

use super::failure::{ControlFailure, ControlResult};
use crate::app_state::AppState;
use crate::meeting_events;
use crate::meetings::MeetingStatus;

#[derive(Deserialize)]
pub(super) struct MeetingFilter {
    host_email: Option<String>,
}

pub(super) async fn list_meetings(State(state): State<AppState>, Query(filter): Query<MeetingFilter>) -> Json<Value> {
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

pub(super) async fn get_meeting(State(state): State<AppState>, Path(id): Path<u64>) -> ControlResult {
    let sandbox = state.lock();
    let meeting = sandbox.meetings.by_id(id).ok_or_else(no_such_meeting)?;
    Ok(Json(meeting.to_control_json(sandbox.now())).into_response())
}

pub(super) async fn start_urls(State(state): State<AppState>, Path(id): Path<u64>) -> ControlResult {
    let sandbox = state.lock();
    let meeting = sandbox.meetings.by_id(id).ok_or_else(no_such_meeting)?;
    Ok(Json(json!(meeting.start_urls)).into_response())
}

#[derive(Deserialize)]
pub(super) struct SetStatus {
    status: MeetingStatus,
}

pub(super) async fn set_meeting_status(
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
pub(super) async fn delete_in_zoom(State(state): State<AppState>, Path(id): Path<u64>) -> ControlResult {
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
pub(super) struct MoveInZoom {
    start_time: DateTime<Utc>,
    duration: Option<u32>,
}

/// The host changes the meeting's time (and perhaps length) in Zoom's web portal: `meeting.updated` follows.
pub(super) async fn move_in_zoom(
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
pub(super) async fn recover_meeting(State(state): State<AppState>, Path(id): Path<u64>) -> ControlResult {
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
