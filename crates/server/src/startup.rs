//! Builds the application: database, Zoom client, router, listener. `Application::build` binds first, so tests can
//! ask for port 0 and learn the address (or bind themselves and hand the listener to `Application::build_on`).

use std::net::SocketAddr;
use std::path::Path;

use axum::extract::Request;
use axum::http::HeaderName;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use secrecy::{ExposeSecret, SecretString};
use tokio::net::TcpListener;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::app_state::AppState;
use crate::auth::SignIn;
use crate::calendar_sync::{CalendarPush, SyncSettings};
use crate::config::Settings;
use crate::db::{self, Db};
use api::error::ErrorCode;

use crate::error::ApiError;
use crate::routes;
use crate::routes::return_to::DEFAULT_RETURN_TO;
use crate::session_link::{LinkLimiter, SessionLinks};
use crate::sessions::{Calendar, QueueSettings};
use crate::spa_page::SpaPage;
use crate::zoom::oauth::ZoomOAuth;
use crate::zoom::Zoom;

pub struct Application {
    listener: TcpListener,
    router: Router,
    pub address: SocketAddr,
    pub base_url: String,
    pub db: Db,
    /// The session calendar and its Zoom queue (tests drain it).
    pub calendar: Calendar,
    /// The connected-calendar queue (tests drain it).
    pub calendar_push: CalendarPush,
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(settings.bind).await?;
        Self::build_on(listener, settings).await
    }

    /// Like [`Application::build`] on a listener bound by the caller (`settings.bind` is ignored).
    pub async fn build_on(listener: TcpListener, settings: Settings) -> anyhow::Result<Self> {
        let address = listener.local_addr()?;
        let base_url = match &settings.public_url {
            Some(url) => url.clone(),
            None => format!("http://{address}"),
        };
        let db = db::connect(&settings.database_url).await?;
        if settings.demo {
            db::users::seed_demo(&db).await?;
        }
        let app = settings.zoom.clone();
        let zoom = Zoom::new(
            db.clone(),
            settings.token_keys.clone(),
            ZoomOAuth::new(&app, settings.zoom_timeout)?,
            app.api_base.clone(),
            DEFAULT_RETURN_TO.to_string(),
            settings.zoom_timeout,
            settings.clock.clone(),
            settings.status_max_age,
            settings.zoom_licensed_plan,
        );
        let links = SessionLinks::new(&base_url);
        let calendar_push = CalendarPush::new(
            db.clone(),
            settings.token_keys.clone(),
            settings.clock.clone(),
            SyncSettings {
                allow_private: settings.calendar_allow_private,
                timeout: settings.calendar_timeout,
                retry_base: settings.retry_base,
                lease: settings.job_lease,
                concurrency: 4,
                links: links.clone(),
            },
        );
        calendar_push.spawn_worker(settings.job_poll);
        let calendar = Calendar::new(
            db.clone(),
            zoom.clone(),
            calendar_push.clone(),
            settings.clock.clone(),
            QueueSettings {
                retry_base: settings.retry_base,
                inline_wait: settings.inline_wait,
                lease: settings.job_lease,
                concurrency: settings.job_concurrency,
            },
            links.clone(),
        );
        calendar.spawn_worker(settings.job_poll);
        calendar.spawn_pre_session_checker(settings.pre_session_check_every);
        let state = AppState {
            db: db.clone(),
            clock: settings.clock.clone(),
            zoom,
            calendar: calendar.clone(),
            calendar_push: calendar_push.clone(),
            keys: settings.token_keys.clone(),
            public_url: base_url.clone(),
            zoom_client_id: app.client_id.clone(),
            webhook_secret: app.webhook_secret_token.clone(),
            demo: settings.demo,
            shell_secret: settings.shell_secret.clone(),
            sign_in: SignIn {
                db: db.clone(),
                cookie_secure: base_url.starts_with("https://"),
                cookie_same_site_none: settings.cookie_same_site_none,
            },
            allowed_origins: settings.allowed_origins.clone(),
            links,
            link_limiter: LinkLimiter::new(settings.client_ip_header.clone()),
        };
        let router = router(state, settings.dist_dir.as_deref());
        Ok(Application {
            listener,
            router,
            address,
            base_url,
            db,
            calendar,
            calendar_push,
        })
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        // The peer address feeds the public session links' rate limit.
        axum::serve(
            self.listener,
            self.router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
    }

    /// Runs in the background (tests); returns the base URL.
    pub fn spawn(self) -> String {
        let url = self.base_url.clone();
        tokio::spawn(async move { self.run_until_stopped().await.expect("server runs") });
        url
    }
}

