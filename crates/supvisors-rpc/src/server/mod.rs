//! The HTTP/1.x server of supervisord: TCP and UNIX listeners, Basic auth, `/RPC2`, the log
//! tails, persistent connections (requests answered in order), graceful shutdown.

mod auth;
mod body;
mod listen;
mod routes;
mod services;
mod tails;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use supvisors_rules::supervisor::{Credentials, InetHttpServerConfig, UnixHttpServerConfig};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

pub use auth::Auth;
pub use body::{RespBody, error_body, error_page, full, http_date};
pub use listen::BindError;
pub use routes::MAX_BODY;
pub use services::{LogLevel, PageFuture, PageRequest, Pages, ServerLog, Services};
pub use tails::{LogTails, NoTails, TailFuture, TailStream};

use crate::dispatch::Dispatcher;

/// How long a connection may stay without a complete request head. medusa closes channels
/// idle for 30 minutes, and supervisorctl never reconnects, so a shorter value would break
/// an interactive session left open.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// Default limit of open connections per listener; beyond it, new clients wait in the listen backlog until one
/// closes, so a misbehaving client cannot exhaust the daemon's descriptors.
pub const DEFAULT_MAX_CONNECTIONS: usize = 512;

/// How long `serve` lets open connections finish once shutdown is requested.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Where a listener listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListenerKind {
    /// `[inet_http_server]`: `host:port` (empty host: every IPv4 interface).
    Tcp {
        /// Host or address.
        host: String,
        /// Port (0 picks a free one, for tests).
        port: u16,
    },
    /// `[unix_http_server]`: socket file, its mode and owner.
    Unix {
        /// Socket file path.
        path: PathBuf,
        /// Mode of the socket file.
        chmod: u32,
        /// Owner (uid, gid) to give the file; `None` keeps it.
        chown: Option<(u32, Option<u32>)>,
    },
}

/// One HTTP server to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListenerConfig {
    /// Section name (`inet_http_server`), for messages.
    pub section: String,
    /// Where to listen.
    pub kind: ListenerKind,
    /// Credentials required on every request, if any.
    pub auth: Option<Auth>,
}

impl From<&InetHttpServerConfig> for ListenerConfig {
    fn from(cfg: &InetHttpServerConfig) -> Self {
        ListenerConfig {
            section: cfg.section.clone(),
            kind: ListenerKind::Tcp {
                host: cfg.host.clone(),
                port: cfg.port,
            },
            auth: auth_of(&cfg.credentials),
        }
    }
}

impl From<&UnixHttpServerConfig> for ListenerConfig {
    fn from(cfg: &UnixHttpServerConfig) -> Self {
        ListenerConfig {
            section: cfg.section.clone(),
            kind: ListenerKind::Unix {
                path: cfg.file.clone(),
                chmod: cfg.chmod,
                chown: cfg.chown,
            },
            auth: auth_of(&cfg.credentials),
        }
    }
}

impl ListenerConfig {
    /// The CRIT line the reference logs at startup for a server without authentication.
    pub fn startup_warning(&self) -> Option<String> {
        self.auth.is_none().then(|| {
            format!(
                "Server '{}' running without any HTTP authentication checking",
                self.section
            )
        })
    }
}

/// Auth is on when a username is set (the config check guarantees a password then).
fn auth_of(credentials: &Credentials) -> Option<Auth> {
    let username = credentials.username.clone().filter(|u| !u.is_empty())?;
    Some(Auth {
        username,
        password: credentials.password.clone().unwrap_or_default(),
    })
}

enum Bound {
    Tcp(std::net::TcpListener),
    Unix(std::os::unix::net::UnixListener, SocketFile),
}

/// Removes a UNIX socket file when dropped, so no exit path (bind error, shutdown, a server
/// that is never served) leaves it behind.
struct SocketFile(PathBuf);

impl Drop for SocketFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Bound listeners, ready to serve.
pub struct Server {
    listeners: Vec<(Bound, Option<Auth>)>,
    max_connections: usize,
}

impl Server {
    /// Opens every listener (no runtime needed); on error, the ones already opened are closed
    /// and their socket files removed.
    pub fn bind(configs: &[ListenerConfig]) -> Result<Server, BindError> {
        let mut server = Server {
            listeners: Vec::with_capacity(configs.len()),
            max_connections: DEFAULT_MAX_CONNECTIONS,
        };
        for cfg in configs {
            let bound = match &cfg.kind {
                ListenerKind::Tcp { host, port } => Bound::Tcp(listen::bind_tcp(host, *port)?),
                ListenerKind::Unix { path, chmod, chown } => Bound::Unix(
                    listen::bind_unix(path, *chmod, *chown)?,
                    SocketFile(path.clone()),
                ),
            };
            server.listeners.push((bound, cfg.auth.clone()));
        }
        Ok(server)
    }

    /// Sets the limit of open connections per listener (at least 1).
    pub fn with_max_connections(mut self, limit: usize) -> Self {
        self.max_connections = limit.max(1);
        self
    }

