//! The learner's build step, skipped when its inputs have not changed since it last passed.

use std::fs;
use std::path::Path;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::log_buffer::{self, LogBuffer};
use crate::platform;
use crate::result::{BuildRecord, Problem};
use crate::sandbox::Sandbox;
use crate::workspace::Workspace;

const STAMP_FILE: &str = "build.json";
/// A build stamp is a few lines of JSON; anything bigger is not learn's.
const STAMP_LIMIT: u64 = 64 * 1024;
/// The most of one build input read into the fingerprint (a lock file is well under).
const INPUT_LIMIT: u64 = 64 * 1024 * 1024;
/// Lines of build output shown when a build fails.
const SHOWN_LINES: usize = 40;

/// What the last build left behind in `.learn/build.json`.
#[derive(Serialize, Deserialize, PartialEq)]
struct Stamp {
    inputs_sha256: String,
    succeeded: bool,
}

/// Run the workspace's build command unless its inputs are unchanged since the last
/// successful build.
pub async fn build(
    workspace: &Workspace,
    timeout: Duration,
    sandbox: &Sandbox,
) -> Result<BuildRecord, Problem> {
    let command = workspace.config.build.trim().to_string();
    let mut record = BuildRecord {
        command: command.clone(),
        ..BuildRecord::default()
    };
    if command.is_empty() {
        record.skipped = true;
        return Ok(record);
    }
    let fingerprint = fingerprint(workspace);
    // A `.learn` that is a symlink (or a file) is not learn's: no stamp is read from it
    // or written through it, and the build always runs.
    let stamp_path = workspace.own_state_dir().map(|dir| dir.join(STAMP_FILE));
    let previous: Option<Stamp> = stamp_path
        .as_deref()
        .and_then(|path| crate::atomic::read_small(path, STAMP_LIMIT))
        .and_then(|text| serde_json::from_str(&text).ok());
    if previous.is_some_and(|stamp| stamp.succeeded && stamp.inputs_sha256 == fingerprint) {
        record.skipped = true;
        return Ok(record);
    }
    let started = Instant::now();
    let result = run_to_end(&workspace.root, &command, timeout, sandbox).await;
    record.duration_ms = started.elapsed().as_millis() as u64;
    let succeeded = matches!(result, Ok((Some(0), _)));
    // A failed stamp write only costs a rebuild next time; the build result stands.
    if let Some(stamp_path) = &stamp_path {
        let _ = crate::atomic::write_json(
            stamp_path,
            &Stamp {
                inputs_sha256: fingerprint,
                succeeded,
            },
        );
    }
    match result {
        Ok((Some(0), _)) => Ok(record),
        Ok((exit_code, output)) => Err(missing_tool(exit_code, &output).unwrap_or(
            Problem::BuildFailed {
                command,
                exit_code,
                output,
                timed_out: false,
            },
        )),
        Err(output) => Err(Problem::BuildFailed {
            command,
            exit_code: None,
            output,
            timed_out: true,
        }),
    }
}

/// Let `copy` use what the build of `built` made (its virtualenv, node_modules) instead
/// of building again, when both have the same build command and inputs: the generated
/// folders are linked, not copied, and the build stamp is carried over. False (and
/// nothing done) when the two builds differ.
pub fn share(built: &Workspace, copy: &Workspace) -> std::io::Result<bool> {
    if !same_build(built, copy) {
        return Ok(false);
    }
    for name in crate::course::GENERATED_DIRS {
        let target = built.root.join(name);
        if name == crate::workspace::STATE_DIR || !target.is_dir() {
            continue;
        }
        crate::platform::link_dir(&target, &copy.root.join(name))?;
    }
    fs::create_dir_all(copy.state_dir())?;
    match fs::copy(
        built.state_dir().join(STAMP_FILE),
        copy.state_dir().join(STAMP_FILE),
    ) {
        Ok(_) => Ok(true),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(true),
        Err(error) => Err(error),
    }
}

