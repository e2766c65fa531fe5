//! Python's `getopt.getopt` (3.11), the parser supervisord uses, with its exact error texts.
//!
//! Why not clap: supervisord users (and scripts) rely on behaviours clap does not offer or
//! words differently: long options abbreviated to any unique prefix (`--nod`), processing
//! stopping at the first non-option argument (the rest becomes "positional arguments"),
//! `-c` taking the rest of a combined flag group (`-nc file`, `-cfile`), and error texts such
//! as `option --log not a unique prefix` that the reference prints after `Error: `.
//!
//! On top of the reference's options, the caller may give `exact` long options (our own
//! extensions): they match only when spelled in full and never take part in prefix matching,
//! so that every command line the reference accepts or refuses behaves the same here.

/// The options in the order given, as `("-c", "file")` / `("--nodaemon", "")`, and the
/// remaining arguments.
pub type Parsed = (Vec<(String, String)>, Vec<String>);

/// The option table: Python's `shortopts` string (`"c:n"`) and `longopts` list
/// (`"configuration="`, `"nodaemon"`), plus our exact-only long options in the same notation.
#[derive(Debug, Clone, Copy)]
pub struct OptionTable<'a> {
    /// Short options, `x` or `x:` each.
    pub short: &'a str,
    /// Long options of the reference, `name` or `name=` each.
    pub long: &'a [&'a str],
    /// Long options matched only when spelled in full.
    pub exact: &'a [&'a str],
}

/// Splits `args` into options and remaining arguments; the error is getopt's message.
pub fn getopt(args: &[String], table: &OptionTable<'_>) -> Result<Parsed, String> {
    let mut opts = Vec::new();
    let mut rest = args;
    while let Some(first) = rest.first() {
        if !first.starts_with('-') || first == "-" {
            break;
        }
        if first == "--" {
            rest = &rest[1..];
            break;
        }
        rest = &rest[1..];
        if let Some(long) = first.strip_prefix("--") {
            rest = do_long(&mut opts, long, table, rest)?;
        } else {
            rest = do_shorts(&mut opts, &first[1..], table.short, rest)?;
        }
    }
    Ok((opts, rest.to_vec()))
}

fn do_long<'a>(
    opts: &mut Vec<(String, String)>,
    text: &str,
    table: &OptionTable<'_>,
    mut rest: &'a [String],
) -> Result<&'a [String], String> {
    let (opt, mut optarg) = match text.split_once('=') {
        Some((opt, arg)) => (opt, Some(arg.to_string())),
        None => (text, None),
    };
    let (has_arg, name) = match exact_match(opt, table.exact) {
        Some(found) => found,
        None => long_has_args(opt, table.long)?,
    };
    if has_arg {
        if optarg.is_none() {
            let Some((next, tail)) = rest.split_first() else {
                return Err(format!("option --{name} requires argument"));
            };
            optarg = Some(next.clone());
            rest = tail;
        }
    } else if optarg.is_some() {
        return Err(format!("option --{name} must not have an argument"));
    }
    opts.push((format!("--{name}"), optarg.unwrap_or_default()));
    Ok(rest)
}

fn exact_match(opt: &str, exact: &[&str]) -> Option<(bool, String)> {
    exact
        .iter()
        .find_map(|candidate| match candidate.strip_suffix('=') {
            Some(name) if name == opt => Some((true, opt.to_string())),
            None if *candidate == opt => Some((false, opt.to_string())),
            _ => None,
        })
}

/// Whether long option `opt` (possibly a unique prefix) takes an argument, and its full name.
fn long_has_args(opt: &str, long: &[&str]) -> Result<(bool, String), String> {
    let possibilities: Vec<&str> = long
        .iter()
        .copied()
        .filter(|o| o.starts_with(opt))
        .collect();
    if possibilities.is_empty() {
        return Err(format!("option --{opt} not recognized"));
    }
    if possibilities.contains(&opt) {
        return Ok((false, opt.to_string()));
    }
    if possibilities.contains(&format!("{opt}=").as_str()) {
        return Ok((true, opt.to_string()));
    }
    match possibilities.as_slice() {
        [unique] => Ok(match unique.strip_suffix('=') {
            Some(name) => (true, name.to_string()),
            None => (false, unique.to_string()),
        }),
        _ => Err(format!("option --{opt} not a unique prefix")),
    }
}

