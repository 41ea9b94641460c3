//! The connected calendar against a real CalDAV server (Radicale): connect, discover, pick, and every session
//! change reaching the calendar through the persisted queue: create, reschedule (same UID and resource, new time,
//! new link, SEQUENCE + 1), cancel (gone), the server down (saved, arrives later), edits made in the calendar app,
//! a lost answer (never a duplicate), a password refused later.

use std::time::{Duration, Instant};

use api::calendar_sync::{CalendarConnection, CalendarState, CalendarSync, CalendarTest};
use chrono::Duration as Days;
use reqwest::Method;
use serde_json::{json, Value};

use crate::sessions::{cancel, connected_app, create, input, put, settled, upcoming};
use crate::support::radicale::{self, property, Radicale};
use crate::support::*;

async fn connect_calendar(app: &TestApp, server: &str, password: &str) -> reqwest::Response {
    app.send(
        Method::POST,
        api::paths::CALENDAR_SYNC_CALDAV,
        Some(&json!({ "server_url": server, "username": radicale::USER, "password": password })),
    )
    .await
}

async fn calendar_status(app: &TestApp) -> Option<CalendarConnection> {
    let r = app.send::<()>(Method::GET, api::paths::CALENDAR_SYNC, None).await;
    assert_eq!(r.status(), 200);
    r.json::<CalendarSync>().await.unwrap().connection
}

/// Connects the practitioner's Radicale account and picks its "Sessions" calendar.
async fn with_calendar(app: &TestApp, caldav: &Radicale) -> CalendarConnection {
    let r = connect_calendar(app, &caldav.base, radicale::PASSWORD).await;
    assert_eq!(r.status(), 200, "connect: {}", r.text().await.unwrap());
    let choosing: CalendarConnection = r.json().await.unwrap();
    assert_eq!(choosing.state, CalendarState::Choosing);
    let calendar = choosing
        .calendars
        .iter()
        .find(|c| c.name == radicale::CALENDAR)
        .expect("Sessions found");
    let r = app
        .send(
            Method::PUT,
            api::paths::CALENDAR_SYNC_CALENDAR,
            Some(&json!({ "url": calendar.url })),
        )
        .await;
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

fn push_queue(app: &TestApp) -> &server::calendar_sync::CalendarPush {
    app.push.as_ref().expect("the server runs in this process")
}

#[tokio::test]
async fn connecting_finds_the_calendars_and_the_password_never_comes_back_or_sits_in_the_clear() {
    let caldav = Radicale::start().await;
    let app = spawn_app().await;
    app.sign_in(SOLO).await;
    assert_eq!(calendar_status(&app).await, None);

    let r = connect_calendar(&app, &caldav.base, radicale::PASSWORD).await;
    assert_eq!(r.status(), 200);
    let body = r.text().await.unwrap();
    assert!(!body.contains(radicale::PASSWORD), "{body}");
    let choosing: CalendarConnection = serde_json::from_str(&body).unwrap();
    assert_eq!(choosing.state, CalendarState::Choosing);
    assert_eq!(choosing.calendars.len(), 1);
    assert_eq!(choosing.calendars[0].name, "Sessions");
    assert_eq!(choosing.calendars[0].url, caldav.calendar_url());
    assert_eq!(choosing.calendar, None);

    let connected = with_calendar(&app, &caldav).await;
    assert_eq!(connected.state, CalendarState::Connected);
    assert_eq!(connected.calendar.unwrap().name, "Sessions");
    let status = app
        .send::<()>(Method::GET, api::paths::CALENDAR_SYNC, None)
        .await
        .text()
        .await
        .unwrap();
    assert!(!status.contains(radicale::PASSWORD));

    let stored: String = sqlx::query_scalar("SELECT secret_enc FROM calendar_connections")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(!stored.contains(radicale::PASSWORD));
    assert_eq!(
        app.keys
            .decrypt(&stored, &format!("calendar_connection:{SOLO}"))
            .unwrap(),
        radicale::PASSWORD,
        "AES-GCM bound to this practitioner"
    );
    assert!(app.keys.decrypt(&stored, "calendar_connection:2").is_err());
    assert!(!captured_logs().contains(radicale::PASSWORD));

    let r = app
        .send(Method::POST, api::paths::CALENDAR_SYNC_TEST, None::<&()>)
        .await;
    let test: CalendarTest = r.json().await.unwrap();
    assert!(test.ok, "{}", test.message);
    assert!(test.message.contains("Sessions"), "{}", test.message);
}

#[tokio::test]
async fn a_wrong_password_an_address_that_is_not_caldav_and_a_private_address_get_clear_messages() {
    let caldav = Radicale::start().await;
    let app = spawn_app().await;
    app.sign_in(SOLO).await;

    let r = connect_calendar(&app, &caldav.base, "not-the-password").await;
    assert_eq!(r.status(), 400);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["code"], "calendar_auth_failed");
    assert!(e["message"].as_str().unwrap().contains("app-specific password"), "{e}");
    assert_eq!(calendar_status(&app).await, None, "nothing stored");

    // The Zoom sandbox answers HTTP, but not as a CalDAV server.
    let r = connect_calendar(&app, &app.sandbox, radicale::PASSWORD).await;
    assert_eq!(r.status(), 400);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["code"], "calendar_not_caldav", "{e}");

    let r = connect_calendar(&app, "http://127.0.0.1:9", radicale::PASSWORD).await;
    assert_eq!(r.status(), 502);
    assert_eq!(r.json::<Value>().await.unwrap()["code"], "calendar_unreachable");

    let r = connect_calendar(&app, "   ", radicale::PASSWORD).await;
    assert_eq!(r.json::<Value>().await.unwrap()["code"], "calendar_url_invalid");

    // A production server never reaches into its own network on a practitioner's say-so.
    let strict = spawn_app_with(|s| s.calendar_allow_private = false).await;
    strict.sign_in(SOLO).await;
    let r = connect_calendar(&strict, &caldav.base, radicale::PASSWORD).await;
    assert_eq!(r.status(), 400);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["code"], "calendar_url_invalid");
    assert!(
        e["message"].as_str().unwrap().contains("private or local address"),
        "{e}"
    );

    let r = app
        .send(
            Method::PUT,
            api::paths::CALENDAR_SYNC_CALENDAR,
            Some(&json!({ "url": "https://elsewhere.example/" })),
        )
        .await;
    assert_eq!(r.json::<Value>().await.unwrap()["code"], "calendar_not_connected");
}

