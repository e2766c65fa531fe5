//! Supvisors read commands: versions, state, strategies, instances and applications (the
//! process tables are in `process_tables`).
//!
//! Tables follow the reference layout: Python `%-Ns` fields (never truncated), variable widths
//! of `max(len(title), longest value) + 2`, values printed with `str()`.

use supvisors_rpc::Value;

use super::super::reply::{field, items, py_str, str_field, to_json, truthy};
use super::super::{Ctl, Error, Flow, make_namespec};
use super::{call, fault_line, rows_for_table, upcheck};

/// `max_template`: the width of a column.
pub(super) fn width(rows: &[Value], key: &str, title: &str) -> usize {
    let longest = rows
        .iter()
        .filter_map(|row| row.member(key))
        .map(|v| py_str(v).chars().count())
        .max()
        .unwrap_or(0);
    title.chars().count().max(longest) + 2
}

/// One line of `%-Ns` cells; a width of 0 leaves the cell unpadded.
pub(super) fn line(cells: &[(&str, usize)]) -> String {
    cells
        .iter()
        .map(|(text, w)| format!("{text:<w$}"))
        .collect()
}

/// Runs a single-call command: prints `ERROR (...)` on a fault, JSON with `--json`, else `show`.
pub(super) fn simple(
    ctl: &mut Ctl,
    method: &str,
    show: fn(&mut Ctl, &Value) -> Result<(), Error>,
) -> Result<Flow, Error> {
    if !upcheck(ctl)? {
        return Ok(Flow::Continue);
    }
    match call(ctl, method, &[])? {
        Err(fault) => fault_line(ctl, "", &fault),
        Ok(value) if ctl.options.json => ctl.output(&to_json(&value).to_string()),
        Ok(value) => show(ctl, &value)?,
    }
    Ok(Flow::Continue)
}

/// `sversion`.
pub fn do_sversion(ctl: &mut Ctl, _arg: &str) -> Result<Flow, Error> {
    simple(ctl, "get_api_version", |ctl, v| {
        ctl.output(&py_str(v));
        Ok(())
    })
}

/// `master`.
pub fn do_master(ctl: &mut Ctl, _arg: &str) -> Result<Flow, Error> {
    simple(ctl, "get_master_identifier", |ctl, v| {
        ctl.output(&py_str(v));
        Ok(())
    })
}

/// `sstate`.
pub fn do_sstate(ctl: &mut Ctl, _arg: &str) -> Result<Flow, Error> {
    simple(ctl, "get_supvisors_state", |ctl, v| {
        let rows = [v.clone()];
        let starting = width(&rows, "starting_jobs", "Starting");
        let stopping = width(&rows, "stopping_jobs", "Stopping");
        ctl.output(&line(&[
            ("State", 16),
            ("Starting", starting),
            ("Stopping", stopping),
        ]));
        let state = str_field(v, "fsm_statename")?;
        let jobs_in = str_field(v, "starting_jobs")?;
        let jobs_out = str_field(v, "stopping_jobs")?;
        ctl.output(&line(&[
            (&state, 16),
            (&jobs_in, starting),
            (&jobs_out, stopping),
        ]));
        Ok(())
    })
}

/// `strategies`.
pub fn do_strategies(ctl: &mut Ctl, _arg: &str) -> Result<Flow, Error> {
    simple(ctl, "get_strategies", |ctl, v| {
        ctl.output(&format!("Auto-fencing: {}", str_field(v, "auto-fencing")?));
        ctl.output(&format!("Conciliation: {}", str_field(v, "conciliation")?));
        ctl.output(&format!("Starting:     {}", str_field(v, "starting")?));
        Ok(())
    })
}

/// `HH:MM:SS` in local time (`simple_localtime`).
pub fn local_time(value: &Value) -> String {
    use chrono::TimeZone as _;
    let seconds = match value {
        Value::Int(i) => f64::from(*i),
        Value::Double(d) => *d,
        other => py_str(other).parse().unwrap_or(0.0),
    };
    // Truncation to whole seconds is what strftime shows.
    #[allow(clippy::cast_possible_truncation)]
    let whole = seconds.floor() as i64;
    chrono::Local
        .timestamp_opt(whole, 0)
        .single()
        .map_or_else(|| "00:00:00".into(), |t| t.format("%H:%M:%S").to_string())
}

/// The arguments of a filter command: `None` for everything.
pub(super) fn wanted(arg: &str) -> Option<Vec<&str>> {
    let names: Vec<&str> = arg.split_whitespace().collect();
    if names.is_empty() || names.contains(&"all") {
        None
    } else {
        Some(names)
    }
}

