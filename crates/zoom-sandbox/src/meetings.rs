//! The Meetings API's rules (facts §3, §4.2, §5), kept free of HTTP so they can be unit-tested.
//!
//! Every meeting ever created stays here, deleted ones flagged, so tests can inspect what a client did.

use std::collections::HashMap;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::ids;
use crate::state::{rfc3339_millis, rfc3339_secs, User};

/// Create + update requests per host user per UTC day (facts §4.2).
pub const DAILY_CREATE_UPDATE_LIMIT: u32 = 100;
/// `start_url` lifetime for regular users (facts §3.7).
pub const START_URL_TTL_SECS: i64 = 2 * 3600;
/// `next_page_token` lifetime (facts §3.5).
pub const PAGE_TOKEN_TTL_SECS: i64 = 15 * 60;
/// A non-recurring meeting expires 30 days after its start (or its creation or last start, whichever is
/// latest); an expired meeting answers 3001 like a deleted one.
const EXPIRY_DAYS: i64 = 30;
/// The upcoming and previous list types reach at most six months (facts §3.5).
const LIST_WINDOW_DAYS: i64 = 183;

pub const TOPIC_MAX: usize = 200;
pub const AGENDA_MAX: usize = 2000;
pub const PASSWORD_MAX: usize = 10;
pub const DURATION_RANGE: std::ops::RangeInclusive<i64> = 1..=1440;
pub const MEETING_TYPES: [u8; 5] = [1, 2, 3, 8, 10];

/// Boolean settings the sandbox stores and echoes, with Zoom's defaults.
const BOOL_SETTINGS: [(&str, bool); 23] = [
    ("host_video", false),
    ("participant_video", false),
    ("cn_meeting", false),
    ("in_meeting", false),
    ("join_before_host", false),
    ("mute_upon_entry", false),
    ("watermark", false),
    ("use_pmi", false),
    ("enforce_login", false),
    ("waiting_room", false),
    ("meeting_authentication", false),
    ("email_notification", true),
    ("alternative_hosts_email_notification", true),
    ("private_meeting", false),
    ("focus_mode", false),
    ("device_testing", false),
    ("close_registration", false),
    ("show_share_button", false),
    ("allow_multiple_devices", false),
    ("participant_focused_meeting", false),
    ("push_change_to_calendar", false),
    ("internal_meeting", false),
    ("host_save_video_order", false),
];

