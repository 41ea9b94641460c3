//! Requests the server cannot read answer like every other API error: a stable `code`, a message a person can read,
//! JSON — never axum's plain text with serde's internals in it (issue 11).

use api::ErrorBody;
use reqwest::Method;

use crate::support::*;

/// Sends `body` (raw) with `content_type` and returns status and the error body, checking it is JSON and says
/// nothing of the framework's internals.
async fn refused(
    app: &TestApp,
    method: Method,
    path: &str,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> (u16, ErrorBody) {
    let mut request = app
        .client
        .request(method, app.url(path))
        .header(api::CSRF_HEADER, api::CSRF_HEADER_VALUE)
        .body(body);
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    let r = request.send().await.unwrap();
    let status = r.status().as_u16();
    let kind = r.headers().get("content-type").map(|v| v.to_str().unwrap().to_string());
    assert_eq!(kind.as_deref(), Some("application/json"), "{path}: a JSON body");
    let body: ErrorBody = r.json().await.unwrap();
    for internal in [
        "expected",
        "SessionInput",
        "deserialize",
        "Failed to",
        "serde",
        "invalid type",
    ] {
        assert!(
            !body.message.contains(internal),
            "{path}: {:?} leaks {internal:?}",
            body.message
        );
    }
    assert!(body.message.ends_with('.'), "a sentence: {:?}", body.message);
    (status, body)
}

/// What is tried, how (method, path, content type, body), and the status and code it must get.
type Case = (
    &'static str,
    Method,
    String,
    Option<&'static str>,
    Vec<u8>,
    u16,
    &'static str,
);

#[tokio::test]
async fn every_kind_of_unreadable_request_gets_a_code_and_a_readable_message() {
    let app = spawn_app().await;
    app.sign_in(SOLO).await;
    let json = Some("application/json");
    let sessions = api::paths::SESSIONS;
    let cases: Vec<Case> = vec![
        ("malformed JSON", Method::POST, sessions.into(), json, b"{\"client_name\": ".to_vec(), 400, "invalid_json"),
        (
            "a field of the wrong type",
            Method::POST,
            sessions.into(),
            json,
            br#"{"client_name": 5, "start_local": "2030-01-01T09:00:00", "time_zone": "UTC", "duration_minutes": 50, "private_notes": "", "client_name_in_zoom_topic": false}"#.to_vec(),
            422,
            "invalid_fields",
        ),
        ("an array for an object", Method::POST, sessions.into(), json, b"[1, 2, 3]".to_vec(), 422, "invalid_fields"),
        ("a missing field", Method::POST, sessions.into(), json, b"{}".to_vec(), 422, "invalid_fields"),
        ("no content type", Method::POST, sessions.into(), None, b"{}".to_vec(), 415, "unsupported_media_type"),
        ("the wrong content type", Method::POST, sessions.into(), Some("text/plain"), b"{}".to_vec(), 415, "unsupported_media_type"),
        ("an oversized body", Method::POST, sessions.into(), json, vec![b' '; 3 * 1024 * 1024], 413, "payload_too_large"),
        ("a non-numeric id", Method::GET, "/api/sessions/abc".into(), None, Vec::new(), 400, "invalid_path"),
        ("an id too large", Method::PUT, "/api/sessions/99999999999999999999".into(), json, b"{}".to_vec(), 400, "invalid_path"),
        ("a bad query", Method::GET, format!("{sessions}?from=yesterday&to=soon"), None, Vec::new(), 400, "invalid_query"),
        ("a missing query", Method::GET, sessions.into(), None, Vec::new(), 400, "invalid_query"),
        ("a wrong method", Method::PATCH, sessions.into(), json, b"{}".to_vec(), 405, "method_not_allowed"),
        ("an unknown API address", Method::GET, "/api/nothing-here".into(), None, Vec::new(), 404, "not_found"),
    ];
    for (what, method, path, content_type, body, status, code) in cases {
        let (got_status, got) = refused(&app, method, &path, content_type, body).await;
        assert_eq!((got_status, got.code.as_str()), (status, code), "{what}: {got:?}");
    }
    // Nothing was half-written by any of them.
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sessions")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(count, 0);
}
