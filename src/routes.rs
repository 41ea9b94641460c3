//! The one place URLs are built: app routes (what the router matches), browser paths (under the base path) and
//! API URLs (under the API origin).

use chrono::NaiveDate;
use leptos_router::{ParamSegment, StaticSegment};

use crate::config::Config;
use crate::logic::calendar::CalendarView;
use crate::logic::urls;

pub use ::api::pages::{CALENDAR, CALENDAR_SYNC, CONSOLE, ORGANISATION, SIGN_IN, ZOOM};

/// Query parameters of the calendar (and of a session panel over it): which view, around which date.
pub use ::api::pages::{DATE_PARAM, VIEW_PARAM};
/// Route parameter of the session panel.
pub const SESSION_ID_PARAM: &str = "id";

/// Query parameter on the sign-in page: the app path to return to.
pub const NEXT_PARAM: &str = "next";

/// Route segments for the router; `segments_match_paths` keeps them equal to the strings above.
pub const SIGN_IN_SEGMENTS: StaticSegment<&str> = StaticSegment("signin");
pub const CONSOLE_SEGMENTS: StaticSegment<&str> = StaticSegment("console");
pub const ZOOM_UNDER_CONSOLE_SEGMENTS: (StaticSegment<&str>, StaticSegment<&str>) =
    (StaticSegment("video-accounts"), StaticSegment("zoom"));
pub const CALENDAR_UNDER_CONSOLE_SEGMENTS: StaticSegment<&str> = StaticSegment("calendar");
pub const CALENDAR_SYNC_UNDER_CONSOLE_SEGMENTS: StaticSegment<&str> = StaticSegment("calendar-sync");
pub const ORGANISATION_UNDER_CONSOLE_SEGMENTS: StaticSegment<&str> = StaticSegment("organisation");
pub const SESSION_UNDER_CALENDAR_SEGMENTS: (StaticSegment<&str>, ParamSegment) =
    (StaticSegment("sessions"), ParamSegment(SESSION_ID_PARAM));

/// The console section an app path belongs to, for the navigation and the breadcrumb.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Calendar,
    CalendarSync,
    Zoom,
    Organisation,
}

impl Section {
    pub fn of(app_path: &str) -> Section {
        let path = app_path.split(['?', '#']).next().unwrap_or_default();
        let under = |root: &str| {
            path.strip_prefix(root)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        };
        if under(CALENDAR_SYNC) {
            Section::CalendarSync
        } else if under(CALENDAR) {
            Section::Calendar
        } else if under(ORGANISATION) {
            Section::Organisation
        } else {
            Section::Zoom
        }
    }
}

/// Where the calendar is looking, as a query string (`?view=week&date=2026-11-23`).
fn calendar_query(view: CalendarView, date: NaiveDate) -> String {
    format!(
        "?{VIEW_PARAM}={}&{DATE_PARAM}={}",
        view.name(),
        crate::logic::dates::iso_date(date)
    )
}

/// `/console/calendar?view=…&date=…`.
pub fn calendar(view: CalendarView, date: NaiveDate) -> String {
    format!("{CALENDAR}{}", calendar_query(view, date))
}

/// `/console/calendar/sessions/{id}?view=…&date=…`: the session panel over the calendar, reloadable.
pub fn session(id: i64, view: CalendarView, date: NaiveDate) -> String {
    format!("{CALENDAR}/sessions/{id}{}", calendar_query(view, date))
}

/// `/signin?next=<app path>`.
pub fn sign_in_then(next_app_path: &str) -> String {
    format!("{SIGN_IN}?{NEXT_PARAM}={}", urls::encode_query_value(next_app_path))
}

/// Where to go after signing in, from the sign-in page's own query string: never the sign-in page again.
pub fn after_sign_in(sign_in_search: &str) -> String {
    let next = urls::sanitize_next(urls::query_value(sign_in_search, NEXT_PARAM).as_deref(), CALENDAR);
    if is_sign_in(&next) {
        CALENDAR.to_owned()
    } else {
        next
    }
}

