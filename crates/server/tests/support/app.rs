//! Shared by the server's integration and browser tests: a real server with a real database (a SQLite file, or a
//! database of its own on a real PostgreSQL server when `BB_TEST_DATABASE=postgres`) and the Zoom sandbox on
//! loopback ports, and an HTTP client that behaves like a browser (cookies, no automatic redirects).

#![allow(dead_code)]

#[path = "radicale.rs"]
pub mod radicale;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use api::zoom::ZoomStatus;
use reqwest::redirect::Policy;
use serde_json::{json, Value};
use server::calendar_sync::CalendarPush;
use server::clock::Clock;
use server::config::{Settings, ZoomApp};
use server::crypto::Keyring;
use server::db::{Backend, Db};
use server::sessions::Calendar;
use server::startup::Application;

/// For `TestApp::send` without a body.
pub const NO_BODY: Option<&()> = None;
pub const SHELL_SECRET: &str = "test-shell-secret";
/// The origin tests treat as the BetterBeing shell embedding the app.
pub const EMBEDDING_SHELL: &str = "https://app.betterbeing.example";
pub const ZOOM_PAGE: &str = "/console/video-accounts/zoom";
pub const SOLO: i64 = 1;
pub const CLINIC_ADMIN: i64 = 2;
pub const CLINIC_PRACTITIONER: i64 = 3;
pub const LICENSED: &str = "dr.rivera@zoom.example";
pub const BASIC: &str = "sam.okafor@zoom.example";
pub const UNASSIGNED: &str = "lee.unassigned@zoom.example";

/// Every log line any server in this test binary wrote, at DEBUG and above for all crates.
pub fn captured_logs() -> String {
    String::from_utf8_lossy(&log_buffer().lock().unwrap()).into_owned()
}

fn log_buffer() -> &'static Arc<Mutex<Vec<u8>>> {
    static BUFFER: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    BUFFER.get_or_init(|| {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let writer = BufferWriter(buffer.clone());
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new("debug"))
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .try_init();
        buffer
    })
}

