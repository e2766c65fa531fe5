//! Lossless conversions between the core messages and their protobuf shapes: dates by their
//! bits, enums by their wire codes (an unknown code is a [`WireError`]).

use supvisors_core::enums::{ProcessStates, SupvisorsStates};
use supvisors_core::messages::{
    ForcedProcessEvent, Intent, InternalMessage, LocalProcessInfo, ProcessEvent, ProcessIntent,
    StateModes, TickPayload, TickStatus,
};

use super::WireError;
use super::messages::*;

/// The wire code of an intent (the core enum has none: this is its one conversion place).
pub fn intent_code(intent: Intent) -> i32 {
    match intent {
        Intent::Run => 0,
        Intent::Stopped => 1,
    }
}

fn intent_from_code(code: i32) -> Result<Intent, WireError> {
    match code {
        0 => Ok(Intent::Run),
        1 => Ok(Intent::Stopped),
        _ => Err(WireError::UnknownCode {
            kind: "Intent",
            code,
        }),
    }
}

fn process_state(code: i32) -> Result<ProcessStates, WireError> {
    ProcessStates::from_code(code).ok_or(WireError::UnknownCode {
        kind: "ProcessStates",
        code,
    })
}

fn fsm_state(code: i32) -> Result<SupvisorsStates, WireError> {
    SupvisorsStates::from_code(code).ok_or(WireError::UnknownCode {
        kind: "SupvisorsStates",
        code,
    })
}

impl From<&InternalMessage> for PbInternalMessage {
    fn from(msg: &InternalMessage) -> Self {
        let body = match msg {
            InternalMessage::Tick(t) => PbBody::Tick(PbTick {
                when: t.when.to_bits(),
                sequence_counter: t.sequence_counter,
                status: t.status.as_ref().map(|s| PbTickStatus {
                    master: s.master.clone(),
                    state_modes: Some((&s.state_modes).into()),
                }),
            }),
            InternalMessage::Process(e) => PbBody::Process(PbProcessEvent {
                group: e.group.clone(),
                name: e.name.clone(),
                state: e.state.code(),
                now: e.now.to_bits(),
                pid: e.pid,
                expected: e.expected,
                spawnerr: e.spawnerr.clone(),
                extra_args: e.extra_args.clone(),
                disabled: e.disabled,
            }),
            InternalMessage::ForcedProcess(e) => PbBody::Forced(PbForcedProcessEvent {
                group: e.group.clone(),
                name: e.name.clone(),
                state: e.state.code(),
                identifier: e.identifier.clone(),
                now: e.now.to_bits(),
                reason: e.reason.clone(),
                extra_args: e.extra_args.clone(),
            }),
            InternalMessage::ProcessAdded(list) => PbBody::Added(PbProcessList {
                processes: list.iter().map(Into::into).collect(),
            }),
            InternalMessage::ProcessRemoved { group, name } => PbBody::Removed(PbProcessRemoved {
                group: group.clone(),
                name: name.clone(),
            }),
            InternalMessage::ProcessDisability(info) => PbBody::Disability(info.into()),
            InternalMessage::State(modes) => PbBody::State(modes.into()),
            InternalMessage::Intents(list) => PbBody::Intents(PbIntentList {
                intents: list.iter().map(Into::into).collect(),
            }),
        };
        PbInternalMessage { body: Some(body) }
    }
}

impl TryFrom<PbInternalMessage> for InternalMessage {
    type Error = WireError;

