use api::organisation::{MemberZoomState, OrganisationAdmin};
use api::sessions::{Session, SessionInput, ZoomSync};
use api::zoom::ZoomStatus;
use chrono::{Duration, Utc};
use serde_json::json;

use crate::support::*;

async fn set_access(app: &TestApp, allowed: bool) -> reqwest::Response {
    app.client
        .put(app.url(api::paths::ADMIN_ZOOM_ACCESS))
        .header(api::CSRF_HEADER, api::CSRF_HEADER_VALUE)
        .json(&json!({ "allowed": allowed }))
        .send()
        .await
        .unwrap()
}

async fn organisation(app: &TestApp) -> OrganisationAdmin {
    let r = app
        .client
        .get(app.url(api::paths::ADMIN_ORGANISATION))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

fn input(hour: u32) -> SessionInput {
    SessionInput {
        client_name: "Ana".into(),
        start_local: (Utc::now() + Duration::days(10))
            .date_naive()
            .and_hms_opt(hour, 0, 0)
            .unwrap(),
        time_zone: "Europe/London".into(),
        duration_minutes: 50,
        private_notes: String::new(),
        client_name_in_zoom_topic: false,
    }
}

#[tokio::test]
async fn only_clinic_and_enterprise_admins_reach_the_admin_api() {
    let app = spawn_app().await;
    assert_eq!(
        app.client
            .get(app.url(api::paths::ADMIN_ORGANISATION))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    for user in [SOLO, CLINIC_PRACTITIONER] {
        let browser = app.another_browser();
        browser.sign_in(user).await;
        let r = browser
            .client
            .get(browser.url(api::paths::ADMIN_ORGANISATION))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        assert_eq!(r.json::<api::ErrorBody>().await.unwrap().code.as_str(), "forbidden");
        assert_eq!(set_access(&browser, false).await.status(), 403);
    }
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM admin_audit")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(rows, 0);
}

#[tokio::test]
async fn the_switch_governs_members_and_every_change_is_audited() {
    let admin = spawn_app().await;
    admin.sign_in(CLINIC_ADMIN).await;
    let member = admin.another_browser();
    member.sign_in(CLINIC_PRACTITIONER).await;
    member.connect_as(BASIC).await;
    let before: Session = member
        .send(reqwest::Method::POST, api::paths::SESSIONS, Some(&input(9)))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(before.zoom.sync, ZoomSync::InSync);

    let org = organisation(&admin).await;
    assert!(org.zoom_allowed);
    let sam = org.members.iter().find(|m| m.name == "Sam Okafor").unwrap();
    assert_eq!(sam.zoom_state, MemberZoomState::Connected);
    assert_eq!(sam.zoom_email.as_deref(), Some(BASIC));
    assert!(sam.last_zoom_success_at.is_some());
    let priya = org.members.iter().find(|m| m.name == "Priya Shah").unwrap();
    assert_eq!(priya.zoom_state, MemberZoomState::NotConnected);

    // Off: nothing new reaches Zoom for members, existing links keep working, cancelling still deletes.
    let org = set_access(&admin, false)
        .await
        .json::<OrganisationAdmin>()
        .await
        .unwrap();
    assert!(!org.zoom_allowed);
    assert_eq!(org.audit.len(), 1);
    assert_eq!(org.audit[0].actor_name, "Priya Shah");
    assert_eq!(org.audit[0].action, api::organisation::AuditAction::ZoomAccessDisabled);
    match member.status().await {
        ZoomStatus::BlockedByOrganisation {
            admin_name,
            connected_account,
        } => {
            assert_eq!(admin_name.as_deref(), Some("Priya Shah"));
            assert_eq!(connected_account.unwrap().email, BASIC);
        }
        other => panic!("{other:?}"),
    }
    let during: Session = member
        .send(reqwest::Method::POST, api::paths::SESSIONS, Some(&input(11)))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(during.zoom.sync, ZoomSync::NoLink);
    let r = member
        .send(
            reqwest::Method::POST,
            &api::paths::session_zoom_link(during.id),
            NO_BODY,
        )
        .await;
    assert_eq!(r.status(), 403);
    assert_eq!(
        r.json::<api::ErrorBody>().await.unwrap().code.as_str(),
        "zoom_blocked_by_organisation"
    );
    let r = member.client.get(member.url("/api/zoom/connect")).send().await.unwrap();
    assert!(location(&r).ends_with("zoom_error=blocked_by_organisation"));
    assert_eq!(
        member
            .send(reqwest::Method::POST, &api::paths::session_start(before.id), NO_BODY)
            .await
            .status(),
        200
    );
    // A reschedule while off keeps the old (working) link and waits.
    let moved: Session = member
        .send(reqwest::Method::PUT, &api::paths::session(before.id), Some(&input(15)))
        .await
        .json()
        .await
        .unwrap();
    match &moved.zoom.sync {
        ZoomSync::Failed { code, .. } => assert_eq!(code.as_str(), "zoom_blocked_by_organisation"),
        other => panic!("{other:?}"),
    }
    assert!(moved.zoom.link_outdated && moved.zoom.link.is_some());
    assert_eq!(admin.live_meetings().await.len(), 1);

    // On again: the waiting reschedule goes through.
    assert_eq!(set_access(&admin, true).await.status(), 200);
    assert_eq!(
        set_access(&admin, true).await.status(),
        200,
        "setting the same value again is fine"
    );
    let org = organisation(&admin).await;
    assert_eq!(org.audit.len(), 2, "only real changes are recorded");
    assert_eq!(org.audit[0].action, api::organisation::AuditAction::ZoomAccessEnabled);
    admin.settle().await;
    let s: Session = member.get_json(&api::paths::session(before.id)).await;
    // The new link is attached first; the old meeting's deletion is its own queued job right after it.
    assert!(
        s.zoom.sync == ZoomSync::InSync && !s.zoom.link_outdated && admin.live_meetings().await.len() == 1,
        "the parked reschedule never resumed: {s:?}"
    );
    assert_ne!(s.zoom.link, before.zoom.link, "old meeting deleted, new one live");
}

#[tokio::test]
async fn cancelling_while_access_is_off_still_deletes_the_meeting() {
    let admin = spawn_app().await;
    admin.sign_in(CLINIC_ADMIN).await;
    let member = admin.another_browser();
    member.sign_in(CLINIC_PRACTITIONER).await;
    member.connect_as(BASIC).await;
    let s: Session = member
        .send(reqwest::Method::POST, api::paths::SESSIONS, Some(&input(9)))
        .await
        .json()
        .await
        .unwrap();
    set_access(&admin, false).await;
    assert_eq!(
        member
            .send(reqwest::Method::DELETE, &api::paths::session(s.id), NO_BODY)
            .await
            .status(),
        204
    );
    assert_eq!(admin.live_meetings().await.len(), 0);
}
