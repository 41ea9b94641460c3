//! The handle every handler shares: the sandbox behind one lock, its state file, and the webhook outbox.

use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::{json, Value};

use crate::clock::rfc3339_millis;
use crate::state::Sandbox;
use crate::webhook;

/// Shared by every handler. A sandbox serves a handful of requests at a time, so one lock is plenty.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Mutex<Sandbox>>,
    pub http: reqwest::Client,
    /// `--state FILE`: where the lasting state is saved after every request that may change it.
    persist: Option<Arc<Persist>>,
    /// Webhooks waiting to be delivered, in order, by one background task (started with the first).
    outbox: Arc<Mutex<Option<tokio::sync::mpsc::UnboundedSender<Outgoing>>>>,
}

/// One webhook on its way: endpoint, secret token, event.
type Outgoing = (String, String, serde_json::Value);

struct Persist {
    path: std::path::PathBuf,
    /// Held from taking the snapshot to renaming the file into place, so saves land in order.
    writing: Mutex<()>,
}

impl AppState {
    pub fn new(sandbox: Sandbox) -> Self {
        Self::with_state_file(sandbox, None)
    }

    pub fn with_state_file(sandbox: Sandbox, path: Option<std::path::PathBuf>) -> Self {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(5))
            .build()
            .expect("the webhook HTTP client builds");
        Self {
            inner: Arc::new(Mutex::new(sandbox)),
            http,
            persist: path.map(|path| {
                Arc::new(Persist {
                    path,
                    writing: Mutex::new(()),
                })
            }),
            outbox: Arc::default(),
        }
    }

    /// Delivers `event` after everything queued before it, in the background (the request that caused it answers
    /// first, as at Zoom). Must be called inside the runtime.
    pub fn queue_webhook(&self, url: String, secret: String, event: serde_json::Value) {
        let mut outbox = self.outbox.lock().unwrap_or_else(|p| p.into_inner());
        let sender = outbox.get_or_insert_with(|| {
            let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel::<Outgoing>();
            let state = self.clone();
            tokio::spawn(async move {
                while let Some((url, secret, event)) = receiver.recv().await {
                    state.deliver_webhook(&url, &secret, &event).await;
                }
            });
            sender
        });
        let _ = sender.send((url, secret, event));
    }

    pub fn persists(&self) -> bool {
        self.persist.is_some()
    }

    /// Writes the lasting state to the state file, if there is one: to a temporary file first, then renamed over
    /// the old one, so a crash mid-write leaves the previous state intact.
    pub fn save(&self) -> std::io::Result<()> {
        let Some(persist) = &self.persist else {
            return Ok(());
        };
        let _order = persist.writing.lock().unwrap_or_else(|p| p.into_inner());
        let bytes = self.lock().snapshot();
        let temporary = persist.path.with_extension("json.tmp");
        std::fs::write(&temporary, bytes)?;
        std::fs::rename(&temporary, &persist.path)
    }

    /// Never held across an `.await`.
    pub fn lock(&self) -> MutexGuard<'_, Sandbox> {
        // A panicking handler must not take the whole sandbox down with it.
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Sends and remembers the delivery for `GET /_sandbox/webhooks`; returns the endpoint's status.
    pub async fn deliver_webhook(&self, url: &str, secret: &str, event: &Value) -> Option<u16> {
        let client_id = self.lock().config.client_id.clone();
        let delivery = webhook::send(&self.http, url, secret, &client_id, event).await;
        let mut sandbox = self.lock();
        let at = rfc3339_millis(sandbox.now());
        sandbox.webhook_deliveries.push(json!({
            "at": at,
            "event": event["event"],
            "url": url,
            "status": delivery.status,
            "delivered": delivery.delivered(),
            "body": event,
        }));
        delivery.status
    }
}
