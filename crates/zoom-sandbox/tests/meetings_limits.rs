//! The Meetings API's limits and refusals (the per-user daily cap, Zoom's account-wide per-second and daily rate
//! limits, 3161, 4711) and injected faults.
//!
//! The account-wide limit tests start with `start_limited` (per-second limits on, as in the demo); the others use
//! `start`, which switches them off.

#[path = "harness/harness.rs"]
mod harness;

use std::time::{Duration, Instant};

use harness::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use zoom_sandbox::contract::{self, MEETINGS_LIST, MEETING_CREATE, MEETING_UPDATE};
use zoom_sandbox::SandboxConfig;

const DAILY_LIMIT_MESSAGE: &str = "You have exceeded the daily rate limit (100) of Meeting Create/Update API requests permitted for this particular user. You may resume these requests at GMT 00:00:00.";
const PER_SECOND_MESSAGE: &str = "You have reached the maximum per-second rate limit for this API. Try again later.";
const ACCOUNT_DAILY_MESSAGE: &str = "You have reached the maximum daily rate limit for this API. Refer to the response header for details on when you can make another request.";

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
    // Four 429s from the per-user cap, none from the account-wide limits; the log says which limit refused.
    assert_eq!(
        h.rate_limits().await,
        json!({ "per_second": false, "refused": { "per_second": 0, "daily": 0, "user_daily": 4 } })
    );
    let (_, log) = h.control("GET", "/calls", None).await;
    let refused = log["calls"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["rate_limit"] == "user_daily" && c["status"] == 429)
        .count();
    assert_eq!(refused, 4);
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

// ---- Zoom's account-wide rate limits (facts §4.2) ---------------------------------------------------------

/// `n` concurrent `GET /v2{path}`: they all reach the sandbox within the same second. Returns the answers.
async fn burst(h: &Harness, n: usize, path: &str, token: &str) -> Vec<(StatusCode, reqwest::header::HeaderMap)> {
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..n {
        let request = h.http.get(h.url(&format!("/v2{path}"))).bearer_auth(token);
        calls.spawn(async move {
            let response = request.send().await.unwrap();
            (response.status(), response.headers().clone())
        });
    }
    let mut answers = Vec::new();
    while let Some(answer) = calls.join_next().await {
        answers.push(answer.unwrap());
    }
    answers
}

/// How many of a burst got `status`; every 429 must carry the QPS headers with `limit`.
fn count_burst(answers: &[(StatusCode, reqwest::header::HeaderMap)], category: &str, limit: u32) -> (usize, usize) {
    let ok = answers.iter().filter(|(s, _)| *s == StatusCode::OK).count();
    let refused: Vec<_> = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::TOO_MANY_REQUESTS)
        .collect();
    for (_, headers) in &refused {
        let header = |name: &str| headers.get(name).map(|v| v.to_str().unwrap().to_owned());
        assert_eq!(header("x-ratelimit-category").as_deref(), Some(category));
        assert_eq!(header("x-ratelimit-type").as_deref(), Some("QPS"));
        assert_eq!(header("x-ratelimit-limit"), Some(limit.to_string()));
        assert_eq!(header("x-ratelimit-remaining").as_deref(), Some("0"));
    }
    assert_eq!(ok + refused.len(), answers.len(), "only 200s and 429s");
    (ok, refused.len())
}

fn assert_qps_429(response: &ApiResponse, category: &str, limit: &str) {
    assert_eq!(
        (response.status, &response.body),
        (
            StatusCode::TOO_MANY_REQUESTS,
            &json!({ "code": 429, "message": PER_SECOND_MESSAGE })
        )
    );
    assert_eq!(response.header("x-ratelimit-category"), Some(category));
    assert_eq!(response.header("x-ratelimit-type"), Some("QPS"));
    assert_eq!(response.header("x-ratelimit-limit"), Some(limit));
    assert_eq!(response.header("x-ratelimit-remaining"), Some("0"));
    assert_eq!(response.header("retry-after"), None);
}

