//! Changes made in Zoom itself, in a real browser: the sandbox deletes, moves and starts the meeting "in Zoom" and
//! sends Zoom's meeting events to the server; the practitioner sees each on the session and answers with one click.

use serde_json::json;

use crate::browser::Browser;
use crate::sessions::{connected, create_in_ui, join_link, next_weekday};
use crate::support::*;

/// Opens `path` again until `css` is on the page (the webhook is processed within moments).
async fn reload_until(app: &TestApp, browser: &Browser, path: &str, css: &str) {
    browser
        .eventually(&format!("{css} on {path}"), || async {
            browser.goto(&app.url(path)).await;
            browser.wait_for("[data-testid='session-panel']").await;
            browser.is_present(css).await
        })
        .await
}

/// Waits until `css` has left the page.
async fn wait_until_gone(browser: &Browser, css: &str) {
    browser
        .eventually(&format!("{css} gone from the page"), || async {
            !browser.is_present(css).await
        })
        .await
}

#[tokio::test]
async fn deleted_moved_and_started_in_zoom_each_show_on_the_session_with_a_way_back() {
    let (app, browser) = crate::setup().await;
    connected(&app, &browser).await;
    create_in_ui(&browser, "Ana", next_weekday(8), "10:00", "Europe/London").await;
    let first = join_link(&browser).await;
    let panel = browser.path_and_query().await;
    let meeting = app.live_meetings().await[0]["id"].to_string();

    // Deleted in Zoom: the session says so, and one click makes a new link.
    app.sandbox_post(&format!("/meetings/{meeting}/delete-in-zoom"), json!({}))
        .await;
    reload_until(
        &app,
        &browser,
        &panel,
        "[data-testid='changed-in-zoom'][data-kind='deleted']",
    )
    .await;
    assert!(
        !browser.is_present("[data-testid='zoom-join-link']").await,
        "the dead link is gone"
    );
    browser.screenshot_if_asked("zoom-side-deleted").await;
    browser
        .assert_accessible("session panel, meeting deleted in Zoom")
        .await;
    browser.click("[data-testid='make-new-zoom-link']").await;
    let second = join_link(&browser).await;
    assert_ne!(second, first);
    assert!(!browser.is_present("[data-testid='changed-in-zoom']").await);
    let live = app.wait_for_live_meetings(1).await;
    assert_eq!(live[0]["join_url"], second.as_str());
    let meeting = live[0]["id"].to_string();

    // Moved in Zoom: both times shown; put back.
    let zoom_time = app.sandbox_get(&format!("/meetings/{meeting}")).await["start_time"]
        .as_str()
        .unwrap()
        .parse::<chrono::DateTime<chrono::Utc>>()
        .unwrap()
        + chrono::Duration::hours(3);
    let move_path = format!("/meetings/{meeting}/move-in-zoom");
    let move_in_zoom = || {
        app.sandbox_post(
            &move_path,
            json!({ "start_time": zoom_time.to_rfc3339(), "duration": 30 }),
        )
    };
    move_in_zoom().await;
    reload_until(
        &app,
        &browser,
        &panel,
        "[data-testid='changed-in-zoom'][data-kind='moved']",
    )
    .await;
    // The calendar shows New York time: 10:00 in London is 05:00 there, and Zoom's 13:00 London is 08:00.
    assert!(browser.text("[data-testid='zoom-time']").await.contains("08:00"));
    assert!(
        browser.text("[data-testid='zoom-time']").await.contains("08:30"),
        "Zoom's 30 minutes"
    );
    assert!(browser.text("[data-testid='betterbeing-time']").await.contains("05:00"));
    browser.screenshot_if_asked("zoom-side-moved").await;
    browser.click("[data-testid='zoom-time-put-back']").await;
    wait_until_gone(&browser, "[data-testid='changed-in-zoom']").await;
    let back = app.sandbox_get(&format!("/meetings/{meeting}")).await;
    assert_eq!(back["duration"], 50);

    // Moved again; this time the session follows Zoom, keeping its link.
    move_in_zoom().await;
    reload_until(
        &app,
        &browser,
        &panel,
        "[data-testid='changed-in-zoom'][data-kind='moved']",
    )
    .await;
    let zoom_when = browser.text("[data-testid='zoom-time']").await;
    browser.click("[data-testid='zoom-time-follow']").await;
    wait_until_gone(&browser, "[data-testid='changed-in-zoom']").await;
    let when = browser.text("[data-testid='session-when']").await;
    assert!(
        when.starts_with(&zoom_when),
        "the session now has Zoom's time: {when} / {zoom_when}"
    );
    assert_eq!(
        browser.attr("[data-testid='zoom-join-link']", "href").await.as_deref(),
        Some(second.as_str())
    );

    // Started in Zoom: in progress.
    app.sandbox_post(&format!("/meetings/{meeting}/status"), json!({ "status": "started" }))
        .await;
    reload_until(&app, &browser, &panel, "[data-testid='in-progress']").await;
    browser.screenshot_if_asked("zoom-side-in-progress").await;
    browser.close().await;
}

