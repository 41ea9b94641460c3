//! Zoom links for sessions that have none: "Add Zoom link" on one session, "Add Zoom links" for all of them within
//! Zoom's daily budget, the remake after an account switch, and the work parked until Zoom is connected again.

use api::error::ErrorCode;
use api::sessions::{MissingLinks, Session};

use crate::calendar_sync::{self};
use crate::db::begin_write;
use crate::db::connections;
use crate::db::sessions::{self as rows};
use crate::db::vocab::{ConnectionStatus, RemoteChange, RepairNotice, SessionStatus, SyncState};
use crate::db::zoom_jobs::{self};
use crate::ids::{SessionId, UserId};
use crate::zoom::limits::{self, Lane};
use crate::zoom::ZoomCallError;

use super::service::{scheduled_in, Calendar, SessionError};

impl Calendar {
    /// "Add Zoom link" (a session made while Zoom was not connected) and "Retry now".
    pub async fn add_link(&self, user_id: UserId, id: SessionId) -> Result<Session, SessionError> {
        let row = self.owned(user_id, id).await?;
        if row.status == SessionStatus::Cancelled {
            return Err(SessionError::Cancelled);
        }
        self.ready_for_zoom(user_id).await?;
        let now = self.clock.now_ms();
        let mut tx = begin_write(&self.db).await?;
        let how = zoom_jobs::Ensure {
            due_at: now,
            bulk: false,
            reconcile: false,
        };
        let job = self.queue_link_in(&mut tx, user_id, id, now, how, None).await?;
        tx.commit().await?;
        if let Some(job) = job {
            self.push.poke();
            self.run_soon([job]).await;
        }
        self.get(user_id, id).await
    }

    /// Zoom may be asked for this practitioner: their organisation allows it and their connection is usable.
    pub(super) async fn ready_for_zoom(&self, user_id: UserId) -> Result<(), SessionError> {
        if !self.zoom.allowed_for(user_id).await? {
            return Err(SessionError::BlockedByOrganisation);
        }
        match connections::get(&self.db, user_id).await? {
            None => Err(SessionError::Zoom(ZoomCallError::NotConnected)),
            Some(c) if c.status != ConnectionStatus::Connected => Err(SessionError::Zoom(ZoomCallError::NeedsReauth)),
            Some(_) => Ok(()),
        }
    }

    /// Queues a new link for a scheduled session that has none (or whose meeting was deleted in Zoom), inside the
    /// caller's write transaction; `None` when it needs none (already linked, cancelled, another's). `waiting` is
    /// why the session waits until its job runs (work beyond today's Zoom budget), instead of "pending".
    pub(super) async fn queue_link_in(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        user_id: UserId,
        id: SessionId,
        now: i64,
        how: zoom_jobs::Ensure,
        waiting: Option<ErrorCode>,
    ) -> Result<Option<i64>, SessionError> {
        let Ok(row) = scheduled_in(tx, user_id, id).await else {
            return Ok(None);
        };
        let deleted_in_zoom = row.zoom_remote == Some(RemoteChange::Deleted);
        if row.zoom_meeting_sequence == Some(row.sequence) && row.zoom_meeting_id.is_some() && !deleted_in_zoom {
            return Ok(None);
        }
        if deleted_in_zoom {
            // "Make a new Zoom link": let go of the deleted meeting (remembered, in case Zoom recovers it) and make
            // a new one.
            if let Some(meeting) = &row.zoom_meeting_id {
                rows::release_meeting(tx, meeting, user_id, id, now).await?;
            }
            rows::clear_link(tx, id).await?;
            calendar_sync::enqueue(tx, user_id, id, now).await?;
        }
        match waiting {
            Some(code) => rows::set_sync(tx, id, SyncState::Retrying, Some(code), None).await?,
            None => rows::set_sync(tx, id, SyncState::Pending, None, None).await?,
        }
        Ok(Some(zoom_jobs::enqueue_ensure_with(tx, user_id, id, now, how).await?))
    }

    /// The upcoming sessions "Add Zoom links" would link (soonest first), and how many of them Zoom's daily limit
    /// lets BetterBeing link today.
    pub async fn missing_links(&self, user_id: UserId) -> Result<MissingLinks, SessionError> {
        let ids = rows::missing_links(&self.db, user_id, self.clock.now_ms()).await?;
        let left = self
            .zoom
            .daily_budget_left(user_id, Lane::Bulk)
            .await?
            .unwrap_or(limits::daily_left(Lane::Bulk, 0, 0));
        Ok(link_plan(ids, left, self.clock.now_ms()))
    }