#[derive(Clone)]
struct BufferWriter(Arc<Mutex<Vec<u8>>>);
impl Write for BufferWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The backend this test binary runs against: SQLite unless `BB_TEST_DATABASE=postgres` (`scripts/test` runs the
/// server's integration and fault suites once with each; `scripts/with-postgres` starts the server they use).
pub fn backend() -> Backend {
    match std::env::var("BB_TEST_DATABASE").as_deref() {
        Ok("postgres") => Backend::Postgres,
        Ok("sqlite") | Err(_) => Backend::Sqlite,
        Ok(other) => panic!("BB_TEST_DATABASE must be sqlite or postgres, not {other:?}"),
    }
}

/// A new, empty database for one test app: a file in `dir` (SQLite), or a database of its own created on the
/// PostgreSQL server `BB_TEST_POSTGRES_URL` names.
pub async fn fresh_database_url(dir: &Path) -> String {
    match backend() {
        Backend::Sqlite => format!("sqlite://{}", dir.join("betterbeing.sqlite").display()),
        Backend::Postgres => {
            use sqlx::{Connection, Executor};
            static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
            let admin = std::env::var("BB_TEST_POSTGRES_URL")
                .expect("BB_TEST_POSTGRES_URL names the test PostgreSQL server (scripts/with-postgres sets it)");
            let name = format!(
                "bb_test_{}_{}",
                std::process::id(),
                NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            );
            sqlx::any::install_default_drivers();
            let mut conn = sqlx::AnyConnection::connect(&admin)
                .await
                .expect("test PostgreSQL server reachable");
            conn.execute(format!("CREATE DATABASE {name}").as_str()).await.unwrap();
            conn.close().await.unwrap();
            let mut url = url::Url::parse(&admin).unwrap();
            url.set_path(&name);
            url.to_string()
        }
    }
}

pub struct TestApp {
    pub base: String,
    pub sandbox: String,
    pub db: Db,
    /// What `BB_DATABASE_URL` would be for another server process sharing this app's database.
    pub database_url: String,
    /// The SQLite file (meaningful only when [`backend`] is SQLite).
    pub db_path: PathBuf,
    pub keys: Keyring,
    pub client: reqwest::Client,
    pub dir: Arc<tempfile::TempDir>,
    /// This server's calendar and Zoom queue (drain it instead of sleeping); `None` for a server in another process.
    pub calendar: Option<Calendar>,
    /// This server's clock (move it forward instead of waiting).
    pub clock: Clock,
    /// This server's connected-calendar queue (drain it instead of sleeping); `None` for another process.
    pub push: Option<CalendarPush>,
}

pub fn browser_like_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

fn settings(database_url: &str, keys: Keyring, dist: Option<PathBuf>, zoom: ZoomApp) -> Settings {
    Settings {
        bind: "127.0.0.1:0".parse().unwrap(),
        public_url: None,
        database_url: database_url.to_string(),
        dist_dir: dist,
        token_keys: keys,
        zoom,
        demo: true,
        shell_secret: Some(SHELL_SECRET.to_string().into()),
        client_ip_header: None,
        allowed_origins: vec![EMBEDDING_SHELL.to_string()],
        cookie_same_site_none: false,
        zoom_timeout: std::time::Duration::from_secs(2),
        retry_base: std::time::Duration::from_millis(300),
        inline_wait: std::time::Duration::from_secs(5),
        job_poll: std::time::Duration::from_millis(100),
        // Tests run the checks themselves (`Calendar::run_pre_session_checks`) at the times they choose.
        pre_session_check_every: std::time::Duration::from_secs(3600),
        job_lease: std::time::Duration::from_secs(3),
        job_concurrency: 8,
        status_max_age: std::time::Duration::from_secs(300),
        zoom_licensed_plan: server::zoom::limits::Plan::Pro,
        calendar_allow_private: true,
        calendar_timeout: std::time::Duration::from_secs(2),
        clock: server::clock::Clock::default(),
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_serving(None).await
}

/// A server with its embedded sandbox; `dist` serves the built SPA (browser tests).
pub async fn spawn_app_serving(dist: Option<PathBuf>) -> TestApp {
    spawn_app_tuned(dist, |_| {}).await
}

/// A server with its embedded sandbox and settings changed by `tune` (timeouts, inline wait, lease).
pub async fn spawn_app_with(tune: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_app_tuned(None, tune).await
}

/// The demo Zoom app of the sandbox at `sandbox`, redirecting to the server at `base`.
pub fn sandbox_zoom_app(base: &str, sandbox: &str) -> ZoomApp {
    let demo = zoom_sandbox::SandboxConfig::demo("unused", None);
    ZoomApp {
        client_id: demo.client_id.clone(),
        client_secret: demo.client_secret.clone().into(),
        redirect_url: format!("{base}{}", api::paths::ZOOM_CALLBACK),
        webhook_secret_token: demo.webhook_secret_token.clone().into(),
        oauth_base: sandbox.to_string(),
        api_base: format!("{sandbox}/v2"),
    }
}

async fn spawn_app_tuned(dist: Option<PathBuf>, tune: impl FnOnce(&mut Settings)) -> TestApp {
    log_buffer();
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let db_path = dir.path().join("betterbeing.sqlite");
    let database_url = fresh_database_url(dir.path()).await;
    let keys = Keyring::random("test1");
    // Our server's address first (Zoom's app settings name its callback), then a sandbox that knows it.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let config = zoom_sandbox::SandboxConfig::demo(
        &format!("{base}{}", api::paths::ZOOM_CALLBACK),
        Some(&format!("{base}{}", api::paths::ZOOM_WEBHOOK)),
    );
    let running = zoom_sandbox::serve(tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap(), config).await;
    zoom_sandbox::seed_demo_users(&running);
    let sandbox = running.base_url.clone();
    let mut settings = settings(&database_url, keys.clone(), dist, sandbox_zoom_app(&base, &sandbox));
    tune(&mut settings);
    let clock = settings.clock.clone();
    let app = Application::build_on(listener, settings).await.expect("app builds");
    let db = app.db.clone();
    let calendar = app.calendar.clone();
    let push = app.calendar_push.clone();
    let base = app.spawn();
    TestApp {
        base,
        sandbox,
        db,
        database_url,
        db_path,
        keys,
        client: browser_like_client(),
        dir,
        calendar: Some(calendar),
        clock,
        push: Some(push),
    }
}

impl TestApp {
    /// Speaks to a server running in another process at `base`, sharing `database_url` (opened here to inspect
    /// it).
    pub async fn for_process(base: &str, sandbox: &str, database_url: &str, dir: Arc<tempfile::TempDir>) -> TestApp {
        TestApp {
            base: base.to_string(),
            sandbox: sandbox.to_string(),
            db: server::db::connect(database_url).await.unwrap(),
            database_url: database_url.to_string(),
            db_path: dir.path().join("betterbeing.sqlite"),
            keys: Keyring::random("unused"),
            client: browser_like_client(),
            dir,
            calendar: None,
            clock: Clock::default(),
            push: None,
        }
    }

    /// A second server process sharing this one's database and Zoom (as a second instance behind a load balancer).
    pub async fn second_instance(&self) -> TestApp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        // Behind one public URL, as behind a load balancer: Zoom's redirect goes to the first instance's address.
        let zoom = sandbox_zoom_app(&self.base, &self.sandbox);
        let settings = settings(&self.database_url, self.keys.clone(), None, zoom);
        let clock = settings.clock.clone();
        let app = Application::build_on(listener, settings).await.unwrap();
        let db = app.db.clone();
        let calendar = app.calendar.clone();
        let push = app.calendar_push.clone();
        let base = app.spawn();
        TestApp {
            base,
            sandbox: self.sandbox.clone(),
            db,
            database_url: self.database_url.clone(),
            db_path: self.db_path.clone(),
            keys: self.keys.clone(),
            client: browser_like_client(),
            dir: self.dir.clone(),
            calendar: Some(calendar),
            clock,
            push: Some(push),
        }
    }

    /// The same browser (cookies and all) speaking to `instance`, another server sharing this one's database, as a
    /// load balancer would send its next request.
    pub fn via(&self, instance: &TestApp) -> TestApp {
        TestApp {
            base: instance.base.clone(),
            sandbox: self.sandbox.clone(),
            db: self.db.clone(),
            database_url: self.database_url.clone(),
            db_path: self.db_path.clone(),
            keys: self.keys.clone(),
            client: self.client.clone(),
            dir: self.dir.clone(),
            calendar: instance.calendar.clone(),
            clock: instance.clock.clone(),
            push: instance.push.clone(),
        }
    }

    /// Same servers, another browser (its own cookie jar).
    pub fn another_browser(&self) -> TestApp {
        TestApp {
            base: self.base.clone(),
            sandbox: self.sandbox.clone(),
            db: self.db.clone(),
            database_url: self.database_url.clone(),
            db_path: self.db_path.clone(),
            keys: self.keys.clone(),
            client: browser_like_client(),
            dir: self.dir.clone(),
            calendar: self.calendar.clone(),
            clock: self.clock.clone(),
            push: self.push.clone(),
        }
    }

    /// Lets the Zoom queue settle: runs every due job, moves this server's clock to the next retry, and again,
    /// until only parked work (waiting for the practitioner) is left. No sleeping on retry delays.
    pub async fn settle(&self) {
        let calendar = self.calendar.as_ref().expect("settle needs the server in this process");
        for _ in 0..500 {
            calendar.drain().await;
            match calendar.next_due_at().await.unwrap() {
                Some(next) => self.clock.advance_to_ms(next.timestamp_millis()),
                None => return,
            }
        }
        panic!("the Zoom queue did not settle");
    }

    /// Runs this process's queued work (Zoom and connected calendars) until nothing is due or running, without
    /// moving the clock: work due later stays queued.
    pub async fn drain(&self) {
        self.calendar
            .as_ref()
            .expect("drain needs the server in this process")
            .drain()
            .await;
        self.push
            .as_ref()
            .expect("drain needs the server in this process")
            .drain()
            .await;
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn sign_in(&self, user_id: i64) {
        let r = self
            .client
            .post(self.url(api::paths::DEMO_SIGN_IN))
            .header(api::CSRF_HEADER, api::CSRF_HEADER_VALUE)
            .json(&json!({ "user_id": user_id }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 204, "demo sign-in");
    }

    pub async fn status(&self) -> ZoomStatus {
        let r = self.client.get(self.url(api::paths::ZOOM_STATUS)).send().await.unwrap();
        assert_eq!(r.status(), 200, "zoom status");
        r.json().await.unwrap()
    }

    /// "Check again": the server asks Zoom now (`GET /users/me`), as the button on the Zoom page does.
    pub async fn check_again(&self) -> ZoomStatus {
        let r = self
            .send(reqwest::Method::POST, api::paths::ZOOM_STATUS_CHECK, NO_BODY)
            .await;
        assert_eq!(r.status(), 200, "check again");
        r.json().await.unwrap()
    }

    pub async fn disconnect(&self) -> reqwest::Response {
        self.client
            .post(self.url(api::paths::ZOOM_DISCONNECT))
            .header(api::CSRF_HEADER, api::CSRF_HEADER_VALUE)
            .send()
            .await
            .unwrap()
    }

    /// Connect → Zoom's consent URL (the `Location` of our 302).
    pub async fn start_connect(&self) -> String {
        let r = self
            .client
            .get(self.url(&format!("{}?return_to={}", api::paths::ZOOM_CONNECT, ZOOM_PAGE)))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "connect redirects to Zoom");
        location(&r)
    }

    /// On the sandbox consent page at `authorize_url`, picks the Zoom user and clicks Allow or Deny; returns the
    /// callback URL Zoom redirects to.
    pub async fn consent(&self, authorize_url: &str, zoom_email: &str, decision: &str) -> String {
        let page = self.client.get(authorize_url).send().await.unwrap();
        assert_eq!(page.status(), 200, "consent page");
        let html = page.text().await.unwrap();
        let pending = between(&html, "name=\"pending_id\" value=\"", "\"");
        let zoom_user_id = self.zoom_user_id(zoom_email).await;
        let r = self
            .client
            .post(format!("{}/oauth/authorize", self.sandbox))
            .form(&[
                ("pending_id", pending.as_str()),
                ("zoom_user_id", &zoom_user_id),
                ("decision", decision),
            ])
            .send()
            .await
            .unwrap();
        assert!(
            r.status().is_redirection(),
            "consent decision redirects, got {}",
            r.status()
        );
        location(&r)
    }

    /// Follows Zoom's redirect to our callback; returns where the callback sends the browser.
    pub async fn follow_callback(&self, callback_url: &str) -> String {
        let r = self.client.get(callback_url).send().await.unwrap();
        assert_eq!(r.status(), 303, "callback redirects back into the app");
        location(&r)
    }

    /// The whole journey; returns the final in-app location.
    pub async fn connect_as(&self, zoom_email: &str) -> String {
        let authorize = self.start_connect().await;
        let callback = self.consent(&authorize, zoom_email, "allow").await;
        self.follow_callback(&callback).await
    }

    /// A call from the app's own page: CSRF header, JSON body if any.
    pub async fn send<B: serde::Serialize>(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&B>,
    ) -> reqwest::Response {
        let mut request = self
            .client
            .request(method, self.url(path))
            .header(api::CSRF_HEADER, api::CSRF_HEADER_VALUE);
        if let Some(body) = body {
            request = request.json(body);
        }
        request.send().await.unwrap()
    }

    /// `GET path` of the app's API as the signed-in person, read as `T`.
    pub async fn get_json<T: serde::de::DeserializeOwned>(&self, path: &str) -> T {
        let r = self.client.get(self.url(path)).send().await.unwrap();
        assert!(r.status().is_success(), "GET {path}: {}", r.status());
        r.json().await.unwrap()
    }

    /// Meetings that exist (not deleted) in the sandbox's Zoom.
    pub async fn live_meetings(&self) -> Vec<Value> {
        let all = self.sandbox_get("/meetings").await;
        all.as_array()
            .unwrap()
            .iter()
            .filter(|m| m["deleted"] == false)
            .cloned()
            .collect()
    }

    /// Settles this process's Zoom queue, then expects exactly `count` meetings in Zoom.
    pub async fn settled_live_meetings(&self, count: usize) -> Vec<Value> {
        self.settle().await;
        let live = self.live_meetings().await;
        assert_eq!(live.len(), count, "expected {count} live meetings, have {live:?}");
        live
    }

    /// Waits until exactly `count` meetings exist in Zoom, for work this process cannot drain: a request the browser
    /// has yet to send, or a server in another process.
    pub async fn wait_for_live_meetings(&self, count: usize) -> Vec<Value> {
        eventually_some(&format!("{count} live meetings in Zoom"), || async {
            let live = self.live_meetings().await;
            (live.len() == count).then_some(live)
        })
        .await
    }

    pub async fn sandbox_get(&self, path: &str) -> Value {
        self.client
            .get(format!("{}/_sandbox{path}", self.sandbox))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    pub async fn sandbox_post(&self, path: &str, body: Value) -> Value {
        self.sandbox_send(reqwest::Method::POST, path, body).await
    }

    pub async fn sandbox_send(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
        let r = self
            .client
            .request(method, format!("{}/_sandbox{path}", self.sandbox))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "sandbox control {path}: {}", r.status());
        r.json().await.unwrap_or(Value::Null)
    }

    /// Zoom's meeting events stop reaching the server, as if Zoom had dropped their delivery.
    pub async fn without_meeting_events(&self) {
        self.sandbox_send(reqwest::Method::PATCH, "/app", json!({ "event_subscriptions": [] }))
            .await;
    }

    pub async fn zoom_user_id(&self, email: &str) -> String {
        let users = self.sandbox_get("/users").await;
        users
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["email"] == email)
            .unwrap_or_else(|| panic!("sandbox has no user {email}"))["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// How many calls of `kind` (e.g. "token.refresh_token") the sandbox has served.
    pub async fn zoom_calls(&self, kind: &str) -> u64 {
        let calls = self.sandbox_get("/calls").await;
        calls["counters"][kind].as_u64().unwrap_or(0)
    }

    pub async fn grants_of(&self, email: &str) -> Vec<Value> {
        let id = self.zoom_user_id(email).await;
        let grants = self.sandbox_get("/grants").await;
        grants
            .as_array()
            .unwrap()
            .iter()
            .filter(|g| g["zoom_user_id"] == id.as_str())
            .cloned()
            .collect()
    }

    /// Pretends time passed on our side: the stored access token is now past its expiry.
    pub async fn expire_stored_access_token(&self, user_id: i64) {
        sqlx::query("UPDATE zoom_connections SET access_expires_at = 0 WHERE user_id = $1")
            .bind(user_id)
            .execute(&self.db)
            .await
            .unwrap();
    }

    pub async fn set_zoom_allowed(&self, organisation_id: i64, allowed: bool) {
        sqlx::query("UPDATE organisations SET zoom_allowed = $1 WHERE id = $2")
            .bind(allowed as i64)
            .bind(organisation_id)
            .execute(&self.db)
            .await
            .unwrap();
    }
}

/// How long [`eventually`] waits before it fails the test.
pub const EVENTUALLY: std::time::Duration = std::time::Duration::from_secs(20);

/// Waits (bounded by [`EVENTUALLY`]) until `check` holds, for what this process cannot drain: a server in another
/// process, the page in the browser, the sandbox's webhook deliveries, a Zoom call a test keeps hanging. Work of this
/// process's own queues is drained instead ([`TestApp::settle`], [`TestApp::drain`]), then asserted once.
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    eventually_within(EVENTUALLY, what, || {
        let done = check();
        async move { done.await.then_some(()) }
    })
    .await
}

/// [`eventually`], answering what `check` found.
pub async fn eventually_some<T, F, Fut>(what: &str, check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    eventually_within(EVENTUALLY, what, check).await
}

/// [`eventually_some`] with its own bound, for waits known to be long (work paced by Zoom's per-second limits).
pub async fn eventually_within<T, F, Fut>(limit: std::time::Duration, what: &str, check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    match checked_until(limit, check).await {
        Some(found) => found,
        None => panic!("{what}: still not the case after {limit:?}"),
    }
}

/// Checks every 50 ms until `check` finds something, for at most `limit`; `None` if it never did (the caller says
/// what failed, and may save evidence first).
pub async fn checked_until<T, F, Fut>(limit: std::time::Duration, mut check: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        if let Some(found) = check().await {
            return Some(found);
        }
        if tokio::time::Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// The body of Zoom's `app_deauthorized` webhook for `zoom_user_id` (as the sandbox and Zoom send it).
pub fn deauthorization_webhook_body(zoom_user_id: &str) -> String {
    json!({
        "event": "app_deauthorized",
        "event_ts": chrono::Utc::now().timestamp_millis(),
        "payload": { "account_id": "acc", "user_id": zoom_user_id, "signature": "x",
                     "deauthorization_time": "2026-11-23T10:00:00.000Z", "client_id": "bb-demo-client-id",
                     "user_data_retention": "false" }
    })
    .to_string()
}

pub fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .expect("a Location header")
        .to_str()
        .unwrap()
        .to_string()
}

pub fn between(haystack: &str, start: &str, end: &str) -> String {
    let from = haystack.find(start).unwrap_or_else(|| panic!("{start:?} not found")) + start.len();
    let to = haystack[from..].find(end).unwrap() + from;
    haystack[from..to].to_string()
}
