//! Dates and times in words. Written out here rather than with chrono's `format("%…")`, which parses its pattern
//! at run time and brought chrono's whole strftime machinery into the wasm; the tests check every one against
//! chrono's own formatting.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike, Utc};

use crate::logic::zones::Zone;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// "November".
pub fn month_name(date: NaiveDate) -> &'static str {
    MONTHS[date.month0() as usize]
}

/// "Wednesday".
pub fn weekday_name(date: NaiveDate) -> &'static str {
    WEEKDAYS[date.weekday().num_days_from_monday() as usize]
}

/// "Wed".
pub fn weekday_short(date: NaiveDate) -> &'static str {
    &weekday_name(date)[..3]
}

/// "2026-11-25": ISO 8601, as in addresses, form fields and `data-date`.
pub fn iso_date(date: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day())
}

/// "09:05" of a time of day.
pub fn hh_mm(time: NaiveTime) -> String {
    format!("{:02}:{:02}", time.hour(), time.minute())
}

/// "25 November 2026".
pub fn day_month_year(date: NaiveDate) -> String {
    format!("{} {} {}", date.day(), month_name(date), date.year())
}

/// "25 November".
pub fn day_month(date: NaiveDate) -> String {
    format!("{} {}", date.day(), month_name(date))
}

/// "November 2026".
pub fn month_year(date: NaiveDate) -> String {
    format!("{} {}", month_name(date), date.year())
}

/// "23 November 2026": the day a practitioner would say, in their own time zone.
pub fn human_date<Tz: TimeZone>(at: &DateTime<Tz>) -> String {
    day_month_year(at.naive_local().date())
}

/// "09:05", 24-hour: unambiguous in every country a practitioner works in.
pub fn clock(local: NaiveDateTime) -> String {
    hh_mm(local.time())
}

/// "09:00", the wall clock in `zone`.
pub fn clock_in(zone: &Zone, at: DateTime<Utc>) -> String {
    clock(zone.local(at))
}

/// "Wed 25" over a day column.
pub fn day_heading(date: NaiveDate) -> String {
    format!("{} {}", weekday_short(date), date.day())
}

/// "Wednesday 25 November 2026", for screen readers and the session panel.
pub fn long_date(date: NaiveDate) -> String {
    format!("{} {}", weekday_name(date), day_month_year(date))
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

    #[test]
    fn the_written_out_dates_match_chronos_formatting_every_day_for_four_years() {
        let mut date = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        while date.year() < 2029 {
            assert_eq!(iso_date(date), date.format("%Y-%m-%d").to_string());
            assert_eq!(day_month_year(date), date.format("%-d %B %Y").to_string());
            assert_eq!(day_month(date), date.format("%-d %B").to_string());
            assert_eq!(month_year(date), date.format("%B %Y").to_string());
            assert_eq!(weekday_short(date), date.format("%a").to_string());
            assert_eq!(day_heading(date), date.format("%a %-d").to_string());
            assert_eq!(long_date(date), date.format("%A %-d %B %Y").to_string());
            date = date.succ_opt().unwrap();
        }
        for minutes in 0..24 * 60 {
            let time = NaiveTime::from_hms_opt(minutes / 60, minutes % 60, 0).unwrap();
            assert_eq!(hh_mm(time), time.format("%H:%M").to_string());
        }
    }
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