#[tokio::test]
async fn create_reschedule_and_cancel_reach_the_calendar_within_seconds() {
    let caldav = Radicale::start().await;
    let app = connected_app().await;
    with_calendar(&app, &caldav).await;

    let started = Instant::now();
    let session = create(
        &app,
        &input("Jordan Avery", upcoming("Europe/London", 10, 0), "Europe/London"),
    )
    .await;
    let link = settled(&app, session.id).await.zoom.link.unwrap().join_url;
    let events = caldav.wait_for(1, |e| e[0].2.contains(&link)).await;
    println!(
        "create → event with its Zoom link in the calendar: {:?}",
        started.elapsed()
    );
    let (href, _, ics) = &events[0];
    let uid = property(ics, "UID").unwrap();
    assert_eq!(property(ics, "SEQUENCE").as_deref(), Some("0"));
    assert_eq!(property(ics, "LOCATION").as_deref(), Some(link.as_str()));
    assert!(property(ics, "DESCRIPTION").unwrap().contains(&link));
    assert!(
        property(ics, "DESCRIPTION").unwrap().contains(&format!(
            "If the Zoom link above no longer works\\, use {}",
            session.session_link
        )),
        "the session's stable link beside the Zoom link: {ics}"
    );
    assert_eq!(
        property(ics, "DTSTART"),
        Some(session.starts_at.format("%Y%m%dT%H%M%SZ").to_string())
    );
    assert!(!ics.contains("journaling"), "private notes never leave BetterBeing");

    let started = Instant::now();
    let moved = put(
        &app,
        session.id,
        &input("Jordan Avery", upcoming("Europe/London", 15, 30), "Europe/London"),
    )
    .await;
    let new_link = settled(&app, session.id).await.zoom.link.unwrap().join_url;
    assert_ne!(new_link, link);
    let events = caldav.wait_for(1, |e| e[0].2.contains(&new_link)).await;
    let elapsed = started.elapsed();
    println!("reschedule → the calendar's event has the new time and link: {elapsed:?}");
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
    let (moved_href, _, ics) = &events[0];
    assert_eq!(moved_href, href, "the same resource");
    assert_eq!(property(ics, "UID").unwrap(), uid, "the same UID");
    assert_eq!(property(ics, "SEQUENCE").as_deref(), Some("1"));
    assert_eq!(
        property(ics, "DTSTART"),
        Some(moved.starts_at.format("%Y%m%dT%H%M%SZ").to_string())
    );
    assert!(!ics.contains(&link), "the old, deleted meeting's link is gone");

    let started = Instant::now();
    cancel(&app, session.id).await;
    caldav.wait_for(0, |_| true).await;
    println!("cancel → the event is gone from the calendar: {:?}", started.elapsed());
    push_queue(&app).drain().await;
    assert_eq!(calendar_status(&app).await.unwrap().waiting, 0);
}

