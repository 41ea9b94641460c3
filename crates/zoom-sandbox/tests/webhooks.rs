//! Outbound webhooks: `app_deauthorized` on Marketplace removal, and endpoint URL validation (facts §2).

#[path = "harness/harness.rs"]
mod harness;

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode as AxumStatus};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use harness::*;
use hmac::{Hmac, Mac};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sha2::Sha256;
use zoom_sandbox::SandboxConfig;

#[derive(Clone)]
struct Receiver {
    received: Arc<Mutex<Vec<(HeaderMap, Bytes)>>>,
    /// The key this receiver answers URL validation with.
    secret: &'static str,
    status: AxumStatus,
}

fn hmac_hex(key: &str, message: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(message);
    hex::encode(mac.finalize().into_bytes())
}

async fn receive(State(receiver): State<Receiver>, headers: HeaderMap, body: Bytes) -> Response {
    receiver.received.lock().unwrap().push((headers, body.clone()));
    let event: Value = serde_json::from_slice(&body).unwrap();
    if event["event"] == "endpoint.url_validation" {
        let plain = event["payload"]["plainToken"].as_str().unwrap();
        return Json(json!({
            "plainToken": plain,
            "encryptedToken": hmac_hex(receiver.secret, plain.as_bytes()),
        }))
        .into_response();
    }
    receiver.status.into_response()
}

/// A tiny app backend on port 0; returns its deauthorization URL and what it received.
async fn start_receiver(secret: &'static str, status: AxumStatus) -> (String, Receiver) {
    let receiver = Receiver {
        received: Arc::default(),
        secret,
        status,
    };
    let app = Router::new()
        .route("/zoom/deauthorize", post(receive))
        .with_state(receiver.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/zoom/deauthorize", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, receiver)
}

async fn sandbox_posting_to(url: &str) -> Harness {
    start_with(SandboxConfig::demo(REDIRECT, Some(url)), true).await
}

#[tokio::test]
async fn remove_app_delivers_a_signed_app_deauthorized_event() {
    let (url, receiver) = start_receiver(WEBHOOK_SECRET, AxumStatus::OK).await;
    let h = sandbox_posting_to(&url).await;
    let user = h.licensed().clone();
    let tokens = h.connect(&user).await;

    let (status, body) = h.control("POST", &format!("/users/{}/remove-app", user.id), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({ "delivered": true, "status": 200 }));

    let received = receiver.received.lock().unwrap().clone();
    assert_eq!(received.len(), 1);
    let (headers, raw) = &received[0];
    let timestamp = headers["x-zm-request-timestamp"].to_str().unwrap();
    let mut message = format!("v0:{timestamp}:").into_bytes();
    message.extend_from_slice(raw);
    assert_eq!(
        headers["x-zm-signature"].to_str().unwrap(),
        format!("v0={}", hmac_hex(WEBHOOK_SECRET, &message))
    );
    let age = chrono::Utc::now().timestamp() - timestamp.parse::<i64>().unwrap();
    assert!((0..30).contains(&age), "timestamp is unix seconds, now");
    assert_eq!(headers["content-type"], "application/json");
    assert_eq!(headers["user-agent"], "Zoom Marketplace/1.0a");

    let event: Value = serde_json::from_slice(raw).unwrap();
    assert_eq!(event["event"], "app_deauthorized");
    assert!(event["event_ts"].is_i64());
    let payload = &event["payload"];
    assert_eq!(payload["user_id"], user.id);
    assert_eq!(payload["account_id"], user.account_id);
    assert_eq!(payload["client_id"], CLIENT_ID);
    assert_eq!(payload["user_data_retention"], "false");
    let signature = payload["signature"].as_str().unwrap();
    assert!(signature.len() == 64 && signature.chars().all(|c| c.is_ascii_hexdigit()));
    assert!(payload["deauthorization_time"].as_str().unwrap().ends_with('Z'));

    assert_eq!(
        h.me(tokens["access_token"].as_str().unwrap()).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (_, grants) = h.control("GET", "/grants", None).await;
    assert_eq!(grants[0]["status"], "revoked");
    let (_, deliveries) = h.control("GET", "/webhooks", None).await;
    assert_eq!(deliveries[0]["event"], "app_deauthorized");
}

#[tokio::test]
async fn remove_app_reports_a_failing_endpoint_and_a_missing_url() {
    let (url, _receiver) = start_receiver(WEBHOOK_SECRET, AxumStatus::INTERNAL_SERVER_ERROR).await;
    let h = sandbox_posting_to(&url).await;
    h.connect(h.licensed()).await;
    let (_, body) = h
        .control("POST", &format!("/users/{}/remove-app", h.licensed().id), None)
        .await;
    assert_eq!(body, json!({ "delivered": false, "status": 500 }));

    let h = start().await;
    h.connect(h.licensed()).await;
    let (_, body) = h
        .control("POST", &format!("/users/{}/remove-app", h.licensed().id), None)
        .await;
    assert_eq!(body, json!({ "delivered": false, "status": null }));
}

#[tokio::test]
async fn revoke_sends_no_webhook() {
    let (url, receiver) = start_receiver(WEBHOOK_SECRET, AxumStatus::OK).await;
    let h = sandbox_posting_to(&url).await;
    let tokens = h.connect(h.licensed()).await;
    assert_eq!(
        h.revoke(tokens["access_token"].as_str().unwrap()).await.0,
        StatusCode::OK
    );
    assert!(receiver.received.lock().unwrap().is_empty());
}

#[tokio::test]
async fn url_validation_checks_the_encrypted_token() {
    let (url, receiver) = start_receiver(WEBHOOK_SECRET, AxumStatus::OK).await;
    let h = sandbox_posting_to(&url).await;
    let (status, body) = h.control("POST", "/webhooks/validate", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["valid"], true);
    let received = receiver.received.lock().unwrap().clone();
    let event: Value = serde_json::from_slice(&received[0].1).unwrap();
    assert_eq!(event["event"], "endpoint.url_validation");
    assert!(event["payload"]["plainToken"].is_string());
    assert!(event["event_ts"].is_i64());

    let (wrong_url, _) = start_receiver("some-other-secret", AxumStatus::OK).await;
    h.control("PATCH", "/app", Some(json!({ "deauthorization_url": wrong_url })))
        .await;
    let (_, body) = h.control("POST", "/webhooks/validate", None).await;
    assert_eq!(body["valid"], false);

    let (_, app) = h
        .control("PATCH", "/app", Some(json!({ "deauthorization_url": null })))
        .await;
    assert_eq!(app["deauthorization_url"], Value::Null);
    let (_, body) = h.control("POST", "/webhooks/validate", None).await;
    assert_eq!(body["valid"], false);
}
