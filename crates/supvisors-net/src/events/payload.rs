//! The two frames of each publication: header and JSON body (interface spec §3.2–§3.4), with
//! the key order and value types of the reference's `serial()` payloads (spec §1.5).

use supvisors_core::boundary::Publication;
use supvisors_core::messages::{ForcedProcessEvent, LocalProcessInfo, ProcessEvent};
use supvisors_core::status::{ApplicationInfo, InstanceInfo, ProcessStatusInfo, SupvisorsStatus};

use super::json::JsonObject;

/// The first frame of an event message; the five values are mutually prefix-free.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Header {
    /// Supvisors state and modes.
    Supvisors,
    /// Status of one instance.
    Instance,
    /// Status of one application.
    Application,
    /// A raw process event from one instance.
    Event,
    /// Synthetic status of one process.
    Process,
}

impl Header {
    /// Every header, in the order of spec §3.3.
    pub const ALL: [Header; 5] = [
        Header::Supvisors,
        Header::Instance,
        Header::Application,
        Header::Event,
        Header::Process,
    ];

    /// The wire text of the header (what subscribers filter on).
    pub const fn as_str(self) -> &'static str {
        match self {
            Header::Supvisors => "supvisors",
            Header::Instance => "instance",
            Header::Application => "application",
            Header::Event => "event",
            Header::Process => "process",
        }
    }
}

/// The `statecode` / `state` of a deleted process on the event interface.
const DELETED_CODE: i64 = -1;
/// The `statename` of a deleted process on the event interface.
const DELETED_NAME: &str = "DELETED";

/// The header and the JSON body of a publication.
pub fn encode(publication: &Publication) -> (Header, String) {
    match publication {
        Publication::SupvisorsStatus(s) => (Header::Supvisors, supvisors(s)),
        Publication::Instance(i) => (Header::Instance, instance(i)),
        Publication::Application(a) => (Header::Application, application(a)),
        Publication::Process(p) => (Header::Process, process(p, false)),
        Publication::ProcessDeleted(p) => (Header::Process, process(p, true)),
        Publication::ProcessEvent {
            identifier,
            group,
            name,
            event,
        } => {
            let body = match event {
                Some(e) => state_change(e, identifier),
                None => removal(group, name, identifier),
            };
            (Header::Event, body)
        }
        Publication::ForcedProcessEvent { identifier, event } => {
            (Header::Event, forced(event, identifier))
        }
        Publication::ProcessDisability { identifier, info } => {
            (Header::Event, disability(info, identifier))
        }
    }
}

/// Python's `capped_int` (Supervisor `xmlrpc.py`): truncation toward zero, then the 32-bit
/// XML-RPC range; applied by the reference to the instance dates.
fn capped_int(x: f64) -> i64 {
    // `as` saturates (NaN gives 0) before the clamp
    (x.trunc() as i64).clamp(i64::from(i32::MIN), i64::from(i32::MAX))
}

fn saturating(x: u64) -> i64 {
    i64::try_from(x).unwrap_or(i64::MAX)
}

fn supvisors(s: &SupvisorsStatus) -> String {
    let mut o = JsonObject::new();
    o.int("fsm_statecode", s.state_modes.fsm_state.code().into())
        .str("fsm_statename", s.state_modes.fsm_state.name())
        .str_list("starting_jobs", &s.starting_jobs)
        .str_list("stopping_jobs", &s.stopping_jobs);
    o.finish()
}

fn instance(i: &InstanceInfo) -> String {
    let mut o = JsonObject::new();
    o.str("identifier", &i.identifier)
        .str("node_name", &i.node_name)
        .int("port", i.port.into())
        .int("statecode", i.state.code().into())
        .str("statename", i.state.name())
        .int("sequence_counter", saturating(i.sequence_counter))
        .int("remote_time", capped_int(i.remote_time))
        .int("local_time", capped_int(i.local_time))
        .int("loading", i.loading.into())
        .int("fsm_statecode", i.state_modes.fsm_state.code().into())
        .str("fsm_statename", i.state_modes.fsm_state.name())
        .bool("starting_jobs", i.state_modes.starting_jobs)
        .bool("stopping_jobs", i.state_modes.stopping_jobs);
    o.finish()
}

