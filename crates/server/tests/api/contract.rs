//! Every request our server sends to Zoom's Meetings API, and every answer the sandbox gives, validated against
//! Zoom's official OpenAPI document (vendored in `crates/zoom-sandbox/spec/meetings-openapi.json`).

use serde_json::json;
use zoom_sandbox::contract;

use crate::support::*;

#[tokio::test]
async fn every_meetings_call_matches_zooms_openapi() {
    let app = spawn_app().await;
    app.sign_in(SOLO).await;
    app.connect_as(LICENSED).await;
    let send = |method: reqwest::Method, path: String, body: Option<serde_json::Value>| {
        let mut r = app
            .client
            .request(method, app.url(&path))
            .header(api::CSRF_HEADER, api::CSRF_HEADER_VALUE);
        if let Some(body) = body {
            r = r.json(&body);
        }
        r.send()
    };
    let start = (chrono::Utc::now() + chrono::Duration::days(9))
        .date_naive()
        .and_hms_opt(9, 0, 0)
        .unwrap();
    let body = |hour: u32, opt_in: bool| {
        json!({ "client_name": "Ana Silva", "start_local": start.date().and_hms_opt(hour, 30, 0).unwrap(),
                "time_zone": "America/Chicago", "duration_minutes": 45, "private_notes": "",
                "client_name_in_zoom_topic": opt_in })
    };
    // Create, retitle (PATCH), reschedule (create + delete), start (GET), lost answer (list), cancel (DELETE).
    let created: serde_json::Value = send(reqwest::Method::POST, api::paths::SESSIONS.into(), Some(body(9, false)))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["id"].as_i64().unwrap();
    assert_eq!(
        send(reqwest::Method::PUT, api::paths::session(id), Some(body(9, true)))
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        send(reqwest::Method::PUT, api::paths::session(id), Some(body(11, true)))
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        send(reqwest::Method::POST, api::paths::session_start(id), None)
            .await
            .unwrap()
            .status(),
        200
    );
    app.sandbox_post(
        "/faults",
        json!({ "endpoint": "meetings.create", "mode": "hang_after_commit", "count": 1, "hang_secs": 4 }),
    )
    .await;
    let second: serde_json::Value = send(
        reqwest::Method::POST,
        api::paths::SESSIONS.into(),
        Some(body(14, false)),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    // The lost answer is retried (the retry finds the meeting Zoom made) before the cancel.
    app.settle().await;
    let s: serde_json::Value = app.get_json(&api::paths::session(second["id"].as_i64().unwrap())).await;
    assert_eq!(s["zoom"]["sync"]["state"], "in_sync", "{s}");
    assert_eq!(
        send(reqwest::Method::DELETE, api::paths::session(id), None)
            .await
            .unwrap()
            .status(),
        204
    );

    let log = app.sandbox_get("/calls").await;
    let mut checked = std::collections::BTreeMap::<&str, usize>::new();
    for call in log["calls"].as_array().unwrap() {
        let (method, path) = (call["method"].as_str().unwrap(), call["path"].as_str().unwrap());
        let Some(operation) = contract::operation_for(method, path) else {
            continue;
        };
        if let Err(errors) = contract::validate_call(call) {
            panic!("{method} {path} breaks Zoom's contract: {errors:?}\n{call}");
        }
        if !call["request_body"].is_null() {
            contract::validate_request_strict(operation, &call["request_body"])
                .unwrap_or_else(|e| panic!("our {operation} request uses fields Zoom does not define: {e:?}"));
        }
        *checked.entry(operation).or_default() += 1;
    }
    for operation in contract::OPERATIONS {
        assert!(
            checked.get(operation).copied().unwrap_or(0) > 0,
            "{operation} was exercised: {checked:?}"
        );
    }
}
