//! What each command does, composed from the pipeline's modules.

mod check;
mod doctor;
mod grade;
mod learner;
mod provider;
mod verify;
mod watch;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;
use colored::Colorize;

use crate::cli::{Cli, Command};
use crate::course::Course;
use crate::progress::{self, Progress};
use crate::workspace::{self, Workspace};

pub use check::check;

/// Run the command; the exit code on success (0, or a check verdict of 1, 3 or 4).
pub fn run(cli: Cli) -> Result<u8> {
    // Verify proves a course folder: the one given, or the one it runs in.
    let folder = match &cli.command {
        Command::Verify(_) => Some(verify::course_folder(cli.course.as_deref())?),
        _ => cli.course.clone(),
    };
    let course = Course::load(folder.as_deref())?;
    let course = &course;
    match cli.command {
        Command::List => list(course).map(|()| 0),
        Command::Hint { check } => learner::hint(course, check.as_deref()).map(|()| 0),
        Command::Next => learner::next(course).map(|()| 0),
        Command::Watch => watch::watch(course),
        Command::Doctor { start_timeout } => {
            doctor::doctor(course, start_timeout.map(Duration::from_secs))
        }
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut command, "learn", &mut std::io::stdout());
            Ok(0)
        }
        Command::Man => {
            let command = <Cli as clap::CommandFactory>::command();
            clap_mangen::Man::new(command).render(&mut std::io::stdout())?;
            Ok(0)
        }
        Command::Grade(args) => grade::grade(course, &args),
        Command::Show { id } => show(course, &id).map(|()| 0),
        Command::Start {
            id,
            lang,
            dir,
            force,
        } => start(course, &id, &lang, dir, force).map(|()| 0),
        Command::Check(args) => check(course, &args),
        Command::Verify(args) => verify::verify(course, &args),
        Command::Provider { seed } => provider::provider(seed.unwrap_or_else(rand::random)),
    }
}

/// `work` on every item, `jobs` at a time, results in the items' order; `None` as soon
/// as one returns `None` (learn was interrupted), after the running ones end.
pub(super) fn parallel<T: Sync, R: Send>(
    items: &[T],
    jobs: usize,
    work: impl Fn(&T) -> Option<R> + Sync,
) -> Option<Vec<R>> {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    let results: Vec<Mutex<Option<R>>> = items.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let stopped = AtomicBool::new(false);
    std::thread::scope(|scope| {
        for _ in 0..jobs.clamp(1, items.len().max(1)) {
            scope.spawn(|| {
                while !stopped.load(Ordering::SeqCst) && !check::was_interrupted() {
                    let index = next.fetch_add(1, Ordering::SeqCst);
                    let Some(item) = items.get(index) else {
                        break;
                    };
                    match work(item) {
                        Some(result) => *results[index].lock().expect("result lock") = Some(result),
                        None => stopped.store(true, Ordering::SeqCst),
                    }
                }
            });
        }
    });
    if stopped.load(Ordering::SeqCst) || check::was_interrupted() {
        return None;
    }
    results
        .into_iter()
        .map(|result| result.into_inner().expect("result lock"))
        .collect()
}

