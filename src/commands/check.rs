//! `learn check`: workspace → build → server → checks → report → progress.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use colored::Colorize;
use indicatif::{ProgressBar, ProgressStyle};

use crate::build;
use crate::checks::{self, Options};
use crate::cli::{CheckArgs, Format};
use crate::course::{Course, Exercise};
use crate::log_buffer::Log;
use crate::platform;
use crate::progress::{self, Progress, WorkspaceState};
use crate::report;
use crate::result::{CheckResult, Outcome, Problem, RunReport, Summary};
use crate::sandbox::Sandbox;
use crate::server::{Launch, Supervisor};
use crate::services::{self, Services};
use crate::toolchain;
use crate::workspace::Workspace;

/// Exit code when `learn` is interrupted (128 + SIGINT), as shells expect.
pub(super) const INTERRUPTED: u8 = 130;
const SERVER_LOG_LINES: usize = 40;

pub fn check(course: &Course, args: &CheckArgs) -> Result<u8> {
    let (only, format) = (args.only.as_deref(), args.format);
    let start_timeout = args.start_timeout.map(Duration::from_secs);
    let workspace = Workspace::find(&args.path)?;
    let exercise = course
        .exercise(&workspace.config.exercise)
        .with_context(|| {
            format!(
                "{} names an exercise this version of learn does not have",
                workspace.root.join("learn.toml").display()
            )
        })?;
    exercise.track(&workspace.config.track).with_context(|| {
        format!(
            "check the `track` in {}",
            workspace.root.join("learn.toml").display()
        )
    })?;
    let checks = exercise.checks()?;
    let selected = checks::select(&checks, only).map_err(anyhow::Error::msg)?;
    let options = Options::for_run(&exercise.timeouts, args.seed.unwrap_or_else(rand::random));
    let settings = Settings {
        build_timeout: None,
        start_timeout,
        sandbox: Sandbox::OFF,
        database: database_choice(exercise, &args.database)?,
        quiet: false,
        live: (format == Format::Human).then(LiveText::default),
    };
    let Some(report) = run(&workspace, exercise, &selected, &options, &settings)? else {
        eprintln!("\nInterrupted: your server was stopped.");
        return Ok(INTERRUPTED);
    };
    match format {
        Format::Human => {
            // The live lines were the report's beginning: print the rest of it.
            // On a terminal, one failure at a time unless asked for all.
            let full = if std::io::stdout().is_terminal() && !args.all {
                report::human::render_focused(
                    &report,
                    "`learn check --all` shows every failure in full",
                )
            } else {
                report::human::render(&report)
            };
            let shown = settings
                .live
                .map(|live| live.lock().expect("live lock").clone());
            match full.strip_prefix(shown.as_deref().unwrap_or_default()) {
                Some(rest) => print!("{rest}"),
                None => print!("\n{full}"),
            }
        }
        Format::Json => println!("{}", report::json(&report)),
    }
    if let Some(path) = &args.save_report {
        save_markdown(path, &report)?;
        eprintln!(
            "Report saved to {}: paste it into a forum post or an issue.",
            path.display()
        );
    }
    // A partial run (--only) says nothing about the whole exercise.
    if only.is_none() {
        remember(&report, &workspace);
    }
    Ok(report.outcome.exit_code())
}

/// How the learner's server is started and held.
pub(super) struct Settings {
    /// Overrides the exercise's build timeout.
    pub build_timeout: Option<Duration>,
    /// Overrides the exercise's start timeout.
    pub start_timeout: Option<Duration>,
    /// The environment and resource limits of the build and the server.
    pub sandbox: Sandbox,
    /// The database an exercise with one gets.
    pub database: services::Choice,
    /// No spinners, also on a terminal: several runs share it (a batch).
    pub quiet: bool,
    /// Print the human report as it is made (each check's line as soon as it is
    /// known), keeping here what was printed.
    pub live: Option<LiveText>,
}

/// What a live report has printed so far.
pub(super) type LiveText = Arc<std::sync::Mutex<String>>;

/// A human report printed as the run goes: the header at once, then each check's line
/// as soon as it is known, with a spinner naming the running check on a terminal.
struct Live {
    printed: Option<LiveText>,
    quiet: bool,
    width: usize,
    /// Made when the first check starts, so it never shares the terminal with the
    /// build's or the start's spinner.
    spinner: Option<ProgressBar>,
}

impl Live {
    fn new(
        printed: Option<LiveText>,
        report: &RunReport,
        selected: &[&crate::course::Check],
        quiet: bool,
    ) -> Live {
        let live = Live {
            printed,
            quiet,
            width: report::human::id_width(selected.iter().map(|check| check.id.as_str())),
            spinner: None,
        };
        live.print(&report::human::header(report));
        live
    }

