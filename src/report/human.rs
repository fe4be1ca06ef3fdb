//! The report a learner reads in a terminal.

use std::fmt::Write;

use colored::Colorize;

use super::diagnosis::diagnose;
use super::{points, safe};
use crate::checks::show_value;
use crate::result::{
    AssertionResult, CheckResult, CheckStatus, DatabaseRead, Exchange, FileRead, Outcome, Problem,
    RunReport, StepResult,
};

/// The port the report's curl lines use: scaffolds listen there when PORT is unset.
pub const REPRODUCE_PORT: u16 = 8000;
const BODY_LINES: usize = 16;
const SERVER_LINES: usize = 12;
/// Response headers that change on every run or say nothing to a learner.
const QUIET_HEADERS: [&str; 7] = [
    "date",
    "connection",
    "keep-alive",
    "server",
    "x-powered-by",
    "etag",
    "content-length",
];

/// The whole report, every failure in full.
pub fn render(report: &RunReport) -> String {
    render_with(report, None)
}

/// The report a learner at a terminal reads: the first failure in full, the others as
/// their line in the list, so there is one thing to fix at a time. `expand` says how to
/// see them all ("`learn check --all` shows every failure in full").
pub fn render_focused(report: &RunReport, expand: &str) -> String {
    render_with(report, Some(expand))
}

/// `focus`: show only the first failure in full, and how to expand the others.
fn render_with(report: &RunReport, focus: Option<&str>) -> String {
    let mut out = header(report);
    match &report.problem {
        Some(problem) => render_problem(&mut out, report, problem),
        None => render_checks(&mut out, report, focus),
    }
    out
}

/// The report's first lines: the exercise, the track and any warnings. Known before
/// anything runs, so a live report prints them first.
pub fn header(report: &RunReport) -> String {
    let mut out = format!("{} · {}\n\n", report.exercise.bold(), report.track);
    for warning in &report.warnings {
        let _ = writeln!(out, "{} {warning}\n", "warning:".yellow());
    }
    out
}

/// The width of the id column for checks with these ids.
pub fn id_width<'a>(ids: impl Iterator<Item = &'a str>) -> usize {
    ids.map(str::len).max().unwrap_or(0)
}

/// One check's line of the list: its mark, id and title.
pub fn check_line(check: &CheckResult, width: usize) -> String {
    let (mark, tail) = match check.status {
        CheckStatus::Passed => ("✓".green(), String::new()),
        CheckStatus::Failed => ("✗".red(), String::new()),
        CheckStatus::Skipped => (
            "-".dimmed(),
            format!("  (skipped: needs {})", check.needs.join(", ")),
        ),
    };
    format!(
        "  {mark} {:<width$}  {}{}\n",
        check.id,
        check.title,
        tail.dimmed()
    )
}

fn render_checks(out: &mut String, report: &RunReport, focus: Option<&str>) {
    let width = id_width(report.checks.iter().map(|check| check.id.as_str()));
    for check in &report.checks {
        out.push_str(&check_line(check, width));
    }
    let failed: Vec<&CheckResult> = report
        .checks
        .iter()
        .filter(|check| check.status == CheckStatus::Failed)
        .collect();
    let shown = if focus.is_some() { 1 } else { failed.len() };
    for check in failed.iter().take(shown) {
        let _ = write!(out, "\n{}", failure(report, check));
    }
    match failed.len().saturating_sub(shown) {
        0 => {}
        more => {
            let (count, verb) = match more {
                1 => ("1 more check".to_string(), "fails"),
                _ => (format!("{more} more checks"), "fail"),
            };
            let expand = focus.unwrap_or_default();
            let _ = writeln!(
                out,
                "\n{count} {verb} (listed above). Fix this one first; {expand}."
            );
        }
    }
    let summary = &report.summary;
    let _ = writeln!(out);
    if let Some(held) = &report.conformance {
        let line = match &held.unavailable {
            Some(why) => format!("No response was held to {}: {why}", held.document),
            None => format!(
                "{} responses held to {}: {} matched it.",
                held.responses_checked,
                held.document,
                held.responses_checked - held.responses_failed
            ),
        };
        let _ = writeln!(out, "{}", line.dimmed());
    }
    if report.outcome == Outcome::Passed {
        let line = format!(
            "All {} checks passed · {}/{} points. Well done!",
            summary.checks,
            points(summary.points),
            points(summary.max_points)
        );
        let _ = writeln!(out, "{}", line.green().bold());
    } else {
        let mut line = format!(
            "{} of {} checks passed, {} failed",
            summary.passed, summary.checks, summary.failed
        );
        if summary.skipped > 0 {
            let _ = write!(line, ", {} skipped", summary.skipped);
        }
        let _ = write!(
            line,
            " · {}/{} points",
            points(summary.points),
            points(summary.max_points)
        );
        let _ = writeln!(out, "{}", line.bold());
    }
}

