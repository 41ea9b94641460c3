//! Reauth with another Zoom account than the one the sessions' meetings are on: never switched silently; the
//! practitioner goes back and authorizes the old account, or switches on purpose (new meetings on the new account,
//! listed so the clients can be told).

use api::sessions::{Attention, AttentionReason, ZoomNotice};
use api::zoom::{AccountSwitched, PendingAccountSwitch, ZoomStatus};
use serde_json::json;

use crate::sessions::{create, get, input, settled, upcoming};
use crate::support::*;

async fn pending(app: &TestApp) -> PendingAccountSwitch {
    app.get_json(api::paths::ZOOM_ACCOUNT_SWITCH).await
}

/// Connected as the licensed account with one upcoming session, then Zoom drops the grant.
async fn session_then_dropped_grant() -> (TestApp, api::sessions::Session) {
    let app = spawn_app().await;
    app.sign_in(SOLO).await;
    app.connect_as(LICENSED).await;
    let zone = "Europe/London";
    let session = settled(&app, create(&app, &input("Ana", upcoming(zone, 9, 0), zone)).await.id).await;
    let zoom_user = app.zoom_user_id(LICENSED).await;
    app.sandbox_post(&format!("/users/{zoom_user}/kill-grant"), json!({}))
        .await;
    assert!(matches!(app.check_again().await, ZoomStatus::NeedsReauth { .. }));
    (app, session)
}

#[tokio::test]
async fn reauth_with_another_account_waits_and_going_back_keeps_every_link() {
    let (app, session) = session_then_dropped_grant().await;
    let back = app.connect_as(BASIC).await;
    assert!(back.contains("zoom_error=other_account"), "{back}");
    match app.status().await {
        ZoomStatus::NeedsReauth { account, .. } => assert_eq!(account.email, LICENSED, "nothing switched"),
        other => panic!("{other:?}"),
    }
    let waiting = pending(&app).await.pending.expect("a switch waits");
    assert_eq!(waiting.current.email, LICENSED);
    assert_eq!(waiting.new.email, BASIC);
    assert_eq!(waiting.upcoming_sessions, 1);

    // Go back: the other account's authorization is revoked and forgotten; authorizing the right one restores all.
    let r = app
        .send::<()>(reqwest::Method::DELETE, api::paths::ZOOM_ACCOUNT_SWITCH, None)
        .await;
    assert_eq!(r.status(), 204);
    assert_eq!(pending(&app).await.pending, None);
    assert!(
        app.grants_of(BASIC).await.iter().all(|g| g["status"] != "active"),
        "revoked at Zoom"
    );
    app.connect_as(LICENSED).await;
    assert!(matches!(app.status().await, ZoomStatus::Connected { .. }));
    assert_eq!(
        get(&app, session.id).await.zoom.link,
        session.zoom.link,
        "the link is untouched"
    );
}

#[tokio::test]
async fn switching_on_purpose_gives_every_upcoming_session_a_meeting_on_the_new_account_and_lists_them() {
    let (app, session) = session_then_dropped_grant().await;
    app.connect_as(BASIC).await;
    let r = app
        .send::<()>(reqwest::Method::POST, api::paths::ZOOM_ACCOUNT_SWITCH, None)
        .await;
    assert_eq!(r.status(), 200);
    let switched: AccountSwitched = r.json().await.unwrap();
    assert_eq!(switched.account.email, BASIC);
    assert_eq!(switched.session_ids, vec![session.id]);
    match app.status().await {
        ZoomStatus::Connected { account, .. } => assert_eq!(account.email, BASIC),
        other => panic!("{other:?}"),
    }
    app.settle().await;
    let now = settled(&app, session.id).await;
    let link = now.zoom.link.clone().unwrap();
    assert_ne!(Some(link.clone()), session.zoom.link, "a new Zoom link");
    assert!(matches!(
        now.zoom.notice,
        Some(ZoomNotice::RemadeAfterAccountSwitch { .. })
    ));
    let meeting = app.sandbox_get(&format!("/meetings/{}", link.meeting_id)).await;
    assert_eq!(meeting["host_email"], BASIC, "on the new account");
    let attention: Attention = app.get_json(api::paths::SESSIONS_ATTENTION).await;
    assert_eq!(attention.sessions[0].reason, AttentionReason::RemadeAfterAccountSwitch);
    assert_eq!(pending(&app).await.pending, None);
    // Nothing left to switch.
    let again = app
        .send::<()>(reqwest::Method::POST, api::paths::ZOOM_ACCOUNT_SWITCH, None)
        .await;
    assert_eq!(again.status(), 404);
}

#[tokio::test]
async fn another_account_with_no_upcoming_meetings_simply_connects() {
    let app = spawn_app().await;
    app.sign_in(SOLO).await;
    app.connect_as(LICENSED).await;
    let zoom_user = app.zoom_user_id(LICENSED).await;
    app.sandbox_post(&format!("/users/{zoom_user}/kill-grant"), json!({}))
        .await;
    app.check_again().await;
    let back = app.connect_as(BASIC).await;
    assert!(back.contains("zoom=connected"), "{back}");
    match app.status().await {
        ZoomStatus::Connected { account, .. } => assert_eq!(account.email, BASIC),
        other => panic!("{other:?}"),
    }
}
