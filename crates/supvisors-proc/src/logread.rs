//! Reading log files for the RPC methods (spec §3.5.7) and following them for `/logtail`
//! (spec §4.2). Bytes are decoded leniently (replacement characters), never strictly.

use std::fs::File;
use std::io;
use std::os::unix::fs::{FileExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Why `readLog`-style reading failed; maps to the faults of §3.5.7.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// Negative length, or negative offset with a non-zero length (`BAD_ARGUMENTS`).
    #[error("BAD_ARGUMENTS")]
    BadArguments,
    /// The file does not exist (`NO_FILE`).
    #[error("NO_FILE")]
    NoFile,
    /// Any I/O error while reading (`FAILED`).
    #[error("FAILED")]
    Failed,
}

/// `readLog(offset, length)`: see the table of §3.5.7.
pub fn read_log(path: &Path, offset: i64, length: i64) -> Result<String, ReadError> {
    if !path.exists() {
        return Err(ReadError::NoFile);
    }
    let file = File::open(path).map_err(|_| ReadError::Failed)?;
    let size = file.metadata().map_err(|_| ReadError::Failed)?.len();
    let (start, count) = if offset < 0 {
        if length != 0 {
            return Err(ReadError::BadArguments);
        }
        let back = offset.unsigned_abs();
        (size.saturating_sub(back), back)
    } else {
        if length < 0 {
            return Err(ReadError::BadArguments);
        }
        let off = offset as u64;
        let avail = size.saturating_sub(off);
        (
            off,
            if length == 0 {
                avail
            } else {
                avail.min(length as u64)
            },
        )
    };
    let data = read_at(&file, start, count.min(size)).map_err(|_| ReadError::Failed)?;
    Ok(String::from_utf8_lossy(&data).into_owned())
}

/// `tail*Log(offset, length)` → `(data, new offset = file size, overflow)`, with the exact
/// window arithmetic of the reference (§3.5.7). A missing file gives `("", 0, false)`.
pub fn tail_log(path: &Path, offset: i64, length: i64) -> (String, u64, bool) {
    let Ok(file) = File::open(path) else {
        return (String::new(), 0, false);
    };
    let Ok(meta) = file.metadata() else {
        return (String::new(), offset.max(0) as u64, false);
    };
    let size = i64::try_from(meta.len()).unwrap_or(i64::MAX);
    let (data, overflow) = tail_window(size, offset, length);
    let bytes = match data {
        // The reference's `read(length)` stops at EOF; never allocate past the file size.
        Some((start, len)) => {
            read_at(&file, start, len.min((size as u64).saturating_sub(start))).unwrap_or_default()
        }
        None => Vec::new(),
    };
    (
        String::from_utf8_lossy(&bytes).into_owned(),
        size as u64,
        overflow,
    )
}

/// The window `(start, len)` to read (None when empty) and the overflow flag.
pub fn tail_window(size: i64, mut offset: i64, mut length: i64) -> (Option<(u64, u64)>, bool) {
    let mut overflow = false;
    if size > offset.saturating_add(length) {
        overflow = true;
        offset = size - 1;
    }
    if offset.saturating_add(length) > size {
        if offset > size - 1 {
            length = 0;
        }
        offset = size.saturating_sub(length);
    }
    let (offset, length) = (offset.max(0), length.max(0));
    let window = (length > 0).then_some((offset as u64, length as u64));
    (window, overflow)
}

fn read_at(file: &File, start: u64, count: u64) -> io::Result<Vec<u8>> {
    let mut buf = vec![0u8; usize::try_from(count).unwrap_or(usize::MAX)];
    let mut done = 0;
    while done < buf.len() {
        let n = file.read_at(&mut buf[done..], start + done as u64)?;
        if n == 0 {
            break;
        }
        done += n;
    }
    buf.truncate(done);
    Ok(buf)
}

/// Text sent to a `/logtail` client when the followed file shrank.
pub const TRUNCATED: &[u8] = b"==> File truncated <==\n";

/// How many bytes of history a follower sends first.
pub const FOLLOW_HEAD: u64 = 1024;

/// Polling period of `/logtail` in the reference (`tail_f_producer.delay`).
pub const FOLLOW_INTERVAL: Duration = Duration::from_millis(100);

/// Largest chunk one poll returns; the rest comes on the next poll.
const MAX_CHUNK: u64 = 1 << 20;

