//! A real headless Chromium driven through ChromeDriver (WebDriver), one per test.

#![allow(dead_code)]

use std::net::TcpListener as StdListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

pub const WAIT: Duration = Duration::from_secs(20);

pub struct Browser {
    pub client: Client,
    driver: Child,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// The SPA built by Trunk (`dist/` at the workspace root, or `BB_DIST_DIR`).
pub fn dist_dir() -> PathBuf {
    let dir = std::env::var_os("BB_DIST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../dist"));
    assert!(
        dir.join("index.html").exists(),
        "the SPA is not built at {}: run scripts/test (it runs `trunk build --release` first)",
        dir.display()
    );
    dir
}

/// Each split-off part of the SPA's code and its files, from the `wasm-split.json` (scripts/split-wasm.mjs) of the
/// build in `dist`; `None` for a build without one.
#[allow(dead_code)] // not every user of this module needs it
pub fn read_split_code(dist: &std::path::Path) -> Option<std::collections::HashMap<String, Vec<String>>> {
    let json = std::fs::read_to_string(dist.join("wasm-split.json")).ok()?;
    Some(serde_json::from_str(&json).unwrap())
}

/// The split-off parts of the SPA built in [`dist_dir`].
#[allow(dead_code)] // not every user of this module needs it
pub fn split_code() -> std::collections::HashMap<String, Vec<String>> {
    read_split_code(&dist_dir()).expect("the build's wasm-split.json")
}

