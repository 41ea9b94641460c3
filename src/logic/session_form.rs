//! The create / edit dialog's rules, mirroring the server's (`api::sessions`): what a draft needs before it is sent,
//! and which field a server error code belongs to.

use api::error::ErrorCode;
use api::sessions::{
    client_name_has_invalid_characters, latest_start, notes_have_invalid_characters, Session, SessionInput,
    MAX_CLIENT_NAME_CHARS, MAX_DURATION_MINUTES, MAX_NOTES_CHARS, MIN_DURATION_MINUTES,
};
use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Utc};

use crate::backend::ApiError;
use crate::logic::dates;
use crate::logic::zones::{zone_label, Zone};

pub const DEFAULT_DURATION_MINUTES: u32 = 50;

/// What the fields hold, as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionDraft {
    pub client_name: String,
    /// `YYYY-MM-DD`, as `<input type=date>` gives it.
    pub date: String,
    /// `HH:MM`, as `<input type=time>` gives it.
    pub time: String,
    pub duration: String,
    pub time_zone: String,
    pub notes: String,
    pub client_name_in_zoom_topic: bool,
}

impl SessionDraft {
    pub fn new_at(date: NaiveDate, time: NaiveTime, time_zone: &str) -> Self {
        Self {
            client_name: String::new(),
            date: dates::iso_date(date),
            time: dates::hh_mm(time),
            duration: DEFAULT_DURATION_MINUTES.to_string(),
            time_zone: time_zone.to_string(),
            notes: String::new(),
            client_name_in_zoom_topic: false,
        }
    }

    /// Prefilled from a session, at its wall-clock time in the zone it was scheduled in.
    pub fn from_session(session: &Session) -> Self {
        let local = Zone::named_or_utc(&session.time_zone).local(session.starts_at);
        Self {
            client_name: session.client_name.clone(),
            date: dates::iso_date(local.date()),
            time: dates::hh_mm(local.time()),
            duration: session.duration_minutes.to_string(),
            time_zone: session.time_zone.clone(),
            notes: session.private_notes.clone(),
            client_name_in_zoom_topic: session.client_name_in_zoom_topic,
        }
    }
}

/// The fields errors attach to, in the order the dialog shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Field {
    ClientName,
    Start,
    Duration,
    TimeZone,
    Notes,
}

impl Field {
    /// `data-field` of `[data-testid=field-error]`.
    pub fn name(self) -> &'static str {
        match self {
            Field::ClientName => "client_name",
            Field::Start => "start",
            Field::Duration => "duration",
            Field::TimeZone => "time_zone",
            Field::Notes => "notes",
        }
    }

    /// The control that gets focus when this field is wrong.
    pub fn input_id(self) -> &'static str {
        match self {
            Field::ClientName => "session-client",
            Field::Start => "session-date",
            Field::Duration => "session-duration",
            Field::TimeZone => "session-time-zone",
            Field::Notes => "session-notes",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: Field,
    pub message: String,
}

fn error(field: Field, message: impl Into<String>) -> FieldError {
    FieldError {
        field,
        message: message.into(),
    }
}

/// "2026-11-25" (a date input's value, or the calendar's `date` parameter).
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    let mut parts = raw.trim().split('-');
    let (year, month, day) = (number(parts.next())?, number(parts.next())?, number(parts.next())?);
    if parts.next().is_some() {
        return None;
    }
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
}

/// "09:05" or "09:05:30" (a time input's value).
pub fn parse_time(raw: &str) -> Option<NaiveTime> {
    let mut parts = raw.trim().split(':');
    let (hour, minute) = (number(parts.next())?, number(parts.next())?);
    let second = match parts.next() {
        Some(s) => number(Some(s))?,
        None => 0,
    };
    if parts.next().is_some() {
        return None;
    }
    NaiveTime::from_hms_opt(hour, minute, second)
}

/// One field of a date or time: digits only (no sign, no spaces), as the inputs write them.
fn number(field: Option<&str>) -> Option<u32> {
    let field = field?;
    if field.is_empty() || field.len() > 4 || !field.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    field.parse().ok()
}

fn start_message_nonexistent(date: NaiveDate, time: NaiveTime, zone: &str) -> String {
    format!(
        "{} does not exist on {} in {}: the clocks go forward then. Choose a later time.",
        dates::hh_mm(time),
        dates::day_month_year(date),
        zone_label(zone)
    )
}

const START_IN_PAST: &str = "That time has already passed. Choose a time in the future.";
const CLIENT_MISSING: &str = "Enter the client\u{2019}s name.";
const ZONE_UNKNOWN: &str = "Choose a time zone from the list.";
const CLIENT_CONTROL_CHARACTERS: &str =
    "The client\u{2019}s name can\u{2019}t contain line breaks, tabs or other control characters.";
