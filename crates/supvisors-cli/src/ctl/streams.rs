//! Streamed log tails (`/logtail/...`, `/mainlogtail`) copied to stdout, for `tail -f`,
//! `maintail -f` and `fg`, and Ctrl-C handling while they run.

use supvisors_rpc::client::{Client, ClientError};
use tokio::sync::mpsc::UnboundedReceiver;

use super::Ctl;
use super::logs::write_chunk;

/// Copies one stream to stdout until it ends; problems go to stderr like `http_client`.
async fn pump(client: &Client, serverurl: &str, path: &str) {
    let url = format!("{serverurl}{path}");
    let mut reader = match client.stream(path).await {
        Ok(reader) => reader,
        Err(ClientError::Http { status, .. }) => {
            eprintln!("{url} Cannot read, status code {status}");
            return;
        }
        Err(err) => {
            eprintln!("{url} Cannot connect, error: {err}");
            return;
        }
    };
    while let Some(Ok(bytes)) = reader.next_chunk().await {
        write_chunk(&bytes);
    }
}

async fn pump_all(client: &Client, serverurl: &str, paths: &[String]) {
    match paths {
        [] => {}
        [one] => pump(client, serverurl, one).await,
        [first, second, ..] => {
            tokio::join!(
                pump(client, serverurl, first),
                pump(client, serverurl, second)
            );
        }
    }
}

/// Stops the background streams of `fg` when dropped.
pub struct StreamGuard {
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for StreamGuard {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl Ctl {
    fn stream_client(&self) -> Result<Client, ClientError> {
        Client::new(
            &self.options.serverurl,
            self.options.username.as_deref(),
            self.options.password.as_deref(),
        )
    }

    /// Streams `paths` to stdout until they end or Ctrl-C; true when interrupted.
    pub fn stream_until_interrupt(&mut self, paths: &[&str]) -> bool {
        let client = match self.stream_client() {
            Ok(client) => client,
            Err(err) => {
                eprintln!("{} Cannot connect, error: {err}", self.options.serverurl);
                return false;
            }
        };
        let serverurl = self.options.serverurl.clone();
        let paths: Vec<String> = paths.iter().map(|p| (*p).to_owned()).collect();
        self.block_on(async {
            tokio::select! {
                () = pump_all(&client, &serverurl, &paths) => false,
                _ = tokio::signal::ctrl_c() => true,
            }
        })
    }

    /// Streams `paths` to stdout on a thread of their own until the guard is dropped.
    pub fn spawn_streams(&self, paths: &[String]) -> StreamGuard {
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let client = self.stream_client();
        let serverurl = self.options.serverurl.clone();
        let paths = paths.to_vec();
        std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            let Ok(client) = client else { return };
            runtime.block_on(async {
                tokio::select! {
                    () = pump_all(&client, &serverurl, &paths) => {},
                    _ = stopped => {},
                }
            });
        });
        StreamGuard { stop: Some(stop) }
    }

    /// The next stdin line, or `None` on end of input or Ctrl-C.
    pub fn next_line_or_interrupt(&self, lines: &mut UnboundedReceiver<String>) -> Option<String> {
        self.block_on(async {
            tokio::select! {
                line = lines.recv() => line,
                _ = tokio::signal::ctrl_c() => None,
            }
        })
    }
}
