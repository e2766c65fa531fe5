//! Our `supervisord.conf` loader agrees with Supervisor 4.3.0's own option parser: on a few
//! hundred generated configurations mixing valid and invalid values (and, in the second test,
//! `[DEFAULT]`, `[include]`d files, groups, event listeners and FastCGI programs), both accept
//! or reject the same files; when both accept, every process field and every parse warning is
//! equal; when both reject, our first error is the reference's message.
//!
//! Replay other runs with `SUPERVISOR_CONFIG_SEED=<n>` and `SUPERVISOR_LAYOUT_SEED=<n>`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};
use supvisors_rules::context::{HostTable, LoadContext, StaticAccounts};
use supvisors_rules::supervisor::{ProcessConfig, load_supervisor_config};
use supvisors_rules::values::{AutoRestart, LogFile};
use supvisors_tests::{Rng, describe, json_diff, run, seed, venv_python, workspace_root};

const HOST: &str = "genhost";

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
        // The only account every host has, as the reference finds it with `pwd` and `grp`.
        accounts: &StaticAccounts::root_only(),
        resolver: &HostTable::new(),
    };
    let config = load_supervisor_config(file, &ctx)
        .map_err(|e| e.iter().map(|e| e.problem.clone()).collect::<Vec<_>>())?;
    let groups: Vec<Value> = config
        .groups
        .iter()
        .map(|g| {
            json!({
                "name": g.name, "priority": g.priority,
                "processes": g.processes.iter().map(|p| process_json(p)).collect::<Vec<_>>(),
            })
        })
        .collect();
    let warnings: Vec<&str> = config.warnings.iter().map(|w| w.problem.as_str()).collect();
    Ok(json!({ "groups": groups, "warnings": warnings }))
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

/// Compares both sides on every file and returns how many the reference accepts, and how many
/// of those with warnings. When both reject a file, our first error must be the reference's.
fn compare(seed: u64, files: &[PathBuf], cwd: &Path) -> (usize, usize) {
    let verdicts = reference(files, cwd);
    let (mut accepted, mut warned) = (0, 0);
    let mut mismatches = Vec::new();
    for (i, file) in files.iter().enumerate() {
        let key = file.display().to_string();
        let expected = verdicts
            .get(&key)
            .unwrap_or_else(|| panic!("dump_supervisor.py said nothing of {key}"));
        let actual = ours(file, cwd);
        let mismatch = match (expected.get("error").and_then(Value::as_str), actual) {
            (None, Ok(value)) => {
                accepted += 1;
                warned += usize::from(value["warnings"] != json!([]));
                let diff = json_diff(expected, &value);
                (!diff.is_empty()).then(|| format!("resolved differently\n  {}", diff.join("\n  ")))
            }
            (Some(message), Err(errors)) => (errors.first().is_none_or(|e| e != message))
                .then(|| format!("reference error {message:?}, ours {errors:?}")),
            (Some(message), Ok(_)) => Some(format!("reference rejects ({message}), we accept")),
            (None, Err(errors)) => Some(format!("reference accepts, we reject: {errors:?}")),
        };
        if let Some(mismatch) = mismatch {
            let mut report = format!("seed {seed}, input {i}: {mismatch}\n--- {key}\n");
            report += &std::fs::read_to_string(file).unwrap_or_default();
            // Files it includes.
            let included = file.with_extension("d");
            let mut parts: Vec<PathBuf> = std::fs::read_dir(&included)
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path())
                .collect();
            parts.sort();
            for part in parts {
                report += &format!("--- {}\n", part.display());
                report += &std::fs::read_to_string(&part).unwrap_or_default();
            }
            mismatches.push(report);
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} configurations differ from the reference (seed {seed}):\n{}",
        mismatches.len(),
        files.len(),
        mismatches.join("\n")
    );
    (accepted, warned)
}

#[test]
fn generated_configurations_match_the_reference_parser() {
    let dir = tempfile::tempdir().expect("temp dir");
    let seed = seed("SUPERVISOR_CONFIG_SEED", 20_261_125);
    let mut files = Vec::new();
    for i in 0..300u64 {
        let mut rng = Rng(seed.wrapping_mul(7_919).wrapping_add(i));
        let path = dir.path().join(format!("gen_{seed}_{i:03}.conf"));
        std::fs::write(&path, document(&mut rng)).expect("write generated config");
        files.push(path);
    }
    let (accepted, _) = compare(seed, &files, dir.path());
    assert!(
        (30..=270).contains(&accepted),
        "the generator produced {accepted} valid configurations out of 300; retune it"
    );
}

