//! Logging. Nothing here ever formats a secret: tokens, codes and verifiers are `SecretString`s or never logged,
//! request spans carry paths without query strings, and with the secret of a calendar feed URL or of a session's
//! stable link redacted.

use tracing_subscriber::EnvFilter;

pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,hyper=warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .init();
}

/// A request path as it may be logged: the path of a subscription feed (`/feeds/<secret>.ics`) and of a session's
/// stable link (`/join/<token>`) is its secret, so the segment after `feeds` or `join` is replaced, wherever the
/// app is mounted.
pub fn loggable_path(path: &str) -> std::borrow::Cow<'_, str> {
    let mut segments = path.split('/');
    let Some(at) = segments.position(|s| s == "feeds" || s == "join") else {
        return path.into();
    };
    let parts: Vec<&str> = path.split('/').collect();
    if parts.len() <= at + 1 || parts[at + 1].is_empty() {
        return path.into();
    }
    let mut out: Vec<&str> = parts[..=at].to_vec();
    out.push("[redacted]");
    out.extend(&parts[at + 2..]);
    out.join("/").into()
}

#[cfg(test)]
mod tests {
    use super::loggable_path;

    #[test]
    fn feed_secrets_are_redacted_and_other_paths_kept() {
        assert_eq!(loggable_path("/feeds/s3cr3t-abc.ics"), "/feeds/[redacted]");
        assert_eq!(loggable_path("/app/feeds/s3cr3t.ics"), "/app/feeds/[redacted]");
        assert_eq!(loggable_path("/feeds/"), "/feeds/");
        assert_eq!(loggable_path("/join/Zx9-token"), "/join/[redacted]");
        assert_eq!(loggable_path("/api/sessions/12/start"), "/api/sessions/12/start");
        assert_eq!(loggable_path("/api/calendar/feed"), "/api/calendar/feed");
    }
}
