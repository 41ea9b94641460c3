use leptos::html::Dialog;
use leptos::prelude::*;
use stylers::style;

use crate::components::confirm_dialog::ConfirmDialog;

/// The confirmation before cancelling a session. The owner opens it through `node_ref` with `show_modal()`.
#[component]
pub fn CancelSessionDialog(
    node_ref: NodeRef<Dialog>,
    #[prop(into)] client_name: Signal<String>,
    #[prop(into)] when: Signal<String>,
    #[prop(into)] on_confirm: Callback<()>,
    /// What happens to the Zoom meeting, in words (`CancelZoom::before`).
    #[prop(into)]
    zoom_words: Signal<&'static str>,
    #[prop(into, optional)] busy: Signal<bool>,
    #[prop(into, optional)] error: Signal<Option<String>>,
) -> impl IntoView {
    let class = style! {"CancelSessionDialog",
        ul {
            padding-left: 1.25rem;
            margin: 0 0 1rem 0;
        }
        li {
            margin-bottom: 0.375rem;
        }
    };

    view! { class = class,
        <ConfirmDialog
            node_ref=node_ref
            testid="cancel-session-dialog"
            title_id="cancel-session-title"
            described_by="cancel-session-what-happens"
            title=Signal::derive(move || format!("Cancel the session with {}?", client_name.get()))
            confirm_label="Cancel session"
            busy_label="Cancelling\u{2026}"
            confirm_testid="confirm-cancel-session"
            cancel_testid="keep-session"
            cancel_label="Keep session"
            danger=true
            busy=busy
            error=error
            on_confirm=on_confirm
        >
            <p>{when}</p>
            <ul id="cancel-session-what-happens">
                <li data-testid="cancel-zoom-words">{zoom_words}</li>
                <li>"The event is removed from your connected calendar."</li>
                <li>"This cannot be undone."</li>
            </ul>
        </ConfirmDialog>
    }
}
