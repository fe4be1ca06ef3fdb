//! Every exercise on every track, for real: the scaffold builds, starts and fails; the
//! reference solution passes every check; every mutant fails the checks it names; and
//! every check is failed by some mutant (a check no mutant fails proves nothing).

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use common::{apply, check_json, copy_dir, ids_with_status, mutants, repo};

fn suite(exercise: &str, track: &str) {
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("data");

    // A solution holds what the learner writes; the files it leaves out (the database
    // module, the lock file, learn.toml) are the scaffold's, unchanged.
    let solution = temp.path().join("solution");
    copy_dir(
        &repo().join("scaffolds").join(exercise).join(track),
        &solution,
    );
    copy_dir(
        &repo().join("tests/solutions").join(exercise).join(track),
        &solution,
    );
    let (code, report) = check_json(&data, &solution, &[]);
    let all: Vec<String> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|check| check["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        ids_with_status(&report, "passed"),
        all,
        "the {exercise} {track} solution must pass every check: {report:#}"
    );
    assert_eq!(code, 0);
    assert_eq!(report["schema_version"], 1);
    assert_no_checks_on_disk(exercise, &solution);
    let database = has_database(exercise);
    if database {
        let (code, report) = check_json(&data, &solution, &["--db", "postgres"]);
        assert_eq!(
            ids_with_status(&report, "passed"),
            all,
            "the {exercise} {track} solution must pass every check on PostgreSQL: {report:#}"
        );
        assert_eq!(code, 0);
    }

    let mut killed = BTreeSet::new();
    for mutant in &mutants(exercise, track) {
        let originals = apply(&solution, mutant);
        let db = match mutant.db.as_deref() {
            None | Some("sqlite") => "sqlite",
            Some("postgres") if database => "postgres",
            Some(other) => panic!("mutant {}: no database `{other}` here", mutant.name),
        };
        let on: &[&str] = if database { &["--db", db] } else { &[] };
        let (code, report) = check_json(&data, &solution, on);
        for (file, original) in originals {
            fs::write(solution.join(file), original).unwrap();
        }
        assert_eq!(
            code, 1,
            "mutant {} on {db}: exit code 1 expected, report: {report:#}",
            mutant.name
        );
        let failed = ids_with_status(&report, "failed");
        for check in &mutant.kills {
            assert!(
                all.contains(check),
                "mutant {} names an unknown check {check}",
                mutant.name
            );
            assert!(
                failed.contains(check),
                "mutant {} must fail {check}, but failed only {failed:?}",
                mutant.name
            );
        }
        killed.extend(mutant.kills.iter().cloned());
    }
    let survivors: Vec<&String> = all.iter().filter(|id| !killed.contains(*id)).collect();
    assert!(
        survivors.is_empty(),
        "{exercise} {track}: no mutant fails {survivors:?}"
    );

    let scaffold = temp.path().join("scaffold");
    copy_dir(
        &repo().join("scaffolds").join(exercise).join(track),
        &scaffold,
    );
    let (code, report) = check_json(&data, &scaffold, &[]);
    assert_eq!(
        code, 1,
        "the scaffold must build, start and fail: {report:#}"
    );
    let passed = ids_with_status(&report, "passed").len();
    assert!(passed >= 1, "the scaffold answers at least one route");
    assert!(
        passed * 2 < all.len(),
        "the scaffold fails most checks, yet passed {passed} of {}",
        all.len()
    );
}

/// Whether the exercise declares a database (its checks then run on PostgreSQL too).
fn has_database(exercise: &str) -> bool {
    let file = repo()
        .join("exercises")
        .join(exercise)
        .join("exercise.toml");
    let exercise: toml::Table = toml::from_str(&fs::read_to_string(file).unwrap()).unwrap();
    exercise.contains_key("database")
}

/// The hidden checks never reach the workspace or its `.learn/` state.
fn assert_no_checks_on_disk(exercise: &str, workspace: &Path) {
    let checks =
        fs::read_to_string(repo().join("exercises").join(exercise).join("checks.toml")).unwrap();
    let secret = checks
        .lines()
        .find(|line| line.starts_with("title"))
        .unwrap();
    let mut stack = vec![workspace.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            let name = entry.file_name();
            if name == ".venv" || name == "node_modules" {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(text) = fs::read_to_string(&path) {
                assert!(
                    !text.contains("[[check]]") && !text.contains(secret),
                    "{} holds hidden checks",
                    path.display()
                );
            }
        }
    }
}

#[test]
fn hello_http_python() {
    suite("hello-http", "python");
}

#[test]
fn hello_http_node() {
    suite("hello-http", "node");
}

#[test]
fn crud_app_python() {
    suite("crud-app", "python");
}

#[test]
fn crud_app_node() {
    suite("crud-app", "node");
}

#[test]
fn url_shortener_python() {
    suite("url-shortener", "python");
}

#[test]
fn url_shortener_node() {
    suite("url-shortener", "node");
}

#[test]
fn persistence_python() {
    suite("persistence", "python");
}

#[test]
fn persistence_node() {
    suite("persistence", "node");
}

#[test]
fn relations_python() {
    suite("relations", "python");
}

#[test]
fn relations_node() {
    suite("relations", "node");
}
