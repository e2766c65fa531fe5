//! Event listener pools (spec §7): per-pool FIFO buffers with serials, dispatch to READY
//! listeners, and the listener side of the protocol read from a listener's stdout.

use std::collections::VecDeque;
use std::sync::Arc;

use super::events::{Event, envelope};
use super::host::{Host, StdinError};
use super::output::{Notice, Sink};
use super::state::{Level, ListenerState, ProcessState};

/// An event as buffered by one pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Buffered {
    /// The event.
    pub event: Arc<Event>,
    /// Global serial.
    pub serial: u64,
    /// Serial within the pool.
    pub poolserial: u64,
}

/// The protocol side of one listener process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ListenerIo {
    /// Protocol state.
    pub state: ListenerState,
    /// The event being processed (BUSY).
    pub event: Option<Buffered>,
    state_buffer: Vec<u8>,
    result: Vec<u8>,
    resultlen: Option<usize>,
}

impl Default for ListenerIo {
    fn default() -> Self {
        Self {
            state: ListenerState::Acknowledged,
            event: None,
            state_buffer: Vec::new(),
            result: Vec::new(),
            resultlen: None,
        }
    }
}

const READY: &[u8] = b"READY\n";
const RESULT_START_LEN: usize = b"RESULT ".len();

impl ListenerIo {
    fn change(&mut self, name: &str, new: ListenerState, sink: &mut Sink) {
        sink.log(
            Level::Debug,
            format!("{name}: {} -> {}", self.state.name(), new.name()),
        );
        self.state = new;
        if new == ListenerState::Unknown {
            sink.log(Level::Warn, format!(
                "{name}: has entered the UNKNOWN state and will no longer receive events, this usually indicates the process violated the eventlistener protocol"
            ));
        }
    }

    /// Feeds bytes read from the listener's stdout; may emit a rejection notice.
    pub fn feed(&mut self, name: &str, process: u64, data: &[u8], sink: &mut Sink) {
        self.state_buffer.extend_from_slice(data);
        // The reference recurses while bytes remain; each step consumes bytes or returns.
        while !self.state_buffer.is_empty() {
            match self.state {
                ListenerState::Unknown => {
                    self.state_buffer.clear();
                    return;
                }
                ListenerState::Acknowledged => {
                    if self.state_buffer.len() < READY.len() {
                        return;
                    }
                    if self.state_buffer.starts_with(READY) {
                        self.change(name, ListenerState::Ready, sink);
                        self.state_buffer.drain(..READY.len());
                    } else {
                        self.change(name, ListenerState::Unknown, sink);
                        self.state_buffer.clear();
                    }
                    self.event = None;
                }
                ListenerState::Ready => {
                    self.change(name, ListenerState::Unknown, sink);
                    self.state_buffer.clear();
                    self.event = None;
                    return;
                }
                ListenerState::Busy => {
                    if !self.busy_step(name, process, sink) {
                        return;
                    }
                }
            }
        }
    }

    /// One step of the BUSY state; false when more bytes are needed or the state ended.
    fn busy_step(&mut self, name: &str, process: u64, sink: &mut Sink) -> bool {
        match self.resultlen {
            None => {
                let Some(pos) = self.state_buffer.iter().position(|&b| b == b'\n') else {
                    return false;
                };
                let line: Vec<u8> = self.state_buffer.drain(..=pos).take(pos).collect();
                let len_text = line.get(RESULT_START_LEN..).unwrap_or_default();
                match std::str::from_utf8(len_text)
                    .ok()
                    .and_then(|t| t.trim().parse::<usize>().ok())
                {
                    Some(n) => {
                        self.resultlen = Some(n);
                        // The reference only looks at the body when more bytes arrive.
                        !self.state_buffer.is_empty()
                    }
                    None => {
                        sink.log(
                            Level::Warn,
                            format!(
                                "{name}: bad result line: '{}'",
                                super::events::decode(&line)
                            ),
                        );
                        self.change(name, ListenerState::Unknown, sink);
                        self.state_buffer.clear();
                        self.reject(process, sink);
                        false
                    }
                }
            }
            Some(len) => {
                let needed = len.saturating_sub(self.result.len());
                let take = needed.min(self.state_buffer.len());
                self.result.extend(self.state_buffer.drain(..take));
                if self.result.len() >= len {
                    let body = std::mem::take(&mut self.result);
                    self.resultlen = None;
                    if body == b"OK" {
                        sink.log(Level::Debug, format!("{name}: event was processed"));
                        self.change(name, ListenerState::Acknowledged, sink);
                        self.event = None;
                    } else {
                        sink.log(Level::Warn, format!("{name}: event was rejected"));
                        self.change(name, ListenerState::Acknowledged, sink);
                        self.reject(process, sink);
                    }
                    return true;
                }
                false
            }
        }
    }

