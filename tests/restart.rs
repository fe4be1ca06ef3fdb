//! The `restart` step and the SQLite database of `database = "sqlite"`, on a small
//! course of its own (tests/courses/notes, read in author mode).

mod common;

use std::fs;
use std::path::Path;

use serde_json::Value;

use common::{ids_with_status, learn, processes_inside, repo};

/// Check a notes workspace whose server is `server` (tests/courses/notes/servers).
fn check(server: &str) -> (tempfile::TempDir, i32, Value) {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("ws");
    fs::create_dir_all(&dir).unwrap();
    let servers = repo().join("tests/courses/notes/servers");
    for file in fs::read_dir(&servers).unwrap().flatten() {
        fs::copy(file.path(), dir.join(file.file_name())).unwrap();
    }
    fs::write(
        dir.join("learn.toml"),
        format!("exercise = \"notes\"\ntrack = \"python\"\nrun = \"python3 {server}\"\n"),
    )
    .unwrap();
    let output = learn(&temp.path().join("data"))
        .arg("--course")
        .arg(repo().join("tests/courses/notes"))
        .args(["check", "--format", "json", "--path"])
        .arg(&dir)
        .output()
        .unwrap();
    let report = serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "no report ({error}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    assert_eq!(processes_inside(temp.path()), Vec::<String>::new());
    (temp, output.status.code().unwrap(), report)
}

#[test]
fn data_in_the_database_survives_a_restart_and_the_database_goes_afterwards() {
    let (temp, code, report) = check("sqlite_notes.py");
    assert_eq!(code, 0, "{report:#}");
    let steps = &report["checks"][1]["steps"];
    assert_eq!(steps[0]["kind"], "restart");
    let database = fs::read_to_string(temp.path().join("ws/database_url.txt")).unwrap();
    assert!(database.ends_with("learn.sqlite3"), "{database}");
    assert!(
        !Path::new(&database).exists(),
        "the run's database is removed with it"
    );
    assert!(
        !database.starts_with(&temp.path().join("ws").display().to_string()),
        "not in the workspace"
    );
}

#[test]
fn data_kept_in_memory_is_lost_by_the_restart() {
    let (_temp, code, report) = check("memory_notes.py");
    assert_eq!(code, 1);
    assert_eq!(
        ids_with_status(&report, "failed"),
        ["survives-restart", "in-the-table"]
    );
    let failure = report["checks"][1]["failure"].as_str().unwrap();
    assert!(failure.contains("status equals 200 — got 404"), "{failure}");
}

#[test]
fn a_server_that_does_not_come_back_fails_the_check_that_restarted_it() {
    let (_temp, code, report) = check("starts_once.py");
    assert_eq!(code, 1);
    assert_eq!(
        report["checks"][1]["failure"],
        "the server did not come back after a restart: it stopped at start (exit code 1)"
    );
}

#[test]
fn an_interrupted_run_removes_its_database() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("ws");
    fs::create_dir_all(&dir).unwrap();
    fs::copy(
        repo().join("tests/courses/notes/servers/never_ready.py"),
        dir.join("never_ready.py"),
    )
    .unwrap();
    fs::write(
        dir.join("learn.toml"),
        "exercise = \"notes\"\ntrack = \"python\"\nrun = \"python3 never_ready.py\"\n",
    )
    .unwrap();
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("learn"))
        .arg("--course")
        .arg(repo().join("tests/courses/notes"))
        .args(["check", "--start-timeout", "60"])
        .current_dir(&dir)
        .env("LEARN_DATA_DIR", temp.path().join("data"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let url_file = dir.join("database_url.txt");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let database = loop {
        if let Ok(path) = fs::read_to_string(&url_file)
            && Path::new(&path).exists()
        {
            break path;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the server never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(130));
    assert!(
        !Path::new(&database).exists(),
        "{database} outlived the interrupted run"
    );
    // SIGKILL is sent as learn exits; the server may take a moment to be gone.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while !processes_inside(temp.path()).is_empty() {
        let left = processes_inside(temp.path());
        assert!(
            std::time::Instant::now() < deadline,
            "left behind: {left:?}"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}
