//! `scripts/bench` runs this (`cargo bench -p server --bench spa`): what the SPA costs a practitioner, each figure beside
//! its baseline from the same run. The floor is a bare Leptos 0.8 app with leptos_router, gloo-net and chrono
//! (`benches/floor`), built by `scripts/bench` with the SPA's profile just before. Prints one table, checks the
//! budgets of issue 10 (exits 1 when one is missed) and writes `docs/PERFORMANCE.md`.
//!
//! Needs the SPA built (`trunk build --release` → `dist/`) and the floor built into `target/bench/floor-dist`
//! (`BB_FLOOR_DIST`), both precompressed by `scripts/precompress.mjs`.

#[path = "../tests/support/browser.rs"]
mod browser;
#[path = "../tests/support/app.rs"]
mod support;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use api::sessions::SessionInput;
use browser::Browser;
use chrono::{Datelike, NaiveDate, Utc};
use serde_json::{json, Value};
use support::*;

const RUNS: usize = 7;

/// One row of the table: what, the SPA's figure, the floor's (or baseline's), and the budget on their ratio.
struct Row {
    what: String,
    value: f64,
    unit: &'static str,
    baseline: Option<f64>,
    budget: Option<f64>,
}

impl Row {
    fn ratio(&self) -> Option<f64> {
        self.baseline.filter(|b| *b > 0.0).map(|b| self.value / b)
    }
    fn missed(&self) -> bool {
        matches!((self.ratio(), self.budget), (Some(r), Some(b)) if r > b)
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The built wasm, its JS glue and their precompressed copies in `dist`.
fn sizes(dist: &Path) -> (f64, f64, f64, f64) {
    let find = |suffix: &str| {
        std::fs::read_dir(dist)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .find(|p| p.to_string_lossy().ends_with(suffix))
            .unwrap_or_else(|| panic!("no *{suffix} in {}", dist.display()))
    };
    let len = |p: PathBuf| std::fs::metadata(&p).unwrap().len() as f64 / 1024.0;
    (
        len(find("_bg.wasm")),
        len(find("_bg.wasm.gz")),
        len(find("_bg.wasm.br")),
        len(std::fs::read_dir(dist)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            // The app's JS glue: not embed.js, not the split-off code's loader (`__wasm_split-*.js`).
            .find(|p| {
                let name = p.file_name().unwrap().to_string_lossy();
                p.extension().is_some_and(|x| x == "js") && !name.contains("embed") && !name.starts_with("__")
            })
            .unwrap()),
    )
}

/// The code split off the main wasm (scripts/split-wasm.mjs's `wasm-split.json`), fetched by the pages that need
/// it: how many parts, all of their files together (raw and gzip), and the calendar's part alone (gzip), in KB.
/// Zero without a split.
fn split_sizes(dist: &Path) -> (usize, f64, f64, f64) {
    let Some(split) = browser::read_split_code(dist) else {
        return (0, 0.0, 0.0, 0.0);
    };
    let names: Vec<&str> = split.keys().map(String::as_str).collect();
    let len = |name: String| std::fs::metadata(dist.join(name)).unwrap().len() as f64 / 1024.0;
    let files = browser::split_files(&split, &names);
    let raw = files.iter().map(|f| len(f.clone())).sum();
    let gz = files.iter().map(|f| len(format!("{f}.gz"))).sum();
    let calendar = browser::split_files(&split, &[api::pages::CALENDAR_CODE])
        .iter()
        .map(|f| len(format!("{f}.gz")))
        .sum();
    (split.len(), raw, gz, calendar)
}

/// Bytes over the wire for a first visit (the page and everything it loads, `Accept-Encoding: br`) and a repeat visit
/// (what the cache headers make the browser ask again), from the server itself.
async fn wire_bytes(base: &str) -> (f64, usize, f64, usize) {
    let client = reqwest::Client::new();
    let get = |path: String, validators: Option<(String, String)>| {
        let client = client.clone();
        async move {
            let mut request = client.get(format!("{base}{path}")).header("accept-encoding", "br");
            if let Some((name, value)) = validators {
                request = request.header(name, value);
            }
            let r = request.send().await.unwrap();
            let status = r.status().as_u16();
            let headers = r.headers().clone();
            let body = r.bytes().await.unwrap();
            (status, headers, body)
        }
    };
    let (_, page_headers, page) = get("/".into(), None).await;
    // The page's asset links, read from an uncompressed copy (what travels is brotli).
    let html = client
        .get(format!("{base}/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut assets: Vec<String> = Vec::new();
    // The split-off code the server has the browser fetch with the page (`/` goes on to the calendar).
    for link in page_headers.get_all("link") {
        for part in link.to_str().unwrap().split(", ") {
            let url = part.trim_start_matches('<').split('>').next().unwrap_or_default();
            if url.starts_with('/') && !url.starts_with("/api/") {
                assets.push(url.to_string());
            }
        }
    }
    for attr in ["href=\"", "src=\"", "from '", "init('"] {
        for part in html.split(attr).skip(1) {
            let url = part.split(['"', '\'']).next().unwrap_or_default();
            if url.starts_with('/') && !url.starts_with("//") && !assets.contains(&url.to_string()) {
                assets.push(url.to_string());
            }
        }
    }
    let (mut first, mut repeat) = (page.len(), 0usize);
    let mut repeat_requests = 0;
    let validator = |headers: &reqwest::header::HeaderMap| {
        headers
            .get("etag")
            .map(|v| ("if-none-match".to_string(), v.to_str().unwrap().to_string()))
            .or_else(|| {
                headers
                    .get("last-modified")
                    .map(|v| ("if-modified-since".to_string(), v.to_str().unwrap().to_string()))
            })
    };
    // The page itself is `no-cache`: a repeat visit revalidates it.
    let (_, _, again) = get("/".into(), validator(&page_headers)).await;
    repeat += again.len();
    repeat_requests += 1;
    for asset in &assets {
        let (status, headers, body) = get(asset.clone(), None).await;
        if status != 200 {
            continue;
        }
        first += body.len();
        let cache = headers
            .get("cache-control")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        if !cache.contains("immutable") {
            let (_, _, again) = get(asset.clone(), validator(&headers)).await;
            repeat += again.len();
            repeat_requests += 1;
        }
    }
    (
        first as f64 / 1024.0,
        assets.len() + 1,
        repeat as f64 / 1024.0,
        repeat_requests,
    )
}

/// Records, in every page the tab opens from now on, when each of `conditions` (CSS selectors joined by ` && `,
/// each element shown, not only in the document) first holds, in ms since the navigation started.
async fn watch(browser: &Browser, conditions: &[&str]) {
    let script = format!(
        r#"(() => {{
            const conditions = {};
            window.__bbReady = {{}};
            // In the document and not inside a page the console still keeps out of sight (`data-pending`); no
            // layout is forced, so watching does not slow the page down.
            const shown = s => {{ const e = document.querySelector(s); return e && !e.closest('[data-pending]'); }};
            const check = () => {{
              for (const c of conditions) {{
                if (!(c in window.__bbReady) && c.split(' && ').every(shown)) {{
                  window.__bbReady[c] = performance.now();
                }}
              }}
            }};
            new MutationObserver(check).observe(document, {{ subtree: true, childList: true, attributes: true }});
          }})();"#,
        json!(conditions)
    );
    browser.on_new_document(&script).await;
}

/// Median of `runs` warm navigations to each page until its condition holds (one unmeasured navigation to each
/// first), the pages taken in turn so that a machine getting slower or faster during the runs moves every page's
/// figure alike and leaves their ratios alone.
async fn ready_ms(browser: &Browser, pages: &[(&str, &str)], runs: usize) -> Vec<f64> {
    let mut times = vec![Vec::new(); pages.len()];
    for run in 0..=runs {
        for ((url, condition), times) in pages.iter().zip(&mut times) {
            browser.goto("about:blank").await;
            browser.goto(url).await;
            let ms = wait_until_ready(browser, condition)
                .await
                .unwrap_or_else(|| panic!("{condition} never held at {url}"));
            if run > 0 {
                times.push(ms);
            }
        }
    }
    times.into_iter().map(median).collect()
}

/// Where one more warm navigation to `url` spends its time: each request the page makes (start → end, ms since the
/// navigation started) and when `condition` held, printed so a slow ready can be traced to a request or to the wasm.
async fn waterfall(browser: &Browser, url: &str, condition: &str) {
    browser.goto("about:blank").await;
    browser.goto(url).await;
    let ready = wait_until_ready(browser, condition).await;
    let entries = browser
        .client
        .execute(
            "const nav = performance.getEntriesByType('navigation')[0];
             return [['document', 0, nav.responseEnd], ['DOMContentLoaded', nav.domContentLoadedEventStart, nav.domContentLoadedEventEnd]]
               .concat(performance.getEntriesByType('resource').map(e => [new URL(e.name).pathname + new URL(e.name).search.slice(0, 140) + ' ' + e.initiatorType + ' ' + Math.round(e.decodedBodySize / 1024) + ' KB', e.startTime, e.responseEnd]))
               .concat(performance.getEntriesByType('mark').map(e => ['mark ' + e.name, e.startTime, e.startTime]))
               .sort((a, b) => a[1] - b[1]);",
            vec![],
        )
        .await
        .unwrap();
    println!("waterfall of {url} (ms since navigation start)");
    for entry in entries.as_array().into_iter().flatten() {
        let name = entry[0].as_str().unwrap_or_default();
        let name = if name.len() > 200 { &name[..200] } else { name };
        println!(
            "  {name:<50} {:>8.1} → {:>8.1}",
            entry[1].as_f64().unwrap_or(0.0),
            entry[2].as_f64().unwrap_or(0.0)
        );
    }
    println!("  {:<50} {:>8.1}", "ready", ready.unwrap_or(f64::NAN));
    let elements = browser
        .client
        .execute("return document.getElementsByTagName('*').length;", vec![])
        .await
        .unwrap();
    println!("  elements in the document: {elements}");
    if std::env::var_os("BB_PROFILE").is_some() {
        let parts = browser
            .client
            .execute(
                "const out = []; const walk = (e, depth) => { for (const c of e.children) { const n = c.getElementsByTagName('*').length + 1; if (n >= 8) { out.push('  '.repeat(depth) + c.tagName.toLowerCase() + (c.dataset.testid ? '[' + c.dataset.testid + ']' : '') + (c.className && typeof c.className === 'string' ? '.' + c.className.split(' ').filter(x => !x.startsWith('ZoomPage') && x).join('.') : '') + ' ' + n); if (depth < 5) walk(c, depth + 1); } } }; walk(document.body, 0); return out.join('\\n');",
                vec![],
            )
            .await
            .unwrap();
        println!("{}", parts.as_str().unwrap_or_default());
    }
}

/// When (ms since the navigation started) the watched `condition` first held in the current page, waiting up to
/// 10 s for it.
async fn wait_until_ready(browser: &Browser, condition: &str) -> Option<f64> {
    for _ in 0..400 {
        let seen = browser
            .client
            .execute(
                "return window.__bbReady && window.__bbReady[arguments[0]];",
                vec![json!(condition)],
            )
            .await
            .unwrap();
        if let Some(ms) = seen.as_f64() {
            return Some(ms);
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    None
}

/// ChromeDriver's performance log: the trace events since it was last read (the browser must be started tracing).
#[derive(Debug)]
struct PerformanceLog;

impl fantoccini::wd::WebDriverCompatibleCommand for PerformanceLog {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (axum::http::Method, Option<String>) {
        (
            axum::http::Method::POST,
            Some(json!({ "type": "performance" }).to_string()),
        )
    }
}

/// The trace events ChromeDriver logged since the last call.
async fn trace_events(browser: &Browser) -> Vec<Value> {
    let log = browser.client.issue_cmd(PerformanceLog).await.unwrap();
    log.as_array()
        .into_iter()
        .flatten()
        .filter_map(|entry| serde_json::from_str::<Value>(entry["message"].as_str()?).ok())
        .filter(|m| m["message"]["method"] == "Tracing.dataCollected")
        .map(|m| m["message"]["params"].clone())
        .collect()
}

/// With `BB_PROFILE=1`: one more warm navigation to `url` (from a page of the same site, so the renderer stays)
/// with Chrome's sampling profiler, its Performance metrics and its trace, printed as the main thread's time, the
/// wasm functions V8 compiled on first call, and the functions with the most time of their own until `condition`
/// held. The tracing browser perturbs the ready figures of that run: use it to look, not to measure.
async fn profile(browser: &Browser, from: &str, url: &str, condition: &str) {
    if std::env::var_os("BB_PROFILE").is_none() {
        return;
    }
    browser.goto(from).await;
    trace_events(browser).await;
    let cdp = |cmd, params| browser.cdp(cmd, params);
    cdp("Profiler.enable", json!({})).await;
    cdp("Profiler.setSamplingInterval", json!({ "interval": 100 })).await;
    cdp("Profiler.start", json!({})).await;
    cdp("Performance.enable", json!({ "timeDomain": "threadTicks" })).await;
    browser.goto(url).await;
    wait_until_ready(browser, condition).await;
    let metrics = cdp("Performance.getMetrics", json!({})).await;
    cdp("Performance.disable", json!({})).await;
    let metric = |name: &str| {
        metrics["metrics"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|m| m["name"] == name)
            .and_then(|m| m["value"].as_f64())
            .unwrap_or(f64::NAN)
    };
    println!(
        "main thread of {url}: tasks {:.1} ms, script {:.1} ms, V8 compile {:.1} ms, style {:.1} ms, layout {:.1} ms, {} nodes",
        metric("TaskDuration") * 1000.0,
        metric("ScriptDuration") * 1000.0,
        metric("V8CompileDuration") * 1000.0,
        metric("RecalcStyleDuration") * 1000.0,
        metric("LayoutDuration") * 1000.0,
        metric("Nodes"),
    );
    let answer = cdp("Profiler.stop", json!({})).await;
    let profile = &answer["profile"];
    if let Some(dump) = std::env::var_os("BB_TRACE_DUMP") {
        let path = std::path::Path::new(&dump).join(format!("profile-{}.json", url.len()));
        std::fs::write(path, profile.to_string()).unwrap();
    }
    let (start, end) = (
        profile["startTime"].as_f64().unwrap_or(0.0),
        profile["endTime"].as_f64().unwrap_or(0.0),
    );
    let samples = profile["samples"].as_array().map_or(0, Vec::len).max(1) as f64;
    let per_sample_ms = (end - start) / 1000.0 / samples;
    let mut own: std::collections::HashMap<String, f64> = std::collections::HashMap::new();
    for node in profile["nodes"].as_array().into_iter().flatten() {
        let frame = &node["callFrame"];
        let name = frame["functionName"].as_str().unwrap_or_default();
        let file = frame["url"]
            .as_str()
            .unwrap_or_default()
            .rsplit('/')
            .next()
            .unwrap_or_default();
        let key = format!("{} [{}]", if name.is_empty() { "(anonymous)" } else { name }, file);
        *own.entry(key).or_default() += node["hitCount"].as_f64().unwrap_or(0.0) * per_sample_ms;
    }
    let mut own: Vec<_> = own.into_iter().collect();
    own.sort_by(|a, b| b.1.partial_cmp(&a.1).unwrap());
    println!("profile of {url}: {:.1} ms sampled", (end - start) / 1000.0);
    for (name, ms) in own.iter().take(40) {
        let name: String = name.chars().take(110).collect();
        println!("  {ms:>7.1} ms  {name}");
    }
    // The trace of one more navigation, from a blank tab like the ready runs (a new renderer, so nothing of the
    // wasm is compiled yet); leaving the page makes Chrome hand over the rest of its trace.
    browser.goto("about:blank").await;
    trace_events(browser).await;
    browser.goto(url).await;
    wait_until_ready(browser, condition).await;
    browser.goto("about:blank").await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let events = trace_events(browser).await;
    let total = |prefix: &str| {
        events
            .iter()
            .filter(|e| e["ph"] == "X" && e["name"].as_str().is_some_and(|n| n.starts_with(prefix)))
            .fold((0usize, 0.0), |(n, ms), e| {
                (n + 1, ms + e["dur"].as_f64().unwrap_or(0.0) / 1000.0)
            })
    };
    let (compiled, compile_ms) = total("wasm.CompileLazy");
    let (_, layout_ms) = total("Layout");
    let (_, gc_ms) = total("V8.GC");
    println!(
        "trace of {url}: {compiled} wasm functions compiled on first call ({compile_ms:.1} ms), layout {layout_ms:.1} ms, GC {gc_ms:.1} ms"
    );
    if let Some(dump) = std::env::var_os("BB_TRACE_DUMP") {
        let path = std::path::Path::new(&dump).join(format!("trace-{}.json", events.len()));
        std::fs::write(path, serde_json::to_string(&events).unwrap()).unwrap();
    }
    timeline(&events, url);
}

/// The trace's main-thread time in 10 ms slices since the navigation started: what ran (script, wasm compiled on
/// first call, style and layout, network answers arriving), so a late ready shows which slice to look at.
fn timeline(events: &[Value], url: &str) {
    // The page's navigation, on the renderer's main thread.
    let Some((start, main)) = events
        .iter()
        .find(|e| e["name"] == "navigationStart" && e["args"]["data"]["documentLoaderURL"] == url)
        .and_then(|e| Some((e["ts"].as_f64()?, e["tid"].as_u64())))
    else {
        return;
    };
    let mut slices: std::collections::BTreeMap<i64, [f64; 5]> = Default::default();
    for e in events {
        let (Some(ts), name) = (e["ts"].as_f64(), e["name"].as_str().unwrap_or_default()) else {
            continue;
        };
        let dur = e["dur"].as_f64().unwrap_or(0.0) / 1000.0;
        let column = match name {
            "FunctionCall" | "EvaluateScript" | "v8.callFunction" => 0,
            n if n.starts_with("wasm.CompileLazy") => 1,
            "UpdateLayoutTree" | "Layout" => 2,
            "ResourceReceiveResponse" | "ResourceFinish" => 3,
            n if n.starts_with("V8.GC") || n == "MinorGC" || n == "MajorGC" => 4,
            _ => continue,
        };
        if column != 3 && e["tid"].as_u64() != main {
            continue;
        }
        if ts < start {
            continue;
        }
        let slot = ((ts - start) / 1000.0 / 10.0).floor() as i64;
        let cell = &mut slices.entry(slot).or_default()[column];
        *cell += if column == 3 { 1.0 } else { dur };
    }
    println!("  since navigation   script   compile   style+layout   answers   GC");
    for (slot, [script, compile, layout, answers, gc]) in slices {
        println!(
            "  {:>5}–{:<5} ms   {script:>6.1}   {compile:>7.1}   {layout:>12.1}   {answers:>7.0}   {gc:>4.1}",
            slot * 10,
            slot * 10 + 10
        );
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.partial_cmp(b).unwrap());
    values[values.len() / 2]
}

/// How long the sandbox took for the last call of `method` to a path starting with `path`.
async fn last_call_ms(app: &TestApp, method: &str, path: &str) -> f64 {
    let log = app.sandbox_get("/calls").await;
    log["calls"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|c| c["method"] == method && c["path"].as_str().unwrap_or_default().starts_with(path))
        .and_then(|c| c["duration_ms"].as_f64())
        .unwrap_or_else(|| panic!("no {method} {path} in the sandbox's call log"))
}

fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Zoom meeting calls the sandbox saw since the last count.
async fn zoom_calls(app: &TestApp) -> usize {
    let log = app.sandbox_get("/calls").await;
    let n = log["calls"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["path"].as_str().unwrap_or_default().starts_with("/v2/"))
        .count();
    reqwest::Client::new()
        .delete(format!("{}/_sandbox/calls", app.sandbox))
        .send()
        .await
        .unwrap();
    n
}

fn input(client: &str, start_local: chrono::NaiveDateTime) -> SessionInput {
    SessionInput {
        client_name: client.into(),
        start_local,
        time_zone: "UTC".into(),
        duration_minutes: 25,
        private_notes: String::new(),
        client_name_in_zoom_topic: false,
    }
}

#[tokio::main]
async fn main() {
    let dist = browser::dist_dir();
    let floor_dist = std::env::var_os("BB_FLOOR_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/bench/floor-dist"));
    assert!(
        floor_dist.join("index.html").exists(),
        "build the floor first (scripts/bench)"
    );
    let mut rows: Vec<Row> = Vec::new();
    let row = |what: &str, value: f64, unit: &'static str, baseline: Option<f64>, budget: Option<f64>| Row {
        what: what.into(),
        value,
        unit,
        baseline,
        budget,
    };

    // ---- bytes ----
    let (raw, gz, br, js) = sizes(&dist);
    let (f_raw, f_gz, f_br, f_js) = sizes(&floor_dist);
    rows.push(row("wasm every page loads, raw", raw, "KB", Some(f_raw), None));
    rows.push(row("wasm every page loads, gzip", gz, "KB", Some(f_gz), Some(2.0)));
    rows.push(row("wasm every page loads, brotli", br, "KB", Some(f_br), None));
    rows.push(row("JS glue, raw", js, "KB", Some(f_js), None));
    let (parts, split_raw, split_gz, calendar_gz) = split_sizes(&dist);
    rows.push(row(
        &format!("split-off code, {parts} parts fetched on first use, raw"),
        split_raw,
        "KB",
        None,
        None,
    ));
    rows.push(row("split-off code, gzip", split_gz, "KB", None, None));
    // The landing page: `/` goes on to the calendar, whose part comes with it.
    rows.push(row(
        "wasm the calendar loads (every page's + its part), gzip",
        gz + calendar_gz,
        "KB",
        Some(f_gz),
        None,
    ));

    let app = spawn_app_serving(Some(dist.clone())).await;
    let idle_rss = rss_mb();
    let floor_server = {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let files = tower_http::services::ServeDir::new(&floor_dist)
            .precompressed_br()
            .precompressed_gzip();
        let router = axum::Router::new().fallback_service(files);
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        base
    };
    let (first, first_requests, repeat, repeat_requests) = wire_bytes(&app.base).await;
    let (f_first, _, f_repeat, _) = wire_bytes(&floor_server).await;
    rows.push(row(
        &format!("first visit over the wire ({first_requests} requests, br)"),
        first,
        "KB",
        Some(f_first),
        None,
    ));
    rows.push(row(
        &format!("repeat visit over the wire ({repeat_requests} revalidations)"),
        repeat,
        "KB",
        Some(f_repeat),
        None,
    ));

    // `BB_BENCH_ONLY=zoom` (or `week`): the floor and that page only, printed and not written (a quick look while
    // working).
    let only = std::env::var("BB_BENCH_ONLY").ok();
    let only_zoom = only.as_deref() == Some("zoom");
    // ---- data: 1,000 sessions next month (about 250 a week), then Zoom connected ----
    app.sign_in(SOLO).await;
    let today = Utc::now().date_naive();
    let month = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap() + chrono::Months::new(1);
    for i in 0..if only_zoom { 0 } else { 1000u32 } {
        let day = month + chrono::Days::new((i % 28) as u64);
        let start = day.and_hms_opt(7 + (i / 28 % 14), (i % 2) * 30, 0).unwrap();
        let r = app
            .send(
                reqwest::Method::POST,
                api::paths::SESSIONS,
                Some(&input("Client", start)),
            )
            .await;
        assert_eq!(r.status(), 201);
    }
    let mut monday = month + chrono::Days::new(7);
    while monday.weekday() != chrono::Weekday::Mon {
        monday = monday.pred_opt().unwrap();
    }
    let week_sessions = (0..1000u32)
        .filter(|i| {
            let d = month + chrono::Days::new((i % 28) as u64);
            d >= monday && d < monday + chrono::Days::new(7)
        })
        .count();
    app.connect_as(LICENSED).await;

    // ---- ready times in headless Chromium ----
    let browser = Browser::start_with(std::env::var_os("BB_PROFILE").is_some()).await;
    let zoom_ready = "[data-testid='zoom-state'][data-state='connected']";
    let calendar_ready = "[data-testid='calendar-state'][data-state='ready'] && [data-testid='session-block']";
    watch(&browser, &["#floor-ready", zoom_ready, calendar_ready]).await;
    browser.goto(&app.url("/signin")).await;
    browser.click_button_with_text("Dr. Maya Rivera").await;
    browser.wait_for("[data-testid='current-user']").await;
    let floor_url = format!("{floor_server}/");
    let zoom_url = app.url("/console/video-accounts/zoom");
    let week_url = app.url(&format!("/console/calendar?view=week&date={monday}"));
    let month_url = app.url(&format!("/console/calendar?view=month&date={month}"));
    let mut pages = vec![(floor_url.as_str(), "#floor-ready"), (zoom_url.as_str(), zoom_ready)];
    if only.as_deref() == Some("week") {
        pages[1] = (week_url.as_str(), calendar_ready);
    } else if only.is_none() {
        pages.extend([
            (week_url.as_str(), calendar_ready),
            (month_url.as_str(), calendar_ready),
        ]);
    }
    let runs = std::env::var("BB_BENCH_RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(RUNS);
    let ready = ready_ms(&browser, &pages, runs).await;
    for (url, condition) in &pages {
        waterfall(&browser, url, condition).await;
    }
    profile(&browser, &floor_url, &floor_url, "#floor-ready").await;
    let calendar_sync = app.url("/console/calendar-sync");
    // The Zoom page, or with BB_BENCH_ONLY the page chosen.
    let (url, condition) = pages[1];
    profile(&browser, &calendar_sync, url, condition).await;
    let (floor, zoom) = (ready[0], ready[1]);
    if let Some(page) = only {
        browser.close().await;
        println!(
            "ready (median of {runs}): bare app {floor:.1} ms, {page} {zoom:.1} ms ({:.2}×)",
            zoom / floor
        );
        return;
    }
    profile(&browser, &calendar_sync, &week_url, calendar_ready).await;
    let (week, month_ready) = (ready[2], ready[3]);
    browser.close().await;
    rows.push(row(
        &format!("ready, bare app (median of {RUNS})"),
        floor,
        "ms",
        None,
        None,
    ));
    rows.push(row("ready, Zoom page", zoom, "ms", Some(floor), Some(1.5)));
    rows.push(row(
        &format!("ready, calendar week ({week_sessions} sessions)"),
        week,
        "ms",
        Some(floor),
        Some(2.5),
    ));
    rows.push(row(
        "ready, calendar month (1,000 sessions)",
        month_ready,
        "ms",
        Some(floor),
        None,
    ));

    // ---- the server's time over Zoom's own (the sandbox's logged duration of the same call) ----
    let (mut create, mut create_zoom, mut start, mut start_zoom) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for k in 0..RUNS {
        zoom_calls(&app).await;
        let at = (today + chrono::Days::new(12)).and_hms_opt(8 + k as u32, 0, 0).unwrap();
        let began = std::time::Instant::now();
        let r = app
            .send(reqwest::Method::POST, api::paths::SESSIONS, Some(&input("Bo", at)))
            .await;
        create.push(began.elapsed().as_secs_f64() * 1000.0);
        let made: api::sessions::Session = r.json().await.unwrap();
        create_zoom.push(last_call_ms(&app, "POST", "/v2/users/me/meetings").await);
        let began = std::time::Instant::now();
        app.send(reqwest::Method::POST, &api::paths::session_start(made.id), None::<&()>)
            .await;
        start.push(began.elapsed().as_secs_f64() * 1000.0);
        start_zoom.push(last_call_ms(&app, "GET", "/v2/meetings/").await);
    }
    rows.push(row(
        &format!("create with Zoom, server total vs Zoom's time (median of {RUNS})"),
        median(create),
        "ms",
        Some(median(create_zoom)),
        None,
    ));
    rows.push(row(
        "Start, server total vs Zoom's time",
        median(start),
        "ms",
        Some(median(start_zoom)),
        None,
    ));

    // ---- Zoom calls per action ----
    zoom_calls(&app).await;
    let start = (today + chrono::Days::new(10)).and_hms_opt(9, 0, 0).unwrap();
    let r = app
        .send(reqwest::Method::POST, api::paths::SESSIONS, Some(&input("Ana", start)))
        .await;
    let created: api::sessions::Session = r.json().await.unwrap();
    let create = zoom_calls(&app).await;
    let moved = start + chrono::Duration::hours(2);
    app.send(
        reqwest::Method::PUT,
        &api::paths::session(created.id),
        Some(&input("Ana", moved)),
    )
    .await;
    app.settle().await;
    let reschedule = zoom_calls(&app).await;
    app.send(
        reqwest::Method::POST,
        &api::paths::session_start(created.id),
        None::<&()>,
    )
    .await;
    let start_calls = zoom_calls(&app).await;
    app.get_json::<serde_json::Value>(api::paths::ZOOM_STATUS).await;
    let page_view = zoom_calls(&app).await;
    app.send(reqwest::Method::DELETE, &api::paths::session(created.id), None::<&()>)
        .await;
    app.settle().await;
    let cancel = zoom_calls(&app).await;
    for (what, n) in [
        ("Zoom calls: create", create),
        ("Zoom calls: reschedule", reschedule),
        ("Zoom calls: cancel", cancel),
        ("Zoom calls: Start", start_calls),
        ("Zoom calls: Zoom page view", page_view),
    ] {
        rows.push(row(what, n as f64, "calls", None, None));
    }
    rows.push(row(
        "process RSS at idle (server + sandbox)",
        idle_rss,
        "MB",
        None,
        None,
    ));
    rows.push(row("process RSS after the load", rss_mb(), "MB", None, None));

    // ---- the table ----
    let mut table = String::new();
    writeln!(table, "| | BetterBeing | floor / baseline | ratio | budget |").unwrap();
    writeln!(table, "|---|---:|---:|---:|---|").unwrap();
    for r in &rows {
        let fmt = |v: f64| match r.unit {
            "calls" => format!("{v:.0}"),
            _ => format!("{v:.1} {}", r.unit),
        };
        writeln!(
            table,
            "| {} | {} | {} | {} | {} |",
            r.what,
            fmt(r.value),
            r.baseline.map(fmt).unwrap_or_default(),
            r.ratio().map(|x| format!("{x:.2}×")).unwrap_or_default(),
            r.budget
                .map(|b| format!("≤ {b}× {}", if r.missed() { "**missed**" } else { "held" }))
                .unwrap_or_default()
        )
        .unwrap();
    }
    println!("\n{table}");
    let missed: Vec<&str> = rows.iter().filter(|r| r.missed()).map(|r| r.what.as_str()).collect();
    let out = std::env::var("BB_BENCH_TABLE")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root().join("target/bench/spa-table.md"));
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    std::fs::write(&out, &table).unwrap();
    if missed.is_empty() {
        println!("every budget held");
    } else {
        println!("budgets missed: {}", missed.join("; "));
        std::process::exit(1);
    }
}
