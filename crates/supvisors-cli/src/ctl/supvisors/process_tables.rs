//! Supvisors process tables: `sstatus`, `local_status`, `process_rules` and `conflicts`, laid
//! out like the reference (see `tables`); none prints anything when there is no row.

use supvisors_rpc::Value;

use super::super::reply::{field, int_field, items, str_field, truthy};
use super::super::{Ctl, Error, Flow, split_namespec};
use super::tables::{all_namespecs, line, local_time, simple, wanted, width};
use super::{call, fault_line, rows_for_table, upcheck};

/// `sstatus [namespec...]`.
pub fn do_sstatus(ctl: &mut Ctl, arg: &str) -> Result<Flow, Error> {
    if !upcheck(ctl)? {
        return Ok(Flow::Continue);
    }
    let mut rows: Vec<Value> = Vec::new();
    match wanted(arg) {
        None => match call(ctl, "get_all_process_info", &[])? {
            Ok(infos) => rows.extend_from_slice(items(&infos)),
            Err(fault) => fault_line(ctl, "", &fault),
        },
        Some(names) => {
            for name in names {
                match call(ctl, "get_process_info", &[Value::from(name)])? {
                    Ok(infos) => rows.extend_from_slice(items(&infos)),
                    Err(fault) => fault_line(ctl, &format!("{name}: "), &fault),
                }
            }
        }
    }
    let Some(rows) = rows_for_table(ctl, rows) else {
        return Ok(Flow::Continue);
    };
    let widths = [
        width(&rows, "application_name", "Application"),
        width(&rows, "process_name", "Process"),
        12,
        10,
        0,
    ];
    let titles = ["Application", "Process", "State", "Expected", "Supervisor"];
    ctl.output(&line(
        &titles.iter().copied().zip(widths).collect::<Vec<_>>(),
    ));
    for r in &rows {
        // EXITED is 100.
        let expected = if int_field(r, "statecode")? == 100 {
            str_field(r, "expected_exit")?
        } else {
            "n/a".into()
        };
        let values = [
            str_field(r, "application_name")?,
            str_field(r, "process_name")?,
            str_field(r, "statename")?,
            expected,
            str_field(r, "identifiers")?,
        ];
        ctl.output(&line(
            &values
                .iter()
                .map(String::as_str)
                .zip(widths)
                .collect::<Vec<_>>(),
        ));
    }
    Ok(Flow::Continue)
}

/// Supervisor's process state names by code.
fn state_name(code: i64) -> String {
    match code {
        0 => "STOPPED",
        10 => "STARTING",
        20 => "RUNNING",
        30 => "BACKOFF",
        40 => "STOPPING",
        100 => "EXITED",
        200 => "FATAL",
        1000 => "UNKNOWN",
        _ => return "None".into(),
    }
    .into()
}

/// `local_status [namespec...]`.
pub fn do_local_status(ctl: &mut Ctl, arg: &str) -> Result<Flow, Error> {
    if !upcheck(ctl)? {
        return Ok(Flow::Continue);
    }
    let infos = match call(ctl, "get_all_local_process_info", &[])? {
        Ok(v) => items(&v).to_vec(),
        Err(fault) => {
            fault_line(ctl, "", &fault);
            Vec::new()
        }
    };
    let rows: Vec<Value> = match wanted(arg) {
        None => infos,
        Some(names) => {
            let mut out = Vec::new();
            for name in names {
                let (group, process) = split_namespec(name);
                for info in &infos {
                    let mut matched = str_field(info, "group")? == group;
                    if let Some(p) = process.as_deref().filter(|p| !p.is_empty()) {
                        matched = matched && str_field(info, "name")? == p;
                    }
                    if matched {
                        out.push(info.clone());
                    }
                }
            }
            out
        }
    };
    let Some(rows) = rows_for_table(ctl, rows) else {
        return Ok(Flow::Continue);
    };
    let widths = [
        width(&rows, "group", "Application"),
        width(&rows, "name", "Process"),
        10,
        12,
        12,
        12,
        8,
        0,
    ];
    let titles = [
        "Application",
        "Process",
        "Disabled",
        "State",
        "Start",
        "Now",
        "PID",
        "Extra args",
    ];
    ctl.output(&line(
        &titles.iter().copied().zip(widths).collect::<Vec<_>>(),
    ));
    for r in &rows {
        let time = |key: &str| -> Result<String, Error> {
            let v = field(r, key)?;
            Ok(if truthy(v) { local_time(v) } else { "0".into() })
        };
        let values = [
            str_field(r, "group")?,
            str_field(r, "name")?,
            str_field(r, "disabled")?,
            state_name(int_field(r, "state")?),
            time("start")?,
            time("now")?,
            str_field(r, "pid")?,
            str_field(r, "extra_args")?,
        ];
        ctl.output(&line(
            &values
                .iter()
                .map(String::as_str)
                .zip(widths)
                .collect::<Vec<_>>(),
        ));
    }
    Ok(Flow::Continue)
}