/// Follows a log file like `tail -f` (the reference's `tail_f_producer`): rotation by inode,
/// truncation by size. File reads are small blocking calls on a regular file.
#[derive(Debug)]
pub struct LogFollower {
    path: PathBuf,
    file: File,
    ino: u64,
    // Bytes already sent.
    pos: u64,
}

impl LogFollower {
    /// Opens `path`; the first poll yields its last [`FOLLOW_HEAD`] bytes (whole file if smaller).
    pub fn open(path: impl Into<PathBuf>) -> io::Result<Self> {
        let path = path.into();
        let file = File::open(&path)?;
        let meta = file.metadata()?;
        let pos = meta.len().saturating_sub(FOLLOW_HEAD);
        Ok(Self {
            path,
            ino: meta.ino(),
            file,
            pos,
        })
    }

    /// One step: new bytes, the truncation notice, or `None` when nothing changed.
    pub fn poll_once(&mut self) -> io::Result<Option<Vec<u8>>> {
        // A vanished path keeps the old descriptor: the file may come back under a new inode.
        if let Ok(meta) = std::fs::metadata(&self.path)
            && meta.ino() != self.ino
        {
            self.file = File::open(&self.path)?;
            self.ino = meta.ino();
            self.pos = 0;
        }
        let size = self.file.metadata()?.len();
        if size < self.pos {
            self.pos = 0;
            return Ok(Some(TRUNCATED.to_vec()));
        }
        if size == self.pos {
            return Ok(None);
        }
        let data = read_at(&self.file, self.pos, (size - self.pos).min(MAX_CHUNK))?;
        self.pos += data.len() as u64;
        Ok((!data.is_empty()).then_some(data))
    }

    /// Waits (checking every `interval`, [`FOLLOW_INTERVAL`] for `/logtail`) for the next non-empty chunk.
    pub async fn next_chunk(&mut self, interval: Duration) -> io::Result<Vec<u8>> {
        loop {
            if let Some(data) = self.poll_once()? {
                return Ok(data);
            }
            tokio::time::sleep(interval).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_with(len: usize) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("f.log");
        let data: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
        std::fs::write(&p, data).expect("write");
        (dir, p)
    }

    #[test]
    fn item_54_tail_arithmetic_matches_reference_examples() {
        let (_d, p) = file_with(297);
        let (data, size, overflow) = tail_log(&p, 0, 20);
        assert_eq!((data.len(), size, overflow), (20, 297, true));
        assert_eq!(data.as_bytes()[0], b'a' + (277 % 26) as u8);
        assert_eq!(tail_log(&p, 10000, 20), (String::new(), 297, false));
        let (_d2, q) = file_with(150);
        let (data, size, overflow) = tail_log(&q, 100, 1024);
        assert_eq!((data.len(), size, overflow), (150, 150, false));
        assert_eq!(
            tail_log(&q.with_extension("none"), 0, 10),
            (String::new(), 0, false)
        );
        assert_eq!(tail_window(0, 0, 100), (None, false));
        let (data, _, overflow) = tail_log(&q, 0, 1 << 40);
        assert_eq!((data.len(), overflow), (150, false));
        assert_eq!(tail_log(&q, i64::MAX, i64::MAX).1, 150);
        assert_eq!(tail_log(&q, i64::MIN, i64::MIN).0.len(), 0);
    }

    #[test]
    fn item_52_read_arguments_follow_the_table() {
        let (_d, p) = file_with(10);
        assert_eq!(read_log(&p, 0, 0).as_deref(), Ok("abcdefghij"));
        assert_eq!(read_log(&p, 3, 2).as_deref(), Ok("de"));
        assert_eq!(read_log(&p, 8, 5).as_deref(), Ok("ij"));
        assert_eq!(read_log(&p, 20, 0).as_deref(), Ok(""));
        assert_eq!(read_log(&p, -3, 0).as_deref(), Ok("hij"));
        assert_eq!(read_log(&p, -30, 0).as_deref(), Ok("abcdefghij"));
        assert_eq!(read_log(&p, 0, -1), Err(ReadError::BadArguments));
        assert_eq!(read_log(&p, -1, 1), Err(ReadError::BadArguments));
        assert_eq!(
            read_log(&p.with_extension("x"), 0, 0),
            Err(ReadError::NoFile)
        );
    }

    #[test]
    fn invalid_utf8_is_replaced_not_rejected() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("bin.log");
        std::fs::write(&p, [b'o', b'k', 0xff, 0xc3]).expect("write");
        assert_eq!(read_log(&p, 0, 0).as_deref(), Ok("ok\u{fffd}\u{fffd}"));
    }
}