    fn print(&self, text: &str) {
        let Some(printed) = &self.printed else {
            return;
        };
        let write = || {
            use std::io::Write;
            let mut stdout = std::io::stdout().lock();
            let _ = stdout.write_all(text.as_bytes());
            let _ = stdout.flush();
        };
        match &self.spinner {
            Some(spinner) => spinner.suspend(write),
            None => write(),
        }
        printed.lock().expect("live lock").push_str(text);
    }

    fn event(&mut self, event: checks::Event) {
        match event {
            checks::Event::Started(check) => {
                if self.printed.is_none() {
                    return;
                }
                let spinner = self
                    .spinner
                    .get_or_insert_with(|| spinner("checking", self.quiet));
                spinner.set_message(format!("checking {}", check.id));
                spinner.reset_elapsed();
            }
            checks::Event::Finished(result) => {
                self.print(&report::human::check_line(result, self.width));
            }
        }
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        if let Some(spinner) = &self.spinner {
            spinner.finish_and_clear();
        }
    }
}

/// The database `--db`/`--database-url` ask for, for an exercise that has one; an
/// error (with what to install) when `--db postgres` cannot be met on this machine.
pub(super) fn database_choice(
    exercise: &Exercise,
    args: &crate::cli::DatabaseArgs,
) -> Result<services::Choice> {
    use crate::cli::Db;
    let asked = args.db.is_some() || args.database_url.is_some();
    if asked && exercise.database.is_none() {
        anyhow::bail!(
            "`{}` has no database, so --db and --database-url do not apply to it",
            exercise.id
        );
    }
    Ok(match (&args.database_url, args.db) {
        (Some(url), _) => services::Choice::Url(url.clone()),
        (None, Some(Db::Postgres)) => services::Choice::Postgres(services::find_binaries()?),
        (None, Some(Db::Sqlite) | None) => services::Choice::Sqlite,
    })
}

/// Build, start and check one workspace; `None` when `learn` was interrupted (the
/// server's process group is killed as the pipeline is dropped).
pub(super) fn run(
    workspace: &Workspace,
    exercise: &Exercise,
    selected: &[&crate::course::Check],
    options: &Options,
    settings: &Settings,
) -> Result<Option<RunReport>> {
    // Daemons a server double-forks become ours to find and kill (Linux).
    platform::become_subreaper();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    Ok(runtime.block_on(async {
        tokio::select! {
            report = pipeline(workspace, exercise, selected, options, settings) => Some(report),
            _ = interrupted() => None,
        }
    }))
}

/// Ends when Ctrl-C or SIGTERM arrives, or has arrived already while a batch was
/// between runs (see `watch_for_interrupts`).
pub(super) async fn interrupted() {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut int), Ok(mut term)) = (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
    ) else {
        return std::future::pending().await;
    };
    if was_interrupted() {
        return;
    }
    tokio::select! {
        _ = int.recv() => {},
        _ = term.recv() => {},
    }
}

/// Set once Ctrl-C or SIGTERM has come, for a batch of runs that started
/// `watch_for_interrupts`.
static INTERRUPT_SEEN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// For a batch (several builds and runs, one after another): remember Ctrl-C and SIGTERM
/// for the rest of the process, so one that lands between two runs, when no run is
/// listening, still stops the batch instead of being lost (or, before any run, ending
/// learn with its builds left running).
pub(super) fn watch_for_interrupts() -> Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    // Registered here, before any work starts, so no signal can find learn without a
    // handler from now on.
    let listening = runtime.block_on(async {
        use tokio::signal::unix::{SignalKind, signal};
        Ok::<_, std::io::Error>((
            signal(SignalKind::interrupt())?,
            signal(SignalKind::terminate())?,
        ))
    });
    let (mut int, mut term) = listening.context("cannot listen for Ctrl-C")?;
    std::thread::spawn(move || {
        runtime.block_on(async {
            tokio::select! {
                _ = int.recv() => {},
                _ = term.recv() => {},
            }
        });
        INTERRUPT_SEEN.store(true, std::sync::atomic::Ordering::SeqCst);
    });
    Ok(())
}

/// Whether Ctrl-C or SIGTERM came since `watch_for_interrupts`.
pub(super) fn was_interrupted() -> bool {
    INTERRUPT_SEEN.load(std::sync::atomic::Ordering::SeqCst)
}

