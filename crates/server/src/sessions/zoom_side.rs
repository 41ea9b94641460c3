//! Changes made to a session's meeting in Zoom itself, as Zoom's meeting events report them (facts §10): deleted
//! (the session shows it and offers a new link), moved to another time or length (the session shows both times and
//! offers to put the meeting back or to follow Zoom), recovered from Zoom's trash, started and ended (an "in
//! progress" badge).
//!
//! Every handler only reads and writes the database: no Zoom call runs inside a webhook. Each is idempotent, and an
//! event for a meeting that is not a scheduled session's current meeting changes nothing: that covers meetings we
//! do not know, and the echoes of our own calls (a reschedule deletes the old meeting only after the session has
//! its new one; a cancel drops the link before deleting; our PATCHes carry the session's own time, so their echo
//! matches it).

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::service::{Calendar, SessionError};
use crate::calendar_sync;
use crate::db::begin_write;
use crate::db::sessions as rows;
use crate::db::vocab::{JobKind, RemoteChange};
use crate::db::zoom_jobs;

/// A meeting event, with Zoom's int64 meeting id as text (a number in most events, a string in started / ended).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MeetingEvent {
    Deleted {
        meeting: String,
    },
    Recovered {
        meeting: String,
    },
    /// Only the fields that changed are present.
    Updated {
        meeting: String,
        starts_at: Option<DateTime<Utc>>,
        duration_minutes: Option<i64>,
    },
    Started {
        meeting: String,
    },
    Ended {
        meeting: String,
    },
}

fn meeting_id(object: &Value) -> Option<String> {
    match &object["id"] {
        Value::Number(n) => n.as_u64().map(|n| n.to_string()),
        Value::String(s) => s.parse::<u64>().ok().map(|n| n.to_string()),
        _ => None,
    }
}

/// The event in a verified webhook body, if it is one we act on and is well formed.
pub fn parse(event: &str, payload: &Value) -> Option<MeetingEvent> {
    let object = payload.get("object")?;
    let meeting = meeting_id(object)?;
    Some(match event {
        "meeting.deleted" => MeetingEvent::Deleted { meeting },
        "meeting.recovered" => MeetingEvent::Recovered { meeting },
        "meeting.updated" => MeetingEvent::Updated {
            meeting,
            starts_at: object["start_time"]
                .as_str()
                .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
                .map(|t| t.with_timezone(&Utc)),
            duration_minutes: object["duration"].as_i64(),
        },
        "meeting.started" => MeetingEvent::Started { meeting },
        "meeting.ended" => MeetingEvent::Ended { meeting },
        _ => return None,
    })
}

