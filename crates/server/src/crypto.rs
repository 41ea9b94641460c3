//! Encryption at rest for Zoom tokens: AES-256-GCM with a random 96-bit nonce per value, the key id stored beside
//! each ciphertext so keys can rotate (new writes use the active key; older values stay readable while their key is
//! configured), and associated data binding a ciphertext to its owner and field so it cannot be swapped between rows.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

#[derive(Clone)]
pub struct Keyring {
    active: String,
    keys: HashMap<String, Aes256Gcm>,
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut ids: Vec<_> = self.keys.keys().collect();
        ids.sort();
        write!(f, "Keyring {{ active: {:?}, key_ids: {:?} }}", self.active, ids)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error("token key {0:?} is not configured")]
    UnknownKey(String),
    #[error("stored ciphertext is malformed")]
    Malformed,
    #[error("stored ciphertext does not authenticate")]
    Tampered,
}

impl Keyring {
    /// `"k2:BASE64KEY,k1:BASE64KEY"`: the first key encrypts, all of them decrypt.
    pub fn parse(spec: &str) -> anyhow::Result<Self> {
        let mut keys = HashMap::new();
        let mut active = None;
        for entry in spec.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let (id, b64) = entry
                .split_once(':')
                .ok_or_else(|| anyhow::anyhow!("BB_TOKEN_KEYS entries look like id:base64key"))?;
            anyhow::ensure!(
                !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
                "token key ids use letters, digits, - and _"
            );
            let raw = STANDARD.decode(b64.trim())?;
            anyhow::ensure!(
                raw.len() == 32,
                "token key {id} must be 32 bytes (AES-256), got {}",
                raw.len()
            );
            let cipher = Aes256Gcm::new_from_slice(&raw).expect("length checked");
            keys.insert(id.to_string(), cipher);
            active.get_or_insert_with(|| id.to_string());
        }
        let active = active.ok_or_else(|| anyhow::anyhow!("BB_TOKEN_KEYS holds no key"))?;
        Ok(Keyring { active, keys })
    }

    /// A fresh random single-key ring (tests).
    pub fn random(id: &str) -> Self {
        Self::parse(&format!("{id}:{}", STANDARD.encode(random_bytes::<32>()))).expect("valid")
    }

    /// The demo keeps its key in a file beside its database, created on first run.
    pub fn load_or_create_demo(path: &Path) -> anyhow::Result<Self> {
        if let Ok(spec) = std::fs::read_to_string(path) {
            return Self::parse(spec.trim());
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let spec = format!("demo1:{}", STANDARD.encode(random_bytes::<32>()));
        std::fs::write(path, &spec)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
        }
        Self::parse(&spec)
    }

    pub fn active_key_id(&self) -> &str {
        &self.active
    }

    /// `"<key id>.<base64url(nonce ‖ ciphertext)>"`.
    pub fn encrypt(&self, plaintext: &str, aad: &str) -> String {
        let cipher = &self.keys[&self.active];
        let nonce_bytes = random_bytes::<12>();
        let ciphertext = cipher
            .encrypt(
                Nonce::from_slice(&nonce_bytes),
                Payload {
                    msg: plaintext.as_bytes(),
                    aad: aad.as_bytes(),
                },
            )
            .expect("AES-GCM encryption cannot fail for in-memory input");
        let mut out = nonce_bytes.to_vec();
        out.extend_from_slice(&ciphertext);
        format!("{}.{}", self.active, URL_SAFE_NO_PAD.encode(out))
    }

    pub fn decrypt(&self, stored: &str, aad: &str) -> Result<String, CryptoError> {
        let (id, body) = stored.split_once('.').ok_or(CryptoError::Malformed)?;
        let cipher = self
            .keys
            .get(id)
            .ok_or_else(|| CryptoError::UnknownKey(id.to_string()))?;
        let raw = URL_SAFE_NO_PAD.decode(body).map_err(|_| CryptoError::Malformed)?;
        if raw.len() < 12 + 16 {
            return Err(CryptoError::Malformed);
        }
        let (nonce, ciphertext) = raw.split_at(12);
        let plain = cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| CryptoError::Tampered)?;
        String::from_utf8(plain).map_err(|_| CryptoError::Malformed)
    }

    /// True when `stored` was written under a key other than the active one (re-encrypt on next write).
    pub fn needs_rotation(&self, stored: &str) -> bool {
        stored.split_once('.').map(|(id, _)| id != self.active).unwrap_or(true)
    }
}

pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes
}

/// A random URL-safe secret of 32 bytes (session ids, states).
pub fn random_token() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes::<32>())
}

/// What we store instead of a bearer secret (session id, OAuth state): its SHA-256, hex.
pub fn sha256_hex(value: &str) -> String {
    hex::encode(Sha256::digest(value.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_binding_to_associated_data() {
        let ring = Keyring::random("k1");
        let stored = ring.encrypt("secret-access-token", "zoom:7:access");
        assert!(stored.starts_with("k1."));
        assert!(!stored.contains("secret-access-token"));
        assert_eq!(ring.decrypt(&stored, "zoom:7:access").unwrap(), "secret-access-token");
        assert!(matches!(
            ring.decrypt(&stored, "zoom:8:access"),
            Err(CryptoError::Tampered)
        ));
    }

    #[test]
    fn the_same_value_encrypts_differently_each_time() {
        let ring = Keyring::random("k1");
        assert_ne!(ring.encrypt("x", "a"), ring.encrypt("x", "a"));
    }

    #[test]
    fn rotation_keeps_old_values_readable() {
        let old = Keyring::random("k1");
        let stored = old.encrypt("refresh", "aad");
        let old_spec_key = {
            // Rebuild a two-key ring: new active key k2, old k1 still configured.
            let k1 = old.keys.get("k1").unwrap().clone();
            let mut ring = Keyring::random("k2");
            ring.keys.insert("k1".into(), k1);
            ring
        };
        assert_eq!(old_spec_key.decrypt(&stored, "aad").unwrap(), "refresh");
        assert!(old_spec_key.needs_rotation(&stored));
        assert!(old_spec_key.encrypt("refresh", "aad").starts_with("k2."));
    }

    #[test]
    fn unknown_key_and_bad_specs_are_refused() {
        let ring = Keyring::random("k1");
        assert!(matches!(
            ring.decrypt("k9.AAAA", "aad"),
            Err(CryptoError::UnknownKey(_))
        ));
        assert!(Keyring::parse("").is_err());
        assert!(Keyring::parse("k1:c2hvcnQ=").is_err());
        assert!(Keyring::parse("no-colon").is_err());
    }
}
