//! Supvisors commands that act (those on processes are in `processes`): applications and processes with strategies, `conciliate`,
//! `loglevel`, the whole-cluster restart and shutdown, `all_start` on every running instance.

use supvisors_rpc::Value;

use super::super::reply::{items, py_str, str_field, truthy};
use super::super::{Command, Ctl, Error, Flow, exit};
use super::processes;
use super::{
    CONCILIATION_STRATEGIES, STARTING_STRATEGIES, call, fault_line, names_repr, upcheck,
    usage_error,
};

/// The Supvisors command named `name` among those that act.
pub fn find(name: &str) -> Option<Command> {
    let command: Command = match name {
        "loglevel" => do_loglevel,
        "conciliate" => do_conciliate,
        "restart_sequence" => |ctl, _| simple(ctl, "restart_sequence", "Start sequence completed"),
        "sreload" => |ctl, _| simple(ctl, "restart", "Restarted"),
        "sshutdown" => |ctl, _| simple(ctl, "shutdown", "Shut down"),
        "start_application" => |ctl, arg| application(ctl, arg, &START_APP),
        "restart_application" => |ctl, arg| application(ctl, arg, &RESTART_APP),
        "stop_application" => |ctl, arg| application(ctl, arg, &STOP_APP),
        "start_process" => processes::do_start_process,
        "restart_process" => processes::do_restart_process,
        "stop_process" => processes::do_stop_process,
        "start_any_process" => processes::do_start_any_process,
        "start_any_process_args" => processes::do_start_any_process_args,
        "start_args" => processes::do_start_args,
        "start_process_args" => processes::do_start_process_args,
        "all_start" => |ctl, arg| processes::all_start(ctl, arg, false),
        "all_start_args" => |ctl, arg| processes::all_start(ctl, arg, true),
        "update_numprocs" => processes::do_update_numprocs,
        "enable" => |ctl, arg| processes::program(ctl, arg, "enable", "enabled"),
        "disable" => |ctl, arg| processes::program(ctl, arg, "disable", "disabled"),
        _ => return None,
    };
    Some(command)
}

/// A call without arguments printing `<label>: <result>`.
fn simple(ctl: &mut Ctl, method: &str, label: &str) -> Result<Flow, Error> {
    if !upcheck(ctl)? {
        return Ok(Flow::Continue);
    }
    match call(ctl, method, &[])? {
        Ok(result) => ctl.output(&format!("{label}: {}", py_str(&result))),
        Err(fault) => fault_line(ctl, "", &fault),
    }
    Ok(Flow::Continue)
}

/// The wire code of a strategy name, or the usage error printed.
pub(super) fn strategy(
    ctl: &mut Ctl,
    names: &[&str],
    word: &str,
    message: &str,
    topic: &str,
) -> Result<Option<i32>, Error> {
    match names.iter().position(|n| *n == word) {
        Some(i) => Ok(i32::try_from(i).ok()),
        None => {
            usage_error(ctl, message, topic)?;
            Ok(None)
        }
    }
}

pub(super) fn starting_strategy(
    ctl: &mut Ctl,
    word: &str,
    topic: &str,
) -> Result<Option<i32>, Error> {
    let message = format!(
        "ERROR: unknown strategy for {topic}. use one of {}",
        names_repr(STARTING_STRATEGIES)
    );
    strategy(ctl, STARTING_STRATEGIES, word, &message, topic)
}

/// `loglevel level`.
fn do_loglevel(ctl: &mut Ctl, arg: &str) -> Result<Flow, Error> {
    if !upcheck(ctl)? {
        return Ok(Flow::Continue);
    }
    let Some(word) = arg.split_whitespace().next() else {
        return usage_error(ctl, "ERROR: loglevel requires a level", "loglevel");
    };
    let level = match word {
        "critical" => 50,
        "error" => 40,
        "warn" => 30,
        "info" => 20,
        "debug" => 10,
        "trace" => 5,
        "blather" => 3,
        _ => return usage_error(ctl, "ERROR: unknown level for Logger", "loglevel"),
    };
    match call(ctl, "change_log_level", &[Value::Int(level)])? {
        Ok(result) => ctl.output(&format!("Logger level changed: {}", py_str(&result))),
        Err(fault) => fault_line(ctl, "", &fault),
    }
    Ok(Flow::Continue)
}