#[tokio::test]
async fn while_the_calendar_server_is_down_sessions_save_and_their_events_arrive_once_it_is_back() {
    let mut caldav = Radicale::start().await;
    let app = connected_app().await;
    with_calendar(&app, &caldav).await;
    caldav.stop();

    let session = create(
        &app,
        &input("Sam Lee", upcoming("America/New_York", 9, 0), "America/New_York"),
    )
    .await;
    let link = settled(&app, session.id).await.zoom.link.unwrap().join_url;
    push_queue(&app).drain().await;
    let status = calendar_status(&app).await.unwrap();
    assert_eq!(
        status.state,
        CalendarState::Connected,
        "an outage is not the practitioner's to fix"
    );
    assert_eq!(status.waiting, 1);
    let why = status.retrying_because.expect("the page says why");
    assert!(
        why.contains("could not be reached") && why.contains("keeps trying"),
        "{why}"
    );

    caldav.resume().await;
    // The retry is due after the backoff: move this server's clock there rather than sleep.
    app.clock.advance(Days::minutes(5));
    let events = caldav.wait_for(1, |e| e[0].2.contains(&link)).await;
    assert_eq!(events.len(), 1);
    push_queue(&app).drain().await;
    let status = calendar_status(&app).await.unwrap();
    assert_eq!((status.waiting, status.retrying_because), (0, None));
}

#[tokio::test]
async fn an_event_edited_or_deleted_in_the_calendar_app_is_brought_back_in_line_with_the_session() {
    let caldav = Radicale::start().await;
    let app = connected_app().await;
    with_calendar(&app, &caldav).await;
    let session = create(
        &app,
        &input("Jordan Avery", upcoming("Europe/London", 10, 0), "Europe/London"),
    )
    .await;
    let link = settled(&app, session.id).await.zoom.link.unwrap().join_url;
    let events = caldav.wait_for(1, |e| e[0].2.contains(&link)).await;
    let (href, etag, ics) = events[0].clone();

    // The practitioner drags the event in their calendar app and renames it (a new ETag, a higher SEQUENCE).
    let edited = ics
        .replace(&property(&ics, "SUMMARY").unwrap(), "Moved in my calendar app")
        .replace("SEQUENCE:0", "SEQUENCE:4");
    caldav.edit_in_calendar_app(&href, &edited).await;
    assert_ne!(caldav.events().await[0].1, etag);

    // The next change in BetterBeing: If-Match fails (412), the event is read again and rewritten from the session.
    let moved = put(
        &app,
        session.id,
        &input("Jordan Avery", upcoming("Europe/London", 11, 0), "Europe/London"),
    )
    .await;
    let new_link = settled(&app, session.id).await.zoom.link.unwrap().join_url;
    let events = caldav.wait_for(1, |e| e[0].2.contains(&new_link)).await;
    let ics = &events[0].2;
    assert_eq!(events[0].0, href);
    assert_eq!(property(ics, "SUMMARY").as_deref(), Some("Session with Jordan Avery"));
    assert_eq!(
        property(ics, "DTSTART"),
        Some(moved.starts_at.format("%Y%m%dT%H%M%SZ").to_string())
    );
    assert_eq!(
        property(ics, "SEQUENCE").as_deref(),
        Some("5"),
        "above the calendar app's"
    );

    // Deleted in the calendar app: the session's next change writes it again.
    caldav.delete_in_calendar_app(&href).await;
    put(
        &app,
        session.id,
        &input("Jordan Avery", upcoming("Europe/London", 12, 0), "Europe/London"),
    )
    .await;
    let newest = settled(&app, session.id).await.zoom.link.unwrap().join_url;
    let events = caldav.wait_for(1, |e| e[0].2.contains(&newest)).await;
    assert_eq!(property(&events[0].2, "SEQUENCE").as_deref(), Some("6"));

    // Edited again, then cancelled: a cancelled session's event goes whatever was edited.
    caldav
        .edit_in_calendar_app(&href, &events[0].2.replace("Session with", "Edited:"))
        .await;
    cancel(&app, session.id).await;
    caldav.wait_for(0, |_| true).await;
}

