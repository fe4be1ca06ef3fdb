//! `learn verify`: a course proves its checks. For each exercise, track and database:
//! the scaffold builds, starts and fails; the reference solution and every alternative
//! solution pass every check; every mutant fails each check it names (running only
//! those and what they need), and the solution passes that same selection (so the kill
//! is the bug's, not the selection's); every check is failed by some mutant of every track; every
//! mutant quotes the README rule it breaks; every check has at least two hints.
//!
//! Each distinct build (a scaffold's dependencies) runs once; the solution and the
//! mutants that build the same way link to it instead of building again.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};

use super::check::{INTERRUPTED, Settings};
use crate::build;
use crate::checks::{self, Options};
use crate::cli::{Db, Format, VerifyArgs};
use crate::course::mutant::{self, Mutant, MutantDb};
use crate::course::{self, Check, Course, Exercise};
use crate::report;
use crate::result::{
    CheckStatus, ExerciseProof, Outcome, Problem, Proof, ProofRow, RunReport, SCHEMA_VERSION,
};
use crate::services;
use crate::workspace::{self, Workspace};

/// Where a course keeps what proves it, beside `exercises/` and `scaffolds/`.
const SOLUTIONS: &str = "tests/solutions";
const ALTERNATIVES: &str = "tests/alternatives";
const MUTANTS: &str = "tests/mutants";

/// Exit code when the course is not proven.
const UNPROVEN: u8 = 1;

