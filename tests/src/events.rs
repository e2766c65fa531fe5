//! The reference Python event client (`supvisors.supvisorszmq.EventSubscriber` of Supvisors
//! 0.15 over PyZMQ, `fixtures/events/subscriber.py`) subscribed to everything on one event
//! port, each message read back with its keys, their Python types and its framing.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value as Json;

use crate::cluster::Cluster;
use crate::venv_python;

/// One message as the Python client decoded it.
#[derive(Debug, Clone)]
pub struct Message {
    /// The first frame.
    pub header: String,
    /// The JSON body.
    pub body: Json,
    /// (key, Python type name), in the body's order.
    pub types: Vec<(String, String)>,
    /// Two frames, and the body is exactly `json.dumps` of itself.
    pub framing: bool,
}

impl Message {
    /// The message of one line of the script.
    pub fn parse(line: &str) -> Option<Message> {
        let json: Json = serde_json::from_str(line).ok()?;
        let types = json["types"]
            .as_array()?
            .iter()
            .filter_map(|pair| Some((pair[0].as_str()?.to_owned(), pair[1].as_str()?.to_owned())))
            .collect();
        Some(Message {
            header: json["header"].as_str()?.to_owned(),
            body: json["body"].clone(),
            types,
            framing: json["framing"] == Json::Bool(true),
        })
    }

    /// `instance` and `supvisors` messages, published on ticks whatever happens.
    pub fn is_tick(&self) -> bool {
        self.header == "instance" || self.header == "supvisors"
    }

    /// The (key, Python type) pairs, in the body's order.
    pub fn layout(&self) -> Vec<(&str, &str)> {
        self.types
            .iter()
            .map(|(k, t)| (k.as_str(), t.as_str()))
            .collect()
    }
}

/// The Python subscriber, killed (its own pid, through `Child`) on drop; its lines are read
/// by a thread into a channel.
pub struct Subscriber {
    child: Child,
    lines: mpsc::Receiver<String>,
    /// Every message read so far, in order.
    pub received: Vec<Message>,
}

impl Subscriber {
    /// Starts the script on event port `port`, for `lifetime` at most.
    pub fn start(port: u16, lifetime: Duration) -> Subscriber {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/events/subscriber.py");
        let mut child = Command::new(venv_python())
            .arg(script)
            .arg(port.to_string())
            .arg(lifetime.as_secs().to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("run the Python subscriber");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Subscriber {
            child,
            lines,
            received: Vec::new(),
        }
    }

    /// Waits (at most `patience`) until a received message satisfies `check` and returns its
    /// index; panics with the messages and the cluster logs otherwise.
    pub fn wait_for(
        &mut self,
        cluster: &Cluster,
        patience: Duration,
        what: &str,
        check: impl Fn(&Message) -> bool,
    ) -> usize {
        let deadline = Instant::now() + patience;
        loop {
            if let Some(index) = self.received.iter().position(&check) {
                return index;
            }
            match self.lines.recv_timeout(Duration::from_millis(250)) {
                Ok(line) => match Message::parse(&line) {
                    Some(message) => self.received.push(message),
                    None => panic!("unreadable subscriber line {line:?}"),
                },
                Err(mpsc::RecvTimeoutError::Timeout) if Instant::now() < deadline => {}
                Err(err) => panic!(
                    "no {what} ({err}); received:\n{}\n{}",
                    self.summary(),
                    cluster.all_logs()
                ),
            }
        }
    }

    /// One line per message received.
    pub fn summary(&self) -> String {
        self.received
            .iter()
            .map(|m| format!("{} {}", m.header, m.body))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl Drop for Subscriber {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
