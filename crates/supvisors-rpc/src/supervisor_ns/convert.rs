//! The process model's results as XML-RPC values, members in the reference's order.

use supvisors_proc::model::{ConfigInfo, ProcessInfo, ProcessResult, RpcResult, StrOrInt};

use crate::value::Value;

/// An int as the reference sends it (`<int>`); values beyond 32 bits are clamped, which only
/// byte sizes over 2 GiB could reach.
pub fn int(v: i64) -> Value {
    Value::Int(i32::try_from(v).unwrap_or(if v < 0 { i32::MIN } else { i32::MAX }))
}

/// `getProcessInfo` struct.
pub fn process_info(p: &ProcessInfo) -> Value {
    Value::structure([
        ("name", Value::string(&p.name)),
        ("group", Value::string(&p.group)),
        ("start", int(p.start)),
        ("stop", int(p.stop)),
        ("now", int(p.now)),
        ("state", Value::Int(p.state.code())),
        ("statename", Value::string(p.statename())),
        ("spawnerr", Value::string(&p.spawnerr)),
        ("exitstatus", Value::Int(p.exitstatus)),
        ("logfile", Value::string(p.logfile())),
        ("stdout_logfile", Value::string(&p.stdout_logfile)),
        ("stderr_logfile", Value::string(&p.stderr_logfile)),
        ("pid", Value::Int(p.pid)),
        ("description", Value::string(&p.description)),
    ])
}

/// `getAllConfigInfo` entry.
pub fn config_info(c: &ConfigInfo) -> Value {
    let uid = match &c.uid {
        StrOrInt::Str(s) => Value::string(s),
        StrOrInt::Int(i) => int(*i),
    };
    Value::structure([
        ("autostart", Value::Bool(c.autostart)),
        ("directory", Value::string(&c.directory)),
        ("uid", uid),
        ("command", Value::string(&c.command)),
        (
            "exitcodes",
            Value::Array(c.exitcodes.iter().map(|&e| Value::Int(e)).collect()),
        ),
        ("group", Value::string(&c.group)),
        ("group_prio", int(c.group_prio)),
        ("inuse", Value::Bool(c.inuse)),
        ("killasgroup", Value::Bool(c.killasgroup)),
        ("name", Value::string(&c.name)),
        ("process_prio", int(c.process_prio)),
        ("redirect_stderr", Value::Bool(c.redirect_stderr)),
        ("startretries", int(c.startretries)),
        ("startsecs", int(c.startsecs)),
        ("stdout_capture_maxbytes", int(c.stdout_capture_maxbytes)),
        (
            "stdout_events_enabled",
            Value::Bool(c.stdout_events_enabled),
        ),
        ("stdout_logfile", Value::string(&c.stdout_logfile)),
        ("stdout_logfile_backups", int(c.stdout_logfile_backups)),
        ("stdout_logfile_maxbytes", int(c.stdout_logfile_maxbytes)),
        ("stdout_syslog", Value::Bool(c.stdout_syslog)),
        ("stopsignal", Value::Int(c.stopsignal)),
        ("stopwaitsecs", int(c.stopwaitsecs)),
        ("stderr_capture_maxbytes", int(c.stderr_capture_maxbytes)),
        (
            "stderr_events_enabled",
            Value::Bool(c.stderr_events_enabled),
        ),
        ("stderr_logfile", Value::string(&c.stderr_logfile)),
        ("stderr_logfile_backups", int(c.stderr_logfile_backups)),
        ("stderr_logfile_maxbytes", int(c.stderr_logfile_maxbytes)),
        ("stderr_syslog", Value::Bool(c.stderr_syslog)),
        ("serverurl", Value::string(&c.serverurl)),
    ])
}

/// A group/all result struct (`{name, group, status, description}`).
pub fn process_result(r: &ProcessResult) -> Value {
    Value::structure([
        ("name", Value::string(&r.name)),
        ("group", Value::string(&r.group)),
        ("status", Value::Int(r.status.code())),
        ("description", Value::string(&r.description)),
    ])
}

/// `true`, or the array of result structs.
pub fn rpc_result(r: &RpcResult) -> Value {
    match r {
        RpcResult::Bool(b) => Value::Bool(*b),
        RpcResult::Results(list) => Value::Array(list.iter().map(process_result).collect()),
    }
}
