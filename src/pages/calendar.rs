use std::time::Duration;

use ::api::sessions::{Preferences, Session, SessionInput};
use chrono::{DateTime, NaiveDate, Utc};
use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use stylers::style;

use crate::backend;
use crate::components::calendar_view::{CalendarGrid, CalendarToolbar};
use crate::components::load_failed::LoadFailed;
use crate::components::session_dialog::SessionDialog;
use crate::components::zoom_attention::ZoomAttention;
use crate::config::Config;
use crate::hooks::{use_load, use_poll_while, use_write};
use crate::host::HostEvents;
use crate::logic::calendar::{self, CalendarView};
use crate::logic::link_state::is_settling;
use crate::logic::messages::friendly_message;
use crate::logic::session_form::{self, FieldError, SessionDraft};
use crate::logic::zones::{self, Zone};
use crate::routes;

/// How often sessions still waiting on Zoom are asked for again.
pub const SETTLING_POLL: Duration = Duration::from_secs(2);

type Range = (DateTime<Utc>, DateTime<Utc>);

/// What the calendar shares with the session panel shown over it.
#[derive(Clone, Copy)]
pub struct CalendarContext {
    pub zone: Signal<Zone>,
    pub zone_options: Signal<Vec<String>>,
    pub view: Signal<CalendarView>,
    pub anchor: Signal<NaiveDate>,
    /// The session whose panel is open, for the calendar to highlight.
    pub selected: RwSignal<Option<i64>>,
    /// A message shown over the calendar (e.g. after cancelling).
    pub notice: RwSignal<Option<String>>,
    /// Ask the server for the shown sessions again (after a change made in the panel).
    pub refresh: Callback<()>,
}

