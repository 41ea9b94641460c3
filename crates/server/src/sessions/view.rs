//! A stored session as the SPA sees it.

use api::error::ErrorCode;
use api::sessions::{ChangedInZoom, Session, SessionStatus, SessionZoom, ZoomMeetingLink, ZoomNotice, ZoomSync};
use chrono::{DateTime, Utc};

use crate::db::sessions::SessionRow;
use crate::db::vocab::{RemoteChange, RepairNotice, SessionStatus as StoredStatus, SyncState};
use crate::db::zoom_jobs::JobRow;
use crate::session_link::SessionLinks;
use crate::zoom::meetings::browser_join_url;

fn instant(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// `job` is the session's queued ensure/update work, if any (it carries the retry schedule).
pub fn session(row: &SessionRow, job: Option<&JobRow>, links: &SessionLinks, now: DateTime<Utc>) -> Session {
    // A meeting deleted in Zoom has no working link to show (its join URL is kept in case Zoom recovers it).
    let link = match (&row.zoom_meeting_id, row.working_join_url()) {
        (Some(id), Some(join_url)) => Some(ZoomMeetingLink {
            meeting_id: id.clone(),
            join_url: join_url.to_string(),
            browser_join_url: browser_join_url(join_url),
        }),
        _ => None,
    };
    let sync = match row.zoom_sync {
        SyncState::NoLink => ZoomSync::NoLink,
        SyncState::Pending => ZoomSync::Pending,
        SyncState::Retrying => ZoomSync::Retrying {
            attempts: job.map(|j| j.attempts as u32).unwrap_or(1),
            next_attempt_at: job.and_then(|j| j.next_attempt_at).map(instant).unwrap_or(now),
            code: row.zoom_sync_code.unwrap_or(ErrorCode::ZoomUnavailable),
        },
        SyncState::Failed => ZoomSync::Failed {
            code: row.zoom_sync_code.unwrap_or(ErrorCode::ZoomRejected),
            zoom_message: row.zoom_sync_message.clone(),
        },
        SyncState::InSync => ZoomSync::InSync,
    };
    let scheduled = row.status != StoredStatus::Cancelled;
    let changed_in_zoom = match row.zoom_remote {
        _ if !scheduled => None,
        Some(RemoteChange::Deleted) => Some(ChangedInZoom::Deleted),
        Some(RemoteChange::Moved) => Some(ChangedInZoom::Moved {
            starts_at: instant(row.zoom_remote_starts_at.unwrap_or(row.starts_at)),
            duration_minutes: row.zoom_remote_duration.unwrap_or(row.duration_minutes) as u32,
        }),
        _ => None,
    };
    Session {
        id: row.id.0,
        client_name: row.client_name.clone(),
        starts_at: instant(row.starts_at),
        ends_at: instant(row.starts_at + row.duration_minutes * 60_000),
        duration_minutes: row.duration_minutes as u32,
        time_zone: row.time_zone.clone(),
        private_notes: row.private_notes.clone(),
        client_name_in_zoom_topic: row.client_name_in_zoom_topic,
        status: if row.status == StoredStatus::Cancelled {
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
            notice: match (row.zoom_notice, row.zoom_notice_at) {
                (Some(RepairNotice::RemadeAfterDeletion), Some(at)) if scheduled => {
                    Some(ZoomNotice::RemadeAfterDeletion { at: instant(at) })
                }
                (Some(RepairNotice::RemadeAfterAccountSwitch), Some(at)) if scheduled => {
                    Some(ZoomNotice::RemadeAfterAccountSwitch { at: instant(at) })
                }
                _ => None,
            },
        },
        session_link: links.of(row),
    }
}
