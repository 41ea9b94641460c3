//! A CalDAV client (RFC 4791 on WebDAV, RFC 4918; discovery as RFC 6764 describes): find the account's calendars,
//! then write, read and delete one event resource. HTTP Basic authentication over TLS (plain http only where the
//! deployment allows private addresses, e.g. a local Radicale). Redirects are followed by hand (reqwest would turn
//! a redirected PROPFIND into a GET), and every URL is checked against the same rule before it is contacted.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use url::Url;

const DAV: &str = "DAV:";
const CALDAV: &str = "urn:ietf:params:xml:ns:caldav";
const MAX_REDIRECTS: usize = 5;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalDavError {
    /// 401/403: the username or password was refused.
    #[error("the calendar server refused the credentials")]
    Unauthorized,
    /// No answer (DNS, connection, timeout) or a 5xx.
    #[error("the calendar server could not be reached: {0}")]
    Unreachable(String),
    /// The server answers, but not as a CalDAV server.
    #[error("not a CalDAV server")]
    NotCalDav,
    /// The calendar collection is gone (404/409/410 when writing into it).
    #[error("the calendar is gone")]
    CalendarGone,
    /// `If-Match` / `If-None-Match` did not hold.
    #[error("the event changed on the server meanwhile")]
    PreconditionFailed,
    /// Any other refusal, with its status.
    #[error("the calendar server refused with {0}")]
    Refused(u16),
    /// The URL breaks the deployment's rule (https; private addresses only where allowed).
    #[error("calendar URL refused: {0}")]
    UrlRefused(String),
}

/// Which URLs the server may contact on a practitioner's behalf. Without `allow_private`, only https to public
/// hosts: a practitioner cannot point BetterBeing at its own network.
#[derive(Debug, Clone, Copy)]
pub struct UrlRule {
    pub allow_private: bool,
}

impl UrlRule {
    pub fn check(&self, url: &Url) -> Result<(), CalDavError> {
        let host = url.host_str().unwrap_or_default();
        if !url.username().is_empty() || url.password().is_some() {
            return Err(CalDavError::UrlRefused(
                "Put the username and password in their own fields, not in the URL.".into(),
            ));
        }
        let private = is_private_host(host);
        match (url.scheme(), private) {
            (_, true) if !self.allow_private => Err(CalDavError::UrlRefused(format!(
                "{host} is a private or local address, which this BetterBeing does not contact."
            ))),
            ("https", _) => Ok(()),
            ("http", true) => Ok(()),
            _ => Err(CalDavError::UrlRefused(
                "The server URL must start with https://.".into(),
            )),
        }
    }
}

fn is_private_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.eq_ignore_ascii_case("localhost") || host.ends_with(".localhost") || host.ends_with(".local") {
        return true;
    }
    match host.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(ip)) => {
            ip.is_loopback() || ip.is_private() || ip.is_link_local() || ip.is_unspecified() || ip.is_broadcast()
        }
        Ok(std::net::IpAddr::V6(ip)) => {
            ip.is_loopback()
                || ip.is_unspecified()
                || (ip.segments()[0] & 0xfe00) == 0xfc00
                || (ip.segments()[0] & 0xffc0) == 0xfe80
        }
        Err(_) => false,
    }
}

/// A calendar discovery found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundCalendar {
    pub url: String,
    pub name: String,
}

/// How a write is conditioned.
#[derive(Debug, Clone, Copy)]
pub enum Precondition<'a> {
    /// `If-None-Match: *`: only if the resource does not exist yet.
    Create,
    /// `If-Match: <etag>`: only if it is still what we wrote.
    Matches(&'a str),
    /// No condition (the server gave no ETag to match).
    Overwrite,
}

/// One account on one CalDAV server.
#[derive(Clone)]
pub struct CalDav {
    http: reqwest::Client,
    rule: UrlRule,
    username: String,
    password: SecretString,
}

pub fn http_client(timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("BetterBeing/", env!("CARGO_PKG_VERSION"), " (CalDAV)"))
        .build()
        .expect("a reqwest client with rustls builds")
}

/// One `<response>` of a multistatus, with the properties that answered 200.
#[derive(Debug, Default)]
struct DavResponse {
    href: String,
    principal: Option<String>,
    home: Option<String>,
    is_calendar: bool,
    name: Option<String>,
    /// `None` when the server did not say (then any component is assumed).
    components: Option<Vec<String>>,
}

