//! Zoom's Meetings API: the five calls BetterBeing makes, with Zoom's wire shapes kept private to this module.
//! Every instant is sent as UTC with `Z` *and* the session's IANA zone, so Zoom can never read UTC digits as local
//! time (or the reverse) — the classic cause of sessions landing hours off.

use chrono::{DateTime, SecondsFormat, Utc};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::rest::{decode, decode_empty, RestError, ZoomRest};

/// What BetterBeing asks Zoom for when it creates or updates a session's meeting.
#[derive(Debug, Clone)]
pub struct MeetingSpec {
    pub topic: String,
    pub starts_at: DateTime<Utc>,
    pub time_zone: String,
    pub duration_minutes: u32,
    /// Carries the session's reference so a retry can find a meeting whose creation answer was lost.
    pub agenda: String,
}

impl MeetingSpec {
    /// Create: as `update_body`, plus a generated passcode (embedded in the join link, so clients never type it).
    fn create_body(&self) -> serde_json::Value {
        let mut body = self.update_body();
        body["default_password"] = json!(true);
        body
    }

    /// PATCH takes the same fields as create except `default_password`.
    fn update_body(&self) -> serde_json::Value {
        json!({
            "topic": self.topic,
            "type": 2,
            "start_time": self.starts_at.to_rfc3339_opts(SecondsFormat::Secs, true),
            "timezone": self.time_zone,
            "duration": self.duration_minutes,
            "agenda": self.agenda,
            "settings": {
                "waiting_room": true,
                "join_before_host": false,
                "approval_type": 2,
                "audio": "both",
                "auto_recording": "none",
                "host_video": true,
                "participant_video": true,
                "mute_upon_entry": false,
                "use_pmi": false,
                "email_notification": false
            }
        })
    }
}

/// The part of a meeting we keep. `start_url` is deliberately not here: it is read only by `start_url()`.
#[derive(Debug, Clone, Deserialize)]
pub struct CreatedMeeting {
    pub id: i64,
    pub join_url: String,
}

/// What the pre-session check reads of a meeting (its host link, which Zoom puts in every GET, is not even parsed).
#[derive(Debug, Clone, Deserialize)]
pub struct MeetingState {
    pub start_time: chrono::DateTime<chrono::Utc>,
    pub duration: i64,
    #[serde(default)]
    pub host_id: String,
}

#[derive(Deserialize)]
struct MeetingWithStartUrl {
    start_url: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ListedMeeting {
    pub id: i64,
    #[serde(default)]
    pub agenda: String,
    #[serde(default)]
    pub join_url: String,
}

#[derive(Deserialize)]
struct MeetingPage {
    #[serde(default)]
    meetings: Vec<ListedMeeting>,
    #[serde(default)]
    next_page_token: String,
}

#[derive(Serialize)]
struct ListQuery<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    page_size: u32,
    #[serde(skip_serializing_if = "str::is_empty")]
    next_page_token: &'a str,
}

fn url(base: &str, path: &str) -> String {
    format!("{}{path}", base.trim_end_matches('/'))
}

impl ZoomRest {
    /// `POST /users/me/meetings` → 201.
    pub async fn create_meeting(
        &self,
        base: &str,
        token: &SecretString,
        spec: &MeetingSpec,
    ) -> Result<CreatedMeeting, RestError> {
        let response = self
            .http()
            .post(url(base, "/users/me/meetings"))
            .bearer_auth(token.expose_secret())
            .json(&spec.create_body())
            .send()
            .await
            .map_err(|_| RestError::Unavailable)?;
        decode(response).await
    }

    /// `PATCH /meetings/{id}` → 204.
    pub async fn update_meeting(
        &self,
        base: &str,
        token: &SecretString,
        meeting_id: &str,
        spec: &MeetingSpec,
    ) -> Result<(), RestError> {
        let response = self
            .http()
            .patch(url(base, &format!("/meetings/{meeting_id}")))
            .bearer_auth(token.expose_secret())
            .json(&spec.update_body())
            .send()
            .await
            .map_err(|_| RestError::Unavailable)?;
        decode_empty(response).await
    }

    /// `DELETE /meetings/{id}` → 204. A meeting that no longer exists (404, code 3001) counts as deleted.
    pub async fn delete_meeting(&self, base: &str, token: &SecretString, meeting_id: &str) -> Result<(), RestError> {
        let response = self
            .http()
            .delete(url(base, &format!("/meetings/{meeting_id}")))
            .bearer_auth(token.expose_secret())
            .send()
            .await
            .map_err(|_| RestError::Unavailable)?;
        match decode_empty(response).await {
            Err(RestError::Zoom { code: 3001, .. }) => Ok(()),
            other => other,
        }
    }

