//! Shared by the integration tests: a sandbox on port 0 and a client that speaks real HTTP to it.
#![allow(dead_code)] // each test crate uses a different part

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use reqwest::redirect::Policy;
use reqwest::{Client, Response, StatusCode};
use serde_json::Value;
use sha2::{Digest, Sha256};
use zoom_sandbox::{seed_demo_users, serve, RunningSandbox, SandboxConfig, User};

pub const REDIRECT: &str = "https://app.example/api/zoom/callback";
pub const CLIENT_ID: &str = "bb-demo-client-id";
pub const CLIENT_SECRET: &str = "bb-demo-client-secret";
pub const WEBHOOK_SECRET: &str = "bb-demo-webhook-secret";

pub struct Harness {
    /// The sandbox when it runs in this test process; `None` for a `zoom-sandbox` process at `base`.
    pub sandbox: Option<RunningSandbox>,
    pub base: String,
    pub http: Client,
    /// The demo users: Licensed, Basic, unassigned.
    pub users: Vec<User>,
}

/// A seeded demo sandbox with Zoom's per-second rate limits **switched off** (see [`start_with`]).
pub async fn start() -> Harness {
    start_with(SandboxConfig::demo(REDIRECT, None), true).await
}

/// Serves `config` with Zoom's per-second rate limits switched off through the control API: most tests are about
/// something else and make calls as fast as the machine allows, which a Free (Basic) account refuses beyond 2
/// creates or 4 reads a second (facts §4.2). The daily limits still apply. Tests of the limits use
/// [`start_limited`].
pub async fn start_with(config: SandboxConfig, seed: bool) -> Harness {
    let h = start_limited_with(config, seed).await;
    h.set_per_second_limits(false).await;
    h
}

/// A seeded demo sandbox that enforces Zoom's per-second limits, as the demo and the binary do.
pub async fn start_limited() -> Harness {
    start_limited_with(SandboxConfig::demo(REDIRECT, None), true).await
}

/// Serves `config` as it is (`SandboxConfig::demo` has the per-second limits on).
pub async fn start_limited_with(config: SandboxConfig, seed: bool) -> Harness {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let sandbox = serve(listener, config).await;
    let users = if seed { seed_demo_users(&sandbox) } else { Vec::new() };
    Harness {
        base: sandbox.base_url.clone(),
        sandbox: Some(sandbox),
        http: Client::builder().redirect(Policy::none()).build().unwrap(),
        users,
    }
}

/// Speaks to a `zoom-sandbox` process at `base` whose users are `users` (Licensed, Basic, unassigned).
pub fn for_process(base: &str, users: Vec<User>) -> Harness {
    Harness {
        base: base.to_owned(),
        sandbox: None,
        http: Client::builder().redirect(Policy::none()).build().unwrap(),
        users,
    }
}

pub fn s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// The query parameters of a redirect's Location.
pub fn location_params(response: &Response) -> Vec<(String, String)> {
    let location = location(response);
    url::Url::parse(&location).unwrap().query_pairs().into_owned().collect()
}

pub fn location(response: &Response) -> String {
    assert_eq!(response.status(), StatusCode::FOUND, "expected a 302");
    response.headers()["location"].to_str().unwrap().to_owned()
}

pub fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

impl Harness {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn licensed(&self) -> &User {
        &self.users[0]
    }

    pub async fn authorize_page(&self, query: &[(&str, &str)]) -> Response {
        self.http
            .get(self.url("/oauth/authorize"))
            .query(query)
            .send()
            .await
            .unwrap()
    }

    /// Opens the consent page for a well-formed request plus `extra`, returns the pending id.
    pub async fn start_authorization(&self, extra: &[(&str, &str)]) -> String {
        let mut query = vec![
            ("response_type", "code"),
            ("client_id", CLIENT_ID),
            ("redirect_uri", REDIRECT),
        ];
        query.extend_from_slice(extra);
        let response = self.authorize_page(&query).await;
        assert_eq!(response.status(), StatusCode::OK);
        pending_id(&response.text().await.unwrap())
    }

    pub async fn decide(&self, pending_id: &str, zoom_user_id: &str, decision: &str) -> Response {
        self.http
            .post(self.url("/oauth/authorize"))
            .form(&[
                ("pending_id", pending_id),
                ("zoom_user_id", zoom_user_id),
                ("decision", decision),
            ])
            .send()
            .await
            .unwrap()
    }

    /// Runs the consent dance for `user` and returns the code from the redirect.
    pub async fn code_for(&self, user: &User, extra: &[(&str, &str)]) -> String {
        let pending = self.start_authorization(extra).await;
        let response = self.decide(&pending, &user.id, "allow").await;
        let params = location_params(&response);
        param(&params, "code").expect("a code").to_owned()
    }

    pub async fn token(&self, form: &[(&str, &str)]) -> (StatusCode, Value) {
        let response = self
            .http
            .post(self.url("/oauth/token"))
            .basic_auth(CLIENT_ID, Some(CLIENT_SECRET))
            .form(form)
            .send()
            .await
            .unwrap();
        json(response).await
    }