fn parse_multistatus(body: &str) -> Result<Vec<DavResponse>, CalDavError> {
    let doc = roxmltree::Document::parse(body).map_err(|_| CalDavError::NotCalDav)?;
    let root = doc.root_element();
    if !root.has_tag_name((DAV, "multistatus")) {
        return Err(CalDavError::NotCalDav);
    }
    fn child<'a, 'i>(node: roxmltree::Node<'a, 'i>, ns: &str, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
        node.children().find(|c| c.has_tag_name((ns, name)))
    }
    fn href_in(node: roxmltree::Node<'_, '_>) -> Option<String> {
        child(node, DAV, "href")
            .and_then(|h| h.text())
            .map(|t| t.trim().to_string())
    }
    let mut out = Vec::new();
    for response in root.children().filter(|n| n.has_tag_name((DAV, "response"))) {
        let mut r = DavResponse {
            href: href_in(response).unwrap_or_default(),
            ..DavResponse::default()
        };
        for propstat in response.children().filter(|n| n.has_tag_name((DAV, "propstat"))) {
            let ok = child(propstat, DAV, "status")
                .and_then(|s| s.text())
                .is_some_and(|s| s.contains(" 200 "));
            let Some(prop) = child(propstat, DAV, "prop").filter(|_| ok) else {
                continue;
            };
            if let Some(p) = child(prop, DAV, "current-user-principal") {
                r.principal = href_in(p);
            }
            if let Some(h) = child(prop, CALDAV, "calendar-home-set") {
                r.home = href_in(h);
            }
            if let Some(t) = child(prop, DAV, "resourcetype") {
                r.is_calendar = child(t, CALDAV, "calendar").is_some();
            }
            if let Some(n) = child(prop, DAV, "displayname") {
                r.name = n.text().map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
            }
            if let Some(set) = child(prop, CALDAV, "supported-calendar-component-set") {
                r.components = Some(
                    set.children()
                        .filter(|c| c.has_tag_name((CALDAV, "comp")))
                        .filter_map(|c| c.attribute("name").map(str::to_ascii_uppercase))
                        .collect(),
                );
            }
        }
        out.push(r);
    }
    Ok(out)
}

fn propfind_body(props: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:" xmlns:c="{CALDAV}"><d:prop>{props}</d:prop></d:propfind>"#
    )
}

fn status_error(status: StatusCode) -> CalDavError {
    match status {
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => CalDavError::Unauthorized,
        StatusCode::PRECONDITION_FAILED => CalDavError::PreconditionFailed,
        s if s.is_server_error() => CalDavError::Unreachable(format!("the server answered {}", s.as_u16())),
        s => CalDavError::Refused(s.as_u16()),
    }
}

fn unreachable(e: reqwest::Error) -> CalDavError {
    // reqwest's message names the URL, never the credentials (they travel in a header).
    let what = if e.is_timeout() {
        "it did not answer in time"
    } else if e.is_connect() {
        "the connection failed"
    } else {
        "the request failed"
    };
    CalDavError::Unreachable(what.into())
}

impl CalDav {
    pub fn new(http: reqwest::Client, rule: UrlRule, username: &str, password: SecretString) -> Self {
        CalDav {
            http,
            rule,
            username: username.to_string(),
            password,
        }
    }

