//! The Supvisors commands of `supvisorsctl` 0.15 (the `supvisors` XML-RPC namespace): the API
//! check run before each of them, the dispatch table and their usage lines. Read commands are
//! in [`tables`], commands that act in [`actions`].

mod actions;
mod process_tables;
mod processes;
mod tables;
mod usage;

use supvisors_rpc::client::ClientError;
use supvisors_rpc::{Fault, FaultCode, Value};

use super::errors::{is_no_file, is_refused};
use super::reply::py_str;
use super::{Command, Ctl, Error, Flow, exit};

/// The Supvisors API version this client speaks.
const API_VERSION: &str = "0.15";

/// Supvisors command names, sorted (the `help` table).
pub const COMMANDS: &[&str] = &[
    "all_start",
    "all_start_args",
    "application_info",
    "application_rules",
    "conciliate",
    "conflicts",
    "disable",
    "enable",
    "instance_status",
    "local_status",
    "loglevel",
    "master",
    "process_rules",
    "restart_application",
    "restart_process",
    "restart_sequence",
    "sreload",
    "sshutdown",
    "sstate",
    "sstatus",
    "start_any_process",
    "start_any_process_args",
    "start_application",
    "start_args",
    "start_process",
    "start_process_args",
    "stop_application",
    "stop_process",
    "strategies",
    "sversion",
    "update_numprocs",
];

/// `StartingStrategies` names, in wire-code order.
pub const STARTING_STRATEGIES: &[&str] = &[
    "CONFIG",
    "LESS_LOADED",
    "MOST_LOADED",
    "LOCAL",
    "LESS_LOADED_NODE",
    "MOST_LOADED_NODE",
];

/// `ConciliationStrategies` names, in wire-code order.
pub const CONCILIATION_STRATEGIES: &[&str] = &[
    "SENICIDE",
    "INFANTICIDE",
    "USER",
    "STOP",
    "RESTART",
    "RUNNING_FAILURE",
];

/// The Supvisors fault of a disabled program (`SupvisorsFaults.DISABLED`).
pub const DISABLED: i64 = 103;

/// The Supvisors command named `name`.
pub fn find(name: &str) -> Option<Command> {
    let command: Command = match name {
        "sversion" => tables::do_sversion,
        "sstate" => tables::do_sstate,
        "master" => tables::do_master,
        "strategies" => tables::do_strategies,
        "instance_status" => tables::do_instance_status,
        "application_info" => tables::do_application_info,
        "application_rules" => tables::do_application_rules,
        "sstatus" => process_tables::do_sstatus,
        "local_status" => process_tables::do_local_status,
        "process_rules" => process_tables::do_process_rules,
        "conflicts" => process_tables::do_conflicts,
        _ => return actions::find(name),
    };
    Some(command)
}

/// The documented Supvisors commands (the `help` table).
pub fn documented() -> Vec<&'static str> {
    COMMANDS.to_vec()
}

/// The usage lines of a Supvisors command.
pub fn usage(topic: &str) -> Option<&'static str> {
    usage::read(topic).or_else(|| usage::acting(topic))
}

/// Prints the help of a Supvisors command; `loglevel` also asks the server for its levels,
/// as the reference does. False when `topic` has no help.
pub fn print_help(ctl: &mut Ctl, topic: &str) -> Result<bool, Error> {
    let Some(text) = usage(topic) else {
        return Ok(false);
    };
    ctl.output(text);
    if topic == "loglevel" {
        let levels = ctl.call("supvisors.get_logger_levels", &[])?;
        let values: Vec<String> = levels
            .as_struct()
            .unwrap_or(&[])
            .iter()
            .map(|(_, v)| super::reply::py_repr_value(v))
            .collect();
        ctl.output(&format!(
            "\t\t\t\t\tApplicable values are: dict_values([{}]).",
            values.join(", ")
        ));
    }
    Ok(true)
}

/// The `supvisors` API check (`_upcheck`); false when a message was printed.
fn upcheck(ctl: &mut Ctl) -> Result<bool, Error> {
    match ctl.call("supvisors.get_api_version", &[]) {
        Ok(api) => {
            let api = py_str(&api);
            if api != API_VERSION {
                ctl.output(&format!(
                    "ERROR: this version of supvisorsctl expects to talk to a server with API \
                     version {API_VERSION}, but the remote version is {api}."
                ));
                ctl.exitstatus = exit::NOT_INSTALLED;
                return Ok(false);
            }
            Ok(true)
        }
        Err(ClientError::Fault(fault)) if fault.code == FaultCode::UnknownMethod.code() => {
            ctl.output(
                "ERROR: supervisord responded but did not recognize the supvisors namespace \
                 commands that supervisorstl uses to control it. Please check that the \
                 [rpcinterface:supvisors] section is enabled in the configuration file.",
            );
            ctl.exitstatus = exit::UNIMPLEMENTED_FEATURE;
            Ok(false)
        }
        Err(ClientError::Io(err)) if is_refused(&err) => {
            let url = ctl.options.serverurl.clone();
            ctl.output(&format!("ERROR: {url} refused connection"));
            ctl.exitstatus = exit::INSUFFICIENT_PRIVILEGES;
            Ok(false)
        }
        Err(ClientError::Io(err)) if is_no_file(&err) => {
            let url = ctl.options.serverurl.clone();
            ctl.output(&format!("ERROR: {url} no such file"));
            ctl.exitstatus = exit::NOT_RUNNING;
            Ok(false)
        }
        Err(err) => Err(err.into()),
    }
}

/// Calls `supvisors.<method>`; a fault is returned apart so that the command can print it.
fn call(ctl: &mut Ctl, method: &str, params: &[Value]) -> Result<Result<Value, Fault>, Error> {
    match ctl.call(&format!("supvisors.{method}"), params) {
        Ok(value) => Ok(Ok(value)),
        Err(ClientError::Fault(fault)) => Ok(Err(fault)),
        Err(err) => Err(err.into()),
    }
}

/// The rows to render as a table, or `None` when there is nothing to print or they were
/// printed as JSON (`--json`).
fn rows_for_table(ctl: &mut Ctl, rows: Vec<Value>) -> Option<Vec<Value>> {
    if rows.is_empty() {
        return None;
    }
    if ctl.options.json {
        ctl.output(&super::reply::to_json(&Value::Array(rows)).to_string());
        return None;
    }
    Some(rows)
}

/// Prints `<prefix>ERROR (<faultString>)` and sets the generic exit status.
fn fault_line(ctl: &mut Ctl, prefix: &str, fault: &Fault) {
    ctl.output(&format!("{prefix}ERROR ({})", fault.string));
    ctl.exitstatus = exit::GENERIC;
}

/// Prints the usage after an argument error and sets INVALID_ARGS.
fn usage_error(ctl: &mut Ctl, message: &str, topic: &str) -> Result<Flow, Error> {
    ctl.output(message);
    ctl.exitstatus = exit::INVALID_ARGS;
    print_help(ctl, topic)?;
    Ok(Flow::Continue)
}

/// Python's `repr()` of a list of names: `['A', 'B']`.
fn names_repr(names: &[&str]) -> String {
    let inner: Vec<String> = names.iter().map(|n| super::errors::py_repr(n)).collect();
    format!("[{}]", inner.join(", "))
}
