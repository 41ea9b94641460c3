use api::sessions::Session;
use chrono::{Datelike, NaiveDate, Utc};
use leptos::prelude::*;
use stylers::style;

use crate::logic::calendar::{self, CalendarView, Placed};
use crate::logic::dates;
use crate::logic::link_state;
use crate::logic::zones::{zone_label, Zone};

/// The calendar's controls: view switch, Today, previous / next, the period, the zone and New session.
#[component]
pub fn CalendarToolbar(
    #[prop(into)] view: Signal<CalendarView>,
    #[prop(into)] title: Signal<String>,
    #[prop(into)] zone: Signal<String>,
    #[prop(into)] zone_options: Signal<Vec<String>>,
    #[prop(into)] on_view: Callback<CalendarView>,
    #[prop(into)] on_step: Callback<bool>,
    #[prop(into)] on_today: Callback<()>,
    #[prop(into)] on_zone: Callback<String>,
    #[prop(into)] on_new: Callback<()>,
    #[prop(into, optional)] zone_saving: Signal<bool>,
) -> impl IntoView {
    let class = style! {"CalendarToolbar",
        .toolbar {
            display: flex;
            flex-wrap: wrap;
            align-items: center;
            gap: 0.75rem 1rem;
            margin: 0 0 1rem 0;
        }
        .group {
            display: flex;
            align-items: center;
            gap: 0.375rem;
        }
        .views {
            display: inline-flex;
            border: 1px solid var(--bb-color-border);
            border-radius: var(--bb-radius);
            overflow: hidden;
        }
        .views button {
            border: none;
            border-radius: 0;
            min-height: 2.5rem;
        }
        .views button[aria-pressed="true"] {
            background: var(--bb-color-primary);
            color: var(--bb-color-primary-text);
        }
        .step {
            min-width: 2.75rem;
            padding-left: 0.5rem;
            padding-right: 0.5rem;
        }
        h2 {
            font-size: 1.25rem;
            margin: 0;
            flex: 1 1 14rem;
        }
        label {
            font-size: 0.9375rem;
            color: var(--bb-color-text-muted);
        }
        select {
            font: inherit;
            padding: 0.5rem 0.625rem;
            border: 1px solid var(--bb-color-border);
            border-radius: var(--bb-radius);
            background: var(--bb-color-surface);
            color: var(--bb-color-text);
            min-height: 2.5rem;
            max-width: 16rem;
        }
    };

    let view_buttons = CalendarView::ALL
        .into_iter()
        .map(|v| {
            view! { class = class,
                <button
                    type="button"
                    class="bb-button bb-button-secondary"
                    data-testid=format!("view-{}", v.name())
                    aria-pressed=move || (view.get() == v).to_string()
                    on:click=move |_| on_view.run(v)
                >
                    {v.label()}
                </button>
            }
        })
        .collect_view();

    view! { class = class,
        <div class="toolbar" data-testid="calendar-toolbar">
            <div class="group views" role="group" aria-label="Calendar view">{view_buttons}</div>
            <div class="group">
                <button type="button" class="bb-button bb-button-secondary" data-testid="calendar-today" on:click=move |_| on_today.run(())>
                    "Today"
                </button>
                <button
                    type="button"
                    class="bb-button bb-button-secondary step"
                    data-testid="calendar-prev"
                    aria-label=move || view.get().previous_label()
                    title=move || view.get().previous_label()
                    on:click=move |_| on_step.run(false)
                >
                    <span aria-hidden="true">"\u{2039}"</span>
                </button>
                <button
                    type="button"
                    class="bb-button bb-button-secondary step"
                    data-testid="calendar-next"
                    aria-label=move || view.get().next_label()
                    title=move || view.get().next_label()
                    on:click=move |_| on_step.run(true)
                >
                    <span aria-hidden="true">"\u{203a}"</span>
                </button>
            </div>
            <h2 data-testid="calendar-title" aria-live="polite">{title}</h2>
            <div class="group">
                <label for="calendar-time-zone">"Time zone"</label>
                <select
                    id="calendar-time-zone"
                    data-testid="calendar-time-zone"
                    aria-busy=move || zone_saving.get().to_string()
                    on:change=move |ev| on_zone.run(event_target_value(&ev))
                >
                    {move || {
                        let current = zone.get();
                        zone_options
                            .get()
                            .into_iter()
                            .map(|z| {
                                let selected = z == current;
                                view! { <option value=z.clone() selected=selected>{zone_label(&z)}</option> }
                            })
                            .collect_view()
                    }}
                </select>
            </div>
            <button type="button" class="bb-button bb-button-primary" data-testid="new-session" on:click=move |_| on_new.run(())>
                "New session"
            </button>
        </div>
    }
}

