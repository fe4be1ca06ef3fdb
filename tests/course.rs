//! The built-in course proves itself: `learn verify` over every exercise, track,
//! database, alternative solution and mutant. And the hidden checks never reach a
//! learner's workspace.

mod common;

use std::fs;
use std::path::Path;

use common::{copy_dir, learn, repo};

#[test]
fn the_course_is_proven() {
    let temp = tempfile::tempdir().unwrap();
    let output = learn(&temp.path().join("data"))
        .arg("verify")
        .arg("--course")
        .arg(repo())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    // The table is worth reading in CI's log, proven or not.
    println!("{stdout}");
    assert_eq!(
        output.status.code(),
        Some(0),
        "learn verify found problems:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A learner's workspace after `learn check` holds no hidden check: not in its files,
/// not in its `.learn/` state.
#[test]
fn the_hidden_checks_never_reach_the_workspace() {
    let temp = tempfile::tempdir().unwrap();
    let workspace = temp.path().join("ws");
    copy_dir(&repo().join("scaffolds/hello-http/python"), &workspace);
    copy_dir(
        &repo().join("tests/solutions/hello-http/python"),
        &workspace,
    );
    let output = learn(&temp.path().join("data"))
        .args(["check", "--path"])
        .arg(&workspace)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let checks = fs::read_to_string(repo().join("exercises/hello-http/checks.toml")).unwrap();
    let secret = checks
        .lines()
        .find(|line| line.starts_with("title"))
        .unwrap();
    assert_no_text_under(&workspace, &["[[check]]", secret]);
}

fn assert_no_text_under(dir: &Path, needles: &[&str]) {
    for entry in fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if name == ".venv" || name == "node_modules" {
            continue;
        }
        if path.is_dir() {
            assert_no_text_under(&path, needles);
        } else if let Ok(text) = fs::read_to_string(&path) {
            for needle in needles {
                assert!(
                    !text.contains(needle),
                    "{} holds hidden checks",
                    path.display()
                );
            }
        }
    }
}
