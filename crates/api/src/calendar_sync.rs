//! The connected calendar (Console → Calendar sync): BetterBeing writes each session's event into the practitioner's
//! own calendar within seconds. CalDAV first (Apple iCloud, Fastmail, Nextcloud and other CalDAV servers). The
//! password never comes back from the server: these types carry none.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// `POST` body: connect a CalDAV account. The server checks it and discovers the calendars before storing anything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalDavCredentials {
    pub server_url: String,
    pub username: String,
    /// An app-specific password (iCloud, Fastmail) or the account's password (self-hosted servers).
    pub password: String,
}

/// One calendar found on the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarChoice {
    pub url: String,
    pub name: String,
}

/// `PUT` body: the calendar the sessions go to (one of `CalendarConnection::calendars`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChooseCalendar {
    pub url: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CalendarProvider {
    CalDav,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CalendarState {
    /// The account was accepted; pick the calendar for the sessions.
    Choosing,
    Connected,
    /// Only the practitioner can fix it (`problem` says how); sessions wait and go out once it is fixed.
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarConnection {
    pub provider: CalendarProvider,
    pub server_url: String,
    pub username: String,
    pub state: CalendarState,
    /// The calendars found when the account was connected.
    pub calendars: Vec<CalendarChoice>,
    /// The calendar the sessions go to, once picked.
    pub calendar: Option<CalendarChoice>,
    pub problem: Option<String>,
    /// Sessions whose latest change has not reached the calendar yet.
    pub waiting: u32,
    /// Why the oldest waiting session has not gone out yet (the server is retrying).
    pub retrying_because: Option<String>,
    pub last_pushed_at: Option<DateTime<Utc>>,
}

/// `GET` answer: the practitioner's connected calendar, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarSync {
    pub connection: Option<CalendarConnection>,
}

/// `POST …/test` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarTest {
    pub ok: bool,
    pub message: String,
}