    /// Sends one request, following redirects (same method and body) up to a limit, each target checked first.
    async fn send(
        &self,
        method: Method,
        url: &Url,
        headers: &[(&str, &str)],
        body: Option<String>,
    ) -> Result<(Url, reqwest::Response), CalDavError> {
        let mut url = url.clone();
        for _ in 0..=MAX_REDIRECTS {
            self.rule.check(&url)?;
            let mut request = self
                .http
                .request(method.clone(), url.clone())
                .basic_auth(&self.username, Some(self.password.expose_secret()));
            for (name, value) in headers {
                request = request.header(*name, *value);
            }
            if let Some(body) = &body {
                request = request.body(body.clone());
            }
            let response = request.send().await.map_err(unreachable)?;
            if response.status().is_redirection() {
                let location = response
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|l| l.to_str().ok())
                    .ok_or(CalDavError::NotCalDav)?;
                url = url.join(location).map_err(|_| CalDavError::NotCalDav)?;
                continue;
            }
            return Ok((url, response));
        }
        Err(CalDavError::NotCalDav)
    }

    async fn propfind(&self, url: &Url, depth: &str, props: &str) -> Result<(Url, Vec<DavResponse>), CalDavError> {
        let (url, response) = self
            .send(
                Method::from_bytes(b"PROPFIND").expect("a valid method"),
                url,
                &[("Depth", depth), ("Content-Type", "application/xml; charset=utf-8")],
                Some(propfind_body(props)),
            )
            .await?;
        let status = response.status();
        if status != StatusCode::MULTI_STATUS {
            return Err(match status {
                StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => CalDavError::Unauthorized,
                s if s.is_server_error() => status_error(s),
                _ => CalDavError::NotCalDav,
            });
        }
        let body = response.text().await.map_err(unreachable)?;
        Ok((url, parse_multistatus(&body)?))
    }

    /// The account's calendars that can hold events: the principal (from the URL given, else from
    /// `/.well-known/caldav`), its calendar home, then the home's calendars.
    pub async fn discover(&self, server: &Url) -> Result<Vec<FoundCalendar>, CalDavError> {
        let principal_prop = "<d:current-user-principal/><d:resourcetype/>";
        let found = match self.propfind(server, "0", principal_prop).await {
            Ok((at, responses)) => responses.into_iter().find_map(|r| r.principal).map(|p| (at, p)),
            Err(CalDavError::NotCalDav | CalDavError::Refused(_)) => None,
            Err(e) => return Err(e),
        };
        let (at, principal) = match found {
            Some(found) => found,
            None => {
                let well_known = server.join("/.well-known/caldav").map_err(|_| CalDavError::NotCalDav)?;
                let (at, responses) = self.propfind(&well_known, "0", principal_prop).await?;
                let principal = responses
                    .into_iter()
                    .find_map(|r| r.principal)
                    .ok_or(CalDavError::NotCalDav)?;
                (at, principal)
            }
        };
        let principal = at.join(&principal).map_err(|_| CalDavError::NotCalDav)?;
        let (at, responses) = self.propfind(&principal, "0", "<c:calendar-home-set/>").await?;
        let home = responses
            .into_iter()
            .find_map(|r| r.home)
            .ok_or(CalDavError::NotCalDav)?;
        let home = at.join(&home).map_err(|_| CalDavError::NotCalDav)?;
        let (at, responses) = self
            .propfind(
                &home,
                "1",
                "<d:resourcetype/><d:displayname/><c:supported-calendar-component-set/>",
            )
            .await?;
        let mut calendars = Vec::new();
        for r in responses {
            let holds_events = r.components.as_ref().is_none_or(|c| c.iter().any(|c| c == "VEVENT"));
            if !r.is_calendar || !holds_events {
                continue;
            }
            let Ok(url) = at.join(&r.href) else { continue };
            let fallback = url
                .path_segments()
                .and_then(|mut s| s.rfind(|s| !s.is_empty()).map(str::to_string))
                .unwrap_or_else(|| "Calendar".into());
            calendars.push(FoundCalendar {
                url: url.to_string(),
                name: r.name.unwrap_or(fallback),
            });
        }
        Ok(calendars)
    }

    /// Confirms the calendar is still there and readable with these credentials.
    pub async fn check_calendar(&self, calendar: &Url) -> Result<(), CalDavError> {
        match self.propfind(calendar, "0", "<d:resourcetype/>").await {
            Ok((_, responses)) if responses.iter().any(|r| r.is_calendar) => Ok(()),
            Ok(_) => Err(CalDavError::CalendarGone),
            Err(CalDavError::NotCalDav) => Err(CalDavError::CalendarGone),
            Err(e) => Err(e),
        }
    }

    /// Writes an event resource; answers its new ETag when the server gives one.
    pub async fn put(&self, href: &Url, ics: &str, when: Precondition<'_>) -> Result<Option<String>, CalDavError> {
        let mut headers = vec![("Content-Type", "text/calendar; charset=utf-8")];
        match when {
            Precondition::Create => headers.push(("If-None-Match", "*")),
            Precondition::Matches(etag) => headers.push(("If-Match", etag)),
            Precondition::Overwrite => {}
        }
        let (_, response) = self.send(Method::PUT, href, &headers, Some(ics.to_string())).await?;
        match response.status() {
            s if s.is_success() => Ok(etag_of(&response)),
            StatusCode::NOT_FOUND | StatusCode::CONFLICT | StatusCode::GONE => Err(CalDavError::CalendarGone),
            s => Err(status_error(s)),
        }
    }

    /// Reads an event resource: its ETag and body, or `None` if it does not exist.
    pub async fn get(&self, href: &Url) -> Result<Option<(Option<String>, String)>, CalDavError> {
        let (_, response) = self.send(Method::GET, href, &[], None).await?;
        match response.status() {
            StatusCode::NOT_FOUND | StatusCode::GONE => Ok(None),
            s if s.is_success() => {
                let etag = etag_of(&response);
                Ok(Some((etag, response.text().await.map_err(unreachable)?)))
            }
            s => Err(status_error(s)),
        }
    }

    /// Deletes an event resource (with `If-Match` when the ETag is known); one already gone counts as deleted.
    pub async fn delete(&self, href: &Url, etag: Option<&str>) -> Result<(), CalDavError> {
        let headers: Vec<(&str, &str)> = etag.map(|e| ("If-Match", e)).into_iter().collect();
        let (_, response) = self.send(Method::DELETE, href, &headers, None).await?;
        match response.status() {
            s if s.is_success() => Ok(()),
            StatusCode::NOT_FOUND | StatusCode::GONE => Ok(()),
            s => Err(status_error(s)),
        }
    }
}

