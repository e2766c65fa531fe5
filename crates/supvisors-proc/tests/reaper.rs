//! The SIGCHLD reaper, in its own test binary: `waitpid(-1)` would steal the children of
//! tests that wait by pid.

mod common;

use std::collections::HashMap;
use std::time::Duration;

use common::{ChildGuard, sh};
use supvisors_proc::model::decode_wait_status;
use supvisors_proc::reaper::start_reaper;
use supvisors_proc::spawn::spawn;

#[tokio::test]
async fn reaper_reports_every_exit_and_leaves_no_zombie() {
    let mut reaped = start_reaper().expect("reaper");
    let mut guards = Vec::new();
    let mut expected = HashMap::new();
    for (cmd, text) in [
        ("exit 3", "exit status 3"),
        ("kill -TERM $$", "terminated by SIGTERM"),
        ("true", "exit status 0"),
    ] {
        let child = spawn(&sh(cmd)).expect("spawn");
        expected.insert(child.pid, text);
        guards.push(ChildGuard {
            pid: child.pid,
            reaped: false,
        });
    }
    let mut seen = HashMap::new();
    while seen.len() < expected.len() {
        let r = tokio::time::timeout(Duration::from_secs(30), reaped.recv())
            .await
            .expect("no hang")
            .expect("open");
        seen.insert(r.pid, decode_wait_status(r.status).1);
    }
    for g in &mut guards {
        g.reaped = true;
        assert_eq!(
            seen.get(&g.pid).map(String::as_str),
            expected.get(&g.pid).copied()
        );
        assert!(
            !std::path::Path::new(&format!("/proc/{}", g.pid)).exists(),
            "zombie {}",
            g.pid
        );
    }
}