/// The full story of one failed check: request, expected and actual, response, the
/// server's lines, the hint and a curl line. Other reports embed it too.
pub fn failure(report: &RunReport, check: &CheckResult) -> String {
    let mut text = String::new();
    let out = &mut text;
    let _ = writeln!(out, "{} {}: {}", "✗".red(), check.id.bold(), check.title);
    // A check stops at its failing step: the last one.
    if let Some(StepResult::Database(read)) = check.steps.last() {
        database_failure(out, check, read);
        return text;
    }
    if let Some(StepResult::File(read)) = check.steps.last() {
        file_failure(out, check, read);
        return text;
    }
    let exchange = match check.steps.last() {
        Some(StepResult::Request(exchange)) => Some(exchange),
        _ => None,
    };
    let failure = check.failure.as_deref().unwrap_or("failed");
    let failed_assertion =
        exchange.and_then(|exchange| exchange.assertions.iter().find(|a| !a.passed));
    match (exchange, failed_assertion) {
        (Some(exchange), Some(assertion)) => {
            field(
                out,
                "request",
                &format!("{} {}", exchange.request.method, exchange.request.target),
            );
            assertion_fields(out, assertion);
        }
        (Some(exchange), None) => {
            field(
                out,
                "request",
                &format!("{} {}", exchange.request.method, exchange.request.target),
            );
            field(out, "problem", failure);
        }
        (None, _) => field(out, "problem", failure),
    }
    if let Some(exchange) = exchange {
        render_response(out, exchange);
    }
    let followed = followed_before(check);
    if !followed.is_empty() {
        field(out, "after", &followed.join("\n"));
    }
    if !check.server_lines.is_empty() {
        field(out, "server", &server_lines(&check.server_lines));
    }
    if let Some(hint) = &check.hint {
        field(out, "hint", hint);
    }
    if let Some(exchange) = exchange {
        let try_it = format!(
            "{}\n(with your server running: PORT={REPRODUCE_PORT} {})",
            curl(exchange),
            report.run_command
        );
        field(out, "try it", &try_it);
    }
    text
}

/// The redirects the client followed to reach the failing request, in order: `GET
/// /auth/login → 302`.
fn followed_before(check: &CheckResult) -> Vec<String> {
    let steps = check.steps.len().saturating_sub(1);
    let mut hops: Vec<String> = check.steps[..steps]
        .iter()
        .rev()
        .map_while(|step| match step {
            StepResult::Request(exchange) if exchange.followed => Some(exchange),
            _ => None,
        })
        .map(|exchange| {
            let status = exchange
                .response
                .as_ref()
                .map_or(String::new(), |response| format!(" → {}", response.status));
            format!(
                "{} {}{status}",
                exchange.request.method, exchange.request.target
            )
        })
        .collect();
    hops.reverse();
    hops
}

/// A failed database step: what was read, what was expected, and the rows.
fn database_failure(out: &mut String, check: &CheckResult, read: &DatabaseRead) {
    field(out, "database", &read.read);
    match read.assertions.iter().find(|assertion| !assertion.passed) {
        Some(assertion) => assertion_fields(out, assertion),
        None => field(out, "problem", check.failure.as_deref().unwrap_or("failed")),
    }
    if let Some(rows) = &read.rows {
        let text = serde_json::to_string_pretty(rows).unwrap_or_default();
        field(out, "rows", &trimmed_body(&text, false));
    }
    if !check.server_lines.is_empty() {
        field(out, "server", &server_lines(&check.server_lines));
    }
    if let Some(hint) = &check.hint {
        field(out, "hint", hint);
    }
}

fn file_failure(out: &mut String, check: &CheckResult, read: &FileRead) {
    field(out, "file", &read.path);
    match read.assertions.iter().find(|assertion| !assertion.passed) {
        Some(assertion) => assertion_fields(out, assertion),
        None => field(out, "problem", check.failure.as_deref().unwrap_or("failed")),
    }
    match &read.text {
        Some(text) => field(out, "text", &trimmed_body(text, false)),
        None if read.error.is_none() => field(out, "text", "(there is no such file)"),
        None => {}
    }
    if let Some(hint) = &check.hint {
        field(out, "hint", hint);
    }
}

