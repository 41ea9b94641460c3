//! Zoom off the read path: the Zoom page's status comes from the database. The connection is confirmed with Zoom at
//! most once per max age per practitioner, in the background (one check across every reader), or on "Check again";
//! a dead grant Zoom reports changes the stored state at once.

use api::zoom::ZoomStatus;
use futures_util::future::join_all;

use crate::support::*;

/// The sandbox call-log kind of `GET /v2/users/me`.
const USERS_ME: &str = "api.users.get";

async fn connected() -> TestApp {
    let app = spawn_app().await;
    app.sign_in(SOLO).await;
    app.connect_as(LICENSED).await;
    app
}

/// Waits until the sandbox has served `count` `GET /users/me` (the background check is a task of its own, with
/// nothing to drain).
async fn wait_for_users_me(app: &TestApp, count: u64) {
    eventually(&format!("{count} users/me calls"), || async {
        app.zoom_calls(USERS_ME).await >= count
    })
    .await
}

#[tokio::test]
async fn two_hundred_concurrent_status_reads_make_no_zoom_call() {
    let app = connected().await;
    let before = app.zoom_calls(USERS_ME).await;
    assert_eq!(before, 1, "the callback asked Zoom who connected, once");
    let results = join_all((0..200).map(|_| app.status())).await;
    for status in &results {
        match status {
            ZoomStatus::Connected {
                verified: true,
                checked_at: Some(_),
                account,
            } => assert_eq!(account.email, LICENSED),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(app.zoom_calls(USERS_ME).await, before, "0 Zoom calls per page view");
}

#[tokio::test]
async fn a_stale_connection_is_confirmed_once_in_the_background_however_many_read_it() {
    let app = connected().await;
    let first_check = match app.status().await {
        ZoomStatus::Connected { checked_at, .. } => checked_at.unwrap(),
        other => panic!("{other:?}"),
    };
    app.clock.advance(chrono::Duration::seconds(301));
    let results = join_all((0..100).map(|_| app.status())).await;
    assert!(results.iter().all(|s| matches!(s, ZoomStatus::Connected { .. })));
    wait_for_users_me(&app, 2).await;
    // A second check, had the reads started one, would be on its way: give it time to show (the check runs in a
    // task of its own, which the server offers no way to wait for).
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(app.zoom_calls(USERS_ME).await, 2, "one check for 100 reads");
    match app.status().await {
        ZoomStatus::Connected { checked_at, .. } => assert!(checked_at.unwrap() > first_check),
        other => panic!("{other:?}"),
    }
    join_all((0..50).map(|_| app.status())).await;
    assert_eq!(app.zoom_calls(USERS_ME).await, 2, "fresh again: no more calls");
}

#[tokio::test]
async fn a_grant_dropped_at_zoom_shows_after_the_background_check_or_at_once_on_check_again() {
    let app = connected().await;
    let id = app.zoom_user_id(LICENSED).await;
    app.sandbox_post(&format!("/users/{id}/kill-grant"), serde_json::json!({}))
        .await;
    // Still fresh: the page shows what was last confirmed, without asking Zoom.
    assert!(matches!(app.status().await, ZoomStatus::Connected { .. }));
    app.clock.advance(chrono::Duration::seconds(301));
    assert!(matches!(app.status().await, ZoomStatus::Connected { .. }));
    wait_for_users_me(&app, 2).await;
    eventually("the dead grant shows", || async {
        matches!(app.status().await, ZoomStatus::NeedsReauth { .. })
    })
    .await;

    // Another practitioner: "Check again" finds out at once.
    let other = app.another_browser();
    other.sign_in(CLINIC_PRACTITIONER).await;
    other.connect_as(BASIC).await;
    let basic = app.zoom_user_id(BASIC).await;
    app.sandbox_post(&format!("/users/{basic}/kill-grant"), serde_json::json!({}))
        .await;
    assert!(matches!(other.status().await, ZoomStatus::Connected { .. }));
    assert!(matches!(other.check_again().await, ZoomStatus::NeedsReauth { .. }));
    assert!(matches!(other.status().await, ZoomStatus::NeedsReauth { .. }));
}
