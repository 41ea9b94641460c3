//! The production binary fails closed: misconfigured, it refuses to start, names what is wrong and writes nothing.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn server(dir: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_betterbeing-server"));
    command
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("RUST_LOG", "warn")
        .current_dir(dir)
        .stdin(Stdio::null());
    command
}

fn finishes_within(child: &mut std::process::Child, limit: Duration) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("the server kept running although it is misconfigured");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Runs the configured server to its end (it must refuse to start): its exit code and standard error.
fn refused(command: &mut Command) -> (Option<i32>, String) {
    let mut child = command.stderr(Stdio::piped()).stdout(Stdio::null()).spawn().unwrap();
    let status = finishes_within(&mut child, Duration::from_secs(20));
    let mut stderr = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
    (status.code(), stderr)
}

#[test]
fn without_a_zoom_app_the_server_refuses_to_start_names_the_missing_settings_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stderr) = refused(&mut server(dir.path()));
    assert_eq!(code, Some(2), "exit code 2 for a configuration error:\n{stderr}");
    for name in [
        "ZOOM_CLIENT_ID",
        "ZOOM_CLIENT_SECRET",
        "ZOOM_WEBHOOK_SECRET_TOKEN",
        "ZOOM_REDIRECT_URL",
        "BB_TOKEN_KEYS",
    ] {
        assert!(stderr.contains(name), "{name} named in:\n{stderr}");
    }
    let written: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(written.is_empty(), "no database, key or data folder made: {written:?}");
}

#[test]
fn a_malformed_setting_is_refused_with_what_is_expected() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stderr) = refused(
        server(dir.path())
            .env("BB_PUBLIC_URL", "https://zoom.betterbeing.example/some/path")
            .env("BB_TOKEN_KEYS", "k1:dG9vLXNob3J0")
            .env("ZOOM_CLIENT_ID", "id")
            .env("ZOOM_CLIENT_SECRET", "zoom-client-secret-xyz")
            .env("ZOOM_WEBHOOK_SECRET_TOKEN", "token")
            .env(
                "ZOOM_REDIRECT_URL",
                "https://zoom.betterbeing.example/api/zoom/callback",
            ),
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("BB_PUBLIC_URL must be an origin only"), "{stderr}");
    assert!(stderr.contains("token key k1 must be 32 bytes"), "{stderr}");
    assert!(!stderr.contains("zoom-client-secret-xyz"), "no secret echoed");
}

#[test]
fn demo_mode_starts_only_when_asked_for_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = server(dir.path())
        .env("BB_DEMO", "1")
        .env("BB_BIND", "127.0.0.1:0")
        .env("BB_DATA_DIR", dir.path().join("data"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Logs and the "running" line both go to standard output; read up to the latter.
    let mut seen = Vec::new();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        let done = line.contains("BetterBeing is running");
        seen.push(line);
        if done {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    let output = seen.join("\n");
    assert!(
        output.contains("BetterBeing is running: open http://127.0.0.1:"),
        "{output}"
    );
    assert!(output.contains("demo mode"), "the log says it is a demo:\n{output}");
    assert!(dir.path().join("data/token-keys").exists());
}

#[test]
fn the_demo_defaults_are_the_sandbox_demo_app() {
    use server::config::demo_zoom;
    let demo = zoom_sandbox::SandboxConfig::demo("unused", None);
    assert_eq!(demo_zoom::CLIENT_ID, demo.client_id);
    assert_eq!(demo_zoom::CLIENT_SECRET, demo.client_secret);
    assert_eq!(demo_zoom::WEBHOOK_SECRET_TOKEN, demo.webhook_secret_token);
}
