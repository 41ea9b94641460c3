//! Serving the SPA inside the BetterBeing shell: CORS for the shell's origin only, OAuth returning to the shell,
//! and a Content-Security-Policy that admits exactly our own loader script.

use base64::Engine;
use sha2::Digest;

use crate::support::*;

#[tokio::test]
async fn only_the_configured_shell_may_call_the_api_with_credentials() {
    let app = spawn_app().await;
    let preflight = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, app.url(api::paths::ZOOM_DISCONNECT))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                format!("content-type,{}", api::CSRF_HEADER),
            )
            .send()
    };
    let ok = preflight(EMBEDDING_SHELL).await.unwrap();
    assert_eq!(ok.headers()["access-control-allow-origin"], EMBEDDING_SHELL);
    assert_eq!(ok.headers()["access-control-allow-credentials"], "true");
    let evil = preflight("https://evil.example").await.unwrap();
    assert!(evil.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn oauth_can_return_to_the_shell_but_nowhere_else() {
    let app = spawn_app().await;
    app.sign_in(SOLO).await;
    let back = format!("{EMBEDDING_SHELL}/settings/video-accounts");
    let r = app
        .client
        .get(app.url(api::paths::ZOOM_CONNECT))
        .query(&[("return_to", back.as_str())])
        .send()
        .await
        .unwrap();
    let callback = app.consent(&location(&r), LICENSED, "allow").await;
    assert_eq!(app.follow_callback(&callback).await, format!("{back}?zoom=connected"));
    let r = app
        .client
        .get(app.url(api::paths::ZOOM_CONNECT))
        .query(&[("return_to", "https://evil.example/")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn the_policy_admits_exactly_the_loader_script() {
    let dir = tempfile::tempdir().unwrap();
    let loader = "\nimport init from '/app.js';\nawait init();\n";
    std::fs::write(
        dir.path().join("index.html"),
        format!("<html><head><script type=\"module\">{loader}</script><script src=\"/x.js\"></script></head></html>"),
    )
    .unwrap();
    let csp = server::startup::content_security_policy(Some(dir.path()), &[EMBEDDING_SHELL.to_string()]);
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(loader.as_bytes()));
    assert!(
        csp.contains(&format!("script-src 'self' 'wasm-unsafe-eval' 'sha256-{hash}';")),
        "{csp}"
    );
    let script_src = csp
        .split(';')
        .find(|d| d.trim_start().starts_with("script-src"))
        .unwrap();
    assert!(!script_src.contains("unsafe-inline"), "{script_src}");
    assert!(csp.contains(&format!("frame-ancestors 'self' {EMBEDDING_SHELL}")));
    let app = spawn_app().await;
    let r = app.client.get(app.url(api::paths::ME)).send().await.unwrap();
    assert!(r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("default-src 'self'"));
}
