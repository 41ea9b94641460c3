//! A faithful local Zoom for tests and the demo (see README.md).
//!
//! One origin serves what Zoom splits over zoom.us (`/oauth/...`) and api.zoom.us (`/v2/...`), plus a
//! control API under `/_sandbox` for fault injection and inspection. With the `contract` feature,
//! [`contract`] validates Meetings API bodies against Zoom's OpenAPI document.

mod api;
mod calls;
pub mod config;
mod consent_page;
#[cfg(feature = "contract")]
pub mod contract;
mod control;
mod faults;
mod ids;
mod launch;
mod meetings;
mod meetings_api;
mod oauth;
mod pkce;
mod state;
mod webhook;

use std::net::SocketAddr;

use axum::response::Html;
use axum::routing::get;
use axum::{middleware, Router};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub use config::{SandboxConfig, DEMO_SCOPES};
pub use state::{IssuedSecrets, NewUser, User};
pub use webhook::{signature as webhook_signature, url_validation_answer};

use state::{AppState, Sandbox};

/// A sandbox serving in the background.
pub struct RunningSandbox {
    /// e.g. `http://127.0.0.1:PORT`, no trailing slash. Also the `api_url` in token responses.
    pub base_url: String,
    pub handle: JoinHandle<()>,
    state: AppState,
}

impl RunningSandbox {
    /// Adds a Zoom user, like `POST /_sandbox/users`.
    pub fn add_user(&self, user: NewUser) -> Result<User, String> {
        self.state.lock().add_user(user)
    }

    pub fn users(&self) -> Vec<User> {
        self.state.lock().users().to_vec()
    }

    /// Everything the sandbox has handed out or been sent, like `GET /_sandbox/issued-secrets`.
    pub fn issued_secrets(&self) -> IssuedSecrets {
        self.state.lock().issued_secrets()
    }
}

/// Seeds the three demo users, like `--seed-demo` and `POST /_sandbox/seed-demo`: a Licensed
/// `dr.rivera@zoom.example` (type 2), a Basic `sam.okafor@zoom.example` (type 1) and an unassigned
/// `lee.unassigned@zoom.example` (type 4), in that order. Idempotent: existing emails are kept.
pub fn seed_demo_users(sandbox: &RunningSandbox) -> Vec<User> {
    sandbox.state.lock().seed_demo_users()
}

/// Serves on `listener` in a spawned task and returns at once. The base URL is taken from the listener's
/// address (an unspecified address such as 0.0.0.0 becomes 127.0.0.1).
pub async fn serve(listener: TcpListener, config: SandboxConfig) -> RunningSandbox {
    let addr = listener.local_addr().expect("a bound listener has an address");
    serve_at(listener, config, base_url_for(addr)).await
}

/// Like [`serve`], for when clients reach the sandbox under another URL (e.g. behind a port mapping).
pub async fn serve_at(listener: TcpListener, config: SandboxConfig, base_url: String) -> RunningSandbox {
    let base_url = base_url.trim_end_matches('/').to_owned();
    let state = AppState::new(Sandbox::new(config, base_url.clone()));
    let app = router(state.clone());
    let handle = tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, app).await {
            tracing::error!(%error, "zoom sandbox stopped");
        }
    });
    RunningSandbox {
        base_url,
        handle,
        state,
    }
}

fn base_url_for(addr: SocketAddr) -> String {
    let ip = if addr.ip().is_unspecified() {
        std::net::IpAddr::from([127, 0, 0, 1])
    } else {
        addr.ip()
    };
    format!("http://{}", SocketAddr::new(ip, addr.port()))
}

fn router(state: AppState) -> Router {
    let zoom = Router::new()
        .merge(oauth::routes())
        .nest("/v2", api::routes())
        .merge(launch::routes())
        .layer(middleware::from_fn_with_state(state.clone(), calls::record));
    Router::new()
        .merge(zoom)
        .nest("/_sandbox", control::routes())
        .route("/", get(index))
        .with_state(state)
}

async fn index() -> Html<&'static str> {
    Html(
        "<!doctype html><title>Zoom sandbox</title><h1>Zoom sandbox</h1>\
         <p>A local stand-in for zoom.us and api.zoom.us. See crates/zoom-sandbox/README.md.</p>",
    )
}
