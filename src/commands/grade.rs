//! `learn grade`: the same checks and verdict as `learn check`, for CI and grading
//! platforms. The exercise comes from the grader, never from the submission.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use super::check::{INTERRUPTED, run};
use crate::checks::{self, Options};
use crate::cli::{GradeArgs, GradeFormat};
use crate::course::{Course, Exercise};
use crate::report;
use crate::result::{CheckStatus, Outcome, Problem, RunReport, Summary};
use crate::workspace::{CONFIG_FILE, Workspace};

pub fn grade(args: &GradeArgs) -> Result<u8> {
    if args.output.len() > args.format.len() {
        bail!(
            "there are more --output files ({}) than --format options ({})",
            args.output.len(),
            args.format.len()
        );
    }
    colored::control::set_override(false);
    let course = Course::embedded()?;
    let exercise = course.exercise(&args.exercise)?;
    let (workspace, warnings) = submission(&args.path, exercise, args.track.as_deref())?;
    let checks = exercise.checks()?;
    let selected: Vec<_> = checks.iter().collect();
    let options = Options {
        seed: args.seed.unwrap_or_else(rand::random),
        request_timeout: exercise.timeouts.request,
        only: None,
    };
    let Some(mut report) = run(
        &workspace,
        exercise,
        &selected,
        &options,
        args.start_timeout.map(Duration::from_secs),
    )?
    else {
        eprintln!("\nInterrupted: the submission's server was stopped.");
        return Ok(INTERRUPTED);
    };
    report.warnings = warnings;
    if let Some(problem) = &report.problem {
        // A grade lists every check, also when none could run.
        report.checks = checks::not_run(&selected, &not_run_reason(problem));
        report.summary = Summary::of(&report.checks);
    }
    for (index, format) in args.format.iter().enumerate() {
        let text = match format {
            GradeFormat::Human => report::human::render(&report),
            GradeFormat::Json => report::json(&report) + "\n",
            GradeFormat::Junit => report::junit::render(&report),
            GradeFormat::Gradescope => report::gradescope::render(&report) + "\n",
            GradeFormat::Tap => report::tap::render(&report),
            GradeFormat::Github => {
                append_step_summary(&report)?;
                report::github::annotations(&report)
            }
        };
        match args.output.get(index) {
            Some(path) => write_report(path, &text)?,
            None => print!("{text}"),
        }
    }
    let passed = match args.min_score {
        Some(min) => report.summary.points >= min,
        None => report
            .checks
            .iter()
            .all(|check| check.status == CheckStatus::Passed),
    };
    Ok(match (passed, report.outcome) {
        (true, _) => 0,
        (false, Outcome::Passed) => 1,
        (false, outcome) => outcome.exit_code(),
    })
}

/// The submission as a workspace: its own build and run commands, or the track's.
fn submission(
    path: &Path,
    exercise: &Exercise,
    track: Option<&str>,
) -> Result<(Workspace, Vec<String>)> {
    let mut warnings = Vec::new();
    if !path.join(CONFIG_FILE).is_file() {
        let Some(track) = track else {
            bail!(
                "{} has no {CONFIG_FILE}; pass --track ({}) to build and run it like that track's starter code",
                path.display(),
                exercise.tracks.join(" or ")
            );
        };
        let track = exercise.track(track)?;
        return Ok((
            Workspace::with_track_defaults(path, exercise, track)?,
            warnings,
        ));
    }
    let workspace = Workspace::open(
        &fs::canonicalize(path).with_context(|| format!("cannot open {}", path.display()))?,
    )?;
    if workspace.config.exercise != exercise.id {
        warnings.push(format!(
            "the submission's {CONFIG_FILE} names the exercise `{}`; it was graded on `{}`, as the grader asked",
            workspace.config.exercise, exercise.id
        ));
    }
    if let Some(track) = track.filter(|track| *track != workspace.config.track) {
        warnings.push(format!(
            "the submission's {CONFIG_FILE} says track `{}`; its own build and run commands were used, not `{track}`'s",
            workspace.config.track
        ));
    }
    Ok((workspace, warnings))
}

fn not_run_reason(problem: &Problem) -> String {
    match problem {
        Problem::MissingTool { tool, .. } => format!("`{tool}` is not installed"),
        Problem::BuildFailed {
            timed_out: true, ..
        } => "the build ran out of time".to_string(),
        Problem::BuildFailed { .. } => "the build failed".to_string(),
        Problem::ServerExited { .. } => {
            "the server stopped before it accepted connections".to_string()
        }
        Problem::ServerNotListening { port, .. } => {
            format!("the server never accepted connections on port {port}")
        }
    }
}

fn write_report(path: &Path, text: &str) -> Result<()> {
    if let Some(parent) = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
    {
        fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    fs::write(path, text).with_context(|| format!("cannot write the report {}", path.display()))
}

/// GitHub shows `$GITHUB_STEP_SUMMARY` on the run's page; append, as other steps may write too.
fn append_step_summary(report: &RunReport) -> Result<()> {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY") else {
        return Ok(());
    };
    let mut file = fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .with_context(|| {
            format!(
                "cannot open GITHUB_STEP_SUMMARY ({})",
                Path::new(&path).display()
            )
        })?;
    file.write_all(report::github::summary(report).as_bytes())
        .context("cannot write the GitHub step summary")
}