    /// Local addresses of the TCP listeners, in configuration order.
    pub fn tcp_addrs(&self) -> Vec<SocketAddr> {
        self.listeners
            .iter()
            .filter_map(|(b, _)| match b {
                Bound::Tcp(l) => l.local_addr().ok(),
                Bound::Unix(..) => None,
            })
            .collect()
    }

    /// Serves until `shutdown` is cancelled, then stops accepting, removes the socket files,
    /// lets connections finish their current request for a short grace time and drops them.
    pub async fn serve(
        self,
        dispatcher: Arc<Dispatcher>,
        tails: Arc<dyn LogTails>,
        shutdown: CancellationToken,
    ) {
        self.serve_services(Services::new(dispatcher, tails), shutdown)
            .await;
    }

    /// Like [`Server::serve`], with extra pages and a log sink.
    pub async fn serve_services(self, services: Services, shutdown: CancellationToken) {
        let mut accepters = JoinSet::new();
        let mut socket_files = Vec::new();
        for (bound, auth) in self.listeners {
            let routes = Arc::new(routes::Routes {
                services: services.clone(),
                auth,
                stop: shutdown.clone(),
            });
            let stop = shutdown.clone();
            match bound {
                Bound::Tcp(listener) => match tokio::net::TcpListener::from_std(listener) {
                    Ok(listener) => {
                        accepters.spawn(accept_tcp(listener, routes, stop, self.max_connections));
                    }
                    Err(err) => services.log(LogLevel::Critical, || {
                        format!("cannot register a TCP listener: {err}")
                    }),
                },
                Bound::Unix(listener, path) => {
                    socket_files.push(path);
                    match tokio::net::UnixListener::from_std(listener) {
                        Ok(listener) => {
                            accepters.spawn(accept_unix(
                                listener,
                                routes,
                                stop,
                                self.max_connections,
                            ));
                        }
                        Err(err) => services.log(LogLevel::Critical, || {
                            format!("cannot register a UNIX listener: {err}")
                        }),
                    }
                }
            }
        }
        shutdown.cancelled().await;
        drop(socket_files);
        while accepters.join_next().await.is_some() {}
    }
}

async fn accept_tcp(
    listener: tokio::net::TcpListener,
    routes: Arc<routes::Routes>,
    stop: CancellationToken,
    limit: usize,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            () = stop.cancelled() => break,
            accepted = listener.accept(), if connections.len() < limit => match accepted {
                Ok((stream, _)) => {
                    // Without it, small responses on a kept-alive connection wait for delayed ACKs.
                    let _ = stream.set_nodelay(true);
                    connections.spawn(serve_connection(stream, routes.clone(), stop.clone()));
                }
                Err(_) => backoff().await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    drain(connections).await;
}

async fn accept_unix(
    listener: tokio::net::UnixListener,
    routes: Arc<routes::Routes>,
    stop: CancellationToken,
    limit: usize,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            () = stop.cancelled() => break,
            accepted = listener.accept(), if connections.len() < limit => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(serve_connection(stream, routes.clone(), stop.clone()));
                }
                Err(_) => backoff().await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    drain(connections).await;
}

/// A failing `accept` (e.g. out of descriptors) is retried after a pause instead of spinning.
async fn backoff() {
    tokio::time::sleep(Duration::from_millis(100)).await;
}

async fn drain(mut connections: JoinSet<()>) {
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    connections.abort_all();
}

async fn serve_connection<S>(stream: S, routes: Arc<routes::Routes>, stop: CancellationToken)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = service_fn(move |request| {
        let routes = routes.clone();
        async move { Ok::<_, std::convert::Infallible>(routes.handle(request).await) }
    });
    let mut builder = http1::Builder::new();
    builder
        .title_case_headers(true)
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .keep_alive(true);
    let connection = builder.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(connection);
    tokio::select! {
        _ = connection.as_mut() => {}
        () = stop.cancelled() => {
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listener_configs_from_rules_types() {
        let inet = InetHttpServerConfig {
            name: None,
            section: "inet_http_server".into(),
            host: "127.0.0.1".into(),
            port: 9001,
            credentials: Credentials::default(),
        };
        let cfg = ListenerConfig::from(&inet);
        assert_eq!(
            cfg.kind,
            ListenerKind::Tcp {
                host: "127.0.0.1".into(),
                port: 9001
            }
        );
        assert_eq!(
            cfg.startup_warning().as_deref(),
            Some("Server 'inet_http_server' running without any HTTP authentication checking")
        );
        let unix = UnixHttpServerConfig {
            name: Some("x".into()),
            section: "unix_http_server:x".into(),
            file: "/tmp/s.sock".into(),
            chmod: 0o700,
            chown: None,
            credentials: Credentials {
                username: Some("u".into()),
                password: Some("p".into()),
            },
        };
        let cfg = ListenerConfig::from(&unix);
        assert_eq!(
            cfg.auth,
            Some(Auth {
                username: "u".into(),
                password: "p".into()
            })
        );
        assert_eq!(cfg.startup_warning(), None);
    }
}
