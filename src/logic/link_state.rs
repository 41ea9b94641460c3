//! Where a session stands with Zoom, in words: the marker on the calendar, the guidance in the session panel, and
//! what to do when Start Zoom Session fails.

use api::error::ErrorCode;
use api::sessions::{ChangedInZoom, SessionZoom, ZoomSync};

/// The `data-state` of `[data-testid=zoom-link-state]`: the `ZoomSync` tag.
pub fn sync_name(sync: &ZoomSync) -> &'static str {
    match sync {
        ZoomSync::InSync => "in_sync",
        ZoomSync::NoLink => "no_link",
        ZoomSync::Pending => "pending",
        ZoomSync::Retrying { .. } => "retrying",
        ZoomSync::Failed { .. } => "failed",
    }
}

/// BetterBeing is still working on it: worth asking again in a moment (not when the link waits for Zoom's daily
/// reset, hours away).
pub fn is_settling(sync: &ZoomSync) -> bool {
    matches!(sync, ZoomSync::Pending | ZoomSync::Retrying { .. }) && !waits_for_daily_reset(sync)
}

/// Zoom's 100 new or changed meetings a day are used: the link follows after 00:00 UTC, nothing failed.
pub fn waits_for_daily_reset(sync: &ZoomSync) -> bool {
    matches!(
        sync,
        ZoomSync::Retrying {
            code: ErrorCode::ZoomDailyLimit,
            ..
        }
    )
}

/// The small marker on a calendar block: a symbol (hidden from screen readers) and words.
pub fn marker(zoom: &SessionZoom) -> (&'static str, &'static str) {
    match &zoom.changed_in_zoom {
        Some(ChangedInZoom::Deleted) => return ("!", "Zoom meeting deleted in Zoom"),
        Some(ChangedInZoom::Moved { .. }) => return ("!", "Zoom meeting moved in Zoom"),
        None => {}
    }
    if zoom.in_progress {
        return ("\u{25cf}", "In progress in Zoom");
    }
    match (&zoom.sync, zoom.link.is_some()) {
        (ZoomSync::Pending | ZoomSync::Retrying { .. }, _) if zoom.link_outdated => {
            ("\u{21bb}", "New Zoom link on its way")
        }
        (ZoomSync::Pending, _) => ("\u{2026}", "Creating Zoom link"),
        (sync, _) if waits_for_daily_reset(sync) => ("\u{2026}", "Zoom link after Zoom\u{2019}s daily reset"),
        (ZoomSync::Retrying { .. }, _) => ("\u{21bb}", "Zoom link delayed, retrying"),
        (ZoomSync::Failed { .. }, _) => ("!", "Zoom link failed"),
        (ZoomSync::NoLink, _) | (ZoomSync::InSync, false) => ("\u{2013}", "No Zoom link"),
        (ZoomSync::InSync, true) => ("\u{2713}", "Zoom link ready"),
    }
}

/// Why a session's link is still on its way (the panel's "Reason"), by the code the queue recorded.
pub fn retry_reason(code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::ZoomDailyLimit => {
            "Zoom takes 100 new or changed meetings a day per Zoom user, and today\u{2019}s are used. BetterBeing \
             makes this link after 00:00 UTC, when Zoom\u{2019}s count starts again, soonest sessions first."
        }
        ErrorCode::ZoomRateLimited => "Zoom asked us to slow down. BetterBeing tries again shortly.",
        _ => "Zoom did not answer. BetterBeing keeps trying on its own; your session is saved.",
    }
}

/// What happened when Zoom refused in a way only the practitioner can fix, with Zoom's own words when it gave some.
pub fn failure_message(code: ErrorCode, zoom_message: Option<&str>) -> String {
    match code {
        ErrorCode::ZoomNeedsReauth => "Zoom needs you to re-authorize BetterBeing. Go to BetterBeing Console \u{2192} \
                                       Video Accounts \u{2192} Zoom and click \u{201c}Reauth\u{201d}; the link is \
                                       created right after."
            .into(),
        ErrorCode::ZoomBlockedByOrganisation => "Your organisation\u{2019}s admin has turned off Zoom access, so no \
                                                 Zoom link is created. Ask them to turn on \u{201c}Allow \
                                                 practitioners to connect Zoom\u{201d}; the link is created as soon \
                                                 as they do."
            .into(),
        ErrorCode::ZoomNotConnected => "Zoom is not connected. Connect your Zoom account, then add a Zoom link.".into(),
        ErrorCode::ZoomCannotHost => "Your Zoom account cannot host or schedule meetings. Ensure your Zoom account \
                                      tier allows meeting creation, or ask your Zoom administrator to enable it, then \
                                      retry."
            .into(),
        _ => match zoom_message.map(str::trim).filter(|m| !m.is_empty()) {
            Some(said) => format!(
                "Zoom refused to create the meeting: {}. Retry, or contact support if it persists.",
                said.trim_end_matches('.')
            ),
            None => "Zoom refused to create the meeting. Retry, or contact support if it persists.".into(),
        },
    }
}

