//! A zone's UTC offsets around now, for the preferences answer (`api::sessions::ZoneOffsets`): the browser draws
//! the calendar from these instead of setting up its own time-zone machinery first.

use api::sessions::ZoneOffsets;
use chrono::{DateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

/// Six hours: a zone never changes its offset twice within this long (the SPA's `zones` assumes the same).
const STEP_SECONDS: i64 = 6 * 3600;

/// `zone`'s offsets over `ZoneOffsets::DAYS_BEFORE` days before `now`'s day and `DAYS_AFTER` after, each change
/// found to the second.
pub fn around(zone: Tz, now: DateTime<Utc>) -> ZoneOffsets {
    let offset = |t: i64| {
        DateTime::from_timestamp(t, 0)
            .map(|at| zone.offset_from_utc_datetime(&at.naive_utc()).fix().local_minus_utc())
            .unwrap_or(0)
    };
    // From midnight UTC, so every answer of the day is the same.
    let today = now.timestamp().div_euclid(86_400) * 86_400;
    let from = today - ZoneOffsets::DAYS_BEFORE * 86_400;
    let to = today + ZoneOffsets::DAYS_AFTER * 86_400;
    let mut changes = vec![(from, offset(from))];
    let mut at = from;
    while at < to {
        let next = (at + STEP_SECONDS).min(to - 1);
        let current = changes.last().expect("one change at least").1;
        if offset(next) != current {
            // The first second with the new offset, between `at` (old) and `next` (new).
            let (mut old, mut new) = (at, next);
            while new - old > 1 {
                let middle = old + (new - old) / 2;
                if offset(middle) == current {
                    old = middle;
                } else {
                    new = middle;
                }
            }
            changes.push((new, offset(new)));
            // On from the change, so one soon after it is found too.
            at = new;
            continue;
        }
        if next == to - 1 {
            break;
        }
        at = next;
    }
    ZoneOffsets {
        zone: zone.name().to_string(),
        from,
        to,
        changes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_second_of_the_span_has_the_tz_databases_offset() {
        let now = DateTime::parse_from_rfc3339("2026-12-05T12:00:00Z").unwrap().to_utc();
        for name in [
            "Europe/London",
            "America/New_York",
            "Australia/Lord_Howe",
            "Asia/Kolkata",
            "UTC",
        ] {
            let zone: Tz = name.parse().unwrap();
            let told = around(zone, now);
            assert_eq!(told.zone, name);
            assert!(
                told.changes.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 != w[1].1),
                "{name}"
            );
            // Around each change (both sides of it) and at every hour of the span.
            let mut probes: Vec<i64> = told.changes.iter().flat_map(|&(t, _)| [t - 1, t, t + 1]).collect();
            probes.extend((told.from..told.to).step_by(3600));
            for t in probes.into_iter().filter(|t| (told.from..told.to).contains(t)) {
                let at = DateTime::from_timestamp(t, 0).unwrap();
                let expected = zone.offset_from_utc_datetime(&at.naive_utc()).fix().local_minus_utc();
                assert_eq!(told.offset_at(t), Some(expected), "{name} at {at}");
            }
            assert_eq!(told.offset_at(told.from - 1), None);
            assert_eq!(told.offset_at(told.to), None);
        }
        // Two changes a year where the clocks go forward and back: three years, about six.
        let london = around("Europe/London".parse().unwrap(), now);
        assert!((5..=8).contains(&london.changes.len()), "{:?}", london.changes);
    }
}