/// Start `copy`'s build from what `built`'s build made, where that is safe and worth it:
/// a Rust build's `target/` (compiling the dependencies takes minutes; the copy then
/// compiles only its own crate). Cargo gives the copy's crate the same file names as
/// `built`'s (its hash does not depend on the folder) and judges its sources by their
/// times, so:
/// - big files (compiled crates, binaries) are hard links: cargo and the linker replace
///   a file they make again, never write into it;
/// - small ones (fingerprints, dep-info, timestamps: cargo and rustc write these in
///   place) are private copies with their times kept;
/// - every file of the copy outside `target/` is then made newer than the build, so
///   cargo compiles the copy's crate again and nothing else. Cargo's lock file is left
///   out, so copies build at once.
///
/// Anything else (a virtualenv, node_modules, class files that javac writes over in
/// place) is left alone: true when something was linked.
pub fn seed(built: &Path, copy: &Path) -> std::io::Result<bool> {
    let target = built.join("target");
    let cargo_made = ["debug", "release"]
        .iter()
        .any(|profile| target.join(profile).join(".fingerprint").is_dir());
    let destination = copy.join("target");
    if !cargo_made || destination.exists() {
        return Ok(false);
    }
    link_tree(&target, &destination)?;
    let now = std::time::SystemTime::now();
    touch_tree(copy, &destination, now)?;
    Ok(true)
}

/// Files at least this big are hard-linked by `seed`; smaller ones are copied.
const LINK_AT: u64 = 64 * 1024;

/// `to` as a tree of folders holding the files under `from`: hard links to the big
/// ones, copies of the small ones with their modification times, symlinks as symlinks,
/// without cargo's lock files.
fn link_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        if name == ".cargo-lock" {
            continue;
        }
        let kind = entry.file_type()?;
        let destination = to.join(&name);
        if kind.is_dir() {
            link_tree(&entry.path(), &destination)?;
        } else if kind.is_symlink() {
            std::os::unix::fs::symlink(fs::read_link(entry.path())?, &destination)?;
        } else if kind.is_file() {
            let meta = entry.metadata()?;
            if meta.len() >= LINK_AT {
                fs::hard_link(entry.path(), &destination)?;
            } else {
                fs::copy(entry.path(), &destination)?;
                fs::File::options()
                    .write(true)
                    .open(&destination)?
                    .set_modified(meta.modified()?)?;
            }
        }
    }
    Ok(())
}

/// Set the modification time of every file under `dir` but those under `skip`.
fn touch_tree(dir: &Path, skip: &Path, time: std::time::SystemTime) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let kind = entry.file_type()?;
        if path == skip {
            continue;
        } else if kind.is_dir() {
            touch_tree(&path, skip, time)?;
        } else if kind.is_file() {
            fs::File::options()
                .write(true)
                .open(&path)?
                .set_modified(time)?;
        }
    }
    Ok(())
}

/// Whether two workspaces build the same way: the same command on the same inputs.
pub fn same_build(a: &Workspace, b: &Workspace) -> bool {
    fingerprint(a) == fingerprint(b)
}

/// The build command and the contents of every build input, hashed together.
fn fingerprint(workspace: &Workspace) -> String {
    let mut hasher = Sha256::new();
    hasher.update(workspace.config.build.as_bytes());
    let root = fs::canonicalize(&workspace.root).unwrap_or_else(|_| workspace.root.clone());
    for input in &workspace.config.build_inputs {
        hasher.update(b"\0");
        hasher.update(input.as_bytes());
        hasher.update(b"\0");
        hash_input(&root, input, &mut hasher);
    }
    format!("{:x}", hasher.finalize())
}

/// Add one build input to the fingerprint: a regular file inside the workspace, or a
/// folder (every file under it, by relative path, in name order, leaving out the folders
/// builds make: `target`, `node_modules`, `.venv`, ...). A file is opened without
/// blocking (a FIFO never stalls learn) and read in chunks, at most `INPUT_LIMIT` bytes
/// of it (a bigger file counts by its size and modification time).
fn hash_input(root: &Path, input: &str, hasher: &mut Sha256) {
    let Ok(path) = fs::canonicalize(root.join(input)) else {
        return hasher.update(b"<missing>");
    };
    if !path.starts_with(root) {
        return hasher.update(b"<outside the workspace>");
    }
    if path.is_dir() {
        let mut files = Vec::new();
        list_files(&path, &mut files);
        files.sort();
        for file in files {
            let relative = file.strip_prefix(&path).unwrap_or(&file);
            hasher.update(b"\0");
            hasher.update(relative.as_os_str().as_encoded_bytes());
            hasher.update(b"\0");
            hash_file(&file, hasher);
        }
        return;
    }
    hash_file(&path, hasher);
}

