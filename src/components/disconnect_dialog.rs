use leptos::html::Dialog;
use leptos::prelude::*;
use stylers::style;

/// The confirmation before disconnecting: a native modal `<dialog>` (focus moves in, Esc cancels, the page
/// behind is inert). The owner opens it through `node_ref` with `show_modal()`.
#[component]
pub fn DisconnectDialog(
    node_ref: NodeRef<Dialog>,
    #[prop(into)] on_confirm: Callback<()>,
    #[prop(into)] busy: Signal<bool>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let class = style! {"DisconnectDialog",
        dialog {
            max-width: 32rem;
            width: calc(100% - 2rem);
            border: 1px solid var(--bb-color-border);
            border-radius: var(--bb-radius-large);
            padding: 1.5rem;
            background: var(--bb-color-surface);
            color: var(--bb-color-text);
            box-shadow: var(--bb-shadow-raised);
        }
        h2 {
            margin: 0 0 0.75rem 0;
            font-size: 1.25rem;
        }
        ul {
            padding-left: 1.25rem;
            margin: 0 0 1rem 0;
        }
        li {
            margin-bottom: 0.375rem;
        }
        .dialog-error {
            color: var(--bb-color-danger-text);
            background: var(--bb-color-danger-surface);
            border: 1px solid var(--bb-color-danger-border);
            border-radius: var(--bb-radius);
            padding: 0.625rem 0.875rem;
            margin: 0 0 1rem 0;
        }
        .actions {
            display: flex;
            flex-wrap: wrap;
            gap: 0.75rem;
            justify-content: flex-end;
        }
    };

    let close = move || {
        if let Some(dialog) = node_ref.get_untracked() {
            dialog.close();
        }
    };

    view! { class = class,
        <dialog
            node_ref=node_ref
            data-testid="disconnect-dialog"
            aria-labelledby="disconnect-dialog-title"
            aria-describedby="disconnect-dialog-what-happens"
            // Esc would abandon a request already on its way; wait for its answer instead.
            on:cancel=move |ev: leptos::ev::Event| {
                if busy.get_untracked() {
                    ev.prevent_default();
                }
            }
        >
            <h2 id="disconnect-dialog-title">"Disconnect your Zoom account?"</h2>
            <ul id="disconnect-dialog-what-happens">
                <li>"BetterBeing\u{2019}s access is revoked at Zoom: it will no longer create, update or delete Zoom meetings for your sessions."</li>
                <li>"Meeting links that already exist keep working in Zoom."</li>
                <li>"You can connect a Zoom account again at any time."</li>
            </ul>
            {move || error.get().map(|message| view! { class = class,
                <p class="dialog-error" data-testid="page-error" role="alert">{message}</p>
            })}
            <div class="actions">
                <button
                    type="button"
                    class="bb-button bb-button-secondary"
                    data-testid="cancel-disconnect"
                    autofocus
                    disabled=busy
                    on:click=move |_| close()
                >
                    "Cancel"
                </button>
                <button
                    type="button"
                    class="bb-button bb-button-danger"
                    data-testid="confirm-disconnect"
                    disabled=busy
                    aria-busy=move || busy.get().to_string()
                    on:click=move |_| on_confirm.run(())
                >
                    {move || if busy.get() { "Disconnecting\u{2026}" } else { "Disconnect" }}
                </button>
            </div>
        </dialog>
    }
}
