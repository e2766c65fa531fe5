//! Supvisors commands that act: applications and processes with strategies, `conciliate`,
//! `loglevel`, the whole-cluster restart and shutdown, `all_start` on every running instance.

use supvisors_rpc::Value;
use supvisors_rpc::client::{Client, ClientError};

use super::super::reply::{int_field, items, py_str, str_field, truthy};
use super::super::{Command, Ctl, Error, Flow, exit};
use super::tables::all_namespecs;
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
        "start_process" => do_start_process,
        "restart_process" => do_restart_process,
        "stop_process" => do_stop_process,
        "start_any_process" => do_start_any_process,
        "start_any_process_args" => do_start_any_process_args,
        "start_args" => do_start_args,
        "start_process_args" => do_start_process_args,
        "all_start" => |ctl, arg| all_start(ctl, arg, false),
        "all_start_args" => |ctl, arg| all_start(ctl, arg, true),
        "update_numprocs" => do_update_numprocs,
        "enable" => |ctl, arg| program(ctl, arg, "enable", "enabled"),
        "disable" => |ctl, arg| program(ctl, arg, "disable", "disabled"),
        _ => return None,
    };
    Some(command)
}

/// The usage lines of the commands that act.
pub fn usage(topic: &str) -> Option<&'static str> {
    Some(match topic {
        "loglevel" => "loglevel lvl\t\t\t\tChange the level of local Supvisors' logger to lvl.",
        "conciliate" => {
            "conciliate <strategy>\t\t\t\t\tConciliate process conflicts using strategy"
        }
        "restart_sequence" => "restart_sequence\t\t\t\t\tTrigger the whole start sequence",
        "sreload" => "sreload\t\t\t\t\tRestart Supvisors on all instances",
        "sshutdown" => "sshutdown\t\t\t\tShutdown Supvisors on all instances",
        "start_application" => {
            "start_application <strategy> <appli>\t\tStart the managed application named appli with strategy.\n\
             start_application <strategy> <appli> <appli>\tStart multiple managed named applications with strategy\n\
             start_application <strategy>\t\t\tStart all managed applications with strategy."
        }
        "restart_application" => {
            "restart_application <strategy> <appli>\t\tRestart the managed application named appli with strategy.\n\
             restart_application <strategy> <appli> <appli>\tRestart multiple managed named applications with strategy\n\
             restart_application <strategy> \t\t\tRestart all managed applications with strategy."
        }
        "stop_application" => {
            "stop_application <appli>\t\t\tStop the managed application named appli.\n\
             stop_application <appli> <appli>\t\tStop multiple managed named applications.\n\
             stop_application\t\t\t\tStop all managed applications."
        }
        "start_process" => {
            "start_process <strategy> <proc>\t\t\tStart the process named proc with strategy.\n\
             start_process <strategy> <proc> <proc>\t\tStart multiple named processes with strategy.\n\
             start_process <strategy>\t\t\tStart all processes with strategy."
        }
        "restart_process" => {
            "restart_process <strategy> <proc>\t\tRestart the process named proc using strategy.\n\
             restart_process <strategy> <proc> <proc>\tRestart multiple named processes using strategy.\n\
             restart_process <strategy> \t\t\tRestart all processes using strategy."
        }
        "stop_process" => {
            "stop_process <proc>\t\tStop the process named proc.\n\
             stop_process <proc> <proc>\tStop multiple named processes.\n\
             stop_process\t\t\tStop all named processes."
        }
        "start_any_process" => {
            "start_any_process <strategy> <regex>\t\t\tStart a process whose namespec matches the regular expression and with a starting strategy.\n\
             start_any_process <strategy> <regex> <regex>\t\tStart multiple processes whose namespec matches the regular expressions and with a starting strategy."
        }
        "start_any_process_args" => {
            "start_any_process_args <strategy> <regex> <arg_list>\tStart a process whose namespec matches the regular expression, using a starting strategy and additional arguments arg_list."
        }
        "start_args" => {
            "start_args <proc> <arg_list>\t\t\tStart the local process named proc with additional arguments arg_list."
        }
        "start_process_args" => {
            "start_process <strategy> <proc> <arg_list>\tStart the process named proc with additional arguments arg_list."
        }
        "all_start" => {
            "all_start <proc>\t\t\tStart the process named proc on all RUNNING Supvisors instances."
        }
        "all_start_args" => {
            "all_start_args <proc> <arg_list>\t\t\tStart the process named proc on all RUNNING Supvisors instances with additional arguments arg_list."
        }
        "update_numprocs" => {
            "update_numprocs program_name numprocs\t\t\t\tUpdate the program numprocs."
        }
        "enable" => "enable program_name\t\t\t\tEnable the program.",
        "disable" => "disable program_name\t\t\t\tDisable the program.",
        _ => return None,
    })
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
fn strategy(
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

fn starting_strategy(ctl: &mut Ctl, word: &str, topic: &str) -> Result<Option<i32>, Error> {
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
fn do_start_process(ctl: &mut Ctl, arg: &str) -> Result<Flow, Error> {
    strategy_on_processes(ctl, arg, "start_process", "started")
}

/// `restart_process strategy [namespec...]`.
fn do_restart_process(ctl: &mut Ctl, arg: &str) -> Result<Flow, Error> {
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
fn do_stop_process(ctl: &mut Ctl, arg: &str) -> Result<Flow, Error> {
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
fn do_start_any_process(ctl: &mut Ctl, arg: &str) -> Result<Flow, Error> {
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
fn do_start_any_process_args(ctl: &mut Ctl, arg: &str) -> Result<Flow, Error> {
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
fn do_start_args(ctl: &mut Ctl, arg: &str) -> Result<Flow, Error> {
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
fn do_start_process_args(ctl: &mut Ctl, arg: &str) -> Result<Flow, Error> {
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
fn all_start(ctl: &mut Ctl, arg: &str, with_args: bool) -> Result<Flow, Error> {
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
fn do_update_numprocs(ctl: &mut Ctl, arg: &str) -> Result<Flow, Error> {
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
fn program(ctl: &mut Ctl, arg: &str, method: &str, done: &str) -> Result<Flow, Error> {
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
