//! `learn grade`: the same checks and verdict as `learn check`, for CI and grading
//! platforms. The exercise comes from the grader, never from the submission.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use super::check::{INTERRUPTED, Settings, run};
use crate::checks::{self, Options};
use crate::cli::{GradeArgs, GradeFormat};
use crate::course::{Check, Course, Exercise};
use crate::jail::Prison;
use crate::report::{self, class, class::Class, class::Entry};
use crate::result::{CheckStatus, Outcome, Problem, RunReport, Summary};
use crate::sandbox::Sandbox;
use crate::workspace::{CONFIG_FILE, Workspace};

/// What grading one submission came to.
enum Graded {
    Report(Box<RunReport>),
    /// The submission could not be graded at all (say, no learn.toml and no --track).
    Error(String),
    Interrupted,
}

pub fn grade(course: &Course, args: &GradeArgs) -> Result<u8> {
    if args.output.len() > args.format.len() {
        bail!(
            "there are more --output files ({}) than --format options ({})",
            args.output.len(),
            args.format.len()
        );
    }
    colored::control::set_override(false);
    let exercise = course.exercise(&args.exercise)?;
    if let Some(track) = &args.track {
        exercise.track(track)?;
    }
    let checks = exercise.checks()?;
    let seed = args.seed.unwrap_or_else(rand::random);
    let submissions = submissions(args)?;
    let batch = args.each || submissions.len() > 1;
    if batch && args.database.database_url.is_some() {
        bail!(
            "with several submissions, each needs a database of its own: use --db postgres \
             (a throwaway cluster each) instead of --database-url"
        );
    }
    let database = &super::check::database_choice(exercise, &args.database)?;
    let jobs = if batch {
        args.jobs
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
            .clamp(1, submissions.len())
    } else {
        1
    };
    let jails = &Prison::open(jobs, &hidden(course, args));
    let context = Grading {
        args,
        exercise,
        checks: &checks,
        seed,
        database,
        jails,
    };
    if !batch {
        let (_, path) = &submissions[0];
        return match grade_one(&context, path, false) {
            Graded::Report(report) => {
                // Each format on its own: one that cannot be written stops no other.
                let mut unwritten = Vec::new();
                for (index, format) in args.format.iter().enumerate() {
                    let text = render(&context, *format, &report)?;
                    match args.output.get(index) {
                        Some(path) => {
                            if let Err(error) = write_report(path, &text) {
                                unwritten.push(format!("{error:#}"));
                            }
                        }
                        None if *format == GradeFormat::Github => print!("{text}"),
                        None if in_github_actions() => {
                            let token = format!("learn-{:016x}", rand::random::<u64>());
                            print!("{}", report::github::without_commands(&text, &token));
                        }
                        None => print!("{text}"),
                    }
                }
                if let Some(path) = &args.class_report {
                    let class = class_of_one(&context, &report);
                    if let Err(error) = write_report(path, &class_text(path, &class)) {
                        unwritten.push(format!("{error:#}"));
                    }
                }
                if !unwritten.is_empty() {
                    bail!(unwritten.join("\n"));
                }
                Ok(verdict(&report, args.min_score))
            }
            Graded::Error(message) => bail!(message),
            Graded::Interrupted => {
                eprintln!("\nInterrupted: the submission's server was stopped.");
                Ok(INTERRUPTED)
            }
        };
    }
    if !args.output.is_empty() {
        bail!(
            "with several submissions, reports go to --report-dir (one folder each), not --output"
        );
    }
    let batch_started = Instant::now();
    let Some(entries) = super::parallel(&submissions, jobs, |(name, path)| {
        let started = Instant::now();
        let graded = grade_one(&context, path, true);
        if matches!(graded, Graded::Interrupted) {
            return None;
        }
        let entry = file_reports(&context, name, graded, started.elapsed());
        println!("{}", line(&entry));
        Some(entry)
    }) else {
        eprintln!("\nInterrupted: every running server was stopped.");
        return Ok(INTERRUPTED);
    };
    let batch = class::Batch {
        exercise: (&exercise.id, &exercise.title),
        checks: described(&checks),
        seed,
        duration: batch_started.elapsed(),
    };
    let mut class = Class::new(&batch, entries);
    if let Some(gradebook) = &args.gradebook {
        write_report(gradebook, &class.gradebook_csv())?;
    }
    if let Some(path) = &args.class_report {
        let from = std::path::absolute(path)
            .ok()
            .and_then(|file| file.parent().map(Path::to_path_buf));
        let reports = std::path::absolute(&args.report_dir).ok();
        if let (Some(from), Some(reports)) = (from, reports) {
            for entry in &mut class.entries {
                let folder = reports.join(&entry.submission);
                if folder.is_dir() {
                    entry.link = Some(class::relative_link(&from, &folder));
                }
            }
        }
        write_report(path, &class_text(path, &class))?;
    }
    if in_github_actions() {
        append_step_summary(&class::markdown(&class))?;
    }
    Ok(0)
}

