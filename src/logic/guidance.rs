//! What to tell a practitioner when Zoom says no, and which of the product documentation's troubleshooting steps
//! apply. Step texts quote the documentation where it has words for the situation.

use api::zoom::{CallbackError, ReauthReason};

/// A headline, one sentence of why, and the steps that help, in the order to try them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guidance {
    pub title: &'static str,
    pub explanation: &'static str,
    pub steps: Vec<&'static str>,
}

pub const STEP_ALLOW: &str =
    "You can connect at any time: click \u{201c}Connect Zoom Account\u{201d}, then click \u{201c}Allow\u{201d} on Zoom\u{2019}s authorization page.";
pub const STEP_ORG_RESTRICTS: &str =
    "Some Zoom accounts managed by an organization may restrict external apps from creating meetings.";
pub const STEP_ASK_ZOOM_ADMIN: &str =
    "Contact your Zoom administrator to enable third-party meeting creation for your account.";
pub const STEP_TIER: &str = "Ensure your Zoom account tier allows meeting creation.";
pub const STEP_CORRECT_ACCOUNT: &str = "Ensure you are logged into the correct Zoom account.";
pub const STEP_TRY_AGAIN: &str = "Try again: click \u{201c}Connect Zoom Account\u{201d}.";
pub const STEP_CLEAR_CACHE: &str = "Clear your browser cache and cookies and try again.";
pub const STEP_EXTENSIONS: &str = "Disable browser extensions that may block third-party OAuth flows.";
pub const STEP_LATER: &str = "Zoom did not answer. Wait a few minutes, then try again.";
pub const STEP_ASK_ORG_ADMIN: &str =
    "Ask your organisation\u{2019}s BetterBeing administrator to allow practitioners to connect Zoom.";
pub const STEP_RECONNECT: &str = "Try disconnecting and reconnecting your Zoom account.";
pub const STEP_PERIODIC: &str =
    "Zoom periodically requires re-authorization for security. This is normal and does not affect your existing sessions.";
pub const STEP_REAUTH: &str =
    "Click \u{201c}Reauth\u{201d} and complete the Zoom authorization flow. Your connection will be restored immediately.";

/// For `?zoom_error=<code>` on the return URL.
pub fn for_callback_error(code: &CallbackError) -> Guidance {
    match code {
        CallbackError::Denied => Guidance {
            title: "Zoom was not connected",
            explanation: "You chose not to allow BetterBeing on Zoom\u{2019}s authorization page, so nothing was connected.",
            steps: vec![STEP_ALLOW],
        },
        CallbackError::AppDisabled => Guidance {
            title: "Your Zoom administrator does not allow BetterBeing",
            explanation: "The organization that manages your Zoom account has not approved BetterBeing, so Zoom refused the connection.",
            steps: vec![STEP_ORG_RESTRICTS, STEP_ASK_ZOOM_ADMIN],
        },
        CallbackError::CannotHost => Guidance {
            title: "This Zoom account cannot host meetings",
            explanation: "Zoom says this account cannot host or schedule meetings, so BetterBeing could not create session links with it.",
            steps: vec![STEP_TIER, STEP_CORRECT_ACCOUNT],
        },
        CallbackError::StateInvalid => Guidance {
            title: "The connection attempt expired",
            explanation: "The link back from Zoom had expired or was already used, so for your safety it was not accepted.",
            steps: vec![STEP_TRY_AGAIN, STEP_CLEAR_CACHE, STEP_EXTENSIONS],
        },
        CallbackError::ExchangeFailed => Guidance {
            title: "Zoom did not complete the authorization",
            explanation: "Zoom did not accept BetterBeing\u{2019}s request to finish connecting your account.",
            steps: vec![STEP_TRY_AGAIN, STEP_CLEAR_CACHE, STEP_EXTENSIONS],
        },
        CallbackError::ZoomUnavailable => Guidance {
            title: "Zoom is not answering",
            explanation: "BetterBeing could not reach Zoom to finish connecting your account.",
            steps: vec![STEP_LATER],
        },
        CallbackError::BlockedByOrganisation => Guidance {
            title: "Zoom is turned off for your organisation",
            explanation: "Your organisation\u{2019}s administrator has not enabled Zoom access in BetterBeing.",
            steps: vec![STEP_ASK_ORG_ADMIN],
        },
        CallbackError::OtherAccount => Guidance {
            title: "Nothing was switched yet",
            explanation: "Zoom signed you in as another account than the one your upcoming sessions\u{2019} meetings are on. Choose below what you meant.",
            steps: vec![STEP_CORRECT_ACCOUNT],
        },
        _ => Guidance {
            title: "Zoom was not connected",
            explanation: "Connecting your Zoom account did not complete.",
            steps: vec![STEP_TRY_AGAIN, STEP_RECONNECT, STEP_CLEAR_CACHE],
        },
    }
}

