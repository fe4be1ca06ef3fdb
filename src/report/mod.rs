//! Renderers of the result model. They read `RunReport` and know nothing about HTTP.

pub mod human;

use crate::result::RunReport;

pub fn json(report: &RunReport) -> String {
    serde_json::to_string_pretty(report).expect("the report model always serializes")
}
