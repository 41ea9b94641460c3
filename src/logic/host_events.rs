//! The DOM events a host page can listen for on the mount element (or `document.body` stand-alone). Every event
//! is a `CustomEvent` with `bubbles: true, composed: true`; `docs/embedding.md` lists them for host authors.

use std::collections::HashMap;

pub const ZOOM_CONNECTED: &str = "betterbeing:zoom-connected";
pub const ZOOM_DISCONNECTED: &str = "betterbeing:zoom-disconnected";
pub const ZOOM_NEEDS_REAUTH: &str = "betterbeing:zoom-needs-reauth";
pub const SESSION_LINK_CHANGED: &str = "betterbeing:session-link-changed";

pub const ALL: [&str; 4] = [
    ZOOM_CONNECTED,
    ZOOM_DISCONNECTED,
    ZOOM_NEEDS_REAUTH,
    SESSION_LINK_CHANGED,
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostEvent {
    /// Back from Zoom's consent page with the account connected.
    ZoomConnected { email: String },
    /// Disconnect went through.
    ZoomDisconnected,
    /// The Zoom status loaded as needing re-authorization; `reason` is `ReauthReason::as_str`.
    ZoomNeedsReauth { reason: String },
    /// A session's join link was created or replaced.
    SessionLinkChanged { session_id: i64, join_url: String },
}

impl HostEvent {
    pub fn name(&self) -> &'static str {
        match self {
            HostEvent::ZoomConnected { .. } => ZOOM_CONNECTED,
            HostEvent::ZoomDisconnected => ZOOM_DISCONNECTED,
            HostEvent::ZoomNeedsReauth { .. } => ZOOM_NEEDS_REAUTH,
            HostEvent::SessionLinkChanged { .. } => SESSION_LINK_CHANGED,
        }
    }

    /// The fields of the event's `detail` object, with the camelCase keys JavaScript hosts expect.
    pub fn detail(&self) -> Vec<(&'static str, DetailValue)> {
        match self {
            HostEvent::ZoomConnected { email } => vec![("email", DetailValue::Text(email.clone()))],
            HostEvent::ZoomDisconnected => vec![],
            HostEvent::ZoomNeedsReauth { reason } => vec![("reason", DetailValue::Text(reason.clone()))],
            HostEvent::SessionLinkChanged { session_id, join_url } => vec![
                ("sessionId", DetailValue::Number(*session_id)),
                ("joinUrl", DetailValue::Text(join_url.clone())),
            ],
        }
    }
}

/// A value in an event's `detail` (a JavaScript string or number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DetailValue {
    Text(String),
    Number(i64),
}

/// The join link last seen for each session, so a link that appears or changes is announced once, whichever page
/// (calendar or session panel) sees it first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkTracker {
    seen: HashMap<i64, Option<String>>,
}

impl LinkTracker {
    /// A session just created here: its first link, whenever it arrives, is news.
    pub fn created(&mut self, session_id: i64) {
        self.seen.entry(session_id).or_insert(None);
    }

    /// Records what a session's link is now; answers the event when it was created or replaced since last seen.
    /// The first sight of a session only records it (its link is not new).
    pub fn observe(&mut self, session_id: i64, join_url: Option<&str>) -> Option<HostEvent> {
        let now = join_url.map(str::to_string);
        let before = self.seen.insert(session_id, now.clone())?;
        match now {
            Some(join_url) if before.as_deref() != Some(join_url.as_str()) => {
                Some(HostEvent::SessionLinkChanged { session_id, join_url })
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_namespaced_and_distinct() {
        for name in ALL {
            assert!(name.starts_with("betterbeing:"), "{name}");
            assert_eq!(ALL.iter().filter(|n| **n == name).count(), 1);
        }
        assert_eq!(HostEvent::ZoomDisconnected.name(), "betterbeing:zoom-disconnected");
    }

    fn text(s: &str) -> DetailValue {
        DetailValue::Text(s.into())
    }

    #[test]
    fn details_use_camel_case() {
        assert_eq!(
            HostEvent::ZoomConnected {
                email: "a@b.example".into()
            }
            .detail(),
            vec![("email", text("a@b.example"))]
        );
        assert_eq!(
            HostEvent::ZoomNeedsReauth {
                reason: "grant_revoked".into()
            }
            .detail(),
            vec![("reason", text("grant_revoked"))]
        );
        assert_eq!(
            HostEvent::SessionLinkChanged {
                session_id: 7,
                join_url: "https://zoom.example/j/1".into()
            }
            .detail(),
            vec![
                ("sessionId", DetailValue::Number(7)),
                ("joinUrl", text("https://zoom.example/j/1"))
            ]
        );
        assert!(HostEvent::ZoomDisconnected.detail().is_empty());
    }

    #[test]
    fn first_sight_is_not_a_change() {
        let mut t = LinkTracker::default();
        assert_eq!(t.observe(1, Some("https://zoom.example/j/1")), None);
        assert_eq!(t.observe(2, None), None);
        assert_eq!(t.observe(1, Some("https://zoom.example/j/1")), None, "same link again");
    }

    #[test]
    fn created_and_replaced_links_are_announced_once() {
        let mut t = LinkTracker::default();
        t.observe(2, None);
        let made = t.observe(2, Some("https://zoom.example/j/2"));
        assert_eq!(
            made,
            Some(HostEvent::SessionLinkChanged {
                session_id: 2,
                join_url: "https://zoom.example/j/2".into()
            })
        );
        assert_eq!(t.observe(2, Some("https://zoom.example/j/2")), None);
        assert!(t.observe(2, Some("https://zoom.example/j/3")).is_some(), "rescheduled");
        assert_eq!(t.observe(2, None), None, "a link going away is not announced");
    }

    #[test]
    fn a_session_created_here_announces_its_first_link() {
        let mut t = LinkTracker::default();
        t.created(5);
        assert!(t.observe(5, Some("https://zoom.example/j/5")).is_some());
        let mut t = LinkTracker::default();
        t.created(6);
        assert_eq!(t.observe(6, None), None);
        assert!(t.observe(6, Some("https://zoom.example/j/6")).is_some());
    }
}
