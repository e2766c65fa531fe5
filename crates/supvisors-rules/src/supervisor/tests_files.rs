//! Loader tests for includes, HTTP servers, `[supervisorctl]` and plugin sections.

use super::tests::{assert_err, errs, load_in, proc, tmp, write};

#[test]
fn checklist_14_include_globs_sorted_here_per_file_and_warnings() {
    let dir = tmp();
    write(dir.path(), "inc/b.ini", "[program:b]\ncommand=%(here)s/b\n");
    write(dir.path(), "inc/a.ini", "[program:a]\ncommand=%(here)s/a\n");
    write(dir.path(), "inc/.hidden.ini", "[program:h]\ncommand=h\n");
    let text = "[supervisord]\nidentifier=%(here)s\n[include]\nfiles=inc/*.ini nomatch/*.conf\n[program:m]\ncommand=%(here)s/m\nstdout_logfile=NONE\nstartsecs=%(here)s\n";
    let e = load_in(dir.path(), text).err().unwrap_or_default();
    // With an [include], %(here)s is replaced everywhere, even in integer options.
    assert_err(
        &e,
        8,
        &format!(
            "invalid literal for int() with base 10: '{}'",
            dir.path().display()
        ),
    );
    let c = load_in(dir.path(), &text.replace("startsecs=%(here)s\n", ""))
        .unwrap_or_else(|e| panic!("{e:?}"));
    let inc = dir.path().join("inc");
    assert_eq!(c.included_files, vec![inc.join("a.ini"), inc.join("b.ini")]);
    assert_eq!(proc(&c, "a", "a").command, format!("{}/a", inc.display()));
    assert_eq!(
        proc(&c, "m", "m").command,
        format!("{}/m", dir.path().display())
    );
    assert_eq!(proc(&c, "a", "a").path, inc.join("a.ini"));
    assert!(c.groups.iter().all(|g| g.name != "h"));
    let warn = format!(
        "No file matches via include \"{}/nomatch/*.conf\"",
        dir.path().display()
    );
    assert!(
        c.warnings.iter().any(|w| w.problem == warn),
        "{:?}",
        c.warnings
    );
}

#[test]
fn include_errors() {
    let e = errs("[supervisord]\n[include]\n");
    assert_err(
        &e,
        2,
        ".ini file has [include] section, but no files setting",
    );
    let dir = tmp();
    write(dir.path(), "bad.ini", "[program:q]\nno delimiter\n");
    let e = load_in(dir.path(), "[supervisord]\n[include]\nfiles=bad.ini\n")
        .err()
        .unwrap_or_default();
    assert_err(&e, 2, "Source contains parsing errors");
    assert_eq!(e[0].path, dir.path().join("bad.ini"));
    write(
        dir.path(),
        "p.ini",
        "[program:q]\ncommand=ls\nautorestart=sometimes\n",
    );
    let e = load_in(dir.path(), "[supervisord]\n[include]\nfiles=p.ini\n")
        .err()
        .unwrap_or_default();
    let f = dir.path().join("p.ini");
    assert_err(
        &e,
        3,
        &format!("in section 'program:q' (file: '{}')", f.display()),
    );
    assert_eq!(e[0].path, f);
}

#[test]
fn servers() {
    let dir = tmp();
    let text = "[supervisord]\n[unix_http_server]\nfile=%(here)s/../s/./x.sock\nchmod=0770\nchown=alice:users\n\
                [inet_http_server]\nport=127.0.0.1:9001\nusername=u\npassword={SHA}abc\n[inet_http_server:two]\nport=*:9002\n";
    let c = load_in(dir.path(), text).unwrap_or_else(|e| panic!("{e:?}"));
    let u = &c.unix_http_servers[0];
    let parent = dir.path().parent().unwrap_or(dir.path());
    assert_eq!(u.file, parent.join("s/x.sock"));
    assert_eq!(
        (u.chmod, u.chown, u.name.as_deref()),
        (0o770, Some((1000, Some(100))), None)
    );
    let i = &c.inet_http_servers;
    assert_eq!(
        (
            i[0].host.as_str(),
            i[0].port,
            i[0].credentials.username.as_deref()
        ),
        ("127.0.0.1", 9001, Some("u"))
    );
    assert_eq!(
        (i[1].host.as_str(), i[1].port, i[1].name.as_deref()),
        ("", 9002, Some("two"))
    );
}

