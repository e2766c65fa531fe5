//! One subscription link: connects to a publication server, introduces itself, then receives
//! its publications and carries the local requests to it, reconnecting while it is down.

use std::collections::HashMap;
use std::sync::Arc;

use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot};
use tokio::time::{Duration, Instant, sleep, sleep_until, timeout};
use tokio_util::sync::CancellationToken;

use supvisors_core::messages::InternalMessage;

use super::framing::{self, FramedStream};
use super::shared::Shared;
use super::{LinkError, LinkEvent, PeerAddress, PeerRequest, PeerResponse, auth};
use crate::wire::{FrameKind, PbEmpty, PbHello, PbRequest, PbRequestKind, response_from};

/// A request handed to the link task by [`super::Links::request`].
pub(crate) struct LinkCommand {
    pub(crate) req: PeerRequest,
    pub(crate) reply: oneshot::Sender<Result<PeerResponse, LinkError>>,
}

/// How an attempt to open the link ended.
enum Opening {
    Welcomed(FramedStream),
    Refused(String),
    Failed,
}

/// Keeps the link to `peer` up until `stop` fires (shutdown or isolation).
pub(crate) async fn run_link(shared: Arc<Shared>, peer: PeerAddress, stop: CancellationToken) {
    // Reported once per reason: a refused link keeps retrying.
    let mut last_refusal: Option<String> = None;
    let mut delay = shared.cfg.reconnect;
    loop {
        let opening = tokio::select! {
            () = stop.cancelled() => return,
            opening = open(&shared, &peer) => opening,
        };
        match opening {
            Opening::Welcomed(mut framed) => {
                last_refusal = None;
                delay = shared.cfg.reconnect;
                session(&shared, &peer, &mut framed, &stop).await;
            }
            Opening::Refused(reason) => {
                if last_refusal.as_ref() != Some(&reason) {
                    shared.emit(LinkEvent::Refused {
                        peer: peer.identifier.clone(),
                        reason: reason.clone(),
                    });
                    last_refusal = Some(reason);
                }
            }
            Opening::Failed => {}
        }
        tokio::select! {
            () = stop.cancelled() => return,
            () = sleep(delay) => {}
        }
        delay = next_delay(delay, &shared.cfg);
    }
}

/// The delay after `delay` for a link still down: doubled, at most `reconnect_max` (never
/// below `reconnect`, should the two be configured the wrong way round).
fn next_delay(delay: Duration, cfg: &super::LinksConfig) -> Duration {
    delay
        .saturating_mul(2)
        .min(cfg.reconnect_max)
        .max(cfg.reconnect)
}

/// Connects and goes through challenge, HELLO and WELCOME.
async fn open(shared: &Shared, peer: &PeerAddress) -> Opening {
    let silence = shared.cfg.silence;
    let connect = TcpStream::connect((peer.host.as_str(), peer.port));
    let Ok(Ok(stream)) = timeout(silence, connect).await else {
        return Opening::Failed;
    };
    let mut framed = framing::framed(stream);
    let Ok(Ok(FrameKind::Challenge(challenge))) =
        timeout(silence, framing::recv(&mut framed)).await
    else {
        return Opening::Failed;
    };
    if challenge.identifier != peer.identifier {
        return Opening::Refused(format!(
            "expected instance {} at {}:{}, found {:?}",
            peer.identifier, peer.host, peer.port, challenge.identifier
        ));
    }
    let local = &shared.cfg.local;
    let proof = match &shared.cfg.secret {
        Some(secret) => auth::proof(secret, &challenge.nonce, local),
        None => Vec::new(),
    };
    let hello = PbHello {
        identifier: local.clone(),
        tick_period_ms: auth::tick_period_ms(&shared.cfg),
        proof,
    };
    if framing::send(&mut framed, FrameKind::Hello(hello))
        .await
        .is_err()
    {
        return Opening::Failed;
    }
    match timeout(silence, framing::recv(&mut framed)).await {
        Ok(Ok(FrameKind::Welcome(_))) => Opening::Welcomed(framed),
        Ok(Ok(FrameKind::Refused(refused))) => Opening::Refused(refused.reason),
        _ => Opening::Failed,
    }
}

