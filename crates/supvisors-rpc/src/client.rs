//! An async XML-RPC client over `http://host:port` or `unix:///path`, with Basic auth and one
//! kept-alive connection (like supervisorctl's transport), plus the streamed GET of `/logtail`.

use std::path::PathBuf;

use base64::Engine as _;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::client::conn::http1::{self, SendRequest};
use hyper::header::{
    ACCEPT, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, HOST, HeaderValue, USER_AGENT,
};
use hyper::{Method, Request, Response};
use hyper_util::rt::TokioIo;
use tokio::sync::Mutex;

use crate::codec::{decode_response, encode_call};
use crate::fault::Fault;
use crate::value::Value;

/// Why a call gave no value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The server answered with an XML-RPC fault.
    #[error("{0}")]
    Fault(Fault),
    /// The server answered with an HTTP status other than 200.
    #[error("HTTP {status} {reason}")]
    Http {
        /// Status code (401 when credentials are missing or wrong).
        status: u16,
        /// Reason phrase.
        reason: String,
    },
    /// Connecting or talking to the server failed (refused, no such socket file...).
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The reply was not a valid XML-RPC/HTTP answer.
    #[error("protocol error: {0}")]
    Protocol(String),
    /// The server URL is neither `http://host[:port]` nor `unix:///path`.
    #[error("unknown server URL {0}")]
    BadUrl(String),
}

/// Where the server listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// `http://host:port` (port 80 when omitted).
    Tcp {
        /// Host name or address.
        host: String,
        /// Port.
        port: u16,
    },
    /// `unix:///path`.
    Unix(PathBuf),
}

impl Endpoint {
    /// Parses a `serverurl` value.
    pub fn parse(url: &str) -> Result<Endpoint, ClientError> {
        if let Some(path) = url.strip_prefix("unix://") {
            return Ok(Endpoint::Unix(PathBuf::from(path)));
        }
        let rest = url
            .strip_prefix("http://")
            .ok_or_else(|| ClientError::BadUrl(url.to_owned()))?;
        let authority = rest.split('/').next().unwrap_or_default();
        // Credentials embedded in the URL are ignored: they are passed apart.
        let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        let (host, port) = match hostport.rsplit_once(':') {
            Some((host, port)) => (
                host,
                port.parse()
                    .map_err(|_| ClientError::BadUrl(url.to_owned()))?,
            ),
            None => (hostport, 80),
        };
        if host.is_empty() {
            return Err(ClientError::BadUrl(url.to_owned()));
        }
        Ok(Endpoint::Tcp {
            host: host.to_owned(),
            port,
        })
    }

    fn host_header(&self) -> String {
        match self {
            Endpoint::Tcp { host, port } => format!("{host}:{port}"),
            Endpoint::Unix(_) => "localhost".to_owned(),
        }
    }
}

/// An XML-RPC client holding one persistent connection.
pub struct Client {
    endpoint: Endpoint,
    authorization: Option<HeaderValue>,
    connection: Mutex<Option<SendRequest<Full<Bytes>>>>,
}

impl Client {
    /// A client of `url`; credentials are sent only when both are given (like supervisorctl).
    pub fn new(
        url: &str,
        username: Option<&str>,
        password: Option<&str>,
    ) -> Result<Client, ClientError> {
        let endpoint = Endpoint::parse(url)?;
        let authorization = match (username, password) {
            (Some(user), Some(password)) => {
                let token =
                    base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
                Some(
                    HeaderValue::from_str(&format!("Basic {token}"))
                        .map_err(|e| ClientError::Protocol(e.to_string()))?,
                )
            }
            _ => None,
        };
        Ok(Client {
            endpoint,
            authorization,
            connection: Mutex::new(None),
        })
    }

    /// Calls `method` and returns its value; a fault is `ClientError::Fault`.
    pub async fn call(&self, method: &str, params: &[Value]) -> Result<Value, ClientError> {
        let body = Bytes::from(encode_call(method, params));
        let mut slot = self.connection.lock().await;
        let response = self.send_on(&mut slot, body).await?;
        if response.status() != hyper::StatusCode::OK {
            *slot = None;
            return Err(http_error(&response));
        }
        drop(slot);
        let bytes = response
            .into_body()
            .collect()
            .await
            .map_err(|e| ClientError::Protocol(e.to_string()))?
            .to_bytes();
        let text = std::str::from_utf8(&bytes).map_err(|e| ClientError::Protocol(e.to_string()))?;
        match decode_response(text).map_err(|e| ClientError::Protocol(e.to_string()))? {
            Ok(value) => Ok(value),
            Err(fault) => Err(ClientError::Fault(fault)),
        }
    }

