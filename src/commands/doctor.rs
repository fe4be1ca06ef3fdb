//! `learn doctor`: is this machine and this workspace ready, and if the server does not
//! start, why not, with the fix.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use colored::Colorize;

use super::check::{Settings, start_server};
use crate::build;
use crate::checks::Options;
use crate::course::Course;
use crate::log_buffer::Log;
use crate::platform;
use crate::report::diagnosis::diagnose;
use crate::report::human::server_lines;
use crate::result::Problem;
use crate::services;
use crate::toolchain;
use crate::workspace::Workspace;

/// Print each finding; exit code 0 when everything is ready, 1 when something is not.
pub fn doctor(course: &Course, start_timeout: Option<Duration>) -> Result<u8> {
    let workspace = Workspace::find(&std::env::current_dir()?)?;
    let exercise = course.exercise(&workspace.config.exercise)?;
    let track = workspace.config.track.as_str();
    println!("{} · {} ({track})\n", "learn doctor".bold(), exercise.id);
    let mut findings = Findings { ready: true };
    for tool in toolchain::for_track(track) {
        match toolchain::version(tool.name, tool.version_arg) {
            Ok(version) => match toolchain::major_minor(&version) {
                Some(found) if found < tool.minimum => findings.add(
                    false,
                    tool.name,
                    &format!(
                        "{version}: {}.{} or newer is needed. {}",
                        tool.minimum.0,
                        tool.minimum.1,
                        build::install_advice(tool.name)
                    ),
                ),
                _ => findings.add(true, tool.name, &version),
            },
            Err(error) => findings.add(
                false,
                tool.name,
                &format!("{error}. {}", build::install_advice(tool.name)),
            ),
        }
    }
    if let Some(why) = toolchain::needs_c_compiler(track, &workspace.root) {
        match toolchain::C_COMPILERS
            .iter()
            .find(|compiler| toolchain::on_path(compiler))
        {
            Some(compiler) => findings.add(true, "cc", &format!("{compiler} is installed ({why})")),
            None => findings.add(
                false,
                "cc",
                &format!(
                    "{why}, and no C compiler (cc, gcc or clang) is on your PATH. Install one \
                     (on Debian or Ubuntu: sudo apt install gcc; on macOS: xcode-select --install), \
                     then run learn check again."
                ),
            ),
        }
    }
    // A track of learn's knows its toolchain; on the other track, the programs that
    // build and run name are the toolchain.
    if track == crate::course::OTHER {
        for program in toolchain::programs(&workspace.config.build) {
            let found = if program.contains('/') {
                workspace.root.join(&program).exists()
            } else {
                toolchain::on_path(&program)
            };
            let said = if found {
                format!("{program} is installed")
            } else {
                format!(
                    "`{program}` (from `build` in learn.toml) is not installed or not on your PATH. {}",
                    build::install_advice(&program)
                )
            };
            findings.add(found, "build", &said);
        }
    }
    let program = workspace
        .config
        .run
        .split_whitespace()
        .find(|word| !word.contains('='))
        .unwrap_or("");
    if program.contains('/') {
        if workspace.root.join(program).exists() {
            findings.add(true, "run", &format!("{program} is there"));
        } else {
            findings.add(
                false,
                "run",
                &format!(
                    "{program} does not exist yet: the build makes it, so run `learn check` once."
                ),
            );
        }
    } else if toolchain::on_path(program) {
        findings.add(true, "run", &format!("{program} is installed"));
    } else {
        findings.add(
            false,
            "run",
            &format!(
                "`{program}` (from `run` in learn.toml) is not installed or not on your PATH."
            ),
        );
    }
    if !findings.ready {
        println!("\nFix what is marked ✗, then run learn doctor again.");
        return Ok(1);
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    platform::become_subreaper();
    let options = Options::for_run(&exercise.timeouts, rand::random());
    let settings = Settings {
        build_timeout: None,
        start_timeout,
        sandbox: crate::sandbox::Sandbox::OFF,
        database: services::Choice::Sqlite,
        quiet: false,
        live: None,
    };
    let started = runtime.block_on(async {
        if let Err(problem) = build::build(
            &workspace,
            exercise.timeouts.build,
            &crate::sandbox::Sandbox::OFF,
        )
        .await
        {
            return Err((problem, Vec::new()));
        }
        let log = Log::default();
        let clock = Instant::now();
        match start_server(&workspace, exercise, &options, &settings, &log).await {
            Ok((mut server, _services)) => {
                let took = clock.elapsed();
                server.stop().await;
                Ok(took)
            }
            Err(problem) => Err((problem, log.lock().expect("log lock").tail(12))),
        }
    });
    match started {
        Ok(took) => {
            findings.add(
                true,
                "server",
                &format!(
                    "starts and listens on its PORT in {:.1} s",
                    took.as_secs_f64()
                ),
            );
            println!("\nEverything looks right.");
            Ok(0)
        }
        Err((problem, log)) => {
            let mut text = match &problem {
                Problem::BuildFailed { output, .. } => {
                    format!("the build failed:\n{}", server_lines(output))
                }
                Problem::MissingTool { tool, advice } => {
                    format!("`{tool}` is not installed. {advice}")
                }
                _ => diagnose(&problem, &log).unwrap_or_else(|| "it did not start".to_string()),
            };
            if !log.is_empty() {
                text.push('\n');
                text.push_str(&server_lines(&log));
            }
            let label = if matches!(problem, Problem::BuildFailed { .. }) {
                "build"
            } else {
                "server"
            };
            findings.add(false, label, &text);
            println!("\nFix what is marked ✗, then run learn doctor again.");
            Ok(1)
        }
    }
}

/// What doctor found, printed as it goes.
struct Findings {
    ready: bool,
}

impl Findings {
    fn add(&mut self, ok: bool, label: &str, text: &str) {
        self.ready &= ok;
        let mark = if ok { "✓".green() } else { "✗".red() };
        let mut lines = text.lines();
        println!("  {mark} {label:<9} {}", lines.next().unwrap_or(""));
        for line in lines {
            println!("              {line}");
        }
    }
}