pub(super) async fn pipeline(
    workspace: &Workspace,
    exercise: &Exercise,
    selected: &[&crate::course::Check],
    options: &Options,
    settings: &Settings,
) -> RunReport {
    let started = Instant::now();
    let mut report = RunReport::start(
        (&exercise.id, &exercise.title),
        &workspace.config.track,
        &workspace.config.run,
        options.seed,
    );
    let mut live = Live::new(settings.live.clone(), &report, selected, settings.quiet);
    let building = spinner(&build_message(workspace), settings.quiet);
    let build_timeout = settings.build_timeout.unwrap_or(exercise.timeouts.build);
    let built = build::build(workspace, options.bounded(build_timeout), &settings.sandbox).await;
    building.finish_and_clear();
    match built {
        Ok(record) => report.build = record,
        Err(problem) => {
            return finish(
                report,
                started,
                Outcome::BuildFailed,
                Some(problem),
                Vec::new(),
            );
        }
    }
    let log = Log::default();
    let starting = spinner("starting your server", settings.quiet);
    let started_server = start_server(workspace, exercise, options, settings, &log).await;
    starting.finish_and_clear();
    let (mut server, services) = match started_server {
        Ok(running) => running,
        Err(problem) => {
            report.server_log = log.lock().expect("log lock").tail(SERVER_LOG_LINES);
            return finish(
                report,
                started,
                Outcome::ServerFailed,
                Some(problem),
                Vec::new(),
            );
        }
    };
    // The checks see what the server was given: the secrets and the provider's
    // issuer and client credentials.
    let mut given = exercise.secret_values(options.seed);
    given.extend(services.oauth.iter().flat_map(|provider| provider.env()));
    let given = checks::Given {
        track: &workspace.config.track,
        secrets: &given,
        openapi: exercise.openapi.as_deref(),
    };
    let (results, conformance) = checks::run(
        selected,
        &mut server,
        &services,
        &given,
        options,
        &mut |event| live.event(event),
    )
    .await;
    report.conformance = conformance;
    drop(live);
    server.stop().await;
    services.stop().await;
    report.server_log = log.lock().expect("log lock").tail(SERVER_LOG_LINES);
    let outcome = if results
        .iter()
        .all(|check| check.status == crate::result::CheckStatus::Passed)
    {
        Outcome::Passed
    } else {
        Outcome::Failed
    };
    finish(report, started, outcome, None, results)
}

/// Make the exercise's services and start the server with its whole environment. The
/// services (a database) live as long as the returned value; the server's output goes
/// to `log`, also when it fails to start.
pub(super) async fn start_server(
    workspace: &Workspace,
    exercise: &Exercise,
    options: &Options,
    settings: &Settings,
    log: &Log,
) -> Result<(Supervisor, Services), Problem> {
    let start_timeout = options.bounded(settings.start_timeout.unwrap_or(exercise.timeouts.start));
    let owner = settings.sandbox.jail.as_ref().map(|cell| cell.owner());
    let services = services::provision(
        exercise,
        &settings.database,
        start_timeout,
        owner,
        options.seed,
    )
    .await?;
    let mut env = exercise.env.clone();
    env.extend(exercise.secret_values(options.seed));
    env.extend(services.env.iter().cloned());
    // Python randomises set and dict order per process; tie it to the seed so a run
    // with the same seed repeats exactly (see the README's server contract).
    env.push((
        "PYTHONHASHSEED".to_string(),
        (options.seed % (1 << 32)).to_string(),
    ));
    let launch = Launch {
        dir: workspace.root.clone(),
        command: workspace.config.run.clone(),
        env,
        start_timeout: options.bounded(start_timeout),
        sandbox: settings.sandbox.clone(),
    };
    let server = Supervisor::start(launch, Arc::clone(log)).await?;
    Ok((server, services))
}

fn finish(
    mut report: RunReport,
    started: Instant,
    outcome: Outcome,
    problem: Option<Problem>,
    checks: Vec<CheckResult>,
) -> RunReport {
    report.outcome = outcome;
    report.problem = problem;
    report.summary = Summary::of(&checks);
    report.checks = checks;
    report.duration_ms = started.elapsed().as_millis() as u64;
    report
}