    pub async fn exchange(&self, code: &str) -> (StatusCode, Value) {
        self.token(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT),
        ])
        .await
    }

    pub async fn refresh(&self, refresh_token: &str) -> (StatusCode, Value) {
        self.token(&[("grant_type", "refresh_token"), ("refresh_token", refresh_token)])
            .await
    }

    /// A full connection for `user`: the token response.
    pub async fn connect(&self, user: &User) -> Value {
        let code = self.code_for(user, &[]).await;
        let (status, body) = self.exchange(&code).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    pub async fn me(&self, access_token: &str) -> (StatusCode, Value) {
        let response = self
            .http
            .get(self.url("/v2/users/me"))
            .bearer_auth(access_token)
            .send()
            .await
            .unwrap();
        json(response).await
    }

    pub async fn revoke(&self, token: &str) -> (StatusCode, Value) {
        let response = self
            .http
            .post(self.url("/oauth/revoke"))
            .basic_auth(CLIENT_ID, Some(CLIENT_SECRET))
            .form(&[("token", token)])
            .send()
            .await
            .unwrap();
        json(response).await
    }

    pub async fn control(&self, method: &str, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = self.http.request(method, self.url(&format!("/_sandbox{path}")));
        if let Some(body) = body {
            request = request.json(&body);
        }
        json(request.send().await.unwrap()).await
    }

    /// `POST /_sandbox/rate-limits`: switches Zoom's per-second limits on or off.
    pub async fn set_per_second_limits(&self, on: bool) {
        let (status, body) = self
            .control("POST", "/rate-limits", Some(serde_json::json!({ "per_second": on })))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["per_second"], on);
    }

    /// `GET /_sandbox/rate-limits`: `{"per_second": bool, "refused": {"per_second","daily","user_daily"}}`.
    pub async fn rate_limits(&self) -> Value {
        let (status, body) = self.control("GET", "/rate-limits", None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    pub async fn advance_clock(&self, secs: i64) {
        let (status, _) = self
            .control("POST", "/clock", Some(serde_json::json!({ "advance_secs": secs })))
            .await;
        assert_eq!(status, StatusCode::OK);
    }
}

pub async fn json(response: Response) -> (StatusCode, Value) {
    let status = response.status();
    let text = response.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    (status, body)
}

pub fn pending_id(html: &str) -> String {
    let marker = r#"name="pending_id" value=""#;
    let start = html.find(marker).expect("a pending id field") + marker.len();
    let end = start + html[start..].find('"').unwrap();
    html[start..end].to_owned()
}

// ---- the Meetings API ----------------------------------------------------------------------------------

/// A `/v2` answer: status, headers and the JSON body (`null` when empty).
#[derive(Debug)]
pub struct ApiResponse {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl ApiResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }
}

impl Harness {
    pub fn basic(&self) -> &User {
        &self.users[1]
    }

    pub fn unassigned(&self) -> &User {
        &self.users[2]
    }

    /// Connects `user` and returns a fresh access token.
    pub async fn access_token(&self, user: &User) -> String {
        self.connect(user).await["access_token"].as_str().unwrap().to_owned()
    }

    pub async fn api(&self, method: &str, path: &str, token: &str, body: Option<&Value>) -> ApiResponse {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = self
            .http
            .request(method, self.url(&format!("/v2{path}")))
            .bearer_auth(token);
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.unwrap();
        let headers = response.headers().clone();
        let (status, body) = json(response).await;
        ApiResponse { status, headers, body }
    }

    /// `POST /v2/users/me/meetings`, asserting 201; returns the meeting.
    pub async fn create_meeting(&self, token: &str, body: Value) -> Value {
        let response = self.api("POST", "/users/me/meetings", token, Some(&body)).await;
        assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
        response.body
    }

    pub async fn set_clock(&self, now: &str) {
        let (status, body) = self
            .control("POST", "/clock", Some(serde_json::json!({ "now": now })))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    pub async fn add_fault(&self, fault: Value) {
        let (status, body) = self.control("POST", "/faults", Some(fault)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }

    pub async fn sandbox_meetings(&self) -> Vec<Value> {
        let (status, body) = self.control("GET", "/meetings", None).await;
        assert_eq!(status, StatusCode::OK);
        body.as_array().unwrap().clone()
    }

    /// Every Meetings call in the sandbox's log, request and response, checked against Zoom's OpenAPI.
    /// Returns how many calls were checked.
    pub async fn assert_calls_follow_contract(&self) -> usize {
        let (_, log) = self.control("GET", "/calls", None).await;
        let mut checked = 0;
        let mut problems = Vec::new();
        for call in log["calls"].as_array().unwrap() {
            if zoom_sandbox::contract::operation_for(call["method"].as_str().unwrap(), call["path"].as_str().unwrap())
                .is_none()
            {
                continue;
            }
            checked += 1;
            if let Err(p) = zoom_sandbox::contract::validate_call(call) {
                problems.extend(p);
            }
        }
        assert!(problems.is_empty(), "contract violations: {problems:#?}");
        checked
    }
}

/// `{"code":300,"message":"Validation Failed.","errors":[{"field":…,"message":"Invalid field."}]}`.
pub fn validation_failed(fields: &[&str]) -> Value {
    let errors: Vec<Value> = fields
        .iter()
        .map(|f| serde_json::json!({ "field": f, "message": "Invalid field." }))
        .collect();
    serde_json::json!({ "code": 300, "message": "Validation Failed.", "errors": errors })
}
