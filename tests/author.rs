//! Author mode (`--course DIR`): the course is read from a folder, and every mistake in
//! its files points at file:line:col with the offending text.

mod common;

use std::fs;
use std::path::Path;

use common::{copy_dir, learn, repo};

/// A copy of the course to break.
fn course(temp: &Path) -> std::path::PathBuf {
    let dir = temp.join("course");
    copy_dir(&repo().join("exercises"), &dir.join("exercises"));
    copy_dir(&repo().join("scaffolds"), &dir.join("scaffolds"));
    dir
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} has no {from:?}", path.display());
    fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// `learn --course DIR list`: its exit code and standard error, the temp folder masked.
fn list(temp: &Path, course: &Path) -> (i32, String) {
    let output = learn(&temp.join("data"))
        .arg("--course")
        .arg(course)
        .arg("list")
        .output()
        .unwrap();
    let stderr =
        String::from_utf8_lossy(&output.stderr).replace(&temp.display().to_string(), "[TMP]");
    (output.status.code().unwrap(), stderr)
}

#[test]
fn the_course_folder_is_what_learn_reads() {
    let temp = tempfile::tempdir().unwrap();
    let course = course(temp.path());
    edit(
        &course.join("exercises/hello-http/README.md"),
        "# ",
        "# Edited: ",
    );
    let output = learn(&temp.path().join("data"))
        .args(["show", "hello-http", "--course"])
        .arg(&course)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stdout).contains("# Edited: "));
}

#[test]
fn a_misspelled_key_in_a_checks_file_is_located_and_corrected() {
    let temp = tempfile::tempdir().unwrap();
    let course = course(temp.path());
    edit(
        &course.join("exercises/hello-http/checks.toml"),
        "equals = 404",
        "equal = 404",
    );
    let (code, stderr) = list(temp.path(), &course);
    assert_eq!(code, 2);
    insta::assert_snapshot!("author_checks_key", stderr);
}

#[test]
fn an_undefined_template_name_is_located() {
    let temp = tempfile::tempdir().unwrap();
    let course = course(temp.path());
    edit(
        &course.join("exercises/crud-app/checks.toml"),
        "/posts/{{post_id}}",
        "/posts/{{postid}}",
    );
    let (code, stderr) = list(temp.path(), &course);
    assert_eq!(code, 2);
    insta::assert_snapshot!("author_template_name", stderr);
}

#[test]
fn a_misspelled_key_in_exercise_toml_is_located_and_corrected() {
    let temp = tempfile::tempdir().unwrap();
    let course = course(temp.path());
    edit(
        &course.join("exercises/crud-app/exercise.toml"),
        "stage =",
        "stag =",
    );
    let (code, stderr) = list(temp.path(), &course);
    assert_eq!(code, 2);
    insta::assert_snapshot!("author_exercise_key", stderr);
}

#[test]
fn a_malformed_roadmap_is_located() {
    let temp = tempfile::tempdir().unwrap();
    let course = course(temp.path());
    edit(
        &course.join("exercises/roadmap.toml"),
        "number = 4",
        "number = four",
    );
    let (code, stderr) = list(temp.path(), &course);
    assert_eq!(code, 2);
    insta::assert_snapshot!("author_roadmap", stderr);
}

#[test]
fn a_roadmap_naming_a_missing_exercise_says_which_file_is_missing() {
    let temp = tempfile::tempdir().unwrap();
    let course = course(temp.path());
    edit(
        &course.join("exercises/roadmap.toml"),
        "exercises = [\"crud-app\"]",
        "exercises = [\"crud-apps\"]",
    );
    let (code, stderr) = list(temp.path(), &course);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("[TMP]/course/exercises/crud-apps/exercise.toml"),
        "{stderr}"
    );
}

/// An exercise's `[secrets]`: made fresh for every run from the seed, given to the
/// server in its environment and to the checks as `{{NAME}}`; `learn show` names them,
/// never their values.
#[test]
fn secrets_reach_the_server_and_the_checks_fresh_each_run() {
    let temp = tempfile::tempdir().unwrap();
    let keys = repo().join("tests/courses/keys");
    let ws = temp.path().join("ws");
    copy_dir(&keys.join("scaffolds/keyed/python"), &ws);
    let check = |seed: &str| {
        let output = learn(&temp.path().join("data"))
            .arg("--course")
            .arg(&keys)
            .args(["check", "--format", "json", "--seed", seed, "--path"])
            .arg(&ws)
            .output()
            .unwrap();
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        (output.status.code().unwrap(), report)
    };
    // The scaffold opens to any key: the check with a wrong one fails.
    let (code, report) = check("1");
    assert_eq!(code, 1);
    assert_eq!(
        common::ids_with_status(&report, "failed"),
        ["stays-shut-without-it"]
    );
    edit(
        &ws.join("server.py"),
        "status, body = 200, {}",
        "ok = self.headers.get(\"X-Api-Key\") == os.environ[\"API_KEY\"]\n            status, body = (200, {}) if ok else (401, {})",
    );
    for seed in ["1", "2"] {
        let (code, report) = check(seed);
        assert_eq!(code, 0, "seed {seed}: {report}");
    }
    let shown = learn(&temp.path().join("data"))
        .arg("--course")
        .arg(&keys)
        .args(["show", "keyed"])
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&shown.stdout);
    assert!(
        shown.contains("API_KEY (fresh each run: 24 random letters and digits)")
            && shown.contains("SIGNING_KEY (fresh each run: 32 random bytes as hex)"),
        "{shown}"
    );
}

