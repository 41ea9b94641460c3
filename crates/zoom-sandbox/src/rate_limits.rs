//! Zoom's account-wide API rate limits (facts §4.2), kept free of HTTP so they can be unit-tested.
//!
//! Every authenticated API call is counted against its **account** and its endpoint's category (Light, Medium,
//! Heavy), shared by every user and app on the account:
//! - **per second**, on every plan: a sliding one-second window in real monotonic time ([`Instant`]), never the
//!   sandbox clock, which tests move by days; a test switch turns these off at run time;
//! - **per UTC day** (sandbox clock), only on Free accounts.
//!
//! A refused call counts toward neither. The per-user 100 creates/updates a day is a separate, older rule that lives
//! with the meetings (`meetings.rs`); its refusals are only tallied here.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Zoom's rate-limit label of an endpoint, sent as `x-ratelimit-category`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RateCategory {
    Light,
    Medium,
    Heavy,
}

impl RateCategory {
    pub const ALL: [Self; 3] = [Self::Light, Self::Medium, Self::Heavy];

    /// As Zoom spells it in `x-ratelimit-category`.
    pub fn header_value(self) -> &'static str {
        match self {
            Self::Light => "Light",
            Self::Medium => "Medium",
            Self::Heavy => "Heavy",
        }
    }

    /// As the control API spells it (`{"category":"medium"}`).
    pub fn key(self) -> &'static str {
        match self {
            Self::Light => "light",
            Self::Medium => "medium",
            Self::Heavy => "heavy",
        }
    }
}

/// A Zoom account's plan, which sets its limits. Free unless a user on the account is Licensed, or the control
/// API says otherwise (see `Sandbox::plan_of`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Plan {
    Free,
    Pro,
    /// Business and above ("Business+" in facts §4.2).
    Business,
}

impl Plan {
    pub fn name(self) -> &'static str {
        match self {
            Self::Free => "free",
            Self::Pro => "pro",
            Self::Business => "business",
        }
    }

    /// Requests per second per account and category (facts §4.2 table).
    pub fn per_second(self, category: RateCategory) -> u32 {
        match (self, category) {
            (Self::Free, RateCategory::Light) => 4,
            (Self::Free, RateCategory::Medium) => 2,
            (Self::Free, RateCategory::Heavy) => 1,
            (Self::Pro, RateCategory::Light) => 30,
            (Self::Pro, RateCategory::Medium) => 20,
            (Self::Pro, RateCategory::Heavy) => 10,
            (Self::Business, RateCategory::Light) => 80,
            (Self::Business, RateCategory::Medium) => 60,
            (Self::Business, RateCategory::Heavy) => 40,
        }
    }

    /// Requests per UTC day per account and category; only Free accounts have these (facts §4.2 table). Pro's and
    /// Business's shared Heavy/Resource-intensive daily caps are not modelled (no such endpoint here).
    pub fn daily(self, category: RateCategory) -> Option<u32> {
        match (self, category) {
            (Self::Free, RateCategory::Light) => Some(6_000),
            (Self::Free, RateCategory::Medium) => Some(2_000),
            (Self::Free, RateCategory::Heavy) => Some(1_000),
            (Self::Pro | Self::Business, _) => None,
        }
    }
}

/// Which limit refused a call: the call log's `rate_limit` and the keys of the `refused` counters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RateLimitKind {
    PerSecond,
    Daily,
    /// The per-user 100 meeting creates/updates a day (`meetings.rs`).
    UserDaily,
}

impl RateLimitKind {
    pub fn name(self) -> &'static str {
        match self {
            Self::PerSecond => "per_second",
            Self::Daily => "daily",
            Self::UserDaily => "user_daily",
        }
    }
}

/// An account-wide limit refused the call; `api.rs` owns its wire form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    PerSecond {
        limit: u32,
    },
    /// `retry_after`: the next 00:00 UTC on the sandbox clock.
    Daily {
        limit: u32,
        retry_after: DateTime<Utc>,
    },
}

/// How many calls Zoom's limits refused since the sandbox started, for tests that assert "none".
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct Refused {
    pub per_second: u64,
    pub daily: u64,
    pub user_daily: u64,
}

impl Refused {
    pub fn count(&mut self, kind: RateLimitKind) {
        match kind {
            RateLimitKind::PerSecond => self.per_second += 1,
            RateLimitKind::Daily => self.daily += 1,
            RateLimitKind::UserDaily => self.user_daily += 1,
        }
    }
}

