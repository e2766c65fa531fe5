//! What arrives from the links: messages for the engine, requests from other instances
//! (handshake, start/stop on their Starter's or Stopper's behalf, forwarded sequences), and
//! link troubles worth a log line.

use std::collections::HashSet;

use supvisors_core::commands::Command;
use supvisors_core::enums::SupvisorsInstanceStates;
use supvisors_core::messages::Identifier;
use supvisors_net::links::{HandshakeReply, LinkEvent, PeerRequest, PeerResponse};
use supvisors_rules::values::LogLevel;
use tokio::sync::{mpsc, watch};

use super::engine_task::EngineInput;
use super::local::LocalSupvisors;

/// Routes link events until the links are gone; `up` follows the instances whose link is
/// connected (the local one included).
pub async fn serve_link_events(
    mut events: mpsc::UnboundedReceiver<LinkEvent>,
    local: LocalSupvisors,
    up: watch::Sender<HashSet<Identifier>>,
) {
    while let Some(event) = events.recv().await {
        match event {
            LinkEvent::Message { from, msg } => {
                local.engine.send(EngineInput::Peer { from, msg });
            }
            LinkEvent::Request {
                from,
                request,
                reply,
            } => {
                let local = local.clone();
                tokio::spawn(async move {
                    let response = answer(&local, &from, request).await;
                    let _ = reply.send(response);
                });
            }
            LinkEvent::Refused { peer, reason } => local.log.log(
                LogLevel::Error,
                format!("link with Supvisors={peer} refused: {reason}"),
            ),
            LinkEvent::Connected { peer } => {
                local
                    .log
                    .log(LogLevel::Debug, format!("link with Supvisors={peer} up"));
                up.send_modify(|connected| {
                    connected.insert(peer);
                });
            }
            LinkEvent::Disconnected { peer } => {
                local
                    .log
                    .log(LogLevel::Debug, format!("link with Supvisors={peer} down"));
                up.send_modify(|connected| {
                    connected.remove(&peer);
                });
            }
        }
    }
}

async fn answer(local: &LocalSupvisors, from: &str, request: PeerRequest) -> PeerResponse {
    let done = |result: Result<(), String>| PeerResponse::Done(result);
    match request {
        PeerRequest::Handshake => PeerResponse::Handshake(handshake_reply(local, from).await),
        PeerRequest::StartArgs {
            namespec,
            extra_args,
        } => done(
            local
                .start_args(namespec, extra_args, false)
                .await
                .map(|_| ())
                .map_err(|f| f.to_string()),
        ),
        PeerRequest::StopProcess { namespec } => done(
            local
                .stop_process(namespec)
                .await
                .map_err(|f| f.to_string()),
        ),
        PeerRequest::RestartSequence => {
            forward(local, Command::RestartSequence { wait: false }).await
        }
        PeerRequest::RestartAll => forward(local, Command::Restart).await,
        PeerRequest::ShutdownAll => forward(local, Command::Shutdown).await,
    }
}

async fn forward(local: &LocalSupvisors, cmd: Command) -> PeerResponse {
    match local.engine.command(cmd).await {
        Some(Ok(_)) => PeerResponse::Done(Ok(())),
        Some(Err(err)) => PeerResponse::Done(Err(err.to_string())),
        None => PeerResponse::Done(Err("the engine is stopping".to_owned())),
    }
}

/// Steps 1–4 of the handshake (core §4.5) answered in one go from this instance's view.
async fn handshake_reply(local: &LocalSupvisors, asker: &str) -> HandshakeReply {
    let engine = local.engine.engine();
    let ctx = engine.context();
    let how_you_see_me: Option<SupvisorsInstanceStates> = ctx.instance(asker).map(|i| i.state());
    let authorized = !matches!(
        how_you_see_me,
        Some(SupvisorsInstanceStates::Isolating | SupvisorsInstanceStates::Isolated)
    );
    let processes = if authorized {
        local.local_process_info(None).await.unwrap_or_default()
    } else {
        Vec::new()
    };
    HandshakeReply {
        master: engine.master().to_owned(),
        how_you_see_me,
        state_modes: engine.state_modes(),
        processes,
        intents: engine.intents().records(),
    }
}
