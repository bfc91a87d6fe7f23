//! `/events/stream`: the server-sent events of wish changes (opened by [`crate::live`]).

use crate::http::BASE;

/// The URL of the event stream for `access_token` (an `EventSource` cannot send headers).
pub fn stream_url(access_token: &str) -> String {
    format!("{BASE}/events/stream?access_token={access_token}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stream_carries_the_token_in_its_query() {
        assert_eq!(stream_url("t0k"), "/api/v1/events/stream?access_token=t0k");
    }
}
