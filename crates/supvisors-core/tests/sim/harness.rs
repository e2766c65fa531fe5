//! A deterministic cluster: N engines, an in-memory network, a simulated clock, seeded faults.
//!
//! Links are FIFO per (sender, receiver) pair like the reference TCP links; a partition cuts a
//! pair both ways and loses what is published meanwhile. Time is integer milliseconds.

use std::collections::{BTreeMap, BTreeSet};

use supvisors_core::boundary::{Input, Output};
use supvisors_core::commands::Command;
use supvisors_core::config::EngineConfig;
use supvisors_core::engine::Engine;
use supvisors_core::enums::SupvisorsInstanceStates;
use supvisors_core::enums::{ProcessStates, RunningFailureStrategies};
use supvisors_core::messages::{DeferredRequest, HandshakeResult, InternalMessage};
use supvisors_core::rules_provider::FixedRules;

use crate::supervisor::SimSupervisor;

/// SplitMix64: tiny, seedable, good enough for fault schedules.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// True with probability `p` per mille.
    pub fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }
}

/// Milliseconds of simulated time.
pub type Ms = u64;

const TICK_MS: Ms = 5_000;
/// HEARTBEAT_TIMEOUT: a link silent this long is closed (what it carried is lost).
const LINK_RESET_MS: Ms = 10_000;

#[derive(Debug, Clone)]
enum Event {
    /// The node's Supervisor tick fires.
    Tick(usize),
    /// A published message reaches a node.
    Deliver {
        to: usize,
        from: usize,
        msg: InternalMessage,
    },
    /// A handshake call issued by `caller` reaches `target`.
    HandshakeCall { caller: usize, target: usize },
    /// A handshake result comes back to `caller`.
    HandshakeDone {
        caller: usize,
        target: usize,
        result: HandshakeResult,
    },
    /// A command reaches a node.
    Command { to: usize, cmd: Command },
    /// A crashed or restarting node comes back with a fresh engine.
    Boot(usize),
    /// A node stops (its Supervisor restarts or shuts down), back after the delay if any.
    Stop(usize, Option<Ms>),
    /// A start (true) or stop request reaches the target's Supervisor.
    ProcCall {
        caller: usize,
        target: usize,
        namespec: String,
        start: bool,
    },
    /// A scheduled process transition on a node (ignored if the process moved meanwhile).
    ProcStep {
        node: usize,
        namespec: String,
        epoch: u64,
        to: ProcessStates,
    },
}

/// One simulated instance.
pub struct Node {
    pub name: String,
    pub engine: Engine,
    pub up: bool,
    /// Instances this node closed its links to (ISOLATE_INSTANCES).
    pub isolated: BTreeSet<usize>,
    /// The simulated local Supervisor.
    pub sup: SimSupervisor,
    /// Number of boots so far; also drops stale ticks of a previous life.
    pub generation: u64,
    phase: Ms,
}

/// The simulated cluster.
pub struct Cluster {
    pub nodes: Vec<Node>,
    pub now: Ms,
    pub rng: Rng,
    config: Box<dyn Fn(&str) -> EngineConfig>,
    queue: BTreeMap<(Ms, u64), (u64, Event)>,
    seq: u64,
    /// Cut links (lower index first) and when they were cut.
    partitions: BTreeMap<(usize, usize), Ms>,
    /// Messages waiting on a cut link, per (from, to), in order.
    held: BTreeMap<(usize, usize), Vec<InternalMessage>>,
    link_clock: BTreeMap<(usize, usize), Ms>,
    /// Largest queue length seen.
    pub max_queue: usize,
    /// Largest number of outputs of one `handle`.
    pub max_outputs: usize,
    /// Number of inputs handled.
    pub steps: u64,
    /// Print every input that changes a node (SIM_TRACE set).
    pub trace: bool,
    programs: Vec<(String, String)>,
    no_autorestart: Vec<String>,
    rules: FixedRules,
}

impl Cluster {
    /// Boots `names.len()` nodes with random tick phases.
    pub fn new(seed: u64, names: &[&str], config: impl Fn(&str) -> EngineConfig + 'static) -> Self {
        Self::with_programs(seed, names, config, &[], FixedRules::default())
    }