    /// `GET /meetings/{id}`, read as `T` (only the fields `T` names are kept).
    async fn get_meeting<T: serde::de::DeserializeOwned>(
        &self,
        base: &str,
        token: &SecretString,
        meeting_id: &str,
    ) -> Result<T, RestError> {
        let response = self
            .http()
            .get(url(base, &format!("/meetings/{meeting_id}")))
            .bearer_auth(token.expose_secret())
            .send()
            .await
            .map_err(|_| RestError::Unavailable)?;
        decode(response).await
    }

    /// `GET /meetings/{id}` for the pre-session check: when Zoom has the meeting, and whose it is.
    pub async fn meeting_state(
        &self,
        base: &str,
        token: &SecretString,
        meeting_id: &str,
    ) -> Result<MeetingState, RestError> {
        self.get_meeting(base, token, meeting_id).await
    }

    /// `GET /meetings/{id}`: Zoom issues a fresh host link (valid 2 hours) on every read.
    pub async fn start_url(
        &self,
        base: &str,
        token: &SecretString,
        meeting_id: &str,
    ) -> Result<SecretString, RestError> {
        let meeting: MeetingWithStartUrl = self.get_meeting(base, token, meeting_id).await?;
        Ok(SecretString::from(meeting.start_url))
    }

    /// `GET /users/me/meetings?type=scheduled`, following `next_page_token`: every unexpired meeting (past, live or
    /// upcoming, however far ahead; `upcoming` would stop at six months) whose agenda carries `needle` (a session's
    /// reference).
    pub async fn meetings_with_agenda_containing(
        &self,
        base: &str,
        token: &SecretString,
        needle: &str,
    ) -> Result<Vec<ListedMeeting>, RestError> {
        let mut found = Vec::new();
        let mut page_token = String::new();
        // Bounded: 20 pages of 300 meetings is far beyond any practitioner's calendar of unexpired meetings.
        for _ in 0..20 {
            let response = self
                .http()
                .get(url(base, "/users/me/meetings"))
                .query(&ListQuery {
                    kind: "scheduled",
                    page_size: 300,
                    next_page_token: &page_token,
                })
                .bearer_auth(token.expose_secret())
                .send()
                .await
                .map_err(|_| RestError::Unavailable)?;
            let page: MeetingPage = decode(response).await?;
            found.extend(page.meetings.into_iter().filter(|m| m.agenda.contains(needle)));
            if page.next_page_token.is_empty() {
                break;
            }
            page_token = page.next_page_token;
        }
        Ok(found)
    }
}

/// Zoom's web client for a `join_url` (`…/j/{id}?pwd=…` → `…/wc/join/{id}?pwd=…`): "join from the browser instead".
pub fn browser_join_url(join_url: &str) -> String {
    match url::Url::parse(join_url) {
        Ok(mut parsed) => {
            let id = parsed.path().trim_start_matches("/j/").to_string();
            if parsed.path().starts_with("/j/") {
                parsed.set_path(&format!("/wc/join/{id}"));
            }
            parsed.to_string()
        }
        Err(_) => join_url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_time_is_utc_with_z_and_the_zone_travels_beside_it() {
        let spec = MeetingSpec {
            topic: "BetterBeing session".into(),
            starts_at: "2026-11-09T14:00:00Z".parse().unwrap(),
            time_zone: "America/New_York".into(),
            duration_minutes: 50,
            agenda: "ref".into(),
        };
        let body = spec.create_body();
        assert_eq!(body["default_password"], true);
        assert!(spec.update_body().get("default_password").is_none());
        assert_eq!(body["start_time"], "2026-11-09T14:00:00Z");
        assert_eq!(body["timezone"], "America/New_York");
        assert_eq!(body["type"], 2);
        assert_eq!(body["settings"]["waiting_room"], true);
        assert_eq!(body["settings"]["join_before_host"], false);
    }

    #[test]
    fn browser_join_url_uses_the_web_client() {
        assert_eq!(
            browser_join_url("https://us05web.zoom.us/j/85746065432?pwd=abc"),
            "https://us05web.zoom.us/wc/join/85746065432?pwd=abc"
        );
    }
}