pub fn verify(course: &Course, args: &VerifyArgs) -> Result<u8> {
    let started = Instant::now();
    super::check::watch_for_interrupts()?;
    // The builds' and servers' escapees become learn's to find and kill (Linux).
    crate::platform::become_subreaper();
    let root = course
        .folder
        .as_deref()
        .context("learn verify proves a course folder")?;
    let exercises: Vec<&Exercise> = if args.ids.is_empty() {
        course.exercises.iter().collect()
    } else {
        args.ids
            .iter()
            .map(|id| course.exercise(id))
            .collect::<Result<_>>()?
    };
    if let Some(track) = &args.track
        && !exercises
            .iter()
            .any(|exercise| exercise.tracks.contains(track))
    {
        bail!("no exercise to verify has the track `{track}`");
    }
    let needs_postgres =
        args.db != Some(Db::Sqlite) && exercises.iter().any(|exercise| exercise.database.is_some());
    let postgres = if needs_postgres {
        Some(services::find_binaries().context(
            "learn verify proves database exercises on PostgreSQL too; pass --db sqlite to prove them on SQLite only",
        )?)
    } else {
        None
    };
    let scratch = tempfile::Builder::new()
        .prefix("learn-verify-")
        .tempdir()
        .context("cannot make a temp folder")?;
    let mut plans = Vec::new();
    for exercise in &exercises {
        plans.push(Plan::new(root, exercise, args, scratch.path())?);
    }
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
        .max(1);
    let human = args.format == Format::Human;

    // Each distinct build once, in parallel; then its copies link to it. A build that
    // starts from another's waits for it: the scaffolds and alternatives first, then the
    // solutions, then the mutants.
    let mut pending: Vec<(usize, PathBuf, Option<PathBuf>)> = plans
        .iter()
        .enumerate()
        .flat_map(|(index, plan)| {
            plan.builds
                .iter()
                .map(move |(dir, from)| (index, dir.clone(), from.clone()))
        })
        .collect();
    let mut built: Vec<(usize, PathBuf, Result<(), String>)> = Vec::new();
    while !pending.is_empty() {
        let waits = |from: &Option<PathBuf>| {
            from.as_ref()
                .is_some_and(|from| pending.iter().any(|(_, dir, _)| dir == from))
        };
        let (round, later): (Vec<_>, Vec<_>) = pending
            .iter()
            .cloned()
            .partition(|(_, _, from)| !waits(from));
        let finished: BTreeSet<PathBuf> = built
            .iter()
            .filter(|(_, _, result)| result.is_ok())
            .map(|(_, dir, _)| dir.clone())
            .collect();
        let Some(done) = super::parallel(&round, jobs, |(index, dir, from)| {
            if let Some(from) = from.as_ref().filter(|from| finished.contains(*from)) {
                // Only a speed-up: a copy that cannot start from it builds from nothing.
                let _ = build::seed(from, dir);
            }
            let result = build_once(dir, &plans[*index].exercise.timeouts)?;
            Some((*index, dir.clone(), result))
        }) else {
            eprintln!("\nInterrupted: every build was stopped.");
            return Ok(INTERRUPTED);
        };
        built.extend(done);
        pending = later;
    }
    let mut failed_builds: BTreeMap<PathBuf, String> = BTreeMap::new();
    for (index, dir, result) in built {
        if let Err(why) = result {
            let subject = plans[index].describe(&dir);
            plans[index]
                .problems
                .push(format!("{subject} did not build: {why}"));
            failed_builds.insert(dir, why);
        }
    }
    for plan in &mut plans {
        plan.share_builds(&failed_builds);
    }

    let runs: Vec<(usize, usize)> = plans
        .iter()
        .enumerate()
        .flat_map(|(index, plan)| (0..plan.runs.len()).map(move |run| (index, run)))
        .collect();
    let total = runs.len();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let Some(finished) = super::parallel(&runs, jobs, |&(index, number)| {
        let plan = &plans[index];
        let run = &plan.runs[number];
        let report = execute(plan, run, args.seed, postgres.as_ref())?;
        if human {
            let n = done.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
            let seconds = report
                .as_ref()
                .map_or(0.0, |report| report.duration_ms as f64 / 1000.0);
            eprintln!(
                "[{n}/{total}] {} {}{}  {seconds:.1} s",
                plan.exercise.id,
                run.name(),
                run.db
                    .map(|db| format!(" ({})", db_name(db)))
                    .unwrap_or_default()
            );
        }
        Some((index, number, report))
    }) else {
        eprintln!("\nInterrupted: every running server was stopped.");
        return Ok(INTERRUPTED);
    };

    let mut results: Vec<Vec<(usize, Result<RunReport, String>)>> =
        plans.iter().map(|_| Vec::new()).collect();
    for (index, number, report) in finished {
        results[index].push((number, report));
    }
    let exercises: Vec<ExerciseProof> = plans
        .into_iter()
        .zip(results)
        .map(|(plan, results)| plan.judge(results))
        .collect();
    let proof = Proof {
        schema_version: SCHEMA_VERSION,
        learn_version: env!("CARGO_PKG_VERSION"),
        seed: args.seed,
        problems: exercises.iter().map(|e| e.problems.len()).sum(),
        exercises,
        duration_ms: started.elapsed().as_millis() as u64,
    };
    match args.format {
        Format::Human => print!("{}", report::verify::render(&proof)),
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&proof).expect("the proof model always serializes")
        ),
    }
    drop(scratch);
    Ok(if proof.problems == 0 { 0 } else { UNPROVEN })
}

/// The course folder `learn verify` proves: `--course DIR`, or the nearest folder at or
/// above the current one that holds `exercises/roadmap.toml`.
pub fn course_folder(given: Option<&Path>) -> Result<PathBuf> {
    if let Some(dir) = given {
        return Ok(dir.to_path_buf());
    }
    let here = std::env::current_dir().context("cannot read the current folder")?;
    here.ancestors()
        .find(|dir| dir.join("exercises/roadmap.toml").is_file())
        .map(Path::to_path_buf)
        .with_context(|| {
            format!(
                "learn verify proves a course folder (exercises/, scaffolds/ and tests/), and \
                 neither {} nor a folder above it is one: run it inside a course, or pass --course DIR",
                here.display()
            )
        })
}