const NOTES_CONTROL_CHARACTERS: &str = "Private notes can hold line breaks and tabs, but no other control characters.";
const START_TOO_FAR_AHEAD: &str = "A session can be scheduled at most two years ahead. Choose an earlier date.";

fn duration_message() -> String {
    format!("Enter the length in whole minutes, from {MIN_DURATION_MINUTES} to {MAX_DURATION_MINUTES}.")
}

fn client_too_long() -> String {
    format!("Keep the client\u{2019}s name to {MAX_CLIENT_NAME_CHARS} characters or fewer.")
}

fn notes_too_long() -> String {
    format!("Keep private notes to {MAX_NOTES_CHARS} characters or fewer.")
}

/// Checks a draft the way the server will, and builds what to send. `original_start` is the session's start when
/// editing: an unchanged start may lie in the past.
pub fn validate(
    draft: &SessionDraft,
    now: DateTime<Utc>,
    original_start: Option<DateTime<Utc>>,
) -> Result<SessionInput, Vec<FieldError>> {
    let mut errors = Vec::new();

    let client_name = draft.client_name.trim();
    if client_name.is_empty() {
        errors.push(error(Field::ClientName, CLIENT_MISSING));
    } else if client_name.chars().count() > MAX_CLIENT_NAME_CHARS {
        errors.push(error(Field::ClientName, client_too_long()));
    } else if client_name_has_invalid_characters(client_name) {
        errors.push(error(Field::ClientName, CLIENT_CONTROL_CHARACTERS));
    }

    let zone = Zone::named(&draft.time_zone);
    let date = parse_date(&draft.date);
    let time = parse_time(&draft.time);
    let mut start_local: Option<NaiveDateTime> = None;
    match (date, time) {
        (None, None) => errors.push(error(Field::Start, "Enter the date and start time of the session.")),
        (None, Some(_)) => errors.push(error(Field::Start, "Enter the date of the session.")),
        (Some(_), None) => errors.push(error(Field::Start, "Enter the start time of the session.")),
        (Some(date), Some(time)) => {
            let local = date.and_time(time);
            start_local = Some(local);
            if let Some(zone) = &zone {
                let instant = match zone.from_local(local) {
                    LocalResult::Single(at) => Some(at),
                    LocalResult::Ambiguous(earliest, _) => Some(earliest),
                    LocalResult::None => None,
                };
                match instant {
                    None => errors.push(error(
                        Field::Start,
                        start_message_nonexistent(date, time, &draft.time_zone),
                    )),
                    Some(at) => {
                        if at < now && original_start != Some(at) {
                            errors.push(error(Field::Start, START_IN_PAST));
                        } else if at > latest_start(now) && original_start != Some(at) {
                            errors.push(error(Field::Start, START_TOO_FAR_AHEAD));
                        }
                    }
                }
            }
        }
    }

    let duration = draft
        .duration
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|m| (MIN_DURATION_MINUTES..=MAX_DURATION_MINUTES).contains(m));
    if duration.is_none() {
        errors.push(error(Field::Duration, duration_message()));
    }

    if zone.is_none() {
        errors.push(error(Field::TimeZone, ZONE_UNKNOWN));
    }

    if draft.notes.chars().count() > MAX_NOTES_CHARS {
        errors.push(error(Field::Notes, notes_too_long()));
    } else if notes_have_invalid_characters(&draft.notes) {
        errors.push(error(Field::Notes, NOTES_CONTROL_CHARACTERS));
    }

    match (errors.is_empty(), start_local, duration) {
        (true, Some(start_local), Some(duration_minutes)) => Ok(SessionInput {
            client_name: client_name.to_string(),
            start_local,
            time_zone: draft.time_zone.trim().to_string(),
            duration_minutes,
            private_notes: draft.notes.clone(),
            client_name_in_zoom_topic: draft.client_name_in_zoom_topic,
        }),
        _ => Err(errors),
    }
}

