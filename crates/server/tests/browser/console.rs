//! Calendar sync, the organisation admin page, the help panel and embedding in a host page, in a real browser.

use api::sessions::{Session, SessionInput};
use chrono::Utc;
use fantoccini::Locator;
use serde_json::json;

use crate::browser::Browser;
use crate::support::*;

/// Creates a session over the API as the signed-in user of `app.client`.
async fn api_session(app: &TestApp, client: &str) -> Session {
    let input = SessionInput {
        client_name: client.into(),
        start_local: (Utc::now() + chrono::Duration::days(9))
            .date_naive()
            .and_hms_opt(10, 0, 0)
            .unwrap(),
        time_zone: "Europe/London".into(),
        duration_minutes: 50,
        private_notes: "PRIVATE".into(),
        client_name_in_zoom_topic: false,
    };
    let r = app
        .client
        .post(app.url(api::paths::SESSIONS))
        .header(api::CSRF_HEADER, api::CSRF_HEADER_VALUE)
        .json(&input)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    r.json().await.unwrap()
}

async fn open_page(browser: &Browser, nav: &str) {
    browser.click(&format!("[data-testid='{nav}']")).await;
}

#[tokio::test]
async fn calendar_sync_shows_a_copyable_feed_that_rotates() {
    let (app, browser) = crate::setup().await;
    crate::sign_in_as(&app, &browser, "Dr. Maya Rivera").await;
    app.sign_in(SOLO).await;
    app.connect_as(LICENSED).await;
    let session = api_session(&app, "Ana").await;

    open_page(&browser, "nav-calendar-sync").await;
    let field = browser.wait_for("[data-testid='feed-url']").await;
    let url = eventually_some("the feed URL shown", || async {
        let url = field.prop("value").await.unwrap().unwrap_or_default();
        url.ends_with(".ics").then_some(url)
    })
    .await;
    assert!(url.starts_with(&app.base) && url.ends_with(".ics"), "{url}");
    let webcal = browser.attr("[data-testid='webcal-link']", "href").await.unwrap();
    assert!(webcal.starts_with("webcal://"));
    browser.allow_clipboard_writes().await;
    browser.click("[data-testid='copy-feed-url']").await;
    assert_eq!(browser.text("[data-testid='copy-feed-feedback']").await, "Copied");
    assert_eq!(browser.clipboard_text().await, url);
    // RFC 5545 folds long lines ("\r\n "); unfold before looking for the link.
    let feed = reqwest::get(&url)
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .replace("\r\n ", "");
    assert!(feed.contains(&session.zoom.link.unwrap().join_url));
    assert!(!feed.contains("PRIVATE"));

    browser.click("[data-testid='rotate-feed']").await;
    browser.wait_for("[data-testid='rotate-feed-dialog'][open]").await;
    browser.click("[data-testid='confirm-rotate-feed']").await;
    let rotated = eventually_some("the rotated feed URL shown", || async {
        let rotated = browser
            .wait_for("[data-testid='feed-url']")
            .await
            .prop("value")
            .await
            .unwrap()
            .unwrap_or_default();
        (rotated != url && rotated.ends_with(".ics")).then_some(rotated)
    })
    .await;
    assert_ne!(rotated, url);
    assert_eq!(
        reqwest::get(&url).await.unwrap().status(),
        404,
        "the old URL stopped working"
    );
    assert_eq!(reqwest::get(&rotated).await.unwrap().status(), 200);
    browser.close().await;
}

#[tokio::test]
async fn a_session_downloads_as_ics_from_its_panel() {
    let (app, browser) = crate::setup().await;
    crate::sign_in_as(&app, &browser, "Dr. Maya Rivera").await;
    app.sign_in(SOLO).await;
    let session = api_session(&app, "Ana").await;
    browser
        .goto(&app.url(&format!("/console/calendar/sessions/{}", session.id)))
        .await;
    let link = browser.wait_for("[data-testid='download-ics']").await;
    assert!(
        link.attr("download").await.unwrap().is_some(),
        "a download, not a navigation"
    );
    let href = link.attr("href").await.unwrap().unwrap();
    let body = browser
        .client
        .execute_async(
            "const [href, done] = arguments; fetch(href, {credentials: 'include'}).then(r => r.text()).then(done, e => done('ERR ' + e));",
            vec![json!(href)],
        )
        .await
        .unwrap();
    let body = body.as_str().unwrap();
    assert!(
        body.starts_with("BEGIN:VCALENDAR") && body.contains("BEGIN:VEVENT"),
        "{body}"
    );
    browser.close().await;
}

