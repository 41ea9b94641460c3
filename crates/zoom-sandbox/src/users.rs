//! Zoom's users, as the sandbox keeps and shows them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::clock::rfc3339_secs;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct User {
    pub id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    /// 1 Basic, 2 Licensed, 4 unassigned (no Meetings Basic; cannot host).
    pub user_type: u8,
    pub role_name: String,
    pub account_id: String,
    pub account_number: u64,
    pub timezone: String,
    pub pmi: u64,
    pub personal_meeting_url: String,
    pub created_at: DateTime<Utc>,
}

impl User {
    /// The `GET /v2/users/me` body (facts §3.6).
    pub fn to_zoom_json(&self, now: DateTime<Utc>) -> serde_json::Value {
        serde_json::json!({
            "id": self.id,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "display_name": format!("{} {}", self.first_name, self.last_name).trim(),
            "email": self.email,
            "type": self.user_type,
            "role_name": self.role_name,
            "pmi": self.pmi,
            "use_pmi": false,
            "personal_meeting_url": self.personal_meeting_url,
            "timezone": self.timezone,
            "verified": 1,
            "dept": "",
            "created_at": rfc3339_secs(self.created_at),
            "last_login_time": rfc3339_secs(now),
            "pic_url": "",
            "language": "en-US",
            "phone_number": "",
            "status": "active",
            "role_id": if self.role_name == "Owner" { "0" } else { "2" },
            "login_types": [100],
            "account_id": self.account_id,
            "account_number": self.account_number,
            "cluster": "us05",
            "user_created_at": rfc3339_secs(self.created_at),
        })
    }
}

#[derive(Clone, Debug)]
pub struct NewUser {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub user_type: u8,
    pub account_id: Option<String>,
    pub timezone: Option<String>,
}
