use api::zoom::ZoomStatus;
use serde_json::json;

use crate::support::*;

const SECRET: &str = "bb-demo-webhook-secret";

async fn post_webhook(app: &TestApp, timestamp: &str, signature: &str, body: &str) -> reqwest::Response {
    app.client
        .post(app.url(api::paths::ZOOM_WEBHOOK))
        .header("content-type", "application/json")
        .header("x-zm-request-timestamp", timestamp)
        .header("x-zm-signature", signature)
        .body(body.to_string())
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn removing_the_app_in_zoom_disconnects_through_the_signed_webhook() {
    let app = spawn_app().await;
    app.sign_in(SOLO).await;
    app.connect_as(LICENSED).await;
    let id = app.zoom_user_id(LICENSED).await;
    let delivery = app.sandbox_post(&format!("/users/{id}/remove-app"), json!({})).await;
    assert_eq!(delivery["delivered"], true, "{delivery}");
    assert_eq!(delivery["status"], 200);
    match app.status().await {
        ZoomStatus::NotConnected { ended: Some(ended) } => {
            assert_eq!(
                ended.reason,
                api::zoom::EndedReason::RemovedInZoom,
                "the page can say why"
            );
            assert_eq!(ended.zoom_email, LICENSED);
        }
        other => panic!("{other:?}"),
    }
    // Connected again: the reason is history; disconnected by the practitioner: there is none.
    app.connect_as(LICENSED).await;
    assert!(matches!(app.status().await, ZoomStatus::Connected { .. }));
    assert_eq!(app.disconnect().await.status(), 204);
    assert_eq!(app.status().await, ZoomStatus::not_connected());
}

#[tokio::test]
async fn url_validation_answers_zoom_challenge() {
    let app = spawn_app().await;
    let answer = app.sandbox_post("/webhooks/validate", json!({})).await;
    assert_eq!(answer["valid"], true, "{answer}");
}

#[tokio::test]
async fn bad_stale_and_missing_signatures_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    app.sign_in(SOLO).await;
    app.connect_as(LICENSED).await;
    let body = deauthorization_webhook_body(&app.zoom_user_id(LICENSED).await);
    let now_secs = chrono::Utc::now().timestamp();
    let now = now_secs.to_string();

    let wrong_key = zoom_sandbox::webhook_signature("not-the-secret", now_secs, body.as_bytes());
    let r = post_webhook(&app, &now, &wrong_key, &body).await;
    assert_eq!(r.status(), 401);
    assert_eq!(
        r.json::<api::ErrorBody>().await.unwrap().code.as_str(),
        "invalid_webhook_signature"
    );

    let stale_ts = (now_secs - 3600).to_string();
    let stale = zoom_sandbox::webhook_signature(SECRET, now_secs - 3600, body.as_bytes());
    assert_eq!(post_webhook(&app, &stale_ts, &stale, &body).await.status(), 401);

    let good = zoom_sandbox::webhook_signature(SECRET, now_secs, body.as_bytes());
    let tampered = body.replace("false", "true ");
    assert_eq!(post_webhook(&app, &now, &good, &tampered).await.status(), 401);

    let unsigned = app
        .client
        .post(app.url(api::paths::ZOOM_WEBHOOK))
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), 401);

    assert!(
        matches!(app.status().await, ZoomStatus::Connected { .. }),
        "nothing changed"
    );

    // The genuine delivery works, and replaying it is acknowledged without acting twice.
    assert_eq!(post_webhook(&app, &now, &good, &body).await.status(), 200);
    assert!(matches!(
        app.status().await,
        ZoomStatus::NotConnected { ended: Some(_) }
    ));

    // The practitioner connects again; replaying the delivery, as sent or with its hex in another letter case (hex
    // decoding accepts both, so all three verify), is acknowledged and does not disconnect them a second time.
    app.connect_as(LICENSED).await;
    let hex = &good["v0=".len()..];
    let upper = format!("v0={}", hex.to_uppercase());
    let mixed: String = format!(
        "v0={}",
        hex.chars()
            .enumerate()
            .map(|(i, c)| if i % 3 == 0 { c.to_ascii_uppercase() } else { c })
            .collect::<String>()
    );
    assert_ne!(upper, good);
    for replay in [&good, &upper, &mixed] {
        assert_eq!(post_webhook(&app, &now, replay, &body).await.status(), 200);
        assert!(
            matches!(app.status().await, ZoomStatus::Connected { .. }),
            "a replay ({replay}) disconnected the practitioner again"
        );
    }
}
