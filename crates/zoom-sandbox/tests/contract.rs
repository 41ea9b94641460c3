//! Every status the OpenAPI document lists for the five operations, produced by the sandbox and validated
//! with `zoom_sandbox::contract`, as clients' tests will use it.

#[path = "harness/harness.rs"]
mod harness;

use std::collections::BTreeSet;

use harness::*;
use serde_json::{json, Value};
use zoom_sandbox::contract::{self, OPERATIONS};

#[tokio::test]
async fn the_sandbox_answers_every_documented_status_within_the_contract() {
    let h = start().await;
    let token = h.access_token(h.licensed()).await;
    let unassigned = h.access_token(h.unassigned()).await;
    let user = h.licensed().id.clone();
    let mut covered: BTreeSet<(&str, u16)> = BTreeSet::new();
    let mut check = |operation: &'static str, response: &ApiResponse| {
        let status = response.status.as_u16();
        if let Err(problems) = contract::validate_response(operation, status, &response.body) {
            panic!("{operation} {status}: {problems:#?}\n{}", response.body);
        }
        covered.insert((operation, status));
    };

    // 201 / 200 / 204.
    let body = json!({ "topic": "Contract", "type": 2, "start_time": "2026-11-09T09:00:00",
                       "timezone": "America/New_York", "duration": 45, "agenda": "a",
                       "password": "abc123", "settings": { "waiting_room": true, "audio": "both" } });
    assert_eq!(
        contract::validate_request_strict(contract::MEETING_CREATE, &body),
        Ok(())
    );
    let created = h.api("POST", "/users/me/meetings", &token, Some(&body)).await;
    check(contract::MEETING_CREATE, &created);
    let id = created.body["id"].as_u64().unwrap();
    let path = format!("/meetings/{id}");
    check(contract::MEETING_GET, &h.api("GET", &path, &token, None).await);
    let patch = json!({ "topic": "Contract 2", "start_time": "2026-11-10T15:00:00Z" });
    assert_eq!(
        contract::validate_request_strict(contract::MEETING_UPDATE, &patch),
        Ok(())
    );
    check(
        contract::MEETING_UPDATE,
        &h.api("PATCH", &path, &token, Some(&patch)).await,
    );
    check(
        contract::MEETINGS_LIST,
        &h.api("GET", "/users/me/meetings", &token, None).await,
    );

    // 400: 3161 everywhere, 300 on create/update/list/delete.
    for (operation, method, p, b) in [
        (
            contract::MEETING_CREATE,
            "POST",
            "/users/me/meetings".to_owned(),
            Some(json!({})),
        ),
        (contract::MEETING_GET, "GET", path.clone(), None),
        (contract::MEETING_UPDATE, "PATCH", path.clone(), Some(json!({}))),
        (contract::MEETING_DELETE, "DELETE", path.clone(), None),
        (contract::MEETINGS_LIST, "GET", "/users/me/meetings".to_owned(), None),
    ] {
        let response = h.api(method, &p, &unassigned, b.as_ref()).await;
        assert_eq!(response.body["code"], 3161);
        check(operation, &response);
    }
    let bad = json!({ "duration": 0 });
    check(
        contract::MEETING_CREATE,
        &h.api("POST", "/users/me/meetings", &token, Some(&bad)).await,
    );
    check(
        contract::MEETING_UPDATE,
        &h.api("PATCH", &path, &token, Some(&bad)).await,
    );
    check(
        contract::MEETING_DELETE,
        &h.api("DELETE", &format!("{path}?occurrence_id=1"), &token, None).await,
    );
    check(
        contract::MEETINGS_LIST,
        &h.api("GET", "/users/me/meetings?type=nope", &token, None).await,
    );

    // 404: 1001 for another user, 3001 for a missing meeting.
    let other = format!("/users/{}/meetings", h.basic().id);
    check(
        contract::MEETING_CREATE,
        &h.api("POST", &other, &token, Some(&json!({}))).await,
    );
    check(contract::MEETINGS_LIST, &h.api("GET", &other, &token, None).await);
    check(contract::MEETING_DELETE, &h.api("DELETE", &path, &token, None).await);
    check(contract::MEETING_DELETE, &h.api("DELETE", &path, &token, None).await);
    check(contract::MEETING_GET, &h.api("GET", &path, &token, None).await);
    check(
        contract::MEETING_UPDATE,
        &h.api("PATCH", &path, &token, Some(&json!({}))).await,
    );

    // 429: the daily cap on create/update, the per-second limit (a fault) elsewhere.
    let live = h.create_meeting(&token, json!({})).await;
    let live_path = format!("/meetings/{}", live["id"]);
    h.control(
        "POST",
        &format!("/users/{user}/daily-usage"),
        Some(json!({ "used": 100 })),
    )
    .await;
    check(
        contract::MEETING_CREATE,
        &h.api("POST", "/users/me/meetings", &token, Some(&json!({}))).await,
    );
    check(
        contract::MEETING_UPDATE,
        &h.api("PATCH", &live_path, &token, Some(&json!({}))).await,
    );
    h.add_fault(json!({ "endpoint": "meetings.get", "mode": "rate_limit_429" }))
        .await;
    check(contract::MEETING_GET, &h.api("GET", &live_path, &token, None).await);
    h.add_fault(json!({ "endpoint": "meetings.list", "mode": "rate_limit_429" }))
        .await;
    check(
        contract::MEETINGS_LIST,
        &h.api("GET", "/users/me/meetings", &token, None).await,
    );
    h.add_fault(json!({ "endpoint": "meetings.delete", "mode": "rate_limit_429" }))
        .await;
    check(
        contract::MEETING_DELETE,
        &h.api("DELETE", &live_path, &token, None).await,
    );

    // Every documented status of every operation was produced.
    for operation in OPERATIONS {
        for status in contract::documented_statuses(operation).unwrap() {
            assert!(
                covered.contains(&(operation, status)),
                "{operation} {status} was not exercised"
            );
        }
    }
    // And the call log agrees, request bodies included.
    assert_eq!(h.assert_calls_follow_contract().await, 25);
}