/// Whether an app path (with its query) is the sign-in page.
pub fn is_sign_in(app_path: &str) -> bool {
    app_path.split(['?', '#']).next() == Some(SIGN_IN)
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

/// The top-level navigation that starts Connect or Reauth and brings the person back to the configured return URL,
/// or else to `browser_path`+`search`.
pub fn zoom_connect(config: &Config, browser_path: &str, search: &str) -> String {
    urls::connect_url(
        &config.api_origin,
        &urls::choose_return_to(&config.return_url, browser_path, search),
    )
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
        assert_eq!(format!("{CONSOLE}/{}", CALENDAR_UNDER_CONSOLE_SEGMENTS.0), CALENDAR);
        assert_eq!(
            format!("{CONSOLE}/{}", CALENDAR_SYNC_UNDER_CONSOLE_SEGMENTS.0),
            CALENDAR_SYNC
        );
        assert_eq!(
            format!("{CONSOLE}/{}", ORGANISATION_UNDER_CONSOLE_SEGMENTS.0),
            ORGANISATION
        );
        let (sessions, id) = SESSION_UNDER_CALENDAR_SEGMENTS;
        assert_eq!(
            format!(
                "{CALENDAR}/{}/7{}",
                sessions.0,
                calendar_query(CalendarView::Day, date())
            ),
            session(7, CalendarView::Day, date())
        );
        assert_eq!(id.0, SESSION_ID_PARAM);
    }

    fn date() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    #[test]
    fn calendar_urls_carry_view_and_date() {
        assert_eq!(
            calendar(CalendarView::Month, date()),
            "/console/calendar?view=month&date=2026-11-23"
        );
        assert_eq!(
            session(42, CalendarView::Week, date()),
            "/console/calendar/sessions/42?view=week&date=2026-11-23"
        );
    }

    #[test]
    fn sections_follow_whole_segments() {
        assert_eq!(Section::of(CALENDAR), Section::Calendar);
        assert_eq!(Section::of("/console/calendar/sessions/4?view=week"), Section::Calendar);
        assert_eq!(Section::of(CALENDAR_SYNC), Section::CalendarSync);
        assert_eq!(Section::of(ORGANISATION), Section::Organisation);
        assert_eq!(Section::of(ZOOM), Section::Zoom);
        assert_eq!(Section::of("/console/calendarx"), Section::Zoom);
    }

    #[test]
    fn the_configured_return_url_goes_to_connect() {
        let config = Config::new("/embed-example", "").with_return_url("/embed-example/console/video-accounts/zoom");
        assert_eq!(
            zoom_connect(&config, "/embed-example/console/calendar", ""),
            "/api/zoom/connect?return_to=%2Fembed-example%2Fconsole%2Fvideo-accounts%2Fzoom"
        );
    }

    #[test]
    fn sign_in_round_trips_next() {
        let url = sign_in_then("/console/video-accounts/zoom?x=1");
        let search = url.split_once('?').map(|(_, q)| format!("?{q}")).unwrap();
        assert_eq!(after_sign_in(&search), "/console/video-accounts/zoom?x=1");
        assert_eq!(after_sign_in("?next=https://evil.example"), CALENDAR);
        assert_eq!(after_sign_in(""), CALENDAR);
        // Sent to sign in from the sign-in page: afterwards, not the sign-in page again.
        let nested = sign_in_then(&sign_in_then("/console/video-accounts/zoom"));
        let search = nested.split_once('?').map(|(_, q)| format!("?{q}")).unwrap();
        assert_eq!(after_sign_in(&search), CALENDAR);
        assert!(is_sign_in("/signin?next=%2Fconsole"));
        assert!(!is_sign_in("/signin-help"));
    }

    #[test]
    fn embedded_under_a_base_path() {
        let config = Config::new("/apps/zoom/", "https://api.example.com/");
        assert_eq!(browser_path(&config, ZOOM), "/apps/zoom/console/video-accounts/zoom");
        assert_eq!(current_app_path(&config, "/apps/zoom/console", "?a=1"), "/console?a=1");
        assert_eq!(api_url(&config, api::paths::ME), "https://api.example.com/api/me");
        assert_eq!(
            zoom_connect(&config, "/apps/zoom/console/video-accounts/zoom", "?zoom=connected"),
            "https://api.example.com/api/zoom/connect?return_to=%2Fapps%2Fzoom%2Fconsole%2Fvideo-accounts%2Fzoom"
        );
    }
}
