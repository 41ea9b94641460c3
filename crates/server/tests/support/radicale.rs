//! A real CalDAV server for the tests: Radicale (PyPI, installed by `scripts/setup` into `.tools/radicale`, or the
//! binary named by `BB_TEST_RADICALE`, or `radicale` on PATH), on a loopback port with a throwaway storage folder
//! and one practitioner account. It can be stopped and started again on the same port and storage.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub const USER: &str = "practitioner";
pub const PASSWORD: &str = "app-specific-7f3k-9q2m";
/// The calendar every Radicale starts with (created with MKCALENDAR, as a calendar app would).
pub const CALENDAR: &str = "Sessions";

pub struct Radicale {
    pub base: String,
    port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
}

fn binary() -> PathBuf {
    if let Ok(path) = std::env::var("BB_TEST_RADICALE") {
        return path.into();
    }
    let vendored = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.tools/radicale/bin/radicale");
    if vendored.exists() {
        return vendored;
    }
    "radicale".into()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A plain client speaking to Radicale as a calendar app would (its own view of the calendar, not the server's).
fn client() -> reqwest::Client {
    reqwest::Client::new()
}

impl Radicale {
    pub async fn start() -> Radicale {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("users"), format!("{USER}:{PASSWORD}\n")).unwrap();
        let mut radicale = Radicale {
            base: String::new(),
            port: free_port(),
            dir,
            child: None,
        };
        radicale.base = format!("http://127.0.0.1:{}", radicale.port);
        radicale.resume().await;
        let r = client()
            .request(reqwest::Method::from_bytes(b"MKCALENDAR").unwrap(), radicale.calendar_url())
            .basic_auth(USER, Some(PASSWORD))
            .body(format!(
                r#"<?xml version="1.0" encoding="utf-8"?><C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop><D:displayname>{CALENDAR}</D:displayname></D:prop></D:set></C:mkcalendar>"#
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "MKCALENDAR");
        radicale
    }

    /// Starts (again) on the same port and storage, and waits until it answers.
    pub async fn resume(&mut self) {
        let child = Command::new(binary())
            .args(["--config", "", "--server-hosts"])
            .arg(format!("127.0.0.1:{}", self.port))
            .arg("--storage-filesystem-folder")
            .arg(self.dir.path().join("storage"))
            .args([
                "--auth-type",
                "htpasswd",
                "--auth-htpasswd-encryption",
                "plain",
                "--auth-htpasswd-filename",
            ])
            .arg(self.dir.path().join("users"))
            .args(["--logging-level", "error"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("starting Radicale ({}): {e}; run scripts/setup", binary().display()));
        self.child = Some(child);
        for _ in 0..200 {
            if client().get(format!("{}/.web/", self.base)).send().await.is_ok() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("Radicale did not start on {}", self.base);
    }

    /// Stops the server (as if it were down); `resume` brings it back with everything it stored.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    pub fn calendar_url(&self) -> String {
        format!("{}/{USER}/sessions/", self.base)
    }

    /// Every event resource in the calendar: (href, ETag, iCalendar text with folded lines unfolded), read as a
    /// calendar app would.
    pub async fn events(&self) -> Vec<(String, String, String)> {
        let r = client()
            .request(reqwest::Method::from_bytes(b"PROPFIND").unwrap(), self.calendar_url())
            .basic_auth(USER, Some(PASSWORD))
            .header("Depth", "1")
            .body(r#"<?xml version="1.0"?><propfind xmlns="DAV:"><prop><getetag/></prop></propfind>"#)
            .send()
            .await
            .unwrap();
        let body = r.text().await.unwrap();
        let mut out = Vec::new();
        for href in body
            .split("<href>")
            .skip(1)
            .filter_map(|s| s.split("</href>").next())
            .filter(|h| h.ends_with(".ics"))
        {
            let url = format!("{}{href}", self.base);
            let r = client()
                .get(&url)
                .basic_auth(USER, Some(PASSWORD))
                .send()
                .await
                .unwrap();
            // Listed, then deleted (by BetterBeing's worker) before it could be read: it is gone.
            if r.status() == reqwest::StatusCode::NOT_FOUND {
                continue;
            }
            let etag = r.headers()["etag"].to_str().unwrap().to_string();
            out.push((href.to_string(), etag, unfold(&r.text().await.unwrap())));
        }
        out
    }

    /// Waits (bounded) until the calendar holds `count` events and `what` holds of them.
    pub async fn wait_for(
        &self,
        count: usize,
        what: impl Fn(&[(String, String, String)]) -> bool,
    ) -> Vec<(String, String, String)> {
        for _ in 0..200 {
            let events = self.events().await;
            if events.len() == count && what(&events) {
                return events;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the calendar never got there: {:#?}", self.events().await);
    }

    /// Replaces an event as the practitioner's calendar app would (a new ETag).
    pub async fn edit_in_calendar_app(&self, href: &str, ics: &str) {
        let r = client()
            .put(format!("{}{href}", self.base))
            .basic_auth(USER, Some(PASSWORD))
            .header("Content-Type", "text/calendar")
            .body(ics.to_string())
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "edit in calendar app: {}", r.status());
    }

    pub async fn delete_in_calendar_app(&self, href: &str) {
        let r = client()
            .delete(format!("{}{href}", self.base))
            .basic_auth(USER, Some(PASSWORD))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "delete in calendar app: {}", r.status());
    }
}

impl Drop for Radicale {
    fn drop(&mut self) {
        self.stop();
    }
}

fn unfold(ics: &str) -> String {
    ics.replace("\r\n ", "").replace("\n ", "")
}

/// One property of an iCalendar text (the first occurrence).
pub fn property(ics: &str, name: &str) -> Option<String> {
    unfold(ics).lines().find_map(|l| {
        let (key, value) = l.split_once(':')?;
        (key.split(';').next() == Some(name)).then(|| value.trim_end().to_string())
    })
}
