//! Turning what the session dialog sends into a session we can store, with one stable error code per problem.

use api::error::ErrorCode;
use api::sessions::{
    client_name_has_invalid_characters, latest_start, notes_have_invalid_characters, SessionInput,
    MAX_CLIENT_NAME_CHARS, MAX_DURATION_MINUTES, MAX_NOTES_CHARS, MIN_DURATION_MINUTES,
};
use chrono::{DateTime, LocalResult, TimeZone, Utc};
use chrono_tz::Tz;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidSession {
    pub client_name: String,
    pub starts_at: DateTime<Utc>,
    pub duration_minutes: u32,
    pub time_zone: Tz,
    pub private_notes: String,
    pub client_name_in_zoom_topic: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub code: ErrorCode,
    pub message: String,
}

fn invalid(code: ErrorCode, message: impl Into<String>) -> Invalid {
    Invalid {
        code,
        message: message.into(),
    }
}

pub fn parse_time_zone(name: &str) -> Result<Tz, Invalid> {
    name.parse::<Tz>().map_err(|_| {
        invalid(
            ErrorCode::InvalidTimeZone,
            format!("\"{name}\" is not a time zone we know. Pick one from the list."),
        )
    })
}

/// A session may start up to this long ago (a session being written down as it begins).
const PAST_GRACE_MINUTES: i64 = 15;

/// Validates a new session, or an edit (`previous_start` = the stored start; an unchanged past start stays valid).
pub fn validate(
    input: &SessionInput,
    now: DateTime<Utc>,
    previous_start: Option<DateTime<Utc>>,
) -> Result<ValidSession, Invalid> {
    let client_name = input.client_name.trim().to_string();
    if client_name.is_empty() {
        return Err(invalid(ErrorCode::InvalidClientName, "Enter the client's name."));
    }
    if client_name.chars().count() > MAX_CLIENT_NAME_CHARS {
        return Err(invalid(
            ErrorCode::InvalidClientName,
            format!("The client's name can be at most {MAX_CLIENT_NAME_CHARS} characters."),
        ));
    }
    if client_name_has_invalid_characters(&client_name) {
        return Err(invalid(
            ErrorCode::ClientNameInvalidCharacters,
            "The client's name cannot contain line breaks, tabs or other control characters.",
        ));
    }
    let time_zone = parse_time_zone(&input.time_zone)?;
    if !(MIN_DURATION_MINUTES..=MAX_DURATION_MINUTES).contains(&input.duration_minutes) {
        return Err(invalid(
            ErrorCode::InvalidDuration,
            format!("A session lasts between {MIN_DURATION_MINUTES} and {MAX_DURATION_MINUTES} minutes."),
        ));
    }
    let starts_at = match time_zone.from_local_datetime(&input.start_local) {
        LocalResult::Single(t) => t,
        // The hour that repeats when clocks go back: the first occurrence, as calendars do.
        LocalResult::Ambiguous(first, _) => first,
        LocalResult::None => {
            return Err(invalid(
                ErrorCode::NonexistentLocalTime,
                format!(
                    "{} does not exist in {} (the clocks skip that hour). Pick another time.",
                    input.start_local.format("%H:%M on %-d %B %Y"),
                    input.time_zone
                ),
            ))
        }
    }
    .with_timezone(&Utc);
    let unchanged = previous_start == Some(starts_at);
    if !unchanged && starts_at < now - chrono::Duration::minutes(PAST_GRACE_MINUTES) {
        return Err(invalid(
            ErrorCode::StartInPast,
            "That time has already passed. Pick a time in the future.",
        ));
    }
    if !unchanged && starts_at > latest_start(now) {
        return Err(invalid(
            ErrorCode::StartTooFarAhead,
            "A session can be scheduled at most two years ahead.",
        ));
    }
    if input.private_notes.chars().count() > MAX_NOTES_CHARS {
        return Err(invalid(
            ErrorCode::NotesTooLong,
            format!("Notes can be at most {MAX_NOTES_CHARS} characters."),
        ));
    }
    if notes_have_invalid_characters(&input.private_notes) {
        return Err(invalid(
            ErrorCode::NotesInvalidCharacters,
            "Notes can hold line breaks and tabs, but no other control characters.",
        ));
    }
    Ok(ValidSession {
        client_name,
        starts_at,
        duration_minutes: input.duration_minutes,
        time_zone,
        private_notes: input.private_notes.clone(),
        client_name_in_zoom_topic: input.client_name_in_zoom_topic,
    })
}