/// What one run is about.
#[derive(Clone)]
enum Subject {
    Scaffold,
    Solution,
    /// The solution on only the checks some mutant runs: they must pass there too, or
    /// the mutant's kill could be the selection's doing, not its bug's.
    SolutionPart {
        kills: Vec<String>,
        mutant: String,
    },
    Alternative,
    Mutant(Mutant),
}

/// One server to start and check.
struct Run {
    /// The track, or an alternative's stack.
    track: String,
    subject: Subject,
    dir: PathBuf,
    /// `None` for an exercise without a database.
    db: Option<Db>,
}

impl Run {
    fn name(&self) -> String {
        match &self.subject {
            Subject::Scaffold => format!("{} scaffold", self.track),
            Subject::Solution => format!("{} solution", self.track),
            Subject::SolutionPart { mutant, .. } => {
                format!("{} solution as mutant `{mutant}` runs it", self.track)
            }
            Subject::Alternative => format!("{} alternative", self.track),
            Subject::Mutant(mutant) => format!("{} mutant `{}`", self.track, mutant.name),
        }
    }
}

/// One exercise's runs, prepared on disk, and the problems found before any ran.
struct Plan<'a> {
    exercise: &'a Exercise,
    checks: Vec<Check>,
    /// Mutants per track, as their files list them.
    mutants: BTreeMap<String, Vec<Mutant>>,
    alternatives: Vec<String>,
    /// Folders to build before any run, each with the folder whose build it may start
    /// from (see `build::seed`): the scaffold's for the solution, the solution's for
    /// its mutants.
    builds: Vec<(PathBuf, Option<PathBuf>)>,
    /// Copies that use another folder's build: (built, copy).
    shares: Vec<(PathBuf, PathBuf)>,
    runs: Vec<Run>,
    problems: Vec<String>,
    root: &'a Path,
}