/// Enumerated settings: name, default, allowed values.
fn enum_settings() -> [(&'static str, Value, Vec<Value>); 6] {
    [
        ("approval_type", json!(2), vec![json!(0), json!(1), json!(2)]),
        ("registration_type", json!(1), vec![json!(1), json!(2), json!(3)]),
        ("jbh_time", json!(0), vec![json!(0), json!(5), json!(10), json!(15)]),
        (
            "audio",
            json!("both"),
            vec![json!("both"), json!("telephony"), json!("voip"), json!("thirdParty")],
        ),
        (
            "auto_recording",
            json!("none"),
            vec![json!("local"), json!("cloud"), json!("none")],
        ),
        (
            "encryption_type",
            json!("enhanced_encryption"),
            vec![json!("enhanced_encryption"), json!("e2ee")],
        ),
    ]
}

const STRING_SETTINGS: [&str; 3] = ["alternative_hosts", "enforce_login_domains", "authentication_option"];

fn default_settings() -> Map<String, Value> {
    let mut settings = Map::new();
    for (name, default) in BOOL_SETTINGS {
        settings.insert(name.to_owned(), json!(default));
    }
    for (name, default, _) in enum_settings() {
        settings.insert(name.to_owned(), default);
    }
    for name in STRING_SETTINGS {
        settings.insert(name.to_owned(), json!(""));
    }
    settings
}

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

    fn end(&self) -> DateTime<Utc> {
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

/// Why a meetings call failed; `meetings_api.rs` owns the wire form.
#[derive(Debug, PartialEq, Eq)]
pub enum MeetingError {
    /// 400 300 "Validation Failed." with these fields.
    Validation(Vec<String>),
    /// 400 300 "Request Body should be a valid JSON object."
    InvalidBody,
    /// 404 3001 "Meeting does not exist: {id}."
    NotFound(String),
    /// 429: the host's 100 create/update requests for the UTC day are used up.
    DailyLimit,
    /// 400 300 "Invalid parameter: occurrence_id."
    InvalidOccurrence,
    /// 400 300: an unknown or expired `next_page_token`.
    InvalidPageToken,
}

/// A validated create/update body. Every field is optional: PATCH is a partial update.
#[derive(Debug, Default)]
struct Changes {
    topic: Option<String>,
    meeting_type: Option<u8>,
    start_time: Option<String>,
    timezone: Option<String>,
    duration: Option<u32>,
    agenda: Option<String>,
    password: Option<String>,
    default_password: Option<bool>,
    settings: Option<Map<String, Value>>,
    pre_schedule: Option<bool>,
    recurrence: Option<Value>,
}

fn valid_timezone(name: &str) -> Option<Tz> {
    name.parse::<Tz>().ok()
}

/// `start_time` per facts §3.1/§3.8: with `Z` or an offset it is an instant; without, local time in
/// `timezone`. A local time that does not exist (a DST gap) is invalid; an ambiguous one (a DST overlap)
/// takes the earlier instant.
pub fn resolve_start_time(raw: &str, timezone: Option<&str>) -> Result<DateTime<Utc>, ()> {
    if let Ok(instant) = DateTime::parse_from_rfc3339(raw) {
        return Ok(truncate_to_secs(instant.with_timezone(&Utc)));
    }
    let local = NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S%.f"))
        .map_err(|_| ())?;
    let tz = valid_timezone(timezone.ok_or(())?).ok_or(())?;
    let resolved = tz.from_local_datetime(&local).earliest().ok_or(())?;
    Ok(truncate_to_secs(resolved.with_timezone(&Utc)))
}

fn truncate_to_secs(at: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(at.timestamp(), 0).unwrap_or(at)
}

fn parse_changes(body: &Value) -> Result<Changes, MeetingError> {
    let Some(object) = body.as_object() else {
        return Err(MeetingError::InvalidBody);
    };
    let mut changes = Changes::default();
    let mut bad: Vec<String> = Vec::new();
    let string_field = |name: &str, max: Option<usize>, bad: &mut Vec<String>| match object.get(name) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if max.is_none_or(|max| s.chars().count() <= max) => Some(s.clone()),
        Some(_) => {
            bad.push(name.to_owned());
            None
        }
    };
    changes.topic = string_field("topic", Some(TOPIC_MAX), &mut bad);
    changes.agenda = string_field("agenda", Some(AGENDA_MAX), &mut bad);
    changes.password = string_field("password", Some(PASSWORD_MAX), &mut bad);
    changes.start_time = string_field("start_time", None, &mut bad);
    changes.timezone = string_field("timezone", None, &mut bad).filter(|tz| !tz.is_empty());
    let _ = string_field("schedule_for", None, &mut bad);
    let _ = string_field("template_id", None, &mut bad);
    match object.get("type") {
        None | Some(Value::Null) => {}
        Some(value) => match value.as_u64() {
            Some(t) if MEETING_TYPES.iter().any(|&m| u64::from(m) == t) => {
                changes.meeting_type = Some(t as u8);
            }
            _ => bad.push("type".to_owned()),
        },
    }
    match object.get("duration") {
        None | Some(Value::Null) => {}
        Some(value) => match value.as_i64() {
            Some(d) if DURATION_RANGE.contains(&d) => changes.duration = Some(d as u32),
            _ => bad.push("duration".to_owned()),
        },
    }
    let bool_field = |name: &str, bad: &mut Vec<String>| match object.get(name) {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => {
            bad.push(name.to_owned());
            None
        }
    };
    changes.default_password = bool_field("default_password", &mut bad);
    changes.pre_schedule = bool_field("pre_schedule", &mut bad);
    match object.get("recurrence") {
        None | Some(Value::Null) => {}
        Some(value @ Value::Object(_)) => changes.recurrence = Some(value.clone()),
        Some(_) => bad.push("recurrence".to_owned()),
    }
    match object.get("settings") {
        None | Some(Value::Null) => {}
        Some(Value::Object(settings)) => match parse_settings(settings) {
            Ok(settings) => changes.settings = Some(settings),
            Err(fields) => bad.extend(fields),
        },
        Some(_) => bad.push("settings".to_owned()),
    }
    if let Some(tz) = &changes.timezone {
        // An unknown zone is the start_time's problem when it has to interpret a local time, else its own.
        let local_start = changes
            .start_time
            .as_deref()
            .is_some_and(|s| DateTime::parse_from_rfc3339(s).is_err());
        if valid_timezone(tz).is_none() && !local_start {
            bad.push("timezone".to_owned());
        }
    }
    if bad.is_empty() {
        Ok(changes)
    } else {
        Err(MeetingError::Validation(bad))
    }
}

/// Known settings are type- and enum-checked; unknown ones are dropped silently, as Zoom drops settings an
/// account does not allow (facts §3.1).
fn parse_settings(input: &Map<String, Value>) -> Result<Map<String, Value>, Vec<String>> {
    let mut out = Map::new();
    let mut bad = Vec::new();
    for (name, value) in input {
        if value.is_null() {
            continue;
        }
        let field = || format!("settings.{name}");
        if BOOL_SETTINGS.iter().any(|(n, _)| n == name) {
            match value {
                Value::Bool(_) => {
                    out.insert(name.clone(), value.clone());
                }
                _ => bad.push(field()),
            }
        } else if let Some((_, _, allowed)) = enum_settings().into_iter().find(|(n, ..)| n == name) {
            if allowed.contains(value) {
                out.insert(name.clone(), value.clone());
            } else {
                bad.push(field());
            }
        } else if STRING_SETTINGS.contains(&name.as_str()) {
            match value {
                Value::String(_) => {
                    out.insert(name.clone(), value.clone());
                }
                _ => bad.push(field()),
            }
        }
    }
    if bad.is_empty() {
        Ok(out)
    } else {
        Err(bad)
    }
}

/// Rules Zoom applies over what was asked: a waiting room disables join-before-host (facts §3.1); the
/// sandbox does not model PMI meetings; Basic hosts cannot cloud-record.
fn enforce_settings(settings: &mut Map<String, Value>, host: &User) {
    if settings.get("waiting_room") == Some(&json!(true)) {
        settings.insert("join_before_host".into(), json!(false));
    }
    settings.insert("use_pmi".into(), json!(false));
    if host.user_type == 1 && settings.get("auto_recording") == Some(&json!("cloud")) {
        settings.insert("auto_recording".into(), json!("none"));
    }
}

#[derive(Debug)]
struct PageCursor {
    host_id: String,
    ids: Vec<u64>,
    offset: usize,
    page_size: usize,
    expires_at: DateTime<Utc>,
}

/// The list query (`GET /users/{userId}/meetings`), already read from the query string.
#[derive(Debug, Default)]
pub struct ListQuery {
    pub list_type: Option<String>,
    pub page_size: Option<String>,
    pub next_page_token: Option<String>,
    pub page_number: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub timezone: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct DailyUsage {
    pub day: NaiveDate,
    pub used: u32,
}

/// Result of counting a create/update against the daily cap.
#[derive(Clone, Copy, Debug)]
pub struct Quota {
    pub remaining: u32,
}

/// Persisted with the rest of the sandbox (`--state`), except page cursors, which live 15 minutes anyway.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct MeetingStore {
    meetings: Vec<Meeting>,
    usage: HashMap<String, DailyUsage>,
    #[serde(skip)]
    cursors: HashMap<String, PageCursor>,
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
        self.usage
            .get(user_id)
            .filter(|u| u.day == now.date_naive())
            .map_or(0, |u| u.used)
    }

    pub fn set_daily_used(&mut self, user_id: &str, used: u32, now: DateTime<Utc>) {
        self.usage.insert(
            user_id.to_owned(),
            DailyUsage {
                day: now.date_naive(),
                used,
            },
        );
    }

    /// Counts one create/update request, or refuses it when the UTC day's 100 are used up.
    pub fn count_create_update(&mut self, user_id: &str, now: DateTime<Utc>) -> Result<Quota, MeetingError> {
        let used = self.daily_used(user_id, now);
        if used >= DAILY_CREATE_UPDATE_LIMIT {
            return Err(MeetingError::DailyLimit);
        }
        self.set_daily_used(user_id, used + 1, now);
        Ok(Quota {
            remaining: DAILY_CREATE_UPDATE_LIMIT - used - 1,
        })
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
        let mut bad = Vec::new();
        let page_size = match query.page_size.as_deref() {
            None | Some("") => None,
            Some(raw) => match raw.parse::<i64>() {
                Ok(n) if n < 1 => Some(30),
                Ok(n) => Some(n.min(300) as usize),
                Err(_) => {
                    bad.push("page_size".to_owned());
                    None
                }
            },
        };
        if let Some(token) = query.next_page_token.as_deref().filter(|t| !t.is_empty()) {
            if !bad.is_empty() {
                return Err(MeetingError::Validation(bad));
            }
            self.cursors.retain(|_, c| now < c.expires_at);
            let cursor = self
                .cursors
                .remove(token)
                .filter(|c| c.host_id == host.id)
                .ok_or(MeetingError::InvalidPageToken)?;
            let page_size = page_size.unwrap_or(cursor.page_size);
            return Ok(self.page(host, cursor.ids, cursor.offset, page_size, now));
        }
        let list_type = query.list_type.as_deref().unwrap_or("scheduled");
        if ![
            "scheduled",
            "live",
            "upcoming",
            "upcoming_meetings",
            "previous_meetings",
        ]
        .contains(&list_type)
        {
            bad.push("type".to_owned());
        }
        let tz = match query.timezone.as_deref().filter(|t| !t.is_empty()) {
            Some(name) => valid_timezone(name).unwrap_or_else(|| {
                bad.push("timezone".to_owned());
                Tz::UTC
            }),
            None => valid_timezone(&host.timezone).unwrap_or(Tz::UTC),
        };
        let mut date = |name: &str, raw: Option<&str>| -> Option<DateTime<Utc>> {
            let raw = raw.filter(|r| !r.is_empty())?;
            let parsed = NaiveDate::parse_from_str(raw, "%Y-%m-%d")
                .ok()
                .and_then(|d| tz.from_local_datetime(&d.and_hms_opt(0, 0, 0)?).earliest());
            if parsed.is_none() {
                bad.push(name.to_owned());
            }
            parsed.map(|p| p.with_timezone(&Utc))
        };
        let from = date("from", query.from.as_deref());
        let to = date("to", query.to.as_deref()).map(|t| t + Duration::days(1));
        let page_number = match query.page_number.as_deref() {
            None | Some("") => 1,
            Some(raw) => raw.parse::<usize>().ok().filter(|&n| n >= 1).unwrap_or_else(|| {
                bad.push("page_number".to_owned());
                1
            }),
        };
        if !bad.is_empty() {
            return Err(MeetingError::Validation(bad));
        }
        let window = Duration::days(LIST_WINDOW_DAYS);
        let mut selected: Vec<&Meeting> = self
            .meetings
            .iter()
            .filter(|m| m.host_id == host.id && !m.deleted())
            // Instant and screen-share meetings are not listed (facts §3.5).
            .filter(|m| matches!(m.meeting_type, 2 | 3 | 8))
            .filter(|m| {
                let started = m.status == MeetingStatus::Started;
                match list_type {
                    "live" => started && !m.expired(now),
                    "upcoming" | "upcoming_meetings" => {
                        !m.expired(now)
                            && (started || m.meeting_type == 3 || m.end() > now)
                            && m.start_time <= now + window
                    }
                    "previous_meetings" => {
                        !started && m.meeting_type != 3 && m.end() <= now && m.start_time >= now - window
                    }
                    _ => !m.expired(now),
                }
            })
            .filter(|m| from.is_none_or(|f| m.start_time >= f))
            .filter(|m| to.is_none_or(|t| m.start_time < t))
            .collect();
        selected.sort_by_key(|m| (m.start_time, m.id));
        let ids: Vec<u64> = selected.iter().map(|m| m.id).collect();
        let page_size = page_size.unwrap_or(30);
        let offset = (page_number - 1) * page_size;
        Ok(self.page(host, ids, offset, page_size, now))
    }

    fn page(&mut self, host: &User, ids: Vec<u64>, offset: usize, page_size: usize, now: DateTime<Utc>) -> Value {
        let total = ids.len();
        let end = (offset + page_size).min(total);
        let meetings: Vec<Value> = ids
            .get(offset..end)
            .unwrap_or(&[])
            .iter()
            .filter_map(|id| self.by_id(*id))
            .filter(|m| !m.deleted())
            .map(Meeting::to_list_item)
            .collect();
        let next_page_token = if end < total {
            let token = ids::random_alnum(32);
            self.cursors.insert(
                token.clone(),
                PageCursor {
                    host_id: host.id.clone(),
                    ids,
                    offset: end,
                    page_size,
                    expires_at: now + Duration::seconds(PAGE_TOKEN_TTL_SECS),
                },
            );
            token
        } else {
            String::new()
        };
        json!({
            "page_size": page_size,
            "page_number": offset / page_size.max(1) + 1,
            "page_count": total.div_ceil(page_size.max(1)),
            "total_records": total,
            "next_page_token": next_page_token,
            "meetings": meetings,
        })
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
    fn start_times_with_z_offsets_and_local_times() {
        let ny = Some("America/New_York");
        assert_eq!(
            resolve_start_time("2026-11-09T09:00:00", ny),
            Ok(at("2026-11-09T14:00:00Z"))
        );
        assert_eq!(
            resolve_start_time("2026-11-09T09:00:00Z", ny),
            Ok(at("2026-11-09T09:00:00Z"))
        );
        assert_eq!(
            resolve_start_time("2026-11-09T09:00:00+01:00", ny),
            Ok(at("2026-11-09T08:00:00Z"))
        );
        // 2026-03-08 02:30 does not exist in New York (spring forward).
        assert_eq!(resolve_start_time("2026-03-08T02:30:00", ny), Err(()));
        // 2026-11-01 01:30 happens twice; the earlier (EDT) instant wins.
        assert_eq!(
            resolve_start_time("2026-11-01T01:30:00", ny),
            Ok(at("2026-11-01T05:30:00Z"))
        );
        assert_eq!(resolve_start_time("2026-11-09T09:00:00", Some("Mars/Olympus")), Err(()));
        assert_eq!(resolve_start_time("tomorrow", ny), Err(()));
    }

    #[test]
    fn validation_names_every_bad_field() {
        let body = json!({
            "topic": "x".repeat(201),
            "agenda": "y".repeat(2001),
            "duration": 0,
            "type": 4,
            "settings": { "audio": "pigeon", "waiting_room": "yes", "made_up": 1 }
        });
        let Err(MeetingError::Validation(fields)) = parse_changes(&body) else {
            panic!("expected a validation error")
        };
        assert_eq!(
            fields,
            [
                "topic",
                "agenda",
                "type",
                "duration",
                "settings.audio",
                "settings.waiting_room"
            ]
        );
        assert!(parse_changes(&json!({ "duration": 1440, "topic": "x".repeat(200) })).is_ok());
        assert_eq!(parse_changes(&json!([])).unwrap_err(), MeetingError::InvalidBody);
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
