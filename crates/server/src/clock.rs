//! The server's notion of "now", the one place time is read. [`Clock`] is BetterBeing's own time (the Zoom queue,
//! token expiry, sessions, sign-in sessions, feeds): production reads the system clock; tests move it forward (a
//! retry due in an hour, Zoom's daily cap resetting at midnight) instead of sleeping. [`wall_clock_secs`] is for what
//! another party keeps with its own clock (Zoom's webhook timestamps, the shell's hand-over tokens, the browser's
//! `Max-Age` of the sign-in cookie): their age is real time, whatever a test did to ours.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Utc};

/// System time plus an offset that only tests change. Clones share the offset.
#[derive(Clone, Default)]
pub struct Clock {
    offset_ms: Arc<AtomicI64>,
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Clock(offset {} ms)", self.offset_ms.load(Ordering::Relaxed))
    }
}

impl Clock {
    pub fn now_ms(&self) -> i64 {
        Utc::now().timestamp_millis() + self.offset_ms.load(Ordering::Relaxed)
    }

    pub fn now(&self) -> DateTime<Utc> {
        DateTime::from_timestamp_millis(self.now_ms()).unwrap_or_default()
    }

    /// Moves this clock (and every clone of it) forward.
    pub fn advance(&self, by: chrono::Duration) {
        self.offset_ms.fetch_add(by.num_milliseconds(), Ordering::Relaxed);
    }

    /// Moves the clock forward to `at` if it is in the future.
    pub fn advance_to_ms(&self, at: i64) {
        let ahead = at - self.now_ms();
        if ahead > 0 {
            self.offset_ms.fetch_add(ahead, Ordering::Relaxed);
        }
    }
}

/// Real time in Unix seconds, for what another party times (see the module's comment).
pub fn wall_clock_secs() -> i64 {
    Utc::now().timestamp()
}

/// Real time in milliseconds, for what another party times (see the module's comment).
pub fn wall_clock_ms() -> i64 {
    Utc::now().timestamp_millis()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_the_offset() {
        let clock = Clock::default();
        let other = clock.clone();
        let before = other.now_ms();
        clock.advance(chrono::Duration::hours(2));
        assert!(other.now_ms() - before >= 2 * 3_600_000);
        let target = other.now_ms() + 60_000;
        other.advance_to_ms(target);
        assert!(clock.now_ms() >= target);
        other.advance_to_ms(0);
        assert!(clock.now_ms() >= target, "never moves backwards");
    }
}
