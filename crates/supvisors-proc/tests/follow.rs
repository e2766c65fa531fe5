//! `/logtail` follow semantics (spec §4.2): head of 1024 bytes, appends, rotation by inode,
//! truncation notice.

use std::io::Write;
use std::time::Duration;

use supvisors_proc::logread::{LogFollower, TRUNCATED};
use supvisors_proc::rotating::RotatingFile;

fn append(path: &std::path::Path, data: &[u8]) {
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .expect("open");
    f.write_all(data).expect("write");
}

#[tokio::test]
async fn follow_sends_head_then_appends() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("f.log");
    let body: Vec<u8> = (0..3000u32).map(|i| b'a' + (i % 26) as u8).collect();
    append(&p, &body);
    let mut f = LogFollower::open(&p).expect("open");
    assert_eq!(
        f.poll_once().expect("poll"),
        Some(body[3000 - 1024..].to_vec())
    );
    assert_eq!(f.poll_once().expect("poll"), None);
    append(&p, b"more\n");
    assert_eq!(
        f.next_chunk(Duration::from_millis(10))
            .await
            .expect("chunk"),
        b"more\n"
    );
}

#[tokio::test]
async fn follow_reopens_after_rotation_and_reports_truncation() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("r.log");
    let mut log = RotatingFile::open(&p, 20, 1).expect("open");
    log.write(b"first\n").expect("write");
    let mut f = LogFollower::open(&p).expect("follow");
    assert_eq!(f.poll_once().expect("poll"), Some(b"first\n".to_vec()));
    // This write reaches maxbytes: the file becomes r.log.1 and a new empty r.log appears.
    log.write(b"0123456789abcdef\n").expect("write");
    log.write(b"fresh\n").expect("write");
    assert_eq!(f.poll_once().expect("poll"), Some(b"fresh\n".to_vec()));
    // Shrinking the same inode gives the notice, then the content from offset 0.
    std::fs::OpenOptions::new()
        .write(true)
        .open(&p)
        .expect("open")
        .set_len(0)
        .expect("truncate");
    append(&p, b"x");
    assert_eq!(f.poll_once().expect("poll"), Some(TRUNCATED.to_vec()));
    assert_eq!(f.poll_once().expect("poll"), Some(b"x".to_vec()));
}
