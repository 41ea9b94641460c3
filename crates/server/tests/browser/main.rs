//! End-to-end journeys in a real headless Chromium: the built SPA served by the real server, the Zoom sandbox's
//! consent page, real HTTP and a real SQLite file.

#[path = "../support/browser.rs"]
mod browser;
#[path = "../support/app.rs"]
mod support;

use browser::{dist_dir, Browser};
use fantoccini::Locator;
use serde_json::json;
use support::*;

mod accessibility;
mod calendar_sync;
mod console;
mod keyboard;
mod session_link;
mod sessions;
mod static_files;
mod zoom_side;

pub async fn setup() -> (TestApp, Browser) {
    let app = spawn_app_serving(Some(dist_dir())).await;
    let browser = Browser::start().await;
    (app, browser)
}

pub async fn sign_in_as(app: &TestApp, browser: &Browser, name: &str) {
    browser.goto(&app.url("/signin")).await;
    browser.click_button_with_text(name).await;
    assert_eq!(browser.text("[data-testid='current-user']").await, name);
    // Signing in lands on the calendar; from there, to Console → Video Accounts → Zoom.
    browser
        .wait_for("[data-testid='calendar-state'][data-state='ready']")
        .await;
    browser.click("[data-testid='nav-zoom']").await;
    browser
        .wait_for("[data-testid='zoom-state']:not([data-state='loading'])")
        .await;
}

/// On the sandbox's consent page: sign in to Zoom as `zoom_email` and click Allow or Deny.
pub async fn consent(app: &TestApp, browser: &Browser, zoom_email: &str, button: &str) {
    let select = browser.wait_for("#zoom-user").await;
    let page = browser.text("h1").await;
    assert!(page.contains("BetterBeing"), "the consent page names the app: {page}");
    select
        .select_by_value(&app.zoom_user_id(zoom_email).await)
        .await
        .unwrap();
    browser.click(button).await;
}

#[tokio::test]
async fn connect_allow_shows_the_account_then_disconnect_revokes_it() {
    let (app, browser) = setup().await;
    sign_in_as(&app, &browser, "Dr. Maya Rivera").await;
    browser.wait_for_zoom_state("not_connected").await;
    assert_eq!(
        browser.text("[data-testid='connect-zoom']").await,
        "Connect Zoom Account"
    );
    browser.click("[data-testid='connect-zoom']").await;

    // Zoom's consent page lists the six scopes we ask for.
    browser.wait_for("#allow").await;
    let scopes = browser.client.find_all(Locator::Css("li[data-scope]")).await.unwrap();
    assert_eq!(scopes.len(), 6);
    consent(&app, &browser, LICENSED, "#allow").await;

    browser.wait_for_zoom_state("connected").await;
    browser.wait_for("[data-testid='callback-success']").await;
    assert_eq!(browser.text("[data-testid='zoom-email']").await, LICENSED);
    let listed = browser
        .client
        .find_all(Locator::Css("[data-testid='zoom-scopes'] li[data-scope]"))
        .await
        .unwrap();
    let mut names = Vec::new();
    for li in listed {
        names.push(li.attr("data-scope").await.unwrap().unwrap());
    }
    let expected: Vec<String> = api::zoom::SCOPES.iter().map(|s| s.name.to_string()).collect();
    assert_eq!(names, expected);
    assert_eq!(
        browser.path_and_query().await,
        ZOOM_PAGE,
        "the outcome is cleared from the address bar"
    );

    // Cancel keeps the connection; confirm removes it and revokes at Zoom.
    browser.click("[data-testid='disconnect-zoom']").await;
    browser.click("[data-testid='cancel-disconnect']").await;
    assert!(
        browser
            .is_present("[data-testid='zoom-state'][data-state='connected']")
            .await
    );
    assert_eq!(app.grants_of(LICENSED).await[0]["status"], "active");

    browser.click("[data-testid='disconnect-zoom']").await;
    browser.wait_for("[data-testid='disconnect-dialog'][open]").await;
    browser.click("[data-testid='confirm-disconnect']").await;
    browser.wait_for_zoom_state("not_connected").await;
    assert_eq!(app.grants_of(LICENSED).await[0]["status"], "revoked");
    browser.close().await;
}

#[tokio::test]
async fn deny_at_consent_is_explained() {
    let (app, browser) = setup().await;
    sign_in_as(&app, &browser, "Dr. Maya Rivera").await;
    browser.click("[data-testid='connect-zoom']").await;
    consent(&app, &browser, LICENSED, "#deny").await;
    let error = browser.text("[data-testid='callback-error'][data-code='denied']").await;
    assert!(error.contains("Allow"), "tells the person how to connect after all");
    browser.wait_for_zoom_state("not_connected").await;
    browser.close().await;
}

