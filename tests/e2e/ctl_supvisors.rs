//! `supvisorsctl` against a real single-instance Python Supvisors 0.15, compared with the
//! Python `supvisorsctl`: two daemons with the same configuration, the same command lines in
//! the same order, the same output lines and exit statuses; then the same command lines against
//! our `supvisorsd` (same configuration), where the Python client and ours must agree and match
//! what the Python client printed against the Python daemon.

use supvisors_tests::binary;
use supvisors_tests::supervisord::{
    RealSupervisord, differential_supvisors, free_port, normalize_supvisors, venv_bin,
};

const PROGRAMS: &str = "\
[group:services]\nprograms=database,broker\n\
[program:database]\ncommand=/bin/sh -c \"echo database up; exec sleep 3600\"\nautostart=false\n\
stopsignal=KILL\n\
[program:broker]\ncommand=/bin/sleep 3600\nautostart=false\nstopsignal=KILL\n\
[program:loner]\ncommand=/bin/sleep 3600\nautostart=false\nstopsignal=KILL\n";

const RULES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<root>
    <application name="services">
        <start_sequence>1</start_sequence>
        <starting_failure_strategy>STOP</starting_failure_strategy>
        <programs>
            <program name="database">
                <start_sequence>1</start_sequence>
                <expected_loading>10</expected_loading>
            </program>
            <program name="broker">
                <start_sequence>2</start_sequence>
                <required>true</required>
            </program>
        </programs>
    </application>
</root>
"#;

/// Read commands and argument errors.
const READS: &[&str] = &[
    "sversion",
    "sstate",
    "master",
    "strategies",
    "instance_status",
    "instance_status one nosuch",
    "application_info",
    "application_info services nosuch",
    "application_rules",
    "application_rules services loner nosuch",
    "sstatus",
    "sstatus services:* nosuch",
    "local_status",
    "local_status services:* loner nosuch",
    "process_rules",
    "process_rules services:database nosuch",
    "conflicts",
    "help",
    "help sstate",
    "help foo",
    "help status",
    "help loglevel",
    "loglevel",
    "loglevel foo",
    "conciliate",
    "conciliate FOO",
    "conciliate USER",
    "start_application",
    "start_application FOO",
    "start_application CONFIG nosuch loner",
    "stop_application nosuch loner",
    "restart_application FOO",
    "start_process",
    "start_process FOO",
    "restart_process",
    "restart_process FOO",
    "start_any_process CONFIG",
    "start_any_process_args CONFIG x",
    "start_args loner",
    "start_process_args CONFIG x",
    "all_start",
    "all_start_args loner",
    "update_numprocs loner",
    "update_numprocs loner x",
    "update_numprocs loner 0",
    "enable",
    "disable",
    "enable nosuch",
];

/// Commands that act, in the same order on every daemon.
const ACTS: &[&str] = &[
    "start_process CONFIG loner",
    "start_process CONFIG loner",
    "sstatus loner",
    "stop_process loner",
    "stop_process loner",
    "start_application CONFIG services",
    "start_application CONFIG services",
    "application_info",
    "sstatus",
    "stop_application services",
    "disable loner",
    "start loner",
    "enable loner",
    "start_any_process CONFIG lon",
    "start_any_process CONFIG nomatch",
    "restart_process CONFIG loner",
    "stop_process all",
    "loglevel debug",
    "local_status",
];

fn check_all(reference: &RealSupervisord, ours: &RealSupervisord, lines: &[&str]) {
    for line in lines {
        let args: Vec<&str> = line.split(' ').filter(|w| !w.is_empty()).collect();
        differential_supvisors(reference, ours, &args);
    }
}

#[test]
fn supvisors_commands_match_the_python_client() {
    let (reference, ours) = std::thread::scope(|s| {
        let a = s.spawn(|| RealSupervisord::start_supvisors(PROGRAMS, RULES));
        let b = s.spawn(|| RealSupervisord::start_supvisors(PROGRAMS, RULES));
        (
            a.join().expect("reference daemon"),
            b.join().expect("our daemon"),
        )
    });
    // Read commands and argument errors.
    check_all(&reference, &ours, READS);
    // Commands that act, in the same order on both daemons.
    check_all(&reference, &ours, ACTS);
    let refused = format!("http://127.0.0.1:{}", free_port());
    for command in ["sstate", "sstatus"] {
        check_all(&reference, &ours, &[&format!("-s {refused} {command}")]);
    }
}

/// A program whose numprocs can change (its process names hold the process number).
const MULTI: &str = "[program:multi]\ncommand=/bin/sleep 3600\nautostart=false\nstopsignal=KILL\n\
numprocs=2\nprocess_name=%(program_name)s_%(process_num)02d\n";

