//! The process manager task: the one owner of the [`Supervisor`] model and of the real host.
//!
//! Everything that touches the model arrives on one channel (RPC calls as closures, reaped
//! children once their pipes are drained, capture reports) or is a timer (the model's next
//! deadline, at most a second away, and 50 ms re-polls of deferred RPC results), so there is
//! no lock around domain state and every step sees a consistent model.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tokio::sync::{broadcast, mpsc, oneshot};

use super::host::{ChildIo, RealHost};
use crate::capture::CaptureReport;
use crate::mainlog::MainLogHandle;
use crate::model::{
    Clock, Event, Fault, FaultCode, Outcome, Output, RpcResult, Supervisor, SupvisorsNotice, Waiter,
};
use crate::reaper::Reaped;

/// The model, the host and the deferred calls: what a call closure works on.
#[derive(Debug)]
pub struct Core {
    /// The supervision model.
    pub model: Supervisor,
    /// The real machine.
    pub host: RealHost,
    waiters: Vec<(Waiter, oneshot::Sender<Result<RpcResult, Fault>>)>,
    /// Answers of calls, sent once the call's log lines and events are queued: a caller that
    /// logs after its answer must never see its line written before the model's.
    replies: Replies,
}

#[derive(Default)]
struct Replies(Vec<Box<dyn FnOnce() + Send>>);

impl std::fmt::Debug for Replies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} pending replies", self.0.len())
    }
}

impl Core {
    fn reply<T: Send + 'static>(&mut self, tx: oneshot::Sender<T>, answer: T) {
        self.replies.0.push(Box::new(move || {
            let _ = tx.send(answer);
        }));
    }
}

type Call = Box<dyn FnOnce(&mut Core, Clock) + Send>;

/// Longest sleep of the manager between two model steps, in seconds.
const MAX_SLEEP: f64 = 5.0;

enum Msg {
    Call(Call),
    /// A child exited and its pipes are drained.
    Exited {
        pid: i32,
        status: i32,
    },
}

/// The manager is gone (the daemon is stopping): the call was not made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the process manager has stopped")]
pub struct Gone;

/// How the manager's run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunEnd {
    /// Shutdown complete: every process is stopped.
    Exit,
    /// Restart: every process is stopped; re-read the configuration and start again.
    Restart,
}

/// A cloneable handle to the manager task.
#[derive(Clone, Debug)]
pub struct ManagerHandle {
    tx: mpsc::UnboundedSender<Msg>,
    events: broadcast::Sender<Arc<Event>>,
}

impl std::fmt::Debug for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Msg")
    }
}

impl ManagerHandle {
    /// Runs `f` on the model inside the manager task and returns its result.
    pub async fn with<R, F>(&self, f: F) -> Result<R, Gone>
    where
        R: Send + 'static,
        F: FnOnce(&mut Core, Clock) -> R + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let call: Call = Box::new(move |core, now| {
            let answer = f(core, now);
            core.reply(tx, answer);
        });
        self.tx.send(Msg::Call(call)).map_err(|_| Gone)?;
        rx.await.map_err(|_| Gone)
    }

    /// Queues `f` for the model without waiting: calls posted from one task run in the order
    /// they were posted, which an `async` call spawned per request would not guarantee.
    pub fn post<F>(&self, f: F) -> Result<(), Gone>
    where
        F: FnOnce(&mut Core, Clock) + Send + 'static,
    {
        self.tx.send(Msg::Call(Box::new(f))).map_err(|_| Gone)
    }

    /// Runs a call that may be deferred (spec §3.6): the answer comes when the model's
    /// waiter yields, while the manager keeps serving everything else.
    pub async fn deferred<F>(&self, f: F) -> Result<Result<RpcResult, Fault>, Gone>
    where
        F: FnOnce(&mut Core, Clock) -> Result<Outcome, Fault> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let call: Call = Box::new(move |core, now| match f(core, now) {
            Err(fault) => core.reply(tx, Err(fault)),
            Ok(Outcome::Done(result)) => core.reply(tx, Ok(result)),
            Ok(Outcome::Deferred(mut waiter)) => match core.model.poll(&mut waiter, now) {
                Some(result) => core.reply(tx, result),
                None => core.waiters.push((waiter, tx)),
            },
        });
        self.tx.send(Msg::Call(call)).map_err(|_| Gone)?;
        rx.await.map_err(|_| Gone)
    }

    /// Every event the model emits from now on (state changes, logs, communications).
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Event>> {
        self.events.subscribe()
    }

    /// Supvisors' `start_args` on the local Supervisor (interfaces §1.7.9): sets the extra
    /// arguments, then `startProcess(namespec, wait)` in the same model step, so the spawn
    /// uses the new command line. A NO_FILE or NOT_EXECUTABLE fault first forces the process
    /// FATAL with the fault text as spawnerr, then is returned.
    pub async fn start_args(
        &self,
        namespec: String,
        extra_args: String,
        wait: bool,
    ) -> Result<Result<RpcResult, Fault>, Gone> {
        self.deferred(move |core, now| {
            core.model.set_extra_args(&namespec, &extra_args)?;
            let started = core
                .model
                .start_process(&namespec, wait, now, &mut core.host);
            if let Err(fault) = &started
                && matches!(fault.code, FaultCode::NoFile | FaultCode::NotExecutable)
            {
                core.model.force_fatal(&namespec, &fault.to_string(), now)?;
            }
            started
        })
        .await
    }
}

