use serde::{Deserialize, Serialize};

/// Every error the API answers with: a stable machine `code` the SPA matches on and a message a person can read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
}

/// The stable error codes. The SPA matches on these strings; never rename one.
pub mod codes {
    pub const UNAUTHENTICATED: &str = "unauthenticated";
    pub const FORBIDDEN: &str = "forbidden";
    pub const NOT_FOUND: &str = "not_found";
    pub const BAD_REQUEST: &str = "bad_request";
    pub const CSRF_HEADER_MISSING: &str = "csrf_header_missing";
    pub const INVALID_SHELL_TOKEN: &str = "invalid_shell_token";
    pub const ZOOM_BLOCKED_BY_ORGANISATION: &str = "zoom_blocked_by_organisation";
    pub const ZOOM_NOT_CONNECTED: &str = "zoom_not_connected";
    pub const ZOOM_NEEDS_REAUTH: &str = "zoom_needs_reauth";
    pub const ZOOM_UNAVAILABLE: &str = "zoom_unavailable";
    pub const INVALID_RETURN_TO: &str = "invalid_return_to";
    pub const INVALID_WEBHOOK_SIGNATURE: &str = "invalid_webhook_signature";
    pub const INTERNAL: &str = "internal";
    /// The request could not be read: the same `{code, message}` body as every other error, never the framework's
    /// text.
    pub const INVALID_JSON: &str = "invalid_json";
    pub const INVALID_FIELDS: &str = "invalid_fields";
    pub const UNSUPPORTED_MEDIA_TYPE: &str = "unsupported_media_type";
    pub const PAYLOAD_TOO_LARGE: &str = "payload_too_large";
    pub const INVALID_PATH: &str = "invalid_path";
    pub const INVALID_QUERY: &str = "invalid_query";
    pub const METHOD_NOT_ALLOWED: &str = "method_not_allowed";
}
