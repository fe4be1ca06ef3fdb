//! The server's database: database and schema steps on the notes course (SQLite), and
//! the throwaway PostgreSQL cluster of `--db postgres`, which must be gone after a
//! passing run, a failing run and an interrupted one.

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use common::{ids_with_status, learn, masked, processes_inside, repo};

/// A temp folder with a notes workspace running `server`, and a TMPDIR of its own
/// that PostgreSQL (run as another user when the tests run as root) may enter.
struct Notes {
    temp: tempfile::TempDir,
}

impl Notes {
    fn new(server: &str) -> Notes {
        let temp = tempfile::tempdir().unwrap();
        fs::set_permissions(temp.path(), fs::Permissions::from_mode(0o755)).unwrap();
        let notes = Notes { temp };
        fs::create_dir_all(notes.tmp()).unwrap();
        fs::set_permissions(notes.tmp(), fs::Permissions::from_mode(0o755)).unwrap();
        fs::create_dir_all(notes.ws()).unwrap();
        let servers = repo().join("tests/courses/notes/servers");
        for file in fs::read_dir(&servers).unwrap().flatten() {
            fs::copy(file.path(), notes.ws().join(file.file_name())).unwrap();
        }
        fs::write(
            notes.ws().join("learn.toml"),
            format!("exercise = \"notes\"\ntrack = \"python\"\nrun = \"python3 {server}\"\n"),
        )
        .unwrap();
        notes
    }

    fn ws(&self) -> PathBuf {
        self.temp.path().join("ws")
    }

    fn tmp(&self) -> PathBuf {
        self.temp.path().join("tmp")
    }

    /// `learn --course notes SUBCOMMAND ARGS...`, run in the workspace.
    fn learn(&self, subcommand: &str, args: &[&str]) -> Command {
        let mut command = Command::new(assert_cmd::cargo::cargo_bin("learn"));
        command
            .env("LEARN_DATA_DIR", self.temp.path().join("data"))
            .env("NO_COLOR", "1")
            .arg("--course")
            .arg(repo().join("tests/courses/notes"))
            .arg(subcommand)
            .args(args)
            .current_dir(self.ws())
            .env("TMPDIR", self.tmp());
        command
    }

    fn command(&self, args: &[&str]) -> Command {
        self.learn("check", args)
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    /// The DATABASE_URL the server got.
    fn database_url(&self) -> String {
        fs::read_to_string(self.ws().join("database_url.txt")).unwrap()
    }

    /// Nothing of the run is left: no folder in its TMPDIR, no process inside the temp
    /// folder (PostgreSQL runs in its cluster's folder), nothing on the cluster's port.
    fn assert_all_gone(&self) {
        let deadline = Instant::now() + Duration::from_secs(5);
        while !processes_inside(self.temp.path()).is_empty() {
            let left = processes_inside(self.temp.path());
            assert!(Instant::now() < deadline, "left running: {left:?}");
            std::thread::sleep(Duration::from_millis(20));
        }
        let left: Vec<_> = fs::read_dir(self.tmp()).unwrap().flatten().collect();
        assert!(left.is_empty(), "left in TMPDIR: {left:?}");
        let url = fs::read_to_string(self.ws().join("database_url.txt")).unwrap_or_default();
        if let Some(port) = url
            .strip_prefix("postgresql://learn@127.0.0.1:")
            .and_then(|rest| rest.strip_suffix("/learn"))
        {
            let address = format!("127.0.0.1:{port}").parse().unwrap();
            assert!(
                std::net::TcpStream::connect_timeout(&address, Duration::from_secs(1)).is_err(),
                "PostgreSQL still answers on {port}"
            );
        }
    }
}

/// PostgreSQL's server program, found as learn finds it.
fn postgres_program() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let debian = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path().join("bin"));
    std::env::split_paths(&path)
        .chain(debian)
        .map(|dir| dir.join("postgres"))
        .find(|program| program.is_file())
        .expect("PostgreSQL's server programs are installed (.ci/run installs them)")
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "no report ({error}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