/// What the build spinner says: the packages a build installs, when it installs
/// them with pip (`requirements.txt`) or npm (`package.json`), else the command.
fn build_message(workspace: &Workspace) -> String {
    let build = &workspace.config.build;
    let read = |name: &str| {
        crate::atomic::read_small(&workspace.root.join(name), 1 << 20).unwrap_or_default()
    };
    let packages: Vec<String> = if build.contains("pip") {
        read("requirements.txt")
            .lines()
            .map(|line| line.split('#').next().unwrap_or("").trim())
            .filter(|line| !line.is_empty() && !line.starts_with('-'))
            .filter_map(|line| {
                line.split(|c: char| "=<>!~;[ ".contains(c))
                    .next()
                    .map(str::to_string)
            })
            .collect()
    } else if build.contains("npm") {
        serde_json::from_str::<serde_json::Value>(&read("package.json"))
            .ok()
            .and_then(|package| {
                package["dependencies"]
                    .as_object()
                    .map(|deps| deps.keys().cloned().collect())
            })
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    installing(&packages).unwrap_or_else(|| format!("building ({build})"))
}

/// "installing flask and its dependencies", for up to two packages named.
fn installing(packages: &[String]) -> Option<String> {
    Some(match packages {
        [] => return None,
        [one] => format!("installing {one} and its dependencies"),
        [one, two] => format!("installing {one}, {two} and their dependencies"),
        [one, two, rest @ ..] => format!(
            "installing {one}, {two}, {} more and their dependencies",
            rest.len()
        ),
    })
}

/// A spinner with elapsed time on a terminal; nothing at all otherwise or with NO_COLOR.
fn spinner(message: &str, quiet: bool) -> ProgressBar {
    let plain = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
    if quiet || plain || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let spinner = ProgressBar::new_spinner().with_message(message.to_string());
    spinner.set_style(
        ProgressStyle::with_template("{spinner} {msg} {elapsed}").expect("a valid template"),
    );
    spinner.enable_steady_tick(Duration::from_millis(100));
    spinner
}

/// Record a full run: the learner's progress, and the workspace's last run.
pub(super) fn remember(report: &RunReport, workspace: &Workspace) {
    save_progress(report, &workspace.root);
    let mut state = WorkspaceState::load(&workspace.state_dir());
    state.record(report);
    if let Err(error) = state.save(&workspace.state_dir()) {
        eprintln!("{} {error:#}", "warning:".yellow());
    }
}

fn save_progress(report: &RunReport, workspace: &Path) {
    let saved = progress::data_dir().and_then(|dir| {
        let (mut progress, warning) = Progress::load(&dir);
        if let Some(warning) = warning {
            eprintln!("{} {warning}", "warning:".yellow());
        }
        progress.record(report, workspace);
        progress.save(&dir)
    });
    if let Err(error) = saved {
        eprintln!(
            "{} your progress was not saved: {error:#}",
            "warning:".yellow()
        );
    }
}

/// The shareable report, with the versions of the track's toolchain.
fn save_markdown(path: &Path, report: &RunReport) -> Result<()> {
    let toolchain: Vec<String> = toolchain::for_track(&report.track)
        .iter()
        .map(
            |tool| match toolchain::version(tool.name, tool.version_arg) {
                Ok(version) if version.contains(char::is_alphabetic) => version,
                Ok(version) => format!("{} {version}", tool.name),
                Err(error) => format!("{}: {error}", tool.name),
            },
        )
        .collect();
    // A file never holds terminal colour codes.
    colored::control::set_override(false);
    let text = report::markdown::render(report, &toolchain);
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workspace_with(build: &str, files: &[(&str, &str)]) -> (tempfile::TempDir, Workspace) {
        let temp = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(temp.path().join(name), text).unwrap();
        }
        let config = toml::from_str(&format!(
            "exercise = \"crud-app\"\ntrack = \"python\"\nbuild = {build:?}\nrun = \"true\"\n"
        ))
        .unwrap();
        let workspace = Workspace {
            root: temp.path().to_path_buf(),
            config,
        };
        (temp, workspace)
    }

    #[test]
    fn the_build_spinner_names_what_it_installs() {
        let pip = "python3 -m venv .venv && .venv/bin/pip install -r requirements.txt";
        let (_temp, flask) = workspace_with(pip, &[("requirements.txt", "# web\nflask==3.1.3\n")]);
        assert_eq!(
            build_message(&flask),
            "installing flask and its dependencies"
        );
        let (_temp, two) = workspace_with(
            pip,
            &[(
                "requirements.txt",
                "Flask>=3\n-r more.txt\npsycopg[binary]==3.2\n",
            )],
        );
        assert_eq!(
            build_message(&two),
            "installing Flask, psycopg and their dependencies"
        );
        let package = r#"{"dependencies": {"express": "^5", "pg": "^8", "sqlite": "^5"}}"#;
        let (_temp, node) = workspace_with("npm ci", &[("package.json", package)]);
        assert_eq!(
            build_message(&node),
            "installing express, pg, 1 more and their dependencies"
        );
        let (_temp, other) = workspace_with("make", &[]);
        assert_eq!(build_message(&other), "building (make)");
    }
}
