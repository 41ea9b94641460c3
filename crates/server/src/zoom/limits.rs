//! Zoom's rate limits (facts §4.2) kept as a budget, so BetterBeing never sends a call Zoom will refuse:
//!
//! - **The daily meeting cap**: 100 creates/updates per Zoom user per UTC day. Each one is counted before it is
//!   sent; Zoom's own count (`x-ratelimit-remaining` beside `x-ratelimit-limit: 100`) corrects ours whenever Zoom
//!   sends it (other apps on the same Zoom user count too). Bulk work leaves [`INTERACTIVE_DAILY_RESERVE`] of the day
//!   (less what the practitioner has already used of it), so a practitioner booking or moving a session after a large "Add Zoom links" still gets a link.
//! - **The per-second limits**: per Zoom account (shared by every app on it) and rate category, by plan. One token
//!   bucket per (account, category) in the database, shared by every server instance. Its burst and rate stay under
//!   Zoom's limit even counted over any one-second window, with room for network jitter; after a per-second 429 it
//!   refills at half speed for a minute. Bulk calls leave one token for interactive ones, and yield to them when
//!   both wait.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::clock::Clock;
use crate::db::{zoom_limits, Db};

/// Zoom's per-user cap of meeting creates/updates per UTC day.
pub const DAILY_MEETING_CHANGES: i64 = 100;
/// The part of the daily cap bulk work leaves for the practitioner's own bookings and changes.
pub const INTERACTIVE_DAILY_RESERVE: i64 = 10;
/// How long a bucket refills at half speed after Zoom answered a per-second 429.
const SLOW_AFTER_429_MS: i64 = 60_000;

/// The Zoom calls BetterBeing makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZoomOp {
    CreateMeeting,
    UpdateMeeting,
    DeleteMeeting,
    GetMeeting,
    ListMeetings,
    GetUser,
}

impl ZoomOp {
    /// Zoom's rate-limit label for the call (facts §1.4).
    pub fn category(self) -> Category {
        match self {
            ZoomOp::CreateMeeting | ZoomOp::ListMeetings => Category::Medium,
            ZoomOp::UpdateMeeting | ZoomOp::DeleteMeeting | ZoomOp::GetMeeting | ZoomOp::GetUser => Category::Light,
        }
    }

    /// Creates and updates count toward the 100 a day; deletions do not (Zoom staff, facts §3.4).
    pub fn counts_toward_daily_cap(self) -> bool {
        matches!(self, ZoomOp::CreateMeeting | ZoomOp::UpdateMeeting)
    }
}

/// Who is waiting for a call: the practitioner (a booking, a change, Start, "Check again"), or background work
/// ("Add Zoom links", a remake after an account switch, pre-session and status checks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    Interactive,
    Bulk,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    Light,
    Medium,
}

impl Category {
    fn as_str(self) -> &'static str {
        match self {
            Category::Light => "light",
            Category::Medium => "medium",
        }
    }
}

/// A Zoom account's plan, which sets its per-second limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Plan {
    /// Basic (free) users' accounts.
    Free,
    /// Licensed users' accounts, unless configured as Business.
    #[default]
    Pro,
    /// Business, Education, Enterprise and above (`BB_ZOOM_LICENSED_PLAN=business`).
    Business,
}

impl Plan {
    /// The plan of the account of a Zoom user of `user_type` (1 Basic, 2 Licensed; anything else cannot host and is
    /// treated as Free). `licensed` is what licensed accounts are configured as.
    pub fn of_user_type(user_type: i64, licensed: Plan) -> Plan {
        if user_type == 2 {
            licensed
        } else {
            Plan::Free
        }
    }

    pub fn parse(text: &str) -> Option<Plan> {
        match text.trim().to_ascii_lowercase().as_str() {
            "free" | "basic" => Some(Plan::Free),
            "pro" => Some(Plan::Pro),
            "business" | "business_plus" | "enterprise" | "education" => Some(Plan::Business),
            _ => None,
        }
    }

