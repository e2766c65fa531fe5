//! The task that owns the Supvisors engine: it paces the ticks, feeds the engine its inputs
//! one at a time, executes its decisions through [`ClusterIo`], and publishes a snapshot for
//! the read-only queries after each batch of inputs (ARCHITECTURE.md, runtime data flow).

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use supvisors_core::boundary::{CommandId, Input, LocalAction, Output, Publication};
use supvisors_core::commands::{Command, CommandError, CommandReply};
use supvisors_core::engine::Engine;
use supvisors_core::messages::{DeferredRequest, HandshakeResult, Identifier, InternalMessage};
use tokio::sync::{mpsc, oneshot, watch};
use tokio_util::sync::CancellationToken;

/// The wall clock in epoch seconds, the engine's `now`.
pub fn wall_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// The answer to a command, sent when the engine replies (possibly much later with `wait`).
pub type CommandResult = Result<CommandReply, CommandError>;

/// One fact for the engine task.
#[derive(Debug)]
pub enum EngineInput {
    /// A message published by an instance (the local one included).
    Peer {
        /// The sender.
        from: Identifier,
        /// What it published.
        msg: InternalMessage,
    },
    /// The result of a handshake the engine asked for.
    Handshake {
        /// The checked instance.
        from: Identifier,
        /// What it answered.
        result: HandshakeResult,
    },
    /// A request of the `supvisors` namespace (or of a peer forwarding one).
    Command {
        /// The request.
        cmd: Command,
        /// Where the reply goes.
        reply: oneshot::Sender<CommandResult>,
    },
}

/// How the engine's decisions reach the world; one implementation in the daemon, another in
/// the tests of this module.
pub trait ClusterIo: Send {
    /// Publish to every instance, the local one included.
    fn broadcast(&mut self, msg: InternalMessage);
    /// Perform a request; its result, if any, comes back as an [`EngineInput`].
    fn request(&mut self, request: DeferredRequest);
    /// Publish on the external event interface.
    fn publish(&mut self, publication: Publication);
    /// Apply a change to the local Supervisor.
    fn local(&mut self, action: LocalAction);
}

/// The engine and its inputs.
pub struct EngineTask {
    engine: Engine,
    inputs: mpsc::UnboundedReceiver<EngineInput>,
    snapshot: watch::Sender<Arc<Engine>>,
    pending: HashMap<CommandId, oneshot::Sender<CommandResult>>,
    next_id: CommandId,
    tick_period: Duration,
    first_tick: Option<Pin<Box<dyn Future<Output = ()> + Send>>>,
}

/// The handles of a running engine task.
#[derive(Clone, Debug)]
pub struct EngineHandle {
    inputs: mpsc::UnboundedSender<EngineInput>,
    snapshot: watch::Receiver<Arc<Engine>>,
}

impl EngineHandle {
    /// Gives the engine one input (dropped when the task is gone: the daemon is stopping).
    pub fn send(&self, input: EngineInput) {
        let _ = self.inputs.send(input);
    }

    /// Submits a command and waits for its reply.
    pub async fn command(&self, cmd: Command) -> Option<CommandResult> {
        let (reply, answer) = oneshot::channel();
        self.send(EngineInput::Command { cmd, reply });
        answer.await.ok()
    }

    /// The engine as of its last step.
    pub fn engine(&self) -> Arc<Engine> {
        Arc::clone(&self.snapshot.borrow())
    }

    /// A receiver notified at each new snapshot (for waits on the engine's state).
    pub fn watch(&self) -> watch::Receiver<Arc<Engine>> {
        self.snapshot.clone()
    }
}

impl EngineTask {
    /// A task for this engine (not started yet); the handle can be given to the I/O side
    /// before the task runs.
    pub fn new(engine: Engine, tick_period: Duration) -> (EngineTask, EngineHandle) {
        let (inputs_tx, inputs) = mpsc::unbounded_channel();
        let (snapshot, snapshot_rx) = watch::channel(Arc::new(engine.clone()));
        let task = EngineTask {
            engine,
            inputs,
            snapshot,
            pending: HashMap::new(),
            next_id: 0,
            tick_period,
            first_tick: None,
        };
        let handle = EngineHandle {
            inputs: inputs_tx,
            snapshot: snapshot_rx,
        };
        (task, handle)
    }

