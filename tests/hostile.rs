//! Hostile and broken servers (tests/hostile/*.py): whatever a server does, `learn`
//! ends with a clear verdict in a bounded time and leaves no process behind.
//! Each fixture notes the pid of every process it starts in `pids`.

mod common;

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;

use common::{hello_workspace, learn, processes_inside};

struct Outcome {
    code: i32,
    report: Value,
    human: String,
    took: Duration,
}

/// Run `fixture` as the server of a hello-http workspace, under `learn check` or, with
/// `grade`, under `learn grade` (with its resource limits); then assert that nothing
/// it started is still alive.
fn run(fixture: &str, grade: bool) -> Outcome {
    run_with(fixture, grade, &[])
}

fn run_with(fixture: &str, grade: bool, extra: &[&str]) -> Outcome {
    let temp = tempfile::tempdir().unwrap();
    let dir = hello_workspace(
        temp.path(),
        "python",
        &format!("python3 {fixture}"),
        Some(fixture),
    );
    let command = |format: &str| {
        let mut command = learn(&temp.path().join("data"));
        if grade {
            command.args([
                "grade",
                "--exercise",
                "hello-http",
                "--start-timeout",
                "3",
                "--format",
                format,
            ]);
            command.args(extra).arg(&dir);
        } else {
            command.args([
                "check",
                "--start-timeout",
                "3",
                "--format",
                format,
                "--path",
            ]);
            command.arg(&dir);
        }
        command
    };
    // Graded, the JSON report goes to a file, as a CI job writes it.
    let saved = temp.path().join("report.json");
    let mut json = command("json");
    if grade {
        json.arg("--output").arg(&saved);
    }
    let started = Instant::now();
    let output = json.output().unwrap();
    let took = started.elapsed();
    let text = if grade {
        fs::read(&saved).unwrap_or_default()
    } else {
        output.stdout.clone()
    };
    let report: Value = serde_json::from_slice(&text).unwrap_or_else(|error| {
        panic!(
            "{fixture}: no JSON report ({error}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let human = String::from_utf8(command("human").output().unwrap().stdout).unwrap();
    assert_nothing_left(fixture, &dir, temp.path());
    if grade {
        assert_eq!(
            fs::read(&saved).unwrap(),
            text,
            "{fixture}: the report changed after learn exited"
        );
    }
    // For the record (`--nocapture`): the table of cases in the closing notes.
    eprintln!(
        "{fixture} ({}): exit {:?}, {} in {took:?}, nothing left",
        if grade { "grade" } else { "check" },
        output.status.code(),
        report["outcome"]
    );
    Outcome {
        code: output.status.code().unwrap(),
        report,
        human,
        took,
    }
}

fn assert_nothing_left(fixture: &str, dir: &Path, temp: &Path) {
    let pids = fs::read_to_string(dir.join("pids")).unwrap_or_default();
    let alive: Vec<&str> = pids.lines().filter(|pid| is_alive(pid)).collect();
    assert!(
        alive.is_empty(),
        "{fixture}: processes still alive after learn ended: {alive:?}"
    );
    assert_eq!(
        processes_inside(temp),
        Vec::<String>::new(),
        "{fixture}: processes left in the workspace"
    );
}

fn is_alive(pid: &str) -> bool {
    fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|stat| {
            stat.rsplit_once(") ")
                .is_some_and(|(_, rest)| !rest.starts_with('Z'))
        })
        .unwrap_or(false)
}

/// The failure of check `id`.
fn failure<'a>(outcome: &'a Outcome, id: &str) -> &'a str {
    let check = outcome.report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|check| check["id"] == id)
        .unwrap();
    check["failure"]
        .as_str()
        .unwrap_or_else(|| panic!("{id} did not fail: {check:#}"))
}

fn within(outcome: &Outcome, bound: u64) {
    assert!(
        outcome.took < Duration::from_secs(bound),
        "took {:?}, more than {bound} s",
        outcome.took
    );
}

