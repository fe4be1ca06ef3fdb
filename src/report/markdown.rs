//! A report to paste into a forum post or an issue: Markdown, with the requests and
//! responses of the failed checks, the server's log, and the versions involved.

use std::fmt::Write;

use super::{human, points};
use crate::result::{CheckStatus, RunReport};

/// `toolchain`: lines like `Python 3.11.7`, as the machine reports them.
pub fn render(report: &RunReport, toolchain: &[String]) -> String {
    let mut out = format!("# learn check: {} ({})\n\n", report.exercise, report.track);
    let summary = &report.summary;
    let _ = writeln!(
        out,
        "**{} of {} checks passed** · {}/{} points\n",
        summary.passed,
        summary.checks,
        points(summary.points),
        points(summary.max_points)
    );
    let _ = writeln!(out, "| | |\n| --- | --- |");
    let _ = writeln!(out, "| learn | {} |", report.learn_version);
    let _ = writeln!(
        out,
        "| exercise | {}: {} |",
        report.exercise, report.exercise_title
    );
    let _ = writeln!(out, "| track | {} |", report.track);
    if !toolchain.is_empty() {
        let _ = writeln!(out, "| toolchain | {} |", toolchain.join(", "));
    }
    let _ = writeln!(
        out,
        "| run | `{}` |",
        report.run_command.replace('|', "\\|")
    );
    let _ = writeln!(
        out,
        "| seed | {} (`learn check --seed {}` repeats this run) |",
        report.seed, report.seed
    );
    if report.problem.is_some() {
        let _ = writeln!(out, "\n## What happened\n");
        out.push_str(&fenced(&human::render(report)));
        return out;
    }
    let _ = writeln!(out, "\n## Checks\n");
    for check in &report.checks {
        let mark = match check.status {
            CheckStatus::Passed => "✓",
            CheckStatus::Failed => "✗",
            CheckStatus::Skipped => "–",
        };
        let _ = writeln!(out, "- {mark} `{}`: {}", check.id, check.title);
    }
    let failed: Vec<_> = report
        .checks
        .iter()
        .filter(|check| check.status == CheckStatus::Failed)
        .collect();
    if !failed.is_empty() {
        let _ = writeln!(out, "\n## Failed checks");
        for check in failed {
            let _ = writeln!(out, "\n### `{}`\n", check.id);
            out.push_str(&fenced(&human::failure(report, check)));
        }
    }
    if !report.server_log.is_empty() {
        let _ = writeln!(out, "\n## Server log (last lines)\n");
        let lines: Vec<String> = report
            .server_log
            .iter()
            .map(|line| super::safe::inert(line))
            .collect();
        out.push_str(&fenced(&lines.join("\n")));
    }
    out
}

/// A fenced code block that no backticks inside it can close early.
fn fenced(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    format!("{fence}text\n{}\n{fence}\n", text.trim_end())
}

#[cfg(test)]
mod tests {
    use super::fenced;

    #[test]
    fn a_fence_outlasts_the_backticks_inside() {
        assert_eq!(fenced("plain"), "```text\nplain\n```\n");
        assert_eq!(fenced("has ``` inside"), "````text\nhas ``` inside\n````\n");
    }
}
