//! Real children spawned through `spawn`: environment, cwd, umask, failure messages,
//! descriptors, process group, stdin.

mod common;

use std::os::unix::fs::PermissionsExt;

use common::{RunOpts, run, sh, text};
use nix::sys::wait::WaitStatus;
use nix::unistd::Pid;
use supvisors_proc::childenv::child_env;

fn exited(pid: i32, code: i32) -> WaitStatus {
    WaitStatus::Exited(Pid::from_raw(pid), code)
}

#[tokio::test]
async fn child_sees_built_environment() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut spec = sh("env");
    let kv = |k: &str, v: &str| (k.to_owned(), v.to_owned());
    spec.env = child_env(
        vec![kv("PATH", "/bin:/usr/bin"), kv("SHARED", "daemon")],
        Some("unix:///tmp/x.sock"),
        "envp",
        Some("envg"),
        &[kv("GLOBAL_A", "g a")],
        &[kv("SHARED", "from-prog")],
    );
    let out = run(&spec, dir.path(), RunOpts::default()).await;
    let env = text(&out.stdout);
    for line in [
        "GLOBAL_A=g a",
        "SHARED=from-prog",
        "SUPERVISOR_ENABLED=1",
        "SUPERVISOR_GROUP_NAME=envg",
        "SUPERVISOR_PROCESS_NAME=envp",
        "SUPERVISOR_SERVER_URL=unix:///tmp/x.sock",
    ] {
        assert!(env.lines().any(|l| l == line), "{line} missing in {env}");
    }
    assert_eq!(out.status, exited(out.pid, 0));
}

#[tokio::test]
async fn directory_and_umask_are_applied() {
    let dir = tempfile::tempdir().expect("tempdir");
    let work = tempfile::tempdir().expect("workdir");
    let mut spec = sh("pwd; umask");
    spec.directory = Some(work.path().to_path_buf());
    spec.umask = Some(0o027);
    let out = run(&spec, dir.path(), RunOpts::default()).await;
    let real = std::fs::canonicalize(work.path()).expect("canon");
    assert_eq!(text(&out.stdout), format!("{}\n0027\n", real.display()));
}

#[tokio::test]
async fn chdir_failure_is_reported_on_stderr_with_127() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut spec = sh("true");
    spec.directory = Some("/nonexistent/dir".into());
    let out = run(&spec, dir.path(), RunOpts::default()).await;
    assert_eq!(
        text(&out.stderr),
        "supervisor: couldn't chdir to /nonexistent/dir: ENOENT\nsupervisor: child process was not spawned\n"
    );
    assert_eq!(out.status, exited(out.pid, 127));
}

#[tokio::test]
async fn exec_of_text_file_without_shebang_gives_enoexec() {
    let dir = tempfile::tempdir().expect("tempdir");
    let script = dir.path().join("noshebang");
    std::fs::write(&script, "echo hi\n").expect("write");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let mut spec = sh("");
    spec.file = script.clone();
    spec.argv = vec!["noshebang-argv0".to_owned()];
    let out = run(&spec, dir.path(), RunOpts::default()).await;
    assert_eq!(
        text(&out.stderr),
        "supervisor: couldn't exec noshebang-argv0: ENOEXEC\nsupervisor: child process was not spawned\n"
    );
    assert_eq!(out.status, exited(out.pid, 127));
}

#[tokio::test]
async fn redirect_stderr_sends_fd2_to_stdout_log() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut spec = sh("echo out; echo err >&2");
    spec.redirect_stderr = true;
    let out = run(&spec, dir.path(), RunOpts::default()).await;
    assert_eq!(text(&out.stdout), "out\nerr\n");
    assert!(out.stderr.is_empty());
}

#[tokio::test]
async fn inherited_descriptors_are_closed() {
    use nix::fcntl::{FcntlArg, fcntl};
    use std::os::fd::AsRawFd;
    let dir = tempfile::tempdir().expect("tempdir");
    // A descriptor deliberately left without close-on-exec: only close_range removes it.
    let file = std::fs::File::open("/dev/null").expect("open");
    let leaked = fcntl(file.as_raw_fd(), FcntlArg::F_DUPFD(40)).expect("dup");
    let out = run(&sh("ls /proc/self/fd"), dir.path(), RunOpts::default()).await;
    let _ = nix::unistd::close(leaked);
    let fds: Vec<u32> = text(&out.stdout)
        .lines()
        .filter_map(|l| l.trim().parse().ok())
        .collect();
    // 0, 1, 2 and the directory `ls` itself opened to list the fds.
    assert!(fds.iter().all(|fd| *fd <= 3), "{fds:?}");
    assert!(fds.contains(&0) && fds.contains(&2));
}

