//! Our `supervisord.conf` loader agrees with Supervisor 4.3.0's own option parser: on a few
//! hundred generated configurations mixing valid and invalid values, both accept or reject the
//! same files; when both accept, every process field is equal; when both reject, our errors
//! include the reference's message.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};
use supvisors_rules::context::{Accounts, HostEntry, LoadContext, Resolver, UserAccount};
use supvisors_rules::supervisor::{ProcessConfig, load_supervisor_config};
use supvisors_rules::values::{AutoRestart, LogFile};
use supvisors_tests::{describe, run, venv_python, workspace_root};

const HOST: &str = "genhost";

struct NoAccounts;

impl Accounts for NoAccounts {
    fn user_by_name(&self, _: &str) -> Option<UserAccount> {
        None
    }
    fn user_by_id(&self, _: u32) -> Option<UserAccount> {
        None
    }
    fn group_by_name(&self, _: &str) -> Option<u32> {
        None
    }
    fn group_exists(&self, _: u32) -> bool {
        false
    }
}

struct NoResolver;

impl Resolver for NoResolver {
    fn resolve(&self, _: &str) -> Option<HostEntry> {
        None
    }
}

fn reference(files: &[PathBuf], cwd: &Path) -> BTreeMap<String, Value> {
    let mut cmd = Command::new(venv_python());
    cmd.arg(workspace_root().join("tests/reference/dump_supervisor.py"))
        .args(files)
        .current_dir(cwd)
        .env("SUPVISORS_HOST_NODE_NAME", HOST);
    let out = run(&mut cmd);
    assert!(out.status.success(), "{}", describe(&cmd, &out));
    serde_json::from_slice(&out.stdout).expect("dump_supervisor.py prints JSON")
}

fn log_file(file: &LogFile) -> Value {
    match file {
        LogFile::Auto => json!("AUTO"),
        LogFile::None | LogFile::Syslog => json!("NONE"),
        LogFile::Path(p) => json!(p.display().to_string()),
    }
}

fn process_json(p: &ProcessConfig) -> Value {
    let mut environment: Vec<(String, String)> = p.environment.clone();
    environment.sort();
    environment.dedup_by(|a, b| a.0 == b.0);
    json!({
        "name": p.name, "command": p.command, "directory": p.directory, "umask": p.umask,
        "priority": p.priority, "autostart": p.autostart,
        "autorestart": match p.autorestart {
            AutoRestart::Never => "false",
            AutoRestart::Unexpected => "unexpected",
            AutoRestart::Unconditional => "true",
        },
        "startsecs": p.startsecs, "startretries": p.startretries, "uid": p.uid,
        "stopsignal": p.stopsignal, "stopwaitsecs": p.stopwaitsecs,
        "stopasgroup": p.stopasgroup, "killasgroup": p.killasgroup,
        "exitcodes": p.exitcodes, "redirect_stderr": p.redirect_stderr,
        "stdout_logfile": log_file(&p.stdout.logfile),
        "stdout_logfile_maxbytes": p.stdout.logfile_maxbytes,
        "stdout_logfile_backups": p.stdout.logfile_backups,
        "stdout_capture_maxbytes": p.stdout.capture_maxbytes,
        "stdout_events_enabled": p.stdout.events_enabled, "stdout_syslog": p.stdout.syslog,
        "stderr_logfile": log_file(&p.stderr.logfile),
        "stderr_logfile_maxbytes": p.stderr.logfile_maxbytes,
        "stderr_logfile_backups": p.stderr.logfile_backups,
        "stderr_capture_maxbytes": p.stderr.capture_maxbytes,
        "stderr_events_enabled": p.stderr.events_enabled, "stderr_syslog": p.stderr.syslog,
        "environment": environment, "serverurl": p.serverurl,
    })
}

