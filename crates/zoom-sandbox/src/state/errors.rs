//! Why a sandbox operation refused; the handler modules own the wire forms.

/// Token-endpoint failures; `oauth.rs` owns their wire form.
#[derive(Debug, PartialEq, Eq)]
pub enum TokenError {
    InvalidCode,
    CodeExpired,
    RedirectMismatch,
    InvalidVerifier,
    InvalidToken,
    DisabledByAdmin,
}

/// Bearer-authentication failures; `api.rs` owns their wire form.
#[derive(Debug, PartialEq, Eq)]
pub enum AccessError {
    Invalid,
    Expired,
    DisabledByAdmin,
}

#[derive(Debug, PartialEq, Eq)]
pub enum ControlError {
    UnknownUser,
    UnknownAccount,
    NoActiveGrant,
}
