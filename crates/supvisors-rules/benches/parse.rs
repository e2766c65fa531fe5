//! Parsing speed of a large installation: a `supervisord.conf` with 2,000 programs and a rules
//! file with 500 application rules (goal: well under 50 ms for both).

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use supvisors_rules::context::{HostEntry, HostTable, LoadContext, StaticAccounts};

/// Names `node0` to `node255`, each on its own loopback address `127.0.2.N`.
fn loopback_hosts() -> HostTable {
    (0..=u8::MAX).fold(HostTable::new(), |hosts, n| {
        let name = format!("node{n}");
        let entry = HostEntry::single(&name, [127, 0, 2, n].into());
        hosts.with(&name, entry)
    })
}

const PROGRAMS: usize = 2_000;
const APPLICATIONS: usize = 500;

fn write_config(dir: &Path) -> std::io::Result<()> {
    // `%(here)s` is not available in `[rpcinterface:x]` sections without an `[include]`.
    let mut conf = format!(
        "[supervisord]\nlogfile=%(here)s/supervisord.log\npidfile=%(here)s/supervisord.pid\n\n\
         [inet_http_server]\nport=127.0.0.1:60000\n\n\
         [rpcinterface:supervisor]\n\
         supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n\n\
         [rpcinterface:supvisors]\n\
         supervisor.rpcinterface_factory = supvisors.plugin:make_supvisors_rpcinterface\n\
         supvisors_list = node1,node2,node3,node4\n\
         rules_files = {rules}\n\n",
        rules = dir.join("rules.xml").display()
    );
    for app in 0..APPLICATIONS {
        let members: Vec<String> = (0..PROGRAMS / APPLICATIONS)
            .map(|p| format!("prg_{app}_{p}"))
            .collect();
        let _ = writeln!(conf, "[group:app_{app}]\nprograms={}\n", members.join(","));
    }
    for app in 0..APPLICATIONS {
        for p in 0..PROGRAMS / APPLICATIONS {
            let _ = writeln!(
                conf,
                "[program:prg_{app}_{p}]\ncommand=/bin/sleep %(process_num)d\n\
                 numprocs=1\nautorestart=unexpected\nstdout_logfile=%(here)s/%(program_name)s.log\n\
                 environment=A=\"1\",B=\"%(program_name)s\"\npriority={p}\n"
            );
        }
    }
    std::fs::write(dir.join("supervisord.conf"), conf)?;

    let mut rules = String::from("<?xml version=\"1.0\"?>\n<root>\n");
    rules.push_str("  <alias name=\"servers\">node1,node2</alias>\n");
    rules.push_str("  <model name=\"base\"><identifiers>servers</identifiers><expected_loading>5</expected_loading></model>\n");
    for app in 0..APPLICATIONS {
        let _ = write!(
            rules,
            "  <application name=\"app_{app}\">\n    <start_sequence>{}</start_sequence>\n    \
             <starting_failure_strategy>CONTINUE</starting_failure_strategy>\n    <programs>\n      \
             <program pattern=\"prg_{app}_\"><reference>base</reference><start_sequence>1</start_sequence></program>\n    \
             </programs>\n  </application>\n",
            app % 100 + 1
        );
    }
    rules.push_str("</root>\n");
    std::fs::write(dir.join("rules.xml"), rules)
}

fn bench_parse(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    write_config(dir.path()).expect("write config");
    // A daemon's environment typically holds a few dozen variables, each an `ENV_*` name.
    let env: BTreeMap<String, String> = (0..40)
        .map(|i| (format!("VARIABLE_{i}"), format!("/some/value/{i}")))
        .collect();
    let hosts = loopback_hosts();
    let ctx = LoadContext {
        env,
        host_node_name: "node1".to_owned(),
        cwd: dir.path().to_path_buf(),
        local_addresses: vec![[127, 0, 2, 1].into()],
        accounts: &StaticAccounts::empty(),
        resolver: &hosts,
    };
    let conf = dir.path().join("supervisord.conf");
    let rules = vec![dir.path().join("rules.xml")];
    let mut group = c.benchmark_group("parse");
    group.sample_size(20);
    group.bench_function("supervisord_conf_2000_programs", |b| {
        b.iter(|| {
            supvisors_rules::supervisor::load_supervisor_config(&conf, &ctx).map(|c| c.groups.len())
        })
    });
    group.bench_function("rules_xml_500_applications", |b| {
        b.iter(|| supvisors_rules::rules_xml::load_rules(&rules).is_ok())
    });
    group.bench_function("check_config_everything", |b| {
        b.iter(|| {
            supvisors_rules::load(&conf, &ctx, &supvisors_rules::Overrides::default()).is_ok()
        })
    });
    group.finish();
}

criterion_group!(benches, bench_parse);
criterion_main!(benches);
