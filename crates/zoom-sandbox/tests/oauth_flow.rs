//! The authorization-code flow over real HTTP (facts §1.1–§1.3).

#[path = "harness/harness.rs"]
mod harness;

use harness::*;
use reqwest::StatusCode;
use serde_json::json;
use zoom_sandbox::DEMO_SCOPES;

#[tokio::test]
async fn consent_page_names_the_app_scopes_users_and_buttons() {
    let h = start().await;
    let response = h
        .authorize_page(&[
            ("response_type", "code"),
            ("client_id", CLIENT_ID),
            ("redirect_uri", REDIRECT),
        ])
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    assert!(html.contains("BetterBeing would like to access your Zoom account"));
    for scope in DEMO_SCOPES {
        assert!(html.contains(&format!(r#"<li data-scope="{scope}">"#)), "{scope}");
    }
    assert!(html.contains(r#"<select id="zoom-user" name="zoom_user_id">"#));
    let first = &h.users[0];
    assert!(html.contains(&format!(
        r#"<option value="{}" selected>dr.rivera@zoom.example</option>"#,
        first.id
    )));
    assert!(html.contains("sam.okafor@zoom.example"));
    assert!(html.contains(r#"<button id="allow" name="decision" value="allow""#));
    assert!(html.contains(r#"<button id="deny" name="decision" value="deny""#));
    // Nothing but the pending id travels in the form.
    assert!(!html.contains(REDIRECT));
}

#[tokio::test]
async fn code_flow_with_s256_echoes_state_and_issues_zoom_shaped_tokens() {
    let h = start().await;
    let verifier = "a-verifier-that-is-long-enough-0123456789-abcdefgh";
    let challenge = s256(verifier);
    let pending = h
        .start_authorization(&[
            ("state", "st/ate+1"),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
            ("scope", "something:else"),
        ])
        .await;
    let response = h.decide(&pending, &h.licensed().id, "allow").await;
    let location = location(&response);
    assert!(location.starts_with(&format!("{REDIRECT}?code=")), "{location}");
    let params = location_params(&response);
    assert_eq!(param(&params, "state"), Some("st/ate+1"));
    let code = param(&params, "code").unwrap();

    let (status, body) = h
        .token(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", verifier),
        ])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["expires_in"], 3599);
    // `scope` in the authorize URL is ignored: the app's configured scopes are granted.
    assert_eq!(body["scope"], DEMO_SCOPES.join(" "));
    assert_eq!(body["api_url"], h.base);
    let access = body["access_token"].as_str().unwrap();
    let refresh = body["refresh_token"].as_str().unwrap();
    assert!(access.starts_with("eyJ") && refresh.starts_with("eyJ"));
    assert_ne!(access, refresh);

    let response = h
        .http
        .get(h.url("/v2/users/me"))
        .bearer_auth(access)
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-ratelimit-category"], "Light");
    let (status, me) = json(response).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["id"], h.licensed().id);
    assert_eq!(me["email"], "dr.rivera@zoom.example");
    assert_eq!(me["type"], 2);
    assert_eq!(me["status"], "active");
    assert_eq!(me["cluster"], "us05");
    assert!(me["pmi"].is_u64());
    assert!(me["account_id"].is_string());
}

#[tokio::test]
async fn pkce_method_defaults_to_plain() {
    let h = start().await;
    let code = h.code_for(h.licensed(), &[("code_challenge", "plain-verifier")]).await;
    let (status, body) = h
        .token(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", "plain-verifier"),
        ])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn pkce_mismatch_or_missing_verifier_is_invalid_grant() {
    let h = start().await;
    let challenge = s256("right");
    let pkce = [
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
    ];
    let expected = json!({ "reason": "Invalid code_verifier", "error": "invalid_grant" });
    for verifier in [Some("wrong"), None] {
        let code = h.code_for(h.licensed(), &pkce).await;
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT),
        ];
        if let Some(v) = verifier {
            form.push(("code_verifier", v));
        }
        let (status, body) = h.token(&form).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body, expected);
    }
}

#[tokio::test]
async fn authorize_refuses_bad_requests_with_a_page_not_a_redirect() {
    let h = start().await;
    let cases: [&[(&str, &str)]; 4] = [
        &[
            ("response_type", "code"),
            ("client_id", CLIENT_ID),
            ("redirect_uri", "https://evil.example/cb"),
        ],
        &[
            ("response_type", "code"),
            ("client_id", "someone-else"),
            ("redirect_uri", REDIRECT),
        ],
        &[
            ("response_type", "token"),
            ("client_id", CLIENT_ID),
            ("redirect_uri", REDIRECT),
        ],
        &[
            ("response_type", "code"),
            ("client_id", CLIENT_ID),
            ("redirect_uri", REDIRECT),
            ("code_challenge", "x"),
            ("code_challenge_method", "S512"),
        ],
    ];
    for query in cases {
        let response = h.authorize_page(query).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{query:?}");
        assert!(response.headers().get("location").is_none());
    }
    let response = h.authorize_page(cases[0]).await;
    assert!(response.text().await.unwrap().contains("Redirect URI mismatch"));
}

#[tokio::test]
async fn deny_redirects_with_access_denied_and_state() {
    let h = start().await;
    let pending = h.start_authorization(&[("state", "s1")]).await;
    let response = h.decide(&pending, &h.licensed().id, "deny").await;
    assert_eq!(
        location(&response),
        format!("{REDIRECT}?error=access_denied&error_description=The+user+denied+the+authorization.&state=s1")
    );
    // The pending request is single use.
    let again = h.decide(&pending, &h.licensed().id, "allow").await;
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_code_is_single_use_even_after_a_failed_attempt() {
    let h = start().await;
    let code = h.code_for(h.licensed(), &[]).await;
    let (status, body) = h
        .token(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", "https://app.example/other"),
        ])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({ "reason": "Redirect URI mismatch.", "error": "invalid_request" })
    );
    let (status, body) = h.exchange(&code).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({ "reason": "Invalid authorization code", "error": "invalid_grant" })
    );

    let code = h.code_for(h.licensed(), &[]).await;
    assert_eq!(h.exchange(&code).await.0, StatusCode::OK);
    let (status, body) = h.exchange(&code).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["reason"], "Invalid authorization code");
}

