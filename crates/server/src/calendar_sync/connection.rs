//! Connecting a calendar (Console → Calendar sync): check the account and discover its calendars, pick one, test it,
//! disconnect. The practitioner reads what went wrong in the words of `explain`, which name the server reached.

use api::calendar_sync::{
    CalDavCredentials, CalendarChoice, CalendarConnection, CalendarProvider, CalendarState, CalendarSync, CalendarTest,
};
use api::error::ErrorCode;
use chrono::DateTime;
use secrecy::SecretString;
use url::Url;

use super::caldav::{CalDav, CalDavError, FoundCalendar};
use crate::db::begin_write;
use crate::db::calendar_sync::{self as store, ConnectionRow, NewConnection, State};
use crate::error::ApiError;
use crate::ids::UserId;

use super::service::{host_of, secret_aad, CalendarPush};

/// The practitioner-facing account of a CalDAV failure while connecting or testing.
fn explain(error: &CalDavError, server_url: &str) -> (ErrorCode, String) {
    let host = host_of(server_url);
    match error {
        CalDavError::Unauthorized => (
            ErrorCode::CalendarAuthFailed,
            format!(
                "{host} did not accept this username and password. Apple iCloud and Fastmail need an app-specific \
                 password, not your account password: create one in your account's security settings and try again."
            ),
        ),
        CalDavError::Unreachable(why) => (
            ErrorCode::CalendarUnreachable,
            format!("BetterBeing could not reach {host} ({why}). Check the server URL and try again in a moment."),
        ),
        CalDavError::NotCalDav | CalDavError::Refused(_) => (
            ErrorCode::CalendarNotCaldav,
            format!(
                "{server_url} does not answer as a CalDAV server. Use your provider's CalDAV address, for example \
                 https://caldav.icloud.com for iCloud, https://caldav.fastmail.com for Fastmail or \
                 https://<your server>/remote.php/dav for Nextcloud."
            ),
        ),
        CalDavError::CalendarGone => (
            ErrorCode::CalendarGone,
            "The calendar BetterBeing writes to is no longer on the server. Connect again and pick a calendar."
                .to_string(),
        ),
        CalDavError::PreconditionFailed => (
            ErrorCode::CalendarRefused,
            format!("{host} refused the request. Try again in a moment."),
        ),
        CalDavError::UrlRefused(why) => (ErrorCode::CalendarUrlInvalid, why.clone()),
    }
}
impl CalendarPush {
    pub(super) async fn view(&self, row: &ConnectionRow) -> Result<CalendarConnection, ApiError> {
        let calendars: Vec<CalendarChoice> = serde_json::from_str(&row.calendars).unwrap_or_default();
        let waiting = store::waiting(&self.db, row.user_id).await?;
        let retrying_because = match row.state {
            State::Connected if waiting > 0 => store::last_error(&self.db, row.user_id).await?,
            _ => None,
        };
        Ok(CalendarConnection {
            provider: CalendarProvider::CalDav,
            server_url: row.server_url.clone(),
            username: row.username.clone(),
            state: match row.state {
                State::Choosing => CalendarState::Choosing,
                State::Connected => CalendarState::Connected,
                State::Failed => CalendarState::Failed,
            },
            calendars,
            calendar: row.calendar_url.clone().map(|url| CalendarChoice {
                url,
                name: row.calendar_name.clone().unwrap_or_default(),
            }),
            problem: row.problem.clone(),
            waiting: waiting.max(0) as u32,
            retrying_because,
            last_pushed_at: row.last_pushed_at.and_then(DateTime::from_timestamp_millis),
        })
    }

    pub(super) async fn connection_view(&self, user_id: UserId) -> Result<CalendarConnection, ApiError> {
        let row = store::connection(&self.db, user_id).await?.ok_or_else(not_connected)?;
        self.view(&row).await
    }

    pub async fn status(&self, user_id: UserId) -> Result<CalendarSync, ApiError> {
        let connection = match store::connection(&self.db, user_id).await? {
            Some(row) => Some(self.view(&row).await?),
            None => None,
        };
        Ok(CalendarSync { connection })
    }

