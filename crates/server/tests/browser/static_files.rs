//! The built SPA over the wire: brotli or gzip copies made at build time, chosen by `Accept-Encoding`, each decoding
//! to the built file; Trunk's hashed files cached for a year, `index.html`, `embed.js` and deep links revalidated.

use std::io::Read;

use crate::browser::{dist_dir, split_code, split_files};
use crate::support::*;

fn built_files() -> (String, String) {
    let mut wasm = None;
    let mut js = None;
    for entry in std::fs::read_dir(dist_dir()).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name.ends_with("_bg.wasm") {
            wasm = Some(name);
        } else if name.starts_with("betterbeing-zoom-web-") && name.ends_with(".js") {
            js = Some(name);
        }
    }
    (wasm.expect("the built wasm"), js.expect("the built JS glue"))
}

async fn fetch(app: &TestApp, path: &str, encoding: &str) -> (reqwest::header::HeaderMap, Vec<u8>) {
    fetch_as(&reqwest::Client::new(), app, path, encoding).await
}

/// `path` as `client` gets it (our clients decode nothing by themselves, so the bytes are what travelled).
async fn fetch_as(
    client: &reqwest::Client,
    app: &TestApp,
    path: &str,
    encoding: &str,
) -> (reqwest::header::HeaderMap, Vec<u8>) {
    let r = client
        .get(app.url(path))
        .header("accept-encoding", encoding)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{path}");
    let headers = r.headers().clone();
    (headers, r.bytes().await.unwrap().to_vec())
}

fn brotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::Decompressor::new(bytes, 4096).read_to_end(&mut out).unwrap();
    out
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes).read_to_end(&mut out).unwrap();
    out
}