#[test]
fn exits_at_once_with_an_error() {
    let outcome = run("exits_at_once.py", false);
    assert_eq!(outcome.code, 4);
    assert_eq!(outcome.report["problem"]["kind"], "server_exited");
    assert_eq!(outcome.report["problem"]["exit_code"], 3);
    assert!(outcome.human.contains("│ Error: could not load config.yml"));
    within(&outcome, 5);
}

#[test]
fn never_listens() {
    let outcome = run("never_listens.py", false);
    assert_eq!(outcome.code, 4);
    assert_eq!(outcome.report["problem"]["kind"], "server_not_listening");
    assert!(
        outcome
            .human
            .contains("cause     It did not listen on any port: make sure it starts listening")
    );
    within(&outcome, 10);
}

#[test]
fn listens_on_another_port() {
    let outcome = run("wrong_port.py", false);
    assert_eq!(outcome.code, 4);
    let port = outcome.report["problem"]["port"].as_u64().unwrap();
    let listening = outcome.report["problem"]["listening"].as_array().unwrap();
    assert_eq!(listening.len(), 1);
    let other: u64 = listening[0]
        .as_str()
        .unwrap()
        .strip_prefix("127.0.0.1:")
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        other > port && other < port + 50,
        "{other} is not just after {port}"
    );
    assert!(
        outcome
            .human
            .contains("read the port to listen on from the PORT environment variable")
    );
    within(&outcome, 10);
}

#[test]
fn listens_on_ipv6_only() {
    let outcome = run("ipv6_only.py", false);
    assert_eq!(outcome.code, 4);
    let port = outcome.report["problem"]["port"].as_u64().unwrap();
    assert_eq!(
        outcome.report["problem"]["listening"],
        serde_json::json!([format!("[::1]:{port}")])
    );
    assert!(outcome.human.contains(
        "IPv6 only, where learn cannot reach it: listen on 127.0.0.1 or 0.0.0.0 instead."
    ));
    within(&outcome, 10);
}

#[test]
fn listens_on_another_address() {
    let outcome = run("another_address.py", false);
    assert_eq!(outcome.code, 4);
    assert!(
        outcome
            .human
            .contains(", an address learn cannot reach: listen on 127.0.0.1 or 0.0.0.0 instead.")
    );
    within(&outcome, 10);
}

#[test]
fn crashes_on_the_first_request() {
    let outcome = run("crashes_on_first_request.py", false);
    assert_eq!(outcome.code, 1);
    // The first failure names the crash when the exit is seen in time; every later one does.
    assert!(failure(&outcome, "root-text").contains("GET /"));
    assert_eq!(
        failure(&outcome, "greeting-text"),
        "the server stopped (exit status: 139) while answering GET /greeting"
    );
    within(&outcome, 10);
}

#[test]
fn hangs_on_one_request() {
    let outcome = run("hangs_on_request.py", false);
    assert_eq!(outcome.code, 1);
    assert_eq!(
        failure(&outcome, "root-text"),
        "GET /: no complete response within 5.0 s (the per-request timeout)"
    );
    // Slow on one route is not hung: the other checks still ran.
    assert!(
        failure(&outcome, "health").starts_with("GET /health: status equals 200"),
        "{}",
        failure(&outcome, "health")
    );
    within(&outcome, 15);
}

#[test]
fn a_check_has_a_time_limit_of_its_own_in_grade_mode() {
    let outcome = run_with("hangs_on_request.py", true, &["--check-timeout", "1"]);
    assert_eq!(outcome.code, 1);
    assert_eq!(
        failure(&outcome, "root-text"),
        "the check ran out of time: 1 s is the most one check may take"
    );
    within(&outcome, 10);
}

#[test]
fn answers_one_byte_per_second() {
    let outcome = run("one_byte_per_second.py", false);
    assert!(failure(&outcome, "root-text").contains("within 5.0 s (the per-request timeout)"));
    within(&outcome, 15);
}

#[test]
fn sends_an_endless_body() {
    let outcome = run("endless_body.py", false);
    let root = &outcome.report["checks"][0]["steps"][0]["response"];
    assert_eq!(root["body_truncated"], true);
    assert_eq!(root["body"].as_str().unwrap().len(), 1 << 20);
    within(&outcome, 10);
}

