//! The sandbox as its own process with `--state FILE`: killed and restarted, "Zoom" still honours the grants,
//! tokens and meetings it handed out, so the demo can restart and crash tests can kill the server alone.

#[path = "harness/harness.rs"]
mod harness;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use harness::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use zoom_sandbox::User;

struct SandboxProcess {
    child: Child,
    base: String,
}

impl Drop for SandboxProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `zoom-sandbox --state FILE` on a free port and waits for its "listening" line.
fn start_process(state: &std::path::Path, bind: &str) -> SandboxProcess {
    let mut child = Command::new(env!("CARGO_BIN_EXE_zoom-sandbox"))
        .args(["--bind", bind, "--redirect-uri", REDIRECT, "--seed-demo", "--state"])
        .arg(state)
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the sandbox binary starts");
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let base = lines
        .find_map(|line| {
            let line = line.ok()?;
            line.contains("zoom sandbox listening").then(|| {
                let from = line.find("http://").expect("a base URL in the line");
                line[from..].split_whitespace().next().unwrap().to_owned()
            })
        })
        .expect("the sandbox says where it listens");
    // Keep draining its output so it never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    SandboxProcess { child, base }
}

async fn users(base: &str) -> Vec<User> {
    let all: Vec<Value> = reqwest::get(format!("{base}/_sandbox/users"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    all.iter()
        .map(|u| User {
            id: u["id"].as_str().unwrap().to_owned(),
            email: u["email"].as_str().unwrap().to_owned(),
            first_name: u["first_name"].as_str().unwrap().to_owned(),
            last_name: u["last_name"].as_str().unwrap().to_owned(),
            user_type: u["type"].as_u64().unwrap() as u8,
            role_name: u["role_name"].as_str().unwrap().to_owned(),
            account_id: u["account_id"].as_str().unwrap().to_owned(),
            account_number: u["account_number"].as_u64().unwrap(),
            timezone: u["timezone"].as_str().unwrap().to_owned(),
            pmi: u["pmi"].as_u64().unwrap(),
            personal_meeting_url: u["personal_meeting_url"].as_str().unwrap().to_owned(),
            created_at: chrono::Utc::now(),
        })
        .collect()
}

#[tokio::test]
async fn a_killed_sandbox_restarted_on_its_state_file_still_knows_its_grants_tokens_and_meetings() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("zoom-sandbox.json");

    let first = start_process(&state, "127.0.0.1:0");
    let h = for_process(&first.base, users(&first.base).await);
    assert_eq!(
        h.rate_limits().await["per_second"],
        true,
        "the binary enforces Zoom's per-second limits"
    );
    let tokens = h.connect(h.licensed()).await;
    let access = tokens["access_token"].as_str().unwrap().to_owned();
    let refresh = tokens["refresh_token"].as_str().unwrap().to_owned();
    let meeting = h
        .create_meeting(
            &access,
            json!({ "topic": "Session", "type": 2, "start_time": "2030-05-01T10:00:00Z", "duration": 50 }),
        )
        .await;
    let licensed_id = h.licensed().id.clone();
    let port = first.base.rsplit(':').next().unwrap().to_owned();
    drop(first); // SIGKILL: no chance to save on the way out

    let second = start_process(&state, &format!("127.0.0.1:{port}"));
    let users_after = users(&second.base).await;
    assert_eq!(users_after.len(), 3, "seeding again keeps the same three users");
    let h = for_process(&second.base, users_after);
    assert_eq!(h.licensed().id, licensed_id, "the same Zoom user ids");

    let (status, me) = h.me(&access).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the access token from before the restart still works: {me}"
    );
    let got = h
        .api("GET", &format!("/meetings/{}", meeting["id"]), &access, None)
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.body);
    assert_eq!(got.body["join_url"], meeting["join_url"]);

    let (status, rotated) = h.refresh(&refresh).await;
    assert_eq!(status, StatusCode::OK, "the refresh token still works: {rotated}");
    let (status, _) = h.refresh(&refresh).await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "and rotation is remembered: the old one is now used up"
    );

    let persisted: Value = serde_json::from_slice(&std::fs::read(&state).unwrap()).unwrap();
    assert!(persisted.get("calls").is_none(), "the call log is not kept");
}

#[tokio::test]
async fn a_state_file_that_is_not_the_sandboxs_stops_it_instead_of_starting_afresh() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("zoom-sandbox.json");
    std::fs::write(&state, b"{ not json").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_zoom-sandbox"))
        .args(["--bind", "127.0.0.1:0", "--state"])
        .arg(&state)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("is not a sandbox state file"), "{stderr}");
    assert_eq!(
        std::fs::read(&state).unwrap(),
        b"{ not json",
        "the file is left as it was"
    );
}
