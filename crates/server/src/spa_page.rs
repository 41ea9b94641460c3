//! The SPA's page as the server hands it out: a console page comes with the answers to the API reads it starts
//! with written into it (`api::pages::first_reads`), and with `Link: rel=preload` for the split-off code it runs at
//! once (`api::pages::first_code`).
//!
//! Why the answers ride in the page: a page used to name its reads in `Link: rel=preload` headers, and the browser
//! fetched them beside the app. That saved a trip, but each was still a request of its own, five for the Zoom page,
//! all opening connections and being answered while the browser loaded the app on the same cores. Answered here,
//! in-process through the same API router (same handlers, same checks, same JSON), they cost the server about what
//! the requests did and the browser nothing; the SPA takes each answer once, instead of fetching it
//! (`src/backend.rs`, `first_answer`).
//!
//! Such a page is personal (whose sessions, which Zoom account): it is `Cache-Control: no-store`, never compared
//! with a stored copy (no `ETag`), and compressed as it leaves. Only when the built `index.html` has the SPA call
//! this server from pages under `/` (`spa_reads_here`): embedded in a shell, the SPA's pages are the shell's.

use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::Request;
use axum::http::HeaderMap;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use axum::Router;
use tower::ServiceExt;

/// The HTML attribute each answer's `<script type="application/json">` carries: the read's URL, exactly as the
/// SPA asks for it. Its `id` is `bb-read:` and that URL, so the SPA finds it with `getElementById`.
const READ_ATTRIBUTE: &str = "data-bb-read";

/// What the server needs to hand out the SPA's pages: the built `index.html`, the split-off code's files, and the
/// API router that answers the first reads.
pub struct SpaPage {
    index_html: String,
    split_code: SplitCode,
    api: Router,
}

impl SpaPage {
    /// `None` when the built SPA does not call this server from pages under `/` (then its `index.html` is served
    /// as it is, like any file). Read once, at start.
    pub fn read(dist: &Path, api: Router) -> Option<Arc<SpaPage>> {
        let index_html = std::fs::read_to_string(dist.join("index.html")).ok()?;
        spa_reads_here(&index_html).then(|| {
            Arc::new(SpaPage {
                index_html,
                split_code: SplitCode::read(dist),
                api,
            })
        })
    }
}

/// Middleware in front of the built SPA: a `GET` of a console page that starts with reads gets the page with their
/// answers in it; any other page answered with `index.html` (and its revalidation's 304) gets the `Link` header for
/// its split-off code.
pub async fn with_first_reads(page: Arc<SpaPage>, request: Request, next: Next) -> Response {
    let (path, query) = (
        request.uri().path().to_owned(),
        request.uri().query().unwrap_or_default().to_owned(),
    );
    let reads = api::pages::first_reads(&path, &query);
    if !reads.is_empty() {
        if request.method() == Method::GET {
            return page.with_answers(&path, &reads, request).await;
        }
        if request.method() == Method::HEAD {
            return page.head(&path);
        }
    }
    let mut response = next.run(request).await;
    // A 304 (the browser revalidating its copy of `index.html`) says too: its headers replace the stored ones, so
    // a server with a changed list is heard even when the page itself did not change.
    let is_page = response.status() == StatusCode::NOT_MODIFIED
        || response.status().is_success()
            && response
                .headers()
                .get(header::CONTENT_TYPE)
                .is_some_and(|t| t.as_bytes().starts_with(b"text/html"));
    if is_page {
        if let Some(links) = page.code_links(&path) {
            response.headers_mut().insert(header::LINK, links);
        }
    }
    response
}