/// Named clients keep a cookie jar each, sent back on their own requests only; cookie
/// queries read a cookie and its attributes; an expired cookie leaves the jar.
#[test]
fn named_clients_keep_their_own_cookies() {
    let temp = tempfile::tempdir().unwrap();
    let course = repo().join("tests/courses/clients");
    let ws = temp.path().join("ws");
    copy_dir(&course.join("scaffolds/doors/python"), &ws);
    let check = || {
        let output = learn(&temp.path().join("data"))
            .arg("--course")
            .arg(&course)
            .args(["check", "--format", "json", "--path"])
            .arg(&ws)
            .output()
            .unwrap();
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        (output.status.code().unwrap(), report)
    };
    let (code, report) = check();
    assert_eq!(code, 0, "{report}");
    // Each jar sent what its client was given: alice's request carried alice's cookie.
    let sent = &report["checks"][0]["steps"][2]["request"]["headers"];
    let alice_sid = report["checks"][0]["steps"][0]["captures"][0]["value"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        sent.as_array()
            .unwrap()
            .iter()
            .any(|pair| pair[0] == "Cookie" && pair[1] == format!("sid={alice_sid}")),
        "{sent}"
    );
    // A cookie without HttpOnly fails the attribute query, and says what it got.
    edit(&ws.join("server.py"), "HttpOnly; ", "");
    let (code, report) = check();
    assert_eq!(code, 1);
    assert_eq!(common::ids_with_status(&report, "failed"), ["two-visitors"]);
    let failure = report["checks"][0]["failure"].as_str().unwrap();
    assert!(
        failure.contains("cookie sid[HttpOnly] equals true"),
        "{failure}"
    );
    // A logout that expires the cookie but keeps the session on the server: only the
    // jar forgetting the cookie makes the next /whoami a stranger's.
    edit(
        &ws.join("server.py"),
        "SameSite=Lax",
        "HttpOnly; SameSite=Lax",
    );
    edit(
        &ws.join("server.py"),
        "SESSIONS.pop(self.session(), None)",
        "pass",
    );
    let (code, report) = check();
    assert_eq!(code, 0, "{report}");
    // And one that keeps the cookie too: alice is still alice.
    edit(&ws.join("server.py"), "\"sid=; Max-Age=0; Path=/\"", "None");
    let (code, report) = check();
    assert_eq!(code, 1);
    assert_eq!(
        common::ids_with_status(&report, "failed"),
        ["logout-forgets"]
    );
}