    /// Opens a streamed GET (e.g. `/logtail/grp:proc/stderr`) on its own connection.
    pub async fn stream(&self, path: &str) -> Result<TailReader, ClientError> {
        let mut sender = self.connect().await?;
        let request = self.request(Method::GET, path, Full::new(Bytes::new()))?;
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| ClientError::Protocol(e.to_string()))?;
        if response.status() != hyper::StatusCode::OK {
            return Err(http_error(&response));
        }
        Ok(TailReader {
            body: response.into_body(),
            _sender: sender,
        })
    }

    /// Sends on the kept-alive connection. When the server closed it in the meantime and the
    /// request was provably not written, it is sent again on a new connection; a request that
    /// may have reached the server is never repeated (starting a process twice is not harmless).
    async fn send_on(
        &self,
        slot: &mut Option<SendRequest<Full<Bytes>>>,
        body: Bytes,
    ) -> Result<Response<Incoming>, ClientError> {
        let protocol = |e: hyper::Error| ClientError::Protocol(e.to_string());
        let reused = slot.as_ref().is_some_and(|s| !s.is_closed());
        if !reused {
            *slot = Some(self.connect().await?);
        }
        let request = self.request(Method::POST, "/RPC2", Full::new(body))?;
        let sender = slot
            .as_mut()
            .ok_or_else(|| ClientError::Protocol("no connection".into()))?;
        let unsent = match sender.ready().await {
            Err(err) if !reused => return Err(protocol(err)),
            Err(_) => request,
            Ok(()) => match sender.try_send_request(request).await {
                Ok(response) => return Ok(response),
                Err(mut err) => match err.take_message() {
                    Some(request) if reused => request,
                    _ => {
                        *slot = None;
                        return Err(protocol(err.into_error()));
                    }
                },
            },
        };
        *slot = Some(self.connect().await?);
        let sender = slot
            .as_mut()
            .ok_or_else(|| ClientError::Protocol("no connection".into()))?;
        sender.ready().await.map_err(protocol)?;
        sender.send_request(unsent).await.map_err(|e| {
            *slot = None;
            protocol(e)
        })
    }

    fn request(
        &self,
        method: Method,
        path: &str,
        body: Full<Bytes>,
    ) -> Result<Request<Full<Bytes>>, ClientError> {
        let length = http_body::Body::size_hint(&body).exact().unwrap_or(0);
        let mut builder = Request::builder()
            .method(method.clone())
            .uri(path)
            .header(HOST, self.endpoint.host_header())
            .header(USER_AGENT, "supvisors-rpc");
        if method == Method::POST {
            builder = builder
                .header(CONTENT_TYPE, "text/xml")
                .header(ACCEPT, "text/xml")
                .header(CONTENT_LENGTH, length);
        }
        if let Some(auth) = &self.authorization {
            builder = builder.header(AUTHORIZATION, auth.clone());
        }
        builder
            .body(body)
            .map_err(|e| ClientError::Protocol(e.to_string()))
    }

    async fn connect(&self) -> Result<SendRequest<Full<Bytes>>, ClientError> {
        let handshake = match &self.endpoint {
            Endpoint::Tcp { host, port } => {
                let stream = tokio::net::TcpStream::connect((host.as_str(), *port)).await?;
                let _ = stream.set_nodelay(true);
                http1::handshake(TokioIo::new(stream))
                    .await
                    .map(|(s, c)| (s, tokio::spawn(c)))
            }
            Endpoint::Unix(path) => {
                let stream = tokio::net::UnixStream::connect(path).await?;
                http1::handshake(TokioIo::new(stream))
                    .await
                    .map(|(s, c)| (s, tokio::spawn(c)))
            }
        };
        // The connection task ends by itself when the sender is dropped or the peer closes.
        let (sender, _task) = handshake.map_err(|e| ClientError::Protocol(e.to_string()))?;
        Ok(sender)
    }
}

fn http_error(response: &Response<Incoming>) -> ClientError {
    let status = response.status();
    ClientError::Http {
        status: status.as_u16(),
        reason: status.canonical_reason().unwrap_or("").to_owned(),
    }
}

/// The body of a streamed GET, read chunk by chunk.
pub struct TailReader {
    body: Incoming,
    _sender: SendRequest<Full<Bytes>>,
}

impl TailReader {
    /// The next bytes received; `None` when the server ended the stream.
    pub async fn next_chunk(&mut self) -> Option<Result<Bytes, ClientError>> {
        loop {
            match self.body.frame().await? {
                Ok(frame) => {
                    if let Ok(data) = frame.into_data() {
                        return Some(Ok(data));
                    }
                }
                Err(e) => return Some(Err(ClientError::Protocol(e.to_string()))),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_urls() {
        assert_eq!(
            Endpoint::parse("http://localhost:9001").ok(),
            Some(Endpoint::Tcp {
                host: "localhost".into(),
                port: 9001
            })
        );
        assert_eq!(
            Endpoint::parse("http://u:p@127.0.0.1/RPC2").ok(),
            Some(Endpoint::Tcp {
                host: "127.0.0.1".into(),
                port: 80
            })
        );
        assert_eq!(
            Endpoint::parse("unix:///tmp/s.sock").ok(),
            Some(Endpoint::Unix("/tmp/s.sock".into()))
        );
        assert!(Endpoint::parse("ftp://x").is_err());
        assert!(Endpoint::parse("http://h:notaport").is_err());
    }
}
