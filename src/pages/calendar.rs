use std::time::Duration;

use ::api::sessions::{Preferences, Session, SessionInput};
use chrono::{DateTime, NaiveDate, Utc};
use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use stylers::style;

use crate::api::{self, ApiError};
use crate::components::calendar_view::{CalendarGrid, CalendarToolbar};
use crate::components::session_dialog::SessionDialog;
use crate::components::zoom_attention::ZoomAttention;
use crate::config::Config;
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

#[derive(Debug, Clone, PartialEq)]
enum Phase {
    Loading,
    Failed(ApiError),
    Ready,
}

impl Phase {
    fn name(&self) -> &'static str {
        match self {
            Phase::Loading => "loading",
            Phase::Failed(_) => "error",
            Phase::Ready => "ready",
        }
    }
}

/// BetterBeing Console → Calendar. Owns the preferences, the sessions of the shown period (polled while Zoom is
/// still working on any of them) and the New session dialog; the session panel is its child route.
#[component]
pub fn CalendarPage() -> impl IntoView {
    let config = expect_context::<Config>();
    let navigate = use_navigate();
    let query = use_query_map();

    let to_sign_in = crate::app::use_sign_in_redirect();

    let preferences = LocalResource::new({
        let config = config.clone();
        move || {
            let config = config.clone();
            async move { api::sessions::preferences(&config).await }
        }
    });
    // The zone shown: the saved preference, then whatever the picker changes it to.
    let zone_name = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(Ok(p)) = preferences.get() {
            zone_name.set(Some(p.time_zone));
        }
    });
    let zone = Memo::new(move |_| Zone::named_or_utc(zone_name.get().as_deref().unwrap_or("UTC")));
    let browser_zone = zones::browser_zone_name();
    let zone_options = Signal::derive(move || {
        let current = zone_name.get().unwrap_or_default();
        zones::zone_options([current.as_str(), browser_zone.as_deref().unwrap_or("")])
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

    let sessions = LocalResource::new({
        let config = config.clone();
        move || {
            let config = config.clone();
            let range = range.get();
            async move {
                let (from, to) = range?;
                Some(((from, to), api::sessions::list(&config, from, to).await))
            }
        }
    });
    // The last list that arrived, with the range it is for: polling and refetches keep showing it until the next.
    let shown = RwSignal::new(None::<(Range, Vec<Session>)>);
    let host = HostEvents::use_context();
    Effect::new(move |_| {
        if let Some(Some((r, Ok(list)))) = sessions.get() {
            for s in &list {
                host.observe_link(s.id, s.zoom.link.as_ref().map(|l| l.join_url.as_str()));
            }
            shown.set(Some((r, list)));
        }
    });
    // Sessions changed in Zoom or repaired before they start, and meetings still to delete: asked with the sessions.
    let attention = LocalResource::new({
        let config = config.clone();
        move || {
            let config = config.clone();
            async move { api::sessions::attention(&config).await.ok() }
        }
    });
    let refresh = Callback::new(move |()| {
        sessions.refetch();
        attention.refetch();
    });

    Effect::new(move |_| {
        let settling = shown.with(|s| {
            s.as_ref()
                .is_some_and(|(_, list)| list.iter().any(|s| is_settling(&s.zoom.sync)))
        });
        if settling {
            let handle = set_timeout_with_handle(move || sessions.refetch(), SETTLING_POLL).ok();
            on_cleanup(move || {
                if let Some(h) = handle {
                    h.clear();
                }
            });
        }
    });

    let phase = Memo::new(move |_| {
        if let Some(Err(e)) = preferences.get() {
            return Phase::Failed(e);
        }
        let Some(current) = range.get() else {
            return Phase::Loading;
        };
        if shown.with(|s| s.as_ref().is_some_and(|(r, _)| *r == current)) {
            return Phase::Ready;
        }
        match sessions.get() {
            Some(Some((r, Err(e)))) if r == current => Phase::Failed(e),
            _ => Phase::Loading,
        }
    });
    Effect::new({
        let to_sign_in = to_sign_in.clone();
        move |_| {
            if let Phase::Failed(e) = phase.get() {
                if e.is_unauthenticated() {
                    to_sign_in();
                }
            }
        }
    });
    let visible = Signal::derive(move || {
        shown.with(|s| match s {
            Some((r, list)) if Some(*r) == range.get() => list.clone(),
            _ => Vec::new(),
        })
    });
    let retry = move |_| {
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

    let zone_saving = RwSignal::new(false);
    let zone_error = RwSignal::new(None::<String>);
    let on_zone = Callback::new({
        let config = config.clone();
        move |name: String| {
            let previous = zone_name.get_untracked();
            zone_name.set(Some(name.clone()));
            zone_saving.set(true);
            zone_error.set(None);
            let config = config.clone();
            leptos::task::spawn_local(async move {
                match api::sessions::save_preferences(&config, &Preferences { time_zone: name }).await {
                    Ok(saved) => zone_name.set(Some(saved.time_zone)),
                    Err(e) => {
                        zone_name.set(previous);
                        zone_error.set(Some(format!("The time zone was not saved. {}", friendly_message(&e))));
                    }
                }
                zone_saving.set(false);
            });
        }
    });

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
    let saving = RwSignal::new(false);
    let save_field_error = RwSignal::new(None::<FieldError>);
    let save_error = RwSignal::new(None::<String>);
    let on_new = Callback::new(move |()| {
        let z = zone.get_untracked();
        let (date, time) = calendar::proposed_start(view.get_untracked(), anchor.get_untracked(), &z, Utc::now());
        save_field_error.set(None);
        save_error.set(None);
        new_draft.set(Some(SessionDraft::new_at(date, time, z.name())));
    });
    let on_save = Callback::new({
        let config = config.clone();
        let navigate = navigate.clone();
        let to_sign_in = to_sign_in.clone();
        move |(input, draft): (SessionInput, SessionDraft)| {
            if saving.get_untracked() {
                return;
            }
            saving.set(true);
            save_field_error.set(None);
            save_error.set(None);
            let config = config.clone();
            let navigate = navigate.clone();
            let to_sign_in = to_sign_in.clone();
            leptos::task::spawn_local(async move {
                match api::sessions::create(&config, &input).await {
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
                    Err(e) if e.is_unauthenticated() => to_sign_in(),
                    Err(e) => match session_form::server_field_error(&e, &draft) {
                        Some(field) => save_field_error.set(Some(field)),
                        None => save_error.set(Some(friendly_message(&e))),
                    },
                }
                saving.set(false);
            });
        }
    });

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
        .error-text {
            color: var(--bb-color-danger-text);
        }
    };

    let body = move || {
        match phase.get() {
        Phase::Loading => view! { class = class,
            <div class="state" aria-busy="true"><p>"Loading your calendar\u{2026}"</p></div>
        }
        .into_any(),
        Phase::Failed(e) => view! { class = class,
            <div class="state" role="alert">
                <p class="error-text" data-testid="page-error">{friendly_message(&e)}</p>
                <button type="button" class="bb-button bb-button-secondary" data-testid="calendar-retry" on:click=retry>
                    "Try again"
                </button>
            </div>
        }
        .into_any(),
        Phase::Ready => view! { class = class,
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
                zone_saving=zone_saving
                on_view=on_view
                on_step=on_step
                on_today=on_today
                on_zone=on_zone
                on_new=on_new
            />
            <div data-testid="calendar-state" data-state=move || phase.get().name()>
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
                busy=saving
                server_error=save_field_error
                error=save_error
            />
        })}
        <Outlet/>
    }
}
