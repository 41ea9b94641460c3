//! What a session's Zoom meeting is: its title, its agenda (with the session's reference, never the client's name or
//! notes), its time.

use chrono::DateTime;

use crate::db::sessions::SessionRow;
use crate::zoom::meetings::MeetingSpec;

/// The Zoom meeting title: neutral unless the practitioner opted in to show the client's name.
pub fn topic(client_name: &str, opt_in: bool) -> String {
    if opt_in {
        format!("Session with {client_name}").chars().take(200).collect()
    } else {
        "BetterBeing session".to_string()
    }
}

pub(super) fn agenda_marker(session_ref: &str, sequence: i64) -> String {
    format!("bb-{session_ref}-{sequence}")
}

/// The meeting a session needs now. The agenda carries the session's reference for its current sequence (never the
/// client's name or notes).
pub(super) fn meeting_spec(row: &SessionRow) -> MeetingSpec {
    MeetingSpec {
        topic: topic(&row.client_name, row.client_name_in_zoom_topic),
        starts_at: DateTime::from_timestamp_millis(row.starts_at).unwrap_or_default(),
        time_zone: row.time_zone.clone(),
        duration_minutes: row.duration_minutes as u32,
        agenda: format!(
            "Scheduled in BetterBeing. Reference: {}",
            agenda_marker(&row.r#ref, row.sequence)
        ),
    }
}
