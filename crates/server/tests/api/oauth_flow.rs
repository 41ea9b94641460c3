use api::zoom::{ReauthReason, ZoomPlan, ZoomStatus, SCOPES};

use crate::support::*;

fn connected_email(status: &ZoomStatus) -> &str {
    match status {
        ZoomStatus::Connected {
            account,
            verified: true,
            ..
        } => &account.email,
        other => panic!("expected a verified connection, got {other:?}"),
    }
}

#[tokio::test]
async fn connect_shows_the_account_and_disconnect_revokes_at_zoom() {
    let app = spawn_app().await;
    app.sign_in(SOLO).await;
    assert_eq!(app.status().await, ZoomStatus::not_connected());

    let authorize = app.start_connect().await;
    assert!(
        authorize.starts_with(&format!("{}/oauth/authorize?", app.sandbox)),
        "{authorize}"
    );
    let query: std::collections::HashMap<_, _> = url::Url::parse(&authorize)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    assert_eq!(query["response_type"], "code");
    assert_eq!(query["code_challenge_method"], "S256");
    assert_eq!(query["redirect_uri"], format!("{}/api/zoom/callback", app.base));
    assert!(query["state"].len() >= 32, "state is long and random");

    let callback = app.consent(&authorize, LICENSED, "allow").await;
    let back = app.follow_callback(&callback).await;
    assert_eq!(back, format!("{ZOOM_PAGE}?zoom=connected"));

    let status = app.status().await;
    assert_eq!(connected_email(&status), LICENSED);
    let ZoomStatus::Connected { account, .. } = status else {
        unreachable!()
    };
    assert_eq!(account.plan, ZoomPlan::Licensed);
    let names: Vec<_> = SCOPES.iter().map(|s| s.name.to_string()).collect();
    assert_eq!(account.scopes, names);
    assert_eq!(app.grants_of(LICENSED).await[0]["status"], "active");

    assert_eq!(app.disconnect().await.status(), 204);
    assert_eq!(app.status().await, ZoomStatus::not_connected());
    assert_eq!(app.grants_of(LICENSED).await[0]["status"], "revoked");
    assert_eq!(app.zoom_calls("revoke").await, 1);
    // Nothing of the grant is left in our database.
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM zoom_connections")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(rows, 0);
}

#[tokio::test]
async fn deny_at_consent_comes_back_explained_and_not_connected() {
    let app = spawn_app().await;
    app.sign_in(SOLO).await;
    let authorize = app.start_connect().await;
    let callback = app.consent(&authorize, LICENSED, "deny").await;
    assert!(callback.contains("error=access_denied"));
    assert_eq!(
        app.follow_callback(&callback).await,
        format!("{ZOOM_PAGE}?zoom_error=denied")
    );
    assert_eq!(app.status().await, ZoomStatus::not_connected());
    assert_eq!(app.zoom_calls("token.authorization_code").await, 0);
}

#[tokio::test]
async fn a_forged_state_is_refused_without_calling_zoom() {
    let app = spawn_app().await;
    app.sign_in(SOLO).await;
    let _ = app.start_connect().await;
    let forged = app.url("/api/zoom/callback?code=anything&state=forged-state-value");
    assert_eq!(
        app.follow_callback(&forged).await,
        format!("{ZOOM_PAGE}?zoom_error=state_invalid")
    );
    let missing = app.url("/api/zoom/callback?code=anything");
    assert_eq!(
        app.follow_callback(&missing).await,
        format!("{ZOOM_PAGE}?zoom_error=state_invalid")
    );
    assert_eq!(app.zoom_calls("token.authorization_code").await, 0);
    assert_eq!(app.status().await, ZoomStatus::not_connected());
}

#[tokio::test]
async fn a_replayed_callback_is_refused_and_exchanges_nothing() {
    let app = spawn_app().await;
    app.sign_in(SOLO).await;
    let authorize = app.start_connect().await;
    let callback = app.consent(&authorize, LICENSED, "allow").await;
    assert_eq!(
        app.follow_callback(&callback).await,
        format!("{ZOOM_PAGE}?zoom=connected")
    );
    assert_eq!(
        app.follow_callback(&callback).await,
        format!("{ZOOM_PAGE}?zoom_error=state_invalid")
    );
    assert_eq!(app.zoom_calls("token.authorization_code").await, 1);
    assert_eq!(connected_email(&app.status().await), LICENSED);
}

#[tokio::test]
async fn a_state_started_by_someone_else_is_refused() {
    let app = spawn_app().await;
    app.sign_in(SOLO).await;
    let authorize = app.start_connect().await;
    let callback = app.consent(&authorize, LICENSED, "allow").await;
    // The victim's browser is made to finish the attacker's authorization.
    let victim = app.another_browser();
    victim.sign_in(CLINIC_PRACTITIONER).await;
    assert!(victim
        .follow_callback(&callback)
        .await
        .ends_with("zoom_error=state_invalid"));
    assert_eq!(victim.status().await, ZoomStatus::not_connected());
    assert_eq!(app.zoom_calls("token.authorization_code").await, 0);
}