impl SpaPage {
    /// `index.html` with one `<script type="application/json">` per read at the end of its body. The page up to
    /// there leaves at once, so the browser starts on the app's files while the reads are answered; the answers
    /// follow in the same response, long before the app (a module script, run once the page is parsed) asks.
    async fn with_answers(&self, path: &str, reads: &[String], request: Request) -> Response {
        // Every `Cookie` header (HTTP/2 browsers may send several): who the reads are answered for.
        let cookies: Vec<HeaderValue> = request.headers().get_all(header::COOKIE).iter().cloned().collect();
        // Through the API router, side by side, as the browser would have sent them.
        let asked: Vec<Asked> = reads
            .iter()
            .map(|read| {
                let mut ask = Request::get(read.as_str()).header(header::ACCEPT, "application/json");
                for cookie in &cookies {
                    ask = ask.header(header::COOKIE, cookie.clone());
                }
                let ask = ask.body(Body::empty()).expect("a read's URL is a valid URI");
                (read.clone(), tokio::spawn(self.api.clone().oneshot(ask)))
            })
            .collect();
        // A visitor gone before the answers are (the page dropped unsent) leaves no reads running.
        let abandoned = AbortOnDrop(asked.iter().map(|(_, task)| task.abort_handle()).collect());
        let html = &self.index_html;
        let end = html.rfind("</body>").unwrap_or(html.len());
        let (head, tail) = (&html[..end], html[end..].to_owned());
        let mut encoder = Encoder::accepted_by(request.headers());
        let coding = encoder.name();
        let first = encoder.flushed(head);
        let page = path.to_owned();
        let deadline = tokio::time::Instant::now() + READS_WAIT;
        let rest = async move {
            let _abandoned = abandoned;
            let mut answers = answers_by(deadline, &page, asked).await;
            answers.push_str(&tail);
            Ok::<_, std::convert::Infallible>(encoder.finished(&answers))
        };
        use futures_util::StreamExt as _;
        let chunks = futures_util::stream::once(std::future::ready(Ok(first))).chain(futures_util::stream::once(rest));
        let mut response = self.head(path);
        *response.body_mut() = Body::from_stream(chunks);
        if let Some(coding) = coding {
            response
                .headers_mut()
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
        }
        response
    }

    /// The headers of a console page with answers (all a `HEAD` gets).
    fn head(&self, path: &str) -> Response {
        let mut response = Response::new(Body::empty());
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        // Personal, and different at each visit: never stored, never compared with a stored copy.
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding, cookie"));
        if let Some(links) = self.code_links(path) {
            headers.insert(header::LINK, links);
        }
        response
    }

    /// `Link: rel=preload` for the split-off code the page at `app_path` runs at once. The SPA's loader fetches it
    /// with `fetch(url)`: same origin, CORS mode, credentials same-origin, which is what `crossorigin` (anonymous)
    /// preloads.
    fn code_links(&self, app_path: &str) -> Option<HeaderValue> {
        let links: Vec<String> = self
            .split_code
            .files(app_path)
            .into_iter()
            .map(|file| format!("</{file}>; rel=preload; as=fetch; crossorigin"))
            .collect();
        if links.is_empty() {
            return None;
        }
        HeaderValue::from_str(&links.join(", ")).ok()
    }
}

/// How long a page waits for its reads' answers. The app starts only once its page has arrived, so a read that is
/// slow for once (a busy database) must not hold the page: past this, the page ends without the answers not yet
/// there, and the app asks for those itself, showing that it is loading.
const READS_WAIT: std::time::Duration = std::time::Duration::from_secs(1);

/// Stops the tasks it holds when dropped (those already done are not affected).
struct AbortOnDrop(Vec<tokio::task::AbortHandle>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        for task in &self.0 {
            task.abort();
        }
    }
}

/// An answer being worked out: the read, and the API router's answer to come.
type Asked = (
    String,
    tokio::task::JoinHandle<Result<Response, std::convert::Infallible>>,
);

/// The answers that are there by `deadline`, in the order asked, each as its element (`answer_element`). A server
/// error is left out too: the SPA then asks itself, so a passing failure gets a second chance.
async fn answers_by(deadline: tokio::time::Instant, page: &str, asked: Vec<Asked>) -> String {
    let mut answers = String::new();
    for (read, mut asked) in asked {
        let answer = match tokio::time::timeout_at(deadline, &mut asked).await {
            Ok(Ok(Ok(answer))) if !answer.status().is_server_error() => answer,
            Err(_) => {
                asked.abort();
                continue;
            }
            _ => continue,
        };
        let status = answer.status().as_u16();
        let body = tokio::time::timeout_at(deadline, axum::body::to_bytes(answer.into_body(), 64 * 1024 * 1024));
        let Ok(Ok(body)) = body.await else {
            continue;
        };
        answer_element(&mut answers, page, &read, status, &String::from_utf8_lossy(&body));
    }
    answers
}

/// The page's compression, chosen by the request's `Accept-Encoding` (brotli, else gzip, else none): fast settings,
/// since each page is compressed as it leaves, and a flush after the first part so the browser has it at once.
enum Encoder {
    Brotli(Box<brotli::CompressorWriter<Vec<u8>>>),
    Gzip(flate2::write::GzEncoder<Vec<u8>>),
    Identity,
}

