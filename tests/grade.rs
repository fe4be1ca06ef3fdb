//! `learn grade` as a CI job runs it: every format from one run, scores that add up,
//! and a report even when nothing could be checked.

mod common;

use std::fs;
use std::path::Path;

use serde_json::Value;

use common::{copy_dir, learn, repo};

fn ids_of_failed_testcases(xml: &str) -> (usize, Vec<String>) {
    let document = roxmltree::Document::parse(xml).expect("the JUnit report is XML");
    let cases: Vec<_> = document
        .descendants()
        .filter(|node| node.has_tag_name("testcase"))
        .collect();
    let failed = cases
        .iter()
        .filter(|case| case.children().any(|child| child.has_tag_name("failure")))
        .map(|case| case.attribute("name").unwrap().to_string())
        .collect();
    (cases.len(), failed)
}

fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    keys
}

#[test]
fn every_format_from_one_run_with_the_tracks_recipe() {
    let temp = tempfile::tempdir().unwrap();
    let sub = temp.path().join("submission");
    copy_dir(&repo().join("tests/solutions/hello-http/python"), &sub);
    fs::remove_file(sub.join("learn.toml")).unwrap();
    let app = sub.join("app.py");
    let source = fs::read_to_string(&app).unwrap();
    fs::write(
        &app,
        source.replace("jsonify(status=\"ok\")", "jsonify(status=\"OK\")"),
    )
    .unwrap();
    let out = temp.path().join("out");
    let summary = temp.path().join("summary.md");
    let grade = |extra: &[&str]| {
        learn(&temp.path().join("data"))
            .args([
                "grade",
                "--exercise",
                "hello-http",
                "--track",
                "python",
                "--seed",
                "3",
            ])
            .args(["--format", "json", "--output"])
            .arg(out.join("report.json"))
            .args(["--format", "junit", "--output"])
            .arg(out.join("junit.xml"))
            .args(["--format", "gradescope", "--output"])
            .arg(out.join("results.json"))
            .args(["--format", "tap", "--output"])
            .arg(out.join("report.tap"))
            .args(["--format", "github"])
            .args(extra)
            .arg(&sub)
            .env("GITHUB_STEP_SUMMARY", &summary)
            .output()
            .unwrap()
    };
    let output = grade(&[]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let report: Value =
        serde_json::from_str(&fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(
        (
            report["summary"]["points"].as_f64(),
            report["summary"]["max_points"].as_f64()
        ),
        (Some(11.0), Some(12.0))
    );

    let (cases, failed) =
        ids_of_failed_testcases(&fs::read_to_string(out.join("junit.xml")).unwrap());
    assert_eq!((cases, failed), (9, vec!["health".to_string()]));

    let results: Value =
        serde_json::from_str(&fs::read_to_string(out.join("results.json")).unwrap()).unwrap();
    assert_eq!(
        keys(&results),
        ["execution_time", "max_score", "output", "score", "tests"]
    );
    let tests = results["tests"].as_array().unwrap();
    assert_eq!(tests.len(), 9);
    for test in tests {
        assert_eq!(
            keys(test),
            [
                "max_score",
                "name",
                "output",
                "score",
                "status",
                "visibility"
            ]
        );
        assert_eq!(test["visibility"], "visible");
    }
    let sum: f64 = tests
        .iter()
        .map(|test| test["score"].as_f64().unwrap())
        .sum();
    let max: f64 = tests
        .iter()
        .map(|test| test["max_score"].as_f64().unwrap())
        .sum();
    assert_eq!(
        (results["score"].as_f64(), results["max_score"].as_f64()),
        (Some(sum), Some(max))
    );
    assert_eq!((sum, max), (11.0, 12.0));
    let failed: Vec<&Value> = tests
        .iter()
        .filter(|test| test["status"] == "failed")
        .collect();
    assert_eq!(failed.len(), 1);
    assert!(
        failed[0]["output"]
            .as_str()
            .unwrap()
            .contains("$.status: expected \"ok\", got \"OK\"")
    );

    let tap = fs::read_to_string(out.join("report.tap")).unwrap();
    assert!(tap.starts_with("TAP version 14\n1..9\n"));
    assert_eq!(tap.matches("\nnot ok ").count(), 1);

    let stdout = String::from_utf8(output.stdout).unwrap();
    let errors: Vec<&str> = stdout
        .lines()
        .filter(|line| line.starts_with("::error "))
        .collect();
    assert_eq!(errors.len(), 1);
    assert!(errors[0].starts_with("::error title=health%3A "));
    assert!(stdout.contains("::notice title=Autograding complete::Points 11/12"));
    let summary_text = fs::read_to_string(&summary).unwrap();
    assert!(summary_text.starts_with("## hello-http (python): 11/12 points"));
    assert_eq!(summary_text.matches("\n| ✅ |").count(), 8);
    assert_eq!(summary_text.matches("\n| ❌ |").count(), 1);

    let passing_mark = grade(&["--min-score", "11"]);
    assert_eq!(passing_mark.status.code(), Some(0));
}

#[test]
fn the_flag_chooses_the_exercise_not_the_submission() {
    let temp = tempfile::tempdir().unwrap();
    let sub = temp.path().join("submission");
    // A hello-http solution handed in for crud-app: its learn.toml names the easier exercise.
    copy_dir(&repo().join("tests/solutions/hello-http/node"), &sub);
    let output = learn(&temp.path().join("data"))
        .args([
            "grade",
            "--exercise",
            "crud-app",
            "--format",
            "json",
            "--seed",
            "1",
        ])
        .arg(&sub)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["exercise"], "crud-app");
    assert_eq!(report["summary"]["checks"], 19);
    assert!(report["summary"]["passed"].as_u64().unwrap() < 19);
    let warnings = report["warnings"].as_array().unwrap();
    assert!(
        warnings[0]
            .as_str()
            .unwrap()
            .contains("names the exercise `hello-http`; it was graded on `crud-app`")
    );
}

#[test]
fn a_failed_build_still_writes_every_report_with_every_check() {
    let temp = tempfile::tempdir().unwrap();
    let sub = temp.path().join("submission");
    fs::create_dir_all(&sub).unwrap();
    fs::write(
        sub.join("learn.toml"),
        "exercise = \"hello-http\"\ntrack = \"python\"\nbuild = \"echo 'no such package' >&2; exit 1\"\nrun = \"true\"\n",
    )
    .unwrap();
    let out = temp.path().join("out");
    let output = learn(&temp.path().join("data"))
        .args([
            "grade",
            "--exercise",
            "hello-http",
            "--format",
            "junit",
            "--output",
        ])
        .arg(out.join("junit.xml"))
        .args(["--format", "json", "--output"])
        .arg(out.join("report.json"))
        .arg(&sub)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    let report: Value =
        serde_json::from_str(&fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(report["outcome"], "build_failed");
    let checks = report["checks"].as_array().unwrap();
    assert_eq!(checks.len(), 9);
    assert!(checks.iter().all(
        |check| check["status"] == "failed" && check["failure"] == "not run: the build failed"
    ));
    let (cases, failed) =
        ids_of_failed_testcases(&fs::read_to_string(out.join("junit.xml")).unwrap());
    assert_eq!((cases, failed.len()), (9, 9));
    assert!(!Path::new(&sub.join("checks.toml")).exists());
}
