//! Random identifiers and credentials shaped like Zoom's.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::distributions::Alphanumeric;
use rand::{Rng, RngCore};

/// 22 characters of base64url, the shape of Zoom user and account ids (e.g. `KDcuGIm1QgePTO8WbOqwIQ`).
pub fn zoom_id() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes::<16>())
}

pub fn random_hex<const N: usize>() -> String {
    hex::encode(random_bytes::<N>())
}

pub fn random_alnum(len: usize) -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

/// A number with exactly `digits` digits and no leading zero (PMIs, account numbers).
pub fn random_number(digits: u32) -> u64 {
    let low = 10u64.pow(digits - 1);
    rand::thread_rng().gen_range(low..low * 10)
}

/// Authorization codes look like `obBEe8ewaL_KdyNjniT4KPd8ffDWt9fGB`.
pub fn authorization_code() -> String {
    format!("{}_{}", random_alnum(10), random_alnum(22))
}

/// Zoom's OAuth tokens are JWTs (`eyJ…`). Ours share the shape but carry no usable claims: clients must treat
/// them as opaque, and the sandbox only ever looks them up.
pub fn oauth_token(token_type: &str) -> String {
    let header = serde_json::json!({ "alg": "HS512", "v": "2.0", "kid": random_hex::<16>() });
    let claims = serde_json::json!({ "ver": 10, "tokenType": token_type, "jti": random_hex::<16>() });
    format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string()),
        URL_SAFE_NO_PAD.encode(random_bytes::<64>()),
    )
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_look_like_jwts_and_are_unique() {
        let a = oauth_token("access_token");
        let b = oauth_token("access_token");
        assert!(a.starts_with("eyJ"));
        assert_eq!(a.split('.').count(), 3);
        assert_ne!(a, b);
    }

    #[test]
    fn ids_and_numbers_have_zoom_shapes() {
        assert_eq!(zoom_id().len(), 22);
        let pmi = random_number(10);
        assert_eq!(pmi.to_string().len(), 10);
    }
}
