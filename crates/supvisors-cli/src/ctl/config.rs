//! `reread`, `update`, `add`, `remove`, `reload`, `shutdown`, `version` and `open`.

use std::collections::BTreeMap;

use supvisors_rpc::client::ClientError;
use supvisors_rpc::{FaultCode as F, Value};

use super::errors::{is_no_file, is_refused};
use super::reply::{as_i64, field, items, py_str, str_field};
use super::{Ctl, Error, Flow, exit};

fn fault_code(err: &ClientError) -> Option<i32> {
    match err {
        ClientError::Fault(fault) => Some(fault.code),
        _ => None,
    }
}

fn no_arguments(ctl: &mut Ctl, name: &str, arg: &str) -> bool {
    if arg.is_empty() {
        return false;
    }
    ctl.output(&format!("Error: {name} accepts no arguments"));
    ctl.exitstatus = exit::GENERIC;
    super::help::topic(ctl, name);
    true
}

/// The `[added, changed, removed]` lists of a `reloadConfig` reply.
fn changes(result: &Value) -> [Vec<String>; 3] {
    let lists = items(result).first().map(items).unwrap_or(&[]);
    let names = |i: usize| -> Vec<String> {
        lists
            .get(i)
            .map(|l| items(l).iter().map(py_str).collect())
            .unwrap_or_default()
    };
    [names(0), names(1), names(2)]
}

/// `reread`: the groups whose configuration changed, sorted by name.
pub fn do_reread(ctl: &mut Ctl, arg: &str) -> Result<Flow, Error> {
    if no_arguments(ctl, "reread", arg) {
        return Ok(Flow::Continue);
    }
    match ctl.call("supervisor.reloadConfig", &[]) {
        Ok(result) => {
            let [added, changed, dropped] = changes(&result);
            let mut all: BTreeMap<String, &str> = BTreeMap::new();
            for (names, what) in [
                (added, "available"),
                (changed, "changed"),
                (dropped, "disappeared"),
            ] {
                for name in names {
                    all.insert(name, what);
                }
            }
            if all.is_empty() {
                ctl.output("No config updates to processes");
            }
            for (name, what) in all {
                ctl.output(&format!("{name}: {what}"));
            }
        }
        Err(err) => {
            ctl.exitstatus = exit::GENERIC;
            match (fault_code(&err), &err) {
                (Some(c), _) if c == F::ShutdownState.code() => {
                    ctl.output("ERROR: supervisor shutting down");
                }
                (Some(c), ClientError::Fault(fault)) if c == F::CantReread.code() => {
                    ctl.output(&format!("ERROR: {}", fault.string));
                }
                _ => return Err(err.into()),
            }
        }
    }
    Ok(Flow::Continue)
}

/// `update [all|group...]`: applies the configuration changes (stop/remove/add groups).
pub fn do_update(ctl: &mut Ctl, arg: &str) -> Result<Flow, Error> {
    let result = match ctl.call("supervisor.reloadConfig", &[]) {
        Ok(result) => result,
        Err(err) => {
            ctl.exitstatus = exit::GENERIC;
            if fault_code(&err) == Some(F::ShutdownState.code()) {
                ctl.output("ERROR: already shutting down");
                return Ok(Flow::Continue);
            }
            return Err(err.into());
        }
    };
    let [added, changed, removed] = changes(&result);
    let mut wanted: Vec<&str> = Vec::new();
    for name in arg.split_whitespace() {
        if !wanted.contains(&name) {
            wanted.push(name);
        }
    }
    if wanted.contains(&"all") {
        wanted.clear();
    }
    if !wanted.is_empty() {
        let infos = ctl.call("supervisor.getAllProcessInfo", &[])?;
        let mut groups: Vec<String> = Vec::new();
        for info in items(&infos) {
            groups.push(str_field(info, "group")?);
        }
        groups.extend(added.iter().cloned());
        // Python iterates a set: the order of these lines is not defined there; ours is sorted.
        let mut unknown: Vec<&str> = wanted
            .iter()
            .copied()
            .filter(|g| !groups.iter().any(|x| x == g))
            .collect();
        unknown.sort_unstable();
        for gname in unknown {
            ctl.output(&format!("ERROR: no such group: {gname}"));
            ctl.exitstatus = exit::GENERIC;
        }
    }
    let selected = |g: &str| wanted.is_empty() || wanted.contains(&g);
    for gname in removed.iter().filter(|g| selected(g)) {
        let results = ctl.call(
            "supervisor.stopProcessGroup",
            &[Value::from(gname.as_str())],
        )?;
        ctl.output(&format!("{gname}: stopped"));
        let failed = items(&results).iter().try_fold(false, |acc, r| {
            field(r, "status").map(|s| acc || as_i64(s) == i64::from(F::Failed.code()))
        })?;
        if failed {
            ctl.output(&format!("{gname}: has problems; not removing"));
            ctl.exitstatus = exit::GENERIC;
            continue;
        }
        ctl.call(
            "supervisor.removeProcessGroup",
            &[Value::from(gname.as_str())],
        )?;
        ctl.output(&format!("{gname}: removed process group"));
    }
    for gname in changed.iter().filter(|g| selected(g)) {
        let name = Value::from(gname.as_str());
        ctl.call("supervisor.stopProcessGroup", std::slice::from_ref(&name))?;
        ctl.output(&format!("{gname}: stopped"));
        ctl.call("supervisor.removeProcessGroup", std::slice::from_ref(&name))?;
        ctl.call("supervisor.addProcessGroup", std::slice::from_ref(&name))?;
        ctl.output(&format!("{gname}: updated process group"));
    }
    for gname in added.iter().filter(|g| selected(g)) {
        ctl.call("supervisor.addProcessGroup", &[Value::from(gname.as_str())])?;
        ctl.output(&format!("{gname}: added process group"));
    }
    Ok(Flow::Continue)
}

