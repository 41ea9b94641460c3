use ::api::calendar_sync::{CalDavCredentials, CalendarConnection, CalendarTest};
use ::api::sessions::CalendarFeed;
use leptos::html::Dialog;
use leptos::prelude::*;
use stylers::style;

use crate::api;
use crate::components::calendar_feed::CalendarFeedView;
use crate::components::connected_calendar::ConnectedCalendarView;
use crate::config::Config;
use crate::logic::messages::{calendar_message, friendly_message};

/// BetterBeing Console → Calendar sync (`/console/calendar-sync`): the connected calendar (written to within
/// seconds) and the subscription feed. Owns their fetches and actions.
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
        <ConnectedCalendar/>
        {body}
    }
}

/// What the connected calendar's action does.
#[derive(Clone)]
enum Step {
    Connect(CalDavCredentials),
    Choose(String),
    Test,
    Disconnect,
}

/// The connected calendar's part of the page: reads BetterBeing's record (no calendar server on a page view), and
/// runs connect, choose, test and disconnect as one action, one request at a time.
#[component]
fn ConnectedCalendar() -> impl IntoView {
    let config = expect_context::<Config>();
    let to_sign_in = crate::app::use_sign_in_redirect();
    let fetched = LocalResource::new({
        let config = config.clone();
        move || {
            let config = config.clone();
            async move { api::calendar_sync::status(&config).await }
        }
    });
    // What is shown: the fetched record, then whatever each action answered.
    let shown = RwSignal::new(None::<Option<CalendarConnection>>);
    let error = RwSignal::new(None::<String>);
    let test_result = RwSignal::new(None::<CalendarTest>);
    let disconnect_error = RwSignal::new(None::<String>);
    let dialog = NodeRef::<Dialog>::new();
    Effect::new({
        let to_sign_in = to_sign_in.clone();
        move |_| match fetched.get() {
            Some(Ok(s)) => shown.set(Some(s.connection)),
            Some(Err(e)) if e.is_unauthenticated() => to_sign_in(),
            _ => {}
        }
    });

    let act = Action::new_local(move |step: &Step| {
        let (config, step, to_sign_in) = (config.clone(), step.clone(), to_sign_in.clone());
        async move {
            let _ = error.try_set(None);
            let _ = disconnect_error.try_set(None);
            if !matches!(step, Step::Test) {
                let _ = test_result.try_set(None);
            }
            let outcome = match &step {
                Step::Connect(c) => api::calendar_sync::connect_caldav(&config, c)
                    .await
                    .map(|c| Some(Some(c))),
                Step::Choose(url) => api::calendar_sync::choose(&config, url).await.map(|c| Some(Some(c))),
                Step::Test => api::calendar_sync::test(&config).await.map(|t| {
                    let _ = test_result.try_set(Some(t));
                    None
                }),
                Step::Disconnect => api::calendar_sync::disconnect(&config).await.map(|()| Some(None)),
            };
            match outcome {
                Ok(Some(next)) => {
                    let _ = shown.try_set(Some(next));
                    if let Some(d) = dialog.get_untracked() {
                        d.close();
                    }
                }
                // A test may have changed the record (a problem fixed, or a password refused): read it again.
                Ok(None) => fetched.refetch(),
                Err(e) if e.is_unauthenticated() => to_sign_in(),
                Err(e) if matches!(step, Step::Disconnect) => {
                    let _ = disconnect_error.try_set(Some(calendar_message(&e)));
                }
                Err(e) => {
                    let _ = error.try_set(Some(calendar_message(&e)));
                }
            }
        }
    });
    let busy = act.pending();

    let class = style! {"ConnectedCalendar",
        .state {
            background: var(--bb-color-surface);
            border: 1px solid var(--bb-color-border);
            border-radius: var(--bb-radius-large);
            padding: 1.5rem;
            margin: 0 0 1.5rem 0;
        }
        .error-text {
            color: var(--bb-color-danger-text);
        }
    };
    move || {
        match (shown.with(Option::is_some), fetched.get()) {
        (true, _) => view! {
            <ConnectedCalendarView
                connection=Signal::derive(move || shown.get().flatten())
                on_connect=move |c| { act.dispatch(Step::Connect(c)); }
                on_choose=move |url| { act.dispatch(Step::Choose(url)); }
                on_test=move |()| { act.dispatch(Step::Test); }
                on_disconnect=move |()| { act.dispatch(Step::Disconnect); }
                busy=busy
                error=error
                test_result=test_result
                disconnect_error=disconnect_error
                disconnect_dialog=dialog
            />
        }
        .into_any(),
        (false, Some(Err(e))) => view! { class = class,
            <div class="state" data-testid="connected-calendar" data-state="error" role="alert">
                <p class="error-text">{friendly_message(&e)}</p>
                <button type="button" class="bb-button bb-button-secondary" data-testid="calendar-retry-load" on:click=move |_| fetched.refetch()>
                    "Try again"
                </button>
            </div>
        }
        .into_any(),
        _ => view! { class = class,
            <div class="state" data-testid="connected-calendar" data-state="loading" aria-busy="true">
                <p>"Loading your connected calendar\u{2026}"</p>
            </div>
        }
        .into_any(),
    }
    }
}
