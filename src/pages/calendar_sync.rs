use ::api::sessions::CalendarFeed;
use leptos::prelude::*;
use stylers::style;

use crate::api;
use crate::components::calendar_feed::CalendarFeedView;
use crate::config::Config;
use crate::logic::messages::friendly_message;

/// BetterBeing Console → Calendar sync (`/console/calendar-sync`). Owns the feed fetch and Rotate link.
#[component]
pub fn CalendarSyncPage() -> impl IntoView {
    let config = expect_context::<Config>();
    let to_sign_in = crate::app::use_sign_in_redirect();

    let fetched = LocalResource::new({
        let config = config.clone();
        move || {
            let config = config.clone();
            async move { api::calendar_feed::get(&config).await }
        }
    });
    // The feed shown: the fetched one, then the one a rotation answered.
    let feed = RwSignal::new(None::<CalendarFeed>);
    Effect::new({
        let to_sign_in = to_sign_in.clone();
        move |_| match fetched.get() {
            Some(Ok(f)) => feed.set(Some(f)),
            Some(Err(e)) if e.is_unauthenticated() => to_sign_in(),
            _ => {}
        }
    });

    let rotating = RwSignal::new(false);
    let rotated = RwSignal::new(false);
    let rotate_error = RwSignal::new(None::<String>);
    let on_rotate = Callback::new(move |()| {
        if rotating.get_untracked() {
            return;
        }
        rotating.set(true);
        rotate_error.set(None);
        let config = config.clone();
        let to_sign_in = to_sign_in.clone();
        leptos::task::spawn_local(async move {
            match api::calendar_feed::rotate(&config).await {
                Ok(f) => {
                    let _ = feed.try_set(Some(f));
                    let _ = rotated.try_set(true);
                }
                Err(e) if e.is_unauthenticated() => to_sign_in(),
                Err(e) => {
                    let _ = rotate_error.try_set(Some(friendly_message(&e)));
                }
            }
            let _ = rotating.try_set(false);
        });
    });

    let class = style! {"CalendarSyncPage",
        h1 {
            font-size: 1.75rem;
            margin: 0.5rem 0 0.25rem 0;
        }
        .lede {
            color: var(--bb-color-text-muted);
            margin: 0 0 1.5rem 0;
        }
        .state {
            background: var(--bb-color-surface);
            border: 1px solid var(--bb-color-border);
            border-radius: var(--bb-radius-large);
            padding: 1.5rem;
        }
        .error-text {
            color: var(--bb-color-danger-text);
        }
    };

    let has_feed = Memo::new(move |_| feed.with(Option::is_some));
    let body = move || {
        match (has_feed.get(), if has_feed.get() { None } else { fetched.get() }) {
        (true, _) => view! {
            <CalendarFeedView
                feed=Signal::derive(move || feed.get().unwrap_or_else(|| CalendarFeed {
                    url: String::new(),
                    webcal_url: String::new(),
                    created_at: chrono::DateTime::default(),
                }))
                on_rotate=on_rotate
                rotating=rotating
                rotate_error=rotate_error
                rotated=rotated
            />
        }
        .into_any(),
        (false, Some(Err(e))) => view! { class = class,
            <div class="state" data-testid="calendar-feed-state" data-state="error" role="alert">
                <p class="error-text" data-testid="page-error">{friendly_message(&e)}</p>
                <button type="button" class="bb-button bb-button-secondary" data-testid="retry" on:click=move |_| fetched.refetch()>
                    "Try again"
                </button>
            </div>
        }
        .into_any(),
        _ => view! { class = class,
            <div class="state" data-testid="calendar-feed-state" data-state="loading" aria-busy="true">
                <p>"Loading your subscription URL\u{2026}"</p>
            </div>
        }
        .into_any(),
    }
    };

    view! { class = class,
        <h1>"Calendar sync"</h1>
        <p class="lede">"See your BetterBeing sessions, with their Zoom links, in the calendar app you already use."</p>
        {body}
    }
}