#[tokio::test]
async fn a_pkce_mismatch_fails_the_exchange() {
    let app = spawn_app().await;
    app.sign_in(SOLO).await;
    let authorize = app.start_connect().await;
    // An attacker who swapped the challenge cannot complete the exchange with our verifier.
    let mut url = url::Url::parse(&authorize).unwrap();
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .into_owned()
        .map(|(k, v)| {
            if k == "code_challenge" {
                (k, "A".repeat(43))
            } else {
                (k, v)
            }
        })
        .collect();
    url.query_pairs_mut().clear().extend_pairs(pairs);
    let callback = app.consent(url.as_str(), LICENSED, "allow").await;
    assert_eq!(
        app.follow_callback(&callback).await,
        format!("{ZOOM_PAGE}?zoom_error=exchange_failed")
    );
    assert_eq!(app.zoom_calls("token.authorization_code").await, 1);
    assert_eq!(app.status().await, ZoomStatus::not_connected());
}

#[tokio::test]
async fn an_account_that_cannot_host_is_not_connected_and_its_grant_is_revoked() {
    let app = spawn_app().await;
    app.sign_in(SOLO).await;
    assert_eq!(
        app.connect_as(UNASSIGNED).await,
        format!("{ZOOM_PAGE}?zoom_error=cannot_host")
    );
    assert_eq!(app.status().await, ZoomStatus::not_connected());
    assert_eq!(app.grants_of(UNASSIGNED).await[0]["status"], "revoked");
}

#[tokio::test]
async fn an_app_disabled_by_the_zoom_admin_is_explained_at_connect() {
    let app = spawn_app().await;
    app.sign_in(SOLO).await;
    let id = app.zoom_user_id(LICENSED).await;
    app.sandbox_post(&format!("/users/{id}/disable-app"), serde_json::json!({}))
        .await;
    assert_eq!(
        app.connect_as(LICENSED).await,
        format!("{ZOOM_PAGE}?zoom_error=app_disabled")
    );
    assert_eq!(app.status().await, ZoomStatus::not_connected());
}

