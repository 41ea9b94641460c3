//! The check before each session: about 24 hours and again 15 minutes before it starts, one `GET /meetings/{id}`
//! confirms Zoom still has the session's meeting, at the session's time. Zoom's meeting events usually tell us
//! sooner, but their delivery is retried only a few times and then dropped (facts §10), so this is the backstop.
//!
//! - Zoom no longer has the meeting: it is repaired at once (a new meeting through the queue, so the session never
//!   starts without one), and the session carries a notice saying the Zoom link changed.
//! - Zoom has it at another time or length: the session shows it as moved in Zoom (the practitioner decides).
//! - Zoom cannot be asked (down, rate-limited): the checkpoint is given back and the next sweep tries again.
//! - Zoom is not connected or needs reauthorization: the session and the Zoom page already say so; nothing to add.
//!
//! Each checkpoint is claimed in the database before the call, so across every instance it costs one GET, which
//! Zoom counts in its Light category and not against the daily create/update cap.

use std::time::Duration;

use crate::calendar_sync;
use crate::db::begin_write;
use crate::db::sessions::{self as rows, Checkpoint, SessionRow};
use crate::db::vocab::{RemoteChange, RepairNotice, SessionStatus, SyncState};
use crate::db::zoom_jobs;
use crate::zoom::limits::{Lane, ZoomOp};
use crate::zoom::ZoomCallError;

use super::service::Calendar;
use super::zoom_side::record_zoom_time;

/// Sessions one sweep checks at most (the rest wait for the next sweep, soonest first).
const CHECKS_PER_SWEEP: i64 = 50;

impl Calendar {
    /// Runs every due pre-session check; returns how many asked Zoom.
    pub async fn run_pre_session_checks(&self) -> usize {
        let mut asked = 0;
        for checkpoint in Checkpoint::ALL {
            let now = self.clock.now_ms();
            let due = match rows::due_checks(&self.db, checkpoint, now, CHECKS_PER_SWEEP).await {
                Ok(due) => due,
                Err(e) => {
                    tracing::error!(error = %e, "reading due pre-session checks failed");
                    continue;
                }
            };
            for row in due {
                // A session made or moved within the last hour was just given its meeting: the 24-hour check would
                // only confirm what Zoom has just said.
                let fresh = now - row.updated_at < 3_600_000;
                match rows::claim_check(&self.db, row.id, checkpoint, now).await {
                    Ok(true) if fresh && checkpoint == Checkpoint::DayBefore => {}
                    Ok(true) => {
                        asked += 1;
                        if let Err(e) = self.check_before_session(&row, checkpoint).await {
                            tracing::error!(session = %row.id, error = ?e, "pre-session check failed");
                        }
                    }
                    Ok(false) => {}
                    Err(e) => tracing::error!(error = %e, "claiming a pre-session check failed"),
                }
            }
        }
        asked
    }

    async fn check_before_session(
        &self,
        row: &SessionRow,
        checkpoint: Checkpoint,
    ) -> Result<(), super::service::SessionError> {
        let Some(meeting) = row.zoom_meeting_id.clone() else {
            return Ok(());
        };
        let api = self.zoom.rest().clone();
        let result = self
            .zoom
            .call(row.user_id, ZoomOp::GetMeeting, Lane::Bulk, |base, token| {
                let (api, meeting) = (api.clone(), meeting.clone());
                async move { api.meeting_state(&base, &token, &meeting).await }
            })
            .await;
        let now = self.clock.now_ms();
        match result {
            Ok(state) => {
                let mut tx = begin_write(&self.db).await?;
                let Some(current) = rows::get_in(&mut tx, row.id).await? else {
                    return Ok(());
                };
                if current.zoom_meeting_id.as_deref() != Some(meeting.as_str())
                    || current.status != SessionStatus::Scheduled
                {
                    return Ok(());
                }
                if current.zoom_remote == Some(RemoteChange::Deleted) {
                    // Zoom has it again (recovered from its trash): the link works.
                    rows::set_remote(&mut tx, row.id, None, None, None).await?;
                }
                record_zoom_time(&mut tx, &current, state.start_time.timestamp_millis(), state.duration).await?;
                tx.commit().await?;
                Ok(())
            }
            Err(ZoomCallError::Zoom { code: 3001, .. }) => {
                let mut tx = begin_write(&self.db).await?;
                let Some(current) = rows::get_in(&mut tx, row.id).await? else {
                    return Ok(());
                };
                if current.zoom_meeting_id.as_deref() != Some(meeting.as_str())
                    || current.status != SessionStatus::Scheduled
                {
                    return Ok(()); // replaced or cancelled meanwhile
                }
                tracing::info!(
                    session = %row.id,
                    ?checkpoint,
                    "Zoom no longer has the session's meeting; making a new one"
                );
                rows::release_meeting(&mut tx, &meeting, row.user_id, row.id, now).await?;
                rows::clear_link(&mut tx, row.id).await?;
                rows::set_sync(&mut tx, row.id, SyncState::Pending, None, None).await?;
                rows::set_notice(&mut tx, row.id, Some(RepairNotice::RemadeAfterDeletion), now).await?;
                let job = zoom_jobs::enqueue_ensure(&mut tx, row.user_id, row.id, now, false).await?;
                let pushed = calendar_sync::enqueue(&mut tx, row.user_id, row.id, now).await?;
                tx.commit().await?;
                self.poke_if(pushed);
                self.run_soon([job]).await;
                Ok(())
            }
            Err(ZoomCallError::Unavailable | ZoomCallError::RateLimited { .. }) => {
                rows::unclaim_check(&self.db, row.id, checkpoint).await?;
                Ok(())
            }
            Err(_) => Ok(()),
        }
    }

    /// Runs the pre-session checks every `every`, in the background.
    pub fn spawn_pre_session_checker(&self, every: Duration) -> tokio::task::JoinHandle<()> {
        let me = self.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                me.run_pre_session_checks().await;
            }
        })
    }
}
