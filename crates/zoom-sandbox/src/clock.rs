//! The sandbox's own clock, and the two ways Zoom writes an instant.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

pub fn rfc3339_secs(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub fn rfc3339_millis(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Real time shifted by an offset the control API moves, so time keeps flowing between test steps.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Clock {
    #[serde(with = "offset_millis")]
    offset: Duration,
}

mod offset_millis {
    use chrono::Duration;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(offset: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(offset.num_milliseconds())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        Ok(Duration::milliseconds(i64::deserialize(d)?))
    }
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.offset
    }

    pub fn advance(&mut self, secs: i64) {
        self.offset += Duration::seconds(secs);
    }

    pub fn set(&mut self, now: DateTime<Utc>) {
        self.offset = now - Utc::now();
    }
}