/// What to do about a Zoom failure the practitioner must fix, by its stable code. `needs_zoom_page` asks for a link
/// to Console → Video Accounts → Zoom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailureHelp {
    pub title: &'static str,
    pub steps: Vec<&'static str>,
    pub needs_zoom_page: bool,
}

const STEP_GO_REAUTH: &str =
    "Go to BetterBeing Console \u{2192} Video Accounts \u{2192} Zoom and click \u{201c}Reauth\u{201d}, then click \u{201c}Retry now\u{201d}.";
const STEP_GO_CONNECT: &str =
    "Go to BetterBeing Console \u{2192} Video Accounts \u{2192} Zoom and click \u{201c}Connect Zoom Account\u{201d}, then click \u{201c}Retry now\u{201d}.";
const STEP_TIER: &str = "Ensure your Zoom account tier allows meeting creation.";
const STEP_CORRECT_ACCOUNT: &str = "Ensure you are logged into the correct Zoom account.";
const STEP_ORG_RESTRICTS: &str =
    "Some Zoom accounts managed by an organization may restrict external apps from creating meetings.";
const STEP_ASK_ZOOM_ADMIN: &str =
    "Contact your Zoom administrator to enable third-party meeting creation for your account.";
const STEP_ASK_ORG_ADMIN: &str =
    "Ask your organisation\u{2019}s BetterBeing administrator to allow practitioners to connect Zoom.";
const STEP_WAITS_FOR_ORG: &str =
    "Nothing is lost: this change waits and goes through on its own once Zoom access is turned back on.";
const STEP_DAILY_LIMIT: &str =
    "Zoom allows 100 meeting changes a day per user. Creation resumes at 00:00 UTC; click \u{201c}Retry now\u{201d} after that.";
const STEP_RETRY_LATER: &str = "Wait a few minutes, then click \u{201c}Retry now\u{201d}.";

pub fn failure_help(code: &ErrorCode) -> FailureHelp {
    match code {
        ErrorCode::ZoomNeedsReauth => FailureHelp {
            title: "Zoom needs you to re-authorize BetterBeing",
            steps: vec![STEP_GO_REAUTH],
            needs_zoom_page: true,
        },
        ErrorCode::ZoomNotConnected => FailureHelp {
            title: "No Zoom account is connected",
            steps: vec![STEP_GO_CONNECT],
            needs_zoom_page: true,
        },
        ErrorCode::ZoomCannotHost => FailureHelp {
            title: "This Zoom account cannot host meetings",
            steps: vec![STEP_TIER, STEP_CORRECT_ACCOUNT],
            needs_zoom_page: true,
        },
        ErrorCode::ZoomBlockedByOrganisation => FailureHelp {
            title: "Zoom is turned off for your organisation",
            steps: vec![STEP_ASK_ORG_ADMIN, STEP_WAITS_FOR_ORG],
            needs_zoom_page: false,
        },
        ErrorCode::ZoomDailyLimit => FailureHelp {
            title: "Zoom\u{2019}s daily limit is reached",
            steps: vec![STEP_DAILY_LIMIT],
            needs_zoom_page: false,
        },
        ErrorCode::ZoomRejected => FailureHelp {
            title: "Zoom refused to create the meeting",
            steps: vec![STEP_ORG_RESTRICTS, STEP_ASK_ZOOM_ADMIN],
            needs_zoom_page: false,
        },
        _ => FailureHelp {
            title: "The Zoom meeting could not be created",
            steps: vec![STEP_RETRY_LATER],
            needs_zoom_page: false,
        },
    }
}

