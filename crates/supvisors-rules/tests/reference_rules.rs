//! The reference's `my_movies.xml` (Supvisors 0.15 test configuration), resolved for a set of
//! local processes, gives the rules its documentation describes.

mod common;

use std::path::{Path, PathBuf};

use supvisors_core::enums::{
    DistributionRules, RunningFailureStrategies, StartingFailureStrategies, StartingStrategies,
};
use supvisors_rules::error::Severity;
use supvisors_rules::rules_xml::{
    LocalProcess, ResolvedRules, load_rules, resolve_rules, rules_engine_for,
};
use supvisors_rules::supvisors_options::SupvisorsOptions;

fn my_movies() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/reference/my_movies.xml")
}

fn options() -> SupvisorsOptions {
    let entries = vec![
        (
            "supvisors_list".to_owned(),
            "supv-01,rocky52:60000:,supv-03,rocky54".to_owned(),
            2,
        ),
        ("starting_strategy".to_owned(), "LESS_LOADED".to_owned(), 3),
    ];
    common::options(&entries, "supv-01", Path::new("/etc/supervisord.conf")).expect("valid options")
}

fn local(group: &str, name: &str, procnumber: usize) -> LocalProcess {
    LocalProcess {
        group: group.to_owned(),
        process_name: name.to_owned(),
        program_name: name
            .trim_end_matches(|c: char| c.is_ascii_digit() || c == '_')
            .to_owned(),
        procnumber,
        autorestart_enabled: true,
    }
}

fn resolved() -> ResolvedRules {
    let engine = load_rules(&[my_movies()]).expect("my_movies.xml is valid");
    let processes = vec![
        local("import_database", "mount_disk_00", 0),
        local("import_database", "mount_disk_01", 1),
        local("import_database", "copy_error", 0),
        local("database", "movie_server_01", 0),
        local("database", "movie_server_02", 1),
        local("database", "register_movies_02", 2),
        local("my_movies", "manager", 0),
        local("my_movies", "web_server", 0),
        local("my_movies", "hmi", 0),
        local("my_movies", "disk_01_reader", 0),
        local("my_movies", "disk_02_reader", 0),
        local("my_movies", "error_disk_01_reader", 0),
        local("my_movies", "converter_04", 4),
        local("my_movies", "converter_05", 5),
        local("my_movies", "converter_14", 14),
        local("player", "test_reader", 0),
        local("web_movies", "web_browser", 0),
        local("disk_reader_81", "disk_reader_81", 0),
        local("unknown_app", "anything", 0),
    ];
    resolve_rules(Some(&engine), &options(), &processes)
}

fn s(items: &[&str]) -> Vec<String> {
    items.iter().map(|i| (*i).to_owned()).collect()
}

#[test]
fn my_movies_applications() {
    let r = resolved();
    let app = |n: &str| r.applications.get(n).unwrap_or_else(|| panic!("{n}"));
    let import = app("import_database");
    assert!(import.managed);
    assert_eq!((import.start_sequence, import.stop_sequence), (2, 2));
    assert_eq!(
        import.starting_failure_strategy,
        StartingFailureStrategies::Stop
    );
    assert_eq!(
        import.starting_strategy,
        StartingStrategies::LessLoaded,
        "option value by default"
    );
    let movies = app("my_movies");
    assert_eq!(
        (movies.start_sequence, movies.starting_strategy),
        (4, StartingStrategies::Config)
    );
    let player = app("player");
    assert_eq!(player.distribution, DistributionRules::SingleInstance);
    assert_eq!(player.identifiers, s(&["supv-01", "supv-03"]));
    assert_eq!(
        (player.start_sequence, player.starting_strategy),
        (5, StartingStrategies::MostLoaded)
    );
    let web = app("web_movies");
    assert_eq!((web.start_sequence, web.stop_sequence), (6, 2));
    assert_eq!(web.starting_strategy, StartingStrategies::LessLoadedNode);
    assert_eq!(app("disk_reader_81").start_sequence, 1);
    let unknown = app("unknown_app");
    assert!(!unknown.managed);
    assert_eq!((unknown.start_sequence, unknown.stop_sequence), (0, 0));
}

