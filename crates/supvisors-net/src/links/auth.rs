//! Admission of a subscriber: the challenge nonce, the shared-secret proof and the checks made
//! on its HELLO.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::LinksConfig;
use crate::wire::PbHello;

type HmacSha256 = Hmac<Sha256>;

/// Length of the challenge nonce: fixed, so `nonce ‖ identifier` is unambiguous.
pub(crate) const NONCE_LENGTH: usize = 16;

/// Fresh random bytes for one challenge.
///
/// They come from the operating system, not from a seeded generator: a nonce that can be
/// predicted lets a recorded proof be replayed.
pub(crate) fn nonce() -> std::io::Result<[u8; NONCE_LENGTH]> {
    let mut bytes = [0u8; NONCE_LENGTH];
    getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(bytes)
}

fn mac(secret: &str, nonce: &[u8], identifier: &str) -> Option<HmacSha256> {
    // HMAC accepts keys of any length, so this never fails; None is only a formal branch.
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).ok()?;
    mac.update(nonce);
    mac.update(identifier.as_bytes());
    Some(mac)
}

/// HMAC-SHA256(secret, nonce ‖ identifier).
pub(crate) fn proof(secret: &str, nonce: &[u8], identifier: &str) -> Vec<u8> {
    mac(secret, nonce, identifier)
        .map(|m| m.finalize().into_bytes().to_vec())
        .unwrap_or_default()
}

/// Decides whether a HELLO opens a link; the error is the reason sent back (never the secret).
pub(crate) fn check_hello(
    cfg: &LinksConfig,
    nonce: &[u8],
    hello: &PbHello,
    isolated: bool,
) -> Result<(), String> {
    let who = &hello.identifier;
    if !cfg.peers.iter().any(|p| &p.identifier == who) {
        return Err(format!(
            "unknown instance {who:?}: not in the supvisors_list of {}",
            cfg.local
        ));
    }
    if let Some(secret) = &cfg.secret {
        if hello.proof.is_empty() {
            return Err(format!(
                "missing proof: {} requires internal_secret and {who} gave none",
                cfg.local
            ));
        }
        // Constant-time comparison, so timing tells nothing about the expected proof.
        let valid = mac(secret, nonce, who).is_some_and(|m| m.verify_slice(&hello.proof).is_ok());
        if !valid {
            return Err(format!(
                "wrong proof: internal_secret of {who} differs from the one of {}",
                cfg.local
            ));
        }
    }
    if isolated {
        return Err(format!("instance {who} is isolated by {}", cfg.local));
    }
    let local_ms = tick_period_ms(cfg);
    if hello.tick_period_ms != local_ms {
        return Err(format!(
            "tick_period mismatch: instance {who} uses {} s, this instance ({}) {} s",
            seconds(hello.tick_period_ms),
            cfg.local,
            seconds(local_ms)
        ));
    }
    Ok(())
}

/// The tick period as sent in HELLO.
pub(crate) fn tick_period_ms(cfg: &LinksConfig) -> u64 {
    u64::try_from(cfg.tick_period.as_millis()).unwrap_or(u64::MAX)
}

fn seconds(ms: u64) -> String {
    // Precision loss only above 2^53 ms, far beyond any tick period.
    #[allow(clippy::cast_precision_loss)]
    let secs = ms as f64 / 1000.0;
    format!("{secs}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::links::PeerAddress;
    use std::time::Duration;

    fn config(secret: Option<&str>) -> LinksConfig {
        let mut cfg = LinksConfig::new(
            "x",
            "127.0.0.1:0".parse().unwrap(),
            vec![
                PeerAddress::new("x", "127.0.0.1", 1),
                PeerAddress::new("a", "127.0.0.1", 2),
            ],
            Duration::from_secs(5),
        );
        cfg.secret = secret.map(str::to_owned);
        cfg
    }

    fn hello(identifier: &str, tick_ms: u64, proof: Vec<u8>) -> PbHello {
        PbHello {
            identifier: identifier.into(),
            tick_period_ms: tick_ms,
            proof,
        }
    }

    #[test]
    fn tick_period_mismatch_names_both_periods() {
        let err = check_hello(&config(None), b"n", &hello("a", 500, vec![]), false).unwrap_err();
        assert_eq!(
            err,
            "tick_period mismatch: instance a uses 0.5 s, this instance (x) 5 s"
        );
    }

    #[test]
    fn secret_proof_is_checked_and_never_echoed() {
        let cfg = config(Some("s3cr3t"));
        let good = proof("s3cr3t", b"nonce", "a");
        assert_eq!(
            check_hello(&cfg, b"nonce", &hello("a", 5000, good), false),
            Ok(())
        );
        let bad = proof("other", b"nonce", "a");
        let err = check_hello(&cfg, b"nonce", &hello("a", 5000, bad), false).unwrap_err();
        assert!(err.starts_with("wrong proof"), "{err}");
        assert!(!err.contains("s3cr3t"));
        // A proof made for another nonce (replay) is refused too.
        let replay = proof("s3cr3t", b"old", "a");
        assert!(check_hello(&cfg, b"nonce", &hello("a", 5000, replay), false).is_err());
        let err = check_hello(&cfg, b"nonce", &hello("a", 5000, vec![]), false).unwrap_err();
        assert!(err.starts_with("missing proof"), "{err}");
    }

    #[test]
    fn unknown_and_isolated_instances_are_refused() {
        let cfg = config(None);
        let err = check_hello(&cfg, b"n", &hello("z", 5000, vec![]), false).unwrap_err();
        assert!(err.starts_with("unknown instance"), "{err}");
        let err = check_hello(&cfg, b"n", &hello("a", 5000, vec![]), true).unwrap_err();
        assert_eq!(err, "instance a is isolated by x");
    }

    #[test]
    fn nonces_differ() {
        assert_ne!(nonce().unwrap(), nonce().unwrap());
    }
}