#[tokio::test]
async fn the_contract_catches_what_a_careless_client_or_server_would_get_wrong() {
    // Requests: a number where Zoom wants a string, a bad enum, an overlong topic.
    let problems = contract::validate_request(
        contract::MEETING_CREATE,
        &json!({ "topic": "x".repeat(201), "duration": "60", "settings": { "approval_type": 5 } }),
    )
    .unwrap_err();
    assert_eq!(problems.len(), 3, "{problems:#?}");
    // Responses: a string id, a local start_time, an undocumented status.
    let problems = contract::validate_response(
        contract::MEETING_GET,
        200,
        &json!({ "id": "85746065432", "start_time": "2026-11-09T09:00:00" }),
    )
    .unwrap_err();
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert!(contract::validate_response(contract::MEETING_UPDATE, 200, &Value::Null).is_err());
    assert!(contract::validate_request("meetingExplode", &Value::Null).is_err());
    assert_eq!(contract::spec_override(), Ok(None), "the vendored document is used");
    assert_eq!(contract::spec().unwrap()["paths"].as_object().unwrap().len(), 2);
    assert_eq!(
        contract::operation_for("DELETE", "/v2/meetings/1?occurrence_id=2"),
        Some(contract::MEETING_DELETE)
    );
    // A logged call that broke the contract is reported.
    let call = json!({ "method": "GET", "path": "/v2/meetings/1", "status": 200,
                       "request_body": null, "response_body": { "id": "1" } });
    assert!(contract::validate_call(&call).is_err());
    let call = json!({ "method": "GET", "path": "/v2/meetings/1", "status": 404,
                       "request_body": null, "response_body": { "code": 3001, "message": "Meeting does not exist: 1." } });
    assert_eq!(contract::validate_call(&call), Ok(()));
}
