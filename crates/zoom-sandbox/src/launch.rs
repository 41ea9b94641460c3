//! What `join_url` and `start_url` open: tiny stand-ins for Zoom's launch pages (facts §5), so the demo's
//! Join and Start buttons land somewhere real. Opening a valid, unexpired start URL starts the meeting. The join
//! page offers "Join from your browser" as Zoom's does, leading to the web client at `/wc/join/{id}?pwd=…`
//! (facts §11: widely used, not a documented contract).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

use crate::app_state::AppState;
use crate::call_log::CallNote;
use crate::meeting_events;
use crate::meetings::{MeetingStatus, StartOutcome};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/j/{id}", get(join_page))
        .route("/wc/join/{id}", get(web_client_page))
        .route("/s/{id}", get(start_page))
}

fn page(kind: &'static str, status: StatusCode, title: &str, detail: &str) -> Response {
    let html = format!(
        "<!doctype html><meta charset=\"utf-8\"><title>{title} - Zoom sandbox</title>\
         <h1 id=\"title\">{title}</h1><p id=\"detail\">{detail}</p>"
    );
    let mut response = (status, Html(html)).into_response();
    response.extensions_mut().insert(CallNote::kind(kind));
    response
}

#[derive(Deserialize)]
struct JoinQuery {
    pwd: Option<String>,
}

async fn join_page(state: State<AppState>, id: Path<String>, query: Query<JoinQuery>) -> Response {
    join("web.join", state, id, query).await
}

/// Zoom's web client: the meeting in the browser, without the app.
async fn web_client_page(state: State<AppState>, id: Path<String>, query: Query<JoinQuery>) -> Response {
    join("web.join_browser", state, id, query).await
}

async fn join(
    kind: &'static str,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<JoinQuery>,
) -> Response {
    let sandbox = state.lock();
    let now = sandbox.now();
    let meeting = id
        .parse::<u64>()
        .ok()
        .and_then(|id| sandbox.meetings.by_id(id))
        .filter(|m| m.live(now));
    let Some(meeting) = meeting else {
        return page(
            kind,
            StatusCode::NOT_FOUND,
            "Invalid meeting ID",
            "This meeting ID is not valid. Please check and try again.",
        );
    };
    let expected = (!meeting.encrypted_password.is_empty()).then(|| format!("{}.1", meeting.encrypted_password));
    if expected.is_some() && query.pwd != expected {
        return page(
            kind,
            StatusCode::FORBIDDEN,
            "Passcode required",
            "This link is missing the meeting passcode or carries a wrong one.",
        );
    }
    if kind == "web.join_browser" {
        return page(
            kind,
            StatusCode::OK,
            "Joining meeting in your browser",
            &format!("Joining meeting {} as a participant, in Zoom's web client.", meeting.id),
        );
    }
    let web_client = format!("/wc/join/{}?pwd={}", meeting.id, expected.unwrap_or_default());
    page(
        kind,
        StatusCode::OK,
        "Joining meeting",
        &format!(
            "Joining meeting {} as a participant. <a id=\"join-from-browser\" href=\"{web_client}\">Join from your browser</a>",
            meeting.id
        ),
    )
}

#[derive(Deserialize)]
struct StartQuery {
    zak: Option<String>,
}

async fn start_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<StartQuery>,
) -> Response {
    const KIND: &str = "web.start";
    let mut sandbox = state.lock();
    let now = sandbox.now();
    let meeting_id = id.parse::<u64>().ok();
    let was_waiting = meeting_id
        .and_then(|id| sandbox.meetings.by_id(id))
        .is_some_and(|m| m.status == MeetingStatus::Waiting);
    let outcome = match meeting_id {
        Some(id) => sandbox.meetings.start(id, query.zak.as_deref().unwrap_or(""), now),
        None => StartOutcome::NoSuchMeeting,
    };
    let event = match (&outcome, meeting_id.and_then(|id| sandbox.meetings.by_id(id))) {
        (StartOutcome::Started, Some(meeting)) if was_waiting => Some(meeting_events::started_or_ended(
            "meeting.started",
            meeting,
            &meeting_events::account_of(&sandbox, meeting),
            now,
        )),
        _ => None,
    };
    drop(sandbox);
    if let Some(event) = event {
        meeting_events::emit(&state, event);
    }
    match outcome {
        StartOutcome::Started => page(
            KIND,
            StatusCode::OK,
            "Meeting started",
            &format!("You started meeting {id} as its host."),
        ),
        StartOutcome::Expired => page(
            KIND,
            StatusCode::FORBIDDEN,
            "This start link has expired",
            "Start links are valid for 2 hours. Get a fresh one from the meeting's details.",
        ),
        StartOutcome::BadZak => page(
            KIND,
            StatusCode::FORBIDDEN,
            "Sign in to start this meeting",
            "This start link is not valid.",
        ),
        StartOutcome::NoSuchMeeting => page(
            KIND,
            StatusCode::NOT_FOUND,
            "Invalid meeting ID",
            "This meeting ID is not valid. Please check and try again.",
        ),
    }
}
