//! The publication server: admits subscribers and feeds each one from its own bounded queue,
//! and hands their requests to the daemon.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot};
use tokio::time::{Instant, sleep, sleep_until, timeout};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use super::framing::{self, FramedStream};
use super::shared::Shared;
use super::{LinkEvent, auth};
use crate::wire::{FrameKind, PbChallenge, PbEmpty, PbRefused, PbResponse, PbResponseKind};

/// Accepts connections until the links stop.
pub(crate) async fn accept_loop(shared: Arc<Shared>, listener: TcpListener, tracker: TaskTracker) {
    loop {
        tokio::select! {
            () = shared.cancel.cancelled() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    tracker.spawn(serve(shared.clone(), stream));
                }
                // Out of descriptors or similar: wait a little instead of spinning.
                Err(_) => sleep(Duration::from_millis(100)).await,
            },
        }
    }
}

/// One subscriber connection, from challenge to close.
async fn serve(shared: Arc<Shared>, stream: TcpStream) {
    let mut framed = framing::framed(stream);
    let Some(identifier) = admit(&shared, &mut framed).await else {
        return;
    };
    let close = shared.cancel.child_token();
    let (queue, frames) = mpsc::channel(shared.cfg.queue_capacity.max(1));
    let Some(id) = shared.add_subscriber(&identifier, queue, close.clone()) else {
        // Isolated between its HELLO and now.
        return;
    };
    if framing::send(&mut framed, FrameKind::Welcome(PbEmpty {}))
        .await
        .is_ok()
    {
        session(&shared, &mut framed, &identifier, frames, &close).await;
    }
    shared.remove_subscriber(id);
}

/// Challenge and HELLO; the subscriber's identifier when it is admitted.
async fn admit(shared: &Shared, framed: &mut FramedStream) -> Option<String> {
    let nonce = auth::nonce().ok()?;
    let challenge = PbChallenge {
        identifier: shared.cfg.local.clone(),
        nonce: nonce.to_vec(),
        secret_required: shared.cfg.secret.is_some(),
    };
    framing::send(framed, FrameKind::Challenge(challenge))
        .await
        .ok()?;
    let hello = tokio::select! {
        () = shared.cancel.cancelled() => return None,
        received = timeout(shared.cfg.silence, framing::recv(framed)) => match received {
            Ok(Ok(FrameKind::Hello(hello))) => hello,
            // Silent, closed, or not speaking our protocol: nothing worth reporting.
            _ => return None,
        },
    };
    let isolated = shared.is_isolated(&hello.identifier);
    match auth::check_hello(&shared.cfg, &nonce, &hello, isolated) {
        Ok(()) => Some(hello.identifier),
        Err(reason) => {
            shared.report_refusal(&hello.identifier, &reason);
            let _ = framing::send(framed, FrameKind::Refused(PbRefused { reason })).await;
            None
        }
    }
}

/// The open link: publications and answers out, heartbeats and requests in.
async fn session(
    shared: &Shared,
    framed: &mut FramedStream,
    identifier: &str,
    mut frames: mpsc::Receiver<bytes::Bytes>,
    close: &CancellationToken,
) {
    let mut heartbeat = tokio::time::interval(shared.cfg.heartbeat);
    heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut deadline = Instant::now() + shared.cfg.silence;
    let mut answers = FuturesUnordered::new();
    loop {
        tokio::select! {
            () = close.cancelled() => break,
            () = sleep_until(deadline) => break,
            frame = frames.recv() => {
                let Some(bytes) = frame else { break };
                if framing::send_bytes(framed, bytes).await.is_err() {
                    break;
                }
            }
            _ = heartbeat.tick() => {
                if framing::send(framed, FrameKind::Heartbeat(PbEmpty {})).await.is_err() {
                    break;
                }
            }
            Some((id, answer)) = answers.next(), if !answers.is_empty() => {
                let kind = match &answer {
                    Ok(response) => PbResponseKind::from(response),
                    Err(_) => PbResponseKind::Unanswered(PbEmpty {}),
                };
                let response = PbResponse { id, kind: Some(kind) };
                if framing::send(framed, FrameKind::Response(response)).await.is_err() {
                    break;
                }
            }
            received = framing::recv(framed) => {
                deadline = Instant::now() + shared.cfg.silence;
                match received {
                    Ok(FrameKind::Heartbeat(_)) => {}
                    Ok(FrameKind::Request(request)) => {
                        // A request without a body is garbage: close like any bad frame.
                        let Some(kind) = request.kind else { break };
                        let (reply, answer) = oneshot::channel();
                        shared.emit(LinkEvent::Request {
                            from: identifier.to_owned(),
                            request: kind.into(),
                            reply,
                        });
                        let id = request.id;
                        answers.push(async move { (id, answer.await) });
                    }
                    // Closed, garbage, or a frame a subscriber never sends.
                    _ => break,
                }
            }
        }
    }
}
