//! The iCalendar feed, read back with an independent parser (the `ical` crate), not the code that writes it.

use api::sessions::{CalendarFeed, Session, SessionInput};
use chrono::{Datelike, Duration, Utc};
use ical::parser::ical::component::IcalEvent;

use crate::support::*;

fn prop<'a>(event: &'a IcalEvent, name: &str) -> Option<&'a str> {
    event
        .properties
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| p.value.as_deref())
}

fn parse(body: &str) -> Vec<IcalEvent> {
    let mut calendars = ical::IcalParser::new(body.as_bytes());
    let calendar = calendars.next().expect("one calendar").expect("valid iCalendar");
    assert!(calendars.next().is_none());
    calendar.events
}

fn input(client: &str, days_ahead: i64, hour: u32) -> SessionInput {
    let mut day = (Utc::now() + Duration::days(days_ahead)).date_naive();
    while day.weekday().number_from_monday() > 5 {
        day = day.succ_opt().unwrap();
    }
    SessionInput {
        client_name: client.into(),
        start_local: day.and_hms_opt(hour, 0, 0).unwrap(),
        time_zone: "Europe/Berlin".into(),
        duration_minutes: 50,
        private_notes: "PRIVATE-NOTE-never-in-feeds".into(),
        client_name_in_zoom_topic: false,
    }
}

#[tokio::test]
async fn the_feed_follows_reschedules_and_cancellations_without_private_notes() {
    let app = spawn_app().await;
    app.sign_in(SOLO).await;
    app.connect_as(LICENSED).await;
    let a: Session = app
        .send(reqwest::Method::POST, api::paths::SESSIONS, Some(&input("Ana", 8, 9)))
        .await
        .json()
        .await
        .unwrap();
    let b: Session = app
        .send(reqwest::Method::POST, api::paths::SESSIONS, Some(&input("Ben", 9, 11)))
        .await
        .json()
        .await
        .unwrap();
    let feed: CalendarFeed = app
        .client
        .get(app.url(api::paths::CALENDAR_FEED))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(feed.url.ends_with(".ics") && feed.webcal_url.starts_with("webcal://"));
    // Calendar apps fetch without any cookie.
    let fetch = || async { reqwest::get(&feed.url).await.unwrap() };
    let first = fetch().await;
    assert_eq!(first.status(), 200);
    assert!(first.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/calendar"));
    let body = first.text().await.unwrap();
    assert!(
        !body.contains("PRIVATE-NOTE"),
        "private notes never reach a calendar feed"
    );
    let events = parse(&body);
    assert_eq!(events.len(), 2);
    let ev_a = events
        .iter()
        .find(|e| prop(e, "SUMMARY").unwrap().contains("Ana"))
        .unwrap();
    let uid_a = prop(ev_a, "UID").unwrap().to_string();
    assert_eq!(prop(ev_a, "SEQUENCE"), Some("0"));
    let join_a = a.zoom.link.clone().unwrap().join_url;
    assert!(prop(ev_a, "DESCRIPTION").unwrap().contains(&join_a));
    assert_eq!(prop(ev_a, "LOCATION"), Some(join_a.as_str()));
    assert_eq!(prop(ev_a, "URL"), Some(join_a.as_str()));
    assert_eq!(
        prop(ev_a, "DTSTART"),
        Some(a.starts_at.format("%Y%m%dT%H%M%SZ").to_string().as_str())
    );
    assert_eq!(
        prop(ev_a, "DTEND"),
        Some(a.ends_at.format("%Y%m%dT%H%M%SZ").to_string().as_str())
    );

    // Reschedule A (same UID, SEQUENCE up, new time and link); cancel B (leaves the feed).
    let r = app
        .send(
            reqwest::Method::PUT,
            &api::paths::session(a.id),
            Some(&input("Ana", 10, 15)),
        )
        .await;
    assert_eq!(r.status(), 200);
    app.settle().await;
    let moved: Session = app.get_json(&api::paths::session(a.id)).await;
    assert!(
        moved.zoom.link.as_ref().is_some_and(|l| l.join_url != join_a) && !moved.zoom.link_outdated,
        "the reschedule has its new link: {:?}",
        moved.zoom
    );
    assert_eq!(
        app.send(reqwest::Method::DELETE, &api::paths::session(b.id), NO_BODY)
            .await
            .status(),
        204
    );
    let events = parse(&fetch().await.text().await.unwrap());
    assert_eq!(events.len(), 1, "the cancelled session left the feed");
    let ev = &events[0];
    assert_eq!(prop(ev, "UID"), Some(uid_a.as_str()));
    assert_eq!(prop(ev, "SEQUENCE"), Some("1"));
    assert_eq!(
        prop(ev, "DTSTART"),
        Some(moved.starts_at.format("%Y%m%dT%H%M%SZ").to_string().as_str())
    );
    let new_join = moved.zoom.link.unwrap().join_url;
    assert_ne!(new_join, join_a);
    assert_eq!(prop(ev, "LOCATION"), Some(new_join.as_str()));
}

#[tokio::test]
async fn rotating_the_secret_retires_the_old_url() {
    let app = spawn_app().await;
    app.sign_in(SOLO).await;
    let old: CalendarFeed = app
        .client
        .get(app.url(api::paths::CALENDAR_FEED))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let again: CalendarFeed = app
        .client
        .get(app.url(api::paths::CALENDAR_FEED))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(old.url, again.url, "the URL is stable until rotated");
    let new: CalendarFeed = app
        .send(reqwest::Method::POST, api::paths::CALENDAR_FEED, NO_BODY)
        .await
        .json()
        .await
        .unwrap();
    assert_ne!(new.url, old.url);
    assert_eq!(reqwest::get(&old.url).await.unwrap().status(), 404);
    assert_eq!(reqwest::get(&new.url).await.unwrap().status(), 200);
    assert_eq!(reqwest::get(app.url("/feeds/guess.ics")).await.unwrap().status(), 404);
}

#[tokio::test]
async fn a_single_session_downloads_as_an_ics_file() {
    let app = spawn_app().await;
    app.sign_in(SOLO).await;
    let s: Session = app
        .send(reqwest::Method::POST, api::paths::SESSIONS, Some(&input("Ana", 8, 9)))
        .await
        .json()
        .await
        .unwrap();
    let r = app
        .client
        .get(app.url(&api::paths::session_ics(s.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("attachment"));
    let events = parse(&r.text().await.unwrap());
    assert_eq!(events.len(), 1);
    assert!(prop(&events[0], "DESCRIPTION").unwrap().contains("No Zoom link yet"));
    let other = app.another_browser();
    other.sign_in(CLINIC_PRACTITIONER).await;
    assert_eq!(
        other
            .client
            .get(other.url(&api::paths::session_ics(s.id)))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}
