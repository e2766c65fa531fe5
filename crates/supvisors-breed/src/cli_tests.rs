use super::*;

const PROG: &str = "supvisors_breed";

fn run(line: &str) -> Result<Command, UsageError> {
    let args: Vec<String> = line.split_whitespace().map(String::from).collect();
    parse(&args, PROG, 80, &|p: &str| p == "tpl" || p == ".")
}

fn err(line: &str) -> String {
    match run(line) {
        Err(e) => e.message,
        Ok(cmd) => panic!("{line:?} was accepted: {cmd:?}"),
    }
}

fn args(line: &str) -> Args {
    match run(line) {
        Ok(Command::Run(args)) => args,
        other => panic!("{line:?}: {other:?}"),
    }
}

#[test]
fn a_full_line_gives_the_namespace() {
    let a = args("-t tpl -d out1 -b player=2 -v");
    assert_eq!(
        a.namespace_repr(),
        "Namespace(template='tpl', pattern='**/*.ini', destination='out1', \
         breed={'player': 2}, extra=False, verbose=True)"
    );
}

#[test]
fn abbreviations_clusters_and_attached_values() {
    let a = args("--templ=tpl -vxd out -b a=01 b=2 a=3 -p*.ini");
    assert_eq!(a.template, "tpl");
    assert_eq!(a.destination, "out");
    assert_eq!(a.pattern, "*.ini");
    assert_eq!(a.breed, [("a".to_string(), 3), ("b".to_string(), 2)]);
    assert!(a.extra && a.verbose);
    // The last -b replaces the earlier ones.
    assert_eq!(
        args("-t tpl -d o -b a=1 -b c=2").breed,
        [("c".to_string(), 2)]
    );
}

#[test]
fn argparse_messages_in_argparse_order() {
    assert_eq!(
        err(""),
        "the following arguments are required: -t/--template, -d/--destination, -b/--breed"
    );
    assert_eq!(err("foo -t /nope"), "The folder \"/nope\" does not exist");
    assert_eq!(err("-t tpl -d o -b a=1 --"), "unrecognized arguments: --");
    assert_eq!(
        err("-t tpl -d o -b a=1 -- foo"),
        "unrecognized arguments: -- foo"
    );
    assert_eq!(err("-t tpl -d o -b a=1 -q"), "unrecognized arguments: -q");
    assert_eq!(
        err("--=x"),
        "ambiguous option: --=x could match --help, --template, --pattern, --destination, \
         --breed, --extra, --verbose"
    );
    assert_eq!(
        err("-xfoo"),
        "argument -x/--extra: ignored explicit argument 'foo'"
    );
    assert_eq!(
        err("--extra="),
        "argument -x/--extra: ignored explicit argument ''"
    );
    assert_eq!(
        err("-t tpl -d o -b a=1 -1"),
        "breed format must be: key=value"
    );
    assert_eq!(err("-b a=0"), "breed value must be strictly positive");
    assert_eq!(err("-b a=x"), "breed value must be an integer");
    assert_eq!(err("-b a="), "breed value must be an integer");
    assert_eq!(
        err("-b -t tpl"),
        "argument -b/--breed: expected at least one argument"
    );
    assert_eq!(err("-vt"), "argument -t/--template: expected one argument");
    // The reference crashes on this one.
    assert_eq!(
        err("-b a=b=c -t tpl -d o"),
        "breed format must be: key=value"
    );
}

#[test]
fn help_wins_when_reached_first() {
    assert!(matches!(run("-t tpl -hx"), Ok(Command::Help(_))));
    assert_eq!(err("-t /nope -h"), "The folder \"/nope\" does not exist");
}

#[test]
fn usage_and_help_layout_match_argparse() {
    assert_eq!(
        usage(PROG, 80),
        "usage: supvisors_breed [-h] -t TEMPLATE [-p PATTERN] -d DESTINATION -b app=nb\n\
         \x20                      [app=nb ...] [-x] [-v]\n"
    );
    assert_eq!(
        usage(PROG, 200),
        "usage: supvisors_breed [-h] -t TEMPLATE [-p PATTERN] -d DESTINATION -b app=nb [app=nb ...] [-x] [-v]\n"
    );
    let expected = "\
usage: supvisors_breed [-h] -t TEMPLATE [-p PATTERN] -d DESTINATION -b app=nb
                       [app=nb ...] [-x] [-v]

Duplicate the application definitions

options:
  -h, --help            show this help message and exit
  -t TEMPLATE, --template TEMPLATE
                        the template folder
  -p PATTERN, --pattern PATTERN
                        the search pattern from the template folder
  -d DESTINATION, --destination DESTINATION
                        the destination folder
  -b app=nb [app=nb ...], --breed app=nb [app=nb ...]
                        the applications to breed
  -x, --extra           create new files
  -v, --verbose         activate logs
";
    assert_eq!(help(PROG, 80), expected);
    let narrow = "\
usage: supvisors_breed [-h] -t
                       TEMPLATE
                       [-p PATTERN] -d
                       DESTINATION -b
                       app=nb
                       [app=nb ...]
                       [-x] [-v]

Duplicate the application definitions

options:
  -h, --help      show this help
                  message and exit
  -t TEMPLATE, --template TEMPLATE
                  the template folder
  -p PATTERN, --pattern PATTERN
                  the search pattern
                  from the template
                  folder
  -d DESTINATION, --destination DESTINATION
                  the destination
                  folder
  -b app=nb [app=nb ...], --breed app=nb [app=nb ...]
                  the applications to
                  breed
  -x, --extra     create new files
  -v, --verbose   activate logs
";
    assert_eq!(help(PROG, 40), narrow);
}

#[test]
fn columns_come_from_the_environment_then_the_terminal() {
    assert_eq!(columns_from_env(None, None), 80);
    assert_eq!(columns_from_env(Some("120"), Some(100)), 120);
    assert_eq!(columns_from_env(Some("0"), None), 80);
    assert_eq!(columns_from_env(Some("wide"), Some(100)), 100);
    assert_eq!(columns_from_env(None, Some(0)), 80);
}