impl<'a> Plan<'a> {
    fn new(
        root: &'a Path,
        exercise: &'a Exercise,
        args: &VerifyArgs,
        scratch: &Path,
    ) -> Result<Plan<'a>> {
        let checks = exercise.checks()?;
        let mut plan = Plan {
            exercise,
            checks,
            mutants: BTreeMap::new(),
            alternatives: Vec::new(),
            builds: Vec::new(),
            shares: Vec::new(),
            runs: Vec::new(),
            problems: Vec::new(),
            root,
        };
        for check in &plan.checks {
            if check.hints.len() < 2 {
                let has = match check.hints.len() {
                    0 => "no hints".to_string(),
                    _ => "only 1 hint".to_string(),
                };
                plan.problems.push(format!(
                    "check `{}` has {has}; give it at least two, from the idea to nearly the answer",
                    check.id
                ));
            }
        }
        let dbs: Vec<Option<Db>> = match (exercise.database, args.db) {
            (None, _) => vec![None],
            (Some(_), Some(db)) => vec![Some(db)],
            (Some(_), None) => vec![Some(Db::Sqlite), Some(Db::Postgres)],
        };
        let work = scratch.join(&exercise.id);
        let tracks = exercise
            .tracks
            .iter()
            .filter(|track| args.track.as_ref().is_none_or(|only| only == *track));
        for track in tracks {
            plan.track(track, &dbs, &work.join(track))?;
        }
        plan.alternatives(&dbs, &work.join("alternatives"))?;
        Ok(plan)
    }

    /// The scaffold, the solution and the mutants of one track.
    fn track(&mut self, track: &str, dbs: &[Option<Db>], work: &Path) -> Result<()> {
        let scaffold = work.join("scaffold");
        workspace::create(self.exercise, track, &scaffold, false)?;
        self.builds.push((scaffold.clone(), None));
        self.run_on(dbs, track, Subject::Scaffold, &scaffold);
        let written = self
            .root
            .join(SOLUTIONS)
            .join(&self.exercise.id)
            .join(track);
        if !written.is_dir() {
            self.problems.push(format!(
                "{track}: no reference solution in {}",
                written.display()
            ));
            return Ok(());
        }
        // A solution holds what the learner writes; the rest is the scaffold's.
        let solution = work.join("solution");
        workspace::create(self.exercise, track, &solution, false)?;
        lay(&course::read_folder(&written)?, &solution)?;
        let solution_build = self.share_or_build(&scaffold, &solution)?;
        self.run_on(dbs, track, Subject::Solution, &solution);

        let file = self
            .root
            .join(MUTANTS)
            .join(&self.exercise.id)
            .join(format!("{track}.toml"));
        let mutants = mutant::load(&file)?;
        if mutants.is_empty() {
            self.problems
                .push(format!("{track}: no mutants in {}", file.display()));
        }
        let source = course::read_folder(&solution)?;
        let mut names = BTreeSet::new();
        let mut selections = BTreeSet::new();
        for (n, mutant) in mutants.iter().enumerate() {
            if !names.insert(mutant.name.as_str()) {
                self.problems
                    .push(format!("{track}: two mutants are named `{}`", mutant.name));
            }
            if !self.mutant_is_sound(track, mutant) {
                continue;
            }
            let dir = work.join("mutants").join(n.to_string());
            lay(&source, &dir)?;
            if let Err(why) = mutant.apply(&dir) {
                self.problems
                    .push(format!("{track} mutant `{}`: {why}", mutant.name));
                continue;
            }
            self.share_or_build(&solution_build, &dir)?;
            let db = match (self.exercise.database, mutant.db) {
                (None, _) => None,
                (Some(_), Some(MutantDb::Postgres)) => Some(Db::Postgres),
                (Some(_), Some(MutantDb::Sqlite)) => Some(Db::Sqlite),
                // A bug of any database runs on SQLite, the quicker, unless only
                // PostgreSQL is asked for: then there, so that it still proves.
                (Some(_), None) if dbs.contains(&Some(Db::Sqlite)) => Some(Db::Sqlite),
                (Some(_), None) => Some(Db::Postgres),
            };
            // A mutant for the other database than the one asked for is not run.
            if db.is_some() && !dbs.contains(&db) {
                continue;
            }
            self.runs.push(Run {
                track: track.to_string(),
                subject: Subject::Mutant(mutant.clone()),
                dir,
                db,
            });
            let kills: Vec<&str> = mutant.kills.iter().map(String::as_str).collect();
            let selected: Vec<String> = checks::with_dependencies(&self.checks, &kills)
                .iter()
                .map(|check| check.id.clone())
                .collect();
            if selected.len() < self.checks.len() && selections.insert((selected, db)) {
                self.runs.push(Run {
                    track: track.to_string(),
                    subject: Subject::SolutionPart {
                        kills: mutant.kills.clone(),
                        mutant: mutant.name.clone(),
                    },
                    dir: solution.clone(),
                    db,
                });
            }
        }
        self.mutants.insert(track.to_string(), mutants);
        Ok(())
    }

    /// Whether a mutant's own data holds up (it quotes the README, names real checks);
    /// each way it does not is a problem.
    fn mutant_is_sound(&mut self, track: &str, mutant: &Mutant) -> bool {
        let name = &mutant.name;
        let before = self.problems.len();
        match &mutant.breaks {
            None => self.problems.push(format!(
                "{track} mutant `{name}` has no `breaks`: quote the README sentence its bug violates"
            )),
            Some(quote) if !mutant::quoted_in(quote, &self.exercise.readme) => {
                self.problems.push(format!(
                    "{track} mutant `{name}` quotes what the README does not say: \"{quote}\""
                ))
            }
            Some(_) => {}
        }
        if mutant.kills.is_empty() {
            self.problems
                .push(format!("{track} mutant `{name}` names no check in `kills`"));
        }
        for kill in &mutant.kills {
            if !self.checks.iter().any(|check| check.id == *kill) {
                let ids = self.checks.iter().map(|check| check.id.as_str());
                let hint = crate::suggest::closest(kill, ids)
                    .map(|best| format!(" (did you mean `{best}`?)"))
                    .unwrap_or_default();
                self.problems.push(format!(
                    "{track} mutant `{name}` names `{kill}` in `kills`, which is not a check of {}{hint}",
                    self.exercise.id
                ));
            }
        }
        if mutant.db == Some(MutantDb::Postgres) && self.exercise.database.is_none() {
            self.problems.push(format!(
                "{track} mutant `{name}` asks for db = \"postgres\", but {} has no database",
                self.exercise.id
            ));
        }
        self.problems.len() == before
    }

    /// Alternative solutions: each folder under tests/alternatives/<id>/, a whole
    /// workspace of its own.
    fn alternatives(&mut self, dbs: &[Option<Db>], work: &Path) -> Result<()> {
        let folder = self.root.join(ALTERNATIVES).join(&self.exercise.id);
        let Ok(entries) = std::fs::read_dir(&folder) else {
            return Ok(());
        };
        let mut stacks: Vec<String> = entries
            .flatten()
            .filter(|entry| entry.path().is_dir())
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .collect();
        stacks.sort();
        for stack in stacks {
            let dir = work.join(&stack);
            lay(&course::read_folder(&folder.join(&stack))?, &dir)?;
            self.builds.push((dir.clone(), None));
            self.run_on(dbs, &stack, Subject::Alternative, &dir);
            self.alternatives.push(stack);
        }
        Ok(())
    }

    /// Run `dir` as `subject` on each database.
    fn run_on(&mut self, dbs: &[Option<Db>], track: &str, subject: Subject, dir: &Path) {
        for db in dbs {
            self.runs.push(Run {
                track: track.to_string(),
                subject: subject.clone(),
                dir: dir.to_path_buf(),
                db: *db,
            });
        }
    }

    /// `copy` will use `built`'s build when they build the same way, else its own; the
    /// folder whose build it uses.
    fn share_or_build(&mut self, built: &Path, copy: &Path) -> Result<PathBuf> {
        let (built_ws, copy_ws) = (Workspace::open(built)?, Workspace::open(copy)?);
        if build::same_build(&built_ws, &copy_ws) {
            self.shares.push((built.to_path_buf(), copy.to_path_buf()));
            Ok(built.to_path_buf())
        } else {
            self.builds
                .push((copy.to_path_buf(), Some(built.to_path_buf())));
            Ok(copy.to_path_buf())
        }
    }

    /// Link each copy to its build; a copy of a build that failed is not run.
    fn share_builds(&mut self, failed: &BTreeMap<PathBuf, String>) {
        let mut unusable = BTreeSet::new();
        for (built, copy) in &self.shares {
            let linked = (|| -> Result<()> {
                let (built_ws, copy_ws) = (Workspace::open(built)?, Workspace::open(copy)?);
                build::share(&built_ws, &copy_ws)
                    .with_context(|| format!("cannot link {} to its build", copy.display()))?;
                Ok(())
            })();
            if failed.contains_key(built) || linked.is_err() {
                unusable.insert(copy.clone());
            }
            if let Err(error) = linked {
                self.problems.push(format!("{error:#}"));
            }
        }
        unusable.extend(failed.keys().cloned());
        self.runs.retain(|run| !unusable.contains(&run.dir));
    }

    /// A folder of this plan as a problem names it.
    fn describe(&self, dir: &Path) -> String {
        self.runs
            .iter()
            .find(|run| run.dir == dir)
            .map_or_else(|| dir.display().to_string(), Run::name)
    }

    /// The verdict on every run, and on what they prove together.
    fn judge(mut self, results: Vec<(usize, Result<RunReport, String>)>) -> ExerciseProof {
        let runs = std::mem::take(&mut self.runs);
        let mut rows = Vec::new();
        let mut duration_ms = 0;
        // Per track: the checks its mutants were seen to fail; per (track, db): mutants
        // that did what they claim, of how many, and their time.
        let mut killed: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
        let mut mutant_rows = Tally::new();
        let mut part_rows = Tally::new();
        for (number, result) in results {
            let run = &runs[number];
            let report = match result {
                Ok(report) => report,
                Err(why) => {
                    self.problems.push(format!("{}: {why}", run.name()));
                    continue;
                }
            };
            duration_ms += report.duration_ms;
            let where_ = run
                .db
                .map(|db| format!(" on {}", db_name(db)))
                .unwrap_or_default();
            let failed: Vec<&str> = report
                .checks
                .iter()
                .filter(|check| check.status != CheckStatus::Passed)
                .map(|check| check.id.as_str())
                .collect();
            let total = report.checks.len();
            let (ok, result) = match &run.subject {
                Subject::Scaffold => match report.outcome {
                    Outcome::Failed => (true, format!("fails {} of {total} checks", failed.len())),
                    Outcome::Passed => {
                        self.problems.push(format!(
                            "{}{where_} passes every check: a learner would have nothing to do",
                            run.name()
                        ));
                        (false, "passes every check".to_string())
                    }
                    _ => {
                        self.problems.push(format!(
                            "{}{where_}: {}",
                            run.name(),
                            problem_line(&report)
                        ));
                        (false, outcome_words(report.outcome).to_string())
                    }
                },
                Subject::Solution | Subject::Alternative => {
                    if report.outcome == Outcome::Passed {
                        (true, format!("passes {total} of {total} checks"))
                    } else {
                        self.problems.push(format!(
                            "{}{where_} must pass every check, but {}",
                            run.name(),
                            failures(&report)
                        ));
                        (false, format!("fails {} of {total} checks", failed.len()))
                    }
                }
                Subject::SolutionPart { .. } => {
                    let entry = part_rows.entry((&run.track, run.db)).or_default();
                    entry.1 += 1;
                    entry.2 += report.duration_ms;
                    if report.outcome == Outcome::Passed {
                        entry.0 += 1;
                    } else {
                        self.problems.push(format!(
                            "{}{where_} must pass, but {}: a check that needs what an earlier check did must `require` it",
                            run.name(),
                            failures(&report)
                        ));
                    }
                    continue;
                }
                Subject::Mutant(mutant) => {
                    let entry = mutant_rows.entry((&run.track, run.db)).or_default();
                    entry.1 += 1;
                    entry.2 += report.duration_ms;
                    let survived: Vec<&String> = mutant
                        .kills
                        .iter()
                        .filter(|kill| {
                            !report
                                .checks
                                .iter()
                                .any(|c| c.id == **kill && c.status == CheckStatus::Failed)
                        })
                        .collect();
                    if !matches!(report.outcome, Outcome::Failed | Outcome::Passed) {
                        self.problems.push(format!(
                            "{}{where_} must build and start, then fail its checks, but {}",
                            run.name(),
                            problem_line(&report)
                        ));
                    } else if !survived.is_empty() {
                        let names: Vec<String> =
                            survived.iter().map(|id| format!("`{id}`")).collect();
                        self.problems.push(format!(
                            "{}{where_} must fail {}, but {} not: no check catches a server that breaks {}",
                            run.name(),
                            names.join(", "),
                            if names.len() == 1 { "it did" } else { "they did" },
                            mutant.breaks.as_deref().map_or("the README".to_string(), |quote| format!("«{quote}»"))
                        ));
                    } else {
                        entry.0 += 1;
                        killed
                            .entry(&run.track)
                            .or_default()
                            .extend(mutant.kills.iter().cloned());
                    }
                    continue;
                }
            };
            rows.push(ProofRow {
                subject: run.name(),
                database: run.db.map(|db| db_name(db).to_string()),
                result,
                ok,
                duration_ms: report.duration_ms,
            });
        }
        rows.extend(tally_rows(&mutant_rows, "mutants", |good, all| {
            format!("{good} of {all} fail the checks they name")
        }));
        rows.extend(tally_rows(&part_rows, "solution in parts", |good, all| {
            format!("passes {good} of {all} mutants' check sets")
        }));
        for track in self.mutants.keys() {
            let seen = killed.get(track.as_str());
            let unkilled: Vec<String> = self
                .checks
                .iter()
                .filter(|check| seen.is_none_or(|seen| !seen.contains(&check.id)))
                .map(|check| format!("`{}`", check.id))
                .collect();
            if !unkilled.is_empty() {
                self.problems.push(format!(
                    "no {track} mutant fails {}: a check no mutant fails proves nothing",
                    unkilled.join(", ")
                ));
            }
            rows.push(ProofRow {
                subject: format!("{track} checks"),
                database: None,
                result: format!(
                    "{} of {} failed by a mutant",
                    self.checks.len() - unkilled.len(),
                    self.checks.len()
                ),
                ok: unkilled.is_empty(),
                duration_ms: 0,
            });
        }
        // Track by track in the exercise's order, then the alternatives; within each,
        // scaffold, solution, mutants, checks.
        let tracks = &self.exercise.tracks;
        rows.sort_by_key(|row| {
            let (track, kind) = row.subject.split_once(' ').unwrap_or((&row.subject, ""));
            let track = tracks
                .iter()
                .position(|t| t == track)
                .unwrap_or(tracks.len());
            let kind = [
                "scaffold",
                "solution",
                "solution in parts",
                "mutants",
                "checks",
                "alternative",
            ]
            .iter()
            .position(|k| kind == *k);
            let database = row.database.as_deref() == Some("postgres");
            (track, kind, database)
        });
        ExerciseProof {
            id: self.exercise.id.clone(),
            checks: self.checks.len(),
            mutants: self.mutants.values().map(Vec::len).sum(),
            alternatives: self.alternatives.len(),
            rows,
            problems: self.problems,
            duration_ms,
        }
    }
}