/// `conciliate strategy`.
fn do_conciliate(ctl: &mut Ctl, arg: &str) -> Result<Flow, Error> {
    if !upcheck(ctl)? {
        return Ok(Flow::Continue);
    }
    let Some(word) = arg.split_whitespace().next() else {
        return usage_error(ctl, "ERROR: conciliate requires a strategy", "conciliate");
    };
    let message = format!(
        "ERROR: unknown strategy for conciliate. use one of {}",
        names_repr(CONCILIATION_STRATEGIES)
    );
    let Some(code) = strategy(ctl, CONCILIATION_STRATEGIES, word, &message, "conciliate")? else {
        return Ok(Flow::Continue);
    };
    match call(ctl, "conciliate", &[Value::Int(code)])? {
        Ok(result) => ctl.output(&format!("Conciliated: {}", py_str(&result))),
        Err(fault) => fault_line(ctl, "", &fault),
    }
    Ok(Flow::Continue)
}

/// What an application command calls and prints.
struct AppVerb {
    name: &'static str,
    method: &'static str,
    done: &'static str,
    alt: &'static str,
    with_strategy: bool,
}

const START_APP: AppVerb = AppVerb {
    name: "start_application",
    method: "start_application",
    done: "started",
    alt: "start",
    with_strategy: true,
};
const RESTART_APP: AppVerb = AppVerb {
    name: "restart_application",
    method: "restart_application",
    done: "restarted",
    alt: "restart",
    with_strategy: true,
};
const STOP_APP: AppVerb = AppVerb {
    name: "stop_application",
    method: "stop_application",
    done: "stopped",
    alt: "stop",
    with_strategy: false,
};

/// `start_application`, `restart_application`, `stop_application`.
fn application(ctl: &mut Ctl, arg: &str, verb: &AppVerb) -> Result<Flow, Error> {
    if !upcheck(ctl)? {
        return Ok(Flow::Continue);
    }
    let mut args: Vec<&str> = arg.split_whitespace().collect();
    let mut code = None;
    if verb.with_strategy {
        let Some(first) = args.first().copied() else {
            let message = format!("ERROR: {} requires at least a strategy", verb.name);
            return usage_error(ctl, &message, verb.name);
        };
        code = starting_strategy(ctl, first, verb.name)?;
        if code.is_none() {
            return Ok(Flow::Continue);
        }
        args.remove(0);
    }
    let infos = match call(ctl, "get_all_applications_info", &[])? {
        Ok(v) => v,
        Err(fault) => {
            fault_line(ctl, "", &fault);
            return Ok(Flow::Continue);
        }
    };
    // Python dict: insertion order, later duplicates overwrite.
    let mut managed: Vec<(String, bool)> = Vec::new();
    for info in items(&infos) {
        let name = str_field(info, "application_name")?;
        let flag = truthy(super::super::reply::field(info, "managed")?);
        match managed.iter_mut().find(|(n, _)| *n == name) {
            Some(entry) => entry.1 = flag,
            None => managed.push((name, flag)),
        }
    }
    let mut matching: Vec<String> = Vec::new();
    if args.is_empty() || args.contains(&"all") {
        matching = managed
            .iter()
            .filter(|(_, m)| *m)
            .map(|(n, _)| n.clone())
            .collect();
        matching.sort();
    } else {
        for name in args {
            match managed.iter().find(|(n, _)| n == name) {
                Some((_, true)) => matching.push(name.to_owned()),
                Some((_, false)) => ctl.output(&format!(
                    "{name}: IGNORED (unmanaged. use {} {name}:*)",
                    verb.alt
                )),
                None => {
                    ctl.output(&format!("{name}: ERROR (no such application)"));
                    ctl.exitstatus = exit::INVALID_ARGS;
                }
            }
        }
    }
    for name in matching {
        let mut params = Vec::new();
        if let Some(code) = code {
            params.push(Value::Int(code));
        }
        params.push(Value::from(name.as_str()));
        match call(ctl, verb.method, &params)? {
            Ok(result) => ctl.output(&format!("{name} {}: {}", verb.done, py_str(&result))),
            Err(fault) => fault_line(ctl, &format!("{name}: "), &fault),
        }
    }
    Ok(Flow::Continue)
}
