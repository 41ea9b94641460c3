use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};

use crate::logic::zones::Zone;

/// "23 November 2026": the day a practitioner would say, in their own time zone.
pub fn human_date<Tz: TimeZone>(at: &DateTime<Tz>) -> String
where
    Tz::Offset: std::fmt::Display,
{
    at.format("%-d %B %Y").to_string()
}

/// "09:05", 24-hour: unambiguous in every country a practitioner works in.
pub fn clock(local: NaiveDateTime) -> String {
    local.format("%H:%M").to_string()
}

/// "09:00", the wall clock in `zone`.
pub fn clock_in(zone: &Zone, at: DateTime<Utc>) -> String {
    clock(zone.local(at))
}

/// "Wed 25" over a day column.
pub fn day_heading(date: NaiveDate) -> String {
    date.format("%a %-d").to_string()
}

/// "Wednesday 25 November 2026", for screen readers and the session panel.
pub fn long_date(date: NaiveDate) -> String {
    date.format("%A %-d %B %Y").to_string()
}

/// "Wednesday 25 November 2026, 09:00 – 09:50": a session's time in `zone`. An end on another day names its date.
pub fn session_when(zone: &Zone, starts_at: DateTime<Utc>, ends_at: DateTime<Utc>) -> String {
    let (start, end) = (zone.local(starts_at), zone.local(ends_at));
    if start.date() == end.date() {
        format!("{}, {} \u{2013} {}", long_date(start.date()), clock(start), clock(end))
    } else {
        format!(
            "{}, {} \u{2013} {}, {}",
            long_date(start.date()),
            clock(start),
            long_date(end.date()),
            clock(end)
        )
    }
}

/// "50 minutes", "1 hour 15 minutes".
pub fn duration_words(minutes: u32) -> String {
    let (hours, rest) = (minutes / 60, minutes % 60);
    let h = match hours {
        0 => String::new(),
        1 => "1 hour".to_string(),
        n => format!("{n} hours"),
    };
    let m = match rest {
        0 => String::new(),
        1 => "1 minute".to_string(),
        n => format!("{n} minutes"),
    };
    match (h.is_empty(), m.is_empty()) {
        (true, true) => "0 minutes".into(),
        (false, true) => h,
        (true, false) => m,
        (false, false) => format!("{h} {m}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{FixedOffset, Utc};

    #[test]
    fn formats_a_day_people_read() {
        let at = Utc.with_ymd_and_hms(2026, 11, 3, 22, 30, 0).unwrap();
        assert_eq!(human_date(&at), "3 November 2026");
        let sydney = at.with_timezone(&FixedOffset::east_opt(11 * 3600).unwrap());
        assert_eq!(human_date(&sydney), "4 November 2026");
    }

    #[test]
    fn session_times_read_in_a_zone() {
        let ny = Zone::named("America/New_York").unwrap();
        let start = Utc.with_ymd_and_hms(2026, 11, 25, 14, 0, 0).unwrap();
        let end = start + chrono::Duration::minutes(50);
        assert_eq!(clock_in(&ny, start), "09:00");
        assert_eq!(
            session_when(&ny, start, end),
            "Wednesday 25 November 2026, 09:00 \u{2013} 09:50"
        );
        let tokyo = Zone::named("Asia/Tokyo").unwrap();
        let late = Utc.with_ymd_and_hms(2026, 11, 25, 14, 30, 0).unwrap();
        assert_eq!(
            session_when(&tokyo, late, late + chrono::Duration::minutes(60)),
            "Wednesday 25 November 2026, 23:30 \u{2013} Thursday 26 November 2026, 00:30"
        );
        assert_eq!(day_heading(start.date_naive()), "Wed 25");
    }

    #[test]
    fn durations_in_words() {
        assert_eq!(duration_words(50), "50 minutes");
        assert_eq!(duration_words(60), "1 hour");
        assert_eq!(duration_words(75), "1 hour 15 minutes");
        assert_eq!(duration_words(121), "2 hours 1 minute");
    }
}
