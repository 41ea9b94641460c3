//! What to do when Zoom fails, as a pure decision: retry later (and when), or park until the practitioner acts. The
//! decision carries a stable code, never words: the SPA words each code (`src/logic/link_state.rs`).

use api::error::ErrorCode;
use chrono::{DateTime, Duration, Utc};

use crate::db::vocab::SyncState;
use crate::zoom::ZoomCallError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// Temporary: try again at this instant; the session shows "retrying" with `code`.
    RetryAt { at: DateTime<Utc>, code: ErrorCode },
    /// Only the practitioner can fix it: the session shows `sync` (failed, or no link) with `code`, and Zoom's own
    /// words when it gave some.
    Park {
        sync: SyncState,
        code: ErrorCode,
        zoom_message: Option<String>,
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
    let retry = |code| Next::RetryAt {
        at: now + backoff(base, attempts),
        code,
    };
    let park = |sync, code| Next::Park {
        sync,
        code,
        zoom_message: None,
    };
    match error {
        ZoomCallError::Unavailable | ZoomCallError::Internal(_) => retry(ErrorCode::ZoomUnavailable),
        ZoomCallError::RateLimited { daily: false } => retry(ErrorCode::ZoomRateLimited),
        ZoomCallError::RateLimited { daily: true } => Next::RetryAt {
            at: next_utc_midnight(now),
            code: ErrorCode::ZoomDailyLimit,
        },
        ZoomCallError::NeedsReauth => park(SyncState::Failed, ErrorCode::ZoomNeedsReauth),
        ZoomCallError::BlockedByOrganisation => park(SyncState::Failed, ErrorCode::ZoomBlockedByOrganisation),
        ZoomCallError::NotConnected => park(SyncState::NoLink, ErrorCode::ZoomNotConnected),
        ZoomCallError::Zoom { code: 3161, .. } => park(SyncState::Failed, ErrorCode::ZoomCannotHost),
        ZoomCallError::Zoom { message, .. } => Next::Park {
            sync: SyncState::Failed,
            code: ErrorCode::ZoomRejected,
            zoom_message: Some(message.clone()),
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
                assert_eq!(code, ErrorCode::ZoomDailyLimit);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn grant_problems_park_and_outages_retry() {
        let base = std::time::Duration::from_secs(1);
        assert!(matches!(
            decide(&ZoomCallError::NeedsReauth, 1, now(), base),
            Next::Park {
                sync: SyncState::Failed,
                ..
            }
        ));
        assert!(matches!(
            decide(&ZoomCallError::NotConnected, 1, now(), base),
            Next::Park {
                sync: SyncState::NoLink,
                ..
            }
        ));
        let cannot_host = ZoomCallError::Zoom {
            status: 400,
            code: 3161,
            message: String::new(),
        };
        assert!(matches!(
            decide(&cannot_host, 1, now(), base),
            Next::Park {
                code: ErrorCode::ZoomCannotHost,
                ..
            }
        ));
        assert!(matches!(
            decide(&ZoomCallError::Unavailable, 2, now(), base),
            Next::RetryAt { .. }
        ));
    }
}
