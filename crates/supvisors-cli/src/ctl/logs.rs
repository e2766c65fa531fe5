//! `tail`, `maintail` and `fg`: log reads, log streams and the foreground mode.

use std::io::Write as _;

use supvisors_rpc::client::ClientError;
use supvisors_rpc::{FaultCode as F, Value};

use super::reply::{as_i64, field, py_str};
use super::{Ctl, Error, Flow, exit};

/// The RUNNING process state.
const RUNNING: i64 = 20;

/// `tail [-f|-N] name [stdout|stderr]`.
pub fn do_tail(ctl: &mut Ctl, arg: &str) -> Result<Flow, Error> {
    if !ctl.upcheck()? {
        return Ok(Flow::Continue);
    }
    let mut args: Vec<&str> = arg.split_whitespace().collect();
    if args.is_empty() || args.len() > 3 {
        let what = if args.is_empty() { "few" } else { "many" };
        ctl.output(&format!("Error: too {what} arguments"));
        ctl.exitstatus = exit::GENERIC;
        super::help::topic(ctl, "tail");
        return Ok(Flow::Continue);
    }
    let modifier = if args[0].starts_with('-') {
        Some(args.remove(0))
    } else {
        None
    };
    let (name, channel) = match args.as_slice() {
        [name] => (*name, "stdout".to_owned()),
        [name, .., last] => {
            let channel = last.to_lowercase();
            if channel != "stdout" && channel != "stderr" {
                ctl.output(&format!(
                    "Error: bad channel {}",
                    super::errors::py_repr(&channel)
                ));
                ctl.exitstatus = exit::GENERIC;
                return Ok(Flow::Continue);
            }
            (*name, channel)
        }
        [] => {
            ctl.output("Error: tail requires process name");
            ctl.exitstatus = exit::GENERIC;
            return Ok(Flow::Continue);
        }
    };
    let mut bytes: i64 = 1600;
    if let Some(modifier) = modifier {
        let what = &modifier[1..];
        if what == "f" {
            return follow(ctl, &format!("/logtail/{name}/{channel}"));
        }
        match py_int(what) {
            Some(n) => bytes = n,
            None => {
                ctl.output(&format!("Error: bad argument {modifier}"));
                ctl.exitstatus = exit::GENERIC;
                return Ok(Flow::Continue);
            }
        }
    }
    let method = if channel == "stdout" {
        "supervisor.readProcessStdoutLog"
    } else {
        "supervisor.readProcessStderrLog"
    };
    let params = [Value::from(name), offset(-bytes), Value::Int(0)];
    match ctl.call(method, &params) {
        Ok(text) => ctl.output(&py_str(&text)),
        Err(err) => read_error(ctl, name, err, true)?,
    }
    Ok(Flow::Continue)
}

/// Python's `int()` of a command-line word (sign and surrounding blanks allowed).
fn py_int(text: &str) -> Option<i64> {
    let text = text.trim().replace('_', "");
    text.parse::<i64>().ok()
}

fn offset(value: i64) -> Value {
    i32::try_from(value).map_or_else(|_| Value::Raw(value.to_string()), Value::Int)
}

/// Prints the message of a failed log read; other errors propagate.
fn read_error(ctl: &mut Ctl, name: &str, err: ClientError, process: bool) -> Result<(), Error> {
    ctl.exitstatus = exit::GENERIC;
    let ClientError::Fault(fault) = err else {
        return Err(err.into());
    };
    let why = match F::from_code(fault.code) {
        Some(F::NoFile) => "no log file",
        Some(F::Failed) => "unknown error reading log",
        Some(F::BadName) if process => "no such process name",
        _ => return Err(ClientError::Fault(fault).into()),
    };
    ctl.output(&format!("{name}: ERROR ({why})"));
    Ok(())
}

/// `maintail [-f|-N]`.
pub fn do_maintail(ctl: &mut Ctl, arg: &str) -> Result<Flow, Error> {
    if !ctl.upcheck()? {
        return Ok(Flow::Continue);
    }
    let args: Vec<&str> = arg.split_whitespace().collect();
    let mut bytes: i64 = 1600;
    match args.as_slice() {
        [] => {}
        [one] => {
            let Some(what) = one.strip_prefix('-') else {
                ctl.output(&format!("Error: bad argument {one}"));
                ctl.exitstatus = exit::GENERIC;
                return Ok(Flow::Continue);
            };
            if what == "f" {
                return follow(ctl, "/mainlogtail");
            }
            match py_int(what) {
                Some(n) => bytes = n,
                None => {
                    ctl.output(&format!("Error: bad argument {one}"));
                    ctl.exitstatus = exit::GENERIC;
                    return Ok(Flow::Continue);
                }
            }
        }
        _ => {
            ctl.output("Error: too many arguments");
            ctl.exitstatus = exit::GENERIC;
            super::help::topic(ctl, "maintail");
            return Ok(Flow::Continue);
        }
    }
    match ctl.call("supervisor.readLog", &[offset(-bytes), Value::Int(0)]) {
        Ok(text) => ctl.output(&py_str(&text)),
        Err(err) => read_error(ctl, "supervisord", err, false)?,
    }
    Ok(Flow::Continue)
}

