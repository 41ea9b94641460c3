//! One error type for the HTTP API. Every refusal is a stable [`ErrorCode`] and a message; the status follows from
//! the code (one table, [`status_of`]), so no route picks its own. Internal causes travel as `anyhow` errors with
//! their context and are logged once, with the whole chain, by the `log_internal_errors` middleware — never shown.

use std::sync::Arc;

use api::error::ErrorCode;
use api::ErrorBody;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::zoom::ZoomCallError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Refused with a stable code and a message saying what to do (for API clients; the SPA words codes itself).
    #[error("refused: {code}")]
    Refused { code: ErrorCode, message: String },
    /// Zoom access is off for the organisation: the message names whom to ask.
    #[error("zoom blocked by organisation")]
    ZoomBlockedByOrganisation { admin_name: Option<String> },
    /// A fault of ours (or of the database): logged with its chain, answered as `internal`.
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

/// The HTTP status of each code: the one table routes answer from.
pub fn status_of(code: ErrorCode) -> StatusCode {
    use ErrorCode::*;
    match code {
        Unauthenticated | InvalidWebhookSignature => StatusCode::UNAUTHORIZED,
        Forbidden | CsrfHeaderMissing | ZoomBlockedByOrganisation => StatusCode::FORBIDDEN,
        NotFound => StatusCode::NOT_FOUND,
        MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
        UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        InvalidFields => StatusCode::UNPROCESSABLE_ENTITY,
        BadRequest
        | InvalidShellToken
        | InvalidJson
        | InvalidPath
        | InvalidQuery
        | InvalidReturnTo
        | InvalidClientName
        | InvalidTimeZone
        | InvalidDuration
        | NonexistentLocalTime
        | StartInPast
        | NotesTooLong
        | ClientNameInvalidCharacters
        | NotesInvalidCharacters
        | StartTooFarAhead
        | CalendarUrlInvalid
        | CalendarAuthFailed
        | CalendarNotCaldav
        | CalendarNoneFound
        | CalendarNotOffered => StatusCode::BAD_REQUEST,
        ZoomNotConnected | ZoomNeedsReauth | SessionCancelled | NoZoomMeeting | ZoomCannotHost | ZoomTimeMatches
        | ZoomTimeUnusable | ZoomDailyLimit | CalendarGone | CalendarNotConnected => StatusCode::CONFLICT,
        ZoomUnavailable | ZoomRateLimited | ZoomRejected | CalendarUnreachable | CalendarRefused => {
            StatusCode::BAD_GATEWAY
        }
        Internal | Unknown => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl ApiError {
    pub fn refused(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError::Refused {
            code,
            message: message.into(),
        }
    }

    pub fn unauthenticated() -> Self {
        Self::refused(ErrorCode::Unauthenticated, "Please sign in to BetterBeing.")
    }

    pub fn forbidden() -> Self {
        Self::refused(ErrorCode::Forbidden, "You do not have permission to do this.")
    }

    pub fn not_found() -> Self {
        Self::refused(ErrorCode::NotFound, "Not found.")
    }

    pub fn zoom_not_connected() -> Self {
        Self::refused(
            ErrorCode::ZoomNotConnected,
            "Zoom is not connected. Go to BetterBeing Console → Video Accounts → Zoom and click \"Connect Zoom \
             Account\".",
        )
    }

    pub fn zoom_needs_reauth() -> Self {
        Self::refused(
            ErrorCode::ZoomNeedsReauth,
            "Zoom needs you to re-authorize BetterBeing. Go to BetterBeing Console → Video Accounts → Zoom and click \
             \"Reauth\".",
        )
    }

    pub fn zoom_unavailable() -> Self {
        Self::refused(
            ErrorCode::ZoomUnavailable,
            "Zoom did not answer. Nothing was changed; please try again in a moment.",
        )
    }

    /// The stable code of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            ApiError::Refused { code, .. } => *code,
            ApiError::ZoomBlockedByOrganisation { .. } => ErrorCode::ZoomBlockedByOrganisation,
            ApiError::Internal(_) => ErrorCode::Internal,
        }
    }

    fn message(&self) -> String {
        match self {
            ApiError::Refused { message, .. } => message.clone(),
            ApiError::ZoomBlockedByOrganisation { admin_name } => format!(
                "Your organisation has not enabled Zoom access. Ask {} to turn on \"Allow practitioners to connect \
                 Zoom\".",
                admin_name.as_deref().unwrap_or("your organisation's administrator")
            ),
            ApiError::Internal(_) => "Something went wrong on our side. Please try again.".into(),
        }
    }
}

