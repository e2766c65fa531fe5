//! Handler selection of supervisord's HTTP server: `/RPC2`, `/logtail`, `/mainlogtail`,
//! `/ok.html`, and medusa's error pages for everything else.

use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::header::{
    CONNECTION, CONTENT_LENGTH, CONTENT_TYPE, HeaderValue, LAST_MODIFIED, TRANSFER_ENCODING,
};
use hyper::{Method, Request, Response, StatusCode, Version};

use super::auth::{Auth, unauthorized};
use super::body::{RespBody, error_page, full, http_date};
use super::tails::TailStream;
use crate::codec::{DecodeError, decode_call, encode_fault, encode_response};
use tokio_util::sync::CancellationToken;

use super::services::{LogLevel, PageRequest, Services, py_repr};

/// Largest `/RPC2` body accepted; a bigger one is refused before it is read (413).
pub const MAX_BODY: u64 = 16 * 1024 * 1024;

/// What every connection of a server shares.
pub(crate) struct Routes {
    pub services: Services,
    pub auth: Option<Auth>,
    pub stop: CancellationToken,
}

impl Routes {
    /// Answers one request (never fails: every problem is an HTTP status).
    pub async fn handle(&self, request: Request<Incoming>) -> Response<RespBody> {
        let http10_keep_alive = request.version() == Version::HTTP_10
            && request
                .headers()
                .get_all(CONNECTION)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .any(|token| token.trim().eq_ignore_ascii_case("keep-alive"));
        let mut response = self.route(request).await;
        // hyper would answer `keep-alive`; the reference spells it `Keep-Alive`.
        if http10_keep_alive && !response.headers().contains_key(CONNECTION) {
            response
                .headers_mut()
                .insert(CONNECTION, HeaderValue::from_static("Keep-Alive"));
        }
        response
    }

    async fn route(&self, request: Request<Incoming>) -> Response<RespBody> {
        if let Some(auth) = &self.auth
            && !auth.accepts(request.headers())
        {
            // Read the request to its end first, as medusa does: a client still sending its
            // body when the connection closes would see a broken pipe instead of the 401.
            let _ = Limited::new(request.into_body(), MAX_BODY as usize)
                .collect()
                .await;
            return unauthorized();
        }
        // medusa unquotes the path before any handler looks at it.
        let path = percent_decode(request.uri().path());
        if path.starts_with("/RPC2") {
            return self.xmlrpc(request).await;
        }
        if path.starts_with("/logtail") {
            if request.method() != Method::GET {
                return error_page(StatusCode::BAD_REQUEST);
            }
            return self.process_tail(&path).await;
        }
        if path.starts_with("/mainlogtail") {
            if request.method() != Method::GET {
                return error_page(StatusCode::BAD_REQUEST);
            }
            return match self.services.tails.main_tail().await {
                Some(tail) => tail_response(tail, false, &self.stop),
                None => error_page(StatusCode::NOT_FOUND),
            };
        }
        let method = match &self.services.pages {
            Some(pages) => {
                let (parts, body) = request.into_parts();
                let body = match Limited::new(body, MAX_BODY as usize).collect().await {
                    Ok(collected) => collected.to_bytes(),
                    Err(_) => return error_page(StatusCode::PAYLOAD_TOO_LARGE),
                };
                let page = PageRequest {
                    method: parts.method,
                    uri: parts.uri,
                    headers: parts.headers,
                    body,
                };
                let method = page.method.clone();
                if let Some(response) = pages.handle(page) {
                    return response.await;
                }
                method
            }
            None => request.method().clone(),
        };
        if path == "/ok.html" && (method == Method::GET || method == Method::POST) {
            return full(StatusCode::OK, "text/plain", "OK");
        }
        // The static file handler of the reference accepts only GET and HEAD.
        if method != Method::GET && method != Method::HEAD {
            return error_page(StatusCode::BAD_REQUEST);
        }
        error_page(StatusCode::NOT_FOUND)
    }

