//! Friendly words for API failures. Pages show these, never a raw status or server message.

use crate::backend::ApiError;
use api::error::ErrorCode;

pub fn friendly_message(err: &ApiError) -> String {
    match err {
        ApiError::Network => {
            "BetterBeing could not be reached. Check your internet connection and try again.".into()
        }
        ApiError::Decode => {
            "BetterBeing sent an answer this page could not read. Reload the page; if it keeps happening, contact support.".into()
        }
        ApiError::Http { status, body } => match body.as_ref().map(|b| b.code) {
            Some(code) => for_code(code).to_string(),
            None if *status >= 500 => for_code(ErrorCode::Internal).to_string(),
            None => format!("The request failed (HTTP {status}). Please try again."),
        },
    }
}

/// Like [`friendly_message`], but for the connected calendar the server's own words are shown: it names the
/// calendar server and says what to change (the password, the address), which the page cannot know.
pub fn calendar_message(err: &ApiError) -> String {
    match err {
        ApiError::Http { body: Some(body), .. } if is_calendar_code(body.code) && !body.message.is_empty() => {
            body.message.clone()
        }
        other => friendly_message(other),
    }
}

/// The connected calendar's refusals: the server names the calendar server and what to change.
fn is_calendar_code(code: ErrorCode) -> bool {
    use ErrorCode::*;
    matches!(
        code,
        CalendarUrlInvalid
            | CalendarAuthFailed
            | CalendarUnreachable
            | CalendarNotCaldav
            | CalendarNoneFound
            | CalendarNotOffered
            | CalendarGone
            | CalendarNotConnected
            | CalendarRefused
    )
}

fn for_code(code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::Unauthenticated => "You are signed out. Please sign in again.",
        ErrorCode::Forbidden => "You do not have permission to do that.",
        ErrorCode::NotFound => "That could not be found. It may already have been removed.",
        ErrorCode::BadRequest => "BetterBeing could not accept that request. Reload the page and try again.",
        ErrorCode::CsrfHeaderMissing => "The request was blocked for your security. Reload the page and try again.",
        ErrorCode::InvalidShellToken => "Your BetterBeing session could not be confirmed. Please sign in again.",
        ErrorCode::ZoomBlockedByOrganisation => "Your organisation\u{2019}s administrator has not enabled Zoom access.",
        ErrorCode::ZoomNotConnected => "No Zoom account is connected.",
        ErrorCode::ZoomNeedsReauth => "Zoom needs you to re-authorize BetterBeing. Click \u{201c}Reauth\u{201d}.",
        ErrorCode::ZoomUnavailable => "Zoom is not answering right now. Please try again in a few minutes.",
        ErrorCode::SessionCancelled => "This session has been cancelled.",
        ErrorCode::NoZoomMeeting => "This session has no Zoom meeting yet.",
        ErrorCode::ZoomCannotHost => {
            "This Zoom account cannot host meetings. Ensure your Zoom account tier allows meeting creation."
        }
        ErrorCode::ZoomDailyLimit => "Zoom\u{2019}s daily limit of meeting changes is reached. It resets at 00:00 UTC.",
        ErrorCode::ZoomRejected => "Zoom refused the request. Please try again later.",
        ErrorCode::InvalidReturnTo => "That return address was not accepted. Reload the page and try again.",
        _ => "Something went wrong on our side. Please try again in a moment.",
    }
}

impl ApiError {
    pub fn is_unauthenticated(&self) -> bool {
        matches!(self, ApiError::Http { status: 401, .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use api::ErrorBody;

    fn http(status: u16, code: ErrorCode) -> ApiError {
        ApiError::Http {
            status,
            body: Some(ErrorBody {
                code,
                message: "internal detail".into(),
            }),
        }
    }

    #[test]
    fn codes_get_friendly_words_not_server_messages() {
        let m = friendly_message(&http(502, ErrorCode::ZoomUnavailable));
        assert!(m.contains("Zoom is not answering"));
        assert!(!m.contains("internal detail"));
        assert!(friendly_message(&http(409, ErrorCode::parse("brand_new_code"))).contains("Something went wrong"));
    }

    #[test]
    fn calendar_errors_keep_the_servers_words_and_others_do_not() {
        let e = http(400, ErrorCode::CalendarAuthFailed);
        assert_eq!(calendar_message(&e), "internal detail");
        assert!(calendar_message(&http(502, ErrorCode::ZoomUnavailable)).contains("Zoom is not answering"));
        assert!(calendar_message(&ApiError::Network).contains("could not be reached"));
    }

    #[test]
    fn transport_failures_are_explained() {
        assert!(friendly_message(&ApiError::Network).contains("could not be reached"));
        assert!(friendly_message(&ApiError::Decode).contains("Reload"));
        let bare = ApiError::Http {
            status: 503,
            body: None,
        };
        assert!(friendly_message(&bare).contains("Something went wrong"));
    }

    #[test]
    fn only_401_means_signed_out() {
        assert!(http(401, ErrorCode::Unauthenticated).is_unauthenticated());
        assert!(!http(403, ErrorCode::Forbidden).is_unauthenticated());
        assert!(!ApiError::Network.is_unauthenticated());
    }
}
