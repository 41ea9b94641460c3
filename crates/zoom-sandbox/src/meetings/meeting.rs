//! One meeting as Zoom keeps it, and the JSON forms it is shown in.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::clock::{rfc3339_millis, rfc3339_secs};

/// A non-recurring meeting expires 30 days after its start (or its creation or last start, whichever is
/// latest); an expired meeting answers 3001 like a deleted one.
const EXPIRY_DAYS: i64 = 30;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MeetingStatus {
    Waiting,
    Started,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StartUrl {
    #[serde(rename = "start_url")]
    pub url: String,
    #[serde(serialize_with = "ser_secs")]
    pub issued_at: DateTime<Utc>,
    #[serde(serialize_with = "ser_secs")]
    pub expires_at: DateTime<Utc>,
}

fn ser_secs<S: serde::Serializer>(at: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&rfc3339_millis(*at))
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Meeting {
    pub id: u64,
    pub uuid: String,
    pub host_id: String,
    pub host_email: String,
    pub topic: String,
    pub meeting_type: u8,
    pub start_time: DateTime<Utc>,
    pub timezone: String,
    pub duration: u32,
    pub agenda: String,
    pub password: String,
    pub encrypted_password: String,
    pub h323_password: String,
    pub pstn_password: String,
    pub join_url: String,
    pub settings: Map<String, Value>,
    pub pre_schedule: bool,
    pub recurrence: Option<Value>,
    pub status: MeetingStatus,
    pub last_started_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: Option<DateTime<Utc>>,
    pub update_count: u32,
    pub deleted_at: Option<DateTime<Utc>>,
    pub start_urls: Vec<StartUrl>,
}

impl Meeting {
    pub fn deleted(&self) -> bool {
        self.deleted_at.is_some()
    }

    pub(super) fn end(&self) -> DateTime<Utc> {
        self.start_time + Duration::minutes(i64::from(self.duration))
    }

    /// Recurring meetings (3, 8) are kept forever here; the others expire 30 days after the latest of their
    /// start, creation and last actual start.
    pub fn expired(&self, now: DateTime<Utc>) -> bool {
        if matches!(self.meeting_type, 3 | 8) {
            return false;
        }
        let anchor = [Some(self.start_time), Some(self.created_at), self.last_started_at]
            .into_iter()
            .flatten()
            .max()
            .unwrap_or(self.start_time);
        now >= anchor + Duration::days(EXPIRY_DAYS)
    }

    /// Visible to the Zoom API: not deleted, not expired.
    pub fn live(&self, now: DateTime<Utc>) -> bool {
        !self.deleted() && !self.expired(now)
    }

    pub fn latest_start_url(&self) -> &str {
        self.start_urls.last().map(|s| s.url.as_str()).unwrap_or("")
    }

    /// The create (201) and get (200) body: InlineResponse2018 / InlineResponse20013 plus `uuid`, `host_id`
    /// and `status` (facts §3.1, §3.2).
    pub fn to_zoom_json(&self) -> Value {
        let mut body = json!({
            "uuid": self.uuid,
            "id": self.id,
            "host_id": self.host_id,
            "host_email": self.host_email,
            "assistant_id": "",
            "topic": self.topic,
            "type": self.meeting_type,
            "status": self.status,
            "start_time": rfc3339_secs(self.start_time),
            "duration": self.duration,
            "timezone": self.timezone,
            "agenda": self.agenda,
            "created_at": rfc3339_secs(self.created_at),
            "start_url": self.latest_start_url(),
            "join_url": self.join_url,
            "settings": self.settings,
            "pre_schedule": self.pre_schedule,
            "creation_source": "open_api",
        });
        let object = body.as_object_mut().expect("an object");
        if !self.password.is_empty() {
            object.insert("password".into(), json!(self.password));
            object.insert("h323_password".into(), json!(self.h323_password));
            object.insert("pstn_password".into(), json!(self.pstn_password));
            object.insert("encrypted_password".into(), json!(self.encrypted_password));
        }
        if let Some(recurrence) = &self.recurrence {
            object.insert("recurrence".into(), recurrence.clone());
        }
        body
    }

    /// One `meetings[]` item of the list response (MeetingsAllOf1).
    pub fn to_list_item(&self) -> Value {
        json!({
            "uuid": self.uuid,
            "id": self.id,
            "host_id": self.host_id,
            "topic": self.topic,
            "type": self.meeting_type,
            "start_time": rfc3339_secs(self.start_time),
            "duration": self.duration,
            "timezone": self.timezone,
            "agenda": self.agenda,
            "created_at": rfc3339_secs(self.created_at),
            "join_url": self.join_url,
        })
    }

    /// The full record for `GET /_sandbox/meetings`.
    pub fn to_control_json(&self, now: DateTime<Utc>) -> Value {
        json!({
            "id": self.id,
            "uuid": self.uuid,
            "host_id": self.host_id,
            "host_email": self.host_email,
            "topic": self.topic,
            "type": self.meeting_type,
            "agenda": self.agenda,
            "start_time": rfc3339_secs(self.start_time),
            "timezone": self.timezone,
            "duration": self.duration,
            "password": self.password,
            "join_url": self.join_url,
            "status": self.status,
            "deleted": self.deleted(),
            "deleted_at": self.deleted_at.map(rfc3339_millis),
            "expired": self.expired(now),
            "created_at": rfc3339_secs(self.created_at),
            "updated_at": self.updated_at.map(rfc3339_millis),
            "update_count": self.update_count,
            "start_url_count": self.start_urls.len(),
            "settings": self.settings,
            "pre_schedule": self.pre_schedule,
            "recurrence": self.recurrence,
        })
    }
}
