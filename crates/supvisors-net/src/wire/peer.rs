//! Protobuf shapes of the link handshake, the requests and their answers.

use supvisors_core::enums::SupvisorsInstanceStates;

use super::WireError;
use super::convert::{intents_from, processes_from};
use super::messages::{PbIntent, PbLocalProcessInfo, PbStateModes};
use crate::links::{HandshakeReply, PeerRequest, PeerResponse};

/// First frame of a link, sent by the server as soon as it accepts the connection.
#[derive(Clone, PartialEq, prost::Message)]
pub struct PbChallenge {
    /// The server's identifier (lets the subscriber check it reached the right instance).
    #[prost(string, tag = "1")]
    pub identifier: String,
    /// Random bytes the subscriber must sign when a secret is required.
    #[prost(bytes = "vec", tag = "2")]
    pub nonce: Vec<u8>,
    /// The server requires a proof.
    #[prost(bool, tag = "3")]
    pub secret_required: bool,
}

/// The subscriber's introduction, answer to the challenge.
#[derive(Clone, PartialEq, prost::Message)]
pub struct PbHello {
    /// The subscriber's identifier.
    #[prost(string, tag = "1")]
    pub identifier: String,
    /// The subscriber's tick period in milliseconds.
    #[prost(uint64, tag = "2")]
    pub tick_period_ms: u64,
    /// HMAC-SHA256(secret, nonce ‖ identifier), empty without a secret.
    #[prost(bytes = "vec", tag = "3")]
    pub proof: Vec<u8>,
}

/// The server's refusal, sent before it closes the link.
#[derive(Clone, PartialEq, prost::Message)]
pub struct PbRefused {
    /// Why, for people.
    #[prost(string, tag = "1")]
    pub reason: String,
}

/// A frame without content (WELCOME, HEARTBEAT, argument-less requests).
#[derive(Clone, PartialEq, prost::Message)]
pub struct PbEmpty {}

/// A request and the number pairing it with its response.
#[derive(Clone, PartialEq, prost::Message)]
pub struct PbRequest {
    /// Chosen by the subscriber, echoed in the response.
    #[prost(uint64, tag = "1")]
    pub id: u64,
    /// The request.
    #[prost(oneof = "PbRequestKind", tags = "2, 3, 4, 5, 6, 7")]
    pub kind: Option<PbRequestKind>,
}

/// The kinds of request.
#[derive(Clone, PartialEq, prost::Oneof)]
pub enum PbRequestKind {
    /// Handshake.
    #[prost(message, tag = "2")]
    Handshake(PbEmpty),
    /// Start with extra arguments.
    #[prost(message, tag = "3")]
    StartArgs(PbStartArgs),
    /// Stop a process (namespec).
    #[prost(string, tag = "4")]
    StopProcess(String),
    /// Restart sequence.
    #[prost(message, tag = "5")]
    RestartSequence(PbEmpty),
    /// Restart all.
    #[prost(message, tag = "6")]
    RestartAll(PbEmpty),
    /// Shutdown all.
    #[prost(message, tag = "7")]
    ShutdownAll(PbEmpty),
}

/// Arguments of a start request.
#[derive(Clone, PartialEq, prost::Message)]
pub struct PbStartArgs {
    /// Process to start.
    #[prost(string, tag = "1")]
    pub namespec: String,
    /// Extra arguments.
    #[prost(string, tag = "2")]
    pub extra_args: String,
}

/// A response to the request with the same id.
#[derive(Clone, PartialEq, prost::Message)]
pub struct PbResponse {
    /// The request's id.
    #[prost(uint64, tag = "1")]
    pub id: u64,
    /// The answer.
    #[prost(oneof = "PbResponseKind", tags = "2, 3, 4, 5")]
    pub kind: Option<PbResponseKind>,
}

/// The kinds of answer.
#[derive(Clone, PartialEq, prost::Oneof)]
pub enum PbResponseKind {
    /// Handshake answer.
    #[prost(message, tag = "2")]
    Handshake(PbHandshakeReply),
    /// Done.
    #[prost(message, tag = "3")]
    DoneOk(PbEmpty),
    /// Not done, with the reason.
    #[prost(string, tag = "4")]
    DoneErr(String),
    /// Nobody answered on the peer (its daemon dropped the request).
    #[prost(message, tag = "5")]
    Unanswered(PbEmpty),
}

