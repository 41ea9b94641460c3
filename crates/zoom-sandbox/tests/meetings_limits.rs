//! The Meetings API's limits and refusals (daily cap, 3161, 4711) and injected faults.

#[path = "harness/harness.rs"]
mod harness;

use std::time::{Duration, Instant};

use harness::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use zoom_sandbox::contract::{self, MEETING_CREATE, MEETING_UPDATE};
use zoom_sandbox::SandboxConfig;

const DAILY_LIMIT_MESSAGE: &str = "You have exceeded the daily rate limit (100) of Meeting Create/Update API requests permitted for this particular user. You may resume these requests at GMT 00:00:00.";
const PER_SECOND_MESSAGE: &str = "You have reached the maximum per-second rate limit for this API. Try again later.";

async fn setup() -> (Harness, String) {
    let h = start().await;
    let token = h.access_token(h.licensed()).await;
    (h, token)
}

async fn set_usage(h: &Harness, user_id: &str, used: u32) -> Value {
    let (status, body) = h
        .control(
            "POST",
            &format!("/users/{user_id}/daily-usage"),
            Some(json!({ "used": used })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

#[tokio::test]
async fn create_and_update_count_down_from_100_per_day() {
    let (h, token) = setup().await;
    let first = h.api("POST", "/users/me/meetings", &token, Some(&json!({}))).await;
    assert_eq!(first.status, StatusCode::CREATED);
    assert_eq!(first.header("x-ratelimit-limit"), Some("100"));
    assert_eq!(first.header("x-ratelimit-remaining"), Some("99"));
    let id = first.body["id"].as_u64().unwrap();
    let patched = h
        .api(
            "PATCH",
            &format!("/meetings/{id}"),
            &token,
            Some(&json!({ "topic": "t" })),
        )
        .await;
    assert_eq!(patched.header("x-ratelimit-remaining"), Some("98"));
    // GET, list and DELETE do not count.
    let got = h.api("GET", &format!("/meetings/{id}"), &token, None).await;
    assert_eq!(got.header("x-ratelimit-remaining"), None);
    h.api("GET", "/users/me/meetings", &token, None).await;
    h.api("DELETE", &format!("/meetings/{id}"), &token, None).await;
    let (_, usage) = h
        .control("GET", &format!("/users/{}/daily-usage", h.licensed().id), None)
        .await;
    assert_eq!(usage["used"], 2);
    assert_eq!(usage["remaining"], 98);
    assert_eq!(usage["limit"], 100);
}

#[tokio::test]
async fn the_101st_create_or_update_is_429_until_midnight_utc() {
    let (h, _) = setup().await;
    h.set_clock("2026-11-09T23:50:00Z").await;
    let token = h.access_token(h.licensed()).await;
    let user = h.licensed().id.clone();
    let m = h.create_meeting(&token, json!({ "topic": "kept" })).await;
    let id = m["id"].as_u64().unwrap();
    assert_eq!(set_usage(&h, &user, 99).await["remaining"], 1);
    let last = h
        .api(
            "PATCH",
            &format!("/meetings/{id}"),
            &token,
            Some(&json!({ "topic": "last one" })),
        )
        .await;
    assert_eq!(last.status, StatusCode::NO_CONTENT);
    assert_eq!(last.header("x-ratelimit-remaining"), Some("0"));
    let expected = json!({ "code": 429, "message": DAILY_LIMIT_MESSAGE });
    for (method, path, body) in [
        ("POST", "/users/me/meetings".to_owned(), json!({})),
        ("PATCH", format!("/meetings/{id}"), json!({ "topic": "over" })),
    ] {
        let refused = h.api(method, &path, &token, Some(&body)).await;
        assert_eq!(
            (refused.status, &refused.body),
            (StatusCode::TOO_MANY_REQUESTS, &expected),
            "{method}"
        );
        assert_eq!(refused.header("x-ratelimit-limit"), Some("100"));
        assert_eq!(refused.header("x-ratelimit-remaining"), Some("0"));
        assert!(refused.header("x-ratelimit-category").is_some());
        assert_eq!(refused.header("retry-after"), None, "facts §4.2: no Retry-After");
        let operation = if method == "POST" {
            MEETING_CREATE
        } else {
            MEETING_UPDATE
        };
        assert_eq!(contract::validate_response(operation, 429, &refused.body), Ok(()));
    }
    assert_eq!(h.sandbox_meetings().await.len(), 1, "nothing was created");
    assert_eq!(h.sandbox_meetings().await[0]["topic"], "last one");
    // Reads and deletes still work.
    let got = h.api("GET", &format!("/meetings/{id}"), &token, None).await;
    assert_eq!(got.status, StatusCode::OK);
    // 23:59:59 is still the same UTC day; 00:00:00 is a new one.
    h.set_clock("2026-11-09T23:59:59Z").await;
    let refused = h.api("POST", "/users/me/meetings", &token, Some(&json!({}))).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    h.set_clock("2026-11-10T00:00:00Z").await;
    let fresh = h.api("POST", "/users/me/meetings", &token, Some(&json!({}))).await;
    assert_eq!(fresh.status, StatusCode::CREATED);
    assert_eq!(fresh.header("x-ratelimit-remaining"), Some("99"));
    // The cap is per host user.
    let sam = h.access_token(h.basic()).await;
    set_usage(&h, &h.basic().id, 100).await;
    let refused = h.api("POST", "/users/me/meetings", &sam, Some(&json!({}))).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    let ok = h.api("POST", "/users/me/meetings", &token, Some(&json!({}))).await;
    assert_eq!(ok.status, StatusCode::CREATED);
    h.assert_calls_follow_contract().await;
}

#[tokio::test]
async fn the_daily_usage_knob_needs_a_known_user() {
    let h = start().await;
    let (status, _) = h
        .control("POST", "/users/nobody/daily-usage", Some(json!({ "used": 3 })))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn unassigned_users_get_3161_on_every_meetings_endpoint() {
    let h = start().await;
    let token = h.access_token(h.unassigned()).await;
    let expected = json!({
        "code": 3161,
        "message": "Your user account is not allowed meeting hosting and scheduling capabilities."
    });
    let calls = [
        ("POST", "/users/me/meetings", Some(json!({ "topic": "no" }))),
        ("GET", "/users/me/meetings", None),
        ("GET", "/meetings/85746065432", None),
        ("PATCH", "/meetings/85746065432", Some(json!({ "topic": "no" }))),
        ("DELETE", "/meetings/85746065432", None),
    ];
    for (method, path, body) in calls {
        let response = h.api(method, path, &token, body.as_ref()).await;
        assert_eq!(
            (response.status, &response.body),
            (StatusCode::BAD_REQUEST, &expected),
            "{method} {path}"
        );
    }
    // users/me still works for them.
    assert_eq!(h.me(&token).await.0, StatusCode::OK);
    assert_eq!(h.assert_calls_follow_contract().await, 5);
}

#[tokio::test]
async fn a_token_without_the_endpoints_scope_gets_4711() {
    let mut config = SandboxConfig::demo(REDIRECT, None);
    config.scopes = vec!["user:read:user".to_owned()];
    let h = start_with(config, true).await;
    let token = h.access_token(h.licensed()).await;
    let calls = [
        ("POST", "/users/me/meetings", "meeting:write:meeting"),
        ("GET", "/users/me/meetings", "meeting:read:list_meetings"),
        ("GET", "/meetings/85746065432", "meeting:read:meeting"),
        ("PATCH", "/meetings/85746065432", "meeting:update:meeting"),
        ("DELETE", "/meetings/85746065432", "meeting:delete:meeting"),
    ];
    for (method, path, scope) in calls {
        let body = matches!(method, "POST" | "PATCH").then(|| json!({}));
        let response = h.api(method, path, &token, body.as_ref()).await;
        assert_eq!(
            (response.status, response.body),
            (
                StatusCode::BAD_REQUEST,
                json!({
                    "code": 4711,
                    "message": format!("Invalid access token, does not contain scopes:[{scope}, {scope}:admin].")
                })
            ),
            "{method} {path}"
        );
    }
    // A grant with only the create scope can create but not delete.
    let mut config = SandboxConfig::demo(REDIRECT, None);
    config.scopes = vec!["meeting:write:meeting".to_owned()];
    let h = start_with(config, true).await;
    let token = h.access_token(h.licensed()).await;
    let m = h.create_meeting(&token, json!({})).await;
    let response = h.api("DELETE", &format!("/meetings/{}", m["id"]), &token, None).await;
    assert_eq!(response.body["code"], 4711);
    assert_eq!(h.sandbox_meetings().await[0]["deleted"], false);
}

// ---- faults ------------------------------------------------------------------------------------------

#[tokio::test]
async fn error_faults_answer_the_next_n_calls_and_do_nothing() {
    let (h, token) = setup().await;
    h.add_fault(json!({ "endpoint": "meetings.create", "mode": "error_503", "count": 2 }))
        .await;
    for _ in 0..2 {
        let response = h.api("POST", "/users/me/meetings", &token, Some(&json!({}))).await;
        assert_eq!(
            (response.status, response.body),
            (
                StatusCode::SERVICE_UNAVAILABLE,
                json!({ "code": 503, "message": "Service Unavailable" })
            )
        );
    }
    assert!(h.sandbox_meetings().await.is_empty());
    assert_eq!(
        h.api("POST", "/users/me/meetings", &token, Some(&json!({})))
            .await
            .status,
        StatusCode::CREATED
    );

    h.add_fault(json!({ "endpoint": "meetings.get", "mode": "error_500" }))
        .await;
    let id = h.sandbox_meetings().await[0]["id"].as_u64().unwrap();
    let response = h.api("GET", &format!("/meetings/{id}"), &token, None).await;
    assert_eq!(
        (response.status, response.body),
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            json!({ "code": 500, "message": "Internal Server Error" })
        )
    );
    assert_eq!(
        h.api("GET", &format!("/meetings/{id}"), &token, None).await.status,
        StatusCode::OK
    );

    h.add_fault(json!({ "endpoint": "meetings.delete", "mode": "rate_limit_429" }))
        .await;
    let response = h.api("DELETE", &format!("/meetings/{id}"), &token, None).await;
    assert_eq!(
        (response.status, &response.body),
        (
            StatusCode::TOO_MANY_REQUESTS,
            &json!({ "code": 429, "message": PER_SECOND_MESSAGE })
        )
    );
    assert_eq!(response.header("x-ratelimit-category"), Some("Light"));
    assert_eq!(h.sandbox_meetings().await[0]["deleted"], false);
    assert_eq!(
        h.api("DELETE", &format!("/meetings/{id}"), &token, None).await.status,
        StatusCode::NO_CONTENT
    );

    // The log names the fault and counts the attempts.
    let (_, log) = h.control("GET", "/calls", None).await;
    let faulted: Vec<(&str, &str)> = log["calls"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| Some((c["kind"].as_str()?, c["fault"].as_str()?)))
        .collect();
    assert_eq!(
        faulted,
        [
            ("api.meetings.create", "error_503"),
            ("api.meetings.create", "error_503"),
            ("api.meetings.get", "error_500"),
            ("api.meetings.delete", "rate_limit_429"),
        ]
    );
    assert_eq!(log["counters"]["api.meetings.create"], 3);
    h.assert_calls_follow_contract().await;
}

#[tokio::test]
async fn faults_on_the_token_endpoint_users_and_star() {
    let h = start().await;
    h.add_fault(json!({ "endpoint": "token", "mode": "error_500" })).await;
    let code = h.code_for(h.licensed(), &[]).await;
    let (status, _) = h.exchange(&code).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    // The fault pre-empted the exchange, so the code was not consumed.
    let (status, tokens) = h.exchange(&code).await;
    assert_eq!(status, StatusCode::OK);
    let token = tokens["access_token"].as_str().unwrap();
    let (_, log) = h.control("GET", "/calls", None).await;
    assert_eq!(log["counters"]["token.authorization_code"], 2);

    h.add_fault(json!({ "endpoint": "users.get", "mode": "error_503" }))
        .await;
    assert_eq!(h.me(token).await.0, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(h.me(token).await.0, StatusCode::OK);

    h.add_fault(json!({ "endpoint": "*", "mode": "rate_limit_429", "count": 2 }))
        .await;
    let (status, body) = h.me(token).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::TOO_MANY_REQUESTS,
            json!({ "code": 429, "message": PER_SECOND_MESSAGE })
        )
    );
    let response = h.api("GET", "/users/me/meetings", token, None).await;
    assert_eq!(response.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(response.header("x-ratelimit-type"), Some("QPS"));
    assert_eq!(
        h.api("GET", "/users/me/meetings", token, None).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn faults_can_be_listed_and_cleared_and_bad_ones_are_refused() {
    let h = start().await;
    h.add_fault(json!({ "endpoint": "meetings.list", "mode": "hang", "count": 3, "hang_secs": 5 }))
        .await;
    h.add_fault(json!({ "endpoint": "*", "mode": "error_500" })).await;
    let (status, pending) = h.control("GET", "/faults", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        pending,
        json!([
            { "endpoint": "meetings.list", "mode": "hang", "remaining": 3, "hang_secs": 5 },
            { "endpoint": "*", "mode": "error_500", "remaining": 1, "hang_secs": 60 },
        ])
    );
    let (status, _) = h.control("DELETE", "/faults", None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(h.control("GET", "/faults", None).await.1, json!([]));
    let (status, body) = h
        .control(
            "POST",
            "/faults",
            Some(json!({ "endpoint": "meetings.explode", "mode": "error_500" })),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"].as_str().unwrap().contains("meetings.explode"));
    let (status, _) = h
        .control(
            "POST",
            "/faults",
            Some(json!({ "endpoint": "token", "mode": "explode" })),
        )
        .await;
    assert!(status.is_client_error());
}

fn impatient_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_millis(400))
        .build()
        .unwrap()
}

#[tokio::test]
async fn hang_answers_nothing_in_time_and_does_nothing() {
    let (h, token) = setup().await;
    h.add_fault(json!({ "endpoint": "meetings.create", "mode": "hang", "hang_secs": 2 }))
        .await;
    let started = Instant::now();
    let result = impatient_client()
        .post(h.url("/v2/users/me/meetings"))
        .bearer_auth(&token)
        .json(&json!({ "topic": "lost" }))
        .send()
        .await;
    let error = result.expect_err("the sandbox hangs");
    assert!(error.is_timeout(), "{error}");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(h.sandbox_meetings().await.is_empty(), "a hang does nothing");
    let (_, log) = h.control("GET", "/calls", None).await;
    let call = &log["calls"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(call["fault"], "hang");
    assert_eq!(call["kind"], "api.meetings.create");
    assert_eq!(call["request_body"], json!({ "topic": "lost" }));

    // A patient client gets an empty 504 once hang_secs have passed.
    h.add_fault(json!({ "endpoint": "meetings.list", "mode": "hang", "hang_secs": 1 }))
        .await;
    let started = Instant::now();
    let response = h.api("GET", "/users/me/meetings", &token, None).await;
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(response.status, StatusCode::GATEWAY_TIMEOUT);
    assert_eq!(response.body, Value::Null);
}

#[tokio::test]
async fn hang_after_commit_creates_the_meeting_and_loses_the_answer() {
    let (h, token) = setup().await;
    h.add_fault(json!({ "endpoint": "meetings.create", "mode": "hang_after_commit", "hang_secs": 2 }))
        .await;
    let body = json!({ "topic": "Session", "start_time": "2026-11-09T14:00:00Z" });
    let result = impatient_client()
        .post(h.url("/v2/users/me/meetings"))
        .bearer_auth(&token)
        .json(&body)
        .send()
        .await;
    assert!(result.expect_err("the answer is lost").is_timeout());
    let meetings = h.sandbox_meetings().await;
    assert_eq!(meetings.len(), 1, "the meeting was created all the same");
    assert_eq!(meetings[0]["topic"], "Session");
    // A naive retry makes a duplicate: that is what this fault is for.
    let retry = h.create_meeting(&token, body).await;
    assert_ne!(retry["id"], meetings[0]["id"]);
    assert_eq!(h.sandbox_meetings().await.len(), 2);
    // The log holds the answer the client never saw.
    let (_, log) = h.control("GET", "/calls", None).await;
    let lost = log["calls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["fault"] == "hang_after_commit")
        .unwrap()
        .clone();
    assert_eq!(lost["status"], 201);
    assert_eq!(lost["response_body"]["id"], meetings[0]["id"]);

    // On DELETE it deletes; a patient client gets the real answer late.
    let id = retry["id"].as_u64().unwrap();
    h.add_fault(json!({ "endpoint": "meetings.delete", "mode": "hang_after_commit", "hang_secs": 1 }))
        .await;
    let response = h.api("DELETE", &format!("/meetings/{id}"), &token, None).await;
    assert_eq!(response.status, StatusCode::NO_CONTENT);
    let again = h.api("DELETE", &format!("/meetings/{id}"), &token, None).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    h.assert_calls_follow_contract().await;
}