/// Values drawn for the layout test, by option (the first options of `program` sections only).
const LAYOUT_OPTIONS: &[(&str, &[&str])] = &[
    (
        "command",
        &[
            "ls",
            "echo %(program_name)s",
            "x %(process_num)02d",
            "%(ENV_HOME)s/bin",
            "a %(nope)s",
            "a %",
            "b %(group_name)s-%(host_node_name)s",
            "",
        ],
    ),
    ("numprocs", &["1", "2", "3", "0", "x", "-1"]),
    ("numprocs_start", &["0", "5", "a"]),
    (
        "process_name",
        &[
            "%(program_name)s",
            "%(program_name)s_%(process_num)d",
            "p%(process_num)s",
            "a b",
            "%(process_num)x",
        ],
    ),
    ("priority", &["1", "999", "-5", "p", ""]),
    ("autostart", &["true", "no", "maybe"]),
    ("autorestart", &["unexpected", "TRUE", "off", "sometimes"]),
    ("startsecs", &["0", "10", "1.5"]),
    ("stopsignal", &["TERM", "hup", "KILL", "9", "FOO", "40"]),
    ("exitcodes", &["0", "0,2", "256", ""]),
    ("stopasgroup", &["true", "false"]),
    ("killasgroup", &["true", "false"]),
    (
        "environment",
        &[
            "A=1",
            "A=\"x y\",B=2",
            "A=%(process_num)d",
            "A=1 B",
            "HOME=%(ENV_HOME)s",
            "X=%(here)s",
        ],
    ),
    (
        "stdout_logfile",
        &[
            "AUTO",
            "NONE",
            "/tmp/%(program_name)s.log",
            "/nonexistent/x.log",
            "syslog",
            "%(ENV_A_NOT_SET)s",
        ],
    ),
    ("stdout_logfile_maxbytes", &["0", "1MB", "1XB"]),
    ("redirect_stderr", &["true", "false"]),
    ("stderr_logfile", &["/tmp/e.log", "AUTO"]),
    ("user", &["root", "0", "nosuchuser"]),
    ("umask", &["022", "9"]),
    ("directory", &["/tmp", "%(ENV_A_NOT_SET)s"]),
    ("serverurl", &["AUTO", "http://x:1"]),
    ("events", &["TICK_5", "tick_60,PROCESS_STATE", "NOPE", ""]),
    ("buffer_size", &["10", "0"]),
    (
        "socket",
        &[
            "tcp://h:1",
            "unix:///tmp/%(program_name)s.s",
            "unix://rel",
            "bad",
        ],
    ),
    ("programs", &["p1", "p1,p2", "p2,zz", ""]),
    ("stderr_logfile_maxbytes", &["0", "%(here)s"]),
];

const LAYOUT_SECTIONS: &[&str] = &[
    "program:p1",
    "program:p2",
    "program:p3",
    "eventlistener:e1",
    "fcgi-program:f1",
    "group:g1",
    "group:g2",
];

/// A configuration spread over sections of every kind, `[DEFAULT]` values and included files
/// (written next to `path`, in `<stem>.d/`).
fn layout(rng: &mut Rng, path: &Path) -> String {
    let keys: Vec<&str> = LAYOUT_OPTIONS.iter().map(|(k, _)| *k).collect();
    let mut blocks: Vec<Vec<String>> = Vec::new();
    let count = rng.range(1, 4);
    for section in rng.sample(LAYOUT_SECTIONS, count) {
        let group = section.starts_with("group:");
        let mut lines = vec![format!("[{section}]")];
        let count = rng.range(1, 6);
        let mut chosen = rng.sample(&keys, count);
        if !group && !chosen.contains(&"command") && rng.chance(80) {
            chosen.push("command");
        }
        for key in chosen {
            if group && key != "programs" && key != "priority" {
                continue;
            }
            let values = LAYOUT_OPTIONS
                .iter()
                .find(|(k, _)| *k == key)
                .map_or(&[][..], |(_, v)| *v);
            lines.push(format!("{key}={}", rng.pick(values)));
        }
        blocks.push(lines);
    }
    let mut main = vec!["[supervisord]".to_owned()];
    if rng.chance(30) {
        let value = rng.pick(&["1", "/tmp", "\"a b\"", "%(here)s"]);
        main.push(format!("environment=A={value}"));
    }
    if rng.chance(20) {
        let default = rng.pick(&[
            "autostart=false",
            "stdout_logfile=%(here)s/d.log",
            "priority=3",
        ]);
        main.splice(0..0, ["[DEFAULT]".to_owned(), default.to_owned()]);
    }
    if rng.chance(50) {
        // Some sections move to included files, where a section may be split over two files.
        let dir = path.with_extension("d");
        std::fs::create_dir_all(&dir).expect("create include directory");
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("a file name");
        let files = if rng.chance(50) {
            format!("{stem}.d/*.ini")
        } else {
            format!("%(here)s/{stem}.d/*.ini nomatch/*")
        };
        main.extend(["[include]".to_owned(), format!("files={files}")]);
        for lines in blocks {
            if rng.chance(60) {
                let part = dir.join(format!("{}.ini", rng.below(3)));
                let mut text = std::fs::read_to_string(&part).unwrap_or_default();
                text += &(lines.join("\n") + "\n");
                std::fs::write(&part, text).expect("write included file");
            } else {
                main.extend(lines);
            }
        }
    } else {
        main.extend(blocks.into_iter().flatten());
    }
    main.join("\n") + "\n"
}

/// Section kinds and layouts the first test does not draw: `[DEFAULT]`, `[include]` with
/// sections split over several files, groups, event listeners, FastCGI programs, users and
/// sockets.
#[test]
fn generated_layouts_match_the_reference_parser() {
    let dir = tempfile::tempdir().expect("temp dir");
    let seed = seed("SUPERVISOR_LAYOUT_SEED", 20_261_125);
    let mut files = Vec::new();
    for i in 0..250u64 {
        let path = dir.path().join(format!("layout_{seed}_{i:03}.conf"));
        let text = layout(&mut Rng::for_input(seed, i), &path);
        std::fs::write(&path, text).expect("write generated config");
        files.push(path);
    }
    let (accepted, warned) = compare(seed, &files, dir.path());
    assert!(
        (25..=225).contains(&accepted) && warned >= 5,
        "the generator produced {accepted} valid configurations out of 250, {warned} with \
         warnings; retune it"
    );
}
