//! Supvisors commands on processes: start/restart/stop with strategies, regular expressions
//! and extra arguments, `all_start` on every running instance, numprocs, enable and disable.

use supvisors_rpc::Value;
use supvisors_rpc::client::{Client, ClientError};

use super::super::reply::{int_field, items, py_str, str_field};
use super::super::{Ctl, Error, Flow};
use super::actions::{starting_strategy, strategy};
use super::tables::all_namespecs;
use super::{STARTING_STRATEGIES, call, fault_line, names_repr, upcheck, usage_error};

/// The namespecs of a process command, sorted (`all` or none: every process).
fn namespecs(ctl: &mut Ctl, names: &[&str]) -> Result<Vec<String>, Error> {
    let mut out: Vec<String> = if names.is_empty() || names.contains(&"all") {
        all_namespecs(ctl)?
    } else {
        names.iter().map(|n| (*n).to_owned()).collect()
    };
    out.sort();
    Ok(out)
}

/// `start_process strategy [namespec...]`.
pub(super) fn do_start_process(ctl: &mut Ctl, arg: &str) -> Result<Flow, Error> {
    strategy_on_processes(ctl, arg, "start_process", "started")
}

/// `restart_process strategy [namespec...]`.
pub(super) fn do_restart_process(ctl: &mut Ctl, arg: &str) -> Result<Flow, Error> {
    strategy_on_processes(ctl, arg, "restart_process", "restarted")
}

fn strategy_on_processes(ctl: &mut Ctl, arg: &str, name: &str, done: &str) -> Result<Flow, Error> {
    if !upcheck(ctl)? {
        return Ok(Flow::Continue);
    }
    let args: Vec<&str> = arg.split_whitespace().collect();
    let Some(first) = args.first().copied() else {
        let message = if name == "start_process" {
            "ERROR: start_process requires at least a strategy"
        } else {
            "ERROR: restart_process requires a strategy and a program name"
        };
        return usage_error(ctl, message, name);
    };
    let code = if name == "start_process" {
        starting_strategy(ctl, first, name)?
    } else {
        let message = format!(
            "ERROR: unknown strategy={first}. use one of {}",
            names_repr(STARTING_STRATEGIES)
        );
        strategy(ctl, STARTING_STRATEGIES, first, &message, name)?
    };
    let Some(code) = code else {
        return Ok(Flow::Continue);
    };
    for namespec in namespecs(ctl, &args[1..])? {
        match call(
            ctl,
            name,
            &[Value::Int(code), Value::from(namespec.as_str())],
        )? {
            Ok(result) => ctl.output(&format!("{namespec} {done}: {}", py_str(&result))),
            Err(fault) => fault_line(ctl, &format!("{namespec}: "), &fault),
        }
    }
    Ok(Flow::Continue)
}

/// `stop_process [namespec...]`.
pub(super) fn do_stop_process(ctl: &mut Ctl, arg: &str) -> Result<Flow, Error> {
    if !upcheck(ctl)? {
        return Ok(Flow::Continue);
    }
    let args: Vec<&str> = arg.split_whitespace().collect();
    for namespec in namespecs(ctl, &args)? {
        match call(ctl, "stop_process", &[Value::from(namespec.as_str())])? {
            Ok(_) => ctl.output(&format!("{namespec} stopped")),
            Err(fault) => fault_line(ctl, &format!("{namespec}: "), &fault),
        }
    }
    Ok(Flow::Continue)
}

/// `start_any_process strategy regex...`.
pub(super) fn do_start_any_process(ctl: &mut Ctl, arg: &str) -> Result<Flow, Error> {
    let topic = "start_any_process";
    if !upcheck(ctl)? {
        return Ok(Flow::Continue);
    }
    let args: Vec<&str> = arg.split_whitespace().collect();
    if args.len() < 2 {
        let message =
            "ERROR: start_any_process requires a strategy and at least a regular expression";
        return usage_error(ctl, message, topic);
    }
    let Some(code) = starting_strategy(ctl, args[0], topic)? else {
        return Ok(Flow::Continue);
    };
    let mut regexes = args[1..].to_vec();
    regexes.sort_unstable();
    for regex in regexes {
        match call(
            ctl,
            "start_any_process",
            &[Value::Int(code), Value::from(regex)],
        )? {
            Ok(result) => ctl.output(&format!("{} started", py_str(&result))),
            Err(fault) => fault_line(ctl, &format!("\"{regex}\": "), &fault),
        }
    }
    Ok(Flow::Continue)
}

