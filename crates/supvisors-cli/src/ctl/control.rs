//! `start`, `stop`, `restart`, `signal` and `clear`: one result line per process.

use supvisors_rpc::client::ClientError;
use supvisors_rpc::{FaultCode as F, Value};

use super::reply::{as_i64, field, items, str_field};
use super::{Ctl, Error, Flow, exit, make_namespec, split_namespec};

/// One per-process result (`{name, group, status, description}`).
struct Outcome {
    name: String,
    code: i64,
    description: String,
}

impl Outcome {
    fn from_value(value: &Value) -> Result<Outcome, Error> {
        Ok(Outcome {
            name: make_namespec(&str_field(value, "group")?, &str_field(value, "name")?),
            code: as_i64(field(value, "status")?),
            description: str_field(value, "description")?,
        })
    }

    /// The result of a single-process call that raised `fault`.
    fn from_fault(group: &str, process: &str, fault: &supvisors_rpc::Fault) -> Outcome {
        Outcome {
            name: make_namespec(group, process),
            code: i64::from(fault.code),
            description: fault.string.clone(),
        }
    }

    fn is(&self, code: F) -> bool {
        self.code == i64::from(code.code())
    }
}

fn unknown_code(o: &Outcome) -> Error {
    Error::value(format!("Unknown result code {} for {}", o.code, o.name))
}

fn start_line(o: &Outcome) -> Result<String, Error> {
    let why = if o.is(F::BadName) {
        "no such process"
    } else if o.is(F::NoFile) {
        "no such file"
    } else if o.is(F::NotExecutable) {
        "file is not executable"
    } else if o.is(F::AlreadyStarted) {
        "already started"
    } else if o.is(F::SpawnError) {
        "spawn error"
    } else if o.is(F::AbnormalTermination) {
        "abnormal termination"
    } else if o.is(F::Success) {
        return Ok(format!("{}: started", o.name));
    } else {
        return Err(unknown_code(o));
    };
    Ok(format!("{}: ERROR ({why})", o.name))
}

fn signal_line(o: &Outcome, success: &str) -> Result<String, Error> {
    let why = if o.is(F::BadName) {
        "no such process"
    } else if o.is(F::BadSignal) {
        "bad signal name"
    } else if o.is(F::NotRunning) {
        "not running"
    } else if o.is(F::Success) {
        return Ok(format!("{}: {success}", o.name));
    } else if o.is(F::Failed) {
        return Ok(o.description.clone());
    } else {
        return Err(unknown_code(o));
    };
    Ok(format!("{}: ERROR ({why})", o.name))
}

fn clear_line(o: &Outcome) -> Result<String, Error> {
    if o.is(F::BadName) {
        Ok(format!("{}: ERROR (no such process)", o.name))
    } else if o.is(F::Failed) {
        Ok(format!("{}: ERROR (failed)", o.name))
    } else if o.is(F::Success) {
        Ok(format!("{}: cleared", o.name))
    } else {
        Err(unknown_code(o))
    }
}

/// Prints each result of a group/all call and updates the exit status.
fn show_results(
    ctl: &mut Ctl,
    results: &Value,
    line: impl Fn(&Outcome) -> Result<String, Error>,
    ignored: Option<F>,
) -> Result<(), Error> {
    for result in items(results) {
        let outcome = Outcome::from_value(result)?;
        let text = disabled_line(ctl, &outcome, ignored).map_or_else(|| line(&outcome), Ok)?;
        ctl.output(&text);
        set_exit(ctl, &outcome, ignored);
    }
    Ok(())
}

/// With the Supvisors plugin, a start result of a disabled program (`SupvisorsFaults.DISABLED`)
/// prints `<name>: ERROR disabled`.
fn disabled_line(ctl: &Ctl, outcome: &Outcome, ignored: Option<F>) -> Option<String> {
    let starting = ignored == Some(F::AlreadyStarted);
    (starting && ctl.options.supvisors && outcome.code == super::supvisors::DISABLED)
        .then(|| format!("{}: ERROR disabled", outcome.name))
}

fn set_exit(ctl: &mut Ctl, outcome: &Outcome, ignored: Option<F>) {
    let code = i32::try_from(outcome.code).unwrap_or(i32::MAX);
    ctl.set_exitstatus_from_code(code, ignored.map(F::code));
}

/// The per-name part shared by start, stop and signal.
struct Verb {
    name: &'static str,
    all: &'static str,
    group: &'static str,
    one: &'static str,
    line: fn(&Outcome) -> Result<String, Error>,
    done: &'static str,
    ignored: Option<F>,
    /// Exit status for an unknown group.
    bad_group: i32,
}

const START: Verb = Verb {
    name: "start",
    all: "supervisor.startAllProcesses",
    group: "supervisor.startProcessGroup",
    one: "supervisor.startProcess",
    line: start_line,
    done: "started",
    ignored: Some(F::AlreadyStarted),
    bad_group: exit::INVALID_ARGS,
};

const STOP: Verb = Verb {
    name: "stop",
    all: "supervisor.stopAllProcesses",
    group: "supervisor.stopProcessGroup",
    one: "supervisor.stopProcess",
    line: |o| signal_line(o, "stopped"),
    done: "stopped",
    ignored: Some(F::NotRunning),
    bad_group: exit::GENERIC,
};

const SIGNAL: Verb = Verb {
    name: "signal",
    all: "supervisor.signalAllProcesses",
    group: "supervisor.signalProcessGroup",
    one: "supervisor.signalProcess",
    line: |o| signal_line(o, "signalled"),
    done: "signalled",
    ignored: None,
    bad_group: exit::GENERIC,
};