async fn plan(h: &Harness, account_id: &str) -> Value {
    let (status, body) = h.control("GET", &format!("/accounts/{account_id}/plan"), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

async fn set_plan(h: &Harness, account_id: &str, plan: Value) -> Value {
    let (status, body) = h
        .control(
            "POST",
            &format!("/accounts/{account_id}/plan"),
            Some(json!({ "plan": plan })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

#[tokio::test]
async fn a_free_account_gets_two_creates_and_four_light_calls_a_second_then_a_qps_429() {
    let h = start_limited().await;
    assert_eq!(h.rate_limits().await["per_second"], true, "on by default");
    let account = h.basic().account_id.clone();
    assert_eq!(
        plan(&h, &account).await,
        json!({
            "account_id": account,
            "plan": "free",
            "overridden": false,
            "per_second": { "light": 4, "medium": 2, "heavy": 1 },
            "daily": { "light": 6000, "medium": 2000, "heavy": 1000 },
        }),
        "a Basic user's account gets Free limits"
    );
    let token = h.access_token(h.basic()).await;
    let first = h.api("POST", "/users/me/meetings", &token, Some(&json!({}))).await;
    let second = h.api("POST", "/users/me/meetings", &token, Some(&json!({}))).await;
    let third = h.api("POST", "/users/me/meetings", &token, Some(&json!({}))).await;
    let list = h.api("GET", "/users/me/meetings", &token, None).await;
    let id = first.body["id"].as_u64().unwrap();
    let mut light = Vec::new();
    for _ in 0..3 {
        light.push(h.api("GET", &format!("/meetings/{id}"), &token, None).await);
    }
    let path = format!("/meetings/{id}");
    let fourth = json!({ "topic": "fourth light call" });
    light.push(h.api("PATCH", &path, &token, Some(&fourth)).await);
    let fifth = h
        .api("PATCH", &path, &token, Some(&json!({ "topic": "refused" })))
        .await;

    // The per-user cap's headers on successes are as before.
    assert_eq!(first.status, StatusCode::CREATED);
    assert_eq!(second.status, StatusCode::CREATED);
    assert_eq!(second.header("x-ratelimit-limit"), Some("100"));
    assert_eq!(second.header("x-ratelimit-remaining"), Some("98"));
    assert_qps_429(&third, "Medium", "2");
    assert_qps_429(&list, "Medium", "2");
    let statuses: Vec<_> = light.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        [StatusCode::OK, StatusCode::OK, StatusCode::OK, StatusCode::NO_CONTENT],
        "Light has its own window"
    );
    assert_qps_429(&fifth, "Light", "4");
    assert_eq!(contract::validate_response(MEETING_CREATE, 429, &third.body), Ok(()));
    assert_eq!(contract::validate_response(MEETINGS_LIST, 429, &list.body), Ok(()));

    // Refused calls did nothing and did not count toward the per-user cap.
    let meetings = h.sandbox_meetings().await;
    assert_eq!(meetings.len(), 2);
    let patched = meetings.iter().find(|m| m["id"] == id).unwrap();
    assert_eq!(patched["topic"], "fourth light call");
    let (_, usage) = h
        .control("GET", &format!("/users/{}/daily-usage", h.basic().id), None)
        .await;
    assert_eq!(usage["used"], 3, "two creates and one update");
    // They are in the log like any other call.
    let (_, log) = h.control("GET", "/calls", None).await;
    let refused: Vec<(&str, &str)> = log["calls"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == 429)
        .map(|c| {
            assert_eq!(c["zoom_user_id"], h.basic().id.as_str());
            (c["kind"].as_str().unwrap(), c["rate_limit"].as_str().unwrap())
        })
        .collect();
    assert_eq!(
        refused,
        [
            ("api.meetings.create", "per_second"),
            ("api.meetings.list", "per_second"),
            ("api.meetings.update", "per_second"),
        ]
    );

    // A second later the window has room again.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let again = h.api("POST", "/users/me/meetings", &token, Some(&json!({}))).await;
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.body);
    assert_eq!(
        h.rate_limits().await,
        json!({ "per_second": true, "refused": { "per_second": 3, "daily": 0, "user_daily": 0 } })
    );
    h.assert_calls_follow_contract().await;
}

#[tokio::test]
async fn a_licensed_users_account_gets_pro_limits_20_medium_and_30_light_a_second() {
    let h = start_limited().await;
    let account = h.licensed().account_id.clone();
    let pro = plan(&h, &account).await;
    assert_eq!(pro["plan"], "pro");
    assert_eq!(pro["per_second"], json!({ "light": 30, "medium": 20, "heavy": 10 }));
    assert_eq!(pro["daily"], json!({ "light": null, "medium": null, "heavy": null }));
    let token = h.access_token(h.licensed()).await;
    let medium = burst(&h, 25, "/users/me/meetings", &token).await;
    assert_eq!(count_burst(&medium, "Medium", 20), (20, 5));
    let light = burst(&h, 35, "/users/me", &token).await;
    assert_eq!(count_burst(&light, "Light", 30), (30, 5));
    // Another account is not affected.
    let sam = h.access_token(h.basic()).await;
    assert_eq!(
        h.api("GET", "/users/me/meetings", &sam, None).await.status,
        StatusCode::OK
    );
    assert_eq!(h.rate_limits().await["refused"]["per_second"], 10);
    h.assert_calls_follow_contract().await;
}

#[tokio::test]
async fn the_limits_are_shared_by_the_account_whose_plan_its_users_decide() {
    let h = start_limited().await;
    let account = "shared-free-account";
    let mut tokens = Vec::new();
    for email in ["one@zoom.example", "two@zoom.example"] {
        let (status, user) = h
            .control(
                "POST",
                "/users",
                Some(json!({ "email": email, "type": 1, "account_id": account })),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{user}");
        let user: zoom_sandbox::User = h
            .sandbox
            .as_ref()
            .unwrap()
            .users()
            .into_iter()
            .find(|u| u.email == email)
            .unwrap();
        tokens.push(h.access_token(&user).await);
    }
    assert_eq!(plan(&h, account).await["plan"], "free");
    // Two Basic users of one Free account share its 2 Medium calls a second.
    assert_eq!(
        h.api("GET", "/users/me/meetings", &tokens[0], None).await.status,
        StatusCode::OK
    );
    assert_eq!(
        h.api("GET", "/users/me/meetings", &tokens[1], None).await.status,
        StatusCode::OK
    );
    let refused = h.api("GET", "/users/me/meetings", &tokens[1], None).await;
    assert_qps_429(&refused, "Medium", "2");
    // One Licensed user makes the account Pro.
    let (status, _) = h
        .control(
            "POST",
            "/users",
            Some(json!({ "email": "three@zoom.example", "type": 2, "account_id": account })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(plan(&h, account).await["plan"], "pro");
    assert_eq!(
        h.api("GET", "/users/me/meetings", &tokens[1], None).await.status,
        StatusCode::OK
    );
    let (status, _) = h.control("GET", "/accounts/nobody/plan", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = h
        .control("POST", "/accounts/nobody/plan", Some(json!({ "plan": "pro" })))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_plan_override_sets_the_limits_and_null_returns_to_the_users_plan() {
    let h = start_limited().await;
    let account = h.basic().account_id.clone();
    let business = set_plan(&h, &account, json!("business")).await;
    assert_eq!(
        business,
        json!({
            "account_id": account,
            "plan": "business",
            "overridden": true,
            "per_second": { "light": 80, "medium": 60, "heavy": 40 },
            "daily": { "light": null, "medium": null, "heavy": null },
        })
    );
    assert_eq!(plan(&h, &account).await, business);
    let token = h.access_token(h.basic()).await;
    let medium = burst(&h, 65, "/users/me/meetings", &token).await;
    assert_eq!(count_burst(&medium, "Medium", 60), (60, 5));

    // Down to Free: the daily cap applies too.
    let free = set_plan(&h, &h.licensed().account_id, json!("free")).await;
    assert_eq!(
        (free["plan"].clone(), free["overridden"].clone()),
        (json!("free"), json!(true))
    );
    let back = set_plan(&h, &account, Value::Null).await;
    assert_eq!(
        (back["plan"].clone(), back["overridden"].clone()),
        (json!("free"), json!(false))
    );
    let back = set_plan(&h, &h.licensed().account_id, Value::Null).await;
    assert_eq!(back["plan"], "pro");
    let (status, _) = h
        .control(
            "POST",
            &format!("/accounts/{account}/plan"),
            Some(json!({ "plan": "platinum" })),
        )
        .await;
    assert!(status.is_client_error());
}

#[tokio::test]
async fn the_switch_turns_the_per_second_limits_off_and_on() {
    assert_eq!(
        start().await.rate_limits().await["per_second"],
        false,
        "the harness's start switches them off"
    );
    let h = start_limited().await;
    let token = h.access_token(h.basic()).await;
    h.set_per_second_limits(false).await;
    for _ in 0..6 {
        h.create_meeting(&token, json!({})).await;
    }
    assert_eq!(
        h.rate_limits().await,
        json!({ "per_second": false, "refused": { "per_second": 0, "daily": 0, "user_daily": 0 } })
    );
    // Calls made while it was off do not fill the window.
    h.set_per_second_limits(true).await;
    h.create_meeting(&token, json!({})).await;
    h.create_meeting(&token, json!({})).await;
    let refused = h.api("POST", "/users/me/meetings", &token, Some(&json!({}))).await;
    assert_qps_429(&refused, "Medium", "2");
    assert_eq!(h.rate_limits().await["refused"]["per_second"], 1);
    assert_eq!(h.sandbox_meetings().await.len(), 8);
}

#[tokio::test]
async fn a_free_accounts_daily_medium_cap_answers_daily_limit_until_midnight_utc() {
    let h = start_limited().await;
    h.set_clock("2026-12-05T18:30:00Z").await;
    let account = h.basic().account_id.clone();
    let token = h.access_token(h.basic()).await;
    let (status, usage) = h
        .control(
            "POST",
            &format!("/accounts/{account}/daily-usage"),
            Some(json!({ "category": "medium", "used": 1999 })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{usage}");
    assert_eq!(
        usage,
        json!({
            "account_id": account,
            "day": "2026-12-05",
            "plan": "free",
            "categories": {
                "light": { "used": 0, "limit": 6000, "remaining": 6000 },
                "medium": { "used": 1999, "limit": 2000, "remaining": 1 },
                "heavy": { "used": 0, "limit": 1000, "remaining": 1000 },
            },
        })
    );
    let last = h.api("POST", "/users/me/meetings", &token, Some(&json!({}))).await;
    assert_eq!(last.status, StatusCode::CREATED);
    let expected = json!({ "code": 429, "message": ACCOUNT_DAILY_MESSAGE });
    for (method, path, body) in [
        ("POST", "/users/me/meetings", Some(json!({}))),
        ("GET", "/users/me/meetings", None),
    ] {
        let refused = h.api(method, path, &token, body.as_ref()).await;
        assert_eq!(
            (refused.status, &refused.body),
            (StatusCode::TOO_MANY_REQUESTS, &expected),
            "{method} {path}"
        );
        assert_eq!(refused.header("x-ratelimit-category"), Some("Medium"));
        assert_eq!(refused.header("x-ratelimit-type"), Some("Daily-limit"));
        assert_eq!(refused.header("x-ratelimit-limit"), Some("2000"));
        assert_eq!(refused.header("x-ratelimit-remaining"), Some("0"));
        assert_eq!(
            refused.header("retry-after"),
            Some("2026-12-06T00:00:00Z"),
            "an ISO date, not seconds (facts §4.2)"
        );
    }
    // Light calls have a cap of their own; nothing more was created or counted.
    assert_eq!(h.me(&token).await.0, StatusCode::OK);
    assert_eq!(h.sandbox_meetings().await.len(), 1);
    let (_, usage) = h
        .control("GET", &format!("/accounts/{account}/daily-usage"), None)
        .await;
    assert_eq!(usage["categories"]["medium"]["used"], 2000);
    assert_eq!(usage["categories"]["light"]["used"], 1);
    let (_, usage) = h
        .control("GET", &format!("/users/{}/daily-usage", h.basic().id), None)
        .await;
    assert_eq!(usage["used"], 1, "the per-user cap did not see the refused create");
    assert_eq!(
        h.rate_limits().await["refused"],
        json!({ "per_second": 0, "daily": 2, "user_daily": 0 })
    );
    // A new UTC day starts from zero.
    h.set_clock("2026-12-06T00:00:00Z").await;
    let token = h.access_token(h.basic()).await; // the old one expired with the move
    let fresh = h.api("POST", "/users/me/meetings", &token, Some(&json!({}))).await;
    assert_eq!(fresh.status, StatusCode::CREATED, "{}", fresh.body);
    // The Licensed user's Pro account has no daily cap.
    let licensed = h.licensed().account_id.clone();
    let (_, usage) = h
        .control(
            "POST",
            &format!("/accounts/{licensed}/daily-usage"),
            Some(json!({ "category": "medium", "used": 5000 })),
        )
        .await;
    assert_eq!(
        usage["categories"]["medium"],
        json!({ "used": 5000, "limit": null, "remaining": null })
    );
    let alex = h.access_token(h.licensed()).await;
    assert_eq!(
        h.create_meeting(&alex, json!({})).await["topic"],
        "Alex Rivera's Zoom Meeting"
    );
    let (status, _) = h
        .control(
            "POST",
            "/accounts/nobody/daily-usage",
            Some(json!({ "category": "medium", "used": 1 })),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    h.assert_calls_follow_contract().await;
}