#[tokio::test]
async fn codes_expire_after_five_minutes_on_the_sandbox_clock() {
    let h = start().await;
    let code = h.code_for(h.licensed(), &[]).await;
    h.advance_clock(301).await;
    let (status, body) = h.exchange(&code).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body, json!({ "reason": "Code is expired", "error": "invalid_grant" }));
}

#[tokio::test]
async fn bad_client_authentication_is_invalid_client() {
    let h = start().await;
    let code = h.code_for(h.licensed(), &[]).await;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT),
    ];
    let expected = json!({ "reason": "Invalid client_id or client_secret", "error": "invalid_client" });
    let missing = h.http.post(h.url("/oauth/token")).form(&form).send().await.unwrap();
    assert_eq!(json(missing).await, (StatusCode::BAD_REQUEST, expected.clone()));
    let wrong = h
        .http
        .post(h.url("/oauth/token"))
        .basic_auth(CLIENT_ID, Some("not-the-secret"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(json(wrong).await, (StatusCode::BAD_REQUEST, expected));
    // Failed client auth does not burn the code.
    assert_eq!(h.exchange(&code).await.0, StatusCode::OK);
}

#[tokio::test]
async fn token_parameters_may_come_in_the_query_string_but_are_never_logged() {
    let h = start().await;
    let code = h.code_for(h.licensed(), &[]).await;
    let response = h
        .http
        .post(h.url("/oauth/token"))
        .basic_auth(CLIENT_ID, Some(CLIENT_SECRET))
        .query(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let (_, calls) = h.control("GET", "/calls", None).await;
    let token_call = calls["calls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "token.authorization_code")
        .unwrap();
    assert_eq!(token_call["path"], "/oauth/token");
    assert_eq!(token_call["grant_type"], "authorization_code");
    assert_eq!(token_call["zoom_user_id"], h.licensed().id);
    assert!(!calls.to_string().contains(&code));
}

#[tokio::test]
async fn unsupported_grant_type() {
    let h = start().await;
    let (status, body) = h.token(&[("grant_type", "password")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({ "reason": "Unsupported grant type", "error": "unsupported_grant_type" })
    );
}

#[tokio::test]
async fn refresh_rotates_and_a_reused_refresh_token_is_dead() {
    let h = start().await;
    let first = h.connect(h.licensed()).await;
    let first_refresh = first["refresh_token"].as_str().unwrap();
    let (status, second) = h.refresh(first_refresh).await;
    assert_eq!(status, StatusCode::OK, "{second}");
    assert_ne!(second["access_token"], first["access_token"]);
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    assert_eq!(second["expires_in"], 3599);

    let (status, body) = h.refresh(first_refresh).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body, json!({ "reason": "Invalid Token!", "error": "invalid_grant" }));

    // The previous access token lives until its own expiry.
    assert_eq!(h.me(first["access_token"].as_str().unwrap()).await.0, StatusCode::OK);
    assert_eq!(h.me(second["access_token"].as_str().unwrap()).await.0, StatusCode::OK);

    let (_, calls) = h.control("GET", "/calls", None).await;
    assert_eq!(calls["counters"]["token.refresh_token"], 2);
    assert_eq!(calls["counters"]["token.authorization_code"], 1);
    let (_, grants) = h.control("GET", "/grants", None).await;
    assert_eq!(grants[0]["refresh_count"], 1);
    assert_eq!(grants[0]["status"], "active");
}

#[tokio::test]
async fn the_refresh_grace_knob_keeps_a_rotated_token_alive_briefly() {
    let h = start().await;
    h.control("PATCH", "/app", Some(json!({ "refresh_grace_secs": 10 })))
        .await;
    let first = h.connect(h.licensed()).await;
    let first_refresh = first["refresh_token"].as_str().unwrap();
    assert_eq!(h.refresh(first_refresh).await.0, StatusCode::OK);
    assert_eq!(h.refresh(first_refresh).await.0, StatusCode::OK);
    h.advance_clock(11).await;
    assert_eq!(h.refresh(first_refresh).await.0, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_new_authorization_revokes_the_earlier_grant() {
    let h = start().await;
    let first = h.connect(h.licensed()).await;
    let second = h.connect(h.licensed()).await;
    let (status, body) = h.refresh(first["refresh_token"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["reason"], "Invalid Token!");
    let (status, body) = h.me(first["access_token"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body, json!({ "code": 124, "message": "Invalid access token." }));
    assert_eq!(h.me(second["access_token"].as_str().unwrap()).await.0, StatusCode::OK);
    let (_, grants) = h.control("GET", "/grants", None).await;
    let statuses: Vec<_> = grants.as_array().unwrap().iter().map(|g| g["status"].clone()).collect();
    assert_eq!(statuses, [json!("replaced"), json!("active")]);

    // Another user's grant is untouched by this user's re-authorization.
    let other = h.connect(&h.users[1]).await;
    h.connect(h.licensed()).await;
    assert_eq!(h.me(other["access_token"].as_str().unwrap()).await.0, StatusCode::OK);
}

#[tokio::test]
async fn revoke_kills_the_whole_grant() {
    let h = start().await;
    let tokens = h.connect(h.licensed()).await;
    let access = tokens["access_token"].as_str().unwrap();
    let refresh = tokens["refresh_token"].as_str().unwrap();
    assert_eq!(h.revoke(access).await, (StatusCode::OK, json!({ "status": "success" })));
    assert_eq!(h.me(access).await.1["message"], "Invalid access token.");
    assert_eq!(h.refresh(refresh).await.1["reason"], "Invalid Token!");
    assert_eq!(
        h.revoke(access).await,
        (
            StatusCode::BAD_REQUEST,
            json!({ "reason": "Invalid Token!", "error": "invalid_grant" })
        )
    );

    // A refresh token revokes too.
    let tokens = h.connect(h.licensed()).await;
    let refresh = tokens["refresh_token"].as_str().unwrap();
    assert_eq!(h.revoke(refresh).await.0, StatusCode::OK);
    assert_eq!(
        h.me(tokens["access_token"].as_str().unwrap()).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (_, grants) = h.control("GET", "/grants", None).await;
    assert_eq!(grants[1]["status"], "revoked");
}
