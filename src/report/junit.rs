//! JUnit XML (GitLab, Jenkins): one test suite per run, one test case per check.

use std::time::Duration;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::{human, safe};
use crate::result::{CheckStatus, RunReport};

pub fn render(report: &RunReport) -> String {
    let mut suite = TestSuite::new(format!("{} ({})", report.exercise, report.track));
    suite.set_time(Duration::from_millis(report.duration_ms));
    for check in &report.checks {
        let status = match check.status {
            CheckStatus::Passed => TestCaseStatus::success(),
            CheckStatus::Skipped => {
                let mut status = TestCaseStatus::skipped();
                status.set_message(format!("skipped: needs {}", check.needs.join(", ")));
                status
            }
            CheckStatus::Failed => {
                let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                status.set_message(safe::inert_lines(
                    check.failure.as_deref().unwrap_or_default(),
                ));
                status.set_description(human::failure(report, check));
                status
            }
        };
        let mut case = TestCase::new(&check.id, status);
        case.set_classname(format!("{}.{}", report.exercise, check.id));
        case.set_time(Duration::from_millis(check.duration_ms));
        suite.add_test_case(case);
    }
    if !report.server_log.is_empty() {
        let lines: Vec<String> = report
            .server_log
            .iter()
            .map(|line| safe::inert(line))
            .collect();
        suite.set_system_out(lines.join("\n"));
    }
    let mut junit = Report::new("learn");
    junit.add_test_suite(suite);
    junit
        .to_string()
        .expect("a report of plain strings always serializes")
}