fn list(course: &Course) -> Result<()> {
    let (progress, warning) = Progress::load(&progress::data_dir()?);
    if let Some(warning) = warning {
        eprintln!("{} {warning}", "warning:".yellow());
    }
    let current = Workspace::find(&std::env::current_dir()?)
        .ok()
        .map(|workspace| workspace.config.exercise);
    let completed = |id: &str| progress.exercises.get(id).is_some_and(|p| p.completed);
    println!("{}\n", "The backend roadmap".bold());
    let width = course
        .exercises
        .iter()
        .map(|exercise| exercise.id.len())
        .max()
        .unwrap_or(0);
    let title_width = course
        .exercises
        .iter()
        .map(|exercise| exercise.title.chars().count())
        .max()
        .unwrap_or(0);
    // The status before the tracks: a row with many tracks runs long, and its end is
    // the part a narrow terminal may wrap.
    let status = |id: &str| match progress.exercises.get(id) {
        Some(done) if done.completed => (
            format!("{} done ({})", "✓".green(), done.track),
            format!("✓ done ({})", done.track),
        ),
        Some(partial) => {
            let text = format!(
                "in progress: {}/{} checks ({})",
                partial.passed, partial.total, partial.track
            );
            (text.clone(), text)
        }
        None => (
            "not started".dimmed().to_string(),
            "not started".to_string(),
        ),
    };
    let status_width = course
        .exercises
        .iter()
        .map(|exercise| status(&exercise.id).1.chars().count())
        .max()
        .unwrap_or(0);
    for stage in &course.stages {
        let note = match (stage.exercises.is_empty(), stage.reading) {
            (true, true) => "reading stage".dimmed().to_string(),
            (true, false) => "exercises coming soon".dimmed().to_string(),
            (false, _) => {
                let done = stage.exercises.iter().filter(|id| completed(id)).count();
                progress_bar(done, stage.exercises.len())
            }
        };
        println!("{:>2}  {}  {note}", stage.number, stage.title.bold());
        println!("    {}", stage.about.dimmed());
        for id in &stage.exercises {
            let exercise = course.exercise(id)?;
            let (shown, plain) = status(id);
            let pad = " ".repeat(status_width - plain.chars().count());
            let marker = if current.as_deref() == Some(id.as_str()) {
                "→"
            } else {
                " "
            };
            let tracks = exercise.tracks.join(", ");
            println!(
                "    {marker} {:<width$}  {:<title_width$}  {shown}{pad}  {}",
                id,
                exercise.title,
                tracks.dimmed()
            );
        }
    }
    if let Some(next) = course
        .exercises
        .iter()
        .find(|exercise| !completed(&exercise.id))
    {
        println!("\nNext up: learn start {}", next.id);
    }
    Ok(())
}

/// `[████░░░░░░] 2/5`: how much of a stage is done.
fn progress_bar(done: usize, total: usize) -> String {
    const CELLS: usize = 10;
    let filled = (done * CELLS).checked_div(total).unwrap_or(0);
    format!(
        "[{}{}] {done}/{total}",
        "█".repeat(filled),
        "░".repeat(CELLS - filled)
    )
}

fn show(course: &Course, id: &str) -> Result<()> {
    let exercise = course.exercise(id)?;
    let stage = course
        .stages
        .iter()
        .find(|stage| stage.number == exercise.stage);
    println!(
        "{}  ({} · stage {}: {})",
        exercise.title.bold(),
        exercise.id,
        exercise.stage,
        stage.map_or("", |s| s.title.as_str())
    );
    println!("{}\n", exercise.summary);
    println!(
        "Tracks: {}   (learn start {} --lang {})",
        exercise.tracks.join(", "),
        exercise.id,
        exercise.tracks[0]
    );
    println!(
        "Another language: learn start {} --lang {}, then write how to build and run it in learn.toml",
        exercise.id,
        crate::course::OTHER
    );
    let mut env = vec![
        "PORT (the port to listen on)".to_string(),
        "TZ=UTC".to_string(),
        "LANG=C.UTF-8".to_string(),
    ];
    if exercise.database.is_some() {
        env.push(
            "DATABASE_URL (a fresh SQLite file path; with --db postgres, a PostgreSQL URL)"
                .to_string(),
        );
    }
    env.extend(
        exercise
            .env
            .iter()
            .map(|(name, value)| format!("{name}={value}")),
    );
    env.extend(exercise.secrets.iter().map(|secret| secret.describe()));
    if exercise.services.contains(&crate::course::Service::OAuth) {
        env.push(
            "OAUTH_ISSUER, OAUTH_CLIENT_ID and OAUTH_CLIENT_SECRET (learn's mock OAuth provider, fresh each run)"
                .to_string(),
        );
    }
    println!("Your server gets: {}\n", env.join(", "));
    let readme = crate::course::readme::for_track(&exercise.readme, None);
    println!("{}", readme.trim_end());
    Ok(())
}

fn start(course: &Course, id: &str, lang: &str, dir: Option<PathBuf>, force: bool) -> Result<()> {
    let exercise = course.exercise(id)?;
    let track = exercise.track(lang)?;
    let dir = dir.unwrap_or_else(|| PathBuf::from(id));
    workspace::create(exercise, track, &dir, force)?;
    println!(
        "Started {} ({track}) in {}\n",
        exercise.id.bold(),
        dir.display()
    );
    println!("  cd {}", dir.display());
    println!("  learn check\n");
    println!(
        "The task is in {}. Your code goes where the TODO comments are.",
        dir.join("README.md").display()
    );
    Ok(())
}
