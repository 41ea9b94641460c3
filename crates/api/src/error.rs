use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Every error the API answers with: a stable machine `code` the SPA matches on and a message a person can read
/// (for other API clients and logs; the SPA words every code itself, in `src/logic/messages.rs`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: ErrorCode,
    pub message: String,
}

/// Declares the stable codes once: the variant, its wire string, and the list of all of them.
macro_rules! error_codes {
    ($( $(#[$doc:meta])* $variant:ident = $wire:literal, )*) => {
        /// The stable error codes, one vocabulary for every API answer and every Zoom or calendar failure a session
        /// or a connection records. Never rename a wire string: stored rows and older SPAs hold them. A code this
        /// build does not know (from a newer server) reads as `Unknown`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $( $(#[$doc])* $variant, )*
            /// A code from a newer server; worded generically.
            Unknown,
        }

        impl ErrorCode {
            pub const ALL: &'static [ErrorCode] = &[$( ErrorCode::$variant, )*];

            /// The wire string, e.g. `zoom_needs_reauth`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( ErrorCode::$variant => $wire, )*
                    ErrorCode::Unknown => "unknown",
                }
            }

            /// The code for a wire string; `Unknown` for anything else.
            pub fn parse(wire: &str) -> ErrorCode {
                match wire {
                    $( $wire => ErrorCode::$variant, )*
                    _ => ErrorCode::Unknown,
                }
            }
        }
    };
}

error_codes! {
    // The general ones.
    Unauthenticated = "unauthenticated",
    Forbidden = "forbidden",
    NotFound = "not_found",
    BadRequest = "bad_request",
    CsrfHeaderMissing = "csrf_header_missing",
    InvalidShellToken = "invalid_shell_token",
    InvalidReturnTo = "invalid_return_to",
    InvalidWebhookSignature = "invalid_webhook_signature",
    Internal = "internal",
    // The request could not be read: the same `{code, message}` body as every other error, never the framework's
    // text.
    InvalidJson = "invalid_json",
    InvalidFields = "invalid_fields",
    UnsupportedMediaType = "unsupported_media_type",
    PayloadTooLarge = "payload_too_large",
    InvalidPath = "invalid_path",
    InvalidQuery = "invalid_query",
    MethodNotAllowed = "method_not_allowed",
    // Zoom: the connection.
    ZoomBlockedByOrganisation = "zoom_blocked_by_organisation",
    ZoomNotConnected = "zoom_not_connected",
    ZoomNeedsReauth = "zoom_needs_reauth",
    ZoomUnavailable = "zoom_unavailable",
    // Sessions: the form.
    InvalidClientName = "invalid_client_name",
    InvalidTimeZone = "invalid_time_zone",
    InvalidDuration = "invalid_duration",
    /// The wall-clock time does not exist in that zone (skipped by a DST change).
    NonexistentLocalTime = "nonexistent_local_time",
    StartInPast = "start_in_past",
    NotesTooLong = "notes_too_long",
    /// The client's name holds a control character (see `client_name_has_invalid_characters`).
    ClientNameInvalidCharacters = "client_name_invalid_characters",
    /// The notes hold a control character other than a line break or tab.
    NotesInvalidCharacters = "notes_invalid_characters",
    /// The start is more than `MAX_MONTHS_AHEAD` months from now.
    StartTooFarAhead = "start_too_far_ahead",
    SessionCancelled = "session_cancelled",
    NoZoomMeeting = "no_zoom_meeting",
    // Sessions: what Zoom said.
    /// The account cannot host or schedule meetings (3161).
    ZoomCannotHost = "zoom_cannot_host",
    /// 100 meeting creations / updates per day per user reached; resumes at 00:00 UTC.
    ZoomDailyLimit = "zoom_daily_limit",
    /// Zoom asked BetterBeing to slow down (its per-second limits); tried again shortly.
    ZoomRateLimited = "zoom_rate_limited",
    ZoomRejected = "zoom_rejected",
    /// "Put back" / "Use Zoom's time" asked of a session whose meeting Zoom does not have at another time.
    ZoomTimeMatches = "zoom_time_matches",
    /// Zoom's time for the meeting cannot be a session's (too long, too short, too far ahead).
    ZoomTimeUnusable = "zoom_time_unusable",
    // The connected calendar.
    CalendarUrlInvalid = "calendar_url_invalid",
    CalendarAuthFailed = "calendar_auth_failed",
    CalendarUnreachable = "calendar_unreachable",
    CalendarNotCaldav = "calendar_not_caldav",
    CalendarNoneFound = "calendar_none_found",
    CalendarNotOffered = "calendar_not_offered",
    CalendarGone = "calendar_gone",
    CalendarNotConnected = "calendar_not_connected",
    CalendarRefused = "calendar_refused",
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ErrorCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let wire = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        Ok(ErrorCode::parse(&wire))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_reads_back_as_itself_and_strangers_are_unknown() {
        for code in ErrorCode::ALL {
            let json = serde_json::to_string(code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert_eq!(serde_json::from_str::<ErrorCode>(&json).unwrap(), *code);
        }
        assert_eq!(
            serde_json::from_str::<ErrorCode>("\"from_a_newer_server\"").unwrap(),
            ErrorCode::Unknown
        );
        let unique: std::collections::HashSet<_> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(unique.len(), ErrorCode::ALL.len(), "two codes share a wire string");
    }

    #[test]
    fn an_error_body_keeps_its_wire_shape() {
        let body = ErrorBody {
            code: ErrorCode::ZoomNeedsReauth,
            message: "m".into(),
        };
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            serde_json::json!({"code": "zoom_needs_reauth", "message": "m"})
        );
    }
}
