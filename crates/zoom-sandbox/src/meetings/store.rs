//! Every meeting ever created, and the operations the Meetings API and the control API perform on them.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::daily_cap::{DailyCap, Quota};
use super::error::MeetingError;
use super::listing::{ListQuery, PageCursors};
use super::meeting::{Meeting, MeetingStatus, StartUrl};
use super::request_body::{parse_changes, resolve_start_time, truncate_to_secs};
use super::settings::{default_settings, enforce_settings};
use crate::ids;
use crate::users::User;

/// `start_url` lifetime for regular users (facts §3.7).
pub const START_URL_TTL_SECS: i64 = 2 * 3600;

/// Persisted with the rest of the sandbox (`--state`), except page cursors, which live 15 minutes anyway.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct MeetingStore {
    meetings: Vec<Meeting>,
    usage: DailyCap,
    #[serde(skip)]
    cursors: PageCursors,
    /// Every zak handed out, for leak tests.
    pub zaks: Vec<String>,
}

impl MeetingStore {
    pub fn all(&self) -> &[Meeting] {
        &self.meetings
    }

    pub fn by_id(&self, id: u64) -> Option<&Meeting> {
        self.meetings.iter().find(|m| m.id == id)
    }

    fn index_of_live(&self, host: &User, raw_id: &str, now: DateTime<Utc>) -> Result<usize, MeetingError> {
        let not_found = || MeetingError::NotFound(raw_id.to_owned());
        let id: u64 = raw_id.parse().map_err(|_| not_found())?;
        self.meetings
            .iter()
            .position(|m| m.id == id && m.host_id == host.id && m.live(now))
            .ok_or_else(not_found)
    }

    // ---- the daily create/update cap ----------------------------------------------------------------

    pub fn daily_used(&self, user_id: &str, now: DateTime<Utc>) -> u32 {
        self.usage.used(user_id, now)
    }

    pub fn set_daily_used(&mut self, user_id: &str, used: u32, now: DateTime<Utc>) {
        self.usage.set_used(user_id, used, now);
    }

    /// Counts one create/update request, or refuses it when the UTC day's 100 are used up.
    pub fn count_create_update(&mut self, user_id: &str, now: DateTime<Utc>) -> Result<Quota, MeetingError> {
        self.usage.count(user_id, now)
    }

    // ---- operations ---------------------------------------------------------------------------------

    fn new_meeting_id(&self) -> u64 {
        // 10–11 digits, always above 2^32 so clients that squeeze ids into 32 bits fail fast.
        loop {
            let id = rand::thread_rng().gen_range((1u64 << 32) + 1..=99_999_999_999);
            if self.by_id(id).is_none() {
                return id;
            }
        }
    }

    fn issue_start_url(&mut self, index: usize, base_url: &str, now: DateTime<Utc>) {
        let zak = ids::oauth_token("zak");
        self.zaks.push(zak.clone());
        let meeting = &mut self.meetings[index];
        meeting.start_urls.push(StartUrl {
            url: format!("{base_url}/s/{}?zak={zak}", meeting.id),
            issued_at: now,
            expires_at: now + Duration::seconds(START_URL_TTL_SECS),
        });
    }

    fn set_password(meeting: &mut Meeting, password: String, base_url: &str) {
        if password.is_empty() {
            meeting.password.clear();
            meeting.encrypted_password.clear();
            meeting.h323_password.clear();
            meeting.pstn_password.clear();
            meeting.join_url = format!("{base_url}/j/{}", meeting.id);
            return;
        }
        meeting.password = password;
        meeting.encrypted_password = ids::random_alnum(32);
        let digits = ids::random_number(6).to_string();
        meeting.h323_password = digits.clone();
        meeting.pstn_password = digits;
        meeting.join_url = format!("{base_url}/j/{}?pwd={}.1", meeting.id, meeting.encrypted_password);
    }