/// The most files a folder input counts: a build input is source, not a disk.
const FOLDER_LIMIT: usize = 10_000;

/// The regular files under `dir`, not through symlinks, not inside generated folders
/// or hidden ones (`.git`, `.learn`), at most `FOLDER_LIMIT` of them.
fn list_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if out.len() >= FOLDER_LIMIT {
            return;
        }
        let name = entry.file_name();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let hidden = name.as_encoded_bytes().starts_with(b".");
        if kind.is_dir() && !hidden && !crate::course::is_generated(&name) {
            list_files(&entry.path(), out);
        } else if kind.is_file() {
            out.push(entry.path());
        }
    }
}

fn hash_file(path: &Path, hasher: &mut Sha256) {
    let Ok((file, size)) = crate::atomic::open_regular(path) else {
        return hasher.update(b"<not a regular file>");
    };
    if size > INPUT_LIMIT {
        let modified = file
            .metadata()
            .and_then(|meta| meta.modified())
            .ok()
            .and_then(|time| time.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |since| since.as_nanos());
        return hasher.update(format!("<{size} bytes, modified {modified}>").as_bytes());
    }
    if std::io::copy(&mut std::io::Read::take(file, INPUT_LIMIT), hasher).is_err() {
        hasher.update(b"<unreadable>");
    }
}

/// Run `command` with `sh -c` in its own process group, output merged and kept bounded.
/// Ok(exit code, last lines) when it ended; Err(last lines) when it ran out of time.
async fn run_to_end(
    dir: &Path,
    command_line: &str,
    timeout: Duration,
    sandbox: &Sandbox,
) -> Result<(Option<i32>, Vec<String>), Vec<String>> {
    let mut command = sandbox.shell(&format!("exec 2>&1\n{command_line}"), sandbox.build);
    command
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .process_group(0)
        .kill_on_drop(true);
    // The build's own children (pip, npm workers) go with it, also when interrupted.
    let (mut child, guard) =
        match platform::GroupGuard::spawn(|| command.spawn(), |child| child.id()) {
            Ok(spawned) => spawned,
            Err(error) => return Ok((None, vec![format!("could not start sh: {error}")])),
        };
    let killed_because = Arc::new(Mutex::new(None));
    let watchdog = match (&guard, sandbox.build) {
        (Some(guard), Some(limits)) => Some(tokio::spawn(crate::sandbox::watch_processes(
            guard.pgid(),
            crate::sandbox::Tree::of(sandbox, guard.pgid()),
            limits.processes,
            Arc::clone(&killed_because),
        ))),
        _ => None,
    };
    let log = Arc::new(Mutex::new(LogBuffer::default()));
    let stdout = child.stdout.take().expect("stdout is piped");
    let reader = tokio::spawn(log_buffer::drain(stdout, Arc::clone(&log)));
    let waited = tokio::time::timeout(timeout, child.wait()).await;
    drop(guard);
    if let Some(cell) = &sandbox.jail {
        cell.kill_all();
    }
    if let Some(watchdog) = watchdog {
        watchdog.abort();
    }
    let _ = tokio::time::timeout(Duration::from_secs(2), reader).await;
    let mut lines = log.lock().expect("log lock").tail(SHOWN_LINES);
    lines.extend(killed_because.lock().expect("reason lock").take());
    let ended = match waited {
        Ok(Ok(status)) => Ok((status.code(), lines)),
        Ok(Err(error)) => Ok((None, vec![format!("could not wait for the build: {error}")])),
        Err(_) => {
            let _ = child.kill().await;
            Err(lines)
        }
    };
    // What the build left running in sessions of its own (a daemon it started, passed
    // or failed) goes now, not with the server.
    platform::kill_orphans();
    ended
}

