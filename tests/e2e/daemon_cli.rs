//! `supvisorsd`'s command line against the real `supervisord` 4.3.0 of the venv: the same bad
//! command lines give the same stderr (program path aside) and the same exit code.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use supvisors_tests::{binary, describe, run, venv_python};

/// The venv's `supervisord` script, next to its Python.
fn reference() -> PathBuf {
    let python = venv_python();
    let script = python.with_file_name("supervisord");
    assert!(script.exists(), "{} is missing", script.display());
    script
}

fn config_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("s.conf"),
        "[supervisord]\nlogfile=%(here)s/s.log\npidfile=%(here)s/s.pid\n",
    )
    .expect("write s.conf");
    dir
}

/// Runs `program` with `args` in `dir`; stdout and stderr with the program path replaced.
fn outcome(program: &Path, dir: &Path, args: &[&str]) -> (Option<i32>, String, String, String) {
    let mut cmd = Command::new(program);
    cmd.args(args).current_dir(dir).stdin(Stdio::null());
    let out: Output = run(&mut cmd);
    let text = describe(&cmd, &out);
    // None of these command lines may start a daemon; if one did, stop it (it is ours).
    if let Ok(pid) = std::fs::read_to_string(dir.join("s.pid"))
        && let Ok(pid) = pid.trim().parse::<i32>()
    {
        let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), nix::sys::signal::SIGKILL);
        panic!("{args:?} started a daemon (pid {pid}), stopped now\n{text}");
    }
    let name = program.display().to_string();
    let clean = |bytes: &[u8]| String::from_utf8_lossy(bytes).replace(&name, "PROG");
    (
        out.status.code(),
        clean(&out.stdout),
        clean(&out.stderr),
        text,
    )
}

/// Command lines refused before anything starts, each a different path of the reference.
const BAD_COMMAND_LINES: &[&[&str]] = &[
    &["-x"],
    &["-nx"],
    &["-é"],
    &["-c"],
    &["-nc"],
    &["--user"],
    &["--log"],
    &["--min=3"],
    &["--bogus"],
    &["--nodaemon=1"],
    &["--h=3"],
    &["foo"],
    &["-n", "it's", "-c"],
    &["--", "-n"],
    &["-n", "-n"],
    &["-n", "--nod"],
    &["-c", "s.conf", "--configuration=s.conf"],
    &["-i", "a", "--ident", "b"],
    &["-m", "9"],
    &["--umask=abc"],
    &["-d", "/nonexistent"],
    &["-q", "nope"],
    &["-l", "/no/x.log"],
    &["-j", "/no/x.pid"],
    &["-y", "5XB"],
    &["-z", "1_0x"],
    &["-e", "loud"],
    &["-a", "many"],
    &["--minprocs", "it's"],
    &["-m", "9", "-h"],
    &["-c", "missing.conf"],
    &["-c", "s.conf", "-u", "no-such-user"],
    &["-c", "s.conf", "-u", "4294967290"],
    &["-c", "s.conf", "-a", "4000000000"],
];

#[test]
fn bad_command_lines_give_the_reference_stderr_and_exit_code() {
    let dir = config_dir();
    let ours = binary("supvisorsd");
    let theirs = reference();
    let mut differences = Vec::new();
    for args in BAD_COMMAND_LINES {
        let (code_r, _, err_r, text_r) = outcome(&theirs, dir.path(), args);
        let (code_o, _, err_o, text_o) = outcome(&ours, dir.path(), args);
        assert_eq!(code_r, Some(2), "the reference accepts {args:?}\n{text_r}");
        if (code_r, &err_r) != (code_o, &err_o) {
            differences.push(format!(
                "{args:?}\n--- reference\n{text_r}\n--- ours\n{text_o}"
            ));
        }
    }
    assert!(differences.is_empty(), "{}", differences.join("\n\n"));
}

