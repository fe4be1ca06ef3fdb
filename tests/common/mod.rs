//! Helpers shared by the integration tests: the real binary, real workspaces.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `learn` binary, with progress kept in `data_dir` and no colour. What learn
/// makes in the temp folder (a grading jail's copy of a submission) goes beside
/// `data_dir`, so `processes_inside` the test's folder sees a jail's processes too.
pub fn learn(data_dir: &Path) -> Command {
    let mut command = Command::cargo_bin("learn").expect("the learn binary is built");
    command.env("LEARN_DATA_DIR", data_dir).env("NO_COLOR", "1");
    if let Some(temp) = data_dir.parent().filter(|temp| temp.is_dir()) {
        command.env("TMPDIR", temp);
    }
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

/// The mutants of an exercise's track (tests/mutants), as `learn verify` reads them.
pub fn mutants(exercise: &str, track: &str) -> Vec<learn::course::mutant::Mutant> {
    let path = repo()
        .join("tests/mutants")
        .join(exercise)
        .join(format!("{track}.toml"));
    learn::course::mutant::load(&path).unwrap()
}

/// Processes still running with their working folder inside `dir`: what a run left behind.
pub fn processes_inside(dir: &Path) -> Vec<String> {
    let dir = fs::canonicalize(dir).unwrap();
    let mut found = Vec::new();
    for entry in fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(cwd) = fs::read_link(entry.path().join("cwd")) else {
            continue;
        };
        let zombie = fs::read_to_string(entry.path().join("stat"))
            .map(|stat| {
                stat.rsplit_once(") ")
                    .is_some_and(|(_, rest)| rest.starts_with('Z'))
            })
            .unwrap_or(true);
        // A jailed process works in a copy under the test's temp folder (see `learn`);
        // one that moved away still names it in its environment.
        let environ = fs::read(entry.path().join("environ")).unwrap_or_default();
        let names_dir = String::from_utf8_lossy(&environ).contains(&*dir.to_string_lossy());
        if (cwd.starts_with(&dir) || names_dir) && !zombie {
            let command = fs::read_to_string(entry.path().join("cmdline"))
                .unwrap_or_default()
                .replace('\0', " ");
            found.push(format!("{pid} {command}"));
        }
    }
    found
}

/// Output with what changes from run to run (temp paths, ports, timings) masked.
pub fn masked(text: &str, temp: &Path) -> String {
    let text = text.replace(&temp.display().to_string(), "[TMP]");
    let rules = [
        (r"\d+ ms\b", "[N] ms"),
        // Ports the kernel hands out; the fixed 8000 of the curl lines stays.
        (r"(port |PORT=)\d{5}", "${1}[PORT]"),
        (r"\[\d\d/\w+/\d{4} \d\d:\d\d:\d\d\]", "[TIME]"),
        (r"within \d+ s", "within [N] s"),
    ];
    rules.iter().fold(text, |text, (pattern, replacement)| {
        regex::Regex::new(pattern)
            .unwrap()
            .replace_all(&text, *replacement)
            .into_owned()
    })
}

/// A hello-http workspace in `temp/ws` whose server runs `run`; with `fixture`, that
/// hostile server (tests/hostile) is copied in beside its helper module.
pub fn hello_workspace(temp: &Path, track: &str, run: &str, fixture: Option<&str>) -> PathBuf {
    let dir = temp.join("ws");
    fs::create_dir_all(&dir).unwrap();
    if let Some(fixture) = fixture {
        for file in [fixture, "hostile_base.py"] {
            fs::copy(repo().join("tests/hostile").join(file), dir.join(file)).unwrap();
        }
    }
    fs::write(
        dir.join("learn.toml"),
        format!("exercise = \"hello-http\"\ntrack = \"{track}\"\nrun = {run:?}\n"),
    )
    .unwrap();
    dir
}
