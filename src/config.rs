//! Runtime configuration, read once at start from `<meta>` tags in index.html so a host shell can embed the SPA
//! under another path or point it at another API origin without a rebuild.

use crate::logic::urls::{normalize_api_origin, normalize_base_path};

pub const META_BASE_PATH: &str = "betterbeing:base-path";
pub const META_API_ORIGIN: &str = "betterbeing:api-origin";

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Config {
    /// `""` at the site root, otherwise `/seg` without trailing slash.
    pub base_path: String,
    /// `""` for same origin, otherwise e.g. `https://api.example.com`.
    pub api_origin: String,
}

impl Config {
    pub fn new(base_path: &str, api_origin: &str) -> Self {
        Self {
            base_path: normalize_base_path(base_path),
            api_origin: normalize_api_origin(api_origin),
        }
    }

    /// Reads the meta tags; a missing tag means the default ("/" and same origin).
    pub fn from_document() -> Self {
        Self::new(
            &meta_content(META_BASE_PATH).unwrap_or_else(|| "/".into()),
            &meta_content(META_API_ORIGIN).unwrap_or_default(),
        )
    }
}

fn meta_content(name: &str) -> Option<String> {
    let document = web_sys::window()?.document()?;
    let element = document.query_selector(&format!("meta[name=\"{name}\"]")).ok()??;
    element.get_attribute("content")
}
