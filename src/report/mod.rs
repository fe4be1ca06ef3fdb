//! Renderers of the result model. They read `RunReport` and know nothing about HTTP.

pub mod diagnosis;
pub mod github;
pub mod gradescope;
pub mod human;
pub mod junit;
pub mod markdown;
pub mod tap;

use crate::result::RunReport;

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
