//! Tells the host page what happened: dispatches `logic::host_events` as DOM `CustomEvent`s on the mount element
//! (`document.body` when stand-alone).

use leptos::prelude::*;
use wasm_bindgen::JsValue;

use crate::config::Config;
use crate::logic::host_events::{DetailValue, HostEvent, LinkTracker};

/// App-wide (provided by `App`); pages take it with [`HostEvents::use_context`].
#[derive(Clone, Copy)]
pub struct HostEvents {
    mount: StoredValue<Option<String>>,
    links: StoredValue<LinkTracker>,
}

impl HostEvents {
    pub fn new(config: &Config) -> Self {
        Self {
            mount: StoredValue::new(config.mount.clone()),
            links: StoredValue::new(LinkTracker::default()),
        }
    }

    /// The app's, or one of its own (events still reach the mount element) for a page mounted alone.
    pub fn use_context() -> Self {
        use_context::<HostEvents>().unwrap_or_else(|| HostEvents::new(&use_context::<Config>().unwrap_or_default()))
    }

    pub fn dispatch(&self, event: &HostEvent) {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let target: Option<web_sys::Element> = self
            .mount
            .with_value(|m| m.as_deref().and_then(|sel| document.query_selector(sel).ok().flatten()))
            .or_else(|| document.body().map(Into::into));
        let Some(target) = target else { return };
        let detail = js_sys::Object::new();
        for (key, value) in event.detail() {
            let value = match value {
                DetailValue::Text(text) => JsValue::from_str(&text),
                DetailValue::Number(n) => JsValue::from_f64(n as f64),
            };
            let _ = js_sys::Reflect::set(&detail, &key.into(), &value);
        }
        let init = web_sys::CustomEventInit::new();
        init.set_bubbles(true);
        init.set_composed(true);
        init.set_detail(&detail);
        if let Ok(e) = web_sys::CustomEvent::new_with_event_init_dict(event.name(), &init) {
            let _ = target.dispatch_event(&e);
        }
    }

    /// A session just created here: its first link is news.
    pub fn session_created(&self, session_id: i64) {
        self.links.update_value(|t| t.created(session_id));
    }

    /// Announces a session's link when it was created or replaced since last seen.
    pub fn observe_link(&self, session_id: i64, join_url: Option<&str>) {
        let change = self
            .links
            .try_update_value(|t| t.observe(session_id, join_url))
            .flatten();
        if let Some(event) = change {
            self.dispatch(&event);
        }
    }
}
