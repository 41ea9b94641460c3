//! What every handler can reach: the services built at start (`startup.rs`), and the parts of them a module asks for
//! on its own (`FromRef`), so `auth` and `session_link` need no knowledge of the whole application.

use std::sync::Arc;

use axum::extract::FromRef;
use secrecy::SecretString;

use crate::auth::SignIn;
use crate::calendar_sync::CalendarPush;
use crate::clock::Clock;
use crate::crypto::Keyring;
use crate::db::Db;
use crate::session_link::{LinkLimiter, LinkPages, SessionLinks};
use crate::sessions::Calendar;
use crate::zoom::Zoom;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    /// BetterBeing's time (tests move it).
    pub clock: Clock,
    pub zoom: Zoom,
    pub calendar: Calendar,
    /// Pushes sessions to the practitioner's connected calendar.
    pub calendar_push: CalendarPush,
    pub keys: Keyring,
    /// The origin people and calendar apps reach us at.
    pub public_url: String,
    pub zoom_client_id: String,
    pub webhook_secret: SecretString,
    pub demo: bool,
    pub shell_secret: Option<SecretString>,
    /// Cookie sessions.
    pub sign_in: SignIn,
    pub allowed_origins: Vec<String>,
    /// Makes each session's stable client link.
    pub links: SessionLinks,
    /// Rate limit of the public session links.
    pub link_limiter: Arc<LinkLimiter>,
}

impl FromRef<AppState> for SignIn {
    fn from_ref(state: &AppState) -> SignIn {
        state.sign_in.clone()
    }
}

impl FromRef<AppState> for LinkPages {
    fn from_ref(state: &AppState) -> LinkPages {
        LinkPages {
            db: state.db.clone(),
            limiter: state.link_limiter.clone(),
        }
    }
}