/// `add group...`: activates groups from the configuration.
pub fn do_add(ctl: &mut Ctl, arg: &str) -> Result<Flow, Error> {
    for name in arg.split_whitespace() {
        match ctl.call("supervisor.addProcessGroup", &[Value::from(name)]) {
            Ok(_) => ctl.output(&format!("{name}: added process group")),
            Err(err) => match fault_code(&err) {
                Some(c) if c == F::ShutdownState.code() => {
                    ctl.output("ERROR: shutting down");
                    ctl.exitstatus = exit::GENERIC;
                }
                Some(c) if c == F::AlreadyAdded.code() => {
                    ctl.output("ERROR: process group already active");
                }
                Some(c) if c == F::BadName.code() => {
                    ctl.output(&format!("ERROR: no such process/group: {name}"));
                    ctl.exitstatus = exit::GENERIC;
                }
                _ => {
                    ctl.exitstatus = exit::GENERIC;
                    return Err(err.into());
                }
            },
        }
    }
    Ok(Flow::Continue)
}

/// `remove group...`: removes stopped groups.
pub fn do_remove(ctl: &mut Ctl, arg: &str) -> Result<Flow, Error> {
    for name in arg.split_whitespace() {
        match ctl.call("supervisor.removeProcessGroup", &[Value::from(name)]) {
            Ok(_) => ctl.output(&format!("{name}: removed process group")),
            Err(err) => {
                ctl.exitstatus = exit::GENERIC;
                match fault_code(&err) {
                    Some(c) if c == F::StillRunning.code() => {
                        ctl.output(&format!("ERROR: process/group still running: {name}"));
                    }
                    Some(c) if c == F::BadName.code() => {
                        ctl.output(&format!("ERROR: no such process/group: {name}"));
                    }
                    _ => return Err(err.into()),
                }
            }
        }
    }
    Ok(Flow::Continue)
}

/// `shutdown`: stops the remote daemon.
pub fn do_shutdown(ctl: &mut Ctl, arg: &str) -> Result<Flow, Error> {
    if no_arguments(ctl, "shutdown", arg) {
        return Ok(Flow::Continue);
    }
    if ctl.options.interactive
        && !super::shell::confirm(ctl, "Really shut the remote supervisord process down y/N? ")
    {
        return Ok(Flow::Continue);
    }
    match ctl.call("supervisor.shutdown", &[]) {
        Ok(_) => ctl.output("Shut down"),
        Err(err) if fault_code(&err) == Some(F::ShutdownState.code()) => {
            ctl.output("ERROR: already shutting down");
        }
        Err(ClientError::Io(io)) if is_refused(&io) || is_no_file(&io) => {
            ctl.exitstatus = exit::GENERIC;
            let what = if is_refused(&io) {
                "refused connection"
            } else {
                "no such file"
            };
            let url = ctl.options.serverurl.clone();
            ctl.output(&format!("ERROR: {url} {what} (already shut down?)"));
        }
        Err(err) => {
            ctl.exitstatus = exit::GENERIC;
            return Err(err.into());
        }
    }
    Ok(Flow::Continue)
}

/// `reload`: restarts the remote daemon.
pub fn do_reload(ctl: &mut Ctl, arg: &str) -> Result<Flow, Error> {
    if no_arguments(ctl, "reload", arg) {
        return Ok(Flow::Continue);
    }
    if ctl.options.interactive
        && !super::shell::confirm(ctl, "Really restart the remote supervisord process y/N? ")
    {
        return Ok(Flow::Continue);
    }
    match ctl.call("supervisor.restart", &[]) {
        Ok(_) => ctl.output("Restarted supervisord"),
        Err(err) => {
            ctl.exitstatus = exit::GENERIC;
            if fault_code(&err) == Some(F::ShutdownState.code()) {
                ctl.output("ERROR: already shutting down");
            } else {
                return Err(err.into());
            }
        }
    }
    Ok(Flow::Continue)
}

/// `version`: the remote supervisord version.
pub fn do_version(ctl: &mut Ctl, arg: &str) -> Result<Flow, Error> {
    if no_arguments(ctl, "version", arg) {
        return Ok(Flow::Continue);
    }
    if !ctl.upcheck()? {
        return Ok(Flow::Continue);
    }
    let version = ctl.call("supervisor.getSupervisorVersion", &[])?;
    if ctl.options.json {
        ctl.output(&super::reply::to_json(&version).to_string());
    } else {
        ctl.output(&py_str(&version));
    }
    Ok(Flow::Continue)
}

/// `open URL`: switches to another server and shows its status (its exit status is dropped).
pub fn do_open(ctl: &mut Ctl, arg: &str) -> Result<Flow, Error> {
    let url = arg.trim();
    let scheme = url.split_once(':').map(|(s, _)| s.to_ascii_lowercase());
    if !matches!(scheme.as_deref(), Some("unix" | "http")) {
        ctl.output("ERROR: url must be http:// or unix://");
        ctl.exitstatus = exit::GENERIC;
        return Ok(Flow::Continue);
    }
    ctl.options.serverurl = url.to_owned();
    ctl.reset_client();
    let old = ctl.exitstatus;
    let result = super::status::do_status(ctl, "");
    ctl.exitstatus = old;
    result
}
