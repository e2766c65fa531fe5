//! Supvisors' `update_numprocs` on the local Supervisor (supvisors-core §9.3).

use std::collections::BTreeMap;
use std::path::PathBuf;

use supvisors_rules::context::{HostTable, LoadContext, StaticAccounts};

use super::super::{Event, NumprocsChange, ProcessState, SupvisorsEventKind, SupvisorsNotice};
use super::rpc::{MANUAL, fault_text};
use super::{Harness, exit};

const TWO: &str = "[program:w]\ncommand=/bin/w %(process_num)d\nnumprocs=2\nprocess_name=w_%(process_num)d\nautostart=false\n[group:g1]\nprograms=w\n";
const SHARED: &str = "[program:w]\ncommand=/bin/w %(process_num)d\nnumprocs=1\nprocess_name=w_%(process_num)d\nautostart=false\n[group:g1]\nprograms=w\n[group:g2]\nprograms=w\n";

fn with_ctx<R>(f: impl FnOnce(&LoadContext<'_>) -> R) -> R {
    let (accounts, resolver) = (StaticAccounts::root_only(), HostTable::new());
    let ctx = LoadContext {
        env: BTreeMap::new(),
        host_node_name: "node1".into(),
        cwd: PathBuf::from("/"),
        local_addresses: Vec::new(),
        accounts: &accounts,
        resolver: &resolver,
    };
    f(&ctx)
}

fn update(h: &mut Harness, program: &str, n: i64) -> Result<NumprocsChange, String> {
    let (now, host) = (h.now, &mut h.host);
    let r = with_ctx(|ctx| h.sup.update_numprocs(program, n, ctx, now, host));
    h.drain();
    r.map_err(|f| f.to_string())
}

fn supvisors(body: &str) -> Harness {
    let mut h = Harness::new(body);
    h.sup
        .enable_supvisors(BTreeMap::from([("w".to_string(), true)]));
    h
}

#[test]
fn an_increase_creates_processes_with_events_and_notices() {
    let mut h = supvisors(TWO);
    let change = update(&mut h, "w", 4);
    assert_eq!(
        change,
        Ok(NumprocsChange {
            added: vec!["g1:w_2".into(), "g1:w_3".into()],
            obsolete: Vec::new(),
        })
    );
    let added: Vec<_> = h
        .events()
        .into_iter()
        .filter(|e| e.is_a("PROCESS_ADDED"))
        .collect();
    assert_eq!(
        added.first(),
        Some(&Event::Supvisors {
            kind: SupvisorsEventKind::Added,
            group: "g1".into(),
            name: "w_2".into(),
        })
    );
    assert_eq!(added.len(), 2);
    let notices = h.sup.take_notices();
    let infos: Vec<_> = notices
        .iter()
        .map(|n| match n {
            SupvisorsNotice::ProcessAdded(infos) => {
                infos.iter().map(|i| (i.namespec(), i.disabled)).collect()
            }
            other => panic!("unexpected notice {other:?}"),
        })
        .collect::<Vec<Vec<_>>>();
    assert_eq!(
        infos,
        [
            vec![("g1:w_2".to_string(), true)],
            vec![("g1:w_3".to_string(), true)]
        ]
    );
    // The new processes work like the others, with their own expansion.
    let _ = h.sup.set_program_disabled("w", false, h.now, &mut h.host);
    let (now, host) = (h.now, &mut h.host);
    assert!(h.sup.start_process("g1:w_3", false, now, host).is_ok());
    let argv = h.host.spawns().last().map(|r| r.command.argv.clone());
    assert_eq!(argv, Some(vec!["/bin/w".to_string(), "3".to_string()]));
    assert_eq!(update(&mut h, "w", 4), Ok(NumprocsChange::default()));
}

#[test]
fn an_increase_applies_to_every_group_embedding_the_program() {
    let mut h = supvisors(SHARED);
    let change = update(&mut h, "w", 2).map(|c| c.added);
    assert_eq!(change, Ok(vec!["g1:w_1".to_string(), "g2:w_1".to_string()]));
    assert_eq!(h.state("g2:w_1"), ProcessState::Stopped);
}

#[test]
fn a_refused_configuration_changes_nothing() {
    let mut h = supvisors(MANUAL);
    assert_eq!(
        update(&mut h, "manual", 2),
        Err("SUPVISORS_CONF_ERROR: numprocs not applicable: %(process_num) must be present within process_name when numprocs > 1 in section 'program:manual' (file: 's.conf')".into())
    );
    assert_eq!(h.sup.namespecs(), ["manual"]);
    assert_eq!(
        update(&mut h, "nope", 2),
        Err("BAD_NAME: program nope unknown to Supvisors".into())
    );
    assert_eq!(
        update(&mut h, "manual", 0),
        Err("INCORRECT_PARAMETERS: incorrect value for numprocs: 0 (integer > 0 expected)".into())
    );
    assert!(h.sup.take_notices().is_empty());
}

#[test]
fn a_decrease_lists_then_removes_only_stopped_processes() {
    let mut h = supvisors(TWO);
    let _ = h.sup.set_program_disabled("w", false, h.now, &mut h.host);
    let (now, host) = (h.now, &mut h.host);
    assert!(h.sup.start_process("g1:w_1", false, now, host).is_ok());
    let _ = h.sup.take_notices();
    let change = update(&mut h, "w", 1);
    assert_eq!(change.map(|c| c.obsolete), Ok(vec!["g1:w_1".to_string()]));
    assert_eq!(h.sup.namespecs(), ["g1:w_0", "g1:w_1"]);
    let obsolete = vec!["g1:w_1".to_string()];
    assert_eq!(h.sup.remove_processes(&obsolete), obsolete);
    h.advance(2.0);
    h.exit("g1:w_1", exit(0));
    let _ = h.sup.take_notices();
    assert_eq!(h.sup.remove_processes(&obsolete), Vec::<String>::new());
    h.drain();
    assert_eq!(h.sup.namespecs(), ["g1:w_0"]);
    assert!(h.events().contains(&Event::Supvisors {
        kind: SupvisorsEventKind::Removed,
        group: "g1".into(),
        name: "w_1".into(),
    }));
    assert_eq!(
        h.sup.take_notices(),
        [SupvisorsNotice::ProcessRemoved {
            group: "g1".into(),
            name: "w_1".into()
        }]
    );
    assert_eq!(
        fault_text(h.sup.get_process_info("g1:w_1", h.now, &h.host)),
        "BAD_NAME: g1:w_1"
    );
    // The section keeps the new value: going back to 2 re-creates w_1.
    let again = update(&mut h, "w", 2).map(|c| c.added);
    assert_eq!(again, Ok(vec!["g1:w_1".to_string()]));
}

#[test]
fn a_reread_section_is_the_one_expanded_for_a_re_added_group() {
    let mut h = supvisors(TWO);
    let _ = h.sup.set_program_disabled("w", false, h.now, &mut h.host);
    let reread = TWO.replace("/bin/w ", "/bin/v ");
    assert!(h.sup.reload_config(Ok(super::config(&reread))).is_ok());
    assert_eq!(h.sup.remove_process_group("g1"), Ok(true));
    assert_eq!(h.sup.add_process_group("g1", &mut h.host), Ok(true));
    let added = update(&mut h, "w", 3).map(|c| c.added);
    assert_eq!(added, Ok(vec!["g1:w_2".to_string()]));
    let (now, host) = (h.now, &mut h.host);
    assert!(h.sup.start_process("g1:w_2", false, now, host).is_ok());
    let argv = h.host.spawns().last().map(|r| r.command.argv.clone());
    assert_eq!(argv, Some(vec!["/bin/v".to_string(), "2".to_string()]));
}
