//! What the Supvisors engine needs from a loaded configuration: its [`EngineConfig`] and a
//! [`RulesProvider`] answering with the rules of the XML files.
//!
//! The engine asks for the rules of an application or a process the first time it sees it
//! (spec `supvisors-core.md` §6.8), local or not; `#` resolution uses the local procnumbers,
//! as the reference does (a process unknown locally resets its start sequence, §3.7).

use std::sync::Arc;

use supvisors_core::config::{ConfigError as EngineConfigError, EngineConfig, InstanceConfig};
use supvisors_core::rules::{ApplicationRules, ProcessRules};
use supvisors_core::rules_provider::RulesProvider;

use crate::loaded::SupvisorsConfig;
use crate::rules_xml::resolve::{self, LocalProcess};

impl SupvisorsConfig {
    /// The engine configuration of the local instance.
    pub fn engine_config(&self) -> Result<EngineConfig, EngineConfigError> {
        let options = &self.options;
        let instances = options
            .instances
            .iter()
            .map(|i| InstanceConfig {
                identifier: i.identifier.clone(),
                host_name: i.host_name.clone(),
                node: i.ip_address.clone(),
                http_port: u16::try_from(i.http_port).unwrap_or(0),
            })
            .collect();
        let mut config = EngineConfig::with_instances(&options.local_identifier, instances)?;
        config.core_identifiers = options
            .instances
            .iter()
            .filter(|i| options.core_identifiers.contains(&i.identifier))
            .map(|i| i.identifier.clone())
            .collect();
        config.synchro_timeout = options.synchro_timeout;
        config.inactivity_ticks = u64::from(options.inactivity_ticks);
        config.auto_fence = options.auto_fence;
        config.starting_strategy = options.starting_strategy;
        config.conciliation_strategy = options.conciliation_strategy;
        config.tick_period = options.tick_period.as_secs_f64();
        Ok(config)
    }

    /// The rules provider of the engine, for these local processes.
    pub fn rules_provider(&self, local: Vec<LocalProcess>) -> XmlRules {
        XmlRules {
            config: Arc::new(self.clone()),
            local,
        }
    }
}

/// The rules of the XML files (or none, §3.10), resolved on demand.
#[derive(Debug, Clone)]
pub struct XmlRules {
    config: Arc<SupvisorsConfig>,
    local: Vec<LocalProcess>,
}

impl RulesProvider for XmlRules {
    fn application_rules(&self, application: &str) -> ApplicationRules {
        let engine = self.config.rules_engine.as_ref();
        resolve::application_rules(engine, application, &self.config.options).0
    }

    fn process_rules(
        &self,
        application: &str,
        process: &str,
        application_rules: &ApplicationRules,
    ) -> ProcessRules {
        let engine = self.config.rules_engine.as_ref();
        let options = &self.config.options;
        resolve::process_rules(
            engine,
            application,
            process,
            application_rules,
            options,
            &self.local,
        )
        .rules
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::{HostEntry, HostTable, LoadContext, StaticAccounts};
    use crate::loaded::{Overrides, load};
    use supvisors_core::enums::StartingStrategies;

    fn write(dir: &std::path::Path, name: &str, text: &str) -> std::path::PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn engine_config_and_rules_come_from_the_loaded_files() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "rules.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?>
<root>
  <application name="app">
    <start_sequence>2</start_sequence>
    <starting_strategy>LESS_LOADED</starting_strategy>
    <programs><program name="p"><start_sequence>3</start_sequence><required>true</required></program></programs>
  </application>
</root>
"#,
        );
        let text = format!(
            "[inet_http_server]\nport=127.0.0.1:61000\n[supervisord]\nidentifier=b\n\
             [rpcinterface:supvisors]\nsupervisor.rpcinterface_factory = supvisors.plugin:make_supvisors_rpcinterface\n\
             supvisors_list = <a>127.0.0.1:61010:61011,<b>127.0.0.1:61000:61001\n\
             core_identifiers = b,a\ntick_period = 0.5\nsynchro_timeout = 20\nauto_fence = true\n\
             rules_files = {}/rules.xml\n\
             [group:app]\nprograms=p\n[program:p]\ncommand=sleep 1\n",
            dir.path().display()
        );
        let conf = write(dir.path(), "supervisord.conf", &text);
        let accounts = StaticAccounts::root_only();
        let resolver = HostTable::new()
            .with(
                "127.0.0.1",
                HostEntry {
                    canonical: "localhost".into(),
                    aliases: vec![],
                    addresses: vec!["127.0.0.1".parse().unwrap()],
                },
            )
            .resolving_literal_addresses();
        let ctx = LoadContext {
            env: Default::default(),
            host_node_name: "node".into(),
            cwd: dir.path().to_path_buf(),
            local_addresses: vec![],
            accounts: &accounts,
            resolver: &resolver,
        };
        let loaded = load(&conf, &ctx, &Overrides::default()).unwrap_or_else(|e| panic!("{e:#?}"));
        let supvisors = loaded.supvisors.unwrap();
        let config = supvisors.engine_config().unwrap();
        assert_eq!(config.local_identifier, "b");
        assert_eq!(config.identifiers(), ["a", "b"]);
        assert_eq!(config.core_identifiers, ["a", "b"], "supvisors_list order");
        assert_eq!(config.tick_period, 0.5);
        assert_eq!(config.synchro_timeout, 20);
        assert!(config.auto_fence);
        assert_eq!(config.instances[0].http_port, 61010);
        assert_eq!(config.instances[0].node, config.instances[1].node);
        let rules = supvisors.rules_provider(crate::loaded::local_processes(&loaded.supervisor));
        let app = rules.application_rules("app");
        assert!(app.managed);
        assert_eq!(app.start_sequence, 2);
        assert_eq!(app.starting_strategy, StartingStrategies::LessLoaded);
        let p = rules.process_rules("app", "p", &app);
        assert_eq!((p.start_sequence, p.required), (3, true));
        assert!(!rules.application_rules("other").managed);
    }
}