    /// Zoom's documented per-second limit (facts §4.2).
    pub fn zoom_limit(self, category: Category) -> i64 {
        match (self, category) {
            (Plan::Free, Category::Light) => 4,
            (Plan::Free, Category::Medium) => 2,
            (Plan::Pro, Category::Light) => 30,
            (Plan::Pro, Category::Medium) => 20,
            (Plan::Business, Category::Light) => 80,
            (Plan::Business, Category::Medium) => 60,
        }
    }
}

/// The bucket BetterBeing keeps for a Zoom limit of `limit` calls a second: a burst of a fifth of it (at least one)
/// and a refill of 90 % of the rest, so that even the busiest one-second window holds fewer calls than Zoom allows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BucketShape {
    /// Burst, in thousandths of a call.
    pub capacity_milli: i64,
    /// Refill in thousandths of a call per millisecond (= calls per second).
    pub per_second: f64,
}

impl BucketShape {
    pub fn for_limit(limit: i64) -> Self {
        let burst = (limit / 5).max(1);
        BucketShape {
            capacity_milli: burst * 1000,
            per_second: (limit - burst) as f64 * 0.9,
        }
    }
}

/// One attempt to take a token: the bucket's new contents and, if none could be taken, how long to wait.
pub fn take_token(
    shape: BucketShape,
    stored: zoom_limits::Bucket,
    now: i64,
    lane: Lane,
) -> (zoom_limits::Bucket, Option<Duration>) {
    let rate = if now < stored.slowed_until {
        shape.per_second / 2.0
    } else {
        shape.per_second
    };
    let elapsed = (now - stored.updated_at).max(0) as f64;
    let tokens = (stored.milli_tokens as f64 + elapsed * rate).min(shape.capacity_milli as f64);
    // Bulk work leaves one token for interactive calls when the bucket holds more than one.
    let headroom = match lane {
        Lane::Interactive => 0.0,
        Lane::Bulk => (shape.capacity_milli - 1000).clamp(0, 1000) as f64,
    };
    let need = 1000.0 + headroom;
    if tokens >= need {
        let next = zoom_limits::Bucket {
            milli_tokens: (tokens - 1000.0) as i64,
            updated_at: now,
            slowed_until: stored.slowed_until,
        };
        return (next, None);
    }
    let mut wait_ms = ((need - tokens) / rate.max(0.001)).ceil() as u64;
    if lane == Lane::Bulk {
        // When both wait for the same refill, the interactive call looks first.
        wait_ms += 20;
    }
    let next = zoom_limits::Bucket {
        milli_tokens: tokens as i64,
        updated_at: now,
        slowed_until: stored.slowed_until,
    };
    (next, Some(Duration::from_millis(wait_ms.max(1))))
}

/// The UTC day `at` falls on (Zoom's daily cap resets at 00:00 UTC).
pub fn utc_day(at_ms: i64) -> i64 {
    at_ms.div_euclid(86_400_000)
}

/// The next 00:00 UTC after `at_ms`.
pub fn next_reset(at_ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis((utc_day(at_ms) + 1) * 86_400_000).unwrap_or_default()
}

/// What `lane` may still use of a day's cap, given what was used in all and interactively: bulk work leaves the
/// part of the reserve the practitioner has not used yet.
pub fn daily_left(lane: Lane, used: i64, interactive_used: i64) -> i64 {
    let reserve_left = match lane {
        Lane::Interactive => 0,
        Lane::Bulk => (INTERACTIVE_DAILY_RESERVE - interactive_used).max(0),
    };
    (DAILY_MEETING_CHANGES - reserve_left - used).max(0)
}

