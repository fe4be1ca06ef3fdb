//! `learn verify` on a small course of its own (tests/courses/greet): a proven course
//! passes, each way a course can lie is named, and each distinct build runs once.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{copy_dir, learn, repo};
use serde_json::Value;

fn greet_course(temp: &Path) -> PathBuf {
    let dir = temp.join("course");
    copy_dir(&repo().join("tests/courses/greet"), &dir);
    dir
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} has no {from:?}", path.display());
    fs::write(path, text.replacen(from, to, 1)).unwrap();
}

struct Verified {
    code: i32,
    stdout: String,
    stderr: String,
}

fn verify(temp: &Path, course: &Path, extra: &[&str]) -> Verified {
    let output = learn(&temp.join("data"))
        .env("VERIFY_BUILD_LOG", temp.join("builds.log"))
        .arg("verify")
        .arg("--course")
        .arg(course)
        .args(["--jobs", "2"])
        .args(extra)
        .output()
        .unwrap();
    Verified {
        code: output.status.code().expect("learn exits by itself"),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The table with its timings masked.
fn masked(text: &str) -> String {
    regex::Regex::new(r"\d+\.\d s")
        .unwrap()
        .replace_all(text, "[T] s")
        .into_owned()
}

#[test]
fn a_proven_course_passes_and_builds_each_distinct_build_once() {
    let temp = tempfile::tempdir().unwrap();
    let course = greet_course(temp.path());
    let out = verify(temp.path(), &course, &[]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    insta::assert_snapshot!("verify_proven", masked(&out.stdout));
    // The scaffold's build serves the solution and every mutant; the alternative has
    // no build of its own.
    let builds = fs::read_to_string(temp.path().join("builds.log")).unwrap();
    assert_eq!(builds.lines().count(), 1, "{builds}");

    let out = verify(temp.path(), &course, &["--format", "json"]);
    assert_eq!(out.code, 0);
    let proof: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(proof["problems"], 0);
    let greet = &proof["exercises"][0];
    assert_eq!(
        (&greet["checks"], &greet["mutants"], &greet["alternatives"]),
        (&Value::from(3), &Value::from(3), &Value::from(1))
    );
    let subjects: Vec<&str> = greet["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["subject"].as_str().unwrap())
        .collect();
    assert_eq!(
        subjects,
        [
            "python scaffold",
            "python solution",
            "python solution in parts",
            "python mutants",
            "python checks",
            "wsgi alternative"
        ]
    );
}

#[test]
fn every_way_a_course_can_lie_is_named() {
    let temp = tempfile::tempdir().unwrap();
    let course = greet_course(temp.path());
    let mutants = course.join("tests/mutants/greet/python.toml");
    // A quote the README does not hold.
    edit(
        &mutants,
        "breaks = \"`GET /health` answers `200`.\"",
        "breaks = \"GET /health answers 200 OK.\"",
    );
    // A mutant whose bug no check can see: it still claims to fail `greet`.
    edit(
        &mutants,
        "replace = 'f\"Hello {name}\"'",
        "replace = 'f\"Hello, {name}!\" '",
    );
    // A kill that names no check.
    edit(
        &mutants,
        "kills = [\"greet-needs-name\"]",
        "kills = [\"greet-need-name\"]",
    );
    // One hint only.
    edit(
        &course.join("exercises/greet/checks.toml"),
        "hints = [\"A health check says the server is up.\", ",
        "hints = [",
    );
    // An alternative that breaks a rule.
    edit(
        &course.join("tests/alternatives/greet/wsgi/app.py"),
        "return answer(\"400 Bad Request\"",
        "return answer(\"200 OK\"",
    );
    let out = verify(temp.path(), &course, &[]);
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    insta::assert_snapshot!("verify_lies", masked(&out.stdout));
}

#[test]
fn a_scaffold_that_passes_and_a_mutant_that_cannot_be_made_are_named() {
    let temp = tempfile::tempdir().unwrap();
    let course = greet_course(temp.path());
    fs::copy(
        course.join("tests/solutions/greet/python/server.py"),
        course.join("scaffolds/greet/python/server.py"),
    )
    .unwrap();
    edit(
        &course.join("tests/mutants/greet/python.toml"),
        "find = '[None])[0]'",
        "find = 'self'",
    );
    let out = verify(temp.path(), &course, &[]);
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout
            .contains("python scaffold passes every check: a learner would have nothing to do"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(
            "python mutant `name-optional`: its `find` text occurs 12 times in server.py; it must occur once"
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("no python mutant fails `greet-needs-name`"),
        "{}",
        out.stdout
    );
}

/// A check that passes only after an earlier one ran, without `requires`: the solution
/// passes the whole run, but a mutant that runs only that check would "kill" it for a
/// reason of the selection's making.
#[test]
fn a_check_that_leans_on_an_earlier_one_unsaid_is_named() {
    let temp = tempfile::tempdir().unwrap();
    let course = greet_course(temp.path());
    edit(
        &course.join("exercises/greet/checks.toml"),
        "requires = [\"greet\"]\n",
        "",
    );
    let server = course.join("tests/solutions/greet/python/server.py");
    edit(
        &server,
        "class Handler(BaseHTTPRequestHandler):",
        "greeted = []\n\n\nclass Handler(BaseHTTPRequestHandler):",
    );
    edit(
        &server,
        "            if name is None:",
        "            if name is None and greeted:",
    );
    edit(
        &server,
        "                self.answer(200, {\"greeting\": f\"Hello, {name}!\"})",
        "                greeted.append(name)\n                self.answer(200, {\"greeting\": f\"Hello, {name or 'you'}!\"})",
    );
    let out = verify(temp.path(), &course, &[]);
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains(
            "python solution as mutant `name-optional` runs it must pass, but `greet-needs-name` fails"
        ) && out.stdout.contains("must `require` it"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .lines()
            .any(|line| line.starts_with("  ✓ python solution ")
                && line.contains("passes 3 of 3 checks")),
        "the whole run passes: {}",
        out.stdout
    );
}

/// Ctrl-C or SIGTERM while builds run stops them, and leaves no process and no folder.
#[test]
fn an_interrupted_verify_leaves_nothing_behind() {
    let temp = tempfile::tempdir().unwrap();
    let course = greet_course(temp.path());
    edit(
        &course.join("scaffolds/greet/python/learn.toml"),
        "build = 'echo built >> \"${VERIFY_BUILD_LOG:-/dev/null}\"'",
        "build = 'echo built >> \"${VERIFY_BUILD_LOG:-/dev/null}\"; sleep 60'",
    );
    let scratch = temp.path().join("tmp");
    fs::create_dir_all(&scratch).unwrap();
    let log = temp.path().join("builds.log");
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("learn"))
        .arg("verify")
        .arg("--course")
        .arg(&course)
        .env("VERIFY_BUILD_LOG", &log)
        .env("TMPDIR", &scratch)
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !log.exists() {
        assert!(
            std::time::Instant::now() < deadline,
            "the build never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(130));
    assert!(String::from_utf8_lossy(&output.stderr).contains("Interrupted"));
    assert_eq!(
        common::processes_inside(&scratch),
        Vec::<String>::new(),
        "processes left behind"
    );
    assert_eq!(
        fs::read_dir(&scratch).unwrap().count(),
        0,
        "files left behind"
    );
}

#[test]
fn verify_outside_a_course_says_where_to_run_it() {
    let temp = tempfile::tempdir().unwrap();
    let output = learn(&temp.path().join("data"))
        .arg("verify")
        .current_dir(temp.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("learn verify proves a course folder") && stderr.contains("--course DIR"),
        "{stderr}"
    );
}