    /// Checks the account and discovers its calendars; stores the credentials (encrypted) only if the server
    /// accepted them and has a calendar for events.
    pub async fn connect_caldav(
        &self,
        user_id: UserId,
        input: &CalDavCredentials,
    ) -> Result<CalendarConnection, ApiError> {
        let server = parse_server_url(&input.server_url)?;
        let username = input.username.trim();
        if username.is_empty() || username.chars().count() > 320 {
            return Err(ApiError::refused(
                ErrorCode::CalendarAuthFailed,
                "Enter the username of your calendar account (often your email address).",
            ));
        }
        if input.password.is_empty() || input.password.len() > 1024 {
            return Err(ApiError::refused(
                ErrorCode::CalendarAuthFailed,
                "Enter the app-specific password of your calendar account.",
            ));
        }
        self.rule()
            .check(&server)
            .map_err(|e| refused_as(&e, server.as_str()))?;
        let client = CalDav::new(
            self.http.clone(),
            self.rule(),
            username,
            SecretString::from(input.password.clone()),
        );
        let found = client
            .discover(&server)
            .await
            .map_err(|e| refused_as(&e, server.as_str()))?;
        if found.is_empty() {
            return Err(ApiError::refused(
                ErrorCode::CalendarNoneFound,
                format!(
                    "Your account on {} has no calendar that can hold events. Create one in your calendar app, then \
                     connect again.",
                    host_of(server.as_str())
                ),
            ));
        }
        let calendars: Vec<CalendarChoice> = found
            .into_iter()
            .map(|FoundCalendar { url, name }| CalendarChoice { url, name })
            .collect();
        let secret_enc = self.keys.encrypt(&input.password, &secret_aad(user_id));
        let calendars_json = serde_json::to_string(&calendars).map_err(|e| ApiError::Internal(e.into()))?;
        store::store_choosing(
            &self.db,
            user_id,
            &NewConnection {
                provider: crate::db::vocab::CalendarProvider::CalDav,
                server_url: server.as_str(),
                username,
                secret_enc: &secret_enc,
                calendars: &calendars_json,
            },
            self.clock.now_ms(),
        )
        .await?;
        tracing::info!(%user_id, calendars = calendars.len(), "calendar account connected");
        self.connection_view(user_id).await
    }

    /// The calendar the sessions go to: every upcoming session is written to it.
    pub async fn choose(&self, user_id: UserId, url: &str) -> Result<CalendarConnection, ApiError> {
        let row = store::connection(&self.db, user_id).await?.ok_or_else(not_connected)?;
        let calendars: Vec<CalendarChoice> = serde_json::from_str(&row.calendars).unwrap_or_default();
        let Some(choice) = calendars.into_iter().find(|c| c.url == url) else {
            return Err(ApiError::refused(
                ErrorCode::CalendarNotOffered,
                "Pick one of the calendars listed for your account.",
            ));
        };
        let mut tx = begin_write(&self.db).await?;
        let queued = store::choose(&mut tx, user_id, &choice.url, &choice.name, self.clock.now_ms()).await?;
        tx.commit().await?;
        tracing::info!(%user_id, queued, "calendar chosen; upcoming sessions queued");
        self.poke();
        self.connection_view(user_id).await
    }

    /// Reaches the chosen calendar now. A problem it finds is shown on the page; one that is gone lets the
    /// waiting sessions go out.
    pub async fn test(&self, user_id: UserId) -> Result<CalendarTest, ApiError> {
        let row = store::connection(&self.db, user_id).await?.ok_or_else(not_connected)?;
        let (Some(url), Some(name)) = (row.calendar_url.clone(), row.calendar_name.clone()) else {
            return Err(not_connected());
        };
        let calendar = Url::parse(&url).map_err(|e| ApiError::Internal(e.into()))?;
        let now = self.clock.now_ms();
        match self.client(&row)?.check_calendar(&calendar).await {
            Ok(()) => {
                if store::mark_healthy(&self.db, user_id, now).await? > 0 {
                    self.poke();
                }
                Ok(CalendarTest {
                    ok: true,
                    message: format!(
                        "BetterBeing reached \u{201c}{name}\u{201d} on {} and can write your sessions to it.",
                        host_of(&row.server_url)
                    ),
                })
            }
            Err(e) => {
                let (code, message) = explain(&e, &row.server_url);
                if matches!(e, CalDavError::Unauthorized | CalDavError::CalendarGone) {
                    store::mark_failed(&self.db, user_id, code, &message, now).await?;
                }
                Ok(CalendarTest { ok: false, message })
            }
        }
    }

    pub async fn disconnect(&self, user_id: UserId) -> Result<(), ApiError> {
        store::delete_connection(&self.db, user_id).await?;
        tracing::info!(%user_id, "calendar disconnected");
        Ok(())
    }

    // ---- The queue ------------------------------------------------------------------------------------------------
}

fn not_connected() -> ApiError {
    ApiError::refused(
        ErrorCode::CalendarNotConnected,
        "No calendar is connected. Connect one on Console → Calendar sync.",
    )
}

fn refused_as(error: &CalDavError, server_url: &str) -> ApiError {
    let (code, message) = explain(error, server_url);
    ApiError::refused(code, message)
}

/// The server URL as typed: `https://` is assumed when no scheme is given.
fn parse_server_url(input: &str) -> Result<Url, ApiError> {
    let input = input.trim();
    let with_scheme = if input.contains("://") {
        input.to_string()
    } else {
        format!("https://{input}")
    };
    match Url::parse(&with_scheme) {
        Ok(url) if url.host_str().is_some_and(|h| !h.is_empty()) && !input.is_empty() => Ok(url),
        _ => Err(ApiError::refused(
            ErrorCode::CalendarUrlInvalid,
            "Enter your calendar server's address, for example https://caldav.icloud.com.",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_url_without_a_scheme_is_https_and_garbage_is_refused() {
        assert_eq!(
            parse_server_url(" caldav.fastmail.com ").unwrap().as_str(),
            "https://caldav.fastmail.com/"
        );
        assert!(parse_server_url("").is_err());
        assert!(parse_server_url("https://").is_err());
        assert!(parse_server_url("not a url at all").is_err());
    }
}
