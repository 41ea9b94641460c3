//! What to do when Zoom fails, as a pure decision: retry later (and when), or park until the practitioner acts.

use api::error::codes as general;
use api::sessions::codes;
use chrono::{DateTime, Duration, Utc};

use crate::zoom::ZoomCallError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// Temporary: try again at this instant; the session shows "retrying" with `reason`.
    RetryAt {
        at: DateTime<Utc>,
        code: &'static str,
        reason: String,
    },
    /// Only the practitioner can fix it: the session shows "failed" (or "no link") with `message`.
    Park {
        sync: &'static str,
        code: &'static str,
        message: String,
    },
}

/// Backoff: `base`, ×3 each attempt, at most one hour.
pub fn backoff(base: std::time::Duration, attempts: i64) -> Duration {
    let factor = 3u32.saturating_pow(attempts.clamp(1, 12) as u32 - 1);
    let wait = base.saturating_mul(factor).min(std::time::Duration::from_secs(3600));
    Duration::from_std(wait).unwrap_or(Duration::hours(1))
}

/// Zoom's per-host 100 creates/updates a day reset at 00:00 UTC.
pub fn next_utc_midnight(now: DateTime<Utc>) -> DateTime<Utc> {
    (now.date_naive() + Duration::days(1))
        .and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_utc()
}

pub fn decide(error: &ZoomCallError, attempts: i64, now: DateTime<Utc>, base: std::time::Duration) -> Next {
    let retry = |code: &'static str, reason: &str| Next::RetryAt {
        at: now + backoff(base, attempts),
        code,
        reason: reason.to_string(),
    };
    match error {
        ZoomCallError::Unavailable | ZoomCallError::Internal(_) => retry(
            general::ZOOM_UNAVAILABLE,
            "Zoom did not answer. BetterBeing keeps trying on its own; your session is saved.",
        ),
        ZoomCallError::RateLimited { daily: false } => retry(
            general::ZOOM_UNAVAILABLE,
            "Zoom asked us to slow down. BetterBeing tries again shortly.",
        ),
        ZoomCallError::RateLimited { daily: true } => Next::RetryAt {
            at: next_utc_midnight(now),
            code: codes::ZOOM_DAILY_LIMIT,
            reason: "Zoom takes 100 new or changed meetings a day per Zoom user, and today's are used. BetterBeing \
                     makes this link after 00:00 UTC, when Zoom's count starts again, soonest sessions first."
                .into(),
        },
        ZoomCallError::NeedsReauth => Next::Park {
            sync: "failed",
            code: general::ZOOM_NEEDS_REAUTH,
            message: "Zoom needs you to re-authorize BetterBeing. Go to BetterBeing Console → Video Accounts → Zoom \
                      and click \"Reauth\"; the link is created right after."
                .into(),
        },
        ZoomCallError::BlockedByOrganisation => Next::Park {
            sync: "failed",
            code: general::ZOOM_BLOCKED_BY_ORGANISATION,
            message: "Your organisation's admin has turned off Zoom access, so no Zoom link is created. Ask them to \
                      turn on \"Allow practitioners to connect Zoom\"; the link is created as soon as they do."
                .into(),
        },
        ZoomCallError::NotConnected => Next::Park {
            sync: "no_link",
            code: general::ZOOM_NOT_CONNECTED,
            message: "Zoom is not connected. Connect your Zoom account, then add a Zoom link.".into(),
        },
        ZoomCallError::Zoom { code: 3161, .. } => Next::Park {
            sync: "failed",
            code: codes::ZOOM_CANNOT_HOST,
            message: "Your Zoom account cannot host or schedule meetings. Ensure your Zoom account tier allows \
                      meeting creation, or ask your Zoom administrator to enable it, then retry."
                .into(),
        },
        ZoomCallError::Zoom { message, .. } => Next::Park {
            sync: "failed",
            code: codes::ZOOM_REJECTED,
            message: format!(
                "Zoom refused to create the meeting: {message}. Retry, or contact support if it persists."
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-11-23T18:30:00Z".parse().unwrap()
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let base = std::time::Duration::from_secs(10);
        assert_eq!(backoff(base, 1), Duration::seconds(10));
        assert_eq!(backoff(base, 2), Duration::seconds(30));
        assert_eq!(backoff(base, 3), Duration::seconds(90));
        assert_eq!(backoff(base, 40), Duration::hours(1));
    }

    #[test]
    fn the_daily_cap_waits_for_midnight_utc() {
        let next = decide(
            &ZoomCallError::RateLimited { daily: true },
            1,
            now(),
            std::time::Duration::from_secs(1),
        );
        match next {
            Next::RetryAt { at, code, .. } => {
                assert_eq!(at.to_rfc3339(), "2026-11-24T00:00:00+00:00");
                assert_eq!(code, codes::ZOOM_DAILY_LIMIT);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn grant_problems_park_and_outages_retry() {
        let base = std::time::Duration::from_secs(1);
        assert!(matches!(
            decide(&ZoomCallError::NeedsReauth, 1, now(), base),
            Next::Park { sync: "failed", .. }
        ));
        assert!(matches!(
            decide(&ZoomCallError::NotConnected, 1, now(), base),
            Next::Park { sync: "no_link", .. }
        ));
        let cannot_host = ZoomCallError::Zoom {
            status: 400,
            code: 3161,
            message: String::new(),
        };
        assert!(matches!(
            decide(&cannot_host, 1, now(), base),
            Next::Park {
                code: codes::ZOOM_CANNOT_HOST,
                ..
            }
        ));
        assert!(matches!(
            decide(&ZoomCallError::Unavailable, 2, now(), base),
            Next::RetryAt { .. }
        ));
    }
}
