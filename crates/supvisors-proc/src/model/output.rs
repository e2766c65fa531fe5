//! What the model hands back to its driver: main-log lines, events, and the end of the
//! shutdown or restart sequence.

use std::sync::Arc;

use super::events::Event;
use super::state::Level;

/// One output of the model, in the order it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// A main-log line (the driver filters by `loglevel` and writes it).
    Log {
        /// Level.
        level: Level,
        /// Text, without timestamp or level.
        text: String,
    },
    /// An emitted event (also offered to the listener pools inside the model).
    Event(Event),
    /// The shutdown sequence is complete: close servers and logs, remove files, exit 0.
    Exit,
    /// The restart sequence is complete: re-read the configuration and re-initialise.
    Reinitialize,
}

/// Something the pools must see, in emission order.
#[derive(Debug, Clone)]
pub(crate) enum Notice {
    /// An event to offer to subscribed pools.
    Event(Arc<Event>),
    /// A listener rejected (or died with) an event: re-buffer it at the head of its pool.
    Rejected {
        /// The listener's process id (model-internal).
        process: u64,
        /// The event as it was buffered.
        event: super::listener::Buffered,
    },
}

/// Collects outputs and pool notices while the model runs.
#[derive(Debug, Default)]
pub(crate) struct Sink {
    pub outputs: Vec<Output>,
    pub notices: Vec<Notice>,
    /// Supvisors mode: facts for the cluster are collected in `cluster`.
    pub supvisors: bool,
    /// Facts for the other Supvisors instances, in order.
    pub cluster: Vec<super::supvisors::SupvisorsNotice>,
}

impl Sink {
    /// Records a main-log line.
    pub fn log(&mut self, level: Level, text: impl Into<String>) {
        self.outputs.push(Output::Log {
            level,
            text: text.into(),
        });
    }

    /// Records an event for observers and pools.
    pub fn event(&mut self, event: Event) {
        self.outputs.push(Output::Event(event.clone()));
        self.notices.push(Notice::Event(Arc::new(event)));
    }
}