pub fn router(state: AppState, dist_dir: Option<&Path>) -> Router {
    let allowed_origins = state.allowed_origins.clone();
    let api = Router::new()
        .merge(routes::me::router())
        .merge(routes::auth::router())
        .merge(routes::zoom::router())
        .merge(routes::webhook::router())
        .merge(routes::sessions::router())
        .merge(routes::calendar_feed::router())
        .merge(routes::calendar_sync::router())
        .merge(routes::admin::router())
        .merge(crate::session_link::router())
        .route(
            "/api/{*rest}",
            get(api_not_found)
                .post(api_not_found)
                .put(api_not_found)
                .delete(api_not_found),
        )
        .method_not_allowed_fallback(api_method_not_allowed)
        .layer(middleware::from_fn(require_csrf_header))
        .layer(middleware::from_fn(crate::error::log_internal_errors))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .with_state(state);

    let mut app = api.clone();
    if let Some(dist) = dist_dir {
        // The example host page of docs/embedding.md: deep links under its base path reload into it.
        let example = dist.join("embed-example");
        if example.join("index.html").exists() {
            let host = ServeDir::new(&example)
                .precompressed_br()
                .precompressed_gzip()
                .fallback(
                    ServeFile::new(example.join("index.html"))
                        .precompressed_br()
                        .precompressed_gzip(),
                );
            app = app.nest_service("/embed-example", host);
        }
        // The brotli / gzip copies Trunk's build made (scripts/precompress.mjs), chosen by Accept-Encoding.
        let spa = ServeDir::new(dist).precompressed_br().precompressed_gzip().fallback(
            ServeFile::new(dist.join("index.html"))
                .precompressed_br()
                .precompressed_gzip(),
        );
        app = app
            .fallback_service(spa)
            .layer(middleware::from_fn(static_cache_headers));
        if let Some(page) = SpaPage::read(dist, api) {
            app = app.layer(middleware::from_fn(move |request: Request, next: Next| {
                crate::spa_page::with_first_reads(page.clone(), request, next)
            }));
        }
    }
    let csp = content_security_policy(dist_dir, &allowed_origins);
    if !allowed_origins.is_empty() {
        let origins: Vec<HeaderValue> = allowed_origins.iter().filter_map(|o| o.parse().ok()).collect();
        app = app.layer(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(origins))
                .allow_credentials(true)
                .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
                .allow_headers([header::CONTENT_TYPE, HeaderName::from_static(api::CSRF_HEADER)]),
        );
    }
    app.layer(SetResponseHeaderLayer::if_not_present(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_str(&csp).expect("ASCII policy"),
    ))
    .layer(SetResponseHeaderLayer::overriding(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    ))
    .layer(SetResponseHeaderLayer::overriding(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    ))
    .layer(
        // Paths only: the OAuth callback's query carries an authorization code, which must never be logged.
        TraceLayer::new_for_http().make_span_with(|request: &Request| {
            let path = crate::telemetry::loggable_path(request.uri().path());
            tracing::info_span!("http", method = %request.method(), path = %path)
        }),
    )
}

