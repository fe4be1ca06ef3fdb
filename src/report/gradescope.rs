//! Gradescope's `results.json`.

use serde::Serialize;

use super::human;
use crate::result::{CheckStatus, RunReport};

#[derive(Serialize)]
struct Results<'a> {
    score: f64,
    max_score: f64,
    execution_time: f64,
    output: String,
    tests: Vec<Test<'a>>,
}

#[derive(Serialize)]
struct Test<'a> {
    name: String,
    score: f64,
    max_score: f64,
    status: &'static str,
    output: String,
    visibility: &'a str,
}

pub fn render(report: &RunReport) -> String {
    let tests = report
        .checks
        .iter()
        .map(|check| Test {
            name: format!("{}: {}", check.id, check.title),
            score: check.points,
            max_score: check.max_points,
            status: if check.status == CheckStatus::Passed {
                "passed"
            } else {
                "failed"
            },
            output: match check.status {
                CheckStatus::Passed => String::new(),
                CheckStatus::Skipped => format!("skipped: needs {}", check.needs.join(", ")),
                CheckStatus::Failed if check.steps.is_empty() => {
                    check.failure.clone().unwrap_or_default()
                }
                CheckStatus::Failed => human::failure(report, check),
            },
            visibility: &check.visibility,
        })
        .collect();
    let results = Results {
        score: report.summary.points,
        max_score: report.summary.max_points,
        execution_time: report.duration_ms as f64 / 1000.0,
        output: human::render(report),
        tests,
    };
    serde_json::to_string_pretty(&results).expect("results always serialize")
}
