//! The connected calendar in a real browser, writing to a real CalDAV server (Radicale): connect (a wrong password
//! first), pick the calendar, test; create, reschedule and cancel sessions in the calendar UI and see each change
//! in the CalDAV server; the server down while a session is made; disconnect.

use std::time::Instant;

use crate::browser::Browser;
use crate::sessions::{connected, create_in_ui, join_link, next_weekday};
use crate::support::radicale::{self, property, Radicale};

async fn open_calendar_sync(browser: &Browser) {
    browser.click("[data-testid='nav-calendar-sync']").await;
    browser
        .wait_for("[data-testid='connected-calendar']:not([data-state='loading'])")
        .await;
}

async fn fill_and_connect(browser: &Browser, server: &str, password: &str) {
    browser.set_value("[data-testid='caldav-server-url']", server).await;
    browser
        .set_value("[data-testid='caldav-username']", radicale::USER)
        .await;
    browser.set_value("[data-testid='caldav-password']", password).await;
    browser.click("[data-testid='caldav-connect']").await;
}

/// On Calendar sync: connects the practitioner's Radicale account, trying a wrong password first.
async fn connect_calendar_in_ui(browser: &Browser, caldav: &Radicale) {
    open_calendar_sync(browser).await;
    browser
        .wait_for("[data-testid='connected-calendar'][data-state='none']")
        .await;
    fill_and_connect(browser, &caldav.base, "my-account-password").await;
    let error = browser.text("[data-testid='calendar-error']").await;
    browser.screenshot_if_asked("calendar-sync-wrong-password").await;
    browser.assert_accessible("calendar sync, a refused password").await;
    assert!(error.contains("did not accept this username and password"), "{error}");
    assert!(error.contains("app-specific password"), "{error}");
    assert!(
        browser
            .is_present("[data-testid='connected-calendar'][data-state='none']")
            .await
    );

    browser
        .set_value("[data-testid='caldav-password']", radicale::PASSWORD)
        .await;
    browser.click("[data-testid='caldav-connect']").await;
    browser
        .wait_for("[data-testid='connected-calendar'][data-state='choosing']")
        .await;
    assert!(
        !browser.is_present("[data-testid='calendar-error']").await,
        "the old error is gone"
    );
    let legend = browser.text("[data-testid='calendar-choose'] legend").await;
    browser.screenshot_if_asked("calendar-sync-choose").await;
    assert!(legend.contains("practitioner on 127.0.0.1"), "{legend}");
    assert_eq!(
        browser.text("[data-testid='calendar-choose'] label").await,
        radicale::CALENDAR
    );
    browser.click("[data-testid='calendar-use']").await;
    browser
        .wait_for("[data-testid='connected-calendar'][data-state='connected']")
        .await;
    let summary = browser.text("[data-testid='calendar-summary']").await;
    assert!(
        summary.contains("\u{201c}Sessions\u{201d}") && summary.contains("as practitioner"),
        "{summary}"
    );
}

#[tokio::test]
async fn connect_a_caldav_calendar_and_see_create_reschedule_and_cancel_reach_it() {
    let caldav = Radicale::start().await;
    let (app, browser) = crate::setup().await;
    connected(&app, &browser).await;
    connect_calendar_in_ui(&browser, &caldav).await;
    browser.click("[data-testid='calendar-test']").await;
    let result = browser.text("[data-testid='calendar-test-result']").await;
    assert!(result.contains("can write your sessions"), "{result}");
    browser.screenshot_if_asked("calendar-sync-connected").await;
    browser.assert_accessible("calendar sync, a connected calendar").await;

    let started = Instant::now();
    create_in_ui(&browser, "Ana", next_weekday(8), "10:00", "Europe/London").await;
    let first = join_link(&browser).await;
    let events = caldav.wait_for(1, |e| e[0].2.contains(&first)).await;
    println!(
        "browser: save → event with its link in the calendar: {:?}",
        started.elapsed()
    );
    let (href, _, ics) = &events[0];
    assert_eq!(property(ics, "LOCATION").as_deref(), Some(first.as_str()));
    assert!(!ics.contains("sleep diary"), "private notes stay in BetterBeing");
    let uid = property(ics, "UID").unwrap();

    browser.click("[data-testid='edit-session']").await;
    browser.wait_for("[data-testid='session-dialog'][open]").await;
    browser.set_value("#session-time", "14:30").await;
    let started = Instant::now();
    browser.click("[data-testid='save-session']").await;
    let events = caldav
        .wait_for(1, |e| {
            !e[0].2.contains(&first) && property(&e[0].2, "LOCATION").is_some()
        })
        .await;
    println!(
        "browser: reschedule → new time and link in the calendar: {:?}",
        started.elapsed()
    );
    let (moved_href, _, ics) = &events[0];
    assert_eq!(moved_href, href);
    assert_eq!(property(ics, "UID").unwrap(), uid);
    assert_eq!(property(ics, "SEQUENCE").as_deref(), Some("1"));
    assert!(
        property(ics, "DTSTART").unwrap().ends_with("T143000Z"),
        "14:30 in London in winter is 14:30 UTC"
    );
    let second = join_link(&browser).await;
    assert_eq!(property(ics, "LOCATION").as_deref(), Some(second.as_str()));

    browser.click("[data-testid='cancel-session']").await;
    browser.click("[data-testid='confirm-cancel-session']").await;
    browser.wait_for("[data-testid='calendar']").await;
    caldav.wait_for(0, |_| true).await;
    browser.close().await;
}

#[tokio::test]
async fn with_the_calendar_server_down_the_session_saves_and_its_event_arrives_once_it_is_back() {
    let mut caldav = Radicale::start().await;
    let (app, browser) = crate::setup().await;
    connected(&app, &browser).await;
    connect_calendar_in_ui(&browser, &caldav).await;
    caldav.stop();

    create_in_ui(&browser, "Ben", next_weekday(9), "09:00", "Europe/London").await;
    let link = join_link(&browser).await;
    app.push.as_ref().unwrap().drain().await;
    browser.click("[data-testid='close-session-panel']").await;
    open_calendar_sync(&browser).await;
    assert_eq!(
        browser.text("[data-testid='calendar-waiting']").await,
        "1 session is on its way to your calendar."
    );
    let why = browser.text("[data-testid='calendar-retrying']").await;
    assert!(
        why.contains("could not be reached") && why.contains("your sessions are saved"),
        "{why}"
    );
    browser.click("[data-testid='calendar-test']").await;
    let result = browser.text("[data-testid='calendar-test-result']").await;
    assert!(result.contains("could not reach"), "{result}");
    browser.screenshot_if_asked("calendar-sync-server-down").await;

    caldav.resume().await;
    app.clock.advance(chrono::Duration::minutes(5));
    caldav.wait_for(1, |e| e[0].2.contains(&link)).await;

    // Disconnect, behind a confirmation that says the events stay.
    browser.click("[data-testid='calendar-disconnect']").await;
    let dialog = browser.text("[data-testid='calendar-disconnect-dialog'][open]").await;
    assert!(dialog.contains("stay in your calendar"), "{dialog}");
    browser.click("[data-testid='calendar-disconnect-confirm']").await;
    browser
        .wait_for("[data-testid='connected-calendar'][data-state='none']")
        .await;
    assert_eq!(caldav.events().await.len(), 1);
    browser.close().await;
}