#[test]
fn server_errors() {
    let e = errs(
        "[supervisord]\n[unix_http_server]\nchmod=9\nchown=nobody\nusername=u\n[inet_http_server]\nport=abc\n[inet_http_server:b]\n",
    );
    assert_err(&e, 2, "section [unix_http_server] has no file value");
    assert_err(&e, 3, "Invalid chmod value 9");
    assert_err(&e, 4, "Invalid sockchown value nobody");
    assert_err(
        &e,
        5,
        "Section [unix_http_server] contains incomplete authentication",
    );
    assert_err(&e, 7, "not a valid port number: 'abc' ");
    assert_err(&e, 8, "section [inet_http_server:b] has no port value");
}

#[test]
fn supervisorctl_and_plugins() {
    let dir = tmp();
    let text = "[supervisord]\n[supervisorctl]\nserverurl=unix://%(here)s/x.sock\nprompt=p\nhistory_file=~/h\n\
                [rpcinterface:supervisor]\nsupervisor.rpcinterface_factory=supervisor.rpcinterface:make_main_rpcinterface\n\
                [rpcinterface:supvisors]\nsupervisor.rpcinterface_factory = supvisors.plugin:make_supvisors_rpcinterface\n\
                supvisors_list=%(ENV_USER)s,b\n[ctlplugin:x]\nsupervisor.ctl_factory=m:f\n";
    let c = load_in(dir.path(), text).unwrap_or_else(|e| panic!("{e:?}"));
    let ctl = c
        .supervisorctl
        .clone()
        .unwrap_or_else(|| panic!("no supervisorctl"));
    assert_eq!(
        ctl.serverurl,
        format!("unix://{}/x.sock", dir.path().display())
    );
    assert_eq!(
        (ctl.prompt.as_str(), ctl.history_file),
        ("p", Some(dir.path().join("h")))
    );
    assert_eq!(c.rpcinterfaces.len(), 2);
    assert_eq!(c.rpcinterfaces[1].name, "supvisors");
    assert_eq!(
        c.rpcinterfaces[1].extras,
        vec![("supvisors_list".into(), "alice,b".into(), 10)]
    );
    assert_eq!(c.ctlplugins[0].factory, "m:f");
    let e = errs("[supervisord]\n[rpcinterface:x]\nother=1\n");
    assert_err(
        &e,
        2,
        "section [rpcinterface:x] does not specify a supervisor.rpcinterface_factory",
    );
}

#[test]
fn server_url_prefers_unix_then_last_inet() {
    let dir = tmp();
    let c = load_in(
        dir.path(),
        "[supervisord]\n[inet_http_server]\nport=9001\n[inet_http_server:b]\nport=h:9002\n",
    )
    .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(c.server_url().as_deref(), Some("http://h:9002"));
    let c = load_in(
        dir.path(),
        "[supervisord]\n[inet_http_server]\nport=9001\n[unix_http_server]\nfile=/tmp/s.sock\n",
    )
    .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(c.server_url().as_deref(), Some("unix:///tmp/s.sock"));
    let c = load_in(dir.path(), "[supervisord]\n[inet_http_server]\nport=9001\n")
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(c.server_url().as_deref(), Some("http://localhost:9001"));
    let c = load_in(dir.path(), "[supervisord]\n").unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(c.server_url(), None);
}

#[test]
fn default_here_is_resolved_per_file_that_reads_it() {
    // Found by differential testing against the reference: a [DEFAULT] value with %(here)s
    // takes the directory of the file whose sections are being expanded.
    let dir = tmp();
    write(dir.path(), "inc/p.ini", "[program:inc]\ncommand=ls\n");
    let text = "[DEFAULT]\nstdout_logfile=%(here)s/d.log\n[supervisord]\n[include]\nfiles=inc/*.ini\n\
                [program:main]\ncommand=ls\n";
    let c = load_in(dir.path(), text).unwrap_or_else(|e| panic!("{e:?}"));
    let main = proc(&c, "main", "main").stdout.logfile.clone();
    let inc = proc(&c, "inc", "inc").stdout.logfile.clone();
    assert_eq!(main, crate::values::LogFile::Path(dir.path().join("d.log")));
    assert_eq!(
        inc,
        crate::values::LogFile::Path(dir.path().join("inc/d.log"))
    );
}

#[test]
fn loading_from_text_matches_loading_the_file() {
    let dir = tmp();
    let text = "[supervisord]\n[program:x]\ncommand=%(here)s/x\n";
    let from_file = load_in(dir.path(), text).unwrap_or_else(|e| panic!("{e:?}"));
    let ctx = crate::testutil::ctx(dir.path());
    let from_text =
        super::load_supervisor_config_from_str(text, std::path::Path::new("s.conf"), &ctx)
            .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(from_file, from_text);
}
