//! Keyboard only: every step of connect, create, copy, start and cancel with Tab / Enter / Escape, focus moving into
//! each dialog and back to the button that opened it, and the "Copied" announcement in a live region.

use std::time::Duration;

use fantoccini::key::Key;
use serde_json::Value;

use crate::browser::Browser;
use crate::sessions::next_weekday;
use crate::support::*;

/// The focused element's `data-testid` (or its id).
async fn focused(browser: &Browser) -> String {
    let v: Value = browser
        .client
        .execute(
            "const e = document.activeElement; return e ? (e.getAttribute('data-testid') || e.id || e.tagName) : null;",
            vec![],
        )
        .await
        .unwrap();
    v.as_str().unwrap_or_default().to_string()
}

/// Whether the focused element is inside `css`.
async fn focus_inside(browser: &Browser, css: &str) -> bool {
    browser
        .client
        .execute(
            "const c = document.querySelector(arguments[0]); return !!c && c.contains(document.activeElement);",
            vec![serde_json::json!(css)],
        )
        .await
        .unwrap()
        .as_bool()
        .unwrap_or(false)
}

/// Presses Tab until the element with `data-testid=testid` has focus (bounded), as a keyboard user would.
async fn tab_to(browser: &Browser, testid: &str) {
    for _ in 0..80 {
        if focused(browser).await == testid {
            return;
        }
        browser
            .client
            .active_element()
            .await
            .unwrap()
            .send_keys(&Key::Tab.to_string())
            .await
            .unwrap();
    }
    let shot = browser.save_failure_evidence().await;
    panic!("Tab never reached {testid} (page saved to {shot})");
}

async fn press(browser: &Browser, key: Key) {
    browser
        .client
        .active_element()
        .await
        .unwrap()
        .send_keys(&key.to_string())
        .await
        .unwrap();
}

async fn type_text(browser: &Browser, text: &str) {
    browser
        .client
        .active_element()
        .await
        .unwrap()
        .send_keys(text)
        .await
        .unwrap();
}

#[tokio::test]
async fn connect_create_copy_start_and_cancel_with_the_keyboard_alone() {
    let (app, browser) = crate::setup().await;
    crate::sign_in_as(&app, &browser, "Dr. Maya Rivera").await;

    // Connect: Tab to the button, Enter; the consent page is Zoom's (the sandbox's), then back.
    tab_to(&browser, "connect-zoom").await;
    press(&browser, Key::Enter).await;
    crate::consent(&app, &browser, LICENSED, "#allow").await;
    browser.wait_for_zoom_state("connected").await;

    // The disconnect dialog: focus moves in, Escape closes it, focus returns to its button.
    tab_to(&browser, "disconnect-zoom").await;
    press(&browser, Key::Enter).await;
    browser.wait_for("[data-testid='disconnect-dialog'][open]").await;
    assert!(
        focus_inside(&browser, "[data-testid='disconnect-dialog']").await,
        "focus moved into the dialog"
    );
    press(&browser, Key::Escape).await;
    assert!(
        !browser.is_present("[data-testid='disconnect-dialog'][open]").await,
        "Escape closed it"
    );
    assert_eq!(
        focused(&browser).await,
        "disconnect-zoom",
        "focus is back on the button that opened it"
    );

    // Create a session.
    browser.goto(&app.url("/console/calendar")).await;
    browser
        .wait_for("[data-testid='calendar-state'][data-state='ready']")
        .await;
    tab_to(&browser, "new-session").await;
    press(&browser, Key::Enter).await;
    browser.wait_for("[data-testid='session-dialog'][open]").await;
    assert!(focus_inside(&browser, "[data-testid='session-dialog']").await);
    assert_eq!(focused(&browser).await, "session-client", "the first field has focus");
    type_text(&browser, "Ana").await;
    // Date and time: typed into the focused fields the way the browser accepts them.
    browser
        .set_value("#session-date", &next_weekday(8).format("%Y-%m-%d").to_string())
        .await;
    browser.set_value("#session-time", "10:00").await;
    tab_to(&browser, "save-session").await;
    press(&browser, Key::Enter).await;
    browser
        .wait_for("[data-testid='zoom-link-state'][data-state='in_sync']")
        .await;

    // Copy the link: announced in a polite live region.
    browser.allow_clipboard_writes().await;
    tab_to(&browser, "copy-link").await;
    press(&browser, Key::Enter).await;
    assert_eq!(browser.text("[data-testid='copy-feedback']").await, "Copied");
    assert_eq!(
        browser
            .attr("[data-testid='copy-feedback-region']", "aria-live")
            .await
            .as_deref(),
        Some("polite")
    );

    // Start Zoom Session: Enter opens the host link in a new tab.
    let before = browser.client.windows().await.unwrap();
    tab_to(&browser, "start-zoom").await;
    press(&browser, Key::Enter).await;
    eventually("Start opened Zoom", || async {
        browser.client.windows().await.unwrap().len() > before.len()
    })
    .await;
    browser.client.switch_to_window(before[0].clone()).await.unwrap();

    // Cancel: the dialog takes focus, Escape keeps the session and gives focus back; Enter on confirm cancels.
    tab_to(&browser, "cancel-session").await;
    press(&browser, Key::Enter).await;
    browser.wait_for("[data-testid='cancel-session-dialog'][open]").await;
    assert!(focus_inside(&browser, "[data-testid='cancel-session-dialog']").await);
    press(&browser, Key::Escape).await;
    assert_eq!(focused(&browser).await, "cancel-session");
    press(&browser, Key::Enter).await;
    browser.wait_for("[data-testid='cancel-session-dialog'][open]").await;
    tab_to(&browser, "confirm-cancel-session").await;
    press(&browser, Key::Enter).await;
    app.wait_for_live_meetings(0).await;
    browser.close().await;
}

