//! The course: the roadmap, its exercises, their scaffolds and hidden checks.
//!
//! Everything is compiled into the binary with `include_dir` (which always embeds, in
//! debug builds too), so the hidden checks never exist as files a learner can read.

pub mod checks;
pub mod source_error;
pub mod template;

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use include_dir::{Dir, include_dir};
use serde::Deserialize;

pub use checks::Check;
pub use source_error::SourceError;

static EXERCISES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/exercises");
static SCAFFOLDS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/scaffolds");

/// Folders a build makes inside a workspace; never part of a scaffold.
pub const GENERATED_DIRS: [&str; 5] = [".venv", "node_modules", "__pycache__", ".learn", "target"];

pub struct Course {
    pub stages: Vec<Stage>,
    pub exercises: Vec<Exercise>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    pub number: u32,
    pub title: String,
    pub about: String,
    /// Stages that are read rather than built (`reading = true`) say so in `learn list`.
    #[serde(default)]
    pub reading: bool,
    #[serde(default)]
    pub exercises: Vec<String>,
}

pub struct Exercise {
    pub id: String,
    pub title: String,
    pub stage: u32,
    pub summary: String,
    pub tracks: Vec<String>,
    /// Extra environment the server receives, beyond PORT, TZ and LANG.
    pub env: Vec<(String, String)>,
    pub timeouts: Timeouts,
    pub readme: String,
    checks_file: String,
    checks_source: String,
}

