//! Group tests: heterogeneous groups and their quirks, listener pools, fcgi groups, ordering.

use super::tests::{assert_err, errs, ok, proc};
use super::*;

#[test]
fn heterogeneous_group_takes_members_in_list_order() {
    let c = ok(
        "[supervisord]\n[group:grp]\nprograms=b,a\npriority=5\n[program:a]\ncommand=a\npriority=1\n\
                [program:b]\ncommand=b\nprocess_name=%(group_name)s-%(program_name)s\n",
    );
    assert_eq!(c.groups.len(), 1);
    let g = &c.groups[0];
    assert_eq!((g.name.as_str(), g.priority), ("grp", 5));
    assert_eq!(
        g.kind,
        GroupKind::Heterogeneous {
            programs: vec!["b".into(), "a".into()]
        }
    );
    let names: Vec<&str> = g.processes.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["grp-b", "a"]);
    assert_eq!(proc(&c, "grp", "a").group_name, "grp");
    assert_eq!(proc(&c, "grp", "a").namespec(), "grp:a");
}

#[test]
fn empty_group_and_program_in_two_groups() {
    let c = ok(
        "[supervisord]\n[group:empty]\n[group:g1]\nprograms=p\n[group:g2]\nprograms=p\n[program:p]\ncommand=ls\n",
    );
    let names: Vec<(&str, usize)> = c
        .groups
        .iter()
        .map(|g| (g.name.as_str(), g.processes.len()))
        .collect();
    assert_eq!(names, [("empty", 0), ("g1", 1), ("g2", 1)]);
}

#[test]
fn unknown_member_quirk_names_previous_section() {
    let e = errs("[supervisord]\n[group:g]\nprograms=x,y\n[program:x]\ncommand=ls\n");
    assert_err(&e, 3, "[program:x] names unknown program or fcgi-program y");
    let e = errs("[supervisord]\n[group:g]\nprograms=y\n");
    assert_err(&e, 3, "[group:g] names unknown program or fcgi-program y");
    let e = errs(
        "[supervisord]\n[group:g]\nprograms=d\n[program:d]\ncommand=ls\n[fcgi-program:d]\ncommand=ls\nsocket=tcp://h:1\n",
    );
    assert_err(
        &e,
        3,
        "[group:g] name d is ambiguous (exists as program and fcgi-program)",
    );
}

#[test]
fn groups_sorted_by_priority_then_name_listeners_first() {
    let c = ok(
        "[supervisord]\n[program:b]\ncommand=ls\n[program:a]\ncommand=ls\n[program:c]\ncommand=ls\npriority=1\n\
                [eventlistener:l]\ncommand=ls\nevents=TICK_5\n",
    );
    let names: Vec<(&str, i64)> = c
        .groups
        .iter()
        .map(|g| (g.name.as_str(), g.priority))
        .collect();
    assert_eq!(names, [("l", -1), ("c", 1), ("a", 999), ("b", 999)]);
}

#[test]
fn event_listener_pool() {
    let c = ok(
        "[supervisord]\n[eventlistener:l]\ncommand=ls\nevents=tick_5, PROCESS_STATE,TICK_5\nbuffer_size=3\n",
    );
    let g = &c.groups[0];
    assert_eq!(
        g.kind,
        GroupKind::EventListenerPool {
            events: vec!["TICK_5".into(), "PROCESS_STATE".into()],
            buffer_size: 3,
            result_handler: DEFAULT_RESULT_HANDLER.into()
        }
    );
    assert_eq!(proc(&c, "l", "l").kind, ProcessKind::EventListener);
    // Only the pool defaults to -1; its processes keep the usual 999.
    assert_eq!((g.priority, proc(&c, "l", "l").priority), (-1, 999));
}

