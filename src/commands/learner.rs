//! `learn hint` and `learn next`: help in steps, and the way forward on the roadmap.

use anyhow::{Result, bail};
use colored::Colorize;

use crate::course::Course;
use crate::progress::{self, Progress, WorkspaceState};
use crate::workspace::Workspace;

/// Show the next unseen hint of the first check that did not pass (or of `check`).
pub fn hint(course: &Course, check: Option<&str>) -> Result<()> {
    let workspace = Workspace::find(&std::env::current_dir()?)?;
    print!("{}", next_hint(course, &workspace, check)?);
    Ok(())
}

/// The next unseen hint of `check` (or of the first check that did not pass last
/// time), as text to print; the workspace remembers it was seen.
pub fn next_hint(course: &Course, workspace: &Workspace, check: Option<&str>) -> Result<String> {
    let exercise = course.exercise(&workspace.config.exercise)?;
    let checks = exercise.checks()?;
    let mut state = WorkspaceState::load(&workspace.state_dir());
    // Before any run, the first check is the one to start with.
    let first_run = check.is_none() && state.last_run.is_none();
    let id = match (check, &state.last_run) {
        (Some(id), _) => id.to_string(),
        (None, None) => match checks.first() {
            Some(first) => first.id.clone(),
            None => bail!("{} has no checks", exercise.id),
        },
        (None, Some(last)) => match last.not_passed.first() {
            Some(id) => id.clone(),
            None => {
                return Ok(
                    "Every check passes: no hint needed. `learn next` shows what comes next.\n"
                        .to_string(),
                );
            }
        },
    };
    let Some(check) = checks.iter().find(|check| check.id == id) else {
        let ids = checks.iter().map(|check| check.id.as_str());
        match crate::suggest::closest(&id, ids) {
            Some(best) => bail!(
                "{} has no check `{id}`. Did you mean `{best}`?",
                exercise.id
            ),
            None => bail!(
                "{} has no check `{id}`; `learn check` lists them",
                exercise.id
            ),
        }
    };
    if check.hints.is_empty() {
        return Ok(format!(
            "{} has no hints. The report of `learn check` shows what it expected.\n",
            check.id
        ));
    }
    let seen = state.hints_seen.get(&check.id).copied().unwrap_or(0);
    let index = seen.min(check.hints.len() - 1);
    let mut text = format!(
        "{} {} of {} for {}: {}\n\n  {}\n\n",
        "Hint".bold(),
        index + 1,
        check.hints.len(),
        check.id.bold(),
        check.title,
        check.hints[index].for_track(&workspace.config.track)
    );
    text.push_str(if index + 1 < check.hints.len() {
        "Run `learn hint` again for the next one.\n"
    } else {
        "That is the last hint. The `try it` line of `learn check` sends the same request by hand.\n"
    });
    if first_run {
        text.push_str(
            "No check has run here yet, so this is the first check's hint; \
             `learn check` shows which one fails.\n",
        );
    }
    state.hints_seen.insert(check.id.clone(), index + 1);
    state.save(&workspace.state_dir())?;
    Ok(text)
}

/// Name the next exercise once the current one passes; otherwise say what still fails.
pub fn next(course: &Course) -> Result<()> {
    let (progress, warning) = Progress::load(&progress::data_dir()?);
    if let Some(warning) = warning {
        eprintln!("{} {warning}", "warning:".yellow());
    }
    let here = Workspace::find(&std::env::current_dir()?).ok();
    let current = here
        .as_ref()
        .map(|workspace| workspace.config.exercise.as_str());
    if let (Some(workspace), Some(id)) = (&here, current) {
        let state = WorkspaceState::load(&workspace.state_dir());
        match &state.last_run {
            None => {
                println!(
                    "{id} has not been checked yet. Run `learn check` to see where you stand."
                );
                return Ok(());
            }
            Some(last) if !last.passed => {
                let count = last.not_passed.len();
                let plural = if count == 1 { "check" } else { "checks" };
                println!(
                    "{id} is not done yet: {count} {plural} still to pass: {}.",
                    last.not_passed.join(", ")
                );
                println!(
                    "Fix `{}` first; `learn hint` helps with it.",
                    last.not_passed[0]
                );
                return Ok(());
            }
            Some(_) => println!("{} {id} passes every check.", "✓".green()),
        }
    }
    let done =
        |id: &str| Some(id) == current || progress.exercises.get(id).is_some_and(|p| p.completed);
    let after_current = current
        .and_then(|id| {
            course
                .exercises
                .iter()
                .position(|exercise| exercise.id == id)
        })
        .map_or(0, |position| position + 1);
    let upcoming = course.exercises[after_current..]
        .iter()
        .chain(&course.exercises[..after_current])
        .find(|exercise| !done(&exercise.id));
    match upcoming {
        Some(exercise) => {
            println!(
                "Next on the roadmap: {} ({}, stage {}).",
                exercise.id.bold(),
                exercise.title,
                exercise.stage
            );
            println!("\n  learn start {}\n", exercise.id);
        }
        None => println!(
            "You have done every exercise on the roadmap so far. New ones are on their way."
        ),
    }
    Ok(())
}
