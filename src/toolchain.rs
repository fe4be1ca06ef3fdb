//! The programs a track needs, and which versions this machine has.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A program a track needs, with the oldest major.minor version that works.
pub struct Tool {
    pub name: &'static str,
    pub minimum: (u32, u32),
    /// What makes it print its version: `--version` for most, `version` for `go`.
    pub version_arg: &'static str,
}

const fn tool(name: &'static str, minimum: (u32, u32)) -> Tool {
    Tool {
        name,
        minimum,
        version_arg: "--version",
    }
}

/// The toolchain of a track (the scaffolds' build and run commands use these).
pub fn for_track(track: &str) -> Vec<Tool> {
    match track {
        "python" | "fastapi" => vec![tool("python3", (3, 9))],
        // Django 5.2 wants Python 3.10.
        "django" => vec![tool("python3", (3, 10))],
        "java" => vec![tool("java", (17, 0)), tool("javac", (17, 0))],
        "node" => vec![tool("node", (18, 0)), tool("npm", (8, 0))],
        // Debian 12's Go; the scaffolds use nothing newer.
        "go" => vec![Tool {
            version_arg: "version",
            ..tool("go", (1, 19))
        }],
        // What the rust scaffolds' locked dependencies (axum 0.8, sqlx 0.8) need.
        "rust" => vec![tool("cargo", (1, 80)), tool("rustc", (1, 80))],
        _ => Vec::new(),
    }
}

/// Why this workspace's build needs a C compiler, when it does: a database driver that
/// is C code, compiled on the first build (Go's go-sqlite3 through cgo, Rust's
/// libsqlite3-sys under sqlx). Read from go.mod and Cargo.lock.
pub fn needs_c_compiler(track: &str, root: &std::path::Path) -> Option<&'static str> {
    let names = |file: &str, what: &str| {
        crate::atomic::read_small(&root.join(file), 1024 * 1024)
            .is_some_and(|text| text.contains(what))
    };
    match track {
        "go" if names("go.mod", "github.com/mattn/go-sqlite3") => {
            Some("the SQLite driver (go-sqlite3) is C code that the first build compiles")
        }
        "rust" if names("Cargo.lock", "name = \"libsqlite3-sys\"") => {
            Some("sqlx's SQLite driver compiles SQLite's C code on the first build")
        }
        _ => None,
    }
}

/// The C compilers a build may call, by the names they go by.
pub const C_COMPILERS: [&str; 3] = ["cc", "gcc", "clang"];

/// Shell keywords: the program comes after them (`then make`).
const KEYWORDS: [&str; 9] = [
    "if", "then", "else", "elif", "do", "while", "until", "exec", "!",
];
/// Shell builtins: their arguments are not programs (`cd api`).
const BUILTINS: [&str; 10] = [
    "cd", "export", "exit", "test", "[", "true", "false", "set", "fi", "command",
];

/// The programs a shell command line runs, in order, once each: the first word of
/// each command between `&&`, `||`, `;` and `|` (after any `NAME=value` and shell
/// keyword), leaving out the shell's builtins. `go build -o server . && ./server` →
/// `go`, `./server`.
pub fn programs(command: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for part in command.split(['&', '|', ';', '\n']) {
        let program = part
            .split_whitespace()
            .find(|word| !word.contains('=') && !KEYWORDS.contains(word));
        let Some(program) = program else { continue };
        let is_program = !BUILTINS.contains(&program)
            && program.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '.' || c == '/');
        if is_program && !found.iter().any(|seen| seen == program) {
            found.push(program.to_string());
        }
    }
    found
}

/// `program --version` (or the tool's own `version_arg`), first line; an error says
/// what went wrong.
pub fn version(program: &str, version_arg: &str) -> Result<String, String> {
    let mut child = Command::new(program)
        .arg(version_arg)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|_| "not installed, or not on your PATH".to_string())?;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(10)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("did not answer `{version_arg}` within 10 s"));
            }
        }
    }
    let output = child
        .wait_with_output()
        .map_err(|error| error.to_string())?;
    let text = String::from_utf8_lossy(if output.stdout.is_empty() {
        &output.stderr
    } else {
        &output.stdout
    })
    .into_owned();
    Ok(text.lines().next().unwrap_or("").trim().to_string())
}

/// The major.minor version in text like `Python 3.11.7` or `v20.20.2`.
pub fn major_minor(text: &str) -> Option<(u32, u32)> {
    let start = text.find(|c: char| c.is_ascii_digit())?;
    let mut numbers = text[start..]
        .split(|c: char| !c.is_ascii_digit())
        .filter(|part| !part.is_empty());
    let major = numbers.next()?.parse().ok()?;
    let minor = numbers.next().and_then(|n| n.parse().ok()).unwrap_or(0);
    Some((major, minor))
}

/// Whether a bare program name is found on PATH.
pub fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_programs_a_command_line_runs() {
        assert_eq!(
            programs("go build -o server . && ./server"),
            ["go", "./server"]
        );
        assert_eq!(
            programs("cd api; GOFLAGS=-mod=vendor go build | tee log || exit 1"),
            ["go", "tee"]
        );
        assert_eq!(
            programs("if command -v uv >/dev/null; then uv sync; fi"),
            ["uv"]
        );
        assert!(programs("").is_empty());
    }

    #[test]
    fn a_database_driver_in_c_needs_a_compiler() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        assert_eq!(needs_c_compiler("go", root), None);
        std::fs::write(root.join("go.mod"), "module learn/x\n\ngo 1.19\n").unwrap();
        assert_eq!(needs_c_compiler("go", root), None);
        std::fs::write(
            root.join("go.mod"),
            "module learn/x\n\nrequire github.com/mattn/go-sqlite3 v1.14.16\n",
        )
        .unwrap();
        assert!(needs_c_compiler("go", root).unwrap().contains("go-sqlite3"));
        assert_eq!(needs_c_compiler("python", root), None);
        std::fs::write(
            root.join("Cargo.lock"),
            "[[package]]\nname = \"libsqlite3-sys\"\n",
        )
        .unwrap();
        assert!(
            needs_c_compiler("rust", root)
                .unwrap()
                .contains("SQLite's C code")
        );
    }

    #[test]
    fn reads_versions_the_way_tools_print_them() {
        assert_eq!(major_minor("Python 3.11.7"), Some((3, 11)));
        assert_eq!(major_minor("v20.20.2"), Some((20, 20)));
        assert_eq!(major_minor("11.19.1"), Some((11, 19)));
        assert_eq!(
            major_minor("go version go1.19.8 linux/amd64"),
            Some((1, 19))
        );
        assert_eq!(major_minor("no digits"), None);
        assert!(on_path("sh"));
        assert!(!on_path("definitely-not-a-program-here"));
        assert!(
            version("definitely-not-a-program-here", "--version")
                .unwrap_err()
                .contains("not installed")
        );
        assert!(
            version("python3", "--version")
                .unwrap()
                .starts_with("Python 3")
        );
    }
}
