use leptos::html::Dialog;
use leptos::prelude::*;
use stylers::style;

use crate::components::confirm_dialog::ConfirmDialog;

/// The confirmation before disconnecting. The owner opens it through `node_ref` with `show_modal()`.
#[component]
pub fn DisconnectDialog(
    node_ref: NodeRef<Dialog>,
    #[prop(into)] on_confirm: Callback<()>,
    #[prop(into)] busy: Signal<bool>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let class = style! {"DisconnectDialog",
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
            testid="disconnect-dialog"
            title_id="disconnect-dialog-title"
            described_by="disconnect-dialog-what-happens"
            title="Disconnect your Zoom account?"
            confirm_label="Disconnect"
            busy_label="Disconnecting\u{2026}"
            confirm_testid="confirm-disconnect"
            cancel_testid="cancel-disconnect"
            danger=true
            busy=busy
            error=error
            on_confirm=on_confirm
        >
            <ul id="disconnect-dialog-what-happens">
                <li>"BetterBeing\u{2019}s access is revoked at Zoom: it will no longer create, update or delete Zoom meetings for your sessions."</li>
                <li>"Meeting links that already exist keep working in Zoom."</li>
                <li>"You can connect a Zoom account again at any time."</li>
            </ul>
        </ConfirmDialog>
    }
}
