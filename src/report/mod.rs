//! Renderers of the result model. They read `RunReport` and know nothing about HTTP.

pub mod class;
pub mod diagnosis;
pub mod github;
pub mod gradescope;
pub mod human;
pub mod junit;
pub mod markdown;
pub mod safe;
pub mod tap;
pub mod verify;

use crate::result::{Problem, RunReport};

pub fn json(report: &RunReport) -> String {
    serde_json::to_string_pretty(report).expect("the report model always serializes")
}

/// Points as people write them: 2, 2.5, 0.25.
pub fn points(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.2}").trim_end_matches('0').to_string()
    }
}

/// Why no check could run, in a few words (a grade's "not run: ...", a verify line).
pub fn problem_in_brief(problem: &Problem) -> String {
    match problem {
        Problem::MissingTool { tool, .. } => format!("`{tool}` is not installed"),
        Problem::Config { .. } => "the submission's learn.toml cannot be used".to_string(),
        Problem::BuildFailed {
            timed_out: true, ..
        } => "the build ran out of time".to_string(),
        Problem::BuildFailed { .. } => "the build failed".to_string(),
        Problem::ServerExited { .. } => {
            "the server stopped before it accepted connections".to_string()
        }
        Problem::ServerNotListening { port, .. } => {
            format!("the server never accepted connections on port {port}")
        }
        Problem::DatabaseFailed { .. } => "learn could not start the database".to_string(),
        Problem::ServiceFailed { service, .. } => format!("learn could not start its {service}"),
    }
}

/// A Markdown table cell: one line, no bare pipe, and no HTML (GitHub renders the tags
/// in a summary, so a server's `<script>` in a failure message stays text).
pub fn cell(text: &str) -> String {
    text.replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_markdown_cell_is_one_line_of_text() {
        assert_eq!(super::cell("a | <b>\nc\r"), "a \\| &lt;b&gt; c ");
    }
}
