//! The pure part of a child output channel: ANSI stripping (spec §6.3) and capture mode with
//! its tokens and observed quirks (spec §6.4), following the reference's `record_output`.

/// Token that switches a channel into capture mode.
pub const BEGIN_TOKEN: &[u8] = b"<!--XSUPERVISOR:BEGIN-->";
/// Token that ends capture mode and emits a communication event.
pub const END_TOKEN: &[u8] = b"<!--XSUPERVISOR:END-->";

const ANSI_BEGIN: &[u8] = b"\x1b[";
const ANSI_TERMINATORS: &[u8] = b"HfABCDRsuJKhlpm";

/// What the filter made of the data fed to it, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Normal output: goes to the log file and, if enabled, to `PROCESS_LOG_*` events.
    Normal(Vec<u8>),
    /// Output taken into the capture buffer; still reported for `PROCESS_LOG_*` events.
    Captured(Vec<u8>),
    /// An end token closed a capture: the buffered bytes for `PROCESS_COMMUNICATION_*`.
    Communication(Vec<u8>),
}

/// State of one channel's output processing.
#[derive(Debug, Clone, Default)]
pub struct OutputFilter {
    strip_ansi: bool,
    capture_maxbytes: usize,
    capture_mode: bool,
    pending: Vec<u8>,
    captured: Vec<u8>,
}

impl OutputFilter {
    /// A filter; `capture_maxbytes == 0` disables capture mode.
    pub fn new(strip_ansi: bool, capture_maxbytes: usize) -> Self {
        Self {
            strip_ansi,
            capture_maxbytes,
            ..Self::default()
        }
    }

    /// True when data passes unchanged (no stripping, no capture): callers may skip `feed`.
    pub fn is_passthrough(&self) -> bool {
        !self.strip_ansi && self.capture_maxbytes == 0
    }

    /// Bytes held back (possible token prefix, or the short-data quirk of §6.4).
    pub fn pending(&self) -> &[u8] {
        &self.pending
    }

    /// Processes one pipe read.
    pub fn feed(&mut self, data: &[u8], out: &mut Vec<Piece>) {
        self.pending.extend_from_slice(data);
        if self.capture_maxbytes == 0 {
            let data = std::mem::take(&mut self.pending);
            self.log(data, out);
            return;
        }
        loop {
            let token = if self.capture_mode {
                END_TOKEN
            } else {
                BEGIN_TOKEN
            };
            // Quirk kept from the reference: data no longer than the token waits for more.
            if self.pending.len() <= token.len() {
                return;
            }
            let mut data = std::mem::take(&mut self.pending);
            match find(&data, token) {
                None => {
                    let keep = prefix_at_end(&data, token);
                    if keep > 0 {
                        self.pending = data.split_off(data.len() - keep);
                    }
                    self.log(data, out);
                    return;
                }
                Some(at) => {
                    self.pending = data.split_off(at + token.len());
                    data.truncate(at);
                    self.log(data, out);
                    self.toggle(out);
                    if self.pending.is_empty() {
                        return;
                    }
                }
            }
        }
    }

    fn log(&mut self, data: Vec<u8>, out: &mut Vec<Piece>) {
        if data.is_empty() {
            return;
        }
        let data = if self.strip_ansi {
            strip_ansi(&data)
        } else {
            data
        };
        if self.capture_mode {
            // The reference's bounded buffer drops as many leading bytes as the write adds.
            if data.len() + self.captured.len() > self.capture_maxbytes {
                let drop = data.len().min(self.captured.len());
                self.captured.drain(..drop);
            }
            self.captured.extend_from_slice(&data);
            out.push(Piece::Captured(data));
        } else {
            out.push(Piece::Normal(data));
        }
    }

    fn toggle(&mut self, out: &mut Vec<Piece>) {
        self.capture_mode = !self.capture_mode;
        if !self.capture_mode {
            out.push(Piece::Communication(std::mem::take(&mut self.captured)));
        }
    }
}