/// What Zoom's failure means for the person who asked: the one mapping from a Zoom call to an answer.
impl From<ZoomCallError> for ApiError {
    fn from(e: ZoomCallError) -> Self {
        match e {
            ZoomCallError::NotConnected => ApiError::zoom_not_connected(),
            ZoomCallError::BlockedByOrganisation => ApiError::ZoomBlockedByOrganisation { admin_name: None },
            ZoomCallError::NeedsReauth => ApiError::zoom_needs_reauth(),
            ZoomCallError::Unavailable | ZoomCallError::RateLimited { .. } => ApiError::zoom_unavailable(),
            ZoomCallError::Zoom { code: 3161, .. } => ApiError::refused(
                ErrorCode::ZoomCannotHost,
                "Your Zoom account cannot host meetings. Ensure your Zoom account tier allows meeting creation.",
            ),
            ZoomCallError::Zoom { .. } => ApiError::refused(
                ErrorCode::ZoomRejected,
                "Zoom refused the request. Please try again; contact support if it persists.",
            ),
            ZoomCallError::Internal(cause) => ApiError::Internal(cause.context("calling zoom")),
        }
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        ApiError::Internal(anyhow::Error::new(e).context("database"))
    }
}

/// The cause of an `internal` answer, handed to `log_internal_errors` in the response's extensions.
#[derive(Clone)]
struct InternalCause(Arc<anyhow::Error>);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let code = self.code();
        let body = ErrorBody {
            code,
            message: self.message(),
        };
        let mut response = (status_of(code), Json(body)).into_response();
        if let ApiError::Internal(cause) = self {
            response.extensions_mut().insert(InternalCause(Arc::new(cause)));
        }
        response
    }
}

/// Logs every internal error once, with its whole chain of causes and the request it answered.
pub async fn log_internal_errors(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let response = next.run(request).await;
    if let Some(InternalCause(cause)) = response.extensions().get::<InternalCause>() {
        tracing::error!(%method, %path, error = format!("{cause:#}"), "internal error");
    }
    response
}

pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_answers_with_one_status() {
        for code in ErrorCode::ALL {
            let status = status_of(*code);
            assert!(status.is_client_error() || status.is_server_error(), "{code}: {status}");
        }
        assert_eq!(status_of(ErrorCode::ZoomNeedsReauth), StatusCode::CONFLICT);
        assert_eq!(status_of(ErrorCode::InvalidFields), StatusCode::UNPROCESSABLE_ENTITY);
    }

    #[test]
    fn a_cannot_host_zoom_error_and_other_zoom_refusals_differ() {
        let cannot_host = ApiError::from(ZoomCallError::Zoom {
            status: 400,
            code: 3161,
            message: "User does not exist".into(),
        });
        assert_eq!(cannot_host.code(), ErrorCode::ZoomCannotHost);
        let other = ApiError::from(ZoomCallError::Zoom {
            status: 400,
            code: 300,
            message: "Invalid".into(),
        });
        assert_eq!(other.code(), ErrorCode::ZoomRejected);
        assert_eq!(
            ApiError::from(ZoomCallError::NeedsReauth).code(),
            ErrorCode::ZoomNeedsReauth
        );
    }
}