#[tokio::test]
async fn an_answer_lost_after_the_write_never_leaves_two_events() {
    let caldav = Radicale::start().await;
    let app = connected_app().await;
    with_calendar(&app, &caldav).await;
    let session = create(
        &app,
        &input("Jordan Avery", upcoming("Europe/London", 10, 0), "Europe/London"),
    )
    .await;
    settled(&app, session.id).await;
    let events = caldav.wait_for(1, |_| true).await;
    // As if the write had reached the server but its answer (and our record of it) was lost.
    sqlx::query("DELETE FROM calendar_events")
        .execute(&app.db)
        .await
        .unwrap();

    put(
        &app,
        session.id,
        &input("Jordan Avery", upcoming("Europe/London", 16, 0), "Europe/London"),
    )
    .await;
    let link = settled(&app, session.id).await.zoom.link.unwrap().join_url;
    let after = caldav.wait_for(1, |e| e[0].2.contains(&link)).await;
    assert_eq!(
        after[0].0, events[0].0,
        "the create found its own resource and updated it"
    );
    let recorded: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM calendar_events")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(recorded, 1);
}

#[tokio::test]
async fn picking_a_calendar_writes_the_upcoming_sessions_and_disconnecting_stops_writing() {
    let caldav = Radicale::start().await;
    let app = connected_app().await;
    let first = create(
        &app,
        &input("Jordan Avery", upcoming("Europe/London", 10, 0), "Europe/London"),
    )
    .await;
    let second = create(
        &app,
        &input("Sam Lee", upcoming("Europe/London", 12, 0), "Europe/London"),
    )
    .await;
    settled(&app, first.id).await;
    settled(&app, second.id).await;
    assert!(caldav.events().await.is_empty());

    with_calendar(&app, &caldav).await;
    caldav.wait_for(2, |_| true).await;

    let r = app.send::<()>(Method::DELETE, api::paths::CALENDAR_SYNC, None).await;
    assert_eq!(r.status(), 204);
    assert_eq!(calendar_status(&app).await, None);
    create(
        &app,
        &input("Robin Diaz", upcoming("Europe/London", 14, 0), "Europe/London"),
    )
    .await;
    push_queue(&app).drain().await;
    assert_eq!(
        caldav.events().await.len(),
        2,
        "events already written stay; nothing new is written"
    );
    let jobs: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM calendar_jobs")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(jobs, 0);
}

#[tokio::test]
async fn disconnecting_while_pushes_are_being_recorded_always_works_and_keeps_nothing() {
    // A push records its event, the connection's last push and its job in one transaction; a disconnect deletes the
    // jobs, the events and the connection. Taken in opposite orders they deadlocked on PostgreSQL (a 500 in CI).
    let caldav = Radicale::start().await;
    let app = connected_app().await;
    for round in 0..5 {
        with_calendar(&app, &caldav).await;
        for i in 0..4 {
            create(
                &app,
                &input(
                    &format!("Client {round}-{i}"),
                    upcoming("Europe/London", 8 + i, 0),
                    "Europe/London",
                ),
            )
            .await;
        }
        let r = app.send::<()>(Method::DELETE, api::paths::CALENDAR_SYNC, None).await;
        assert_eq!(r.status(), 204, "round {round}: {}", r.text().await.unwrap());
        push_queue(&app).drain().await;
        for table in ["calendar_jobs", "calendar_events", "calendar_connections"] {
            let left: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
                .fetch_one(&app.db)
                .await
                .unwrap();
            assert_eq!(left, 0, "round {round}: {table} still holds rows after the disconnect");
        }
    }
}

#[tokio::test]
async fn a_password_the_server_stops_accepting_parks_the_pushes_and_says_how_to_fix_it() {
    let caldav = Radicale::start().await;
    let app = connected_app().await;
    with_calendar(&app, &caldav).await;
    // The practitioner revokes the app-specific password at their provider.
    sqlx::query("UPDATE calendar_connections SET secret_enc = $1")
        .bind(app.keys.encrypt("revoked", &format!("calendar_connection:{SOLO}")))
        .execute(&app.db)
        .await
        .unwrap();
    let session = create(
        &app,
        &input("Jordan Avery", upcoming("Europe/London", 10, 0), "Europe/London"),
    )
    .await;
    settled(&app, session.id).await;
    push_queue(&app).drain().await;
    let status = calendar_status(&app).await.unwrap();
    assert_eq!(status.state, CalendarState::Failed);
    assert!(status.problem.unwrap().contains("Connect again"));
    assert_eq!(status.waiting, 1);
    let test: CalendarTest = app
        .send(Method::POST, api::paths::CALENDAR_SYNC_TEST, None::<&()>)
        .await
        .json()
        .await
        .unwrap();
    assert!(!test.ok);

    // Connecting again with a good password and picking the calendar sends what waited.
    with_calendar(&app, &caldav).await;
    caldav.wait_for(1, |_| true).await;
}