fn application(a: &ApplicationInfo) -> String {
    let mut o = JsonObject::new();
    o.str("application_name", &a.application_name)
        .bool("managed", a.managed)
        .int("statecode", a.state.code().into())
        .str("statename", a.state.name())
        .bool("major_failure", a.major_failure)
        .bool("minor_failure", a.minor_failure);
    o.finish()
}

fn process(p: &ProcessStatusInfo, deleted: bool) -> String {
    let (code, name) = if deleted {
        (DELETED_CODE, DELETED_NAME)
    } else {
        (p.state.code().into(), p.state.name())
    };
    let mut o = JsonObject::new();
    o.str("application_name", &p.application_name)
        .str("process_name", &p.process_name)
        .int("statecode", code)
        .str("statename", name)
        .bool("expected_exit", p.expected_exit)
        .float("last_event_time", p.last_event_time)
        .str_list("identifiers", &p.identifiers)
        .str("extra_args", &p.extra_args);
    o.finish()
}

/// The payload the sender's listener built from a Supervisor event, plus `identifier`.
fn state_change(e: &ProcessEvent, identifier: &str) -> String {
    let mut o = JsonObject::new();
    o.str("name", &e.name)
        .str("group", &e.group)
        .int("state", e.state.code().into())
        .float("now", e.now)
        .int("pid", e.pid.into())
        .bool("expected", e.expected)
        // Supervisor's `spawnerr` is None until a spawn fails, never '': the listener of
        // the reference forwards it as is, so a state change without error carries null
        .str_or_null("spawnerr", &e.spawnerr)
        .str("extra_args", &e.extra_args)
        .bool("disabled", e.disabled)
        .str("identifier", identifier);
    o.finish()
}

/// The removal payload `{name, group}` of the sender, with the fake state −1.
fn removal(group: &str, name: &str, identifier: &str) -> String {
    let mut o = JsonObject::new();
    o.str("name", name)
        .str("group", group)
        .int("state", DELETED_CODE)
        .str("identifier", identifier);
    o.finish()
}

/// The forced payload without `forced` and its own `identifier`, then the sender's identifier.
fn forced(e: &ForcedProcessEvent, identifier: &str) -> String {
    let mut o = JsonObject::new();
    o.str("group", &e.group)
        .str("name", &e.name)
        .int("state", e.state.code().into())
        .float("now", e.now)
        .int("pid", 0)
        .bool("expected", false)
        .str("spawnerr", &e.reason)
        .str("extra_args", &e.extra_args)
        .str("identifier", identifier);
    o.finish()
}

/// `get_local_process_info` of the sender, plus `identifier`.
fn disability(i: &LocalProcessInfo, identifier: &str) -> String {
    let mut o = JsonObject::new();
    o.str("name", &i.name)
        .str("group", &i.group)
        .int("state", i.state.code().into())
        .str("statename", i.state.name())
        // Supervisor's getProcessInfo dates are ints
        .int("start", i.start.trunc() as i64)
        .int("stop", i.stop.trunc() as i64)
        .float("now", i.now)
        .int("pid", i.pid.into())
        .str("description", &i.description)
        .str("spawnerr", &i.spawnerr)
        .bool("expected", i.expected)
        .int("startsecs", i.startsecs.into())
        .int("stopwaitsecs", i.stopwaitsecs.into())
        .str("extra_args", &i.extra_args)
        .bool("disabled", i.disabled)
        .str("identifier", identifier);
    o.finish()
}

#[cfg(test)]
#[path = "payload_tests.rs"]
mod tests;
