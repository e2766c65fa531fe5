//! Read-only requests of the `supvisors` namespace (interfaces §1.5–1.7.1), with their guards.
//!
//! Results are typed; `supvisors-rpc` turns them into XML-RPC structures.

use crate::commands::{CommandError, Guard};
use crate::engine::Engine;
use crate::process::ProcessStatus;
use crate::rules::{ApplicationRules, ProcessRules};
pub use crate::status::{
    ApplicationInfo, InstanceInfo, ProcessStatusInfo, Strategies, SupvisorsStatus,
};

/// The version string returned by `get_api_version`.
pub const API_VERSION: &str = "0.15";

/// Splits a namespec: `app:proc`, `app:*` / `app:` (None: every process), or `name` (= `name:name`).
pub fn split_namespec(namespec: &str) -> (&str, Option<&str>) {
    match namespec.split_once(':') {
        Some((app, "" | "*")) => (app, None),
        Some((app, process)) => (app, Some(process)),
        None => (namespec, Some(namespec)),
    }
}

/// Supervisor's namespec: `name` when the group and process names are equal, else
/// `group:name` (the reference's `make_namespec`, used in every text it prints).
pub fn make_namespec(group: &str, process: &str) -> String {
    if group == process {
        process.to_owned()
    } else {
        format!("{group}:{process}")
    }
}

fn unknown_application(name: &str) -> CommandError {
    CommandError::BadName(format!("application {name} unknown to Supvisors"))
}

impl Engine {
    fn guard(&self, guard: Guard) -> Result<(), CommandError> {
        guard.check(self.state())
    }

    /// `get_supvisors_state`.
    pub fn supvisors_status(&self) -> SupvisorsStatus {
        SupvisorsStatus::of(self.context())
    }

    /// `get_strategies`.
    pub fn strategies(&self) -> Strategies {
        let config = self.context().config();
        Strategies {
            auto_fencing: config.auto_fence,
            starting: config.starting_strategy,
            conciliation: config.conciliation_strategy,
        }
    }

    /// `get_instance_info`: fault 2 for an unknown identifier.
    pub fn instance_info(&self, identifier: &str) -> Result<InstanceInfo, CommandError> {
        InstanceInfo::of(self.context(), identifier).ok_or_else(|| {
            CommandError::IncorrectParameters(format!("{identifier} unknown to Supvisors"))
        })
    }

    /// `get_all_instances_info`, sorted by identifier.
    pub fn all_instances_info(&self) -> Vec<InstanceInfo> {
        let mut ids = self.context().identifiers();
        ids.sort();
        ids.iter()
            .filter_map(|id| self.instance_info(id).ok())
            .collect()
    }

    /// `get_application_info`.
    pub fn application_info(&self, name: &str) -> Result<ApplicationInfo, CommandError> {
        self.guard(Guard::FromDeployment)?;
        let a = self
            .context()
            .application(name)
            .ok_or_else(|| unknown_application(name))?;
        Ok(a.into())
    }

    /// `get_all_applications_info`, in context order.
    pub fn all_applications_info(&self) -> Result<Vec<ApplicationInfo>, CommandError> {
        self.guard(Guard::FromDeployment)?;
        self.context()
            .applications()
            .iter()
            .map(|a| self.application_info(&a.name))
            .collect()
    }

    /// `get_application_rules`.
    pub fn application_rules(&self, name: &str) -> Result<ApplicationRules, CommandError> {
        self.guard(Guard::FromDeployment)?;
        let a = self
            .context()
            .application(name)
            .ok_or_else(|| unknown_application(name))?;
        Ok(a.rules.clone())
    }

    fn resolve(&self, namespec: &str) -> Result<Vec<&ProcessStatus>, CommandError> {
        let (app, process) = split_namespec(namespec);
        let a = self
            .context()
            .application(app)
            .ok_or_else(|| unknown_application(app))?;
        match process {
            None => Ok(a.processes().iter().collect()),
            Some(name) => a.process(name).map(|p| vec![p]).ok_or_else(|| {
                CommandError::BadName(format!("process={name} unknown in application={app}"))
            }),
        }
    }

