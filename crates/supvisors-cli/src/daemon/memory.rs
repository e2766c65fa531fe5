//! glibc heap settings for a daemon that is mostly idle with many children.
//!
//! Measured with 1,000 sleeping children: glibc gives each tokio worker thread its own arena,
//! and the per-child allocations made on both workers leave two partly used heaps (about
//! 2.5 MB more resident than one arena). Parsing the configuration also peaks well above what
//! stays allocated, and glibc only returns the top of the heap by itself; so do the bursts
//! that follow (a 1,000-process `getAllProcessInfo` builds ~1 MB of small values, a spawn
//! burst its exec images), which would otherwise stay resident for the daemon's lifetime.

// The workspace denies unsafe code; `mallopt` and `malloc_trim` are declared unsafe only
// because they are foreign functions. Both take plain integers and touch no Rust-owned memory.
#![allow(unsafe_code)]

/// Makes every thread allocate from the main arena; call before any thread is started.
pub fn single_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: sets a malloc tunable; valid at any time, effective for arenas made afterwards.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

/// Returns the free pages of the heap to the kernel (after the startup peak).
pub fn release_free_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory under malloc's own lock.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// How often [`release_periodically`] hands free heap pages back.
const RELEASE_PERIOD: std::time::Duration = std::time::Duration::from_secs(60);

/// Calls [`release_free_heap`] every [`RELEASE_PERIOD`], forever. When nothing was freed since
/// the last call, a call only walks malloc's free lists (microseconds for this heap).
pub async fn release_periodically() {
    let mut every = tokio::time::interval(RELEASE_PERIOD);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        release_free_heap();
    }
}
