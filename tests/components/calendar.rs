//! The calendar grid and its toolbar: sessions land on the right day and time in the shown zone.
#![cfg(target_arch = "wasm32")]

use std::sync::{Arc, Mutex};

use crate::support::{mount, session, set_value, Mounted};
use api::sessions::MissingLinks;
use api::sessions::{Session, ZoomSync};
use betterbeing_zoom_web::components::calendar_view::{CalendarGrid, CalendarToolbar};
use betterbeing_zoom_web::components::missing_links_offer::MissingLinksOffer;
use betterbeing_zoom_web::logic::calendar::{instant_range, CalendarView};
use betterbeing_zoom_web::logic::zones::{zone_options, Zone};
use chrono::{NaiveDate, TimeZone, Utc};
use leptos::prelude::*;
use leptos::task::tick;
use wasm_bindgen_test::*;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn sessions() -> Vec<Session> {
    vec![
        // 14:00 UTC on Wednesday 25 November 2026: 09:00 in New York, 03:00 Thursday in Auckland.
        session(
            1,
            "Alex Kim",
            Utc.with_ymd_and_hms(2026, 11, 25, 14, 0, 0).unwrap(),
            50,
            ZoomSync::InSync,
        ),
        session(
            2,
            "Robin Diaz",
            Utc.with_ymd_and_hms(2026, 11, 27, 20, 30, 0).unwrap(),
            50,
            ZoomSync::NoLink,
        ),
    ]
}

fn mount_grid(view: CalendarView, zone: &str, opened: &Arc<Mutex<Vec<i64>>>) -> Mounted {
    let zone = Zone::named(zone).expect("the browser knows the zone");
    let opened = opened.clone();
    mount(move || {
        view! {
            <CalendarGrid
                view=Signal::derive(move || view)
                anchor=Signal::derive(|| date(2026, 11, 25))
                zone=Signal::derive(move || zone.clone())
                sessions=Signal::derive(sessions)
                on_open=move |id| opened.lock().unwrap().push(id)
            />
        }
    })
}

fn block_in_day(page: &Mounted, day: &str, id: i64) -> web_sys::HtmlElement {
    page.get(&format!(
        "[data-testid=calendar-day][data-date=\"{day}\"] [data-testid=session-block][data-session-id=\"{id}\"]"
    ))
}

#[wasm_bindgen_test]
fn the_browser_knows_dst() {
    let ny = Zone::named("America/New_York").unwrap();
    let (from, to) = instant_range(&ny, date(2026, 3, 2), date(2026, 3, 9));
    assert_eq!(from, Utc.with_ymd_and_hms(2026, 3, 2, 5, 0, 0).unwrap());
    assert_eq!((to - from).num_hours(), 7 * 24 - 1);
    assert!(Zone::named("Not/AZone").is_none());
}

#[wasm_bindgen_test]
async fn week_view_places_a_session_on_its_day_and_time_in_the_zone() {
    let opened = Arc::default();
    let page = mount_grid(CalendarView::Week, "America/New_York", &opened);
    tick().await;
    assert_eq!(page.all("[data-testid=calendar-day]").len(), 7);
    let block = block_in_day(&page, "2026-11-25", 1);
    assert_eq!(block.get_attribute("data-start").as_deref(), Some("09:00"));
    let text = block.text_content().unwrap();
    assert!(text.contains("09:00") && text.contains("Alex Kim"), "{text}");
    // The link state is read out in words (the marker is an image named by them), not as its symbol.
    assert_eq!(
        page.attr(
            "[data-session-id=\"1\"] [data-testid=session-link-marker]",
            "aria-label"
        )
        .as_deref(),
        Some("Zoom link ready")
    );
    assert_eq!(
        page.attr("[data-session-id=\"1\"] [data-testid=session-link-marker]", "role")
            .as_deref(),
        Some("img")
    );
    assert_eq!(
        page.attr(
            "[data-session-id=\"2\"] [data-testid=session-link-marker]",
            "data-link-state"
        )
        .as_deref(),
        Some("no_link")
    );
    assert_eq!(
        page.attr("[data-session-id=\"2\"]", "data-start").as_deref(),
        Some("15:30")
    );

    block.click();
    tick().await;
    assert_eq!(*opened.lock().unwrap(), vec![1]);
}

#[wasm_bindgen_test]
async fn the_open_session_is_marked_and_a_click_inside_a_block_opens_it() {
    let opened = Arc::new(Mutex::new(Vec::new()));
    let selected = RwSignal::new(Some(2));
    let page = mount({
        let opened = opened.clone();
        move || {
            let zone = Zone::named("America/New_York").unwrap();
            view! {
                <CalendarGrid
                    view=Signal::derive(|| CalendarView::Week)
                    anchor=Signal::derive(|| date(2026, 11, 25))
                    zone=Signal::derive(move || zone.clone())
                    sessions=Signal::derive(sessions)
                    on_open=move |id| opened.lock().unwrap().push(id)
                    selected=selected
                />
            }
        }
    });
    tick().await;
    let current = |id: i64| page.attr(&format!("[data-session-id=\"{id}\"]"), "aria-current");
    assert_eq!(
        (current(1).as_deref(), current(2).as_deref()),
        (Some("false"), Some("true"))
    );

    selected.set(Some(1));
    tick().await;
    assert_eq!(
        (current(1).as_deref(), current(2).as_deref()),
        (Some("true"), Some("false"))
    );

    // The client's name inside the block, not the block itself: the click still names the session.
    page.get("[data-session-id=\"2\"] .client").click();
    tick().await;
    assert_eq!(*opened.lock().unwrap(), vec![2]);
}

