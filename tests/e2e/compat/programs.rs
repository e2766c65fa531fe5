//! Program life cycles: the §8 programs, failing commands, autorestart, stop escalation, logs.

use supvisors_tests::compat::{Scenario, Step::*, check};

use super::NO_AUTH;

/// The §8 programs, before any command: the same waits open both basic scenarios.
const BASIC_SETTLED: [supvisors_tests::compat::Step; 5] = [
    Py("wait", &["sleeper", "RUNNING"]),
    Py("wait", &["quick", "FATAL"]),
    Py("wait", &["exiter", "EXITED"]),
    Py("wait", &["nofile", "FATAL"]),
    Py("wait", &["multi:multi_01", "RUNNING"]),
];

#[test]
fn item_67_to_71_74_supervisorctl_on_basic_programs() {
    const STEPS: &[supvisors_tests::compat::Step] = &[
        BASIC_SETTLED[0],
        BASIC_SETTLED[1],
        BASIC_SETTLED[2],
        BASIC_SETTLED[3],
        BASIC_SETTLED[4],
        Ctl(&["status"]),
        Ctl(&["status", "sleeper"]),
        Ctl(&["status", "nosuch"]),
        Ctl(&["status", "nosuch:*"]),
        Ctl(&["status", "grp:*", "multi:*"]),
        Ctl(&["start", "nofile"]),
        Ctl(&["start", "quick"]),
        // `spawn error` comes at the first BACKOFF, retries go on.
        Py("wait", &["quick", "FATAL"]),
        Ctl(&["start", "sleeper"]),
        Ctl(&["start"]),
        Ctl(&["stop", "grp:a"]),
        Ctl(&["pid", "manual"]),
        Ctl(&["pid", "nosuch"]),
        Ctl(&["pid", "sleeper"]),
        Ctl(&["pid"]),
        Ctl(&["avail"]),
        Ctl(&["version"]),
        CtlSorted(&["start", "grp:*"]),
        CtlSorted(&["stop", "grp:*"]),
        Ctl(&["restart", "sleeper"]),
        Ctl(&["start", "manual"]),
        Ctl(&["signal", "USR1", "manual"]),
        Py("wait_log", &["exited: manual (terminated by SIGUSR1"]),
        Py("wait", &["manual", "RUNNING"]),
        Ctl(&["signal", "BOGUS", "manual"]),
        Ctl(&["signal", "WINCH", "grp:*"]),
        CtlSorted(&["restart", "grp:*"]),
        CtlSorted(&["signal", "WINCH", "all"]),
        Ctl(&["signal", "HUP", "nosuch"]),
        Ctl(&["start", "nosuch"]),
        Ctl(&["start", "nosuch:*"]),
        Ctl(&["stop", "nosuch"]),
        Ctl(&["restart", "nosuch"]),
        Ctl(&["clear", "nosuch"]),
        Ctl(&["nosuchcommand"]),
        Ctl(&["status"]),
        CtlSorted(&["stop", "all"]),
        Ctl(&["status"]),
        Shutdown,
        Ctl(&["status"]),
        MainLog(None),
    ];
    check(&Scenario {
        config: "basic",
        unix: false,
        auth: NO_AUTH,
        steps: STEPS,
        expect: &[
            "nosuch: ERROR (no such process)",
            "nosuch: ERROR (no such group)",
            "quick: ERROR (spawn error)",
            "sleeper: ERROR (already started)",
            "refused connection",
            "exited: manual (terminated by SIGUSR1; not expected)",
        ],
    });
}

#[test]
fn item_16_to_28_31_to_58_61_xmlrpc_on_basic_programs() {
    const STEPS: &[supvisors_tests::compat::Step] = &[
        BASIC_SETTLED[0],
        BASIC_SETTLED[1],
        BASIC_SETTLED[2],
        BASIC_SETTLED[3],
        BASIC_SETTLED[4],
        Py("basic_rpc", &[]),
        Py("http_rpc", &["127.0.0.1", "@PORT@"]),
        Py("raw_rpc", &[]),
        Shutdown,
        MainLog(None),
    ];
    check(&Scenario {
        config: "basic",
        unix: false,
        auth: NO_AUTH,
        steps: STEPS,
        expect: &[
            "BAD_NAME: a",
            "Exited too quickly (process log may have details)",
            "ALREADY_STARTED: sleeper",
            "SPAWN_ERROR: quick",
            "\"faultString\":\"BAD_NAME: nosuch\"",
            "INCORRECT_PARAMETERS: Recursive system.multicall forbidden",
        ],
    });
}

#[test]
fn item_19_20_26_42_43_44_failing_commands() {
    check(&Scenario {
        config: "failing",
        unix: false,
        auth: NO_AUTH,
        steps: &[
            Py("wait", &["nofile", "FATAL"]),
            Py("wait", &["quick", "FATAL"]),
            Ctl(&["status"]),
            Ctl(&["start", "noexec"]),
            Ctl(&["start", "isdir"]),
            Ctl(&["start", "empty"]),
            Ctl(&["start", "badchdir"]),
            Py("wait", &["badchdir", "FATAL"]),
            Ctl(&["start", "zero"]),
            Py("failing_rpc", &[]),
            Ctl(&["tail", "badchdir", "stderr"]),
            Ctl(&["status"]),
            Shutdown,
            MainLog(None),
        ],
        expect: &[
            "NO_FILE: can't find command '/nonexistent/binary'",
            "NOT_EXECUTABLE: command at '<DIR>/bin/noexec.sh' is not executable",
            "is a directory",
            "SPAWN_ERROR: quick",
            "ABNORMAL_TERMINATION: slowstart",
        ],
    });
}