#[tokio::test]
async fn the_check_before_a_session_remakes_a_missing_meeting_and_the_calendar_says_so() {
    let (app, browser) = crate::setup().await;
    connected(&app, &browser).await;
    create_in_ui(&browser, "Ana", next_weekday(8), "10:00", "Europe/London").await;
    let first = join_link(&browser).await;
    let meeting = app.live_meetings().await[0].clone();
    // Zoom's event about the deletion never arrives: the check is what finds it.
    app.without_meeting_events().await;
    app.sandbox_post(&format!("/meetings/{}/delete-in-zoom", meeting["id"]), json!({}))
        .await;
    let start: chrono::DateTime<chrono::Utc> = meeting["start_time"].as_str().unwrap().parse().unwrap();
    app.clock.advance_to_ms(start.timestamp_millis() - 23 * 3_600_000);
    assert_eq!(app.calendar.as_ref().unwrap().run_pre_session_checks().await, 1);
    let live = app.wait_for_live_meetings(1).await;
    let second = live[0]["join_url"].as_str().unwrap().to_string();
    assert_ne!(second, first);

    browser.click("[data-testid='close-session-panel']").await;
    browser.goto(&app.url(&browser.path_and_query().await)).await;
    let item = "[data-testid='zoom-attention'] [data-testid='attention-item'][data-reason='remade_after_deletion']";
    browser.wait_for(item).await;
    assert!(browser.text(item).await.contains("Ana"));
    browser.screenshot_if_asked("calendar-needs-attention").await;
    browser.assert_accessible("calendar, needs your attention").await;
    browser.click(&format!("{item} button")).await;
    browser.wait_for("[data-testid='zoom-notice']").await;
    assert!(browser
        .text("[data-testid='zoom-notice']")
        .await
        .contains("The Zoom link changed"));
    assert_eq!(join_link(&browser).await, second);
    browser.close().await;
}

#[tokio::test]
async fn a_cancel_while_zoom_needs_reauth_lists_the_meeting_until_the_reconnect_deletes_it() {
    let (app, browser) = crate::setup().await;
    connected(&app, &browser).await;
    create_in_ui(&browser, "Ana", next_weekday(8), "11:00", "Europe/London").await;
    join_link(&browser).await;
    let meeting = app.live_meetings().await[0]["id"].to_string();
    let zoom_user = app.zoom_user_id(LICENSED).await;
    app.sandbox_post(&format!("/users/{zoom_user}/kill-grant"), json!({}))
        .await;
    app.expire_stored_access_token(SOLO).await;
    browser.click("[data-testid='cancel-session']").await;
    browser.click("[data-testid='confirm-cancel-session']").await;
    let pending = format!("[data-testid='pending-deletion'][data-meeting-id='{meeting}']");
    eventually("the pending deletion on the calendar", || async {
        browser.goto(&app.url("/console/calendar")).await;
        browser
            .wait_for("[data-testid='calendar-state'][data-state='ready']")
            .await;
        browser.is_present(&pending).await
    })
    .await;
    assert!(
        browser.text(&pending).await.contains("Ana"),
        "the calendar lists the live meeting"
    );
    assert_eq!(app.live_meetings().await.len(), 1, "still live in Zoom, as it says");
    browser.click("[data-testid='pending-deletions-zoom-page']").await;
    browser.wait_for_zoom_state("needs_reauth").await;
    browser.wait_for(&pending).await;
    browser.screenshot_if_asked("zoom-pending-deletions").await;
    browser
        .assert_accessible("Zoom page, needs reauth, meetings still to delete")
        .await;
    browser.click("[data-testid='reauth-zoom']").await;
    crate::consent(&app, &browser, LICENSED, "#allow").await;
    browser.wait_for_zoom_state("connected").await;
    app.wait_for_live_meetings(0).await;
    browser.goto(&app.url("/console/video-accounts/zoom")).await;
    browser.wait_for_zoom_state("connected").await;
    assert!(
        !browser.is_present("[data-testid='pending-deletions']").await,
        "the list is empty once deleted"
    );
    browser.close().await;
}

