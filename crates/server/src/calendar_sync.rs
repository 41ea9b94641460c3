//! The connected calendar: BetterBeing writes each session's event into the practitioner's own calendar within
//! seconds of a change, instead of waiting for the calendar app to re-read the subscription feed (Google: 8–24 h).
//!
//! How it holds together:
//! - The session logic only ever calls [`enqueue`], in the same transaction that changes a session (create,
//!   reschedule, new Zoom link, cancel), and then wakes the worker. It knows nothing about calendar servers.
//! - The queue (`db::calendar_sync`) holds one job per session: "make this session's event match the session". The
//!   job reads the session when it runs, so several quick changes make one write, a change during a run raises the
//!   job's version and runs it again, and a cancel turns the job into a deletion. Attempts are counted before the
//!   server is called; failures retry with backoff (same policy as Zoom work) or, when only the practitioner can fix
//!   them (password refused, calendar deleted), wait parked until they do.
//! - One resource per session (`bb-<session ref>.ics` in the chosen calendar) with a stable UID: a write whose
//!   answer was lost can only ever overwrite that same resource, so an event is never duplicated. Creates use
//!   `If-None-Match: *`, updates `If-Match` with the stored ETag.
//! - [`Connector`] is where a provider plugs in: CalDAV today; Google Calendar and Microsoft 365 would be further
//!   variants with their own write/remove (see docs/CALENDAR_SYNC.md).
//!
//! Edited in the calendar app (a 412 on `If-Match`): the session in BetterBeing is the source of truth for the
//! events it writes. The event is read again and rewritten with the session's time, title and links (SEQUENCE above
//! the calendar's), so the client's link in the practitioner's calendar is never stale. An event deleted in the
//! calendar app is written again at the session's next change. A cancelled session's event is deleted whatever was
//! edited.

pub mod caldav;
mod connection;
mod push;
mod service;

pub use service::{enqueue, CalendarPush, SyncSettings};
