//! Starting the Python reference cluster, around a race of Supvisors 0.15.
//!
//! Supvisors 0.15 drops the state events of an instance it has not authorized yet. A
//! non-master that authorizes the master after the master's last transition enters DEPLOYMENT
//! by itself, then waits there for the master's next state event, which never comes: seen on a
//! loaded machine, n2 in DEPLOYMENT for good while n1 (the master) and n3 were in OPERATION.
//! That is the reference's defect, not something the differential tests compare (our engine
//! takes the master's state from the handshake), so such a cluster is started anew.

use std::time::{Duration, Instant};

use super::{Cluster, ClusterSpec, Subject};

/// How long a non-master may stay in DEPLOYMENT while its master is in OPERATION: it follows
/// the master's state event within milliseconds, so two default ticks mean it never will.
const STUCK: Duration = Duration::from_secs(10);

/// Fresh starts before giving up.
const ATTEMPTS: usize = 3;

/// Starts `spec` on Python Supvisors 0.15 and waits (at most `patience` per attempt) until
/// every instance is in OPERATION; a cluster stuck by the race above is stopped and started
/// again, on other ports and directories.
pub fn start_reference(spec: &ClusterSpec, patience: Duration) -> Cluster {
    for attempt in 1..ATTEMPTS {
        let cluster = Cluster::start(Subject::Python, spec.clone());
        match wait_operation(&cluster, patience) {
            None => return cluster,
            Some(stuck) => eprintln!(
                "python cluster, attempt {attempt}: {stuck} (race of Supvisors 0.15), started anew"
            ),
        }
    }
    let cluster = Cluster::start(Subject::Python, spec.clone());
    cluster.wait_all_state("OPERATION", patience);
    cluster
}

/// None once every instance is in OPERATION; the stuck instance when the race is seen.
/// Panics with every log after `patience`, like [`Cluster::wait_until`].
fn wait_operation(cluster: &Cluster, patience: Duration) -> Option<String> {
    let mut stuck_since: Option<(String, Instant)> = None;
    let mut found = None;
    cluster.wait_until(patience, "every instance in OPERATION", |c| {
        let states: Vec<(String, Option<String>)> = c
            .running()
            .into_iter()
            .map(|id| {
                let state = c.state(&id);
                (id, state)
            })
            .collect();
        if states
            .iter()
            .all(|(_, s)| s.as_deref() == Some("OPERATION"))
        {
            return true;
        }
        let behind = states.iter().find_map(|(id, state)| {
            let master = c.master(id).filter(|m| !m.is_empty() && m != id)?;
            let master_state = states.iter().find(|(i, _)| *i == master)?.1.as_deref();
            (state.as_deref() == Some("DEPLOYMENT") && master_state == Some("OPERATION"))
                .then(|| id.clone())
        });
        match (behind, &stuck_since) {
            (Some(id), Some((since_id, since))) if *since_id == id => {
                if since.elapsed() >= STUCK {
                    found = Some(format!(
                        "{id} in DEPLOYMENT for {STUCK:?} while its master is in OPERATION"
                    ));
                    return true;
                }
            }
            (Some(id), _) => stuck_since = Some((id, Instant::now())),
            (None, _) => stuck_since = None,
        }
        false
    });
    found
}