#[test]
fn checklist_6_event_listener_errors() {
    let e = errs("[supervisord]\n[eventlistener:e]\ncommand=ls\n");
    assert_err(
        &e,
        2,
        "[eventlistener:e] section requires an \"events\" line",
    );
    let e = errs(
        "[supervisord]\n[eventlistener:e]\ncommand=ls\nevents=NOPE\nbuffer_size=0\nredirect_stderr=true\nresult_handler=m:f\n",
    );
    assert_err(&e, 4, "Unknown event type NOPE in [eventlistener:e] events");
    assert_err(
        &e,
        5,
        "[eventlistener:e] section sets invalid buffer_size (0)",
    );
    assert_err(
        &e,
        6,
        "[eventlistener:e] section sets redirect_stderr=true but this is not allowed",
    );
    assert_err(&e, 7, "m:f cannot be resolved within [eventlistener:e]");
}

#[test]
fn fcgi_groups() {
    let c = ok(
        "[supervisord]\n[fcgi-program:f]\ncommand=ls\nsocket=unix:///tmp/%(program_name)s.sock\nuser=bob\nsocket_backlog=5\n\
                [fcgi-program:t]\ncommand=ls\nsocket=tcp://LocalHost:8000\n",
    );
    let f = c
        .groups
        .iter()
        .find(|g| g.name == "f")
        .map(|g| g.kind.clone());
    assert_eq!(
        f,
        Some(GroupKind::Fcgi {
            socket: FcgiSocket::Unix {
                path: "/tmp/f.sock".into(),
                owner: Some((1001, Some(101))),
                mode: 0o700,
                backlog: Some(5)
            }
        })
    );
    let t = c
        .groups
        .iter()
        .find(|g| g.name == "t")
        .map(|g| g.kind.clone());
    assert_eq!(
        t,
        Some(GroupKind::Fcgi {
            socket: FcgiSocket::Tcp {
                host: "localhost".into(),
                port: 8000,
                backlog: None
            }
        })
    );
    assert_eq!(proc(&c, "t", "t").kind, ProcessKind::FastCgi);
}

#[test]
fn fcgi_errors_keep_python_tuple_messages() {
    let e = errs(
        "[supervisord]\n[fcgi-program:a]\ncommand=ls\n[fcgi-program:b]\ncommand=ls\nsocket=unix://rel.sock\n\
                  [fcgi-program:c]\ncommand=ls\nsocket=udp://x\n[fcgi-program:d]\ncommand=ls\nsocket=tcp://h:1\nsocket_mode=0600\n\
                  [fcgi-program:e]\ncommand=ls\nsocket=tcp://h:1\nsocket_backlog=0\n",
    );
    assert_err(&e, 2, "[fcgi-program:a] section requires a \"socket\" line");
    assert_err(
        &e,
        6,
        "('Unix socket path %s is not an absolute path', 'rel.sock') in [fcgi-program:b] socket",
    );
    assert_err(
        &e,
        9,
        "('Bad socket format %s', 'udp://x') in [fcgi-program:c] socket",
    );
    assert_err(
        &e,
        12,
        "socket_owner and socket_mode params should only be used with a Unix domain socket in [fcgi-program:d] socket",
    );
    assert_err(&e, 17, "Invalid socket_backlog value 0");
}

#[test]
fn fcgi_program_in_group_becomes_a_plain_program() {
    let c = ok("[supervisord]\n[group:g]\nprograms=f\n[fcgi-program:f]\ncommand=ls\n");
    assert_eq!(c.groups.len(), 1);
    assert_eq!(proc(&c, "g", "f").kind, ProcessKind::Program);
}

#[test]
fn first_error_is_the_one_the_reference_stops_at() {
    // Found by differential testing: the unknown member comes before p2's own problem.
    let e = errs("[supervisord]\n[program:p2]\nstartsecs=1\n[group:g1]\nprograms=p1,p2\n");
    assert!(
        e[0].problem
            .contains("[group:g1] names unknown program or fcgi-program p1"),
        "{e:?}"
    );
    assert!(
        e[1].problem
            .contains("program section program:p2 does not specify a command"),
        "{e:?}"
    );
}