/// The class report as the file's name asks: Markdown for `.md`, else HTML.
fn class_text(path: &Path, class: &Class) -> String {
    let markdown = path
        .extension()
        .is_some_and(|extension| extension.eq_ignore_ascii_case("md"));
    if markdown {
        class::markdown(class)
    } else {
        class::html(class)
    }
}

/// The checks as the class report names them: title, points and the hint every track reads.
fn described(checks: &[Check]) -> Vec<class::CheckInfo> {
    checks
        .iter()
        .map(|check| class::CheckInfo {
            id: check.id.clone(),
            title: check.title.clone(),
            points: check.points,
            hint: check
                .hints
                .first()
                .map(|hint| hint.text.clone())
                .unwrap_or_default(),
        })
        .collect()
}

/// The class report of a single submission.
fn class_of_one(context: &Grading, report: &RunReport) -> Class {
    let duration = Duration::from_millis(report.duration_ms);
    let batch = class::Batch {
        exercise: (&context.exercise.id, &context.exercise.title),
        checks: described(context.checks),
        seed: context.seed,
        duration,
    };
    let passing = verdict(report, context.args.min_score) == 0;
    let name = context.args.paths[0].file_name().map_or_else(
        || ".".to_string(),
        |name| name.to_string_lossy().into_owned(),
    );
    Class::new(
        &batch,
        vec![Entry::graded(&name, report, passing, duration)],
    )
}

/// The submissions to grade, each with a unique name for its report folder.
fn submissions(args: &GradeArgs) -> Result<Vec<(String, PathBuf)>> {
    let mut paths = Vec::new();
    for path in &args.paths {
        if args.each {
            let mut inside: Vec<PathBuf> = fs::read_dir(path)
                .with_context(|| {
                    format!("cannot read the folder of submissions {}", path.display())
                })?
                .flatten()
                .map(|entry| entry.path())
                .filter(|path| path.is_dir())
                .collect();
            inside.sort();
            paths.extend(inside);
        } else {
            paths.push(path.clone());
        }
    }
    if paths.is_empty() {
        bail!("no submissions to grade");
    }
    let mut named: Vec<(String, PathBuf)> = Vec::new();
    for path in paths {
        let base = fs::canonicalize(&path)
            .ok()
            .and_then(|path| {
                path.file_name()
                    .map(|name| name.to_string_lossy().into_owned())
            })
            .unwrap_or_else(|| "submission".to_string());
        let mut name = base.clone();
        let mut n = 2;
        while named.iter().any(|(taken, _)| *taken == name) {
            name = format!("{base}-{n}");
            n += 1;
        }
        named.push((name, path));
    }
    Ok(named)
}

/// What every submission of one `learn grade` is graded with.
struct Grading<'a> {
    args: &'a GradeArgs,
    exercise: &'a Exercise,
    checks: &'a [Check],
    seed: u64,
    database: &'a crate::services::Choice,
    /// The jails submissions run in, or why there are none here.
    jails: &'a Result<Prison, String>,
}

/// What a submission must not see of the grader's: the course (in author mode), the
/// submissions as handed in (its neighbours' above all), and the batch's reports.
/// learn's binary and the grader's home are hidden by the jail itself.
fn hidden(course: &Course, args: &GradeArgs) -> Vec<PathBuf> {
    let mut hidden: Vec<PathBuf> = course.folder.iter().cloned().collect();
    hidden.extend(args.paths.iter().cloned());
    if args.each || args.paths.len() > 1 {
        hidden.push(args.report_dir.clone());
    }
    hidden
}