    /// `get_process_info`: always a list.
    pub fn process_info(&self, namespec: &str) -> Result<Vec<ProcessStatusInfo>, CommandError> {
        self.guard(Guard::FromDeployment)?;
        Ok(self
            .resolve(namespec)?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// `get_all_process_info`: application order, then process order.
    pub fn all_process_info(&self) -> Result<Vec<ProcessStatusInfo>, CommandError> {
        self.guard(Guard::FromDeployment)?;
        Ok(self
            .context()
            .applications()
            .iter()
            .flat_map(|a| a.processes().iter().map(Into::into))
            .collect())
    }

    /// `get_process_rules`: (application, process, rules) per targeted process.
    pub fn process_rules(
        &self,
        namespec: &str,
    ) -> Result<Vec<(String, String, ProcessRules)>, CommandError> {
        self.guard(Guard::FromDeployment)?;
        Ok(self
            .resolve(namespec)?
            .into_iter()
            .map(|p| {
                let rules = p.rules.clone();
                (p.application_name.clone(), p.process_name.clone(), rules)
            })
            .collect())
    }

    /// `get_conflicts`: processes of managed applications running on more than one instance.
    pub fn conflicts(&self) -> Result<Vec<ProcessStatusInfo>, CommandError> {
        self.guard(Guard::FromDeployment)?;
        Ok(self
            .context()
            .conflicts()
            .into_iter()
            .map(Into::into)
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::boundary::Input;
    use crate::config::EngineConfig;
    use crate::enums::{ApplicationStates, ProcessStates, StartingStrategies, SupvisorsStates};
    use crate::messages::{HandshakeResult, InternalMessage, TickPayload};
    use crate::process::tests::local_info;
    use crate::rules_provider::NoRulesEngine;

    fn operating() -> Engine {
        let mut e = Engine::new(
            EngineConfig::new("a", &["b", "a"]).unwrap(),
            Box::new(NoRulesEngine),
        );
        e.start(0.0);
        for (from, counter) in [("a", 1), ("b", 1), ("a", 2)] {
            let tick = TickPayload {
                when: 5.0,
                sequence_counter: counter,
                status: None,
            };
            let msg = InternalMessage::Tick(tick);
            e.handle(
                Input::Peer {
                    from: from.into(),
                    msg,
                },
                5.0,
            );
            if counter == 1 {
                let mut result = HandshakeResult::failed();
                result.authorized = Some(true);
                e.handle(
                    Input::Handshake {
                        from: from.into(),
                        result,
                    },
                    5.0,
                );
            }
        }
        let infos = vec![
            local_info("app", "p1", ProcessStates::Running),
            local_info("app", "p2", ProcessStates::Stopped),
        ];
        let msg = InternalMessage::ProcessAdded(infos);
        e.handle(
            Input::Peer {
                from: "b".into(),
                msg,
            },
            6.0,
        );
        e
    }

    #[test]
    fn namespec_resolution() {
        assert_eq!(split_namespec("app:p"), ("app", Some("p")));
        assert_eq!(split_namespec("app:*"), ("app", None));
        assert_eq!(split_namespec("app:"), ("app", None));
        assert_eq!(split_namespec("p"), ("p", Some("p")));
        assert_eq!(make_namespec("app", "p"), "app:p");
        assert_eq!(make_namespec("p", "p"), "p");
        let e = operating();
        assert_eq!(e.state(), SupvisorsStates::Operation);
        assert_eq!(e.process_info("app:*").map(|v| v.len()), Ok(2));
        let p1 = e.process_info("app:p1").unwrap();
        assert_eq!(
            (p1[0].state, p1[0].identifiers.clone()),
            (ProcessStates::Running, vec!["b".to_owned()])
        );
        assert_eq!(
            e.process_info("zz:p").unwrap_err().to_string(),
            "BAD_NAME: application zz unknown to Supvisors"
        );
        assert_eq!(
            e.process_info("app:zz").unwrap_err().to_string(),
            "BAD_NAME: process=zz unknown in application=app"
        );
        assert_eq!(e.all_process_info().map(|v| v.len()), Ok(2));
        assert_eq!(
            e.process_rules("app:p2").map(|v| v[0].2.stop_sequence),
            Ok(-1)
        );
    }

    #[test]
    fn instances_and_status() {
        let e = operating();
        let ids: Vec<_> = e
            .all_instances_info()
            .into_iter()
            .map(|i| i.identifier)
            .collect();
        assert_eq!(ids, ["a", "b"], "sorted by identifier");
        assert_eq!(e.instance_info("b").map(|i| i.loading), Ok(0));
        assert_eq!(
            e.instance_info("zz").unwrap_err().to_string(),
            "INCORRECT_PARAMETERS: zz unknown to Supvisors"
        );
        assert_eq!(
            e.supvisors_status().state_modes.fsm_state,
            SupvisorsStates::Operation
        );
        assert!(
            e.strategies().starting == StartingStrategies::Config && !e.strategies().auto_fencing
        );
        let info = e.application_info("app").unwrap();
        assert!(!info.managed && info.state == ApplicationStates::Stopped);
        assert_eq!(e.all_applications_info().map(|v| v.len()), Ok(1));
        assert!(e.conflicts().unwrap().is_empty());
        assert_eq!(API_VERSION, "0.15");
    }

    #[test]
    fn a_clone_is_a_snapshot_for_queries() {
        let mut e = operating();
        let snapshot = e.clone();
        let infos = vec![local_info("app", "p3", ProcessStates::Running)];
        let msg = InternalMessage::ProcessAdded(infos);
        e.handle(
            Input::Peer {
                from: "a".into(),
                msg,
            },
            7.0,
        );
        assert_eq!(snapshot.all_process_info().map(|v| v.len()), Ok(2));
        assert_eq!(e.all_process_info().map(|v| v.len()), Ok(3));
    }

    #[test]
    fn getters_are_guarded() {
        let mut e = Engine::new(
            EngineConfig::new("a", &["a"]).unwrap(),
            Box::new(NoRulesEngine),
        );
        e.start(0.0);
        assert!(matches!(
            e.all_process_info(),
            Err(CommandError::BadSupvisorsState { .. })
        ));
        assert!(matches!(
            e.application_rules("x"),
            Err(CommandError::BadSupvisorsState { .. })
        ));
        assert!(e.instance_info("a").is_ok(), "unguarded");
    }
}
