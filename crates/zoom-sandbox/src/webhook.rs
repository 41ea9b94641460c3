//! Outbound webhooks, signed the way Zoom signs them (facts §2.2, §2.3).

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

use crate::clock::rfc3339_millis;
use crate::ids;
use crate::state::Deauthorization;

type HmacSha256 = Hmac<Sha256>;

fn hmac_hex(secret: &str, message: &[u8]) -> String {
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(message);
    hex::encode(mac.finalize().into_bytes())
}

/// `x-zm-signature`: `v0=` + hex(HMAC-SHA256(secret token, "v0:{timestamp}:{raw body}")).
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut message = format!("v0:{timestamp}:").into_bytes();
    message.extend_from_slice(body);
    format!("v0={}", hmac_hex(secret, &message))
}

/// The `encryptedToken` an endpoint must return for `endpoint.url_validation`.
pub fn url_validation_answer(secret: &str, plain_token: &str) -> String {
    hmac_hex(secret, plain_token.as_bytes())
}

pub fn app_deauthorized(event: &Deauthorization, at: DateTime<Utc>) -> Value {
    json!({
        "event": "app_deauthorized",
        "event_ts": at.timestamp_millis(),
        "payload": {
            "account_id": event.account_id,
            "user_id": event.user_id,
            // Zoom's own identifier for the event, not the HMAC the receiver verifies.
            "signature": ids::random_hex::<32>(),
            "deauthorization_time": rfc3339_millis(at),
            "client_id": event.client_id,
            "user_data_retention": "false",
        }
    })
}

pub fn url_validation(plain_token: &str, at: DateTime<Utc>) -> Value {
    json!({
        "event": "endpoint.url_validation",
        "payload": { "plainToken": plain_token },
        "event_ts": at.timestamp_millis(),
    })
}

pub struct Delivery {
    /// `None` when the endpoint could not be reached at all.
    pub status: Option<u16>,
    pub body: Option<String>,
}

impl Delivery {
    pub fn delivered(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

/// POSTs `event` with Zoom's headers. The timestamp is real wall-clock time, not the sandbox clock: the
/// receiver checks it against its own clock, and moving the sandbox clock must not break verification.
pub async fn send(http: &reqwest::Client, url: &str, secret: &str, client_id: &str, event: &Value) -> Delivery {
    let body = event.to_string().into_bytes();
    let timestamp = Utc::now().timestamp();
    let request = http
        .post(url)
        .header("content-type", "application/json")
        .header("user-agent", "Zoom Marketplace/1.0a")
        .header("clientid", client_id)
        .header("x-zm-trackingid", format!("v=2.0&s={}", ids::random_hex::<8>()))
        .header("x-zm-request-timestamp", timestamp.to_string())
        .header("x-zm-signature", signature(secret, timestamp, &body))
        .body(body);
    match request.send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            let body = response.text().await.ok();
            Delivery {
                status: Some(status),
                body,
            }
        }
        Err(error) => {
            // reqwest errors name the URL, never the body; the URL is ours and holds no secret.
            tracing::warn!(%error, "webhook delivery failed");
            Delivery {
                status: None,
                body: None,
            }
        }
    }
}

/// Whether the endpoint answered a URL validation the way Zoom requires: 200 and the right HMAC.
pub fn validation_passed(secret: &str, plain_token: &str, delivery: &Delivery) -> bool {
    if delivery.status != Some(200) {
        return false;
    }
    let Some(answer) = delivery
        .body
        .as_deref()
        .and_then(|b| serde_json::from_str::<Value>(b).ok())
    else {
        return false;
    };
    answer["plainToken"] == plain_token
        && answer["encryptedToken"] == url_validation_answer(secret, plain_token).as_str()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_matches_zoom_sample_computation() {
        // Expected values from `openssl dgst -sha256 -hmac <key>`.
        assert_eq!(
            signature("secret", 1_700_000_000, b"{}"),
            "v0=84dd7b277ba946b3a34369b43499bfd9258b410b8894583f1288b1911aa6a6d6"
        );
        assert_eq!(
            url_validation_answer("s", "abc"),
            "47d920ed90784dc5eae635bfd0824f612d05f09f9a47f60390de873ad37e546b"
        );
        assert_eq!(
            hmac_hex("key", b"The quick brown fox jumps over the lazy dog"),
            "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
        );
    }

    #[test]
    fn validation_requires_status_200_and_the_right_hmac() {
        let good = json!({
            "plainToken": "abc",
            "encryptedToken": url_validation_answer("s", "abc"),
        });
        let ok = Delivery {
            status: Some(200),
            body: Some(good.to_string()),
        };
        assert!(validation_passed("s", "abc", &ok));
        assert!(!validation_passed("other", "abc", &ok));
        let wrong_status = Delivery {
            status: Some(204),
            body: Some(good.to_string()),
        };
        assert!(!validation_passed("s", "abc", &wrong_status));
    }
}