    pub fn create(
        &mut self,
        host: &User,
        body: &Value,
        base_url: &str,
        now: DateTime<Utc>,
    ) -> Result<&Meeting, MeetingError> {
        let changes = parse_changes(body)?;
        let timezone = changes.timezone.clone().unwrap_or_else(|| host.timezone.clone());
        let start_time = match &changes.start_time {
            Some(raw) => resolve_start_time(raw, Some(&timezone))
                .map_err(|()| MeetingError::Validation(vec!["start_time".to_owned()]))?,
            // A scheduled meeting without a start time starts now (facts §3.1).
            None => truncate_to_secs(now),
        };
        let mut settings = default_settings();
        settings.extend(changes.settings.unwrap_or_default());
        enforce_settings(&mut settings, host);
        let id = self.new_meeting_id();
        let mut meeting = Meeting {
            id,
            uuid: STANDARD.encode(rand::random::<[u8; 16]>()),
            host_id: host.id.clone(),
            host_email: host.email.clone(),
            topic: changes.topic.unwrap_or_else(|| {
                format!("{} {}'s Zoom Meeting", host.first_name, host.last_name)
                    .trim()
                    .to_owned()
            }),
            meeting_type: changes.meeting_type.unwrap_or(2),
            start_time,
            timezone,
            duration: changes.duration.unwrap_or(60),
            agenda: changes.agenda.unwrap_or_default(),
            password: String::new(),
            encrypted_password: String::new(),
            h323_password: String::new(),
            pstn_password: String::new(),
            join_url: String::new(),
            settings,
            pre_schedule: changes.pre_schedule.unwrap_or(false),
            recurrence: changes.recurrence,
            status: MeetingStatus::Waiting,
            last_started_at: None,
            created_at: truncate_to_secs(now),
            updated_at: None,
            update_count: 0,
            deleted_at: None,
            start_urls: Vec::new(),
        };
        let password = match changes.password {
            Some(password) => password,
            None if changes.default_password != Some(false) => ids::random_alnum(6),
            None => String::new(),
        };
        Self::set_password(&mut meeting, password, base_url);
        self.meetings.push(meeting);
        let index = self.meetings.len() - 1;
        self.issue_start_url(index, base_url, now);
        Ok(&self.meetings[index])
    }

    /// GET: the meeting with a freshly issued `start_url` (facts §3.7).
    pub fn get(
        &mut self,
        host: &User,
        raw_id: &str,
        base_url: &str,
        now: DateTime<Utc>,
    ) -> Result<&Meeting, MeetingError> {
        let index = self.index_of_live(host, raw_id, now)?;
        self.issue_start_url(index, base_url, now);
        Ok(&self.meetings[index])
    }

    /// Looks the meeting up without changing anything (404 3001 before the daily cap is counted).
    pub fn check_exists(&self, host: &User, raw_id: &str, now: DateTime<Utc>) -> Result<(), MeetingError> {
        self.index_of_live(host, raw_id, now).map(|_| ())
    }

    pub fn update(
        &mut self,
        host: &User,
        raw_id: &str,
        body: &Value,
        occurrence_id: Option<&str>,
        base_url: &str,
        now: DateTime<Utc>,
    ) -> Result<(), MeetingError> {
        let index = self.index_of_live(host, raw_id, now)?;
        check_occurrence(&self.meetings[index], occurrence_id)?;
        let changes = parse_changes(body)?;
        let meeting = &self.meetings[index];
        // A local start_time without a timezone is read in the meeting's own timezone.
        let timezone = changes.timezone.clone().unwrap_or_else(|| meeting.timezone.clone());
        let start_time = match &changes.start_time {
            Some(raw) => Some(
                resolve_start_time(raw, Some(&timezone))
                    .map_err(|()| MeetingError::Validation(vec!["start_time".to_owned()]))?,
            ),
            None => None,
        };
        let meeting = &mut self.meetings[index];
        if let Some(topic) = changes.topic {
            meeting.topic = topic;
        }
        if let Some(meeting_type) = changes.meeting_type {
            meeting.meeting_type = meeting_type;
        }
        if let Some(start_time) = start_time {
            meeting.start_time = start_time;
        }
        if changes.timezone.is_some() {
            meeting.timezone = timezone;
        }
        if let Some(duration) = changes.duration {
            meeting.duration = duration;
        }
        if let Some(agenda) = changes.agenda {
            meeting.agenda = agenda;
        }
        if let Some(pre_schedule) = changes.pre_schedule {
            meeting.pre_schedule = pre_schedule;
        }
        if let Some(recurrence) = changes.recurrence {
            meeting.recurrence = Some(recurrence);
        }
        if let Some(settings) = changes.settings {
            meeting.settings.extend(settings);
            enforce_settings(&mut meeting.settings, host);
        }
        // The join_url carries the encrypted passcode, so it changes only when the passcode does.
        if let Some(password) = changes.password {
            if password != meeting.password {
                Self::set_password(meeting, password, base_url);
            }
        }
        meeting.updated_at = Some(now);
        meeting.update_count += 1;
        Ok(())
    }

    pub fn delete(
        &mut self,
        host: &User,
        raw_id: &str,
        occurrence_id: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), MeetingError> {
        let index = self.index_of_live(host, raw_id, now)?;
        check_occurrence(&self.meetings[index], occurrence_id)?;
        self.meetings[index].deleted_at = Some(now);
        Ok(())
    }