/// The open link, from CONNECTED to DISCONNECTED.
async fn session(
    shared: &Shared,
    peer: &PeerAddress,
    framed: &mut FramedStream,
    stop: &CancellationToken,
) {
    let (commands, mut requests) = mpsc::unbounded_channel();
    shared.open_link(&peer.identifier, commands);
    shared.emit(LinkEvent::Connected {
        peer: peer.identifier.clone(),
    });
    exchange(shared, peer, framed, stop, &mut requests).await;
    shared.close_link(&peer.identifier);
    // Requests queued but never sent: fail them now rather than at their timeout.
    requests.close();
    while let Ok(cmd) = requests.try_recv() {
        let _ = cmd
            .reply
            .send(Err(LinkError::Closed(peer.identifier.clone())));
    }
    shared.emit(LinkEvent::Disconnected {
        peer: peer.identifier.clone(),
    });
}

type Pending = HashMap<u64, oneshot::Sender<Result<PeerResponse, LinkError>>>;

async fn exchange(
    shared: &Shared,
    peer: &PeerAddress,
    framed: &mut FramedStream,
    stop: &CancellationToken,
    requests: &mut mpsc::UnboundedReceiver<LinkCommand>,
) {
    let mut heartbeat = tokio::time::interval(shared.cfg.heartbeat);
    heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut deadline = Instant::now() + shared.cfg.silence;
    let mut pending = Pending::new();
    let mut next_id: u64 = 0;
    loop {
        tokio::select! {
            () = stop.cancelled() => break,
            () = sleep_until(deadline) => break,
            _ = heartbeat.tick() => {
                // Requests whose caller gave up (timeout) are forgotten here.
                pending.retain(|_, reply| !reply.is_closed());
                if framing::send(framed, FrameKind::Heartbeat(PbEmpty {})).await.is_err() {
                    break;
                }
            }
            Some(cmd) = requests.recv() => {
                next_id += 1;
                let request = PbRequest { id: next_id, kind: Some(PbRequestKind::from(&cmd.req)) };
                pending.insert(next_id, cmd.reply);
                if framing::send(framed, FrameKind::Request(request)).await.is_err() {
                    break;
                }
            }
            received = framing::recv(framed) => {
                deadline = Instant::now() + shared.cfg.silence;
                let Ok(kind) = received else { break };
                if !on_frame(shared, peer, kind, &mut pending) {
                    break;
                }
            }
        }
    }
    // Dropping `pending` tells the waiting callers the link closed.
}

/// Handles one frame from the server; false closes the link.
fn on_frame(shared: &Shared, peer: &PeerAddress, kind: FrameKind, pending: &mut Pending) -> bool {
    match kind {
        FrameKind::Heartbeat(_) => true,
        FrameKind::Message(pb) => match InternalMessage::try_from(pb) {
            Ok(msg) => {
                shared.emit(LinkEvent::Message {
                    from: peer.identifier.clone(),
                    msg,
                });
                true
            }
            Err(_) => false,
        },
        FrameKind::Response(response) => {
            let Some(kind) = response.kind else {
                return false;
            };
            let answer = match response_from(kind) {
                Ok(Some(answer)) => Ok(answer),
                Ok(None) => Err(LinkError::Unanswered(peer.identifier.clone())),
                Err(_) => return false,
            };
            if let Some(reply) = pending.remove(&response.id) {
                let _ = reply.send(answer);
            }
            true
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reconnection_delay_doubles_up_to_the_maximum() {
        let mut cfg = super::super::LinksConfig::new(
            "a",
            "127.0.0.1:0".parse().expect("address"),
            Vec::new(),
            Duration::from_secs(5),
        );
        cfg.reconnect = Duration::from_millis(100);
        cfg.reconnect_max = Duration::from_millis(700);
        let mut delay = cfg.reconnect;
        let mut seen = Vec::new();
        for _ in 0..5 {
            delay = next_delay(delay, &cfg);
            seen.push(delay.as_millis());
        }
        assert_eq!(seen, [200, 400, 700, 700, 700]);
        // A maximum below the first delay never shortens it.
        cfg.reconnect_max = Duration::from_millis(10);
        assert_eq!(next_delay(cfg.reconnect, &cfg), cfg.reconnect);
    }
}