    fn try_from(pb: PbInternalMessage) -> Result<Self, WireError> {
        Ok(
            match pb.body.ok_or(WireError::Missing("InternalMessage.body"))? {
                PbBody::Tick(t) => InternalMessage::Tick(TickPayload {
                    when: f64::from_bits(t.when),
                    sequence_counter: t.sequence_counter,
                    status: match t.status {
                        None => None,
                        Some(s) => Some(TickStatus {
                            master: s.master,
                            state_modes: s
                                .state_modes
                                .ok_or(WireError::Missing("TickStatus.state_modes"))?
                                .try_into()?,
                        }),
                    },
                }),
                PbBody::Process(e) => InternalMessage::Process(ProcessEvent {
                    group: e.group,
                    name: e.name,
                    state: process_state(e.state)?,
                    now: f64::from_bits(e.now),
                    pid: e.pid,
                    expected: e.expected,
                    spawnerr: e.spawnerr,
                    extra_args: e.extra_args,
                    disabled: e.disabled,
                }),
                PbBody::Forced(e) => InternalMessage::ForcedProcess(ForcedProcessEvent {
                    group: e.group,
                    name: e.name,
                    state: process_state(e.state)?,
                    identifier: e.identifier,
                    now: f64::from_bits(e.now),
                    reason: e.reason,
                    extra_args: e.extra_args,
                }),
                PbBody::Added(list) => {
                    InternalMessage::ProcessAdded(processes_from(list.processes)?)
                }
                PbBody::Removed(r) => InternalMessage::ProcessRemoved {
                    group: r.group,
                    name: r.name,
                },
                PbBody::Disability(info) => InternalMessage::ProcessDisability(info.try_into()?),
                PbBody::State(modes) => InternalMessage::State(modes.try_into()?),
                PbBody::Intents(list) => InternalMessage::Intents(intents_from(list.intents)?),
            },
        )
    }
}

/// Converts a list of wire process infos, failing on the first bad one.
pub fn processes_from(list: Vec<PbLocalProcessInfo>) -> Result<Vec<LocalProcessInfo>, WireError> {
    list.into_iter().map(TryInto::try_into).collect()
}

/// Converts a list of wire intents, failing on the first bad one.
pub fn intents_from(list: Vec<PbIntent>) -> Result<Vec<ProcessIntent>, WireError> {
    list.into_iter().map(TryInto::try_into).collect()
}

impl From<&StateModes> for PbStateModes {
    fn from(m: &StateModes) -> Self {
        PbStateModes {
            fsm_state: m.fsm_state.code(),
            starting_jobs: m.starting_jobs,
            stopping_jobs: m.stopping_jobs,
        }
    }
}

impl TryFrom<PbStateModes> for StateModes {
    type Error = WireError;

    fn try_from(m: PbStateModes) -> Result<Self, WireError> {
        Ok(StateModes {
            fsm_state: fsm_state(m.fsm_state)?,
            starting_jobs: m.starting_jobs,
            stopping_jobs: m.stopping_jobs,
        })
    }
}

impl From<&LocalProcessInfo> for PbLocalProcessInfo {
    fn from(i: &LocalProcessInfo) -> Self {
        PbLocalProcessInfo {
            group: i.group.clone(),
            name: i.name.clone(),
            state: i.state.code(),
            start: i.start.to_bits(),
            stop: i.stop.to_bits(),
            now: i.now.to_bits(),
            pid: i.pid,
            spawnerr: i.spawnerr.clone(),
            expected: i.expected,
            startsecs: i.startsecs,
            stopwaitsecs: i.stopwaitsecs,
            extra_args: i.extra_args.clone(),
            disabled: i.disabled,
            description: i.description.clone(),
        }
    }
}

impl TryFrom<PbLocalProcessInfo> for LocalProcessInfo {
    type Error = WireError;

    fn try_from(i: PbLocalProcessInfo) -> Result<Self, WireError> {
        Ok(LocalProcessInfo {
            group: i.group,
            name: i.name,
            state: process_state(i.state)?,
            start: f64::from_bits(i.start),
            stop: f64::from_bits(i.stop),
            now: f64::from_bits(i.now),
            pid: i.pid,
            spawnerr: i.spawnerr,
            expected: i.expected,
            startsecs: i.startsecs,
            stopwaitsecs: i.stopwaitsecs,
            extra_args: i.extra_args,
            disabled: i.disabled,
            description: i.description,
        })
    }
}

impl From<&ProcessIntent> for PbIntent {
    fn from(i: &ProcessIntent) -> Self {
        PbIntent {
            group: i.group.clone(),
            name: i.name.clone(),
            intent: intent_code(i.intent),
            when: i.when.to_bits(),
            origin: i.origin.clone(),
        }
    }
}

impl TryFrom<PbIntent> for ProcessIntent {
    type Error = WireError;

    fn try_from(i: PbIntent) -> Result<Self, WireError> {
        Ok(ProcessIntent {
            group: i.group,
            name: i.name,
            intent: intent_from_code(i.intent)?,
            when: f64::from_bits(i.when),
            origin: i.origin,
        })
    }
}
