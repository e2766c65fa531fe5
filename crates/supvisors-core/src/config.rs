//! The engine configuration: the instances of `supvisors_list` and the options that drive decisions.
//!
//! `supvisors-rules` fills this from `supervisord.conf`; tests build it directly.

use crate::enums::{ConciliationStrategies, StartingStrategies};
use crate::messages::Identifier;

/// Default tick period, in seconds (spec §1.12).
pub const TICK_PERIOD: f64 = 5.0;

/// One instance of `supvisors_list`, as deduced and resolved (spec §2.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceConfig {
    /// The deduced identifier.
    pub identifier: Identifier,
    /// Host name as written in `supvisors_list`.
    pub host_name: String,
    /// Node key: the first resolved IP address; instances sharing it are on the same node.
    pub node: String,
    /// Supervisor HTTP port of that instance.
    pub http_port: u16,
}

impl InstanceConfig {
    /// An instance alone on a node named after its identifier.
    pub fn alone(identifier: &str) -> Self {
        InstanceConfig {
            identifier: identifier.to_owned(),
            host_name: identifier.to_owned(),
            node: identifier.to_owned(),
            http_port: 0,
        }
    }
}

/// Why a configuration cannot drive an engine.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// The local identifier is not part of the instance list.
    #[error("local identifier {0:?} is not in supvisors_list")]
    LocalNotListed(Identifier),
    /// The instance list is empty.
    #[error("supvisors_list is empty")]
    NoInstance,
}

/// Everything the engine needs to know before it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct EngineConfig {
    /// Instances in `supvisors_list` order (de-duplicated).
    pub instances: Vec<InstanceConfig>,
    /// The identifier of the instance running this engine.
    pub local_identifier: Identifier,
    /// `core_identifiers`, already filtered against the instance list.
    pub core_identifiers: Vec<Identifier>,
    /// `synchro_timeout` in seconds (15..=1200).
    pub synchro_timeout: u32,
    /// `inactivity_ticks` (2..=720).
    pub inactivity_ticks: u64,
    /// `auto_fence`.
    pub auto_fence: bool,
    /// `starting_strategy` option.
    pub starting_strategy: StartingStrategies,
    /// `conciliation_strategy` option.
    pub conciliation_strategy: ConciliationStrategies,
    /// Seconds between two ticks (divisor of startsecs/stopwaitsecs); option `tick_period`,
    /// beyond the reference (5 s there, fixed).
    pub tick_period: f64,
    /// Deviation from 0.15 (quirks Q13, Q15): TICKs carry the sender's master and state modes.
    ///
    /// A RUNNING peer's state modes are refreshed at each of its ticks (a STATE message lost
    /// while a link was briefly down no longer leaves a non-master behind its master), and an
    /// operating instance that sees a RUNNING peer declare another master, RUNNING here too,
    /// re-synchronizes (two instances electing at different times with different views no
    /// longer keep different masters forever). Both problems were found by the simulation.
    /// False gives the reference behaviour.
    pub tick_status: bool,
}

impl EngineConfig {
    /// A configuration with the option defaults of spec §2.2, one node per instance.
    pub fn new(local_identifier: &str, identifiers: &[&str]) -> Result<Self, ConfigError> {
        Self::with_instances(
            local_identifier,
            identifiers
                .iter()
                .map(|i| InstanceConfig::alone(i))
                .collect(),
        )
    }

    /// A configuration with the option defaults of spec §2.2 and explicit instances.
    pub fn with_instances(
        local_identifier: &str,
        instances: Vec<InstanceConfig>,
    ) -> Result<Self, ConfigError> {
        if instances.is_empty() {
            return Err(ConfigError::NoInstance);
        }
        if !instances.iter().any(|i| i.identifier == local_identifier) {
            return Err(ConfigError::LocalNotListed(local_identifier.to_owned()));
        }
        Ok(EngineConfig {
            instances,
            local_identifier: local_identifier.to_owned(),
            core_identifiers: Vec::new(),
            synchro_timeout: 15,
            inactivity_ticks: 2,
            auto_fence: false,
            starting_strategy: StartingStrategies::Config,
            conciliation_strategy: ConciliationStrategies::User,
            tick_period: TICK_PERIOD,
            tick_status: true,
        })
    }

    /// The identifiers in `supvisors_list` order.
    pub fn identifiers(&self) -> Vec<Identifier> {
        self.instances
            .iter()
            .map(|i| i.identifier.clone())
            .collect()
    }

    /// The node key of an instance.
    pub fn node_of(&self, identifier: &str) -> Option<&str> {
        self.instances
            .iter()
            .find(|i| i.identifier == identifier)
            .map(|i| i.node.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_validation() {
        let cfg = EngineConfig::new("b", &["a", "b"]).unwrap();
        assert_eq!(cfg.synchro_timeout, 15);
        assert_eq!(cfg.inactivity_ticks, 2);
        assert_eq!(cfg.tick_period, 5.0);
        assert_eq!(cfg.identifiers(), ["a", "b"]);
        assert_eq!(cfg.node_of("a"), Some("a"));
        assert_eq!(
            EngineConfig::new("c", &["a"]),
            Err(ConfigError::LocalNotListed("c".into()))
        );
        assert_eq!(EngineConfig::new("c", &[]), Err(ConfigError::NoInstance));
    }
}
