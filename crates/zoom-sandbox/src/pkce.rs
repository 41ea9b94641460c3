//! PKCE (RFC 7636) as Zoom applies it: `plain` unless the client says `S256`.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum PkceMethod {
    Plain,
    S256,
}

impl PkceMethod {
    /// `None` (parameter absent) means `plain`, Zoom's default. Anything but the two names is refused.
    pub fn parse(method: Option<&str>) -> Option<Self> {
        match method {
            None | Some("plain") => Some(Self::Plain),
            Some("S256") => Some(Self::S256),
            Some(_) => None,
        }
    }
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct PkceChallenge {
    pub method: PkceMethod,
    pub challenge: String,
}

impl PkceChallenge {
    pub fn is_satisfied_by(&self, verifier: Option<&str>) -> bool {
        let Some(verifier) = verifier else {
            return false;
        };
        match self.method {
            PkceMethod::Plain => verifier == self.challenge,
            PkceMethod::S256 => s256(verifier) == self.challenge,
        }
    }
}

pub fn s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn challenge(method: PkceMethod, challenge: &str) -> PkceChallenge {
        PkceChallenge {
            method,
            challenge: challenge.to_owned(),
        }
    }

    #[test]
    fn s256_is_base64url_of_sha256_without_padding() {
        // Expected value from `openssl dgst -sha256 -binary | base64 | tr '+/' '-_' | tr -d '='`.
        let verifier = "dBjftJeZ4CVP-mJ92K9qZrUHSWMgpoTl7FKGzXWJr1c";
        let expected = "afIigzr98pCQA_BK00oshloquLxIJXRbDFZ_T02VQM4";
        assert_eq!(s256(verifier), expected);
        let c = challenge(PkceMethod::S256, expected);
        assert!(c.is_satisfied_by(Some(verifier)));
        assert!(!c.is_satisfied_by(Some(expected)));
        assert!(!c.is_satisfied_by(None));
    }

    #[test]
    fn plain_compares_verbatim() {
        let c = challenge(PkceMethod::Plain, "abc");
        assert!(c.is_satisfied_by(Some("abc")));
        assert!(!c.is_satisfied_by(Some("abd")));
        assert!(!c.is_satisfied_by(None));
    }

    #[test]
    fn method_defaults_to_plain_and_rejects_unknown_names() {
        assert_eq!(PkceMethod::parse(None), Some(PkceMethod::Plain));
        assert_eq!(PkceMethod::parse(Some("S256")), Some(PkceMethod::S256));
        assert_eq!(PkceMethod::parse(Some("s256")), None);
    }
}
