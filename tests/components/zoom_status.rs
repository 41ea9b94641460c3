//! What a practitioner sees and can do on the Zoom page, for each connection state. Runs in headless Chromium:
//! `cargo test --target wasm32-unknown-unknown -p betterbeing-zoom-web`.
#![cfg(target_arch = "wasm32")]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use api::zoom::{ReauthReason, ZoomAccount, ZoomPlan, ZoomStatus, SCOPES};
use betterbeing_zoom_web::components::zoom_status::{ZoomStatusView, PROMISE};
use chrono::{TimeZone, Utc};
use leptos::prelude::*;
use leptos::task::tick;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlDialogElement, HtmlElement};

fn account(plan: ZoomPlan) -> ZoomAccount {
    ZoomAccount {
        email: "dr.rivera@example.com".into(),
        display_name: "Dr Sam Rivera".into(),
        plan,
        connected_since: Utc.with_ymd_and_hms(2026, 11, 3, 12, 0, 0).unwrap(),
        scopes: SCOPES.iter().map(|s| s.name.to_string()).collect(),
    }
}

#[derive(Clone, Default)]
struct Calls {
    connect: Arc<AtomicUsize>,
    disconnect: Arc<AtomicUsize>,
    check_again: Arc<AtomicUsize>,
}

struct Mounted {
    root: HtmlElement,
    // Dropping the handle unmounts the view.
    _handle: Box<dyn std::any::Any>,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.root.remove();
    }
}

impl Mounted {
    fn find(&self, selector: &str) -> Option<HtmlElement> {
        self.root
            .query_selector(selector)
            .unwrap()
            .map(|e| e.unchecked_into::<HtmlElement>())
    }

    fn get(&self, selector: &str) -> HtmlElement {
        self.find(selector)
            .unwrap_or_else(|| panic!("nothing matches {selector}"))
    }

    fn count(&self, selector: &str) -> u32 {
        self.root.query_selector_all(selector).unwrap().length()
    }

    fn text(&self, selector: &str) -> String {
        self.get(selector).text_content().unwrap_or_default()
    }

    fn dialog(&self) -> HtmlDialogElement {
        self.get("[data-testid=disconnect-dialog]").unchecked_into()
    }
}

fn mount_status(status: Signal<ZoomStatus>, calls: &Calls, error: Option<&str>) -> Mounted {
    let document = document();
    let root: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&root).unwrap();
    let connect = calls.connect.clone();
    let disconnect = calls.disconnect.clone();
    let check_again = calls.check_again.clone();
    let error = error.map(str::to_string);
    let handle = leptos::mount::mount_to(root.clone(), move || {
        view! {
            <ZoomStatusView
                status=status
                on_connect=move || { connect.fetch_add(1, Ordering::SeqCst); }
                on_disconnect=move || { disconnect.fetch_add(1, Ordering::SeqCst); }
                disconnect_error=Signal::derive(move || error.clone())
                on_check_again=Callback::new(move |()| { check_again.fetch_add(1, Ordering::SeqCst); })
            />
        }
    });
    Mounted {
        root,
        _handle: Box::new(handle),
    }
}

fn fixed(status: ZoomStatus) -> Signal<ZoomStatus> {
    Signal::derive(move || status.clone())
}

#[wasm_bindgen_test]
async fn not_connected_lists_the_six_scopes_and_connects() {
    let calls = Calls::default();
    let page = mount_status(fixed(ZoomStatus::not_connected()), &calls, None);
    tick().await;

    assert_eq!(
        page.get("[data-testid=zoom-state]")
            .get_attribute("data-state")
            .as_deref(),
        Some("not_connected")
    );
    assert_eq!(page.count("[data-testid=zoom-scopes] li[data-scope]"), 6);
    for scope in SCOPES {
        let item = page.text(&format!("li[data-scope=\"{}\"]", scope.name));
        assert!(item.contains(scope.plain_words), "{}", scope.name);
    }
    assert_eq!(page.text("[data-testid=zoom-promise]"), PROMISE);

    let connect = page.get("[data-testid=connect-zoom]");
    assert_eq!(connect.text_content().unwrap().trim(), "Connect Zoom Account");
    connect.click();
    tick().await;
    assert_eq!(calls.connect.load(Ordering::SeqCst), 1);
    assert!(page.find("[data-testid=disconnect-zoom]").is_none());
}

