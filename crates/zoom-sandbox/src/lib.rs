//! A faithful local Zoom for tests and the demo (see README.md).
//!
//! One origin serves what Zoom splits over zoom.us (`/oauth/...`) and api.zoom.us (`/v2/...`), plus a
//! control API under `/_sandbox` for fault injection and inspection. With the `contract` feature,
//! [`contract`] validates Meetings API bodies against Zoom's OpenAPI document.

mod api;
mod app_state;
mod call_log;
mod call_recorder;
mod clock;
pub mod config;
mod consent_page;
#[cfg(feature = "contract")]
pub mod contract;
mod control;
mod faults;
mod ids;
mod launch;
mod meeting_events;
mod meetings;
mod meetings_api;
mod oauth;
mod pkce;
mod rate_limits;
mod state;
mod users;
mod users_api;
mod webhook;

use std::net::SocketAddr;

use std::path::{Path, PathBuf};

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{Html, Response};
use axum::routing::get;
use axum::{middleware, Router};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub use config::{SandboxConfig, DEMO_SCOPES};
pub use state::IssuedSecrets;
pub use users::{NewUser, User};
pub use webhook::{signature as webhook_signature, url_validation_answer};

use app_state::AppState;
use state::Sandbox;

/// A sandbox serving in the background.
pub struct RunningSandbox {
    /// e.g. `http://127.0.0.1:PORT`, no trailing slash. Also the `api_url` in token responses.
    pub base_url: String,
    pub handle: JoinHandle<()>,
    state: AppState,
}

impl RunningSandbox {
    /// Saves the lasting state now (only with a state file; requests already save after each change).
    pub fn save(&self) -> std::io::Result<()> {
        self.state.save()
    }

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
    let users = sandbox.state.lock().seed_demo_users();
    if let Err(error) = sandbox.state.save() {
        tracing::error!(%error, "zoom sandbox could not save its state");
    }
    users
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
    serve_state(listener, state, base_url)
}

/// Like [`serve_at`], keeping the sandbox's lasting state (users, grants, tokens, meetings, daily usage, plan
/// overrides, clock) in `state_file`: read at start when it exists, rewritten after every request that may change
/// it. So "Zoom" survives a restart of the sandbox process. A file that cannot be read back is an error, never a
/// silent fresh start.
pub async fn serve_persisted(
    listener: TcpListener,
    config: SandboxConfig,
    base_url: String,
    state_file: &Path,
) -> Result<RunningSandbox, String> {
    let base_url = base_url.trim_end_matches('/').to_owned();
    let sandbox = match std::fs::read(state_file) {
        Ok(bytes) => Sandbox::restore(&bytes, config, base_url.clone()).map_err(|e| {
            format!(
                "{} is not a sandbox state file ({e}); move it away to start afresh",
                state_file.display()
            )
        })?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Sandbox::new(config, base_url.clone()),
        Err(e) => return Err(format!("cannot read {}: {e}", state_file.display())),
    };
    let state = AppState::with_state_file(sandbox, Some(PathBuf::from(state_file)));
    state
        .save()
        .map_err(|e| format!("cannot write {}: {e}", state_file.display()))?;
    Ok(serve_state(listener, state, base_url))
}

fn serve_state(listener: TcpListener, state: AppState, base_url: String) -> RunningSandbox {
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

/// `http://` + `addr`, with an unspecified address (0.0.0.0) as 127.0.0.1.
pub fn base_url_for(addr: SocketAddr) -> String {
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
        .nest("/v2", api::v2(users_api::routes().merge(meetings_api::routes())))
        .merge(launch::routes())
        .layer(middleware::from_fn_with_state(state.clone(), call_recorder::record));
    Router::new()
        .merge(zoom)
        .nest("/_sandbox", control::routes())
        .route("/", get(index))
        .layer(middleware::from_fn_with_state(state.clone(), save_after))
        .with_state(state)
}

/// With a state file, every request that may have changed something is followed by a save before it is answered,
/// so what a client was told is on disk. Reads of the control API change nothing and are not followed by one.
async fn save_after(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let read_only = request.method() == Method::GET && request.uri().path().starts_with("/_sandbox");
    let response = next.run(request).await;
    if !read_only && state.persists() {
        let state = state.clone();
        let saved = tokio::task::spawn_blocking(move || state.save()).await;
        if let Ok(Err(error)) | Err(error) = saved.map_err(std::io::Error::other) {
            tracing::error!(%error, "zoom sandbox could not save its state");
        }
    }
    response
}

async fn index() -> Html<&'static str> {
    Html(
        "<!doctype html><title>Zoom sandbox</title><h1>Zoom sandbox</h1>\
         <p>A local stand-in for zoom.us and api.zoom.us. See crates/zoom-sandbox/README.md.</p>",
    )
}