/// One account's calls on one UTC day, per category.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct AccountDay {
    day: NaiveDate,
    light: u32,
    medium: u32,
    heavy: u32,
}

impl AccountDay {
    fn new(day: NaiveDate) -> Self {
        Self {
            day,
            light: 0,
            medium: 0,
            heavy: 0,
        }
    }

    fn used(&self, category: RateCategory) -> u32 {
        match category {
            RateCategory::Light => self.light,
            RateCategory::Medium => self.medium,
            RateCategory::Heavy => self.heavy,
        }
    }

    fn used_mut(&mut self, category: RateCategory) -> &mut u32 {
        match category {
            RateCategory::Light => &mut self.light,
            RateCategory::Medium => &mut self.medium,
            RateCategory::Heavy => &mut self.heavy,
        }
    }
}

/// The limits' state. Plan overrides and daily usage are kept with the sandbox's lasting state (`--state`), like the
/// per-user daily usage; the one-second windows, the switch (from `SandboxConfig` at each start) and the refused
/// counters are not.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct RateLimits {
    /// Plans set through the control API, by account id; other accounts take theirs from their users.
    #[serde(default)]
    plans: HashMap<String, Plan>,
    /// Today's calls by account id (counted on every plan, capped only on Free).
    #[serde(default)]
    daily: HashMap<String, AccountDay>,
    /// Whether the per-second limits apply: on for the demo and the binary; tests about other things switch it off.
    #[serde(skip)]
    pub per_second: bool,
    /// When each call admitted in the last second arrived, by account and category.
    #[serde(skip)]
    windows: HashMap<(String, RateCategory), VecDeque<Instant>>,
    #[serde(skip)]
    pub refused: Refused,
}

const WINDOW: Duration = Duration::from_secs(1);

impl RateLimits {
    pub fn new(per_second: bool) -> Self {
        Self {
            per_second,
            ..Self::default()
        }
    }

    pub fn plan_override(&self, account_id: &str) -> Option<Plan> {
        self.plans.get(account_id).copied()
    }

    /// `None` returns the account to the plan its users give it.
    pub fn set_plan_override(&mut self, account_id: &str, plan: Option<Plan>) {
        match plan {
            Some(plan) => self.plans.insert(account_id.to_owned(), plan),
            None => self.plans.remove(account_id),
        };
    }

    /// The account's calls in `category` on `now`'s UTC day.
    pub fn daily_used(&self, account_id: &str, category: RateCategory, now: DateTime<Utc>) -> u32 {
        self.daily
            .get(account_id)
            .filter(|d| d.day == now.date_naive())
            .map_or(0, |d| d.used(category))
    }

    /// Sets today's count (a control knob: tests start near the cap instead of making 2,000 calls).
    pub fn set_daily_used(&mut self, account_id: &str, category: RateCategory, used: u32, now: DateTime<Utc>) {
        *self.today(account_id, now).used_mut(category) = used;
    }

    fn today(&mut self, account_id: &str, now: DateTime<Utc>) -> &mut AccountDay {
        let day = now.date_naive();
        let entry = self
            .daily
            .entry(account_id.to_owned())
            .or_insert_with(|| AccountDay::new(day));
        if entry.day != day {
            *entry = AccountDay::new(day);
        }
        entry
    }

    /// Admits one call of `account_id` in `category` arriving at `at` (real time; `now` is the sandbox clock for
    /// the daily count), or refuses it. The per-second limit is checked first; a refused call is counted in
    /// `refused` and nowhere else.
    pub fn admit(
        &mut self,
        account_id: &str,
        plan: Plan,
        category: RateCategory,
        at: Instant,
        now: DateTime<Utc>,
    ) -> Result<(), Refusal> {
        let key = (account_id.to_owned(), category);
        if self.per_second {
            let limit = plan.per_second(category);
            let window = self.windows.entry(key.clone()).or_default();
            while window
                .front()
                .is_some_and(|t| at.saturating_duration_since(*t) >= WINDOW)
            {
                window.pop_front();
            }
            if window.len() >= limit as usize {
                self.refused.count(RateLimitKind::PerSecond);
                return Err(Refusal::PerSecond { limit });
            }
        }
        if let Some(limit) = plan.daily(category) {
            if self.daily_used(account_id, category, now) >= limit {
                self.refused.count(RateLimitKind::Daily);
                return Err(Refusal::Daily {
                    limit,
                    retry_after: next_utc_midnight(now),
                });
            }
        }
        if self.per_second {
            self.windows.entry(key).or_default().push_back(at);
        }
        *self.today(account_id, now).used_mut(category) += 1;
        Ok(())
    }
}

