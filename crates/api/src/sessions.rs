//! Sessions on the practitioner's calendar and their Zoom meetings, as the SPA sees them. A session's Zoom host link
//! (`start_url`) is never part of these types: it is fetched at the moment Start Zoom Session is clicked
//! (`StartLink`) and never stored.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::ErrorCode;

/// Shortest and longest session the calendar accepts, in minutes.
pub const MIN_DURATION_MINUTES: u32 = 5;
pub const MAX_DURATION_MINUTES: u32 = 480;
pub const MAX_CLIENT_NAME_CHARS: usize = 120;
pub const MAX_NOTES_CHARS: usize = 5000;
/// How far ahead a session may be scheduled: two years (Zoom, calendars and people plan no further; a typo like
/// year 9999 is caught instead of becoming a meeting).
pub const MAX_MONTHS_AHEAD: u32 = 24;

/// The latest start a session scheduled at `now` may have.
pub fn latest_start(now: DateTime<Utc>) -> DateTime<Utc> {
    now.checked_add_months(chrono::Months::new(MAX_MONTHS_AHEAD))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// A client's name goes into calendar events, Zoom topics and invitations: no control character (line break, tab,
/// escape, NUL) and no Unicode line or paragraph separator may be in it.
pub fn client_name_has_invalid_characters(name: &str) -> bool {
    name.chars()
        .any(|c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}'))
}

/// Private notes may hold line breaks (`\n`, `\r\n`) and tabs, and no other control character.
pub fn notes_have_invalid_characters(notes: &str) -> bool {
    let mut chars = notes.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' | '\t' => {}
            '\r' if chars.peek() == Some(&'\n') => {}
            c if c.is_control() => return true,
            _ => {}
        }
    }
    false
}

/// `YYYY-MM-DDTHH:MM`, with or without seconds (and fractions), as a date and a time picker give it.
fn local_date_time<'de, D: serde::Deserializer<'de>>(d: D) -> Result<NaiveDateTime, D::Error> {
    let text = String::deserialize(d)?;
    NaiveDateTime::parse_from_str(&text, "%Y-%m-%dT%H:%M:%S%.f")
        .or_else(|_| NaiveDateTime::parse_from_str(&text, "%Y-%m-%dT%H:%M"))
        .map_err(|_| {
            serde::de::Error::custom(format!(
                "start_local must be a local date and time like 2026-12-14T10:00 (got {text:?})"
            ))
        })
}

/// What the create / edit dialog sends. The start is a wall-clock time in `time_zone` (IANA, e.g.
/// `America/New_York`); the server turns it into an instant, so a session at 09:00 stays at 09:00 across DST.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInput {
    pub client_name: String,
    /// `YYYY-MM-DDTHH:MM` (seconds optional), local to `time_zone`.
    #[serde(deserialize_with = "local_date_time")]
    pub start_local: NaiveDateTime,
    pub time_zone: String,
    pub duration_minutes: u32,
    /// Only for the practitioner: never sent to Zoom, never in calendar feeds.
    #[serde(default)]
    pub private_notes: String,
    /// Opt-in: put the client's name in the Zoom meeting topic (default: a neutral topic).
    #[serde(default)]
    pub client_name_in_zoom_topic: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionStatus {
    Scheduled,
    Cancelled,
}

/// The working Zoom link of a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZoomMeetingLink {
    /// Zoom's int64 meeting id, as a string (JavaScript numbers cannot hold every int64).
    pub meeting_id: String,
    /// The participants' link (passcode embedded): shown at the top of the session panel, copied for the client.
    pub join_url: String,
    /// Zoom's web client for the same meeting ("join from the browser instead").
    pub browser_join_url: String,
}