fn ours(file: &Path, cwd: &Path) -> Result<Value, Vec<String>> {
    // The same environment as the reference process, which also sees the pinned host name.
    let mut env: BTreeMap<String, String> = std::env::vars().collect();
    env.insert("SUPVISORS_HOST_NODE_NAME".into(), HOST.into());
    let ctx = LoadContext {
        env,
        host_node_name: HOST.to_owned(),
        cwd: cwd.to_path_buf(),
        local_addresses: Vec::new(),
        accounts: &NoAccounts,
        resolver: &NoResolver,
    };
    let config = load_supervisor_config(file, &ctx)
        .map_err(|e| e.iter().map(|e| e.problem.clone()).collect::<Vec<_>>())?;
    let groups: Vec<Value> = config
        .groups
        .iter()
        .map(|g| {
            json!({
                "name": g.name, "priority": g.priority,
                "processes": g.processes.iter().map(process_json).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(json!({ "groups": groups }))
}

/// SplitMix64, seeded per file.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// Option name and the values drawn for it: mostly valid, some of each kind of mistake.
const PROGRAM_OPTIONS: &[(&str, &[&str])] = &[
    ("numprocs", &["1", "2", "3", "0", "x"]),
    ("numprocs_start", &["0", "5", "-2"]),
    ("priority", &["1", "-5", "1_000", " 7 ", "abc", "20"]),
    (
        "autostart",
        &["true", "false", "yes", "0", "On", "maybe", ""],
    ),
    (
        "autorestart",
        &["true", "false", "unexpected", "UNEXPECTED", "maybe"],
    ),
    ("startsecs", &["0", "10", "-1", "1.5"]),
    ("startretries", &["0", "5", "x"]),
    ("exitcodes", &["0", "0,2", "0, 255", "256", "", "a", "1,,2"]),
    (
        "stopsignal",
        &[
            "TERM", "sigkill", "9", " hup ", "RTMIN", "FOO", "0", "999", "usr2",
        ],
    ),
    ("stopwaitsecs", &["10", "0", "1e3"]),
    ("stopasgroup", &["true", "false"]),
    ("killasgroup", &["true", "false"]),
    ("redirect_stderr", &["true", "false", "1"]),
    (
        "stdout_logfile",
        &[
            "AUTO",
            "NONE",
            "off",
            "%(here)s/out_%(process_num)d.log",
            "/nonexistent/dir/x.log",
            "%(here)s/%(program_name)s.log",
        ],
    ),
    (
        "stderr_logfile",
        &["AUTO", "none", "%(here)s/err.log", "syslog"],
    ),
    (
        "stdout_logfile_maxbytes",
        &["1MB", "50 mb", "0", "10xb", "1GB", "-1", "1.5MB", "2kb"],
    ),
    ("stdout_logfile_backups", &["0", "3", "x"]),
    ("stdout_capture_maxbytes", &["0", "1KB"]),
    ("stdout_events_enabled", &["true", "false"]),
    ("stderr_syslog", &["true", "false"]),
    (
        "environment",
        &[
            "A=\"1\",B=x",
            "A=1,B",
            "X=\"a b\"",
            "K=%(program_name)s",
            "A='q';B=r",
            "P=%(process_num)d",
            "Z=\"%%\"",
        ],
    ),
    ("directory", &["/tmp", "%(here)s", "/nonexistent"]),
    ("umask", &["022", "0o77", "8", "x"]),
    (
        "serverurl",
        &["AUTO", "http://127.0.0.1:9001", "unix:///tmp/x.sock"],
    ),
];

const COMMANDS: &[&str] = &[
    "/bin/cat",
    "/bin/echo %(program_name)s %(group_name)s",
    "/bin/echo %(process_num)02d of %(numprocs)d",
    "/bin/echo %(ENV_HOME)s",
    "/bin/echo %(ENV_NOPE_NOT_SET)s",
    "/bin/echo a ;comment",
    "/bin/echo a;b # c",
    "/bin/echo 100%%",
    "/bin/echo 100%",
    "/bin/echo %(here)s %(host_node_name)s",
    "",
];

const PROCESS_NAMES: &[&str] = &[
    "%(program_name)s",
    "%(program_name)s_%(process_num)02d",
    "p-%(process_num)d",
    "bad name %(process_num)d",
    "x:y",
];

fn program(rng: &mut Rng, out: &mut String, name: &str) {
    let header = if rng.chance(3) { "Program" } else { "program" };
    let _ = writeln!(out, "[{header}:{name}]");
    if rng.chance(95) {
        let key = if rng.chance(10) { "Command" } else { "command" };
        let _ = writeln!(out, "{key}={}", rng.pick(COMMANDS));
        if rng.chance(5) {
            out.push_str("    continued\n");
        }
    }
    if rng.chance(40) {
        let _ = writeln!(out, "process_name={}", rng.pick(PROCESS_NAMES));
    }
    for _ in 0..rng.below(6) {
        let (key, values) = PROGRAM_OPTIONS[rng.below(PROGRAM_OPTIONS.len())];
        let sep = if rng.chance(10) { ":" } else { "=" };
        let _ = writeln!(out, "{key}{sep}{}", rng.pick(values));
    }
    out.push('\n');
}

fn document(rng: &mut Rng) -> String {
    let mut out = String::from("[supervisord]\nlogfile=%(here)s/supervisord.log\n");
    if rng.chance(20) {
        out.push_str("environment=GLOBAL_A=\"g a\",SHARED=from-global\n");
    }
    if rng.chance(3) {
        out.push_str("identifier=\n");
    }
    out.push('\n');
    let names = ["alpha", "beta", "gamma", "delta"];
    let count = 1 + rng.below(3);
    for name in &names[..count] {
        program(rng, &mut out, name);
    }
    if rng.chance(40) {
        let members: Vec<&str> = (0..1 + rng.below(2))
            .map(|_| {
                if rng.chance(90) {
                    names[rng.below(count)]
                } else {
                    "nope"
                }
            })
            .collect();
        let _ = writeln!(out, "[group:grp]\nprograms={}", members.join(","));
        if rng.chance(50) {
            let _ = writeln!(out, "priority={}", rng.pick(&["5", "999", "x"]));
        }
        out.push('\n');
    }
    if rng.chance(15) {
        let events = rng.pick(&["PROCESS_STATE", "TICK_5,PROCESS_STATE_RUNNING", "BOGUS", ""]);
        let _ = writeln!(
            out,
            "[eventlistener:ev]\ncommand=/bin/cat\nevents={events}\nbuffer_size={}\n",
            rng.pick(&["10", "0", "3"])
        );
    }
    out
}

/// The reference's message without the location suffix it appends for program sections.
fn core_message(message: &str) -> &str {
    message
        .find(" in section '")
        .map_or(message, |at| &message[..at])
}

#[test]
fn generated_configurations_match_the_reference_parser() {
    let dir = tempfile::tempdir().expect("temp dir");
    let seed: u64 = std::env::var("SUPERVISOR_CONFIG_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_261_125);
    let mut files = Vec::new();
    for i in 0..300u64 {
        let mut rng = Rng(seed.wrapping_mul(7_919).wrapping_add(i));
        let path = dir.path().join(format!("gen_{seed}_{i:03}.conf"));
        std::fs::write(&path, document(&mut rng)).expect("write generated config");
        files.push(path);
    }
    let verdicts = reference(&files, dir.path());
    let mut accepted = 0;
    let mut mismatches = Vec::new();
    for file in &files {
        let key = file.display().to_string();
        let expected = &verdicts[&key];
        let actual = ours(file, dir.path());
        let text = std::fs::read_to_string(file).unwrap_or_default();
        match (expected.get("error").and_then(Value::as_str), actual) {
            (None, Ok(value)) => {
                accepted += 1;
                if value["groups"] != expected["groups"] {
                    mismatches.push(format!(
                        "{key}: resolved differently\nreference: {}\nours: {}\n{text}",
                        expected["groups"], value["groups"]
                    ));
                }
            }
            (Some(message), Err(errors)) => {
                let wanted = core_message(message);
                if !errors.iter().any(|e| e.contains(wanted)) {
                    mismatches.push(format!(
                        "{key}: reference error {message:?} not among ours {errors:?}\n{text}"
                    ));
                }
            }
            (Some(message), Ok(_)) => mismatches.push(format!(
                "{key}: reference rejects ({message}), we accept\n{text}"
            )),
            (None, Err(errors)) => mismatches.push(format!(
                "{key}: reference accepts, we reject: {errors:?}\n{text}"
            )),
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} configurations differ from the reference:\n{}",
        mismatches.len(),
        files.len(),
        mismatches.join("\n")
    );
    assert!(
        (60..=240).contains(&accepted),
        "the generator produced {accepted} valid configurations out of 300; retune it"
    );
}