/// Why Start Zoom Session did not open Zoom, and what to do, by the error code of `POST …/start`.
pub fn start_failure(code: Option<ErrorCode>) -> FailureHelp {
    match code {
        Some(ErrorCode::NoZoomMeeting) => FailureHelp {
            title: "This session has no Zoom meeting yet",
            steps: vec!["Click \u{201c}Add Zoom link\u{201d} (or \u{201c}Retry now\u{201d}) below, then start the session again."],
            needs_zoom_page: false,
        },
        Some(ErrorCode::ZoomNeedsReauth) => FailureHelp {
            title: "Zoom needs you to re-authorize BetterBeing",
            steps: vec![
                "Go to BetterBeing Console \u{2192} Video Accounts \u{2192} Zoom and click \u{201c}Reauth\u{201d}, then click \u{201c}Start Zoom Session\u{201d} again.",
                "Your client can still join with the meeting link.",
            ],
            needs_zoom_page: true,
        },
        Some(ErrorCode::ZoomUnavailable) => FailureHelp {
            title: "Zoom is not answering right now",
            steps: vec![
                "Wait a moment, then click \u{201c}Start Zoom Session\u{201d} again.",
                "You can also open the Zoom app and start the meeting from your Zoom meetings list.",
            ],
            needs_zoom_page: false,
        },
        Some(ErrorCode::ZoomCannotHost) => FailureHelp {
            title: "This Zoom account cannot host meetings",
            steps: vec![STEP_TIER, STEP_CORRECT_ACCOUNT],
            needs_zoom_page: true,
        },
        Some(ErrorCode::ZoomNotConnected) => FailureHelp {
            title: "No Zoom account is connected",
            steps: vec!["Go to BetterBeing Console \u{2192} Video Accounts \u{2192} Zoom and click \u{201c}Connect Zoom Account\u{201d}."],
            needs_zoom_page: true,
        },
        _ => FailureHelp {
            title: "Zoom could not be started",
            steps: vec!["Please try again in a moment."],
            needs_zoom_page: false,
        },
    }
}

/// Start Zoom Session could not reach BetterBeing at all.
pub fn start_unreachable() -> FailureHelp {
    FailureHelp {
        title: "BetterBeing could not be reached",
        steps: vec!["Check your internet connection, then click \u{201c}Start Zoom Session\u{201d} again."],
        needs_zoom_page: false,
    }
}

/// The browser refused to open a window for Zoom.
pub const POPUP_BLOCKED: &str =
    "Your browser blocked the Zoom window. Allow pop-ups for BetterBeing, then click \u{201c}Start Zoom Session\u{201d} again.";

#[cfg(test)]
mod tests {
    use super::*;
    use api::sessions::ZoomMeetingLink;
    use chrono::Utc;

    fn zoom(sync: ZoomSync, link: bool, outdated: bool) -> SessionZoom {
        SessionZoom {
            link: link.then(|| ZoomMeetingLink {
                meeting_id: "1".into(),
                join_url: "https://zoom.example/j/1".into(),
                browser_join_url: "https://zoom.example/wc/join/1".into(),
            }),
            link_outdated: outdated,
            sync,
            changed_in_zoom: None,
            in_progress: false,
            notice: None,
        }
    }

    #[test]
    fn a_link_waiting_for_zooms_daily_reset_is_not_a_delay_and_is_not_polled() {
        let waiting = |code| ZoomSync::Retrying {
            attempts: 0,
            next_attempt_at: Utc::now(),
            code,
        };
        let daily = waiting(ErrorCode::ZoomDailyLimit);
        assert!(waits_for_daily_reset(&daily));
        assert!(!is_settling(&daily), "hours away: not polled");
        assert_eq!(
            marker(&zoom(daily, false, false)).1,
            "Zoom link after Zoom\u{2019}s daily reset"
        );
        let outage = waiting(ErrorCode::ZoomUnavailable);
        assert!(!waits_for_daily_reset(&outage));
        assert!(is_settling(&outage));
        assert_eq!(marker(&zoom(outage, false, false)).1, "Zoom link delayed, retrying");
    }

    #[test]
    fn names_match_the_wire_tags() {
        let retrying = ZoomSync::Retrying {
            attempts: 2,
            next_attempt_at: Utc::now(),
            code: ErrorCode::ZoomUnavailable,
        };
        let failed = ZoomSync::Failed {
            code: ErrorCode::ZoomRejected,
            zoom_message: None,
        };
        for sync in [ZoomSync::InSync, ZoomSync::NoLink, ZoomSync::Pending, retrying, failed] {
            let json = serde_json::to_value(&sync).unwrap();
            assert_eq!(json["state"], sync_name(&sync));
        }
    }

    #[test]
    fn only_pending_and_retrying_settle() {
        assert!(is_settling(&ZoomSync::Pending));
        assert!(!is_settling(&ZoomSync::InSync));
        assert!(!is_settling(&ZoomSync::Failed {
            code: ErrorCode::ZoomRejected,
            zoom_message: None,
        }));
    }

