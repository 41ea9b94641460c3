//! The organisation admin's view: the "Allow practitioners to connect Zoom" switch, each member's Zoom state, and
//! the audit log of who changed the switch.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::identity::{Plan, Role};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberZoomState {
    Connected,
    NeedsReauth,
    NotConnected,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub zoom_state: MemberZoomState,
    /// The Zoom account the member connected, when there is one.
    pub zoom_email: Option<String>,
    pub last_zoom_success_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub actor_name: String,
    /// What the admin did (the SPA words it).
    pub action: AuditAction,
}

/// What a clinic admin changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    /// Turned on "Allow practitioners to connect Zoom".
    ZoomAccessEnabled,
    /// Turned it off.
    ZoomAccessDisabled,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationAdmin {
    pub id: i64,
    pub name: String,
    pub plan: Plan,
    /// "Allow practitioners to connect Zoom".
    pub zoom_allowed: bool,
    pub members: Vec<Member>,
    /// Newest first.
    pub audit: Vec<AuditEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZoomAccessChange {
    pub allowed: bool,
}
