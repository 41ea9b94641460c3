use api::sessions::MissingLinks;
use leptos::prelude::*;
use stylers::style;

use crate::logic::dates::long_date;

/// "N upcoming sessions have no Zoom link": offered after (re)connecting Zoom, with what Zoom's daily limit allows
/// today. `done` holds what was queued.
#[component]
pub fn MissingLinksOffer(
    #[prop(into)] missing: Signal<Option<MissingLinks>>,
    #[prop(into)] on_add: Callback<()>,
    #[prop(into, optional)] busy: Signal<bool>,
    #[prop(into, optional)] done: Signal<Option<MissingLinks>>,
    #[prop(into, optional)] error: Signal<Option<String>>,
) -> impl IntoView {
    let count = Signal::derive(move || missing.get().map_or(0, |m| m.session_ids.len()));
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
                <h2>{sessions_phrase(queued.session_ids.len(), "is getting a Zoom link", "are getting Zoom links")}</h2>
                {match budget_text(&queued) {
                    Some(text) => view! { class = class,
                        <p data-testid="missing-links-budget">{text}</p>
                        <p>"Each waiting session says when its link comes."</p>
                    }.into_any(),
                    None => view! { class = class,
                        <p>"The links appear in your calendar and in each session within a minute."</p>
                    }.into_any(),
                }}
            </div>
        }
        .into_any(),
        None if count.get() == 0 => ().into_any(),
        None => view! { class = class,
            <div class="offer" data-testid="missing-links-offer">
                <h2>{move || sessions_phrase(count.get(), "has no Zoom link", "have no Zoom link")}</h2>
                <p>"They were scheduled while Zoom was not connected. BetterBeing can create their Zoom meetings now."</p>
                {move || missing.get().as_ref().and_then(budget_text).map(|text| view! { class = class,
                    <p data-testid="missing-links-budget">{text}</p>
                })}
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

/// When more sessions wait than Zoom takes today: "Zoom takes 100 new or changed meetings a day per Zoom user: 40
/// today, the rest from Saturday 6 December 2026 at 00:00 UTC, soonest sessions first."
pub fn budget_text(plan: &MissingLinks) -> Option<String> {
    let rest_from = plan.rest_from?;
    let today = match plan.today {
        0 => "none today".to_string(),
        n => format!("{n} today"),
    };
    Some(format!(
        "Zoom takes {} new or changed meetings a day per Zoom user: {today}, the rest from {} at 00:00 UTC, \
         soonest sessions first.",
        plan.daily_limit,
        long_date(rest_from.date_naive())
    ))
}

/// "1 upcoming session has …", "3 upcoming sessions have …".
pub fn sessions_phrase(count: usize, one: &str, many: &str) -> String {
    if count == 1 {
        format!("1 upcoming session {one}")
    } else {
        format!("{count} upcoming sessions {many}")
    }
}