/// What a failed assertion expected and what it found (with the detail, when the
/// message says more than the value).
fn assertion_fields(out: &mut String, assertion: &AssertionResult) {
    field(
        out,
        "expected",
        &format!("{} {}", assertion.query, assertion.predicate),
    );
    let message = assertion.message.as_deref().unwrap_or("");
    match &assertion.actual {
        Some(actual) => {
            let shown = show_value(actual);
            field(out, "actual", &shown);
            if message != format!("got {shown}") {
                field(out, "detail", message);
            }
        }
        None => field(out, "actual", message),
    }
}

fn render_response(out: &mut String, exchange: &Exchange) {
    let Some(response) = &exchange.response else {
        return;
    };
    let mut text = format!(
        "{} {} · {} ms",
        response.status, response.reason, response.duration_ms
    );
    for (name, value) in &response.headers {
        if !QUIET_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
            let _ = write!(text, "\n{name}: {}", safe::inert(value));
        }
    }
    if !response.body.is_empty() {
        let _ = write!(
            text,
            "\n{}",
            trimmed_body(&response.body, response.body_truncated)
        );
    }
    field(out, "response", &text);
}

fn render_problem(out: &mut String, report: &RunReport, problem: &Problem) {
    match problem {
        Problem::MissingTool { tool, advice } => {
            let _ = writeln!(
                out,
                "{} `{tool}` is not installed (or not on your PATH), so your code cannot be built or run.",
                "✗".red()
            );
            let _ = writeln!(out, "  {advice}");
        }
        Problem::BuildFailed {
            command,
            exit_code,
            output,
            timed_out,
        } => {
            let how = match (timed_out, exit_code) {
                (true, _) => "ran out of time".to_string(),
                (false, Some(code)) => format!("failed (exit code {code})"),
                (false, None) => "failed".to_string(),
            };
            let _ = writeln!(out, "{} The build {how}: {command}", "✗".red());
            if !output.is_empty() {
                let _ = writeln!(out, "{}", indent(&server_lines(output), 2));
            }
            let _ = writeln!(
                out,
                "\nFix what the output above names, then run learn check again."
            );
        }
        Problem::ServerExited {
            command,
            exit_code,
            signal,
            port,
            killed_because,
        } => {
            let how = match (killed_because, exit_code, signal) {
                (Some(reason), _, _) => reason.clone(),
                (None, Some(code), _) => format!("exit code {code}"),
                (None, None, Some(signal)) => format!("killed by signal {signal}"),
                (None, None, None) => "it could not be started".to_string(),
            };
            let _ = writeln!(
                out,
                "{} Your server stopped before it accepted any connection ({how}).",
                "✗".red()
            );
            start_failure(out, report, problem, command, *port);
        }
        Problem::Config { message } => {
            let _ = writeln!(
                out,
                "{} The submission cannot be graded: its learn.toml cannot be used.",
                "✗".red()
            );
            let _ = writeln!(out, "  {}", safe::inert_lines(message));
        }
        Problem::DatabaseFailed { error } => {
            let _ = writeln!(
                out,
                "{} learn could not start the database your server needs, so it did not start your server.",
                "✗".red()
            );
            let _ = writeln!(out, "  {error}");
        }
        Problem::ServiceFailed { service, error } => {
            let _ = writeln!(
                out,
                "{} learn could not start its {service} for your server, so it did not start your server.",
                "✗".red()
            );
            let _ = writeln!(out, "  {error}");
        }
        Problem::ServerNotListening {
            command,
            port,
            waited_ms,
            ..
        } => {
            let _ = writeln!(
                out,
                "{} Your server did not accept connections on port {port} within {:.0} s.",
                "✗".red(),
                *waited_ms as f64 / 1000.0
            );
            start_failure(out, report, problem, command, *port);
        }
    }
}

/// The command, the server's output, the likely cause with its fix, and how to try by hand.
fn start_failure(
    out: &mut String,
    report: &RunReport,
    problem: &Problem,
    command: &str,
    port: u16,
) {
    field(out, "command", &format!("{command}   (with PORT={port})"));
    if !report.server_log.is_empty() {
        field(out, "server", &server_lines(&report.server_log));
    }
    if let Some(diagnosis) = diagnose(problem, &report.server_log) {
        field(out, "cause", &diagnosis);
    }
    field(out, "try it", &format!("PORT={REPRODUCE_PORT} {command}"));
}

/// A labelled block: the label in a fixed column, continuation lines aligned under the value.
/// A labelled field; its value may hold what the server said, so every line is inert.
fn field(out: &mut String, label: &str, value: &str) {
    let value = safe::inert_lines(value);
    let mut lines = value.lines();
    let first = lines.next().unwrap_or("");
    let _ = writeln!(out, "  {:<9} {first}", label.dimmed());
    for line in lines {
        let _ = writeln!(out, "            {line}");
    }
}