    #[test]
    fn markers_tell_the_states_apart() {
        assert_eq!(marker(&zoom(ZoomSync::InSync, true, false)).1, "Zoom link ready");
        assert_eq!(marker(&zoom(ZoomSync::NoLink, false, false)).1, "No Zoom link");
        assert_eq!(marker(&zoom(ZoomSync::Pending, false, false)).1, "Creating Zoom link");
        assert_eq!(
            marker(&zoom(ZoomSync::Pending, true, true)).1,
            "New Zoom link on its way"
        );
        assert_eq!(
            marker(&zoom(
                ZoomSync::Failed {
                    code: ErrorCode::ZoomRejected,
                    zoom_message: None,
                },
                false,
                false
            ))
            .1,
            "Zoom link failed"
        );
        let deleted = SessionZoom {
            changed_in_zoom: Some(ChangedInZoom::Deleted),
            ..zoom(ZoomSync::InSync, false, false)
        };
        assert_eq!(marker(&deleted).1, "Zoom meeting deleted in Zoom");
        let running = SessionZoom {
            in_progress: true,
            ..zoom(ZoomSync::InSync, true, false)
        };
        assert_eq!(marker(&running).1, "In progress in Zoom");
    }

    #[test]
    fn failures_say_what_to_do() {
        assert!(failure_help(&ErrorCode::ZoomNeedsReauth).needs_zoom_page);
        assert!(failure_help(&ErrorCode::ZoomNeedsReauth).steps[0].contains("Reauth"));
        assert!(failure_help(&ErrorCode::ZoomCannotHost).steps.contains(&STEP_TIER));
        assert!(failure_help(&ErrorCode::ZoomDailyLimit).steps[0].contains("00:00 UTC"));
        assert!(failure_help(&ErrorCode::Unknown).steps[0].contains("Retry now"));
        assert!(start_failure(Some(ErrorCode::ZoomNeedsReauth)).needs_zoom_page);
        assert!(start_failure(Some(ErrorCode::NoZoomMeeting)).steps[0].contains("Add Zoom link"));
        assert!(start_failure(None).title.contains("could not be started"));
    }
}

/// What cancelling does to the session's Zoom meeting, said before (in the confirmation) and after (on the calendar).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelZoom {
    /// No meeting to delete.
    NoMeeting,
    /// Deleted now (or, if Zoom is down for a moment, as soon as it answers).
    DeletedNow,
    /// Zoom is not connected: the meeting stays live until the practitioner reconnects, then it is deleted.
    DeletedOnReconnect,
}

impl CancelZoom {
    pub fn of(has_meeting: bool, status: Option<&api::zoom::ZoomStatus>) -> CancelZoom {
        use api::zoom::ZoomStatus;
        match (has_meeting, status) {
            (false, _) => CancelZoom::NoMeeting,
            (true, Some(ZoomStatus::NotConnected { .. } | ZoomStatus::NeedsReauth { .. })) => {
                CancelZoom::DeletedOnReconnect
            }
            // Deleting is allowed even while the organisation has Zoom access off.
            (true, _) => CancelZoom::DeletedNow,
        }
    }

    /// The line in the confirmation.
    pub fn before(self) -> &'static str {
        match self {
            CancelZoom::NoMeeting => "This session has no Zoom meeting to delete.",
            CancelZoom::DeletedNow => "The Zoom meeting is deleted and its link stops working. Let your client know.",
            CancelZoom::DeletedOnReconnect => {
                "Zoom is not connected, so BetterBeing cannot delete the Zoom meeting yet: its link keeps working until you reconnect Zoom (Video Accounts \u{2192} Zoom), and the meeting is deleted then. Let your client know the session is off."
            }
        }
    }

    /// The notice on the calendar afterwards.
    pub fn after(self, client: &str) -> String {
        match self {
            CancelZoom::NoMeeting => format!("The session with {client} is cancelled."),
            CancelZoom::DeletedNow => format!(
                "The session with {client} is cancelled. Its Zoom meeting is being deleted and the link will stop working."
            ),
            CancelZoom::DeletedOnReconnect => format!(
                "The session with {client} is cancelled. Its Zoom meeting stays live until you reconnect Zoom, and is deleted then: it is listed under \u{201c}Zoom meetings still to delete once you reconnect\u{201d}."
            ),
        }
    }
}

#[cfg(test)]
mod cancel_tests {
    use super::CancelZoom;
    use api::zoom::ZoomStatus;

    #[test]
    fn the_cancel_words_follow_the_connection() {
        assert_eq!(
            CancelZoom::of(false, Some(&ZoomStatus::not_connected())),
            CancelZoom::NoMeeting
        );
        assert_eq!(CancelZoom::of(true, None), CancelZoom::DeletedNow);
        assert_eq!(
            CancelZoom::of(true, Some(&ZoomStatus::not_connected())),
            CancelZoom::DeletedOnReconnect
        );
        assert!(CancelZoom::DeletedOnReconnect
            .before()
            .contains("keeps working until you reconnect"));
        assert!(CancelZoom::DeletedOnReconnect.after("Ana").contains("still to delete"));
    }
}
