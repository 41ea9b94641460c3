//! Where the browser goes back to after Zoom's consent page. Only paths on our own origin, or URLs on an origin
//! configured as an embedding host (the BetterBeing shell), are accepted, so the connect endpoint cannot be turned
//! into an open redirect.

pub const DEFAULT_RETURN_TO: &str = "/console/video-accounts/zoom";

/// Accepts `/path?query#fragment` on this origin, or an absolute URL whose origin is in `allowed_origins`; refuses
/// other absolute URLs, protocol-relative `//host`, backslashes and control characters. The caller only needs to know
/// that it was refused (it then uses the default), so the error carries nothing.
#[allow(clippy::result_unit_err)]
pub fn sanitize(candidate: Option<&str>, allowed_origins: &[String]) -> Result<String, ()> {
    let Some(candidate) = candidate.map(str::trim).filter(|c| !c.is_empty()) else {
        return Ok(DEFAULT_RETURN_TO.to_string());
    };
    if let Ok(url) = url::Url::parse(candidate) {
        let origin = url.origin().ascii_serialization();
        let clean = !candidate.chars().any(char::is_control) && url.username().is_empty() && url.password().is_none();
        return if clean && allowed_origins.contains(&origin) {
            Ok(url.to_string())
        } else {
            Err(())
        };
    }
    let ok = candidate.starts_with('/')
        && !candidate.starts_with("//")
        && !candidate.contains('\\')
        && !candidate.chars().any(char::is_control)
        && candidate.len() <= 1024;
    if ok {
        Ok(candidate.to_string())
    } else {
        Err(())
    }
}

/// Adds `key=value` to the query of `return_to`, keeping any fragment at the end.
pub fn with_outcome(return_to: &str, key: &str, value: &str) -> String {
    let (before_fragment, fragment) = match return_to.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (return_to, None),
    };
    let separator = if before_fragment.contains('?') { '&' } else { '?' };
    let mut out = format!("{before_fragment}{separator}{key}={}", urlencoding::encode(value));
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_paths_are_kept_and_missing_ones_default_to_the_zoom_page() {
        assert_eq!(sanitize(Some("/calendar?week=3"), &[]).unwrap(), "/calendar?week=3");
        assert_eq!(sanitize(None, &[]).unwrap(), DEFAULT_RETURN_TO);
        assert_eq!(sanitize(Some("  "), &[]).unwrap(), DEFAULT_RETURN_TO);
    }

    #[test]
    fn other_origins_are_refused() {
        let shell = ["https://app.betterbeing.example".to_string()];
        for bad in [
            "https://evil.example/",
            "//evil.example",
            "/\\evil.example",
            "javascript:alert(1)",
            "/a\nb",
            "https://app.betterbeing.example.evil.example/",
            "https://user@app.betterbeing.example/",
            "http://app.betterbeing.example/",
        ] {
            assert!(sanitize(Some(bad), &shell).is_err(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn the_embedding_shell_may_be_returned_to() {
        let shell = ["https://app.betterbeing.example".to_string()];
        assert_eq!(
            sanitize(Some("https://app.betterbeing.example/settings/video?tab=zoom"), &shell).unwrap(),
            "https://app.betterbeing.example/settings/video?tab=zoom"
        );
    }

    #[test]
    fn the_outcome_goes_into_the_query_before_the_fragment() {
        assert_eq!(with_outcome("/a", "zoom", "connected"), "/a?zoom=connected");
        assert_eq!(
            with_outcome("/a?x=1#top", "zoom_error", "denied"),
            "/a?x=1&zoom_error=denied#top"
        );
    }
}
