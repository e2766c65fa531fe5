//! `supvisorsctl` against a real single-instance Python Supvisors 0.15, compared with the
//! Python `supvisorsctl`: two daemons with the same configuration, the same command lines in
//! the same order, the same output lines and exit statuses.

use supvisors_tests::supervisord::{RealSupervisord, differential_supvisors, free_port};

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
    check_all(
        &reference,
        &ours,
        &[
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
        ],
    );
    // Commands that act, in the same order on both daemons.
    check_all(
        &reference,
        &ours,
        &[
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
        ],
    );
    let refused = format!("http://127.0.0.1:{}", free_port());
    for command in ["sstate", "sstatus"] {
        check_all(&reference, &ours, &[&format!("-s {refused} {command}")]);
    }
}