#[tokio::test]
async fn the_admin_sees_the_roster_and_turning_access_off_is_audited_and_felt_by_members() {
    let (app, admin) = crate::setup().await;
    // Sam connects first (over HTTP, as his own browser would).
    app.sign_in(CLINIC_PRACTITIONER).await;
    app.connect_as(BASIC).await;
    let member = Browser::start().await;
    crate::sign_in_as(&app, &member, "Sam Okafor").await;
    member.wait_for_zoom_state("connected").await;
    assert!(
        !member.is_present("[data-testid='nav-organisation']").await,
        "members have no admin page"
    );

    crate::sign_in_as(&app, &admin, "Priya Shah").await;
    open_page(&admin, "nav-organisation").await;
    let sam = "[data-testid='member-row'][data-member-id='3'] [data-testid='member-zoom-state']";
    assert_eq!(admin.attr(sam, "data-state").await.as_deref(), Some("connected"));
    assert!(admin.text(sam).await.contains(BASIC));
    let priya = "[data-testid='member-row'][data-member-id='2'] [data-testid='member-zoom-state']";
    assert_eq!(admin.attr(priya, "data-state").await.as_deref(), Some("not_connected"));
    let switch = admin.wait_for("[data-testid='zoom-access-switch']").await;
    assert_eq!(switch.prop("checked").await.unwrap().as_deref(), Some("true"));
    admin.click("[data-testid='zoom-access-switch']").await;
    let text = admin.text("[data-testid='audit-entry']").await;
    assert!(text.contains("Priya Shah") && text.contains("off"), "{text}");

    // The member, on the Zoom page, sees the change once the page looks again, and can still disconnect.
    open_page(&member, "nav-calendar").await;
    open_page(&member, "nav-zoom").await;
    member.wait_for_zoom_state("blocked_by_organisation").await;
    member.assert_accessible("Zoom page, blocked by the organisation").await;
    let blocked = member.text("[data-testid='blocked-by-org']").await;
    assert!(blocked.contains("Priya Shah"), "{blocked}");
    assert!(!member.is_present("[data-testid='connect-zoom']").await);
    member.click("[data-testid='disconnect-zoom']").await;
    member.click("[data-testid='confirm-disconnect']").await;
    eventually("the disconnect button gone", || async {
        !member.is_present("[data-testid='disconnect-zoom']").await
    })
    .await;
    assert_eq!(app.grants_of(BASIC).await[0]["status"], "revoked");
    member.close().await;
    admin.close().await;
}

#[tokio::test]
async fn a_member_who_tries_to_connect_after_access_went_off_is_told_whom_to_ask() {
    let (app, member) = crate::setup().await;
    crate::sign_in_as(&app, &member, "Sam Okafor").await;
    member.wait_for_zoom_state("not_connected").await;
    app.set_zoom_allowed(2, false).await;
    member.click("[data-testid='connect-zoom']").await;
    let error = member
        .text("[data-testid='callback-error'][data-code='blocked_by_organisation']")
        .await;
    assert!(error.to_lowercase().contains("admin"));
    member.wait_for_zoom_state("blocked_by_organisation").await;
    member.close().await;
}

#[tokio::test]
async fn non_admins_opening_the_organisation_page_are_refused() {
    let (app, browser) = crate::setup().await;
    crate::sign_in_as(&app, &browser, "Sam Okafor").await;
    browser.goto(&app.url("/console/organisation")).await;
    browser.wait_for("[data-testid='forbidden']").await;
    assert!(!browser.is_present("[data-testid='zoom-access-switch']").await);
    browser.close().await;
}

#[tokio::test]
async fn the_help_panel_carries_the_troubleshooting_that_applies() {
    let (app, browser) = crate::setup().await;
    crate::sign_in_as(&app, &browser, "Dr. Maya Rivera").await;
    let help = browser.wait_for("[data-testid='zoom-help']").await;
    let text: String = browser
        .client
        .execute(
            "return document.querySelector(\"[data-testid='zoom-help']\").textContent",
            vec![],
        )
        .await
        .unwrap()
        .as_str()
        .unwrap()
        .to_string();
    for expected in [
        "Reauth",
        "40 minutes",
        "Installed Apps",
        "Zoom administrator",
        "Add Zoom link",
        "Open Zoom Meetings",
    ] {
        assert!(text.contains(expected), "help mentions {expected:?}");
    }
    drop(help);
    browser.close().await;
}

