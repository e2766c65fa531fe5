//! `supvisorsctl` against the real supervisord 4.3.0, compared with the real `supervisorctl`:
//! two daemons with the same configuration, the reference client on one and ours on the other,
//! the same command lines in the same order; every output line and exit status must match.

use std::process::Command;

use supvisors_tests::supervisord::{
    RealSupervisord, differential, differential_sorted, normalize, plain_ctl, venv_bin,
};
use supvisors_tests::{binary, run};

const PROGRAMS: &str = "\
[program:sleeper]\ncommand=sleep 1000\nstopsignal=KILL\n\
[program:echoer]\ncommand=sh -c 'echo hello; echo oops >&2; exec sleep 1000'\nstopsignal=KILL\n\
[program:nofile]\ncommand=/nonexistent/binary\nautostart=false\n\
[group:grp]\nprograms=a,b\n\
[program:a]\ncommand=sleep 1000\nautostart=false\nstopsignal=KILL\n\
[program:b]\ncommand=sleep 1000\nstopsignal=KILL\n\
[program:multi]\ncommand=sleep 1000\nprocess_name=%(program_name)s_%(process_num)02d\n\
numprocs=2\nstopsignal=KILL\n";

/// Which server both clients talk to: the real supervisord, or our supvisorsd (the same
/// comparison of the two clients then also checks our server through the reference client).
#[derive(Clone, Copy)]
enum Server {
    Supervisord,
    Supvisorsd,
}

impl Server {
    fn start(self, auth: bool) -> RealSupervisord {
        match self {
            Server::Supervisord => RealSupervisord::start(PROGRAMS, auth),
            Server::Supvisorsd => RealSupervisord::start_on(&binary("supvisorsd"), PROGRAMS, auth),
        }
    }
}

/// One test per server for each scenario below.
macro_rules! on_both_servers {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[test]
                fn on_supervisord() {
                    super::$name(super::Server::Supervisord);
                }
                #[test]
                fn on_supvisorsd() {
                    super::$name(super::Server::Supvisorsd);
                }
            }
        )*
    };
}

on_both_servers!(
    read_commands_and_argument_errors,
    process_control_sequences,
    shutdown_and_reload,
    bad_credentials_and_servers_down,
    unix_socket_server,
);

fn pair(server: Server) -> (RealSupervisord, RealSupervisord) {
    (server.start(false), server.start(false))
}

fn check_all(reference: &RealSupervisord, ours: &RealSupervisord, lines: &[&str]) {
    for line in lines {
        let args: Vec<&str> = line.split(' ').filter(|w| !w.is_empty()).collect();
        // supervisord orders the results of group and "all" calls as its processes stop.
        if args.iter().any(|a| *a == "all" || a.ends_with(":*")) {
            differential_sorted(reference, ours, &args);
        } else {
            differential(reference, ours, &args);
        }
    }
}

fn read_commands_and_argument_errors(server: Server) {
    let (reference, ours) = pair(server);
    check_all(
        &reference,
        &ours,
        &[
            "status",
            "status all",
            "status nosuch grp:* foo:bar nosuch:* sleeper",
            "status grp: multi:multi_01",
            "pid nosuch nofile",
            "pid sleeper",
            "pid x y z",
            "avail",
            "avail x",
            "reread",
            "reread x",
            "version",
            "version x",
            "tail echoer stderr",
            "tail -5 echoer",
            "tail echoer STDERR",
            "tail nosuch",
            "tail",
            "tail a b c d",
            "tail -x echoer",
            "tail echoer foo",
            "tail -f",
            "maintail x",
            "maintail 1 2",
            "maintail -x",
            "clear",
            "clear nosuch nosuch:*",
            "add nosuch",
            "add",
            "remove nosuch",
            "update nosuch",
            "fg",
            "fg nosuch",
            "fg nofile",
            "fg a b",
            "open ftp://x",
            "shutdown now",
            "reload now",
            "help",
            "help help",
            "help foo",
            "help status",
            "help tail",
            "help maintail",
            "foo bar",
            "status:x",
            "EOF",
            "quit",
        ],
    );
}

fn process_control_sequences(server: Server) {
    let (reference, ours) = pair(server);
    check_all(
        &reference,
        &ours,
        &[
            "start",
            "stop",
            "restart",
            "signal",
            "signal HUP",
            "start nofile sleeper nosuch nosuch:* grp:a",
            "status",
            "stop nosuch grp:* sleeper nosuch:x",
            "stop grp:*",
            "signal HUP sleeper nosuch",
            "signal FOO echoer",
            "signal USR1 multi:* nosuch:*",
            "start grp:*",
            "restart grp:b sleeper",
            "pid all",
            "clear all",
            "clear echoer grp:*",
            "status",
            "stop all",
            "status",
            "start all",
            "signal HUP all",
            "status",
            "remove grp",
            "stop grp:*",
            "remove grp",
            "add grp",
            "add grp",
            "update",
            "status",
        ],
    );
}

