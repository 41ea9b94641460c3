use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One OAuth scope BetterBeing asks Zoom for, with what it lets us do in plain words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    pub name: &'static str,
    pub plain_words: &'static str,
}

/// The six scopes, in the order the product documentation lists them. Nothing for recordings, transcripts or
/// participants.
pub const SCOPES: [Scope; 6] = [
    Scope {
        name: "meeting:write:meeting",
        plain_words: "Create a Zoom meeting for each session you schedule.",
    },
    Scope {
        name: "meeting:update:meeting",
        plain_words: "Update a session's meeting when you change it.",
    },
    Scope {
        name: "meeting:delete:meeting",
        plain_words: "Delete the meeting when you cancel or reschedule a session.",
    },
    Scope {
        name: "meeting:read:meeting",
        plain_words: "Read a meeting's details, including a fresh host link when you click Start Zoom Session.",
    },
    Scope {
        name: "meeting:read:list_meetings",
        plain_words: "List your meetings, so a retry never creates a duplicate.",
    },
    Scope {
        name: "user:read:user",
        plain_words: "Read your Zoom email and plan, to show which account is connected.",
    },
];

/// The scopes as Zoom's space-separated `scope` string.
pub fn scope_string() -> String {
    SCOPES.iter().map(|s| s.name).collect::<Vec<_>>().join(" ")
}

pub fn scope_plain_words(name: &str) -> Option<&'static str> {
    SCOPES.iter().find(|s| s.name == name).map(|s| s.plain_words)
}

/// The Zoom plan of the connected account, as far as it matters to a practitioner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ZoomPlan {
    /// Free: meetings end at 40 minutes.
    Basic,
    Licensed,
    /// No hosting rights (Zoom's "unassigned" users); never stays connected.
    Unassigned,
    Other,
}

impl ZoomPlan {
    /// Zoom's `type` field of `GET /users/me`.
    pub fn from_zoom_user_type(t: i64) -> Self {
        match t {
            1 => ZoomPlan::Basic,
            2 => ZoomPlan::Licensed,
            4 => ZoomPlan::Unassigned,
            _ => ZoomPlan::Other,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ZoomPlan::Basic => "Basic (free)",
            ZoomPlan::Licensed => "Licensed",
            ZoomPlan::Unassigned => "Unassigned (cannot host)",
            ZoomPlan::Other => "Other",
        }
    }
}

/// The connected Zoom account, as the practitioner sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZoomAccount {
    pub email: String,
    pub display_name: String,
    pub plan: ZoomPlan,
    pub connected_since: DateTime<Utc>,
    /// Scopes Zoom granted, as it reported them.
    pub scopes: Vec<String>,
}

/// Why Zoom no longer accepts BetterBeing's authorization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReauthReason {
    /// Zoom refused the refresh token (expired, revoked, or rotated out).
    GrantRevoked,
    /// The same Zoom account authorized BetterBeing again elsewhere, and Zoom keeps only the newest (4741).
    ReplacedByNewerAuthorization,
    /// The Zoom account's admin disabled the app (4738).
    AppDisabledByZoomAdmin,
}

impl ReauthReason {
    pub fn as_str(self) -> &'static str {
        match self {
            ReauthReason::GrantRevoked => "grant_revoked",
            ReauthReason::ReplacedByNewerAuthorization => "replaced_by_newer_authorization",
            ReauthReason::AppDisabledByZoomAdmin => "app_disabled_by_zoom_admin",
        }
    }
}

/// State of the signed-in practitioner's Zoom connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ZoomStatus {
    /// `ended`: why, when Zoom ended the connection (not the practitioner).
    NotConnected {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ended: Option<ConnectionEnded>,
    },
    Connected {
        account: ZoomAccount,
        /// False when Zoom could not be reached at the last check of this connection.
        verified: bool,
        /// When Zoom last confirmed this connection (the page reads the stored state; the server checks again
        /// every few minutes, and on "Check again").
        checked_at: Option<DateTime<Utc>>,
    },
    NeedsReauth {
        account: ZoomAccount,
        reason: ReauthReason,
    },
    /// Clinic / Enterprise member whose organisation has not enabled Zoom access.
    BlockedByOrganisation {
        admin_name: Option<String>,
        /// A member connected before the admin turned Zoom access off keeps the connection (existing links keep
        /// working, deletions still reach Zoom) and can disconnect; nothing new is created.
        #[serde(default)]
        connected_account: Option<ZoomAccount>,
    },
}

/// A Reauth that came back with another Zoom account than the one the upcoming sessions' meetings are on, waiting for
/// the practitioner: switch on purpose, or go back and authorize `current`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSwitch {
    /// The account the sessions' meetings are on.
    pub current: ZoomAccount,
    /// The account just authorized.
    pub new: ZoomAccount,
    /// Upcoming sessions that would get a new meeting (and a new Zoom link) on `new`.
    pub upcoming_sessions: u32,
}

