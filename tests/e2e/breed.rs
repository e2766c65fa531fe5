//! `supvisors_breed` against the reference's `supvisors_breed` 0.15: same exit status, same
//! standard output, same files byte for byte, on the reference's templates and on templates
//! written to reach the corners (glob order, links, collisions, DEFAULT, multi-line values,
//! chained groups). Where the reference crashes with a traceback, ours must fail cleanly and
//! write nothing. The bred trees must then load with `supvisorsd --check-config`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use supvisors_tests::{binary, describe, run, venv_python, workspace_root};

/// The reference tool, installed in the venv next to its interpreter.
fn reference_tool() -> PathBuf {
    let tool = venv_python().with_file_name("supvisors_breed");
    assert!(
        tool.exists(),
        "{} is missing: run scripts/setup-python.sh",
        tool.display()
    );
    tool
}

fn use_case_templates(scenario: &str) -> PathBuf {
    workspace_root()
        .join("tests/fixtures/reference/supvisors-0.15/test/use_cases")
        .join(scenario)
        .join("template_etc")
}

/// A work area: `tpl/` holds the template, `py/` and `rs/` are the working directories.
struct Area {
    dir: tempfile::TempDir,
}

impl Area {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        for sub in ["tpl", "py", "rs"] {
            fs::create_dir(dir.path().join(sub)).expect("mkdir");
        }
        Area { dir }
    }

    fn copy_of(src: &Path) -> Self {
        let area = Area::new();
        let tpl = area.path("tpl");
        fs::remove_dir(&tpl).expect("rmdir");
        let mut cmd = Command::new("cp");
        cmd.arg("-a").arg(src).arg(&tpl);
        let out = run(&mut cmd);
        assert!(out.status.success(), "{}", describe(&cmd, &out));
        area
    }

    fn with_files(files: &[(&str, &str)]) -> Self {
        let area = Area::new();
        for (name, text) in files {
            let path = area.path("tpl").join(name);
            fs::create_dir_all(path.parent().expect("has a parent")).expect("mkdir");
            fs::write(path, text).expect("write");
        }
        area
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Runs one tool in its working directory (`py` or `rs`) with `args`.
    fn run(&self, side: &str, args: &[&str]) -> (Command, Output) {
        let mut cmd = Command::new(if side == "py" {
            reference_tool()
        } else {
            binary("supvisors_breed")
        });
        cmd.current_dir(self.path(side))
            .args(args)
            .env_remove("COLUMNS");
        let out = run(&mut cmd);
        (cmd, out)
    }
}

