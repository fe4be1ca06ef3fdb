//! `learn doctor`: one golden file per kind of start failure, each with its fix.

mod common;

use std::fs;
use std::path::Path;

use common::{hello_workspace, learn, masked};

fn doctor(temp: &Path, dir: &Path, path: Option<&Path>) -> (i32, String) {
    let mut command = learn(&temp.join("data"));
    command
        .args(["doctor", "--start-timeout", "2"])
        .current_dir(dir);
    if let Some(path) = path {
        command.env("PATH", path);
    }
    let output = command.output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    // Versions differ from machine to machine.
    let text = regex::Regex::new(r"(Python |v)\d+\.\d+\.\d+")
        .unwrap()
        .replace_all(&text, "${1}X.Y.Z");
    let text = regex::Regex::new(r"in \d+\.\d s")
        .unwrap()
        .replace_all(&text, "in N s");
    let text = regex::Regex::new(r"(127\.0\.0\.2|\[::1\]):\d+")
        .unwrap()
        .replace_all(&text, "${1}:[PORT]");
    (output.status.code().unwrap(), masked(&text, temp))
}

fn diagnosis(fixture: &str) -> String {
    let temp = tempfile::tempdir().unwrap();
    let dir = hello_workspace(
        temp.path(),
        "python",
        &format!("python3 {fixture}"),
        Some(fixture),
    );
    let (code, text) = doctor(temp.path(), &dir, None);
    assert_eq!(code, 1, "{text}");
    text
}

#[test]
fn a_healthy_workspace() {
    let temp = tempfile::tempdir().unwrap();
    let dir = hello_workspace(
        temp.path(),
        "python",
        "python3 ignores_sigterm.py",
        Some("ignores_sigterm.py"),
    );
    let (code, text) = doctor(temp.path(), &dir, None);
    assert_eq!(code, 0, "{text}");
    insta::assert_snapshot!("doctor_healthy", text);
}

#[test]
fn a_fixed_port() {
    insta::assert_snapshot!("doctor_fixed_port", diagnosis("wrong_port.py"));
}

#[test]
fn ipv6_only() {
    insta::assert_snapshot!("doctor_ipv6_only", diagnosis("ipv6_only.py"));
}

#[test]
fn another_interface() {
    insta::assert_snapshot!("doctor_another_interface", diagnosis("another_address.py"));
}

#[test]
fn exits_at_once() {
    insta::assert_snapshot!("doctor_exits_at_once", diagnosis("exits_at_once.py"));
}

#[test]
fn a_traceback() {
    let temp = tempfile::tempdir().unwrap();
    let dir = hello_workspace(temp.path(), "python", "python3 app.py", None);
    fs::write(dir.join("app.py"), "import flask_typo\n").unwrap();
    let (code, text) = doctor(temp.path(), &dir, None);
    assert_eq!(code, 1);
    insta::assert_snapshot!("doctor_traceback", text);
}

#[test]
fn a_missing_toolchain() {
    let temp = tempfile::tempdir().unwrap();
    let bin = temp.path().join("bin");
    fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink("/bin/sh", bin.join("sh")).unwrap();
    let dir = hello_workspace(temp.path(), "node", "node server.js", None);
    let (code, text) = doctor(temp.path(), &dir, Some(&bin));
    assert_eq!(code, 1);
    insta::assert_snapshot!("doctor_missing_toolchain", text);
}

#[test]
fn a_run_command_the_build_has_not_made() {
    let temp = tempfile::tempdir().unwrap();
    let dir = hello_workspace(temp.path(), "python", ".venv/bin/python app.py", None);
    let (code, text) = doctor(temp.path(), &dir, None);
    assert_eq!(code, 1);
    insta::assert_snapshot!("doctor_not_built", text);
}
