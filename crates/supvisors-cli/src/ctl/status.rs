//! `status`, `pid` and `avail`.

use supvisors_rpc::client::ClientError;
use supvisors_rpc::{FaultCode, Value};

use super::reply::{field, int_field, items, py_str, str_field, to_json, truthy};
use super::{Ctl, Error, Flow, exit, make_namespec, split_namespec};

/// Process states counted as stopped by `status` (STOPPED, EXITED, FATAL, UNKNOWN).
const STOPPED_STATES: [i64; 4] = [0, 100, 200, 1000];

/// `status [name...]`: the process table; exit 3 when a listed process is stopped, 4 on
/// unknown names or a failed server check.
pub fn do_status(ctl: &mut Ctl, arg: &str) -> Result<Flow, Error> {
    if !ctl.upcheck()? {
        ctl.exitstatus = exit::INSUFFICIENT_PRIVILEGES;
        return Ok(Flow::Continue);
    }
    let all = ctl.call("supervisor.getAllProcessInfo", &[])?;
    let all_infos = items(&all);
    let names: Vec<&str> = arg.split_whitespace().collect();
    let mut matching: Vec<&Value> = Vec::new();
    if names.is_empty() || names.contains(&"all") {
        matching.extend(all_infos);
    } else {
        for name in names {
            let (group, process) = split_namespec(name);
            let mut bad_name = true;
            for info in all_infos {
                let mut matched = str_field(info, "group")? == group;
                if let Some(process) = &process {
                    matched = matched && str_field(info, "name")? == *process;
                }
                if matched {
                    bad_name = false;
                    matching.push(info);
                }
            }
            if bad_name {
                let msg = match process {
                    None => format!("{group}: ERROR (no such group)"),
                    Some(_) => format!("{name}: ERROR (no such process)"),
                };
                ctl.note(&msg);
                ctl.exitstatus = exit::INSUFFICIENT_PRIVILEGES;
            }
        }
    }
    show_statuses(ctl, &matching)?;
    for info in &matching {
        if STOPPED_STATES.contains(&int_field(info, "state")?) {
            ctl.exitstatus = exit::UNIMPLEMENTED_FEATURE;
        }
    }
    Ok(Flow::Continue)
}

/// Prints status rows: `%-{W}s%-10s%s` with `W = max(30, longest namespec) + 3`.
fn show_statuses(ctl: &mut Ctl, infos: &[&Value]) -> Result<(), Error> {
    if ctl.options.json {
        let list: Vec<serde_json::Value> = infos.iter().map(|v| to_json(v)).collect();
        ctl.output(&serde_json::Value::Array(list).to_string());
        return Ok(());
    }
    let mut rows = Vec::with_capacity(infos.len());
    let mut width = 30;
    for info in infos {
        let namespec = make_namespec(&str_field(info, "group")?, &str_field(info, "name")?);
        width = width.max(namespec.chars().count());
        rows.push((
            namespec,
            str_field(info, "statename")?,
            str_field(info, "description")?,
        ));
    }
    let width = width + 3;
    let mut text = String::with_capacity(rows.len() * 80);
    for (namespec, state, desc) in rows {
        text.push_str(&format!("{namespec:<width$}{state:<10}{desc}\n"));
    }
    if text.pop().is_some() {
        ctl.output(&text);
    }
    Ok(())
}

/// `pid [name...|all]`: the daemon's pid, or the processes' (exit 7 for a stopped one).
pub fn do_pid(ctl: &mut Ctl, arg: &str) -> Result<Flow, Error> {
    if !ctl.upcheck()? {
        return Ok(Flow::Continue);
    }
    let names: Vec<&str> = arg.split_whitespace().collect();
    if names.is_empty() {
        let pid = ctl.call("supervisor.getPID", &[])?;
        ctl.output(&py_str(&pid));
    } else if names.contains(&"all") {
        let all = ctl.call("supervisor.getAllProcessInfo", &[])?;
        if ctl.options.json {
            let pids: Vec<serde_json::Value> = items(&all)
                .iter()
                .map(|i| field(i, "pid").map(to_json))
                .collect::<Result<_, _>>()?;
            ctl.output(&serde_json::Value::Array(pids).to_string());
            return Ok(Flow::Continue);
        }
        for info in items(&all) {
            let pid = str_field(info, "pid")?;
            ctl.output(&pid);
        }
    } else {
        for name in names {
            match ctl.call("supervisor.getProcessInfo", &[Value::from(name)]) {
                Ok(info) => {
                    let pid = field(&info, "pid")?;
                    ctl.output(&py_str(pid));
                    if super::reply::as_i64(pid) == 0 {
                        ctl.exitstatus = exit::NOT_RUNNING;
                    }
                }
                Err(ClientError::Fault(fault)) => {
                    ctl.exitstatus = exit::GENERIC;
                    if fault.code == FaultCode::BadName.code() {
                        ctl.output(&format!("No such process {name}"));
                    } else {
                        return Err(ClientError::Fault(fault).into());
                    }
                }
                Err(err) => return Err(err.into()),
            }
        }
    }
    Ok(Flow::Continue)
}

/// `avail`: every configured process with its use, autostart and priorities.
pub fn do_avail(ctl: &mut Ctl, arg: &str) -> Result<Flow, Error> {
    if !arg.is_empty() {
        ctl.output("Error: avail accepts no arguments");
        ctl.exitstatus = exit::GENERIC;
        super::help::topic(ctl, "avail");
        return Ok(Flow::Continue);
    }
    let infos = match ctl.call("supervisor.getAllConfigInfo", &[]) {
        Ok(infos) => infos,
        Err(ClientError::Fault(fault)) => {
            ctl.exitstatus = exit::GENERIC;
            if fault.code == FaultCode::ShutdownState.code() {
                ctl.output("ERROR: supervisor shutting down");
                return Ok(Flow::Continue);
            }
            return Err(ClientError::Fault(fault).into());
        }
        Err(err) => return Err(err.into()),
    };
    if ctl.options.json {
        ctl.output(&to_json(&infos).to_string());
        return Ok(Flow::Continue);
    }
    for info in items(&infos) {
        let name = make_namespec(&str_field(info, "group")?, &str_field(info, "name")?);
        let inuse = if truthy(field(info, "inuse")?) {
            "in use"
        } else {
            "avail"
        };
        let auto = if truthy(field(info, "autostart")?) {
            "auto"
        } else {
            "manual"
        };
        let priority = format!(
            "{}:{}",
            str_field(info, "group_prio")?,
            str_field(info, "process_prio")?
        );
        ctl.output(&format!("{name:<32} {inuse:<9} {auto:<9} {priority}"));
    }
    Ok(Flow::Continue)
}