    /// Boots nodes that all have `programs` (group, name) with `rules`.
    pub fn with_programs(
        seed: u64,
        names: &[&str],
        config: impl Fn(&str) -> EngineConfig + 'static,
        programs: &[(&str, &str)],
        rules: FixedRules,
    ) -> Self {
        let programs: Vec<(String, String)> = programs
            .iter()
            .map(|(g, n)| ((*g).to_owned(), (*n).to_owned()))
            .collect();
        let no_autorestart: Vec<String> = rules
            .processes
            .iter()
            .filter(|(_, r)| {
                matches!(
                    r.running_failure_strategy,
                    RunningFailureStrategies::StopApplication
                        | RunningFailureStrategies::RestartApplication
                )
            })
            .map(|(n, _)| n.clone())
            .collect();
        let mut rng = Rng::new(seed);
        let config: Box<dyn Fn(&str) -> EngineConfig> = Box::new(config);
        let nodes = names
            .iter()
            .map(|n| Node {
                name: (*n).to_owned(),
                engine: Engine::new(config(n), Box::new(rules.clone())),
                sup: SimSupervisor::new(&programs, &no_autorestart),
                up: false,
                isolated: BTreeSet::new(),
                generation: 0,
                phase: rng.below(TICK_MS),
            })
            .collect();
        let mut cluster = Cluster {
            nodes,
            now: 0,
            rng,
            config,
            queue: BTreeMap::new(),
            seq: 0,
            partitions: BTreeMap::new(),
            held: BTreeMap::new(),
            link_clock: BTreeMap::new(),
            max_queue: 0,
            max_outputs: 0,
            steps: 0,
            trace: std::env::var_os("SIM_TRACE").is_some(),
            programs,
            no_autorestart,
            rules,
        };
        for i in 0..cluster.nodes.len() {
            let at = cluster.rng.below(2_000);
            cluster.schedule(at, Event::Boot(i));
        }
        cluster
    }

