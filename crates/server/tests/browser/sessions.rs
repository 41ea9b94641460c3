//! Sessions and their Zoom meetings, in a real browser: create, copy, start, reschedule, cancel, failures.

use std::time::Duration;

use chrono::{Datelike, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use fantoccini::Locator;
use serde_json::json;

use crate::browser::Browser;
use crate::support::*;

pub(crate) async fn connected(app: &TestApp, browser: &Browser) {
    crate::sign_in_as(app, browser, "Dr. Maya Rivera").await;
    browser.click("[data-testid='connect-zoom']").await;
    crate::consent(app, browser, LICENSED, "#allow").await;
    browser.wait_for_zoom_state("connected").await;
}

pub(crate) fn next_weekday(days_ahead: i64) -> NaiveDate {
    let mut day = (Utc::now() + chrono::Duration::days(days_ahead)).date_naive();
    while day.weekday().number_from_monday() > 5 {
        day = day.succ_opt().unwrap();
    }
    day
}

/// Opens the calendar and creates a session through the dialog; leaves the browser on the session panel.
pub(crate) async fn create_in_ui(browser: &Browser, client: &str, day: NaiveDate, time: &str, zone: &str) {
    browser.click("[data-testid='nav-calendar']").await;
    browser.click("[data-testid='new-session']").await;
    browser.wait_for("[data-testid='session-dialog'][open]").await;
    browser.set_value("#session-client", client).await;
    browser
        .set_value("#session-date", &day.format("%Y-%m-%d").to_string())
        .await;
    browser.set_value("#session-time", time).await;
    browser.set_value("#session-time-zone", zone).await;
    browser.set_value("#session-notes", "private: sleep diary").await;
    browser.click("[data-testid='save-session']").await;
    browser.wait_for("[data-testid='session-panel']").await;
}

pub(crate) async fn join_link(browser: &Browser) -> String {
    browser
        .wait_for("[data-testid='zoom-link-state'][data-state='in_sync']")
        .await;
    browser.attr("[data-testid='zoom-join-link']", "href").await.unwrap()
}

#[tokio::test]
async fn create_shows_the_meeting_link_copy_puts_it_on_the_clipboard_and_start_opens_a_fresh_host_link() {
    let (app, browser) = crate::setup().await;
    connected(&app, &browser).await;
    create_in_ui(&browser, "Jordan Lee", next_weekday(8), "09:00", "America/New_York").await;
    let link = join_link(&browser).await;
    let meetings = app.live_meetings().await;
    assert_eq!(meetings.len(), 1);
    assert_eq!(
        meetings[0]["join_url"],
        link.as_str(),
        "the link shown is the Zoom meeting's join_url"
    );
    assert!(
        !meetings[0].to_string().contains("sleep diary"),
        "private notes never reach Zoom"
    );

    browser.allow_clipboard_writes().await;
    browser.click("[data-testid='copy-link']").await;
    assert_eq!(browser.text("[data-testid='copy-feedback']").await, "Copied");
    assert_eq!(browser.clipboard_text().await, link);

    assert_eq!(browser.text("[data-testid='start-zoom']").await, "Start Zoom Session");
    let clicked_at = Utc::now() - chrono::Duration::seconds(1);
    let before = browser.client.windows().await.unwrap();
    browser.click("[data-testid='start-zoom']").await;
    let opened = eventually_some("Start opened a new tab", || async {
        let windows = browser.client.windows().await.unwrap();
        windows.into_iter().find(|w| !before.contains(w))
    })
    .await;
    browser.client.switch_to_window(opened).await.unwrap();
    let url = eventually_some("the new tab at Zoom", || async {
        let url = browser.client.current_url().await.unwrap().to_string();
        url.starts_with(&app.sandbox).then_some(url)
    })
    .await;
    assert!(
        url.starts_with(&format!("{}/s/", app.sandbox)),
        "the new tab opened Zoom's host link: {url}"
    );
    let meeting_id = meetings[0]["id"].to_string();
    let issued = app.sandbox_get(&format!("/meetings/{meeting_id}/start-urls")).await;
    let issued = issued.as_array().unwrap();
    let ours = issued
        .iter()
        .find(|u| u["start_url"] == url.as_str())
        .expect("a start URL Zoom issued");
    let issued_at: chrono::DateTime<Utc> = ours["issued_at"].as_str().unwrap().parse().unwrap();
    assert!(issued_at >= clicked_at, "fetched at the click, not before");
    browser.close().await;
}

#[tokio::test]
async fn rescheduling_gives_a_new_link_and_cancelling_removes_the_meeting() {
    let (app, browser) = crate::setup().await;
    connected(&app, &browser).await;
    create_in_ui(&browser, "Ana", next_weekday(8), "10:00", "Europe/London").await;
    let first = join_link(&browser).await;

    browser.click("[data-testid='edit-session']").await;
    browser.wait_for("[data-testid='session-dialog'][open]").await;
    browser.set_value("#session-time", "14:30").await;
    browser.click("[data-testid='save-session']").await;
    let second = eventually_some("a new Zoom link after the reschedule", || async {
        let link = browser
            .client
            .find(Locator::Css("[data-testid='zoom-join-link']"))
            .await
            .ok()?;
        // The panel re-renders while the new link arrives: a stale element just means "look again".
        let href = link.attr("href").await.ok()??;
        (href != first && !browser.is_present("[data-testid='link-outdated']").await).then_some(href)
    })
    .await;
    assert_ne!(second, first, "a new Zoom link after the reschedule");
    let live = app.wait_for_live_meetings(1).await;
    assert_eq!(
        live[0]["join_url"],
        second.as_str(),
        "the old meeting is gone from Zoom"
    );

    browser.click("[data-testid='cancel-session']").await;
    browser.click("[data-testid='confirm-cancel-session']").await;
    browser.wait_for("[data-testid='calendar']").await;
    app.wait_for_live_meetings(0).await;
    browser.close().await;
}

#[tokio::test]
async fn a_zoom_outage_shows_retrying_then_the_link_with_exactly_one_meeting() {
    let (app, browser) = crate::setup().await;
    connected(&app, &browser).await;
    app.sandbox_post(
        "/faults",
        json!({ "endpoint": "meetings.create", "mode": "error_503", "count": 3 }),
    )
    .await;
    create_in_ui(&browser, "Ana", next_weekday(8), "11:00", "Europe/London").await;
    browser
        .wait_for("[data-testid='zoom-link-state'][data-state='retrying']")
        .await;
    assert!(browser.text("[data-testid='retry-reason']").await.contains("Zoom"));
    let link = join_link(&browser).await;
    let live = app.wait_for_live_meetings(1).await;
    assert_eq!(live[0]["join_url"], link.as_str());
    browser.close().await;
}

#[tokio::test]
async fn cancelling_while_zoom_is_down_deletes_the_meeting_after_recovery() {
    let (app, browser) = crate::setup().await;
    connected(&app, &browser).await;
    create_in_ui(&browser, "Ana", next_weekday(8), "12:00", "Europe/London").await;
    join_link(&browser).await;
    app.sandbox_post(
        "/faults",
        json!({ "endpoint": "meetings.delete", "mode": "error_500", "count": 2 }),
    )
    .await;
    browser.click("[data-testid='cancel-session']").await;
    browser.click("[data-testid='confirm-cancel-session']").await;
    browser.wait_for("[data-testid='calendar']").await;
    assert_eq!(
        app.live_meetings().await.len(),
        1,
        "Zoom is down: the meeting is still there for now"
    );
    app.wait_for_live_meetings(0).await;
    browser.close().await;
}

#[tokio::test]
async fn a_session_made_before_connecting_gets_a_link_from_the_zoom_page_offer() {
    let (app, browser) = crate::setup().await;
    crate::sign_in_as(&app, &browser, "Dr. Maya Rivera").await;
    create_in_ui(&browser, "Ana", next_weekday(8), "09:30", "Europe/London").await;
    browser
        .wait_for("[data-testid='zoom-link-state'][data-state='no_link']")
        .await;
    browser.click("[data-testid='connect-zoom-link']").await;
    browser.click("[data-testid='connect-zoom']").await;
    crate::consent(&app, &browser, LICENSED, "#allow").await;
    browser.wait_for_zoom_state("connected").await;
    browser.click("[data-testid='add-missing-links']").await;
    browser.wait_for("[data-testid='missing-links-done']").await;
    app.wait_for_live_meetings(1).await;
    browser.close().await;
}

#[tokio::test]
async fn nine_in_new_york_after_the_next_dst_change_reaches_zoom_at_the_right_instant() {
    let (app, browser) = crate::setup().await;
    connected(&app, &browser).await;
    let tz = Tz::America__New_York;
    let offset = |d: NaiveDate| {
        tz.from_local_datetime(&d.and_hms_opt(12, 0, 0).unwrap())
            .unwrap()
            .offset()
            .to_string()
    };
    let mut day = Utc::now().with_timezone(&tz).date_naive();
    let before = offset(day);
    while offset(day) == before {
        day = day.succ_opt().unwrap();
    }
    let day = day + chrono::Duration::days(3);
    create_in_ui(&browser, "Sam", day, "09:00", "America/New_York").await;
    join_link(&browser).await;
    let expected = tz
        .from_local_datetime(&day.and_hms_opt(9, 0, 0).unwrap())
        .unwrap()
        .with_timezone(&Utc);
    let meeting = &app.live_meetings().await[0];
    let zoom_start: chrono::DateTime<Utc> = meeting["start_time"].as_str().unwrap().parse().unwrap();
    assert_eq!(zoom_start, expected);
    assert_eq!(meeting["timezone"], "America/New_York");
    browser.close().await;
}

#[tokio::test]
async fn join_from_your_browser_instead_opens_zooms_web_client_for_the_meeting() {
    let (app, browser) = crate::setup().await;
    connected(&app, &browser).await;
    create_in_ui(&browser, "Ana", next_weekday(8), "13:00", "Europe/London").await;
    let link = join_link(&browser).await;
    browser.click_into_new_tab("[data-testid='browser-join']").await;
    browser.wait_for("#title").await;
    assert_eq!(browser.text("#title").await, "Joining meeting in your browser");
    let url = browser.client.current_url().await.unwrap().to_string();
    let meeting = link.split("/j/").nth(1).unwrap();
    assert_eq!(
        url,
        format!("{}/wc/join/{meeting}", app.sandbox),
        "the same meeting and passcode, in the web client"
    );
    browser.close().await;
}

#[tokio::test]
async fn changing_only_the_duration_keeps_the_clients_link() {
    let (app, browser) = crate::setup().await;
    connected(&app, &browser).await;
    create_in_ui(&browser, "Ana", next_weekday(8), "15:00", "Europe/London").await;
    let link = join_link(&browser).await;
    browser.click("[data-testid='edit-session']").await;
    browser.wait_for("[data-testid='session-dialog'][open]").await;
    browser.set_value("#session-duration", "80").await;
    browser.click("[data-testid='save-session']").await;
    eventually("the new duration shown", || async {
        browser.text("[data-testid='session-duration']").await.contains("20")
    })
    .await;
    assert!(
        browser
            .text("[data-testid='session-duration']")
            .await
            .contains("1 hour 20"),
        "the new length shows"
    );
    assert_eq!(join_link(&browser).await, link, "the same Zoom link");
    assert!(!browser.is_present("[data-testid='link-outdated']").await);
    let live = app.wait_for_live_meetings(1).await;
    assert_eq!(live[0]["join_url"], link.as_str());
    assert_eq!(live[0]["duration"], 80);
    browser.close().await;
}

#[tokio::test]
async fn editing_a_session_made_before_connecting_generates_its_link() {
    let (app, browser) = crate::setup().await;
    crate::sign_in_as(&app, &browser, "Dr. Maya Rivera").await;
    create_in_ui(&browser, "Ana", next_weekday(8), "09:30", "Europe/London").await;
    browser
        .wait_for("[data-testid='zoom-link-state'][data-state='no_link']")
        .await;
    let panel = browser.path_and_query().await;
    browser.goto(&app.url(ZOOM_PAGE)).await;
    browser.click("[data-testid='connect-zoom']").await;
    crate::consent(&app, &browser, LICENSED, "#allow").await;
    browser.wait_for_zoom_state("connected").await;

    // Getting Started step 5: create or edit a session, and the link is generated.
    browser.goto(&app.url(&panel)).await;
    browser.click("[data-testid='edit-session']").await;
    browser.wait_for("[data-testid='session-dialog'][open]").await;
    browser.set_value("#session-notes", "moved rooms").await;
    browser.click("[data-testid='save-session']").await;
    let link = join_link(&browser).await;
    let live = app.wait_for_live_meetings(1).await;
    assert_eq!(live[0]["join_url"], link.as_str());
    browser.close().await;
}

#[tokio::test]
async fn after_a_reschedule_the_panel_offers_a_ready_to_send_message_with_the_new_time_and_link() {
    let (app, browser) = crate::setup().await;
    connected(&app, &browser).await;
    create_in_ui(&browser, "Ana", next_weekday(8), "10:00", "Europe/London").await;
    let first = join_link(&browser).await;
    assert!(!browser.is_present("[data-testid='rescheduled-tell-client']").await);
    browser.click("[data-testid='edit-session']").await;
    browser.wait_for("[data-testid='session-dialog'][open]").await;
    browser.set_value("#session-time", "14:30").await;
    browser.click("[data-testid='save-session']").await;
    browser.wait_for("[data-testid='rescheduled-tell-client']").await;
    let second = eventually_some("the new Zoom link", || async {
        let link = join_link(&browser).await;
        (link != first && !browser.is_present("[data-testid='link-outdated']").await).then_some(link)
    })
    .await;
    assert_ne!(second, first);
    browser.allow_clipboard_writes().await;
    browser.click("[data-testid='copy-client-message']").await;
    assert_eq!(
        browser.text("[data-testid='copy-client-message-feedback']").await,
        "Copied"
    );
    let message = browser.clipboard_text().await;
    assert!(
        message.contains("14:30"),
        "the new time, in the session's zone: {message}"
    );
    assert!(message.contains(&second), "the new link: {message}");
    assert!(!message.contains(&first), "never the old link: {message}");
    assert!(message.contains("/join/"), "and the link that always works: {message}");
    assert!(!message.contains("sleep diary"), "never the private notes");
    browser.screenshot_if_asked("session-rescheduled-message").await;
    browser.close().await;
}

#[tokio::test]
async fn day_week_and_month_views_and_the_time_zone_selector_show_the_session_where_it_belongs() {
    let (app, browser) = crate::setup().await;
    connected(&app, &browser).await;
    let day = next_weekday(8);
    create_in_ui(&browser, "Ana", day, "10:00", "Europe/London").await;
    join_link(&browser).await;
    browser.click("[data-testid='close-session-panel']").await;
    let block = "[data-testid='session-block']";
    // Week (the default), in New York: 10:00 London is 05:00 there.
    browser
        .wait_for("[data-testid='calendar-grid'][data-view='week']")
        .await;
    let week = browser.path_and_query().await;
    assert_eq!(browser.attr(block, "data-start").await.as_deref(), Some("05:00"));
    for view in ["day", "month", "week"] {
        browser.click(&format!("[data-testid='view-{view}']")).await;
        browser
            .wait_for(&format!("[data-testid='calendar-grid'][data-view='{view}']"))
            .await;
        browser.wait_for(block).await;
        assert_eq!(
            browser.attr(block, "data-start").await.as_deref(),
            Some("05:00"),
            "the session shows in the {view} view"
        );
    }
    // Another zone: the same session at its London time.
    browser
        .set_value("[data-testid='calendar-time-zone']", "Europe/London")
        .await;
    eventually("the calendar in London time", || async {
        browser.attr(block, "data-start").await.as_deref() == Some("10:00")
    })
    .await;
    assert_eq!(browser.attr(block, "data-start").await.as_deref(), Some("10:00"));
    browser.goto(&app.url(&week)).await;
    browser.wait_for(block).await;
    assert_eq!(
        browser.attr(block, "data-start").await.as_deref(),
        Some("10:00"),
        "the zone is remembered"
    );
    browser.close().await;
}

#[tokio::test]
async fn retry_now_on_a_delayed_link_makes_it_at_once() {
    let (app, browser) = crate::setup().await;
    connected(&app, &browser).await;
    app.sandbox_post(
        "/faults",
        json!({ "endpoint": "meetings.create", "mode": "error_503", "count": 1000 }),
    )
    .await;
    create_in_ui(&browser, "Ana", next_weekday(8), "11:30", "Europe/London").await;
    browser
        .wait_for("[data-testid='zoom-link-state'][data-state='retrying']")
        .await;
    browser.assert_accessible("session panel, Zoom retrying").await;
    // Four failed attempts: BetterBeing's own next try is 8 seconds away (backoff ×3 from 0.3 s in tests).
    eventually("four failed attempts shown", || async {
        let attempts: u32 = browser
            .text("[data-testid='retry-attempts']")
            .await
            .parse()
            .unwrap_or(0);
        attempts >= 4
    })
    .await;
    app.client
        .delete(format!("{}/_sandbox/faults", app.sandbox))
        .send()
        .await
        .unwrap();
    let clicked = std::time::Instant::now();
    browser.click("[data-testid='retry-zoom']").await;
    let link = join_link(&browser).await;
    assert!(
        clicked.elapsed() < Duration::from_secs(5),
        "made at the click, not by the next scheduled try: {:?}",
        clicked.elapsed()
    );
    let live = app.wait_for_live_meetings(1).await;
    assert_eq!(live[0]["join_url"], link.as_str());
    browser.close().await;
}

#[tokio::test]
async fn add_zoom_links_says_what_zoom_takes_today_and_a_waiting_session_says_when_its_link_comes() {
    let (app, browser) = crate::setup().await;
    crate::sign_in_as(&app, &browser, "Dr. Maya Rivera").await;
    for (client, days) in [("Ana", 8), ("Ben", 9), ("Cleo", 10)] {
        create_in_ui(&browser, client, next_weekday(days), "09:30", "Europe/London").await;
    }
    // Earlier today 88 of this Zoom user's 100 creates/updates were used: "Add Zoom links" may make 2 (10 stay for
    // the practitioner's own bookings).
    let zoom_user = app.zoom_user_id(LICENSED).await;
    let today = Utc::now().timestamp_millis().div_euclid(86_400_000);
    sqlx::query("INSERT INTO zoom_daily_budgets (zoom_user_id, day, used, interactive_used, updated_at) VALUES ($1, $2, 88, 0, 0)")
        .bind(&zoom_user)
        .bind(today)
        .execute(&app.db)
        .await
        .unwrap();
    browser.click("[data-testid='nav-zoom']").await;
    browser.click("[data-testid='connect-zoom']").await;
    crate::consent(&app, &browser, LICENSED, "#allow").await;
    browser.wait_for_zoom_state("connected").await;
    let tomorrow = (Utc::now() + chrono::Duration::days(1))
        .date_naive()
        .format("%A %-d %B %Y")
        .to_string();
    let budget = format!(
        "Zoom takes 100 new or changed meetings a day per Zoom user: 2 today, the rest from {tomorrow} at 00:00 UTC, \
         soonest sessions first."
    );
    browser.wait_for("[data-testid='missing-links-budget']").await;
    assert_eq!(browser.text("[data-testid='missing-links-budget']").await, budget);
    browser.click("[data-testid='add-missing-links']").await;
    browser.wait_for("[data-testid='missing-links-done']").await;
    let done = browser.text("[data-testid='missing-links-done']").await;
    assert!(
        done.contains("3 upcoming sessions are getting Zoom links") && done.contains(&budget),
        "{done}"
    );
    browser
        .assert_accessible("Zoom page, links beyond today's budget")
        .await;
    browser.screenshot_if_asked("zoom-links-budget").await;
    app.wait_for_live_meetings(2).await;

    // The third (latest) session waits for Zoom's reset, and says so; "Make this link now" uses the reserve.
    let (cleo,): (i64,) = sqlx::query_as("SELECT id FROM sessions WHERE client_name = 'Cleo'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    browser
        .goto(&app.url(&format!("/console/calendar/sessions/{cleo}")))
        .await;
    browser
        .wait_for("[data-testid='zoom-link-state'][data-state='retrying']")
        .await;
    let panel = browser.text("[data-testid='zoom-link-state']").await;
    assert!(panel.contains("Waiting for Zoom\u{2019}s daily limit"), "{panel}");
    assert!(panel.contains("soonest sessions first"), "{panel}");
    browser
        .assert_accessible("session panel, waiting for Zoom's daily reset")
        .await;
    browser.screenshot_if_asked("session-waiting-for-daily-reset").await;
    assert_eq!(app.live_meetings().await.len(), 2, "nothing sent beyond today's budget");
    browser.click("[data-testid='retry-zoom']").await;
    join_link(&browser).await;
    assert_eq!(app.live_meetings().await.len(), 3);
    browser.close().await;
}

#[tokio::test]
async fn the_time_zone_picker_offers_the_browsers_own_zone() {
    // The calendar draws from the offsets the server tells; the browser's zone joins the picker once it is idle.
    let (app, browser) = crate::setup().await;
    browser
        .cdp(
            "Emulation.setTimezoneOverride",
            json!({ "timezoneId": "Pacific/Chatham" }),
        )
        .await;
    crate::sign_in_as(&app, &browser, "Priya Shah").await;
    browser.goto(&app.url("/console/calendar")).await;
    browser
        .wait_for("[data-testid='calendar-state'][data-state='ready']")
        .await;
    let picker = "[data-testid='calendar-time-zone']";
    browser
        .wait_for(&format!("{picker} option[value='Pacific/Chatham']"))
        .await;
    browser.set_value(picker, "Pacific/Chatham").await;
    browser
        .eventually("the zone saved", || async {
            let saved = browser
                .client
                .execute_async(
                    "const done = arguments[arguments.length - 1];
                     fetch('/api/me/preferences').then(r => r.json()).then(p => done(p.time_zone), () => done(null));",
                    vec![],
                )
                .await
                .unwrap();
            saved == json!("Pacific/Chatham")
        })
        .await;
    browser.goto(&app.url("/console/calendar")).await;
    browser
        .wait_for(&format!("{picker} option[value='Pacific/Chatham'][selected]"))
        .await;
    browser.close().await;
}
