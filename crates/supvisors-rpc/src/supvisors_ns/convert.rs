//! The engine's status payloads as XML-RPC values, members in the reference's order
//! (interfaces §1.5; where the spec's tables and the 0.15 source differ, the source's order).

use supvisors_core::messages::{LocalProcessInfo, StateModes};
use supvisors_core::rules::{ApplicationRules, ProcessRules};
use supvisors_core::status::{
    ApplicationInfo, InstanceInfo, ProcessStatusInfo, Strategies, SupvisorsStatus,
};

use crate::supervisor_ns::convert::int;
use crate::value::Value;

/// Supervisor's `capped_int`: truncated, then held in the 32-bit range of an XML-RPC int.
pub fn capped_int(v: f64) -> Value {
    if v.is_nan() {
        return Value::Int(0);
    }
    // `as` saturates at the i64 bounds, `int` at the i32 bounds.
    int(v.trunc() as i64)
}

fn strings(items: &[String]) -> Value {
    Value::Array(items.iter().map(Value::string).collect())
}

fn state_modes(m: &StateModes) -> [(&'static str, Value); 4] {
    [
        ("fsm_statecode", Value::Int(m.fsm_state.code())),
        ("fsm_statename", Value::string(m.fsm_state.name())),
        ("starting_jobs", Value::Bool(m.starting_jobs)),
        ("stopping_jobs", Value::Bool(m.stopping_jobs)),
    ]
}

/// `get_supvisors_state`: the local modes, the job flags replaced by identifier lists.
pub fn supvisors_status(s: &SupvisorsStatus) -> Value {
    let [code, name, ..] = state_modes(&s.state_modes);
    Value::structure([
        code,
        name,
        ("starting_jobs", strings(&s.starting_jobs)),
        ("stopping_jobs", strings(&s.stopping_jobs)),
    ])
}

/// `get_strategies` (note the hyphen of `auto-fencing`).
pub fn strategies(s: &Strategies) -> Value {
    Value::structure([
        ("auto-fencing", Value::Bool(s.auto_fencing)),
        ("starting", Value::string(s.starting.name())),
        ("conciliation", Value::string(s.conciliation.name())),
    ])
}

/// `get_instance_info` entry.
pub fn instance_info(i: &InstanceInfo) -> Value {
    let mut members = vec![
        ("identifier", Value::string(&i.identifier)),
        ("node_name", Value::string(&i.node_name)),
        ("port", Value::Int(i32::from(i.port))),
        ("statecode", Value::Int(i.state.code())),
        ("statename", Value::string(i.state.name())),
        (
            "sequence_counter",
            int(i64::try_from(i.sequence_counter).unwrap_or(i64::MAX)),
        ),
        ("remote_time", capped_int(i.remote_time)),
        ("local_time", capped_int(i.local_time)),
        ("loading", int(i64::from(i.loading))),
    ];
    members.extend(state_modes(&i.state_modes));
    Value::structure(members)
}

/// `get_application_info` entry.
pub fn application_info(a: &ApplicationInfo) -> Value {
    Value::structure([
        ("application_name", Value::string(&a.application_name)),
        ("managed", Value::Bool(a.managed)),
        ("statecode", Value::Int(a.state.code())),
        ("statename", Value::string(a.state.name())),
        ("major_failure", Value::Bool(a.major_failure)),
        ("minor_failure", Value::Bool(a.minor_failure)),
    ])
}

/// `get_application_rules`: the rules, then `application_name` (appended by the reference);
/// an unmanaged application has no other member than `managed`.
pub fn application_rules(name: &str, r: &ApplicationRules) -> Value {
    let mut members = vec![("managed", Value::Bool(r.managed))];
    if r.managed {
        members.extend([
            ("distribution", Value::string(r.distribution.name())),
            ("identifiers", strings(&r.identifiers)),
            ("start_sequence", int(i64::from(r.start_sequence))),
            ("stop_sequence", int(i64::from(r.stop_sequence))),
            (
                "starting_strategy",
                Value::string(r.starting_strategy.name()),
            ),
            (
                "starting_failure_strategy",
                Value::string(r.starting_failure_strategy.name()),
            ),
            (
                "running_failure_strategy",
                Value::string(r.running_failure_strategy.name()),
            ),
        ]);
    }
    members.push(("application_name", Value::string(name)));
    Value::structure(members)
}

/// `get_process_info` entry.
pub fn process_info(p: &ProcessStatusInfo) -> Value {
    Value::structure([
        ("application_name", Value::string(&p.application_name)),
        ("process_name", Value::string(&p.process_name)),
        ("statecode", Value::Int(p.state.code())),
        ("statename", Value::string(p.state.name())),
        ("expected_exit", Value::Bool(p.expected_exit)),
        ("last_event_time", Value::Double(p.last_event_time)),
        ("identifiers", strings(&p.identifiers)),
        ("extra_args", Value::string(&p.extra_args)),
    ])
}

/// `get_process_rules` entry: the rules, then the names (appended by the reference).
pub fn process_rules(application: &str, process: &str, r: &ProcessRules) -> Value {
    Value::structure([
        ("identifiers", strings(&r.identifiers)),
        ("start_sequence", int(i64::from(r.start_sequence))),
        ("stop_sequence", int(i64::from(r.stop_sequence))),
        ("required", Value::Bool(r.required)),
        ("wait_exit", Value::Bool(r.wait_exit)),
        ("expected_loading", int(i64::from(r.expected_load))),
        (
            "starting_failure_strategy",
            Value::string(r.starting_failure_strategy.name()),
        ),
        (
            "running_failure_strategy",
            Value::string(r.running_failure_strategy.name()),
        ),
        ("application_name", Value::string(application)),
        ("process_name", Value::string(process)),
    ])
}

/// `get_local_process_info` entry: Supervisor's keys, `expected`, then the program options.
pub fn local_process_info(p: &LocalProcessInfo) -> Value {
    Value::structure([
        ("name", Value::string(&p.name)),
        ("group", Value::string(&p.group)),
        ("state", Value::Int(p.state.code())),
        ("statename", Value::string(p.state.name())),
        ("start", capped_int(p.start)),
        ("stop", capped_int(p.stop)),
        // Supervisor's int `now`, made a float by the reference.
        ("now", Value::Double(p.now.trunc())),
        ("pid", int(i64::from(p.pid))),
        ("description", Value::string(&p.description)),
        ("spawnerr", Value::string(&p.spawnerr)),
        ("expected", Value::Bool(p.expected)),
        ("startsecs", int(i64::from(p.startsecs))),
        ("stopwaitsecs", int(i64::from(p.stopwaitsecs))),
        ("extra_args", Value::string(&p.extra_args)),
        ("disabled", Value::Bool(p.disabled)),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capped_int_truncates_and_clamps() {
        assert_eq!(capped_int(1_645_285_505.9), Value::Int(1_645_285_505));
        assert_eq!(capped_int(-1.5), Value::Int(-1));
        assert_eq!(capped_int(1e12), Value::Int(i32::MAX));
        assert_eq!(capped_int(-1e12), Value::Int(i32::MIN));
        assert_eq!(capped_int(f64::NAN), Value::Int(0));
    }
}