    fn index(&self, name: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.name == name)
    }

    fn schedule(&mut self, at: Ms, event: Event) {
        self.seq += 1;
        let generation = match &event {
            Event::Tick(i) => self.nodes[*i].generation,
            _ => 0,
        };
        self.queue.insert((at, self.seq), (generation, event));
        self.max_queue = self.max_queue.max(self.queue.len());
    }

    /// True when `a` and `b` can talk (both up, not partitioned).
    pub fn linked(&self, a: usize, b: usize) -> bool {
        self.nodes[a].up && self.nodes[b].up && !self.partitions.contains_key(&(a.min(b), a.max(b)))
    }

    /// Cuts the link between two nodes.
    ///
    /// Like the reference TCP links: a cut shorter than the heartbeat timeout only delays what
    /// is published meanwhile; a longer one closes the link and loses it.
    pub fn partition(&mut self, a: usize, b: usize) {
        if self.trace {
            eprintln!("{:>8} partition {a} {b}", self.now);
        }
        if a != b {
            self.partitions
                .entry((a.min(b), a.max(b)))
                .or_insert(self.now);
        }
    }

    /// Repairs every partition; held messages are delivered or lost (see [`Cluster::partition`]).
    ///
    /// Messages still in flight on a cut link (published shortly before the heal, due after it)
    /// belong to the cut: after a long cut they are lost with the held ones, and after a short
    /// one they follow the held ones. Letting them through would deliver e.g. a TICK published
    /// during a reset link while the events published before it were lost: the receiver would
    /// then miss the silence that makes it re-check the sender (§4.8) and keep a stale view,
    /// which no reference link can produce (seeds 9986 and 12084 of `requests+faults`).
    pub fn heal(&mut self) {
        if self.trace && !self.partitions.is_empty() {
            eprintln!("{:>8} heal", self.now);
        }
        let cut = std::mem::take(&mut self.partitions);
        for ((a, b), since) in cut {
            for link in [(a, b), (b, a)] {
                let mut pending = self.held.remove(&link).unwrap_or_default();
                pending.extend(self.take_in_flight(link));
                if self.now - since < LINK_RESET_MS {
                    for msg in pending {
                        self.send(link.0, link.1, msg);
                    }
                }
            }
        }
    }

    /// Removes the messages in flight on the link `(from, to)`, in delivery order.
    fn take_in_flight(&mut self, (from, to): (usize, usize)) -> Vec<InternalMessage> {
        let keys: Vec<(Ms, u64)> = self
            .queue
            .iter()
            .filter(|(_, (_, event))| {
                matches!(event, Event::Deliver { from: f, to: t, .. } if (*f, *t) == (from, to))
            })
            .map(|(key, _)| *key)
            .collect();
        keys.into_iter()
            .filter_map(|key| match self.queue.remove(&key) {
                Some((_, Event::Deliver { msg, .. })) => Some(msg),
                _ => None,
            })
            .collect()
    }

    /// Stops a node now; it boots again with a fresh engine after `down_ms`.
    pub fn crash(&mut self, i: usize, down_ms: Ms) {
        if self.nodes[i].up {
            if self.trace {
                eprintln!("{:>8} {} crashes", self.now, self.nodes[i].name);
            }
            self.nodes[i].up = false;
            self.held.retain(|(a, b), _| *a != i && *b != i);
            self.schedule(self.now + down_ms, Event::Boot(i));
        }
    }

    /// True when no event is pending before `until`.
    pub fn run_until(
        &mut self,
        until: Ms,
        mut check: impl FnMut(&Cluster) -> Result<(), String>,
    ) -> Result<(), String> {
        while let Some((&(at, seq), _)) = self.queue.iter().next() {
            if at > until {
                break;
            }
            let Some((generation, event)) = self.queue.remove(&(at, seq)) else {
                break;
            };
            self.now = at;
            self.dispatch(generation, event);
            check(self)?;
        }
        self.now = until;
        Ok(())
    }

    fn secs(&self) -> f64 {
        self.now as f64 / 1000.0
    }

    fn dispatch(&mut self, generation: u64, event: Event) {
        match event {
            Event::Boot(i) => {
                if self.trace {
                    eprintln!("{:>8} {} boots", self.now, self.nodes[i].name);
                }
                let name = self.nodes[i].name.clone();
                let node = &mut self.nodes[i];
                node.engine = Engine::new((self.config)(&name), Box::new(self.rules.clone()));
                node.sup = SimSupervisor::new(&self.programs, &self.no_autorestart);
                node.up = true;
                node.isolated.clear();
                node.generation += 1;
                let now = self.secs();
                let outputs = self.nodes[i].engine.start(now);
                self.apply(i, outputs);
                let first =
                    self.now + (self.nodes[i].phase + TICK_MS - self.now % TICK_MS) % TICK_MS;
                self.schedule(first.max(self.now + 1), Event::Tick(i));
            }
            Event::Stop(i, back) => match back {
                Some(down) => self.crash(i, down),
                None => self.nodes[i].up = false,
            },
            Event::Tick(i) => {
                if !self.nodes[i].up || generation != self.nodes[i].generation {
                    return;
                }
                let when = self.secs();
                self.input(i, Input::LocalTick { when });
                self.schedule(self.now + TICK_MS, Event::Tick(i));
            }
            Event::Deliver { to, from, msg } => {
                let both_up = self.nodes[from].up && self.nodes[to].up;
                if self.linked(from, to) && !self.nodes[to].isolated.contains(&from) {
                    let from = self.nodes[from].name.clone();
                    self.input(to, Input::Peer { from, msg });
                } else if both_up && !self.linked(from, to) {
                    self.held.entry((from, to)).or_default().push(msg);
                }
            }
            Event::HandshakeCall { caller, target } => {
                let result = if self.linked(caller, target) {
                    let t = &self.nodes[target].engine;
                    let caller_state = t.context().instance_state(&self.nodes[caller].name);
                    HandshakeResult {
                        authorized: Some(!matches!(
                            caller_state,
                            SupvisorsInstanceStates::Isolating | SupvisorsInstanceStates::Isolated
                        )),
                        master: t.master().to_owned(),
                        state_modes: t.state_modes(),
                        processes: self.nodes[target].sup.infos(self.secs()),
                        intents: t.intents().records(),
                    }
                } else {
                    HandshakeResult::failed()
                };
                let delay = 1 + self.rng.below(50);
                self.schedule(
                    self.now + delay,
                    Event::HandshakeDone {
                        caller,
                        target,
                        result,
                    },
                );
            }
            Event::HandshakeDone {
                caller,
                target,
                result,
            } => {
                if self.nodes[caller].up {
                    let from = self.nodes[target].name.clone();
                    self.input(caller, Input::Handshake { from, result });
                }
            }
            Event::ProcCall {
                caller,
                target,
                namespec,
                start,
            } => {
                if !self.linked(caller, target) {
                    return;
                }
                let state = self.nodes[target].sup.procs.get(&namespec).map(|p| p.state);
                match (start, state) {
                    (true, Some(s)) if s.is_stopped() => {
                        self.process_transition(target, &namespec, ProcessStates::Starting, true);
                    }
                    (false, Some(s)) if s.is_running() => {
                        self.process_transition(target, &namespec, ProcessStates::Stopping, true);
                    }
                    _ => {} // ALREADY_STARTED / NOT_RUNNING faults: only printed by the reference
                }
            }
            Event::ProcStep {
                node,
                namespec,
                epoch,
                to,
            } => {
                let current = self.nodes[node].sup.procs.get(&namespec).map(|p| p.epoch);
                if self.nodes[node].up && current == Some(epoch) {
                    self.process_transition(node, &namespec, to, true);
                }
            }
            Event::Command { to, cmd } => {
                if self.nodes[to].up {
                    self.input(to, Input::Command { id: self.seq, cmd });
                }
            }
        }
    }

    /// Moves a process of node `i`, publishes the event and schedules what follows.
    fn process_transition(&mut self, i: usize, namespec: &str, to: ProcessStates, expected: bool) {
        let now = self.secs();
        let Some(event) = self.nodes[i].sup.transition(namespec, to, expected, now) else {
            return;
        };
        let (epoch, autorestart) = self.nodes[i]
            .sup
            .procs
            .get(namespec)
            .map_or((0, false), |p| (p.epoch, p.autorestart));
        let next = match to {
            ProcessStates::Starting => Some((1_000, ProcessStates::Running)),
            ProcessStates::Stopping => Some((300, ProcessStates::Stopped)),
            ProcessStates::Exited if !expected && autorestart => {
                Some((1_000, ProcessStates::Starting))
            }
            _ => None,
        };
        if let Some((delay, to)) = next {
            let namespec = namespec.to_owned();
            self.schedule(
                self.now + delay,
                Event::ProcStep {
                    node: i,
                    namespec,
                    epoch,
                    to,
                },
            );
        }
        self.publish(i, InternalMessage::Process(event));
    }

    /// A RUNNING process of node `i` exits unexpectedly (autorestarted by its Supervisor).
    pub fn crash_process(&mut self, i: usize) {
        let running = self.nodes[i].sup.running();
        if self.nodes[i].up && !running.is_empty() {
            let pick = running[self.rng.below(running.len() as u64) as usize].clone();
            if self.trace {
                eprintln!(
                    "{:>8} {} process {pick} crashes",
                    self.now, self.nodes[i].name
                );
            }
            self.process_transition(i, &pick, ProcessStates::Exited, false);
        }
    }

    fn input(&mut self, i: usize, input: Input) {
        let now = self.secs();
        if self.trace {
            let before = (
                self.nodes[i].engine.state(),
                self.nodes[i].engine.master().to_owned(),
            );
            let outputs = self.nodes[i].engine.handle(input.clone(), now);
            let e = &self.nodes[i].engine;
            let views: Vec<String> = e
                .context()
                .instances()
                .iter()
                .map(|x| format!("{}", x.state().code()))
                .collect();
            if !matches!(
                input,
                Input::Peer {
                    msg: InternalMessage::Tick(_),
                    ..
                }
            ) || before != (e.state(), e.master().to_owned())
            {
                eprintln!(
                    "{:>8} {} {:?} -> {} {:?} [{}] after {:?}",
                    self.now,
                    self.nodes[i].name,
                    before,
                    e.state(),
                    e.master(),
                    views.join(""),
                    input
                );
            }
            for o in &outputs {
                if let Output::Request(r) = o {
                    eprintln!("{:>8} {} request {r:?}", self.now, self.nodes[i].name);
                }
                if let Output::Broadcast(InternalMessage::ForcedProcess(f)) = o {
                    eprintln!("{:>8} {} forced {f:?}", self.now, self.nodes[i].name);
                }
            }
            self.steps += 1;
            self.apply(i, outputs);
            return;
        }
        let outputs = self.nodes[i].engine.handle(input, now);
        self.steps += 1;
        self.max_outputs = self.max_outputs.max(outputs.len());
        self.apply(i, outputs);
    }

    fn apply(&mut self, i: usize, outputs: Vec<Output>) {
        for output in outputs {
            match output {
                Output::Broadcast(msg) => self.publish(i, msg),
                Output::Request(request) => self.request(i, request),
                Output::Publish(_) | Output::Local(_) | Output::Reply { .. } => {}
            }
        }
    }

    /// Publishes a message of node `i` to every node, itself included; cut links hold it.
    fn publish(&mut self, i: usize, msg: InternalMessage) {
        for to in 0..self.nodes.len() {
            if self.nodes[i].up && self.nodes[to].up {
                self.send(i, to, msg.clone());
            }
        }
    }

    /// Puts a message on the FIFO link from `from` to `to`.
    fn send(&mut self, from: usize, to: usize, msg: InternalMessage) {
        let latency = if to == from {
            1
        } else {
            1 + self.rng.below(200)
        };
        let clock = self.link_clock.entry((from, to)).or_default();
        let at = (self.now + latency).max(*clock);
        *clock = at;
        self.schedule(at, Event::Deliver { to, from, msg });
    }

    fn request(&mut self, i: usize, request: DeferredRequest) {
        let latency = 1 + self.rng.below(100);
        match request {
            DeferredRequest::CheckInstance(target) => {
                if let Some(target) = self.index(&target) {
                    self.schedule(
                        self.now + latency,
                        Event::HandshakeCall { caller: i, target },
                    );
                }
            }
            DeferredRequest::IsolateInstances(ids) => {
                let ids: Vec<usize> = ids.iter().filter_map(|id| self.index(id)).collect();
                self.nodes[i].isolated.extend(ids);
            }
            DeferredRequest::Restart => self.schedule(self.now + 500, Event::Stop(i, Some(1_000))),
            DeferredRequest::Shutdown => self.schedule(self.now + 500, Event::Stop(i, None)),
            DeferredRequest::RestartAll(m) => self.forward(i, &m, Command::Restart, latency),
            DeferredRequest::ShutdownAll(m) => self.forward(i, &m, Command::Shutdown, latency),
            DeferredRequest::RestartSequence(m) => {
                self.forward(i, &m, Command::RestartSequence { wait: false }, latency);
            }
            DeferredRequest::StartProcess {
                target, namespec, ..
            } => {
                if let Some(target) = self.index(&target) {
                    let call = Event::ProcCall {
                        caller: i,
                        target,
                        namespec,
                        start: true,
                    };
                    self.schedule(self.now + latency, call);
                }
            }
            DeferredRequest::StopProcess { target, namespec } => {
                if let Some(target) = self.index(&target) {
                    let call = Event::ProcCall {
                        caller: i,
                        target,
                        namespec,
                        start: false,
                    };
                    self.schedule(self.now + latency, call);
                }
            }
        }
    }

    fn forward(&mut self, i: usize, master: &str, cmd: Command, latency: Ms) {
        if let Some(to) = self.index(master)
            && self.linked(i, to)
        {
            self.schedule(self.now + latency, Event::Command { to, cmd });
        }
    }

    /// Sends a command to a node after `delay`.
    pub fn command(&mut self, to: usize, cmd: Command, delay: Ms) {
        self.schedule(self.now + delay, Event::Command { to, cmd });
    }
}