fn apply(ctl: &mut Ctl, verb: &Verb, names: &[&str], extra: &[Value]) -> Result<(), Error> {
    if names.contains(&"all") {
        let results = ctl.call(verb.all, extra)?;
        return show_results(ctl, &results, verb.line, verb.ignored);
    }
    for name in names {
        let (group, process) = split_namespec(name);
        match process {
            None => {
                let mut params = vec![Value::from(group.as_str())];
                params.extend_from_slice(extra);
                match ctl.call(verb.group, &params) {
                    Ok(results) => show_results(ctl, &results, verb.line, verb.ignored)?,
                    Err(ClientError::Fault(fault)) if fault.code == F::BadName.code() => {
                        ctl.output(&format!("{group}: ERROR (no such group)"));
                        ctl.exitstatus = verb.bad_group;
                    }
                    Err(err) => {
                        ctl.exitstatus = exit::GENERIC;
                        return Err(err.into());
                    }
                }
            }
            Some(process) => {
                let mut params = vec![Value::from(*name)];
                params.extend_from_slice(extra);
                match ctl.call(verb.one, &params) {
                    Ok(_) => {
                        let namespec = make_namespec(&group, &process);
                        ctl.output(&format!("{namespec}: {}", verb.done));
                    }
                    Err(ClientError::Fault(fault)) => {
                        let outcome = Outcome::from_fault(&group, &process, &fault);
                        let text = disabled_line(ctl, &outcome, verb.ignored)
                            .map_or_else(|| (verb.line)(&outcome), Ok)?;
                        ctl.output(&text);
                        set_exit(ctl, &outcome, verb.ignored);
                    }
                    Err(err) => return Err(err.into()),
                }
            }
        }
    }
    Ok(())
}

/// `start name...|all`.
pub fn do_start(ctl: &mut Ctl, arg: &str) -> Result<Flow, Error> {
    if !ctl.upcheck()? {
        return Ok(Flow::Continue);
    }
    let names: Vec<&str> = arg.split_whitespace().collect();
    if names.is_empty() {
        ctl.output("Error: start requires a process name");
        ctl.exitstatus = exit::INVALID_ARGS;
        super::help::topic(ctl, START.name);
        return Ok(Flow::Continue);
    }
    apply(ctl, &START, &names, &[])?;
    Ok(Flow::Continue)
}

/// `stop name...|all`.
pub fn do_stop(ctl: &mut Ctl, arg: &str) -> Result<Flow, Error> {
    if !ctl.upcheck()? {
        return Ok(Flow::Continue);
    }
    let names: Vec<&str> = arg.split_whitespace().collect();
    if names.is_empty() {
        ctl.output("Error: stop requires a process name");
        ctl.exitstatus = exit::GENERIC;
        super::help::topic(ctl, STOP.name);
        return Ok(Flow::Continue);
    }
    apply(ctl, &STOP, &names, &[])?;
    Ok(Flow::Continue)
}

/// `restart name...|all`: stop then start.
pub fn do_restart(ctl: &mut Ctl, arg: &str) -> Result<Flow, Error> {
    if !ctl.upcheck()? {
        return Ok(Flow::Continue);
    }
    if arg.split_whitespace().next().is_none() {
        ctl.output("Error: restart requires a process name");
        ctl.exitstatus = exit::GENERIC;
        super::help::topic(ctl, "restart");
        return Ok(Flow::Continue);
    }
    do_stop(ctl, arg)?;
    do_start(ctl, arg)
}

/// `signal SIG name...|all`.
pub fn do_signal(ctl: &mut Ctl, arg: &str) -> Result<Flow, Error> {
    if !ctl.upcheck()? {
        return Ok(Flow::Continue);
    }
    let args: Vec<&str> = arg.split_whitespace().collect();
    let [sig, names @ ..] = args.as_slice() else {
        return signal_usage(ctl);
    };
    if names.is_empty() {
        return signal_usage(ctl);
    }
    apply(ctl, &SIGNAL, names, &[Value::from(*sig)])?;
    Ok(Flow::Continue)
}

fn signal_usage(ctl: &mut Ctl) -> Result<Flow, Error> {
    ctl.output("Error: signal requires a signal name and a process name");
    super::help::topic(ctl, SIGNAL.name);
    ctl.exitstatus = exit::GENERIC;
    Ok(Flow::Continue)
}

/// `clear name...|all`: empties the process logs.
pub fn do_clear(ctl: &mut Ctl, arg: &str) -> Result<Flow, Error> {
    if !ctl.upcheck()? {
        return Ok(Flow::Continue);
    }
    let names: Vec<&str> = arg.split_whitespace().collect();
    if names.is_empty() {
        ctl.output("Error: clear requires a process name");
        ctl.exitstatus = exit::GENERIC;
        super::help::topic(ctl, "clear");
        return Ok(Flow::Continue);
    }
    if names.contains(&"all") {
        let results = ctl.call("supervisor.clearAllProcessLogs", &[])?;
        show_results(ctl, &results, clear_line, None)?;
        return Ok(Flow::Continue);
    }
    for name in names {
        let (group, process) = split_namespec(name);
        match ctl.call("supervisor.clearProcessLogs", &[Value::from(name)]) {
            Ok(_) => {
                let namespec = make_namespec(&group, process.as_deref().unwrap_or("None"));
                ctl.output(&format!("{namespec}: cleared"));
            }
            Err(ClientError::Fault(fault)) => {
                let process = process.as_deref().unwrap_or("None");
                let outcome = Outcome::from_fault(&group, process, &fault);
                let text = clear_line(&outcome)?;
                ctl.output(&text);
                set_exit(ctl, &outcome, None);
            }
            Err(err) => return Err(err.into()),
        }
    }
    Ok(Flow::Continue)
}