/// The files of `parts` (names in [`split_code`]), each once, in the order the parts list them.
#[allow(dead_code)] // not every user of this module needs it
pub fn split_files(split: &std::collections::HashMap<String, Vec<String>>, parts: &[&str]) -> Vec<String> {
    let mut files: Vec<String> = Vec::new();
    for file in parts.iter().flat_map(|part| &split[*part]) {
        if !files.contains(file) {
            files.push(file.clone());
        }
    }
    files
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Browser {
    pub async fn start() -> Browser {
        Browser::start_with(false).await
    }

    /// With `trace`, ChromeDriver also keeps Chrome's trace events (V8's lazy wasm compiles, layout, GC) in its
    /// performance log, for the bench's `BB_PROFILE` diagnosis.
    pub async fn start_with(trace: bool) -> Browser {
        let port = free_port();
        let driver = Command::new(std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into()))
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver is installed (scripts/setup)");
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync",
                         "--no-first-run", "--window-size=1280,900"]
            }),
        );
        if trace {
            caps.insert("goog:loggingPrefs".into(), json!({ "performance": "ALL" }));
            caps["goog:chromeOptions"]["perfLoggingPrefs"] =
                json!({ "traceCategories": "v8.wasm,devtools.timeline,blink.user_timing" });
        }
        let url = format!("http://127.0.0.1:{port}");
        let mut last_error = None;
        for _ in 0..100 {
            match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(client) => return Browser { client, driver },
                Err(e) => {
                    last_error = Some(e);
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
        panic!("could not start a Chromium session: {last_error:?}");
    }

    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.unwrap();
    }

    /// The first element matching `css` that is not inside a page still waiting to be shown (the console loads a
    /// page beside the question of who is signed in and keeps it `data-pending` and out of sight until the answer).
    pub async fn wait_for(&self, css: &str) -> Element {
        let shown = format!(":is({css}):not([data-pending] *)");
        match self.client.wait().at_most(WAIT).for_element(Locator::Css(&shown)).await {
            Ok(element) => element,
            Err(e) => {
                let shot = self.save_failure_evidence().await;
                panic!("{css} did not appear: {e} (page saved to {shot})")
            }
        }
    }

    /// Screenshot and HTML of the current page under target/browser-failures, for a failing test's reader.
    /// Waits (bounded by [`crate::support::EVENTUALLY`]) until `check` holds for the page; if it never does, saves
    /// the page as failure evidence and fails the test.
    pub async fn eventually<F, Fut>(&self, what: &str, mut check: F)
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        let found = crate::support::checked_until(crate::support::EVENTUALLY, || {
            let done = check();
            async move { done.await.then_some(()) }
        })
        .await;
        if found.is_none() {
            let shot = self.save_failure_evidence().await;
            panic!("{what}: still not the case (page saved to {shot})");
        }
    }

    pub async fn save_failure_evidence(&self) -> String {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/browser-failures");
        let _ = std::fs::create_dir_all(&dir);
        let stem = dir.join(format!("{}", std::process::id() as u64 * 1000 + rand_suffix()));
        if let Ok(png) = self.client.screenshot().await {
            let _ = std::fs::write(stem.with_extension("png"), png);
        }
        if let Ok(html) = self.client.source().await {
            let url = self
                .client
                .current_url()
                .await
                .map(|u| u.to_string())
                .unwrap_or_default();
            let _ = std::fs::write(stem.with_extension("html"), format!("<!-- {url} -->\n{html}"));
        }
        stem.display().to_string()
    }

    /// With `BB_SCREENSHOTS=1`, saves the page as target/screenshots/<name>.png (to look at a journey, or to
    /// refresh the README's pictures); otherwise does nothing.
    pub async fn screenshot_if_asked(&self, name: &str) {
        if std::env::var("BB_SCREENSHOTS").as_deref() != Ok("1") {
            return;
        }
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
        let _ = std::fs::create_dir_all(&dir);
        if let Ok(png) = self.client.screenshot().await {
            let _ = std::fs::write(dir.join(format!("{name}.png")), png);
        }
    }

    /// Clicks; an element replaced by a re-render between finding and clicking is found again.
    pub async fn click(&self, css: &str) {
        for _ in 0..20 {
            match self.wait_for(css).await.click().await {
                Ok(()) => return,
                Err(e) if e.to_string().contains("stale") => tokio::time::sleep(Duration::from_millis(100)).await,
                Err(e) => panic!("clicking {css}: {e}"),
            }
        }
        panic!("{css} kept going stale");
    }

    pub async fn click_button_with_text(&self, text: &str) {
        let xpath = format!("//button[contains(normalize-space(.), '{text}')][not(ancestor::*[@data-pending])]");
        let button = self
            .client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::XPath(&xpath))
            .await
            .unwrap_or_else(|e| panic!("no button {text:?}: {e}"));
        button.click().await.unwrap();
    }

    /// Waits for the Zoom page to settle in `state` (`data-state` of `[data-testid=zoom-state]`).
    pub async fn wait_for_zoom_state(&self, state: &str) -> Element {
        self.wait_for(&format!("[data-testid='zoom-state'][data-state='{state}']"))
            .await
    }

    /// The element's text; an element replaced by a re-render between finding and reading is found again.
    pub async fn text(&self, css: &str) -> String {
        for _ in 0..20 {
            if let Ok(text) = self.wait_for(css).await.text().await {
                return text;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{css} kept going stale");
    }

    pub async fn path_and_query(&self) -> String {
        let url = self.client.current_url().await.unwrap();
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        }
    }

    /// Whether an element matching `css` is on the page as shown (not inside a page still `data-pending`).
    pub async fn is_present(&self, css: &str) -> bool {
        let shown = format!(":is({css}):not([data-pending] *)");
        !self.client.find_all(Locator::Css(&shown)).await.unwrap().is_empty()
    }

    pub async fn close(self) {
        let Browser { client, .. } = &self;
        let _ = client.clone().close().await;
    }
}

/// ChromeDriver's WebDriver permissions extension (`POST /session/{id}/permissions`).
#[derive(Debug)]
struct SetPermission(&'static str);

impl fantoccini::wd::WebDriverCompatibleCommand for SetPermission {
    fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/permissions", session_id.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (axum::http::Method, Option<String>) {
        let body = json!({ "descriptor": { "name": self.0 }, "state": "granted" });
        (axum::http::Method::POST, Some(body.to_string()))
    }
}

