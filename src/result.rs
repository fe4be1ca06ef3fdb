//! The result model of one run: run → checks → steps → assertions.
//!
//! The engine produces it; every reporter reads it. It is also the documented JSON
//! report (`learn check --format json`), so field names are part of the contract:
//! bump `SCHEMA_VERSION` when one changes meaning or goes away.

use serde::Serialize;
use serde_json::Value;

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Serialize)]
pub struct RunReport {
    pub schema_version: u32,
    pub learn_version: &'static str,
    pub exercise: String,
    pub exercise_title: String,
    pub track: String,
    /// The workspace's run command, for reproducing a failure by hand.
    pub run_command: String,
    /// The seed of every generated value; `--seed` repeats a run exactly.
    pub seed: u64,
    pub outcome: Outcome,
    pub summary: Summary,
    pub build: BuildRecord,
    /// Things the grader should know, like a submission that names another exercise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// Why no check could run, when the build or the server start failed.
    pub problem: Option<Problem>,
    pub checks: Vec<CheckResult>,
    /// The last lines the server printed (stdout and stderr, interleaved).
    pub server_log: Vec<String>,
    pub duration_ms: u64,
    /// How the submission was contained (grade mode): "own user", "clean environment", ...
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub protections: Vec<String>,
    /// For an exercise whose server describes itself in an OpenAPI document: how many
    /// responses were held to it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conformance: Option<Conformance>,
}

/// The responses of a run held to the server's own OpenAPI document.
#[derive(Debug, Clone, Serialize)]
pub struct Conformance {
    /// Where the server serves it (`/openapi.json`).
    pub document: String,
    /// Responses to operations the document declares, each held to it.
    pub responses_checked: u64,
    /// Of those, the ones that did not match it.
    pub responses_failed: u64,
    /// Why no response could be held to it: the document could not be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unavailable: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Passed,
    Failed,
    BuildFailed,
    ServerFailed,
    /// The submission's learn.toml cannot be used (grade mode): nothing was built or run.
    ConfigError,
}

#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub checks: usize,
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
    pub points: f64,
    pub max_points: f64,
}

#[derive(Debug, Default, Serialize)]
pub struct BuildRecord {
    pub command: String,
    /// True when the build inputs were unchanged since the last successful build.
    pub skipped: bool,
    pub duration_ms: u64,
}

#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Problem {
    /// A program the build or run command needs is not installed.
    MissingTool { tool: String, advice: String },
    BuildFailed {
        command: String,
        exit_code: Option<i32>,
        output: Vec<String>,
        timed_out: bool,
    },
    /// The server process ended before it accepted a connection.
    ServerExited {
        command: String,
        exit_code: Option<i32>,
        signal: Option<i32>,
        port: u16,
        /// Set when `learn` itself ended it (a limit of grade mode).
        killed_because: Option<String>,
    },
    /// The database the server needs could not be made (the server was not started).
    DatabaseFailed { error: String },
    /// A service learn runs for the exercise (the mock OAuth provider) could not start.
    ServiceFailed { service: String, error: String },
    /// The submission's learn.toml cannot be used: what is wrong with it.
    Config { message: String },
    /// The server kept running but never accepted a connection on 127.0.0.1:`port`.
    ServerNotListening {
        command: String,
        port: u16,
        /// Where it did listen instead, as `address:port` (Linux).
        listening: Vec<String>,
        waited_ms: u64,
    },
}

#[derive(Debug, Serialize)]
pub struct CheckResult {
    pub id: String,
    pub title: String,
    pub status: CheckStatus,
    pub points: f64,
    pub max_points: f64,
    /// visible, hidden, after_due_date or after_published (for grading platforms).
    pub visibility: String,
    pub duration_ms: u64,
    /// For a skipped check: the required checks that did not pass.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub needs: Vec<String>,
    /// For a failed check: one sentence on what went wrong (the last step shows where).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    pub steps: Vec<StepResult>,
    /// What the server printed while this check ran.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub server_lines: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Passed,
    Failed,
    Skipped,
}

#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StepResult {
    Request(Box<Exchange>),
    Sleep {
        ms: u64,
    },
    /// The server was stopped and started again; how long it took to be ready.
    Restart {
        ms: u64,
    },
    /// The server's database was read.
    Database(Box<DatabaseRead>),
    /// A JWT was made and bound to a name.
    Mint(Box<MintRecord>),
    /// A service of learn's (the mock OAuth provider) was set, and what it saw read.
    Service(Box<ServiceRead>),
    /// A file of the workspace was read.
    File(Box<FileRead>),
}

/// A file of the learner's workspace, read by a file step, and what was found in it.
#[derive(Debug, Serialize)]
pub struct FileRead {
    /// The path, relative to the workspace.
    pub path: String,
    /// The file's text; null when there is no such file.
    pub text: Option<String>,
    /// Why the file could not be read, when it is there but unreadable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub assertions: Vec<AssertionResult>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub captures: Vec<CaptureRecord>,
}

