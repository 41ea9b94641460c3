//! The session panel: the Zoom link at the top, Copy, Start Zoom Session, and what each link state asks of the
//! practitioner.
#![cfg(target_arch = "wasm32")]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::support::{mount, run_js, session, until, Mounted};
use api::error::ErrorCode;
use api::sessions::{ChangedInZoom, Session, ZoomSync, ZoomTimeChoice};
use api::zoom::{ZoomAccount, ZoomPlan, ZoomStatus};
use betterbeing_zoom_web::components::session_panel::{SessionPanel, OPEN_ZOOM_NOTE, OUTDATED_NOTE, SESSION_LINK_NOTE};
use betterbeing_zoom_web::logic::link_state::{start_failure, FailureHelp};
use betterbeing_zoom_web::logic::zones::Zone;
use chrono::{TimeZone, Utc};
use leptos::prelude::*;
use leptos::task::tick;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlDialogElement;

const ZOOM_PAGE: &str = "/console/video-accounts/zoom";

#[derive(Clone, Default)]
struct Calls {
    start: Arc<AtomicUsize>,
    add_link: Arc<AtomicUsize>,
    edit: Arc<AtomicUsize>,
    cancel: Arc<AtomicUsize>,
    resolved: Arc<std::sync::Mutex<Vec<ZoomTimeChoice>>>,
}

impl Calls {
    fn count(counter: &Arc<AtomicUsize>) -> usize {
        counter.load(Ordering::SeqCst)
    }
}

fn connected() -> ZoomStatus {
    ZoomStatus::Connected {
        account: ZoomAccount {
            email: "dr.rivera@example.com".into(),
            display_name: "Dr Maya Rivera".into(),
            plan: ZoomPlan::Licensed,
            connected_since: Utc.with_ymd_and_hms(2026, 11, 3, 12, 0, 0).unwrap(),
            scopes: vec![],
        },
        verified: true,
        checked_at: None,
    }
}

fn upcoming(sync: ZoomSync) -> Session {
    session(
        7,
        "Alex Kim",
        Utc.with_ymd_and_hms(2030, 11, 25, 14, 0, 0).unwrap(),
        50,
        sync,
    )
}

fn mount_panel(
    session: Session,
    status: Option<ZoomStatus>,
    start_problem: Option<FailureHelp>,
    calls: &Calls,
) -> Mounted {
    let calls = calls.clone();
    mount(move || {
        let (start, add, edit, cancel) = (calls.start, calls.add_link, calls.edit, calls.cancel);
        let resolved = calls.resolved.clone();
        view! {
            <SessionPanel
                session=Signal::derive(move || session.clone())
                zone=Signal::derive(|| Zone::named("Europe/London").unwrap())
                zoom_status=Signal::derive(move || status.clone())
                zoom_page_href=ZOOM_PAGE
                on_start=move || { start.fetch_add(1, Ordering::SeqCst); }
                on_add_link=move || { add.fetch_add(1, Ordering::SeqCst); }
                on_edit=move || { edit.fetch_add(1, Ordering::SeqCst); }
                on_cancel_session=move || { cancel.fetch_add(1, Ordering::SeqCst); }
                start_problem=Signal::derive(move || start_problem.clone())
                on_resolve_zoom_time=move |choice| resolved.lock().unwrap().push(choice)
            />
        }
    })
}