/// Every file below `root`, by relative path (symbolic links are listed, not followed).
fn tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let rel = path
                .strip_prefix(root)
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            let kind = entry.file_type().expect("file type");
            if kind.is_dir() {
                walk(root, &path, out);
            } else if kind.is_symlink() {
                out.insert(rel, b"<link>".to_vec());
            } else {
                out.insert(rel, fs::read(&path).expect("read"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

fn show(tree: &BTreeMap<String, Vec<u8>>) -> String {
    tree.iter()
        .map(|(k, v)| format!("=== {k}\n{}", String::from_utf8_lossy(v)))
        .collect()
}

/// Runs both tools with `-t ../tpl` plus `args` and requires identical outcomes.
fn same(area: &Area, args: &[&str]) {
    let mut full = vec!["-t", "../tpl"];
    full.extend_from_slice(args);
    let (py_cmd, py) = area.run("py", &full);
    let (rs_cmd, rs) = area.run("rs", &full);
    let context = format!(
        "args: {full:?}\n--- reference\n{}\n--- ours\n{}",
        describe(&py_cmd, &py),
        describe(&rs_cmd, &rs)
    );
    if let Some(unknown) = unknown_groups(&rs) {
        unknown_groups_deviation(area, args, &unknown, &py, &rs, &context);
        return;
    }
    assert_eq!(py.status.code(), rs.status.code(), "exit status\n{context}");
    assert_eq!(
        String::from_utf8_lossy(&py.stdout),
        String::from_utf8_lossy(&rs.stdout),
        "stdout\n{context}"
    );
    if py.status.code() == Some(2) {
        assert_eq!(
            String::from_utf8_lossy(&py.stderr),
            String::from_utf8_lossy(&rs.stderr),
            "argparse error\n{context}"
        );
    }
    let (py_tree, rs_tree) = (tree(&area.path("py")), tree(&area.path("rs")));
    assert!(
        py_tree == rs_tree,
        "written files differ\n{context}\n--- reference tree\n{}\n--- our tree\n{}",
        show(&py_tree),
        show(&rs_tree)
    );
    for side in ["py", "rs"] {
        fs::remove_dir_all(area.path(side)).expect("clean");
        fs::create_dir(area.path(side)).expect("mkdir");
    }
}

/// The groups our error names when some `-b` group has no template (deliberate deviation of
/// issue #7: the reference ignores them and exits 0).
fn unknown_groups(out: &Output) -> Option<Vec<String>> {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let rest = stderr.split("no [group:").nth(1)?;
    let list = rest.split(" section found").next()?;
    Some(
        format!("[group:{list}")
            .split(", ")
            .filter_map(|g| g.strip_prefix("[group:")?.strip_suffix(']'))
            .map(str::to_owned)
            .collect(),
    )
}

/// Checks the deviation, then compares both tools on the same arguments without the unknown
/// groups, so that what else the arguments exercise is still compared.
fn unknown_groups_deviation(
    area: &Area,
    args: &[&str],
    unknown: &[String],
    py: &Output,
    rs: &Output,
    context: &str,
) {
    assert_eq!(py.status.code(), Some(0), "{context}");
    assert_eq!(rs.status.code(), Some(1), "{context}");
    // Until the error, ours printed the same trace as the reference.
    let (py_out, rs_out) = (
        String::from_utf8_lossy(&py.stdout),
        String::from_utf8_lossy(&rs.stdout),
    );
    assert!(py_out.starts_with(rs_out.as_ref()), "trace\n{context}");
    assert!(
        tree(&area.path("rs")).is_empty(),
        "nothing written\n{context}"
    );
    for side in ["py", "rs"] {
        fs::remove_dir_all(area.path(side)).expect("clean");
        fs::create_dir(area.path(side)).expect("mkdir");
    }
    let is_unknown = |arg: &&str| {
        arg.split_once('=')
            .is_some_and(|(name, _)| unknown.iter().any(|u| u == name))
    };
    let reduced: Vec<&str> = args.iter().copied().filter(|a| !is_unknown(a)).collect();
    let breeds_something = reduced
        .iter()
        .skip_while(|a| **a != "-b")
        .skip(1)
        .take_while(|a| !a.starts_with('-'))
        .count()
        > 0;
    if breeds_something {
        same(area, &reduced);
    }
}

/// The reference crashes with a traceback; ours reports `expected` and writes nothing.
fn reference_crashes_ours_fails_cleanly(area: &Area, args: &[&str], expected: &str) {
    let mut full = vec!["-t", "../tpl"];
    full.extend_from_slice(args);
    let before = tree(&area.path("rs"));
    let (py_cmd, py) = area.run("py", &full);
    assert_eq!(py.status.code(), Some(1), "{}", describe(&py_cmd, &py));
    assert!(
        String::from_utf8_lossy(&py.stderr).contains("Traceback"),
        "{}",
        describe(&py_cmd, &py)
    );
    let (rs_cmd, rs) = area.run("rs", &full);
    let stderr = String::from_utf8_lossy(&rs.stderr);
    assert_ne!(rs.status.code(), Some(0), "{}", describe(&rs_cmd, &rs));
    assert!(
        stderr.starts_with("supvisors_breed: error: ") && stderr.contains(expected),
        "expected {expected:?}\n{}",
        describe(&rs_cmd, &rs)
    );
    assert_eq!(before, tree(&area.path("rs")), "something was written");
}

#[test]
fn scenario_2_templates_as_the_reference_breeds_them() {
    let area = Area::copy_of(&use_case_templates("scenario_2"));
    same(
        &area,
        &["-d", "etc", "-b", "scen2_srv=3", "scen2_hci=3", "-x", "-v"],
    );
    same(&area, &["-d", "etc", "-b", "scen2_srv=3", "-x", "-v"]);
    same(
        &area,
        &["-d", "etc/", "-b", "scen2_hci=12", "scen2_srv=2", "-v"],
    );
}

#[test]
fn unknown_group_is_an_error_and_nothing_is_written() {
    // Deliberate deviation (issue #7): the reference ignores the unknown group and exits 0.
    let area = Area::copy_of(&use_case_templates("scenario_2"));
    let args = [
        "-t",
        "../tpl",
        "-d",
        "out",
        "-b",
        "scen2_srv=1",
        "unknown=4",
    ];
    let (py_cmd, py) = area.run("py", &args);
    assert_eq!(py.status.code(), Some(0), "{}", describe(&py_cmd, &py));
    let (rs_cmd, rs) = area.run("rs", &args);
    let context = describe(&rs_cmd, &rs);
    assert_eq!(rs.status.code(), Some(1), "{context}");
    let stderr = String::from_utf8_lossy(&rs.stderr);
    assert!(
        stderr.contains("no [group:unknown] section found") && stderr.contains("group:scen2_srv"),
        "{context}"
    );
    assert!(!area.path("rs").join("out").exists(), "{context}");
}

#[test]
fn scenario_3_templates_as_the_reference_breeds_them() {
    let area = Area::copy_of(&use_case_templates("scenario_3"));
    same(
        &area,
        &["-d", "etc/scenario_3", "-b", "scen3_hci=5", "-x", "-v"],
    );
    same(&area, &["-d", "etc", "-b", "scen3_hci=100", "-v"]);
    same(
        &area,
        &[
            "-d",
            "etc",
            "-b",
            "scen3_hci=2",
            "-p",
            "console/group_*.ini",
            "-x",
        ],
    );
}

/// The example of the specification: a group with a priority and two program files.
#[test]
fn player_template() {
    let area = Area::with_files(&[
        (
            "player/group_player.ini",
            "[group:player]\npriority=10\nprograms=test_reader,movie_player\n",
        ),
        (
            "player/program_movie_player.ini",
            "[program:movie_player]\ncommand=python ./scripts/process_app.py -n %(program_name)s\n\
             autostart=false\n",
        ),
        (
            "player/program_test_reader.ini",
            "[program:test_reader]\ncommand=python ./scripts/process_app.py -n %(program_name)s\n\
             autostart=false\nstartsecs=0\n",
        ),
    ]);
    same(&area, &["-d", "out1", "-b", "player=2", "-v"]);
    same(&area, &["-d", "out2", "-b", "player=3", "-x", "-v"]);
    same(&area, &["-d", "out3", "-b", "player=100"]);
    // An empty destination writes nested files into the working directory.
    same(&area, &["-d", "", "-b", "player=2", "-x", "-v"]);
    same(
        &area,
        &[
            "--templ=../tpl",
            "-vxd",
            "out4",
            "--breed",
            "player=02",
            "player=1",
        ],
    );
}

/// DEFAULT sections, multi-line and empty values, comments, `:` delimiters, upper-case keys,
/// non-ASCII text, a group defined twice, an existing copy, chained breeding, hidden files.
#[test]
fn mixed_template_tree() {
    let area = Area::with_files(&[
        (
            "apps/a/group_a.ini",
            "# leading comment\n[group:alpha]\npriority = 5\nprograms=p1,p2\n\n\
             [program:p1]\nCommand = ls -l ; not a comment here\n; comment\nautostart:false\n",
        ),
        (
            "apps/b/group_b.ini",
            "[DEFAULT]\nuser=nobody\n\n[group:beta]\nprograms = p3\n\n\
             [group:beta_01]\nprograms=old\npriority=1\n",
        ),
        (
            "apps/b/programs.ini",
            "[program:p3]\ncommand=sh -c 'echo %(program_name)s'\nenvironment=A=\"1\",\n    \
             B=\"2\"\n\n  \t\n      C=3\nstdout_logfile = log/%(group_name)s.log\n\
             [program:p2]\ncommand=true\nemptyval=\nClé = café\n",
        ),
        (
            "apps/dup/group_alpha_again.ini",
            "[group:alpha]\nprograms=p1\n",
        ),
        ("apps/.hidden.ini", "[group:hidden]\nprograms=p1\n"),
        ("apps/notes.txt", "[group:ignored]\nprograms=p1\n"),
        (
            "top.ini",
            "[group:x:y]\nprograms=p2\n[group:café]\nprograms=p1\n",
        ),
        (
            "apps/c/odd.ini",
            "[program:crlf]\r\ncommand = a\r\n\tcontinued\r\n[program:cr]\rk=1\r\
             [program:nbsp]\n\u{a0}k1=v\n  k2=w\n[ group:spaced ]\nprograms =  p1 , p2  \n\
             \x20 [program:indented]\n\x20 k\t=\tv%%(x)s\n",
        ),
    ]);
    same(
        &area,
        &["-d", "o", "-b", "alpha=2", "beta=2", "gamma=4", "-v"],
    );
    same(
        &area,
        &["-d", "o", "-b", "alpha=2", "beta=2", "hidden=1", "-x", "-v"],
    );
    same(&area, &["-d", "o", "-b", "beta=3", "beta_01=2", "-x", "-v"]);
    same(&area, &["-d", "o", "-b", "beta=3", "beta_01=2", "-v"]);
    same(&area, &["-d", "o", "-b", "x:y=2", "café=1", "-x", "-v"]);
    same(&area, &["-d", "o", "-b", " spaced =2", "-v"]);
    for pattern in [
        "apps/*/*.ini",
        "**/group_*.ini",
        "apps/[ab]/*.ini",
        "apps/[!a]*/*.ini",
        "**/*",
        "**",
        "apps/",
        "./apps//b/*.ini",
        "apps/b/../a/*.ini",
        "*.ini",
    ] {
        same(
            &area,
            &["-d", "o", "-b", "alpha=1", "beta=1", "-p", pattern, "-v"],
        );
    }
}

/// Symbolic links to directories are not entered by `**` but are by `*`; a directory and a
/// broken link matching the pattern count as files without sections.
#[test]
fn links_and_odd_entries() {
    let area = Area::with_files(&[
        ("real/g.ini", "[group:r]\nprograms=x\n"),
        ("weird.ini/inner.ini", "[program:x]\ncommand=ls\n"),
    ]);
    let tpl = area.path("tpl");
    std::os::unix::fs::symlink("real", tpl.join("link")).expect("symlink");
    std::os::unix::fs::symlink("nowhere", tpl.join("broken.ini")).expect("symlink");
    same(&area, &["-d", "o", "-b", "r=2", "-v"]);
    same(&area, &["-d", "o", "-b", "r=2", "-x", "-v"]);
    same(&area, &["-d", "o", "-b", "r=2", "-p", "*/*.ini", "-v"]);
    same(
        &area,
        &["-d", "o", "-b", "r=2", "-p", "link/g.ini", "-x", "-v"],
    );
}

/// With `-x`, a new file named like an existing template file replaces it; copies of a
/// top-level template land at the top.
#[test]
fn new_files_colliding_with_template_files() {
    let area = Area::with_files(&[
        ("grp/group_app.ini", "[group:app]\nprograms=a\n"),
        ("grp/group_app_01.ini", "[program:a]\ncommand=ls\n"),
        (
            "group_top.ini",
            "[group:top]\nprograms=a\n[program:b]\ncommand=ls\n",
        ),
    ]);
    same(&area, &["-d", "o", "-b", "app=2", "top=2", "-x", "-v"]);
    same(&area, &["-d", "o", "-b", "app=2", "top=2", "-v"]);
}

/// `fnmatch` sets, as `translate` rewrites them, select the same files.
#[test]
fn glob_sets_and_odd_names() {
    let names = [
        "a-b.ini", "]x.ini", "!.ini", "[.ini", "b.ini", "-.ini", "^.ini", "\\.ini", "z.ini",
        "A.ini", "ab.ini", ".ini", "é.ini", "a.INI", "&.ini", "x]y.ini",
    ];
    let files: Vec<(String, String)> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (format!("d/{n}"), format!("[group:g{i}]\nprograms=p\n")))
        .collect();
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let area = Area::with_files(&refs);
    for pattern in [
        "d/[a-c].ini",
        "d/[!a-c].ini",
        "d/[]x]*.ini",
        "d/[!]x]*.ini",
        "d/[a-].ini",
        "d/[-a].ini",
        "d/[c-a].ini",
        "d/[b-a-z].ini",
        "d/[\\].ini",
        "d/[^].ini",
        "d/[[].ini",
        "d/[!!].ini",
        "d/*[-]*.ini",
        "d/[a-b-c].ini",
        "d/?.ini",
        "d/*.ini",
        "d/[z-a-]*.ini",
        "d/[]-a]*.ini",
        "d/[a-c-e]*",
        "d/[!-]*.ini",
        "d/[&]*",
        "d/x]*",
        "d/[!]",
        "d/*.[iI][nN][iI]",
        "d/[à-ê]*",
        "d/[z-a-b]*",
    ] {
        same(&area, &["-d", "o", "-b", "g1=1", "-p", pattern, "-v"]);
    }
}

/// Group names holding `/`, `:` or quotes give the same files and trace.
#[test]
fn odd_group_names() {
    let area = Area::with_files(&[
        ("g/slash.ini", "[group:a/b]\nprograms=p\n"),
        (
            "g/quote.ini",
            "[group:it's]\nprograms=p\n[group:%(x)s]\nprograms=%(y)s\n",
        ),
    ]);
    same(
        &area,
        &["-d", "o", "-b", "a/b=2", "it's=2", "%(x)s=1", "-x", "-v"],
    );
    same(&area, &["-d", "o'q", "-b", "a/b=2", "it's=2", "-v"]);
}

#[test]
fn argument_errors_match_argparse() {
    let area = Area::with_files(&[("g.ini", "[group:a]\nprograms=p\n")]);
    for args in [
        &["-d", "o", "-b", "a=x"][..],
        &["-d", "o", "-b", "a=0"],
        &["-d", "o", "-b", "a"],
        &["-d", "o", "-b", "a=1", "-1"],
        &["-d", "o"],
        &["-d", "o", "-b"],
        &["-d", "o", "-b", "a=1", "--bogus", "x"],
        &["-d", "o", "-b", "a=1", "--"],
        &["-d", "o", "-b", "a=1", "-xq"],
        &["-d", "o", "-b", "a=1", "--verbose=yes"],
        &["-d", "o", "-b", "a=1", "-t", "../missing"],
        &["-h"],
        &["-d", "o", "-b", "a=1", "--he"],
    ] {
        same(&area, args);
    }
    // Without -t at all.
    let (py_cmd, py) = area.run("py", &["-d", "o", "-t", "nowhere", "-b", "a=1"]);
    let (rs_cmd, rs) = area.run("rs", &["-d", "o", "-t", "nowhere", "-b", "a=1"]);
    assert_eq!(py.status.code(), Some(2), "{}", describe(&py_cmd, &py));
    assert_eq!(
        py.stderr,
        rs.stderr,
        "{}\n{}",
        describe(&py_cmd, &py),
        describe(&rs_cmd, &rs)
    );
    assert_eq!(rs.status.code(), Some(2));
}

#[test]
fn nothing_to_breed_and_nothing_found() {
    let area = Area::with_files(&[("g.ini", "[group:a]\nprograms=p\n")]);
    same(&area, &["-d", "o", "-b", "other=2", "-v"]);
    same(&area, &["-d", "o", "-b", "a=2", "-p", "*.conf", "-v"]);
    same(&area, &["-d", "o", "-b", "a=2", "-p", "*.conf"]);
    let (cmd, out) = area.run("rs", &["-t", "../tpl", "-d", "o", "-b", "other=2", "a=1"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "supvisors_breed: error: no [group:other] section found in the templates of \"../tpl\" \
         (template groups: group:a); nothing written\n",
        "{}",
        describe(&cmd, &out)
    );
}

#[test]
fn crashes_of_the_reference_are_clean_errors_here() {
    let area = Area::with_files(&[
        ("g.ini", "[group:a]\nprograms=p\n"),
        ("h.ini", "[group:nop]\npriority=1\n"),
    ]);
    // The destination is a file.
    for side in ["py", "rs"] {
        fs::write(area.path(side).join("o"), "not a folder").expect("write");
    }
    reference_crashes_ours_fails_cleanly(&area, &["-d", "o", "-b", "a=2"], "not a directory");
    // An empty destination with a top-level file (`os.makedirs('')`).
    reference_crashes_ours_fails_cleanly(&area, &["-d", "", "-b", "a=2"], "empty destination");
    // A template group without programs.
    reference_crashes_ours_fails_cleanly(&area, &["-d", "p", "-b", "nop=2"], "no 'programs'");
    // A count with two '=': ours is an argument error (exit 2).
    let (_, py) = area.run("py", &["-t", "../tpl", "-d", "p", "-b", "a=1=2"]);
    assert_eq!(py.status.code(), Some(1));
    let (rs_cmd, rs) = area.run("rs", &["-t", "../tpl", "-d", "p", "-b", "a=1=2"]);
    assert_eq!(rs.status.code(), Some(2), "{}", describe(&rs_cmd, &rs));
    assert!(String::from_utf8_lossy(&rs.stderr).contains("breed format must be: key=value"));

    let bad = Area::with_files(&[
        ("a.ini", "[group:a]\nprograms=p\n"),
        ("b.ini", "[group:b]\nprograms=p\n[group:b]\nprograms=q\n"),
    ]);
    reference_crashes_ours_fails_cleanly(&bad, &["-d", "o", "-b", "a=2"], "already exists");
    let bad = Area::with_files(&[("a.ini", "programs=p\n")]);
    reference_crashes_ours_fails_cleanly(&bad, &["-d", "o", "-b", "a=2"], "no section headers");
}

/// Our output where the destination already holds files: they are replaced, others kept.
#[test]
fn an_existing_destination_is_updated_in_place() {
    let area = Area::with_files(&[("g.ini", "[group:a]\nprograms=p\n")]);
    for side in ["py", "rs"] {
        fs::create_dir_all(area.path(side).join("o")).expect("mkdir");
        fs::write(area.path(side).join("o/g.ini"), "old").expect("write");
        fs::write(area.path(side).join("o/keep.txt"), "kept").expect("write");
    }
    same(&area, &["-d", "o", "-b", "a=2"]);
}

/// `supvisorsd --check-config` accepts the bred trees and refuses a broken one.
#[test]
fn bred_configurations_load_with_check_config() {
    let cases: [(&str, &[&str], &str); 3] = [
        (
            "scenario_2",
            &["scen2_srv=3", "scen2_hci=3", "-x"],
            "*/*.ini",
        ),
        ("scenario_2", &["scen2_srv=2", "scen2_hci=4"], "*/*.ini"),
        ("scenario_3", &["scen3_hci=5", "-x"], "*/*.ini"),
    ];
    for (scenario, breed, include) in cases {
        let area = Area::copy_of(&use_case_templates(scenario));
        let mut args = vec!["-t", "../tpl", "-d", "etc", "-b"];
        args.extend_from_slice(breed);
        let (cmd, out) = area.run("rs", &args);
        assert!(out.status.success(), "{}", describe(&cmd, &out));
        let (code, summary) = check_config(&area.path("rs"), include);
        assert_eq!(code, Some(0), "{scenario} {breed:?}");
        // The last copy of the first bred group, e.g. `scen2_srv_03`.
        let (name, count) = breed[0].split_once('=').expect("name=count");
        let group = format!("{name}_{count:0>2}");
        assert!(
            summary.contains(&group),
            "{group} missing from the summary:\n{summary}"
        );
    }
    // Negative control: groups whose programs are not included must be refused.
    let area = Area::copy_of(&use_case_templates("scenario_2"));
    let (cmd, out) = area.run(
        "rs",
        &["-t", "../tpl", "-d", "etc", "-b", "scen2_srv=2", "-x"],
    );
    assert!(out.status.success(), "{}", describe(&cmd, &out));
    assert_ne!(
        check_config(&area.path("rs"), "server/group_*.ini").0,
        Some(0),
        "supvisorsd --check-config accepted groups naming unknown programs"
    );
}

/// Runs `supvisorsd --check-config` on a small supervisord.conf including `etc/<include>`;
/// gives the exit status and the standard output.
fn check_config(cwd: &Path, include: &str) -> (Option<i32>, String) {
    fs::create_dir_all(cwd.join("log")).expect("log dir");
    let conf = cwd.join("supervisord.conf");
    fs::write(
        &conf,
        format!(
            "[supervisord]\nlogfile = {0}/log/supervisord.log\npidfile = {0}/supervisord.pid\n\n\
             [include]\nfiles = etc/{include}\n",
            cwd.display()
        ),
    )
    .expect("write supervisord.conf");
    let mut cmd = Command::new(binary("supvisorsd"));
    cmd.current_dir(cwd)
        .arg("--check-config")
        .arg("-c")
        .arg(&conf);
    let out = run(&mut cmd);
    let code = out.status.code();
    if code != Some(0) {
        eprintln!("{}", describe(&cmd, &out));
    }
    (code, String::from_utf8_lossy(&out.stdout).into_owned())
}
