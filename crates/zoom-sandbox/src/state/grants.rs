//! What the sandbox keeps per authorization: the grants, and the codes and tokens that lead to them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::pkce::PkceChallenge;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum GrantStatus {
    Active,
    /// Revoked through `/oauth/revoke`, removal in the Marketplace, or the `kill-grant` fault.
    Revoked,
    /// A later authorization by the same user for the same app (Zoom 4741).
    Replaced,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Grant {
    pub id: String,
    pub zoom_user_id: String,
    pub client_id: String,
    pub scopes: Vec<String>,
    pub status: GrantStatus,
    pub created_at: DateTime<Utc>,
    pub refresh_count: u32,
    pub(super) current_refresh_token: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct AccessTokenRecord {
    pub(super) grant: usize,
    pub(super) expires_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct RefreshTokenRecord {
    pub(super) grant: usize,
    pub(super) expires_at: DateTime<Utc>,
    /// When a refresh replaced this token; it dies `refresh_grace_secs` later.
    pub(super) rotated_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct CodeRecord {
    pub(super) client_id: String,
    pub(super) redirect_uri: String,
    pub(super) zoom_user_id: String,
    pub(super) pkce: Option<PkceChallenge>,
    pub(super) expires_at: DateTime<Utc>,
}

/// An authorize request waiting for the user's decision on the consent page. Kept server-side so the
/// form cannot smuggle in another redirect_uri.
#[derive(Clone, Debug)]
pub struct PendingAuthorization {
    pub client_id: String,
    pub redirect_uri: String,
    pub state: Option<String>,
    pub pkce: Option<PkceChallenge>,
}
