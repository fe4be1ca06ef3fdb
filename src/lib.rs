//! `learn`: a course runner that teaches backend development by building real servers.
//! The binary is `src/main.rs`; the library exists so fuzz targets can reach the
//! checks parser and templates.

mod build;
mod checks;
mod cli;
mod commands;
pub mod course;
mod log_buffer;
mod platform;
mod progress;
mod report;
mod result;
mod server;
mod suggest;
mod workspace;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use colored::Colorize;

/// Exit code for usage and configuration errors (see the README).
const USAGE_ERROR: u8 = 2;

/// Run the command line; the process exit code (see the README).
pub fn main() -> ExitCode {
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
    match commands::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprintln!("{} {error:#}", "error:".red().bold());
            ExitCode::from(USAGE_ERROR)
        }
    }
}
