//! The per-user cap on meeting creates and updates (facts §4.2).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::error::MeetingError;

/// Create + update requests per host user per UTC day (facts §4.2).
pub const DAILY_CREATE_UPDATE_LIMIT: u32 = 100;

#[derive(Debug, Serialize, Deserialize)]
pub struct DailyUsage {
    pub day: NaiveDate,
    pub used: u32,
}

/// Result of counting a create/update against the daily cap.
#[derive(Clone, Copy, Debug)]
pub struct Quota {
    pub remaining: u32,
}

/// Each host's count for the current UTC day. Saved as the bare map it wraps, so state files keep their shape.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DailyCap {
    by_user: HashMap<String, DailyUsage>,
}

impl DailyCap {
    pub fn used(&self, user_id: &str, now: DateTime<Utc>) -> u32 {
        self.by_user
            .get(user_id)
            .filter(|u| u.day == now.date_naive())
            .map_or(0, |u| u.used)
    }

    pub fn set_used(&mut self, user_id: &str, used: u32, now: DateTime<Utc>) {
        self.by_user.insert(
            user_id.to_owned(),
            DailyUsage {
                day: now.date_naive(),
                used,
            },
        );
    }

    /// Counts one create/update request, or refuses it when the UTC day's 100 are used up.
    pub fn count(&mut self, user_id: &str, now: DateTime<Utc>) -> Result<Quota, MeetingError> {
        let used = self.used(user_id, now);
        if used >= DAILY_CREATE_UPDATE_LIMIT {
            return Err(MeetingError::DailyLimit);
        }
        self.set_used(user_id, used + 1, now);
        Ok(Quota {
            remaining: DAILY_CREATE_UPDATE_LIMIT - used - 1,
        })
    }
}
