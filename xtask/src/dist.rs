//! `cargo xtask dist`: the shipped binaries, `supvisorsd` and `supvisorsctl`, built the way they
//! are meant to run: statically linked and optimised for size (`[profile.dist]`).
//!
//! Why: an idle daemon's resident memory is mostly its own code. Measured on the three-instance
//! cluster of `bench --cluster` (15 programs each): 9.3 MB per daemon with the dynamically
//! linked `release` build (4.7 MB of executable pages, 2.3 MB of libc, libm and ld.so), 6.8 MB
//! static, 6.2 MB static without position independence (no relocation pass at start, which
//! touched every page of `.rela.dyn` and dirtied `.data.rel.ro`), 5.7 MB with `opt-level = "z"`
//! on top. The demo and the daemon benchmarks run these binaries.
//!
//! Linked against glibc (the only C library of this toolchain): user and host lookups go
//! through NSS, which a static glibc still loads at run time from the system's libraries.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

/// The cargo profile of the shipped binaries.
const PROFILE: &str = "dist";

/// Builds `bins` of `supvisors-cli` with [`PROFILE`]; returns the directory holding them.
pub fn build(root: &Path, bins: &[&str]) -> Result<PathBuf> {
    let target = host_triple()?;
    let mut args = vec![
        "build",
        "--profile",
        PROFILE,
        "-p",
        "supvisors-cli",
        // An explicit target keeps the flags below off build scripts and proc-macros, which
        // cannot be linked statically, and keeps these objects apart from the other builds.
        "--target",
        &target,
    ];
    for bin in bins {
        args.extend(["--bin", bin]);
    }
    eprintln!("xtask: cargo {} (static)", args.join(" "));
    let status = Command::new("cargo")
        .args(&args)
        .env("RUSTFLAGS", static_flags(&target))
        .current_dir(root)
        .status()
        .context("cannot run cargo")?;
    if !status.success() {
        bail!("cargo {} failed: {status}", args.join(" "));
    }
    Ok(crate::target_dir(root).join(&target).join(PROFILE))
}

/// Static, position-dependent executables where the target allows it (Linux, glibc or musl).
fn static_flags(target: &str) -> &'static str {
    if target.contains("-linux-") {
        "-C target-feature=+crt-static -C relocation-model=static"
    } else {
        ""
    }
}

/// The triple rustc builds for by default (`host:` of `rustc -vV`).
fn host_triple() -> Result<String> {
    let out = Command::new("rustc")
        .arg("-vV")
        .output()
        .context("cannot run rustc -vV")?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(str::to_owned)
        .context("rustc -vV printed no host line")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_linux_targets_are_linked_statically() {
        assert!(static_flags("x86_64-unknown-linux-gnu").contains("+crt-static"));
        assert!(static_flags("aarch64-unknown-linux-musl").contains("relocation-model=static"));
        assert_eq!(static_flags("x86_64-apple-darwin"), "");
    }

    #[test]
    fn the_host_triple_is_known() {
        let triple = host_triple().expect("rustc answers");
        assert!(triple.split('-').count() >= 3, "{triple}");
    }
}