/// learn's mock OpenID Connect provider: a client that follows redirects signs in
/// through the server and the provider (cookies kept on the way), the login redirect
/// reads as a URL, the provider misbehaves when told and logs every call, and a
/// redirect elsewhere is never followed.
#[test]
fn a_browser_signs_in_through_the_mock_provider() {
    let temp = tempfile::tempdir().unwrap();
    let course = repo().join("tests/courses/clients");
    let ws = temp.path().join("ws");
    copy_dir(&course.join("scaffolds/sign-in/node"), &ws);
    let check = || {
        let output = learn(&temp.path().join("data"))
            .arg("--course")
            .arg(&course)
            .args(["check", "--all", "--format", "json", "--path"])
            .arg(&ws)
            .output()
            .unwrap();
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        (output.status.code().unwrap(), report)
    };
    let (code, report) = check();
    assert_eq!(code, 1, "{report}");
    assert_eq!(
        common::ids_with_status(&report, "failed"),
        ["stays-home"],
        "{report}"
    );
    let stays = &report["checks"][3];
    let failure = stays["failure"].as_str().unwrap();
    assert!(
        failure.contains("redirected to https://example.com/")
            && failure.contains("only to your server and learn's own services"),
        "{failure}"
    );
    // Signing in took four requests: login, authorize, callback (the server exchanged
    // the code meanwhile), then /me; the login cookie went back to the callback.
    let hops: Vec<&str> = report["checks"][0]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|step| step["request"]["target"].as_str())
        .collect();
    assert_eq!(hops.len(), 4, "{hops:?}");
    assert!(hops[1].contains("/authorize?"), "{hops:?}");
    assert!(hops[2].starts_with("/auth/callback?code="), "{hops:?}");
    assert_eq!(hops[3], "/me");
    // A server that forgets to check the audience signs in with a token for another
    // client: the misbehaving provider shows it.
    edit(
        &ws.join("server.js"),
        "claims.aud === OAUTH_CLIENT_ID",
        "claims.aud !== undefined",
    );
    let (_, report) = check();
    assert_eq!(
        common::ids_with_status(&report, "failed"),
        ["refuses-another-audience", "stays-home"],
        "{report}"
    );
    // The report names the redirects the browser followed to the failing request.
    let human = learn(&temp.path().join("data"))
        .arg("--course")
        .arg(&course)
        .args([
            "check",
            "--seed",
            "1",
            "--only",
            "refuses-another-audience",
            "--path",
        ])
        .arg(&ws)
        .output()
        .unwrap();
    let human = String::from_utf8_lossy(&human.stdout);
    let random = regex::Regex::new(
        r"(code|state|nonce|code_challenge|client_id|sid|login)=[A-Za-z0-9_-]+|127\.0\.0\.1(%3A|:)\d{5}",
    )
    .unwrap();
    let human = random.replace_all(&human, |found: &regex::Captures| match found.get(1) {
        Some(name) => format!("{}=[X]", name.as_str()),
        None => "127.0.0.1:[PORT]".to_string(),
    });
    insta::assert_snapshot!("sign_in_followed", common::masked(&human, temp.path()));
}

