//! Zoom users and their accounts: who exists, whether an admin disabled the app, and which plan sets the limits.

use super::errors::ControlError;
use super::sandbox::Sandbox;
use crate::ids;
use crate::rate_limits::{Plan, RateCategory, Refusal};
use crate::users::{NewUser, User};

impl Sandbox {
    pub fn users(&self) -> &[User] {
        &self.users
    }

    pub fn user(&self, id: &str) -> Option<&User> {
        self.users.iter().find(|u| u.id == id)
    }

    pub fn add_user(&mut self, new: NewUser) -> Result<User, String> {
        if ![1, 2, 4].contains(&new.user_type) {
            return Err("type must be 1 (Basic), 2 (Licensed) or 4 (unassigned)".to_owned());
        }
        let email = new.email.trim().to_lowercase();
        if !email.contains('@') {
            return Err("email must be an email address".to_owned());
        }
        if self.users.iter().any(|u| u.email == email) {
            return Err(format!("a user with email {email} already exists"));
        }
        let account_id = new.account_id.unwrap_or_else(ids::zoom_id);
        let account_mate = self.users.iter().find(|u| u.account_id == account_id);
        let (role_name, account_number) = match account_mate {
            Some(mate) => ("Member".to_owned(), mate.account_number),
            None => ("Owner".to_owned(), ids::random_number(9)),
        };
        let pmi = ids::random_number(10);
        let user = User {
            id: ids::zoom_id(),
            email,
            first_name: new.first_name,
            last_name: new.last_name,
            user_type: new.user_type,
            role_name,
            account_id,
            account_number,
            timezone: new.timezone.unwrap_or_else(|| "America/New_York".to_owned()),
            pmi,
            personal_meeting_url: format!("https://us05web.zoom.us/j/{pmi}?pwd={}.1", ids::random_alnum(32)),
            created_at: self.now(),
        };
        self.users.push(user.clone());
        Ok(user)
    }

    /// Adds the three demo users (skipping any whose email already exists) and returns them.
    pub fn seed_demo_users(&mut self) -> Vec<User> {
        let demo = [
            ("dr.rivera@zoom.example", "Alex", "Rivera", 2, "America/New_York"),
            ("sam.okafor@zoom.example", "Sam", "Okafor", 1, "Europe/London"),
            ("lee.unassigned@zoom.example", "Lee", "Chen", 4, "America/Los_Angeles"),
        ];
        demo.into_iter()
            .map(|(email, first_name, last_name, user_type, timezone)| {
                if let Some(existing) = self.users.iter().find(|u| u.email == email) {
                    return existing.clone();
                }
                self.add_user(NewUser {
                    email: email.to_owned(),
                    first_name: first_name.to_owned(),
                    last_name: last_name.to_owned(),
                    user_type,
                    account_id: None,
                    timezone: Some(timezone.to_owned()),
                })
                .expect("demo users are valid")
            })
            .collect()
    }

    pub(super) fn app_disabled_for(&self, zoom_user_id: &str) -> bool {
        self.user(zoom_user_id)
            .is_some_and(|u| self.disabled_accounts.contains(&u.account_id))
    }

    /// The user's account admin switches the app off (or back on) for the whole account.
    pub fn set_app_disabled(&mut self, zoom_user_id: &str, disabled: bool) -> Result<(), ControlError> {
        let account_id = self
            .user(zoom_user_id)
            .ok_or(ControlError::UnknownUser)?
            .account_id
            .clone();
        if disabled {
            self.disabled_accounts.insert(account_id);
        } else {
            self.disabled_accounts.remove(&account_id);
        }
        Ok(())
    }

    // ---- rate limits -------------------------------------------------------------------------------

    /// The account's plan and whether the control API set it; `None` when no user is on that account. Without an
    /// override a Zoom account is Free unless one of its users is Licensed (type 2): a Basic user's account gets
    /// Free limits (facts §4.2).
    pub fn plan_of(&self, account_id: &str) -> Option<(Plan, bool)> {
        let mut members = self.users.iter().filter(|u| u.account_id == account_id).peekable();
        members.peek()?;
        if let Some(plan) = self.rate_limits.plan_override(account_id) {
            return Some((plan, true));
        }
        let licensed = members.any(|u| u.user_type == 2);
        Some((if licensed { Plan::Pro } else { Plan::Free }, false))
    }

    /// Counts one authenticated API call of `account_id` in `category` against Zoom's limits, or refuses it.
    pub fn admit_api_call(&mut self, account_id: &str, category: RateCategory) -> Result<(), Refusal> {
        let plan = self.plan_of(account_id).map_or(Plan::Free, |(plan, _)| plan);
        let now = self.now();
        self.rate_limits
            .admit(account_id, plan, category, std::time::Instant::now(), now)
    }
}
