//! One job against Zoom: make the session's meeting (adopting one a lost answer already made, deleting strays),
//! change it in place, or delete it. What Zoom has is looked up by the session's reference in the agenda first.

use crate::calendar_sync::{self};
use crate::db::begin_write;
use crate::db::sessions::{self as rows, SessionRow};
use crate::db::vocab::{JobKind, RemoteChange, SessionStatus};
use crate::db::zoom_jobs::{self};
use crate::ids::UserId;
use crate::zoom::limits::{Lane, ZoomOp};
use crate::zoom::meetings::ListedMeeting;
use crate::zoom::ZoomCallError;

use super::meeting::{agenda_marker, meeting_spec};
use super::queue::Attempt;
use super::service::Calendar;

impl Calendar {
    /// Every meeting Zoom holds for this session (any time it was scheduled for), looked up by the reference in
    /// their agenda across all unexpired meetings, not only the next six months.
    pub(super) async fn meetings_of(&self, row: &SessionRow, lane: Lane) -> Result<Vec<ListedMeeting>, ZoomCallError> {
        let api = self.zoom.rest().clone();
        let session_prefix = format!("bb-{}-", row.r#ref);
        self.zoom
            .call(row.user_id, ZoomOp::ListMeetings, lane, |base, token| {
                let (api, prefix) = (api.clone(), session_prefix.clone());
                async move { api.meetings_with_agenda_containing(&base, &token, &prefix).await }
            })
            .await
    }

    pub(super) async fn delete_in_zoom(&self, user_id: UserId, meeting: &str, lane: Lane) -> Result<(), ZoomCallError> {
        let api = self.zoom.rest().clone();
        self.zoom
            .call(user_id, ZoomOp::DeleteMeeting, lane, |base, token| {
                let (api, meeting) = (api.clone(), meeting.to_string());
                async move { api.delete_meeting(&base, &token, &meeting).await }
            })
            .await
    }

    /// Gives the session a meeting for its current sequence (or, once cancelled, none at all); returns the
    /// deletions it queued.
    pub(super) async fn ensure_meeting(&self, attempt: &Attempt) -> Result<Vec<i64>, ZoomCallError> {
        let job = &attempt.job;
        let session_id = job
            .session_id
            .ok_or_else(|| ZoomCallError::Internal(anyhow::anyhow!("ensure job {} without a session", job.id)))?;
        let Some(row) = rows::get(&self.db, session_id).await? else {
            return self.finish(attempt).await.map(|()| Vec::new());
        };
        // An earlier attempt may have reached Zoom and lost its answer (or its server): look before acting.
        let earlier_attempts = job.attempts > 1;
        if row.status == SessionStatus::Cancelled {
            // Cancelled while a creation was in flight or after its answer was lost: delete whatever it made.
            if earlier_attempts {
                for meeting in self.meetings_of(&row, attempt.lane()).await? {
                    tracing::info!(%session_id, "deleting a meeting made for a cancelled session");
                    self.delete_in_zoom(row.user_id, &meeting.id.to_string(), attempt.lane())
                        .await?;
                }
            }
            return self.finish(attempt).await.map(|()| Vec::new());
        }
        if row.zoom_meeting_sequence == Some(row.sequence) && row.zoom_meeting_id.is_some() {
            if !earlier_attempts {
                return self.finish(attempt).await.map(|()| Vec::new());
            }
            // Linked already, yet a reconcile was asked for: an attempt whose lease ended while Zoom was answering
            // may have made a meeting after another attempt linked this one. Everything else Zoom holds for the
            // session goes.
            let linked = row.zoom_meeting_id.clone();
            let strays: Vec<String> = self
                .meetings_of(&row, attempt.lane())
                .await?
                .into_iter()
                .map(|m| m.id.to_string())
                .filter(|id| Some(id) != linked.as_ref())
                .collect();
            let now = self.clock.now_ms();
            let mut tx = begin_write(&self.db).await?;
            let current_link = rows::get_in(&mut tx, session_id).await?.and_then(|c| c.zoom_meeting_id);
            if !zoom_jobs::finish(&mut tx, job.id, &attempt.token).await? {
                return Ok(Vec::new());
            }
            let strays: Vec<String> = strays
                .into_iter()
                .filter(|id| Some(id) != current_link.as_ref())
                .collect();
            let deletions = queue_deletions(&mut tx, &row, &strays, now, "a second meeting a lost lease made").await?;
            tx.commit().await?;
            return Ok(deletions);
        }
        let sequence = row.sequence;
        let marker = agenda_marker(&row.r#ref, sequence);
        let spec = meeting_spec(&row);
        // Keep at most one meeting for the current time (the linked one if Zoom has it); every other meeting of this
        // session that a lost answer made (for this time or an earlier one) is deleted.
        let (existing, strays) = if earlier_attempts {
            let found = self.meetings_of(&row, attempt.lane()).await?;
            let keep = found
                .iter()
                .filter(|m| m.agenda.ends_with(&marker))
                .max_by_key(|m| Some(m.id.to_string()) == row.zoom_meeting_id)
                .map(|m| (m.id, m.join_url.clone()));
            let strays: Vec<String> = found
                .iter()
                .filter(|m| Some(m.id) != keep.as_ref().map(|k| k.0))
                .map(|m| m.id.to_string())
                .collect();
            (keep, strays)
        } else {
            (None, Vec::new())
        };
        let created = existing.is_none();
        let (meeting_id, join_url) = match existing {
            Some(found) => {
                tracing::info!(%session_id, "adopted the meeting a lost answer had created");
                found
            }
            None => {
                let api = self.zoom.rest().clone();
                let created = self
                    .zoom
                    .call(row.user_id, ZoomOp::CreateMeeting, attempt.lane(), |base, token| {
                        let (api, spec) = (api.clone(), spec.clone());
                        async move { api.create_meeting(&base, &token, &spec).await }
                    })
                    .await?;
                (created.id, created.join_url)
            }
        };
        let meeting_id = meeting_id.to_string();
        let now = self.clock.now_ms();
        let mut tx = begin_write(&self.db).await?;
        let mut pushed = false;
        let current = rows::get_in(&mut tx, session_id).await?;
        let current_link = current.as_ref().and_then(|c| c.zoom_meeting_id.clone());
        let mut to_delete: Vec<String> = strays
            .into_iter()
            .filter(|id| Some(id) != current_link.as_ref() && *id != meeting_id)
            .collect();
        let kept = match current {
            Some(s) if s.status != SessionStatus::Cancelled && s.sequence == sequence => {
                to_delete.extend(s.zoom_meeting_id.filter(|old| *old != meeting_id));
                rows::set_link(&mut tx, session_id, &meeting_id, &join_url, sequence).await?;
                pushed = calendar_sync::enqueue(&mut tx, row.user_id, session_id, now).await?;
                zoom_jobs::finish(&mut tx, job.id, &attempt.token).await?
            }
            Some(s) if s.status != SessionStatus::Cancelled => {
                // Rescheduled again while Zoom was answering: this meeting is for an old time. Delete it and go
                // round again for the new time.
                to_delete.push(meeting_id.clone());
                zoom_jobs::reschedule(&mut tx, job.id, &attempt.token, Some(now), "superseded").await?
            }
            _ => {
                // Cancelled while Zoom was answering: nothing may stay live.
                to_delete.push(meeting_id.clone());
                zoom_jobs::finish(&mut tx, job.id, &attempt.token).await?
            }
        };
        if !kept {
            // This attempt's lease ended (the process stalled past it) and another attempt may be running: leave the
            // session to it, but make sure a reconcile runs so the meeting this attempt made is adopted or deleted.
            drop(tx);
            tracing::warn!(%session_id, "zoom job lease lost mid-attempt; queueing a reconcile");
            if created {
                let mut tx = begin_write(&self.db).await?;
                zoom_jobs::enqueue_ensure(&mut tx, row.user_id, session_id, now, true).await?;
                tx.commit().await?;
            }
            return Ok(Vec::new());
        }
        let deletions =
            queue_deletions(&mut tx, &row, &to_delete, now, "a meeting this session no longer uses").await?;
        tx.commit().await?;
        self.poke_if(pushed);
        Ok(deletions)
    }

    pub(super) async fn update_meeting(&self, attempt: &Attempt) -> Result<(), ZoomCallError> {
        let job = &attempt.job;
        let Some(session_id) = job.session_id else {
            return self.finish(attempt).await;
        };
        let Some(row) = rows::get(&self.db, session_id).await? else {
            return self.finish(attempt).await;
        };
        let Some(meeting) = row
            .zoom_meeting_id
            .clone()
            .filter(|_| row.status != SessionStatus::Cancelled)
        else {
            return self.finish(attempt).await;
        };
        let spec = meeting_spec(&row);
        let api = self.zoom.rest().clone();
        self.zoom
            .call(row.user_id, ZoomOp::UpdateMeeting, attempt.lane(), |base, token| {
                let (api, spec, meeting) = (api.clone(), spec.clone(), meeting.clone());
                async move { api.update_meeting(&base, &token, &meeting, &spec).await }
            })
            .await?;
        // Zoom now has the session's whole time: a move made in Zoom is undone.
        let mut tx = begin_write(&self.db).await?;
        if let Some(current) = rows::get_in(&mut tx, row.id).await? {
            let same_time = current.starts_at == row.starts_at && current.duration_minutes == row.duration_minutes;
            if same_time
                && current.zoom_meeting_id.as_deref() == Some(meeting.as_str())
                && current.zoom_remote == Some(RemoteChange::Moved)
            {
                rows::set_remote(&mut tx, row.id, None, None, None).await?;
            }
        }
        tx.commit().await?;
        self.finish(attempt).await
    }

    pub(super) async fn delete_meeting(&self, attempt: &Attempt) -> Result<(), ZoomCallError> {
        let job = &attempt.job;
        let meeting = job
            .meeting_id
            .clone()
            .ok_or_else(|| ZoomCallError::Internal(anyhow::anyhow!("delete job {} without a meeting id", job.id)))?;
        self.delete_in_zoom(job.user_id, &meeting, attempt.lane()).await?;
        tracing::info!(job = %job.id, "zoom meeting deleted");
        self.finish(attempt).await
    }
}

/// Queues the deletion of each of a session's meetings in `meetings` (in the caller's transaction); the job ids.
async fn queue_deletions(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    row: &SessionRow,
    meetings: &[String],
    now: i64,
    what: &str,
) -> sqlx::Result<Vec<i64>> {
    let mut deletions = Vec::new();
    for meeting in meetings {
        tracing::info!(session_id = %row.id, what, "queueing the deletion of a meeting");
        deletions.push(
            zoom_jobs::enqueue_for_meeting(tx, JobKind::DeleteMeeting, row.user_id, Some(row.id), meeting, now).await?,
        );
    }
    Ok(deletions)
}
