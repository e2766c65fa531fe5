//! The daemon around the programs: environment, groups, UNIX socket and auth, events, reload.

use supvisors_tests::compat::{Scenario, Step::*, check};

use super::NO_AUTH;

#[test]
fn item_12_13_15_environment_and_expansions() {
    check(&Scenario {
        config: "env",
        unix: false,
        auth: NO_AUTH,
        steps: &[
            Py("wait", &["env", "RUNNING"]),
            Py("wait", &["expand", "RUNNING"]),
            Py("wait_output", &["env", "HOME_SET"]),
            Py("wait_output", &["expand", "\n"]),
            // The main log is compared at the end: both sides must have passed startsecs.
            Py("wait", &["env", "RUNNING"]),
            Py("wait", &["expand:expand", "RUNNING"]),
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
            Py("wait", &["alpha:a2", "RUNNING"]),
            Py("wait", &["beta:b1", "RUNNING"]),
            Py("wait", &["early", "RUNNING"]),
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
            Py("raw_rpc", &[]),
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
            Py("wait", &["talker", "RUNNING"]),
            Py("wait", &["garbler", "RUNNING"]),
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
            Py("wait", &["inc1", "RUNNING"]),
            Ctl(&["status"]),
            Py("reload_updated_rpc", &[]),
            Ctl(&["remove", "newp"]),
            Ctl(&["stop", "newp"]),
            Ctl(&["remove", "newp"]),
            Ctl(&["remove", "newp"]),
            Ctl(&["add", "newp"]),
            Py("wait", &["newp", "RUNNING"]),
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
            Py("wait", &["inc1", "RUNNING"]),
            Py("wait", &["keep", "RUNNING"]),
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
