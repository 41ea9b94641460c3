//! Wire types shared by the SPA (wasm32) and the server (native).
//!
//! Nothing in this crate may ever hold a Zoom access token, refresh token, authorization code, PKCE verifier or a
//! meeting's host link: those stay in the server. The one exception that will exist (the host link handed out at the
//! moment Start Zoom Session is clicked) gets its own type when it arrives.

pub mod calendar;
pub mod calendar_sync;
pub mod error;
pub mod html;
pub mod identity;
pub mod organisation;
pub mod sessions;
pub mod zoom;

pub use error::ErrorBody;

/// The SPA's pages (app paths, under its base path), and what each reads from the API as it starts.
pub mod pages {
    use super::paths;

    pub const SIGN_IN: &str = "/signin";
    pub const CONSOLE: &str = "/console";
    pub const ZOOM: &str = "/console/video-accounts/zoom";
    pub const CALENDAR: &str = "/console/calendar";
    pub const CALENDAR_SYNC: &str = "/console/calendar-sync";
    pub const ORGANISATION: &str = "/console/organisation";

    /// The API reads the page at `app_path` (with its `query`, without the `?`) makes as soon as it starts, before
    /// any answer: who is signed in, then the page's own. The server answers these in the page it hands out
    /// (`crates/server/src/spa_page.rs`), so the app has them when it asks, without a request. Each must be a URL
    /// the page really asks for at once, exactly: a browser test checks that every one is used. A calendar URL
    /// that names its date (`?view=week&date=2027-01-04`) also lists its sessions. Only the router's own pages
    /// have any: an address it does not know shows "Page not found", which reads nothing.
    pub fn first_reads(app_path: &str, query: &str) -> Vec<String> {
        let session_panel = session_panel_id(app_path);
        let calendar = app_path == CALENDAR || session_panel.is_some();
        let page: &[&str] = match app_path {
            CONSOLE => &[],
            _ if calendar => &[paths::PREFERENCES, paths::SESSIONS_ATTENTION],
            ZOOM => &[
                paths::ZOOM_STATUS,
                paths::SESSIONS_MISSING_LINKS,
                paths::SESSIONS_ATTENTION,
                paths::ZOOM_ACCOUNT_SWITCH,
            ],
            CALENDAR_SYNC => &[paths::CALENDAR_FEED, paths::CALENDAR_SYNC],
            ORGANISATION => &[paths::ADMIN_ORGANISATION],
            _ => return Vec::new(),
        };
        let mut reads = vec![paths::ME.to_owned()];
        if calendar {
            reads.extend(calendar_sessions(query));
        }
        reads.extend(page.iter().map(|p| (*p).to_owned()));
        // The session panel over the calendar: the session, and whether Zoom is connected (for Start).
        if let Some(id) = session_panel {
            reads.extend([paths::session(id), paths::ZOOM_STATUS.to_owned()]);
        }
        reads
    }

    /// The session a session panel's path (`/console/calendar/sessions/{id}`) shows.
    fn session_panel_id(app_path: &str) -> Option<i64> {
        let id = app_path.strip_prefix(CALENDAR)?.strip_prefix("/sessions/")?;
        id.parse::<i64>()
            .ok()
            .filter(|_| id.bytes().all(|b| b.is_ascii_digit()))
    }

    // The parts of the SPA's code split off at build time (the `lazy_page!`s of the SPA's `src/app.rs`, whose
    // names these must equal): a page among them loads its part when first shown. Every page loads the console and
    // the Zoom page.
    /// The calendar, the session panel over it, and the demo's sign-in page (which goes on to the calendar).
    pub const CALENDAR_CODE: &str = "calendar_page";
    pub const CALENDAR_SYNC_CODE: &str = "calendar_sync_page";
    pub const ORGANISATION_CODE: &str = "organisation_page";