#[wasm_bindgen_test]
async fn connected_shows_the_account_and_its_granted_scopes() {
    let calls = Calls::default();
    let status = ZoomStatus::Connected {
        account: account(ZoomPlan::Basic),
        verified: true,
        checked_at: None,
    };
    let page = mount_status(fixed(status), &calls, None);
    tick().await;

    assert_eq!(
        page.get("[data-testid=zoom-state]")
            .get_attribute("data-state")
            .as_deref(),
        Some("connected")
    );
    assert_eq!(page.text("[data-testid=zoom-email]"), "dr.rivera@example.com");
    assert!(page.text("[data-testid=zoom-plan]").contains("Basic"));
    assert!(page.text("[data-testid=zoom-plan-note]").contains("40 minutes"));
    assert!(page
        .text("[data-testid=zoom-connected-since]")
        .contains("November 2026"));
    assert_eq!(page.count("[data-testid=zoom-scopes] li[data-scope]"), 6);
    assert!(page.find("[data-testid=zoom-unverified]").is_none());
    assert!(page.find("[data-testid=connect-zoom]").is_none());
    assert_eq!(page.text("[data-testid=disconnect-zoom]").trim(), "Disconnect");
}

#[wasm_bindgen_test]
async fn connected_says_when_zoom_last_confirmed_it_and_check_again_asks_once() {
    let calls = Calls::default();
    let confirmed = Utc.with_ymd_and_hms(2026, 11, 23, 9, 5, 0).unwrap();
    let local = confirmed.with_timezone(&chrono::Local);
    let status = ZoomStatus::Connected {
        account: account(ZoomPlan::Licensed),
        verified: true,
        checked_at: Some(confirmed),
    };
    let page = mount_status(fixed(status), &calls, None);
    tick().await;
    assert_eq!(
        page.text("[data-testid=zoom-checked]"),
        format!(
            "Last confirmed with Zoom on {} at {}.",
            local.format("%-d %B %Y"),
            local.format("%H:%M")
        )
    );
    let button = page.get("[data-testid=check-again]");
    assert_eq!(button.text_content().unwrap().trim(), "Check again");
    button.click();
    tick().await;
    assert_eq!(calls.check_again.load(Ordering::SeqCst), 1);
    assert_eq!(
        calls.disconnect.load(Ordering::SeqCst),
        0,
        "checking is not disconnecting"
    );
}

#[wasm_bindgen_test]
async fn a_connection_never_confirmed_says_so() {
    let calls = Calls::default();
    let status = ZoomStatus::Connected {
        account: account(ZoomPlan::Licensed),
        verified: true,
        checked_at: None,
    };
    let page = mount_status(fixed(status), &calls, None);
    tick().await;
    assert_eq!(page.text("[data-testid=zoom-checked]"), "Not confirmed with Zoom yet.");
}

#[wasm_bindgen_test]
async fn unverified_connection_says_zoom_could_not_be_reached() {
    let calls = Calls::default();
    let status = ZoomStatus::Connected {
        account: account(ZoomPlan::Licensed),
        verified: false,
        checked_at: None,
    };
    let page = mount_status(fixed(status), &calls, None);
    tick().await;
    assert!(page
        .text("[data-testid=zoom-unverified]")
        .contains("could not be reached"));
    assert!(page.find("[data-testid=zoom-plan-note]").is_none());
}

#[wasm_bindgen_test]
async fn disconnect_asks_first_and_cancel_changes_nothing() {
    let calls = Calls::default();
    let status = ZoomStatus::Connected {
        account: account(ZoomPlan::Licensed),
        verified: true,
        checked_at: None,
    };
    let page = mount_status(fixed(status), &calls, None);
    tick().await;

    assert!(!page.dialog().open());
    page.get("[data-testid=disconnect-zoom]").click();
    tick().await;
    let dialog = page.dialog();
    assert!(dialog.open(), "the dialog opens");
    let focused = document().active_element().expect("something has focus");
    assert!(dialog.contains(Some(&focused)), "focus moves into the dialog");
    let words = dialog.text_content().unwrap();
    assert!(words.contains("revoked at Zoom"));
    assert!(words.contains("keep working in Zoom"));

    page.get("[data-testid=cancel-disconnect]").click();
    tick().await;
    assert!(!page.dialog().open(), "Cancel closes the dialog");
    assert_eq!(calls.disconnect.load(Ordering::SeqCst), 0);
    assert_eq!(
        page.get("[data-testid=zoom-state]")
            .get_attribute("data-state")
            .as_deref(),
        Some("connected")
    );
}

