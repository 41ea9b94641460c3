//! No token, authorization code, PKCE verifier or client secret may appear in any API response or log line.

use serde_json::Value;

use crate::support::*;

#[tokio::test]
async fn no_secret_reaches_a_response_or_a_log_line() {
    let app = spawn_app().await;
    let mut seen: Vec<String> = Vec::new();
    let mut record = |r: &reqwest::Response, body: String| {
        seen.push(format!("{:?}", r.headers()));
        seen.push(body);
    };

    app.sign_in(SOLO).await;
    // Walk every endpoint through the flows that handle secrets: connect, callback, refresh, status, errors,
    // disconnect; record each of our responses.
    let connect = app.client.get(app.url("/api/zoom/connect")).send().await.unwrap();
    let authorize = location(&connect);
    record(&connect, String::new());
    let callback_url = app.consent(&authorize, LICENSED, "allow").await;
    let callback = app.client.get(&callback_url).send().await.unwrap();
    record(&callback, String::new());
    let replay = app.client.get(&callback_url).send().await.unwrap();
    record(&replay, String::new());
    app.expire_stored_access_token(SOLO).await;
    for path in [api::paths::ZOOM_STATUS, api::paths::ME, api::paths::ZOOM_STATUS] {
        let r = app.client.get(app.url(path)).send().await.unwrap();
        let (headers, body) = (r.headers().clone(), r.text().await.unwrap());
        seen.push(format!("{headers:?}"));
        seen.push(body);
    }
    let id = app.zoom_user_id(LICENSED).await;
    app.sandbox_post(&format!("/users/{id}/expire-access-token"), serde_json::json!({}))
        .await;
    let r = app
        .send(reqwest::Method::POST, api::paths::ZOOM_STATUS_CHECK, NO_BODY)
        .await;
    seen.push(format!("{:?}", r.headers()));
    seen.push(r.text().await.unwrap());
    let r = app.disconnect().await;
    seen.push(format!("{:?}", r.headers()));
    seen.push(r.text().await.unwrap());

    let secrets: Value = app.sandbox_get("/issued-secrets").await;
    let mut needles: Vec<String> = Vec::new();
    for list in ["codes", "access_tokens", "refresh_tokens", "code_verifiers"] {
        let values = secrets[list].as_array().unwrap();
        assert!(!values.is_empty(), "the flow exercised {list}");
        needles.extend(values.iter().map(|v| v.as_str().unwrap().to_string()));
    }
    needles.push(secrets["client_secret"].as_str().unwrap().to_string());
    needles.push("bb-demo-webhook-secret".into());

    let logs = captured_logs();
    assert!(
        logs.contains("zoom tokens refreshed"),
        "the log capture works and saw the flow"
    );
    for needle in &needles {
        assert!(!logs.contains(needle.as_str()), "a secret appears in the logs");
        for response in &seen {
            assert!(
                !response.contains(needle.as_str()),
                "a secret appears in an API response: {response}"
            );
        }
    }
}

#[tokio::test]
async fn a_calendar_feeds_secret_never_reaches_a_log_line() {
    let app = spawn_app().await;
    app.sign_in(SOLO).await;
    let feed: api::sessions::CalendarFeed = app
        .client
        .get(app.url(api::paths::CALENDAR_FEED))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let file = feed.url.rsplit('/').next().unwrap().to_string();
    let secret = file.trim_end_matches(".ics");
    assert!(secret.len() >= 20, "{secret}");
    assert_eq!(reqwest::get(&feed.url).await.unwrap().status(), 200);
    assert_eq!(
        reqwest::get(app.url("/feeds/not-a-real-one.ics"))
            .await
            .unwrap()
            .status(),
        404
    );
    let logs = captured_logs();
    assert!(logs.contains("/feeds/[redacted]"), "the feed requests were logged");
    assert!(!logs.contains(secret), "the feed secret appears in the logs");
    assert!(!logs.contains("not-a-real-one"), "a guessed secret appears in the logs");
}