#[tokio::test]
async fn the_spa_travels_precompressed_and_hashed_files_are_cached_for_a_year() {
    let app = spawn_app_serving(Some(dist_dir())).await;
    let (wasm, js) = built_files();
    for name in [&wasm, &js] {
        let built = std::fs::read(dist_dir().join(name)).unwrap();
        let path = format!("/{name}");

        let (headers, br) = fetch(&app, &path, "gzip, deflate, br").await;
        assert_eq!(headers["content-encoding"], "br", "{name}");
        assert_eq!(headers["cache-control"], "public, max-age=31536000, immutable");
        assert!(headers
            .get_all("vary")
            .iter()
            .any(|v| v.to_str().unwrap().contains("accept-encoding")));
        assert!(
            br.len() * 2 < built.len(),
            "{name}: {} of {} bytes",
            br.len(),
            built.len()
        );
        assert_eq!(brotli(&br), built, "{name}: the brotli copy is the built file");

        let (headers, gz) = fetch(&app, &path, "gzip").await;
        assert_eq!(headers["content-encoding"], "gzip");
        assert_eq!(gunzip(&gz), built, "{name}: the gzip copy is the built file");

        let (headers, plain) = fetch(&app, &path, "identity").await;
        assert!(headers.get("content-encoding").is_none());
        assert_eq!(plain, built);
        println!(
            "{name}: {} bytes raw, {} gzip, {} brotli",
            built.len(),
            gz.len(),
            br.len()
        );
    }
    if wasm.ends_with(".wasm") {
        let (headers, _) = fetch(&app, &format!("/{wasm}"), "br").await;
        assert_eq!(headers["content-type"], "application/wasm");
    }

    // Every stylesheet the page links, the component styles included, has a hashed name and is kept for a year:
    // a repeat visit asks nothing before it can draw.
    let page = std::fs::read_to_string(dist_dir().join("index.html")).unwrap();
    let sheets: Vec<&str> = page
        .split("<link rel=\"stylesheet\" href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    assert_eq!(sheets.len(), 3, "tokens, global and the component styles: {sheets:?}");
    for sheet in sheets {
        let (headers, _) = fetch(&app, sheet, "br").await;
        assert_eq!(
            headers["cache-control"], "public, max-age=31536000, immutable",
            "{sheet}"
        );
        assert_eq!(headers["content-type"], "text/css", "{sheet}");
    }

    for path in ["/", "/index.html", "/embed.js", "/signin"] {
        let (headers, body) = fetch(&app, path, "br").await;
        assert_eq!(headers["cache-control"], "no-cache", "{path} is revalidated");
        assert!(headers
            .get_all("vary")
            .iter()
            .any(|v| v.to_str().unwrap().contains("accept-encoding")));
        if path != "/embed.js" {
            let html = if headers.get("content-encoding").is_some_and(|e| e == "br") {
                brotli(&body)
            } else {
                body
            };
            assert!(
                String::from_utf8(html).unwrap().contains("<title>"),
                "{path} is the app's page"
            );
        }
    }

    // The API keeps its own rule.
    let me = reqwest::get(app.url(api::paths::ME)).await.unwrap();
    assert_eq!(me.headers()["cache-control"], "no-store");
}

/// The answers a page came with (`crates/server/src/spa_page.rs`): (read, status, page it is for, JSON).
fn answers_in(html: &str) -> Vec<(String, u16, String, serde_json::Value)> {
    let attribute = |tag: &str, name: &str| {
        between(tag, &format!("{name}=\""), "\"")
            .replace("&amp;", "&")
            .replace("&quot;", "\"")
    };
    html.split("<script type=\"application/json\" ")
        .skip(1)
        .map(|rest| {
            let (tag, rest) = rest.split_once('>').unwrap();
            let body = rest.split_once("</script>").unwrap().0;
            let read = attribute(tag, "data-bb-read");
            assert_eq!(attribute(tag, "id"), format!("bb-read:{read}"));
            (
                read,
                attribute(tag, "data-status").parse().unwrap(),
                attribute(tag, "data-page"),
                serde_json::from_str(body).unwrap_or_else(|e| panic!("{body}: {e}")),
            )
        })
        .collect()
}

/// A page as the browser gets it, signed in (or not) as `client` is: headers and the decoded HTML.
async fn page(
    client: &reqwest::Client,
    app: &TestApp,
    path: &str,
    encoding: &str,
) -> (reqwest::header::HeaderMap, String) {
    let (headers, body) = fetch_as(client, app, path, encoding).await;
    let html = match headers.get("content-encoding").map(|e| e.to_str().unwrap()) {
        Some("br") => brotli(&body),
        Some("gzip") => gunzip(&body),
        None => body,
        Some(other) => panic!("{other}"),
    };
    (headers, String::from_utf8(html).unwrap())
}

#[tokio::test]
async fn a_console_page_comes_with_the_answers_to_its_first_reads_and_names_the_code_it_runs() {
    let app = spawn_app_serving(Some(dist_dir())).await;
    app.sign_in(CLINIC_ADMIN).await;
    let split = split_code();
    let code = |parts: &[&str]| {
        // The split-off code is fetched the way the SPA's loader fetches it: CORS, same-origin credentials.
        split_files(&split, parts)
            .into_iter()
            .map(|f| format!("</{f}>; rel=preload; as=fetch; crossorigin"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    use api::pages::{CALENDAR_CODE, CALENDAR_SYNC_CODE, ORGANISATION_CODE};
    use api::paths::*;
    let built = std::fs::read_to_string(dist_dir().join("index.html")).unwrap();
    for (path, reads, parts) in [
        (
            ZOOM_PAGE,
            vec![
                ME,
                ZOOM_STATUS,
                SESSIONS_MISSING_LINKS,
                SESSIONS_ATTENTION,
                ZOOM_ACCOUNT_SWITCH,
            ],
            vec![],
        ),
        (
            "/console/calendar?view=week&date=2027-01-04",
            vec![
                ME,
                "/api/sessions?from=2027-01-03T00%3A00%3A00Z&to=2027-01-12T00%3A00%3A00Z",
                PREFERENCES,
                SESSIONS_ATTENTION,
            ],
            vec![CALENDAR_CODE],
        ),
        (
            "/console/calendar/sessions/7?view=day&date=2027-01-04&date=2027-01-05",
            vec![
                ME,
                "/api/sessions?from=2027-01-04T00%3A00%3A00Z&to=2027-01-07T00%3A00%3A00Z",
                PREFERENCES,
                SESSIONS_ATTENTION,
                "/api/sessions/7",
                ZOOM_STATUS,
            ],
            vec![CALENDAR_CODE],
        ),
        (
            "/console/calendar",
            vec![ME, PREFERENCES, SESSIONS_ATTENTION],
            vec![CALENDAR_CODE],
        ),
        (
            "/console/calendar?view=year&date=2027-01-04",
            vec![ME, PREFERENCES, SESSIONS_ATTENTION],
            vec![CALENDAR_CODE],
        ),
        (
            "/console/calendar?date=2027-1-4",
            vec![ME, PREFERENCES, SESSIONS_ATTENTION],
            vec![CALENDAR_CODE],
        ),
        (
            "/console/calendar-sync",
            vec![ME, CALENDAR_FEED, CALENDAR_SYNC],
            vec![CALENDAR_SYNC_CODE],
        ),
        (
            "/console/organisation",
            vec![ME, ADMIN_ORGANISATION],
            vec![ORGANISATION_CODE],
        ),
        ("/console", vec![ME], vec![CALENDAR_CODE]),
    ] {
        let (headers, html) = page(&app.client, &app, path, "gzip, deflate, br").await;
        assert_eq!(headers["content-encoding"], "br", "{path}");
        // Personal: never stored, never revalidated against a stored copy.
        assert_eq!(headers["cache-control"], "no-store", "{path}");
        assert!(
            headers.get("etag").is_none() && headers.get("last-modified").is_none(),
            "{path}"
        );
        if parts.is_empty() {
            assert!(headers.get("link").is_none(), "{path}");
        } else {
            assert_eq!(headers["link"], code(&parts).as_str(), "{path}");
        }
        // The built page, with the answers before its end; each what the API answers this person for that read.
        let answers = answers_in(&html);
        let asked: Vec<&str> = answers.iter().map(|(read, ..)| read.as_str()).collect();
        assert_eq!(asked, reads, "{path}");
        for (read, status, for_page, answer) in &answers {
            assert_eq!(for_page, path.split('?').next().unwrap(), "{path}: {read}");
            let r = app.client.get(app.url(read)).send().await.unwrap();
            assert_eq!(*status, r.status().as_u16(), "{path}: {read}");
            assert_eq!(*answer, r.json::<serde_json::Value>().await.unwrap(), "{path}: {read}");
        }
        let (start, end) = built.split_once("</body>").unwrap();
        assert!(
            html.starts_with(start) && html.ends_with(&format!("</body>{end}")),
            "{path}"
        );
    }

    // A HEAD says what the GET would: personal, never stored.
    let head = app.client.head(app.url(ZOOM_PAGE)).send().await.unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(head.headers()["cache-control"], "no-store");
    assert!(head.headers().get("last-modified").is_none());

    // Without brotli, gzip; without either, as it is.
    for (encoding, coding) in [("gzip", Some("gzip")), ("identity", None)] {
        let (headers, html) = page(&app.client, &app, ZOOM_PAGE, encoding).await;
        assert_eq!(headers.get("content-encoding").map(|e| e.to_str().unwrap()), coding);
        assert_eq!(answers_in(&html).len(), 5, "{encoding}");
    }

    // Signed out, the answers say so, as the API would: the app goes to sign-in without asking.
    let (_, html) = page(&reqwest::Client::new(), &app, ZOOM_PAGE, "br").await;
    let answers = answers_in(&html);
    assert_eq!(answers.len(), 5);
    for (read, status, _, answer) in answers {
        assert_eq!(status, 401, "{read}");
        assert_eq!(answer["code"], "unauthenticated", "{read}");
    }

    // A page that reads nothing is the built file, revalidated, with its code named.
    for path in ["/", "/signin"] {
        let (headers, html) = page(&app.client, &app, path, "br").await;
        assert_eq!(html, built, "{path}");
        assert_eq!(headers["cache-control"], "no-cache", "{path}");
        assert_eq!(headers["link"], code(&[CALENDAR_CODE]).as_str(), "{path}");
    }
    let (wasm, _) = built_files();
    // Pages the router does not know ("Page not found") read nothing and run no split-off code.
    for other in [
        "/embed.js",
        &format!("/{wasm}"),
        "/console/video-accounts/zoom/x",
        "/console/organisation/x",
        "/console/calendar/sessions/x",
        "/console/calendar/sessions/+7",
    ] {
        let (headers, body) = fetch(&app, other, "br").await;
        assert!(headers.get("link").is_none(), "{other}");
        assert!(
            !String::from_utf8_lossy(&brotli(&body)).contains("<script type=\"application/json\""),
            "{other}"
        );
    }
    let r = app.client.get(app.url(ME)).send().await.unwrap();
    assert!(r.headers().get("link").is_none());

    // A browser revalidating its copy of `/` hears the list again: a 304's headers replace the stored ones, so a
    // server whose list changed is heard even when `index.html` did not change. A console page with reads is
    // never a 304, whatever the browser has kept from before.
    for (path, status) in [("/", 304), (ZOOM_PAGE, 200)] {
        let (headers, _) = fetch(&app, "/", "br").await;
        let modified = headers["last-modified"].to_str().unwrap().to_owned();
        let again = reqwest::Client::new()
            .get(app.url(path))
            .header("accept-encoding", "br")
            .header("if-modified-since", modified)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), status, "{path}");
        if status == 304 {
            assert_eq!(again.headers()["link"], headers["link"]);
        }
    }
}

#[tokio::test]
async fn the_calendar_sync_and_organisation_code_is_split_off_hashed_and_kept_for_a_year() {
    use sha2::Digest;
    let app = spawn_app_serving(Some(dist_dir())).await;
    let split = split_code();
    // The parts the build split off are the ones the server knows pages by (src/app.rs's names = api::pages').
    let mut parts: Vec<&str> = split.keys().map(String::as_str).collect();
    parts.sort();
    use api::pages::{CALENDAR_CODE, CALENDAR_SYNC_CODE, ORGANISATION_CODE};
    assert_eq!(parts, [CALENDAR_CODE, CALENDAR_SYNC_CODE, ORGANISATION_CODE]);

    let (main_wasm, js) = built_files();
    let main_size = std::fs::metadata(dist_dir().join(&main_wasm)).unwrap().len();
    for part in parts {
        let files = &split[part];
        assert!(
            files.last().unwrap().starts_with(&format!("split_{part}-")),
            "{part}: its own code comes last, after the chunks it shares: {files:?}"
        );
        let mut size = 0;
        for file in files {
            let built = std::fs::read(dist_dir().join(file)).unwrap();
            size += built.len() as u64;
            let (headers, br) = fetch(&app, &format!("/{file}"), "br").await;
            assert_eq!(
                headers["cache-control"], "public, max-age=31536000, immutable",
                "{file}"
            );
            assert_eq!(headers["content-type"], "application/wasm", "{file}");
            assert_eq!(brotli(&br), built, "{file}");
        }
        println!(
            "{part}: {} files, {size} bytes (the main module: {main_size})",
            files.len()
        );
        assert!(size > 32 * 1024, "{part} is a real part of the app: {size} bytes");
    }

    // The loader that fetches them, named by its content and preloaded with the app's module, whose integrity the
    // page states correctly (the build rewrote Trunk's files after Trunk hashed them).
    let page = std::fs::read_to_string(dist_dir().join("index.html")).unwrap();
    let integrity = |file: &str| {
        let at = page
            .find(&format!("href=\"/{file}\""))
            .unwrap_or_else(|| panic!("index.html links {file}"));
        let tag = &page[page[..at].rfind('<').unwrap()..];
        let tag = &tag[..tag.find('>').unwrap()];
        tag.split("integrity=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_owned()
    };
    let loader = page
        .split("<link rel=\"modulepreload\" href=\"/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .find(|f| f.starts_with("__wasm_split-"))
        .expect("index.html modulepreloads the split code's loader")
        .to_owned();
    for file in [loader.as_str(), js.as_str(), main_wasm.as_str()] {
        let built = std::fs::read(dist_dir().join(file)).unwrap();
        use base64::Engine;
        let sri = format!(
            "sha384-{}",
            base64::engine::general_purpose::STANDARD.encode(sha2::Sha384::digest(&built))
        );
        assert_eq!(integrity(file), sri, "{file}");
        let (headers, _) = fetch(&app, &format!("/{file}"), "br").await;
        assert_eq!(
            headers["cache-control"], "public, max-age=31536000, immutable",
            "{file}"
        );
    }
}