#[wasm_bindgen_test]
async fn confirming_disconnect_calls_disconnect_once() {
    let calls = Calls::default();
    let status = ZoomStatus::Connected {
        account: account(ZoomPlan::Licensed),
        verified: true,
        checked_at: None,
    };
    let page = mount_status(fixed(status), &calls, None);
    tick().await;
    page.get("[data-testid=disconnect-zoom]").click();
    tick().await;
    page.get("[data-testid=confirm-disconnect]").click();
    tick().await;
    assert_eq!(calls.disconnect.load(Ordering::SeqCst), 1);
}

#[wasm_bindgen_test]
async fn disconnect_failure_is_shown_in_the_dialog() {
    let calls = Calls::default();
    let status = ZoomStatus::Connected {
        account: account(ZoomPlan::Licensed),
        verified: true,
        checked_at: None,
    };
    let page = mount_status(fixed(status), &calls, Some("Zoom is not answering right now."));
    tick().await;
    page.get("[data-testid=disconnect-zoom]").click();
    tick().await;
    let error = page.get("[data-testid=disconnect-dialog] [data-testid=page-error]");
    assert_eq!(error.get_attribute("role").as_deref(), Some("alert"));
    assert!(error.text_content().unwrap().contains("not answering"));
}

#[wasm_bindgen_test]
async fn dialog_closes_when_the_account_is_gone() {
    let calls = Calls::default();
    let status = RwSignal::new(ZoomStatus::Connected {
        account: account(ZoomPlan::Licensed),
        verified: true,
        checked_at: None,
    });
    let page = mount_status(status.into(), &calls, None);
    tick().await;
    page.get("[data-testid=disconnect-zoom]").click();
    tick().await;
    assert!(page.dialog().open());
    status.set(ZoomStatus::not_connected());
    tick().await;
    assert!(!page.dialog().open());
    assert!(page.find("[data-testid=connect-zoom]").is_some());
}

#[wasm_bindgen_test]
async fn needs_reauth_explains_why_and_offers_reauth() {
    let cases = [
        (ReauthReason::GrantRevoked, "expired or was revoked"),
        (ReauthReason::ReplacedByNewerAuthorization, "newest authorization"),
        (ReauthReason::AppDisabledByZoomAdmin, "Contact your Zoom administrator"),
    ];
    for (reason, words) in cases {
        let calls = Calls::default();
        let status = ZoomStatus::NeedsReauth {
            account: account(ZoomPlan::Licensed),
            reason,
        };
        let page = mount_status(fixed(status), &calls, None);
        tick().await;

        assert_eq!(
            page.get("[data-testid=zoom-state]")
                .get_attribute("data-state")
                .as_deref(),
            Some("needs_reauth")
        );
        let banner = page.get("[data-testid=reauth-banner]");
        assert_eq!(banner.get_attribute("role").as_deref(), Some("alert"));
        let text = banner.text_content().unwrap();
        assert!(text.contains(words), "{reason:?}: {text}");
        assert!(text.contains("dr.rivera@example.com"));
        assert!(text.contains("Reauth"));

        let reauth = page.get("[data-testid=reauth-zoom]");
        assert_eq!(reauth.text_content().unwrap().trim(), "Reauth");
        reauth.click();
        tick().await;
        assert_eq!(calls.connect.load(Ordering::SeqCst), 1);
        assert!(page.find("[data-testid=disconnect-zoom]").is_some());
    }
}

#[wasm_bindgen_test]
async fn blocked_by_organisation_names_whom_to_ask_and_offers_no_connect() {
    let calls = Calls::default();
    let status = ZoomStatus::BlockedByOrganisation {
        admin_name: Some("Priya Shah".into()),
        connected_account: None,
    };
    let page = mount_status(fixed(status), &calls, None);
    tick().await;

    assert_eq!(
        page.get("[data-testid=zoom-state]")
            .get_attribute("data-state")
            .as_deref(),
        Some("blocked_by_organisation")
    );
    let blocked = page.text("[data-testid=blocked-by-org]");
    assert!(blocked.contains("has not enabled Zoom access"));
    assert!(blocked.contains("Priya Shah"));
    assert!(page.find("[data-testid=connect-zoom]").is_none());
}