fn etag_of(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get(reqwest::header::ETAG)
        .and_then(|e| e.to_str().ok())
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_multistatus_gives_principal_home_and_calendars() {
        let body = r#"<?xml version="1.0"?>
<multistatus xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <response><href>/user/</href><propstat><prop>
    <current-user-principal><href>/user/</href></current-user-principal>
    <C:calendar-home-set><href>/user/</href></C:calendar-home-set>
    <resourcetype><collection/><principal/></resourcetype></prop><status>HTTP/1.1 200 OK</status></propstat></response>
  <response><href>/user/sessions/</href><propstat><prop>
    <resourcetype><collection/><C:calendar/></resourcetype><displayname>Sessions</displayname>
    <C:supported-calendar-component-set><C:comp name="VEVENT"/></C:supported-calendar-component-set>
  </prop><status>HTTP/1.1 200 OK</status></propstat></response>
  <response><href>/user/tasks/</href><propstat><prop>
    <resourcetype><collection/><C:calendar/></resourcetype>
    <C:supported-calendar-component-set><C:comp name="VTODO"/></C:supported-calendar-component-set>
  </prop><status>HTTP/1.1 200 OK</status></propstat>
  <propstat><prop><displayname/></prop><status>HTTP/1.1 404 Not Found</status></propstat></response>
</multistatus>"#;
        let r = parse_multistatus(body).unwrap();
        assert_eq!(r[0].principal.as_deref(), Some("/user/"));
        assert_eq!(r[0].home.as_deref(), Some("/user/"));
        assert!(!r[0].is_calendar);
        assert!(r[1].is_calendar);
        assert_eq!(r[1].name.as_deref(), Some("Sessions"));
        assert_eq!(r[2].components.as_deref(), Some(&["VTODO".to_string()][..]));
        assert_eq!(r[2].name, None);
    }

    #[test]
    fn anything_but_a_multistatus_is_not_caldav() {
        assert_eq!(parse_multistatus("<html></html>").unwrap_err(), CalDavError::NotCalDav);
        assert_eq!(parse_multistatus("not xml").unwrap_err(), CalDavError::NotCalDav);
    }

    #[test]
    fn urls_must_be_https_and_public_unless_private_addresses_are_allowed() {
        let strict = UrlRule { allow_private: false };
        let local = UrlRule { allow_private: true };
        let url = |s: &str| Url::parse(s).unwrap();
        assert!(strict.check(&url("https://caldav.icloud.com/")).is_ok());
        assert!(strict.check(&url("http://caldav.example.com/")).is_err());
        for private in [
            "https://127.0.0.1/",
            "https://10.1.2.3/",
            "https://localhost:5232/",
            "https://[::1]/",
            "https://169.254.169.254/latest",
            "https://192.168.0.10/",
        ] {
            assert!(strict.check(&url(private)).is_err(), "{private}");
        }
        assert!(local.check(&url("http://127.0.0.1:5232/")).is_ok());
        assert!(local.check(&url("http://caldav.example.com/")).is_err());
        assert!(strict.check(&url("https://me:secret@caldav.example.com/")).is_err());
    }
}
