//! `/v2` authentication errors and the fault-injection control calls.

#[path = "harness/harness.rs"]
mod harness;

use harness::*;
use reqwest::StatusCode;
use serde_json::json;
use zoom_sandbox::SandboxConfig;

fn token(body: &serde_json::Value, name: &str) -> String {
    body[name].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn users_me_refuses_a_token_in_the_query_string() {
    let h = start().await;
    let tokens = h.connect(h.licensed()).await;
    let access = token(&tokens, "access_token");
    let response = h
        .http
        .get(h.url("/v2/users/me"))
        .query(&[("access_token", access.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(
        json(response).await,
        (
            StatusCode::UNAUTHORIZED,
            json!({ "code": 124, "message": "Access token is not supported as query parameter string." })
        )
    );
    let (_, calls) = h.control("GET", "/calls", None).await;
    assert!(!calls.to_string().contains(&access), "the call log kept a token");
}

#[tokio::test]
async fn users_me_without_or_with_an_unknown_token_is_invalid() {
    let h = start().await;
    let expected = (
        StatusCode::UNAUTHORIZED,
        json!({ "code": 124, "message": "Invalid access token." }),
    );
    let response = h.http.get(h.url("/v2/users/me")).send().await.unwrap();
    assert_eq!(json(response).await, expected);
    assert_eq!(h.me("eyJnot-a-token").await, expected);
}

#[tokio::test]
async fn expire_access_token_gives_124_expired_and_refresh_still_works() {
    let h = start().await;
    let tokens = h.connect(h.licensed()).await;
    let (status, _) = h
        .control("POST", &format!("/users/{}/expire-access-token", h.licensed().id), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        h.me(&token(&tokens, "access_token")).await,
        (
            StatusCode::UNAUTHORIZED,
            json!({ "code": 124, "message": "Access token is expired." })
        )
    );
    let (status, fresh) = h.refresh(&token(&tokens, "refresh_token")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(h.me(&token(&fresh, "access_token")).await.0, StatusCode::OK);
}

#[tokio::test]
async fn access_tokens_expire_with_the_clock_and_ttls_are_adjustable() {
    let h = start().await;
    let tokens = h.connect(h.licensed()).await;
    h.advance_clock(3599).await;
    assert_eq!(
        h.me(&token(&tokens, "access_token")).await.1["message"],
        "Access token is expired."
    );

    h.control(
        "POST",
        "/ttl",
        Some(json!({ "access_token_secs": 60, "refresh_token_secs": 120 })),
    )
    .await;
    let (_, short) = h.refresh(&token(&tokens, "refresh_token")).await;
    assert_eq!(short["expires_in"], 60);
    h.advance_clock(121).await;
    let (status, body) = h.refresh(&token(&short, "refresh_token")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["reason"], "Invalid Token!");
    let (_, grants) = h.control("GET", "/grants", None).await;
    assert_eq!(grants[0]["status"], "expired");
}

#[tokio::test]
async fn refresh_tokens_last_ninety_days() {
    let h = start().await;
    let tokens = h.connect(h.licensed()).await;
    h.advance_clock(90 * 24 * 3600 - 60).await;
    let (status, fresh) = h.refresh(&token(&tokens, "refresh_token")).await;
    assert_eq!(status, StatusCode::OK);
    h.advance_clock(90 * 24 * 3600).await;
    assert_eq!(
        h.refresh(&token(&fresh, "refresh_token")).await.0,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn kill_grant_leaves_the_app_holding_dead_tokens() {
    let h = start().await;
    let tokens = h.connect(h.licensed()).await;
    let (status, _) = h
        .control("POST", &format!("/users/{}/kill-grant", h.licensed().id), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        h.me(&token(&tokens, "access_token")).await.1["message"],
        "Invalid access token."
    );
    assert_eq!(
        h.refresh(&token(&tokens, "refresh_token")).await,
        (
            StatusCode::BAD_REQUEST,
            json!({ "reason": "Invalid Token!", "error": "invalid_grant" })
        )
    );
    let (status, _) = h
        .control("POST", &format!("/users/{}/kill-grant", h.licensed().id), None)
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn an_admin_disabling_the_app_gives_4738_everywhere() {
    let h = start().await;
    let user = h.licensed();
    let tokens = h.connect(user).await;
    h.control("POST", &format!("/users/{}/disable-app", user.id), None)
        .await;

    assert_eq!(
        h.me(&token(&tokens, "access_token")).await,
        (
            StatusCode::UNAUTHORIZED,
            json!({ "code": 4738, "message": "The token is disabled by admin." })
        )
    );
    assert_eq!(
        h.refresh(&token(&tokens, "refresh_token")).await,
        (
            StatusCode::BAD_REQUEST,
            json!({ "reason": "The token is disabled by admin.", "error": "invalid_grant" })
        )
    );
    let pending = h.start_authorization(&[("state", "s9")]).await;
    let response = h.decide(&pending, &user.id, "allow").await;
    let params = location_params(&response);
    assert_eq!(param(&params, "error"), Some("access_denied"));
    assert_eq!(param(&params, "error_code"), Some("4738"));
    assert_eq!(param(&params, "state"), Some("s9"));
    assert_eq!(param(&params, "code"), None);

    h.control("POST", &format!("/users/{}/enable-app", user.id), None).await;
    assert_eq!(h.me(&token(&tokens, "access_token")).await.0, StatusCode::OK);
}

#[tokio::test]
async fn a_missing_scope_is_4711() {
    let mut config = SandboxConfig::demo(REDIRECT, None);
    config.scopes.retain(|s| s != "user:read:user");
    let h = start_with(config, true).await;
    let tokens = h.connect(h.licensed()).await;
    assert!(!tokens["scope"].as_str().unwrap().contains("user:read:user"));
    assert_eq!(
        h.me(&token(&tokens, "access_token")).await,
        (
            StatusCode::BAD_REQUEST,
            json!({
                "code": 4711,
                "message": "Invalid access token, does not contain scopes:[user:read:user, user:read:user:admin]."
            })
        )
    );
}

#[tokio::test]
async fn users_can_be_created_and_the_consent_page_says_when_there_are_none() {
    let h = start_with(SandboxConfig::demo(REDIRECT, None), false).await;
    let pending_page = h
        .authorize_page(&[
            ("response_type", "code"),
            ("client_id", CLIENT_ID),
            ("redirect_uri", REDIRECT),
        ])
        .await;
    let html = pending_page.text().await.unwrap();
    assert!(html.contains(r#"id="no-users""#));

    let (status, user) = h
        .control(
            "POST",
            "/users",
            Some(json!({ "email": "pat@zoom.example", "first_name": "Pat", "last_name": "Lee", "type": 1 })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(user["id"].as_str().unwrap().len(), 22);
    assert!(user["account_id"].is_string());
    assert_eq!(user["type"], 1);
    let (status, _) = h
        .control("POST", "/users", Some(json!({ "email": "x@zoom.example", "type": 3 })))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (_, users) = h.control("GET", "/users", None).await;
    assert_eq!(users.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn issued_secrets_list_everything_handed_out() {
    let h = start().await;
    let code = h.code_for(h.licensed(), &[("code_challenge", "v-123")]).await;
    let (_, tokens) = h
        .token(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", "v-123"),
        ])
        .await;
    let (_, secrets) = h.control("GET", "/issued-secrets", None).await;
    assert_eq!(secrets["codes"], json!([code]));
    assert_eq!(secrets["access_tokens"], json!([tokens["access_token"]]));
    assert_eq!(secrets["refresh_tokens"], json!([tokens["refresh_token"]]));
    assert_eq!(secrets["code_verifiers"], json!(["v-123"]));
    assert_eq!(secrets["client_secret"], CLIENT_SECRET);
    assert_eq!(h.sandbox.as_ref().unwrap().issued_secrets().codes, vec![code]);
}

#[tokio::test]
async fn the_clock_can_be_read_and_set() {
    let h = start().await;
    let (status, body) = h
        .control("POST", "/clock", Some(json!({ "now": "2030-01-01T00:00:00Z" })))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body["now"].as_str().unwrap().starts_with("2030-01-01T00:00:0"));
    let (_, body) = h.control("GET", "/clock", None).await;
    assert!(body["now"].as_str().unwrap().starts_with("2030-01-01"));
}
