//! GitHub Actions: an `::error` annotation per failed check, the `Points X/Y` notice
//! that GitHub Classroom reads, and a Markdown table for the job summary.

use std::fmt::Write;

use super::cell;
use crate::result::{CheckStatus, RunReport};

/// Workflow commands, printed to standard output.
pub fn annotations(report: &RunReport) -> String {
    let mut out = String::new();
    for check in report
        .checks
        .iter()
        .filter(|check| check.status == CheckStatus::Failed)
    {
        let message = check.failure.as_deref().unwrap_or("failed");
        let _ = writeln!(
            out,
            "::error title={}::{}",
            escape_property(&format!("{}: {}", check.id, check.title)),
            escape_data(message)
        );
    }
    let _ = writeln!(
        out,
        "::notice title=Autograding complete::Points {}/{}",
        super::points(report.summary.points),
        super::points(report.summary.max_points)
    );
    out
}

/// The job summary: one row per check.
pub fn summary(report: &RunReport) -> String {
    let mut out = format!(
        "## {} ({}): {}/{} points\n\n| | check | points | why |\n| --- | --- | --- | --- |\n",
        report.exercise,
        report.track,
        super::points(report.summary.points),
        super::points(report.summary.max_points)
    );
    for check in &report.checks {
        let (mark, why) = match check.status {
            CheckStatus::Passed => ("✅", String::new()),
            CheckStatus::Skipped => ("⏭️", format!("needs {}", check.needs.join(", "))),
            CheckStatus::Failed => ("❌", check.failure.clone().unwrap_or_default()),
        };
        let _ = writeln!(
            out,
            "| {mark} | `{}` {} | {}/{} | {} |",
            check.id,
            cell(&check.title),
            super::points(check.points),
            super::points(check.max_points),
            cell(&why)
        );
    }
    out
}

fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// `text` for a GitHub Actions log, wrapped so the runner obeys no workflow command in
/// it (`::error ...`, a `::stop-commands::` of its own): a server's words in a human
/// report could otherwise forge annotations or a score. `token` must be one the text
/// cannot guess, so the text cannot end the pause itself.
pub fn without_commands(text: &str, token: &str) -> String {
    format!("::stop-commands::{token}\n{text}\n::{token}::\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_command_values_are_escaped() {
        assert_eq!(escape_data("50% done\nnext"), "50%25 done%0Anext");
        assert_eq!(escape_property("health: a, b"), "health%3A a%2C b");
    }
}
