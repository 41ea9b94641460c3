//! DOM events for the host page: dispatched on the mount element, bubbling and composed, with their details; and
//! the Zoom page firing them as the connection changes (the API answered by a stub `fetch`).
#![cfg(target_arch = "wasm32")]

use crate::support::{mount, run_js, until, Mounted};
use api::zoom::{ReauthReason, ZoomAccount, ZoomPlan, ZoomStatus};
use betterbeing_zoom_web::config::Config;
use betterbeing_zoom_web::host::HostEvents;
use betterbeing_zoom_web::logic::host_events::{self, HostEvent};
use betterbeing_zoom_web::pages::zoom::ZoomPage;
use chrono::{TimeZone, Utc};
use leptos::prelude::*;
use leptos::task::tick;
use leptos_router::components::Router;
use serde_json::{json, Value};
use wasm_bindgen_test::*;

const MOUNT_ID: &str = "host-mount";

fn config() -> Config {
    Config {
        mount: Some(format!("#{MOUNT_ID}")),
        ..Config::default()
    }
}

/// Records every BetterBeing event that reaches the mount element.
fn listen(page: &Mounted) {
    page.root.set_id(MOUNT_ID);
    let names = serde_json::to_string(&host_events::ALL).unwrap();
    run_js(&format!(
        "window.__events = []; const root = document.getElementById('{MOUNT_ID}');
         for (const name of {names}) root.addEventListener(name, (e) => window.__events.push(
           {{ name: e.type, detail: e.detail, bubbles: e.bubbles, composed: e.composed }}));"
    ));
}

fn events() -> Vec<Value> {
    let text = run_js("return JSON.stringify(window.__events);").as_string().unwrap();
    serde_json::from_str(&text).unwrap()
}

fn names() -> Vec<String> {
    events()
        .iter()
        .map(|e| e["name"].as_str().unwrap().to_string())
        .collect()
}

#[wasm_bindgen_test]
async fn events_reach_the_mount_element_bubbling_and_composed() {
    let page = mount(|| {
        provide_context(config());
        let host = HostEvents::use_context();
        view! {
            <button id="fire" on:click=move |_| {
                host.dispatch(&HostEvent::ZoomConnected { email: "dr.rivera@zoom.example".into() });
                host.dispatch(&HostEvent::ZoomDisconnected);
                host.dispatch(&HostEvent::ZoomNeedsReauth { reason: "grant_revoked".into() });
                host.observe_link(9, None);
                host.observe_link(9, Some("https://zoom.example/j/9"));
                host.observe_link(9, Some("https://zoom.example/j/9"));
            }>"fire"</button>
        }
    });
    listen(&page);
    tick().await;
    page.get("#fire").click();
    tick().await;

    let got = events();
    assert_eq!(
        names(),
        vec![
            "betterbeing:zoom-connected",
            "betterbeing:zoom-disconnected",
            "betterbeing:zoom-needs-reauth",
            "betterbeing:session-link-changed",
        ]
    );
    for e in &got {
        assert_eq!(e["bubbles"], json!(true));
        assert_eq!(e["composed"], json!(true));
    }
    assert_eq!(got[0]["detail"], json!({"email": "dr.rivera@zoom.example"}));
    assert_eq!(got[2]["detail"], json!({"reason": "grant_revoked"}));
    assert_eq!(
        got[3]["detail"],
        json!({"sessionId": 9, "joinUrl": "https://zoom.example/j/9"})
    );
}

fn account() -> ZoomAccount {
    ZoomAccount {
        email: "dr.rivera@zoom.example".into(),
        display_name: "Dr Maya Rivera".into(),
        plan: ZoomPlan::Licensed,
        connected_since: Utc.with_ymd_and_hms(2026, 11, 3, 12, 0, 0).unwrap(),
        scopes: vec![],
    }
}