#[wasm_bindgen_test]
async fn blocked_with_a_connected_account_shows_it_and_offers_disconnect() {
    let calls = Calls::default();
    let status = RwSignal::new(ZoomStatus::BlockedByOrganisation {
        admin_name: Some("Priya Shah".into()),
        connected_account: Some(account(ZoomPlan::Basic)),
    });
    let page = mount_status(status.into(), &calls, None);
    tick().await;

    assert_eq!(
        page.get("[data-testid=zoom-state]")
            .get_attribute("data-state")
            .as_deref(),
        Some("blocked_by_organisation")
    );
    let blocked = page.text("[data-testid=blocked-by-org]");
    assert!(blocked.contains("turned off"), "{blocked}");
    assert!(blocked.contains("Priya Shah"));
    assert_eq!(page.text("[data-testid=zoom-email]"), "dr.rivera@example.com");
    let still = page.text("[data-testid=blocked-still-works]");
    for words in [
        "keep working",
        "Start Zoom Session",
        "deletes its Zoom meeting",
        "disconnect",
    ] {
        assert!(still.contains(words), "{words}");
    }
    assert!(page
        .text("[data-testid=blocked-paused]")
        .contains("new sessions get no Zoom link"));
    assert!(page.find("[data-testid=connect-zoom]").is_none());
    assert!(page.find("[data-testid=reauth-zoom]").is_none());

    page.get("[data-testid=disconnect-zoom]").click();
    tick().await;
    assert!(page.dialog().open(), "the same confirmation as when connected");
    page.get("[data-testid=confirm-disconnect]").click();
    tick().await;
    assert_eq!(calls.disconnect.load(Ordering::SeqCst), 1);

    // Once disconnected, the question is moot and nothing is left to disconnect.
    status.set(ZoomStatus::BlockedByOrganisation {
        admin_name: Some("Priya Shah".into()),
        connected_account: None,
    });
    tick().await;
    assert!(!page.dialog().open());
    assert!(page.find("[data-testid=disconnect-zoom]").is_none());
    assert!(page.find("[data-testid=connect-zoom]").is_none());
}

#[wasm_bindgen_test]
async fn check_again_shows_that_it_is_checking_and_why_a_check_failed() {
    let checking = RwSignal::new(false);
    let check_error = RwSignal::new(None::<String>);
    let asked = Arc::new(AtomicUsize::new(0));
    let document = document();
    let root: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&root).unwrap();
    let counter = asked.clone();
    let handle = leptos::mount::mount_to(root.clone(), move || {
        view! {
            <ZoomStatusView
                status=fixed(ZoomStatus::Connected {
                    account: account(ZoomPlan::Licensed),
                    verified: true,
                    checked_at: None,
                })
                on_connect=|| {}
                on_disconnect=|| {}
                on_check_again=Callback::new(move |()| { counter.fetch_add(1, Ordering::SeqCst); })
                checking=checking
                check_error=check_error
            />
        }
    });
    let page = Mounted {
        root,
        _handle: Box::new(handle),
    };
    tick().await;
    assert!(page.find("[data-testid=check-error]").is_none());

    checking.set(true);
    tick().await;
    let button = page.get("[data-testid=check-again]");
    assert_eq!(button.text_content().unwrap().trim(), "Checking\u{2026}");
    assert_eq!(button.get_attribute("aria-busy").as_deref(), Some("true"));
    button.click();
    tick().await;
    assert_eq!(asked.load(Ordering::SeqCst), 0, "a busy check cannot be started twice");

    checking.set(false);
    check_error.set(Some("Zoom could not be reached. Try again in a moment.".into()));
    tick().await;
    let error = page.get("[data-testid=check-error]");
    assert_eq!(error.get_attribute("role").as_deref(), Some("alert"));
    assert_eq!(
        error.text_content().unwrap(),
        "Zoom could not be reached. Try again in a moment."
    );
    assert_eq!(page.text("[data-testid=check-again]").trim(), "Check again");
}

#[wasm_bindgen_test]
async fn a_connection_zoom_ended_says_why() {
    let calls = Calls::default();
    let ended = api::zoom::ConnectionEnded {
        reason: api::zoom::EndedReason::RemovedInZoom,
        zoom_email: "dr.rivera@example.com".into(),
        at: chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 11, 20, 9, 0, 0).unwrap(),
    };
    let page = mount_status(fixed(ZoomStatus::NotConnected { ended: Some(ended) }), &calls, None);
    tick().await;
    let why = page.text("[data-testid=zoom-ended]");
    assert!(why.contains("removed from your Zoom account"), "{why}");
    assert!(
        why.contains("dr.rivera@example.com") && why.contains("20 November 2026"),
        "{why}"
    );
    assert!(
        page.find("[data-testid=connect-zoom]").is_some(),
        "and offers to connect again"
    );
}
