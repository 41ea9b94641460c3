//! Console → Organisation: the "Allow practitioners to connect Zoom" switch, the roster and the audit log, and
//! what non-admins see.
#![cfg(target_arch = "wasm32")]

use std::sync::{Arc, Mutex};

use crate::support::{mount, Mounted};
use api::identity::{Plan, Role};
use api::organisation::{AuditAction, AuditEntry, Member, MemberZoomState, OrganisationAdmin};
use betterbeing_zoom_web::components::organisation_admin::{OrganisationAdminView, OrganisationForbidden};
use chrono::{TimeZone, Utc};
use leptos::prelude::*;
use leptos::task::tick;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlInputElement;

fn member(id: i64, name: &str, role: Role, state: MemberZoomState, zoom_email: Option<&str>) -> Member {
    Member {
        id,
        name: name.into(),
        email: format!("{}@clinic.example", name.split(' ').next().unwrap().to_lowercase()),
        role,
        zoom_state: state,
        zoom_email: zoom_email.map(str::to_string),
        last_zoom_success_at: zoom_email.map(|_| Utc.with_ymd_and_hms(2026, 11, 20, 10, 0, 0).unwrap()),
    }
}

fn organisation(audit: Vec<AuditEntry>) -> OrganisationAdmin {
    OrganisationAdmin {
        id: 2,
        name: "Harbour Clinic".into(),
        plan: Plan::Clinic,
        zoom_allowed: true,
        members: vec![
            member(2, "Priya Shah", Role::Admin, MemberZoomState::NotConnected, None),
            member(
                3,
                "Sam Okafor",
                Role::Practitioner,
                MemberZoomState::Connected,
                Some("sam.okafor@zoom.example"),
            ),
            member(
                4,
                "Lee Park",
                Role::Practitioner,
                MemberZoomState::NeedsReauth,
                Some("lee@zoom.example"),
            ),
        ],
        audit,
    }
}

fn entry(action: AuditAction) -> AuditEntry {
    AuditEntry {
        at: Utc.with_ymd_and_hms(2026, 11, 22, 15, 30, 0).unwrap(),
        actor_name: "Priya Shah".into(),
        action,
    }
}

/// `follow`: whether the owner flips `allowed` when asked (as the page does), or leaves it (a failed save).
fn mount_admin(org: OrganisationAdmin, follow: bool) -> (Mounted, Arc<Mutex<Vec<bool>>>, RwSignal<bool>) {
    let calls = Arc::new(Mutex::new(Vec::new()));
    let seen = calls.clone();
    let allowed = RwSignal::new(org.zoom_allowed);
    let page = mount(move || {
        view! {
            <OrganisationAdminView
                organisation=Signal::derive(move || org.clone())
                allowed=allowed
                on_toggle=move |wanted: bool| {
                    seen.lock().unwrap().push(wanted);
                    if follow {
                        allowed.set(wanted);
                    }
                }
            />
        }
    });
    (page, calls, allowed)
}

fn switch(page: &Mounted) -> HtmlInputElement {
    page.get("[data-testid=zoom-access-switch]").unchecked_into()
}

#[wasm_bindgen_test]
async fn the_switch_is_labelled_and_calls_back_with_the_wanted_value() {
    let (page, calls, allowed) = mount_admin(organisation(vec![]), true);
    tick().await;
    let s = switch(&page);
    assert_eq!(s.type_(), "checkbox");
    assert_eq!(s.get_attribute("role").as_deref(), Some("switch"));
    assert!(s.checked());
    assert_eq!(
        page.text("label[for=zoom-access-switch]"),
        "Allow practitioners to connect Zoom"
    );
    assert!(page.text("[data-testid=organisation-name]").contains("Harbour Clinic"));
    assert!(page.text("[data-testid=organisation-plan]").contains("Clinic"));
    let policy = page.text("[data-testid=zoom-access-policy]");
    assert!(policy.contains("no longer connect") && policy.contains("keep working") && policy.contains("resumes"));

    s.click();
    tick().await;
    assert_eq!(*calls.lock().unwrap(), vec![false]);
    assert!(!allowed.get_untracked());
    assert!(!s.checked());

    s.click();
    tick().await;
    assert_eq!(*calls.lock().unwrap(), vec![false, true]);
    assert!(s.checked());
}

#[wasm_bindgen_test]
async fn the_switch_shows_the_owners_state_not_the_click() {
    let (page, calls, _) = mount_admin(organisation(vec![]), false);
    tick().await;
    let s = switch(&page);
    s.click();
    tick().await;
    assert_eq!(*calls.lock().unwrap(), vec![false]);
    assert!(s.checked(), "a save that did not happen leaves the switch as it was");
}

#[wasm_bindgen_test]
async fn the_roster_shows_each_members_zoom_state() {
    let (page, _, _) = mount_admin(organisation(vec![]), true);
    tick().await;
    assert_eq!(page.all("[data-testid=member-row]").len(), 3);
    let state = |id: i64| {
        page.get(&format!(
            "[data-testid=member-row][data-member-id=\"{id}\"] [data-testid=member-zoom-state]"
        ))
    };
    assert_eq!(state(2).get_attribute("data-state").as_deref(), Some("not_connected"));
    assert_eq!(state(2).text_content().unwrap(), "Not connected");
    assert_eq!(state(3).get_attribute("data-state").as_deref(), Some("connected"));
    assert_eq!(state(3).text_content().unwrap(), "Connected as sam.okafor@zoom.example");
    assert_eq!(state(4).get_attribute("data-state").as_deref(), Some("needs_reauth"));
    assert_eq!(state(4).text_content().unwrap(), "Needs reauthorization");

    let row = page.text("[data-testid=member-row][data-member-id=\"3\"]");
    assert!(row.contains("Sam Okafor") && row.contains("sam@clinic.example") && row.contains("Practitioner"));
    assert!(row.contains("November 2026"), "{row}");
    let admin = page.text("[data-testid=member-row][data-member-id=\"2\"]");
    assert!(admin.contains("Administrator") && admin.contains("Never"), "{admin}");
}

#[wasm_bindgen_test]
async fn the_audit_log_lists_changes_or_says_there_are_none() {
    let (page, _, _) = mount_admin(organisation(vec![]), true);
    tick().await;
    assert_eq!(page.text("[data-testid=audit-empty]"), "No changes yet");
    assert!(page.find("[data-testid=audit-entry]").is_none());
    drop(page);

    let (page, _, _) = mount_admin(
        organisation(vec![
            entry(AuditAction::ZoomAccessDisabled),
            entry(AuditAction::ZoomAccessEnabled),
        ]),
        true,
    );
    tick().await;
    let entries = page.all("[data-testid=audit-entry]");
    assert_eq!(entries.len(), 2);
    let first = entries[0].text_content().unwrap();
    assert!(
        first.contains("Priya Shah")
            && first.contains("Turned off \u{201c}Allow practitioners to connect Zoom\u{201d}")
            && first.contains("22 November 2026"),
        "{first}"
    );
    assert!(entries[0].query_selector("time[datetime]").unwrap().is_some());
    assert!(page.find("[data-testid=audit-empty]").is_none());
}

#[wasm_bindgen_test]
async fn non_admins_are_told_who_manages_zoom_access() {
    let page = mount(|| view! { <OrganisationForbidden/> });
    tick().await;
    assert_eq!(
        page.text("[data-testid=forbidden]"),
        "Only your organisation\u{2019}s administrator can manage Zoom access."
    );
    assert!(page.find("[data-testid=zoom-access-switch]").is_none());
}