fn indent(text: &str, by: usize) -> String {
    let pad = " ".repeat(by);
    text.lines()
        .map(|line| format!("{pad}{line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The server's own words, marked as such, with escape sequences made visible.
pub fn server_lines(lines: &[String]) -> String {
    let shown = &lines[lines.len().saturating_sub(SERVER_LINES)..];
    shown
        .iter()
        .map(|line| format!("│ {}", safe::inert(line)))
        .collect::<Vec<_>>()
        .join("\n")
}

fn trimmed_body(body: &str, truncated: bool) -> String {
    let pretty = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .filter(|value| value.is_object() || value.is_array())
        .and_then(|value| serde_json::to_string_pretty(&value).ok())
        .unwrap_or_else(|| body.to_string());
    let lines: Vec<&str> = pretty.lines().collect();
    let mut shown: Vec<String> = lines
        .iter()
        .take(BODY_LINES)
        .map(|line| {
            let line = safe::inert(line);
            if line.chars().count() > 200 {
                format!("{}…", line.chars().take(200).collect::<String>())
            } else {
                line
            }
        })
        .collect();
    if lines.len() > BODY_LINES {
        shown.push(format!("… ({} more lines)", lines.len() - BODY_LINES));
    } else if truncated {
        shown.push("… (cut: the body was longer than learn reads)".to_string());
    }
    shown.join("\n")
}

/// A curl command that sends the same request to a server started by hand.
fn curl(exchange: &Exchange) -> String {
    let request = &exchange.request;
    let url = if request.target.starts_with('/') {
        format!("http://127.0.0.1:{REPRODUCE_PORT}{}", request.target)
    } else {
        request.target.clone()
    };
    let mut parts = vec!["curl -i".to_string()];
    match request.method.as_str() {
        "GET" => {}
        // `-X HEAD` would wait for a body that never comes; `-I` sends HEAD as curl means it.
        "HEAD" => parts[0] = "curl -I".to_string(),
        method => parts.push(format!("-X {method}")),
    }
    parts.push(quote(&url));
    let learn_agent = concat!("learn/", env!("CARGO_PKG_VERSION"));
    for (name, value) in &request.headers {
        let default =
            (name == "User-Agent" && value == learn_agent) || (name == "Accept" && value == "*/*");
        if !default {
            parts.push(format!("-H {}", quote(&format!("{name}: {value}"))));
        }
    }
    if let Some(body) = &request.body {
        let labelled = request
            .headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("content-type"));
        if !labelled {
            // curl labels a body it sends as a form unless told to send no Content-Type.
            parts.push("-H 'Content-Type:'".to_string());
        }
        parts.push(format!("--data-raw {}", quote(body)));
    }
    parts.join(" ")
}

/// Single-quote for a POSIX shell.
pub fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_lines_are_marked() {
        assert_eq!(server_lines(&["ok".to_string()]), "│ ok");
    }

    fn exchange(method: &str, headers: &[(&str, &str)], body: Option<&str>) -> Exchange {
        Exchange {
            followed: false,
            request: crate::result::RequestRecord {
                method: method.to_string(),
                target: "/orders".to_string(),
                headers: headers
                    .iter()
                    .map(|(name, value)| (name.to_string(), value.to_string()))
                    .collect(),
                body: body.map(str::to_string),
            },
            response: None,
            error: None,
            assertions: Vec::new(),
            captures: Vec::new(),
        }
    }

    #[test]
    fn curl_sends_what_the_check_sent() {
        let port = REPRODUCE_PORT;
        assert_eq!(
            curl(&exchange("POST", &[], Some("{\"a\": 1}"))),
            format!(
                "curl -i -X POST 'http://127.0.0.1:{port}/orders' -H 'Content-Type:' --data-raw '{{\"a\": 1}}'"
            )
        );
        assert_eq!(
            curl(&exchange(
                "PATCH",
                &[("content-type", "application/merge-patch+json")],
                Some("{}")
            )),
            format!(
                "curl -i -X PATCH 'http://127.0.0.1:{port}/orders' -H 'content-type: application/merge-patch+json' --data-raw '{{}}'"
            )
        );
        assert_eq!(
            curl(&exchange("HEAD", &[], None)),
            format!("curl -I 'http://127.0.0.1:{port}/orders'")
        );
    }

    #[test]
    fn quotes_for_the_shell_and_formats_points() {
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(points(2.0), "2");
        assert_eq!(points(2.5), "2.5");
        assert_eq!(points(0.25), "0.25");
    }
}