#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub build: Duration,
    pub start: Duration,
    pub request: Duration,
    /// One check, all its steps together.
    pub check: Duration,
    /// The whole run: build, start and every check.
    pub run: Duration,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRoadmap {
    stage: Vec<Stage>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExercise {
    title: String,
    stage: u32,
    summary: String,
    tracks: Vec<String>,
    #[serde(default)]
    env: toml::Table,
    #[serde(default)]
    timeouts: RawTimeouts,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawTimeouts {
    build_ms: Option<u64>,
    start_ms: Option<u64>,
    request_ms: Option<u64>,
    check_ms: Option<u64>,
    run_ms: Option<u64>,
}

/// The files of a starter scaffold, relative to the workspace root.
pub struct Scaffold {
    pub files: Vec<(PathBuf, &'static [u8])>,
}

impl Course {
    /// The course compiled into this binary.
    pub fn embedded() -> Result<Course> {
        let roadmap = text(&EXERCISES, "roadmap.toml")?;
        let roadmap: RawRoadmap = toml::from_str(roadmap)
            .map_err(|error| SourceError::from_toml("exercises/roadmap.toml", roadmap, &error))?;
        let mut exercises = Vec::new();
        for stage in &roadmap.stage {
            for id in &stage.exercises {
                let exercise = load_exercise(id)?;
                if exercise.stage != stage.number {
                    bail!(
                        "exercises/{id}/exercise.toml says stage {}, but roadmap.toml lists it under stage {}",
                        exercise.stage,
                        stage.number
                    );
                }
                exercises.push(exercise);
            }
        }
        Ok(Course {
            stages: roadmap.stage,
            exercises,
        })
    }

    /// The exercise with this id, or an error that suggests the closest one.
    pub fn exercise(&self, id: &str) -> Result<&Exercise> {
        if let Some(exercise) = self.exercises.iter().find(|exercise| exercise.id == id) {
            return Ok(exercise);
        }
        let ids = self.exercises.iter().map(|exercise| exercise.id.as_str());
        match crate::suggest::closest(id, ids) {
            Some(best) => bail!(
                "there is no exercise `{id}`. Did you mean `{best}`? (`learn list` shows them all)"
            ),
            None => bail!("there is no exercise `{id}`. Run `learn list` to see the exercises."),
        }
    }
}

impl Exercise {
    /// The hidden checks, parsed and validated.
    pub fn checks(&self) -> Result<Vec<Check>, SourceError> {
        checks::parse(&self.checks_file, &self.checks_source)
    }

    /// The track with this name, or an error naming the ones on offer.
    pub fn track(&self, name: &str) -> Result<&str> {
        if let Some(track) = self.tracks.iter().find(|track| *track == name) {
            return Ok(track);
        }
        let offered = self.tracks.join(", ");
        match crate::suggest::closest(name, self.tracks.iter().map(String::as_str)) {
            Some(best) => bail!(
                "`{}` has no track `{name}`. Did you mean `{best}`? (tracks: {offered})",
                self.id
            ),
            None => bail!("`{}` has no track `{name}`; it offers: {offered}", self.id),
        }
    }

    pub fn scaffold(&self, track: &str) -> Result<Scaffold> {
        let root = format!("{}/{track}", self.id);
        let dir = SCAFFOLDS
            .get_dir(&root)
            .with_context(|| format!("the course has no scaffold for {} in {track}", self.id))?;
        let mut files = Vec::new();
        collect_files(dir, Path::new(&root), &mut files);
        Ok(Scaffold { files })
    }
}

fn collect_files(dir: &Dir<'static>, root: &Path, out: &mut Vec<(PathBuf, &'static [u8])>) {
    for file in dir.files() {
        let relative = file.path().strip_prefix(root).unwrap_or(file.path());
        out.push((relative.to_path_buf(), file.contents()));
    }
    for sub in dir.dirs() {
        let generated = sub
            .path()
            .file_name()
            .is_some_and(|name| GENERATED_DIRS.iter().any(|g| name == *g));
        if !generated {
            collect_files(sub, root, out);
        }
    }
}

fn text(dir: &'static Dir<'static>, path: &str) -> Result<&'static str> {
    dir.get_file(path)
        .and_then(|file| file.contents_utf8())
        .with_context(|| format!("the course is missing exercises/{path}"))
}

fn load_exercise(id: &str) -> Result<Exercise> {
    let file = format!("exercises/{id}/exercise.toml");
    let source = text(&EXERCISES, &format!("{id}/exercise.toml"))?;
    let raw: RawExercise =
        toml::from_str(source).map_err(|error| SourceError::from_toml(&file, source, &error))?;
    let env = raw
        .env
        .into_iter()
        .map(|(name, value)| match value {
            toml::Value::String(value) => Ok((name, value)),
            _ => bail!("{file}: env.{name} must be a string"),
        })
        .collect::<Result<_>>()?;
    let defaults = Timeouts::default();
    let ms = |value: Option<u64>, default: Duration| value.map_or(default, Duration::from_millis);
    Ok(Exercise {
        id: id.to_string(),
        title: raw.title,
        stage: raw.stage,
        summary: raw.summary,
        tracks: raw.tracks,
        env,
        timeouts: Timeouts {
            build: ms(raw.timeouts.build_ms, defaults.build),
            start: ms(raw.timeouts.start_ms, defaults.start),
            request: ms(raw.timeouts.request_ms, defaults.request),
            check: ms(raw.timeouts.check_ms, defaults.check),
            run: ms(raw.timeouts.run_ms, defaults.run),
        },
        readme: text(&EXERCISES, &format!("{id}/README.md"))?.to_string(),
        checks_file: format!("exercises/{id}/checks.toml"),
        checks_source: text(&EXERCISES, &format!("{id}/checks.toml"))?.to_string(),
    })
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            build: Duration::from_secs(600),
            start: Duration::from_secs(20),
            request: Duration::from_secs(5),
            check: Duration::from_secs(30),
            run: Duration::from_secs(900),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_exercise_loads_with_valid_checks() {
        let course = Course::embedded().unwrap();
        assert_eq!(course.stages.len(), 12);
        for exercise in &course.exercises {
            let checks = exercise.checks().unwrap_or_else(|error| panic!("{error}"));
            for check in &checks {
                assert!(
                    check.hints.len() >= 2,
                    "{}: check {} needs two hints",
                    exercise.id,
                    check.id
                );
            }
            for track in &exercise.tracks {
                let scaffold = exercise.scaffold(track).unwrap();
                assert!(
                    scaffold
                        .files
                        .iter()
                        .any(|(path, _)| path == Path::new("learn.toml"))
                );
            }
        }
    }

    #[test]
    fn unknown_ids_get_a_suggestion() {
        let course = Course::embedded().unwrap();
        let error = course.exercise("crud-ap").err().unwrap().to_string();
        assert!(error.contains("Did you mean `crud-app`?"), "{error}");
        let error = course
            .exercise("crud-app")
            .unwrap()
            .track("pyton")
            .err()
            .unwrap()
            .to_string();
        assert!(error.contains("Did you mean `python`?"), "{error}");
    }
}
