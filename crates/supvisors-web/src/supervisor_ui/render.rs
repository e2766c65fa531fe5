//! The HTML of the status and tail pages. The markup is ours; only the URL contract (links,
//! query parameters) follows the reference, so that bookmarks and scripts keep working.

use supvisors_proc::model::ProcessState;

use super::form::{escape, quote};

/// The supervisor version shown in the footer (the one the XML-RPC interface reports).
const VERSION: &str = "4.3.0";

/// One process row of the status page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// `group:name` (or `name` when both are the same).
    pub namespec: String,
    /// Current state.
    pub state: ProcessState,
    /// The `description` of `getProcessInfo`.
    pub description: String,
}

/// One action link of a row; `None` slots keep the columns aligned, as in the reference.
struct Action {
    label: &'static str,
    href: String,
    new_window: bool,
}

fn actions(row: &Row) -> [Option<Action>; 5] {
    let ns = quote(&row.namespec);
    let act = |label, action: &str| {
        Some(Action {
            label,
            href: format!("index.html?processname={ns}&action={action}"),
            new_window: false,
        })
    };
    let tail = |label, href: String| {
        Some(Action {
            label,
            href,
            new_window: true,
        })
    };
    let clear = act("Clear Log", "clearlog");
    let stdout = tail("Tail -f Stdout", format!("logtail/{ns}"));
    let stderr = tail("Tail -f Stderr", format!("logtail/{ns}/stderr"));
    match row.state {
        ProcessState::Running => [
            act("Restart", "restart"),
            act("Stop", "stop"),
            clear,
            stdout,
            stderr,
        ],
        ProcessState::Stopped | ProcessState::Exited | ProcessState::Fatal => {
            [act("Start", "start"), None, clear, stdout, stderr]
        }
        _ => [None, None, clear, stdout, stderr],
    }
}

fn state_class(state: ProcessState) -> &'static str {
    match state {
        ProcessState::Running => "statusrunning",
        ProcessState::Fatal | ProcessState::Backoff => "statuserror",
        _ => "statusnominal",
    }
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n\
         <link rel=\"stylesheet\" href=\"stylesheets/supervisor.css\">\n</head>\n<body>\n{body}\
         <footer>Supervisor {VERSION}</footer>\n</body>\n</html>\n",
        escape(title)
    )
}

/// The status page: an optional message, the global buttons and one row per process
/// (rows sorted by group then process name, as the reference lists them).
pub fn status_page(rows: &[Row], message: Option<&str>) -> String {
    let mut body = String::from("<header><h1>Supervisor Status</h1></header>\n");
    if let Some(message) = message {
        body.push_str(&format!(
            "<div class=\"status_msg\">{}</div>\n",
            escape(message)
        ));
    }
    body.push_str(
        "<ul class=\"buttons\">\n<li><a href=\"index.html?action=refresh\">Refresh</a></li>\n\
         <li><a href=\"index.html?action=restartall\">Restart All</a></li>\n\
         <li><a href=\"index.html?action=stopall\">Stop All</a></li>\n</ul>\n",
    );
    if rows.is_empty() {
        body.push_str("<p>No programs to manage</p>\n");
        return page("Supervisor Status", &body);
    }
    body.push_str(
        "<table>\n<thead><tr><th>State</th><th>Description</th><th>Name</th><th>Action</th></tr></thead>\n<tbody>\n",
    );
    for (i, row) in rows.iter().enumerate() {
        let shade = if i % 2 == 1 { " class=\"shade\"" } else { "" };
        body.push_str(&format!(
            "<tr{shade}><td class=\"status\"><span class=\"{}\">{}</span></td><td>{}</td>\
             <td><a href=\"tail.html?processname={}\">{}</a></td><td><ul class=\"actions\">",
            state_class(row.state),
            row.state.name().to_lowercase(),
            escape(&row.description),
            escape(&quote(&row.namespec)),
            escape(&row.namespec),
        ));
        for action in actions(row) {
            match action {
                None => body.push_str("<li class=\"hidden\"></li>"),
                Some(a) => body.push_str(&format!(
                    "<li><a href=\"{}\"{}>{}</a></li>",
                    escape(&a.href),
                    if a.new_window {
                        " target=\"_blank\""
                    } else {
                        ""
                    },
                    a.label
                )),
            }
        }
        body.push_str("</ul></td></tr>\n");
    }
    body.push_str("</tbody>\n</table>\n");
    page("Supervisor Status", &body)
}

/// The tail page of `processname` (`None`: no name was given) showing `text`; the refresh
/// link keeps the same `limit`.
pub fn tail_page(processname: Option<&str>, limit: u64, text: &str) -> String {
    let shown = processname.unwrap_or("None");
    let mut body = format!(
        "<header><h1>Tail of process {}</h1></header>\n",
        escape(shown)
    );
    if let Some(name) = processname {
        let href = format!("tail.html?processname={}&limit={limit}", quote(name));
        body.push_str(&format!(
            "<ul class=\"buttons\"><li><a href=\"{}\">Refresh</a></li></ul>\n",
            escape(&href)
        ));
    }
    body.push_str(&format!("<pre class=\"tail\">{}</pre>\n", escape(text)));
    page(&format!("Supervisor tail of process {shown}"), &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(namespec: &str, state: ProcessState) -> Row {
        Row {
            namespec: namespec.into(),
            state,
            description: format!("<{namespec}> & co"),
        }
    }

    #[test]
    fn running_rows_offer_restart_and_stop() {
        let html = status_page(&[row("g:a b", ProcessState::Running)], None);
        assert!(html.contains("index.html?processname=g%3Aa%20b&amp;action=restart"));
        assert!(html.contains("index.html?processname=g%3Aa%20b&amp;action=stop"));
        assert!(html.contains("logtail/g%3Aa%20b/stderr\" target=\"_blank\""));
        assert!(!html.contains("&amp;action=start\""));
        assert!(html.contains("<span class=\"statusrunning\">running</span>"));
    }

    #[test]
    fn stopped_rows_offer_start_and_transitional_rows_only_logs() {
        let html = status_page(&[row("x", ProcessState::Fatal)], None);
        assert!(html.contains("processname=x&amp;action=start"));
        assert!(html.contains("statuserror"));
        let html = status_page(&[row("x", ProcessState::Stopping)], None);
        assert!(!html.contains("&amp;action=start\""));
        assert!(!html.contains("&amp;action=stop\""));
        assert!(html.contains("action=clearlog"));
    }

    #[test]
    fn names_descriptions_and_messages_are_escaped() {
        let html = status_page(&[row("<b>", ProcessState::Stopped)], Some("<i>done</i>"));
        assert!(html.contains("&lt;i&gt;done&lt;/i&gt;"));
        assert!(html.contains("&lt;&lt;b&gt;&gt; &amp; co"));
        assert!(html.contains(">&lt;b&gt;</a>"));
        assert!(!html.contains("<b>"));
        assert!(!html.contains("<i>"));
    }

    #[test]
    fn empty_status_says_so() {
        assert!(status_page(&[], None).contains("No programs to manage"));
    }

    #[test]
    fn tail_page_escapes_and_keeps_limit() {
        let html = tail_page(Some("a:b"), 2048, "x < y\n");
        assert!(html.contains("<pre class=\"tail\">x &lt; y\n</pre>"));
        assert!(html.contains("tail.html?processname=a%3Ab&amp;limit=2048"));
        let html = tail_page(None, 1024, "No process name found");
        assert!(html.contains("Supervisor tail of process None"));
        assert!(!html.contains("Refresh"));
    }
}
