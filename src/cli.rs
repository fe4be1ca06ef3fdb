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
    /// Author mode: use the course in DIR (its exercises/ and scaffolds/) instead of
    /// the one built into learn.
    #[arg(long, global = true, value_name = "DIR")]
    pub course: Option<PathBuf>,
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
    Check(CheckArgs),
    /// Check again on every save: h next hint, r run again, l server log, q quit.
    Watch,
    /// The next hint for the first check that failed (or for CHECK); hints unlock in steps.
    Hint {
        /// A check id, as the report shows it.
        check: Option<String>,
    },
    /// What comes next: the next exercise once this one passes, or what still fails.
    Next,
    /// Check the toolchain this workspace needs, then start the server and say why it
    /// does not start, if it does not.
    Doctor {
        /// How long your server may take to start listening [default: the exercise's, usually 20].
        #[arg(long, value_name = "SECONDS")]
        start_timeout: Option<u64>,
    },
    /// Grade submissions in CI, in the formats grading platforms read.
    Grade(Box<GradeArgs>),
    /// Authors: prove the course's checks with its reference solutions, alternative
    /// solutions, scaffolds and mutants, on every track and database.
    Verify(VerifyArgs),
    /// Run learn's mock OAuth provider (as `learn check` does for oauth-login) until
    /// Ctrl-C, to try a login by hand: it prints the variables your server needs.
    Provider {
        /// Fix its keys and credentials [default: new ones each time].
        #[arg(long)]
        seed: Option<u64>,
    },
    /// Shell completions for bash, zsh, fish, elvish or PowerShell.
    Completions { shell: clap_complete::Shell },
    /// The manual page, in roff (`man -l <(learn man)`).
    Man,
}

#[derive(clap::Args)]
pub struct CheckArgs {
    /// A folder inside the workspace [default: the current folder].
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub path: PathBuf,
    /// Run only this check (and the checks it needs).
    #[arg(long, value_name = "CHECK")]
    pub only: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Fix every generated value, to repeat a run exactly.
    #[arg(long)]
    pub seed: Option<u64>,
    /// How long your server may take to start listening [default: the exercise's, usually 20].
    #[arg(long, value_name = "SECONDS")]
    pub start_timeout: Option<u64>,
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Also write a Markdown report to share in a forum or an issue.
    #[arg(long, value_name = "FILE.md")]
    pub save_report: Option<PathBuf>,
    /// Show every failure in full (on a terminal the report shows the first one).
    #[arg(long)]
    pub all: bool,
}

#[derive(clap::Args)]
pub struct GradeArgs {
    /// The exercise to grade against; a submission's learn.toml cannot change it.
    #[arg(long, value_name = "ID")]
    pub exercise: String,
    /// The submissions' folders (several are graded in parallel).
    #[arg(value_name = "PATH", default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Each PATH is a folder of submissions: grade every folder inside it.
    #[arg(long)]
    pub each: bool,
    /// How many submissions to grade at once [default: the number of cores].
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// With several submissions: where each one's reports go, in a folder of its own.
    #[arg(long, value_name = "DIR", default_value = "learn-reports")]
    pub report_dir: PathBuf,
    /// With several submissions: a CSV with one row per submission.
    #[arg(long, value_name = "FILE")]
    pub gradebook: Option<PathBuf>,
    /// The class at a glance: a self-contained HTML page (Markdown when FILE ends in .md)
    /// with the score histogram, the checks most failed, and what did not build or start.
    #[arg(long, value_name = "FILE")]
    pub class_report: Option<PathBuf>,
    /// Build and run like this track's starter code when the submission has no learn.toml.
    #[arg(long, value_name = "TRACK")]
    pub track: Option<String>,
    /// A report format; repeat for several. The n-th --output is where the n-th format goes
    /// (standard output when there is none).
    #[arg(long, value_enum, default_value = "human")]
    pub format: Vec<GradeFormat>,
    #[arg(long, value_name = "FILE")]
    pub output: Vec<PathBuf>,
    /// The points needed to pass (exit code 0) [default: every check passes].
    #[arg(long, value_name = "POINTS")]
    pub min_score: Option<f64>,
    /// Fix every generated value, so the same submission gives the same report.
    #[arg(long)]
    pub seed: Option<u64>,
    /// How long the server may take to start listening [default: the exercise's].
    #[arg(long, value_name = "SECONDS")]
    pub start_timeout: Option<u64>,
    /// A bound on the whole grade of one submission: build, start and checks
    /// [default: the exercise's, usually 900].
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<u64>,
    /// How long the build may take [default: the exercise's, usually 600].
    #[arg(long, value_name = "SECONDS")]
    pub build_timeout: Option<u64>,
    /// How long one check may take, all its requests together [default: the exercise's, usually 30].
    #[arg(long, value_name = "SECONDS")]
    pub check_timeout: Option<u64>,
    /// How long one request may take [default: the exercise's, usually 5].
    #[arg(long, value_name = "SECONDS")]
    pub request_timeout: Option<u64>,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(clap::Args)]
pub struct VerifyArgs {
    /// The exercises to prove [default: every exercise of the course].
    #[arg(value_name = "ID")]
    pub ids: Vec<String>,
    /// Prove only this track (alternative solutions are proven with every track).
    #[arg(long, value_name = "TRACK")]
    pub track: Option<String>,
    /// Prove on this database only [default: every database the exercise supports].
    #[arg(long, value_enum, value_name = "KIND")]
    pub db: Option<Db>,
    /// How many servers to run at once [default: the number of cores].
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// The seed of every generated value, so a verdict can be repeated.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// For exercises with a database: which one the server gets in DATABASE_URL.
#[derive(clap::Args)]
pub struct DatabaseArgs {
    /// The database: a fresh SQLite file, or a throwaway PostgreSQL cluster that learn
    /// starts and deletes [default: sqlite].
    #[arg(long, value_enum, value_name = "KIND", conflicts_with = "database_url")]
    pub db: Option<Db>,
    /// Use an existing database instead, as it is (postgresql://USER@HOST:PORT/DB, or a
    /// SQLite file path).
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq, PartialOrd, Ord)]
pub enum Db {
    Sqlite,
    Postgres,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum GradeFormat {
    Human,
    Json,
    Junit,
    Gradescope,
    Github,
    Tap,
    /// The class report's page (HTML), for one submission.
    Html,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
}