/// `start_any_process_args strategy regex args...`.
pub(super) fn do_start_any_process_args(ctl: &mut Ctl, arg: &str) -> Result<Flow, Error> {
    let topic = "start_any_process_args";
    if !upcheck(ctl)? {
        return Ok(Flow::Continue);
    }
    let args: Vec<&str> = arg.split_whitespace().collect();
    if args.len() < 3 {
        let message = "ERROR: start_any_process_args requires a strategy, a regular expression and extra arguments";
        return usage_error(ctl, message, topic);
    }
    let Some(code) = starting_strategy(ctl, args[0], topic)? else {
        return Ok(Flow::Continue);
    };
    let params = [
        Value::Int(code),
        Value::from(args[1]),
        Value::from(args[2..].join(" ")),
    ];
    match call(ctl, "start_any_process", &params)? {
        Ok(result) => ctl.output(&format!("{} started", py_str(&result))),
        Err(fault) => fault_line(ctl, &format!("\"{}\": ", args[1]), &fault),
    }
    Ok(Flow::Continue)
}

/// `start_args namespec args...`.
pub(super) fn do_start_args(ctl: &mut Ctl, arg: &str) -> Result<Flow, Error> {
    if !upcheck(ctl)? {
        return Ok(Flow::Continue);
    }
    let args: Vec<&str> = arg.split_whitespace().collect();
    if args.len() < 2 {
        let message = "ERROR: start_args requires a process name and extra arguments";
        return usage_error(ctl, message, "start_args");
    }
    let params = [Value::from(args[0]), Value::from(args[1..].join(" "))];
    match call(ctl, "start_args", &params)? {
        Ok(result) => ctl.output(&format!("{} started: {}", args[0], py_str(&result))),
        Err(fault) => fault_line(ctl, &format!("{}: ", args[0]), &fault),
    }
    Ok(Flow::Continue)
}

/// `start_process_args strategy namespec args...`.
pub(super) fn do_start_process_args(ctl: &mut Ctl, arg: &str) -> Result<Flow, Error> {
    let topic = "start_process_args";
    if !upcheck(ctl)? {
        return Ok(Flow::Continue);
    }
    let args: Vec<&str> = arg.split_whitespace().collect();
    if args.len() < 3 {
        let message =
            "ERROR: start_process_args requires a strategy, a program namespec and extra arguments";
        return usage_error(ctl, message, topic);
    }
    let Some(code) = starting_strategy(ctl, args[0], topic)? else {
        return Ok(Flow::Continue);
    };
    let params = [
        Value::Int(code),
        Value::from(args[1]),
        Value::from(args[2..].join(" ")),
    ];
    match call(ctl, "start_process", &params)? {
        Ok(result) => ctl.output(&format!("{} started: {}", args[1], py_str(&result))),
        Err(fault) => fault_line(ctl, &format!("{}: ", args[1]), &fault),
    }
    Ok(Flow::Continue)
}