#[tokio::test]
async fn a_basic_account_connects_with_its_plan() {
    let app = spawn_app().await;
    app.sign_in(SOLO).await;
    app.connect_as(BASIC).await;
    match app.status().await {
        ZoomStatus::Connected { account, .. } => assert_eq!(account.plan, ZoomPlan::Basic),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_killed_grant_needs_reauthorization_and_reauth_restores_it() {
    let app = spawn_app().await;
    app.sign_in(SOLO).await;
    app.connect_as(LICENSED).await;
    let id = app.zoom_user_id(LICENSED).await;
    app.sandbox_post(&format!("/users/{id}/kill-grant"), serde_json::json!({}))
        .await;
    match app.check_again().await {
        ZoomStatus::NeedsReauth { account, reason } => {
            assert_eq!(account.email, LICENSED);
            assert_eq!(reason, ReauthReason::GrantRevoked);
        }
        other => panic!("a dead grant must never show as connected: {other:?}"),
    }
    // The dead tokens are gone from our store.
    let tokens: Option<String> = sqlx::query_scalar("SELECT access_token_enc FROM zoom_connections WHERE user_id = $1")
        .bind(SOLO)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(tokens, None);
    assert_eq!(app.connect_as(LICENSED).await, format!("{ZOOM_PAGE}?zoom=connected"));
    assert_eq!(connected_email(&app.status().await), LICENSED);
}

#[tokio::test]
async fn the_zoom_admin_disabling_the_app_turns_the_connection_into_needs_reauth() {
    let app = spawn_app().await;
    app.sign_in(SOLO).await;
    app.connect_as(LICENSED).await;
    let id = app.zoom_user_id(LICENSED).await;
    app.sandbox_post(&format!("/users/{id}/disable-app"), serde_json::json!({}))
        .await;
    match app.check_again().await {
        ZoomStatus::NeedsReauth { reason, .. } => {
            assert_eq!(reason, ReauthReason::AppDisabledByZoomAdmin)
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn authorizing_the_same_zoom_account_elsewhere_replaces_the_earlier_connection() {
    let app = spawn_app().await;
    app.sign_in(SOLO).await;
    app.connect_as(LICENSED).await;
    let other = app.another_browser();
    other.sign_in(CLINIC_PRACTITIONER).await;
    other.connect_as(LICENSED).await;
    assert_eq!(connected_email(&other.status().await), LICENSED);
    match app.status().await {
        ZoomStatus::NeedsReauth { reason, .. } => {
            assert_eq!(reason, ReauthReason::ReplacedByNewerAuthorization)
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        app.grants_of(LICENSED)
            .await
            .iter()
            .filter(|g| g["status"] == "active")
            .count(),
        1
    );
}

#[tokio::test]
async fn members_of_an_organisation_without_zoom_access_cannot_connect() {
    let app = spawn_app().await;
    app.set_zoom_allowed(2, false).await;
    app.sign_in(CLINIC_PRACTITIONER).await;
    assert_eq!(
        app.status().await,
        ZoomStatus::BlockedByOrganisation {
            admin_name: Some("Priya Shah".into()),
            connected_account: None
        }
    );
    let r = app.client.get(app.url("/api/zoom/connect")).send().await.unwrap();
    assert_eq!(location(&r), format!("{ZOOM_PAGE}?zoom_error=blocked_by_organisation"));
    assert_eq!(app.zoom_calls("authorize.page").await, 0);
    // A Solo practitioner needs no one's permission.
    let solo = app.another_browser();
    solo.sign_in(SOLO).await;
    assert_eq!(solo.status().await, ZoomStatus::not_connected());
}

#[tokio::test]
async fn connect_refuses_return_urls_on_other_sites() {
    let app = spawn_app().await;
    app.sign_in(SOLO).await;
    let r = app
        .client
        .get(app.url("/api/zoom/connect?return_to=https://evil.example/"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(
        r.json::<api::ErrorBody>().await.unwrap().code.as_str(),
        "invalid_return_to"
    );
}

#[tokio::test]
async fn connect_without_a_session_goes_to_sign_in() {
    let app = spawn_app().await;
    let r = app.client.get(app.url("/api/zoom/connect")).send().await.unwrap();
    assert_eq!(location(&r), format!("/signin?next={}", urlencoding::encode(ZOOM_PAGE)));
}

#[tokio::test]
async fn status_and_disconnect_need_a_session() {
    let app = spawn_app().await;
    assert_eq!(
        app.client
            .get(app.url(api::paths::ZOOM_STATUS))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    assert_eq!(app.disconnect().await.status(), 401);
}

#[tokio::test]
async fn tokens_are_stored_encrypted() {
    let app = spawn_app().await;
    app.sign_in(SOLO).await;
    app.connect_as(LICENSED).await;
    let secrets: serde_json::Value = app.sandbox_get("/issued-secrets").await;
    // Every byte the database wrote: the SQLite file and its WAL, or the PostgreSQL cluster's files (tables and
    // write-ahead log) when the suite runs on PostgreSQL.
    let stored = stored_bytes(&app).await;
    for token in secrets["access_tokens"]
        .as_array()
        .unwrap()
        .iter()
        .chain(secrets["refresh_tokens"].as_array().unwrap())
    {
        let token = token.as_str().unwrap();
        assert!(!stored.contains(token), "a token is stored in plain text");
    }
    assert!(
        stored.contains("zoom_connections") || stored.contains(LICENSED),
        "the bytes searched are the database's own"
    );
    let stored: String = sqlx::query_scalar("SELECT access_token_enc FROM zoom_connections")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(
        stored.starts_with("test1."),
        "key id is stored beside the ciphertext: {stored}"
    );
}

/// Every byte the test app's database holds on disk, as text (tokens are ASCII): the SQLite file and its WAL, or,
/// on PostgreSQL, this database's table files and the cluster's write-ahead log (`BB_TEST_POSTGRES_DATA`, set by
/// `scripts/with-postgres`).
async fn stored_bytes(app: &TestApp) -> String {
    let mut files: Vec<std::path::PathBuf> = Vec::new();
    match backend() {
        server::db::Backend::Sqlite => {
            files.push(app.db_path.clone());
            files.push(app.db_path.with_extension("sqlite-wal"));
        }
        server::db::Backend::Postgres => {
            let data = std::path::PathBuf::from(
                std::env::var("BB_TEST_POSTGRES_DATA").expect("BB_TEST_POSTGRES_DATA names the cluster's folder"),
            );
            let oid: String =
                sqlx::query_scalar("SELECT oid::text FROM pg_database WHERE datname = current_database()")
                    .fetch_one(&app.db)
                    .await
                    .unwrap();
            for dir in [data.join("base").join(oid), data.join("pg_wal")] {
                for entry in std::fs::read_dir(&dir).unwrap() {
                    files.push(entry.unwrap().path());
                }
            }
        }
    }
    let mut text = String::new();
    for file in files.iter().filter(|f| f.is_file()) {
        text.push_str(&String::from_utf8_lossy(&std::fs::read(file).unwrap_or_default()));
    }
    text
}