/// `process_rules [namespec...]`.
pub fn do_process_rules(ctl: &mut Ctl, arg: &str) -> Result<Flow, Error> {
    if !upcheck(ctl)? {
        return Ok(Flow::Continue);
    }
    let mut namespecs: Vec<String> = match wanted(arg) {
        Some(names) => names.into_iter().map(str::to_owned).collect(),
        None => all_namespecs(ctl)?,
    };
    namespecs.sort();
    let mut rules: Vec<Value> = Vec::new();
    for namespec in &namespecs {
        match call(ctl, "get_process_rules", &[Value::from(namespec.as_str())])? {
            Ok(r) => rules.extend_from_slice(items(&r)),
            Err(fault) => fault_line(ctl, &format!("{namespec}: "), &fault),
        }
    }
    let Some(rules) = rows_for_table(ctl, rules) else {
        return Ok(Flow::Continue);
    };
    let widths = [
        width(&rules, "application_name", "Application"),
        width(&rules, "process_name", "Process"),
        7,
        7,
        12,
        12,
        12,
        22,
        0,
    ];
    let titles = [
        "Application",
        "Process",
        "Start",
        "Stop",
        "Required",
        "WaitExit",
        "Loading",
        "Strategy",
        "Supervisor",
    ];
    ctl.output(&line(
        &titles.iter().copied().zip(widths).collect::<Vec<_>>(),
    ));
    for r in &rules {
        let values = [
            str_field(r, "application_name")?,
            str_field(r, "process_name")?,
            str_field(r, "start_sequence")?,
            str_field(r, "stop_sequence")?,
            str_field(r, "required")?,
            str_field(r, "wait_exit")?,
            format!("{}%", str_field(r, "expected_loading")?),
            str_field(r, "running_failure_strategy")?,
            str_field(r, "identifiers")?,
        ];
        ctl.output(&line(
            &values
                .iter()
                .map(String::as_str)
                .zip(widths)
                .collect::<Vec<_>>(),
        ));
    }
    Ok(Flow::Continue)
}

/// `conflicts`: nothing at all when there is none.
pub fn do_conflicts(ctl: &mut Ctl, _arg: &str) -> Result<Flow, Error> {
    simple(ctl, "get_conflicts", |ctl, v| {
        let rows = items(v).to_vec();
        if rows.is_empty() {
            return Ok(());
        }
        let widths = [
            width(&rows, "application_name", "Application"),
            width(&rows, "process_name", "Process"),
            12,
            0,
        ];
        let titles = ["Application", "Process", "State", "Supervisor"];
        ctl.output(&line(
            &titles.iter().copied().zip(widths).collect::<Vec<_>>(),
        ));
        for r in &rows {
            let values = [
                str_field(r, "application_name")?,
                str_field(r, "process_name")?,
                str_field(r, "statename")?,
                str_field(r, "identifiers")?,
            ];
            ctl.output(&line(
                &values
                    .iter()
                    .map(String::as_str)
                    .zip(widths)
                    .collect::<Vec<_>>(),
            ));
        }
        Ok(())
    })
}
