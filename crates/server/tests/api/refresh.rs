use api::zoom::ZoomStatus;
use futures_util::future::join_all;

use crate::support::*;

fn is_verified(status: &ZoomStatus) -> bool {
    matches!(status, ZoomStatus::Connected { verified: true, .. })
}

#[tokio::test]
async fn an_access_token_zoom_expired_is_refreshed_transparently() {
    let app = spawn_app().await;
    app.sign_in(SOLO).await;
    app.connect_as(LICENSED).await;
    let id = app.zoom_user_id(LICENSED).await;
    app.sandbox_post(&format!("/users/{id}/expire-access-token"), serde_json::json!({}))
        .await;
    assert!(is_verified(&app.check_again().await));
    assert_eq!(app.zoom_calls("token.refresh_token").await, 1);
    // The rotated-out refresh token is dead at Zoom; the stored one is the new one, so the next refresh works.
    app.expire_stored_access_token(SOLO).await;
    assert!(is_verified(&app.check_again().await));
    assert_eq!(app.zoom_calls("token.refresh_token").await, 2);
}

#[tokio::test]
async fn a_hundred_concurrent_calls_at_expiry_refresh_exactly_once() {
    let app = spawn_app().await;
    app.sign_in(SOLO).await;
    app.connect_as(LICENSED).await;
    app.expire_stored_access_token(SOLO).await;
    let results = join_all((0..100).map(|_| app.check_again())).await;
    assert!(results.iter().all(is_verified), "every call succeeded: {results:?}");
    assert_eq!(app.zoom_calls("token.refresh_token").await, 1);
}

#[tokio::test]
async fn concurrent_calls_at_zoom_side_expiry_refresh_exactly_once() {
    let app = spawn_app().await;
    app.sign_in(SOLO).await;
    app.connect_as(LICENSED).await;
    let id = app.zoom_user_id(LICENSED).await;
    // Our clock still trusts the token; Zoom answers 124 to every call made with it.
    app.sandbox_post(&format!("/users/{id}/expire-access-token"), serde_json::json!({}))
        .await;
    let results = join_all((0..100).map(|_| app.check_again())).await;
    assert!(results.iter().all(is_verified), "every call succeeded: {results:?}");
    assert_eq!(app.zoom_calls("token.refresh_token").await, 1);
}

#[tokio::test]
async fn two_server_processes_sharing_the_database_refresh_exactly_once() {
    let first = spawn_app().await;
    first.sign_in(SOLO).await;
    first.connect_as(LICENSED).await;
    let second = first.second_instance().await;
    second.sign_in(SOLO).await;
    first.expire_stored_access_token(SOLO).await;
    let (a, b) = tokio::join!(
        join_all((0..50).map(|_| first.check_again())),
        join_all((0..50).map(|_| second.check_again()))
    );
    let unverified: Vec<_> = a.iter().chain(b.iter()).filter(|s| !is_verified(s)).collect();
    assert!(
        unverified.is_empty(),
        "every call succeeded; these did not: {unverified:?}"
    );
    assert_eq!(first.zoom_calls("token.refresh_token").await, 1);
}

#[tokio::test]
async fn a_rejected_refresh_means_reauthorization_never_connected() {
    let app = spawn_app().await;
    app.sign_in(SOLO).await;
    app.connect_as(LICENSED).await;
    let id = app.zoom_user_id(LICENSED).await;
    app.sandbox_post(&format!("/users/{id}/kill-grant"), serde_json::json!({}))
        .await;
    app.expire_stored_access_token(SOLO).await;
    let results = join_all((0..20).map(|_| app.check_again())).await;
    assert!(
        results.iter().all(|s| matches!(s, ZoomStatus::NeedsReauth { .. })),
        "{results:?}"
    );
    assert_eq!(app.zoom_calls("token.refresh_token").await, 1);
}

#[tokio::test]
async fn zoom_unreachable_keeps_the_connection_but_says_it_is_unverified() {
    let app = spawn_app().await;
    app.sign_in(SOLO).await;
    app.connect_as(LICENSED).await;
    // Point the stored API base at a port nobody listens on.
    sqlx::query("UPDATE zoom_connections SET api_url = 'http://127.0.0.1:9/v2'")
        .execute(&app.db)
        .await
        .unwrap();
    match app.check_again().await {
        ZoomStatus::Connected { verified, account, .. } => {
            assert!(!verified);
            assert_eq!(account.email, LICENSED);
        }
        other => panic!("{other:?}"),
    }
    // The page (which reads the stored state) says so too, until a check reaches Zoom.
    assert!(matches!(
        app.status().await,
        ZoomStatus::Connected { verified: false, .. }
    ));
}
