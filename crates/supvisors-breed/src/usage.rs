//! `argparse`'s `HelpFormatter` layout of this tool's usage and help, for a terminal width:
//! the usage wrapped after the program name, option invocations padded to the help column,
//! help texts wrapped as `textwrap` does for plain words.

/// Usage parts of the optionals, as `argparse` splits them for wrapping.
const USAGE_PARTS: [&str; 11] = [
    "[-h]",
    "-t",
    "TEMPLATE",
    "[-p PATTERN]",
    "-d",
    "DESTINATION",
    "-b",
    "app=nb",
    "[app=nb ...]",
    "[-x]",
    "[-v]",
];

/// The usage block (`usage: …` wrapped as `HelpFormatter` wraps it), ending with a newline.
pub fn usage(prog: &str, columns: usize) -> String {
    const PREFIX: &str = "usage: ";
    let width = columns.saturating_sub(2);
    let opt_usage = USAGE_PARTS.join(" ");
    let one_line = format!("{prog} {opt_usage}");
    if PREFIX.len() + one_line.chars().count() <= width {
        return format!("{PREFIX}{one_line}\n");
    }
    let get_lines = |parts: &[&str], indent: &str, prefix: Option<&str>| -> Vec<String> {
        let mut lines = Vec::new();
        let mut line: Vec<&str> = Vec::new();
        let indent_len = indent.chars().count();
        let mut line_len = match prefix {
            Some(p) => p.chars().count().saturating_sub(1),
            None => indent_len.saturating_sub(1),
        };
        for part in parts {
            let len = part.chars().count();
            if line_len + 1 + len > width && !line.is_empty() {
                lines.push(format!("{indent}{}", line.join(" ")));
                line.clear();
                line_len = indent_len.saturating_sub(1);
            }
            line.push(part);
            line_len += len + 1;
        }
        if !line.is_empty() {
            lines.push(format!("{indent}{}", line.join(" ")));
        }
        if prefix.is_some()
            && let Some(first) = lines.first_mut()
        {
            *first = first.chars().skip(indent_len).collect();
        }
        lines
    };
    let prog_len = prog.chars().count();
    let lines = if (PREFIX.len() + prog_len) as f64 <= 0.75 * width as f64 {
        let indent = " ".repeat(PREFIX.len() + prog_len + 1);
        let mut parts = vec![prog];
        parts.extend(USAGE_PARTS);
        get_lines(&parts, &indent, Some(PREFIX))
    } else {
        let indent = " ".repeat(PREFIX.len());
        let mut lines = vec![prog.to_string()];
        lines.extend(get_lines(&USAGE_PARTS, &indent, None));
        lines
    };
    format!("{PREFIX}{}\n", lines.join("\n"))
}

/// The `-h` text, laid out as `HelpFormatter` does for `columns`.
pub fn help(prog: &str, columns: usize) -> String {
    let width = columns.saturating_sub(2);
    let actions: [(&str, &str); 7] = [
        ("-h, --help", "show this help message and exit"),
        ("-t TEMPLATE, --template TEMPLATE", "the template folder"),
        (
            "-p PATTERN, --pattern PATTERN",
            "the search pattern from the template folder",
        ),
        (
            "-d DESTINATION, --destination DESTINATION",
            "the destination folder",
        ),
        (
            "-b app=nb [app=nb ...], --breed app=nb [app=nb ...]",
            "the applications to breed",
        ),
        ("-x, --extra", "create new files"),
        ("-v, --verbose", "activate logs"),
    ];
    let indent = 2;
    let max_help_position = 24.min(width.saturating_sub(20).max(4));
    let max_len = actions
        .iter()
        .map(|(inv, _)| inv.len() + indent)
        .max()
        .unwrap_or(0);
    let help_position = (max_len + 2).min(max_help_position);
    let help_width = width.saturating_sub(help_position).max(11);
    let action_width = help_position.saturating_sub(indent + 2);

    let mut text = usage(prog, columns);
    text.push('\n');
    let description = wrap("Duplicate the application definitions", width.max(11));
    text.push_str(&description.join("\n"));
    text.push_str("\n\noptions:\n");
    for (invocation, help) in actions {
        let lines = wrap(help, help_width);
        if invocation.len() <= action_width {
            text.push_str(&format!("{:indent$}{invocation:<action_width$}  ", ""));
        } else {
            text.push_str(&format!("{:indent$}{invocation}\n", ""));
            text.push_str(&" ".repeat(help_position));
        }
        for (i, line) in lines.iter().enumerate() {
            if i > 0 {
                text.push_str(&" ".repeat(help_position));
            }
            text.push_str(line);
            text.push('\n');
        }
    }
    text
}

/// `textwrap.wrap` for plain words: greedy, long words cut at the width.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let mut word: String = word.to_string();
        loop {
            let room = if line.is_empty() {
                width
            } else {
                width.saturating_sub(line.chars().count() + 1)
            };
            let len = word.chars().count();
            if len <= room {
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(&word);
                break;
            }
            if line.is_empty() {
                // A word longer than a whole line is cut.
                let head: String = word.chars().take(width).collect();
                word = word.chars().skip(width).collect();
                lines.push(head);
                continue;
            }
            lines.push(std::mem::take(&mut line));
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}
