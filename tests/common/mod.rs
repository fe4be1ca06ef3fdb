//! Helpers shared by the integration tests: the real binary, real workspaces.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `learn` binary, with progress kept in `data_dir` and no colour.
pub fn learn(data_dir: &Path) -> Command {
    let mut command = Command::cargo_bin("learn").expect("the learn binary is built");
    command.env("LEARN_DATA_DIR", data_dir).env("NO_COLOR", "1");
    command
}

/// Copy a folder, leaving out what a build makes (virtualenvs, node_modules).
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if [".venv", "node_modules", "__pycache__", ".learn"]
            .iter()
            .any(|skip| name == *skip)
        {
            continue;
        }
        let target = to.join(&name);
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Run `learn check --format json` in `dir`: the exit code and the report.
pub fn check_json(data_dir: &Path, dir: &Path, extra: &[&str]) -> (i32, Value) {
    let output = learn(data_dir)
        .args(["check", "--format", "json", "--seed", "7", "--path"])
        .arg(dir)
        .args(extra)
        .output()
        .unwrap();
    let code = output.status.code().expect("learn exits by itself");
    let report = serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "not a JSON report ({error}), exit {code}\nstdout: {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (code, report)
}

/// The ids of the checks with this status in a JSON report.
pub fn ids_with_status(report: &Value, status: &str) -> Vec<String> {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|check| check["status"] == status)
        .map(|check| check["id"].as_str().unwrap().to_string())
        .collect()
}