/// ChromeDriver's bridge to the DevTools protocol (`POST /session/{id}/goog/cdp/execute`).
#[derive(Debug)]
struct Cdp(&'static str, serde_json::Value);

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/goog/cdp/execute", session_id.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (axum::http::Method, Option<String>) {
        let body = json!({ "cmd": self.0, "params": self.1 });
        (axum::http::Method::POST, Some(body.to_string()))
    }
}

/// ChromeDriver's network emulation (`POST /session/{id}/chromium/network_conditions`): offline, or online with
/// this many ms added to every request.
#[derive(Debug)]
struct NetworkConditions(bool, u64);

impl fantoccini::wd::WebDriverCompatibleCommand for NetworkConditions {
    fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/chromium/network_conditions",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (axum::http::Method, Option<String>) {
        let body = json!({ "network_conditions": {
            "offline": self.0, "latency": self.1, "download_throughput": -1, "upload_throughput": -1
        } });
        (axum::http::Method::POST, Some(body.to_string()))
    }
}

impl Browser {
    /// Clicks `css`, which opens a new tab, and switches to that tab (bounded wait).
    pub async fn click_into_new_tab(&self, css: &str) {
        let before = self.client.windows().await.unwrap();
        self.click(css).await;
        for _ in 0..100 {
            let windows = self.client.windows().await.unwrap();
            if let Some(new) = windows.into_iter().find(|w| !before.contains(w)) {
                self.client.switch_to_window(new).await.unwrap();
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("clicking {css} opened no new tab");
    }

    /// Takes the page offline (its requests fail as on a dropped connection) or back online.
    pub async fn set_offline(&self, offline: bool) {
        self.client.issue_cmd(NetworkConditions(offline, 0)).await.unwrap();
    }

    /// Makes every request from now on take `ms` longer, as on a slow connection (0: as fast as it is).
    pub async fn set_latency(&self, ms: u64) {
        self.client.issue_cmd(NetworkConditions(false, ms)).await.unwrap();
    }

    /// Records, in every document this tab opens from now on, whether an element matching `css` was ever shown
    /// (rendered, as a person would see it); read it with [`Browser::was_ever_shown`].
    pub async fn watch_shown(&self, css: &str) {
        let script = format!(
            r#"(() => {{
                const css = {css:?};
                window.__bbShown = window.__bbShown || {{}};
                window.__bbShown[css] = false;
                const check = () => {{
                  for (const e of document.querySelectorAll(css)) {{
                    if (e.checkVisibility()) window.__bbShown[css] = true;
                  }}
                }};
                new MutationObserver(check).observe(document, {{ subtree: true, childList: true, attributes: true }});
              }})();"#
        );
        self.on_new_document(&script).await;
    }

    /// Whether an element matching `css` (watched with [`Browser::watch_shown`]) was shown in this document.
    pub async fn was_ever_shown(&self, css: &str) -> bool {
        let seen = self
            .client
            .execute(
                "return !!(window.__bbShown && window.__bbShown[arguments[0]]);",
                vec![json!(css)],
            )
            .await
            .unwrap();
        seen.as_bool().unwrap_or(false)
    }

    /// Sets an input, select or textarea the way a person's typing would, firing `input` and `change`.
    pub async fn set_value(&self, css: &str, value: &str) {
        self.wait_for(css).await;
        let script = r#"
            const [selector, value] = arguments;
            const el = document.querySelector(selector);
            const proto = el instanceof HTMLSelectElement ? HTMLSelectElement.prototype
                : el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
            Object.getOwnPropertyDescriptor(proto, 'value').set.call(el, value);
            el.dispatchEvent(new Event('input', { bubbles: true }));
            el.dispatchEvent(new Event('change', { bubbles: true }));
            return el.value;
        "#;
        let set = self
            .client
            .execute(script, vec![json!(css), json!(value)])
            .await
            .unwrap();
        assert_eq!(set, json!(value), "{css} accepted {value:?}");
    }

    /// What the system clipboard holds, read the way a page with permission would.
    pub async fn clipboard_text(&self) -> String {
        self.client.issue_cmd(SetPermission("clipboard-read")).await.unwrap();
        let text = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1]; navigator.clipboard.readText().then(done, e => done('ERR ' + e));",
                vec![],
            )
            .await
            .unwrap();
        text.as_str().unwrap_or_default().to_string()
    }

    /// Runs a DevTools protocol command (`Profiler.start`, `Performance.getMetrics`, …) and answers its result.
    pub async fn cdp(&self, cmd: &'static str, params: serde_json::Value) -> serde_json::Value {
        self.client.issue_cmd(Cdp(cmd, params)).await.unwrap()
    }

    /// Runs `script` at the start of every document this tab opens from now on, before the page's own scripts.
    pub async fn on_new_document(&self, script: &str) {
        self.cdp("Page.addScriptToEvaluateOnNewDocument", json!({ "source": script }))
            .await;
    }

    pub async fn allow_clipboard_writes(&self) {
        self.client.issue_cmd(SetPermission("clipboard-write")).await.unwrap();
    }

    /// An attribute; an element replaced by a re-render between finding and reading is found again.
    pub async fn attr(&self, css: &str, name: &str) -> Option<String> {
        for _ in 0..20 {
            if let Ok(value) = self.wait_for(css).await.attr(name).await {
                return value;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{css} kept going stale");
    }
}

/// axe-core (npm, installed by scripts/setup into `.tools/axe`; `BB_AXE_JS` overrides the path).
fn axe_source() -> &'static str {
    static SOURCE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SOURCE.get_or_init(|| {
        let path = std::env::var_os("BB_AXE_JS").map(PathBuf::from).unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.tools/axe/node_modules/axe-core/axe.min.js")
        });
        std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "axe-core is not installed at {} ({e}): run scripts/setup",
                path.display()
            )
        })
    })
}

