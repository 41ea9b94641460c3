//! Runtime configuration, read once at start so a host shell can embed the SPA under another path, point it at
//! another API origin or bring people back to its own page after Zoom, without a rebuild. `public/embed.js` sets
//! `window.__BETTERBEING_CONFIG__`; the stand-alone index.html carries `<meta>` tags instead.

use crate::logic::urls::{normalize_api_origin, normalize_base_path};

pub const META_BASE_PATH: &str = "betterbeing:base-path";
pub const META_API_ORIGIN: &str = "betterbeing:api-origin";
pub const META_RETURN_URL: &str = "betterbeing:return-url";

/// The global `public/embed.js` sets before starting the app, and its keys.
pub const GLOBAL_CONFIG: &str = "__BETTERBEING_CONFIG__";
pub const KEY_MOUNT: &str = "mount";
pub const KEY_BASE_PATH: &str = "basePath";
pub const KEY_API_ORIGIN: &str = "apiOrigin";
pub const KEY_RETURN_URL: &str = "returnUrl";

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Config {
    /// `""` at the site root, otherwise `/seg` without trailing slash.
    pub base_path: String,
    /// `""` for same origin, otherwise e.g. `https://api.example.com`.
    pub api_origin: String,
    /// Where Zoom's consent page sends the person back to (a path or an absolute URL on a trusted origin); `""`
    /// means the page they started from.
    pub return_url: String,
    /// CSS selector of the element the app is mounted in (and DOM events are dispatched on); `None` = `<body>`.
    pub mount: Option<String>,
}

/// One source of settings (the global or the meta tags); `None` = not set there.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConfigSource {
    pub mount: Option<String>,
    pub base_path: Option<String>,
    pub api_origin: Option<String>,
    pub return_url: Option<String>,
}

impl Config {
    pub fn new(base_path: &str, api_origin: &str) -> Self {
        Self {
            base_path: normalize_base_path(base_path),
            api_origin: normalize_api_origin(api_origin),
            ..Self::default()
        }
    }

    pub fn with_return_url(mut self, return_url: &str) -> Self {
        self.return_url = return_url.trim().to_string();
        self
    }

    /// Each setting from the global when it has it, else from the meta tags, else the default (site root, same
    /// origin, back to the current page, `<body>`).
    pub fn resolve(global: &ConfigSource, meta: &ConfigSource) -> Self {
        let pick = |g: &Option<String>, m: &Option<String>| g.clone().or_else(|| m.clone());
        let mount = pick(&global.mount, &meta.mount)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty());
        Self {
            mount,
            ..Self::new(
                &pick(&global.base_path, &meta.base_path).unwrap_or_else(|| "/".into()),
                &pick(&global.api_origin, &meta.api_origin).unwrap_or_default(),
            )
            .with_return_url(&pick(&global.return_url, &meta.return_url).unwrap_or_default())
        }
    }

    /// Reads `window.__BETTERBEING_CONFIG__`, then the meta tags.
    pub fn from_document() -> Self {
        let meta = ConfigSource {
            mount: None,
            base_path: meta_content(META_BASE_PATH),
            api_origin: meta_content(META_API_ORIGIN),
            return_url: meta_content(META_RETURN_URL),
        };
        Self::resolve(&global_source(), &meta)
    }
}

fn global_source() -> ConfigSource {
    let Some(window) = web_sys::window() else {
        return ConfigSource::default();
    };
    let global = js_sys::Reflect::get(&window, &GLOBAL_CONFIG.into()).unwrap_or_default();
    if !global.is_object() {
        return ConfigSource::default();
    }
    let string = |key: &str| {
        js_sys::Reflect::get(&global, &key.into())
            .ok()
            .and_then(|v| v.as_string())
    };
    ConfigSource {
        mount: string(KEY_MOUNT),
        base_path: string(KEY_BASE_PATH),
        api_origin: string(KEY_API_ORIGIN),
        return_url: string(KEY_RETURN_URL),
    }
}

fn meta_content(name: &str) -> Option<String> {
    let document = web_sys::window()?.document()?;
    let element = document.query_selector(&format!("meta[name=\"{name}\"]")).ok()??;
    element.get_attribute("content")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn some(s: &str) -> Option<String> {
        Some(s.to_string())
    }

    #[test]
    fn nothing_set_means_site_root_same_origin_and_back_here() {
        let c = Config::resolve(&ConfigSource::default(), &ConfigSource::default());
        assert_eq!(c, Config::default());
    }

    #[test]
    fn meta_tags_are_read_when_there_is_no_global() {
        let meta = ConfigSource {
            mount: None,
            base_path: some("/apps/zoom/"),
            api_origin: some("https://api.example.com/"),
            return_url: some(" /apps/zoom/console/video-accounts/zoom "),
        };
        let c = Config::resolve(&ConfigSource::default(), &meta);
        assert_eq!(c.base_path, "/apps/zoom");
        assert_eq!(c.api_origin, "https://api.example.com");
        assert_eq!(c.return_url, "/apps/zoom/console/video-accounts/zoom");
        assert_eq!(c.mount, None);
    }

    #[test]
    fn the_global_wins_setting_by_setting() {
        let global = ConfigSource {
            mount: some("#betterbeing-zoom"),
            base_path: some("/embed-example"),
            api_origin: None,
            return_url: some("https://shell.example/zoom"),
        };
        let meta = ConfigSource {
            mount: None,
            base_path: some("/"),
            api_origin: some("https://api.example.com"),
            return_url: some("/ignored"),
        };
        let c = Config::resolve(&global, &meta);
        assert_eq!(c.mount.as_deref(), Some("#betterbeing-zoom"));
        assert_eq!(c.base_path, "/embed-example");
        assert_eq!(c.api_origin, "https://api.example.com");
        assert_eq!(c.return_url, "https://shell.example/zoom");
    }

    #[test]
    fn a_blank_mount_means_body() {
        let global = ConfigSource {
            mount: some("  "),
            ..ConfigSource::default()
        };
        assert_eq!(Config::resolve(&global, &ConfigSource::default()).mount, None);
    }
}