/// What a service step set on one of learn's services, and what it read back.
#[derive(Debug, Serialize)]
pub struct ServiceRead {
    pub service: String,
    /// What the step set (`user`, `misbehave`), if anything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub set: Option<serde_json::Value>,
    /// What the service reported: for the OAuth provider, its user and log of calls.
    pub seen: serde_json::Value,
    pub assertions: Vec<AssertionResult>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub captures: Vec<CaptureRecord>,
}

/// A token a mint step made: what kind, its header and claims, and the token.
#[derive(Debug, Serialize)]
pub struct MintRecord {
    /// valid, expired, not_yet_valid, wrong_key, alg_none or tampered.
    pub made: String,
    pub into: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claims: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// One read of the server's database and what it found.
#[derive(Debug, Serialize)]
pub struct DatabaseRead {
    /// The SQL as run, or the schema query (`schema: indexes links`).
    pub read: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub assertions: Vec<AssertionResult>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub captures: Vec<CaptureRecord>,
    pub duration_ms: u64,
}

/// One request sent and what came back.
#[derive(Debug, Serialize)]
pub struct Exchange {
    /// A redirect the client followed to the next request (a step with `follow`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub followed: bool,
    pub request: RequestRecord,
    /// Absent when no response arrived (see `error`).
    pub response: Option<ResponseRecord>,
    /// Why the exchange failed before any assertion could run.
    pub error: Option<String>,
    pub assertions: Vec<AssertionResult>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub captures: Vec<CaptureRecord>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RequestRecord {
    pub method: String,
    /// Path and query, as sent (the server's address is not part of it).
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ResponseRecord {
    pub status: u16,
    pub reason: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// True when the body was longer than the runner reads, or not valid UTF-8.
    pub body_truncated: bool,
    pub duration_ms: u64,
}

#[derive(Debug, Serialize)]
pub struct AssertionResult {
    pub query: String,
    pub predicate: String,
    pub passed: bool,
    /// The value the query found; absent when it found nothing.
    pub actual: Option<Value>,
    /// Why it failed, naming the JSON path where values differ.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct CaptureRecord {
    pub name: String,
    pub value: Value,
}

impl RunReport {
    /// A report of a run about to start: no checks, no outcome yet (`Failed` until one
    /// is known).
    pub fn start(exercise: (&str, &str), track: &str, run_command: &str, seed: u64) -> RunReport {
        RunReport {
            schema_version: SCHEMA_VERSION,
            learn_version: env!("CARGO_PKG_VERSION"),
            exercise: exercise.0.to_string(),
            exercise_title: exercise.1.to_string(),
            track: track.to_string(),
            run_command: run_command.to_string(),
            seed,
            outcome: Outcome::Failed,
            summary: Summary::default(),
            build: BuildRecord::default(),
            warnings: Vec::new(),
            problem: None,
            checks: Vec::new(),
            server_log: Vec::new(),
            duration_ms: 0,
            protections: Vec::new(),
            conformance: None,
        }
    }
}

impl Outcome {
    /// The process exit code this outcome stands for (see the README).
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Passed => 0,
            Outcome::Failed => 1,
            Outcome::BuildFailed => 3,
            Outcome::ServerFailed => 4,
            Outcome::ConfigError => 2,
        }
    }
}

impl Summary {
    pub fn of(checks: &[CheckResult]) -> Summary {
        let count = |status| checks.iter().filter(|check| check.status == status).count();
        Summary {
            checks: checks.len(),
            passed: count(CheckStatus::Passed),
            failed: count(CheckStatus::Failed),
            skipped: count(CheckStatus::Skipped),
            points: checks.iter().map(|check| check.points).sum(),
            max_points: checks.iter().map(|check| check.max_points).sum(),
        }
    }
}

/// What `learn verify` found: per exercise, one row per subject it ran and the problems
/// that make the course unproven. Also the documented `learn verify --format json`.
#[derive(Debug, Serialize)]
pub struct Proof {
    pub schema_version: u32,
    pub learn_version: &'static str,
    pub seed: u64,
    pub exercises: Vec<ExerciseProof>,
    /// Problems in every exercise together; 0 when the course is proven.
    pub problems: usize,
    pub duration_ms: u64,
}

#[derive(Debug, Serialize)]
pub struct ExerciseProof {
    pub id: String,
    pub checks: usize,
    pub mutants: usize,
    pub alternatives: usize,
    pub rows: Vec<ProofRow>,
    /// Each says what is wrong and where, precisely enough to fix it.
    pub problems: Vec<String>,
    /// Server time spent on this exercise, all runs added up.
    pub duration_ms: u64,
}

/// One line of an exercise's table: a subject on one database.
#[derive(Debug, Serialize)]
pub struct ProofRow {
    /// `python scaffold`, `node solution`, `python mutants`, `fastapi alternative`.
    pub subject: String,
    /// `sqlite` or `postgres`; absent for an exercise without a database.
    pub database: Option<String>,
    /// What happened, in a few words: `fails 17 of 19 checks`, `22 of 22 killed`.
    pub result: String,
    pub ok: bool,
    pub duration_ms: u64,
}
