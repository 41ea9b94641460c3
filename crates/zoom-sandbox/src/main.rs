//! `zoom-sandbox`: the local Zoom for the demo. See README.md for flags and the control API.

use tracing_subscriber::EnvFilter;
use zoom_sandbox::{base_url_for, seed_demo_users, serve_at, serve_persisted, SandboxConfig};

const USAGE: &str = "\
usage: zoom-sandbox [--bind ADDR] [--redirect-uri URI]... [--deauthorization-url URL] [--base-url URL]
                    [--state FILE] [--seed-demo]

  --bind ADDR                 listen address (env ZOOM_SANDBOX_BIND; default 127.0.0.1:9090)
  --redirect-uri URI          allowed OAuth redirect URI, repeatable
                              (env ZOOM_SANDBOX_REDIRECT_URI, comma-separated;
                              default http://127.0.0.1:8080/api/zoom/callback)
  --deauthorization-url URL   where app_deauthorized is POSTed (env ZOOM_SANDBOX_DEAUTHORIZATION_URL)
  --base-url URL              the URL clients use to reach the sandbox (env ZOOM_SANDBOX_BASE_URL;
                              default derived from the bound address)
  --state FILE                keep users, grants, tokens and meetings in FILE across restarts
                              (env ZOOM_SANDBOX_STATE; default: in memory only)
  --seed-demo                 seed the three demo Zoom users (env ZOOM_SANDBOX_SEED_DEMO=1)";

struct Args {
    bind: String,
    redirect_uris: Vec<String>,
    deauthorization_url: Option<String>,
    base_url: Option<String>,
    state: Option<std::path::PathBuf>,
    seed_demo: bool,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        bind: env("ZOOM_SANDBOX_BIND").unwrap_or_else(|| "127.0.0.1:9090".to_owned()),
        redirect_uris: Vec::new(),
        deauthorization_url: env("ZOOM_SANDBOX_DEAUTHORIZATION_URL"),
        base_url: env("ZOOM_SANDBOX_BASE_URL"),
        state: env("ZOOM_SANDBOX_STATE").map(Into::into),
        seed_demo: env("ZOOM_SANDBOX_SEED_DEMO").is_some_and(|v| v == "1" || v == "true"),
    };
    let mut argv = std::env::args().skip(1);
    while let Some(flag) = argv.next() {
        let (name, inline) = match flag.split_once('=') {
            Some((name, value)) => (name.to_owned(), Some(value.to_owned())),
            None => (flag.clone(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| argv.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match name.as_str() {
            "--bind" => args.bind = value()?,
            "--redirect-uri" => args.redirect_uris.push(value()?),
            "--deauthorization-url" => args.deauthorization_url = Some(value()?),
            "--base-url" => args.base_url = Some(value()?),
            "--state" => args.state = Some(value()?.into()),
            "--seed-demo" => args.seed_demo = true,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if args.redirect_uris.is_empty() {
        args.redirect_uris = env("ZOOM_SANDBOX_REDIRECT_URI")
            .map(|v| v.split(',').map(|s| s.trim().to_owned()).collect())
            .unwrap_or_else(|| vec!["http://127.0.0.1:8080/api/zoom/callback".to_owned()]);
    }
    Ok(args)
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
        .init();
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("{message}");
            }
            eprintln!("{USAGE}");
            std::process::exit(if message.is_empty() { 0 } else { 2 });
        }
    };
    let mut config = SandboxConfig::demo(&args.redirect_uris[0], args.deauthorization_url.as_deref());
    config.redirect_uris = args.redirect_uris;
    let listener = match tokio::net::TcpListener::bind(&args.bind).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("cannot bind {}: {error}", args.bind);
            std::process::exit(1);
        }
    };
    let base_url = args
        .base_url
        .unwrap_or_else(|| base_url_for(listener.local_addr().expect("a bound listener has an address")));
    let sandbox = match &args.state {
        Some(path) => match serve_persisted(listener, config, base_url, path).await {
            Ok(sandbox) => {
                tracing::info!(state = %path.display(), "zoom sandbox keeps its state in this file");
                sandbox
            }
            Err(message) => {
                eprintln!("zoom sandbox cannot start: {message}");
                std::process::exit(1);
            }
        },
        None => serve_at(listener, config, base_url).await,
    };
    if args.seed_demo {
        for user in seed_demo_users(&sandbox) {
            tracing::info!(id = %user.id, email = %user.email, user_type = user.user_type, "seeded Zoom user");
        }
    }
    tracing::info!(base_url = %sandbox.base_url, "zoom sandbox listening");
    if let Err(error) = sandbox.handle.await {
        eprintln!("zoom sandbox crashed: {error}");
        std::process::exit(1);
    }
}