/// The Content-Security-Policy for everything we serve. Trunk's loader is one inline module script: it is allowed by
/// its SHA-256 (computed from the built `index.html`), so no `unsafe-inline` scripts. `wasm-unsafe-eval` lets the
/// browser compile the app's WebAssembly. Embedding shells are allowed as frame ancestors and API callers.
pub fn content_security_policy(dist_dir: Option<&Path>, allowed_origins: &[String]) -> String {
    use base64::Engine;
    use sha2::Digest;
    let inline_scripts: Vec<String> = dist_dir
        .and_then(|d| std::fs::read_to_string(d.join("index.html")).ok())
        .map(|html| {
            html.split("<script")
                .skip(1)
                .filter_map(|rest| {
                    let (open, body) = rest.split_once('>')?;
                    if open.contains("src=") {
                        return None;
                    }
                    let body = body.split_once("</script>")?.0;
                    let digest = sha2::Sha256::digest(body.as_bytes());
                    Some(format!(
                        "'sha256-{}'",
                        base64::engine::general_purpose::STANDARD.encode(digest)
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    let others = allowed_origins.join(" ");
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {}; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; connect-src 'self' {others}; frame-ancestors 'self' {others}; form-action 'self'; \
         base-uri 'self'; object-src 'none'",
        inline_scripts.join(" ")
    )
}

/// Whether a built file's name carries Trunk's content hash (`name-<hex>.ext`, `name-<hex>_bg.wasm`): such a file
/// never changes, so browsers may keep it for a year without asking again. Trunk writes the 64-bit hash without
/// leading zeros, so it is 16 hex digits only 15 times in 16 (one CI build's wasm was `…-80a1a79927f9f5c_bg.wasm`);
/// 12 to 16 digits count (fewer happens once in 65,536 builds, and then the file is merely revalidated).
pub fn is_content_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let Some((stem, _ext)) = name.rsplit_once('.') else {
        return false;
    };
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| (12..=16).contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Caching of the built SPA: hashed files are immutable for a year; everything else (`index.html`, `embed.js`, deep
/// links answered with `index.html`) is revalidated on every use. Every answer may differ by
/// `Accept-Encoding` (the precompressed copies). API answers set their own `no-store`.
async fn static_cache_headers(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let dynamic = ["/api/", "/feeds/", "/join/"].iter().any(|p| path.starts_with(p));
    let mut response = next.run(request).await;
    if dynamic || !(response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED) {
        return response;
    }
    let headers = response.headers_mut();
    let cache = if is_content_hashed(&path) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    response
}

async fn api_not_found() -> ApiError {
    ApiError::not_found()
}

async fn api_method_not_allowed() -> ApiError {
    ApiError::refused(
        ErrorCode::MethodNotAllowed,
        "This address does not take that kind of request.",
    )
}

/// State-changing API calls must carry `x-betterbeing-csrf: 1`, which a cross-site form cannot send. Zoom's webhook
/// is authenticated by its signature instead.
async fn require_csrf_header(request: Request, next: Next) -> Response {
    let safe = matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let exempt = request.uri().path() == api::paths::ZOOM_WEBHOOK;
    let present = request
        .headers()
        .get(api::CSRF_HEADER)
        .is_some_and(|v| v == api::CSRF_HEADER_VALUE);
    if safe || exempt || present {
        return next.run(request).await;
    }
    ApiError::refused(
        ErrorCode::CsrfHeaderMissing,
        "This request was refused because it did not come from the BetterBeing app.",
    )
    .into_response()
}

/// Never print a secret: only its length.
pub fn describe_secret(secret: &SecretString) -> String {
    format!("<{} chars>", secret.expose_secret().len())
}

#[cfg(test)]
mod tests {
    use super::is_content_hashed;

    #[test]
    fn only_trunks_hashed_names_count_as_immutable() {
        assert!(is_content_hashed("/betterbeing-zoom-web-964cd52e1d8d9583_bg.wasm"));
        assert!(is_content_hashed("/betterbeing-zoom-web-964cd52e1d8d9583.js"));
        assert!(is_content_hashed("/app/global-edb8a491ed0e68f8.css"));
        assert!(
            is_content_hashed("/betterbeing-zoom-web-80a1a79927f9f5c_bg.wasm"),
            "a hash with a leading zero"
        );
        for mutable in [
            "/index.html",
            "/embed.js",
            "/main.css",
            "/console/calendar",
            "/",
            "/x-12345.js",
            "/a-zzzzzzzzzzzzzzzz.js",
        ] {
            assert!(!is_content_hashed(mutable), "{mutable}");
        }
    }
}
