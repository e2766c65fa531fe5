//! Requests carried on a subscription link, from the subscriber to the instance it listens to
//! (spec §10.4), and the handshake of §4.5 built on them.

use supvisors_core::enums::SupvisorsInstanceStates;
use supvisors_core::messages::{HandshakeResult, LocalProcessInfo, ProcessIntent, StateModes};

use super::Links;

/// A request sent to another instance (the answer is a [`PeerResponse`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeerRequest {
    /// Ask for what the handshake of §4.5 needs; answered by [`PeerResponse::Handshake`].
    Handshake,
    /// `supvisors.start_args(namespec, extra_args, false)` on the target.
    StartArgs {
        /// Process to start.
        namespec: String,
        /// Extra arguments to apply.
        extra_args: String,
    },
    /// `supervisor.stopProcess(namespec, false)` on the target.
    StopProcess {
        /// Process to stop.
        namespec: String,
    },
    /// `supvisors.restart_sequence()` on the master.
    RestartSequence,
    /// `supvisors.restart()` on the master.
    RestartAll,
    /// `supvisors.shutdown()` on the master.
    ShutdownAll,
}

/// The answer of an instance to a [`PeerRequest`].
#[derive(Debug, Clone, PartialEq)]
pub enum PeerResponse {
    /// Answer to [`PeerRequest::Handshake`].
    Handshake(HandshakeReply),
    /// Answer to every other request: done, or why not.
    Done(Result<(), String>),
}

/// What an instance tells an asker during the handshake (§4.5 steps 1 to 4 in one answer).
#[derive(Debug, Clone, PartialEq)]
pub struct HandshakeReply {
    /// The answering instance's master ('' if none).
    pub master: String,
    /// How the answering instance sees the asker (None: the asker is unknown to it).
    pub how_you_see_me: Option<SupvisorsInstanceStates>,
    /// The answering instance's own FSM state and job flags.
    pub state_modes: StateModes,
    /// The answering instance's local processes.
    pub processes: Vec<LocalProcessInfo>,
    /// The answering instance's intent records.
    pub intents: Vec<ProcessIntent>,
}

/// Performs the handshake of §4.5 from `local` with `target` and maps it for the engine.
///
/// `local` must be the identifier `links` was started with: the link itself tells `target` who
/// asks, so the argument only documents the call (and is checked in debug builds).
pub async fn handshake(links: &Links, local: &str, target: &str) -> HandshakeResult {
    debug_assert_eq!(links.local(), local, "handshake asked for another instance");
    match links.request(target, PeerRequest::Handshake).await {
        Ok(PeerResponse::Handshake(reply)) => handshake_result(reply),
        // A peer answering something else is as broken as an unreachable one.
        Ok(PeerResponse::Done(_)) | Err(_) => HandshakeResult::failed(),
    }
}

/// Maps a handshake answer as §4.5 does: isolation seen by the peer means "not authorized".
pub fn handshake_result(reply: HandshakeReply) -> HandshakeResult {
    let authorized = !matches!(
        reply.how_you_see_me,
        Some(SupvisorsInstanceStates::Isolating | SupvisorsInstanceStates::Isolated)
    );
    HandshakeResult {
        authorized: Some(authorized),
        master: reply.master,
        state_modes: reply.state_modes,
        processes: if authorized {
            reply.processes
        } else {
            Vec::new()
        },
        intents: if authorized {
            reply.intents
        } else {
            Vec::new()
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use supvisors_core::enums::{ProcessStates, SupvisorsStates};
    use supvisors_core::messages::Intent;

    fn reply(how_you_see_me: Option<SupvisorsInstanceStates>) -> HandshakeReply {
        HandshakeReply {
            master: "m".into(),
            how_you_see_me,
            state_modes: StateModes {
                fsm_state: SupvisorsStates::Deployment,
                starting_jobs: false,
                stopping_jobs: true,
            },
            processes: vec![LocalProcessInfo {
                group: "g".into(),
                name: "p".into(),
                state: ProcessStates::Stopped,
                start: 0.0,
                stop: 0.0,
                now: 1.0,
                pid: 0,
                spawnerr: String::new(),
                expected: true,
                startsecs: 1,
                stopwaitsecs: 10,
                extra_args: String::new(),
                disabled: false,
                description: "Not started".into(),
            }],
            intents: vec![ProcessIntent {
                group: "g".into(),
                name: "p".into(),
                intent: Intent::Run,
                when: 1.0,
                origin: "m".into(),
            }],
        }
    }

    #[test]
    fn every_view_but_isolation_authorizes() {
        for seen in [
            None,
            Some(SupvisorsInstanceStates::Unknown),
            Some(SupvisorsInstanceStates::Checking),
            Some(SupvisorsInstanceStates::Running),
            Some(SupvisorsInstanceStates::Silent),
        ] {
            let result = handshake_result(reply(seen));
            assert_eq!(result.authorized, Some(true), "{seen:?}");
            assert_eq!(result.processes.len(), 1);
            assert_eq!(result.intents.len(), 1);
            assert_eq!(result.state_modes.fsm_state, SupvisorsStates::Deployment);
        }
    }

    #[test]
    fn isolation_keeps_master_and_modes_but_drops_processes() {
        let result = handshake_result(reply(Some(SupvisorsInstanceStates::Isolating)));
        assert_eq!(result.authorized, Some(false));
        assert_eq!(result.master, "m");
        assert!(result.state_modes.stopping_jobs);
        assert!(result.processes.is_empty() && result.intents.is_empty());
    }
}
