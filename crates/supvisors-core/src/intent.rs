//! What should run: the per-process intent every instance remembers and shares (quirk Q19).
//!
//! The reference only re-plans, at a repair DEPLOYMENT (§7.9), applications that were never
//! started or that carry a failure flag. A failure flag is a memory of the *loss*, and the loss
//! is easily forgotten: a lost master's failures wait for the next master, whose view is
//! reloaded from the rebooted instance's fresh STOPPED information; a handshake loads an
//! unexpected exit as expected (Q12); a start sent to a dying instance fails without a trace.
//! The simulation found start-sequenced processes left stopped everywhere for good that way.
//!
//! Here every instance remembers instead what should run. Absent an explicit record, a
//! start-sequenced process of an auto-start application should run (the DEPLOYMENT intent);
//! user and RPC requests record `Run` (start, restart) or `Stopped` (stop), the running failure
//! strategy STOP_APPLICATION records `Stopped`. Records are shared (broadcast when set, and
//! returned by the handshake, so a new master or a rebooted instance learns them) and merged
//! last-writer-wins on (date, origin), so every instance converges to the same table.

use std::collections::BTreeMap;

use crate::messages::{Identifier, Intent, ProcessIntent};

/// The intent records known by one instance, by (application, process).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Intents {
    records: BTreeMap<(String, String), ProcessIntent>,
}

impl Intents {
    /// Records a local decision dated `now` by `origin`; returns the record to broadcast.
    pub fn set(
        &mut self,
        (group, name): (&str, &str),
        intent: Intent,
        now: f64,
        origin: &Identifier,
    ) -> ProcessIntent {
        let record = ProcessIntent {
            group: group.to_owned(),
            name: name.to_owned(),
            intent,
            when: now,
            origin: origin.clone(),
        };
        self.merge(record.clone());
        record
    }

    /// Keeps `record` when it is newer than the known one (date, then origin); true if kept.
    pub fn merge(&mut self, record: ProcessIntent) -> bool {
        let key = (record.group.clone(), record.name.clone());
        use std::cmp::Ordering::{Equal, Greater};
        let newer = match self.records.get(&key) {
            None => !record.when.is_nan(),
            // a NaN date compares as None: it never replaces a record
            Some(known) => match record.when.partial_cmp(&known.when) {
                Some(Equal) => record.origin > known.origin,
                order => order == Some(Greater),
            },
        };
        if newer {
            self.records.insert(key, record);
        }
        newer
    }

    /// The explicit intent recorded for a process, None when nothing was decided.
    pub fn get(&self, group: &str, name: &str) -> Option<Intent> {
        self.records
            .get(&(group.to_owned(), name.to_owned()))
            .map(|r| r.intent)
    }

    /// True unless the process was stopped on purpose (by request or by STOP_APPLICATION).
    pub fn may_run(&self, group: &str, name: &str) -> bool {
        self.get(group, name) != Some(Intent::Stopped)
    }

    /// Every record, as the handshake returns them.
    pub fn records(&self) -> Vec<ProcessIntent> {
        self.records.values().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(intent: Intent, when: f64, origin: &str) -> ProcessIntent {
        ProcessIntent {
            group: "app".into(),
            name: "p".into(),
            intent,
            when,
            origin: origin.into(),
        }
    }

    #[test]
    fn newer_record_wins_whatever_the_arrival_order() {
        let (old, new) = (
            record(Intent::Stopped, 10.0, "b"),
            record(Intent::Run, 20.0, "a"),
        );
        let mut x = Intents::default();
        assert!(x.merge(old.clone()));
        assert!(x.merge(new.clone()));
        let mut y = Intents::default();
        assert!(y.merge(new));
        assert!(!y.merge(old));
        assert_eq!(x, y);
        assert_eq!(x.get("app", "p"), Some(Intent::Run));
    }

    #[test]
    fn same_date_is_settled_by_the_origin_and_nan_is_ignored() {
        let mut x = Intents::default();
        x.merge(record(Intent::Run, 10.0, "b"));
        assert!(!x.merge(record(Intent::Stopped, 10.0, "a")));
        assert!(x.merge(record(Intent::Stopped, 10.0, "c")));
        assert!(!x.merge(record(Intent::Run, f64::NAN, "d")));
        assert!(!x.may_run("app", "p"));
        assert!(x.may_run("app", "other"));
    }
}