/// Runs that each held or not, counted per track and database: (held, all, time).
type Tally<'a> = BTreeMap<(&'a str, Option<Db>), (usize, usize, u64)>;

/// One table row per track and database of a tally.
fn tally_rows(tally: &Tally, kind: &str, result: fn(usize, usize) -> String) -> Vec<ProofRow> {
    tally
        .iter()
        .map(|((track, db), (good, all, ms))| ProofRow {
            subject: format!("{track} {kind}"),
            database: db.map(|db| db_name(db).to_string()),
            result: result(*good, *all),
            ok: good == all,
            duration_ms: *ms,
        })
        .collect()
}

/// Write files read from a folder into `dir`.
fn lay(files: &[(PathBuf, Vec<u8>)], dir: &Path) -> Result<()> {
    workspace::write_files(
        dir,
        files
            .iter()
            .map(|(path, bytes)| (path.clone(), bytes.as_slice())),
    )
}

/// Build a folder with its own build command: the last lines of output when it fails;
/// `None` when learn was interrupted (the build's processes are stopped).
fn build_once(dir: &Path, timeouts: &course::Timeouts) -> Option<Result<(), String>> {
    let workspace = match Workspace::open(dir) {
        Ok(workspace) => workspace,
        Err(error) => return Some(Err(format!("{error:#}"))),
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => return Some(Err(format!("cannot start the async runtime: {error}"))),
    };
    runtime.block_on(async {
        tokio::select! {
            built = build::build(&workspace, timeouts.build, &crate::sandbox::Sandbox::OFF) => {
                Some(built.map(|_| ()).map_err(|problem| explain(&problem, &[])))
            }
            _ = super::check::interrupted() => None,
        }
    })
}

