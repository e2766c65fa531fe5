//! Offering events to listener pools (serials, re-buffering) and dispatching buffered events.

use std::sync::Arc;

use super::events::Event;
use super::host::Host;
use super::listener::{Buffered, Candidate, dispatch};
use super::output::{Notice, Sink};
use super::state::Level;
use super::supervisor::Supervisor;

impl Supervisor {
    /// Offers pending events to the pools (assigning serials) and re-buffers rejected ones.
    pub(crate) fn flush(&mut self) {
        while !self.sink.notices.is_empty() {
            let notices = std::mem::take(&mut self.sink.notices);
            for notice in notices {
                match notice {
                    Notice::Event(event) => self.offer(&event),
                    Notice::Rejected { process, event } => {
                        for g in &mut self.groups {
                            if g.processes.iter().any(|p| p.id == process)
                                && let Some(pool) = &mut g.pool
                            {
                                sink_debug_rebuffer(&mut self.sink, &g.config.name, &event);
                                pool.accept(&g.config.name, event, true, &mut self.sink);
                                break;
                            }
                        }
                    }
                }
            }
        }
    }

    fn offer(&mut self, event: &Arc<Event>) {
        let mut serial: Option<u64> = None;
        for g in &mut self.groups {
            let Some(pool) = &mut g.pool else { continue };
            let mut poolserial: Option<u64> = None;
            // One callback per subscribed type: a pool subscribed to a type and its parent
            // buffers the event twice, as the reference does.
            for sub in pool.events.clone() {
                if !event.is_a(&sub) {
                    continue;
                }
                let s = *serial.get_or_insert_with(|| {
                    self.global_serial += 1;
                    u64::try_from(self.global_serial).unwrap_or(0)
                });
                let ps = match poolserial {
                    Some(ps) => {
                        sink_debug_rebuffer_serial(&mut self.sink, &g.config.name, s);
                        ps
                    }
                    None => *poolserial.insert(pool.next_serial()),
                };
                let buffered = Buffered {
                    event: Arc::clone(event),
                    serial: s,
                    poolserial: ps,
                };
                pool.accept(&g.config.name, buffered, false, &mut self.sink);
            }
        }
    }

    pub(crate) fn dispatch_pool(&mut self, gi: usize, host: &mut dyn Host) {
        let Some(g) = self.groups.get_mut(gi) else {
            return;
        };
        let name = g.config.name.clone();
        let Some(pool) = &mut g.pool else { return };
        let mut listeners: Vec<Candidate<'_>> = g
            .processes
            .iter_mut()
            .filter_map(|p| {
                let (pid, state) = (p.pid, p.state);
                let pname = p.config.name.as_str();
                p.listener.as_mut().map(|io| Candidate {
                    pid,
                    name: pname,
                    state,
                    io,
                })
            })
            .collect();
        dispatch(
            pool,
            &name,
            &self.identifier,
            &mut listeners,
            host,
            &mut self.sink,
        );
    }
}

fn sink_debug_rebuffer(sink: &mut Sink, pool: &str, event: &Buffered) {
    sink_debug_rebuffer_serial(sink, pool, event.serial);
}

fn sink_debug_rebuffer_serial(sink: &mut Sink, pool: &str, serial: u64) {
    sink.log(
        Level::Debug,
        format!("rebuffering event {serial} for pool {pool}"),
    );
}
