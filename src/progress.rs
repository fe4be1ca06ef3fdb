//! The learner's progress across exercises, kept in the user's data folder.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::result::{Outcome, RunReport};

const FILE: &str = "progress.json";

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Progress {
    #[serde(default)]
    pub exercises: BTreeMap<String, ExerciseProgress>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExerciseProgress {
    pub track: String,
    /// Whether every check has passed at least once.
    pub completed: bool,
    /// The last run's counts.
    pub passed: usize,
    pub total: usize,
    pub workspace: PathBuf,
    pub last_run: String,
}

/// Where progress lives: `$LEARN_DATA_DIR`, or the platform's data folder.
pub fn data_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("LEARN_DATA_DIR") {
        return Ok(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("", "", "learn")
        .map(|dirs| dirs.data_dir().to_path_buf())
        .context("cannot find a home folder to keep progress in; set LEARN_DATA_DIR to a folder")
}

impl Progress {
    /// Load progress; a file that cannot be read as progress is set aside (never
    /// deleted) and the returned warning says where.
    pub fn load(dir: &Path) -> (Progress, Option<String>) {
        let path = dir.join(FILE);
        let Ok(text) = fs::read_to_string(&path) else {
            return (Progress::default(), None);
        };
        match serde_json::from_str(&text) {
            Ok(progress) => (progress, None),
            Err(error) => {
                let aside = dir.join(format!(
                    "{FILE}.corrupt-{}",
                    chrono::Utc::now().format("%Y%m%dT%H%M%S")
                ));
                let warning = match fs::rename(&path, &aside) {
                    Ok(()) => format!(
                        "your progress file could not be read ({error}); it was kept as {} and progress starts afresh",
                        aside.display()
                    ),
                    Err(_) => format!(
                        "your progress file {} could not be read ({error})",
                        path.display()
                    ),
                };
                (Progress::default(), Some(warning))
            }
        }
    }

    pub fn record(&mut self, report: &RunReport, workspace: &Path) {
        let completed_before = self
            .exercises
            .get(&report.exercise)
            .is_some_and(|e| e.completed);
        let entry = ExerciseProgress {
            track: report.track.clone(),
            completed: completed_before || report.outcome == Outcome::Passed,
            passed: report.summary.passed,
            total: report.summary.checks,
            workspace: workspace.to_path_buf(),
            last_run: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        };
        self.exercises.insert(report.exercise.clone(), entry);
    }

    /// Write atomically: a crash mid-write leaves the old file whole.
    pub fn save(&self, dir: &Path) -> Result<()> {
        let path = dir.join(FILE);
        crate::atomic::write_json(&path, self)
            .with_context(|| format!("cannot save {}", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_loads_and_sets_aside_a_corrupt_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut progress = Progress::default();
        progress.exercises.insert(
            "crud-app".to_string(),
            ExerciseProgress {
                track: "node".to_string(),
                completed: false,
                passed: 3,
                total: 15,
                workspace: PathBuf::from("/w"),
                last_run: "2026-01-01T00:00:00Z".to_string(),
            },
        );
        progress.save(dir.path()).unwrap();
        let (loaded, warning) = Progress::load(dir.path());
        assert!(warning.is_none());
        assert_eq!(loaded.exercises["crud-app"].passed, 3);

        fs::write(dir.path().join(FILE), "{ not json").unwrap();
        let (loaded, warning) = Progress::load(dir.path());
        assert!(loaded.exercises.is_empty());
        assert!(warning.unwrap().contains("was kept as"));
        let kept: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert!(
            kept.iter()
                .any(|name| name.to_string_lossy().starts_with("progress.json.corrupt-"))
        );
    }
}

/// What `learn` remembers inside one workspace (`.learn/state.json`): which checks
/// failed last time and how many hints of each the learner has seen. Check ids and
/// counts only: no hidden check is ever written here.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct WorkspaceState {
    pub last_run: Option<LastRun>,
    #[serde(default)]
    pub hints_seen: BTreeMap<String, usize>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LastRun {
    pub exercise: String,
    pub passed: bool,
    /// The checks that did not pass, failed or skipped, in order.
    pub not_passed: Vec<String>,
}

const STATE_FILE: &str = "state.json";

impl WorkspaceState {
    /// The state of the workspace with this `.learn/` folder; a missing or unreadable
    /// file is a fresh start (it holds nothing that cannot be made again).
    pub fn load(state_dir: &Path) -> WorkspaceState {
        fs::read_to_string(state_dir.join(STATE_FILE))
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default()
    }

    pub fn save(&self, state_dir: &Path) -> Result<()> {
        let path = state_dir.join(STATE_FILE);
        crate::atomic::write_json(&path, self)
            .with_context(|| format!("cannot save {}", path.display()))
    }

    /// Remember a full run: what did not pass, and that the report showed each failed
    /// check's first hint.
    pub fn record(&mut self, report: &RunReport) {
        let not_passed = report
            .checks
            .iter()
            .filter(|check| check.status != crate::result::CheckStatus::Passed)
            .map(|check| check.id.clone())
            .collect();
        for check in report.checks.iter().filter(|check| check.hint.is_some()) {
            let seen = self.hints_seen.entry(check.id.clone()).or_default();
            *seen = (*seen).max(1);
        }
        self.last_run = Some(LastRun {
            exercise: report.exercise.clone(),
            passed: report.outcome == Outcome::Passed,
            not_passed,
        });
    }
}
