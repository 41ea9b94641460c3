//! String work behind every URL the SPA builds or reads. `crate::routes` is the only caller that should assemble
//! URLs from these pieces.

use api::zoom::{callback, CallbackError};

/// `<meta name="betterbeing:base-path">` as the router wants it: `""` for the site root, otherwise `/seg/seg`
/// (leading slash, no trailing slash). A host shell may write it either way.
pub fn normalize_base_path(raw: &str) -> String {
    let trimmed = raw.trim().trim_matches('/');
    if trimmed.is_empty() {
        String::new()
    } else {
        format!("/{trimmed}")
    }
}

/// `<meta name="betterbeing:api-origin">`: `""` means same origin; otherwise an origin without trailing slash.
pub fn normalize_api_origin(raw: &str) -> String {
    raw.trim().trim_end_matches('/').to_string()
}

/// Joins the normalized base path and an app path (`/console/...`) into the path the browser shows.
pub fn join_base(base_path: &str, app_path: &str) -> String {
    let app_path = if app_path.starts_with('/') {
        app_path.to_string()
    } else {
        format!("/{app_path}")
    };
    format!("{base_path}{app_path}")
}

/// The app path (what the router matches) for a browser path under `base_path`, or `None` when the browser path
/// is outside the app.
pub fn strip_base(base_path: &str, browser_path: &str) -> Option<String> {
    if base_path.is_empty() {
        return Some(browser_path.to_string());
    }
    let rest = browser_path.strip_prefix(base_path)?;
    if rest.is_empty() {
        Some("/".to_string())
    } else if rest.starts_with('/') || rest.starts_with('?') {
        Some(if rest.starts_with('?') {
            format!("/{rest}")
        } else {
            rest.to_string()
        })
    } else {
        None
    }
}

/// Where to send a person after signing in, given an untrusted `next` query value. Only same-app paths pass:
/// a scheme, a protocol-relative `//host`, a backslash (browsers treat `/\host` as `//host`) or a control character
/// sends them to `fallback` instead, so the sign-in page cannot be used as an open redirect.
pub fn sanitize_next(next: Option<&str>, fallback: &str) -> String {
    match next {
        Some(n) if is_safe_app_path(n) => n.to_string(),
        _ => fallback.to_string(),
    }
}

fn is_safe_app_path(p: &str) -> bool {
    p.starts_with('/')
        && !p.starts_with("//")
        && !p.contains('\\')
        && !p.chars().any(|c| c.is_control() || c.is_whitespace())
}

/// Percent-encodes a query value (everything but RFC 3986 unreserved characters).
pub fn encode_query_value(value: &str) -> String {
    urlencoding::encode(value).into_owned()
}

/// Splits a query string (with or without its `?`) into decoded pairs. `+` is a space, as in forms.
pub fn parse_query(search: &str) -> Vec<(String, String)> {
    search
        .trim_start_matches('?')
        .split('&')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    let s = s.replace('+', " ");
    urlencoding::decode(&s).map(|c| c.into_owned()).unwrap_or(s)
}

/// The first value of `key` in a query string.
pub fn query_value(search: &str, key: &str) -> Option<String> {
    parse_query(search).into_iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// The query string (`""` or `?a=b...`) without the OAuth callback's outcome parameters, keeping every other
/// parameter in its original encoding and order.
pub fn strip_callback_params(search: &str) -> String {
    let kept: Vec<&str> = search
        .trim_start_matches('?')
        .split('&')
        .filter(|part| !part.is_empty())
        .filter(|part| {
            let key = part.split_once('=').map_or(*part, |(k, _)| k);
            key != callback::QUERY_OK && key != callback::QUERY_ERROR
        })
        .collect();
    if kept.is_empty() {
        String::new()
    } else {
        format!("?{}", kept.join("&"))
    }
}

/// What the OAuth callback told us on the return URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallbackOutcome {
    Connected,
    /// Why not (`Unknown` for a code from a newer server).
    Failed {
        code: CallbackError,
    },
}

/// Reads `?zoom=connected` or `?zoom_error=<code>`. An error wins over success if both appear.
pub fn parse_callback_outcome(search: &str) -> Option<CallbackOutcome> {
    let pairs = parse_query(search);
    if let Some((_, code)) = pairs.iter().find(|(k, _)| k == callback::QUERY_ERROR) {
        return Some(CallbackOutcome::Failed {
            code: CallbackError::parse(code.trim()),
        });
    }
    pairs
        .iter()
        .any(|(k, v)| k == callback::QUERY_OK && v == callback::OK_VALUE)
        .then_some(CallbackOutcome::Connected)
}

/// The path the server should send the person back to after Zoom: where they are now, minus any previous outcome.
pub fn return_to(browser_path: &str, search: &str) -> String {
    let path = if is_safe_app_path(browser_path) {
        browser_path
    } else {
        "/"
    };
    format!("{path}{}", strip_callback_params(search))
}