/// For a connection Zoom no longer accepts.
pub fn for_reauth(reason: ReauthReason) -> Guidance {
    match reason {
        ReauthReason::GrantRevoked => Guidance {
            title: "Zoom needs you to re-authorize BetterBeing",
            explanation: "Zoom no longer accepts BetterBeing\u{2019}s authorization for this account: it expired or was revoked.",
            steps: vec![STEP_PERIODIC, STEP_REAUTH],
        },
        ReauthReason::ReplacedByNewerAuthorization => Guidance {
            title: "Zoom needs you to re-authorize BetterBeing",
            explanation: "This Zoom account authorized BetterBeing again somewhere else, and Zoom keeps only the newest authorization.",
            steps: vec![STEP_CORRECT_ACCOUNT, STEP_REAUTH],
        },
        ReauthReason::AppDisabledByZoomAdmin => Guidance {
            title: "Your Zoom administrator disabled BetterBeing",
            explanation: "The administrator of your Zoom account has disabled BetterBeing, so Zoom no longer accepts its authorization.",
            steps: vec![STEP_ORG_RESTRICTS, STEP_ASK_ZOOM_ADMIN, STEP_REAUTH],
        },
    }
}

/// Whom to ask when the organisation has not enabled Zoom.
pub fn blocked_by_organisation_ask(admin_name: Option<&str>) -> String {
    match admin_name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(name) => format!(
            "Ask {name}, your organisation\u{2019}s BetterBeing administrator, to turn on \u{201c}Allow practitioners to connect Zoom\u{201d}."
        ),
        None => "Ask your organisation\u{2019}s BetterBeing administrator to turn on \u{201c}Allow practitioners to connect Zoom\u{201d}.".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_its_own_steps() {
        for code in CallbackError::ALL {
            let g = for_callback_error(&code);
            assert!(!g.steps.is_empty(), "{code:?}");
            assert_ne!(g, for_callback_error(&CallbackError::Unknown), "{code:?}");
        }
    }

    #[test]
    fn documented_steps_match_their_codes() {
        assert_eq!(
            for_callback_error(&CallbackError::AppDisabled).steps,
            vec![
                "Some Zoom accounts managed by an organization may restrict external apps from creating meetings.",
                "Contact your Zoom administrator to enable third-party meeting creation for your account."
            ]
        );
        assert!(for_callback_error(&CallbackError::CannotHost)
            .steps
            .contains(&"Ensure your Zoom account tier allows meeting creation."));
        assert!(for_callback_error(&CallbackError::CannotHost)
            .steps
            .contains(&STEP_CORRECT_ACCOUNT));
        for code in [CallbackError::StateInvalid, CallbackError::ExchangeFailed] {
            let steps = for_callback_error(&code).steps;
            assert!(steps.contains(&STEP_CLEAR_CACHE) && steps.contains(&STEP_EXTENSIONS));
        }
        assert!(for_callback_error(&CallbackError::Denied).steps[0].contains("Allow"));
        assert!(for_callback_error(&CallbackError::ZoomUnavailable).steps[0].contains("try again"));
    }

    #[test]
    fn reauth_reasons_point_at_reauth() {
        for r in [
            ReauthReason::GrantRevoked,
            ReauthReason::ReplacedByNewerAuthorization,
            ReauthReason::AppDisabledByZoomAdmin,
        ] {
            assert!(for_reauth(r).steps.contains(&STEP_REAUTH));
        }
        assert!(for_reauth(ReauthReason::AppDisabledByZoomAdmin)
            .steps
            .contains(&STEP_ASK_ZOOM_ADMIN));
        assert!(for_reauth(ReauthReason::ReplacedByNewerAuthorization)
            .explanation
            .contains("newest"));
    }

    #[test]
    fn blocked_names_the_admin_when_known() {
        assert!(blocked_by_organisation_ask(Some("Ada Lovelace")).contains("Ask Ada Lovelace"));
        assert!(blocked_by_organisation_ask(Some("  ")).starts_with("Ask your organisation"));
        assert!(blocked_by_organisation_ask(None).starts_with("Ask your organisation"));
    }
}
