//! A Reauth that came back with another Zoom account than the one the upcoming sessions' meetings are on waits for
//! the practitioner (`authorization.rs` parks it): switch to it on purpose, or discard it and authorize the old one.

use api::zoom::{ZoomAccount, ZoomPlan};
use chrono::DateTime;
use secrecy::SecretString;

use super::connection::{account_of, Zoom};
use super::tokens::aad_access;
use crate::db::connections;
use crate::ids::UserId;

impl Zoom {
    /// The Reauth that came back with another account, if one waits.
    pub async fn pending_switch(&self, user_id: UserId) -> sqlx::Result<Option<api::zoom::AccountSwitch>> {
        let (Some(pending), Some(current)) = (
            connections::pending_switch(&self.db, user_id).await?,
            connections::get(&self.db, user_id).await?,
        ) else {
            return Ok(None);
        };
        let sessions = crate::db::sessions::upcoming_with_meetings(&self.db, user_id, self.clock.now_ms()).await?;
        Ok(Some(api::zoom::AccountSwitch {
            current: account_of(&current),
            new: ZoomAccount {
                email: pending.zoom_email.clone(),
                display_name: pending.zoom_display_name.clone(),
                plan: ZoomPlan::from_zoom_user_type(pending.zoom_user_type),
                connected_since: DateTime::from_timestamp_millis(self.clock.now_ms()).unwrap_or_default(),
                scopes: pending.scopes.split_whitespace().map(str::to_string).collect(),
            },
            upcoming_sessions: sessions.len() as u32,
        }))
    }

    /// Switches to the waiting account on purpose: it becomes the connection. Returns the account, or `None` when
    /// nothing was waiting.
    pub async fn confirm_switch(&self, user_id: UserId) -> sqlx::Result<Option<ZoomAccount>> {
        let Some(pending) = connections::pending_switch(&self.db, user_id).await? else {
            return Ok(None);
        };
        connections::store_new(&self.db, &pending.as_new(), self.clock.now_ms()).await?;
        connections::delete_pending_switch(&self.db, user_id).await?;
        tracing::info!(%user_id, "zoom account switched on purpose");
        Ok(connections::get(&self.db, user_id).await?.as_ref().map(account_of))
    }

    /// Forgets the waiting account (its authorization is revoked at Zoom), so the practitioner can authorize the one
    /// the sessions are on.
    pub async fn discard_switch(&self, user_id: UserId) -> sqlx::Result<()> {
        if let Some(pending) = connections::pending_switch(&self.db, user_id).await? {
            match self.keys.decrypt(&pending.access_token_enc, &aad_access(user_id)) {
                Ok(token) => self.revoke_quietly(&SecretString::from(token)).await,
                Err(e) => tracing::warn!(error = %e, "a pending zoom authorization could not be read to revoke it"),
            }
            connections::delete_pending_switch(&self.db, user_id).await?;
        }
        Ok(())
    }
}