/// The sessions of the period: a time grid (day, week) or a month of days. Each session is a button that calls
/// `on_open` with its id.
#[component]
pub fn CalendarGrid(
    #[prop(into)] view: Signal<CalendarView>,
    #[prop(into)] anchor: Signal<NaiveDate>,
    #[prop(into)] zone: Signal<Zone>,
    #[prop(into)] sessions: Signal<Vec<Session>>,
    #[prop(into)] on_open: Callback<i64>,
    #[prop(into, optional)] selected: Signal<Option<i64>>,
) -> impl IntoView {
    let class = style! {"CalendarGrid",
        .grid {
            background: var(--bb-color-surface);
            border: 1px solid var(--bb-color-border);
            border-radius: var(--bb-radius-large);
            overflow: hidden;
        }
        .heads {
            display: grid;
            border-bottom: 1px solid var(--bb-color-border);
            background: var(--bb-color-surface-muted);
        }
        .head {
            padding: 0.5rem 0.25rem;
            text-align: center;
            font-size: 0.875rem;
            font-weight: 600;
            color: var(--bb-color-text-muted);
        }
        .head.today {
            color: var(--bb-color-primary);
        }
        .body {
            display: grid;
            position: relative;
        }
        .hours {
            position: relative;
            border-right: 1px solid var(--bb-color-border);
        }
        .hour {
            position: absolute;
            right: 0.375rem;
            font-size: 0.75rem;
            color: var(--bb-color-text-muted);
            margin-top: -0.6rem;
        }
        .day {
            position: relative;
            border-left: 1px solid var(--bb-color-border);
            background-image: linear-gradient(to bottom, var(--bb-color-border) 1px, transparent 1px);
        }
        .day.today {
            background-color: var(--bb-color-surface-muted);
        }
        .block {
            position: absolute;
            box-sizing: border-box;
            margin: 0;
            padding: 0.125rem 0.375rem;
            border: 1px solid var(--bb-color-primary);
            border-left-width: 4px;
            border-radius: var(--bb-radius);
            background: var(--bb-color-info-surface);
            color: var(--bb-color-text);
            font: inherit;
            font-size: 0.8125rem;
            line-height: 1.25;
            text-align: left;
            overflow: hidden;
            cursor: pointer;
            min-height: 1.25rem;
            display: flex;
            flex-wrap: wrap;
            align-content: flex-start;
            gap: 0 0.375rem;
        }
        .block:hover {
            background: var(--bb-color-surface-muted);
        }
        .block[aria-current="true"] {
            box-shadow: 0 0 0 2px var(--bb-color-primary);
        }
        .time {
            font-weight: 600;
        }
        .client {
            overflow: hidden;
            text-overflow: ellipsis;
            white-space: nowrap;
            max-width: 100%;
        }
        .marker {
            font-weight: 700;
            color: var(--bb-color-text-muted);
        }
        .marker[data-link-state="failed"] {
            color: var(--bb-color-danger-text);
        }
        .month {
            display: grid;
            grid-template-columns: repeat(7, minmax(0, 1fr));
        }
        .cell {
            min-height: 6rem;
            border-left: 1px solid var(--bb-color-border);
            border-top: 1px solid var(--bb-color-border);
            padding: 0.25rem;
            display: flex;
            flex-direction: column;
            gap: 0.25rem;
        }
        .cell.outside {
            background: var(--bb-color-surface-muted);
            color: var(--bb-color-text-muted);
        }
        .cell.today .number {
            color: var(--bb-color-primary);
            font-weight: 700;
        }
        .number {
            font-size: 0.8125rem;
        }
        .cell .block {
            position: static;
            width: 100%;
        }
    };

    let today = move || calendar::date_in(&zone.get(), Utc::now());

    let block = move |session: Session, style_top: Option<String>| {
        let id = session.id;
        let (symbol, words) = link_state::marker(&session.zoom);
        let state = link_state::sync_name(&session.zoom.sync);
        let outdated = session.zoom.link_outdated;
        let time = dates::clock_in(&zone.get_untracked(), session.starts_at);
        let label_time = time.clone();
        let shown_time = time.clone();
        let style = style_top.unwrap_or_default();
        view! { class = class,
            <button
                type="button"
                class="block"
                data-testid="session-block"
                data-session-id=id.to_string()
                data-start=time
                style=style
                title=format!("{label_time} {} \u{2013} {words}", session.client_name)
                aria-current=move || (selected.get() == Some(id)).to_string()
                on:click=move |_| on_open.run(id)
            >
                <span class="time">{shown_time}</span>
                <span class="client">{session.client_name.clone()}</span>
                <span class="marker" data-testid="session-link-marker" data-link-state=state data-link-outdated=outdated.to_string()>
                    <span aria-hidden="true">{symbol}</span>
                    <span class="bb-visually-hidden">{words}</span>
                </span>
            </button>
        }
    };

    let time_grid = move |first: NaiveDate, end: NaiveDate| {
        let days = calendar::days_between(first, end);
        let zone_now = zone.get();
        let list = sessions.get();
        let placed = calendar::place_on_days(&list, &zone_now, first, days.len());
        let (first_hour, end_hour) = calendar::visible_hours(&placed);
        let span_minutes = (end_hour - first_hour) * 60;
        let columns = format!("4rem repeat({}, minmax(0, 1fr))", days.len());
        let today = today();
        let heads = days
            .iter()
            .map(|d| {
                let is_today = *d == today;
                view! { class = class,
                    <div class="head" class:today=is_today>
                        <abbr title=dates::long_date(*d)>{dates::day_heading(*d)}</abbr>
                    </div>
                }
            })
            .collect_view();
        let hour_labels = (first_hour..end_hour)
            .map(|h| {
                let top = calendar::percent((h - first_hour) * 60, span_minutes);
                view! { class = class, <span class="hour" style=format!("top: {top}")>{format!("{h:02}:00")}</span> }
            })
            .collect_view();
        let height = format!(
            "height: {}rem; background-size: 100% {}",
            (end_hour - first_hour) * 3,
            calendar::percent(1, end_hour - first_hour)
        );
        let columns_view = days
            .iter()
            .enumerate()
            .map(|(index, d)| {
                let mine: Vec<&Placed> = placed.iter().filter(|p| p.day_index == index).collect();
                let blocks = mine
                    .into_iter()
                    .filter_map(|p| {
                        let session = list.iter().find(|s| s.id == p.id)?.clone();
                        let first_minute = first_hour * 60;
                        let top = calendar::percent(p.start_minute.saturating_sub(first_minute), span_minutes);
                        let size = calendar::percent(p.end_minute - p.start_minute, span_minutes);
                        let width = calendar::percent(1, p.lanes as u32);
                        let left = calendar::percent(p.lane as u32, p.lanes as u32);
                        let style =
                            format!("top: {top}; height: {size}; left: calc({left} + 2px); width: calc({width} - 4px)");
                        Some(block(session, Some(style)))
                    })
                    .collect_view();
                let is_today = *d == today;
                view! { class = class,
                    <div
                        class="day"
                        class:today=is_today
                        data-testid="calendar-day"
                        data-date=d.format("%Y-%m-%d").to_string()
                        aria-label=dates::long_date(*d)
                        role="group"
                        style=height.clone()
                    >
                        {blocks}
                    </div>
                }
            })
            .collect_view();
        view! { class = class,
            <div class="heads" style=format!("grid-template-columns: {columns}")>
                <div class="head"></div>
                {heads}
            </div>
            <div class="body" style=format!("grid-template-columns: {columns}")>
                <div class="hours" aria-hidden="true">{hour_labels}</div>
                {columns_view}
            </div>
        }
        .into_any()
    };

    let month_grid = move |first: NaiveDate, end: NaiveDate| {
        let days = calendar::days_between(first, end);
        let zone_now = zone.get();
        let list = sessions.get();
        let by_day = calendar::by_start_day(&list, &zone_now, first, days.len());
        let month = anchor.get().month();
        let today = today();
        let heads = days
            .iter()
            .take(7)
            .map(|d| view! { class = class, <div class="head" aria-hidden="true">{d.format("%a").to_string()}</div> })
            .collect_view();
        let cells = days
            .iter()
            .zip(by_day)
            .map(|(d, ids)| {
                let outside = d.month() != month;
                let is_today = *d == today;
                let blocks = ids
                    .into_iter()
                    .filter_map(|id| list.iter().find(|s| s.id == id).cloned())
                    .map(|s| block(s, None))
                    .collect_view();
                view! { class = class,
                    <div class="cell" class:outside=outside class:today=is_today data-testid="calendar-day" data-date=d.format("%Y-%m-%d").to_string() role="group" aria-label=dates::long_date(*d)>
                        <span class="number" aria-hidden="true">{d.day()}</span>
                        {blocks}
                    </div>
                }
            })
            .collect_view();
        view! { class = class,
            <div class="heads month">{heads}</div>
            <div class="month">{cells}</div>
        }
        .into_any()
    };

    view! { class = class,
        <div class="grid" data-testid="calendar-grid" data-view=move || view.get().name()>
            {move || {
                let v = view.get();
                let (first, end) = calendar::visible_days(v, anchor.get());
                match v {
                    CalendarView::Month => month_grid(first, end),
                    _ => time_grid(first, end),
                }
            }}
        </div>
    }
}