#[tokio::test]
async fn an_account_that_cannot_host_and_an_app_blocked_by_the_zoom_admin_are_explained() {
    let (app, browser) = setup().await;
    sign_in_as(&app, &browser, "Dr. Maya Rivera").await;
    browser.click("[data-testid='connect-zoom']").await;
    consent(&app, &browser, UNASSIGNED, "#allow").await;
    let error = browser
        .text("[data-testid='callback-error'][data-code='cannot_host']")
        .await;
    assert!(error.contains("meeting creation"));
    browser.wait_for_zoom_state("not_connected").await;

    let id = app.zoom_user_id(LICENSED).await;
    app.sandbox_post(&format!("/users/{id}/disable-app"), json!({})).await;
    browser.click("[data-testid='connect-zoom']").await;
    consent(&app, &browser, LICENSED, "#allow").await;
    let error = browser
        .text("[data-testid='callback-error'][data-code='app_disabled']")
        .await;
    assert!(error.contains("Zoom administrator"));
    browser.close().await;
}

#[tokio::test]
async fn removing_the_app_from_zoom_shows_not_connected_and_why() {
    let (app, browser) = setup().await;
    sign_in_as(&app, &browser, "Dr. Maya Rivera").await;
    browser.click("[data-testid='connect-zoom']").await;
    consent(&app, &browser, LICENSED, "#allow").await;
    browser.wait_for_zoom_state("connected").await;

    let id = app.zoom_user_id(LICENSED).await;
    let delivery = app.sandbox_post(&format!("/users/{id}/remove-app"), json!({})).await;
    assert_eq!(delivery["delivered"], true);
    browser.goto(&app.url(ZOOM_PAGE)).await;
    browser.wait_for_zoom_state("not_connected").await;
    let why = browser.text("[data-testid='zoom-ended']").await;
    assert!(why.contains("BetterBeing was removed from your Zoom account"), "{why}");
    assert!(why.contains(LICENSED), "names the account: {why}");
    browser.assert_accessible("Zoom page, removed on the Zoom side").await;
    browser.screenshot_if_asked("zoom-removed-in-zoom").await;
    // Connecting again puts the reason behind them.
    browser.click("[data-testid='connect-zoom']").await;
    consent(&app, &browser, LICENSED, "#allow").await;
    browser.wait_for_zoom_state("connected").await;
    assert!(!browser.is_present("[data-testid='zoom-ended']").await);
    browser.close().await;
}

#[tokio::test]
async fn a_killed_grant_asks_for_reauth_and_reauth_reconnects_in_place() {
    let (app, browser) = setup().await;
    sign_in_as(&app, &browser, "Dr. Maya Rivera").await;
    browser.click("[data-testid='connect-zoom']").await;
    consent(&app, &browser, LICENSED, "#allow").await;
    browser.wait_for_zoom_state("connected").await;

    let id = app.zoom_user_id(LICENSED).await;
    app.sandbox_post(&format!("/users/{id}/kill-grant"), json!({})).await;
    // The page shows the stored connection (confirmed moments ago) without asking Zoom; "Check again" asks now.
    browser.goto(&app.url(ZOOM_PAGE)).await;
    browser.wait_for_zoom_state("connected").await;
    assert!(browser
        .text("[data-testid='zoom-checked']")
        .await
        .starts_with("Last confirmed with Zoom on "));
    browser.click("[data-testid='check-again']").await;
    browser.wait_for_zoom_state("needs_reauth").await;
    assert_eq!(
        browser.attr("[data-testid='reauth-banner']", "role").await.as_deref(),
        Some("alert")
    );
    assert_eq!(browser.text("[data-testid='reauth-zoom']").await, "Reauth");
    browser.click("[data-testid='reauth-zoom']").await;
    consent(&app, &browser, LICENSED, "#allow").await;
    browser.wait_for_zoom_state("connected").await;
    assert_eq!(browser.path_and_query().await, ZOOM_PAGE);
    assert_eq!(browser.text("[data-testid='zoom-email']").await, LICENSED);
    browser.close().await;
}

#[tokio::test]
async fn a_clinic_member_without_zoom_access_sees_whom_to_ask() {
    let (app, browser) = setup().await;
    app.set_zoom_allowed(2, false).await;
    sign_in_as(&app, &browser, "Sam Okafor").await;
    browser.wait_for_zoom_state("blocked_by_organisation").await;
    assert!(browser
        .text("[data-testid='blocked-by-org']")
        .await
        .contains("Priya Shah"));
    assert!(!browser.is_present("[data-testid='connect-zoom']").await);
    browser.close().await;
}

#[tokio::test]
async fn signing_out_returns_to_sign_in() {
    let (app, browser) = setup().await;
    sign_in_as(&app, &browser, "Priya Shah").await;
    browser.click_button_with_text("Sign out").await;
    browser.wait_for("[data-testid='demo-person'], button").await;
    browser
        .client
        .wait()
        .at_most(browser::WAIT)
        .for_url(&url::Url::parse(&app.url("/signin")).unwrap())
        .await
        .unwrap();
    // The session is gone on the server too.
    browser.goto(&app.url(ZOOM_PAGE)).await;
    browser
        .client
        .wait()
        .at_most(browser::WAIT)
        .for_element(Locator::XPath("//button[contains(., 'Dr. Maya Rivera')]"))
        .await
        .unwrap();
    browser.close().await;
}