    /// The host opened a valid `start_url`.
    pub fn start(&mut self, id: u64, zak: &str, now: DateTime<Utc>) -> StartOutcome {
        let Some(meeting) = self.meetings.iter_mut().find(|m| m.id == id && m.live(now)) else {
            return StartOutcome::NoSuchMeeting;
        };
        let Some(issued) = meeting
            .start_urls
            .iter()
            .find(|s| s.url.ends_with(&format!("zak={zak}")))
        else {
            return StartOutcome::BadZak;
        };
        if now >= issued.expires_at {
            return StartOutcome::Expired;
        }
        meeting.status = MeetingStatus::Started;
        meeting.last_started_at = Some(now);
        StartOutcome::Started
    }

    /// Deletes (`Some(at)`) or restores from the trash (`None`) by id, whatever the host (the control API).
    pub fn mark_deleted(&mut self, id: u64, at: Option<DateTime<Utc>>) {
        if let Some(meeting) = self.meetings.iter_mut().find(|m| m.id == id) {
            meeting.deleted_at = at;
        }
    }

    /// Moves a meeting as its host would in Zoom's web portal (no daily cap: that counts API calls).
    pub fn move_to(&mut self, id: u64, start_time: DateTime<Utc>, duration: Option<u32>, now: DateTime<Utc>) {
        if let Some(meeting) = self.meetings.iter_mut().find(|m| m.id == id) {
            meeting.start_time = truncate_to_secs(start_time);
            if let Some(duration) = duration {
                meeting.duration = duration;
            }
            meeting.updated_at = Some(now);
        }
    }

    pub fn set_status(&mut self, id: u64, status: MeetingStatus, now: DateTime<Utc>) -> bool {
        let Some(meeting) = self.meetings.iter_mut().find(|m| m.id == id) else {
            return false;
        };
        meeting.status = status;
        if status == MeetingStatus::Started {
            meeting.last_started_at = Some(now);
        }
        true
    }

    pub fn list(&mut self, host: &User, query: &ListQuery, now: DateTime<Utc>) -> Result<Value, MeetingError> {
        self.cursors.list(&self.meetings, host, query, now)
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum StartOutcome {
    Started,
    Expired,
    BadZak,
    NoSuchMeeting,
}

/// Occurrences exist only for recurring meetings; the sandbox does not model them further.
fn check_occurrence(meeting: &Meeting, occurrence_id: Option<&str>) -> Result<(), MeetingError> {
    match occurrence_id.filter(|o| !o.is_empty()) {
        Some(_) if !matches!(meeting.meeting_type, 3 | 8) => Err(MeetingError::InvalidOccurrence),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn user(user_type: u8) -> User {
        User {
            id: "host1".into(),
            email: "host@zoom.example".into(),
            first_name: "Alex".into(),
            last_name: "Rivera".into(),
            user_type,
            role_name: "Owner".into(),
            account_id: "acct".into(),
            account_number: 1,
            timezone: "America/New_York".into(),
            pmi: 1234567890,
            personal_meeting_url: String::new(),
            created_at: Utc::now(),
        }
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn the_daily_cap_resets_at_midnight_utc() {
        let mut store = MeetingStore::default();
        let late = at("2026-11-09T23:59:00Z");
        store.set_daily_used("u", 99, late);
        assert_eq!(store.count_create_update("u", late).unwrap().remaining, 0);
        assert_eq!(
            store.count_create_update("u", late).unwrap_err(),
            MeetingError::DailyLimit
        );
        let next_day = at("2026-11-10T00:00:00Z");
        assert_eq!(store.count_create_update("u", next_day).unwrap().remaining, 99);
    }

    #[test]
    fn waiting_room_forces_join_before_host_off_and_basic_hosts_cannot_cloud_record() {
        let mut store = MeetingStore::default();
        let now = Utc::now();
        let body = json!({ "settings": { "waiting_room": true, "join_before_host": true, "auto_recording": "cloud" } });
        let basic = store.create(&user(1), &body, "http://z", now).unwrap();
        assert_eq!(basic.settings["join_before_host"], json!(false));
        assert_eq!(basic.settings["auto_recording"], json!("none"));
        let licensed = store.create(&user(2), &body, "http://z", now).unwrap();
        assert_eq!(licensed.settings["auto_recording"], json!("cloud"));
    }

    #[test]
    fn meetings_expire_thirty_days_after_their_start() {
        let mut store = MeetingStore::default();
        let host = user(2);
        let now = at("2026-11-09T12:00:00Z");
        let id = store
            .create(&host, &json!({ "start_time": "2026-11-10T12:00:00Z" }), "http://z", now)
            .unwrap()
            .id
            .to_string();
        assert!(store.get(&host, &id, "http://z", at("2026-12-10T11:59:59Z")).is_ok());
        assert_eq!(
            store
                .get(&host, &id, "http://z", at("2026-12-10T12:00:00Z"))
                .unwrap_err(),
            MeetingError::NotFound(id)
        );
    }
}
