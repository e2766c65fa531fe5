//! The manager delivers the model's Supvisors notices on its channel, in order, and
//! `start_args` forces FATAL on a command that cannot be found. No child is spawned.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use supvisors_core::enums::ProcessStates;
use supvisors_proc::driver::{HostSettings, Manager, RealHost, RunEnd};
use supvisors_proc::mainlog::{MainLog, MainLogConfig, spawn_writer};
use supvisors_proc::model::{FaultCode, Level, RpcResult, Supervisor, SupvisorsNotice};
use supvisors_rules::context::{HostTable, LoadContext, StaticAccounts};
use supvisors_rules::supervisor::load_supervisor_config_from_str;
use tokio::sync::mpsc;

#[tokio::test]
async fn notices_arrive_on_the_channel_in_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = format!(
        "[supervisord]\nidentifier=t\nchildlogdir={}\n[program:ghost]\ncommand=/nonexistent/ghost\nautostart=false\n",
        dir.path().display()
    );
    let (accounts, resolver) = (StaticAccounts::root_only(), HostTable::new());
    let ctx = LoadContext {
        env: BTreeMap::new(),
        host_node_name: "node1".into(),
        cwd: dir.path().to_path_buf(),
        local_addresses: Vec::new(),
        accounts: &accounts,
        resolver: &resolver,
    };
    let config = load_supervisor_config_from_str(&text, Path::new("s.conf"), &ctx)
        .unwrap_or_else(|e| panic!("config: {e:?}"));
    let (reports_tx, reports_rx) = mpsc::unbounded_channel();
    let mut host = RealHost::new(
        HostSettings {
            daemon_env: vec![("PATH".into(), "/bin:/usr/bin".into())],
            childlogdir: dir.path().to_path_buf(),
            identifier: "t".into(),
            debug_output: false,
            log: None,
        },
        reports_tx,
    );
    let mut model = Supervisor::new(&config, "t", &mut host);
    model.enable_supvisors(BTreeMap::from([("ghost".to_string(), true)]));
    let (log, _writer) = spawn_writer(
        MainLog::open(&MainLogConfig::default()).expect("log"),
        Level::Info,
    )
    .expect("writer");
    let (manager, handle) = Manager::new(model, host, reports_rx, log, Instant::now());
    let (notices_tx, mut notices) = mpsc::unbounded_channel();
    let manager = manager.with_notices(notices_tx);
    // Our own (empty) reaper channel: this test spawns nothing and must not reap others'.
    let (_reaped_tx, reaped_rx) = mpsc::unbounded_channel();
    let run = tokio::spawn(manager.run(reaped_rx));

    let disabled = handle
        .start_args("ghost".into(), "-v".into(), false)
        .await
        .expect("manager");
    assert_eq!(disabled.map_err(|f| f.code), Err(FaultCode::Disabled));

    let enabled = handle
        .with(|core, now| {
            core.model
                .set_program_disabled("ghost", false, now, &mut core.host)
        })
        .await
        .expect("manager");
    assert_eq!(enabled, Ok(vec!["ghost".to_string()]));

    let missing = handle
        .start_args("ghost".into(), "-v".into(), true)
        .await
        .expect("manager");
    let fault = missing.map(|r: RpcResult| r).expect_err("no such file");
    assert_eq!(fault.code, FaultCode::NoFile);

    match notices.recv().await {
        Some(SupvisorsNotice::ProcessDisability(info)) => {
            assert_eq!(info.namespec(), "ghost");
            assert!(!info.disabled);
        }
        other => panic!("expected the disability first, got {other:?}"),
    }
    match notices.recv().await {
        Some(SupvisorsNotice::ProcessState(event)) => {
            assert_eq!(event.state, ProcessStates::Fatal);
            assert_eq!(event.spawnerr, fault.to_string());
            assert_eq!(event.extra_args, "-v");
        }
        other => panic!("expected the FATAL state, got {other:?}"),
    }

    let stopping = handle.with(|core, _| core.model.shutdown()).await;
    assert_eq!(stopping, Ok(Ok(true)));
    let (end, _) = run.await.expect("manager task");
    assert_eq!(end, RunEnd::Exit);
}
