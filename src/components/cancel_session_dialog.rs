use leptos::html::Dialog;
use leptos::prelude::*;
use stylers::style;

/// The confirmation before cancelling a session. The owner opens it through `node_ref` with `show_modal()`.
#[component]
pub fn CancelSessionDialog(
    node_ref: NodeRef<Dialog>,
    #[prop(into)] client_name: Signal<String>,
    #[prop(into)] when: Signal<String>,
    #[prop(into)] on_confirm: Callback<()>,
    #[prop(into, optional)] busy: Signal<bool>,
    #[prop(into, optional)] error: Signal<Option<String>>,
) -> impl IntoView {
    let class = style! {"CancelSessionDialog",
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
            data-testid="cancel-session-dialog"
            aria-labelledby="cancel-session-title"
            aria-describedby="cancel-session-what-happens"
            on:cancel=move |ev: leptos::ev::Event| {
                if busy.get_untracked() {
                    ev.prevent_default();
                }
            }
        >
            <h2 id="cancel-session-title">"Cancel the session with " {client_name} "?"</h2>
            <p>{when}</p>
            <ul id="cancel-session-what-happens">
                <li>"The Zoom meeting is deleted and its link stops working. Let your client know."</li>
                <li>"The event is removed from your connected calendar."</li>
                <li>"This cannot be undone."</li>
            </ul>
            {move || error.get().map(|message| view! { class = class,
                <p class="dialog-error" data-testid="page-error" role="alert">{message}</p>
            })}
            <div class="actions">
                <button type="button" class="bb-button bb-button-secondary" data-testid="keep-session" autofocus disabled=busy on:click=move |_| close()>
                    "Keep session"
                </button>
                <button
                    type="button"
                    class="bb-button bb-button-danger"
                    data-testid="confirm-cancel-session"
                    disabled=busy
                    aria-busy=move || busy.get().to_string()
                    on:click=move |_| on_confirm.run(())
                >
                    {move || if busy.get() { "Cancelling\u{2026}" } else { "Cancel session" }}
                </button>
            </div>
        </dialog>
    }
}