#[test]
fn database_and_schema_steps_read_what_the_server_stored() {
    let notes = Notes::new("sqlite_notes.py");
    let output = notes.run(&["--format", "json"]);
    let report = json(&output);
    assert_eq!(output.status.code(), Some(0), "{report:#}");
    let steps = &report["checks"][2]["steps"];
    assert_eq!(steps[0]["read"], "schema: columns notes");
    assert_eq!(steps[0]["rows"][1]["name"], "text");
    let sql = steps[1]["read"].as_str().unwrap();
    assert!(
        sql.starts_with("SELECT text FROM notes WHERE id = 1 AND text = 'note "),
        "values go in as SQL literals: {sql}"
    );
    assert_eq!(steps[1]["captures"][0]["name"], "stored");
    notes.assert_all_gone();
}

#[test]
fn a_database_step_says_what_it_read_and_why_it_failed() {
    let notes = Notes::new("memory_notes.py");
    let output = notes.run(&["--seed", "7"]);
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).unwrap();
    let text = masked(&text, notes.temp.path());
    let text = regex::Regex::new(r"\[TMP\]/tmp/learn-db-\w+")
        .unwrap()
        .replace_all(&text, "[DB]");
    let failure = &text[text.find("✗ in-the-table:").unwrap()..];
    insta::assert_snapshot!("database_step_failure", failure);
}

#[test]
fn a_failed_schema_assertion_shows_the_rows_it_read() {
    let notes = Notes::new("misnamed_notes.py");
    let output = notes.run(&["--seed", "7"]);
    assert_eq!(output.status.code(), Some(1));
    let text = masked(
        &String::from_utf8(output.stdout).unwrap(),
        notes.temp.path(),
    );
    let failure = &text[text.find("✗ in-the-table:").unwrap()..];
    insta::assert_snapshot!("schema_assertion_failure", failure);
}

#[test]
fn the_postgres_cluster_is_gone_after_a_passing_run() {
    let notes = Notes::new("memory_notes.py");
    let output = notes.run(&[
        "--db",
        "postgres",
        "--only",
        "create-note",
        "--format",
        "json",
    ]);
    let report = json(&output);
    assert_eq!(output.status.code(), Some(0), "{report:#}");
    let url = notes.database_url();
    assert!(
        regex::Regex::new(r"^postgresql://learn@127\.0\.0\.1:\d+/learn$")
            .unwrap()
            .is_match(&url),
        "{url}"
    );
    notes.assert_all_gone();
}

#[test]
fn a_new_cluster_is_a_copy_of_a_cached_template() {
    let notes = Notes::new("memory_notes.py");
    let cache = notes.temp.path().join("cache");
    let args = ["--db", "postgres", "--only", "create-note"];
    let output = notes
        .command(&args)
        .env("LEARN_CACHE_DIR", &cache)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let templates: Vec<PathBuf> = fs::read_dir(&cache)
        .unwrap()
        .flatten()
        .map(|entry| entry.path())
        .collect();
    assert_eq!(
        templates.len(),
        1,
        "one template, no staging left: {templates:?}"
    );
    assert!(templates[0].join("complete").is_file());
    assert!(templates[0].join("data/PG_VERSION").is_file());
    // The second run starts from the template: with an initdb that always fails, it
    // still gets a cluster.
    let bin = notes.temp.path().join("bin");
    fs::create_dir(&bin).unwrap();
    let server = fs::canonicalize(postgres_program()).unwrap();
    std::os::unix::fs::symlink(server, bin.join("postgres")).unwrap();
    fs::write(
        bin.join("initdb"),
        "#!/bin/sh\necho initdb must not run >&2\nexit 1\n",
    )
    .unwrap();
    fs::set_permissions(bin.join("initdb"), fs::Permissions::from_mode(0o755)).unwrap();
    let output = notes
        .command(&args)
        .env("LEARN_CACHE_DIR", &cache)
        .env("LEARN_PG_BIN", &bin)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert_eq!(fs::read_dir(&cache).unwrap().count(), 1);
    notes.assert_all_gone();
}

#[test]
fn the_postgres_cluster_is_gone_after_a_failing_run() {
    let notes = Notes::new("memory_notes.py");
    let output = notes.run(&["--db", "postgres", "--format", "json"]);
    let report = json(&output);
    assert_eq!(output.status.code(), Some(1), "{report:#}");
    assert_eq!(
        ids_with_status(&report, "failed"),
        ["survives-restart", "in-the-table"]
    );
    // The note table is missing from the (PostgreSQL) database the server ignored.
    let failure = report["checks"][2]["failure"].as_str().unwrap();
    assert_eq!(
        failure,
        "reading the database failed: there is no table `notes`: the database has no tables at all"
    );
    notes.assert_all_gone();
}