/// Whether the time a meeting has in Zoom can become the session's ("Use Zoom's time"): the same length rules as
/// the dialog, in the future, at most two years ahead.
pub fn check_zoom_time(starts_at_ms: i64, duration_minutes: i64, now: DateTime<Utc>) -> Result<(), Invalid> {
    let unusable = |why: &str| {
        invalid(
            ErrorCode::ZoomTimeUnusable,
            format!(
                "Zoom's time for this meeting cannot be used: {why} Put the meeting back instead, or edit the session."
            ),
        )
    };
    if !(i64::from(MIN_DURATION_MINUTES)..=i64::from(MAX_DURATION_MINUTES)).contains(&duration_minutes) {
        return Err(unusable(&format!(
            "a session lasts between {MIN_DURATION_MINUTES} and {MAX_DURATION_MINUTES} minutes."
        )));
    }
    let starts_at = DateTime::from_timestamp_millis(starts_at_ms).unwrap_or_default();
    if starts_at < now - chrono::Duration::minutes(PAST_GRACE_MINUTES) {
        return Err(unusable("that time has already passed."));
    }
    if starts_at > latest_start(now) {
        return Err(unusable("it is more than two years ahead."));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(local: &str, zone: &str) -> SessionInput {
        SessionInput {
            client_name: "  Jordan  ".into(),
            start_local: local.parse().unwrap(),
            time_zone: zone.into(),
            duration_minutes: 50,
            private_notes: String::new(),
            client_name_in_zoom_topic: false,
        }
    }

    fn now() -> DateTime<Utc> {
        "2026-10-01T00:00:00Z".parse().unwrap()
    }

    #[test]
    fn nine_in_new_york_is_the_right_instant_on_both_sides_of_dst() {
        let summer = validate(&input("2026-10-26T09:00:00", "America/New_York"), now(), None).unwrap();
        assert_eq!(summer.starts_at.to_rfc3339(), "2026-10-26T13:00:00+00:00");
        let winter = validate(&input("2026-11-09T09:00:00", "America/New_York"), now(), None).unwrap();
        assert_eq!(winter.starts_at.to_rfc3339(), "2026-11-09T14:00:00+00:00");
        assert_eq!(winter.client_name, "Jordan");
    }

    #[test]
    fn a_skipped_hour_is_refused_and_a_repeated_one_takes_the_first() {
        let gap = validate(&input("2027-03-14T02:30:00", "America/New_York"), now(), None).unwrap_err();
        assert_eq!(gap.code, ErrorCode::NonexistentLocalTime);
        let repeated = validate(&input("2026-11-01T01:30:00", "America/New_York"), now(), None).unwrap();
        assert_eq!(repeated.starts_at.to_rfc3339(), "2026-11-01T05:30:00+00:00");
    }

    #[test]
    fn each_problem_has_its_code() {
        let mut i = input("2026-11-09T09:00:00", "America/New_York");
        i.client_name = " ".into();
        assert_eq!(
            validate(&i, now(), None).unwrap_err().code,
            ErrorCode::InvalidClientName
        );
        let i = input("2026-11-09T09:00:00", "Mars/Olympus");
        assert_eq!(validate(&i, now(), None).unwrap_err().code, ErrorCode::InvalidTimeZone);
        let mut i = input("2026-11-09T09:00:00", "UTC");
        i.duration_minutes = 4;
        assert_eq!(validate(&i, now(), None).unwrap_err().code, ErrorCode::InvalidDuration);
        i.duration_minutes = 481;
        assert_eq!(validate(&i, now(), None).unwrap_err().code, ErrorCode::InvalidDuration);
        let i = input("2026-09-01T09:00:00", "UTC");
        assert_eq!(validate(&i, now(), None).unwrap_err().code, ErrorCode::StartInPast);
        let mut i = input("2026-11-09T09:00:00", "UTC");
        i.private_notes = "x".repeat(5001);
        assert_eq!(validate(&i, now(), None).unwrap_err().code, ErrorCode::NotesTooLong);
    }

    #[test]
    fn control_characters_are_refused_in_names_and_all_but_line_breaks_and_tabs_in_notes() {
        for name in [
            "Jordan\nLee",
            "Jordan\rLee",
            "Jordan\tLee",
            "Jordan\u{0}",
            "Jordan\u{1b}[31m",
            "A\u{2028}B",
        ] {
            let mut i = input("2026-11-09T09:00:00", "UTC");
            i.client_name = name.into();
            assert_eq!(
                validate(&i, now(), None).unwrap_err().code,
                ErrorCode::ClientNameInvalidCharacters,
                "{name:?}"
            );
        }
        let mut i = input("2026-11-09T09:00:00", "UTC");
        i.client_name = "Zoë O'Brien-Łukasz 李".into();
        i.private_notes = "First line\nsecond\r\n\tindented".into();
        assert!(validate(&i, now(), None).is_ok());
        for notes in ["bare\rreturn", "nul\u{0}", "bell\u{7}", "esc\u{1b}"] {
            i.private_notes = notes.into();
            assert_eq!(
                validate(&i, now(), None).unwrap_err().code,
                ErrorCode::NotesInvalidCharacters,
                "{notes:?}"
            );
        }
    }

    #[test]
    fn a_start_more_than_two_years_ahead_is_refused() {
        assert!(validate(&input("2028-09-30T23:00:00", "UTC"), now(), None).is_ok());
        for far in ["2028-10-01T00:01:00", "9999-12-31T09:00:00"] {
            assert_eq!(
                validate(&input(far, "UTC"), now(), None).unwrap_err().code,
                ErrorCode::StartTooFarAhead,
                "{far}"
            );
        }
        // A session already stored that far out (scheduled under another rule) can still be edited in place.
        let stored: DateTime<Utc> = "2030-01-01T09:00:00Z".parse().unwrap();
        assert!(validate(&input("2030-01-01T09:00:00", "UTC"), now(), Some(stored)).is_ok());
    }

    #[test]
    fn an_unchanged_past_start_may_be_edited() {
        let i = input("2026-09-01T09:00:00", "UTC");
        let stored: DateTime<Utc> = "2026-09-01T09:00:00Z".parse().unwrap();
        assert!(validate(&i, now(), Some(stored)).is_ok());
    }
}
