//! iCalendar (RFC 5545) for calendar apps: one event per scheduled session with a stable UID, SEQUENCE raised on
//! every reschedule, the Zoom join link in DESCRIPTION, LOCATION and URL, times as UTC instants (unambiguous in
//! Google, Outlook and Apple Calendar). Cancelled sessions are simply absent. Private notes are never written.

use chrono::{DateTime, Duration, Utc};
use icalendar::{Calendar, Component, Event, EventLike, EventStatus};

use crate::db::sessions::SessionRow;

/// How far back the feed reaches, so past weeks stay visible in the subscribing calendar.
pub const FEED_HISTORY_DAYS: i64 = 90;

fn event(row: &SessionRow, now: DateTime<Utc>) -> Event {
    let starts = DateTime::from_timestamp_millis(row.starts_at).unwrap_or_default();
    let ends = starts + Duration::minutes(row.duration_minutes);
    let mut event = Event::new();
    event
        .uid(&format!("{}@betterbeing.app", row.r#ref))
        .sequence(row.sequence as u32)
        .timestamp(now)
        .last_modified(DateTime::from_timestamp_millis(row.updated_at).unwrap_or(now))
        .starts(starts)
        .ends(ends)
        .summary(&format!("Session with {}", row.client_name))
        .status(EventStatus::Confirmed);
    match row.zoom_join_url.as_deref() {
        Some(join_url) => {
            event
                .description(&format!(
                    "Join the Zoom meeting: {join_url}\n\nScheduled in BetterBeing."
                ))
                .location(join_url)
                .url(join_url);
        }
        None => {
            event.description(
                "No Zoom link yet: open the session in BetterBeing to add one.\n\nScheduled in BetterBeing.",
            );
        }
    }
    event.done()
}

pub fn feed(practitioner: &str, rows: &[SessionRow], now: DateTime<Utc>) -> String {
    let mut calendar = Calendar::new();
    calendar
        .name(&format!("BetterBeing sessions · {practitioner}"))
        .ttl(&Duration::minutes(15));
    for row in rows {
        calendar.push(event(row, now));
    }
    calendar.done().to_string()
}

pub fn single(row: &SessionRow, now: DateTime<Utc>) -> String {
    let mut calendar = Calendar::new();
    calendar.push(event(row, now));
    calendar.done().to_string()
}