async fn number(browser: &Browser, script: &str) -> f64 {
    browser.client.execute(script, vec![]).await.unwrap().as_f64().unwrap()
}

#[tokio::test]
async fn the_layout_holds_at_1366_and_at_320_pixels_wide() {
    let (app, browser) = crate::setup().await;
    browser.client.set_window_size(1366, 768).await.unwrap();
    browser.goto(&app.url("/signin")).await;
    browser.wait_for("li button").await;
    // The three sign-in cards lay out alike: each description beside its button.
    let misaligned = number(
        &browser,
        "return [...document.querySelectorAll('main li, li')].filter(li => { const b = li.querySelector('button').getBoundingClientRect(); const d = li.querySelector('p').getBoundingClientRect(); return !(d.left > b.right); }).length;",
    )
    .await;
    assert_eq!(
        misaligned, 0.0,
        "every sign-in card puts its description beside its button"
    );
    crate::sign_in_as(&app, &browser, "Dr. Maya Rivera").await;
    let one_line = number(
        &browser,
        "const b = document.querySelector('[data-testid=nav-zoom]').getBoundingClientRect(); const s = document.querySelector('[data-testid=sign-out]').getBoundingClientRect(); return Math.abs((b.top + b.bottom) / 2 - (s.top + s.bottom) / 2);",
    )
    .await;
    assert!(
        one_line < 8.0,
        "at 1,366 px the header is one line ({one_line} px apart)"
    );

    // WCAG reflow: nothing scrolls sideways at 320 px.
    browser.client.set_window_size(320, 640).await.unwrap();
    for path in ["/console/calendar", ZOOM_PAGE, "/console/calendar-sync"] {
        browser.goto(&app.url(path)).await;
        browser.wait_for("main h1").await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        let overflow = number(
            &browser,
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
        )
        .await;
        assert!(overflow <= 0.0, "{path} scrolls sideways by {overflow} px at 320 px");
    }
    browser.goto(&app.url("/embed-example/")).await;
    browser
        .wait_for("#betterbeing-zoom [data-testid='calendar-state']")
        .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let overflow = number(
        &browser,
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
    )
    .await;
    assert!(
        overflow <= 0.0,
        "the embedding example scrolls sideways by {overflow} px at 320 px"
    );
    browser.close().await;
}

#[tokio::test]
async fn try_again_on_the_calendar_and_the_zoom_page_recovers_from_a_dropped_connection() {
    let (app, browser) = crate::setup().await;
    crate::sign_in_as(&app, &browser, "Dr. Maya Rivera").await;
    browser.goto(&app.url("/console/calendar")).await;
    browser
        .wait_for("[data-testid='calendar-state'][data-state='ready']")
        .await;

    // The connection drops; moving to next week cannot load it, and the page says so.
    browser.set_offline(true).await;
    browser.click("[data-testid='calendar-next']").await;
    browser
        .wait_for("[data-testid='calendar-state'][data-state='error']")
        .await;
    assert!(!browser.text("[data-testid='page-error']").await.is_empty());
    browser.assert_accessible("calendar, could not load").await;
    browser.set_offline(false).await;
    browser.click("[data-testid='calendar-retry']").await;
    browser
        .wait_for("[data-testid='calendar-state'][data-state='ready']")
        .await;

    // The same on the Zoom page.
    browser.set_offline(true).await;
    browser.click("[data-testid='nav-zoom']").await;
    browser.wait_for("[data-testid='zoom-state'][data-state='error']").await;
    browser.set_offline(false).await;
    browser.click("[data-testid='retry']").await;
    browser.wait_for_zoom_state("not_connected").await;
    browser.close().await;
}
