//! A log file that rotates by size (spec §6.2), shared by the main log and child logs.
//!
//! Rotation is checked after each write, so a file may exceed `maxbytes` by one write. Writes
//! are blocking `write(2)` calls; callers that run on an async runtime do them off its workers.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// An append-mode file with Supervisor's `RotatingFileHandler` behaviour.
#[derive(Debug)]
pub struct RotatingFile {
    path: PathBuf,
    maxbytes: u64,
    backups: u32,
    file: File,
    // Position after the last write: the file is only appended to, so this is `tell()`.
    size: u64,
}

impl RotatingFile {
    /// Opens (creating if needed) `path` for appending; `maxbytes == 0` disables rotation.
    pub fn open(path: impl Into<PathBuf>, maxbytes: u64, backups: u32) -> io::Result<Self> {
        let path = path.into();
        let file = open_append(&path)?;
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        Ok(Self {
            path,
            maxbytes,
            backups,
            file,
            size,
        })
    }

    /// The configured file name.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Current size of the live file as this writer knows it.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Appends `data` in one write, then rotates if the file reached `maxbytes`.
    pub fn write(&mut self, data: &[u8]) -> io::Result<()> {
        if data.is_empty() {
            return Ok(());
        }
        self.file.write_all(data)?;
        self.size += data.len() as u64;
        if self.maxbytes > 0 && self.size >= self.maxbytes {
            self.rotate()?;
        }
        Ok(())
    }

    /// Closes and reopens the same path (SIGUSR2): follows a rename done by another tool.
    pub fn reopen(&mut self) -> io::Result<()> {
        self.file = open_append(&self.path)?;
        self.size = self.file.metadata().map(|m| m.len()).unwrap_or(0);
        Ok(())
    }

    /// Deletes the file and reopens it empty; backups are untouched (clearLog, §3.5.8).
    pub fn clear(&mut self) -> io::Result<()> {
        remove_if_exists(&self.path)?;
        self.reopen()
    }

    /// Renames `<f>.<n-1>` to `<f>.<n>` down to `<f>` → `<f>.1`, then starts an empty file.
    fn rotate(&mut self) -> io::Result<()> {
        if self.backups > 0 {
            for i in (1..self.backups).rev() {
                let src = self.backup_name(i);
                if src.exists() {
                    remove_and_rename(&src, &self.backup_name(i + 1))?;
                }
            }
            remove_and_rename(&self.path, &self.backup_name(1))?;
        }
        // Like the reference's 'wb' open: with backups=0 this truncates the live file.
        self.file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&self.path)?;
        self.size = 0;
        Ok(())
    }

    fn backup_name(&self, n: u32) -> PathBuf {
        let mut name = self.path.clone().into_os_string();
        name.push(format!(".{n}"));
        PathBuf::from(name)
    }
}

fn open_append(path: &Path) -> io::Result<File> {
    OpenOptions::new().append(true).create(true).open(path)
}

/// A missing file is not an error: another tool (or a clear) may have removed it.
fn remove_if_exists(path: &Path) -> io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

fn remove_and_rename(src: &Path, dst: &Path) -> io::Result<()> {
    remove_if_exists(dst)?;
    match std::fs::rename(src, dst) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn len(p: &Path) -> Option<u64> {
        std::fs::metadata(p).ok().map(|m| m.len())
    }

    #[test]
    fn burst_larger_than_maxbytes_goes_whole_to_backup() {
        // Checklist item 76: 1070 bytes at once, maxbytes=100, backups=2.
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("rot.log");
        let mut f = RotatingFile::open(&p, 100, 2).expect("open");
        f.write(&[b'x'; 1070]).expect("write");
        assert_eq!(len(&p), Some(0));
        assert_eq!(len(&dir.path().join("rot.log.1")), Some(1070));
        assert_eq!(len(&dir.path().join("rot.log.2")), None);
    }

    #[test]
    fn backups_shift_down_and_oldest_is_dropped() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("a.log");
        let mut f = RotatingFile::open(&p, 10, 2).expect("open");
        for c in [b'1', b'2', b'3', b'4'] {
            f.write(&[c; 10]).expect("write");
        }
        f.write(b"tail").expect("write");
        assert_eq!(std::fs::read(&p).expect("live"), b"tail");
        assert_eq!(
            std::fs::read(dir.path().join("a.log.1")).expect(".1"),
            [b'4'; 10]
        );
        assert_eq!(
            std::fs::read(dir.path().join("a.log.2")).expect(".2"),
            [b'3'; 10]
        );
        assert_eq!(len(&dir.path().join("a.log.3")), None);
    }

    #[test]
    fn zero_backups_truncates_and_zero_maxbytes_never_rotates() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("b.log");
        let mut f = RotatingFile::open(&p, 5, 0).expect("open");
        f.write(b"123456").expect("write");
        assert_eq!(len(&p), Some(0));
        assert_eq!(len(&dir.path().join("b.log.1")), None);
        let q = dir.path().join("c.log");
        let mut g = RotatingFile::open(&q, 0, 3).expect("open");
        g.write(&[0; 1000]).expect("write");
        assert_eq!(len(&q), Some(1000));
    }

    #[test]
    fn appends_to_existing_file_and_clear_empties_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("d.log");
        std::fs::write(&p, b"old\n").expect("seed");
        let mut f = RotatingFile::open(&p, 0, 0).expect("open");
        f.write(b"new\n").expect("write");
        assert_eq!(std::fs::read(&p).expect("read"), b"old\nnew\n");
        f.clear().expect("clear");
        f.write(b"x").expect("write");
        assert_eq!(std::fs::read(&p).expect("read"), b"x");
        std::fs::rename(&p, dir.path().join("moved")).expect("mv");
        f.reopen().expect("reopen");
        f.write(b"y").expect("write");
        assert_eq!(std::fs::read(&p).expect("read"), b"y");
    }
}