#[tokio::test]
async fn child_starts_with_empty_mask_and_default_sigpipe() {
    use nix::sys::signal::{SigSet, SigmaskHow, Signal, pthread_sigmask};
    let dir = tempfile::tempdir().expect("tempdir");
    // A signal blocked in the spawning thread must not stay blocked in the child.
    let mut usr1 = SigSet::empty();
    usr1.add(Signal::SIGUSR1);
    pthread_sigmask(SigmaskHow::SIG_BLOCK, Some(&usr1), None).expect("block");
    let out = run(
        &sh("exec grep -E '^Sig(Blk|Ign)' /proc/self/status"),
        dir.path(),
        RunOpts::default(),
    )
    .await;
    pthread_sigmask(SigmaskHow::SIG_UNBLOCK, Some(&usr1), None).expect("unblock");
    let s = text(&out.stdout);
    let field = |name: &str| {
        s.lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| u64::from_str_radix(v.trim(), 16).expect("hex"))
            .expect("field")
    };
    assert_eq!(field("SigBlk:"), 0, "{s}");
    // Bit 12 is SIGPIPE (13), which the Rust runtime ignores in the daemon.
    assert_eq!(field("SigIgn:") & (1 << 12), 0, "{s}");
}

#[tokio::test]
async fn child_leads_its_own_process_group() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = run(
        &sh("echo $$; cut -d' ' -f5 /proc/$$/stat"),
        dir.path(),
        RunOpts::default(),
    )
    .await;
    let s = text(&out.stdout);
    let lines: Vec<&str> = s.lines().collect();
    assert_eq!(
        lines,
        vec![out.pid.to_string().as_str(), out.pid.to_string().as_str()]
    );
}

#[tokio::test]
async fn stdin_round_trip_through_cat() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut spec = sh("");
    spec.file = "/bin/cat".into();
    spec.argv = vec!["cat".to_owned()];
    let opts = RunOpts {
        stdin: Some(b"hello\nworld\n".to_vec()),
        ..RunOpts::default()
    };
    let out = run(&spec, dir.path(), opts).await;
    assert_eq!(text(&out.stdout), "hello\nworld\n");
    assert_eq!(out.status, exited(out.pid, 0));
}

#[tokio::test]
async fn refused_privileges_write_setuid_message() {
    use supvisors_proc::spawn::{Privileges, privileges_for};
    let dir = tempfile::tempdir().expect("tempdir");
    let mut spec = sh("echo should-not-run");
    spec.privileges = Privileges::Refuse {
        uid: 4242,
        reason: "Can't drop privilege as nonroot user".to_owned(),
    };
    let out = run(&spec, dir.path(), RunOpts::default()).await;
    assert_eq!(
        text(&out.stderr),
        "supervisor: couldn't setuid to 4242: Can't drop privilege as nonroot user\nsupervisor: child process was not spawned\n"
    );
    assert!(out.stdout.is_empty());
    // Switching to the uid we already have is a no-op, as in the reference.
    assert_eq!(
        privileges_for(nix::unistd::getuid().as_raw()),
        Privileges::Keep
    );
}

#[tokio::test]
async fn privileges_are_dropped_when_running_as_root() {
    use supvisors_proc::spawn::{Privileges, privileges_for};
    let dir = tempfile::tempdir().expect("tempdir");
    let me = nix::unistd::getuid().as_raw();
    let target = 65534; // `nobody` on Linux distributions
    let decided = privileges_for(target);
    if me != 0 {
        assert_eq!(
            decided,
            Privileges::Refuse {
                uid: target,
                reason: "Can't drop privilege as nonroot user".to_owned()
            }
        );
        return;
    }
    let Privileges::Drop {
        uid,
        gid,
        ref groups,
    } = decided
    else {
        // No such user in this system's database.
        assert_eq!(
            decided,
            Privileges::Refuse {
                uid: target,
                reason: format!("Can't find uid {target}")
            }
        );
        return;
    };
    assert_eq!((uid, groups.first().copied()), (target, Some(gid)));
    let mut spec = sh("id -u; id -g");
    spec.privileges = decided.clone();
    let out = run(&spec, dir.path(), RunOpts::default()).await;
    assert_eq!(text(&out.stdout), format!("{target}\n{gid}\n"));
}

#[test]
fn discarded_outputs_are_dev_null_and_need_no_pipe() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("fds");
    let mut spec = sh(&format!(
        "a=$(readlink /proc/$$/fd/1); b=$(readlink /proc/$$/fd/2); echo \"$a $b\" > {}",
        file.display()
    ));
    spec.discard_stdout = true;
    spec.discard_stderr = true;
    let child = supvisors_proc::spawn::spawn(&spec).expect("spawn");
    assert!(child.stdout.is_none() && child.stderr.is_none());
    let status = nix::sys::wait::waitpid(Pid::from_raw(child.pid), None).expect("wait");
    assert_eq!(status, exited(child.pid, 0));
    assert_eq!(
        std::fs::read_to_string(&file).expect("fds"),
        "/dev/null /dev/null\n"
    );
}
