//! `GET /users/{userId}/meetings`: list types, date filters and pagination (facts §3.5).

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde_json::{json, Value};

use super::error::MeetingError;
use super::meeting::{Meeting, MeetingStatus};
use super::request_body::valid_timezone;
use crate::ids;
use crate::users::User;

/// `next_page_token` lifetime (facts §3.5).
pub const PAGE_TOKEN_TTL_SECS: i64 = 15 * 60;
/// The upcoming and previous list types reach at most six months (facts §3.5).
const LIST_WINDOW_DAYS: i64 = 183;

#[derive(Debug)]
struct PageCursor {
    host_id: String,
    ids: Vec<u64>,
    offset: usize,
    page_size: usize,
    expires_at: DateTime<Utc>,
}

/// The list query (`GET /users/{userId}/meetings`), already read from the query string.
#[derive(Debug, Default)]
pub struct ListQuery {
    pub list_type: Option<String>,
    pub page_size: Option<String>,
    pub next_page_token: Option<String>,
    pub page_number: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub timezone: Option<String>,
}

/// The open `next_page_token`s, each a cursor into the list it continues.
#[derive(Debug, Default)]
pub struct PageCursors {
    by_token: HashMap<String, PageCursor>,
}

impl PageCursors {
    /// One page of `host`'s meetings in `meetings`: the first for a new query, the next for a `next_page_token`.
    pub fn list(
        &mut self,
        meetings: &[Meeting],
        host: &User,
        query: &ListQuery,
        now: DateTime<Utc>,
    ) -> Result<Value, MeetingError> {
        let mut bad = Vec::new();
        let page_size = match query.page_size.as_deref() {
            None | Some("") => None,
            Some(raw) => match raw.parse::<i64>() {
                Ok(n) if n < 1 => Some(30),
                Ok(n) => Some(n.min(300) as usize),
                Err(_) => {
                    bad.push("page_size".to_owned());
                    None
                }
            },
        };
        if let Some(token) = query.next_page_token.as_deref().filter(|t| !t.is_empty()) {
            if !bad.is_empty() {
                return Err(MeetingError::Validation(bad));
            }
            self.by_token.retain(|_, c| now < c.expires_at);
            let cursor = self
                .by_token
                .remove(token)
                .filter(|c| c.host_id == host.id)
                .ok_or(MeetingError::InvalidPageToken)?;
            let page_size = page_size.unwrap_or(cursor.page_size);
            return Ok(self.page(meetings, host, cursor.ids, cursor.offset, page_size, now));
        }
        let list_type = query.list_type.as_deref().unwrap_or("scheduled");
        if ![
            "scheduled",
            "live",
            "upcoming",
            "upcoming_meetings",
            "previous_meetings",
        ]
        .contains(&list_type)
        {
            bad.push("type".to_owned());
        }
        let tz = match query.timezone.as_deref().filter(|t| !t.is_empty()) {
            Some(name) => valid_timezone(name).unwrap_or_else(|| {
                bad.push("timezone".to_owned());
                Tz::UTC
            }),
            None => valid_timezone(&host.timezone).unwrap_or(Tz::UTC),
        };
        let mut date = |name: &str, raw: Option<&str>| -> Option<DateTime<Utc>> {
            let raw = raw.filter(|r| !r.is_empty())?;
            let parsed = NaiveDate::parse_from_str(raw, "%Y-%m-%d")
                .ok()
                .and_then(|d| tz.from_local_datetime(&d.and_hms_opt(0, 0, 0)?).earliest());
            if parsed.is_none() {
                bad.push(name.to_owned());
            }
            parsed.map(|p| p.with_timezone(&Utc))
        };
        let from = date("from", query.from.as_deref());
        let to = date("to", query.to.as_deref()).map(|t| t + Duration::days(1));
        let page_number = match query.page_number.as_deref() {
            None | Some("") => 1,
            Some(raw) => raw.parse::<usize>().ok().filter(|&n| n >= 1).unwrap_or_else(|| {
                bad.push("page_number".to_owned());
                1
            }),
        };
        if !bad.is_empty() {
            return Err(MeetingError::Validation(bad));
        }
        let window = Duration::days(LIST_WINDOW_DAYS);
        let mut selected: Vec<&Meeting> = meetings
            .iter()
            .filter(|m| m.host_id == host.id && !m.deleted())
            // Instant and screen-share meetings are not listed (facts §3.5).
            .filter(|m| matches!(m.meeting_type, 2 | 3 | 8))
            .filter(|m| {
                let started = m.status == MeetingStatus::Started;
                match list_type {
                    "live" => started && !m.expired(now),
                    "upcoming" | "upcoming_meetings" => {
                        !m.expired(now)
                            && (started || m.meeting_type == 3 || m.end() > now)
                            && m.start_time <= now + window
                    }
                    "previous_meetings" => {
                        !started && m.meeting_type != 3 && m.end() <= now && m.start_time >= now - window
                    }
                    _ => !m.expired(now),
                }
            })
            .filter(|m| from.is_none_or(|f| m.start_time >= f))
            .filter(|m| to.is_none_or(|t| m.start_time < t))
            .collect();
        selected.sort_by_key(|m| (m.start_time, m.id));
        let ids: Vec<u64> = selected.iter().map(|m| m.id).collect();
        let page_size = page_size.unwrap_or(30);
        let offset = (page_number - 1) * page_size;
        Ok(self.page(meetings, host, ids, offset, page_size, now))
    }

    fn page(
        &mut self,
        meetings: &[Meeting],
        host: &User,
        ids: Vec<u64>,
        offset: usize,
        page_size: usize,
        now: DateTime<Utc>,
    ) -> Value {
        let total = ids.len();
        let end = (offset + page_size).min(total);
        let listed: Vec<Value> = ids
            .get(offset..end)
            .unwrap_or(&[])
            .iter()
            .filter_map(|id| meetings.iter().find(|m| m.id == *id))
            .filter(|m| !m.deleted())
            .map(Meeting::to_list_item)
            .collect();
        let next_page_token = if end < total {
            let token = ids::random_alnum(32);
            self.by_token.insert(
                token.clone(),
                PageCursor {
                    host_id: host.id.clone(),
                    ids,
                    offset: end,
                    page_size,
                    expires_at: now + Duration::seconds(PAGE_TOKEN_TTL_SECS),
                },
            );
            token
        } else {
            String::new()
        };
        json!({
            "page_size": page_size,
            "page_number": offset / page_size.max(1) + 1,
            "page_count": total.div_ceil(page_size.max(1)),
            "total_records": total,
            "next_page_token": next_page_token,
            "meetings": listed,
        })
    }
}
