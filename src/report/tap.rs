//! TAP version 14: one test point per check, a YAML block for each failure.

use std::fmt::Write;

use crate::result::{CheckStatus, RunReport};

pub fn render(report: &RunReport) -> String {
    let mut out = format!("TAP version 14\n1..{}\n", report.checks.len());
    for (number, check) in report.checks.iter().enumerate() {
        let number = number + 1;
        let name = format!("{}: {}", check.id, check.title).replace('#', "\\#");
        match check.status {
            CheckStatus::Passed => {
                let _ = writeln!(out, "ok {number} - {name}");
            }
            CheckStatus::Skipped => {
                let _ = writeln!(
                    out,
                    "ok {number} - {name} # SKIP needs {}",
                    check.needs.join(", ")
                );
            }
            CheckStatus::Failed => {
                let _ = writeln!(out, "not ok {number} - {name}");
                let message = check.failure.as_deref().unwrap_or("failed");
                let _ = writeln!(
                    out,
                    "  ---\n  message: {}",
                    serde_json::Value::String(super::safe::inert_lines(message))
                );
                let _ = writeln!(out, "  points: {}\n  ...", check.max_points);
            }
        }
    }
    out
}