/// 00:00 UTC after `now`: when a daily limit resets.
pub fn next_utc_midnight(now: DateTime<Utc>) -> DateTime<Utc> {
    let tomorrow = now
        .date_naive()
        .succ_opt()
        .expect("the sandbox clock is not at the end of time");
    tomorrow.and_time(chrono::NaiveTime::MIN).and_utc()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> RateLimits {
        RateLimits::new(true)
    }

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn the_window_slides_and_refusals_do_not_fill_it() {
        let mut limits = limits();
        let now = at("2026-12-05T10:00:00Z");
        let start = Instant::now();
        let ms = |n| start + Duration::from_millis(n);
        let admit = |l: &mut RateLimits, t| l.admit("acct", Plan::Free, RateCategory::Medium, t, now);
        assert_eq!(admit(&mut limits, ms(0)), Ok(()));
        assert_eq!(admit(&mut limits, ms(400)), Ok(()));
        for t in [500, 600, 999] {
            assert_eq!(admit(&mut limits, ms(t)), Err(Refusal::PerSecond { limit: 2 }));
        }
        // The first call leaves the window at 1000 ms; the refused ones never entered it.
        assert_eq!(admit(&mut limits, ms(1000)), Ok(()));
        assert_eq!(admit(&mut limits, ms(1001)), Err(Refusal::PerSecond { limit: 2 }));
        assert_eq!(limits.refused.per_second, 4);
        // Other categories and accounts have windows of their own.
        assert_eq!(
            limits.admit("acct", Plan::Free, RateCategory::Light, ms(1001), now),
            Ok(())
        );
        assert_eq!(
            limits.admit("other", Plan::Free, RateCategory::Medium, ms(1001), now),
            Ok(())
        );
        assert_eq!(limits.daily_used("acct", RateCategory::Medium, now), 3);
    }

    #[test]
    fn switched_off_only_the_daily_cap_applies() {
        let mut limits = RateLimits::default();
        let now = at("2026-12-05T23:59:59Z");
        let t = Instant::now();
        for _ in 0..100 {
            assert_eq!(limits.admit("acct", Plan::Free, RateCategory::Heavy, t, now), Ok(()));
        }
        limits.set_daily_used("acct", RateCategory::Heavy, 999, now);
        assert_eq!(limits.admit("acct", Plan::Free, RateCategory::Heavy, t, now), Ok(()));
        assert_eq!(
            limits.admit("acct", Plan::Free, RateCategory::Heavy, t, now),
            Err(Refusal::Daily {
                limit: 1000,
                retry_after: at("2026-12-06T00:00:00Z")
            })
        );
        assert_eq!(limits.daily_used("acct", RateCategory::Heavy, now), 1000);
        // Paid plans have no daily cap; a new UTC day starts from zero.
        assert_eq!(limits.admit("acct", Plan::Pro, RateCategory::Heavy, t, now), Ok(()));
        let tomorrow = at("2026-12-06T00:00:00Z");
        assert_eq!(limits.daily_used("acct", RateCategory::Heavy, tomorrow), 0);
        assert_eq!(
            limits.admit("acct", Plan::Free, RateCategory::Heavy, t, tomorrow),
            Ok(())
        );
        assert_eq!(limits.refused.daily, 1);
    }

    #[test]
    fn the_table_is_facts_4_2() {
        let row = |plan: Plan| RateCategory::ALL.map(|c| plan.per_second(c));
        assert_eq!(row(Plan::Free), [4, 2, 1]);
        assert_eq!(row(Plan::Pro), [30, 20, 10]);
        assert_eq!(row(Plan::Business), [80, 60, 40]);
        assert_eq!(
            RateCategory::ALL.map(|c| Plan::Free.daily(c)),
            [Some(6000), Some(2000), Some(1000)]
        );
        assert_eq!(Plan::Business.daily(RateCategory::Light), None);
    }
}