    /// "Add Zoom links": queues a link for every upcoming session without one, in one transaction, as bulk work
    /// (after the practitioner's own changes, within Zoom's limits): as many as today's budget allows, soonest first,
    /// are due now; the others wait for Zoom's next daily reset and say so. Answers at once with that plan.
    pub async fn add_missing_links(&self, user_id: UserId) -> Result<MissingLinks, SessionError> {
        self.ready_for_zoom(user_id).await?;
        let plan = self.missing_links(user_id).await?;
        let now = self.clock.now_ms();
        let rest_from = limits::next_reset(now).timestamp_millis();
        let mut queued = Vec::new();
        let mut tx = begin_write(&self.db).await?;
        for (i, id) in plan.session_ids.iter().enumerate() {
            let today = i < plan.today as usize;
            let how = zoom_jobs::Ensure {
                due_at: if today { now } else { rest_from },
                bulk: true,
                reconcile: false,
            };
            let waiting = (!today).then_some(ErrorCode::ZoomDailyLimit);
            if self
                .queue_link_in(&mut tx, user_id, SessionId(*id), now, how, waiting)
                .await?
                .is_some()
            {
                queued.push(*id);
            }
        }
        tx.commit().await?;
        tracing::info!(
            %user_id,
            queued = queued.len(),
            today = plan.today,
            "zoom links queued for sessions without one"
        );
        self.push.poke();
        self.wake.notify_one();
        Ok(MissingLinks {
            today: plan.today.min(queued.len() as u32),
            session_ids: queued,
            ..plan
        })
    }

    /// After the practitioner switched Zoom accounts on purpose: every upcoming session gets a new meeting on the new
    /// account (its old meeting stays on the old account, which BetterBeing can no longer reach), through the queue,
    /// soonest first, within Zoom's daily cap; each carries a notice that its Zoom link changed. Returns them.
    pub async fn remake_links_after_switch(&self, user_id: UserId) -> Result<Vec<SessionId>, SessionError> {
        let now = self.clock.now_ms();
        let mut remade = Vec::new();
        for id in rows::upcoming_with_meetings(&self.db, user_id, now).await? {
            let mut tx = begin_write(&self.db).await?;
            let Ok(row) = scheduled_in(&mut tx, user_id, id).await else {
                continue;
            };
            if row.zoom_meeting_id.is_none() {
                continue;
            }
            rows::clear_link(&mut tx, id).await?;
            rows::set_sync(&mut tx, id, SyncState::Pending, None, None).await?;
            rows::set_notice(&mut tx, id, Some(RepairNotice::RemadeAfterAccountSwitch), now).await?;
            let how = zoom_jobs::Ensure {
                due_at: now,
                bulk: true,
                reconcile: false,
            };
            zoom_jobs::enqueue_ensure_with(&mut tx, user_id, id, now, how).await?;
            calendar_sync::enqueue(&mut tx, user_id, id, now).await?;
            tx.commit().await?;
            remade.push(id);
        }
        tracing::info!(
            %user_id,
            sessions = remade.len(),
            "new meetings queued after a zoom account switch"
        );
        self.push.poke();
        self.resume_after_connect(user_id).await?;
        self.wake.notify_one();
        Ok(remade)
    }

    /// After a (re)connect: parked work becomes due again.
    pub async fn resume_after_connect(&self, user_id: UserId) -> Result<(), SessionError> {
        let resumed = zoom_jobs::unpark_for_user(&self.db, user_id, self.clock.now_ms()).await?;
        if resumed > 0 {
            tracing::info!(%user_id, resumed, "parked zoom work resumed");
            self.run_due().await;
        }
        Ok(())
    }

    // ---- The queue ------------------------------------------------------------------------------------------------
}

/// Where "Add Zoom links" stops for the day: the first `left` sessions (soonest first) today, the rest from the next
/// 00:00 UTC.
fn link_plan(session_ids: Vec<SessionId>, left: i64, now: i64) -> MissingLinks {
    let today = (left.max(0) as usize).min(session_ids.len());
    MissingLinks {
        rest_from: (session_ids.len() > today).then(|| limits::next_reset(now)),
        today: today as u32,
        session_ids: session_ids.into_iter().map(|id| id.0).collect(),
        daily_limit: limits::DAILY_MEETING_CHANGES as u32,
    }
}
