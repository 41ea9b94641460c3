//! The one place URLs are built: app routes (what the router matches), browser paths (under the base path) and
//! API URLs (under the API origin).

use leptos_router::StaticSegment;

use crate::config::Config;
use crate::logic::urls;

pub const SIGN_IN: &str = "/signin";
pub const CONSOLE: &str = "/console";
pub const ZOOM: &str = "/console/video-accounts/zoom";

/// Query parameter on the sign-in page: the app path to return to.
pub const NEXT_PARAM: &str = "next";

/// Route segments for the router; `segments_match_paths` keeps them equal to the strings above.
pub const SIGN_IN_SEGMENTS: StaticSegment<&str> = StaticSegment("signin");
pub const CONSOLE_SEGMENTS: StaticSegment<&str> = StaticSegment("console");
pub const ZOOM_UNDER_CONSOLE_SEGMENTS: (StaticSegment<&str>, StaticSegment<&str>) =
    (StaticSegment("video-accounts"), StaticSegment("zoom"));

/// `/signin?next=<app path>`.
pub fn sign_in_then(next_app_path: &str) -> String {
    format!(
        "{SIGN_IN}?{NEXT_PARAM}={}",
        urls::encode_query_value(next_app_path)
    )
}

/// Where to go after signing in, from the sign-in page's own query string.
pub fn after_sign_in(sign_in_search: &str) -> String {
    urls::sanitize_next(
        urls::query_value(sign_in_search, NEXT_PARAM).as_deref(),
        ZOOM,
    )
}

/// The browser path of an app path (adds the base path).
pub fn browser_path(config: &Config, app_path: &str) -> String {
    urls::join_base(&config.base_path, app_path)
}

/// The app path (without base) of the page the browser shows now, with its query.
pub fn current_app_path(config: &Config, browser_path: &str, search: &str) -> String {
    let path = urls::strip_base(&config.base_path, browser_path).unwrap_or_else(|| ZOOM.into());
    format!("{path}{search}")
}

pub fn api_url(config: &Config, api_path: &str) -> String {
    format!("{}{api_path}", config.api_origin)
}

/// The top-level navigation that starts Connect or Reauth and brings the person back to `browser_path`+`search`.
pub fn zoom_connect(config: &Config, browser_path: &str, search: &str) -> String {
    urls::connect_url(&config.api_origin, &urls::return_to(browser_path, search))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_match_paths() {
        assert_eq!(format!("/{}", SIGN_IN_SEGMENTS.0), SIGN_IN);
        assert_eq!(format!("/{}", CONSOLE_SEGMENTS.0), CONSOLE);
        let (a, b) = ZOOM_UNDER_CONSOLE_SEGMENTS;
        assert_eq!(format!("{CONSOLE}/{}/{}", a.0, b.0), ZOOM);
    }

    #[test]
    fn sign_in_round_trips_next() {
        let url = sign_in_then("/console/video-accounts/zoom?x=1");
        let search = url.split_once('?').map(|(_, q)| format!("?{q}")).unwrap();
        assert_eq!(after_sign_in(&search), "/console/video-accounts/zoom?x=1");
        assert_eq!(after_sign_in("?next=https://evil.example"), ZOOM);
        assert_eq!(after_sign_in(""), ZOOM);
    }

    #[test]
    fn embedded_under_a_base_path() {
        let config = Config::new("/apps/zoom/", "https://api.example.com/");
        assert_eq!(
            browser_path(&config, ZOOM),
            "/apps/zoom/console/video-accounts/zoom"
        );
        assert_eq!(
            current_app_path(&config, "/apps/zoom/console", "?a=1"),
            "/console?a=1"
        );
        assert_eq!(
            api_url(&config, api::paths::ME),
            "https://api.example.com/api/me"
        );
        assert_eq!(
            zoom_connect(&config, "/apps/zoom/console/video-accounts/zoom", "?zoom=connected"),
            "https://api.example.com/api/zoom/connect?return_to=%2Fapps%2Fzoom%2Fconsole%2Fvideo-accounts%2Fzoom"
        );
    }
}