/// Start and check one run; `None` when learn was interrupted.
fn execute(
    plan: &Plan,
    run: &Run,
    seed: u64,
    postgres: Option<&services::Binaries>,
) -> Option<Result<RunReport, String>> {
    let exercise = plan.exercise;
    let workspace = match Workspace::open(&run.dir) {
        Ok(workspace) => workspace,
        Err(error) => return Some(Err(format!("{error:#}"))),
    };
    let kills = match &run.subject {
        Subject::Mutant(mutant) => Some(&mutant.kills),
        Subject::SolutionPart { kills, .. } => Some(kills),
        _ => None,
    };
    let selected: Vec<&Check> = match kills {
        Some(kills) => {
            let kills: Vec<&str> = kills.iter().map(String::as_str).collect();
            checks::with_dependencies(&plan.checks, &kills)
        }
        None => plan.checks.iter().collect(),
    };
    let database = match (run.db, postgres) {
        (Some(Db::Postgres), Some(binaries)) => services::Choice::Postgres(binaries.clone()),
        _ => services::Choice::Sqlite,
    };
    let settings = Settings {
        build_timeout: None,
        start_timeout: None,
        sandbox: crate::sandbox::Sandbox::OFF,
        database,
        quiet: true,
        live: None,
    };
    let options = Options::for_run(&exercise.timeouts, seed);
    match super::check::run(&workspace, exercise, &selected, &options, &settings) {
        Ok(Some(report)) => Some(Ok(report)),
        Ok(None) => None,
        Err(error) => Some(Err(format!("{error:#}"))),
    }
}

