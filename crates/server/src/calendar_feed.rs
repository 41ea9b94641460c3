//! iCalendar (RFC 5545) for calendar apps: one event per scheduled session with a stable UID, SEQUENCE raised on
//! every reschedule, the Zoom join link in DESCRIPTION, LOCATION and URL, and beside it the session's stable link
//! (which keeps working when a reschedule replaces the Zoom link before a calendar app re-reads the feed), times as
//! UTC instants (unambiguous in Google, Outlook and Apple Calendar). Cancelled sessions are simply absent. Private
//! notes are never written.

use chrono::{DateTime, Duration, Utc};
use icalendar::{Calendar, Component, Event, EventLike, EventStatus};

use crate::db::sessions::SessionRow;
use crate::session_link::SessionLinks;

/// How far back the feed reaches, so past weeks stay visible in the subscribing calendar.
pub const FEED_HISTORY_DAYS: i64 = 90;

/// TEXT as calendar apps can take it: the icalendar crate escapes `\\ , ; \n`, but a bare `\r` or another control
/// character (from a name stored before the API refused them, or from Zoom) would split or corrupt a content line
/// in some parsers. Each becomes a space.
fn text(value: &str) -> String {
    value
        .chars()
        .map(|c| if c.is_control() && c != '\n' { ' ' } else { c })
        .collect()
}

/// The words in DESCRIPTION that point to the session's stable link.
pub fn fallback_line(session_link: &str) -> String {
    format!("If the Zoom link above no longer works, use {session_link}")
}

fn event(row: &SessionRow, sequence: i64, now: DateTime<Utc>, links: &SessionLinks) -> Event {
    let session_link = links.of(row);
    let starts = DateTime::from_timestamp_millis(row.starts_at).unwrap_or_default();
    let ends = starts + Duration::minutes(row.duration_minutes);
    let mut event = Event::new();
    event
        .uid(&format!("{}@betterbeing.app", row.r#ref))
        .sequence(sequence.max(0) as u32)
        .timestamp(now)
        .last_modified(DateTime::from_timestamp_millis(row.updated_at).unwrap_or(now))
        .starts(starts)
        .ends(ends)
        .summary(&text(&format!("Session with {}", row.client_name)))
        .status(EventStatus::Confirmed);
    match row.working_join_url().map(text) {
        Some(join_url) => {
            let join_url = join_url.as_str();
            event
                .description(&format!(
                    "Join the Zoom meeting: {join_url}\n\n{}\n\nScheduled in BetterBeing.",
                    fallback_line(&session_link)
                ))
                .location(join_url)
                .url(join_url);
        }
        None => {
            event.description(&format!(
                "No Zoom link yet: open the session in BetterBeing to add one.\n\nThe session's link, which leads \
                 to its Zoom meeting once there is one: {session_link}\n\nScheduled in BetterBeing."
            ));
        }
    }
    event.done()
}

pub fn feed(practitioner: &str, rows: &[SessionRow], now: DateTime<Utc>, links: &SessionLinks) -> String {
    let mut calendar = Calendar::new();
    calendar
        .name(&text(&format!("BetterBeing sessions · {practitioner}")))
        .ttl(&Duration::minutes(15));
    for row in rows {
        calendar.push(event(row, row.sequence, now, links));
    }
    calendar.done().to_string()
}

pub fn single(row: &SessionRow, now: DateTime<Utc>, links: &SessionLinks) -> String {
    document(row, row.sequence, now, links)
}

/// One session's event as its own calendar object (a CalDAV resource holds exactly one), with the SEQUENCE given
/// (never lower than one the calendar app may have raised).
pub fn document(row: &SessionRow, sequence: i64, now: DateTime<Utc>, links: &SessionLinks) -> String {
    let mut calendar = Calendar::new();
    calendar.push(event(row, sequence, now, links));
    calendar.done().to_string()
}

/// The SEQUENCE in an iCalendar object written by someone else (0 if absent).
pub fn sequence_in(ics: &str) -> i64 {
    ics.lines()
        .find_map(|l| l.trim_end().strip_prefix("SEQUENCE:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_never_reach_a_content_line() {
        assert_eq!(text("Jordan\r\nATTENDEE:evil\u{0}\u{1b}"), "Jordan \nATTENDEE:evil  ");
        let mut calendar = Calendar::new();
        calendar.push(Event::new().uid("u").summary(&text("A\rB\u{b}C")).done());
        let ics = calendar.done().to_string();
        let summary = ics.lines().find(|l| l.starts_with("SUMMARY")).unwrap();
        assert_eq!(summary, "SUMMARY:A B C");
        assert!(!ics.replace("\r\n", "").contains('\r'));
    }
}