#[tokio::test]
async fn the_app_embeds_in_a_host_page_with_its_theme_events_and_oauth_return() {
    let (app, browser) = crate::setup().await;
    browser.goto(&app.url("/embed-example/")).await;
    // The host page's own chrome stays around the mounted app.
    browser.wait_for("#betterbeing-zoom").await;
    browser.click_button_with_text("Dr. Maya Rivera").await;
    browser
        .wait_for("#betterbeing-zoom [data-testid='calendar-state'][data-state='ready']")
        .await;
    browser.click("#betterbeing-zoom [data-testid='nav-zoom']").await;
    browser.wait_for_zoom_state("not_connected").await;
    let path = browser.client.current_url().await.unwrap().path().to_string();
    assert_eq!(
        path, "/embed-example/console/video-accounts/zoom",
        "routes live under the host's base path"
    );
    let colour = browser
        .client
        .execute(
            "return getComputedStyle(document.querySelector(\"[data-testid='connect-zoom']\")).backgroundColor",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        colour,
        json!("rgb(107, 63, 160)"),
        "the host's --bb-color-primary themes the app"
    );

    browser.click("[data-testid='connect-zoom']").await;
    crate::consent(&app, &browser, LICENSED, "#allow").await;
    browser.wait_for_zoom_state("connected").await;
    let url = browser.client.current_url().await.unwrap();
    assert!(
        url.path().starts_with("/embed-example/"),
        "OAuth returned into the host page: {url}"
    );
    assert!(browser.is_present("#betterbeing-zoom").await);
    browser
        .wait_for("#host-events li[data-event='betterbeing:zoom-connected']")
        .await;

    browser.click("[data-testid='disconnect-zoom']").await;
    browser.click("[data-testid='confirm-disconnect']").await;
    browser
        .wait_for("#host-events li[data-event='betterbeing:zoom-disconnected']")
        .await;
    let _ = Locator::Css("#host-events");
    browser.close().await;
}

/// What the browser fetched from the API in this document: (path, what started it: "link" for a preload, "fetch").
async fn api_requests(browser: &Browser) -> Vec<(String, String)> {
    requests(browser, "/api/").await
}

/// Every request of this document whose path starts with `prefix`: (path and query, initiator).
async fn requests(browser: &Browser, prefix: &str) -> Vec<(String, String)> {
    let entries = browser
        .client
        .execute(
            "return performance.getEntriesByType('resource')
               .map(e => { const u = new URL(e.name); return [u.pathname + u.search, e.initiatorType]; })
               .filter(([path]) => path.startsWith(arguments[0]));",
            vec![json!(prefix)],
        )
        .await
        .unwrap();
    serde_json::from_value(entries).unwrap()
}

/// The split-off code (wasm) this document fetched: file name, initiator.
async fn code_requests(browser: &Browser) -> Vec<(String, String)> {
    requests(browser, "/")
        .await
        .into_iter()
        .filter(|(path, _)| path.ends_with(".wasm") && !path.ends_with("_bg.wasm"))
        .map(|(path, by)| (path.trim_start_matches('/').to_owned(), by))
        .collect()
}