/// Where to come back to after Zoom: the return URL the host configured (a path, or an absolute URL on an origin the
/// server trusts; the server checks it), else the page the person is on now.
pub fn choose_return_to(configured: &str, browser_path: &str, search: &str) -> String {
    match configured.trim() {
        "" => return_to(browser_path, search),
        configured => configured.to_string(),
    }
}

/// The top-level navigation that starts Zoom's OAuth flow (Connect and Reauth alike).
pub fn connect_url(api_origin: &str, return_to: &str) -> String {
    format!(
        "{api_origin}{}?return_to={}",
        api::paths::ZOOM_CONNECT,
        encode_query_value(return_to)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_path_is_normalized() {
        assert_eq!(normalize_base_path("/"), "");
        assert_eq!(normalize_base_path(""), "");
        assert_eq!(normalize_base_path(" /zoom/ "), "/zoom");
        assert_eq!(normalize_base_path("apps/zoom"), "/apps/zoom");
    }

    #[test]
    fn api_origin_is_normalized() {
        assert_eq!(normalize_api_origin(""), "");
        assert_eq!(
            normalize_api_origin("https://api.example.com/"),
            "https://api.example.com"
        );
    }

    #[test]
    fn base_joins_and_strips() {
        assert_eq!(join_base("", "/signin"), "/signin");
        assert_eq!(join_base("/zoom", "/signin"), "/zoom/signin");
        assert_eq!(strip_base("", "/console"), Some("/console".into()));
        assert_eq!(strip_base("/zoom", "/zoom/console"), Some("/console".into()));
        assert_eq!(strip_base("/zoom", "/zoom"), Some("/".into()));
        assert_eq!(strip_base("/zoom", "/zoomer/x"), None);
        assert_eq!(strip_base("/zoom", "/other"), None);
    }

    #[test]
    fn next_only_accepts_same_app_paths() {
        let fb = "/console/video-accounts/zoom";
        assert_eq!(sanitize_next(Some("/console"), fb), "/console");
        assert_eq!(sanitize_next(Some("/a?b=c"), fb), "/a?b=c");
        for evil in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "javascript:alert(1)",
            "evil",
            "",
            "/a\nb",
        ] {
            assert_eq!(sanitize_next(Some(evil), fb), fb, "{evil:?}");
        }
        assert_eq!(sanitize_next(None, fb), fb);
    }

    #[test]
    fn query_parsing_decodes() {
        assert_eq!(
            query_value("?next=%2Fconsole%3Fa%3D1&x=y+z", "next"),
            Some("/console?a=1".into())
        );
        assert_eq!(query_value("?x=y+z", "x"), Some("y z".into()));
        assert_eq!(query_value("", "x"), None);
    }

    #[test]
    fn callback_params_are_stripped_and_others_kept() {
        assert_eq!(strip_callback_params("?zoom=connected"), "");
        assert_eq!(strip_callback_params("?zoom_error=denied"), "");
        assert_eq!(strip_callback_params("?a=1&zoom_error=denied&b=%20"), "?a=1&b=%20");
        assert_eq!(strip_callback_params(""), "");
        assert_eq!(strip_callback_params("?zoomer=1"), "?zoomer=1");
    }

    #[test]
    fn callback_outcome_is_read() {
        assert_eq!(
            parse_callback_outcome("?zoom=connected"),
            Some(CallbackOutcome::Connected)
        );
        assert_eq!(
            parse_callback_outcome("?zoom_error=cannot_host"),
            Some(CallbackOutcome::Failed {
                code: CallbackError::CannotHost
            })
        );
        assert_eq!(parse_callback_outcome("?zoom=maybe"), None);
        assert_eq!(parse_callback_outcome(""), None);
    }

    #[test]
    fn connect_url_carries_an_encoded_return_to_without_old_outcome() {
        let rt = return_to("/console/video-accounts/zoom", "?zoom_error=denied&tab=1");
        assert_eq!(rt, "/console/video-accounts/zoom?tab=1");
        assert_eq!(
            connect_url("", &rt),
            "/api/zoom/connect?return_to=%2Fconsole%2Fvideo-accounts%2Fzoom%3Ftab%3D1"
        );
        assert_eq!(
            connect_url("https://api.example.com", "/x"),
            "https://api.example.com/api/zoom/connect?return_to=%2Fx"
        );
    }

    #[test]
    fn a_configured_return_url_wins_over_the_current_page() {
        let here = ("/console/video-accounts/zoom", "?zoom=connected&tab=1");
        assert_eq!(
            choose_return_to("", here.0, here.1),
            "/console/video-accounts/zoom?tab=1"
        );
        assert_eq!(
            choose_return_to("  ", here.0, here.1),
            "/console/video-accounts/zoom?tab=1"
        );
        assert_eq!(
            choose_return_to("/embed-example/console/video-accounts/zoom", here.0, here.1),
            "/embed-example/console/video-accounts/zoom"
        );
        assert_eq!(
            choose_return_to("https://shell.example/practice/zoom", here.0, here.1),
            "https://shell.example/practice/zoom"
        );
    }

    #[test]
    fn return_to_never_leaves_the_site() {
        assert_eq!(return_to("//evil.example", ""), "/");
    }
}