/// Answers the Zoom page's API calls from `window.__status` (and no missing links), counting status calls.
fn stub_api(status: &ZoomStatus) {
    let status = serde_json::to_string(status).unwrap();
    run_js(&format!(
        "window.__status = {status}; window.__statusCalls = 0; window.__realFetch ??= window.fetch;
         window.fetch = async (input) => {{
           const path = new URL(typeof input === 'string' ? input : input.url, location.href).pathname;
           const json = (body) => new Response(JSON.stringify(body), {{ status: 200, headers: {{ 'content-type': 'application/json' }} }});
           if (path === '/api/zoom/status') {{ window.__statusCalls += 1; return json(window.__status); }}
           if (path === '/api/sessions/missing-zoom-links') return json({{ session_ids: [] }});
           if (path === '/api/zoom/disconnect') {{ window.__status = {{ state: 'not_connected' }}; return new Response(null, {{ status: 204 }}); }}
           return new Response(JSON.stringify({{ code: 'not_found', message: '' }}), {{ status: 404, headers: {{ 'content-type': 'application/json' }} }});
         }};"
    ));
}

fn restore_fetch() {
    run_js("if (window.__realFetch) window.fetch = window.__realFetch;");
}

fn status_calls() -> f64 {
    run_js("return window.__statusCalls;").as_f64().unwrap()
}

fn mount_zoom_page() -> Mounted {
    mount(|| {
        provide_context(config());
        view! { <Router><ZoomPage/></Router> }
    })
}

fn zoom_state(page: &Mounted) -> Option<String> {
    page.find("[data-testid=zoom-state]")
        .and_then(|e| e.get_attribute("data-state"))
}

#[wasm_bindgen_test]
async fn the_zoom_page_announces_needs_reauth_and_looks_again_on_focus() {
    stub_api(&ZoomStatus::NeedsReauth {
        account: account(),
        reason: ReauthReason::GrantRevoked,
    });
    let page = mount_zoom_page();
    listen(&page);
    assert!(until(|| zoom_state(&page).as_deref() == Some("needs_reauth")).await);
    assert!(until(|| !events().is_empty()).await);
    assert_eq!(names(), vec!["betterbeing:zoom-needs-reauth"]);
    assert_eq!(events()[0]["detail"], json!({"reason": "grant_revoked"}));

    // The admin (or Zoom) changed something meanwhile: coming back to the window shows it without a reload.
    let before = status_calls();
    run_js(
        "window.__status = { state: 'blocked_by_organisation', admin_name: 'Priya Shah', connected_account: null };",
    );
    run_js("window.dispatchEvent(new Event('focus'));");
    assert!(until(|| zoom_state(&page).as_deref() == Some("blocked_by_organisation")).await);
    assert!(status_calls() > before);
    assert_eq!(names().len(), 1, "needs reauth is announced once");
    assert!(page.text("[data-testid=blocked-by-org]").contains("Priya Shah"));
    drop(page);
    restore_fetch();
}

#[wasm_bindgen_test]
async fn the_zoom_page_announces_connected_then_disconnected() {
    let clean = run_js("return location.pathname + location.search;")
        .as_string()
        .unwrap();
    run_js("history.replaceState(history.state, '', location.pathname + '?zoom=connected');");
    stub_api(&ZoomStatus::Connected {
        account: account(),
        verified: true,
        checked_at: None,
    });
    let page = mount_zoom_page();
    listen(&page);
    assert!(until(|| zoom_state(&page).as_deref() == Some("connected")).await);
    assert!(until(|| !events().is_empty()).await);
    assert_eq!(names(), vec!["betterbeing:zoom-connected"]);
    assert_eq!(events()[0]["detail"], json!({"email": "dr.rivera@zoom.example"}));

    page.get("[data-testid=disconnect-zoom]").click();
    tick().await;
    page.get("[data-testid=confirm-disconnect]").click();
    assert!(until(|| names().len() == 2).await);
    assert_eq!(names()[1], "betterbeing:zoom-disconnected");
    assert!(until(|| zoom_state(&page).as_deref() == Some("not_connected")).await);
    assert_eq!(names().len(), 2, "connected is not announced again");
    drop(page);
    restore_fetch();
    run_js(&format!("history.replaceState(history.state, '', {});", json!(clean)));
}