/// Where a session stands with Zoom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ZoomSync {
    /// Nothing to do: the link (if any) matches the session.
    InSync,
    /// Created while Zoom was not connected (or not allowed): no link. "Add Zoom link" once connected.
    NoLink,
    /// Zoom is being asked right now (or will be within seconds).
    Pending,
    /// Zoom failed temporarily, or Zoom's daily limit is used; BetterBeing retries on its own. `code` says why:
    /// `zoom_daily_limit` (the link follows after 00:00 UTC, nothing failed), `zoom_rate_limited`, or
    /// `zoom_unavailable`. The SPA words it.
    Retrying {
        attempts: u32,
        next_attempt_at: DateTime<Utc>,
        code: ErrorCode,
    },
    /// Zoom refused in a way only the practitioner can fix. `code` says why (the SPA words it and says what to do);
    /// `zoom_message` is Zoom's own explanation when Zoom gave one (`zoom_rejected`).
    Failed {
        code: ErrorCode,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        zoom_message: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionZoom {
    /// The link to use now. During a reschedule it stays the previous working link until the new one exists.
    pub link: Option<ZoomMeetingLink>,
    /// True while `link` belongs to the session's previous time (a reschedule whose new meeting is not made yet).
    pub link_outdated: bool,
    pub sync: ZoomSync,
    /// Zoom says the meeting was changed outside BetterBeing (in Zoom itself): deleted, or moved to another time.
    #[serde(default)]
    pub changed_in_zoom: Option<ChangedInZoom>,
    /// The meeting is running in Zoom right now (started, not yet ended).
    #[serde(default)]
    pub in_progress: bool,
    /// What a pre-session check repaired.
    #[serde(default)]
    pub notice: Option<ZoomNotice>,
}

/// What BetterBeing's check before a session (about 24 hours and 15 minutes ahead) found and repaired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ZoomNotice {
    /// Zoom no longer had the meeting, so a new one was made: the Zoom link changed (the session link did not).
    RemadeAfterDeletion { at: DateTime<Utc> },
    /// The practitioner switched Zoom accounts: the session got a meeting on the new account, with a new Zoom link.
    RemadeAfterAccountSwitch { at: DateTime<Utc> },
}

/// Why a session is on the calendar's "needs your attention" notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttentionReason {
    DeletedInZoom,
    MovedInZoom,
    RemadeAfterDeletion,
    RemadeAfterAccountSwitch,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttentionItem {
    pub session_id: i64,
    pub client_name: String,
    pub starts_at: DateTime<Utc>,
    pub reason: AttentionReason,
}

/// A Zoom meeting BetterBeing still has to delete (a cancelled session's, or one a reschedule replaced), waiting
/// because Zoom is not connected or needs reauthorization: it stays live in Zoom until then.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingDeletion {
    pub meeting_id: String,
    /// The session it belonged to, and when that was (if the session still exists).
    pub session_id: Option<i64>,
    pub client_name: Option<String>,
    pub starts_at: Option<DateTime<Utc>>,
    pub since: DateTime<Utc>,
}

/// `GET paths::SESSIONS_ATTENTION`: upcoming sessions that need the practitioner because of Zoom, and meetings
/// waiting to be deleted once Zoom is reconnected.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attention {
    pub sessions: Vec<AttentionItem>,
    pub pending_deletions: Vec<PendingDeletion>,
}

/// A change made to the session's meeting in Zoom itself (its web portal or app), as Zoom reported it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChangedInZoom {
    /// Deleted in Zoom: its link no longer works. "Make a new Zoom link" (`session_zoom_link`) replaces it.
    Deleted,
    /// Zoom has the meeting at another time or length than the session: put it back, or follow Zoom.
    Moved {
        starts_at: DateTime<Utc>,
        duration_minutes: u32,
    },
}

/// The practitioner's answer to a meeting moved in Zoom (`POST session_zoom_time`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ZoomTimeChoice {
    /// Move the Zoom meeting back to the session's time.
    PutBack,
    /// Move the session to the time the meeting has in Zoom (its link stays).
    FollowZoom,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolveZoomTime {
    pub choice: ZoomTimeChoice,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub id: i64,
    pub client_name: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub duration_minutes: u32,
    /// The zone the session was scheduled in.
    pub time_zone: String,
    pub private_notes: String,
    pub client_name_in_zoom_topic: bool,
    pub status: SessionStatus,
    pub zoom: SessionZoom,
    /// The session's stable link for the client (`https://…/join/<token>`): it always leads to the session's current
    /// Zoom join link, says where the session moved while a reschedule finishes, and that it was cancelled after a
    /// cancel. It never changes.
    #[serde(default)]
    pub session_link: String,
}