/// Who waits for a bucket in this process: one waiter per (account, category, lane) asks the database at a time,
/// the others queue here in order, so a hundred concurrent calls do not take turns at the write lock.
type Waiters = Arc<Mutex<HashMap<(String, &'static str, bool), Arc<tokio::sync::Mutex<()>>>>>;

/// Zoom's limits as BetterBeing keeps them.
#[derive(Clone)]
pub struct Limits {
    db: Db,
    clock: Clock,
    /// What accounts of licensed users are (Pro unless configured otherwise).
    licensed: Plan,
    waiters: Waiters,
}

impl Limits {
    pub fn new(db: Db, clock: Clock, licensed: Plan) -> Self {
        Limits {
            db,
            clock,
            licensed,
            waiters: Arc::default(),
        }
    }

    /// Counts one create/update for `zoom_user_id` today, if `lane` may still make one; false otherwise (then
    /// nothing may be sent until 00:00 UTC).
    pub async fn take_daily(&self, zoom_user_id: &str, lane: Lane) -> sqlx::Result<bool> {
        let now = self.clock.now_ms();
        let limits = (DAILY_MEETING_CHANGES, INTERACTIVE_DAILY_RESERVE);
        let interactive = lane == Lane::Interactive;
        zoom_limits::take_daily(&self.db, zoom_user_id, utc_day(now), limits, interactive, now).await
    }

    /// How many creates/updates `lane` may still make today for `zoom_user_id`.
    pub async fn daily_left(&self, zoom_user_id: &str, lane: Lane) -> sqlx::Result<i64> {
        let (used, interactive_used) =
            zoom_limits::daily_used(&self.db, zoom_user_id, utc_day(self.clock.now_ms())).await?;
        Ok(daily_left(lane, used, interactive_used))
    }

    /// Zoom said how many creates/updates remain today (`x-ratelimit-remaining` under `x-ratelimit-limit: 100`),
    /// or refused one for the day (`remaining` 0).
    pub async fn zoom_says_daily_remaining(&self, zoom_user_id: &str, remaining: i64) -> sqlx::Result<()> {
        let now = self.clock.now_ms();
        let used = DAILY_MEETING_CHANGES - remaining.clamp(0, DAILY_MEETING_CHANGES);
        zoom_limits::set_daily_used(&self.db, zoom_user_id, utc_day(now), used, now).await
    }

    /// Waits until a call of `category` may be sent for the Zoom account `account` (of a user of `user_type`).
    pub async fn wait_for_turn(
        &self,
        account: &str,
        user_type: i64,
        category: Category,
        lane: Lane,
    ) -> sqlx::Result<()> {
        let shape = BucketShape::for_limit(Plan::of_user_type(user_type, self.licensed).zoom_limit(category));
        let key = (account.to_string(), category.as_str(), lane == Lane::Bulk);
        let turn = {
            let mut waiters = self.waiters.lock().unwrap_or_else(|e| e.into_inner());
            waiters.entry(key).or_default().clone()
        };
        let _turn = turn.lock().await;
        loop {
            let now = self.clock.now_ms();
            let wait = zoom_limits::with_bucket(
                &self.db,
                account,
                category.as_str(),
                shape.capacity_milli,
                now,
                |stored| take_token(shape, stored, now, lane),
            )
            .await?;
            match wait {
                None => return Ok(()),
                Some(wait) => tokio::time::sleep(wait).await,
            }
        }
    }

    /// Zoom answered a per-second 429: empty the bucket and refill it at half speed for a while.
    pub async fn slow_down(&self, account: &str, category: Category) -> sqlx::Result<()> {
        let now = self.clock.now_ms();
        tracing::warn!(
            category = category.as_str(),
            "zoom per-second limit reached; slowing down"
        );
        zoom_limits::with_bucket(&self.db, account, category.as_str(), 0, now, |_| {
            (
                zoom_limits::Bucket {
                    milli_tokens: 0,
                    updated_at: now,
                    slowed_until: now + SLOW_AFTER_429_MS,
                },
                (),
            )
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full(shape: BucketShape) -> zoom_limits::Bucket {
        zoom_limits::Bucket {
            milli_tokens: shape.capacity_milli,
            updated_at: 0,
            slowed_until: 0,
        }
    }

    /// Takes tokens as fast as the bucket allows for `span_ms`, returning the instants calls were sent.
    fn sends(shape: BucketShape, span_ms: i64, lane: Lane) -> Vec<i64> {
        let (mut bucket, mut now, mut sent) = (full(shape), 0i64, Vec::new());
        while now < span_ms {
            let (next, wait) = take_token(shape, bucket, now, lane);
            bucket = next;
            match wait {
                None => sent.push(now),
                Some(wait) => now += wait.as_millis() as i64,
            }
        }
        sent
    }

    #[test]
    fn no_one_second_window_holds_as_many_calls_as_zoom_allows() {
        for plan in [Plan::Free, Plan::Pro, Plan::Business] {
            for category in [Category::Light, Category::Medium] {
                let limit = plan.zoom_limit(category);
                let shape = BucketShape::for_limit(limit);
                let sent = sends(shape, 10_000, Lane::Interactive);
                let busiest = sent
                    .iter()
                    .map(|start| sent.iter().filter(|t| **t >= *start && **t < start + 1000).count())
                    .max()
                    .unwrap();
                assert!(busiest < limit as usize, "{plan:?} {category:?}: {busiest}");
                // …and still uses most of what Zoom allows.
                assert!(
                    sent.len() as f64 >= limit as f64 * 10.0 * 0.45,
                    "{plan:?} {category:?}: {}",
                    sent.len()
                );
            }
        }
    }

    #[test]
    fn bulk_leaves_a_token_for_interactive_calls() {
        let shape = BucketShape::for_limit(20);
        let mut bucket = full(shape);
        let mut bulk_sent = 0;
        loop {
            let (next, wait) = take_token(shape, bucket, 0, Lane::Bulk);
            bucket = next;
            if wait.is_some() {
                break;
            }
            bulk_sent += 1;
        }
        assert_eq!(bulk_sent, 3, "a burst of 4 leaves one");
        let (_, wait) = take_token(shape, bucket, 0, Lane::Interactive);
        assert_eq!(wait, None, "the interactive call goes at once");
    }

    #[test]
    fn a_429_halves_the_refill_for_a_while() {
        let shape = BucketShape::for_limit(20);
        let empty = zoom_limits::Bucket {
            milli_tokens: 0,
            updated_at: 0,
            slowed_until: SLOW_AFTER_429_MS,
        };
        let (_, slowed) = take_token(shape, empty, 0, Lane::Interactive);
        let (_, normal) = take_token(
            shape,
            zoom_limits::Bucket {
                slowed_until: 0,
                ..empty
            },
            0,
            Lane::Interactive,
        );
        assert!(slowed.unwrap() > normal.unwrap() * 19 / 10, "{slowed:?} vs {normal:?}");
    }

    #[test]
    fn plans_follow_the_user_type() {
        assert_eq!(Plan::of_user_type(1, Plan::Pro), Plan::Free);
        assert_eq!(Plan::of_user_type(2, Plan::Pro), Plan::Pro);
        assert_eq!(Plan::of_user_type(2, Plan::Business), Plan::Business);
        assert_eq!(Plan::of_user_type(4, Plan::Business), Plan::Free);
        assert_eq!(Plan::parse("Business"), Some(Plan::Business));
        assert_eq!(Plan::parse("gold"), None);
    }

    #[test]
    fn the_day_resets_at_midnight_utc() {
        let late: DateTime<Utc> = "2026-12-05T23:59:59Z".parse().unwrap();
        assert_eq!(
            next_reset(late.timestamp_millis()).to_rfc3339(),
            "2026-12-06T00:00:00+00:00"
        );
        assert_eq!(
            utc_day(late.timestamp_millis()) + 1,
            utc_day(late.timestamp_millis() + 1000)
        );
        assert_eq!(daily_left(Lane::Bulk, 0, 0), 90);
        assert_eq!(
            daily_left(Lane::Bulk, 1, 1),
            90,
            "a booking uses the reserve, not the bulk share"
        );
        assert_eq!(
            daily_left(Lane::Bulk, 95, 15),
            5,
            "a used-up reserve leaves bulk the rest"
        );
        assert_eq!(daily_left(Lane::Interactive, 95, 0), 5);
        assert_eq!(daily_left(Lane::Bulk, 120, 0), 0);
    }
}
