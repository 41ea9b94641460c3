//! One error type for the HTTP API. Each variant maps to a status and a stable `code`; internal causes are logged
//! (without secrets) and never shown.

use api::error::codes;
use api::ErrorBody;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("not signed in")]
    Unauthenticated,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("bad request: {code}")]
    BadRequest { code: &'static str, message: String },
    /// Any other answer with its own status and stable code.
    #[error("{code}")]
    Other {
        status: StatusCode,
        code: &'static str,
        message: String,
    },
    #[error("webhook signature refused")]
    WebhookSignature(&'static str),
    #[error("zoom blocked by organisation")]
    ZoomBlockedByOrganisation { admin_name: Option<String> },
    #[error("zoom not connected")]
    ZoomNotConnected,
    #[error("zoom needs reauthorization")]
    ZoomNeedsReauth,
    #[error("zoom unavailable")]
    ZoomUnavailable,
    #[error("internal error: {0}")]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::BadRequest {
            code,
            message: message.into(),
        }
    }

    fn parts(&self) -> (StatusCode, &'static str, String) {
        match self {
            ApiError::Unauthenticated => {
                (StatusCode::UNAUTHORIZED, codes::UNAUTHENTICATED, "Please sign in to BetterBeing.".into())
            }
            ApiError::Forbidden => {
                (StatusCode::FORBIDDEN, codes::FORBIDDEN, "You do not have permission to do this.".into())
            }
            ApiError::NotFound => (StatusCode::NOT_FOUND, codes::NOT_FOUND, "Not found.".into()),
            ApiError::BadRequest { code, message } => (StatusCode::BAD_REQUEST, code, message.clone()),
            ApiError::Other { status, code, message } => (*status, code, message.clone()),
            ApiError::WebhookSignature(message) => {
                (StatusCode::UNAUTHORIZED, codes::INVALID_WEBHOOK_SIGNATURE, message.to_string())
            }
            ApiError::ZoomBlockedByOrganisation { admin_name } => (
                StatusCode::FORBIDDEN,
                codes::ZOOM_BLOCKED_BY_ORGANISATION,
                format!(
                    "Your organisation has not enabled Zoom access. Ask {} to turn on \"Allow practitioners to connect Zoom\".",
                    admin_name.as_deref().unwrap_or("your organisation's administrator")
                ),
            ),
            ApiError::ZoomNotConnected => (
                StatusCode::CONFLICT,
                codes::ZOOM_NOT_CONNECTED,
                "Zoom is not connected. Go to BetterBeing Console → Video Accounts → Zoom and click \"Connect Zoom Account\"."
                    .into(),
            ),
            ApiError::ZoomNeedsReauth => (
                StatusCode::CONFLICT,
                codes::ZOOM_NEEDS_REAUTH,
                "Zoom needs you to re-authorize BetterBeing. Go to BetterBeing Console → Video Accounts → Zoom and click \"Reauth\"."
                    .into(),
            ),
            ApiError::ZoomUnavailable => (
                StatusCode::BAD_GATEWAY,
                codes::ZOOM_UNAVAILABLE,
                "Zoom did not answer. Nothing was changed; please try again in a moment.".into(),
            ),
            ApiError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                codes::INTERNAL,
                "Something went wrong on our side. Please try again.".into(),
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(cause) = &self {
            tracing::error!(error = %cause, "internal error");
        }
        let (status, code, message) = self.parts();
        (
            status,
            Json(ErrorBody {
                code: code.to_string(),
                message,
            }),
        )
            .into_response()
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        ApiError::Internal(e.into())
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