#[test]
fn my_movies_programs() {
    let r = resolved();
    let p = |n: &str| r.processes.get(n).unwrap_or_else(|| panic!("{n}"));
    // `distribute_sublist` = `#,rocky52:60000,supv-03,rocky54`: procnumber 1 → supv-03.
    let disk = p("import_database:mount_disk_01");
    assert_eq!(disk.identifiers, s(&["supv-03"]));
    assert_eq!(
        disk.hash_identifiers,
        s(&["rocky52:60000", "supv-03", "rocky54"])
    );
    assert!(disk.required);
    assert_eq!(
        disk.starting_failure_strategy,
        StartingFailureStrategies::Stop,
        "inherited"
    );
    assert_eq!(
        p("import_database:mount_disk_00").identifiers,
        s(&["rocky52:60000"])
    );
    let copy = p("import_database:copy_error");
    assert_eq!(
        (copy.start_sequence, copy.stop_sequence, copy.wait_exit),
        (2, 2, true)
    );
    assert_eq!(
        (copy.identifiers.clone(), copy.expected_load),
        (s(&["supv-01"]), 25)
    );
    // `#` over all instances by procnumber.
    assert_eq!(p("database:movie_server_01").identifiers, s(&["supv-01"]));
    assert_eq!(
        p("database:movie_server_02").identifiers,
        s(&["rocky52:60000"])
    );
    assert_eq!(
        p("database:register_movies_02").identifiers,
        s(&["supv-01"])
    );
    let manager = p("my_movies:manager");
    assert_eq!((manager.start_sequence, manager.stop_sequence), (1, 3));
    assert_eq!(
        manager.running_failure_strategy,
        RunningFailureStrategies::RestartApplication
    );
    let hmi = p("my_movies:hmi");
    assert_eq!(
        hmi.identifiers,
        s(&["rocky52:60000", "supv-01"]),
        "alias consoles, written order"
    );
    assert_eq!((hmi.start_sequence, hmi.stop_sequence), (3, 1));
    // Models: disk_02 references disk_01 and overrides its identifiers.
    let d1 = p("my_movies:disk_01_reader");
    assert_eq!(
        (d1.identifiers.clone(), d1.expected_load),
        (s(&["supv-01"]), 5)
    );
    let d2 = p("my_movies:disk_02_reader");
    assert_eq!(
        (d2.identifiers.clone(), d2.expected_load),
        (s(&["rocky52:60000"]), 5)
    );
    // `error_disk_` (11 chars) beats `disk_01_` (8 chars).
    assert_eq!(p("my_movies:error_disk_01_reader").identifiers, s(&["*"]));
    // Exact names beat the `^converter_\d+$` pattern.
    let c4 = p("my_movies:converter_04");
    assert_eq!(
        (c4.identifiers.clone(), c4.expected_load),
        (s(&["supv-03", "supv-01"]), 20)
    );
    assert_eq!(p("my_movies:converter_05").identifiers, s(&["*"]));
    assert_eq!(
        p("my_movies:converter_14").running_failure_strategy,
        RunningFailureStrategies::Restart
    );
    let reader = p("player:test_reader");
    assert!(reader.required && reader.wait_exit);
    let browser = p("web_movies:web_browser");
    assert_eq!(
        browser.running_failure_strategy,
        RunningFailureStrategies::RestartProcess
    );
    // Supervisor's namespec: a process named like its group is named alone.
    assert_eq!(p("disk_reader_81").start_sequence, 0);
}

#[test]
fn my_movies_application_level_strategies_force_autorestart_off() {
    let r = resolved();
    assert_eq!(
        r.autorestart_forced_off,
        s(&["my_movies:manager", "my_movies:hmi"])
    );
}

#[test]
fn no_rules_engine_leaves_stop_sequences_unset() {
    let r = resolve_rules(None, &options(), &[local("my_movies", "manager", 0)]);
    assert_eq!(r.applications["my_movies"].stop_sequence, -1);
    assert_eq!(
        r.applications["my_movies"].starting_strategy,
        StartingStrategies::Config
    );
    assert_eq!(r.processes["my_movies:manager"].stop_sequence, -1);
    assert!(r.autorestart_forced_off.is_empty() && r.reports.is_empty());
}

#[test]
fn empty_rules_engine_makes_every_application_unmanaged() {
    let engine = load_rules(&[]).expect("no file is an empty engine");
    let r = resolve_rules(
        Some(&engine),
        &options(),
        &[local("my_movies", "manager", 0)],
    );
    let app = &r.applications["my_movies"];
    assert!(!app.managed);
    assert_eq!(
        (app.stop_sequence, app.starting_strategy),
        (0, StartingStrategies::LessLoaded)
    );
    assert_eq!(r.processes["my_movies:manager"].stop_sequence, 0);
}

#[test]
fn engine_from_options_none_when_unset_or_invalid() {
    let mut opts = options();
    assert!(opts.rules_files.is_none());
    let (engine, reports) = rules_engine_for(&opts);
    assert!(engine.is_none() && reports.is_empty());
    opts.rules_files = Some(vec![my_movies()]);
    let (engine, reports) = rules_engine_for(&opts);
    assert!(engine.is_some() && reports.is_empty());
    let bad = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/invalid/rules/boolean_yes.xml");
    opts.rules_files = Some(vec![my_movies(), bad]);
    let (engine, reports) = rules_engine_for(&opts);
    assert!(engine.is_none());
    assert!(reports.iter().all(|r| r.severity == Severity::Warning));
    assert!(
        reports[0]
            .problem
            .starts_with("Supvisors: cannot parse rules files:")
    );
}

#[test]
fn item_28_schema_invalid_file_discards_the_engine_and_every_application_is_unmanaged() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/invalid/rules");
    let mut opts = options();
    for bad in [
        "removed_distributed",
        "program_under_application",
        "start_sequence_out_of_range",
        "expected_loading_101",
        "boolean_yes",
        "duplicate_element",
    ] {
        opts.rules_files = Some(vec![my_movies(), dir.join(format!("{bad}.xml"))]);
        let (engine, reports) = rules_engine_for(&opts);
        assert!(engine.is_none(), "{bad}");
        assert!(!reports.is_empty(), "{bad}");
        let r = resolve_rules(engine.as_ref(), &opts, &[local("my_movies", "manager", 0)]);
        assert!(!r.applications["my_movies"].managed, "{bad}");
    }
}
