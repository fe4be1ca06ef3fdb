//! The command line as a learner meets it: every message and exit code, locked by
//! golden files (tests/snapshots) so a change to learner-facing text is reviewed.

mod common;

use std::fs;
use std::path::Path;

use common::{check_json, copy_dir, learn, masked, repo};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(temp: &Path, args: &[&str], dir: &Path) -> Run {
    let output = learn(&temp.join("data"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    Run {
        code: output.status.code().unwrap(),
        stdout: masked(&String::from_utf8_lossy(&output.stdout), temp),
        stderr: masked(&String::from_utf8_lossy(&output.stderr), temp),
    }
}

/// A workspace for hello-http with custom build and run commands.
fn workspace(temp: &Path, build: &str, run: &str) -> std::path::PathBuf {
    let dir = temp.join("ws");
    fs::create_dir_all(&dir).unwrap();
    let config = format!(
        "exercise = \"hello-http\"\ntrack = \"python\"\nbuild = {build:?}\nbuild_inputs = [\"deps.txt\"]\nrun = {run:?}\n"
    );
    fs::write(dir.join("learn.toml"), config).unwrap();
    dir
}

#[test]
fn list_shows_every_stage_in_order() {
    let temp = tempfile::tempdir().unwrap();
    let out = run(temp.path(), &["list"], temp.path());
    assert_eq!(out.code, 0);
    insta::assert_snapshot!("list_fresh", out.stdout);
}

#[test]
fn show_prints_the_task_and_the_environment() {
    let temp = tempfile::tempdir().unwrap();
    let output = learn(&temp.path().join("data"))
        .args(["show", "crud-app"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let readme = fs::read_to_string(repo().join("exercises/crud-app/README.md")).unwrap();
    assert!(stdout.contains(readme.trim_end()));
    assert!(
        stdout.contains("Your server gets: PORT (the port to listen on), TZ=UTC, LANG=C.UTF-8")
    );
}

#[test]
fn start_makes_a_workspace_without_the_checks_and_never_overwrites() {
    let temp = tempfile::tempdir().unwrap();
    let out = run(
        temp.path(),
        &["start", "crud-app", "--lang", "node"],
        temp.path(),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    insta::assert_snapshot!("start", out.stdout);
    let dir = temp.path().join("crud-app");
    let readme = fs::read_to_string(repo().join("exercises/crud-app/README.md")).unwrap();
    assert_eq!(fs::read_to_string(dir.join("README.md")).unwrap(), readme);
    let config = fs::read_to_string(dir.join("learn.toml")).unwrap();
    assert!(config.contains("exercise = \"crud-app\"") && config.contains("track = \"node\""));
    assert!(dir.join("server.js").is_file() && dir.join("package.json").is_file());
    assert!(!dir.join("checks.toml").exists() && !dir.join("node_modules").exists());

    fs::write(dir.join("server.js"), "// my work").unwrap();
    let again = run(
        temp.path(),
        &["start", "crud-app", "--lang", "node"],
        temp.path(),
    );
    assert_eq!(again.code, 2);
    insta::assert_snapshot!("start_refuses_non_empty", again.stderr);
    assert_eq!(
        fs::read_to_string(dir.join("server.js")).unwrap(),
        "// my work"
    );

    let forced = run(
        temp.path(),
        &["start", "crud-app", "--lang", "node", "--force"],
        temp.path(),
    );
    assert_eq!(forced.code, 0);
    assert_ne!(
        fs::read_to_string(dir.join("server.js")).unwrap(),
        "// my work"
    );
}

#[test]
fn unknown_exercises_and_tracks_suggest_the_closest() {
    let temp = tempfile::tempdir().unwrap();
    let out = run(temp.path(), &["start", "crud-ap"], temp.path());
    assert_eq!(out.code, 2);
    insta::assert_snapshot!("unknown_exercise", out.stderr);
    let out = run(
        temp.path(),
        &["start", "hello-http", "--lang", "nod"],
        temp.path(),
    );
    assert_eq!(out.code, 2);
    insta::assert_snapshot!("unknown_track", out.stderr);
    assert!(!temp.path().join("hello-http").exists());
}

#[test]
fn check_outside_a_workspace_says_how_to_start() {
    let temp = tempfile::tempdir().unwrap();
    let out = run(temp.path(), &["check"], temp.path());
    assert_eq!(out.code, 2);
    insta::assert_snapshot!("outside_workspace", out.stderr);
}

#[test]
fn a_malformed_learn_toml_points_at_the_mistake() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("ws");
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join("learn.toml"),
        "exercise = \"hello-http\"\ntrack = \"python\"\nrun = node server.js\n",
    )
    .unwrap();
    let out = run(temp.path(), &["check"], &dir);
    assert_eq!(out.code, 2);
    insta::assert_snapshot!("malformed_learn_toml", out.stderr);
}

#[test]
fn a_missing_toolchain_is_named_with_how_to_get_it() {
    let temp = tempfile::tempdir().unwrap();
    let bin = temp.path().join("bin");
    fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink("/bin/sh", bin.join("sh")).unwrap();
    let dir = workspace(temp.path(), "npm ci", "node server.js");
    let output = learn(&temp.path().join("data"))
        .arg("check")
        .current_dir(&dir)
        .env("PATH", &bin)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    insta::assert_snapshot!(
        "missing_toolchain",
        masked(&String::from_utf8_lossy(&output.stdout), temp.path())
    );
}

#[test]
fn a_failed_build_shows_its_output_and_is_not_skipped_next_time() {
    let temp = tempfile::tempdir().unwrap();
    let dir = workspace(
        temp.path(),
        "echo compiling; echo 'SyntaxError: invalid syntax (app.py, line 3)' >&2; exit 1",
        "exit 1",
    );
    let out = run(temp.path(), &["check"], &dir);
    assert_eq!(out.code, 3);
    insta::assert_snapshot!("build_failed", out.stdout);
    assert_eq!(
        run(temp.path(), &["check"], &dir).code,
        3,
        "a failed build runs again"
    );
}

#[test]
fn the_build_is_skipped_while_its_inputs_are_unchanged() {
    let temp = tempfile::tempdir().unwrap();
    let dir = workspace(temp.path(), "echo built >> build.log", "exit 1");
    fs::write(dir.join("deps.txt"), "flask").unwrap();
    let data = temp.path().join("data");
    let (code, report) = check_json(&data, &dir, &[]);
    assert_eq!(
        (code, &report["build"]["skipped"]),
        (4, &serde_json::json!(false))
    );
    let (_, report) = check_json(&data, &dir, &[]);
    assert_eq!(report["build"]["skipped"], true);
    fs::write(dir.join("deps.txt"), "flask==3").unwrap();
    let (_, report) = check_json(&data, &dir, &[]);
    assert_eq!(report["build"]["skipped"], false);
    assert_eq!(
        fs::read_to_string(dir.join("build.log")).unwrap(),
        "built\nbuilt\n"
    );
}

#[test]
fn a_server_that_exits_at_start_is_reported_with_its_output() {
    let temp = tempfile::tempdir().unwrap();
    let dir = workspace(
        temp.path(),
        "",
        "echo 'Traceback (most recent call last):'; echo 'NameError: name app is not defined' >&2; exit 1",
    );
    let out = run(temp.path(), &["check"], &dir);
    assert_eq!(out.code, 4);
    insta::assert_snapshot!("server_exited", out.stdout);
}

#[test]
fn a_server_on_the_wrong_port_is_named_with_the_port_it_opened() {
    let temp = tempfile::tempdir().unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let wrong = listener.local_addr().unwrap().port();
    drop(listener);
    let server = format!(
        "python3 -c \"import socket,time; s=socket.socket(); s.bind(('127.0.0.1', {wrong})); s.listen(); print('listening on {wrong}', flush=True); time.sleep(60)\""
    );
    let dir = workspace(temp.path(), "", &server);
    let output = learn(&temp.path().join("data"))
        .args(["check", "--start-timeout", "1", "--format", "json"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(4));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["problem"]["kind"], "server_not_listening");
    assert_eq!(
        report["problem"]["listening"],
        serde_json::json!([format!("127.0.0.1:{wrong}")])
    );
    let human = learn(&temp.path().join("data"))
        .args(["check", "--start-timeout", "1"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(human.status.code(), Some(4));
    let human = String::from_utf8_lossy(&human.stdout).replace(&wrong.to_string(), "[WRONG]");
    insta::assert_snapshot!("server_wrong_port", masked(&human, temp.path()));
    let leftover = std::net::TcpListener::bind(("127.0.0.1", wrong));
    assert!(
        leftover.is_ok(),
        "the server was stopped, so its port is free again"
    );
}

#[test]
fn a_passing_and_a_failing_run_read_well_and_progress_is_recorded() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("hello");
    copy_dir(&repo().join("tests/solutions/hello-http/python"), &dir);
    let passing = run(temp.path(), &["check", "--seed", "1"], &dir);
    assert_eq!(passing.code, 0, "{}", passing.stdout);
    insta::assert_snapshot!("report_passing", passing.stdout);

    let list = run(temp.path(), &["list"], &dir);
    insta::assert_snapshot!("list_after_passing", list.stdout);
    let next = run(temp.path(), &["next"], &dir);
    insta::assert_snapshot!("next_after_passing", next.stdout);

    let app = dir.join("app.py");
    let source = fs::read_to_string(&app).unwrap();
    let broken = source.replace("jsonify(status=\"ok\")", "jsonify(status=\"OK\")");
    assert_ne!(
        source, broken,
        "the solution answers with jsonify(status=\"ok\")"
    );
    fs::write(&app, broken).unwrap();
    let failing = run(
        temp.path(),
        &["check", "--seed", "1", "--save-report", "shared.md"],
        &dir,
    );
    assert_eq!(failing.code, 1);
    insta::assert_snapshot!("report_failing", failing.stdout);
    assert_eq!(
        failing.stderr,
        "Report saved to shared.md: paste it into a forum post or an issue.\n"
    );
    let shared = fs::read_to_string(dir.join("shared.md")).unwrap();
    let shared = regex::Regex::new(r"Python \d+\.\d+\.\d+")
        .unwrap()
        .replace_all(&shared, "Python X.Y.Z");
    insta::assert_snapshot!("report_saved_markdown", masked(&shared, temp.path()));

    // The report showed the first hint; `learn hint` goes on from there, then stays on the last.
    fs::create_dir_all(dir.join("sub")).unwrap();
    let hints: Vec<String> = (0..3)
        .map(|_| run(temp.path(), &["hint"], &dir.join("sub")).stdout)
        .collect();
    insta::assert_snapshot!("hint_second", hints[0]);
    assert_eq!(
        hints[1], hints[0],
        "the second hint is the last one, and stays"
    );
    let unknown = run(temp.path(), &["hint", "helth"], &dir);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.contains("Did you mean `health`?"),
        "{}",
        unknown.stderr
    );
    let next = run(temp.path(), &["next"], &dir);
    insta::assert_snapshot!("next_while_failing", next.stdout);

    let only = check_json(&temp.path().join("data"), &dir, &["--only", "health"]);
    let ids: Vec<&str> = only.1["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!((only.0, ids), (1, vec!["health"]));
}

#[test]
fn interrupting_a_check_stops_the_server() {
    interrupt_with("-INT");
}

#[test]
fn terminating_a_check_stops_the_server() {
    interrupt_with("-TERM");
}

fn interrupt_with(signal: &str) {
    let temp = tempfile::tempdir().unwrap();
    // The sleeper is a child of the shell, so only killing the whole group stops it.
    let dir = workspace(
        temp.path(),
        "",
        "python3 -c 'import time; time.sleep(60)' & echo $! > server.pid; wait",
    );
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("learn"))
        .args(["check", "--start-timeout", "30"])
        .current_dir(&dir)
        .env("LEARN_DATA_DIR", temp.path().join("data"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid_file = dir.join("server.pid");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !pid_file.exists() || fs::read_to_string(&pid_file).unwrap().trim().is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "the server never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let server: u32 = fs::read_to_string(&pid_file)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(alive(server));
    std::process::Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(130));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("Interrupted: your server was stopped.")
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while alive(server) {
        assert!(
            std::time::Instant::now() < deadline,
            "the server outlived learn"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Whether a process runs (a zombie waiting to be reaped does not count).
fn alive(pid: u32) -> bool {
    fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|stat| {
            stat.rsplit_once(") ")
                .is_some_and(|(_, rest)| !rest.starts_with('Z'))
        })
        .unwrap_or(false)
}

#[test]
fn a_corrupt_progress_file_is_set_aside_with_a_warning() {
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("data");
    fs::create_dir_all(&data).unwrap();
    fs::write(data.join("progress.json"), "{ this is not json").unwrap();
    let out = run(temp.path(), &["list"], temp.path());
    assert_eq!(out.code, 0);
    assert!(
        out.stderr
            .starts_with("warning: your progress file could not be read"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("it was kept as [TMP]/data/progress.json.corrupt-"),
        "{}",
        out.stderr
    );
    let kept: Vec<String> = fs::read_dir(&data)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(kept.len(), 1);
    assert_eq!(
        fs::read_to_string(data.join(&kept[0])).unwrap(),
        "{ this is not json"
    );
}

/// The first thing a beginner may type after `learn start`: the first check's first
/// hint, and a word on `learn check`.
#[test]
fn hint_before_any_check_helps_with_the_first_check() {
    let temp = tempfile::tempdir().unwrap();
    let dir = workspace(temp.path(), "", "true");
    let out = run(temp.path(), &["hint"], &dir);
    assert_eq!(out.code, 0, "{}", out.stderr);
    insta::assert_snapshot!("hint_before_check", out.stdout);
    let again = run(temp.path(), &["hint"], &dir);
    assert!(again.stdout.starts_with("Hint 2 of"), "{}", again.stdout);
}

#[test]
fn a_closed_output_pipe_ends_learn_quietly() {
    let temp = tempfile::tempdir().unwrap();
    // bash makes the pipe, so no other thread of this test process can hold it open;
    // `true` has closed it by the time learn writes.
    let script = r#"(sleep 0.3; exec "$0" show crud-app) | true; echo "${PIPESTATUS[0]}""#;
    let output = std::process::Command::new("bash")
        .args(["-c", script])
        .arg(assert_cmd::cargo::cargo_bin("learn"))
        .env("LEARN_DATA_DIR", temp.path())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "141");
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

#[test]
fn completions_and_the_man_page_come_from_the_cli() {
    let temp = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish"] {
        let out = run(temp.path(), &["completions", shell], temp.path());
        assert_eq!(out.code, 0);
        assert!(
            out.stdout.contains("grade") && out.stdout.contains("hint"),
            "{shell}"
        );
    }
    let man = run(temp.path(), &["man"], temp.path());
    assert!(man.stdout.contains(".TH learn 1") && man.stdout.contains("check"));
}

/// `learn check` on a terminal (a pseudo-terminal from util-linux `script`): the first
/// failure in full and the others as their line in the list; `--all` expands them all.
#[test]
fn a_terminal_shows_one_failure_at_a_time_and_all_on_request() {
    let temp = tempfile::tempdir().unwrap();
    let dir = common::hello_workspace(
        temp.path(),
        "python",
        "python3 -c 'from hostile_base import serve; serve()'",
        Some("hostile_base.py"),
    );
    let on_a_terminal = |extra: &str| {
        let learn = assert_cmd::cargo::cargo_bin("learn");
        let output = std::process::Command::new("script")
            .args([
                "-qec",
                &format!("{} check --seed 7 {extra}", learn.display()),
                "/dev/null",
            ])
            .current_dir(&dir)
            .env("LEARN_DATA_DIR", temp.path().join("data"))
            .env("NO_COLOR", "1")
            .stdin(std::process::Stdio::null())
            .output()
            .expect("script(1) from util-linux runs learn under a pseudo-terminal");
        assert_eq!(output.status.code(), Some(1));
        masked(
            &String::from_utf8_lossy(&output.stdout).replace("\r\n", "\n"),
            temp.path(),
        )
    };
    let focused = on_a_terminal("");
    assert!(
        focused.contains("7 more checks fail (listed above)"),
        "{focused}"
    );
    insta::assert_snapshot!("check_focused", focused);
    let all = on_a_terminal("--all");
    assert!(!all.contains("more checks fail"), "{all}");
    insta::assert_snapshot!("check_all", all);
    assert!(all.lines().count() > focused.lines().count() * 2);
}

/// The Python tracks build with uv when the machine has it: the virtual environment
/// is uv's, with pip in it for the learner, and the solution passes. (Machines without
/// uv take the pip branch, as every other test does.)
#[test]
fn python_builds_use_uv_when_the_machine_has_it() {
    let Some(uv) = std::env::var_os("LEARN_TEST_UV").map(std::path::PathBuf::from) else {
        eprintln!("skipped: set LEARN_TEST_UV to a uv binary (.ci/run installs one)");
        return;
    };
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("hello");
    copy_dir(&repo().join("tests/solutions/hello-http/python"), &dir);
    // A folder with uv alone, so nothing else of uv's home lands on PATH.
    let bin = temp.path().join("bin");
    fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(&uv, bin.join("uv")).unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let output = learn(&temp.path().join("data"))
        .env("PATH", path)
        .args(["check", "--format", "json", "--path"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let config = fs::read_to_string(dir.join(".venv/pyvenv.cfg")).unwrap();
    assert!(config.contains("uv = "), "not uv's: {config}");
    assert!(dir.join(".venv/bin/pip").exists(), "no pip for the learner");
}

/// `--lang other`: any exercise in any language. The workspace's learn.toml asks for
/// the build and run commands (with examples); filled in, `learn check` runs as for a
/// track of learn's, and `learn doctor` checks the programs they name.
#[test]
fn another_language_brings_its_own_build_and_run() {
    let temp = tempfile::tempdir().unwrap();
    let out = run(
        temp.path(),
        &["start", "hello-http", "--lang", "other"],
        temp.path(),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let ws = temp.path().join("hello-http");
    let config = fs::read_to_string(ws.join("learn.toml")).unwrap();
    assert!(
        config.contains("track = \"other\"")
            && config.contains("exercise = \"hello-http\"")
            && config.contains("# Go / Gin:"),
        "{config}"
    );
    assert!(ws.join("README.md").is_file());
    let out = run(temp.path(), &["check"], &ws);
    assert_eq!(out.code, 2);
    insta::assert_snapshot!("other_run_empty", out.stderr);
    // A Node server of the learner's own, with a build whose program is missing.
    fs::copy(
        common::repo().join("tests/alternatives/hello-http/node-http/server.js"),
        ws.join("server.js"),
    )
    .unwrap();
    let filled = config
        .replace(
            "build = \"\"",
            "build = \"definitely-not-a-builder && node --version\"",
        )
        .replace("run = \"\"", "run = \"node server.js\"");
    fs::write(ws.join("learn.toml"), &filled).unwrap();
    let out = run(temp.path(), &["doctor"], &ws);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stdout
            .contains("`definitely-not-a-builder` (from `build` in learn.toml) is not installed")
            && out.stdout.contains("node is installed"),
        "{}",
        out.stdout
    );
    fs::write(
        ws.join("learn.toml"),
        filled.replace("definitely-not-a-builder && ", ""),
    )
    .unwrap();
    let out = run(temp.path(), &["check", "--format", "json"], &ws);
    assert_eq!(out.code, 0, "{}", out.stdout);
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(report["summary"]["failed"], 0);
}

/// The README a learner gets speaks of their track's code only; `learn show` has
/// every track's words, each labelled.
#[test]
fn a_workspace_readme_keeps_the_passages_of_its_track() {
    let temp = tempfile::tempdir().unwrap();
    let readme = |track: &str| {
        let dir = temp.path().join(track);
        let out = run(
            temp.path(),
            &[
                "start",
                "persistence",
                "--lang",
                track,
                "--dir",
                dir.to_str().unwrap(),
            ],
            temp.path(),
        );
        assert_eq!(out.code, 0, "{}", out.stderr);
        fs::read_to_string(dir.join("README.md")).unwrap()
    };
    let go = readme("go");
    assert!(go.contains("The module is `db.go`") && go.contains("./target/server"));
    assert!(!go.contains("db.py") && !go.contains("node server.js") && !go.contains("<!--"));
    let node = readme("node");
    assert!(node.contains("In Node the three functions are `async`"));
    assert!(!node.contains("db.go") && !node.contains("Db.java"));
    let other = readme("other");
    assert!(other.contains("you bring your own") && !other.contains("db.py"));
    // The rules stay for everyone.
    for text in [&go, &node, &other] {
        assert!(text.contains("Never drop or empty the table at start."));
    }
    let out = run(temp.path(), &["show", "persistence"], temp.path());
    assert_eq!(out.code, 0);
    assert!(
        out.stdout
            .contains("*(python, fastapi, django)*\nThe module is `db.py`")
    );
    assert!(out.stdout.contains("*(go)*\nThe module is `db.go`"));
    assert!(!out.stdout.contains("<!--"));
}
