use leptos::prelude::*;
use stylers::style;

/// "N upcoming sessions have no Zoom link": offered after (re)connecting Zoom. `done` holds how many were queued.
#[component]
pub fn MissingLinksOffer(
    #[prop(into)] count: Signal<usize>,
    #[prop(into)] on_add: Callback<()>,
    #[prop(into, optional)] busy: Signal<bool>,
    #[prop(into, optional)] done: Signal<Option<usize>>,
    #[prop(into, optional)] error: Signal<Option<String>>,
) -> impl IntoView {
    let class = style! {"MissingLinksOffer",
        .offer {
            background: var(--bb-color-info-surface);
            border: 1px solid var(--bb-color-info-border);
            border-radius: var(--bb-radius-large);
            padding: 1rem 1.25rem;
            margin: 0 0 1.5rem 0;
        }
        .done {
            background: var(--bb-color-success-surface);
            border: 1px solid var(--bb-color-success-border);
            border-radius: var(--bb-radius-large);
            padding: 1rem 1.25rem;
            margin: 0 0 1.5rem 0;
        }
        h2 {
            font-size: 1.0625rem;
            margin: 0 0 0.375rem 0;
        }
        p {
            margin: 0 0 0.75rem 0;
        }
        .error {
            color: var(--bb-color-danger-text);
            font-weight: 600;
        }
    };

    move || {
        match done.get() {
        Some(queued) => view! { class = class,
            <div class="done" role="status" data-testid="missing-links-done">
                <h2>{sessions_phrase(queued, "is getting a Zoom link", "are getting Zoom links")}</h2>
                <p>"The links appear in your calendar and in each session within a minute."</p>
            </div>
        }
        .into_any(),
        None if count.get() == 0 => ().into_any(),
        None => view! { class = class,
            <div class="offer" data-testid="missing-links-offer">
                <h2>{move || sessions_phrase(count.get(), "has no Zoom link", "have no Zoom link")}</h2>
                <p>"They were scheduled while Zoom was not connected. BetterBeing can create their Zoom meetings now."</p>
                {move || error.get().map(|text| view! { class = class, <p class="error" role="alert">{text}</p> })}
                <button
                    type="button"
                    class="bb-button bb-button-primary"
                    data-testid="add-missing-links"
                    disabled=busy
                    aria-busy=move || busy.get().to_string()
                    on:click=move |_| on_add.run(())
                >
                    {move || if busy.get() { "Adding Zoom links\u{2026}" } else { "Add Zoom links" }}
                </button>
            </div>
        }
        .into_any(),
    }
    }
}

/// "1 upcoming session has …", "3 upcoming sessions have …".
pub fn sessions_phrase(count: usize, one: &str, many: &str) -> String {
    if count == 1 {
        format!("1 upcoming session {one}")
    } else {
        format!("{count} upcoming sessions {many}")
    }
}