fn do_shorts<'a>(
    opts: &mut Vec<(String, String)>,
    group: &str,
    short: &str,
    mut rest: &'a [String],
) -> Result<&'a [String], String> {
    for (at, opt) in group.char_indices() {
        if short_has_arg(opt, short)? {
            let tail = &group[at + opt.len_utf8()..];
            let arg = if tail.is_empty() {
                let Some((next, others)) = rest.split_first() else {
                    return Err(format!("option -{opt} requires argument"));
                };
                rest = others;
                next.clone()
            } else {
                tail.to_string()
            };
            opts.push((format!("-{opt}"), arg));
            return Ok(rest);
        }
        opts.push((format!("-{opt}"), String::new()));
    }
    Ok(rest)
}

fn short_has_arg(opt: char, short: &str) -> Result<bool, String> {
    let chars: Vec<char> = short.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if *c == opt && *c != ':' {
            return Ok(chars.get(i + 1) == Some(&':'));
        }
    }
    Err(format!("option -{opt} not recognized"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: OptionTable<'static> = OptionTable {
        short: "h?c:vn",
        long: &[
            "help",
            "configuration=",
            "nodaemon",
            "logfile=",
            "logfile_maxbytes=",
            "loglevel=",
        ],
        exact: &["check-config", "hosts="],
    };

    fn parse(args: &[&str]) -> Result<Parsed, String> {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        getopt(&args, &TABLE)
    }

    fn opts(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(o, a)| (o.to_string(), a.to_string()))
            .collect()
    }

    #[test]
    fn combined_short_flags_end_with_an_option_taking_the_next_argument() {
        let (o, rest) = parse(&["-nc", "file", "-vcother"]).expect("valid");
        assert_eq!(
            o,
            opts(&[("-n", ""), ("-c", "file"), ("-v", ""), ("-c", "other")])
        );
        assert!(rest.is_empty());
    }

    #[test]
    fn long_options_take_equals_or_next_argument_and_unique_prefixes() {
        let (o, _) = parse(&[
            "--configuration=a",
            "--conf",
            "b",
            "--nod",
            "--logfile",
            "x",
        ])
        .expect("valid");
        assert_eq!(
            o,
            opts(&[
                ("--configuration", "a"),
                ("--configuration", "b"),
                ("--nodaemon", ""),
                ("--logfile", "x"),
            ])
        );
    }

    #[test]
    fn processing_stops_at_the_first_non_option_or_double_dash() {
        let (o, rest) = parse(&["-n", "foo", "-v"]).expect("valid");
        assert_eq!(o, opts(&[("-n", "")]));
        assert_eq!(rest, vec!["foo".to_string(), "-v".to_string()]);
        let (_, rest) = parse(&["--", "-n"]).expect("valid");
        assert_eq!(rest, vec!["-n".to_string()]);
        let (_, rest) = parse(&["-"]).expect("valid");
        assert_eq!(rest, vec!["-".to_string()]);
    }

    #[test]
    fn errors_have_python_texts() {
        for (args, message) in [
            (&["-x"][..], "option -x not recognized"),
            (&["-:"][..], "option -: not recognized"),
            (&["-c"][..], "option -c requires argument"),
            (&["--bogus"][..], "option --bogus not recognized"),
            (&["--log"][..], "option --log not a unique prefix"),
            (
                &["--nodaemon=1"][..],
                "option --nodaemon must not have an argument",
            ),
            (
                &["--configuration"][..],
                "option --configuration requires argument",
            ),
            (&["--loglev"][..], "option --loglevel requires argument"),
            (&["--check"][..], "option --check not recognized"),
        ] {
            assert_eq!(parse(args), Err(message.to_string()), "{args:?}");
        }
    }

    #[test]
    fn exact_options_match_only_in_full() {
        let (o, _) = parse(&["--check-config", "--hosts", "t.json"]).expect("valid");
        assert_eq!(o, opts(&[("--check-config", ""), ("--hosts", "t.json")]));
        // `--h` stays a unique prefix of `--help`, as in the reference.
        let (o, _) = parse(&["--h"]).expect("valid");
        assert_eq!(o, opts(&[("--help", "")]));
    }
}