/// The handshake answer.
#[derive(Clone, PartialEq, prost::Message)]
pub struct PbHandshakeReply {
    /// The answering instance's master.
    #[prost(string, tag = "1")]
    pub master: String,
    /// `SupvisorsInstanceStates` code of the asker as seen by the answerer; absent if unknown.
    #[prost(int32, optional, tag = "2")]
    pub how_you_see_me: Option<i32>,
    /// The answerer's own state modes (required).
    #[prost(message, optional, tag = "3")]
    pub state_modes: Option<PbStateModes>,
    /// The answerer's processes.
    #[prost(message, repeated, tag = "4")]
    pub processes: Vec<PbLocalProcessInfo>,
    /// The answerer's intents.
    #[prost(message, repeated, tag = "5")]
    pub intents: Vec<PbIntent>,
}

impl From<&PeerRequest> for PbRequestKind {
    fn from(req: &PeerRequest) -> Self {
        match req {
            PeerRequest::Handshake => PbRequestKind::Handshake(PbEmpty {}),
            PeerRequest::StartArgs {
                namespec,
                extra_args,
            } => PbRequestKind::StartArgs(PbStartArgs {
                namespec: namespec.clone(),
                extra_args: extra_args.clone(),
            }),
            PeerRequest::StopProcess { namespec } => PbRequestKind::StopProcess(namespec.clone()),
            PeerRequest::RestartSequence => PbRequestKind::RestartSequence(PbEmpty {}),
            PeerRequest::RestartAll => PbRequestKind::RestartAll(PbEmpty {}),
            PeerRequest::ShutdownAll => PbRequestKind::ShutdownAll(PbEmpty {}),
        }
    }
}

impl From<PbRequestKind> for PeerRequest {
    fn from(kind: PbRequestKind) -> Self {
        match kind {
            PbRequestKind::Handshake(_) => PeerRequest::Handshake,
            PbRequestKind::StartArgs(a) => PeerRequest::StartArgs {
                namespec: a.namespec,
                extra_args: a.extra_args,
            },
            PbRequestKind::StopProcess(namespec) => PeerRequest::StopProcess { namespec },
            PbRequestKind::RestartSequence(_) => PeerRequest::RestartSequence,
            PbRequestKind::RestartAll(_) => PeerRequest::RestartAll,
            PbRequestKind::ShutdownAll(_) => PeerRequest::ShutdownAll,
        }
    }
}

impl From<&PeerResponse> for PbResponseKind {
    fn from(resp: &PeerResponse) -> Self {
        match resp {
            PeerResponse::Handshake(r) => PbResponseKind::Handshake(PbHandshakeReply {
                master: r.master.clone(),
                how_you_see_me: r.how_you_see_me.map(|s| s.code()),
                state_modes: Some((&r.state_modes).into()),
                processes: r.processes.iter().map(Into::into).collect(),
                intents: r.intents.iter().map(Into::into).collect(),
            }),
            PeerResponse::Done(Ok(())) => PbResponseKind::DoneOk(PbEmpty {}),
            PeerResponse::Done(Err(reason)) => PbResponseKind::DoneErr(reason.clone()),
        }
    }
}

/// Decodes a response body; `Ok(None)` when the peer said nobody answered.
pub fn response_from(kind: PbResponseKind) -> Result<Option<PeerResponse>, WireError> {
    Ok(Some(match kind {
        PbResponseKind::Handshake(r) => PeerResponse::Handshake(HandshakeReply {
            master: r.master,
            how_you_see_me: match r.how_you_see_me {
                None => None,
                Some(code) => Some(SupvisorsInstanceStates::from_code(code).ok_or(
                    WireError::UnknownCode {
                        kind: "SupvisorsInstanceStates",
                        code,
                    },
                )?),
            },
            state_modes: r
                .state_modes
                .ok_or(WireError::Missing("HandshakeReply.state_modes"))?
                .try_into()?,
            processes: processes_from(r.processes)?,
            intents: intents_from(r.intents)?,
        }),
        PbResponseKind::DoneOk(_) => PeerResponse::Done(Ok(())),
        PbResponseKind::DoneErr(reason) => PeerResponse::Done(Err(reason)),
        PbResponseKind::Unanswered(_) => return Ok(None),
    }))
}
