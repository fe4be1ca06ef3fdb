//! The learner's workspace: a folder with `learn.toml`, their code, and `.learn/` state.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::Deserialize;

use crate::course::{Exercise, SourceError};

pub const CONFIG_FILE: &str = "learn.toml";
/// Where `learn` keeps per-workspace state (the build stamp). Never holds checks.
pub const STATE_DIR: &str = ".learn";
/// A learn.toml is a few lines; a bigger one is not read.
const CONFIG_LIMIT: u64 = 64 * 1024;

#[derive(Debug)]
pub struct Workspace {
    pub root: PathBuf,
    pub config: Config,
}

/// `learn.toml`: which exercise this is, and how to build and run the learner's code.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub exercise: String,
    pub track: String,
    #[serde(default)]
    pub build: String,
    #[serde(default)]
    pub build_inputs: Vec<String>,
    pub run: String,
}

impl Workspace {
    /// The workspace containing `start`: the nearest folder at or above it with a `learn.toml`.
    pub fn find(start: &Path) -> Result<Workspace> {
        let start = fs::canonicalize(start)
            .with_context(|| format!("cannot open the folder {}", start.display()))?;
        let Some(root) = start
            .ancestors()
            .find(|dir| dir.join(CONFIG_FILE).is_file())
        else {
            bail!(
                "no {CONFIG_FILE} in {} or any folder above it, so this is not a learn workspace.\n\
                 Start one with `learn start <exercise>` (see `learn list`), then `cd` into it.",
                start.display()
            );
        };
        Workspace::open(root)
    }

    pub fn open(root: &Path) -> Result<Workspace> {
        let path = root.join(CONFIG_FILE);
        if fs::symlink_metadata(&path).is_ok_and(|meta| meta.file_type().is_symlink()) {
            bail!(
                "{} is a symbolic link; learn reads only a plain learn.toml file",
                path.display()
            );
        }
        let source = crate::atomic::read_small(&path, CONFIG_LIMIT).with_context(|| {
            format!(
                "cannot read {}: it must be a plain file of at most {} KiB",
                path.display(),
                CONFIG_LIMIT / 1024
            )
        })?;
        let config: Config = toml::from_str(&source).map_err(|error| {
            SourceError::from_toml(&path.display().to_string(), &source, &error)
        })?;
        if config.run.trim().is_empty() {
            let example = if config.track == crate::course::OTHER {
                "the examples at its end show a few languages"
            } else {
                "like `node server.js`"
            };
            bail!(
                "{}: `run` is empty; write the command that starts your server ({example})",
                path.display()
            );
        }
        Ok(Workspace {
            root: root.to_path_buf(),
            config,
        })
    }

    /// A submission without `learn.toml`, built and run the way the track's scaffold is.
    pub fn with_track_defaults(root: &Path, exercise: &Exercise, track: &str) -> Result<Workspace> {
        let scaffold = exercise.scaffold(track)?;
        let (_, contents) = scaffold
            .files
            .iter()
            .find(|(path, _)| path == Path::new(CONFIG_FILE))
            .with_context(|| {
                format!(
                    "the {track} scaffold of {} has no {CONFIG_FILE}",
                    exercise.id
                )
            })?;
        let config = toml::from_slice(contents)
            .with_context(|| format!("the {track} scaffold's {CONFIG_FILE} is malformed"))?;
        let root = fs::canonicalize(root)
            .with_context(|| format!("cannot open the folder {}", root.display()))?;
        Ok(Workspace { root, config })
    }

    pub fn state_dir(&self) -> PathBuf {
        self.root.join(STATE_DIR)
    }

    /// The state folder, unless something else than learn made `.learn` (a symlink to
    /// elsewhere, a file): then `None`, and nothing is read from it or written to it.
    pub fn own_state_dir(&self) -> Option<PathBuf> {
        let dir = self.state_dir();
        match fs::symlink_metadata(&dir) {
            Ok(meta) if meta.is_dir() => Some(dir),
            Ok(_) => None,
            Err(_) => Some(dir),
        }
    }
}

/// Make a new workspace for `exercise` in `dir` from the scaffold of `track`.
/// A non-empty `dir` is left alone unless `force`; then scaffold files replace
/// same-named files and every other file stays.
pub fn create(exercise: &Exercise, track: &str, dir: &Path, force: bool) -> Result<()> {
    let scaffold = exercise.scaffold(track)?;
    let non_empty = dir.is_dir()
        && fs::read_dir(dir)
            .with_context(|| format!("cannot read {}", dir.display()))?
            .next()
            .is_some();
    if dir.exists() && !dir.is_dir() {
        bail!(
            "{} exists and is a file; pick another place with --dir",
            dir.display()
        );
    }
    if non_empty && !force {
        bail!(
            "{} already exists and is not empty, so nothing was written.\n\
             Pick another folder with --dir, or pass --force to add the starter files to it \
             (files with the same names are replaced).",
            dir.display()
        );
    }
    let readme = crate::course::readme::for_track(&exercise.readme, Some(track));
    let readme = (PathBuf::from("README.md"), readme.as_bytes());
    let files = scaffold
        .files
        .iter()
        .map(|(path, contents)| (path.clone(), contents.as_slice()));
    write_files(dir, files.chain([readme]))
}

/// Write each file under `dir` (which is made if need be), replacing same-named files.
pub fn write_files<'a>(
    dir: &Path,
    files: impl IntoIterator<Item = (PathBuf, &'a [u8])>,
) -> Result<()> {
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for (relative, contents) in files {
        let path = dir.join(&relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        let mut file =
            fs::File::create(&path).with_context(|| format!("cannot write {}", path.display()))?;
        file.write_all(contents)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_workspace_from_a_subfolder() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join(CONFIG_FILE),
            "exercise = \"crud-app\"\ntrack = \"node\"\nrun = \"node server.js\"\n",
        )
        .unwrap();
        let nested = dir.path().join("src/routes");
        fs::create_dir_all(&nested).unwrap();
        let workspace = Workspace::find(&nested).unwrap();
        assert_eq!(workspace.root, fs::canonicalize(dir.path()).unwrap());
        assert_eq!(workspace.config.track, "node");
        assert!(workspace.config.build_inputs.is_empty());
    }

    #[test]
    fn a_malformed_config_names_file_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join(CONFIG_FILE),
            "exercise = \"crud-app\"\ntrak = \"node\"\n",
        )
        .unwrap();
        let error = Workspace::find(dir.path()).unwrap_err();
        let error = error
            .downcast_ref::<SourceError>()
            .expect("a located error");
        assert_eq!((error.line, error.column), (2, 1));
        assert!(
            error.message.contains("did you mean `track`"),
            "{}",
            error.message
        );
    }
}