/// The WCAG levels audited: 2.0, 2.1 and 2.2, A and AA.
pub const AXE_TAGS: [&str; 6] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"];

impl Browser {
    /// Runs axe-core on the page as it is now; returns each violation as `id (impact): help — nodes`.
    pub async fn axe_violations(&self) -> Vec<String> {
        // A colour transition still running (a button that just became pressed fades over 120 ms) would be measured
        // half-way: let every running animation and transition finish first.
        self.client
            .execute_async(
                "const done = arguments[arguments.length - 1]; \
                 Promise.all(document.getAnimations().map(a => a.finished)).then(() => done(true), () => done(true));",
                vec![],
            )
            .await
            .expect("waiting for animations");
        self.client
            .execute(&format!("{}\nreturn true;", axe_source()), vec![])
            .await
            .expect("axe-core loads into the page");
        let found = self
            .client
            .execute_async(
                r#"
                const [tags, done] = arguments;
                axe.run(document, { runOnly: { type: 'tag', values: tags } })
                  .then(r => done(r.violations.map(v =>
                     `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 5).map(n => n.target.join(' ')).join(', ')}`)))
                  .catch(e => done([`axe failed: ${e}`]));
                "#,
                vec![json!(AXE_TAGS)],
            )
            .await
            .expect("axe-core runs");
        serde_json::from_value(found).unwrap_or_default()
    }

    /// Fails the test with every WCAG 2.2 AA violation axe-core finds in the page's current state.
    pub async fn assert_accessible(&self, state: &str) {
        let violations = self.axe_violations().await;
        if !violations.is_empty() {
            let shot = self.save_failure_evidence().await;
            panic!(
                "{state}: {} accessibility violation(s) (page saved to {shot}):\n{}",
                violations.len(),
                violations.join("\n")
            );
        }
    }
}