#[test]
fn sends_a_megabyte_of_headers() {
    let outcome = run("huge_headers.py", false);
    assert!(
        failure(&outcome, "root-text").contains("did not send a valid HTTP response"),
        "{}",
        failure(&outcome, "root-text")
    );
    within(&outcome, 10);
}

#[test]
fn sends_bytes_that_are_not_http() {
    let outcome = run("not_http.py", false);
    assert!(failure(&outcome, "root-text").contains("did not send a valid HTTP response"));
    within(&outcome, 10);
}

#[test]
fn closes_the_connection_mid_response() {
    let outcome = run("closes_mid_response.py", false);
    assert!(
        failure(&outcome, "root-text").contains("cut off"),
        "{}",
        failure(&outcome, "root-text")
    );
    within(&outcome, 10);
}

#[test]
fn floods_stdout_and_stderr() {
    let outcome = run("floods_output.py", false);
    assert_eq!(outcome.code, 1);
    let log = outcome.report["server_log"].as_array().unwrap();
    assert!(log.len() <= 40);
    assert!(
        outcome.report.to_string().len() < 2_000_000,
        "the report stays small"
    );
    within(&outcome, 20);
}

#[test]
fn ignores_sigterm() {
    let outcome = run("ignores_sigterm.py", false);
    assert_eq!(outcome.code, 1);
    within(&outcome, 10);
}

#[test]
fn double_forks_a_daemon_that_calls_setsid() {
    let outcome = run("double_fork_daemon.py", false);
    assert_eq!(outcome.code, 1);
    within(&outcome, 10);
}

#[test]
fn forks_without_bound_in_grade_mode() {
    let outcome = run("forks_without_bound.py", true);
    assert_eq!(outcome.code, 4, "it forks before it listens");
    assert_eq!(
        outcome.report["problem"]["killed_because"],
        "learn stopped it: it started more than 64 processes"
    );
    assert!(outcome.human.contains("Your server stopped before it accepted any connection (learn stopped it: it started more than 64 processes)."));
    within(&outcome, 15);
}

#[test]
fn allocates_without_bound_in_grade_mode() {
    let outcome = run("allocates_without_bound.py", true);
    assert_eq!(outcome.code, 1);
    assert!(
        failure(&outcome, "root-text").contains("GET /"),
        "{}",
        failure(&outcome, "root-text")
    );
    // Without the memory limit it would have taken 3 GB and carried on.
    let log = outcome.report["server_log"].to_string();
    assert!(
        log.contains("Cannot allocate memory") || log.contains("MemoryError"),
        "{log}"
    );
    within(&outcome, 15);
}

#[test]
fn fakes_a_passing_report_with_escape_sequences() {
    let outcome = run("fakes_the_report.py", false);
    assert_eq!(outcome.code, 1);
    assert!(
        !outcome.human.contains('\u{1b}') && !outcome.human.contains('\u{7}'),
        "escape sequences reach the terminal"
    );
    assert!(
        outcome
            .human
            .contains("server    │ ✓ All 9 checks passed · 12/12 points. Well done!"),
        "{}",
        outcome.human
    );
    assert!(
        outcome
            .human
            .contains(r"│ \u{1b}]0;pwned\u{7}\rcarriage return trick"),
        "{}",
        outcome.human
    );
    assert!(
        outcome
            .human
            .trim_end()
            .ends_with("1 of 12 checks passed, 8 failed, 3 skipped · 1/16 points"),
        "{}",
        outcome.human
    );
    within(&outcome, 10);
}

#[test]
fn cannot_find_the_checks_on_disk_or_in_its_environment() {
    let outcome = run("looks_for_the_checks.py", false);
    let log = outcome.report["server_log"].to_string();
    assert!(log.contains("checks found: 0 []"), "{log}");
    within(&outcome, 10);
}

