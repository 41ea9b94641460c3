//! An axe-core audit (WCAG 2.0, 2.1 and 2.2, A and AA) of every page, dialog and state the journeys reach: 0
//! violations. axe-core comes from npm (scripts/setup) and is injected through WebDriver; the audit covers the whole
//! document in each state.

use serde_json::json;

use crate::browser::Browser;
use crate::sessions::{create_in_ui, join_link, next_weekday};
use crate::support::*;

async fn audit(browser: &Browser, state: &str) {
    browser.assert_accessible(state).await;
}

async fn open_dialog_and_audit(browser: &Browser, opener: &str, dialog: &str, closer: &str, state: &str) {
    browser.click(opener).await;
    browser.wait_for(&format!("{dialog}[open]")).await;
    audit(browser, state).await;
    browser.click(closer).await;
}

#[tokio::test]
async fn every_page_dialog_and_state_has_no_wcag_22_aa_violation() {
    let (app, browser) = crate::setup().await;

    browser.goto(&app.url("/signin")).await;
    browser.wait_for("button").await;
    audit(&browser, "sign-in").await;

    crate::sign_in_as(&app, &browser, "Dr. Maya Rivera").await;
    browser.wait_for_zoom_state("not_connected").await;
    audit(&browser, "Zoom page, not connected").await;
    browser.goto(&app.url("/console/calendar")).await;
    browser
        .wait_for("[data-testid='calendar-state'][data-state='ready']")
        .await;
    audit(&browser, "calendar, empty week").await;
    create_in_ui(&browser, "Robin", next_weekday(9), "09:00", "Europe/London").await;
    browser
        .wait_for("[data-testid='zoom-link-state'][data-state='no_link']")
        .await;
    audit(&browser, "session panel, no link (not connected)").await;

    browser.goto(&app.url(ZOOM_PAGE)).await;
    browser.click("[data-testid='connect-zoom']").await;
    crate::consent(&app, &browser, LICENSED, "#allow").await;
    browser.wait_for_zoom_state("connected").await;
    audit(&browser, "Zoom page, connected, with the offer to add links").await;
    browser.screenshot_if_asked("readme-zoom-connected").await;
    open_dialog_and_audit(
        &browser,
        "[data-testid='disconnect-zoom']",
        "[data-testid='disconnect-dialog']",
        "[data-testid='cancel-disconnect']",
        "disconnect dialog",
    )
    .await;

    browser.goto(&app.url("/console/calendar")).await;
    browser
        .wait_for("[data-testid='calendar-state'][data-state='ready']")
        .await;
    browser.click("[data-testid='new-session']").await;
    browser.wait_for("[data-testid='session-dialog'][open]").await;
    audit(&browser, "new session dialog").await;
    browser.click("[data-testid='save-session']").await;
    browser
        .wait_for("[data-testid='session-dialog'] [aria-invalid='true']")
        .await;
    audit(&browser, "new session dialog with field errors").await;
    browser.set_value("#session-client", "Ana").await;
    browser
        .set_value("#session-date", &next_weekday(8).format("%Y-%m-%d").to_string())
        .await;
    browser.set_value("#session-time", "10:00").await;
    browser.click("[data-testid='save-session']").await;
    join_link(&browser).await;
    audit(&browser, "session panel, with its link").await;
    browser.screenshot_if_asked("readme-session-panel").await;
    open_dialog_and_audit(
        &browser,
        "[data-testid='cancel-session']",
        "[data-testid='cancel-session-dialog']",
        "[data-testid='keep-session']",
        "cancel session dialog",
    )
    .await;
    let panel = browser.path_and_query().await;

    browser.click("[data-testid='close-session-panel']").await;
    for view in ["week", "day", "month"] {
        browser.click(&format!("[data-testid='view-{view}']")).await;
        browser
            .wait_for(&format!("[data-testid='calendar-grid'][data-view='{view}']"))
            .await;
        browser.wait_for("[data-testid='session-block']").await;
        audit(&browser, &format!("calendar, {view} view with sessions")).await;
        browser.screenshot_if_asked(&format!("readme-calendar-{view}")).await;
    }

    // Changed in Zoom: moved (both times, two answers), and the calendar's notice.
    let meeting = app.live_meetings().await[0].clone();
    let start: chrono::DateTime<chrono::Utc> = meeting["start_time"].as_str().unwrap().parse().unwrap();
    app.sandbox_post(
        &format!("/meetings/{}/move-in-zoom", meeting["id"]),
        json!({ "start_time": (start + chrono::Duration::hours(2)).to_rfc3339() }),
    )
    .await;
    eventually("the move in Zoom shown on the panel", || async {
        browser.goto(&app.url(&panel)).await;
        browser.wait_for("[data-testid='session-panel']").await;
        browser.is_present("[data-testid='changed-in-zoom']").await
    })
    .await;
    audit(
        &browser,
        "session panel, meeting moved in Zoom, with the calendar's notice",
    )
    .await;

    browser.goto(&app.url("/console/calendar-sync")).await;
    browser.wait_for("[data-testid='caldav-server-url']").await;
    audit(&browser, "calendar sync").await;

    // The client's stable link, after a cancel.
    browser.goto(&app.url(&panel)).await;
    let stable = browser.attr("[data-testid='session-link']", "href").await.unwrap();
    browser.click("[data-testid='cancel-session']").await;
    browser.click("[data-testid='confirm-cancel-session']").await;
    app.wait_for_live_meetings(0).await;
    browser.goto(&stable).await;
    browser.wait_for("[data-testid='session-link-page']").await;
    audit(&browser, "the client's session link, cancelled").await;

    // Zoom dropped the grant; then Reauth with another account.
    let zoom_user = app.zoom_user_id(LICENSED).await;
    browser.goto(&app.url("/console/calendar")).await;
    create_in_ui(&browser, "Sam", next_weekday(10), "12:00", "Europe/London").await;
    join_link(&browser).await;
    app.sandbox_post(&format!("/users/{zoom_user}/kill-grant"), json!({}))
        .await;
    browser.goto(&app.url(ZOOM_PAGE)).await;
    browser.click("[data-testid='check-again']").await;
    browser.wait_for_zoom_state("needs_reauth").await;
    audit(&browser, "Zoom page, needs reauth").await;
    browser.click("[data-testid='reauth-zoom']").await;
    crate::consent(&app, &browser, BASIC, "#allow").await;
    browser.wait_for("[data-testid='account-switch']").await;
    audit(&browser, "Zoom page, another account authorized").await;

    // The organisation admin, and the app embedded in a host page.
    browser.click("[data-testid='sign-out']").await;
    browser.wait_for("button").await;
    crate::sign_in_as(&app, &browser, "Priya Shah").await;
    browser.click("[data-testid='nav-organisation']").await;
    browser.wait_for("[data-testid='zoom-access-switch']").await;
    audit(&browser, "organisation admin").await;
    browser.screenshot_if_asked("readme-organisation").await;
    browser.goto(&app.url("/embed-example/")).await;
    browser
        .wait_for("#betterbeing-zoom [data-testid='calendar-state'][data-state='ready']")
        .await;
    audit(&browser, "embedded in the host page").await;
    browser.close().await;
}