fn shutdown_and_reload(server: Server) {
    let (reference, ours) = pair(server);
    check_all(&reference, &ours, &["reload"]);
    reference.wait_settled();
    ours.wait_settled();
    check_all(&reference, &ours, &["status", "shutdown"]);
    reference.wait_gone();
    ours.wait_gone();
    check_all(
        &reference,
        &ours,
        &["status", "start x", "shutdown", "avail"],
    );
}

fn bad_credentials_and_servers_down(server: Server) {
    let reference = server.start(true);
    let ours = server.start(true);
    check_all(
        &reference,
        &ours,
        &["status", "-u u -p bad status", "-u u -p bad avail"],
    );
    check_all(&reference, &ours, &["-u nobody status", "-p p avail"]);
    let dir = tempfile::tempdir().expect("temp dir");
    let conf = dir.path().join("c.conf");
    std::fs::write(&conf, "[supervisorctl]\n").expect("write c.conf");
    let missing_socket = format!("unix://{}/none.sock", dir.path().display());
    let refused = format!(
        "http://127.0.0.1:{}",
        supvisors_tests::supervisord::free_port()
    );
    let no_section = dir.path().join("x.conf");
    std::fs::write(&no_section, "[x]\n").expect("write x.conf");
    let cases: Vec<Vec<String>> = vec![
        vec!["-s".into(), refused.clone(), "status".into()],
        vec!["-s".into(), refused.clone(), "start".into(), "x".into()],
        vec!["-s".into(), refused.clone(), "avail".into()],
        vec!["-s".into(), refused.clone(), "shutdown".into()],
        vec!["-s".into(), refused, "maintail".into()],
        vec!["-s".into(), missing_socket.clone(), "status".into()],
        vec![
            "-s".into(),
            missing_socket.clone(),
            "stop".into(),
            "x".into(),
        ],
        vec!["-s".into(), missing_socket.clone(), "reread".into()],
        vec!["-s".into(), missing_socket, "shutdown".into()],
        vec!["-s".into(), "foo".into(), "status".into()],
        vec!["-x".into()],
    ];
    for case in cases {
        let run_with = |program: &std::path::Path, config: &std::path::Path| {
            let mut cmd = Command::new(program);
            cmd.arg("-c").arg(config).args(&case);
            normalize(&run(&mut cmd), &reference)
        };
        assert_eq!(
            run_with(&plain_ctl(dir.path()), &conf),
            run_with(&venv_bin("supervisorctl"), &conf),
            "{case:?} (left: ours, right: reference)"
        );
    }
    for config in [dir.path().join("missing.conf"), no_section] {
        let mut ours_cmd = Command::new(binary("supvisorsctl"));
        ours_cmd.arg("-c").arg(&config).arg("status");
        let mut reference_cmd = Command::new(venv_bin("supervisorctl"));
        reference_cmd.arg("-c").arg(&config).arg("status");
        assert_eq!(
            normalize(&run(&mut ours_cmd), &reference),
            normalize(&run(&mut reference_cmd), &reference),
            "{config:?}"
        );
    }
}

fn unix_socket_server(server: Server) {
    let (reference, ours) = pair(server);
    for args in [
        &["status"][..],
        &["stop", "grp:*"],
        &["pid", "all"],
        &["version"],
    ] {
        let mut reference_cmd = Command::new(venv_bin("supervisorctl"));
        reference_cmd.arg("-s").arg(&reference.unix_url).args(args);
        let mut ours_cmd = Command::new(plain_ctl(ours.dir.path()));
        ours_cmd.arg("-s").arg(&ours.unix_url).args(args);
        assert_eq!(
            normalize(&run(&mut ours_cmd), &ours).replace(&ours.unix_url, "<UNIX>"),
            normalize(&run(&mut reference_cmd), &reference).replace(&reference.unix_url, "<UNIX>"),
            "{args:?}"
        );
    }
}

#[test]
fn interactive_shell_on_a_pipe() {
    let daemon = RealSupervisord::start(PROGRAMS, false);
    let input = "pid nosuch\nhelp help\nfoo\n\nversion\nshutdown\nn\n?status\nquit\nstatus\n";
    let outputs: Vec<String> = [plain_ctl(daemon.dir.path()), venv_bin("supervisorctl")]
        .iter()
        .map(|program| {
            let mut cmd = Command::new(program);
            cmd.arg("-c").arg(&daemon.conf);
            normalize(&supvisors_tests::run_with_input(&mut cmd, input), &daemon)
        })
        .collect();
    assert_eq!(outputs[0], outputs[1], "left: ours, right: reference");
    assert!(
        outputs[0].contains("supervisor> Really shut the remote supervisord process down y/N? ")
    );
}
