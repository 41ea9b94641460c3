//! The extractors every API route reads its request with: axum's `Json`, `Path` and `Query`, whose rejections
//! (malformed JSON, wrong field types, a missing or wrong content type, an oversized body, a non-numeric id, a bad
//! query) answer with the `{code, message}` body of every other API error, not axum's plain-text explanation with
//! serde's internals in it. Responses still use `axum::Json`.

use api::error::ErrorCode;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::StatusCode;

use crate::error::ApiError;

/// A JSON request body.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct Json<T>(pub T);

/// Path parameters (e.g. a session's numeric id).
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct Path<T>(pub T);

/// Query parameters.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct Query<T>(pub T);

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        tracing::info!(rejection = %rejection.body_text(), "request body refused");
        let (code, message) = match &rejection {
            JsonRejection::MissingJsonContentType(_) => (
                ErrorCode::UnsupportedMediaType,
                "Send the request body as JSON, with Content-Type: application/json.",
            ),
            JsonRejection::JsonSyntaxError(_) => (ErrorCode::InvalidJson, "The request body is not valid JSON."),
            JsonRejection::JsonDataError(_) => (
                ErrorCode::InvalidFields,
                "The request body is JSON, but a field is missing or has the wrong type.",
            ),
            JsonRejection::BytesRejection(b) if b.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                (ErrorCode::PayloadTooLarge, "The request body is too large.")
            }
            _ => (ErrorCode::BadRequest, "The request body could not be read."),
        };
        ApiError::refused(code, message)
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        tracing::info!(rejection = %rejection.body_text(), "request path refused");
        ApiError::refused(
            ErrorCode::InvalidPath,
            "This address is not valid here: an id in it must be a whole number.",
        )
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        tracing::info!(rejection = %rejection.body_text(), "request query refused");
        ApiError::refused(
            ErrorCode::InvalidQuery,
            "A value in the address's query is missing or of the wrong kind.",
        )
    }
}
