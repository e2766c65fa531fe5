//! The Supvisors side of `supvisorsd`: when the configuration has a `[rpcinterface:supvisors]`
//! section, the engine, the links to the other instances, the tick timer and the event
//! publisher run beside the local Supervisor (ARCHITECTURE.md, runtime data flow).
//!
//! ```text
//!  local Supervisor ──notices──> links.publish ──> every instance (self included)
//!  links ──messages──> engine task ──outputs──> RealIo: links, requests, events, Supervisor
//!  links ──requests──> peers::answer (handshake, start_args, stopProcess, forwarded sequences)
//!  XML-RPC `supvisors.*` ──> backend ──> engine commands / LocalSupvisors / engine snapshot
//! ```

pub mod backend;
pub mod disabilities;
pub mod engine_task;
pub mod io;
pub mod local;
pub mod notices;
pub mod peers;

use std::collections::HashSet;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use supvisors_core::engine::Engine;
use supvisors_net::events::EventPublisher;
use supvisors_net::events::port::event_port;
use supvisors_net::links::{Links, LinksConfig, PeerAddress};
use supvisors_proc::driver::ManagerHandle;
use supvisors_proc::mainlog::MainLogHandle;
use supvisors_proc::model::SupvisorsNotice;
use supvisors_rules::LoadedConfig;
use supvisors_rules::context::LoadContext;
use supvisors_rules::loaded::{SupvisorsConfig, local_processes};
use supvisors_rules::values::LogLevel;
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

use engine_task::EngineTask;
use io::RealIo;
use local::LocalSupvisors;

/// A running Supvisors side.
pub struct Cluster {
    /// The local operations, for the XML-RPC backend.
    pub local: LocalSupvisors,
    stop: CancellationToken,
    links: Arc<Links>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

/// Programs of the local configuration, de-duplicated, in configuration order.
fn program_names(config: &LoadedConfig) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for process in local_processes(&config.supervisor) {
        if !names.contains(&process.program_name) {
            names.push(process.program_name);
        }
    }
    names
}

fn links_config(supvisors: &SupvisorsConfig) -> LinksConfig {
    let options = &supvisors.options;
    let port = options
        .local_instance()
        .map_or(0, |i| u16::try_from(i.internal_port).unwrap_or(0));
    let peers = options
        .instances
        .iter()
        .map(|i| {
            let port = u16::try_from(i.internal_port).unwrap_or(0);
            PeerAddress::new(&i.identifier, &i.host_name, port)
        })
        .collect();
    // All interfaces, as the reference: the other instances connect from their nodes.
    let bind = SocketAddr::from((Ipv4Addr::UNSPECIFIED, port));
    let mut config = LinksConfig::new(&options.local_identifier, bind, peers, options.tick_period);
    config.secret = options.internal_secret.clone();
    // Instances started together are refused until their peers listen: a retry within the
    // first tick period lets the first TICKs reach everyone (1 s, the default, is a whole
    // tick period more when tick_period is 0.5 s). Not below 100 ms. A peer down for longer is
    // retried less and less often, but at least once per tick period: back within a tick, it
    // is linked again before its next TICK is due.
    let floor = Duration::from_millis(100);
    config.reconnect = config.reconnect.min(options.tick_period / 5).max(floor);
    config.reconnect_max = config
        .reconnect_max
        .min(options.tick_period)
        .max(config.reconnect);
    config
}

impl Cluster {
    /// Starts the Supvisors side for the local Supervisor behind `supervisor`; `notices` are
    /// the Supervisor's facts to publish.
    pub async fn start(
        config: &LoadedConfig,
        supvisors: &SupvisorsConfig,
        supervisor: ManagerHandle,
        notices: mpsc::UnboundedReceiver<SupvisorsNotice>,
        log: MainLogHandle,
        load_context: Arc<LoadContext<'static>>,
    ) -> Result<Cluster, String> {
        let engine_config = supvisors
            .engine_config()
            .map_err(|e| format!("cannot start Supvisors: {e}"))?;
        let tick_period = supvisors.options.tick_period;
        let rules = supvisors.rules_provider(local_processes(&config.supervisor));
        let engine = Engine::new(engine_config, rules);
        let (task, engine) = EngineTask::new(engine, tick_period);
        // The first TICK goes to every instance through the links, the local one included: one
        // sent before a link is up is lost, and the synchronization takes one more tick period.
        // So the first tick waits for the links, at most one tick period, as the reference
        // waits for the next 5 s slice (a peer may well be down).
        let (links_up, mut links_up_rx) = watch::channel(HashSet::new());
        let instances = supvisors.options.instances.len();
        let task = task.first_tick_after(async move {
            let wait = links_up_rx.wait_for(|up| up.len() >= instances);
            let _ = tokio::time::timeout(tick_period, wait).await;
        });
        let (link_tx, link_rx) = mpsc::unbounded_channel();
        let links = Links::start(links_config(supvisors), link_tx)
            .await
            .map_err(|e| format!("cannot bind the Supvisors internal port: {e}"))?;
        let links = Arc::new(links);

        let events = match event_port(&supvisors.options) {
            Ok(None) => None,
            Ok(Some(port)) => match EventPublisher::bind(port).await {
                Ok(publisher) => Some(publisher),
                Err(err) => {
                    let text = format!("cannot bind the event port {port}: {err}");
                    log.log(LogLevel::Critical, text);
                    None
                }
            },
            Err(err) => {
                log.log(LogLevel::Critical, format!("no event interface: {err}"));
                None
            }
        };

        let local = LocalSupvisors {
            local: supvisors.options.local_identifier.clone(),
            supervisor: supervisor.clone(),
            engine: engine.clone(),
            log: log.clone(),
            disabilities_file: supvisors.options.disabilities_file.clone(),
            disabilities_lock: Arc::new(Mutex::new(())),
            load_context,
            programs: Arc::new(program_names(config)),
        };
        let io = RealIo {
            local: local.local.clone(),
            links: Arc::clone(&links),
            events,
            engine,
            supervisor,
            log,
            last_fsm: None,
            instance_states: Default::default(),
        };
        let stop = CancellationToken::new();
        let tasks = vec![
            tokio::spawn(task.run(Box::new(io), stop.clone())),
            tokio::spawn(peers::serve_link_events(link_rx, local.clone(), links_up)),
            tokio::spawn(notices::publish_notices(notices, Arc::clone(&links))),
        ];
        Ok(Cluster {
            local,
            stop,
            links,
            tasks,
        })
    }

    /// Stops the engine and closes the links (the internal port is free afterwards).
    pub async fn stop(self) {
        self.stop.cancel();
        for task in self.tasks {
            task.abort();
            let _ = tokio::time::timeout(Duration::from_secs(2), task).await;
        }
        // The tasks held the other references; dropping the last one stops the links too.
        if let Ok(links) = Arc::try_unwrap(self.links) {
            links.shutdown().await;
        }
    }
}