/// Acting commands beyond the first comparison, in this order on every daemon; the daemon is
/// reloaded then shut down last. Extra arguments are numbers (`sleep 3600 7` sleeps longer): an
/// option would make `sleep` exit at once, and whether Python then reports a start or an
/// ABNORMAL_TERMINATION is a race.
const MORE_ACTS: &[&str] = &[
    "instance_status one",
    "application_info services",
    "application_rules services",
    "process_rules loner services:*",
    "sstatus services:database loner",
    "local_status loner",
    "stop_application services",
    "restart_application CONFIG nosuch",
    "start_process LESS_LOADED loner",
    "start_process MOST_LOADED loner",
    "stop_process loner",
    "start_process LOCAL loner",
    "stop_process loner",
    "start_any_process CONFIG ^loner$",
    "start_any_process CONFIG ^loner$",
    "stop_process loner",
    "start_any_process CONFIG ^services:",
    "stop_application services",
    "disable nosuch",
    "enable nosuch",
    "conciliate INFANTICIDE",
    "restart_sequence",
    "start_application CONFIG services",
    "restart_application CONFIG services",
    "restart_application FOO services",
    "stop_application services",
    "start_args loner 6",
    "start_args nosuch",
    "start_args nosuch 6",
    "stop_process loner",
    "start_process_args CONFIG loner 7",
    "start_process_args CONFIG nosuch 7",
    "stop_process loner",
    "start_any_process_args CONFIG lon 8",
    "stop_process all",
    "all_start loner",
    "all_start nosuch",
    "stop_process loner",
    "all_start_args loner 9",
    "stop_process loner",
    "start_process CONFIG nosuch",
    "stop_process nosuch",
    "restart_process CONFIG nosuch",
    "update_numprocs nosuch 2",
    "disable loner",
    "disable loner",
    "enable loner",
    "enable loner",
    "update_numprocs multi 3",
    "local_status multi:*",
    "start_process CONFIG multi:*",
    "update_numprocs multi 1",
    "sstatus multi:*",
    "stop_process multi:*",
    "update_numprocs multi 1",
    // A refused numprocs change leaves Python 0.15 unable to disable `loner` (KeyError).
    "update_numprocs loner 2",
    "conciliate SENICIDE",
    "loglevel info",
    "sreload",
];

/// Masks every number of the rows already masked for their clock times: the tick counters of
/// two daemons started at different times differ too.
fn mask_counters(text: String) -> String {
    text.lines()
        .map(|line| {
            if !line.split(' ').any(|w| w == "#") {
                return line.to_owned();
            }
            line.split(' ')
                .map(|w| if w.parse::<u64>().is_ok() { "#" } else { w })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs one command line three times: the Python client against the Python daemon (the
/// baseline), the Python client and ours against our daemons (two daemons of ours, so that
/// acting commands run once on each, in the same order as on the Python daemon). Returns the
/// differences found.
fn check_ours(python: &RealSupervisord, ours: [&RealSupervisord; 2], line: &str) -> Vec<String> {
    let args: Vec<&str> = line.split(' ').filter(|w| !w.is_empty()).collect();
    // Three daemons, three clients: run side by side.
    let started = std::time::Instant::now();
    let (baseline, theirs, mine) = std::thread::scope(|s| {
        let baseline = s.spawn(|| python.reference_supvisors(&args));
        let theirs = s.spawn(|| ours[0].reference_supvisors(&args));
        let mine = ours[1].ours_supvisors(&args);
        let join = |h: std::thread::ScopedJoinHandle<'_, std::process::Output>| {
            h.join().expect("a client run")
        };
        (join(baseline), join(theirs), mine)
    });
    let baseline = mask_counters(normalize_supvisors(&baseline, python));
    let theirs = mask_counters(normalize_supvisors(&theirs, ours[0]));
    let mine = mask_counters(normalize_supvisors(&mine, ours[1]));
    if let Some(path) = std::env::var_os("CTL_TRANSCRIPT") {
        use std::io::Write as _;
        if let Ok(mut file) = std::fs::File::options()
            .create(true)
            .append(true)
            .open(path)
        {
            let spent = started.elapsed();
            let _ = writeln!(file, "===== {line} ({spent:?})\n{baseline}\n");
        }
    }
    let mut differences = Vec::new();
    if mine != theirs {
        differences.push(format!(
            "{line:?} against supvisorsd, our supvisorsctl:\n{mine}\nthe Python one:\n{theirs}"
        ));
    }
    if theirs != baseline {
        differences.push(format!(
            "{line:?} with the Python supvisorsctl, against supvisorsd:\n{theirs}\n\
             against Python:\n{baseline}"
        ));
    }
    differences
}

#[test]
fn supvisors_commands_against_our_daemon() {
    let server = binary("supvisorsd");
    let programs = format!("{PROGRAMS}{MULTI}");
    let start = |server: &std::path::Path| {
        RealSupervisord::start_supvisors_on(server, &programs, RULES, true)
    };
    let (python, first, second) = std::thread::scope(|s| {
        let a = s.spawn(|| start(&venv_bin("supervisord")));
        let b = s.spawn(|| start(&server));
        let c = s.spawn(|| start(&server));
        (
            a.join().expect("Python daemon"),
            b.join().expect("our first daemon"),
            c.join().expect("our second daemon"),
        )
    });
    let ours = [&first, &second];
    // Every difference is collected, so that one run shows them all.
    let mut differences = Vec::new();
    for line in READS.iter().chain(ACTS).chain(MORE_ACTS) {
        differences.extend(check_ours(&python, ours, line));
    }
    // `sreload` was the last one: the daemons restart (the Python one closes its HTTP server
    // for a moment) and synchronise again.
    for daemon in [&python, &first, &second] {
        daemon.wait_operation();
    }
    let refused = format!("http://127.0.0.1:{}", free_port());
    for command in ["sstate", "sstatus", "start_process CONFIG loner"] {
        differences.extend(check_ours(
            &python,
            ours,
            &format!("-s {refused} {command}"),
        ));
        let wrong = format!("-p wrong {command}");
        differences.extend(check_ours(&python, ours, &wrong));
    }
    differences.extend(check_ours(&python, ours, "sshutdown"));
    for daemon in [&python, &first, &second] {
        daemon.wait_gone();
        let address = daemon.url.trim_start_matches("http://");
        assert!(
            std::net::TcpStream::connect(address).is_err(),
            "{} still serves after sshutdown",
            daemon.url
        );
    }
    assert!(
        differences.is_empty(),
        "{} differences:\n{}",
        differences.len(),
        differences.join("\n-----\n")
    );
}
