//! `kill -9` of the server between Zoom's answer and the database write. The server runs as its own process (the
//! built `betterbeing-server` binary); "Zoom" (the sandbox) lives in this test process, so it survives the crash.

use std::net::TcpListener as StdListener;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use api::sessions::Session;
use base64::Engine;
use serde_json::json;

use crate::audit::Audit;
use crate::support::*;
use crate::{days_ahead, session_input};

struct ServerProcess {
    child: Child,
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_server(
    port: u16,
    sandbox: &str,
    database_url: &str,
    dir: &std::path::Path,
    token_keys: &str,
) -> ServerProcess {
    let demo = zoom_sandbox::SandboxConfig::demo("unused", None);
    let base = format!("http://127.0.0.1:{port}");
    let child = Command::new(env!("CARGO_BIN_EXE_betterbeing-server"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("RUST_LOG", "warn")
        .env("BB_BIND", format!("127.0.0.1:{port}"))
        .env("BB_PUBLIC_URL", &base)
        .env("BB_DATABASE_URL", database_url)
        .env("BB_DIST_DIR", dir.join("no-dist"))
        .env("BB_TOKEN_KEYS", token_keys)
        .env("BB_DEMO", "true")
        .env("BB_JOB_LEASE_SECS", "3")
        .env("ZOOM_CLIENT_ID", &demo.client_id)
        .env("ZOOM_CLIENT_SECRET", &demo.client_secret)
        .env("ZOOM_WEBHOOK_SECRET_TOKEN", &demo.webhook_secret_token)
        .env("ZOOM_OAUTH_BASE", sandbox)
        .env("ZOOM_API_BASE", format!("{sandbox}/v2"))
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the server binary starts");
    ServerProcess { child }
}

async fn wait_until_up(base: &str) {
    eventually(&format!("the server at {base} up"), || async {
        reqwest::get(format!("{base}/api/me")).await.is_ok()
    })
    .await
}

fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_between_zooms_answer_and_its_write_recovers_within_seconds_without_duplicates() {
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let database_url = fresh_database_url(dir.path()).await;
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let sandbox = zoom_sandbox::serve(
        tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap(),
        zoom_sandbox::SandboxConfig::demo(&format!("{base}{}", api::paths::ZOOM_CALLBACK), None),
    )
    .await;
    zoom_sandbox::seed_demo_users(&sandbox);
    let key = base64::engine::general_purpose::STANDARD.encode(rand::random::<[u8; 32]>());
    let keys = format!("k1:{key}");

    let server = start_server(port, &sandbox.base_url, &database_url, dir.path(), &keys);
    wait_until_up(&base).await;
    let solo = TestApp::for_process(&base, &sandbox.base_url, &database_url, dir.clone()).await;
    solo.sign_in(SOLO).await;
    solo.connect_as(LICENSED).await;
    let clinic = solo.another_browser();
    clinic.sign_in(CLINIC_PRACTITIONER).await;
    clinic.connect_as(BASIC).await;

    // Both creations reach Zoom, which makes the meetings, and their answers are held back...
    for _ in 0..2 {
        solo.sandbox_post(
            "/faults",
            json!({ "endpoint": "meetings.create", "mode": "hang_after_commit", "count": 1, "hang_secs": 60 }),
        )
        .await;
    }
    let (ana, ben) = (
        session_input("Ana", days_ahead(9, 10)),
        session_input("Ben", days_ahead(400, 11)),
    );
    let (a, b) = tokio::join!(
        solo.send(reqwest::Method::POST, api::paths::SESSIONS, Some(&ana)),
        clinic.send(reqwest::Method::POST, api::paths::SESSIONS, Some(&ben)),
    );
    let a: Session = a.json().await.unwrap();
    let b: Session = b.json().await.unwrap();
    assert_eq!(solo.wait_for_live_meetings(2).await.len(), 2, "Zoom made both meetings");

    // ...and the server dies before it can write either down.
    drop(server);
    let restarted_at = Instant::now();
    let _server = start_server(port, &sandbox.base_url, &database_url, dir.path(), &keys);
    wait_until_up(&base).await;
    // The practitioner cancels the second session right away, its creation's answer never having arrived.
    let r = clinic
        .send(reqwest::Method::DELETE, &api::paths::session(b.id), NO_BODY)
        .await;
    assert_eq!(r.status(), 204);

    // The restarted server is another process: wait for its queue.
    let recovered = eventually_within(
        Duration::from_secs(30),
        "the queue recovered after the crash",
        || async {
            let live = solo.live_meetings().await;
            let jobs: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM zoom_jobs")
                .fetch_one(&solo.db)
                .await
                .unwrap();
            (jobs == 0 && live.len() == 1).then(|| restarted_at.elapsed())
        },
    )
    .await;
    println!(
        "crash recovery: queue drained {:.1} s after the restart (job lease 3 s)",
        recovered.as_secs_f64()
    );
    let audit = Audit::take(&solo, &[a.id, b.id]).await;
    audit.print_and_assert_clean();
    let calls = solo.sandbox_get("/calls").await;
    assert_eq!(
        calls["counters"]["api.meetings.create"], 2,
        "the restarted server adopted the meeting instead of making another"
    );
}
