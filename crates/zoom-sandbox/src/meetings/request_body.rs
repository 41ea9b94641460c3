//! A create or update request's body, validated the way Zoom validates it (facts §3.1, §3.8).

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde_json::{Map, Value};

use super::error::MeetingError;
use super::settings::parse_settings;

pub const TOPIC_MAX: usize = 200;
pub const AGENDA_MAX: usize = 2000;
pub const PASSWORD_MAX: usize = 10;
pub const DURATION_RANGE: std::ops::RangeInclusive<i64> = 1..=1440;
pub const MEETING_TYPES: [u8; 5] = [1, 2, 3, 8, 10];

/// A validated create/update body. Every field is optional: PATCH is a partial update.
#[derive(Debug, Default)]
pub(super) struct Changes {
    pub(super) topic: Option<String>,
    pub(super) meeting_type: Option<u8>,
    pub(super) start_time: Option<String>,
    pub(super) timezone: Option<String>,
    pub(super) duration: Option<u32>,
    pub(super) agenda: Option<String>,
    pub(super) password: Option<String>,
    pub(super) default_password: Option<bool>,
    pub(super) settings: Option<Map<String, Value>>,
    pub(super) pre_schedule: Option<bool>,
    pub(super) recurrence: Option<Value>,
}

pub(super) fn valid_timezone(name: &str) -> Option<Tz> {
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

pub(super) fn truncate_to_secs(at: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(at.timestamp(), 0).unwrap_or(at)
}

pub(super) fn parse_changes(body: &Value) -> Result<Changes, MeetingError> {
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

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
}