impl Encoder {
    fn accepted_by(headers: &HeaderMap) -> Encoder {
        // Each coding the request accepts, without those it refuses with `q=0`.
        let accepted: Vec<String> = headers
            .get_all(header::ACCEPT_ENCODING)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|item| {
                let mut parts = item.split(';').map(str::trim);
                let name = parts.next()?.to_ascii_lowercase();
                let refused = parts.any(|p| {
                    p.strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                        .is_some_and(|q| q <= 0.0)
                });
                (!refused).then_some(name)
            })
            .collect();
        if accepted.iter().any(|c| c == "br") {
            Encoder::Brotli(Box::new(brotli::CompressorWriter::new(Vec::new(), 16 * 1024, 4, 20)))
        } else if accepted.iter().any(|c| c == "gzip") {
            Encoder::Gzip(flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast()))
        } else {
            Encoder::Identity
        }
    }

    /// The `Content-Encoding`, if any.
    fn name(&self) -> Option<&'static str> {
        match self {
            Encoder::Brotli(_) => Some("br"),
            Encoder::Gzip(_) => Some("gzip"),
            Encoder::Identity => None,
        }
    }

    /// `text` compressed so far, flushed: the browser can read all of it without waiting for the rest.
    fn flushed(&mut self, text: &str) -> axum::body::Bytes {
        use std::io::Write as _;
        let out = match self {
            Encoder::Brotli(w) => {
                let _ = w.write_all(text.as_bytes()).and_then(|()| w.flush());
                std::mem::take(w.get_mut())
            }
            Encoder::Gzip(w) => {
                let _ = w.write_all(text.as_bytes()).and_then(|()| w.flush());
                std::mem::take(w.get_mut())
            }
            Encoder::Identity => text.as_bytes().to_vec(),
        };
        out.into()
    }

    /// The last of the page: `text` and the end of the compressed stream.
    fn finished(self, text: &str) -> axum::body::Bytes {
        use std::io::Write as _;
        let out = match self {
            Encoder::Brotli(mut w) => {
                let _ = w.write_all(text.as_bytes());
                w.into_inner()
            }
            Encoder::Gzip(mut w) => {
                let _ = w.write_all(text.as_bytes());
                w.finish().unwrap_or_default()
            }
            Encoder::Identity => text.as_bytes().to_vec(),
        };
        out.into()
    }
}

/// One answer as `<script type="application/json" id="bb-read:{read}" data-bb-read="{read}" data-status="{status}"
/// data-page="{page}">{body}</script>`. The body is JSON, whose `<` can only be inside a string: written `\u003c`
/// there, no answer (a session titled `</script>`, say) can end the element early.
fn answer_element(out: &mut String, page: &str, read: &str, status: u16, body: &str) {
    use api::html::escape;
    use std::fmt::Write as _;
    let _ = write!(
        out,
        r#"<script type="application/json" id="bb-read:{read}" {READ_ATTRIBUTE}="{read}" data-status="{status}" data-page="{page}">{body}</script>"#,
        read = escape(read),
        page = escape(page),
        body = body.replace('<', "\\u003c"),
    );
}

/// Whether the built SPA calls this server's API from pages under `/` (its `index.html` says so: base path `/`,
/// no other API origin), so that the server may answer a page's first reads with the page.
fn spa_reads_here(html: &str) -> bool {
    // The `content` of the `<meta>` tag named `betterbeing:{name}`, whatever the order of its attributes.
    let meta = |name: &str| {
        let at = html.find(&format!("name=\"betterbeing:{name}\""))?;
        let tag = &html[html[..at].rfind('<')?..];
        let tag = &tag[..tag.find('>')?];
        let content = tag.split("content=\"").nth(1)?;
        Some(content.split('"').next()?.to_owned())
    };
    meta("base-path").is_some_and(|p| p == "/") && meta("api-origin").is_some_and(|o| o.is_empty())
}

/// The files of each part of the SPA's code split off at build time, from the build's `wasm-split.json`
/// (scripts/split-wasm.mjs): part name → file names in the built folder. Empty without one.
#[derive(Debug, Default)]
struct SplitCode(std::collections::HashMap<String, Vec<String>>);

impl SplitCode {
    fn read(dist: &Path) -> SplitCode {
        let Ok(json) = std::fs::read_to_string(dist.join("wasm-split.json")) else {
            return SplitCode::default();
        };
        serde_json::from_str(&json).map(SplitCode).unwrap_or_else(|error| {
            tracing::warn!(%error, "wasm-split.json is unreadable: split code is not preloaded");
            SplitCode::default()
        })
    }

