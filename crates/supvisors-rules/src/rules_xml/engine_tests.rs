//! Tests of look-ups, models and post-processing (checklist §11.2), on the reference's
//! `XmlTest` document (tests/fixtures/reference/xml_test.xml) and small documents.

use std::path::Path;

use supvisors_core::enums::{
    DistributionRules, RunningFailureStrategies, StartingFailureStrategies, StartingStrategies,
};
use supvisors_core::rules::{ApplicationRules, ProcessRules};

use super::resolve::LocalProcess;
use super::*;
use crate::error::Severity;

const XML_TEST: &str = include_str!("../../tests/fixtures/reference/xml_test.xml");

fn ids() -> Vec<String> {
    [
        "10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "host", "test",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect()
}

fn s(items: &[&str]) -> Vec<String> {
    items.iter().map(|i| (*i).to_owned()).collect()
}

fn engine(text: &str) -> RulesEngine {
    load_rules_from_str(text, Path::new("rules.xml")).unwrap_or_else(|e| panic!("{e:#?}"))
}

fn local(group: &str, name: &str, procnumber: usize, autorestart: bool) -> LocalProcess {
    LocalProcess {
        group: group.into(),
        process_name: name.into(),
        program_name: name.into(),
        procnumber,
        autorestart_enabled: autorestart,
    }
}

fn app(e: &RulesEngine, name: &str) -> (ApplicationRules, Vec<ConfigError>) {
    e.application_rules(name, &ids(), StartingStrategies::Config)
}

/// Program rules as test_sparser loads them: from fresh rules (no application inheritance).
fn prg(
    e: &RulesEngine,
    group: &str,
    process: &str,
    local: &[LocalProcess],
) -> resolve::ProcessResolution {
    e.process_rules(
        group,
        process,
        &ApplicationRules::unmanaged(StartingStrategies::Config),
        &ids(),
        local,
    )
}

#[allow(clippy::too_many_arguments)]
fn check(
    r: &ProcessRules,
    identifiers: &[&str],
    hash: &[&str],
    start: i32,
    stop: i32,
    required: bool,
    wait: bool,
    load: u8,
    running: RunningFailureStrategies,
) {
    assert_eq!(r.identifiers, s(identifiers), "identifiers");
    assert_eq!(r.hash_identifiers, s(hash), "hash");
    assert_eq!(
        (r.start_sequence, r.stop_sequence),
        (start, stop),
        "sequences"
    );
    assert_eq!(
        (r.required, r.wait_exit, r.expected_load),
        (required, wait, load)
    );
    assert_eq!(r.running_failure_strategy, running);
}

#[test]
fn item_32_unknown_application_is_unmanaged_with_option_strategy() {
    let e = engine(XML_TEST);
    let (r, _) = e.application_rules(
        "dummy_application_X",
        &ids(),
        StartingStrategies::LessLoaded,
    );
    assert!(!r.managed);
    assert_eq!((r.start_sequence, r.stop_sequence), (0, 0));
    assert_eq!(r.starting_strategy, StartingStrategies::LessLoaded);
    assert_eq!(r.identifiers, s(&["*"]));
}

#[test]
fn reference_applications_resolve_as_test_sparser_expects() {
    let e = engine(XML_TEST);
    let (a, _) = app(&e, "dummy_application_A");
    assert!(a.managed);
    assert_eq!((a.start_sequence, a.stop_sequence), (0, 0));
    let (b, _) = app(&e, "dummy_application_B");
    assert_eq!(b.distribution, DistributionRules::SingleNode);
    assert_eq!((b.start_sequence, b.stop_sequence), (1, 4));
    assert_eq!(b.starting_failure_strategy, StartingFailureStrategies::Stop);
    assert_eq!(
        b.running_failure_strategy,
        RunningFailureStrategies::RestartProcess
    );
    let (c, _) = app(&e, "dummy_application_C");
    assert_eq!(
        (c.start_sequence, c.stop_sequence, c.starting_strategy),
        (20, 0, StartingStrategies::Local)
    );
    let (d, reports) = app(&e, "dummy_application_D");
    assert_eq!(d.distribution, DistributionRules::SingleInstance);
    assert_eq!(d.identifiers, s(&["10.0.0.1", "10.0.0.5"]));
    assert_eq!((d.start_sequence, d.stop_sequence), (0, 100));
    assert_eq!(
        d.running_failure_strategy,
        RunningFailureStrategies::Shutdown
    );
    assert!(
        reports
            .iter()
            .any(|r| r.problem.contains("expected integer >= 0")),
        "{reports:?}"
    );
    let (ee, _) = app(&e, "dummy_application_E");
    assert_eq!(ee.starting_strategy, StartingStrategies::MostLoaded);
}

#[test]
fn reference_programs_resolve_as_test_sparser_expects() {
    use RunningFailureStrategies as R;
    let e = engine(XML_TEST);
    let locals = [
        local("dummy_application_B", "dummy_program_B1", 2, true),
        local("dummy_application_C", "dummy_program_C3", 0, true),
        local("dummy_application_D", "dummies_01_any", 1, true),
        local("dummy_application_B", "dummy_program_B3", 0, true),
    ];
    let p = |g: &str, n: &str| prg(&e, g, n, &locals).rules;
    check(
        &p("dummy_application_X", "dummy_program_X0"),
        &["*"],
        &[],
        0,
        0,
        false,
        false,
        0,
        R::Continue,
    );
    check(
        &p("dummy_application_A", "dummy_program_A0"),
        &["*"],
        &[],
        0,
        0,
        false,
        false,
        0,
        R::Continue,
    );
    check(
        &p("dummy_application_A", "dummy_program_B1"),
        &["*"],
        &[],
        0,
        0,
        false,
        false,
        0,
        R::Continue,
    );
    check(
        &p("dummy_application_B", "dummy_program_B0"),
        &["*"],
        &[],
        0,
        0,
        false,
        false,
        0,
        R::Continue,
    );
    // `#` over all identifiers with procnumber 2 → 10.0.0.3.
    check(
        &p("dummy_application_B", "dummy_program_B1"),
        &["10.0.0.3"],
        &["*"],
        3,
        50,
        true,
        false,
        5,
        R::Continue,
    );
    check(
        &p("dummy_application_B", "dummy_program_B2"),
        &["10.0.0.3"],
        &[],
        0,
        0,
        false,
        false,
        0,
        R::RestartProcess,
    );
    check(
        &p("dummy_application_B", "dummy_program_B3"),
        &["*"],
        &[],
        0,
        0,
        false,
        false,
        100,
        R::StopApplication,
    );
    let b4 = &["10.0.0.3", "10.0.0.1", "10.0.0.5"];
    check(
        &p("dummy_application_B", "dummy_program_B4"),
        b4,
        &[],
        0,
        0,
        false,
        false,
        0,
        R::RestartApplication,
    );
    check(
        &p("dummy_application_C", "dummy_program_C0"),
        &["*"],
        &[],
        0,
        0,
        false,
        false,
        0,
        R::Continue,
    );
    check(
        &p("dummy_application_C", "dummy_program_C1"),
        &["*"],
        &[],
        0,
        0,
        false,
        false,
        0,
        R::Continue,
    );
    check(
        &p("dummy_application_C", "dummy_program_C2"),
        &["*"],
        &[],
        0,
        0,
        false,
        false,
        25,
        R::StopApplication,
    );
    check(
        &p("dummy_application_C", "dummy_program_C3"),
        &["10.0.0.1"],
        &["*"],
        1,
        1,
        true,
        true,
        0,
        R::Continue,
    );
    let d = "dummy_application_D";
    check(
        &p(d, "dummies_any"),
        &["10.0.0.4", "10.0.0.2"],
        &[],
        50,
        100,
        false,
        false,
        10,
        R::Continue,
    );
    let hash = &["10.0.0.1", "10.0.0.5"];
    check(
        &p(d, "dummies_01_any"),
        &["10.0.0.5"],
        hash,
        1,
        1,
        false,
        true,
        75,
        R::Continue,
    );
    check(
        &p(d, "any_dummies_02_"),
        &["*"],
        &[],
        0,
        0,
        false,
        false,
        20,
        R::StopApplication,
    );
}

#[test]
fn item_18_chain_program_m5_m4_m1_stops_at_budget_with_warning() {
    let e = engine(XML_TEST);
    let res = prg(&e, "dummy_application_E", "dummy_program_E", &[]);
    check(
        &res.rules,
        &["*"],
        &[],
        0,
        0,
        false,
        false,
        15,
        RunningFailureStrategies::Continue,
    );
    assert!(
        res.reports
            .iter()
            .any(|r| r.problem.contains("Maximum number 3 of references reached"))
    );
}

#[test]
fn item_29_program_strategies_default_to_the_application_ones() {
    let e = engine(XML_TEST);
    let (d, _) = app(&e, "dummy_application_D");
    let res = e.process_rules("dummy_application_D", "dummies_any", &d, &ids(), &[]);
    assert_eq!(
        res.rules.running_failure_strategy,
        RunningFailureStrategies::Shutdown
    );
    assert_eq!(
        res.rules.starting_failure_strategy,
        StartingFailureStrategies::Continue
    );
    let (b, _) = app(&e, "dummy_application_B");
    let res = e.process_rules("dummy_application_B", "dummy_program_B1", &b, &ids(), &[]);
    assert_eq!(
        res.rules.running_failure_strategy,
        RunningFailureStrategies::Continue
    );
    assert_eq!(
        res.rules.starting_failure_strategy,
        StartingFailureStrategies::Stop
    );
}

#[test]
fn item_24_hash_on_a_process_unknown_locally_resets_start_sequence() {
    let e = engine(XML_TEST);
    let res = prg(&e, "dummy_application_B", "dummy_program_B1", &[]);
    check(
        &res.rules,
        &[],
        &["*"],
        0,
        50,
        true,
        false,
        5,
        RunningFailureStrategies::Continue,
    );
    assert!(
        res.reports
            .iter()
            .any(|r| r.problem.contains("cannot apply \"#\" to unknown program"))
    );
}

#[test]
fn item_30_application_level_strategy_forces_local_autorestart_off() {
    let e = engine(XML_TEST);
    let on = [local("dummy_application_B", "dummy_program_B3", 0, true)];
    assert!(prg(&e, "dummy_application_B", "dummy_program_B3", &on).autorestart_forced_off);
    let off = [local("dummy_application_B", "dummy_program_B3", 0, false)];
    assert!(!prg(&e, "dummy_application_B", "dummy_program_B3", &off).autorestart_forced_off);
    assert!(!prg(&e, "dummy_application_B", "dummy_program_B3", &[]).autorestart_forced_off);
    let b2 = [local("dummy_application_B", "dummy_program_B2", 0, true)];
    assert!(!prg(&e, "dummy_application_B", "dummy_program_B2", &b2).autorestart_forced_off);
}

const SMALL: &str = r#"<root>
  <alias name="quad">#,d,b</alias>
  <application pattern="x_">
    <identifiers>quad</identifiers>
    <start_sequence>2</start_sequence>
    <programs>
      <program pattern="prg"><start_sequence>1</start_sequence></program>
      <program pattern="prg_"><start_sequence>2</start_sequence></program>
      <program name="prg_00"><start_sequence>9</start_sequence></program>
      <program name="ws"><identifiers> </identifiers><required>true</required><start_sequence>1</start_sequence></program>
      <program name="rq"><required>true</required><stop_sequence>4</stop_sequence></program>
    </programs>
  </application>
  <application name="x_1"><start_sequence>7</start_sequence></application>
</root>"#;

fn abcd() -> Vec<String> {
    s(&["a", "b", "c", "d"])
}

#[test]
fn item_14_exact_application_name_wins_over_any_pattern() {
    let e = engine(SMALL);
    let (r, _) = e.application_rules("x_1", &abcd(), StartingStrategies::Config);
    assert_eq!(r.start_sequence, 7);
    assert_eq!(e.application_element_label("x_1").as_deref(), Some("x_1"));
    assert_eq!(e.application_element_label("x_2").as_deref(), Some("x_"));
}

#[test]
fn application_hash_uses_name_suffix_with_roll_over() {
    let e = engine(SMALL);
    let id = |name: &str| e.application_rules(name, &abcd(), StartingStrategies::Config);
    assert_eq!(id("x_2").0.identifiers, s(&["b"]));
    assert_eq!(id("x_3").0.identifiers, s(&["d"]));
    assert_eq!(id("x_03").0.identifiers, s(&["d"]));
    let (bad, reports) = id("x_0");
    assert_eq!((bad.start_sequence, bad.stop_sequence), (0, 2));
    assert!(bad.identifiers.is_empty());
    assert!(reports.iter().any(|r| r.problem.contains("must be > 0")));
}

#[test]
fn item_17_program_lookup_by_process_name_then_longest_pattern() {
    let e = engine(SMALL);
    let start = |p: &str| {
        e.process_rules(
            "x_2",
            p,
            &ApplicationRules::unmanaged(StartingStrategies::Config),
            &abcd(),
            &[],
        )
        .rules
        .start_sequence
    };
    assert_eq!(start("prg_00"), 9);
    assert_eq!(start("prg_01"), 2);
    assert_eq!(start("dummy_prg1"), 1);
    // Programs are looked up only inside the element chosen for the group.
    assert_eq!(e.program_element_label("x_1", "prg_01"), None);
}

#[test]
fn item_31_whitespace_identifiers_give_no_candidate() {
    let e = engine(SMALL);
    let res = e.process_rules(
        "x_2",
        "ws",
        &ApplicationRules::unmanaged(StartingStrategies::Config),
        &abcd(),
        &[],
    );
    assert!(res.rules.identifiers.is_empty());
    assert!(res.rules.required);
}

#[test]
fn item_25_required_without_start_sequence_is_forced_false_and_stop_kept() {
    let e = engine(SMALL);
    let res = e.process_rules(
        "x_2",
        "rq",
        &ApplicationRules::unmanaged(StartingStrategies::Config),
        &abcd(),
        &[],
    );
    assert!(!res.rules.required);
    assert_eq!((res.rules.start_sequence, res.rules.stop_sequence), (0, 4));
    assert!(res.reports.iter().all(|r| r.severity == Severity::Warning));
    assert!(
        res.reports
            .iter()
            .any(|r| r.problem.contains("required forced to False"))
    );
}

#[test]
fn later_files_redefine_patterns_models_and_aliases_first_file_wins_names() {
    let first = parse_rules_text(
        r#"<root><alias name="g">a</alias><model name="m"><expected_loading>1</expected_loading></model>
        <application name="app"><start_sequence>1</start_sequence>
          <programs><program name="x"><reference>m</reference></program></programs></application>
        <application pattern="p"><start_sequence>3</start_sequence></application></root>"#,
        Path::new("a.xml"),
    )
    .expect("valid");
    let second = parse_rules_text(
        r#"<root><alias name="g">b</alias><model name="m"><expected_loading>2</expected_loading></model>
        <application name="app"><start_sequence>2</start_sequence></application>
        <application pattern="p"><start_sequence>4</start_sequence><identifiers>g</identifiers></application></root>"#,
        Path::new("b.xml"),
    )
    .expect("valid");
    let e = RulesEngine::build(vec![first, second]).expect("valid");
    let (a, _) = e.application_rules("app", &abcd(), StartingStrategies::Config);
    assert_eq!(a.start_sequence, 1, "first file defining the name wins");
    let (p, _) = e.application_rules("pp", &abcd(), StartingStrategies::Config);
    assert_eq!(
        (p.start_sequence, p.identifiers.clone()),
        (4, s(&["b"])),
        "later pattern and alias win"
    );
    let x = e.process_rules("app", "x", &a, &abcd(), &[]).rules;
    assert_eq!(x.expected_load, 2, "the model of the later file is used");
}

#[test]
fn item_22_application_hash_hash_d_b_gives_d_b_d_and_error_for_x_0() {
    let e = engine(
        r#"<root><application pattern="x_"><identifiers>#,d,b</identifiers><start_sequence>3</start_sequence></application></root>"#,
    );
    let rules = |name: &str| e.application_rules(name, &abcd(), StartingStrategies::Config);
    assert_eq!(rules("x_1").0.identifiers, s(&["d"]));
    assert_eq!(rules("x_2").0.identifiers, s(&["b"]));
    assert_eq!(rules("x_3").0.identifiers, s(&["d"]));
    let (zero, reports) = rules("x_0");
    assert_eq!((zero.start_sequence, zero.stop_sequence), (0, 3));
    assert!(
        reports
            .iter()
            .any(|r| r.problem.contains("index of x_0 must be > 0"))
    );
    let (nohash, reports) = rules("x_a");
    assert_eq!(nohash.start_sequence, 0);
    assert!(
        reports
            .iter()
            .any(|r| r.problem.contains("incompatible with the use of #"))
    );
}

#[test]
fn item_26_stop_sequence_defaults_to_start_sequence_explicit_kept() {
    let e = engine(
        r#"<root><application name="a"><start_sequence>5</start_sequence>
        <programs><program name="p"><start_sequence>2</start_sequence></program>
        <program name="q"><start_sequence>2</start_sequence><stop_sequence>0</stop_sequence></program></programs>
        </application></root>"#,
    );
    let (a, _) = e.application_rules("a", &abcd(), StartingStrategies::Config);
    assert_eq!((a.start_sequence, a.stop_sequence), (5, 5));
    let rules = |p: &str| e.process_rules("a", p, &a, &abcd(), &[]).rules;
    assert_eq!(
        (rules("p").start_sequence, rules("p").stop_sequence),
        (2, 2)
    );
    assert_eq!(
        (rules("q").start_sequence, rules("q").stop_sequence),
        (2, 0)
    );
}

#[test]
fn unknown_identifiers_are_dropped_with_a_warning_naming_them() {
    let e = engine(
        r#"<root><application name="a"><identifiers>c, zz, a</identifiers></application></root>"#,
    );
    let (a, reports) = e.application_rules("a", &abcd(), StartingStrategies::Config);
    assert_eq!(a.identifiers, s(&["c", "a"]));
    assert_eq!(reports.len(), 1);
    assert!(reports[0].problem.contains("identifier=zz invalid"));
    assert_eq!(reports[0].line, Some(1));
}

#[test]
fn latin1_declared_files_are_decoded_as_latin1() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("latin1.xml");
    let mut bytes =
        b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<root><application name=\"caf".to_vec();
    bytes.push(0xE9);
    bytes.extend_from_slice(b"\"><start_sequence>3</start_sequence></application></root>");
    std::fs::write(&path, &bytes).expect("write");
    let e = load_rules(std::slice::from_ref(&path)).expect("valid latin-1 file");
    let (r, _) = e.application_rules("caf\u{e9}", &abcd(), StartingStrategies::Config);
    assert_eq!(r.start_sequence, 3);
    let bad = dir.path().join("bad.xml");
    std::fs::write(&bad, [b'<', b'r', 0xFF, b'/', b'>']).expect("write");
    let errors = load_rules(std::slice::from_ref(&bad)).expect_err("not UTF-8");
    assert!(errors[0].problem.contains("not UTF-8"), "{errors:?}");
}

