//! The engine's decisions carried out: broadcasts on the links, remote requests, events on
//! the external interface, changes to the local Supervisor.

use std::collections::HashMap;
use std::sync::Arc;

use supvisors_core::boundary::{LocalAction, Publication};
use supvisors_core::enums::{SupvisorsInstanceStates, SupvisorsStates};
use supvisors_core::messages::{DeferredRequest, Identifier, InternalMessage};
use supvisors_net::events::EventPublisher;
use supvisors_net::links::{Links, PeerRequest, PeerResponse, handshake};
use supvisors_proc::driver::ManagerHandle;
use supvisors_proc::mainlog::MainLogHandle;
use supvisors_rules::values::LogLevel;

use super::engine_task::{ClusterIo, EngineHandle, EngineInput};

/// The daemon's [`ClusterIo`].
pub struct RealIo {
    /// The local identifier.
    pub local: Identifier,
    /// Links to every instance.
    pub links: Arc<Links>,
    /// The external event publisher (`event_link = ZMQ`).
    pub events: Option<EventPublisher>,
    /// The engine, for the results of requests.
    pub engine: EngineHandle,
    /// The local Supervisor.
    pub supervisor: ManagerHandle,
    /// The main log.
    pub log: MainLogHandle,
    /// The last FSM state logged.
    pub last_fsm: Option<SupvisorsStates>,
    /// The last state logged per instance.
    pub instance_states: HashMap<Identifier, SupvisorsInstanceStates>,
}

impl RealIo {
    /// Sends a request to an instance in the background; failures are only logged, as in the
    /// reference (the Starter/Stopper timeouts cover lost requests).
    fn remote(&self, target: Identifier, request: PeerRequest) {
        let links = Arc::clone(&self.links);
        let log = self.log.clone();
        tokio::spawn(async move {
            let what = format!("{request:?}");
            match links.request(&target, request).await {
                Ok(PeerResponse::Done(Ok(()))) => {}
                Ok(PeerResponse::Done(Err(reason))) => log.log(
                    LogLevel::Warn,
                    format!("request {what} on Supvisors={target} failed: {reason}"),
                ),
                Ok(other) => log.log(
                    LogLevel::Error,
                    format!("unexpected answer to {what} from Supvisors={target}: {other:?}"),
                ),
                Err(err) => log.log(
                    LogLevel::Warn,
                    format!("request {what} to Supvisors={target} not sent: {err}"),
                ),
            }
        });
    }
}

impl RealIo {
    /// One INFO line per FSM state and per instance state change, as an operator wants to
    /// read them in the main log.
    fn log_changes(&mut self, publication: &Publication) {
        match publication {
            Publication::SupvisorsStatus(status) => {
                let state = status.state_modes.fsm_state;
                if self.last_fsm != Some(state) {
                    self.last_fsm = Some(state);
                    self.log
                        .log(LogLevel::Info, format!("Supvisors in state {state}"));
                }
            }
            Publication::Instance(info) => {
                let known = self.instance_states.get(&info.identifier);
                if known != Some(&info.state) {
                    self.instance_states
                        .insert(info.identifier.clone(), info.state);
                    let text = format!("Supvisors={} is {}", info.identifier, info.state);
                    self.log.log(LogLevel::Info, text);
                }
            }
            _ => {}
        }
    }
}

impl ClusterIo for RealIo {
    fn broadcast(&mut self, msg: InternalMessage) {
        self.links.publish(&msg);
    }

    fn request(&mut self, request: DeferredRequest) {
        match request {
            DeferredRequest::CheckInstance(target) => {
                let links = Arc::clone(&self.links);
                let engine = self.engine.clone();
                let local = self.local.clone();
                tokio::spawn(async move {
                    let result = handshake(&links, &local, &target).await;
                    engine.send(EngineInput::Handshake {
                        from: target,
                        result,
                    });
                });
            }
            DeferredRequest::IsolateInstances(identifiers) => self.links.isolate(&identifiers),
            DeferredRequest::StartProcess {
                target,
                namespec,
                extra_args,
            } => self.remote(
                target,
                PeerRequest::StartArgs {
                    namespec,
                    extra_args,
                },
            ),
            DeferredRequest::StopProcess { target, namespec } => {
                self.remote(target, PeerRequest::StopProcess { namespec });
            }
            DeferredRequest::Restart => {
                let _ = self.supervisor.post(|core, _| {
                    let _ = core.model.restart();
                });
            }
            DeferredRequest::Shutdown => {
                let _ = self.supervisor.post(|core, _| {
                    let _ = core.model.shutdown();
                });
            }
            DeferredRequest::RestartSequence(master) => {
                self.remote(master, PeerRequest::RestartSequence);
            }
            DeferredRequest::RestartAll(master) => self.remote(master, PeerRequest::RestartAll),
            DeferredRequest::ShutdownAll(master) => self.remote(master, PeerRequest::ShutdownAll),
        }
    }

    fn publish(&mut self, publication: Publication) {
        self.log_changes(&publication);
        if let Some(events) = &self.events {
            events.publish_owned(publication);
        }
    }

    fn local(&mut self, action: LocalAction) {
        match action {
            LocalAction::SetExtraArgs {
                namespec,
                extra_args,
            } => {
                // Posted, not spawned: the next start request must see these arguments.
                let _ = self.supervisor.post(move |core, _| {
                    // A process not configured here is none of this instance's business.
                    let _ = core.model.set_extra_args(&namespec, &extra_args);
                });
            }
        }
    }
}