    /// Delays the first tick until `ready` completes (the inputs are served meanwhile).
    pub fn first_tick_after(mut self, ready: impl Future<Output = ()> + Send + 'static) -> Self {
        self.first_tick = Some(Box::pin(ready));
        self
    }

    /// Starts the engine (OFF → INITIALIZATION) and runs until `stop` is cancelled; the
    /// decisions go through `io`.
    pub async fn run(mut self, mut io: Box<dyn ClusterIo>, stop: CancellationToken) {
        let io = io.as_mut();
        let outputs = self.engine.start(wall_now());
        self.execute(io, outputs);
        self.publish_snapshot();
        // The first tick as soon as `first_tick` allows: the reference waits for the next 5 s
        // slice, which only delays the synchronization.
        let mut ready = self.first_tick.take();
        let mut ticks = None;
        if ready.is_none() {
            ticks = Some(Self::ticks(self.tick_period));
        }
        loop {
            tokio::select! {
                () = stop.cancelled() => break,
                () = async { if let Some(ready) = ready.as_mut() { ready.await } }, if ready.is_some() => {
                    ready = None;
                    ticks = Some(Self::ticks(self.tick_period));
                    continue;
                }
                _ = async { if let Some(ticks) = ticks.as_mut() { ticks.tick().await; } }, if ticks.is_some() => {
                    let now = wall_now();
                    self.step(io, Input::LocalTick { when: now }, now);
                }
                input = self.inputs.recv() => {
                    let Some(input) = input else { break };
                    self.apply(io, input);
                    // Everything already queued goes in the same batch: one snapshot for a
                    // burst of process events instead of one per event.
                    while let Ok(input) = self.inputs.try_recv() {
                        self.apply(io, input);
                    }
                }
            }
            self.publish_snapshot();
        }
    }

    /// The tick timer, its first tick at once.
    fn ticks(period: Duration) -> tokio::time::Interval {
        let mut ticks = tokio::time::interval(period);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticks
    }

    fn apply(&mut self, io: &mut dyn ClusterIo, input: EngineInput) {
        let now = wall_now();
        let input = match input {
            EngineInput::Peer { from, msg } => Input::Peer { from, msg },
            EngineInput::Handshake { from, result } => Input::Handshake { from, result },
            EngineInput::Command { cmd, reply } => {
                let id = self.next_id;
                self.next_id += 1;
                self.pending.insert(id, reply);
                Input::Command { id, cmd }
            }
        };
        self.step(io, input, now);
    }

    fn step(&mut self, io: &mut dyn ClusterIo, input: Input, now: f64) {
        let outputs = self.engine.handle(input, now);
        self.execute(io, outputs);
    }

    fn execute(&mut self, io: &mut dyn ClusterIo, outputs: Vec<Output>) {
        for output in outputs {
            match output {
                Output::Broadcast(msg) => io.broadcast(msg),
                Output::Request(request) => io.request(request),
                Output::Publish(publication) => io.publish(publication),
                Output::Local(action) => io.local(action),
                Output::Reply { id, result } => {
                    if let Some(reply) = self.pending.remove(&id) {
                        let _ = reply.send(result);
                    }
                }
            }
        }
    }

