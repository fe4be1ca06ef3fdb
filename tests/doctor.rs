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

/// A Go workspace whose database driver is C code needs a C compiler: doctor says so
/// before the build fails on it, and says which compiler it found when there is one.
#[test]
fn a_driver_in_c_asks_for_a_c_compiler() {
    let temp = tempfile::tempdir().unwrap();
    let ws = temp.path().join("ws");
    let started = learn(&temp.path().join("data"))
        .args(["start", "persistence", "--lang", "go", "--dir"])
        .arg(&ws)
        .output()
        .unwrap();
    assert!(started.status.success());
    // A PATH with Go and a shell, and no C compiler.
    let bin = temp.path().join("bin");
    fs::create_dir_all(&bin).unwrap();
    for program in ["go", "sh"] {
        let found = which(program).unwrap_or_else(|| panic!("{program} is on PATH"));
        std::os::unix::fs::symlink(found, bin.join(program)).unwrap();
    }
    let (code, text) = doctor(temp.path(), &ws, Some(&bin));
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("the SQLite driver (go-sqlite3) is C code that the first build compiles, and no C compiler (cc, gcc or clang) is on your PATH"),
        "{text}"
    );
    let (_, text) = doctor(temp.path(), &ws, None);
    assert!(
        regex::Regex::new(r"(cc|gcc|clang) is installed \(the SQLite driver")
            .unwrap()
            .is_match(&text),
        "{text}"
    );
}

fn which(program: &str) -> Option<std::path::PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|path| path.is_file())
}