fn grade_one(context: &Grading, path: &Path, quiet: bool) -> Graded {
    let Grading {
        args,
        exercise,
        checks,
        seed,
        database,
        jails,
    } = *context;
    let selected: Vec<&Check> = checks.iter().collect();
    let jailed =
        submission(path, exercise, args.track.as_deref()).and_then(|(workspace, warnings)| {
            jail(workspace, jails).map(|(workspace, sandbox, warning)| {
                (
                    workspace,
                    sandbox,
                    warnings.into_iter().chain(warning).collect::<Vec<_>>(),
                )
            })
        });
    let mut report = match jailed {
        Ok((workspace, sandbox, warnings)) => {
            let timeouts = &exercise.timeouts;
            let seconds =
                |flag: Option<u64>, default: Duration| flag.map_or(default, Duration::from_secs);
            let options = Options {
                seed,
                request_timeout: seconds(args.request_timeout, timeouts.request),
                check_timeout: seconds(args.check_timeout, timeouts.check),
                deadline: Some(Instant::now() + seconds(args.timeout, timeouts.run)),
            };
            let settings = Settings {
                build_timeout: args.build_timeout.map(Duration::from_secs),
                start_timeout: args.start_timeout.map(Duration::from_secs),
                // Strangers' code: a clean environment (never the grader's CI secrets),
                // limits, a jail where learn can make one.
                sandbox,
                database: database.clone(),
                quiet,
                live: None,
            };
            match run(&workspace, exercise, &selected, &options, &settings) {
                Ok(Some(report)) => RunReport {
                    warnings,
                    protections: protections(&settings.sandbox),
                    ..report
                },
                Ok(None) => return Graded::Interrupted,
                Err(error) => return Graded::Error(format!("{error:#}")),
            }
        }
        // A submission that cannot even be read still gets every report, at zero.
        Err(error) => RunReport {
            outcome: Outcome::ConfigError,
            problem: Some(Problem::Config {
                message: format!("{error:#}"),
            }),
            ..RunReport::start(
                (&exercise.id, &exercise.title),
                args.track.as_deref().unwrap_or(""),
                "",
                seed,
            )
        },
    };
    if let Some(problem) = &report.problem {
        // A grade lists every check, also when none could run.
        report.checks = checks::not_run(&selected, &report::problem_in_brief(problem));
        report.summary = Summary::of(&report.checks);
    }
    Graded::Report(Box::new(report))
}

/// The submission, in a jail of its own where there are jails: a copy owned by the
/// jail's user is built and run. Where there are none, the submission itself, and a
/// warning that says so.
fn jail(
    workspace: Workspace,
    jails: &Result<Prison, String>,
) -> Result<(Workspace, Sandbox, Option<String>)> {
    match jails {
        Ok(prison) => {
            let cell = prison
                .cell(Some(&workspace.root))
                .map_err(anyhow::Error::msg)?;
            let copy = Workspace {
                root: cell.work.clone(),
                config: workspace.config,
            };
            let sandbox = Sandbox {
                jail: Some(Arc::new(cell)),
                ..Sandbox::GRADING
            };
            Ok((copy, sandbox, None))
        }
        Err(why) => Ok((workspace, Sandbox::GRADING, Some(unjailed(why)))),
    }
}

/// The report's warning for a submission graded without a jail, and why there was none.
fn unjailed(why: &str) -> String {
    format!(
        "the submission ran without a jail, as learn's own user, able to see learn's \
         files and processes: {why}"
    )
}