/// `all_start namespec` / `all_start_args namespec args...`: on every RUNNING instance.
pub(super) fn all_start(ctl: &mut Ctl, arg: &str, with_args: bool) -> Result<Flow, Error> {
    let topic = if with_args {
        "all_start_args"
    } else {
        "all_start"
    };
    if !upcheck(ctl)? {
        return Ok(Flow::Continue);
    }
    let args: Vec<&str> = arg.split_whitespace().collect();
    if args.is_empty() || (with_args && args.len() < 2) {
        let message = if with_args {
            "ERROR: all_start_args requires a process name and extra arguments"
        } else {
            "ERROR: all_start requires a process name"
        };
        return usage_error(ctl, message, topic);
    }
    let namespec = args[0];
    let mut urls: Vec<(String, String)> = Vec::new();
    match call(ctl, "get_all_instances_info", &[])? {
        Ok(infos) => {
            for info in items(&infos) {
                // SupvisorsInstanceStates.RUNNING is 2.
                if int_field(info, "statecode")? == 2 {
                    let url = format!(
                        "http://{}:{}",
                        str_field(info, "node_name")?,
                        str_field(info, "port")?
                    );
                    let identifier = str_field(info, "identifier")?;
                    match urls.iter_mut().find(|(i, _)| *i == identifier) {
                        Some(entry) => entry.1 = url,
                        None => urls.push((identifier, url)),
                    }
                }
            }
        }
        Err(fault) => fault_line(ctl, "", &fault),
    }
    if urls.is_empty() {
        ctl.output("ERROR: no running Supvisors instance");
        return Ok(Flow::Continue);
    }
    for (identifier, url) in urls {
        let (method, params) = if with_args {
            let extra = Value::from(args[1..].join(" "));
            (
                "supvisors.start_args",
                vec![Value::from(namespec), extra, Value::Bool(false)],
            )
        } else {
            (
                "supervisor.startProcess",
                vec![Value::from(namespec), Value::Bool(false)],
            )
        };
        match remote_call(ctl, &url, method, &params) {
            Ok(result) => {
                ctl.output(&format!(
                    "{namespec} started on {identifier}: {}",
                    py_str(&result)
                ));
            }
            Err(ClientError::Fault(fault)) => fault_line(ctl, &format!("{namespec}: "), &fault),
            Err(err) => return Err(err.into()),
        }
    }
    Ok(Flow::Continue)
}

/// One call on another instance, with the same credentials.
fn remote_call(ctl: &Ctl, url: &str, method: &str, params: &[Value]) -> Result<Value, ClientError> {
    let client = Client::new(
        url,
        ctl.options.username.as_deref(),
        ctl.options.password.as_deref(),
    )?;
    ctl.block_on(client.call(method, params))
}

/// `update_numprocs program numprocs`.
pub(super) fn do_update_numprocs(ctl: &mut Ctl, arg: &str) -> Result<Flow, Error> {
    let topic = "update_numprocs";
    if !upcheck(ctl)? {
        return Ok(Flow::Continue);
    }
    let args: Vec<&str> = arg.split_whitespace().collect();
    if args.len() < 2 {
        let message = "ERROR: update_numprocs requires a program name and a numprocs values";
        return usage_error(ctl, message, topic);
    }
    let value = match args[1].trim().parse::<i32>() {
        Ok(v) if v > 0 => v,
        _ => {
            let message = "ERROR: numprocs must be a strictly positive integer";
            return usage_error(ctl, message, topic);
        }
    };
    match call(
        ctl,
        "update_numprocs",
        &[Value::from(args[0]), Value::Int(value)],
    )? {
        Ok(result) => ctl.output(&format!(
            "{} numprocs updated: {}",
            args[0],
            py_str(&result)
        )),
        Err(fault) => fault_line(ctl, "", &fault),
    }
    Ok(Flow::Continue)
}

/// `enable program` / `disable program`.
pub(super) fn program(ctl: &mut Ctl, arg: &str, method: &str, done: &str) -> Result<Flow, Error> {
    if !upcheck(ctl)? {
        return Ok(Flow::Continue);
    }
    let Some(name) = arg.split_whitespace().next() else {
        let message = format!("ERROR: {method} requires a program name");
        return usage_error(ctl, &message, method);
    };
    match call(ctl, method, &[Value::from(name)])? {
        Ok(result) => ctl.output(&format!("{name} {done}: {}", py_str(&result))),
        Err(fault) => fault_line(ctl, "", &fault),
    }
    Ok(Flow::Continue)
}
