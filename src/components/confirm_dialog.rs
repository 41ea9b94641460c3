use leptos::html::Dialog;
use leptos::prelude::*;
use stylers::style;

/// The frame every confirmation shares: a native modal `<dialog>` (focus moves to Cancel, Esc cancels, the page
/// behind is inert) with a title, the caller's explanation, an error while one stands, and Cancel/Confirm. The
/// owner opens it through `node_ref` with `show_modal()`; Cancel closes it, Confirm only reports.
#[component]
pub fn ConfirmDialog(
    node_ref: NodeRef<Dialog>,
    /// The dialog's `data-testid`.
    testid: &'static str,
    /// The heading's `id`, which labels the dialog.
    title_id: &'static str,
    /// The `id` of the element in `children` that describes what confirming does.
    described_by: &'static str,
    #[prop(into)] title: Signal<String>,
    confirm_label: &'static str,
    /// Shown on the confirm button while `busy`.
    busy_label: &'static str,
    confirm_testid: &'static str,
    cancel_testid: &'static str,
    #[prop(default = "Cancel")] cancel_label: &'static str,
    #[prop(optional)] danger: bool,
    /// Leave a paragraph's gap below the error rather than a list's, to match a body that is one paragraph.
    #[prop(optional)]
    compact: bool,
    #[prop(into)] busy: Signal<bool>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(into)] on_confirm: Callback<()>,
    children: Children,
) -> impl IntoView {
    let class = style! {"ConfirmDialog",
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
        .dialog-error {
            color: var(--bb-color-danger-text);
            background: var(--bb-color-danger-surface);
            border: 1px solid var(--bb-color-danger-border);
            border-radius: var(--bb-radius);
            padding: 0.625rem 0.875rem;
            margin: 0 0 1rem 0;
        }
        .dialog-error.compact {
            margin: 0 0 0.75rem 0;
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
    let error_class = if compact {
        "dialog-error compact"
    } else {
        "dialog-error"
    };
    let confirm_class = if danger {
        "bb-button bb-button-danger"
    } else {
        "bb-button bb-button-primary"
    };

    view! { class = class,
        <dialog
            node_ref=node_ref
            data-testid=testid
            aria-labelledby=title_id
            aria-describedby=described_by
            // Esc would abandon a request already on its way; wait for its answer instead.
            on:cancel=move |ev: leptos::ev::Event| {
                if busy.get_untracked() {
                    ev.prevent_default();
                }
            }
        >
            <h2 id=title_id>{title}</h2>
            {children()}
            {move || error.get().map(|message| view! { class = class,
                <p class=error_class data-testid="page-error" role="alert">{message}</p>
            })}
            <div class="actions">
                <button
                    type="button"
                    class="bb-button bb-button-secondary"
                    data-testid=cancel_testid
                    autofocus
                    disabled=busy
                    on:click=move |_| close()
                >
                    {cancel_label}
                </button>
                <button
                    type="button"
                    class=confirm_class
                    data-testid=confirm_testid
                    disabled=busy
                    aria-busy=move || busy.get().to_string()
                    on:click=move |_| on_confirm.run(())
                >
                    {move || if busy.get() { busy_label } else { confirm_label }}
                </button>
            </div>
        </dialog>
    }
}