#[test]
fn the_postgres_cluster_is_gone_after_an_interrupted_run() {
    let notes = Notes::new("never_ready.py");
    let child = notes
        .command(&["--db", "postgres", "--start-timeout", "60"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let url_file = notes.ws().join("database_url.txt");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !url_file.exists() {
        assert!(Instant::now() < deadline, "the server never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    let running = fs::read_dir(notes.tmp()).unwrap().count();
    assert_eq!(running, 1, "the cluster's folder is there while it runs");
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(130));
    notes.assert_all_gone();
}

#[test]
fn grade_runs_on_postgres_too_and_leaves_nothing() {
    let notes = Notes::new("memory_notes.py");
    let args = [
        "--exercise",
        "notes",
        "--db",
        "postgres",
        "--format",
        "json",
        ".",
    ];
    let mut grade = notes.learn("grade", &args);
    let output = grade.output().unwrap();
    let report = json(&output);
    assert_eq!(output.status.code(), Some(1), "{report:#}");
    assert_eq!(ids_with_status(&report, "passed"), ["create-note"]);
    // Graded, the server may run in a jail's copy of the workspace: its log names the URL.
    let log = report["server_log"].to_string();
    let url = log
        .split("database: ")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no URL in the log: {log}"));
    assert!(url.starts_with("postgresql://learn@127.0.0.1:"), "{url}");
    fs::write(notes.ws().join("database_url.txt"), url).unwrap();
    notes.assert_all_gone();
}

#[test]
fn a_cluster_that_cannot_be_made_is_reported_as_such() {
    let notes = Notes::new("memory_notes.py");
    let bin = notes.temp.path().join("bin");
    fs::create_dir(&bin).unwrap();
    let server = fs::canonicalize(postgres_program()).unwrap();
    std::os::unix::fs::symlink(server, bin.join("postgres")).unwrap();
    let initdb = "#!/bin/sh\necho 'initdb: error: disk full' >&2\nexit 1\n";
    fs::write(bin.join("initdb"), initdb).unwrap();
    fs::set_permissions(bin.join("initdb"), fs::Permissions::from_mode(0o755)).unwrap();
    let output = notes
        .command(&["--db", "postgres"])
        .env("LEARN_CACHE_DIR", notes.temp.path().join("empty-cache"))
        .env("LEARN_PG_BIN", &bin)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(4));
    insta::assert_snapshot!("postgres_failed", String::from_utf8(output.stdout).unwrap());
    assert!(
        !notes.ws().join("database_url.txt").exists(),
        "the server never started"
    );
    notes.assert_all_gone();
}

#[test]
fn without_postgres_programs_learn_says_how_to_get_them() {
    let notes = Notes::new("memory_notes.py");
    let output = notes
        .command(&["--db", "postgres"])
        .env("LEARN_PG_BIN", notes.temp.path().join("no-such-folder"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    insta::assert_snapshot!(
        "postgres_missing",
        String::from_utf8(output.stderr).unwrap()
    );
    assert!(!notes.ws().join("database_url.txt").exists(), "nothing ran");
}

#[test]
fn an_existing_database_is_used_as_given() {
    let notes = Notes::new("sqlite_notes.py");
    let file = notes.temp.path().join("mine.sqlite3");
    let output = notes.run(&["--database-url", file.to_str().unwrap(), "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{:#}", json(&output));
    assert_eq!(notes.database_url(), file.display().to_string());
    assert!(file.exists(), "an existing database stays");
}

#[test]
fn an_exercise_without_a_database_takes_no_db_flag() {
    let temp = tempfile::tempdir().unwrap();
    let ws = common::hello_workspace(temp.path(), "python", "python3 -m http.server", None);
    let output = learn(&temp.path().join("data"))
        .args(["check", "--db", "postgres", "--path"])
        .arg(&ws)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("`hello-http` has no database, so --db and --database-url do not apply"),
        "{stderr}"
    );
    assert!(Path::new(&ws).join("learn.toml").exists());
}
