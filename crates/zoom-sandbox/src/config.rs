//! The Zoom app as registered in the (simulated) Marketplace.

/// The six granular user-level scopes BetterBeing's Zoom app is configured with (facts §1.4).
pub const DEMO_SCOPES: [&str; 6] = [
    "meeting:write:meeting",
    "meeting:update:meeting",
    "meeting:delete:meeting",
    "meeting:read:meeting",
    "meeting:read:list_meetings",
    "user:read:user",
];

/// The meeting events the demo app subscribes to (Zoom: chosen in the app's feature page in the Marketplace);
/// `meeting_events.rs` builds their payloads.
pub(crate) const MEETING_EVENTS: [&str; 6] = [
    "meeting.created",
    "meeting.updated",
    "meeting.deleted",
    "meeting.recovered",
    "meeting.started",
    "meeting.ended",
];

/// One registered Zoom OAuth app. The sandbox serves exactly one.
#[derive(Clone, Debug, Default)]
pub struct SandboxConfig {
    /// Shown on the consent page, e.g. "BetterBeing".
    pub app_name: String,
    pub client_id: String,
    pub client_secret: String,
    /// Exact-match allow list for `redirect_uri`.
    pub redirect_uris: Vec<String>,
    /// The app's configured scopes. Zoom grants these whatever `scope` the authorize URL carries.
    pub scopes: Vec<String>,
    /// The app's "Secret Token": keys `x-zm-signature` and the URL-validation answer.
    pub webhook_secret_token: String,
    /// Where `app_deauthorized` (and `endpoint.url_validation`) are POSTed: the app's one event endpoint, so the
    /// meeting events it subscribes to go there too.
    pub deauthorization_url: Option<String>,
    /// The events the app subscribes to besides `app_deauthorized` (the demo app: every meeting event,
    /// `MEETING_EVENTS`).
    pub event_subscriptions: Vec<String>,
    /// Whether Zoom's per-second rate limits apply (facts §4.2; `rate_limits.rs`). On for the demo and the binary, so
    /// a client that bursts is refused as Zoom would refuse it; `POST /_sandbox/rate-limits` flips it at run time
    /// for tests about other things.
    pub per_second_limits: bool,
}

impl SandboxConfig {
    /// The demo app BetterBeing is developed against.
    pub fn demo(redirect_uri: &str, deauthorization_url: Option<&str>) -> Self {
        Self {
            app_name: "BetterBeing".to_owned(),
            client_id: "bb-demo-client-id".to_owned(),
            client_secret: "bb-demo-client-secret".to_owned(),
            redirect_uris: vec![redirect_uri.to_owned()],
            scopes: DEMO_SCOPES.iter().map(|s| (*s).to_owned()).collect(),
            webhook_secret_token: "bb-demo-webhook-secret".to_owned(),
            deauthorization_url: deauthorization_url.map(str::to_owned),
            event_subscriptions: MEETING_EVENTS.iter().map(|e| (*e).to_owned()).collect(),
            per_second_limits: true,
        }
    }
}