/// `GET paths::ZOOM_ACCOUNT_SWITCH`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingAccountSwitch {
    pub pending: Option<AccountSwitch>,
}

/// `POST paths::ZOOM_ACCOUNT_SWITCH` answers with the sessions that are getting a new meeting on the new account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSwitched {
    pub account: ZoomAccount,
    pub session_ids: Vec<i64>,
}

/// How a connection ended without the practitioner disconnecting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionEnded {
    pub reason: EndedReason,
    /// The Zoom account that was connected.
    pub zoom_email: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndedReason {
    /// BetterBeing was removed from the Zoom account (Zoom's App Marketplace → Installed Apps, or by a Zoom admin):
    /// Zoom's deauthorization notification.
    RemovedInZoom,
}

impl ZoomStatus {
    /// Not connected, and never was (or the practitioner disconnected).
    pub fn not_connected() -> ZoomStatus {
        ZoomStatus::NotConnected { ended: None }
    }

    /// The `state` tag, e.g. `needs_reauth`.
    pub fn state_name(&self) -> &'static str {
        match self {
            ZoomStatus::NotConnected { .. } => "not_connected",
            ZoomStatus::Connected { .. } => "connected",
            ZoomStatus::NeedsReauth { .. } => "needs_reauth",
            ZoomStatus::BlockedByOrganisation { .. } => "blocked_by_organisation",
        }
    }
}

/// The query keys put on the return URL after the OAuth callback: `?zoom=connected` or `?zoom_error=<code>`.
pub mod callback {
    pub const QUERY_OK: &str = "zoom";
    pub const OK_VALUE: &str = "connected";
    pub const QUERY_ERROR: &str = "zoom_error";
}

/// Why the OAuth callback did not connect Zoom: the `zoom_error` on the return URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CallbackError {
    /// The person clicked Deny on Zoom's consent page.
    Denied,
    /// The Zoom account's admin does not allow this app (4738 / pre-approval).
    AppDisabled,
    /// The Zoom account cannot host or schedule meetings (unassigned user, 3161).
    CannotHost,
    /// The state did not match (expired, used twice, or forged): start again.
    StateInvalid,
    /// Zoom refused the code exchange.
    ExchangeFailed,
    /// Zoom did not answer.
    ZoomUnavailable,
    /// The organisation's admin has not enabled Zoom access.
    BlockedByOrganisation,
    /// Zoom authorized another account than the one the sessions' meetings are on: nothing switched yet; the Zoom
    /// page asks what to do.
    OtherAccount,
    /// A code from a newer server.
    Unknown,
}

impl CallbackError {
    pub const ALL: [CallbackError; 8] = [
        CallbackError::Denied,
        CallbackError::AppDisabled,
        CallbackError::CannotHost,
        CallbackError::StateInvalid,
        CallbackError::ExchangeFailed,
        CallbackError::ZoomUnavailable,
        CallbackError::BlockedByOrganisation,
        CallbackError::OtherAccount,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CallbackError::Denied => "denied",
            CallbackError::AppDisabled => "app_disabled",
            CallbackError::CannotHost => "cannot_host",
            CallbackError::StateInvalid => "state_invalid",
            CallbackError::ExchangeFailed => "exchange_failed",
            CallbackError::ZoomUnavailable => "zoom_unavailable",
            CallbackError::BlockedByOrganisation => "blocked_by_organisation",
            CallbackError::OtherAccount => "other_account",
            CallbackError::Unknown => "unknown",
        }
    }

    pub fn parse(wire: &str) -> CallbackError {
        CallbackError::ALL
            .into_iter()
            .find(|c| c.as_str() == wire)
            .unwrap_or(CallbackError::Unknown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_string_is_exactly_the_six_documented_scopes() {
        assert_eq!(
            scope_string(),
            "meeting:write:meeting meeting:update:meeting meeting:delete:meeting meeting:read:meeting \
             meeting:read:list_meetings user:read:user"
        );
    }

    #[test]
    fn status_is_tagged_by_state() {
        let json = serde_json::to_value(ZoomStatus::not_connected()).unwrap();
        assert_eq!(json["state"], "not_connected");
        assert_eq!(ZoomStatus::not_connected().state_name(), "not_connected");
        for reason in [
            ReauthReason::GrantRevoked,
            ReauthReason::ReplacedByNewerAuthorization,
            ReauthReason::AppDisabledByZoomAdmin,
        ] {
            assert_eq!(serde_json::to_value(reason).unwrap(), reason.as_str());
        }
        let blocked = ZoomStatus::BlockedByOrganisation {
            admin_name: Some("Ada".into()),
            connected_account: None,
        };
        let back: ZoomStatus = serde_json::from_str(&serde_json::to_string(&blocked).unwrap()).unwrap();
        assert_eq!(back, blocked);
    }

    #[test]
    fn no_scope_touches_recordings_transcripts_or_participants() {
        for s in SCOPES {
            for word in ["recording", "transcript", "participant"] {
                assert!(!s.name.contains(word), "{} must not be requested", s.name);
            }
        }
    }
}