    async fn xmlrpc(&self, request: Request<Incoming>) -> Response<RespBody> {
        if request.method() != Method::POST {
            return error_page(StatusCode::BAD_REQUEST);
        }
        let headers = request.headers();
        // Chunked request bodies are not supported by the reference: no length, no request.
        if headers.contains_key(TRANSFER_ENCODING) {
            return error_page(StatusCode::LENGTH_REQUIRED);
        }
        let length = match headers
            .get(CONTENT_LENGTH)
            .map(|v| v.to_str().map(str::parse::<u64>))
        {
            None => return error_page(StatusCode::LENGTH_REQUIRED),
            Some(Ok(Ok(length))) => length,
            Some(_) => return error_page(StatusCode::BAD_REQUEST),
        };
        if length > MAX_BODY {
            return error_page(StatusCode::PAYLOAD_TOO_LARGE);
        }
        let body = match Limited::new(request.into_body(), MAX_BODY as usize)
            .collect()
            .await
        {
            Ok(collected) => collected.to_bytes(),
            Err(_) => return error_page(StatusCode::BAD_REQUEST),
        };
        let Ok(text) = std::str::from_utf8(&body) else {
            return error_page(StatusCode::BAD_REQUEST);
        };
        let call = match decode_call(text) {
            Ok(call) => call,
            Err(err) => {
                let why = match err {
                    DecodeError::NoMethodName => "no method name",
                    DecodeError::Xml(_) => "unmarshallable",
                };
                let data = py_repr(text);
                self.services.log(LogLevel::Error, || {
                    format!("XML-RPC request data {data} is invalid: {why}")
                });
                return error_page(StatusCode::BAD_REQUEST);
            }
        };
        let method = call.method;
        self.services.log(LogLevel::Trace, || {
            format!("XML-RPC method called: {method}()")
        });
        let answer = match self.services.dispatcher.call(&method, call.params).await {
            Ok(Ok(value)) => {
                self.services.log(LogLevel::Trace, || {
                    format!("XML-RPC method {method}() returned successfully")
                });
                encode_response(&value)
            }
            Ok(Err(fault)) => {
                self.services.log(LogLevel::Trace, || {
                    format!(
                        "XML-RPC method {method}() returned fault: [{}] {}",
                        fault.code, fault.string
                    )
                });
                encode_fault(&fault)
            }
            Err(err) => {
                let data = py_repr(text);
                self.services.log(LogLevel::Critical, || {
                    format!(
                        "Handling XML-RPC request with data {data} raised an unexpected exception: {err}"
                    )
                });
                return error_page(StatusCode::INTERNAL_SERVER_ERROR);
            }
        };
        full(StatusCode::OK, "text/xml", Bytes::from(answer))
    }

    async fn process_tail(&self, path: &str) -> Response<RespBody> {
        // The handler unquotes once more what still holds a `%` (so `%253A` is a colon).
        let path = percent_decode(path);
        let trimmed = path.trim_start_matches('/');
        // `logtail` with nothing after it makes the reference fail to unpack the path.
        let Some((_, rest)) = trimmed.split_once('/') else {
            return error_page(StatusCode::INTERNAL_SERVER_ERROR);
        };
        let (namespec, channel) = rest.split_once('/').unwrap_or((rest, "stdout"));
        match self.services.tails.process_tail(namespec, channel).await {
            Some(tail) => tail_response(tail, true, &self.stop),
            None => error_page(StatusCode::NOT_FOUND),
        }
    }
}

/// The streamed reply of the tail handlers (no length: chunked on HTTP/1.1).
fn tail_response(
    tail: TailStream,
    accel_header: bool,
    stop: &CancellationToken,
) -> Response<RespBody> {
    let body = RespBody::Stream {
        stream: tail.body,
        stop: Box::pin(stop.clone().cancelled_owned()),
    };
    let mut response = Response::new(body);
    let headers = response.headers_mut();
    if let Ok(date) = HeaderValue::from_str(&http_date(tail.last_modified)) {
        headers.insert(LAST_MODIFIED, date);
    }
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain;charset=utf-8"),
    );
    if accel_header {
        headers.insert("X-Accel-Buffering", HeaderValue::from_static("no"));
    }
    response
}

/// `%XX` decoding of a URL path (invalid escapes are kept as they are).
fn percent_decode(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::percent_decode;

    #[test]
    fn percent_decoding_keeps_bad_escapes() {
        assert_eq!(percent_decode("/logtail/grp%3Ap%2Fx"), "/logtail/grp:p/x");
        assert_eq!(percent_decode("/a%2"), "/a%2");
        assert_eq!(percent_decode("/a%zz%41"), "/a%zzA");
    }
}