    /// The split-off code the page at `app_path` runs at once. The server has the browser fetch it with the page,
    /// like the first reads, instead of after the app has started and asked for it.
    pub fn first_code(app_path: &str) -> &'static [&'static str] {
        match app_path {
            // `/` and the console's root go on to the calendar, and so does signing in.
            "/" | CONSOLE | CALENDAR | SIGN_IN => &[CALENDAR_CODE],
            CALENDAR_SYNC => &[CALENDAR_SYNC_CODE],
            ORGANISATION => &[ORGANISATION_CODE],
            _ if session_panel_id(app_path).is_some() => &[CALENDAR_CODE],
            _ => &[],
        }
    }

    /// The sessions a calendar URL's query asks for, when it names the date (without one the calendar shows
    /// today in the practitioner's zone, which only the browser knows).
    fn calendar_sessions(query: &str) -> Option<String> {
        use crate::calendar::{parse_url_date, request_range, visible_days, CalendarView};
        // The last of a repeated parameter, as the SPA's router reads it.
        let param = |name: &str| {
            query
                .split('&')
                .filter_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
                .next_back()
        };
        let view = match param(VIEW_PARAM) {
            Some(name) => CalendarView::parse(name)?,
            None => CalendarView::default(),
        };
        let date = parse_url_date(param(DATE_PARAM)?)?;
        let (first, end) = visible_days(view, date);
        let (from, to) = request_range(first, end);
        Some(paths::sessions_between(from, to))
    }

    /// Query parameters of the calendar (and of a session panel over it): which view, around which date.
    pub const VIEW_PARAM: &str = "view";
    pub const DATE_PARAM: &str = "date";
}

/// Paths of the JSON API, the one place both sides take them from.
pub mod paths {
    pub const ME: &str = "/api/me";
    pub const DEMO_PEOPLE: &str = "/api/auth/demo/people";
    pub const DEMO_SIGN_IN: &str = "/api/auth/demo/sign-in";
    pub const SHELL_SIGN_IN: &str = "/api/auth/shell/sign-in";
    pub const SIGN_OUT: &str = "/api/auth/sign-out";
    pub const ZOOM_STATUS: &str = "/api/zoom/status";
    /// POST: "Check again", confirms the connection with Zoom now and answers with the status.
    pub const ZOOM_STATUS_CHECK: &str = "/api/zoom/status/check";
    /// Top-level navigation (not fetch): answers 302 to Zoom's consent page. Query: `return_to`.
    pub const ZOOM_CONNECT: &str = "/api/zoom/connect";
    pub const ZOOM_CALLBACK: &str = "/api/zoom/callback";
    pub const ZOOM_DISCONNECT: &str = "/api/zoom/disconnect";
    pub const ZOOM_WEBHOOK: &str = "/api/zoom/webhook";
    /// `GET` `PendingAccountSwitch`; `POST`: switch to the newly authorized account (`AccountSwitched`); `DELETE`:
    /// forget it (revoked at Zoom) to authorize the account the sessions are on.
    pub const ZOOM_ACCOUNT_SWITCH: &str = "/api/zoom/account-switch";