/// Removes `ESC [` … up to the first terminator letter, like the reference's `stripEscapes`
/// (an unterminated sequence drops the rest of the data).
pub fn strip_ansi(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    let mut rest = data;
    while let Some(at) = find(rest, ANSI_BEGIN) {
        out.extend_from_slice(&rest[..at]);
        // The reference starts looking for a terminator right after the ESC byte, so the
        // `[` itself is skipped only because it is not a terminator.
        let after = &rest[at + 1..];
        match after.iter().position(|b| ANSI_TERMINATORS.contains(b)) {
            Some(end) => rest = &after[end + 1..],
            None => return out,
        }
    }
    out.extend_from_slice(rest);
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Length of the longest proper prefix of `token` that ends `data`.
fn prefix_at_end(data: &[u8], token: &[u8]) -> usize {
    (1..token.len())
        .rev()
        .find(|&l| data.ends_with(&token[..l]))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(filter: &mut OutputFilter, chunks: &[&[u8]]) -> Vec<Piece> {
        let mut out = Vec::new();
        for c in chunks {
            filter.feed(c, &mut out);
        }
        out
    }

    #[test]
    fn strip_ansi_removes_sequences() {
        assert_eq!(strip_ansi(b"a\x1b[1;31mred\x1b[0m b"), b"ared b");
        assert_eq!(strip_ansi(b"x\x1b[2Jy\x1b[12"), b"xy");
        assert_eq!(strip_ansi(b"plain"), b"plain");
        // Cases checked against the reference's `stripEscapes`.
        assert_eq!(strip_ansi(b"\x1b[[m"), b"");
        assert_eq!(strip_ansi(b"\x1b\x1b[mz"), b"\x1bz");
        assert_eq!(strip_ansi(b"q\x1b[Hw\x1b"), b"qw\x1b");
    }

    #[test]
    fn capture_reproduces_observed_quirk() {
        let mut f = OutputFilter::new(false, 1000);
        let out = run(
            &mut f,
            &[b"before<!--XSUPERVISOR:BEGIN-->captured data<!--XSUPERVISOR:END-->after\n"],
        );
        assert_eq!(
            out,
            vec![
                Piece::Normal(b"before".to_vec()),
                Piece::Captured(b"captured data".to_vec()),
                Piece::Communication(b"captured data".to_vec()),
            ]
        );
        // `after\n` is shorter than the begin token: it stays pending, never logged.
        assert_eq!(f.pending(), b"after\n");
    }

    #[test]
    fn token_split_across_reads_is_held_back() {
        let mut f = OutputFilter::new(false, 1000);
        let out = run(
            &mut f,
            &[
                b"0123456789012345678901234567890<!--XSUPER",
                b"VISOR:BEGIN-->0123456789012345678901234567890<!--XSUPERVISOR:END-->",
            ],
        );
        assert_eq!(
            out,
            vec![
                Piece::Normal(b"0123456789012345678901234567890".to_vec()),
                Piece::Captured(b"0123456789012345678901234567890".to_vec()),
                Piece::Communication(b"0123456789012345678901234567890".to_vec()),
            ]
        );
    }

    #[test]
    fn capture_buffer_drops_front_by_write_length() {
        let mut f = OutputFilter::new(false, 30);
        let a = [b'a'; 25];
        let b = [b'b'; 25];
        let mut data = BEGIN_TOKEN.to_vec();
        data.extend_from_slice(&a);
        let mut out = run(&mut f, &[&data, &b]);
        f.feed(END_TOKEN, &mut out);
        f.feed(b"x", &mut out);
        let comm: Vec<u8> = b.to_vec();
        assert_eq!(out.last(), Some(&Piece::Communication(comm)));
    }

    #[test]
    fn no_capture_passes_everything_and_strips() {
        let mut f = OutputFilter::new(true, 0);
        assert_eq!(
            run(&mut f, &[b"hi\x1b[0m\n", b"x"]),
            vec![
                Piece::Normal(b"hi\n".to_vec()),
                Piece::Normal(b"x".to_vec()),
            ]
        );
    }
}