/// The field a server validation code belongs to, with the words to show there.
pub fn field_error_for_code(code: &ErrorCode, draft: &SessionDraft) -> Option<FieldError> {
    let e = match code {
        ErrorCode::InvalidClientName => {
            if draft.client_name.trim().is_empty() {
                error(Field::ClientName, CLIENT_MISSING)
            } else {
                error(Field::ClientName, client_too_long())
            }
        }
        ErrorCode::InvalidTimeZone => error(Field::TimeZone, ZONE_UNKNOWN),
        ErrorCode::InvalidDuration => error(Field::Duration, duration_message()),
        ErrorCode::NonexistentLocalTime => match (parse_date(&draft.date), parse_time(&draft.time)) {
            (Some(d), Some(t)) => error(Field::Start, start_message_nonexistent(d, t, &draft.time_zone)),
            _ => error(
                Field::Start,
                "That time does not exist in this time zone. Choose a later time.",
            ),
        },
        ErrorCode::ClientNameInvalidCharacters => error(Field::ClientName, CLIENT_CONTROL_CHARACTERS),
        ErrorCode::StartInPast => error(Field::Start, START_IN_PAST),
        ErrorCode::StartTooFarAhead => error(Field::Start, START_TOO_FAR_AHEAD),
        ErrorCode::NotesTooLong => error(Field::Notes, notes_too_long()),
        ErrorCode::NotesInvalidCharacters => error(Field::Notes, NOTES_CONTROL_CHARACTERS),
        _ => return None,
    };
    Some(e)
}

/// A failed save, split into what belongs next to a field and what belongs to the whole dialog.
pub fn server_field_error(err: &ApiError, draft: &SessionDraft) -> Option<FieldError> {
    match err {
        ApiError::Http {
            status: 400 | 422,
            body: Some(body),
        } => field_error_for_code(&body.code, draft),
        _ => None,
    }
}

