//! The Meetings API round trips and rules (facts §3, §5), every answer checked against Zoom's OpenAPI.

#[path = "harness/harness.rs"]
mod harness;

use chrono::{DateTime, Duration, Utc};
use harness::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use zoom_sandbox::contract::{self, MEETINGS_LIST, MEETING_CREATE, MEETING_GET};

fn time(value: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(value.as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

fn id_of(meeting: &Value) -> u64 {
    meeting["id"].as_u64().expect("an integer id")
}

async fn setup() -> (Harness, String) {
    let h = start().await;
    let token = h.access_token(h.licensed()).await;
    (h, token)
}

#[tokio::test]
async fn create_answers_201_with_zooms_shape() {
    let (h, token) = setup().await;
    let request = json!({
        "topic": "Therapy session",
        "type": 2,
        "start_time": "2026-11-09T14:00:00Z",
        "duration": 50,
        "timezone": "America/New_York",
        "agenda": "Intake",
        "settings": {
            "waiting_room": true, "join_before_host": true, "approval_type": 2,
            "audio": "voip", "auto_recording": "none", "mute_upon_entry": true
        }
    });
    assert_eq!(contract::validate_request(MEETING_CREATE, &request), Ok(()));
    let response = h.api("POST", "/users/me/meetings", &token, Some(&request)).await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
    assert_eq!(contract::validate_response(MEETING_CREATE, 201, &response.body), Ok(()));
    assert_eq!(response.header("x-ratelimit-category"), Some("Medium"));
    let m = &response.body;
    let id = id_of(m);
    assert!(id > 1 << 32, "ids exceed 32 bits: {id}");
    assert!((10..=11).contains(&id.to_string().len()));
    assert_eq!(m["host_id"], json!(h.licensed().id));
    assert_eq!(m["host_email"], json!("dr.rivera@zoom.example"));
    assert_eq!(m["topic"], "Therapy session");
    assert_eq!(m["type"], 2);
    assert_eq!(m["status"], "waiting");
    assert_eq!(m["start_time"], "2026-11-09T14:00:00Z");
    assert_eq!(m["duration"], 50);
    assert_eq!(m["timezone"], "America/New_York");
    assert_eq!(m["agenda"], "Intake");
    assert_eq!(m["pre_schedule"], false);
    assert_eq!(m["creation_source"], "open_api");
    assert!(!m["uuid"].as_str().unwrap().is_empty());
    let password = m["password"].as_str().unwrap();
    assert!(!password.is_empty() && password.len() <= 10);
    for field in ["encrypted_password", "h323_password", "pstn_password"] {
        assert!(!m[field].as_str().unwrap().is_empty(), "{field}");
    }
    let join_url = m["join_url"].as_str().unwrap();
    assert!(join_url.starts_with(&format!("{}/j/{id}?pwd=", h.base)), "{join_url}");
    let start_url = m["start_url"].as_str().unwrap();
    assert!(start_url.starts_with(&format!("{}/s/{id}?zak=", h.base)), "{start_url}");
    let settings = &m["settings"];
    assert_eq!(settings["waiting_room"], true);
    assert_eq!(
        settings["join_before_host"], false,
        "the waiting room turns join-before-host off"
    );
    assert_eq!(settings["audio"], "voip");
    assert_eq!(settings["approval_type"], 2);
    assert_eq!(settings["mute_upon_entry"], true);
    assert_eq!(settings["auto_recording"], "none");
    let created_at = time(&m["created_at"]);
    assert!((Utc::now() - created_at).num_seconds().abs() < 5);
    // The join link opens the sandbox's join page, which offers Zoom's web client as Zoom's page does.
    let page = h.http.get(join_url).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    let pwd = join_url.split("pwd=").nth(1).unwrap();
    let web_client = format!("/wc/join/{id}?pwd={pwd}");
    assert!(html.contains(&format!("href=\"{web_client}\"")), "{html}");
    let browser = h.http.get(h.url(&web_client)).send().await.unwrap();
    assert_eq!(browser.status(), StatusCode::OK);
    assert!(browser
        .text()
        .await
        .unwrap()
        .contains("Joining meeting in your browser"));
    let wrong = h
        .http
        .get(h.url(&format!("/wc/join/{id}?pwd=wrong")))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    let unknown = h.http.get(h.url("/wc/join/12345678901")).send().await.unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert!(h.assert_calls_follow_contract().await >= 1);
}

#[tokio::test]
async fn ids_are_unique_int64_above_32_bits_and_usable_in_paths() {
    let (h, token) = setup().await;
    let mut ids = std::collections::HashSet::new();
    for n in 0..15 {
        let m = h.create_meeting(&token, json!({ "topic": format!("m{n}") })).await;
        let id = id_of(&m);
        assert!(id > u64::from(u32::MAX));
        assert!(ids.insert(id), "duplicate id {id}");
        let got = h.api("GET", &format!("/meetings/{id}"), &token, None).await;
        assert_eq!(got.status, StatusCode::OK);
        assert_eq!(id_of(&got.body), id);
    }
}

#[tokio::test]
async fn start_time_with_z_is_an_instant_and_without_z_is_local_to_the_timezone() {
    let (h, token) = setup().await;
    let cases = [
        // (start_time, timezone, expected UTC)
        ("2026-11-09T09:00:00", Some("America/New_York"), "2026-11-09T14:00:00Z"),
        ("2026-11-09T09:00:00Z", Some("America/New_York"), "2026-11-09T09:00:00Z"),
        ("2026-11-09T09:00:00+09:00", Some("Asia/Tokyo"), "2026-11-09T00:00:00Z"),
        ("2026-07-01T09:00:00", Some("Europe/London"), "2026-07-01T08:00:00Z"),
        ("2026-07-01T09:00:00", Some("UTC"), "2026-07-01T09:00:00Z"),
        // No timezone: the user's (dr.rivera is in America/New_York; EDT in July).
        ("2026-07-01T09:00:00", None, "2026-07-01T13:00:00Z"),
    ];
    for (start_time, timezone, expected) in cases {
        let mut body = json!({ "topic": "tz", "type": 2, "start_time": start_time, "duration": 30 });
        if let Some(tz) = timezone {
            body["timezone"] = json!(tz);
        }
        let m = h.create_meeting(&token, body).await;
        assert_eq!(m["start_time"], expected, "{start_time} in {timezone:?}");
        assert_eq!(
            m["timezone"],
            timezone.unwrap_or("America/New_York"),
            "the timezone is echoed"
        );
        let got = h.api("GET", &format!("/meetings/{}", id_of(&m)), &token, None).await;
        assert_eq!(got.body["start_time"], expected);
    }
    // A Basic user in London without a timezone field.
    let sam = h.access_token(h.basic()).await;
    let m = h
        .create_meeting(&sam, json!({ "start_time": "2026-01-15T09:00:00" }))
        .await;
    assert_eq!(m["start_time"], "2026-01-15T09:00:00Z");
    assert_eq!(m["timezone"], "Europe/London");
    h.assert_calls_follow_contract().await;
}

#[tokio::test]
async fn impossible_local_times_and_unknown_timezones_are_validation_errors() {
    let (h, token) = setup().await;
    let cases = [
        // 02:30 does not exist on 2026-03-08 in New York (clocks jump 02:00 → 03:00).
        (
            json!({ "start_time": "2026-03-08T02:30:00", "timezone": "America/New_York" }),
            "start_time",
        ),
        (
            json!({ "start_time": "2026-11-09T09:00:00", "timezone": "Mars/Olympus_Mons" }),
            "start_time",
        ),
        (json!({ "start_time": "next tuesday" }), "start_time"),
        (
            json!({ "start_time": "2026-11-09T09:00:00Z", "timezone": "Mars/Olympus_Mons" }),
            "timezone",
        ),
    ];
    for (body, field) in cases {
        let response = h.api("POST", "/users/me/meetings", &token, Some(&body)).await;
        assert_eq!(
            (response.status, response.body),
            (StatusCode::BAD_REQUEST, validation_failed(&[field])),
            "{body}"
        );
    }
    assert!(h.sandbox_meetings().await.is_empty());
    // The ambiguous 01:30 of 2026-11-01 (fall back) takes the first, EDT, instant.
    let m = h
        .create_meeting(
            &token,
            json!({ "start_time": "2026-11-01T01:30:00", "timezone": "America/New_York" }),
        )
        .await;
    assert_eq!(m["start_time"], "2026-11-01T05:30:00Z");
    h.assert_calls_follow_contract().await;
}

#[tokio::test]
async fn invalid_fields_get_300_with_the_field_named() {
    let (h, token) = setup().await;
    let cases = [
        (json!({ "topic": "t".repeat(201) }), vec!["topic"]),
        (json!({ "agenda": "a".repeat(2001) }), vec!["agenda"]),
        (json!({ "duration": 0 }), vec!["duration"]),
        (json!({ "duration": 1441 }), vec!["duration"]),
        (json!({ "type": 4 }), vec!["type"]),
        (json!({ "password": "01234567890" }), vec!["password"]),
        (
            json!({ "settings": { "approval_type": 7 } }),
            vec!["settings.approval_type"],
        ),
        (json!({ "topic": 5, "duration": "long" }), vec!["topic", "duration"]),
    ];
    for (body, fields) in cases {
        let response = h.api("POST", "/users/me/meetings", &token, Some(&body)).await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(response.body, validation_failed(&fields));
    }
    // The limits themselves are fine.
    let m = h
        .create_meeting(
            &token,
            json!({ "topic": "t".repeat(200), "agenda": "a".repeat(2000), "duration": 1440, "password": "0123456789" }),
        )
        .await;
    assert_eq!(m["duration"], 1440);
    assert_eq!(m["password"], "0123456789");
    // Not JSON at all.
    let response = h
        .http
        .post(h.url("/v2/users/me/meetings"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(
        json(response).await,
        (
            StatusCode::BAD_REQUEST,
            json!({ "code": 300, "message": "Request Body should be a valid JSON object." })
        )
    );
    // Every other meeting type is accepted and stored.
    for meeting_type in [1, 3, 8, 10] {
        let m = h.create_meeting(&token, json!({ "type": meeting_type })).await;
        assert_eq!(m["type"], meeting_type);
    }
    h.assert_calls_follow_contract().await;
}

#[tokio::test]
async fn a_scheduled_meeting_without_start_time_starts_now() {
    let (h, token) = setup().await;
    let m = h.create_meeting(&token, json!({ "topic": "now", "type": 2 })).await;
    assert!((Utc::now() - time(&m["start_time"])).num_seconds().abs() < 5);
    assert_eq!(m["type"], 2);
    assert_eq!(m["timezone"], "America/New_York");
}

#[tokio::test]
async fn get_issues_a_fresh_start_url_valid_for_two_hours() {
    let (h, token) = setup().await;
    let created = h
        .create_meeting(&token, json!({ "start_time": "2026-11-09T14:00:00Z" }))
        .await;
    let id = id_of(&created);
    let first = created["start_url"].as_str().unwrap().to_owned();
    h.advance_clock(60).await;
    let got = h.api("GET", &format!("/meetings/{id}"), &token, None).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.header("x-ratelimit-category"), Some("Light"));
    assert_eq!(contract::validate_response(MEETING_GET, 200, &got.body), Ok(()));
    let second = got.body["start_url"].as_str().unwrap().to_owned();
    assert_ne!(first, second, "every GET mints a new start_url");
    assert_eq!(got.body["join_url"], created["join_url"]);
    assert_eq!(got.body["uuid"], created["uuid"]);
    assert_eq!(got.body["status"], "waiting");

    let (status, issued) = h.control("GET", &format!("/meetings/{id}/start-urls"), None).await;
    assert_eq!(status, StatusCode::OK);
    let issued = issued.as_array().unwrap();
    assert_eq!(issued.len(), 2);
    assert_eq!(issued[0]["start_url"], json!(first));
    assert_eq!(issued[1]["start_url"], json!(second));
    for entry in issued {
        assert_eq!(
            time(&entry["expires_at"]) - time(&entry["issued_at"]),
            Duration::hours(2)
        );
    }
    assert!(time(&issued[1]["issued_at"]) > time(&issued[0]["issued_at"]));

    // Two hours after the first was issued it no longer starts the meeting; the second still does.
    h.advance_clock(2 * 3600 - 60).await;
    let token = h.access_token(h.licensed()).await;
    let expired = h.http.get(&first).send().await.unwrap();
    assert_eq!(expired.status(), StatusCode::FORBIDDEN);
    assert!(expired.text().await.unwrap().contains("expired"));
    let started = h.http.get(&second).send().await.unwrap();
    assert_eq!(started.status(), StatusCode::OK);
    let got = h.api("GET", &format!("/meetings/{id}"), &token, None).await;
    assert_eq!(got.body["status"], "started");
    // The zaks are listed with the other secrets the sandbox handed out.
    let (_, secrets) = h.control("GET", "/issued-secrets", None).await;
    assert_eq!(secrets["start_url_zaks"].as_array().unwrap().len(), 3);
    h.assert_calls_follow_contract().await;
}

#[tokio::test]
async fn patch_answers_204_and_keeps_id_and_join_url() {
    let (h, token) = setup().await;
    let created = h
        .create_meeting(
            &token,
            json!({ "topic": "Before", "start_time": "2026-11-09T14:00:00Z", "duration": 30,
                    "timezone": "America/New_York", "agenda": "a", "settings": { "audio": "voip" } }),
        )
        .await;
    let id = id_of(&created);
    let patch = json!({ "start_time": "2026-11-10T10:30:00", "settings": { "waiting_room": true } });
    let response = h.api("PATCH", &format!("/meetings/{id}"), &token, Some(&patch)).await;
    assert_eq!(response.status, StatusCode::NO_CONTENT);
    assert_eq!(response.body, Value::Null);
    assert_eq!(response.header("x-ratelimit-category"), Some("Light"));
    let got = h.api("GET", &format!("/meetings/{id}"), &token, None).await.body;
    assert_eq!(id_of(&got), id);
    assert_eq!(got["join_url"], created["join_url"]);
    assert_eq!(got["password"], created["password"]);
    assert_eq!(
        got["start_time"], "2026-11-10T15:30:00Z",
        "local time in the meeting's timezone"
    );
    assert_eq!(got["topic"], "Before", "absent fields are left alone");
    assert_eq!(got["duration"], 30);
    assert_eq!(got["agenda"], "a");
    assert_eq!(got["settings"]["audio"], "voip", "settings merge");
    assert_eq!(got["settings"]["waiting_room"], true);

    let patch = json!({ "topic": "After", "duration": 45, "timezone": "Europe/Berlin",
                        "start_time": "2026-11-10T10:30:00" });
    let response = h.api("PATCH", &format!("/meetings/{id}"), &token, Some(&patch)).await;
    assert_eq!(response.status, StatusCode::NO_CONTENT);
    let got = h.api("GET", &format!("/meetings/{id}"), &token, None).await.body;
    assert_eq!(got["topic"], "After");
    assert_eq!(got["timezone"], "Europe/Berlin");
    assert_eq!(got["start_time"], "2026-11-10T09:30:00Z");

    // Validation is the same as on create; nothing changes.
    let response = h
        .api(
            "PATCH",
            &format!("/meetings/{id}"),
            &token,
            Some(&json!({ "duration": 0, "topic": "Never" })),
        )
        .await;
    assert_eq!(
        (response.status, response.body),
        (StatusCode::BAD_REQUEST, validation_failed(&["duration"]))
    );
    let response = h
        .api(
            "PATCH",
            &format!("/meetings/{id}"),
            &token,
            Some(&json!({ "start_time": "2026-03-08T02:30:00", "timezone": "America/New_York" })),
        )
        .await;
    assert_eq!(response.body, validation_failed(&["start_time"]));
    let (_, record) = h.control("GET", &format!("/meetings/{id}"), None).await;
    assert_eq!(record["topic"], "After");
    assert_eq!(record["update_count"], 2);

    let response = h
        .api("PATCH", "/meetings/98765432109", &token, Some(&json!({ "topic": "x" })))
        .await;
    assert_eq!(
        (response.status, response.body),
        (
            StatusCode::NOT_FOUND,
            json!({ "code": 3001, "message": "Meeting does not exist: 98765432109." })
        )
    );
    h.assert_calls_follow_contract().await;
}

#[tokio::test]
async fn delete_answers_204_then_404_3001() {
    let (h, token) = setup().await;
    let m = h.create_meeting(&token, json!({ "topic": "Bye" })).await;
    let id = id_of(&m);
    let path = format!("/meetings/{id}?schedule_for_reminder=true&cancel_meeting_reminder=false");
    let response = h.api("DELETE", &path, &token, None).await;
    assert_eq!(response.status, StatusCode::NO_CONTENT);
    assert_eq!(response.body, Value::Null);
    let gone = json!({ "code": 3001, "message": format!("Meeting does not exist: {id}.") });
    for method in ["DELETE", "GET"] {
        let response = h.api(method, &format!("/meetings/{id}"), &token, None).await;
        assert_eq!(
            (response.status, response.body),
            (StatusCode::NOT_FOUND, gone.clone()),
            "{method}"
        );
    }
    let response = h
        .api(
            "PATCH",
            &format!("/meetings/{id}"),
            &token,
            Some(&json!({ "topic": "again" })),
        )
        .await;
    assert_eq!(response.status, StatusCode::NOT_FOUND);
    // The record stays, flagged, and the list no longer shows it.
    let records = h.sandbox_meetings().await;
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["deleted"], true);
    assert_eq!(records[0]["topic"], "Bye");
    let list = h.api("GET", "/users/me/meetings", &token, None).await.body;
    assert_eq!(list["total_records"], 0);
    // A non-recurring meeting has no occurrences.
    let m = h.create_meeting(&token, json!({})).await;
    let response = h
        .api(
            "DELETE",
            &format!("/meetings/{}?occurrence_id=1648194360000", id_of(&m)),
            &token,
            None,
        )
        .await;
    assert_eq!(
        (response.status, response.body),
        (
            StatusCode::BAD_REQUEST,
            json!({ "code": 300, "message": "Invalid parameter: occurrence_id." })
        )
    );
    h.assert_calls_follow_contract().await;
}

#[tokio::test]
async fn another_hosts_or_an_unknown_meeting_does_not_exist() {
    let (h, token) = setup().await;
    let m = h.create_meeting(&token, json!({})).await;
    let id = id_of(&m);
    let sam = h.access_token(h.basic()).await;
    for method in ["GET", "DELETE", "PATCH"] {
        let body = (method == "PATCH").then(|| json!({ "topic": "mine now" }));
        let response = h.api(method, &format!("/meetings/{id}"), &sam, body.as_ref()).await;
        assert_eq!(
            (response.status, response.body),
            (
                StatusCode::NOT_FOUND,
                json!({ "code": 3001, "message": format!("Meeting does not exist: {id}.") })
            ),
            "{method}"
        );
    }
    let response = h.api("GET", "/meetings/not-a-number", &token, None).await;
    assert_eq!(response.body["code"], 3001);
    assert_eq!(h.sandbox_meetings().await[0]["deleted"], false);
}

#[tokio::test]
async fn users_me_own_id_and_own_email_work_anyone_else_is_1001() {
    let (h, token) = setup().await;
    let own = h.licensed();
    for user_id in ["me", own.id.as_str(), "DR.RIVERA@zoom.example"] {
        let path = format!("/users/{user_id}/meetings");
        let created = h.api("POST", &path, &token, Some(&json!({}))).await;
        assert_eq!(created.status, StatusCode::CREATED, "{user_id}");
        assert_eq!(h.api("GET", &path, &token, None).await.status, StatusCode::OK);
    }
    let other = &h.basic().id;
    let expected = json!({ "code": 1001, "message": format!("User does not exist: {other}.") });
    let path = format!("/users/{other}/meetings");
    let response = h.api("POST", &path, &token, Some(&json!({}))).await;
    assert_eq!(
        (response.status, response.body),
        (StatusCode::NOT_FOUND, expected.clone())
    );
    let response = h.api("GET", &path, &token, None).await;
    assert_eq!((response.status, response.body), (StatusCode::NOT_FOUND, expected));
    h.assert_calls_follow_contract().await;
}

#[tokio::test]
async fn list_pages_through_next_page_token() {
    let (h, token) = setup().await;
    let base = Utc::now() + Duration::days(1);
    let mut expected = Vec::new();
    // Created out of order; listed by start time.
    for n in [4, 1, 6, 0, 3, 5, 2] {
        let start = (base + Duration::hours(n)).format("%Y-%m-%dT%H:%M:%SZ").to_string();
        let m = h
            .create_meeting(&token, json!({ "topic": format!("m{n}"), "start_time": start }))
            .await;
        expected.push((n, id_of(&m)));
    }
    expected.sort();
    let expected: Vec<u64> = expected.into_iter().map(|(_, id)| id).collect();

    let mut seen = Vec::new();
    let mut tokens = Vec::new();
    let mut path = "/users/me/meetings?page_size=3".to_owned();
    for page in 1..=3 {
        let response = h.api("GET", &path, &token, None).await;
        assert_eq!(response.status, StatusCode::OK);
        assert_eq!(response.header("x-ratelimit-category"), Some("Medium"));
        assert_eq!(contract::validate_response(MEETINGS_LIST, 200, &response.body), Ok(()));
        let body = response.body;
        assert_eq!(body["page_size"], 3);
        assert_eq!(body["total_records"], 7);
        assert_eq!(body["page_count"], 3);
        assert_eq!(body["page_number"], page);
        let meetings = body["meetings"].as_array().unwrap();
        assert_eq!(meetings.len(), if page < 3 { 3 } else { 1 });
        for item in meetings {
            let keys: Vec<&str> = item.as_object().unwrap().keys().map(String::as_str).collect();
            for key in [
                "uuid",
                "id",
                "host_id",
                "topic",
                "type",
                "start_time",
                "duration",
                "timezone",
                "agenda",
                "created_at",
                "join_url",
            ] {
                assert!(keys.contains(&key), "{key} in {item}");
            }
            assert!(!keys.contains(&"start_url"), "lists carry no start_url");
            seen.push(id_of(item));
        }
        let next = body["next_page_token"].as_str().unwrap().to_owned();
        if page < 3 {
            assert!(!next.is_empty());
            tokens.push(next.clone());
            path = format!("/users/me/meetings?page_size=3&next_page_token={next}");
        } else {
            assert_eq!(next, "", "the last page has an empty token");
        }
    }
    assert_eq!(seen, expected);
    assert_ne!(tokens[0], tokens[1]);
    // Default page size is 30; more than 300 is capped.
    let body = h.api("GET", "/users/me/meetings", &token, None).await.body;
    assert_eq!(body["page_size"], 30);
    assert_eq!(body["meetings"].as_array().unwrap().len(), 7);
    assert_eq!(body["next_page_token"], "");
    let body = h
        .api("GET", "/users/me/meetings?page_size=1000", &token, None)
        .await
        .body;
    assert_eq!(body["page_size"], 300);
    h.assert_calls_follow_contract().await;
}

#[tokio::test]
async fn next_page_tokens_expire_after_15_minutes() {
    let (h, token) = setup().await;
    for _ in 0..3 {
        h.create_meeting(&token, json!({})).await;
    }
    let first = h.api("GET", "/users/me/meetings?page_size=1", &token, None).await.body;
    let next = first["next_page_token"].as_str().unwrap().to_owned();
    h.advance_clock(14 * 60).await;
    let second = h
        .api(
            "GET",
            &format!("/users/me/meetings?page_size=1&next_page_token={next}"),
            &token,
            None,
        )
        .await;
    assert_eq!(second.status, StatusCode::OK);
    let later = second.body["next_page_token"].as_str().unwrap().to_owned();
    h.advance_clock(15 * 60).await;
    let expired = h
        .api(
            "GET",
            &format!("/users/me/meetings?next_page_token={later}"),
            &token,
            None,
        )
        .await;
    assert_eq!(
        (expired.status, expired.body),
        (
            StatusCode::BAD_REQUEST,
            json!({ "code": 300, "message": "The next page token is invalid or expired." })
        )
    );
    // Another user's token is no token at all.
    let sam = h.access_token(h.basic()).await;
    let mine = h.api("GET", "/users/me/meetings?page_size=1", &token, None).await.body["next_page_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let theirs = h
        .api("GET", &format!("/users/me/meetings?next_page_token={mine}"), &sam, None)
        .await;
    assert_eq!(theirs.status, StatusCode::BAD_REQUEST);
    h.assert_calls_follow_contract().await;
}

#[tokio::test]
async fn list_types_filter_on_the_sandbox_clock() {
    let (h, token) = setup().await;
    h.set_clock("2026-11-09T12:00:00Z").await;
    let past = h
        .create_meeting(
            &token,
            json!({ "topic": "past", "start_time": "2026-11-08T12:00:00Z", "duration": 60 }),
        )
        .await;
    let soon = h
        .create_meeting(
            &token,
            json!({ "topic": "soon", "start_time": "2026-11-10T12:00:00Z", "duration": 60 }),
        )
        .await;
    let live = h
        .create_meeting(
            &token,
            json!({ "topic": "live", "start_time": "2026-11-09T11:30:00Z", "duration": 60 }),
        )
        .await;
    h.create_meeting(&token, json!({ "topic": "instant", "type": 1 })).await;
    let start_url = live["start_url"].as_str().unwrap();
    assert_eq!(h.http.get(start_url).send().await.unwrap().status(), StatusCode::OK);
    let topics = |body: &Value| -> Vec<String> {
        body["meetings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["topic"].as_str().unwrap().to_owned())
            .collect()
    };
    async fn list(h: &Harness, token: &str, list_type: &str) -> Value {
        let path = format!("/users/me/meetings?type={list_type}");
        h.api("GET", &path, token, None).await.body
    }
    assert_eq!(topics(&list(&h, &token, "scheduled").await), ["past", "live", "soon"]);
    assert_eq!(topics(&list(&h, &token, "upcoming").await), ["live", "soon"]);
    assert_eq!(topics(&list(&h, &token, "upcoming_meetings").await), ["live", "soon"]);
    assert_eq!(topics(&list(&h, &token, "live").await), ["live"]);
    assert_eq!(topics(&list(&h, &token, "previous_meetings").await), ["past"]);
    let bad = h.api("GET", "/users/me/meetings?type=everything", &token, None).await;
    assert_eq!(
        (bad.status, bad.body),
        (StatusCode::BAD_REQUEST, validation_failed(&["type"]))
    );
    // from/to are dates in the user's timezone.
    let body = h
        .api("GET", "/users/me/meetings?from=2026-11-10&to=2026-11-10", &token, None)
        .await
        .body;
    assert_eq!(topics(&body), ["soon"]);
    // Thirty days after its start (or creation, or last start) a meeting has expired: gone from the API,
    // still in the control log.
    h.set_clock("2026-12-09T12:00:01Z").await;
    let token = h.access_token(h.licensed()).await;
    assert_eq!(topics(&list(&h, &token, "scheduled").await), ["soon"]);
    assert_eq!(h.sandbox_meetings().await[0]["expired"], true);
    let response = h.api("GET", &format!("/meetings/{}", id_of(&past)), &token, None).await;
    assert_eq!(response.body["code"], 3001);
    assert_eq!(
        id_of(&soon),
        id_of(
            &h.api("GET", &format!("/meetings/{}", id_of(&soon)), &token, None)
                .await
                .body
        )
    );
    h.assert_calls_follow_contract().await;
}

#[tokio::test]
async fn the_control_api_lists_every_meeting_with_its_record() {
    let (h, token) = setup().await;
    let sam = h.access_token(h.basic()).await;
    let kept = h
        .create_meeting(
            &token,
            json!({ "topic": "Kept", "agenda": "notes", "settings": { "waiting_room": true } }),
        )
        .await;
    let gone = h.create_meeting(&token, json!({ "topic": "Gone" })).await;
    h.create_meeting(&sam, json!({ "topic": "Sam's" })).await;
    h.api("DELETE", &format!("/meetings/{}", id_of(&gone)), &token, None)
        .await;
    let all = h.sandbox_meetings().await;
    assert_eq!(all.len(), 3);
    let (_, mine) = h
        .control("GET", "/meetings?host_email=dr.rivera@zoom.example", None)
        .await;
    let mine = mine.as_array().unwrap();
    assert_eq!(mine.len(), 2);
    let record = &mine[0];
    for key in [
        "id",
        "host_id",
        "host_email",
        "topic",
        "agenda",
        "start_time",
        "timezone",
        "duration",
        "join_url",
        "deleted",
        "created_at",
        "settings",
    ] {
        assert!(record.get(key).is_some(), "{key}");
    }
    assert_eq!(record["id"], kept["id"]);
    assert_eq!(record["agenda"], "notes");
    assert_eq!(record["join_url"], kept["join_url"]);
    assert_eq!(record["settings"]["waiting_room"], true);
    assert_eq!(record["deleted"], false);
    assert_eq!(mine[1]["deleted"], true);
    let (status, _) = h.control("GET", "/meetings/123/start-urls", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_call_log_keeps_meetings_bodies_but_no_bodies_of_other_calls() {
    let (h, token) = setup().await;
    let request = json!({ "topic": "Logged", "start_time": "2026-11-09T09:00:00", "timezone": "America/New_York" });
    let created = h.create_meeting(&token, request.clone()).await;
    let id = id_of(&created);
    h.api("DELETE", &format!("/meetings/{id}"), &token, None).await;
    h.api("GET", "/users/me/meetings?type=upcoming&page_size=5", &token, None)
        .await;
    let (_, log) = h.control("GET", "/calls", None).await;
    let calls = log["calls"].as_array().unwrap();
    let create = calls.iter().find(|c| c["kind"] == "api.meetings.create").unwrap();
    assert_eq!(create["request_body"], request);
    assert_eq!(create["response_body"], created);
    assert_eq!(create["status"], 201);
    let delete = calls.iter().find(|c| c["kind"] == "api.meetings.delete").unwrap();
    assert_eq!(delete["request_body"], Value::Null);
    assert_eq!(delete["response_body"], Value::Null);
    assert_eq!(delete["path"], format!("/v2/meetings/{id}"));
    let list = calls.iter().find(|c| c["kind"] == "api.meetings.list").unwrap();
    assert_eq!(list["query"], json!({ "type": "upcoming", "page_size": "5" }));
    let token_call = calls.iter().find(|c| c["kind"] == "token.authorization_code").unwrap();
    assert!(token_call.get("response_body").is_none());
    assert!(!log.to_string().contains(&token), "no access token in the log");
    assert_eq!(log["counters"]["api.meetings.create"], 1);
    assert_eq!(h.assert_calls_follow_contract().await, 3);
}