fn db_name(db: Db) -> &'static str {
    match db {
        Db::Sqlite => "sqlite",
        Db::Postgres => "postgres",
    }
}

fn outcome_words(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Passed => "passes",
        Outcome::Failed => "fails",
        Outcome::BuildFailed => "does not build",
        Outcome::ServerFailed => "does not start",
        Outcome::ConfigError => "has an unusable learn.toml",
    }
}

/// Why a run could not check anything, or how it ended, in one line.
fn problem_line(report: &RunReport) -> String {
    match &report.problem {
        Some(problem) => explain(problem, &report.server_log),
        None => format!(
            "it {} ({})",
            outcome_words(report.outcome),
            failures(report)
        ),
    }
}

/// A run's problem for an author: in brief, then the last lines of output that tell why.
fn explain(problem: &Problem, server_log: &[String]) -> String {
    let lines: &[String] = match problem {
        Problem::BuildFailed { output, .. } => output,
        Problem::ServerExited { .. } | Problem::ServerNotListening { .. } => server_log,
        Problem::MissingTool { .. }
        | Problem::DatabaseFailed { .. }
        | Problem::ServiceFailed { .. }
        | Problem::Config { .. } => &[],
    };
    let mut text = report::problem_in_brief(problem);
    for line in &lines[lines.len().saturating_sub(EXPLAIN_LINES)..] {
        text.push_str(
            "
      │ ",
        );
        text.push_str(&report::safe::inert(line));
    }
    text
}

/// Lines of build or server output a problem shows.
const EXPLAIN_LINES: usize = 8;

/// The checks a run did not pass, each with the first line of why.
fn failures(report: &RunReport) -> String {
    if let Some(problem) = &report.problem {
        return explain(problem, &report.server_log);
    }
    let lines: Vec<String> = report
        .checks
        .iter()
        .filter(|check| check.status != CheckStatus::Passed)
        .map(|check| {
            let why = check
                .failure
                .as_deref()
                .and_then(|text| text.lines().next())
                .map(str::to_string)
                .unwrap_or_else(|| format!("skipped: needs {}", check.needs.join(", ")));
            format!("`{}` fails: {why}", check.id)
        })
        .collect();
    if lines.is_empty() {
        "every check passed".to_string()
    } else {
        lines.join("; ")
    }
}
