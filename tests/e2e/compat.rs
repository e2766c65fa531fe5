//! Differential compatibility suite: the reference `supervisord` 4.3.0 and the subject daemon
//! (`$COMPAT_SUBJECT`, else `supvisorsd`) on the same configurations, driven by the real
//! `supervisorctl` and `xmlrpc.client`; see `supvisors_tests::compat`.

use supvisors_tests::compat::{Scenario, Step::*, check};

const NO_AUTH: (&str, &str) = ("", "");

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

#[test]
fn item_12_13_15_environment_and_expansions() {
    check(&Scenario {
        config: "env",
        unix: false,
        auth: NO_AUTH,
        steps: &[
            Py("wait_output", &["env", "HOME_SET"]),
            Py("wait_output", &["expand", "\n"]),
            Ctl(&["tail", "env"]),
            Ctl(&["tail", "expand"]),
            CtlSorted(&["maintail"]),
            Py("env_rpc", &[]),
            Shutdown,
            MainLog(None),
        ],
        expect: &[
            "URI=/first%20name",
            "FOO=from program",
            "GLOBAL=global value",
            "global value expand 008 expand <DIR>",
        ],
    });
}

#[test]
fn item_29_30_46_56_groups_and_priorities() {
    check(&Scenario {
        config: "groups",
        unix: false,
        auth: NO_AUTH,
        steps: &[
            Py("wait", &["solo", "RUNNING"]),
            Py("wait", &["alpha:a1", "RUNNING"]),
            Ctl(&["status"]),
            Py("groups_rpc", &[]),
            CtlSorted(&["stop", "alpha:*", "beta:*"]),
            CtlSorted(&["start", "alpha:*"]),
            CtlSorted(&["restart", "all"]),
            Ctl(&["status", "alpha:*"]),
            Ctl(&["avail"]),
            Shutdown,
            MainLog(Some("spawned:")),
            ShutdownLog("stopped:"),
        ],
        expect: &["spawned: 'early'", "stopped: solo"],
    });
}

#[test]
fn item_63_66_71_unix_socket_with_sha_password() {
    check(&Scenario {
        config: "auth_unix",
        unix: true,
        auth: ("user", "thepassword"),
        steps: &[
            Py("wait", &["sleeper", "RUNNING"]),
            Ctl(&["status"]),
            Ctl(&["-u", "user", "-p", "wrong", "status"]),
            Ctl(&["-p", "wrong", "pid"]),
            Py("auth_rpc", &[]),
            Sh("stat -c %a supervisor.sock"),
            Shutdown,
            Sh("test -e supervisor.sock && echo present || echo removed"),
            Ctl(&["version"]),
            Ctl(&["status"]),
        ],
        expect: &["700", "removed", "no such file", "401"],
    });
}

#[test]
fn item_77_78_79_event_listener_pools() {
    check(&Scenario {
        config: "events",
        unix: false,
        auth: NO_AUTH,
        steps: &[
            Py("wait", &["listener:listener", "RUNNING"]),
            Py("wait", &["sleeper", "RUNNING"]),
            Py("wait_log", &["exited: once (exit status 4; not expected)"]),
            Py("wait", &["once", "RUNNING"]),
            Py("events_rpc", &["@DIR@/events.jsonl"]),
            Events("events.jsonl"),
            Py("wait_log", &["garbler: has entered the UNKNOWN state"]),
            Ctl(&["status"]),
            Shutdown,
            MainLog(None),
            // Listeners (priority -1) stop last.
            ShutdownLog("stopped:"),
        ],
        expect: &[
            "PROCESS_GROUP_ADDED",
            "\"eventname\":\"REMOTE_COMMUNICATION\"",
            "type:mytype\\nmy data",
            "PROCESS_LOG_STDOUT",
            "\"poolserials_consecutive_from_0\":true",
        ],
    });
}

#[test]
fn item_18_59_60_72_73_reread_update_add_remove_reload() {
    check(&Scenario {
        config: "reload",
        unix: false,
        auth: NO_AUTH,
        steps: &[
            Py("wait", &["cont", "RUNNING"]),
            Ctl(&["reread"]),
            Edit("reload_edited"),
            Py("reload_edited_rpc", &[]),
            Ctl(&["reread"]),
            Ctl(&["avail"]),
            Ctl(&["update"]),
            Py("wait", &["newp", "RUNNING"]),
            Ctl(&["status"]),
            Py("reload_updated_rpc", &[]),
            Ctl(&["remove", "newp"]),
            Ctl(&["stop", "newp"]),
            Ctl(&["remove", "newp"]),
            Ctl(&["remove", "newp"]),
            Ctl(&["add", "newp"]),
            Ctl(&["add", "newp"]),
            Ctl(&["add", "nosuch"]),
            Edit("reload_broken"),
            Py("call", &["supervisor.reloadConfig"]),
            Ctl(&["reread"]),
            Ctl(&["update"]),
            Edit("reload"),
            Ctl(&["reload"]),
            Py("ready", &[]),
            Py("wait", &["cont", "RUNNING"]),
            Ctl(&["status"]),
            Shutdown,
            MainLog(None),
        ],
        expect: &[
            "No config updates to processes",
            "cont: disappeared",
            "inc1: changed",
            "newp: available",
            "[[[\"newp\"],[\"inc1\"],[\"cont\"]]]",
            "ALREADY_ADDED: keep",
            "STILL_RUNNING: keep",
            "CANT_REREAD: program section program:bad does not specify a command",
        ],
    });
}
