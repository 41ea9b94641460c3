//! Mounting a component in the test page and finding things in it.
#![allow(dead_code)]

use api::sessions::{Session, SessionStatus, SessionZoom, ZoomMeetingLink, ZoomSync};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlElement;

pub struct Mounted {
    pub root: HtmlElement,
    // Dropping the handle unmounts the view.
    _handle: Box<dyn std::any::Any>,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.root.remove();
    }
}

pub fn mount<F, V>(view: F) -> Mounted
where
    F: FnOnce() -> V + 'static,
    V: IntoView + 'static,
{
    let document = document();
    let root: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&root).unwrap();
    let handle = leptos::mount::mount_to(root.clone(), view);
    Mounted {
        root,
        _handle: Box::new(handle),
    }
}

impl Mounted {
    pub fn find(&self, selector: &str) -> Option<HtmlElement> {
        self.root
            .query_selector(selector)
            .unwrap()
            .map(|e| e.unchecked_into::<HtmlElement>())
    }

    pub fn get(&self, selector: &str) -> HtmlElement {
        self.find(selector)
            .unwrap_or_else(|| panic!("nothing matches {selector}"))
    }

    pub fn all(&self, selector: &str) -> Vec<HtmlElement> {
        let list = self.root.query_selector_all(selector).unwrap();
        (0..list.length())
            .filter_map(|i| list.item(i))
            .map(|n| n.unchecked_into())
            .collect()
    }

    pub fn text(&self, selector: &str) -> String {
        self.get(selector).text_content().unwrap_or_default()
    }

    pub fn attr(&self, selector: &str, name: &str) -> Option<String> {
        self.get(selector).get_attribute(name)
    }
}

/// Sets an input's value the way a script (or a date picker) does, with the events a browser sends.
pub fn set_value(element: &HtmlElement, value: &str) {
    js_sys::Reflect::set(element, &"value".into(), &value.into()).unwrap();
    for kind in ["input", "change"] {
        let init = web_sys::EventInit::new();
        init.set_bubbles(true);
        let event = web_sys::Event::new_with_event_init_dict(kind, &init).unwrap();
        element.dispatch_event(&event).unwrap();
    }
}

pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}

/// Waits (up to 2 s) until `ready` holds.
pub async fn until(mut ready: impl FnMut() -> bool) -> bool {
    for _ in 0..100 {
        if ready() {
            return true;
        }
        sleep(20).await;
    }
    ready()
}

/// Runs a bit of JavaScript in the test page.
pub fn run_js(source: &str) -> JsValue {
    js_sys::Function::new_no_args(source).call0(&JsValue::NULL).unwrap()
}

pub fn link(id: i64) -> ZoomMeetingLink {
    ZoomMeetingLink {
        meeting_id: format!("8512345{id}"),
        join_url: format!("https://zoom.example/j/8512345{id}?pwd=abc"),
        browser_join_url: format!("https://zoom.example/wc/join/8512345{id}?pwd=abc"),
    }
}

pub fn session_link(id: i64) -> String {
    format!("https://console.example/join/stable-{id}")
}

pub fn session(id: i64, client: &str, starts_at: DateTime<Utc>, minutes: u32, sync: ZoomSync) -> Session {
    let has_link = matches!(sync, ZoomSync::InSync);
    Session {
        id,
        client_name: client.into(),
        starts_at,
        ends_at: starts_at + chrono::Duration::minutes(i64::from(minutes)),
        duration_minutes: minutes,
        time_zone: "America/New_York".into(),
        private_notes: String::new(),
        client_name_in_zoom_topic: false,
        status: SessionStatus::Scheduled,
        zoom: SessionZoom {
            link: has_link.then(|| link(id)),
            link_outdated: false,
            sync,
            changed_in_zoom: None,
            in_progress: false,
            notice: None,
        },
        session_link: session_link(id),
    }
}