/// Reads both clocks once.
pub fn clock(origin: Instant) -> Clock {
    let wall = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64());
    Clock {
        wall,
        mono: origin.elapsed().as_secs_f64(),
    }
}

/// The manager task, before it runs.
#[derive(Debug)]
pub struct Manager {
    core: Core,
    rx: mpsc::UnboundedReceiver<Msg>,
    tx: mpsc::UnboundedSender<Msg>,
    reports: mpsc::UnboundedReceiver<CaptureReport>,
    events: broadcast::Sender<Arc<Event>>,
    log: MainLogHandle,
    origin: Instant,
    /// Opened at the first output of a process with `*_syslog=true`.
    syslog: Option<crate::syslog::Syslog>,
    /// Where Supvisors notices go (Supvisors mode); unbounded so that none is ever lost.
    notices: Option<mpsc::UnboundedSender<SupvisorsNotice>>,
}

impl Manager {
    /// A manager for `model` on `host`, whose captures report on `reports`.
    pub fn new(
        model: Supervisor,
        host: RealHost,
        reports: mpsc::UnboundedReceiver<CaptureReport>,
        log: MainLogHandle,
        origin: Instant,
    ) -> (Self, ManagerHandle) {
        let (tx, rx) = mpsc::unbounded_channel();
        let (events, _) = broadcast::channel(1024);
        let handle = ManagerHandle {
            tx: tx.clone(),
            events: events.clone(),
        };
        let manager = Self {
            core: Core {
                model,
                host,
                waiters: Vec::new(),
                replies: Replies::default(),
            },
            rx,
            tx,
            reports,
            events,
            log,
            origin,
            syslog: None,
            notices: None,
        };
        (manager, handle)
    }

    /// Delivers the model's [`SupvisorsNotice`]s to `tx`, in order (Supvisors mode).
    pub fn with_notices(mut self, tx: mpsc::UnboundedSender<SupvisorsNotice>) -> Self {
        self.notices = Some(tx);
        self
    }

    /// Runs until the model completes a shutdown or a restart sequence. `reaped` is the
    /// daemon's single source of child exit statuses; it is handed back for the next run.
    pub async fn run(
        mut self,
        mut reaped: mpsc::UnboundedReceiver<Reaped>,
    ) -> (RunEnd, mpsc::UnboundedReceiver<Reaped>) {
        let end = self.run_with(&mut reaped).await;
        (end, reaped)
    }

    async fn run_with(&mut self, reaped: &mut mpsc::UnboundedReceiver<Reaped>) -> RunEnd {
        // The first main-loop iteration (autostart) comes before any request: a client that
        // connects as soon as the port answers sees the programs STARTING, not "Not started".
        let now = clock(self.origin);
        self.core.model.tick(now, &mut self.core.host);
        self.flush_outputs();
        loop {
            let now = clock(self.origin);
            // The model's deadline covers every timed transition and the TICK_5 boundary; the
            // cap is only a safety net. Waking no more than needed keeps an idle daemon with a
            // thousand children near 0 % CPU.
            let mut wait = self
                .core
                .model
                .next_deadline(now)
                .map_or(MAX_SLEEP, |d| (d - now.mono).clamp(0.0, MAX_SLEEP));
            if !self.core.waiters.is_empty() {
                // The reference re-evaluates deferred answers about every 50 ms.
                wait = wait.min(0.05);
            }
            tokio::select! {
                biased;
                Some(msg) = self.rx.recv() => self.on_msg(msg),
                Some(r) = reaped.recv() => self.on_reaped(r),
                Some(report) = self.reports.recv() => self.on_report(report),
                () = tokio::time::sleep(Duration::from_secs_f64(wait)) => {
                    let now = clock(self.origin);
                    self.core.model.tick(now, &mut self.core.host);
                }
            }
            let end = self.flush_outputs();
            self.send_replies();
            if let Some(end) = end {
                return end;
            }
            self.poll_waiters();
        }
    }

