use ::api::calendar_sync::{CalDavCredentials, CalendarConnection, CalendarTest};
use ::api::sessions::CalendarFeed;
use leptos::html::Dialog;
use leptos::prelude::*;
use stylers::style;

use crate::backend;
use crate::components::calendar_feed::CalendarFeedView;
use crate::components::connected_calendar::ConnectedCalendarView;
use crate::components::load_failed::load_failed_fallback;
use crate::config::Config;
use crate::hooks::{use_load, use_write};
use crate::logic::messages::{calendar_message, friendly_message};

/// BetterBeing Console → Calendar sync (`/console/calendar-sync`): the connected calendar (written to within
/// seconds) and the subscription feed. Owns their fetches and actions.
#[component]
pub fn CalendarSyncPage() -> impl IntoView {
    let config = expect_context::<Config>();
    let fetched = use_load({
        let config = config.clone();
        move || backend::calendar_feed::get(&config)
    });
    // The feed a rotation answered, shown instead of the fetched one.
    let rotated_to = RwSignal::new(None::<CalendarFeed>);
    let rotate = use_write();
    let rotate_job = move || {
        let config = config.clone();
        async move {
            let f = backend::calendar_feed::rotate(&config).await?;
            let _ = rotated_to.try_set(Some(f));
            Ok(())
        }
    };
    let on_rotate = Callback::new(move |()| rotate.run(rotate_job()));

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
    };

    let body = move || {
        fetched.get().map(|r| {
            r.map(|fetched_feed| {
                view! {
                    <CalendarFeedView
                        feed=Signal::derive(move || rotated_to.get().unwrap_or_else(|| fetched_feed.clone()))
                        on_rotate=on_rotate
                        rotating=rotate.busy()
                        rotate_error=rotate.error(friendly_message)
                        rotated=Signal::derive(move || rotated_to.with(Option::is_some))
                    />
                }
            })
        })
    };

    view! { class = class,
        <h1>"Calendar sync"</h1>
        <p class="lede">"See your BetterBeing sessions, with their Zoom links, in the calendar app you already use."</p>
        <ConnectedCalendar/>
        <Transition fallback=move || view! { class = class,
            <div class="state" data-testid="calendar-feed-state" data-state="loading" aria-busy="true">
                <p>"Loading your subscription URL\u{2026}"</p>
            </div>
        }>
            <ErrorBoundary fallback=load_failed_fallback("calendar-feed-state", Some("retry"), Callback::new(move |()| fetched.refetch()))>
                {body}
            </ErrorBoundary>
        </Transition>
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
    let fetched = use_load({
        let config = config.clone();
        move || backend::calendar_sync::status(&config)
    });
    // What is shown: the fetched record, then whatever each action answered.
    let answered = RwSignal::new(None::<Option<CalendarConnection>>);
    let shown = Signal::derive(move || {
        answered
            .get()
            .or_else(|| fetched.get().and_then(Result::ok).map(|s| s.connection))
            .flatten()
    });
    let error = RwSignal::new(None::<String>);
    let test_result = RwSignal::new(None::<CalendarTest>);
    let disconnect_error = RwSignal::new(None::<String>);
    let dialog = NodeRef::<Dialog>::new();

    let act = use_write();
    let act_job = move |step: Step| {
        let config = config.clone();
        async move {
            let _ = error.try_set(None);
            let _ = disconnect_error.try_set(None);
            if !matches!(step, Step::Test) {
                let _ = test_result.try_set(None);
            }
            let outcome = match &step {
                Step::Connect(c) => backend::calendar_sync::connect_caldav(&config, c)
                    .await
                    .map(|c| Some(Some(c))),
                Step::Choose(url) => backend::calendar_sync::choose(&config, url)
                    .await
                    .map(|c| Some(Some(c))),
                Step::Test => backend::calendar_sync::test(&config).await.map(|t| {
                    let _ = test_result.try_set(Some(t));
                    None
                }),
                Step::Disconnect => backend::calendar_sync::disconnect(&config).await.map(|()| Some(None)),
            };
            match &outcome {
                Ok(Some(next)) => {
                    let _ = answered.try_set(Some(next.clone()));
                    if let Some(d) = dialog.get_untracked() {
                        d.close();
                    }
                }
                // A test may have changed the record (a problem fixed, or a password refused): read it again.
                Ok(None) => {
                    let _ = answered.try_set(None);
                    fetched.refetch();
                }
                Err(e) if matches!(step, Step::Disconnect) => {
                    let _ = disconnect_error.try_set(Some(calendar_message(e)));
                }
                Err(e) => {
                    let _ = error.try_set(Some(calendar_message(e)));
                }
            }
            outcome.map(|_| ())
        }
    };
    let step = Callback::new(move |step: Step| act.run(act_job(step)));
    let busy = act.busy();

    let class = style! {"ConnectedCalendar",
        .state {
            background: var(--bb-color-surface);
            border: 1px solid var(--bb-color-border);
            border-radius: var(--bb-radius-large);
            padding: 1.5rem;
            margin: 0 0 1.5rem 0;
        }
    };
    let view = move || {
        fetched.get().map(|r| {
            r.map(|_| {
                view! {
                    <ConnectedCalendarView
                        connection=shown
                        on_connect=move |c| step.run(Step::Connect(c))
                        on_choose=move |url| step.run(Step::Choose(url))
                        on_test=move |()| step.run(Step::Test)
                        on_disconnect=move |()| step.run(Step::Disconnect)
                        busy=busy
                        error=error
                        test_result=test_result
                        disconnect_error=disconnect_error
                        disconnect_dialog=dialog
                    />
                }
            })
        })
    };
    view! { class = class,
        <Transition fallback=move || view! { class = class,
            <div class="state" data-testid="connected-calendar" data-state="loading" aria-busy="true">
                <p>"Loading your connected calendar\u{2026}"</p>
            </div>
        }>
            <ErrorBoundary fallback=load_failed_fallback("connected-calendar", Some("calendar-retry-load"), Callback::new(move |()| fetched.refetch()))>
                {view}
            </ErrorBoundary>
        </Transition>
    }
}
