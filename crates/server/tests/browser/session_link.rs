//! The session's stable link for the client, in a real browser: copied from the session panel, opened the way the
//! client would (it lands on Zoom's join page), then after a reschedule that Zoom is slow to finish ("This session
//! moved to …", and the page goes on to the new meeting by itself), and after a cancel.

use serde_json::json;

use crate::browser::Browser;
use crate::sessions::{connected, create_in_ui, join_link, next_weekday};

async fn current_url(browser: &Browser) -> String {
    browser.client.current_url().await.unwrap().to_string()
}

/// Waits until the tab is at `url`.
async fn wait_until_at(browser: &Browser, url: &str) {
    browser
        .eventually(&format!("the tab at {url}"), || async {
            current_url(browser).await == url
        })
        .await
}

#[tokio::test]
async fn the_session_link_is_copied_from_the_panel_and_keeps_leading_the_client_to_the_right_place() {
    let (app, browser) = crate::setup().await;
    connected(&app, &browser).await;
    let day = next_weekday(8);
    create_in_ui(&browser, "Ana", day, "10:00", "Europe/London").await;
    let first = join_link(&browser).await;
    let panel = browser.path_and_query().await;

    // Copy session link: the clipboard holds the stable link shown in the panel.
    browser.allow_clipboard_writes().await;
    browser.click("[data-testid='copy-session-link']").await;
    assert_eq!(
        browser.text("[data-testid='copy-session-link-feedback']").await,
        "Copied"
    );
    let stable = browser.clipboard_text().await;
    assert!(stable.starts_with(&app.url("/join/")), "{stable}");
    assert_eq!(
        browser.attr("[data-testid='session-link']", "href").await.as_deref(),
        Some(stable.as_str())
    );
    browser.screenshot_if_asked("session-panel-session-link").await;

    // The client opens it: Zoom's join page of the session's meeting.
    browser.goto(&stable).await;
    wait_until_at(&browser, &first).await;

    // Rescheduled while Zoom fails to make the new meeting: the link says where the session moved.
    app.sandbox_post(
        "/faults",
        json!({ "endpoint": "meetings.create", "mode": "error_500", "count": 1000 }),
    )
    .await;
    browser.goto(&app.url(&panel)).await;
    browser.click("[data-testid='edit-session']").await;
    browser.wait_for("[data-testid='session-dialog'][open]").await;
    browser.set_value("#session-time", "14:30").await;
    browser.click("[data-testid='save-session']").await;
    browser.wait_for("[data-testid='link-outdated']").await;
    browser.goto(&stable).await;
    browser.wait_for("[data-testid='session-link-page']").await;
    assert_eq!(browser.text("h1").await, "This session moved");
    let text = browser.text("[data-testid='session-link-page']").await;
    let moved_to = format!(
        "This session moved to {}, 14:30 (Europe/London",
        day.format("%A %-d %B %Y")
    );
    assert!(text.contains(&moved_to), "{text}");
    assert!(!text.contains("Ana"), "never the client's name: {text}");
    browser.screenshot_if_asked("session-link-moved").await;
    browser.assert_accessible("the client's session link, moved").await;

    // Zoom recovers: the open page goes on to the new meeting by itself.
    app.client
        .delete(format!("{}/_sandbox/faults", app.sandbox))
        .send()
        .await
        .unwrap();
    app.settle().await;
    let live = app.wait_for_live_meetings(1).await;
    let second = live[0]["join_url"].as_str().unwrap().to_string();
    assert_ne!(second, first);
    wait_until_at(&browser, &second).await;

    // Cancelled: the link says so.
    browser.goto(&app.url(&panel)).await;
    browser.click("[data-testid='cancel-session']").await;
    browser.click("[data-testid='confirm-cancel-session']").await;
    // The panel sits over the calendar, so the calendar being there proves nothing: wait for the cancel itself.
    app.wait_for_live_meetings(0).await;
    browser.goto(&stable).await;
    browser.wait_for("[data-testid='session-link-page']").await;
    assert_eq!(browser.text("h1").await, "This session was cancelled");
    browser.screenshot_if_asked("session-link-cancelled").await;
    browser.close().await;
}
