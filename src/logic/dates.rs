use chrono::{DateTime, TimeZone};

/// "23 November 2026": the day a practitioner would say, in their own time zone.
pub fn human_date<Tz: TimeZone>(at: &DateTime<Tz>) -> String
where
    Tz::Offset: std::fmt::Display,
{
    at.format("%-d %B %Y").to_string()
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
}
