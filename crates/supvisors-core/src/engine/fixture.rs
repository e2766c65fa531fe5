//! A master `a` of a, b, c driven by hand: the fixture of the Starter / Stopper tests.

use super::*;
use crate::commands::Command;
use crate::enums::{ProcessStates, StartingStrategies};
use crate::messages::HandshakeResult;
use crate::messages::{ForcedProcessEvent, ProcessEvent};
use crate::process::tests::local_info;
use crate::rules::{ApplicationRules, ProcessRules};
use crate::rules_provider::FixedRules;
use ProcessStates::*;

/// One process rule: (namespec, start_sequence, stop_sequence, required).
pub(super) type Rule = (&'static str, i32, i32, bool);

pub(super) fn rules(apps: &[(&str, i32, i32)], procs: &[Rule]) -> FixedRules {
    let mut rules = FixedRules::default();
    for (name, start, stop) in apps {
        let mut app = ApplicationRules::unmanaged(StartingStrategies::Config);
        app.managed = true;
        app.start_sequence = *start;
        app.stop_sequence = *stop;
        rules.applications.insert((*name).into(), app);
    }
    for (namespec, start, stop, required) in procs {
        let app = namespec.split(':').next().unwrap_or_default();
        let app_rules = rules
            .applications
            .get(app)
            .cloned()
            .unwrap_or_else(ApplicationRules::without_engine);
        let mut p = ProcessRules::inherited(&app_rules);
        p.start_sequence = *start;
        p.stop_sequence = *stop;
        p.required = *required;
        rules.processes.insert((*namespec).into(), p);
    }
    rules
}

pub(super) struct Cluster {
    pub(super) e: Engine,
    pub(super) counter: u64,
    pub(super) now: f64,
}

impl Cluster {
    /// Master `a` of a, b, c, with `infos` loaded on a and b before the election.
    pub(super) fn new(
        rules: FixedRules,
        infos: &[(&str, &str)],
        tune: impl FnOnce(&mut EngineConfig),
    ) -> Self {
        Self::learning(rules, infos, tune, &[])
    }

    /// As `new`, b's handshake returning the intent records `intents` (quirk Q19).
    pub(super) fn learning(
        rules: FixedRules,
        infos: &[(&str, &str)],
        tune: impl FnOnce(&mut EngineConfig),
        intents: &[crate::messages::ProcessIntent],
    ) -> Self {
        let mut config = EngineConfig::new("a", &["a", "b", "c"]).unwrap();
        config.tick_status = false;
        tune(&mut config);
        let mut e = Engine::new(config, Box::new(rules));
        e.start(0.0);
        let mut c = Cluster {
            e,
            counter: 1,
            now: 1.0,
        };
        for id in ["a", "b", "c"] {
            c.tick_one(id);
            let mut result = HandshakeResult::failed();
            result.authorized = Some(true);
            if id == "b" {
                result.intents = intents.to_vec();
            }
            c.e.handle(
                Input::Handshake {
                    from: id.into(),
                    result,
                },
                c.now,
            );
        }
        for id in ["a", "b"] {
            let list = infos
                .iter()
                .map(|(g, n)| {
                    let mut info = local_info(g, n, Stopped);
                    info.now = c.now;
                    info
                })
                .collect();
            c.e.handle(
                Input::Peer {
                    from: id.into(),
                    msg: InternalMessage::ProcessAdded(list),
                },
                c.now,
            );
        }
        c
    }

    pub(super) fn tick_one(&mut self, id: &str) -> Vec<Output> {
        let tick = TickPayload {
            when: self.now,
            sequence_counter: self.counter,
            status: None,
        };
        self.e.handle(
            Input::Peer {
                from: id.into(),
                msg: InternalMessage::Tick(tick),
            },
            self.now,
        )
    }

    /// b and c tick, then a (which runs the periodic check).
    pub(super) fn tick(&mut self) -> Vec<Output> {
        self.counter += 1;
        self.now += 5.0;
        let mut out = self.tick_one("b");
        out.extend(self.tick_one("c"));
        out.extend(self.tick_one("a"));
        out
    }

    pub(super) fn event(
        &mut self,
        from: &str,
        namespec: &str,
        state: ProcessStates,
        expected: bool,
    ) -> Vec<Output> {
        let (group, name) = namespec.split_once(':').unwrap();
        self.now += 0.1;
        let ev = ProcessEvent {
            group: group.into(),
            name: name.into(),
            state,
            now: self.now,
            pid: 1,
            expected,
            spawnerr: String::new(),
            extra_args: String::new(),
            disabled: false,
        };
        self.e.handle(
            Input::Peer {
                from: from.into(),
                msg: InternalMessage::Process(ev),
            },
            self.now,
        )
    }

    pub(super) fn command(&mut self, cmd: Command) -> Vec<Output> {
        self.e.handle(Input::Command { id: 9, cmd }, self.now)
    }

    /// Delivers the forced events of `out` back to the engine, as the network would.
    pub(super) fn loop_back(&mut self, out: &[Output]) -> Vec<ForcedProcessEvent> {
        let forced: Vec<ForcedProcessEvent> = out
            .iter()
            .filter_map(|o| match o {
                Output::Broadcast(InternalMessage::ForcedProcess(f)) => Some(f.clone()),
                _ => None,
            })
            .collect();
        for f in &forced {
            let msg = InternalMessage::ForcedProcess(f.clone());
            self.e.handle(
                Input::Peer {
                    from: "a".into(),
                    msg,
                },
                self.now,
            );
        }
        forced
    }
}

pub(super) fn starts(out: &[Output]) -> Vec<(String, String)> {
    out.iter()
        .filter_map(|o| match o {
            Output::Request(DeferredRequest::StartProcess {
                target, namespec, ..
            }) => Some((target.clone(), namespec.clone())),
            _ => None,
        })
        .collect()
}

pub(super) fn stops(out: &[Output]) -> Vec<(String, String)> {
    out.iter()
        .filter_map(|o| match o {
            Output::Request(DeferredRequest::StopProcess { target, namespec }) => {
                Some((target.clone(), namespec.clone()))
            }
            _ => None,
        })
        .collect()
}

pub(super) fn pair(target: &str, namespec: &str) -> (String, String) {
    (target.to_owned(), namespec.to_owned())
}

pub(super) fn app2() -> FixedRules {
    rules(
        &[("app", 1, 1)],
        &[
            ("app:p1", 1, 1, true),
            ("app:p2", 2, 2, false),
            ("app:p0", 0, 0, false),
        ],
    )
}

pub(super) const APP2: [(&str, &str); 3] = [("app", "p1"), ("app", "p2"), ("app", "p0")];

pub(super) fn conflict(strategy: crate::enums::ConciliationStrategies) -> Cluster {
    let r = rules(&[("app", 0, 0)], &[("app:p", 0, 0, false)]);
    let mut c = Cluster::new(r, &[("app", "p")], |cfg| {
        cfg.conciliation_strategy = strategy
    });
    c.event("a", "app:p", Starting, true); // start date = event date
    c.event("a", "app:p", Running, true);
    c.now += 10.0;
    c.event("b", "app:p", Starting, true);
    c.event("b", "app:p", Running, true);
    c
}

pub(super) fn distributed(distribution: crate::enums::DistributionRules) -> Cluster {
    let mut r = rules(
        &[("app", 1, 1)],
        &[("app:p1", 1, 1, false), ("app:p2", 1, 1, false)],
    );
    if let Some(a) = r.applications.get_mut("app") {
        a.distribution = distribution;
        a.starting_strategy = StartingStrategies::LessLoaded;
    }
    for p in r.processes.values_mut() {
        p.expected_load = 30;
    }
    let mut big = ProcessRules::inherited(&ApplicationRules::without_engine());
    big.expected_load = 50;
    r.processes.insert("tools:big".into(), big);
    let nodes = |cfg: &mut EngineConfig| {
        // a alone on node x; b and c share node y
        for (i, node) in cfg.instances.iter_mut().zip(["x", "y", "y"]) {
            i.node = node.to_owned();
        }
    };
    let mut c = Cluster::new(r, &[("app", "p1"), ("app", "p2")], nodes);
    // c has the processes too
    let infos = vec![
        local_info("app", "p1", Stopped),
        local_info("app", "p2", Stopped),
    ];
    c.e.handle(
        Input::Peer {
            from: "c".into(),
            msg: InternalMessage::ProcessAdded(infos),
        },
        c.now,
    );
    c
}

pub(super) fn running_on_view(c: &Cluster, process: &str) -> Vec<String> {
    c.e.context()
        .application("app")
        .and_then(|a| a.process(process))
        .map(|p| p.running_identifiers().to_vec())
        .unwrap_or_default()
}
