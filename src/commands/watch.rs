//! `learn watch`: check again on every save, with the report always on screen.

use std::io::{IsTerminal, Read, Write};
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result};
use colored::Colorize;
use notify_debouncer_full::notify::{EventKind, RecursiveMode};
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

use super::check::{INTERRUPTED, Settings, pipeline, remember};
use super::learner::next_hint;
use crate::checks::Options;
use crate::course::{Course, GENERATED_DIRS};
use crate::platform;
use crate::report;
use crate::report::human::server_lines;
use crate::result::RunReport;
use crate::workspace::Workspace;

/// How long saves must pause before a run starts: an editor's burst is one change.
const DEBOUNCE: Duration = Duration::from_millis(50);
/// Folders whose changes never start a run (tools write there all the time).
const IGNORED: [&str; 2] = [".git", "dist"];

enum Event {
    Changed,
    Key(u8),
}

pub fn watch(course: &Course) -> Result<u8> {
    let workspace = Workspace::find(&std::env::current_dir()?)?;
    let exercise = course.exercise(&workspace.config.exercise)?;
    let checks = exercise.checks()?;
    let selected: Vec<_> = checks.iter().collect();
    let (events, mut incoming) = mpsc::unbounded_channel();
    let changes = events.clone();
    let root = workspace.root.clone();
    let mut debouncer = notify_debouncer_full::new_debouncer(
        DEBOUNCE,
        None,
        move |result: notify_debouncer_full::DebounceEventResult| {
            // A save creates, writes, renames or removes; reading a file (the server
            // loading it) is no change.
            let relevant = result.as_ref().is_ok_and(|batch| {
                batch.iter().any(|event| {
                    matches!(
                        event.kind,
                        EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)
                    ) && event.paths.iter().any(|path| watched(&root, path))
                })
            });
            if relevant {
                let _ = changes.send(Event::Changed);
            }
        },
    )
    .context("cannot watch the workspace for changes")?;
    debouncer
        .watch(&workspace.root, RecursiveMode::Recursive)
        .context("cannot watch the workspace for changes")?;
    let _keys = KeyMode::enable();
    std::thread::spawn(move || {
        let mut byte = [0u8; 1];
        while let Ok(1) = std::io::stdin().read(&mut byte) {
            if events.send(Event::Key(byte[0])).is_err() {
                break;
            }
        }
    });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    platform::become_subreaper();
    runtime.block_on(async {
        let mut interrupt = signal(SignalKind::interrupt()).context("cannot listen for Ctrl-C")?;
        let mut terminate = signal(SignalKind::terminate()).context("cannot listen for SIGTERM")?;
        let settings = Settings {
            build_timeout: None,
            start_timeout: None,
            sandbox: crate::sandbox::Sandbox::OFF,
            database: crate::services::Choice::Sqlite,
            quiet: false,
            live: None,
        };
        loop {
            let options = Options::for_run(&exercise.timeouts, rand::random());
            clear_screen();
            println!("{} · checking {}…", "learn watch".bold(), exercise.id);
            let report = tokio::select! {
                report = pipeline(&workspace, exercise, &selected, &options, &settings) => report,
                _ = interrupt.recv() => return Ok(stopped()),
                _ = terminate.recv() => return Ok(stopped()),
            };
            remember(&report, &workspace);
            clear_screen();
            print!(
                "{}",
                report::human::render_focused(&report, "press a to see every failure in full")
            );
            let mut expanded = false;
            print_keys();
            // Changes saved while the checks ran start the next run at once.
            loop {
                let event = tokio::select! {
                    event = incoming.recv() => event,
                    _ = interrupt.recv() => return Ok(stopped()),
                    _ = terminate.recv() => return Ok(stopped()),
                };
                match event {
                    Some(Event::Changed) | Some(Event::Key(b'r')) => break,
                    Some(Event::Key(b'q')) | None => return Ok(0),
                    Some(Event::Key(b'h')) => match next_hint(course, &workspace, None) {
                        Ok(hint) => println!("\n{hint}"),
                        Err(error) => println!("\n{error:#}"),
                    },
                    Some(Event::Key(b'l')) => print_log(&report),
                    Some(Event::Key(b'a')) => {
                        expanded = !expanded;
                        clear_screen();
                        print!(
                            "{}",
                            if expanded {
                                report::human::render(&report)
                            } else {
                                report::human::render_focused(
                                    &report,
                                    "press a to see every failure in full",
                                )
                            }
                        );
                    }
                    Some(Event::Key(_)) => continue,
                }
                print_keys();
            }
            while let Ok(Event::Changed) = incoming.try_recv() {}
        }
    })
}

/// Whether a change to `path` should start a run: a file of the learner's, not the
/// workspace folder itself, build output or tool folders.
fn watched(root: &Path, path: &Path) -> bool {
    let inside = path.strip_prefix(root).unwrap_or(path);
    inside.components().next().is_some()
        && !inside.components().any(|part| {
            let name = part.as_os_str();
            GENERATED_DIRS
                .iter()
                .chain(IGNORED.iter())
                .any(|ignored| name == *ignored)
        })
}

fn stopped() -> u8 {
    println!("\nStopped watching; your server was stopped too.");
    INTERRUPTED
}

fn clear_screen() {
    if std::io::stdout().is_terminal() {
        print!("\x1b[2J\x1b[H");
        let _ = std::io::stdout().flush();
    }
}

fn print_keys() {
    println!(
        "\n{}",
        "Watching for changes · h next hint · a all failures · r run again · l server log · q quit"
            .dimmed()
    );
    let _ = std::io::stdout().flush();
}

fn print_log(report: &RunReport) {
    if report.server_log.is_empty() {
        println!("\nYour server printed nothing.");
    } else {
        println!(
            "\nYour server's last lines:\n{}",
            server_lines(&report.server_log)
        );
    }
}

/// Single keys without Enter on a terminal: canonical mode and echo off while watching,
/// restored on the way out (Ctrl-C still interrupts).
struct KeyMode {
    saved: Option<rustix::termios::Termios>,
}

impl KeyMode {
    fn enable() -> KeyMode {
        use rustix::termios::{LocalModes, OptionalActions, tcgetattr, tcsetattr};
        let stdin = std::io::stdin();
        let Ok(saved) = tcgetattr(&stdin) else {
            return KeyMode { saved: None };
        };
        let mut raw = saved.clone();
        raw.local_modes
            .remove(LocalModes::ICANON | LocalModes::ECHO);
        let _ = tcsetattr(&stdin, OptionalActions::Now, &raw);
        KeyMode { saved: Some(saved) }
    }
}

impl Drop for KeyMode {
    fn drop(&mut self) {
        if let Some(saved) = &self.saved {
            let _ = rustix::termios::tcsetattr(
                std::io::stdin(),
                rustix::termios::OptionalActions::Now,
                saved,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_output_and_tool_folders_are_not_watched() {
        let root = Path::new("/w");
        assert!(watched(root, Path::new("/w/app.py")));
        assert!(watched(root, Path::new("/w/src/routes.js")));
        assert!(!watched(root, Path::new("/w/.venv/lib/site.py")));
        assert!(!watched(root, Path::new("/w/node_modules/x/index.js")));
        assert!(!watched(root, Path::new("/w/.learn/state.json")));
        assert!(!watched(root, Path::new("/w/.git/index")));
        assert!(!watched(root, Path::new("/w")));
    }
}