/// The link model itself (see [`Cluster::partition`] and [`Cluster::heal`]).
mod link_tests {
    use super::*;
    use supvisors_core::messages::TickPayload;

    fn two_nodes() -> Cluster {
        let names = ["a", "b"];
        let mut c = Cluster::new(1, &names, move |local| {
            EngineConfig::new(local, &names).expect("valid config")
        });
        c.run_until(5_000, |_| Ok(()))
            .expect("no invariant checked");
        assert!(c.nodes.iter().all(|n| n.up));
        c
    }

    fn marker(counter: u64) -> InternalMessage {
        InternalMessage::Tick(TickPayload {
            when: 0.0,
            sequence_counter: counter,
            status: None,
        })
    }

    /// Markers (counters from 1000) on their way from `from` to `to`, in delivery order.
    fn markers(c: &Cluster, from: usize, to: usize) -> Vec<u64> {
        c.queue
            .values()
            .filter_map(|(_, event)| match event {
                Event::Deliver {
                    from: f,
                    to: t,
                    msg: InternalMessage::Tick(tick),
                } if (*f, *t) == (from, to) && tick.sequence_counter >= 1_000 => {
                    Some(tick.sequence_counter)
                }
                _ => None,
            })
            .collect()
    }

    #[test]
    fn message_in_flight_when_a_reset_link_heals_is_lost() {
        let mut c = two_nodes();
        c.partition(0, 1);
        c.run_until(c.now + LINK_RESET_MS, |_| Ok(())).unwrap();
        c.publish(1, marker(1_000));
        assert_eq!(markers(&c, 1, 0), [1_000], "in flight before the heal");
        c.heal();
        assert_eq!(markers(&c, 1, 0), Vec::<u64>::new());
        assert!(c.held.is_empty());
    }

    #[test]
    fn short_cut_delays_messages_in_publication_order() {
        let mut c = two_nodes();
        c.partition(0, 1);
        c.publish(1, marker(1_000));
        c.run_until(c.now + 1_000, |_| Ok(())).unwrap();
        let held = c.held.get(&(1, 0)).into_iter().flatten();
        let held =
            held.filter(|m| matches!(m, InternalMessage::Tick(t) if t.sequence_counter >= 1_000));
        assert_eq!(held.count(), 1, "held by the cut");
        c.publish(1, marker(1_001));
        c.heal();
        assert_eq!(markers(&c, 1, 0), [1_000, 1_001]);
    }
}
