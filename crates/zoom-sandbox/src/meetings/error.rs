//! Why a meetings call failed.

/// Why a meetings call failed; `meetings_api.rs` owns the wire form.
#[derive(Debug, PartialEq, Eq)]
pub enum MeetingError {
    /// 400 300 "Validation Failed." with these fields.
    Validation(Vec<String>),
    /// 400 300 "Request Body should be a valid JSON object."
    InvalidBody,
    /// 404 3001 "Meeting does not exist: {id}."
    NotFound(String),
    /// 429: the host's 100 create/update requests for the UTC day are used up.
    DailyLimit,
    /// 400 300 "Invalid parameter: occurrence_id."
    InvalidOccurrence,
    /// 400 300: an unknown or expired `next_page_token`.
    InvalidPageToken,
}