    pub const PREFERENCES: &str = "/api/me/preferences";
    /// `GET ?from=<rfc3339>&to=<rfc3339>` lists, `POST` creates.
    pub const SESSIONS: &str = "/api/sessions";
    /// The list of the sessions overlapping `[from, to)`, as the SPA asks for it (and the server answers in a page).
    pub fn sessions_between(from: chrono::DateTime<chrono::Utc>, to: chrono::DateTime<chrono::Utc>) -> String {
        let at = |t: chrono::DateTime<chrono::Utc>| {
            urlencoding::encode(&t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)).into_owned()
        };
        format!("{SESSIONS}?from={}&to={}", at(from), at(to))
    }
    /// `GET`, `PUT` (edit / reschedule), `DELETE` (cancel).
    pub fn session(id: i64) -> String {
        SESSION_ROUTE.replace("{id}", &id.to_string())
    }
    /// The server's route patterns of the per-session paths below (`{id}` is the session's id), so the router and
    /// the SPA take them from one place.
    pub const SESSION_ROUTE: &str = "/api/sessions/{id}";
    pub const SESSION_ZOOM_LINK_ROUTE: &str = "/api/sessions/{id}/zoom-link";
    pub const SESSION_ZOOM_TIME_ROUTE: &str = "/api/sessions/{id}/zoom-time";
    pub const SESSION_START_ROUTE: &str = "/api/sessions/{id}/start";
    pub const SESSION_ICS_ROUTE: &str = "/api/sessions/{id}/calendar.ics";
    /// `POST`: add a Zoom link to a session without one, or retry a failed one now.
    pub fn session_zoom_link(id: i64) -> String {
        SESSION_ZOOM_LINK_ROUTE.replace("{id}", &id.to_string())
    }
    /// `POST` `ResolveZoomTime`: the meeting was moved in Zoom; put it back, or follow Zoom's time.
    pub fn session_zoom_time(id: i64) -> String {
        SESSION_ZOOM_TIME_ROUTE.replace("{id}", &id.to_string())
    }
    /// `POST`: a freshly fetched host link (`StartLink`), at the moment Start Zoom Session is clicked.
    pub fn session_start(id: i64) -> String {
        SESSION_START_ROUTE.replace("{id}", &id.to_string())
    }
    /// `GET`: upcoming sessions without a link (`MissingLinks`); `POST`: add links to all of them.
    pub const SESSIONS_MISSING_LINKS: &str = "/api/sessions/missing-zoom-links";
    /// `GET`: `Attention` (changed in Zoom, repaired before the session, meetings still to delete).
    pub const SESSIONS_ATTENTION: &str = "/api/sessions/attention";
    /// `GET`: one session as an `.ics` file (download).
    pub fn session_ics(id: i64) -> String {
        SESSION_ICS_ROUTE.replace("{id}", &id.to_string())
    }
    /// The public pages outside `/api`: the subscription feed (`/feeds/<secret>.ics`), a session's stable client
    /// link (`/join/<token>`) and the script its waiting page polls with.
    pub const FEED_ROUTE: &str = "/feeds/{file}";
    pub const JOIN_ROUTE: &str = "/join/{token}";
    pub const JOIN_WAIT_SCRIPT: &str = "/join-wait.js";
    /// `GET` the practitioner's subscription URL (`CalendarFeed`, created on first use); `POST` rotates its secret.
    pub const CALENDAR_FEED: &str = "/api/calendar-feed";
    /// `GET` the connected calendar (`CalendarSync`); `DELETE` disconnects it (the events already written stay).
    pub const CALENDAR_SYNC: &str = "/api/calendar-sync";
    /// `POST` `CalDavCredentials`: check them, discover the calendars, answer `CalendarConnection` (choosing).
    pub const CALENDAR_SYNC_CALDAV: &str = "/api/calendar-sync/caldav";
    /// `PUT` `ChooseCalendar`: the calendar the sessions go to; upcoming sessions are written to it.
    pub const CALENDAR_SYNC_CALENDAR: &str = "/api/calendar-sync/calendar";
    /// `POST`: reach the calendar now (`CalendarTest`); a fixed problem lets waiting sessions go out.
    pub const CALENDAR_SYNC_TEST: &str = "/api/calendar-sync/test";

    /// `GET` (organisation admins only): `OrganisationAdmin`.
    pub const ADMIN_ORGANISATION: &str = "/api/admin/organisation";
    /// `PUT` `ZoomAccessChange` (organisation admins only): the "Allow practitioners to connect Zoom" switch.
    pub const ADMIN_ZOOM_ACCESS: &str = "/api/admin/organisation/zoom-access";
}

/// Header every state-changing API call must carry. A cross-site form cannot set it, so together with SameSite
/// cookies it closes the CSRF door without a token dance.
pub const CSRF_HEADER: &str = "x-betterbeing-csrf";
pub const CSRF_HEADER_VALUE: &str = "1";
