//! What the control API does to a user's grant: the faults it injects and the app's removal in the Marketplace.

use super::errors::ControlError;
use super::grants::GrantStatus;
use super::sandbox::Sandbox;

/// The facts a removed app needs for its `app_deauthorized` event.
#[derive(Debug)]
pub struct Deauthorization {
    pub account_id: String,
    pub user_id: String,
    pub client_id: String,
}

impl Sandbox {
    fn active_grant_of(&self, zoom_user_id: &str) -> Result<usize, ControlError> {
        self.user(zoom_user_id).ok_or(ControlError::UnknownUser)?;
        self.grants
            .iter()
            .position(|g| g.zoom_user_id == zoom_user_id && g.status == GrantStatus::Active)
            .ok_or(ControlError::NoActiveGrant)
    }

    pub fn expire_access_tokens(&mut self, zoom_user_id: &str) -> Result<String, ControlError> {
        let index = self.active_grant_of(zoom_user_id)?;
        let now = self.now();
        for record in self.access_tokens.values_mut() {
            if record.grant == index && record.expires_at > now {
                record.expires_at = now;
            }
        }
        Ok(self.grants[index].id.clone())
    }

    pub fn kill_grant(&mut self, zoom_user_id: &str) -> Result<String, ControlError> {
        let index = self.active_grant_of(zoom_user_id)?;
        self.grants[index].status = GrantStatus::Revoked;
        Ok(self.grants[index].id.clone())
    }

    /// The user uninstalls the app in the Marketplace: the grant dies and Zoom owes the app a webhook.
    pub fn remove_app(&mut self, zoom_user_id: &str) -> Result<Deauthorization, ControlError> {
        let index = self.active_grant_of(zoom_user_id)?;
        self.grants[index].status = GrantStatus::Revoked;
        let user = self.user(zoom_user_id).ok_or(ControlError::UnknownUser)?;
        Ok(Deauthorization {
            account_id: user.account_id.clone(),
            user_id: user.id.clone(),
            client_id: self.grants[index].client_id.clone(),
        })
    }
}
