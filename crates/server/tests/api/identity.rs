use api::identity::{DemoPerson, Me, Plan, Role};
use serde_json::json;
use server::auth::sign_shell_token;

use crate::support::*;

#[tokio::test]
async fn demo_people_sign_in_and_sign_out() {
    let app = spawn_app().await;
    let people: Vec<DemoPerson> = app
        .client
        .get(app.url(api::paths::DEMO_PEOPLE))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let names: Vec<_> = people.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Dr. Maya Rivera", "Priya Shah", "Sam Okafor"]);

    let anonymous = app.client.get(app.url(api::paths::ME)).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    let body: api::ErrorBody = anonymous.json().await.unwrap();
    assert_eq!(body.code.as_str(), "unauthenticated");

    app.sign_in(CLINIC_ADMIN).await;
    let me: Me = app
        .client
        .get(app.url(api::paths::ME))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (me.name.as_str(), me.role, me.organisation.plan),
        ("Priya Shah", Role::Admin, Plan::Clinic)
    );

    let out = app
        .client
        .post(app.url(api::paths::SIGN_OUT))
        .header(api::CSRF_HEADER, api::CSRF_HEADER_VALUE)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 204);
    assert_eq!(
        app.client.get(app.url(api::paths::ME)).send().await.unwrap().status(),
        401
    );
}

#[tokio::test]
async fn the_session_cookie_is_http_only_and_same_site() {
    let app = spawn_app().await;
    let r = app
        .client
        .post(app.url(api::paths::DEMO_SIGN_IN))
        .header(api::CSRF_HEADER, api::CSRF_HEADER_VALUE)
        .json(&json!({ "user_id": SOLO }))
        .send()
        .await
        .unwrap();
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("bb_session="), "{cookie}");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"));
}

#[tokio::test]
async fn state_changing_calls_without_the_csrf_header_are_refused() {
    let app = spawn_app().await;
    app.sign_in(SOLO).await;
    let r = app
        .client
        .post(app.url(api::paths::ZOOM_DISCONNECT))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(
        r.json::<api::ErrorBody>().await.unwrap().code.as_str(),
        "csrf_header_missing"
    );
}

#[tokio::test]
async fn unknown_people_cannot_use_demo_sign_in() {
    let app = spawn_app().await;
    let r = app
        .client
        .post(app.url(api::paths::DEMO_SIGN_IN))
        .header(api::CSRF_HEADER, api::CSRF_HEADER_VALUE)
        .json(&json!({ "user_id": 999 }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<api::ErrorBody>().await.unwrap().code.as_str(), "bad_request");
}

#[tokio::test]
async fn the_shell_hands_identity_over_with_a_signed_token() {
    let app = spawn_app().await;
    let exp = chrono::Utc::now().timestamp() + 120;
    let claims = format!(
        r#"{{"sub":"shell-42","name":"Jo Park","email":"jo@lakeside.example","role":"practitioner","org_id":"org-9","org_name":"Lakeside Group","plan":"enterprise","exp":{exp}}}"#
    );
    let send = |token: String| {
        app.client
            .post(app.url(api::paths::SHELL_SIGN_IN))
            .header(api::CSRF_HEADER, api::CSRF_HEADER_VALUE)
            .json(&json!({ "token": token }))
            .send()
    };
    let forged = send(sign_shell_token("wrong-secret", &claims)).await.unwrap();
    assert_eq!(forged.status(), 400);
    assert_eq!(
        forged.json::<api::ErrorBody>().await.unwrap().code.as_str(),
        "invalid_shell_token"
    );
    assert_eq!(
        app.client.get(app.url(api::paths::ME)).send().await.unwrap().status(),
        401
    );

    let ok = send(sign_shell_token(SHELL_SECRET, &claims)).await.unwrap();
    assert_eq!(ok.status(), 204);
    let me: Me = app
        .client
        .get(app.url(api::paths::ME))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me.name, "Jo Park");
    assert_eq!(me.organisation.name, "Lakeside Group");
    assert_eq!(me.organisation.plan, Plan::Enterprise);
    // A new Enterprise organisation has not enabled Zoom yet.
    assert!(!me.organisation.zoom_allowed);
}

#[tokio::test]
async fn unknown_api_paths_answer_json_404() {
    let app = spawn_app().await;
    let r = app.client.get(app.url("/api/nope")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(r.json::<api::ErrorBody>().await.unwrap().code.as_str(), "not_found");
}
