use api::ErrorBody;

/// Every way an API call can fail, as the SPA sees it. Friendly words live in `logic::messages`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// The request never got an answer (offline, DNS, CORS, server down).
    Network,
    /// A non-2xx answer; `body` is the server's `ErrorBody` when it sent one.
    Http { status: u16, body: Option<ErrorBody> },
    /// A 2xx answer whose body was not what we expected.
    Decode,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::Network => write!(f, "network error"),
            ApiError::Http { status, body } => match body {
                Some(b) => write!(f, "HTTP {status} ({})", b.code),
                None => write!(f, "HTTP {status}"),
            },
            ApiError::Decode => write!(f, "unexpected response"),
        }
    }
}

impl std::error::Error for ApiError {}