/// BetterBeing Console → Calendar. Owns the preferences, the sessions of the shown period (polled while Zoom is
/// still working on any of them) and the New session dialog; the session panel is its child route.
#[component]
pub fn CalendarPage() -> impl IntoView {
    let config = expect_context::<Config>();
    let navigate = use_navigate();
    let query = use_query_map();

    let preferences = use_load({
        let config = config.clone();
        move || backend::sessions::preferences(&config)
    });
    // The zone shown: the saved preference, then whatever the picker changes it to.
    let zone_name = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(Ok(p)) = preferences.get() {
            if let Some(offsets) = p.offsets {
                zones::learn(offsets);
            }
            zone_name.set(Some(p.time_zone));
        }
    });
    let zone = Memo::new(move |_| Zone::named_or_utc(zone_name.get().as_deref().unwrap_or("UTC")));
    // The browser's own zone joins the picker's choices once the calendar is drawn: finding it sets up the
    // browser's time-zone rules (`Intl`, 10–20 ms), which drawing the calendar does not need (the server tells the
    // offsets of the zone shown).
    let browser_zone = RwSignal::new(None::<String>);
    zones::when_idle(move || {
        let _ = browser_zone.try_set(zones::browser_zone_name());
    });
    let zone_options = Signal::derive(move || {
        let current = zone_name.get().unwrap_or_default();
        let browser = browser_zone.get().unwrap_or_default();
        zones::zone_options([current.as_str(), browser.as_str()])
    });

    let view = Memo::new(move |_| {
        query.with(|q| {
            q.get(routes::VIEW_PARAM)
                .and_then(|v| CalendarView::parse(&v))
                .unwrap_or_default()
        })
    });
    let anchor = Memo::new(move |_| {
        query
            .with(|q| q.get(routes::DATE_PARAM).and_then(|d| session_form::parse_date(&d)))
            .unwrap_or_else(|| calendar::date_in(&zone.get(), Utc::now()))
    });
    let range = Memo::new(move |_| {
        zone_name.get()?;
        let (first, end) = calendar::visible_days(view.get(), anchor.get());
        Some(calendar::instant_range(&zone.get(), first, end))
    });

    // Asked for at once, beside the preferences: the request's range does not depend on the zone.
    let request_range = Memo::new(move |_| {
        let (first, end) = calendar::visible_days(view.get(), anchor.get());
        calendar::request_range(first, end)
    });
    let sessions = use_load({
        let config = config.clone();
        move || {
            let (from, to) = request_range.get();
            let answer = backend::sessions::list(&config, from, to);
            async move { ((from, to), answer.await) }
        }
    });
    // The last list that arrived, with the range it is for: polling and refetches keep showing it until the next.
    let shown = RwSignal::new(None::<(Range, Vec<Session>)>);
    let host = HostEvents::use_context();
    Effect::new(move |_| {
        if let Some((r, Ok(list))) = sessions.get() {
            for s in &list {
                host.observe_link(s.id, s.zoom.link.as_ref().map(|l| l.join_url.as_str()));
            }
            shown.set(Some((r, list)));
        }
    });
    // Sessions changed in Zoom or repaired before they start, and meetings still to delete: asked with the sessions.
    let attention = use_load({
        let config = config.clone();
        move || {
            let answer = backend::sessions::attention(&config);
            async move { answer.await.ok() }
        }
    });
    let refresh = Callback::new(move |()| {
        sessions.refetch();
        attention.refetch();
    });

    use_poll_while(
        move || {
            shown.with(|s| {
                s.as_ref()
                    .is_some_and(|(_, list)| list.iter().any(|s| is_settling(&s.zoom.sync)))
            })
        },
        SETTLING_POLL,
        move || sessions.refetch(),
    );

    // Loading (`None`), failed or ready: polling and refetches keep the shown list, so this changes only with
    // the period.
    let state = Memo::new(move |_| {
        if let Some(Err(e)) = preferences.get() {
            return Some(Err(e));
        }
        range.get()?;
        let current = request_range.get();
        if shown.with(|s| s.as_ref().is_some_and(|(r, _)| *r == current)) {
            return Some(Ok(()));
        }
        match sessions.get() {
            Some((r, Err(e))) if r == current => Some(Err(e)),
            _ => None,
        }
    });
    // The sessions of the shown days, in the shown zone (the answer also holds a day either side). A Memo: the
    // empty notice and the grid read it once per answer, and a poll that changed nothing redraws nothing.
    let visible = Memo::new(move |_| {
        let Some((from, to)) = range.get() else {
            return Vec::new();
        };
        shown.with(|s| match s {
            Some((r, list)) if *r == request_range.get() => list
                .iter()
                .filter(|s| s.starts_at < to && s.ends_at > from)
                .cloned()
                .collect(),
            _ => Vec::new(),
        })
    });
    let retry = move |()| {
        if matches!(preferences.get_untracked(), Some(Err(_))) {
            preferences.refetch();
        } else {
            sessions.refetch();
        }
    };

    let go = {
        let navigate = navigate.clone();
        move |v: CalendarView, date: NaiveDate| navigate(&routes::calendar(v, date), NavigateOptions::default())
    };
    let on_view = Callback::new({
        let go = go.clone();
        move |v: CalendarView| go(v, anchor.get_untracked())
    });
    let on_step = Callback::new({
        let go = go.clone();
        move |forward: bool| {
            let v = view.get_untracked();
            go(v, calendar::step(v, anchor.get_untracked(), forward))
        }
    });
    let on_today = Callback::new({
        let go = go.clone();
        move |()| {
            go(
                view.get_untracked(),
                calendar::date_in(&zone.get_untracked(), Utc::now()),
            )
        }
    });
    let on_open = Callback::new({
        let navigate = navigate.clone();
        move |id: i64| {
            navigate(
                &routes::session(id, view.get_untracked(), anchor.get_untracked()),
                NavigateOptions::default(),
            )
        }
    });

    let save_zone = use_write();
    let save_zone_job = {
        let config = config.clone();
        move |(name, previous): (String, Option<String>)| {
            let config = config.clone();
            async move {
                let answer = backend::sessions::save_preferences(&config, &Preferences::zone(name)).await;
                zone_name.set(match &answer {
                    Ok(saved) => {
                        if let Some(offsets) = saved.offsets.clone() {
                            zones::learn(offsets);
                        }
                        Some(saved.time_zone.clone())
                    }
                    Err(_) => previous,
                });
                answer.map(|_| ())
            }
        }
    };
    let on_zone = Callback::new(move |name: String| {
        let previous = zone_name.get_untracked();
        zone_name.set(Some(name.clone()));
        // The picker stays usable while a zone saves, as before: every choice is saved.
        save_zone.run_latest(save_zone_job((name, previous)));
    });
    let zone_error = save_zone.error(|e| format!("The time zone was not saved. {}", friendly_message(e)));

    let selected = RwSignal::new(None::<i64>);
    let notice = RwSignal::new(None::<String>);
    provide_context(CalendarContext {
        zone: zone.into(),
        zone_options,
        view: view.into(),
        anchor: anchor.into(),
        selected,
        notice,
        refresh,
    });

    // New session.
    let new_draft = RwSignal::new(None::<SessionDraft>);
    let save_field_error = RwSignal::new(None::<FieldError>);
    let save_error = RwSignal::new(None::<String>);
    let on_new = Callback::new(move |()| {
        let z = zone.get_untracked();
        let (date, time) = calendar::proposed_start(view.get_untracked(), anchor.get_untracked(), &z, Utc::now());
        save_field_error.set(None);
        save_error.set(None);
        new_draft.set(Some(SessionDraft::new_at(date, time, z.name())));
    });
    let create = use_write();
    let create_job = {
        let config = config.clone();
        let navigate = navigate.clone();
        move |(input, draft): (SessionInput, SessionDraft)| {
            let (config, navigate) = (config.clone(), navigate.clone());
            save_field_error.set(None);
            save_error.set(None);
            async move {
                let answer = backend::sessions::create(&config, &input).await;
                match &answer {
                    Ok(session) => {
                        host.session_created(session.id);
                        host.observe_link(session.id, session.zoom.link.as_ref().map(|l| l.join_url.as_str()));
                        new_draft.set(None);
                        sessions.refetch();
                        let date = calendar::date_in(&zone.get_untracked(), session.starts_at);
                        navigate(
                            &routes::session(session.id, view.get_untracked(), date),
                            NavigateOptions::default(),
                        );
                    }
                    Err(e) => match session_form::server_field_error(e, &draft) {
                        Some(field) => save_field_error.set(Some(field)),
                        None => save_error.set(Some(friendly_message(e))),
                    },
                }
                answer.map(|_| ())
            }
        }
    };
    let on_save = Callback::new(move |args: (SessionInput, SessionDraft)| create.run(create_job(args)));

    let class = style! {"CalendarPage",
        h1 {
            font-size: 1.75rem;
            margin: 0.5rem 0 1rem 0;
        }
        .state {
            background: var(--bb-color-surface);
            border: 1px solid var(--bb-color-border);
            border-radius: var(--bb-radius-large);
            padding: 1.5rem;
        }
        .empty {
            display: flex;
            flex-wrap: wrap;
            align-items: center;
            justify-content: space-between;
            gap: 0.75rem;
            background: var(--bb-color-surface);
            border: 1px dashed var(--bb-color-border);
            border-radius: var(--bb-radius-large);
            padding: 0.875rem 1.25rem;
            margin: 0 0 1rem 0;
        }
        .empty p {
            margin: 0;
            font-weight: 600;
        }
        .notice {
            background: var(--bb-color-success-surface);
            border: 1px solid var(--bb-color-success-border);
            border-radius: var(--bb-radius);
            padding: 0.75rem 1rem;
            margin: 0 0 1rem 0;
            display: flex;
            justify-content: space-between;
            align-items: center;
            gap: 1rem;
        }
        .notice p {
            margin: 0;
        }
    };

    let body = move || {
        match state.get() {
        None => view! { class = class,
            <div class="state" aria-busy="true"><p>"Loading your calendar\u{2026}"</p></div>
        }
        .into_any(),
        Some(Err(e)) => view! {
            <LoadFailed error=e on_retry=retry state="calendar-load" retry="calendar-retry"/>
        }
        .into_any(),
        Some(Ok(())) => view! { class = class,
            {move || visible.with(Vec::is_empty).then(|| view! { class = class,
                <div class="empty" data-testid="calendar-empty">
                    <p>{view.get().empty_message()}</p>
                    <button type="button" class="bb-button bb-button-primary" data-testid="empty-new-session" on:click=move |_| on_new.run(())>
                        "New session"
                    </button>
                </div>
            })}
            <CalendarGrid view=view anchor=anchor zone=zone sessions=visible on_open=on_open selected=selected/>
        }
        .into_any(),
    }
    };

    view! { class = class,
        <h1>"Calendar"</h1>
        <div data-testid="calendar" data-view=move || view.get().name()>
            <div aria-live="polite">
                {move || notice.get().map(|text| view! { class = class,
                    <div class="notice" role="status" data-testid="calendar-notice">
                        <p>{text}</p>
                        <button type="button" class="bb-button bb-button-quiet" on:click=move |_| notice.set(None)>"Dismiss"</button>
                    </div>
                })}
                {move || zone_error.get().map(|text| view! { class = class,
                    <p class="bb-error" role="alert" data-testid="zone-error">{text}</p>
                })}
            </div>
            <ZoomAttention
                attention=Signal::derive(move || attention.get().flatten())
                zone=zone
                on_open=on_open
                zoom_page_href=routes::browser_path(&config, routes::ZOOM)
            />
            <CalendarToolbar
                view=view
                title=Signal::derive(move || calendar::title(view.get(), anchor.get()))
                zone=Signal::derive(move || zone_name.get().unwrap_or_default())
                zone_options=zone_options
                zone_saving=save_zone.busy()
                on_view=on_view
                on_step=on_step
                on_today=on_today
                on_zone=on_zone
                on_new=on_new
            />
            <div data-testid="calendar-state" data-state=move || match state.get() {
                None => "loading",
                Some(Err(_)) => "error",
                Some(Ok(())) => "ready",
            }>
                {body}
            </div>
        </div>
        {move || new_draft.get().map(|draft| view! {
            <SessionDialog
                draft=draft
                title="New session"
                zone_options=zone_options.get_untracked()
                on_save=on_save
                on_close=move || new_draft.set(None)
                busy=create.busy()
                server_error=save_field_error
                error=save_error
            />
        })}
        <Outlet/>
    }
}