/// Which protections the submission ran under (the JSON report's `protections`).
fn protections(sandbox: &Sandbox) -> Vec<String> {
    let mut applied = vec![
        "clean environment".to_string(),
        "resource limits".to_string(),
    ];
    if let Some(cell) = &sandbox.jail {
        applied.extend(["own user", "private copy, home and temp folder"].map(str::to_string));
        if cell.has_namespaces() {
            applied.extend(["own process namespace", "grader's files hidden"].map(str::to_string));
        }
    } else {
        applied.push("orphan sweep".to_string());
    }
    applied
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

fn render(context: &Grading, format: GradeFormat, report: &RunReport) -> Result<String> {
    Ok(match format {
        GradeFormat::Html => class::html(&class_of_one(context, report)),
        GradeFormat::Human => report::human::render(report),
        GradeFormat::Json => report::json(report) + "\n",
        GradeFormat::Junit => report::junit::render(report),
        GradeFormat::Gradescope => report::gradescope::render(report) + "\n",
        GradeFormat::Tap => report::tap::render(report),
        GradeFormat::Github => {
            append_step_summary(&report::github::summary(report))?;
            report::github::annotations(report)
        }
    })
}

/// Exit code 0 when the submission makes the pass mark, else the outcome's code.
fn verdict(report: &RunReport, min_score: Option<f64>) -> u8 {
    let passed = match min_score {
        Some(min) => report.summary.points >= min,
        None => report
            .checks
            .iter()
            .all(|check| check.status == CheckStatus::Passed),
    };
    match (passed, report.outcome) {
        (true, _) => 0,
        (false, Outcome::Passed) => 1,
        (false, outcome) => outcome.exit_code(),
    }
}

/// A batch's progress line for one submission.
fn line(entry: &Entry) -> String {
    format!(
        "{}: {}/{} points, {} ({:.1} s)",
        entry.submission,
        report::points(entry.score),
        report::points(entry.max),
        entry.status.replace('_', " "),
        entry.duration.as_secs_f64()
    )
}

/// Write a batch submission's reports into its own folder; its gradebook entry.
fn file_reports(context: &Grading, name: &str, graded: Graded, duration: Duration) -> Entry {
    let args = context.args;
    let folder = args.report_dir.join(name);
    let (mut entry, written) = match graded {
        Graded::Report(report) => {
            let passing = verdict(&report, args.min_score) == 0;
            let entry = Entry::graded(name, &report, passing, duration);
            let written = args.format.iter().try_for_each(|format| {
                let text = render(context, *format, &report)?;
                write_report(&folder.join(file_name(*format)), &text)
            });
            (entry, written)
        }
        Graded::Error(message) => (
            Entry::ungraded(name, "error", &message, duration),
            write_report(&folder.join("error.txt"), &format!("{message}\n")),
        ),
        Graded::Interrupted => (
            Entry::ungraded(name, "interrupted", "grading was interrupted", duration),
            Ok(()),
        ),
    };
    if let Err(error) = written {
        entry.status = format!("error: {error:#}");
    }
    entry
}

fn file_name(format: GradeFormat) -> &'static str {
    match format {
        GradeFormat::Human => "report.txt",
        GradeFormat::Json => "report.json",
        GradeFormat::Junit => "junit.xml",
        GradeFormat::Gradescope => "results.json",
        GradeFormat::Github => "github.txt",
        GradeFormat::Tap => "report.tap",
        GradeFormat::Html => "report.html",
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
    if path.is_dir() {
        bail!(
            "cannot write the report {}: it is a folder; name a file",
            path.display()
        );
    }
    crate::atomic::write_text(path, text)
        .with_context(|| format!("cannot write the report {}", path.display()))
}

/// Whether learn runs as a step of a GitHub Actions job, whose runner obeys workflow
/// commands printed on standard output.
fn in_github_actions() -> bool {
    std::env::var_os("GITHUB_ACTIONS").is_some_and(|value| value == "true")
}

/// GitHub shows `$GITHUB_STEP_SUMMARY` on the run's page; append, as other steps may write too.
fn append_step_summary(markdown: &str) -> Result<()> {
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
    file.write_all(markdown.as_bytes())
        .context("cannot write the GitHub step summary")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_submission_without_a_jail_is_told_why() {
        assert_eq!(
            unjailed("learn does not run as root; run learn grade as root to jail it"),
            "the submission ran without a jail, as learn's own user, able to see learn's \
             files and processes: learn does not run as root; run learn grade as root to \
             jail it"
        );
    }
}
