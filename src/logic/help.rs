//! The help panel on the Zoom page: the product documentation's troubleshooting, kept true of this product, and
//! the questions practitioners ask. Step texts reuse `guidance`'s words where both say the same thing.

use crate::logic::guidance::{
    STEP_ASK_ORG_ADMIN, STEP_ASK_ZOOM_ADMIN, STEP_CLEAR_CACHE, STEP_CORRECT_ACCOUNT, STEP_EXTENSIONS,
    STEP_ORG_RESTRICTS, STEP_PERIODIC, STEP_RECONNECT, STEP_TIER,
};

/// One collapsible topic: a few sentences, then the steps (in order) when there are any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Topic {
    /// Stable, for `data-topic` and tests.
    pub id: &'static str,
    pub title: &'static str,
    pub text: &'static [&'static str],
    pub steps: &'static [&'static str],
}

pub const BASIC_PLAN_NOTE: &str =
    "Meetings on Zoom\u{2019}s free Basic plan end at 40 minutes. For longer sessions, connect a licensed (Pro or Business) Zoom account.";

pub const OPEN_ZOOM_PROMPT: &str = "Your browser may display a prompt asking to \u{201c}Open Zoom Meetings\u{201d} \u{2014} click Allow to launch the Zoom desktop application. If you prefer, you can also join via the browser without installing the app (\u{201c}Join from your browser instead\u{201d} in the session).";

pub const TROUBLESHOOTING: [Topic; 10] = [
    Topic {
        id: "reauth",
        title: "Zoom asks you to re-authorize",
        text: &[STEP_PERIODIC],
        steps: &[
            "Go to BetterBeing Console \u{2192} Video Accounts \u{2192} Zoom and click \u{201c}Reauth\u{201d}.",
            "Complete the Zoom authorization flow. Your connection will be restored immediately.",
        ],
    },
    Topic {
        id: "connection",
        title: "Zoom does not connect, or stops working",
        text: &[],
        steps: &[
            "Confirm your Zoom account is connected in BetterBeing Console \u{2192} Video Accounts \u{2192} Zoom.",
            STEP_RECONNECT,
            STEP_TIER,
            STEP_CLEAR_CACHE,
            STEP_CORRECT_ACCOUNT,
            STEP_EXTENSIONS,
        ],
    },
    Topic {
        id: "missing-links",
        title: "A session has no Zoom link",
        text: &[
            "BetterBeing creates a Zoom meeting for a session while your Zoom account is connected. Sessions scheduled before you connected Zoom have no link yet; you do not need to delete and recreate them.",
        ],
        steps: &[
            "Open the session in your calendar and click \u{201c}Add Zoom link\u{201d}.",
            "Or, right after connecting, use the offer at the top of this page to add Zoom links to every upcoming session without one.",
            "Zoom takes 100 new or changed meetings a day per Zoom user. With more sessions than that, the soonest get their links first and the rest follow after 00:00 UTC each day; each waiting session says when.",
        ],
    },
    Topic {
        id: "organisation-managed",
        title: "Your Zoom account is managed by an organization",
        text: &[
            STEP_ORG_RESTRICTS,
            "Zoom then refuses BetterBeing (Zoom error 4738, or an app that needs your Zoom administrator\u{2019}s pre-approval).",
        ],
        steps: &[
            STEP_ASK_ZOOM_ADMIN,
            "Once they have approved BetterBeing, click \u{201c}Connect Zoom Account\u{201d} (or \u{201c}Reauth\u{201d}) again.",
        ],
    },
    Topic {
        id: "cannot-host",
        title: "This Zoom account cannot host meetings",
        text: &["Zoom says the account cannot host or schedule meetings (Zoom error 3161), so BetterBeing cannot create session links with it."],
        steps: &[
            STEP_TIER,
            "Ask your Zoom administrator to assign your Zoom user a license that can host meetings.",
            STEP_CORRECT_ACCOUNT,
        ],
    },
    Topic {
        id: "basic-plan",
        title: "Meetings end after 40 minutes",
        text: &[BASIC_PLAN_NOTE],
        steps: &[],
    },
    Topic {
        id: "open-zoom-prompt",
        title: "The browser asks to \u{201c}Open Zoom Meetings\u{201d}",
        text: &[OPEN_ZOOM_PROMPT],
        steps: &[],
    },
    Topic {
        id: "organisation-blocked",
        title: "\u{201c}Connect Zoom Account\u{201d} is unavailable",
        text: &["In a Clinic or Enterprise organisation, your BetterBeing administrator decides whether practitioners can connect Zoom."],
        steps: &[STEP_ASK_ORG_ADMIN],
    },
    Topic {
        id: "disconnect-from-zoom",
        title: "Disconnecting from Zoom\u{2019}s side",
        text: &[
            "You can also revoke BetterBeing\u{2019}s access from your Zoom account. BetterBeing is told by Zoom and shows your Zoom account as not connected. Meeting links that already exist keep working in Zoom.",
        ],
        steps: &[
            "Log in to your Zoom account at zoom.us.",
            "Navigate to Settings \u{2192} Integration \u{2192} Installed Apps.",
            "Find BetterBeing and click \u{201c}Uninstall\u{201d} or \u{201c}Remove\u{201d}.",
        ],
    },
    Topic {
        id: "privacy",
        title: "Permissions and privacy",
        text: &[
            "BetterBeing uses Zoom\u{2019}s official OAuth 2.0 authorization and requests only the six permissions listed under \u{201c}What can BetterBeing do in my Zoom account?\u{201d} below.",
            PROMISE,
        ],
        steps: &[],
    },
];

