use api::sessions::Session;
use chrono::{Datelike, NaiveDate, Utc};
use leptos::prelude::*;
use stylers::style;

use crate::logic::calendar::{self, CalendarView};
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

    // Blocks are written as HTML, a day at a time (see `blocks_html`); clicks reach the grid and name their block.
    let on_click = move |ev: leptos::ev::MouseEvent| {
        if let Some(id) = clicked_session(&ev) {
            on_open.run(id);
        }
    };
    // The open session's block is marked in place, without writing the grid again.
    let grid_ref = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |previous: Option<Option<i64>>| {
        let now = selected.get();
        if let Some(grid) = grid_ref.get() {
            for (id, current) in [(previous.flatten(), "false"), (now, "true")] {
                let block = id.and_then(|id| {
                    grid.query_selector(&format!("[data-session-id=\"{id}\"]"))
                        .ok()
                        .flatten()
                });
                if let Some(block) = block {
                    let _ = block.set_attribute("aria-current", current);
                }
            }
        }
        now
    });

    let time_grid = move |first: NaiveDate, end: NaiveDate| {
        let days = calendar::days_between(first, end);
        let zone_now = zone.get();
        let list = sessions.get();
        let placed = calendar::place_on_days(&list, &zone_now, first, days.len());
        let open = selected.get_untracked();
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
                let mut blocks = String::new();
                for p in placed.iter().filter(|p| p.day_index == index) {
                    let Some(session) = list.iter().find(|s| s.id == p.id) else {
                        continue;
                    };
                    let first_minute = first_hour * 60;
                    let top = calendar::percent(p.start_minute.saturating_sub(first_minute), span_minutes);
                    let size = calendar::percent(p.end_minute - p.start_minute, span_minutes);
                    let width = calendar::percent(1, p.lanes as u32);
                    let left = calendar::percent(p.lane as u32, p.lanes as u32);
                    let style =
                        format!("top: {top}; height: {size}; left: calc({left} + 2px); width: calc({width} - 4px)");
                    block_html(&mut blocks, class, session, &zone_now, &style, open);
                }
                let is_today = *d == today;
                view! { class = class,
                    <div
                        class="day"
                        class:today=is_today
                        data-testid="calendar-day"
                        data-date=dates::iso_date(*d)
                        aria-label=dates::long_date(*d)
                        role="group"
                        style=height.clone()
                        inner_html=blocks
                    ></div>
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
        let open = selected.get_untracked();
        let month = anchor.get().month();
        let today = today();
        let heads = days
            .iter()
            .take(7)
            .map(|d| view! { class = class, <div class="head" aria-hidden="true">{dates::weekday_short(*d)}</div> })
            .collect_view();
        let cells = days
            .iter()
            .zip(by_day)
            .map(|(d, ids)| {
                let outside = d.month() != month;
                let is_today = *d == today;
                let mut content = format!(r#"<span class="{class} number" aria-hidden="true">{}</span>"#, d.day());
                for session in ids.iter().filter_map(|id| list.iter().find(|s| s.id == *id)) {
                    block_html(&mut content, class, session, &zone_now, "", open);
                }
                view! { class = class,
                    <div
                        class="cell"
                        class:outside=outside
                        class:today=is_today
                        data-testid="calendar-day"
                        data-date=dates::iso_date(*d)
                        role="group"
                        aria-label=dates::long_date(*d)
                        inner_html=content
                    ></div>
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
        <div class="grid" data-testid="calendar-grid" data-view=move || view.get().name() on:click=on_click node_ref=grid_ref>
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

/// The session whose block (or something inside it) was clicked.
fn clicked_session(ev: &leptos::ev::MouseEvent) -> Option<i64> {
    use wasm_bindgen::JsCast;
    let target: web_sys::Element = ev.target()?.dyn_into().ok()?;
    target
        .closest("[data-testid=session-block]")
        .ok()??
        .get_attribute("data-session-id")?
        .parse()
        .ok()
}

/// Appends one session's block as HTML. A week holds hundreds of them: built through the DOM an element and an
/// attribute at a time they took ~0.1 ms each (26 ms for a week of 250); as one `inner_html` a day, the browser's
/// parser builds them. Four elements each: the link state is an image named in words (screen readers say the words,
/// not the symbol), which saves two elements a block for the browser to style and lay out. `class` is the grid's
/// scoped style class; everything taken from the session is escaped.
fn block_html(out: &mut String, class: &str, session: &Session, zone: &Zone, style: &str, open: Option<i64>) {
    use std::fmt::Write as _;
    let (symbol, words) = link_state::marker(&session.zoom);
    let time = dates::clock_in(zone, session.starts_at);
    let client = api::html::escape(&session.client_name);
    let _ = write!(
        out,
        concat!(
            r#"<button type="button" class="{c} block" data-testid="session-block" data-session-id="{id}" "#,
            r#"data-start="{time}" style="{style}" title="{time} {client} – {words}" aria-current="{current}">"#,
            r#"<span class="{c} time">{time}</span><span class="{c} client">{client}</span>"#,
            r#"<span class="{c} marker" data-testid="session-link-marker" data-link-state="{state}" "#,
            r#"data-link-outdated="{outdated}" role="img" aria-label="{words}">{symbol}</span></button>"#,
        ),
        c = class,
        id = session.id,
        time = api::html::escape(&time),
        style = api::html::escape(style),
        client = client,
        words = api::html::escape(words),
        current = open == Some(session.id),
        state = link_state::sync_name(&session.zoom.sync),
        outdated = session.zoom.link_outdated,
        symbol = api::html::escape(symbol),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use api::sessions::ZoomSync;
    use chrono::TimeZone;

    #[test]
    fn a_block_carries_what_the_calendar_and_its_tests_read_and_escapes_the_client() {
        let mut session = calendar::tests::session(7, Utc.with_ymd_and_hms(2026, 7, 1, 13, 0, 0).unwrap(), 60);
        session.client_name = r#"<img src=x onerror="alert('1')"> & Co"#.into();
        session.zoom.sync = ZoomSync::Failed {
            code: api::error::ErrorCode::ZoomUnavailable,
            zoom_message: None,
        };
        let mut html = String::new();
        block_html(
            &mut html,
            "l-1",
            &session,
            &Zone::named("America/New_York").unwrap(),
            "top: 10%",
            Some(7),
        );
        for expected in [
            r#"class="l-1 block" data-testid="session-block" data-session-id="7" data-start="09:00""#,
            r#"style="top: 10%""#,
            r#"aria-current="true""#,
            r#"data-testid="session-link-marker" data-link-state="failed" data-link-outdated="false" role="img" aria-label=""#,
            "&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt; &amp; Co",
        ] {
            assert!(html.contains(expected), "{expected} not in {html}");
        }
        assert!(!html.contains("<img"), "{html}");
        assert_eq!(html.matches("<button").count(), 1);
        assert_eq!(html.matches("<span").count(), 3, "{html}");
    }
}