/// Streams `path` to stdout until Ctrl-C or the end of the stream.
fn follow(ctl: &mut Ctl, path: &str) -> Result<Flow, Error> {
    ctl.output("==> Press Ctrl-C to exit <==");
    ctl.flush();
    if ctl.stream_until_interrupt(&[path]) {
        ctl.output("");
    }
    Ok(Flow::Continue)
}

/// `fg name`: streams the process output and sends stdin lines to it.
pub fn do_fg(ctl: &mut Ctl, arg: &str) -> Result<Flow, Error> {
    if !ctl.upcheck()? {
        return Ok(Flow::Continue);
    }
    let names: Vec<&str> = arg.split_whitespace().collect();
    let name = match names.as_slice() {
        [] => {
            ctl.output("ERROR: no process name supplied");
            ctl.exitstatus = exit::GENERIC;
            super::help::topic(ctl, "fg");
            return Ok(Flow::Continue);
        }
        [name] => *name,
        _ => {
            ctl.output("ERROR: too many process names supplied");
            ctl.exitstatus = exit::GENERIC;
            return Ok(Flow::Continue);
        }
    };
    let info = match ctl.call("supervisor.getProcessInfo", &[Value::from(name)]) {
        Ok(info) => info,
        Err(ClientError::Fault(fault)) => {
            if fault.code == F::BadName.code() {
                ctl.output("ERROR: bad process name supplied");
                ctl.exitstatus = exit::GENERIC;
            } else {
                ctl.output(&format!("ERROR: {}", fault_repr(&fault)));
            }
            return Ok(Flow::Continue);
        }
        Err(err) => return Err(err.into()),
    };
    if as_i64(field(&info, "state")?) != RUNNING {
        ctl.output("ERROR: process not running");
        ctl.exitstatus = exit::GENERIC;
        return Ok(Flow::Continue);
    }
    ctl.output("==> Press Ctrl-C to exit <==");
    ctl.flush();
    let tails = ctl.spawn_streams(&[
        format!("/logtail/{name}/stdout"),
        format!("/logtail/{name}/stderr"),
    ]);
    let mut lines = stdin_lines();
    loop {
        let Some(line) = ctl.next_line_or_interrupt(&mut lines) else {
            ctl.output("Exiting foreground");
            break;
        };
        let sent = ctl.call(
            "supervisor.sendProcessStdin",
            &[Value::from(name), Value::from(format!("{line}\n"))],
        );
        if let Err(err) = sent {
            match err {
                ClientError::Fault(fault) if fault.code == F::NotRunning.code() => {
                    ctl.output("Process got killed");
                }
                ClientError::Fault(fault) => {
                    ctl.output(&format!("ERROR: {}", fault_repr(&fault)));
                }
                other => return Err(other.into()),
            }
            ctl.output("Exiting foreground");
            break;
        }
        let info = ctl.call("supervisor.getProcessInfo", &[Value::from(name)])?;
        if as_i64(field(&info, "state")?) != RUNNING {
            ctl.output("Process got killed");
            ctl.output("Exiting foreground");
            break;
        }
    }
    drop(tails);
    Ok(Flow::Continue)
}

/// `str(Fault)`.
fn fault_repr(fault: &supvisors_rpc::Fault) -> String {
    format!(
        "<Fault {}: {}>",
        fault.code,
        super::errors::py_repr(&fault.string)
    )
}

/// Standard input read line by line on its own thread (a blocking read cannot be cancelled).
fn stdin_lines() -> tokio::sync::mpsc::UnboundedReceiver<String> {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    std::thread::spawn(move || {
        let stdin = std::io::stdin();
        let mut line = String::new();
        loop {
            line.clear();
            match stdin.read_line(&mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    let text = line.trim_end_matches('\n').to_owned();
                    if tx.send(text).is_err() {
                        break;
                    }
                }
            }
        }
    });
    rx
}

/// Writes streamed bytes to stdout at once (the reference flushes after each chunk).
pub fn write_chunk(bytes: &[u8]) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(bytes);
    let _ = out.flush();
}