/// The first field to focus.
pub fn first_field(errors: &[FieldError]) -> Option<Field> {
    errors.iter().map(|e| e.field).min()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_times_read_as_chrono_read_them() {
        for (raw, expected) in [
            ("2026-11-25", NaiveDate::from_ymd_opt(2026, 11, 25)),
            (" 2026-7-1 ", NaiveDate::from_ymd_opt(2026, 7, 1)),
            ("2026-02-30", None),
            ("2026-11", None),
            ("2026-11-25-1", None),
            ("2026-11-25T09:00", None),
            ("", None),
        ] {
            assert_eq!(parse_date(raw), expected, "{raw:?}");
            assert_eq!(
                parse_date(raw),
                NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").ok(),
                "{raw:?} as chrono reads it"
            );
        }
        for (raw, expected) in [
            ("09:05", NaiveTime::from_hms_opt(9, 5, 0)),
            ("9:05", NaiveTime::from_hms_opt(9, 5, 0)),
            ("23:59:30", NaiveTime::from_hms_opt(23, 59, 30)),
            ("24:00", None),
            ("09", None),
            ("09:05 am", None),
            ("", None),
        ] {
            assert_eq!(parse_time(raw), expected, "{raw:?}");
        }
    }
    use api::ErrorBody;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap()
    }

    fn draft() -> SessionDraft {
        let mut d = SessionDraft::new_at(
            NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
            NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            "America/New_York",
        );
        d.client_name = "  Alex Kim ".into();
        d
    }

    fn fields(result: Result<SessionInput, Vec<FieldError>>) -> Vec<&'static str> {
        result.unwrap_err().iter().map(|e| e.field.name()).collect()
    }

    #[test]
    fn a_good_draft_becomes_input() {
        let input = validate(&draft(), now(), None).unwrap();
        assert_eq!(input.client_name, "Alex Kim");
        assert_eq!(input.start_local.to_string(), "2026-11-25 09:00:00");
        assert_eq!(input.duration_minutes, 50);
        assert_eq!(input.time_zone, "America/New_York");
        assert!(!input.client_name_in_zoom_topic);
        // The wire form the server parses.
        let json = serde_json::to_value(&input).unwrap();
        assert_eq!(json["start_local"], "2026-11-25T09:00:00");
    }

    #[test]
    fn every_field_is_checked() {
        let mut d = draft();
        d.client_name = "   ".into();
        d.date = String::new();
        d.duration = "4".into();
        d.time_zone = "Nowhere/Special".into();
        d.notes = "x".repeat(MAX_NOTES_CHARS + 1);
        assert_eq!(
            fields(validate(&d, now(), None)),
            vec!["client_name", "start", "duration", "time_zone", "notes"]
        );
    }

    #[test]
    fn limits_match_the_server() {
        let mut d = draft();
        d.client_name = "a".repeat(MAX_CLIENT_NAME_CHARS);
        d.duration = MAX_DURATION_MINUTES.to_string();
        d.notes = "é".repeat(MAX_NOTES_CHARS);
        assert!(validate(&d, now(), None).is_ok());
        d.duration = (MAX_DURATION_MINUTES + 1).to_string();
        assert_eq!(fields(validate(&d, now(), None)), vec!["duration"]);
        d.duration = "50.5".into();
        assert_eq!(fields(validate(&d, now(), None)), vec!["duration"]);
        d.duration = "50".into();
        d.client_name.push('a');
        assert_eq!(fields(validate(&d, now(), None)), vec!["client_name"]);
    }

    #[test]
    fn control_characters_and_far_dates_are_refused_like_the_server_does() {
        let mut d = draft();
        d.client_name = "Alex\tKim".into();
        d.notes = "Line one\r\nline two\n\tindented".into();
        assert_eq!(fields(validate(&d, now(), None)), vec!["client_name"]);
        d.client_name = "Alex Kim".into();
        d.notes.push('\u{7}');
        assert_eq!(fields(validate(&d, now(), None)), vec!["notes"]);
        d.notes.pop();
        d.date = "9999-12-31".into();
        let errors = validate(&d, now(), None).unwrap_err();
        assert_eq!(errors[0].field.name(), "start");
        assert!(errors[0].message.contains("two years"), "{}", errors[0].message);
        d.date = "2028-11-22".into();
        assert!(validate(&d, now(), None).is_ok());
        for code in [
            ErrorCode::ClientNameInvalidCharacters,
            ErrorCode::NotesInvalidCharacters,
            ErrorCode::StartTooFarAhead,
        ] {
            assert!(field_error_for_code(&code, &d).is_some(), "{code} has a field");
        }
    }

    #[test]
    fn a_time_skipped_by_dst_is_refused() {
        let mut d = draft();
        d.date = "2027-03-14".into();
        d.time = "02:30".into();
        let errors = validate(&d, now(), None).unwrap_err();
        assert_eq!(errors[0].field, Field::Start);
        assert!(errors[0].message.contains("does not exist"), "{}", errors[0].message);
        // An hour that happens twice is fine (the earlier one).
        d.date = "2027-11-07".into();
        d.time = "01:30".into();
        assert!(validate(&d, now(), None).is_ok());
    }

    #[test]
    fn the_past_is_refused_unless_unchanged() {
        let mut d = draft();
        d.date = "2026-11-23".into();
        d.time = "06:00".into(); // 11:00 UTC
        assert_eq!(fields(validate(&d, now(), None)), vec!["start"]);
        let original = Utc.with_ymd_and_hms(2026, 11, 23, 11, 0, 0).unwrap();
        assert!(validate(&d, now(), Some(original)).is_ok());
    }

    #[test]
    fn seconds_in_the_time_are_accepted() {
        let mut d = draft();
        d.time = "09:15:00".into();
        assert!(validate(&d, now(), None).is_ok());
    }

    #[test]
    fn server_codes_land_on_their_fields() {
        let d = draft();
        for (code, field) in [
            (ErrorCode::InvalidClientName, Field::ClientName),
            (ErrorCode::InvalidTimeZone, Field::TimeZone),
            (ErrorCode::InvalidDuration, Field::Duration),
            (ErrorCode::NonexistentLocalTime, Field::Start),
            (ErrorCode::StartInPast, Field::Start),
            (ErrorCode::NotesTooLong, Field::Notes),
        ] {
            let err = ApiError::Http {
                status: 400,
                body: Some(ErrorBody {
                    code,
                    message: "m".into(),
                }),
            };
            assert_eq!(server_field_error(&err, &d).map(|e| e.field), Some(field), "{code}");
        }
        let other = ApiError::Http {
            status: 400,
            body: Some(ErrorBody {
                code: ErrorCode::BadRequest,
                message: "m".into(),
            }),
        };
        assert_eq!(server_field_error(&other, &d), None);
        assert_eq!(server_field_error(&ApiError::Network, &d), None);
    }

    #[test]
    fn a_session_prefills_in_its_own_zone() {
        use api::sessions::{SessionStatus, SessionZoom, ZoomSync};
        let s = Session {
            id: 7,
            client_name: "Alex".into(),
            starts_at: Utc.with_ymd_and_hms(2026, 11, 25, 14, 0, 0).unwrap(),
            ends_at: Utc.with_ymd_and_hms(2026, 11, 25, 15, 15, 0).unwrap(),
            duration_minutes: 75,
            time_zone: "America/New_York".into(),
            private_notes: "n".into(),
            client_name_in_zoom_topic: true,
            status: SessionStatus::Scheduled,
            zoom: SessionZoom {
                link: None,
                link_outdated: false,
                sync: ZoomSync::NoLink,
                changed_in_zoom: None,
                in_progress: false,
                notice: None,
            },
            session_link: "https://console.example/join/t7".into(),
        };
        let d = SessionDraft::from_session(&s);
        assert_eq!(
            (d.date.as_str(), d.time.as_str(), d.duration.as_str()),
            ("2026-11-25", "09:00", "75")
        );
        assert!(d.client_name_in_zoom_topic);
        assert_eq!(
            first_field(
                &validate(
                    &SessionDraft {
                        client_name: String::new(),
                        ..d
                    },
                    now(),
                    None
                )
                .unwrap_err()
            ),
            Some(Field::ClientName)
        );
    }
}