impl Calendar {
    /// Applies a meeting event (see the module's notes); unknown meetings and our own echoes change nothing.
    pub async fn zoom_side_change(&self, event: MeetingEvent) -> Result<(), SessionError> {
        let now = self.clock.now_ms();
        match event {
            MeetingEvent::Started { meeting } => {
                rows::set_started(&self.db, &meeting, Some(now)).await?;
            }
            MeetingEvent::Ended { meeting } => {
                rows::set_started(&self.db, &meeting, None).await?;
            }
            MeetingEvent::Deleted { meeting } => {
                if !rows::meeting_in_use(&self.db, &meeting).await? {
                    return Ok(()); // an echo of our own deletion, or a meeting we do not know
                }
                let mut tx = begin_write(&self.db).await?;
                let Some(row) = rows::by_meeting_in(&mut tx, &meeting).await? else {
                    return Ok(());
                };
                if row.zoom_remote == Some(RemoteChange::Deleted) {
                    return Ok(());
                }
                tracing::info!(session = %row.id, "the session's meeting was deleted in Zoom");
                rows::set_remote(&mut tx, row.id, Some(RemoteChange::Deleted), None, None).await?;
                // The calendar's event loses the dead link (the session's stable link stays in it).
                let pushed = calendar_sync::enqueue(&mut tx, row.user_id, row.id, now).await?;
                tx.commit().await?;
                self.poke_if(pushed);
            }
            MeetingEvent::Recovered { meeting } => {
                let mut tx = begin_write(&self.db).await?;
                match rows::by_meeting_in(&mut tx, &meeting).await? {
                    Some(row) if row.zoom_remote == Some(RemoteChange::Deleted) => {
                        tracing::info!(session = %row.id, "the session's meeting was recovered in Zoom");
                        rows::set_remote(&mut tx, row.id, None, None, None).await?;
                        let pushed = calendar_sync::enqueue(&mut tx, row.user_id, row.id, now).await?;
                        tx.commit().await?;
                        self.poke_if(pushed);
                    }
                    Some(_) => {}
                    None => {
                        // A meeting a session let go of after it was deleted: recovered, it would be live for
                        // nobody. Delete it again, through the queue.
                        if let Some((user_id, session_id)) = rows::take_released(&mut tx, &meeting).await? {
                            tracing::info!("a released meeting was recovered in Zoom; deleting it");
                            let job = zoom_jobs::enqueue_for_meeting(
                                &mut tx,
                                JobKind::DeleteMeeting,
                                user_id,
                                session_id,
                                &meeting,
                                now,
                            )
                            .await?;
                            tx.commit().await?;
                            self.run_soon([job]).await;
                        }
                    }
                }
            }
            MeetingEvent::Updated {
                meeting,
                starts_at,
                duration_minutes,
            } => {
                if starts_at.is_none() && duration_minutes.is_none() {
                    return Ok(()); // a title, passcode or settings change: nothing the session shows
                }
                if !rows::meeting_in_use(&self.db, &meeting).await? {
                    return Ok(());
                }
                let mut tx = begin_write(&self.db).await?;
                let Some(row) = rows::by_meeting_in(&mut tx, &meeting).await? else {
                    return Ok(());
                };
                if row.zoom_meeting_sequence != Some(row.sequence) || row.zoom_remote == Some(RemoteChange::Deleted) {
                    return Ok(()); // about to be replaced by a reschedule, or gone
                }
                // What Zoom has now: the changed fields, the rest as Zoom had them before (as last reported, or the
                // session's own).
                let moved = row.zoom_remote == Some(RemoteChange::Moved);
                let zoom_start = starts_at.map(|t| t.timestamp_millis()).unwrap_or(if moved {
                    row.zoom_remote_starts_at.unwrap_or(row.starts_at)
                } else {
                    row.starts_at
                });
                let zoom_duration = duration_minutes.unwrap_or(if moved {
                    row.zoom_remote_duration.unwrap_or(row.duration_minutes)
                } else {
                    row.duration_minutes
                });
                record_zoom_time(&mut tx, &row, zoom_start, zoom_duration).await?;
                tx.commit().await?;
            }
        }
        Ok(())
    }
}

/// Records the time Zoom has for the session's current meeting: "moved" when it differs from the session's, and no
/// longer "moved" once it matches again.
pub(super) async fn record_zoom_time(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    row: &rows::SessionRow,
    zoom_start: i64,
    zoom_duration: i64,
) -> sqlx::Result<()> {
    let moved = row.zoom_remote == Some(RemoteChange::Moved);
    if zoom_start == row.starts_at && zoom_duration == row.duration_minutes {
        if moved {
            tracing::info!(session = %row.id, "the meeting is back at the session's time in Zoom");
            rows::set_remote(tx, row.id, None, None, None).await?;
        }
        return Ok(());
    }
    let same_as_known =
        moved && row.zoom_remote_starts_at == Some(zoom_start) && row.zoom_remote_duration == Some(zoom_duration);
    if !same_as_known {
        tracing::info!(session = %row.id, "the session's meeting was moved in Zoom");
        rows::set_remote(
            tx,
            row.id,
            Some(RemoteChange::Moved),
            Some(zoom_start),
            Some(zoom_duration),
        )
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn meeting_ids_are_numbers_or_strings_and_anything_else_is_ignored() {
        let number =
            json!({ "object": { "id": 85123456789u64, "start_time": "2030-03-04T15:30:00Z", "duration": 30 } });
        assert_eq!(
            parse("meeting.updated", &number),
            Some(MeetingEvent::Updated {
                meeting: "85123456789".into(),
                starts_at: Some("2030-03-04T15:30:00Z".parse().unwrap()),
                duration_minutes: Some(30),
            })
        );
        let string = json!({ "object": { "id": "85123456789" } });
        assert_eq!(
            parse("meeting.started", &string),
            Some(MeetingEvent::Started {
                meeting: "85123456789".into()
            })
        );
        assert_eq!(parse("meeting.deleted", &json!({ "object": { "id": "abc" } })), None);
        assert_eq!(parse("meeting.deleted", &json!({})), None);
        assert_eq!(parse("meeting.sharing_started", &string), None);
    }
}