fn state(page: &Mounted) -> String {
    page.attr("[data-testid=zoom-link-state]", "data-state")
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn the_join_link_is_at_the_top_and_opens_zoom() {
    let calls = Calls::default();
    let s = upcoming(ZoomSync::InSync);
    let link = s.zoom.link.clone().unwrap();
    let page = mount_panel(s, Some(connected()), None, &calls);
    tick().await;

    let first_link = page.get("[data-testid=session-panel] a");
    assert_eq!(
        first_link.get_attribute("data-testid").as_deref(),
        Some("zoom-join-link"),
        "the first link in the panel"
    );
    assert_eq!(
        first_link.get_attribute("href").as_deref(),
        Some(link.join_url.as_str())
    );
    assert_eq!(first_link.text_content().unwrap().trim(), link.join_url);
    assert_eq!(first_link.get_attribute("target").as_deref(), Some("_blank"));
    assert_eq!(first_link.get_attribute("rel").as_deref(), Some("noopener"));

    assert_eq!(page.text("[data-testid=start-zoom]").trim(), "Start Zoom Session");
    assert_eq!(
        page.attr("[data-testid=browser-join]", "href").as_deref(),
        Some(link.browser_join_url.as_str())
    );
    assert_eq!(
        page.attr("[data-testid=browser-join]", "target").as_deref(),
        Some("_blank")
    );
    assert!(page.text("[data-testid=open-zoom-note]").contains(OPEN_ZOOM_NOTE));
    assert_eq!(state(&page), "in_sync");
    assert!(page.find("[data-testid=add-zoom-link]").is_none());
    assert!(page.find("[data-testid=retry-zoom]").is_none());

    page.get("[data-testid=start-zoom]").click();
    tick().await;
    assert_eq!(Calls::count(&calls.start), 1);
}

#[wasm_bindgen_test]
async fn copy_link_copies_the_join_url_and_says_copied() {
    run_js(
        "window.__copied = null; Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: (t) => { window.__copied = t; return Promise.resolve(); } } });",
    );
    let calls = Calls::default();
    let s = upcoming(ZoomSync::InSync);
    let join_url = s.zoom.link.clone().unwrap().join_url;
    let page = mount_panel(s, Some(connected()), None, &calls);
    tick().await;

    let region = page.get("[data-testid=copy-feedback-region]");
    assert_eq!(region.get_attribute("aria-live").as_deref(), Some("polite"));
    assert!(page.find("[data-testid=copy-feedback]").is_none());
    page.get("[data-testid=copy-link]").click();
    assert!(
        until(|| page.find("[data-testid=copy-feedback]").is_some()).await,
        "feedback appears"
    );
    assert_eq!(page.text("[data-testid=copy-feedback]"), "Copied");
    assert_eq!(run_js("return window.__copied;").as_string(), Some(join_url));
}

#[wasm_bindgen_test]
async fn copy_session_link_copies_the_stable_link_even_before_zoom_has_a_meeting() {
    run_js(
        "window.__copied = null; Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: (t) => { window.__copied = t; return Promise.resolve(); } } });",
    );
    let calls = Calls::default();
    let s = upcoming(ZoomSync::NoLink);
    let stable = s.session_link.clone();
    let page = mount_panel(s, Some(connected()), None, &calls);
    tick().await;

    assert!(page.find("[data-testid=zoom-join-link]").is_none());
    assert_eq!(
        page.attr("[data-testid=session-link]", "href").as_deref(),
        Some(stable.as_str())
    );
    assert!(page
        .text("[data-testid=session-link-block]")
        .contains(SESSION_LINK_NOTE));
    let region = page.get("[data-testid=copy-session-link-feedback-region]");
    assert_eq!(region.get_attribute("aria-live").as_deref(), Some("polite"));
    page.get("[data-testid=copy-session-link]").click();
    assert!(
        until(|| page.find("[data-testid=copy-session-link-feedback]").is_some()).await,
        "feedback appears"
    );
    assert_eq!(page.text("[data-testid=copy-session-link-feedback]"), "Copied");
    assert!(
        page.find("[data-testid=copy-feedback]").is_none(),
        "only the button clicked says Copied"
    );
    assert_eq!(run_js("return window.__copied;").as_string(), Some(stable));
}

#[wasm_bindgen_test]
async fn copy_falls_back_when_the_clipboard_api_refuses() {
    run_js(
        "Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: () => Promise.reject(new Error('denied')) } });",
    );
    let calls = Calls::default();
    let page = mount_panel(upcoming(ZoomSync::InSync), Some(connected()), None, &calls);
    tick().await;
    page.get("[data-testid=copy-link]").click();
    assert!(
        until(|| page.find("[data-testid=copy-feedback]").is_some()).await,
        "feedback appears either way"
    );
    let text = page.text("[data-testid=copy-feedback]");
    assert!(text == "Copied" || text.contains("Could not copy"), "{text}");
    assert!(page.find("textarea").is_none(), "the helper textarea is gone");
}

#[wasm_bindgen_test]
async fn no_link_offers_add_zoom_link_when_connected() {
    let calls = Calls::default();
    let page = mount_panel(upcoming(ZoomSync::NoLink), Some(connected()), None, &calls);
    tick().await;
    assert_eq!(state(&page), "no_link");
    assert!(page.text("[data-testid=zoom-link-state]").contains("No Zoom link"));
    assert!(page.find("[data-testid=zoom-join-link]").is_none());
    assert!(page.find("[data-testid=start-zoom]").is_none());
    let add = page.get("[data-testid=add-zoom-link]");
    assert_eq!(add.text_content().unwrap().trim(), "Add Zoom link");
    add.click();
    tick().await;
    assert_eq!(Calls::count(&calls.add_link), 1);
}

#[wasm_bindgen_test]
async fn no_link_sends_to_connect_zoom_when_not_connected() {
    let calls = Calls::default();
    let page = mount_panel(
        upcoming(ZoomSync::NoLink),
        Some(ZoomStatus::not_connected()),
        None,
        &calls,
    );
    tick().await;
    assert!(page.find("[data-testid=add-zoom-link]").is_none());
    let connect = page.get("[data-testid=connect-zoom-link]");
    assert_eq!(connect.text_content().unwrap().trim(), "Connect Zoom Account");
    assert_eq!(connect.get_attribute("href").as_deref(), Some(ZOOM_PAGE));
}

#[wasm_bindgen_test]
async fn pending_says_the_meeting_is_being_created() {
    let calls = Calls::default();
    let page = mount_panel(upcoming(ZoomSync::Pending), Some(connected()), None, &calls);
    tick().await;
    assert_eq!(state(&page), "pending");
    assert!(page
        .text("[data-testid=zoom-link-state]")
        .contains("Creating the Zoom meeting\u{2026}"));
    assert!(page.find("[data-testid=retry-zoom]").is_none());
}

#[wasm_bindgen_test]
async fn retrying_shows_attempts_next_time_and_reason_and_retries_now() {
    let calls = Calls::default();
    let sync = ZoomSync::Retrying {
        attempts: 3,
        next_attempt_at: Utc.with_ymd_and_hms(2030, 11, 20, 9, 5, 0).unwrap(),
        code: ErrorCode::ZoomUnavailable,
    };
    let page = mount_panel(upcoming(sync), Some(connected()), None, &calls);
    tick().await;
    assert_eq!(state(&page), "retrying");
    assert_eq!(page.text("[data-testid=retry-attempts]"), "3");
    assert_eq!(
        page.text("[data-testid=retry-next]"),
        "09:05",
        "in the calendar's zone (London, GMT)"
    );
    assert_eq!(
        page.text("[data-testid=retry-reason]"),
        "Zoom did not answer. BetterBeing keeps trying on its own; your session is saved."
    );
    let retry = page.get("[data-testid=retry-zoom]");
    assert_eq!(retry.text_content().unwrap().trim(), "Retry now");
    retry.click();
    tick().await;
    assert_eq!(Calls::count(&calls.add_link), 1);
}

#[wasm_bindgen_test]
async fn waiting_for_zooms_daily_reset_says_when_and_offers_the_link_now() {
    let calls = Calls::default();
    let sync = ZoomSync::Retrying {
        attempts: 0,
        next_attempt_at: Utc.with_ymd_and_hms(2030, 11, 21, 0, 0, 0).unwrap(),
        code: ErrorCode::ZoomDailyLimit,
    };
    let page = mount_panel(upcoming(sync), Some(connected()), None, &calls);
    tick().await;
    assert_eq!(state(&page), "retrying");
    let panel = page.text("[data-testid=zoom-link-state]");
    assert!(panel.contains("Waiting for Zoom\u{2019}s daily limit"), "{panel}");
    assert!(!panel.contains("not answered"), "nothing failed: {panel}");
    assert!(panel.contains("100 new or changed meetings a day"), "{panel}");
    assert_eq!(
        page.text("[data-testid=retry-next]"),
        "Thursday 21 November 2030, 00:00",
        "in the calendar's zone (London, GMT)"
    );
    let now = page.get("[data-testid=retry-zoom]");
    assert_eq!(now.text_content().unwrap().trim(), "Make this link now");
    now.click();
    tick().await;
    assert_eq!(Calls::count(&calls.add_link), 1);
}

#[wasm_bindgen_test]
async fn failed_explains_what_to_do_and_retries_now() {
    let calls = Calls::default();
    let sync = ZoomSync::Failed {
        code: ErrorCode::ZoomNeedsReauth,
        zoom_message: None,
    };
    let page = mount_panel(upcoming(sync), Some(connected()), None, &calls);
    tick().await;
    assert_eq!(state(&page), "failed");
    assert!(page.text("[data-testid=failed-message]").contains("re-authorize"));
    assert!(page.text("[data-testid=failed-steps]").contains("Reauth"));
    assert_eq!(
        page.attr("[data-testid=zoom-page-link]", "href").as_deref(),
        Some(ZOOM_PAGE)
    );
    page.get("[data-testid=retry-zoom]").click();
    tick().await;
    assert_eq!(Calls::count(&calls.add_link), 1);
}

#[wasm_bindgen_test]
async fn an_outdated_link_is_marked_while_the_new_one_is_made() {
    let calls = Calls::default();
    let mut s = upcoming(ZoomSync::Pending);
    s.zoom.link = Some(crate::support::link(7));
    s.zoom.link_outdated = true;
    let page = mount_panel(s, Some(connected()), None, &calls);
    tick().await;
    assert!(
        page.find("[data-testid=zoom-join-link]").is_some(),
        "the previous link still works until then"
    );
    assert_eq!(page.text("[data-testid=link-outdated]"), OUTDATED_NOTE);
    assert_eq!(state(&page), "pending");
}

#[wasm_bindgen_test]
async fn a_start_failure_says_what_to_do() {
    let calls = Calls::default();
    let help = start_failure(Some(ErrorCode::ZoomNeedsReauth));
    let page = mount_panel(upcoming(ZoomSync::InSync), Some(connected()), Some(help), &calls);
    tick().await;
    let error = page.get("[data-testid=start-error]");
    assert_eq!(error.get_attribute("role").as_deref(), Some("alert"));
    assert!(error.text_content().unwrap().contains("Reauth"));
}

#[wasm_bindgen_test]
async fn details_show_both_zones_when_they_differ() {
    let calls = Calls::default();
    let mut s = upcoming(ZoomSync::InSync);
    s.private_notes = "Discuss sleep diary".into();
    let page = mount_panel(s, Some(connected()), None, &calls);
    tick().await;
    assert!(
        page.text("[data-testid=session-when]").contains("14:00 \u{2013} 14:50"),
        "London"
    );
    assert!(
        page.text("[data-testid=session-when-own-zone]")
            .contains("09:00 \u{2013} 09:50"),
        "New York"
    );
    assert_eq!(page.text("[data-testid=session-duration]"), "50 minutes");
    assert_eq!(page.text("[data-testid=session-notes]"), "Discuss sleep diary");
    page.get("[data-testid=edit-session]").click();
    tick().await;
    assert_eq!(Calls::count(&calls.edit), 1);
}

#[wasm_bindgen_test]
async fn cancelling_asks_first_and_explains_the_link_stops_working() {
    let calls = Calls::default();
    let page = mount_panel(upcoming(ZoomSync::InSync), Some(connected()), None, &calls);
    tick().await;
    let dialog: HtmlDialogElement = page.get("[data-testid=cancel-session-dialog]").unchecked_into();
    assert!(!dialog.open());
    page.get("[data-testid=cancel-session]").click();
    tick().await;
    assert!(dialog.open());
    let words = dialog.text_content().unwrap();
    assert!(
        words.contains("Zoom meeting is deleted") && words.contains("stops working"),
        "{words}"
    );
    assert_eq!(Calls::count(&calls.cancel), 0);
    page.get("[data-testid=confirm-cancel-session]").click();
    tick().await;
    assert_eq!(Calls::count(&calls.cancel), 1);
}

#[wasm_bindgen_test]
async fn the_session_downloads_as_an_ics_file() {
    let s = upcoming(ZoomSync::InSync);
    let page = mount(move || {
        view! {
            <SessionPanel
                session=Signal::derive(move || s.clone())
                zone=Signal::derive(|| Zone::named("Europe/London").unwrap())
                zoom_status=Signal::derive(|| Some(connected()))
                zoom_page_href=ZOOM_PAGE
                on_start=|| ()
                on_add_link=|| ()
                on_edit=|| ()
                on_cancel_session=|| ()
                ics_href=Signal::derive(|| Some("/api/sessions/7/calendar.ics".to_string()))
            />
        }
    });
    tick().await;
    let link = page.get("[data-testid=download-ics]");
    assert_eq!(
        link.get_attribute("href").as_deref(),
        Some("/api/sessions/7/calendar.ics")
    );
    assert!(link.has_attribute("download"), "a download, not a navigation");
    assert_eq!(link.text_content().unwrap().trim(), "Download .ics");

    let calls = Calls::default();
    let without = mount_panel(upcoming(ZoomSync::InSync), Some(connected()), None, &calls);
    tick().await;
    assert!(
        without.find("[data-testid=download-ics]").is_none(),
        "only when the owner gives the file's URL"
    );
}

#[wasm_bindgen_test]
async fn a_meeting_deleted_in_zoom_says_so_and_one_click_makes_a_new_link() {
    let calls = Calls::default();
    let mut s = upcoming(ZoomSync::InSync);
    s.zoom.link = None;
    s.zoom.changed_in_zoom = Some(ChangedInZoom::Deleted);
    let page = mount_panel(s, Some(connected()), None, &calls);
    tick().await;
    assert_eq!(
        page.attr("[data-testid=changed-in-zoom]", "data-kind").as_deref(),
        Some("deleted")
    );
    assert!(page.text("[data-testid=changed-in-zoom]").contains("deleted in Zoom"));
    assert!(
        page.find("[data-testid=start-zoom]").is_none(),
        "no Start for a deleted meeting"
    );
    page.get("[data-testid=make-new-zoom-link]").click();
    tick().await;
    assert_eq!(Calls::count(&calls.add_link), 1);
}

#[wasm_bindgen_test]
async fn a_meeting_moved_in_zoom_shows_both_times_and_offers_both_ways_back() {
    let calls = Calls::default();
    let mut s = upcoming(ZoomSync::InSync);
    let zoom_start = s.starts_at + chrono::Duration::hours(2);
    s.zoom.changed_in_zoom = Some(ChangedInZoom::Moved {
        starts_at: zoom_start,
        duration_minutes: 30,
    });
    let page = mount_panel(s, Some(connected()), None, &calls);
    tick().await;
    assert_eq!(
        page.attr("[data-testid=changed-in-zoom]", "data-kind").as_deref(),
        Some("moved")
    );
    // 14:00 UTC on 25 November 2030 is 14:00 in London; Zoom has it at 16:00 for 30 minutes.
    assert!(
        page.text("[data-testid=zoom-time]").contains("16:00"),
        "{}",
        page.text("[data-testid=zoom-time]")
    );
    assert!(page.text("[data-testid=zoom-time]").contains("16:30"));
    assert!(page.text("[data-testid=betterbeing-time]").contains("14:00"));
    page.get("[data-testid=zoom-time-put-back]").click();
    page.get("[data-testid=zoom-time-follow]").click();
    tick().await;
    assert_eq!(
        *calls.resolved.lock().unwrap(),
        vec![ZoomTimeChoice::PutBack, ZoomTimeChoice::FollowZoom]
    );
}

#[wasm_bindgen_test]
async fn a_running_meeting_shows_in_progress() {
    let calls = Calls::default();
    let mut s = upcoming(ZoomSync::InSync);
    let page = mount_panel(s.clone(), Some(connected()), None, &calls);
    tick().await;
    assert!(page.find("[data-testid=in-progress]").is_none());
    drop(page);
    s.zoom.in_progress = true;
    let page = mount_panel(s, Some(connected()), None, &calls);
    tick().await;
    assert_eq!(page.text("[data-testid=in-progress]"), "In progress in Zoom");
}

#[wasm_bindgen_test]
async fn a_link_remade_before_the_session_says_the_zoom_link_changed() {
    let calls = Calls::default();
    let mut s = upcoming(ZoomSync::InSync);
    s.zoom.notice = Some(api::sessions::ZoomNotice::RemadeAfterDeletion {
        at: Utc.with_ymd_and_hms(2030, 11, 24, 14, 5, 0).unwrap(),
    });
    let page = mount_panel(s, Some(connected()), None, &calls);
    tick().await;
    let notice = page.text("[data-testid=zoom-notice]");
    assert!(notice.contains("The Zoom link changed"), "{notice}");
    assert!(
        notice.contains("14:05"),
        "when it was checked, in the calendar's zone: {notice}"
    );
    assert!(page.find("[data-testid=zoom-join-link]").is_some(), "with the new link");
}

#[wasm_bindgen_test]
async fn cancelling_while_zoom_is_disconnected_says_the_meeting_stays_live_until_a_reconnect() {
    let calls = Calls::default();
    let page = mount_panel(
        upcoming(ZoomSync::InSync),
        Some(ZoomStatus::not_connected()),
        None,
        &calls,
    );
    tick().await;
    page.get("[data-testid=cancel-session]").click();
    tick().await;
    let words = page.text("[data-testid=cancel-zoom-words]");
    assert!(words.contains("cannot delete the Zoom meeting yet"), "{words}");
    assert!(words.contains("keeps working until you reconnect Zoom"), "{words}");
    assert!(!words.contains("stops working"), "no promise it cannot keep: {words}");
}

#[wasm_bindgen_test]
async fn the_message_for_the_client_is_copied_with_the_links_and_never_the_notes() {
    run_js(
        "window.__copied = null; Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: (t) => { window.__copied = t; return Promise.resolve(); } } });",
    );
    let calls = Calls::default();
    let mut s = upcoming(ZoomSync::InSync);
    s.private_notes = "private detail".into();
    let join_url = s.zoom.link.clone().unwrap().join_url;
    let page = mount_panel(s, Some(connected()), None, &calls);
    tick().await;
    assert!(
        page.find("[data-testid=rescheduled-tell-client]").is_none(),
        "not highlighted unless just rescheduled"
    );
    page.get("[data-testid=copy-client-message]").click();
    assert!(
        until(|| page.find("[data-testid=copy-client-message-feedback]").is_some()).await,
        "feedback appears"
    );
    let copied = run_js("return window.__copied;").as_string().unwrap();
    assert!(copied.contains(&join_url), "{copied}");
    assert!(copied.contains(&crate::support::session_link(7)), "{copied}");
    assert!(!copied.contains("private detail"));
}
