//! The control API's error answer: a status and `{"error": "…"}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::state::ControlError;

pub struct ControlFailure(pub StatusCode, pub String);

impl IntoResponse for ControlFailure {
    fn into_response(self) -> Response {
        (self.0, Json(json!({ "error": self.1 }))).into_response()
    }
}

impl From<ControlError> for ControlFailure {
    fn from(error: ControlError) -> Self {
        match error {
            ControlError::UnknownUser => Self(StatusCode::NOT_FOUND, "no such Zoom user".to_owned()),
            ControlError::UnknownAccount => Self(StatusCode::NOT_FOUND, "no such Zoom account".to_owned()),
            ControlError::NoActiveGrant => Self(
                StatusCode::CONFLICT,
                "this user has no active grant for the app".to_owned(),
            ),
        }
    }
}

pub type ControlResult = Result<Response, ControlFailure>;
