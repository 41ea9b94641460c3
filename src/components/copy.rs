//! Copying a link to the clipboard, with a short "Copied" the page shows in an `aria-live` region.

use std::time::Duration;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

pub const COPIED: &str = "Copied";
pub const COPY_FAILED: &str = "Could not copy. Select the link above and copy it.";
const FEEDBACK_FOR: Duration = Duration::from_secs(4);

/// The feedback after Copy: `message` is `Some` for a few seconds after each copy.
#[derive(Clone, Copy)]
pub struct CopyFeedback {
    pub message: RwSignal<Option<&'static str>>,
    timer: StoredValue<Option<TimeoutHandle>>,
}

impl CopyFeedback {
    /// Call in a component body: the timer is cleared with the component.
    pub fn new() -> Self {
        let this = Self {
            message: RwSignal::new(None),
            timer: StoredValue::new(None),
        };
        on_cleanup(move || this.clear_timer());
        this
    }

    fn clear_timer(&self) {
        if let Some(handle) = self.timer.try_update_value(|h| h.take()).flatten() {
            handle.clear();
        }
    }

    pub fn copy(&self, text: String) {
        let this = *self;
        leptos::task::spawn_local(async move {
            let copied = copy_text(&text).await;
            this.clear_timer();
            let _ = this.message.try_set(Some(if copied { COPIED } else { COPY_FAILED }));
            let message = this.message;
            let handle = set_timeout_with_handle(
                move || {
                    let _ = message.try_set(None);
                },
                FEEDBACK_FOR,
            )
            .ok();
            let _ = this.timer.try_set_value(handle);
        });
    }
}

impl Default for CopyFeedback {
    fn default() -> Self {
        Self::new()
    }
}

/// Copies with the Clipboard API, or with a hidden textarea and `execCommand('copy')` where that API is missing
/// or refused (older browsers, non-secure origins).
pub async fn copy_text(text: &str) -> bool {
    let navigator = window().navigator();
    let has_clipboard = js_sys::Reflect::get(&navigator, &"clipboard".into())
        .map(|c| !c.is_undefined() && !c.is_null())
        .unwrap_or(false);
    if has_clipboard {
        let promise = navigator.clipboard().write_text(text);
        if wasm_bindgen_futures::JsFuture::from(promise).await.is_ok() {
            return true;
        }
    }
    copy_with_textarea(text)
}

fn copy_with_textarea(text: &str) -> bool {
    let document = document();
    let active = document.active_element();
    let Some(area) = document
        .create_element("textarea")
        .ok()
        .and_then(|e| e.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
    else {
        return false;
    };
    area.set_value(text);
    let _ = area.set_attribute("readonly", "");
    let _ = area.set_attribute("aria-hidden", "true");
    web_sys::HtmlElement::style(&area)
        .set_css_text("position: fixed; top: 0; left: 0; width: 1px; height: 1px; opacity: 0;");
    // Inside an open modal dialog the rest of the page is inert; put the textarea next to the focused element.
    let parent = active
        .as_ref()
        .and_then(|a| a.parent_element())
        .map(|p| p.unchecked_into::<web_sys::Node>())
        .or_else(|| document.body().map(|b| b.unchecked_into()));
    let Some(parent) = parent else { return false };
    if parent.append_child(&area).is_err() {
        return false;
    }
    area.select();
    let copied = document
        .dyn_ref::<web_sys::HtmlDocument>()
        .and_then(|d| d.exec_command("copy").ok())
        .unwrap_or(false);
    area.remove();
    if let Some(active) = active.and_then(|a| a.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = active.focus();
    }
    copied
}