    fn publish_snapshot(&self) {
        self.snapshot.send_replace(Arc::new(self.engine.clone()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;
    use supvisors_core::config::EngineConfig;
    use supvisors_core::enums::SupvisorsStates;
    use supvisors_core::rules_provider::NoRulesEngine;

    /// Records the requests, and loops broadcasts back to the engine as the links would.
    struct Loopback {
        local: Identifier,
        engine: EngineHandle,
        requests: Arc<Mutex<Vec<DeferredRequest>>>,
    }

    impl ClusterIo for Loopback {
        fn broadcast(&mut self, msg: InternalMessage) {
            let from = self.local.clone();
            self.engine.send(EngineInput::Peer { from, msg });
        }
        fn request(&mut self, request: DeferredRequest) {
            self.requests.lock().unwrap().push(request.clone());
            if let DeferredRequest::CheckInstance(target) = request {
                let result = HandshakeResult {
                    authorized: Some(true),
                    ..HandshakeResult::failed()
                };
                self.engine.send(EngineInput::Handshake {
                    from: target,
                    result,
                });
            }
        }
        fn publish(&mut self, _: Publication) {}
        fn local(&mut self, _: LocalAction) {}
    }

    /// The engine task of a lone instance "a" (0.5 s ticks), its handle, and the requests
    /// its engine made, recorded by the loopback I/O.
    fn lone_instance() -> (
        EngineTask,
        EngineHandle,
        Arc<Mutex<Vec<DeferredRequest>>>,
        Loopback,
    ) {
        let mut config = EngineConfig::new("a", &["a"]).unwrap();
        config.tick_period = 0.5;
        let requests = Arc::new(Mutex::new(Vec::new()));
        let engine = Engine::new(config, NoRulesEngine);
        let (task, handle) = EngineTask::new(engine, Duration::from_millis(500));
        let io = Loopback {
            local: "a".into(),
            engine: handle.clone(),
            requests: Arc::clone(&requests),
        };
        (task, handle, requests, io)
    }

    /// Waits (in paused time) until the published snapshot is in OPERATION.
    async fn reaches_operation(handle: &EngineHandle) {
        let mut watch = handle.watch();
        let reached = tokio::time::timeout(Duration::from_secs(60), async {
            while watch.borrow_and_update().state() != SupvisorsStates::Operation {
                let _ = watch.changed().await;
            }
        })
        .await;
        assert!(reached.is_ok(), "state {:?}", handle.engine().state());
    }

    #[tokio::test(start_paused = true)]
    async fn a_lone_instance_ticks_checks_itself_and_reaches_operation() {
        let (task, handle, requests, io) = lone_instance();
        let stop = CancellationToken::new();
        let running = tokio::spawn(task.run(Box::new(io), stop.clone()));
        reaches_operation(&handle).await;
        assert_eq!(handle.engine().master(), "a");
        assert!(
            requests
                .lock()
                .unwrap()
                .contains(&DeferredRequest::CheckInstance("a".into()))
        );
        // A command goes through the task and gets the engine's reply.
        let reply = handle
            .command(Command::StopApplication {
                application: "nosuch".into(),
                wait: false,
            })
            .await;
        assert!(
            matches!(reply, Some(Err(CommandError::BadName(_)))),
            "{reply:?}"
        );
        stop.cancel();
        running.await.unwrap();
    }

    #[tokio::test(start_paused = true)]
    async fn no_tick_before_first_tick_allows_but_commands_are_served() {
        let (task, handle, requests, io) = lone_instance();
        let (allow, allowed) = oneshot::channel::<()>();
        let task = task.first_tick_after(async move {
            let _ = allowed.await;
        });
        let stop = CancellationToken::new();
        let running = tokio::spawn(task.run(Box::new(io), stop.clone()));
        tokio::time::sleep(Duration::from_secs(10)).await;
        // No TICK: the local instance was never checked.
        assert!(requests.lock().unwrap().is_empty());
        assert_eq!(handle.engine().state(), SupvisorsStates::Initialization);
        // The engine answers meanwhile (here: not in a state for that request).
        let reply = handle
            .command(Command::StopApplication {
                application: "nosuch".into(),
                wait: false,
            })
            .await;
        assert!(
            matches!(reply, Some(Err(CommandError::BadSupvisorsState { .. }))),
            "{reply:?}"
        );
        allow.send(()).unwrap();
        reaches_operation(&handle).await;
        stop.cancel();
        running.await.unwrap();
    }
}