/// `learn provider` runs the mock provider on its own: it prints the variables a
/// server needs, answers at the issuer it printed, and tells each call as it comes.
#[test]
fn the_provider_runs_on_its_own_for_trying_by_hand() {
    use std::io::{BufRead, BufReader, Read, Write};
    let temp = tempfile::tempdir().unwrap();
    /// The provider ends with the test, also when an assertion fails.
    struct Running(std::process::Child);
    impl Drop for Running {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut child = Running(
        std::process::Command::new(assert_cmd::cargo::cargo_bin("learn"))
            .env("LEARN_DATA_DIR", temp.path())
            .args(["provider", "--seed", "3"])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut lines = BufReader::new(child.0.stdout.take().unwrap()).lines();
    let mut printed = Vec::new();
    let issuer = loop {
        let line = lines
            .next()
            .expect("the provider prints its variables")
            .unwrap();
        printed.push(line.clone());
        if let Some(issuer) = line.trim().strip_prefix("export OAUTH_ISSUER=") {
            break issuer.to_string();
        }
    };
    let address = issuer.strip_prefix("http://").unwrap().to_string();
    let mut stream = std::net::TcpStream::connect(&address).unwrap();
    write!(
        stream,
        "GET /.well-known/openid-configuration HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(
        answer.contains(&format!(
            "\"authorization_endpoint\":\"{issuer}/authorize\""
        )),
        "{answer}"
    );
    let told = loop {
        let line = lines.next().expect("the call is told").unwrap();
        if line.starts_with("discovery") {
            break line;
        }
        printed.push(line);
    };
    assert_eq!(told, "discovery  200");
    let printed = printed.join("\n");
    let port = regex::Regex::new(r"127\.0\.0\.1:\d{5}").unwrap();
    insta::assert_snapshot!(
        "provider_banner",
        port.replace_all(&printed, "127.0.0.1:[PORT]")
    );
    assert!(
        printed.contains("export OAUTH_CLIENT_ID=learn-")
            && printed.contains("export OAUTH_CLIENT_SECRET=")
            && printed.contains("http://127.0.0.1:8000/auth/login"),
        "{printed}"
    );
}

/// A hint may have a variant per track: the report shows the learner's track's, and
/// a track without one (the `other` track) reads the text for all.
#[test]
fn hints_speak_the_learners_track() {
    let temp = tempfile::tempdir().unwrap();
    let keys = repo().join("tests/courses/keys");
    let ws = temp.path().join("ws");
    copy_dir(&keys.join("scaffolds/keyed/python"), &ws);
    let hint = || {
        let output = learn(&temp.path().join("data"))
            .arg("--course")
            .arg(&keys)
            .args(["check", "--format", "json", "--path"])
            .arg(&ws)
            .output()
            .unwrap();
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        report["checks"][1]["hint"].as_str().unwrap().to_string()
    };
    assert_eq!(
        hint(),
        "Only the exact key opens: compare self.headers[\"X-Api-Key\"] with os.environ[\"API_KEY\"]."
    );
    edit(
        &ws.join("learn.toml"),
        "track = \"python\"",
        "track = \"other\"",
    );
    assert_eq!(hint(), "Only the exact key opens.");
    // `learn hint` too (with the hints seen so far forgotten).
    fs::remove_dir_all(ws.join(".learn")).unwrap();
    let shown = learn(&temp.path().join("data"))
        .arg("--course")
        .arg(&keys)
        .args(["hint", "stays-shut-without-it"])
        .current_dir(&ws)
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&shown.stdout);
    assert!(shown.contains("  Only the exact key opens.\n"), "{shown}");
}

/// A file step reads a file of the workspace: `.env.example` parsed with `dotenv`; a
/// missing file, a missing variable and a symlink out of the workspace each fail with
/// what was found.
#[test]
fn file_steps_read_the_workspace_and_nothing_outside_it() {
    let temp = tempfile::tempdir().unwrap();
    let files = repo().join("tests/courses/files");
    let ws = temp.path().join("ws");
    copy_dir(&files.join("scaffolds/configured/python"), &ws);
    let check = |format: &str| {
        let output = learn(&temp.path().join("data"))
            .arg("--course")
            .arg(&files)
            .args(["check", "--all", "--format", format, "--path"])
            .arg(&ws)
            .output()
            .unwrap();
        (
            output.status.code().unwrap(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
        )
    };
    let (code, json) = check("json");
    assert_eq!(code, 0, "{json}");
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let step = &report["checks"][0]["steps"][0];
    assert_eq!(step["path"], ".env.example");
    assert_eq!(step["captures"][0]["value"], 2);
    edit(
        &ws.join(".env.example"),
        "APP_GREETING=\"hello\"",
        "APP_GREETNG=hello",
    );
    let (code, human) = check("human");
    assert_eq!(code, 1);
    assert!(
        human.contains("file      .env.example")
            && human.contains("expected  body | dotenv | path $.APP_GREETING equals \"hello\"")
            && human.contains("APP_GREETNG=hello"),
        "{human}"
    );
    fs::remove_file(ws.join(".env.example")).unwrap();
    let (code, human) = check("human");
    assert_eq!(code, 1);
    assert!(human.contains("(there is no such file)"), "{human}");
    std::os::unix::fs::symlink("/etc/passwd", ws.join(".env.example")).unwrap();
    let (code, human) = check("human");
    assert_eq!(code, 1);
    assert!(
        human.contains(".env.example cannot be read: it leads outside the workspace")
            && !human.contains("root:"),
        "{human}"
    );
}

/// A server that serves an OpenAPI document of itself has every response held to it:
/// the report counts them, a response that breaks the document fails its check, and
/// a document that is not one is said so.
#[test]
fn every_response_is_held_to_the_servers_own_openapi_document() {
    let temp = tempfile::tempdir().unwrap();
    let course = repo().join("tests/courses/described");
    let ws = temp.path().join("ws");
    copy_dir(&course.join("scaffolds/books/python"), &ws);
    let check = |format: &str| {
        let output = learn(&temp.path().join("data"))
            .arg("--course")
            .arg(&course)
            .args(["check", "--all", "--format", format, "--path"])
            .arg(&ws)
            .output()
            .unwrap();
        (
            output.status.code().unwrap(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
        )
    };
    let (code, json) = check("json");
    assert_eq!(code, 0, "{json}");
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    // The list, a book and its 404 are held to the document; the document's own
    // answer and /nothing-here are not in it.
    assert_eq!(
        report["conformance"],
        serde_json::json!({"document": "/openapi.json", "responses_checked": 3, "responses_failed": 0})
    );
    edit(
        &ws.join("server.py"),
        "{\"id\": 1, \"title\": \"Dune\"}",
        "{\"id\": \"1\", \"title\": \"Dune\"}",
    );
    let (code, human) = check("human");
    assert_eq!(code, 1, "{human}");
    assert!(
        human.contains("expected  response matches /openapi.json (GET /v1/books)")
            && human.contains("at /0/id")
            // The book check stops at its first failing step: two responses held.
            && human.contains("2 responses held to /openapi.json: 0 matched it."),
        "{human}"
    );
    edit(
        &ws.join("server.py"),
        "\"description\": \"every book\", ",
        "",
    );
    let (code, human) = check("human");
    assert_eq!(code, 1);
    assert!(
        human.contains("No response was held to /openapi.json: GET /openapi.json: not an OpenAPI 3 document: at /paths/~1v1~1books/get/responses/200")
            && human.contains("✗ document"),
        "{human}"
    );
}