/// What the server says reaches every report inert: no raw control character in the
/// text reports, and a `junit.xml` that stays valid XML despite U+FFFF.
#[test]
fn breaks_the_reports_with_text_they_must_not_carry_raw() {
    let temp = tempfile::tempdir().unwrap();
    let fixture = "breaks_the_reports.py";
    let dir = hello_workspace(
        temp.path(),
        "python",
        &format!("python3 {fixture}"),
        Some(fixture),
    );
    let junit = temp.path().join("junit.xml");
    let output = learn(&temp.path().join("data"))
        .args(["grade", "--exercise", "hello-http", "--start-timeout", "3"])
        .args(["--format", "junit", "--output"])
        .arg(&junit)
        .args(["--format", "human", "--format", "tap"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let xml = fs::read_to_string(&junit).unwrap();
    let document = roxmltree::Document::parse(&xml)
        .unwrap_or_else(|error| panic!("junit.xml is not XML ({error}):\n{xml}"));
    let health = document
        .descendants()
        .find(|node| node.attribute("name") == Some("health"))
        .expect("a test case for health");
    assert!(health.children().any(|child| child.has_tag_name("failure")));
    let text = String::from_utf8(output.stdout).unwrap();
    for (report, name) in [(&xml, "junit.xml"), (&text, "the human and TAP reports")] {
        let raw: Vec<char> = report
            .chars()
            .filter(|c| (c.is_control() && !matches!(c, '\n' | '\t')) || *c == '\u{ffff}')
            .collect();
        assert!(raw.is_empty(), "{name} carries {raw:?} raw:\n{report}");
    }
    assert!(
        text.contains(r"ok\u{7f}\u{85}\u{ffff}\u001b]0;pwned"),
        "the text is shown, escaped:\n{text}"
    );
    assert!(text.contains("            ::error title=forged::Points 16/16"));
    assert!(
        !text.lines().any(|line| line.starts_with("::")),
        "outside GitHub Actions, nothing is wrapped:\n{text}"
    );

    // Under GitHub Actions the runner would obey the server's `::error` line (it trims
    // the indent): the report comes wrapped in stop-commands with a random token.
    let output = learn(&temp.path().join("data"))
        .args(["grade", "--exercise", "hello-http", "--start-timeout", "3"])
        .arg(&dir)
        .env("GITHUB_ACTIONS", "true")
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let token = lines[0]
        .strip_prefix("::stop-commands::")
        .unwrap_or_else(|| panic!("not wrapped:\n{text}"));
    assert!(token.starts_with("learn-") && token.len() > 12, "{token}");
    assert_eq!(lines.last().copied(), Some(format!("::{token}::").as_str()));
    let forged = lines
        .iter()
        .position(|line| line.contains("::error title=forged"))
        .unwrap();
    assert!(0 < forged && forged < lines.len() - 1);
    assert_eq!(text.matches(token).count(), 2, "the token is learn's alone");
    assert_nothing_left(fixture, &dir, temp.path());
}

/// Escapees in sessions of their own, beyond what a group kill reaches: a chain deeper
/// than any fixed number of sweeps, and a hopper that forks and exits in a loop. None
/// outlives learn.
#[test]
fn a_deep_chain_of_escapees_is_gone_with_the_server() {
    let outcome = run("deep_chain.py", true);
    assert_eq!(outcome.code, 1);
    within(&outcome, 15);
}

#[test]
fn a_pid_hopper_is_gone_with_the_server() {
    let outcome = run("hopper.py", true);
    assert_eq!(outcome.code, 1);
    within(&outcome, 15);
}

/// A daemon that a failing build leaves behind is killed with the build, before any
/// report is written (it could otherwise rewrite them after learn exits).
#[test]
fn a_daemon_from_a_failed_build_is_gone_with_the_build() {
    let temp = tempfile::tempdir().unwrap();
    let fixture = "build_leaves_a_daemon.py";
    let dir = hello_workspace(temp.path(), "python", "python3 -c pass", Some(fixture));
    fs::write(
        dir.join("learn.toml"),
        format!(
            "exercise = \"hello-http\"\ntrack = \"python\"\nbuild = \"python3 {fixture}; exit 1\"\nrun = \"python3 -c pass\"\n"
        ),
    )
    .unwrap();
    let output = learn(&temp.path().join("data"))
        .args(["grade", "--exercise", "hello-http", "--format", "json"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(
        report["problem"]["output"]
            .to_string()
            .contains("daemon started"),
        "{report}"
    );
    assert_nothing_left(fixture, &dir, temp.path());
}

// Grade mode, run as root: each submission in a jail of its own (see src/jail.rs).

/// Whether the tests run as root, which the jail needs (CI runs as root).
fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| output.stdout == b"0\n")
}

fn skip_unless_root(test: &str) -> bool {
    if is_root() {
        return false;
    }
    eprintln!("{test}: skipped: a grading jail needs root (CI runs as root)");
    true
}

/// A workspace whose server is `fixture` run with `args`.
fn fixture_workspace(temp: &Path, fixture: &str, args: &[&Path]) -> std::path::PathBuf {
    let quoted: Vec<String> = args
        .iter()
        .map(|arg| format!("'{}'", arg.display()))
        .collect();
    let run = format!("python3 {fixture} {}", quoted.join(" "));
    hello_workspace(temp, "python", &run, Some(fixture))
}

/// What a server looks for to replay the checks' answers (learn's binary through
/// /proc and on disk, the seed on learn's command line, the submission as handed in)
/// it finds under `learn check`, and none of it in a grading jail.
#[test]
fn steals_the_checks_under_check_but_nothing_in_a_jail() {
    let learn_binary = Path::new(env!("CARGO_BIN_EXE_learn"));
    let temp = tempfile::tempdir().unwrap();
    let fixture = "steals_the_checks.py";
    let dir = temp.path().join("ws");
    let dir = {
        let made = fixture_workspace(temp.path(), fixture, &[learn_binary, &dir]);
        assert_eq!(made, dir);
        made
    };
    let stolen = |report: &Value| {
        let log = report["server_log"].to_string();
        let line = log.split("stolen: ").nth(1).unwrap_or("none").to_string();
        line.split(' ')
            .next()
            .unwrap()
            .parse::<usize>()
            .unwrap_or(99)
    };
    // The control: learn's own user, no jail. The fixture does find the checks.
    let (_, checked) = common::check_json(&temp.path().join("data"), &dir, &[]);
    assert!(stolen(&checked) >= 2, "{}", checked["server_log"]);
    if skip_unless_root("steals_the_checks_under_check_but_nothing_in_a_jail") {
        return;
    }
    let output = learn(&temp.path().join("data"))
        .args(["grade", "--exercise", "hello-http", "--seed", "4242"])
        .args(["--format", "json"])
        .arg(&dir)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["outcome"], "failed");
    assert_eq!(stolen(&report), 0, "{}", report["server_log"]);
    let protections = report["protections"].to_string();
    assert!(
        protections.contains("own user") && protections.contains("grader's files hidden"),
        "{protections}"
    );
    assert_nothing_left(fixture, &dir, temp.path());
}

/// In a batch (`--jobs 2`), a submission that hunts its neighbour's server through
/// /proc to kill it, and forges the batch's reports (now, and from a daemon after learn
/// exits), harms nobody: the honest neighbour keeps full marks, every report stays true.
#[test]
fn a_neighbour_in_a_batch_can_neither_kill_nor_forge() {
    if skip_unless_root("a_neighbour_in_a_batch_can_neither_kill_nor_forge") {
        return;
    }
    let temp = tempfile::tempdir().unwrap();
    let subs = temp.path().join("subs");
    let reports = temp.path().join("reports");
    common::copy_dir(
        &common::repo().join("tests/alternatives/hello-http/node-http"),
        &subs.join("honest"),
    );
    let fixture = "attacks_its_neighbour.py";
    let attacker = fixture_workspace(&subs, fixture, &[&reports]);
    fs::rename(&attacker, subs.join("attacker")).unwrap();
    let output = learn(&temp.path().join("data"))
        .args(["grade", "--exercise", "hello-http", "--each", "--jobs", "2"])
        .arg("--report-dir")
        .arg(&reports)
        .args(["--format", "json"])
        .arg(&subs)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let read = |name: &str| -> Value {
        serde_json::from_str(&fs::read_to_string(reports.join(name).join("report.json")).unwrap())
            .unwrap()
    };
    let honest = read("honest");
    assert_eq!(honest["outcome"], "passed", "{honest}");
    assert_eq!(honest["summary"]["points"], 16.0);
    let attacker = read("attacker");
    let log = attacker["server_log"].to_string();
    assert!(!log.contains("KILLED") && !log.contains("FORGED"), "{log}");
    assert!(!log.contains("not jailed"), "{log}");
    // The attacker's daemon would forge 4 s after it started; the jail ended it.
    std::thread::sleep(Duration::from_secs(4));
    assert_eq!(
        read("honest"),
        honest,
        "the report changed after learn exited"
    );
    assert_eq!(read("attacker")["outcome"], attacker["outcome"]);
    assert_eq!(processes_inside(temp.path()), Vec::<String>::new());
}

/// SIGTERM ends `learn grade` promptly whatever it waits on (a build, a server that
/// never answers, a batch), with exit code 130 and nothing left running.
#[test]
fn sigterm_ends_a_grade_promptly_whatever_it_waits_on() {
    let cases: [(&str, &str, &str); 3] = [
        ("build", "sleep 60", "python3 -c pass"),
        ("checks", "true", "python3 hangs_on_request.py"),
        ("batch", "sleep 61", "python3 -c pass"),
    ];
    for (name, build, run) in cases {
        let temp = tempfile::tempdir().unwrap();
        let subs = temp.path().join("subs");
        fs::create_dir_all(&subs).unwrap();
        for copy in ["a", "b"] {
            let made = hello_workspace(temp.path(), "python", run, Some("hangs_on_request.py"));
            let dir = subs.join(copy);
            fs::rename(made, &dir).unwrap();
            fs::write(
                dir.join("learn.toml"),
                format!("exercise = \"hello-http\"\ntrack = \"python\"\nbuild = {build:?}\nrun = {run:?}\n"),
            )
            .unwrap();
        }
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_learn"));
        command
            .env("LEARN_DATA_DIR", temp.path().join("data"))
            .env("TMPDIR", temp.path())
            .args(["grade", "--exercise", "hello-http", "--format", "json"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        if name == "batch" {
            command
                .args(["--each", "--jobs", "2", "--report-dir"])
                .arg(temp.path().join("reports"))
                .arg(&subs);
        } else {
            command.arg(subs.join("a"));
        }
        let mut learn = command.spawn().unwrap();
        // Until what it waits on runs (bounded: a broken learn fails here, never hangs).
        let waited_for = if name == "checks" {
            "hangs_on_request"
        } else {
            "sleep"
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while !processes_inside(temp.path())
            .iter()
            .any(|process| process.contains(waited_for))
        {
            assert!(
                Instant::now() < deadline,
                "{name}: never got to {waited_for}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        if name == "checks" {
            // Into the checks: the server has been asked and does not answer.
            std::thread::sleep(Duration::from_millis(500));
        }
        let signalled = Instant::now();
        let killed = std::process::Command::new("kill")
            .args(["-TERM", &learn.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let status = loop {
            if let Some(status) = learn.try_wait().unwrap() {
                break status;
            }
            if signalled.elapsed() > Duration::from_secs(30) {
                let _ = learn.kill();
                panic!("{name}: learn still runs 30 s after SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        let took = signalled.elapsed();
        eprintln!("{name}: learn ended {took:?} after SIGTERM");
        assert_eq!(status.code(), Some(130), "{name}");
        assert!(took < Duration::from_secs(5), "{name}: {took:?}");
        assert_eq!(
            processes_inside(temp.path()),
            Vec::<String>::new(),
            "{name}"
        );
    }
}

/// `learn check` prints each check's line as soon as the check is done, not all at the
/// end: read as a stream, the first check's line comes while learn still runs, and the
/// whole output is the usual report.
#[test]
fn check_lines_appear_as_the_checks_finish() {
    use std::io::BufRead;
    let temp = tempfile::tempdir().unwrap();
    let fixture = "answers_slowly.py";
    let dir = hello_workspace(
        temp.path(),
        "python",
        &format!("python3 {fixture}"),
        Some(fixture),
    );
    let mut learn = std::process::Command::new(env!("CARGO_BIN_EXE_learn"))
        .env("LEARN_DATA_DIR", temp.path().join("data"))
        .env("NO_COLOR", "1")
        .args(["check", "--seed", "7", "--path"])
        .arg(&dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = std::io::BufReader::new(learn.stdout.take().unwrap());
    let mut streamed = String::new();
    let mut running_at_first_line = None;
    loop {
        let mut line = String::new();
        if stdout.read_line(&mut line).unwrap() == 0 {
            break;
        }
        if running_at_first_line.is_none() && line.contains("root-text") {
            running_at_first_line = Some(learn.try_wait().unwrap().is_none());
        }
        streamed.push_str(&line);
    }
    assert_eq!(learn.wait().unwrap().code(), Some(1));
    assert_eq!(
        running_at_first_line,
        Some(true),
        "the first check's line came only at the end:\n{streamed}"
    );
    assert!(
        streamed.starts_with("hello-http · python\n\n  ✗ root-text"),
        "{streamed}"
    );
    assert!(streamed.contains("1 of 12 checks passed"), "{streamed}");
    assert_nothing_left(fixture, &dir, temp.path());
}

/// A server that accepts connections and never answers anything is told from one slow
/// route (see `hangs_on_one_request`): the first timeout ends the run with one clear
/// diagnosis, and the checks after it are not run instead of each timing out.
#[test]
fn a_server_that_answers_nothing_ends_the_run_at_its_first_timeout() {
    let outcome = run("answers_nothing.py", false);
    assert_eq!(outcome.code, 1);
    let first = failure(&outcome, "root-text");
    assert!(
        first.starts_with("GET /: no complete response within 5.0 s")
            && first.contains("accepted the connection but never answered"),
        "{first}"
    );
    insta::assert_snapshot!("hung_server_diagnosis", first);
    let checks = outcome.report["checks"].as_array().unwrap();
    assert!(checks.len() > 5);
    for check in &checks[1..] {
        assert_eq!(
            check["failure"], "not run: your server stopped answering anything",
            "{check}"
        );
    }
    // One request timeout (5 s) and one probe (3 s), not one timeout per check.
    within(&outcome, 20);
}

/// A jail builds a copy of the submission: a Python virtual environment that came with
/// it (made elsewhere, its scripts naming that folder) is left out for the build to
/// make afresh, and so is learn's own state; the submission itself is never written.
#[test]
fn a_jail_builds_a_clean_copy() {
    if skip_unless_root("a_jail_builds_a_clean_copy") {
        return;
    }
    let temp = tempfile::tempdir().unwrap();
    let dir = hello_workspace(temp.path(), "python", "python3 -c pass", None);
    fs::create_dir_all(dir.join(".venv/bin")).unwrap();
    fs::write(dir.join(".venv/pyvenv.cfg"), "home = /elsewhere\n").unwrap();
    fs::create_dir_all(dir.join(".learn")).unwrap();
    fs::write(
        dir.join("learn.toml"),
        "exercise = \"hello-http\"\ntrack = \"python\"\n\
         build = \"ls -A; touch built-here; exit 1\"\nrun = \"python3 -c pass\"\n",
    )
    .unwrap();
    let output = learn(&temp.path().join("data"))
        .args(["grade", "--exercise", "hello-http", "--format", "json"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        report["problem"]["output"],
        serde_json::json!(["learn.toml"])
    );
    assert!(
        !dir.join("built-here").exists(),
        "the build ran in the submission"
    );
    assert_eq!(processes_inside(temp.path()), Vec::<String>::new());
}
