//! `supvisors_breed`: duplicates application (group) definitions from template INI files.
//! See the `supvisors_breed` library for the what and the how; this file only reports.

use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use supvisors_breed::cli::{self, Args, Command};
use supvisors_breed::write::write_outputs;
use supvisors_breed::{Breed, breed::GROUP_PREFIX};

fn main() -> ExitCode {
    let mut argv = std::env::args_os();
    let prog = argv
        .next()
        .as_deref()
        .and_then(|p| Path::new(p).file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "supvisors_breed".to_string());
    let terminal = rustix::termios::tcgetwinsize(io::stdout())
        .ok()
        .map(|size| size.ws_col);
    let columns = cli::columns_from_env(std::env::var("COLUMNS").ok().as_deref(), terminal);
    let args: Result<Vec<String>, _> = argv.map(|a| a.into_string()).collect();
    let Ok(args) = args else {
        let err = cli::UsageError {
            message: "arguments must be valid UTF-8".to_string(),
        };
        eprint!("{}", err.render(&prog, columns));
        return ExitCode::from(2);
    };
    let is_dir = |p: &str| Path::new(p).is_dir();
    match cli::parse(&args, &prog, columns, &is_dir) {
        Err(err) => {
            eprint!("{}", err.render(&prog, columns));
            ExitCode::from(2)
        }
        Ok(Command::Help(text)) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Ok(Command::Run(args)) => match run(&args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("{prog}: error: {err:#}");
                ExitCode::FAILURE
            }
        },
    }
}

fn run(args: &Args) -> anyhow::Result<()> {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let mut trace: Option<&mut dyn Write> = if args.verbose { Some(&mut out) } else { None };
    if let Some(t) = trace.as_deref_mut() {
        writeln!(t, "ArgumentParser: {}", args.namespace_repr())?;
    }
    let mut breed = Breed::read(Path::new(&args.template), &args.pattern)
        .with_context(|| format!("cannot read the templates of {:?}", args.template))?;
    if let Some(t) = trace.as_deref_mut() {
        let files: Vec<String> = breed.files().map(ToString::to_string).collect();
        let groups: Vec<&str> = breed.groups().collect();
        writeln!(t, "Configuration files found:\n\t{}", files.join("\n\t"))?;
        writeln!(
            t,
            "Template group elements found:\n\t{}",
            groups.join("\n\t")
        )?;
    }
    if breed.is_empty() {
        match trace.as_deref_mut() {
            Some(t) => writeln!(t, "No configuration files found")?,
            None => println!("No configuration files found"),
        }
        return Ok(());
    }
    let groups: Vec<(String, u32)> = args
        .breed
        .iter()
        .map(|(name, count)| (format!("{GROUP_PREFIX}{name}"), *count))
        .collect();
    let skipped = breed.breed(&groups, args.extra, reborrow(&mut trace))?;
    if !skipped.is_empty() {
        // Deliberate deviation: the reference silently ignores a group it cannot find and
        // exits 0, which hides typos; issue #7 asks for an error, and nothing is written.
        let known: Vec<&str> = breed.groups().collect();
        anyhow::bail!(
            "no {} section found in the templates of {:?} (template groups: {}); nothing written",
            skipped
                .iter()
                .map(|g| format!("[{g}]"))
                .collect::<Vec<_>>()
                .join(", "),
            args.template,
            if known.is_empty() {
                "none".to_owned()
            } else {
                known.join(", ")
            }
        );
    }
    write_outputs(&args.destination, &breed.outputs(), reborrow(&mut trace))
        .with_context(|| format!("nothing written to {:?}", args.destination))?;
    Ok(())
}

/// A shorter-lived handle on the trace, so it can be lent several times.
fn reborrow<'a>(trace: &'a mut Option<&mut dyn Write>) -> Option<&'a mut dyn Write> {
    match trace {
        Some(t) => Some(&mut **t),
        None => None,
    }
}
