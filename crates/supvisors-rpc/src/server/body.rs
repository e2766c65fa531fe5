//! Response bodies (whole or streamed) and the HTML error pages of medusa.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use futures_core::Stream;
use http_body::{Body, Frame, SizeHint};
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use hyper::{Response, StatusCode};
use tokio_util::sync::WaitForCancellationFutureOwned;

/// The body of every response the server sends.
pub enum RespBody {
    /// A body known in advance (sent with `Content-Length`).
    Full(Option<Bytes>),
    /// A streamed body (chunked on HTTP/1.1, close-delimited on HTTP/1.0); it ends early when
    /// `stop` fires so that an endless log tail does not hold the server at shutdown.
    Stream {
        /// The bytes to send.
        stream: Pin<Box<dyn Stream<Item = Bytes> + Send>>,
        /// Server shutdown.
        stop: Pin<Box<WaitForCancellationFutureOwned>>,
    },
}

impl Body for RespBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        match &mut *self {
            RespBody::Full(data) => Poll::Ready(data.take().map(|d| Ok(Frame::data(d)))),
            RespBody::Stream { stream, stop } => {
                if stop.as_mut().poll(cx).is_ready() {
                    return Poll::Ready(None);
                }
                stream
                    .as_mut()
                    .poll_next(cx)
                    .map(|item| item.map(|d| Ok(Frame::data(d))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, RespBody::Full(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            RespBody::Full(Some(data)) => SizeHint::with_exact(data.len() as u64),
            RespBody::Full(None) => SizeHint::with_exact(0),
            RespBody::Stream { .. } => SizeHint::default(),
        }
    }
}

/// A complete response with its `Content-Type` and `Content-Length`.
pub fn full(
    status: StatusCode,
    content_type: &'static str,
    body: impl Into<Bytes>,
) -> Response<RespBody> {
    let body: Bytes = body.into();
    let mut response = Response::new(RespBody::Full(Some(body.clone())));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(CONTENT_LENGTH, HeaderValue::from(body.len()));
    response
}

/// The error page medusa sends for `status` (`text/html`).
pub fn error_page(status: StatusCode) -> Response<RespBody> {
    full(status, "text/html", error_body(status))
}

/// The exact HTML of medusa's error replies.
pub fn error_body(status: StatusCode) -> String {
    let reason = status.canonical_reason().unwrap_or("Unknown");
    format!(
        "<head>\r\n<title>Error response</title>\r\n</head>\r\n<body>\r\n<h1>Error response</h1>\r\n<p>Error code {}.\r\n<p>Message: {}.\r\n</body>\r\n",
        status.as_u16(),
        reason
    )
}

/// RFC 1123 date (`Tue, 24 Nov 2026 03:34:59 GMT`) for `Last-Modified`.
pub fn http_date(time: SystemTime) -> String {
    let secs = time
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = secs / 86_400;
    let rem = secs % 86_400;
    let (year, month, day) = civil_from_days(days as i64);
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} GMT",
        WEEKDAYS[(days % 7) as usize],
        day,
        MONTHS[(month - 1) as usize],
        year,
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Howard Hinnant's days-to-civil conversion (proleptic Gregorian, days since 1970-01-01).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn error_body_matches_medusa() {
        assert_eq!(
            error_body(StatusCode::NOT_FOUND),
            "<head>\r\n<title>Error response</title>\r\n</head>\r\n<body>\r\n<h1>Error response</h1>\r\n<p>Error code 404.\r\n<p>Message: Not Found.\r\n</body>\r\n"
        );
        // The 401 reply of the reference announces Content-Length: 137.
        assert_eq!(error_body(StatusCode::UNAUTHORIZED).len(), 137);
    }

    #[test]
    fn http_dates_are_rfc1123() {
        let t = UNIX_EPOCH + Duration::from_secs(1_795_491_299);
        assert_eq!(http_date(t), "Tue, 24 Nov 2026 03:34:59 GMT");
        assert_eq!(http_date(UNIX_EPOCH), "Thu, 01 Jan 1970 00:00:00 GMT");
    }
}