#[tokio::test]
async fn cancelling_while_disconnected_says_the_meeting_stays_live_and_lists_it_until_the_reconnect() {
    let (app, browser) = crate::setup().await;
    connected(&app, &browser).await;
    create_in_ui(&browser, "Ana", next_weekday(8), "16:00", "Europe/London").await;
    join_link(&browser).await;
    let panel = browser.path_and_query().await;
    let meeting = app.live_meetings().await[0]["id"].to_string();

    browser.goto(&app.url("/console/video-accounts/zoom")).await;
    browser.click("[data-testid='disconnect-zoom']").await;
    browser.wait_for("[data-testid='disconnect-dialog'][open]").await;
    browser.click("[data-testid='confirm-disconnect']").await;
    browser.wait_for_zoom_state("not_connected").await;

    browser.goto(&app.url(&panel)).await;
    browser.click("[data-testid='cancel-session']").await;
    browser.wait_for("[data-testid='cancel-session-dialog'][open]").await;
    let words = browser.text("[data-testid='cancel-zoom-words']").await;
    assert!(words.contains("keeps working until you reconnect Zoom"), "{words}");
    browser.screenshot_if_asked("cancel-while-disconnected").await;
    browser.click("[data-testid='confirm-cancel-session']").await;
    let notice = browser.wait_for("[data-testid='calendar-notice']").await;
    let text = notice.text().await.unwrap();
    assert!(text.contains("stays live until you reconnect Zoom"), "{text}");
    let pending = format!("[data-testid='pending-deletion'][data-meeting-id='{meeting}']");
    browser.wait_for(&pending).await;
    browser.assert_accessible("calendar, a meeting still to delete").await;
    assert_eq!(
        app.live_meetings().await.len(),
        1,
        "as the page says, still live in Zoom"
    );

    // Reconnected: deleted, and the list is gone.
    browser.click("[data-testid='nav-zoom']").await;
    browser.wait_for(&pending).await;
    browser.click("[data-testid='connect-zoom']").await;
    crate::consent(&app, &browser, crate::support::LICENSED, "#allow").await;
    browser.wait_for_zoom_state("connected").await;
    app.wait_for_live_meetings(0).await;
    browser.goto(&app.url("/console/calendar")).await;
    browser
        .wait_for("[data-testid='calendar-state'][data-state='ready']")
        .await;
    assert!(!browser.is_present("[data-testid='pending-deletions']").await);
    browser.close().await;
}

/// Zoom drops the grant; the practitioner clicks Reauth and signs in to Zoom as the Basic account by mistake.
async fn reauth_with_the_other_account(app: &TestApp, browser: &Browser) {
    let zoom_user = app.zoom_user_id(crate::support::LICENSED).await;
    app.sandbox_post(&format!("/users/{zoom_user}/kill-grant"), json!({}))
        .await;
    browser.goto(&app.url("/console/video-accounts/zoom")).await;
    browser.click("[data-testid='check-again']").await;
    browser.wait_for_zoom_state("needs_reauth").await;
    browser.click("[data-testid='reauth-zoom']").await;
    crate::consent(app, browser, crate::support::BASIC, "#allow").await;
    browser.wait_for("[data-testid='account-switch']").await;
}

#[tokio::test]
async fn reauth_with_another_zoom_account_asks_and_both_answers_work() {
    let (app, browser) = crate::setup().await;
    connected(&app, &browser).await;
    create_in_ui(&browser, "Ana", next_weekday(8), "10:00", "Europe/London").await;
    let first = join_link(&browser).await;
    let panel = browser.path_and_query().await;

    // Nothing switched; the page names both accounts.
    reauth_with_the_other_account(&app, &browser).await;
    assert_eq!(
        browser.text("[data-testid='account-switch-current']").await,
        crate::support::LICENSED
    );
    assert_eq!(
        browser.text("[data-testid='account-switch-new']").await,
        crate::support::BASIC
    );
    browser.wait_for_zoom_state("needs_reauth").await;
    browser.screenshot_if_asked("zoom-account-switch").await;

    // Go back and authorize the account the sessions are on: everything as before.
    browser.click("[data-testid='account-switch-go-back']").await;
    crate::consent(&app, &browser, crate::support::LICENSED, "#allow").await;
    browser.wait_for_zoom_state("connected").await;
    assert!(!browser.is_present("[data-testid='account-switch']").await);
    browser.goto(&app.url(&panel)).await;
    assert_eq!(join_link(&browser).await, first, "the link did not change");

    // The same mistake again, and this time a switch on purpose.
    reauth_with_the_other_account(&app, &browser).await;
    browser.click("[data-testid='account-switch-confirm']").await;
    let said = browser.text("[data-testid='account-switched']").await;
    assert!(
        said.contains("Switched to") && said.contains("1 upcoming session is getting a new Zoom meeting"),
        "{said}"
    );
    browser.wait_for_zoom_state("connected").await;
    browser.goto(&app.url("/console/calendar")).await;
    let item = "[data-testid='attention-item'][data-reason='remade_after_account_switch']";
    browser.wait_for(item).await;
    browser.click(&format!("{item} button")).await;
    let second = join_link(&browser).await;
    assert_ne!(second, first, "a new link, on the new account");
    assert!(browser
        .text("[data-testid='zoom-notice']")
        .await
        .contains("switched Zoom accounts"));
    let live = app.live_meetings().await;
    let new_meeting = live
        .iter()
        .find(|m| m["join_url"] == second.as_str())
        .expect("the new meeting");
    assert_eq!(new_meeting["host_email"], crate::support::BASIC);
    browser.close().await;
}
