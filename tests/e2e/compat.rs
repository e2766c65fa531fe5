//! Differential compatibility suite: the reference `supervisord` 4.3.0 and the subject daemon
//! (`$COMPAT_SUBJECT`, else `supvisorsd`) on the same configurations, driven by the real
//! `supervisorctl` and `xmlrpc.client`; see `supvisors_tests::compat`.

use supvisors_tests::compat::{Scenario, Step::*, check};

const NO_AUTH: (&str, &str) = ("", "");

#[test]
fn item_16_to_28_31_to_58_61_67_to_71_74_basic_programs() {
    check(&Scenario {
        config: "basic",
        unix: false,
        auth: NO_AUTH,
        steps: &[
            Py("wait", &["sleeper", "RUNNING"]),
            Py("wait", &["quick", "FATAL"]),
            Py("wait", &["exiter", "EXITED"]),
            Py("wait", &["nofile", "FATAL"]),
            Py("wait", &["multi:multi_01", "RUNNING"]),
            Ctl(&["status"]),
            Ctl(&["status", "sleeper"]),
            Ctl(&["status", "nosuch"]),
            Ctl(&["status", "nosuch:*"]),
            Ctl(&["status", "grp:*", "multi:*"]),
            Ctl(&["start", "nofile"]),
            Ctl(&["start", "quick"]),
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
            Ctl(&["stop", "manual"]),
            Py("basic_rpc", &[]),
            Ctl(&["status"]),
            CtlSorted(&["stop", "all"]),
            Ctl(&["status"]),
            Shutdown,
            Ctl(&["status"]),
            MainLog(None),
        ],
        expect: &[
            "nosuch: ERROR (no such process)",
            "nosuch: ERROR (no such group)",
            "quick: ERROR (spawn error)",
            "BAD_NAME: a",
            "Exited too quickly (process log may have details)",
            "ALREADY_STARTED: sleeper",
            "refused connection",
            "exited: manual (terminated by SIGUSR1; not expected)",
        ],
    });
}