/// `instance_status [identifier...]`.
pub fn do_instance_status(ctl: &mut Ctl, arg: &str) -> Result<Flow, Error> {
    if !upcheck(ctl)? {
        return Ok(Flow::Continue);
    }
    let infos = match call(ctl, "get_all_instances_info", &[])? {
        Ok(v) => v,
        Err(fault) => {
            fault_line(ctl, "", &fault);
            return Ok(Flow::Continue);
        }
    };
    let rows = items(&infos).to_vec();
    let wanted = wanted(arg);
    let keep = |r: &Value| {
        wanted.as_ref().is_none_or(|w| {
            w.contains(&py_str(r.member("identifier").unwrap_or(&Value::Nil)).as_str())
        })
    };
    if ctl.options.json {
        let list: Vec<serde_json::Value> = rows.iter().filter(|r| keep(r)).map(to_json).collect();
        ctl.output(&serde_json::Value::Array(list).to_string());
        return Ok(Flow::Continue);
    }
    let id_w = width(&rows, "identifier", "Supervisor");
    let node_w = width(&rows, "node_name", "Node");
    let widths = [id_w, node_w, 7, 11, 6, 10, 9, 16, 10, 10];
    let titles = [
        "Supervisor",
        "Node",
        "Port",
        "State",
        "Load",
        "Time",
        "Counter",
        "FSM",
        "Starting",
        "Stopping",
    ];
    let cells: Vec<(&str, usize)> = titles.iter().copied().zip(widths).collect();
    ctl.output(&line(&cells));
    for row in rows.iter().filter(|r| keep(r)) {
        let values = [
            str_field(row, "identifier")?,
            str_field(row, "node_name")?,
            str_field(row, "port")?,
            str_field(row, "statename")?,
            format!("{}%", str_field(row, "loading")?),
            local_time(field(row, "local_time")?),
            str_field(row, "sequence_counter")?,
            str_field(row, "fsm_statename")?,
            str_field(row, "starting_jobs")?,
            str_field(row, "stopping_jobs")?,
        ];
        let cells: Vec<(&str, usize)> = values.iter().map(String::as_str).zip(widths).collect();
        ctl.output(&line(&cells));
    }
    Ok(Flow::Continue)
}

/// `application_info [appli...]`.
pub fn do_application_info(ctl: &mut Ctl, arg: &str) -> Result<Flow, Error> {
    if !upcheck(ctl)? {
        return Ok(Flow::Continue);
    }
    let infos = match call(ctl, "get_all_applications_info", &[])? {
        Ok(v) => v,
        Err(fault) => {
            fault_line(ctl, "", &fault);
            return Ok(Flow::Continue);
        }
    };
    let rows = items(&infos).to_vec();
    let wanted = wanted(arg);
    let keep = |r: &Value| {
        wanted.as_ref().is_none_or(|w| {
            w.contains(&py_str(r.member("application_name").unwrap_or(&Value::Nil)).as_str())
        })
    };
    if ctl.options.json {
        let list: Vec<serde_json::Value> = rows.iter().filter(|r| keep(r)).map(to_json).collect();
        ctl.output(&serde_json::Value::Array(list).to_string());
        return Ok(Flow::Continue);
    }
    let widths = [width(&rows, "application_name", "Application"), 10, 7, 7];
    let titles = ["Application", "State", "Major", "Minor"];
    ctl.output(&line(
        &titles.iter().copied().zip(widths).collect::<Vec<_>>(),
    ));
    for row in rows.iter().filter(|r| keep(r)) {
        let values = [
            str_field(row, "application_name")?,
            str_field(row, "statename")?,
            str_field(row, "major_failure")?,
            str_field(row, "minor_failure")?,
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

/// The namespecs of every process known to Supvisors, or `None` after printing a fault.
pub fn all_namespecs(ctl: &mut Ctl) -> Result<Vec<String>, Error> {
    match call(ctl, "get_all_process_info", &[])? {
        Ok(infos) => items(&infos)
            .iter()
            .map(|i| {
                Ok(make_namespec(
                    &str_field(i, "application_name")?,
                    &str_field(i, "process_name")?,
                ))
            })
            .collect(),
        Err(fault) => {
            fault_line(ctl, "", &fault);
            Ok(Vec::new())
        }
    }
}

/// `application_rules [appli...]`.
pub fn do_application_rules(ctl: &mut Ctl, arg: &str) -> Result<Flow, Error> {
    if !upcheck(ctl)? {
        return Ok(Flow::Continue);
    }
    let applications: Vec<String> = match wanted(arg) {
        Some(names) => names.into_iter().map(str::to_owned).collect(),
        None => match call(ctl, "get_all_applications_info", &[])? {
            Ok(infos) => items(&infos)
                .iter()
                .map(|i| str_field(i, "application_name"))
                .collect::<Result<_, _>>()?,
            Err(fault) => {
                fault_line(ctl, "", &fault);
                Vec::new()
            }
        },
    };
    let mut rules = Vec::new();
    for application in &applications {
        match call(
            ctl,
            "get_application_rules",
            &[Value::from(application.as_str())],
        )? {
            Ok(r) => rules.push(r),
            Err(fault) => fault_line(ctl, &format!("{application}: "), &fault),
        }
    }
    let Some(rules) = rows_for_table(ctl, rules) else {
        return Ok(Flow::Continue);
    };
    let widths = [
        width(&rules, "application_name", "Application"),
        9,
        17,
        width(&rules, "identifiers", "Supervisor"),
        7,
        7,
        18,
        18,
        0,
    ];
    let titles = [
        "Application",
        "Managed",
        "Distribution",
        "Supervisor",
        "Start",
        "Stop",
        "Starting",
        "Starting_Failure",
        "Running_Failure",
    ];
    ctl.output(&line(
        &titles.iter().copied().zip(widths).collect::<Vec<_>>(),
    ));
    for r in &rules {
        let name = str_field(r, "application_name")?;
        let values: Vec<String> = if truthy(field(r, "managed")?) {
            vec![
                name,
                "True".into(),
                str_field(r, "distribution")?,
                r.member("identifiers").map_or_else(|| "n/a".into(), py_str),
                str_field(r, "start_sequence")?,
                str_field(r, "stop_sequence")?,
                str_field(r, "starting_strategy")?,
                str_field(r, "starting_failure_strategy")?,
                str_field(r, "running_failure_strategy")?,
            ]
        } else {
            let mut v = vec![name, "False".into()];
            v.extend(std::iter::repeat_n("n/a".to_owned(), 7));
            v
        };
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
