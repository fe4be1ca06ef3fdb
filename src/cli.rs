//! The command line: what users type, and which command runs.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "learn",
    version,
    about = "Learn backend development by building real servers, checked over real HTTP."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// The roadmap: stages in order, their exercises, and your progress.
    List,
    /// An exercise's task, the environment its server gets, and its tracks.
    Show {
        /// The exercise id, as `learn list` shows it.
        id: String,
    },
    /// Make a workspace for an exercise from its starter code.
    Start {
        id: String,
        /// The language track.
        #[arg(long, value_name = "TRACK", default_value = "python")]
        lang: String,
        /// Where to make the workspace [default: ./ID].
        #[arg(long, value_name = "PATH")]
        dir: Option<PathBuf>,
        /// Add the starter files to a folder that is not empty.
        #[arg(long)]
        force: bool,
    },
    /// Build your code, start your server, and run the hidden checks against it.
    Check {
        /// A folder inside the workspace [default: the current folder].
        #[arg(long, value_name = "DIR", default_value = ".")]
        path: PathBuf,
        /// Run only this check (and the checks it needs).
        #[arg(long, value_name = "CHECK")]
        only: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Fix every generated value, to repeat a run exactly.
        #[arg(long)]
        seed: Option<u64>,
        /// How long your server may take to start listening [default: the exercise's, usually 20].
        #[arg(long, value_name = "SECONDS")]
        start_timeout: Option<u64>,
    },
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
}
