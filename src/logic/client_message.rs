//! The ready-to-send message for the client (session panel, "Copy message"): the session's time in the zone it was
//! scheduled in, the Zoom link when it is the current one, and the session's stable link, which always leads to the
//! current meeting. Never the private notes.

use api::sessions::Session;

use crate::logic::dates;
use crate::logic::zones::{zone_label, Zone};

pub fn client_message(session: &Session) -> String {
    let zone = Zone::named_or_utc(&session.time_zone);
    let when = format!(
        "{} ({})",
        dates::session_when(&zone, session.starts_at, session.ends_at),
        zone_label(&session.time_zone)
    );
    let current_link = session
        .zoom
        .link
        .as_ref()
        .filter(|_| !session.zoom.link_outdated && session.zoom.changed_in_zoom.is_none());
    let mut text = format!("Hello {},\n\nOur session is on {when}.\n", session.client_name);
    match current_link {
        Some(link) => {
            text.push_str(&format!("Join on Zoom: {}\n", link.join_url));
            if !session.session_link.is_empty() {
                text.push_str(&format!(
                    "If that link ever stops working, this one always leads to our session: {}\n",
                    session.session_link
                ));
            }
        }
        None if !session.session_link.is_empty() => {
            text.push_str(&format!(
                "Join here when it is time (it leads to our Zoom meeting): {}\n",
                session.session_link
            ));
        }
        None => {}
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use api::sessions::{SessionStatus, SessionZoom, ZoomMeetingLink, ZoomSync};
    use chrono::{TimeZone, Utc};

    fn session(link: bool, outdated: bool) -> Session {
        let starts_at = Utc.with_ymd_and_hms(2026, 12, 14, 15, 0, 0).unwrap();
        Session {
            id: 3,
            client_name: "Ana".into(),
            starts_at,
            ends_at: starts_at + chrono::Duration::minutes(50),
            duration_minutes: 50,
            time_zone: "America/New_York".into(),
            private_notes: "never in the message".into(),
            client_name_in_zoom_topic: false,
            status: SessionStatus::Scheduled,
            zoom: SessionZoom {
                link: link.then(|| ZoomMeetingLink {
                    meeting_id: "85".into(),
                    join_url: "https://zoom.example/j/85?pwd=x".into(),
                    browser_join_url: "https://zoom.example/wc/join/85?pwd=x".into(),
                }),
                link_outdated: outdated,
                sync: ZoomSync::InSync,
                changed_in_zoom: None,
                in_progress: false,
                notice: None,
            },
            session_link: "https://console.example/join/t3".into(),
        }
    }

    #[test]
    fn the_message_has_the_time_in_the_sessions_zone_and_both_links() {
        let text = client_message(&session(true, false));
        assert!(text.contains("Monday 14 December 2026, 10:00"), "{text}");
        assert!(text.contains("Join on Zoom: https://zoom.example/j/85?pwd=x"), "{text}");
        assert!(text.contains("https://console.example/join/t3"), "{text}");
        assert!(!text.contains("never in the message"));
    }

    #[test]
    fn an_outdated_link_is_left_out_and_the_session_link_carries_the_client() {
        let text = client_message(&session(true, true));
        assert!(!text.contains("zoom.example"), "{text}");
        assert!(text.contains("Join here when it is time"), "{text}");
    }
}