    fn on_msg(&mut self, msg: Msg) {
        let now = clock(self.origin);
        match msg {
            Msg::Call(call) => call(&mut self.core, now),
            Msg::Exited { pid, status } => {
                self.core
                    .model
                    .child_exited(pid, status, now, &mut self.core.host);
                self.core.host.forget(pid);
            }
        }
    }

    fn on_reaped(&mut self, r: Reaped) {
        let tx = self.tx.clone();
        let Reaped { pid, status } = r;
        match self.core.host.child(pid) {
            // Drained apart from the manager so that a child flooding its pipes up to its
            // death never holds the other processes' events.
            Some(io) => {
                tokio::spawn(drain_then_report(io, pid, status, tx));
            }
            None => {
                let _ = tx.send(Msg::Exited { pid, status });
            }
        }
    }

    fn on_report(&mut self, report: CaptureReport) {
        let now = clock(self.origin);
        let model = &mut self.core.model;
        match report {
            CaptureReport::Output {
                pid,
                channel,
                bytes,
            } => {
                if let Some(io) = self.core.host.child(pid)
                    && let Some(name) = io.syslog_name(channel)
                {
                    self.syslog
                        .get_or_insert_with(crate::syslog::Syslog::connect)
                        .send_output(name, &bytes);
                }
                model.process_output(pid, channel, &bytes);
            }
            CaptureReport::Communication {
                pid,
                channel,
                bytes,
            } => model.process_communication(pid, channel, &bytes),
            CaptureReport::Protocol { pid, bytes } => {
                model.listener_stdout(pid, &bytes, now, &mut self.core.host);
            }
            CaptureReport::WriteFailed {
                pid,
                channel,
                error,
            } => self.log.log(
                crate::model::Level::Error,
                format!(
                    "cannot write the {} log of pid {pid}: {error}",
                    channel.name()
                ),
            ),
        }
    }

    fn send_replies(&mut self) {
        for reply in self.core.replies.0.drain(..) {
            reply();
        }
    }

    fn flush_outputs(&mut self) -> Option<RunEnd> {
        let mut end = None;
        for out in self.core.model.take_outputs() {
            match out {
                Output::Log { level, text } => self.log.log(level, text),
                Output::Event(event) => {
                    // Nobody listening is normal (plain supervisord mode).
                    let _ = self.events.send(Arc::new(event));
                }
                Output::Exit => end = Some(RunEnd::Exit),
                Output::Reinitialize => end = Some(RunEnd::Restart),
            }
        }
        for notice in self.core.model.take_notices() {
            if let Some(tx) = &self.notices {
                // A closed receiver means the daemon is stopping: nothing left to tell.
                let _ = tx.send(notice);
            }
        }
        end
    }

    fn poll_waiters(&mut self) {
        if self.core.waiters.is_empty() {
            return;
        }
        let now = clock(self.origin);
        let model = &mut self.core.model;
        let mut pending = Vec::with_capacity(self.core.waiters.len());
        for (mut waiter, tx) in std::mem::take(&mut self.core.waiters) {
            if tx.is_closed() {
                // The client gave up; the operation itself goes on in the model.
                continue;
            }
            match model.poll(&mut waiter, now) {
                Some(result) => {
                    let _ = tx.send(result);
                }
                None => pending.push((waiter, tx)),
            }
        }
        self.core.waiters = pending;
        if let Some(end) = self.flush_outputs() {
            // A poll cannot end the run; keep the information for the next step anyway.
            let _ = end;
        }
    }
}

async fn drain_then_report(
    io: Arc<ChildIo>,
    pid: i32,
    status: i32,
    tx: mpsc::UnboundedSender<Msg>,
) {
    io.finish().await;
    let _ = tx.send(Msg::Exited { pid, status });
}