#[test]
fn item_21_22_23_autorestart_and_exit_codes() {
    check(&Scenario {
        config: "autorestart",
        unix: false,
        auth: NO_AUTH,
        steps: &[
            Py("wait_log", &["exited: always (exit status 0; expected)"]),
            Py("wait", &["always", "RUNNING"]),
            Py("wait", &["never", "EXITED"]),
            Py("wait", &["expected", "EXITED"]),
            Py(
                "wait_log",
                &["exited: unexpected (exit status 4; not expected)"],
            ),
            Py("wait", &["unexpected", "RUNNING"]),
            Py("wait", &["manual", "RUNNING"]),
            Ctl(&["signal", "USR1", "manual"]),
            Py(
                "wait_log",
                &["exited: manual (terminated by SIGUSR1; not expected)"],
            ),
            Py("wait", &["manual", "RUNNING"]),
            Ctl(&["status"]),
            Py("call", &["supervisor.getProcessInfo", "[\"never\"]"]),
            Py("call", &["supervisor.getProcessInfo", "[\"expected\"]"]),
            Py("call", &["supervisor.getAllConfigInfo"]),
            Shutdown,
            MainLog(None),
        ],
        expect: &[
            "exited: always (exit status 0; expected)",
            "exited: expected (exit status 3; expected)",
            "exited: never (exit status 0; expected)",
        ],
    });
}

#[test]
fn item_24_25_62_stop_escalation_and_shutdown() {
    check(&Scenario {
        config: "stop",
        unix: false,
        auth: NO_AUTH,
        steps: &[
            Py("wait", &["stubborn", "RUNNING"]),
            Py("wait", &["family", "RUNNING"]),
            Py("wait", &["lone", "RUNNING"]),
            Py("stop_rpc", &[]),
            Ctl(&["stop", "stubborn"]),
            Py("call", &["supervisor.getProcessInfo", "[\"stubborn\"]"]),
            Ctl(&["stop", "family"]),
            Sh("bin/state.sh family.child 10"),
            Ctl(&["stop", "lone"]),
            // Without stopasgroup the grandchild survives; the test then ends it itself.
            Sh("bin/state.sh lone.child 0; kill $(cat lone.child)"),
            Ctl(&["start", "stubborn"]),
            Py("shutdown_rpc", &[]),
            WaitExit,
            MainLog(None),
        ],
        expect: &[
            "killing 'stubborn' (<PID>) with SIGKILL",
            "stopped: stubborn (terminated by SIGKILL)",
            "\"exitstatus\":-1",
            "SHUTDOWN_STATE",
            "gone",
            "alive",
        ],
    });
}

#[test]
fn item_51_to_54_75_76_child_logs() {
    check(&Scenario {
        config: "logs",
        unix: false,
        auth: NO_AUTH,
        steps: &[
            Py("wait", &["burst", "RUNNING"]),
            Py("wait", &["talker", "RUNNING"]),
            Py("wait", &["merged", "RUNNING"]),
            Py("wait_file", &["@DIR@/burst.log.1", "line 9\n"]),
            Py("wait_output", &["talker", "to stdout\n"]),
            Py("wait_output", &["talker", "to stderr\n", "Stderr"]),
            Py("wait_output", &["merged", "to stderr\n"]),
            Py("wait", &["silent", "RUNNING"]),
            Sh("ls logs | sed 's/[a-z0-9_]\\{8\\}\\.log$/<RAND>.log/' | sort; wc -c burst.log*"),
            Ctl(&["tail", "talker"]),
            Ctl(&["tail", "talker", "stderr"]),
            Ctl(&["tail", "-5", "talker"]),
            Ctl(&["tail", "merged"]),
            Ctl(&["tail", "silent"]),
            Ctl(&["tail", "nosuch"]),
            Ctl(&["tail", "burst"]),
            // Before logs_rpc, which ends with clearLog.
            CtlSorted(&["maintail", "-100000"]),
            TailF {
                args: &["talker"],
                first: "to stdout\n",
                method: "supervisor.sendProcessStdin",
                params: "[\"talker\", \"followed\\n\"]",
                until: "followed\n",
            },
            Py("logs_rpc", &[]),
            Ctl(&["clear", "merged"]),
            Ctl(&["clear", "nosuch"]),
            Ctl(&["clear", "all"]),
            Ctl(&["tail", "merged"]),
            Sh("wc -c burst.log*; cat logs/* | wc -c"),
            Shutdown,
        ],
        expect: &[
            "1070 burst.log.1",
            "talker-stdout---compat-<RAND>.log",
            "NO_FILE",
            "BAD_ARGUMENTS",
            "followed",
        ],
    });
}