#[test]
fn padded_values_follow_python_conversions_after_schema_collapse() {
    // xs:boolean and xs:byte collapse whitespace, so the file is valid; then Python's int()
    // accepts ' 7 ' while strtobool refuses ' true ' (warning, default kept).
    let e = engine(
        r#"<root><application name="a"><programs><program name="p">
        <start_sequence> 7 </start_sequence><required> true </required><expected_loading> 9 </expected_loading>
        </program></programs></application></root>"#,
    );
    let res = prg(&e, "a", "p", &[]);
    assert_eq!((res.rules.start_sequence, res.rules.expected_load), (7, 9));
    assert!(!res.rules.required);
    assert!(res.reports.iter().any(|r| {
        r.problem
            .contains("not a boolean-like for p required:  true ")
    }));
    assert_eq!(res.reports[0].line, Some(2));
}

#[test]
fn item_27_invalid_values_are_reported_and_defaults_kept() {
    // A negative sequence is a valid xs:byte: reported, default 0 kept. A padded boolean is a
    // valid xs:boolean that strtobool refuses: reported, default false kept.
    let e = engine(
        r#"<root><application name="a"><programs><program name="p">
        <start_sequence>-1</start_sequence><required> true </required><expected_loading>9</expected_loading>
        </program></programs></application></root>"#,
    );
    let res = prg(&e, "a", "p", &[]);
    assert_eq!(res.rules.start_sequence, 0);
    assert!(!res.rules.required);
    assert_eq!(res.rules.expected_load, 9, "valid values are still read");
    for needle in [
        "start_sequence: -1 (expected integer >= 0)",
        "not a boolean-like",
    ] {
        assert!(
            res.reports.iter().any(|r| r.problem.contains(needle)),
            "{needle}: {:?}",
            res.reports
        );
    }
    // Loading -1 or `fifty` and a non-integer sequence fail the schema here (no lenient mode):
    // the file is refused (item 28).
    for body in [
        "<expected_loading>-1</expected_loading>",
        "<expected_loading>fifty</expected_loading>",
        "<start_sequence>x</start_sequence>",
    ] {
        let text = format!("<root><model name=\"m\">{body}</model></root>");
        assert!(
            load_rules_from_str(&text, Path::new("rules.xml")).is_err(),
            "{body}"
        );
    }
}

#[test]
fn model_hash_survives_a_program_identifier_list_without_hash() {
    let e = engine(
        r#"<root><model name="m"><identifiers>#</identifiers></model>
        <application name="a"><programs><program name="p_1"><reference>m</reference><identifiers>b</identifiers></program></programs></application></root>"#,
    );
    let res = prg(&e, "a", "p_1", &[local("a", "p_1", 2, true)]);
    assert_eq!(res.rules.hash_identifiers, s(&["*"]));
    assert_eq!(
        res.rules.identifiers,
        s(&["10.0.0.3"]),
        "the # post-processing wins, as in the reference"
    );
}