#[wasm_bindgen_test]
async fn the_same_session_moves_with_the_zone() {
    let opened = Arc::default();
    let page = mount_grid(CalendarView::Week, "Pacific/Auckland", &opened);
    tick().await;
    let block = block_in_day(&page, "2026-11-26", 1);
    assert_eq!(block.get_attribute("data-start").as_deref(), Some("03:00"));
}

#[wasm_bindgen_test]
async fn day_and_month_views_show_their_days() {
    let opened = Arc::default();
    let page = mount_grid(CalendarView::Day, "America/New_York", &opened);
    tick().await;
    assert_eq!(page.all("[data-testid=calendar-day]").len(), 1);
    block_in_day(&page, "2026-11-25", 1);
    assert!(page.find("[data-session-id=\"2\"]").is_none());
    drop(page);

    let page = mount_grid(CalendarView::Month, "America/New_York", &opened);
    tick().await;
    assert_eq!(page.all("[data-testid=calendar-day]").len(), 42);
    block_in_day(&page, "2026-11-25", 1);
    block_in_day(&page, "2026-11-27", 2);
}

#[wasm_bindgen_test]
async fn the_toolbar_switches_views_steps_and_changes_zone() {
    let events: Arc<Mutex<Vec<String>>> = Arc::default();
    let view = RwSignal::new(CalendarView::Week);
    let e = events.clone();
    let page = mount(move || {
        let (a, b, c, d, f) = (e.clone(), e.clone(), e.clone(), e.clone(), e.clone());
        view! {
            <CalendarToolbar
                view=view
                title=Signal::derive(|| "23 \u{2013} 29 November 2026".to_string())
                zone=Signal::derive(|| "Europe/London".to_string())
                zone_options=Signal::derive(|| zone_options(["Europe/London"]))
                on_view=move |v: CalendarView| a.lock().unwrap().push(v.name().to_string())
                on_step=move |forward: bool| b.lock().unwrap().push(if forward { "next" } else { "prev" }.to_string())
                on_today=move || c.lock().unwrap().push("today".into())
                on_zone=move |z: String| d.lock().unwrap().push(z)
                on_new=move || f.lock().unwrap().push("new".into())
            />
        }
    });
    tick().await;
    assert_eq!(
        page.attr("[data-testid=view-week]", "aria-pressed").as_deref(),
        Some("true")
    );
    page.get("[data-testid=view-month]").click();
    page.get("[data-testid=calendar-prev]").click();
    page.get("[data-testid=calendar-next]").click();
    page.get("[data-testid=calendar-today]").click();
    page.get("[data-testid=new-session]").click();
    set_value(&page.get("[data-testid=calendar-time-zone]"), "Asia/Tokyo");
    tick().await;
    assert_eq!(
        *events.lock().unwrap(),
        vec!["month", "prev", "next", "today", "new", "Asia/Tokyo"]
    );
    assert_eq!(
        page.text("[data-testid=calendar-title]"),
        "23 \u{2013} 29 November 2026"
    );
    assert!(page.find("label[for=calendar-time-zone]").is_some());
}

fn plan(count: i64, today: u32) -> MissingLinks {
    MissingLinks {
        session_ids: (1..=count).collect(),
        today,
        rest_from: (today < count as u32).then(|| "2026-12-06T00:00:00Z".parse().unwrap()),
        daily_limit: 100,
    }
}

#[wasm_bindgen_test]
async fn the_missing_links_offer_counts_and_confirms() {
    let done = RwSignal::new(None);
    let added = Arc::new(Mutex::new(0));
    let a = added.clone();
    let page = mount(move || {
        view! {
            <MissingLinksOffer missing=Signal::derive(|| Some(plan(3, 3))) on_add=move || *a.lock().unwrap() += 1 done=done/>
        }
    });
    tick().await;
    assert!(page
        .text("[data-testid=missing-links-offer]")
        .contains("3 upcoming sessions have no Zoom link"));
    assert!(
        page.find("[data-testid=missing-links-budget]").is_none(),
        "all fit today: no budget talk"
    );
    page.get("[data-testid=add-missing-links]").click();
    tick().await;
    assert_eq!(*added.lock().unwrap(), 1);
    done.set(Some(plan(3, 3)));
    tick().await;
    assert!(page.find("[data-testid=missing-links-offer]").is_none());
    assert!(page
        .text("[data-testid=missing-links-done]")
        .contains("3 upcoming sessions"));
}

#[wasm_bindgen_test]
async fn the_missing_links_offer_says_what_zoom_takes_today_and_when_the_rest_follow() {
    let done = RwSignal::new(None);
    let page = mount(move || {
        view! {
            <MissingLinksOffer missing=Signal::derive(|| Some(plan(1000, 40))) on_add=move || () done=done/>
        }
    });
    tick().await;
    assert_eq!(
        page.text("[data-testid=missing-links-budget]"),
        "Zoom takes 100 new or changed meetings a day per Zoom user: 40 today, the rest from Sunday 6 December 2026 \
         at 00:00 UTC, soonest sessions first."
    );
    done.set(Some(plan(1000, 40)));
    tick().await;
    assert!(page
        .text("[data-testid=missing-links-done]")
        .contains("1000 upcoming sessions are getting Zoom links"));
    assert!(page
        .text("[data-testid=missing-links-done]")
        .contains("Each waiting session says when its link comes."));
}
