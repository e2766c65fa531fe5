//! State shared by the tasks of one [`super::Links`]: who is subscribed, which links are open,
//! who is isolated. Each lock is held for a few map operations only, never across an await.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, MutexGuard};

use bytes::Bytes;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::subscriber::LinkCommand;
use super::{LinkEvent, LinksConfig};

/// A welcomed subscriber of the local publication server.
struct Subscriber {
    identifier: String,
    queue: mpsc::Sender<Bytes>,
    close: CancellationToken,
}

#[derive(Default)]
struct State {
    next_id: u64,
    /// Welcomed subscribers of the local server, by connection number.
    subscribers: HashMap<u64, Subscriber>,
    /// Open subscription links (for requests), by publishing instance.
    links: HashMap<String, mpsc::UnboundedSender<LinkCommand>>,
    /// Stop signal of each subscription link task.
    link_tokens: HashMap<String, CancellationToken>,
    /// Instances isolated for good.
    isolated: HashSet<String>,
    /// Last refusal reported for an asker of the local server, so that a peer retrying every
    /// second is reported once per reason.
    refusals: HashMap<String, String>,
}

/// See the module documentation.
pub(crate) struct Shared {
    pub(crate) cfg: LinksConfig,
    pub(crate) cancel: CancellationToken,
    events: mpsc::UnboundedSender<LinkEvent>,
    state: Mutex<State>,
}

impl Shared {
    pub(crate) fn new(cfg: LinksConfig, events: mpsc::UnboundedSender<LinkEvent>) -> Self {
        Shared {
            cfg,
            cancel: CancellationToken::new(),
            events,
            state: Mutex::new(State::default()),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the maps half-updated in a harmful way.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Gives an event to the daemon (ignored once the daemon stopped listening).
    pub(crate) fn emit(&self, event: LinkEvent) {
        let _ = self.events.send(event);
    }

    /// The stop signal of the link to `peer`, created with the links.
    pub(crate) fn link_token(&self, peer: &str) -> CancellationToken {
        let token = self.cancel.child_token();
        self.state()
            .link_tokens
            .insert(peer.to_owned(), token.clone());
        token
    }

    pub(crate) fn is_isolated(&self, identifier: &str) -> bool {
        self.state().isolated.contains(identifier)
    }

    /// Registers a welcomed subscriber unless it was isolated meanwhile; returns its number.
    pub(crate) fn add_subscriber(
        &self,
        identifier: &str,
        queue: mpsc::Sender<Bytes>,
        close: CancellationToken,
    ) -> Option<u64> {
        let mut state = self.state();
        if state.isolated.contains(identifier) {
            return None;
        }
        state.refusals.remove(identifier);
        state.next_id += 1;
        let id = state.next_id;
        state.subscribers.insert(
            id,
            Subscriber {
                identifier: identifier.to_owned(),
                queue,
                close,
            },
        );
        Some(id)
    }

    pub(crate) fn remove_subscriber(&self, id: u64) {
        self.state().subscribers.remove(&id);
    }

    /// Reports a refusal made by the local server, once per asker and reason.
    pub(crate) fn report_refusal(&self, peer: &str, reason: &str) {
        // Names outside the list share one slot, so that made-up names cannot grow the map.
        let known = self.cfg.peers.iter().any(|p| p.identifier == peer);
        let slot = if known { peer } else { "" };
        let first = {
            let mut state = self.state();
            let previous = state.refusals.insert(slot.to_owned(), reason.to_owned());
            previous.as_deref() != Some(reason)
        };
        if first {
            self.emit(LinkEvent::Refused {
                peer: peer.to_owned(),
                reason: reason.to_owned(),
            });
        }
    }

    /// Queues a frame for every subscriber; a full queue drops that subscriber.
    pub(crate) fn publish(&self, frame: Bytes) {
        let mut state = self.state();
        state.subscribers.retain(|_, sub| {
            match sub.queue.try_send(frame.clone()) {
                Ok(()) => true,
                Err(_) => {
                    // Too slow or already gone: it reconnects and re-handshakes if alive.
                    sub.close.cancel();
                    false
                }
            }
        });
    }

    pub(crate) fn open_link(&self, peer: &str, commands: mpsc::UnboundedSender<LinkCommand>) {
        self.state().links.insert(peer.to_owned(), commands);
    }

    pub(crate) fn close_link(&self, peer: &str) {
        self.state().links.remove(peer);
    }

    pub(crate) fn link(&self, peer: &str) -> Option<mpsc::UnboundedSender<LinkCommand>> {
        self.state().links.get(peer).cloned()
    }

    /// Closes everything exchanged with these instances and refuses them from now on.
    pub(crate) fn isolate(&self, ids: &[String]) {
        let mut state = self.state();
        for id in ids {
            state.isolated.insert(id.clone());
            if let Some(token) = state.link_tokens.remove(id) {
                token.cancel();
            }
            state.links.remove(id);
        }
        state.subscribers.retain(|_, sub| {
            let keep = !ids.contains(&sub.identifier);
            if !keep {
                sub.close.cancel();
            }
            keep
        });
    }
}
