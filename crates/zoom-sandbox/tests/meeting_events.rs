//! Meeting event webhooks (facts §10): the sandbox tells the app's event endpoint about meetings created, changed
//! and deleted through the API (echoes of the app's own calls), changed or deleted in Zoom itself, recovered from
//! the trash, started and ended, signed like every Zoom webhook and shaped like Zoom's payloads (checked against
//! `spec/meeting-events.schema.json`).

#[path = "harness/harness.rs"]
mod harness;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use axum::Router;
use harness::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use zoom_sandbox::SandboxConfig;

#[derive(Clone, Default)]
struct Receiver {
    received: Arc<Mutex<Vec<Value>>>,
}

async fn receive(State(receiver): State<Receiver>, headers: HeaderMap, body: Bytes) -> axum::http::StatusCode {
    let timestamp: i64 = headers["x-zm-request-timestamp"].to_str().unwrap().parse().unwrap();
    assert_eq!(
        headers["x-zm-signature"].to_str().unwrap(),
        zoom_sandbox::webhook_signature(WEBHOOK_SECRET, timestamp, &body),
        "signed like every Zoom webhook"
    );
    receiver
        .received
        .lock()
        .unwrap()
        .push(serde_json::from_slice(&body).unwrap());
    axum::http::StatusCode::OK
}

async fn sandbox_with_receiver() -> (Harness, Receiver) {
    let receiver = Receiver::default();
    let app = Router::new()
        .route("/zoom/events", post(receive))
        .with_state(receiver.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/zoom/events", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (
        start_with(SandboxConfig::demo(REDIRECT, Some(&url)), true).await,
        receiver,
    )
}

impl Receiver {
    /// Waits (bounded) for `count` events in all, and returns them, each checked against Zoom's shapes.
    async fn events(&self, count: usize) -> Vec<Value> {
        for _ in 0..100 {
            if self.received.lock().unwrap().len() >= count {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let events = self.received.lock().unwrap().clone();
        assert_eq!(events.len(), count, "{events:#?}");
        for event in &events {
            if let Err(problems) = zoom_sandbox::contract::validate_meeting_event(event) {
                panic!(
                    "{} does not match Zoom's shape: {problems:?}\n{event:#}",
                    event["event"]
                );
            }
        }
        events
    }
}

fn meeting_body() -> Value {
    json!({
        "topic": "BetterBeing session",
        "type": 2,
        "start_time": "2030-03-04T10:00:00Z",
        "duration": 50,
        "timezone": "Europe/London",
        "agenda": "bb-ref-0",
    })
}

#[tokio::test]
async fn api_changes_are_echoed_with_zooms_payload_shapes_in_order() {
    let (h, receiver) = sandbox_with_receiver().await;
    let user = h.licensed().clone();
    let token = h.access_token(&user).await;
    let meeting = h.create_meeting(&token, meeting_body()).await;
    let id = meeting["id"].as_u64().unwrap();

    let moved = h
        .api(
            "PATCH",
            &format!("/meetings/{id}"),
            &token,
            Some(&json!({ "start_time": "2030-03-04T15:30:00Z", "topic": "BetterBeing session" })),
        )
        .await;
    assert_eq!(moved.status, StatusCode::NO_CONTENT);
    let unchanged = h
        .api(
            "PATCH",
            &format!("/meetings/{id}"),
            &token,
            Some(&json!({ "duration": 50 })),
        )
        .await;
    assert_eq!(unchanged.status, StatusCode::NO_CONTENT);
    let deleted = h.api("DELETE", &format!("/meetings/{id}"), &token, None).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);

    let events = receiver.events(3).await;
    let names: Vec<&str> = events.iter().map(|e| e["event"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        ["meeting.created", "meeting.updated", "meeting.deleted"],
        "a PATCH that changes nothing sends nothing"
    );
    for event in &events {
        assert_eq!(event["payload"]["account_id"], user.account_id);
        assert_eq!(event["payload"]["object"]["id"], json!(id), "a number in these events");
    }
    let updated = &events[1]["payload"];
    assert_eq!(updated["operator"], user.email, "the app acts for its user");
    assert_eq!(updated["object"]["start_time"], "2030-03-04T15:30:00Z");
    assert_eq!(updated["old_object"]["start_time"], "2030-03-04T10:00:00Z");
    assert!(updated["object"].get("topic").is_none(), "only what changed: {updated}");
    assert!(
        updated["object"].get("duration").is_none(),
        "only what changed: {updated}"
    );
    assert_eq!(events[2]["payload"]["object"]["host_id"], user.id);
}

#[tokio::test]
async fn changes_made_in_zoom_itself_starting_and_ending_are_reported() {
    let (h, receiver) = sandbox_with_receiver().await;
    let user = h.licensed().clone();
    let token = h.access_token(&user).await;
    let id = h.create_meeting(&token, meeting_body()).await["id"].as_u64().unwrap();

    let (status, body) = h
        .control(
            "POST",
            &format!("/meetings/{id}/move-in-zoom"),
            Some(json!({ "start_time": "2030-03-05T09:00:00Z", "duration": 30 })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = h
        .control(
            "POST",
            &format!("/meetings/{id}/status"),
            Some(json!({ "status": "started" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = h
        .control(
            "POST",
            &format!("/meetings/{id}/status"),
            Some(json!({ "status": "waiting" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = h.control("POST", &format!("/meetings/{id}/delete-in-zoom"), None).await;
    assert_eq!(status, StatusCode::OK);
    let get = h.api("GET", &format!("/meetings/{id}"), &token, None).await;
    assert_eq!(
        get.status,
        StatusCode::NOT_FOUND,
        "deleted in Zoom is deleted for the API too"
    );
    let (status, _) = h.control("POST", &format!("/meetings/{id}/recover"), None).await;
    assert_eq!(status, StatusCode::OK);
    let get = h.api("GET", &format!("/meetings/{id}"), &token, None).await;
    assert_eq!(get.status, StatusCode::OK, "recovered with the same id");
    assert_eq!(get.body["start_time"], "2030-03-05T09:00:00Z");

    let events = receiver.events(6).await;
    let names: Vec<&str> = events.iter().map(|e| e["event"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "meeting.created",
            "meeting.updated",
            "meeting.started",
            "meeting.ended",
            "meeting.deleted",
            "meeting.recovered"
        ]
    );
    let updated = &events[1]["payload"];
    assert_eq!(updated["object"]["start_time"], "2030-03-05T09:00:00Z");
    assert_eq!(updated["object"]["duration"], 30);
    assert_eq!(updated["old_object"]["duration"], 50);
    assert_eq!(
        events[2]["payload"]["object"]["id"],
        json!(id.to_string()),
        "a string in started"
    );
    assert_eq!(
        events[3]["payload"]["object"]["id"],
        json!(id.to_string()),
        "a string in ended"
    );
    assert!(events[3]["payload"]["object"]["end_time"].is_string());
    assert_eq!(events[4]["payload"]["operator"], user.email);
    assert_eq!(events[5]["payload"]["object"]["id"], json!(id));
}

#[tokio::test]
async fn an_app_not_subscribed_to_meeting_events_gets_none() {
    let (h, receiver) = sandbox_with_receiver().await;
    let (status, app) = h
        .control("PATCH", "/app", Some(json!({ "event_subscriptions": [] })))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(app["event_subscriptions"], json!([]));
    let token = h.access_token(&h.licensed().clone()).await;
    h.create_meeting(&token, meeting_body()).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(receiver.received.lock().unwrap().is_empty());
}
