//! `learn`: a course runner that teaches backend development by building real servers.
//! The binary is `src/main.rs`; the library exists so fuzz targets can reach the
//! checks parser and templates, and benchmarks the reports.

mod atomic;
mod build;
mod checks;
mod cli;
mod commands;
pub mod course;
mod jail;
mod log_buffer;
mod platform;
mod progress;
pub mod report;
pub mod result;
mod sandbox;
mod server;
mod services;
mod suggest;
mod toolchain;
mod workspace;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use colored::Colorize;

/// Exit code for usage and configuration errors (see the README).
const USAGE_ERROR: u8 = 2;

/// Run the command line; the process exit code (see the README).
pub fn main() -> ExitCode {
    // learn's own binary enters a grading jail (see `jail`): not a command for people.
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|arg| arg == jail::ENTER) {
        return jail::enter(&args[2..]);
    }
    let color = std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    colored::control::set_override(color);
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { USAGE_ERROR } else { 0 });
        }
    };
    // `learn list | head` closes the pipe early: end quietly, as other tools do.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !is_broken_pipe(info.payload()) {
            default_hook(info);
        }
    }));
    match std::panic::catch_unwind(|| commands::run(cli)) {
        Ok(Ok(code)) => ExitCode::from(code),
        Ok(Err(error)) => {
            eprintln!("{} {error:#}", "error:".red().bold());
            ExitCode::from(USAGE_ERROR)
        }
        Err(payload) if is_broken_pipe(payload.as_ref()) => ExitCode::from(BROKEN_PIPE),
        Err(payload) => std::panic::resume_unwind(payload),
    }
}

/// Exit code of a program whose output pipe was closed (128 + SIGPIPE).
const BROKEN_PIPE: u8 = 141;

/// Whether a panic is `println!` failing on a closed standard output.
fn is_broken_pipe(payload: &(dyn std::any::Any + Send)) -> bool {
    let message = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("");
    message.contains("Broken pipe")
}