/// The same promise the connection panel makes.
pub const PROMISE: &str = "BetterBeing never accesses your Zoom meeting content (video, audio, recordings or transcripts); no recording, transcription or participant permissions are requested; your Zoom authorization is stored encrypted.";

/// One question and its answer. The scopes question also lists the six scopes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Question {
    pub id: &'static str,
    pub question: &'static str,
    pub answer: &'static str,
}

pub const SCOPES_QUESTION: &str = "scopes";

pub const FAQ: [Question; 5] = [
    Question {
        id: SCOPES_QUESTION,
        question: "What can BetterBeing do in my Zoom account?",
        answer: "Only what these six permissions allow. Nothing for recordings, transcripts or participants is requested.",
    },
    Question {
        id: "recording",
        question: "Does BetterBeing record or see my meetings?",
        answer: "No. BetterBeing never joins, records or sees your meetings: it has no access to their video, audio, recordings, transcripts or participants. It only creates, updates and deletes the meetings for your sessions.",
    },
    Question {
        id: "disconnect",
        question: "What happens to my meetings when I disconnect?",
        answer: "Meeting links that already exist keep working in Zoom. BetterBeing stops creating, updating and deleting meetings for you; sessions you schedule afterwards have no Zoom link until you connect again.",
    },
    Question {
        id: "reschedule",
        question: "Why did my link change after rescheduling?",
        answer: "Each reschedule gets a new Zoom meeting and link, and the old meeting is deleted, so only the new link works. Send your client the new link; your calendar subscription shows it too.",
    },
    Question {
        id: "cancel",
        question: "Does cancelling a session delete the Zoom meeting?",
        answer: "Yes. Cancelling a session deletes its Zoom meeting, so its link stops working.",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    fn all_text(topic: &Topic) -> String {
        format!("{} {} {}", topic.title, topic.text.join(" "), topic.steps.join(" "))
    }

    fn topic(id: &str) -> String {
        all_text(
            TROUBLESHOOTING
                .iter()
                .find(|t| t.id == id)
                .unwrap_or_else(|| panic!("{id}")),
        )
    }

    #[test]
    fn every_documented_topic_is_there_once() {
        for id in [
            "reauth",
            "connection",
            "missing-links",
            "organisation-managed",
            "cannot-host",
            "basic-plan",
            "open-zoom-prompt",
            "disconnect-from-zoom",
            "privacy",
        ] {
            assert_eq!(TROUBLESHOOTING.iter().filter(|t| t.id == id).count(), 1, "{id}");
        }
    }

    #[test]
    fn topics_say_what_the_product_does() {
        assert!(topic("reauth").contains("Reauth"));
        for step in [
            STEP_RECONNECT,
            STEP_TIER,
            STEP_CLEAR_CACHE,
            STEP_CORRECT_ACCOUNT,
            STEP_EXTENSIONS,
        ] {
            assert!(topic("connection").contains(step));
        }
        let missing = topic("missing-links");
        assert!(missing.contains("Add Zoom link"));
        assert!(missing.contains("do not need to delete"));
        assert!(topic("organisation-managed").contains("4738"));
        assert!(topic("organisation-managed").contains("Zoom administrator"));
        assert!(topic("cannot-host").contains("3161"));
        assert!(topic("cannot-host").contains("license"));
        assert!(topic("basic-plan").contains("40 minutes"));
        assert!(topic("open-zoom-prompt").contains("Open Zoom Meetings"));
        assert!(topic("disconnect-from-zoom").contains("Installed Apps"));
        assert!(topic("disconnect-from-zoom").contains("not connected"));
    }

    #[test]
    fn faq_answers_the_questions() {
        let answer = |id: &str| FAQ.iter().find(|q| q.id == id).unwrap().answer;
        assert!(answer("recording").starts_with("No."));
        assert!(answer("disconnect").contains("keep working"));
        assert!(answer("reschedule").contains("old meeting is deleted"));
        assert!(answer("cancel").starts_with("Yes."));
    }
}