#[tokio::test]
async fn a_console_page_comes_with_the_answers_to_its_first_reads_and_its_code() {
    let (app, browser) = crate::setup().await;
    crate::sign_in_as(&app, &browser, "Priya Shah").await;
    app.sign_in(CLINIC_ADMIN).await;
    let session = api_session(&app, "Ana").await;
    // A name that would end the answer's <script> element early if the page wrote it as it is.
    let tricky = api_session(&app, "Bo </script><b id=\"injected\">x</b>").await;
    let panel = format!("/console/calendar/sessions/{}", session.id);
    let day = format!("view=day&date={}", session.starts_at.date_naive());
    let calendar = "[data-testid='calendar-state'][data-state='ready']";
    let pages = [
        (ZOOM_PAGE, "", "[data-testid='zoom-state']:not([data-state='loading'])"),
        ("/console/calendar", "", calendar),
        ("/console/calendar", "view=month&date=2027-02-11", calendar),
        ("/console/calendar", "view=day&date=2026-03-29", calendar),
        ("/console/calendar", "date=2027-01-01", calendar),
        ("/console/calendar", day.as_str(), calendar),
        (panel.as_str(), day.as_str(), "[data-testid='session-panel']"),
        ("/console/calendar-sync", "", "[data-testid='feed-url']"),
        ("/console/organisation", "", "[data-testid='zoom-access-switch']"),
    ];
    for (page, query, ready) in pages {
        browser.goto(&app.url(&format!("{page}?{query}"))).await;
        browser.wait_for(ready).await;
        let reads = api::pages::first_reads(page, query);
        assert_eq!(reads[0], api::paths::ME, "{page}");
        // With a date, the calendar's sessions come with the page.
        assert_eq!(
            reads.iter().any(|r| r.starts_with("/api/sessions?")),
            query.contains("date="),
            "{page}?{query}"
        );
        let page = format!("{page}?{query}");
        // Every answer the page came with was taken by the app (each is removed as it is used)...
        let left = browser
            .client
            .execute(
                "return [...document.querySelectorAll('script[data-bb-read]')].map(e => e.dataset.bbRead);",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(left, json!([]), "{page}: answers the app did not use");
        // ...and none of these reads went over the network.
        let requests = api_requests(&browser).await;
        let without_query = |url: &str| url.split('?').next().unwrap_or_default().to_owned();
        for read in &reads {
            let asked: Vec<&(String, String)> = requests
                .iter()
                .filter(|(url, _)| without_query(url) == without_query(read))
                .collect();
            assert!(asked.is_empty(), "{page}: {read} asked {asked:?}");
        }
        // The page's split-off code: fetched once, with the page. The Zoom page needs none of it.
        let parts = api::pages::first_code(page.split('?').next().unwrap());
        let mut code: Vec<(String, String)> = crate::browser::split_files(&crate::browser::split_code(), parts)
            .into_iter()
            .map(|file| (file, "link".to_owned()))
            .collect();
        let mut fetched = code_requests(&browser).await;
        fetched.sort();
        code.sort();
        assert_eq!(fetched, code, "{page}: its code");
        assert_eq!(code.is_empty(), page.starts_with(ZOOM_PAGE), "{page}");
    }

    // The day of both sessions, from its answer in the page: the tricky name is shown as the words it is.
    browser.goto(&app.url(&format!("/console/calendar?{day}"))).await;
    browser.wait_for(calendar).await;
    let shown = browser.text(&format!("[data-session-id='{}']", tricky.id)).await;
    assert!(shown.contains("Bo </script><b id=\"injected\">x</b>"), "{shown}");
    assert!(browser.client.find(Locator::Css("#injected")).await.is_err());

    // An answer is taken once: looking again (the Zoom page reads its status when the person comes back) asks.
    browser.goto(&app.url(ZOOM_PAGE)).await;
    browser
        .wait_for("[data-testid='zoom-state']:not([data-state='loading'])")
        .await;
    assert!(api_requests(&browser).await.is_empty());
    browser
        .client
        .execute("window.dispatchEvent(new Event('focus'));", vec![])
        .await
        .unwrap();
    browser
        .eventually("the status read again over the network", || async {
            api_requests(&browser)
                .await
                .iter()
                .any(|(url, by)| url == api::paths::ZOOM_STATUS && by == "fetch")
        })
        .await;
    browser.close().await;
}

#[tokio::test]
async fn a_signed_out_visitor_to_the_calendar_comes_back_to_it_once_signed_in() {
    // The calendar's code is a part of its own, fetched with the page: signing in on the way does not lose it.
    let (app, browser) = crate::setup().await;
    browser
        .goto(&app.url("/console/calendar?view=month&date=2027-02-11"))
        .await;
    browser.wait_for("[data-testid='sign-in-person']").await;
    browser.click_button_with_text("Sam Okafor").await;
    browser
        .wait_for("[data-testid='calendar-state'][data-state='ready']")
        .await;
    assert_eq!(
        browser.path_and_query().await,
        "/console/calendar?view=month&date=2027-02-11"
    );
    assert_eq!(browser.text("[data-testid='current-user']").await, "Sam Okafor");
    browser.close().await;
}

#[tokio::test]
async fn answers_a_page_came_with_are_not_used_once_the_person_has_moved_on() {
    // Signed out, the page comes with "unauthenticated" answers to its reads; the console goes to sign-in before
    // calendar sync asks them (its code, which loads on its own, is held back here). Back on the page once signed
    // in, its reads are asked again, not taken from what the page came with.
    let (app, browser) = crate::setup().await;
    browser.cdp("Network.enable", json!({})).await;
    browser
        .cdp(
            "Network.setBlockedURLs",
            json!({ "urls": ["*split_calendar_sync_page*"] }),
        )
        .await;
    browser.goto(&app.url("/console/calendar-sync")).await;
    browser.wait_for("[data-testid='sign-in-person']").await;
    browser.cdp("Network.setBlockedURLs", json!({ "urls": [] })).await;
    browser.click_button_with_text("Sam Okafor").await;
    browser.wait_for("[data-testid='feed-url']").await;
    assert_eq!(browser.path_and_query().await, "/console/calendar-sync");
    assert_eq!(browser.text("[data-testid='current-user']").await, "Sam Okafor");
    let left = browser
        .client
        .execute(
            "return document.querySelectorAll('script[data-bb-read]').length;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(left, json!(0));
    browser.close().await;
}

#[tokio::test]
async fn a_page_whose_code_cannot_be_fetched_says_so_and_try_again_brings_it() {
    let (app, browser) = crate::setup().await;
    crate::sign_in_as(&app, &browser, "Dr. Maya Rivera").await;
    // A fresh visit to the Zoom page, which needs no split-off code; then the network drops every wasm file.
    browser.goto(&app.url(ZOOM_PAGE)).await;
    browser
        .wait_for("[data-testid='zoom-state']:not([data-state='loading'])")
        .await;
    assert!(code_requests(&browser).await.is_empty());
    browser.cdp("Network.enable", json!({})).await;
    browser
        .cdp("Network.setBlockedURLs", json!({ "urls": ["*.wasm"] }))
        .await;
    browser.click("[data-testid='nav-calendar-sync']").await;
    browser.wait_for("[data-testid='page-code'][data-state='error']").await;
    assert_eq!(
        browser.text("[data-testid='page-error']").await,
        "BetterBeing could not be reached. Check your internet connection and try again."
    );
    // The console around it still works.
    assert!(browser.is_present("[data-testid='nav-zoom']").await);
    browser
        .assert_accessible("a page whose code could not be fetched")
        .await;

    browser.cdp("Network.setBlockedURLs", json!({ "urls": [] })).await;
    browser.click_button_with_text("Try again").await;
    browser.wait_for("[data-testid='feed-url']").await;
    assert!(browser.path_and_query().await.starts_with("/console/calendar-sync"));
    browser.close().await;
}

#[tokio::test]
async fn a_signed_out_visitor_goes_to_sign_in_without_a_glimpse_of_the_console() {
    let (app, browser) = crate::setup().await;
    browser.watch_shown("[data-testid='console-nav']").await;
    browser.watch_shown("[data-testid='shell-loading']").await;
    browser.goto(&app.url(ZOOM_PAGE)).await;
    browser.wait_for("[data-testid='sign-in-person']").await;
    assert!(browser.path_and_query().await.starts_with("/signin"));
    assert!(
        !browser.was_ever_shown("[data-testid='console-nav']").await,
        "the console showed before sign-in"
    );
    assert!(!browser.was_ever_shown("[data-testid='shell-loading']").await);
    browser.click_button_with_text("Dr. Maya Rivera").await;
    // Back where they were going, signed in, in the same document (so the watch above was watching).
    browser
        .wait_for("[data-testid='zoom-state']:not([data-state='loading'])")
        .await;
    assert!(browser.path_and_query().await.starts_with(ZOOM_PAGE));
    assert!(browser.was_ever_shown("[data-testid='console-nav']").await);

    // A fresh visit while signed in: the console shows once, with its page; no loading notice flashes by.
    browser.goto(&app.url(ZOOM_PAGE)).await;
    browser
        .wait_for("[data-testid='zoom-state']:not([data-state='loading'])")
        .await;
    assert!(!browser.was_ever_shown("[data-testid='shell-loading']").await);
    browser.close().await;
}

#[tokio::test]
async fn a_slow_answer_about_who_is_signed_in_shows_the_console_loading() {
    let (app, browser) = crate::setup().await;
    browser.goto(&app.url("/signin")).await;
    browser.wait_for("[data-testid='sign-in-person']").await;
    browser.set_latency(2500).await;
    browser.click_button_with_text("Dr. Maya Rivera").await;
    // Signing in lands on the calendar; who is signed in takes 2.5 s to answer, so the console says it is loading.
    assert_eq!(
        browser.text("[data-testid='shell-loading']").await,
        "Loading your console\u{2026}"
    );
    browser.set_latency(0).await;
    assert_eq!(browser.text("[data-testid='current-user']").await, "Dr. Maya Rivera");
    assert!(!browser.is_present("[data-testid='shell-loading']").await);
    browser.close().await;
}