/// Exit code of a shell whose command was not found.
const NOT_FOUND: i32 = 127;

/// When a shell command failed because a program is not installed, which one, from the
/// shell's own words (`sh: 1: npm: not found`, `bash: line 1: npm: command not found`).
/// A missing path (`.venv/bin/python`) is not a toolchain problem and is left to the output.
pub fn missing_tool(exit_code: Option<i32>, output: &[String]) -> Option<Problem> {
    if exit_code != Some(NOT_FOUND) {
        return None;
    }
    output.iter().rev().find_map(|line| {
        let before = line
            .trim_end()
            .strip_suffix(": not found")
            .or_else(|| line.trim_end().strip_suffix(": command not found"))?;
        let tool = before.rsplit(": ").next()?.trim();
        let plain = !tool.is_empty() && !tool.contains('/') && !tool.contains(' ');
        plain.then(|| Problem::MissingTool {
            tool: tool.to_string(),
            advice: install_advice(tool),
        })
    })
}

pub fn install_advice(tool: &str) -> String {
    match tool {
        "python3" | "python" | "pip" | "pip3" => {
            "Install Python 3 from https://www.python.org/downloads/ (on Debian or Ubuntu: \
             sudo apt install python3 python3-venv), then run learn check again."
                .to_string()
        }
        "node" | "npm" | "npx" => {
            "Install Node.js 20 or newer from https://nodejs.org/ (it comes with npm), \
                                   then run learn check again."
                .to_string()
        }
        "go" | "gofmt" => "Install Go from https://go.dev/dl/ (on Debian or Ubuntu: sudo apt install \
                           golang-go), then run learn check again."
            .to_string(),
        "cargo" | "rustc" => "Install Rust with rustup from https://rustup.rs/, then run learn \
                              check again."
            .to_string(),
        "java" | "javac" | "mvn" | "gradle" => "Install a JDK (Java 17 or newer) from \
             https://adoptium.net/ (on Debian or Ubuntu: sudo apt install default-jdk maven), \
             then run learn check again."
            .to_string(),
        "dotnet" => "Install the .NET SDK from https://dotnet.microsoft.com/download, then run \
                     learn check again."
            .to_string(),
        "php" | "composer" => "Install PHP from https://www.php.net/downloads (on Debian or \
                               Ubuntu: sudo apt install php-cli composer), then run learn check again."
            .to_string(),
        "ruby" | "bundle" | "gem" => "Install Ruby from https://www.ruby-lang.org/en/downloads/ \
                                     (on Debian or Ubuntu: sudo apt install ruby-full), then run learn check again."
            .to_string(),
        other => format!("Install `{other}` or add it to your PATH, then run learn check again."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advises_how_to_install_the_toolchains_of_other_languages() {
        assert!(install_advice("go").contains("golang-go"));
        assert!(install_advice("cargo").contains("rustup"));
        assert!(install_advice("mvn").contains("default-jdk maven"));
        assert!(install_advice("dotnet").contains(".NET SDK"));
        assert!(install_advice("bundle").contains("ruby-full"));
        assert!(install_advice("zig").contains("Install `zig`"));
    }

    #[test]
    fn a_folder_input_counts_its_sources_and_not_what_builds_make() {
        let temp = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(temp.path()).unwrap();
        let digest = || {
            let mut hasher = Sha256::new();
            hash_input(&root, ".", &mut hasher);
            format!("{:x}", hasher.finalize())
        };
        fs::create_dir_all(root.join("handlers")).unwrap();
        fs::create_dir_all(root.join("target")).unwrap();
        fs::create_dir_all(root.join(".learn")).unwrap();
        fs::write(root.join("main.go"), "package main").unwrap();
        fs::write(root.join("handlers/posts.go"), "package handlers").unwrap();
        let first = digest();
        fs::write(root.join("target/server"), "a binary").unwrap();
        fs::write(root.join(".learn/build.json"), "{}").unwrap();
        assert_eq!(digest(), first, "generated and hidden folders do not count");
        fs::write(root.join("handlers/posts.go"), "package handlers // edited").unwrap();
        let edited = digest();
        assert_ne!(edited, first, "an edit in a subfolder counts");
        fs::write(root.join("handlers/users.go"), "package handlers").unwrap();
        assert_ne!(digest(), edited, "a new file counts");
        fs::rename(root.join("handlers/users.go"), root.join("users.go")).unwrap();
        let moved = digest();
        fs::rename(root.join("users.go"), root.join("handlers/users.go")).unwrap();
        assert_ne!(moved, digest(), "a file's place counts");
    }

    #[test]
    fn a_copy_starts_from_a_rust_build_and_from_nothing_else() {
        use std::os::unix::fs::MetadataExt;
        let temp = tempfile::tempdir().unwrap();
        let (built, copy) = (temp.path().join("built"), temp.path().join("copy"));
        let fingerprint = built.join("target/debug/.fingerprint/server-1");
        fs::create_dir_all(&fingerprint).unwrap();
        fs::create_dir_all(built.join("target/debug/deps")).unwrap();
        fs::write(fingerprint.join("bin-server"), "1").unwrap();
        let built_at = std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        fs::File::options()
            .write(true)
            .open(fingerprint.join("bin-server"))
            .unwrap()
            .set_modified(built_at)
            .unwrap();
        let rlib = "target/debug/deps/libserde-2.rlib";
        fs::write(built.join(rlib), vec![7u8; LINK_AT as usize]).unwrap();
        fs::write(built.join("target/debug/.cargo-lock"), "").unwrap();
        std::os::unix::fs::symlink("deps/libserde-2.rlib", built.join("target/debug/link"))
            .unwrap();
        fs::create_dir_all(copy.join("src")).unwrap();
        fs::write(copy.join("src/main.rs"), "fn main() {}").unwrap();
        fs::File::options()
            .write(true)
            .open(copy.join("src/main.rs"))
            .unwrap()
            .set_modified(built_at - Duration::from_secs(60))
            .unwrap();
        assert!(seed(&built, &copy).unwrap());
        let meta = |path: &Path| fs::metadata(path).unwrap();
        // A compiled crate is shared; what cargo writes in place is the copy's own.
        assert_eq!(meta(&built.join(rlib)).ino(), meta(&copy.join(rlib)).ino());
        let copied = copy.join("target/debug/.fingerprint/server-1/bin-server");
        assert_ne!(
            meta(&copied).ino(),
            meta(&fingerprint.join("bin-server")).ino()
        );
        assert_eq!(meta(&copied).modified().unwrap(), built_at);
        // The copy's sources are newer than the build it starts from.
        assert!(meta(&copy.join("src/main.rs")).modified().unwrap() > built_at);
        assert!(
            !copy.join("target/debug/.cargo-lock").exists(),
            "no shared lock"
        );
        assert!(
            fs::symlink_metadata(copy.join("target/debug/link"))
                .unwrap()
                .is_symlink()
        );
        // A copy with a target of its own keeps it; a build that is not cargo's is not
        // linked (javac and go write their outputs over in place).
        assert!(!seed(&built, &copy).unwrap());
        let (javac, other) = (temp.path().join("javac"), temp.path().join("other"));
        fs::create_dir_all(javac.join("target/classes")).unwrap();
        fs::create_dir_all(&other).unwrap();
        assert!(!seed(&javac, &other).unwrap());
        assert!(!other.join("target").exists());
    }

    #[test]
    fn names_the_program_the_shell_could_not_find() {
        let lines = |text: &str| text.lines().map(str::to_string).collect::<Vec<_>>();
        let Some(Problem::MissingTool { tool, advice }) =
            missing_tool(Some(127), &lines("x\nsh: 1: npm: not found"))
        else {
            panic!("expected a missing tool");
        };
        assert_eq!(tool, "npm");
        assert!(advice.contains("Node.js"));
        let bash = lines("bash: line 1: definitely-not-here: command not found");
        assert!(
            matches!(missing_tool(Some(127), &bash), Some(Problem::MissingTool { tool, .. }) if tool == "definitely-not-here")
        );
        assert!(missing_tool(Some(127), &lines("sh: 1: .venv/bin/python: not found")).is_none());
        assert!(missing_tool(Some(1), &lines("sh: 1: npm: not found")).is_none());
    }
}