#[test]
fn version_and_help_exit_zero_like_the_reference() {
    let dir = config_dir();
    let ours = binary("supvisorsd");
    let theirs = reference();
    for args in [&["-v"][..], &["--version"], &["--vers"]] {
        let (code_r, out_r, _, text_r) = outcome(&theirs, dir.path(), args);
        let (code_o, out_o, _, text_o) = outcome(&ours, dir.path(), args);
        assert_eq!((code_r, out_r), (code_o, out_o), "{text_r}\n{text_o}");
    }
    for args in [&["-h"][..], &["-?"], &["--help"], &["-nh"]] {
        let (code_r, out_r, _, text_r) = outcome(&theirs, dir.path(), args);
        let (code_o, out_o, _, text_o) = outcome(&ours, dir.path(), args);
        assert_eq!(code_r, Some(0), "{text_r}");
        assert_eq!(code_o, Some(0), "{text_o}");
        for out in [&out_r, &out_o] {
            assert!(out.contains("Usage: PROG [options]"), "{text_r}\n{text_o}");
        }
    }
}

/// Configurations with one error each (the reference reports only its first).
const BAD_CONFIGURATIONS: &[&str] = &[
    "[supervisord]\nlogfile=%(here)s/s.log\n\n[program:a]\ncommand=/bin/true\nautorestart=maybe\n",
    "[supervisord]\nlogfile=%(here)s/s.log\n\n[program:a b]\ncommand=/bin/true\n",
    "[supervisord]\nlogfile=%(here)s/s.log\nuser=no-such-user\n",
    "[supervisord]\nlogfile=%(here)s/s.log\nminfds=lots\n",
    "[program:a]\ncommand=/bin/true\n",
    // Not compared: INI syntax errors, which the reference spreads over three lines
    // (message, `file: …, line: …`, the line's repr) and supvisors-rules keeps on one.
];

#[test]
fn configuration_errors_give_the_reference_stderr_and_exit_code() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut differences = Vec::new();
    for (i, text) in BAD_CONFIGURATIONS.iter().enumerate() {
        let name = format!("bad{i}.conf");
        std::fs::write(dir.path().join(&name), text).expect("write config");
        let args = ["-n", "-c", name.as_str()];
        let (code_r, _, err_r, text_r) = outcome(&reference(), dir.path(), &args);
        let (code_o, _, err_o, text_o) = outcome(&binary("supvisorsd"), dir.path(), &args);
        assert_eq!(code_r, Some(2), "the reference accepts {text:?}\n{text_r}");
        if (code_r, &err_r) != (code_o, &err_o) {
            differences.push(format!(
                "{text:?}\n--- reference\n{text_r}\n--- ours\n{text_o}"
            ));
        }
    }
    // A directory is not a readable configuration.
    let (code_r, _, err_r, text_r) = outcome(&reference(), dir.path(), &["-c", "."]);
    let (code_o, _, err_o, text_o) = outcome(&binary("supvisorsd"), dir.path(), &["-c", "."]);
    if (code_r, &err_r) != (code_o, &err_o) {
        differences.push(format!("-c .\n--- reference\n{text_r}\n--- ours\n{text_o}"));
    }
    assert!(differences.is_empty(), "{}", differences.join("\n\n"));
}

#[test]
fn no_configuration_found_lists_the_search_paths() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ours = binary("supvisorsd");
    let (code, _, err, text) = outcome(&ours, dir.path(), &["-n"]);
    assert_eq!(code, Some(2), "{text}");
    let bin_parent = ours
        .parent()
        .and_then(Path::parent)
        .expect("the binary sits in a directory");
    let expected = format!(
        "Error: No config file found at default paths ({0}/etc/supervisord.conf, \
         {0}/supervisord.conf, supervisord.conf, etc/supervisord.conf, /etc/supervisord.conf, \
         /etc/supervisor/supervisord.conf); use the -c option to specify a config file at a \
         different path\nFor help, use PROG -h\n",
        bin_parent.display()
    );
    assert!(err.ends_with(&expected), "{text}");
}
