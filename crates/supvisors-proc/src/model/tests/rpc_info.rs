//! Information, configuration, reload and log-related methods (§3.5.3–§3.5.8).

use super::super::{Channel, ProcessState, StrOrInt};
use super::rpc::{GRP, MANUAL, MULTI, fault_text, ok};
use super::{Harness, config};

#[test]
fn item_53_55_log_paths_and_names() {
    let h = Harness::new(
        "[program:n]\ncommand=/bin/n\nstdout_logfile=NONE\nautostart=false\n[program:auto]\ncommand=/bin/a\nautostart=false\n",
    );
    assert_eq!(h.sup.log_path("n", Channel::Stdout), Ok(None));
    let p = h.sup.log_path("auto", Channel::Stderr);
    assert!(
        matches!(p, Ok(Some(ref s)) if s.contains("auto-stderr---test-")),
        "{p:?}"
    );
    assert_eq!(
        fault_text(h.sup.log_path("n:*", Channel::Stdout)),
        "BAD_NAME: n:*"
    );
}

#[test]
fn item_55_clear_logs_rejects_group_names_and_clears_running_children() {
    let mut h = Harness::new(GRP);
    assert_eq!(
        fault_text(h.sup.clear_process_logs("grp", &mut h.host)),
        "BAD_NAME: grp"
    );
    assert_eq!(h.sup.clear_process_logs("grp:a", &mut h.host), Ok(true));
    assert!(
        h.host.calls.is_empty()
            || !h
                .host
                .calls
                .iter()
                .any(|c| matches!(c, super::super::testing::Call::ClearLogs(_)))
    );
    let _ = h.sup.start_process("grp:a", false, h.now, &mut h.host);
    h.host.clear_errors.push(100);
    let all = h.sup.clear_all_process_logs(&mut h.host);
    let Ok(all) = all else { panic!("{all:?}") };
    assert_eq!(all[0].description, "FAILED: grp:a");
    assert_eq!(all[1], ok("grp", "b"));
}

#[test]
fn item_56_all_process_info_is_sorted_lexically() {
    let h = Harness::new(&format!("{GRP}{MULTI}{MANUAL}"));
    let names: Vec<String> = h
        .sup
        .get_all_process_info(h.now, &h.host)
        .unwrap_or_default()
        .iter()
        .map(|i| format!("{}:{}", i.group, i.name))
        .collect();
    assert_eq!(
        names,
        vec![
            "grp:a",
            "grp:b",
            "manual:manual",
            "multi:multi_00",
            "multi:multi_01"
        ]
    );
}

#[test]
fn item_57_config_info_none_and_auto_rules() {
    let mut h = Harness::new(&format!(
        "{MANUAL}[program:d]\ncommand=/bin/d\ndirectory=/tmp\nserverurl=http://x:1\nstdout_logfile=NONE\n"
    ));
    let infos = h.sup.get_all_config_info().unwrap_or_default();
    let manual = infos.iter().find(|i| i.name == "manual");
    let Some(manual) = manual else {
        panic!("no manual")
    };
    assert_eq!(manual.uid, StrOrInt::Str("none".into()));
    assert_eq!(manual.directory, "none");
    assert_eq!(manual.serverurl, "none");
    assert!(manual.stdout_logfile.contains("manual-stdout---test-"));
    assert!(manual.inuse);
    let d = infos.iter().find(|i| i.name == "d");
    assert_eq!(d.map(|d| d.stdout_logfile.as_str()), Some("none"));
    assert_eq!(
        infos.iter().map(|i| i.name.as_str()).collect::<Vec<_>>(),
        vec!["d", "manual"]
    );
    // After a re-read, AUTO logs of the fresh parse show 'auto'.
    let _ = h.sup.reload_config(Ok(config(MANUAL)));
    let infos = h.sup.get_all_config_info().unwrap_or_default();
    assert_eq!(infos[0].stdout_logfile, "auto");
    h.tick();
}

#[test]
fn item_58_process_info_fields() {
    let mut h = Harness::new(MANUAL);
    let _ = h.sup.start_process("manual", false, h.now, &mut h.host);
    h.tick_after(13.2);
    let info = h.info("manual");
    assert_eq!(info.logfile(), info.stdout_logfile);
    assert_eq!(info.description, "pid 100, uptime 0:00:13");
    assert_eq!(info.statename(), "RUNNING");
    assert_eq!(info.now - info.start, 13);
}

#[test]
fn item_27_28_descriptions_of_idle_and_transient_states() {
    let mut h = Harness::new(MANUAL);
    let info = h.info("manual");
    assert_eq!(
        (
            info.state.code(),
            info.description.as_str(),
            info.start,
            info.stop
        ),
        (0, "Not started", 0, 0)
    );
    let _ = h.sup.start_process("manual", false, h.now, &mut h.host);
    assert_eq!(h.info("manual").description, "");
    let _ = h.sup.stop_process("manual", false, h.now, &mut h.host);
    assert_eq!(h.info("manual").description, "");
}

#[test]
fn item_59_reload_config_reports_added_changed_removed() {
    let old = "[program:inc1]\ncommand=/bin/a\n[program:cont]\ncommand=/bin/c\n[program:same]\ncommand=/bin/s\n";
    let new = "[program:inc1]\ncommand=/bin/b\n[program:newp]\ncommand=/bin/n\n[program:same]\ncommand=/bin/s\n";
    let mut h = Harness::new(old);
    let diff = h.sup.reload_config(Ok(config(new)));
    let Ok(diff) = diff else { panic!("{diff:?}") };
    assert_eq!(
        (diff.added, diff.changed, diff.removed),
        (
            vec!["newp".to_string()],
            vec!["inc1".to_string()],
            vec!["cont".to_string()]
        )
    );
    assert_eq!(
        fault_text(h.sup.reload_config(Err("bad".into()))),
        "CANT_REREAD: bad"
    );
}

#[test]
fn item_60_add_and_remove_group_faults() {
    let mut h = Harness::new("[program:s]\ncommand=/bin/s\n");
    assert_eq!(
        fault_text(h.sup.add_process_group("s", &mut h.host)),
        "ALREADY_ADDED: s"
    );
    assert_eq!(
        fault_text(h.sup.add_process_group("nope", &mut h.host)),
        "BAD_NAME: nope"
    );
    h.tick();
    assert_eq!(
        fault_text(h.sup.remove_process_group("s")),
        "STILL_RUNNING: s"
    );
    let _ = h.sup.reload_config(Ok(config(
        "[program:s]\ncommand=/bin/s\n[program:n]\ncommand=/bin/n\n",
    )));
    assert_eq!(h.sup.add_process_group("n", &mut h.host), Ok(true));
    h.tick();
    assert_eq!(
        h.state("n"),
        ProcessState::Starting,
        "added groups autostart at the next tick"
    );
}

#[test]
fn item_61_get_state_is_running() {
    let h = Harness::new(MANUAL);
    let s = h.sup.get_state();
    assert_eq!(s.map(|s| (s.code(), s.name())), Ok((1, "RUNNING")));
}