/// The host link, handed out only in answer to a click on Start Zoom Session. Never stored, never logged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartLink {
    pub start_url: String,
}

/// The practitioner's calendar preferences.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preferences {
    /// IANA zone the calendar is shown in.
    pub time_zone: String,
    /// In answers: that zone's UTC offsets around now, from the server's tz database, so the browser can draw the
    /// calendar without setting up its own (`Intl`'s first date format costs 10–20 ms). Ignored in a request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offsets: Option<ZoneOffsets>,
}

impl Preferences {
    /// Preferences to save: the zone only.
    pub fn zone(time_zone: String) -> Preferences {
        Preferences {
            time_zone,
            offsets: None,
        }
    }
}

/// A zone's UTC offsets from `from` to `to` (Unix seconds, `to` excluded): each `(since, offset_seconds)` holds
/// until the next; the first `since` is `from`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZoneOffsets {
    pub zone: String,
    pub from: i64,
    pub to: i64,
    pub changes: Vec<(i64, i32)>,
}

impl ZoneOffsets {
    /// How far around now the server tells: the past year (a calendar looked back on) and as far ahead as a
    /// session may be booked, with a month to spare. Beyond, the browser works the offsets out itself.
    pub const DAYS_BEFORE: i64 = 366;
    pub const DAYS_AFTER: i64 = 31 * (MAX_MONTHS_AHEAD as i64 + 1);

    /// The offset at `unix_seconds`, if inside the span told.
    pub fn offset_at(&self, unix_seconds: i64) -> Option<i32> {
        if unix_seconds < self.from || unix_seconds >= self.to {
            return None;
        }
        let after = self.changes.partition_point(|&(since, _)| since <= unix_seconds);
        after.checked_sub(1).map(|i| self.changes[i].1)
    }
}

/// Upcoming scheduled sessions without a Zoom link, offered after (re)connecting ("Add Zoom links"), with what
/// Zoom's daily limit allows: Zoom takes at most 100 new or changed meetings a day per Zoom user, so a long list is
/// linked over several days, the soonest sessions first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingLinks {
    /// Soonest first.
    pub session_ids: Vec<i64>,
    /// How many of them (the first ones) get their links today.
    #[serde(default)]
    pub today: u32,
    /// When the others start getting theirs: Zoom's next daily reset (00:00 UTC). `None` when all fit today.
    #[serde(default)]
    pub rest_from: Option<DateTime<Utc>>,
    /// How many new or changed meetings Zoom takes per day for one Zoom user.
    #[serde(default)]
    pub daily_limit: u32,
}

/// The practitioner's private calendar subscription (iCalendar). The URL embeds a secret: anyone holding it can read
/// the practitioner's session times, so it can be rotated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarFeed {
    /// `https://…/feeds/<secret>.ics`: for Outlook ("Subscribe from web") and Google ("From URL").
    pub url: String,
    /// The same feed as `webcal://…`: opens Apple Calendar's subscribe dialog.
    pub webcal_url: String,
    pub created_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_start_reads_with_or_without_seconds_and_nothing_else() {
        let with = |start: &str| {
            serde_json::from_value::<SessionInput>(serde_json::json!({
                "client_name": "Ana", "start_local": start, "time_zone": "Europe/London", "duration_minutes": 50
            }))
        };
        let ten = NaiveDateTime::parse_from_str("2026-12-14T10:00:00", "%Y-%m-%dT%H:%M:%S").unwrap();
        assert_eq!(with("2026-12-14T10:00").unwrap().start_local, ten);
        assert_eq!(with("2026-12-14T10:00:00").unwrap().start_local, ten);
        assert_eq!(with("2026-12-14T10:00:00.000").unwrap().start_local, ten);
        let refused = with("14/12/2026 10:00").unwrap_err().to_string();
        assert!(refused.contains("like 2026-12-14T10:00"), "{refused}");
        // What the SPA sends reads back the same.
        let sent = serde_json::to_value(with("2026-12-14T10:00").unwrap()).unwrap();
        assert_eq!(serde_json::from_value::<SessionInput>(sent).unwrap().start_local, ten);
    }
}
