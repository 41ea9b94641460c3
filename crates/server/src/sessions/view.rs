//! A stored session as the SPA sees it.

use api::sessions::{ChangedInZoom, Session, SessionStatus, SessionZoom, ZoomMeetingLink, ZoomNotice, ZoomSync};
use chrono::{DateTime, Utc};

use crate::db::sessions::{SessionRow, CANCELLED, NOTICE_REMADE_AFTER_DELETION, REMOTE_DELETED, REMOTE_MOVED};
use crate::db::zoom_jobs::JobRow;
use crate::session_link::SessionLinks;
use crate::zoom::meetings::browser_join_url;

fn instant(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// `job` is the session's queued ensure/update work, if any (it carries the retry schedule).
pub fn session(row: &SessionRow, job: Option<&JobRow>, links: &SessionLinks) -> Session {
    // A meeting deleted in Zoom has no working link to show (its join URL is kept in case Zoom recovers it).
    let link = match (&row.zoom_meeting_id, row.working_join_url()) {
        (Some(id), Some(join_url)) => Some(ZoomMeetingLink {
            meeting_id: id.clone(),
            join_url: join_url.to_string(),
            browser_join_url: browser_join_url(join_url),
        }),
        _ => None,
    };
    let sync = match row.zoom_sync.as_str() {
        "no_link" => ZoomSync::NoLink,
        "pending" => ZoomSync::Pending,
        "retrying" => ZoomSync::Retrying {
            attempts: job.map(|j| j.attempts as u32).unwrap_or(1),
            next_attempt_at: job
                .and_then(|j| j.next_attempt_at)
                .map(instant)
                .unwrap_or_else(Utc::now),
            reason: row
                .zoom_sync_message
                .clone()
                .unwrap_or_else(|| "Zoom did not answer.".into()),
            code: row.zoom_sync_code.clone(),
        },
        "failed" => ZoomSync::Failed {
            code: row
                .zoom_sync_code
                .clone()
                .unwrap_or_else(|| api::sessions::codes::ZOOM_REJECTED.into()),
            message: row.zoom_sync_message.clone().unwrap_or_default(),
        },
        _ => ZoomSync::InSync,
    };
    let scheduled = row.status != CANCELLED;
    let changed_in_zoom = match row.zoom_remote.as_deref() {
        _ if !scheduled => None,
        Some(REMOTE_DELETED) => Some(ChangedInZoom::Deleted),
        Some(REMOTE_MOVED) => Some(ChangedInZoom::Moved {
            starts_at: instant(row.zoom_remote_starts_at.unwrap_or(row.starts_at)),
            duration_minutes: row.zoom_remote_duration.unwrap_or(row.duration_minutes) as u32,
        }),
        _ => None,
    };
    Session {
        id: row.id,
        client_name: row.client_name.clone(),
        starts_at: instant(row.starts_at),
        ends_at: instant(row.starts_at + row.duration_minutes * 60_000),
        duration_minutes: row.duration_minutes as u32,
        time_zone: row.time_zone.clone(),
        private_notes: row.private_notes.clone(),
        client_name_in_zoom_topic: row.client_name_in_zoom_topic,
        status: if row.status == CANCELLED {
            SessionStatus::Cancelled
        } else {
            SessionStatus::Scheduled
        },
        zoom: SessionZoom {
            link_outdated: link.is_some() && row.zoom_meeting_sequence != Some(row.sequence),
            link,
            sync,
            changed_in_zoom,
            in_progress: scheduled && row.zoom_started_at.is_some(),
            notice: match (row.zoom_notice.as_deref(), row.zoom_notice_at) {
                (Some(NOTICE_REMADE_AFTER_DELETION), Some(at)) if scheduled => {
                    Some(ZoomNotice::RemadeAfterDeletion { at: instant(at) })
                }
                (Some(crate::db::sessions::NOTICE_REMADE_AFTER_ACCOUNT_SWITCH), Some(at)) if scheduled => {
                    Some(ZoomNotice::RemadeAfterAccountSwitch { at: instant(at) })
                }
                _ => None,
            },
        },
        session_link: links.of(row),
    }
}