    /// The files of the code the page at `app_path` runs at once (`api::pages::first_code`).
    fn files(&self, app_path: &str) -> Vec<&str> {
        let mut files: Vec<&str> = Vec::new();
        for part in api::pages::first_code(app_path) {
            for file in self.0.get(*part).into_iter().flatten() {
                if !files.contains(&file.as_str()) {
                    files.push(file);
                }
            }
        }
        files
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_cannot_end_its_element_early() {
        let mut out = String::new();
        answer_element(
            &mut out,
            "/console/calendar",
            "/api/sessions?from=a&to=b",
            200,
            r#"{"title":"</script><script>alert(1)</script>"}"#,
        );
        assert_eq!(out.matches("</script>").count(), 1, "{out}");
        assert!(out.contains(r#"id="bb-read:/api/sessions?from=a&amp;to=b""#), "{out}");
        let body = out.split_once('>').unwrap().1.strip_suffix("</script>").unwrap();
        let decoded: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(decoded["title"], "</script><script>alert(1)</script>");
    }

    #[test]
    fn only_a_spa_on_this_server_under_slash_gets_its_reads_answered_in_the_page() {
        let html = |base: &str, origin: &str| {
            format!(
                r#"<meta name="betterbeing:base-path" content="{base}" /><meta content="{origin}" name="betterbeing:api-origin" />"#
            )
        };
        assert!(spa_reads_here(&html("/", "")));
        assert!(!spa_reads_here(&html("/app/", "")));
        assert!(!spa_reads_here(&html("/", "https://api.example")));
        assert!(!spa_reads_here("<html></html>"));
    }

    #[test]
    fn the_first_part_of_a_page_can_be_read_before_the_rest_arrives() {
        use std::io::Read as _;
        let accept = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_static(value));
            Encoder::accepted_by(&headers)
        };
        let (head, rest) = (
            "<html><head></head><body>".repeat(40),
            "<script>1</script></body></html>",
        );
        for (accepted, coding) in [
            ("gzip, deflate, br, zstd", Some("br")),
            ("gzip;q=1.0, br;q=0", Some("gzip")),
            ("identity", None),
        ] {
            let mut encoder = accept(accepted);
            assert_eq!(encoder.name(), coding, "{accepted}");
            let first = encoder.flushed(&head);
            let last = encoder.finished(rest);
            // As much as decodes before the data runs out (all of it, for the whole page).
            let decode = |bytes: &[u8], whole: bool| -> String {
                let mut out = Vec::new();
                let read = match coding {
                    Some("br") => brotli::Decompressor::new(bytes, 4096).read_to_end(&mut out),
                    Some(_) => flate2::read::MultiGzDecoder::new(bytes).read_to_end(&mut out),
                    None => {
                        out.extend_from_slice(bytes);
                        Ok(0)
                    }
                };
                assert!(!whole || read.is_ok(), "{accepted}: {read:?}");
                String::from_utf8(out).unwrap()
            };
            assert_eq!(decode(&first, false), head, "{accepted}: the first part on its own");
            assert_eq!(
                decode(&[first.as_ref(), last.as_ref()].concat(), true),
                format!("{head}{rest}")
            );
        }
    }

    #[tokio::test]
    async fn a_slow_or_failing_read_is_left_for_the_app_to_ask() {
        let answer = |status: u16, delay_ms: u64| {
            tokio::spawn(async move {
                tokio::time::sleep(std::time::Duration::from_millis(delay_ms)).await;
                let mut response = Response::new(Body::from(r#"{"ok":true}"#));
                *response.status_mut() = StatusCode::from_u16(status).unwrap();
                Ok(response)
            })
        };
        let asked = vec![
            ("/api/me".to_owned(), answer(200, 0)),
            ("/api/slow".to_owned(), answer(200, 10_000)),
            ("/api/broken".to_owned(), answer(500, 0)),
            ("/api/gone".to_owned(), answer(404, 0)),
        ];
        let started = std::time::Instant::now();
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_millis(200);
        let answers = answers_by(deadline, "/console", asked).await;
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "the page did not wait for the slow read"
        );
        let reads: Vec<&str> = answers
            .split(&format!("{READ_ATTRIBUTE}=\""))
            .skip(1)
            .map(|rest| rest.split('"').next().unwrap())
            .collect();
        assert_eq!(reads, ["/api/me", "/api/gone"], "{answers}");
        assert!(answers.contains(r#"data-status="404""#));
    }
}