    fn reject(&mut self, process: u64, sink: &mut Sink) {
        if let Some(event) = self.event.take() {
            sink.notices.push(Notice::Rejected { process, event });
        }
    }
}

/// The buffer and serials of one `[eventlistener:x]` pool.
#[derive(Debug, Clone)]
pub(crate) struct Pool {
    /// Subscribed type names (each subscription is a separate callback, as in the reference).
    pub events: Vec<String>,
    /// `buffer_size`.
    pub buffer_size: usize,
    /// Buffered events, oldest first.
    pub buffer: VecDeque<Buffered>,
    /// Last pool serial given (none yet: -1).
    pub serial: i64,
}

impl Pool {
    /// A pool with an empty buffer.
    pub fn new(events: Vec<String>, buffer_size: i64) -> Self {
        Self {
            events,
            buffer_size: usize::try_from(buffer_size).unwrap_or(0),
            buffer: VecDeque::new(),
            serial: -1,
        }
    }

    /// `_acceptEvent`: buffers an event, dropping the oldest one when full.
    pub fn accept(&mut self, pool_name: &str, event: Buffered, head: bool, sink: &mut Sink) {
        if self.buffer.len() >= self.buffer_size
            && let Some(dropped) = self.buffer.pop_front()
        {
            sink.log(
                Level::Error,
                format!(
                    "pool {pool_name} event buffer overflowed, discarding event {}",
                    dropped.serial
                ),
            );
        }
        if head {
            self.buffer.push_front(event);
        } else {
            self.buffer.push_back(event);
        }
    }

    /// Next pool serial.
    pub fn next_serial(&mut self) -> u64 {
        self.serial += 1;
        u64::try_from(self.serial).unwrap_or(0)
    }
}

/// A listener process as dispatch sees it.
pub(crate) struct Candidate<'a> {
    /// Its pid.
    pub pid: i32,
    /// Its name.
    pub name: &'a str,
    /// Its lifecycle state.
    pub state: ProcessState,
    /// Its protocol state.
    pub io: &'a mut ListenerIo,
}

/// `dispatch`: sends buffered events, oldest first, to the first READY RUNNING listener;
/// stops at the first event no listener can take.
pub(crate) fn dispatch(
    pool: &mut Pool,
    pool_name: &str,
    identifier: &str,
    listeners: &mut [Candidate<'_>],
    host: &mut dyn Host,
    sink: &mut Sink,
) {
    while let Some(event) = pool.buffer.pop_front() {
        let mut sent = false;
        for l in listeners.iter_mut() {
            if l.state != ProcessState::Running || l.io.state != ListenerState::Ready {
                continue;
            }
            let text = envelope(
                identifier,
                event.serial,
                pool_name,
                event.poolserial,
                &event.event,
            );
            match host.write_stdin(l.pid, text.as_bytes()) {
                Ok(()) => {}
                Err(StdinError::Closed | StdinError::Other(_)) => {
                    sink.log(Level::Debug, format!(
                        "epipe occurred while sending event {} to listener {}, listener state unchanged",
                        event.serial, l.name
                    ));
                    continue;
                }
            }
            l.io.state = ListenerState::Busy;
            sink.log(
                Level::Debug,
                format!("event {} sent to listener {}", event.serial, l.name),
            );
            l.io.event = Some(event.clone());
            sent = true;
            break;
        }
        if !sent {
            pool.buffer.push_front(event);
            break;
        }
    }
}
