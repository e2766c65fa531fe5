//! Length-delimited frames over one TCP stream (4-byte big-endian length, as the reference).

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio_util::codec::{Framed, LengthDelimitedCodec};

use crate::wire::{Frame, FrameKind, MAX_FRAME_LENGTH};

/// A TCP stream cut into frames.
pub(crate) type FramedStream = Framed<TcpStream, LengthDelimitedCodec>;

/// Why a link stops reading.
#[derive(Debug)]
pub(crate) enum ReadEnd {
    /// Clean end of stream, or an I/O error (including an oversized length prefix).
    Closed,
    /// Bytes that are not a frame of ours.
    Garbage,
}

/// Wraps an accepted or connected stream.
pub(crate) fn framed(stream: TcpStream) -> FramedStream {
    // Small frames (heartbeats, answers) must not wait on delayed ACKs.
    let _ = stream.set_nodelay(true);
    let codec = LengthDelimitedCodec::builder()
        .length_field_length(4)
        .big_endian()
        .max_frame_length(MAX_FRAME_LENGTH)
        .new_codec();
    Framed::new(stream, codec)
}

/// Sends one frame.
pub(crate) async fn send(framed: &mut FramedStream, kind: FrameKind) -> std::io::Result<()> {
    framed.send(Frame::new(kind).encode_bytes()).await
}

/// Sends frame bytes encoded beforehand.
pub(crate) async fn send_bytes(framed: &mut FramedStream, bytes: Bytes) -> std::io::Result<()> {
    framed.send(bytes).await
}

/// Receives and decodes the next frame.
pub(crate) async fn recv(framed: &mut FramedStream) -> Result<FrameKind, ReadEnd> {
    match framed.next().await {
        None | Some(Err(_)) => Err(ReadEnd::Closed),
        Some(Ok(bytes)) => Frame::decode_bytes(&bytes).map_err(|_| ReadEnd::Garbage),
    }
}
