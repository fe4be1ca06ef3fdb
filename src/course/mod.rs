//! The course: the roadmap, its exercises, their scaffolds and hidden checks.
//!
//! Everything is compiled into the binary with `include_dir` (which always embeds, in
//! debug builds too), so the hidden checks never exist as files a learner can read.

pub mod checks;
pub mod mutant;
pub mod readme;
pub mod source_error;
pub mod template;

use std::fs;
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
    /// The course's folder in author mode (`--course DIR`); `None` when it is the one
    /// built into learn.
    pub folder: Option<PathBuf>,
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
    /// Values made fresh for every run and given to the server in its environment.
    pub secrets: Vec<Secret>,
    /// The database the server gets through DATABASE_URL, if the exercise has one.
    pub database: Option<Database>,
    /// Services learn runs beside the server for the run (a mock OAuth provider).
    pub services: Vec<Service>,
    /// The path of the OpenAPI document the server serves about itself, when the
    /// checks hold every response to it.
    pub openapi: Option<String>,
    pub timeouts: Timeouts,
    pub readme: String,
    checks_file: String,
    checks_source: String,
    source: Source,
}

/// The track of any language: the learner's own code, built and run by the commands
/// they write into learn.toml.
pub const OTHER: &str = "other";

/// The learn.toml of a workspace on the `other` track, before the learner fills it in.
const OTHER_CONFIG: &str = r#"# Your own language and framework. Write how to build and start your server, then
# run `learn check`. README.md says what the server gets in its environment (PORT,
# and for some exercises DATABASE_URL and more) and what it must answer.
exercise = "{exercise}"
track = "other"

# A shell command run in this folder before the server starts: install dependencies,
# compile. Leave it empty when there is nothing to build.
build = ""

# The files whose change means a new build (learn skips the build when none changed).
build_inputs = []

# The command that starts your server. It must listen on 127.0.0.1 (or 0.0.0.0) at
# the port in the environment variable PORT.
run = ""

# Examples (copy one up, then adapt it; a folder in build_inputs counts every file
# under it, except target/, node_modules/ and hidden folders):
#
# C# / ASP.NET Core:
#   build = "dotnet publish -c Release -o out"
#   build_inputs = ["App.csproj", "Program.cs"]
#   run = "dotnet out/App.dll --urls http://127.0.0.1:$PORT"
# PHP (built-in server):
#   build = "composer install --no-interaction"
#   build_inputs = ["composer.json", "composer.lock"]
#   run = "php -S 127.0.0.1:$PORT -t public"
# Ruby / Sinatra:
#   build = "bundle install"
#   build_inputs = ["Gemfile", "Gemfile.lock"]
#   run = "bundle exec ruby app.rb -o 127.0.0.1 -p $PORT"
# Java / Spring Boot (Maven wrapper, from start.spring.io with Spring Web):
#   build = "./mvnw -q package -DskipTests && cp target/*-SNAPSHOT.jar target/app.jar"
#   build_inputs = ["pom.xml", "src"]
#   run = "java -jar target/app.jar --server.port=$PORT --server.address=127.0.0.1"
# Go / Gin:
#   build = "go build -o target/server ."
#   build_inputs = ["."]
#   run = "./target/server"
"#;

/// A service learn runs for the exercise, beside the server.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Service {
    /// A mock OAuth 2.0 / OpenID Connect provider: OAUTH_ISSUER, OAUTH_CLIENT_ID,
    /// OAUTH_CLIENT_SECRET.
    OAuth,
}

impl Service {
    const ALL: [(&str, Service); 1] = [("oauth", Service::OAuth)];
}

/// A value learn makes fresh for every run, from the run's seed, and gives the server
/// in its environment and the checks as `{{NAME}}`: a signing key, an admin's password.
#[derive(Debug, Clone)]
pub struct Secret {
    pub name: String,
    kind: SecretKind,
    size: usize,
}

#[derive(Debug, Clone, Copy)]
enum SecretKind {
    /// `hex:N`: N random bytes as 2N hex digits (a signing key).
    Hex,
    /// `word:N`: N random letters and digits (a password).
    Word,
}

impl Secret {
    /// `hex:32` or `word:16`, as exercise.toml writes it.
    fn parse(name: &str, spec: &str) -> Result<Secret, String> {
        if !template::is_secret_name(name) {
            return Err(format!(
                "secrets.{name}: a secret's name is an environment variable's, like JWT_SECRET"
            ));
        }
        let (kind, size) = spec.split_once(':').unwrap_or((spec, ""));
        let kind = match kind {
            "hex" => SecretKind::Hex,
            "word" => SecretKind::Word,
            _ => {
                return Err(format!(
                    "secrets.{name} = \"{spec}\": expected \"hex:N\" or \"word:N\""
                ));
            }
        };
        match size.parse::<usize>() {
            Ok(size @ 1..=256) => Ok(Secret {
                name: name.to_string(),
                kind,
                size,
            }),
            _ => Err(format!(
                "secrets.{name} = \"{spec}\": the size is a number from 1 to 256"
            )),
        }
    }

    /// This secret's value in the run with `seed`: the same seed, the same value.
    pub fn value(&self, seed: u64) -> String {
        use sha2::{Digest, Sha256};
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        let length = match self.kind {
            SecretKind::Hex => self.size * 2,
            SecretKind::Word => self.size,
        };
        let mut value = String::new();
        for block in 0u64.. {
            for byte in Sha256::digest(format!("{seed}:{}:{block}", self.name)) {
                match self.kind {
                    SecretKind::Hex => value.push_str(&format!("{byte:02x}")),
                    // 248 = 4 × 62: no letter is likelier than another.
                    SecretKind::Word if byte < 248 => {
                        value.push(ALPHABET[usize::from(byte) % ALPHABET.len()] as char)
                    }
                    SecretKind::Word => {}
                }
            }
            if value.len() >= length {
                break;
            }
        }
        value.truncate(length);
        value
    }

    /// What `learn show` says of it.
    pub fn describe(&self) -> String {
        match self.kind {
            SecretKind::Hex => format!(
                "{} (fresh each run: {} random bytes as hex)",
                self.name, self.size
            ),
            SecretKind::Word => format!(
                "{} (fresh each run: {} random letters and digits)",
                self.name, self.size
            ),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Database {
    /// A fresh SQLite file for every run; DATABASE_URL is its path.
    Sqlite,
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
    /// Values made fresh for every run: `NAME = "hex:32"` or `"word:16"`.
    #[serde(default)]
    secrets: toml::Table,
    /// A database the runner provides through DATABASE_URL: "sqlite".
    database: Option<String>,
    /// Services the runner provides: "oauth".
    #[serde(default)]
    services: Vec<String>,
    /// Where the server serves an OpenAPI document of its own API: every response
    /// the checks receive is then held to it.
    openapi: Option<String>,
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
    pub files: Vec<(PathBuf, Vec<u8>)>,
}

/// Where the course's files come from.
#[derive(Clone)]
enum Source {
    /// Compiled into the binary: the learner's course, whose checks exist nowhere on disk.
    Embedded,
    /// A folder holding `exercises/` and `scaffolds/` (author mode, `--course DIR`).
    Folder(PathBuf),
}

impl Source {
    /// A course file's name as errors show it.
    fn name(&self, path: &str) -> String {
        match self {
            Source::Embedded => path.to_string(),
            Source::Folder(root) => root.join(path).display().to_string(),
        }
    }

    /// A text file, by its path in the course (`exercises/roadmap.toml`).
    fn text(&self, path: &str) -> Result<String> {
        match self {
            Source::Embedded => embedded(path)
                .and_then(|(dir, inner)| dir.get_file(inner))
                .and_then(|file| file.contents_utf8())
                .map(str::to_string)
                .with_context(|| format!("the course is missing {path}")),
            Source::Folder(root) => fs::read_to_string(root.join(path))
                .with_context(|| format!("cannot read {}", root.join(path).display())),
        }
    }

    /// Every file under a folder of the course, relative to it; build output left out.
    fn files(&self, path: &str) -> Result<Vec<(PathBuf, Vec<u8>)>> {
        let mut files = Vec::new();
        match self {
            Source::Embedded => {
                let dir = embedded(path)
                    .and_then(|(dir, inner)| dir.get_dir(inner))
                    .with_context(|| format!("the course has no {path}"))?;
                collect_embedded(dir, dir.path(), &mut files);
            }
            Source::Folder(root) => {
                let dir = root.join(path);
                if !dir.is_dir() {
                    bail!("the course has no folder {}", dir.display());
                }
                collect_folder(&dir, &dir, &mut files)?;
            }
        }
        Ok(files)
    }
}

/// The embedded folder holding a course path, and the path inside it.
fn embedded(path: &str) -> Option<(&'static Dir<'static>, &str)> {
    if let Some(inner) = path.strip_prefix("exercises/") {
        Some((&EXERCISES, inner))
    } else {
        path.strip_prefix("scaffolds/")
            .map(|inner| (&SCAFFOLDS, inner))
    }
}

pub(crate) fn is_generated(name: &std::ffi::OsStr) -> bool {
    GENERATED_DIRS.iter().any(|generated| name == *generated)
}

fn collect_embedded(dir: &Dir<'static>, root: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
    for file in dir.files() {
        let relative = file.path().strip_prefix(root).unwrap_or(file.path());
        out.push((relative.to_path_buf(), file.contents().to_vec()));
    }
    for sub in dir.dirs() {
        if !sub.path().file_name().is_some_and(is_generated) {
            collect_embedded(sub, root, out);
        }
    }
}

/// Every file under `dir`, relative to it, sorted; what a build makes (GENERATED_DIRS)
/// left out.
pub fn read_folder(dir: &Path) -> Result<Vec<(PathBuf, Vec<u8>)>> {
    let mut files = Vec::new();
    collect_folder(dir, dir, &mut files)?;
    Ok(files)
}

fn collect_folder(dir: &Path, root: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) -> Result<()> {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .flatten()
        .collect();
    entries.sort_by_key(|entry| entry.file_name());
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            if !is_generated(&entry.file_name()) {
                collect_folder(&path, root, out)?;
            }
        } else {
            let contents =
                fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            out.push((
                path.strip_prefix(root).unwrap_or(&path).to_path_buf(),
                contents,
            ));
        }
    }
    Ok(())
}

impl Course {
    /// The course compiled into this binary, or, in author mode, the one in `folder`
    /// (whose every checks file is validated at once, so authors see mistakes early).
    pub fn load(folder: Option<&Path>) -> Result<Course> {
        let Some(folder) = folder else {
            return Course::from_source(Source::Embedded);
        };
        let course = Course::from_source(Source::Folder(folder.to_path_buf()))?;
        for exercise in &course.exercises {
            exercise.checks()?;
        }
        Ok(course)
    }

    fn from_source(source: Source) -> Result<Course> {
        let file = source.name("exercises/roadmap.toml");
        let roadmap = source.text("exercises/roadmap.toml")?;
        let roadmap: RawRoadmap = toml::from_str(&roadmap)
            .map_err(|error| SourceError::from_toml(&file, &roadmap, &error))?;
        let mut exercises = Vec::new();
        for stage in &roadmap.stage {
            for id in &stage.exercises {
                let exercise = load_exercise(&source, id)?;
                if exercise.stage != stage.number {
                    bail!(
                        "{} says stage {}, but roadmap.toml lists it under stage {}",
                        source.name(&format!("exercises/{id}/exercise.toml")),
                        exercise.stage,
                        stage.number
                    );
                }
                exercises.push(exercise);
            }
        }
        let folder = match source {
            Source::Embedded => None,
            Source::Folder(root) => Some(root),
        };
        Ok(Course {
            stages: roadmap.stage,
            exercises,
            folder,
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
        let secrets: Vec<&str> = self
            .secrets
            .iter()
            .map(|secret| secret.name.as_str())
            .collect();
        let oauth = self.services.contains(&Service::OAuth);
        let mut secrets = secrets;
        if oauth {
            secrets.extend(["OAUTH_ISSUER", "OAUTH_CLIENT_ID", "OAUTH_CLIENT_SECRET"]);
        }
        let provided = checks::Provided {
            database: self.database.is_some(),
            oauth,
            secrets: &secrets,
        };
        checks::parse_for(&self.checks_file, &self.checks_source, &provided)
    }

    /// The secrets' values in the run with `seed`, as environment variables.
    pub fn secret_values(&self, seed: u64) -> Vec<(String, String)> {
        self.secrets
            .iter()
            .map(|secret| (secret.name.clone(), secret.value(seed)))
            .collect()
    }

    /// The track with this name, or an error naming the ones on offer.
    pub fn track(&self, name: &str) -> Result<&str> {
        if name == OTHER {
            return Ok(OTHER);
        }
        if let Some(track) = self.tracks.iter().find(|track| *track == name) {
            return Ok(track);
        }
        let offered = format!("{}, or {OTHER} for any language", self.tracks.join(", "));
        let names = self.tracks.iter().map(String::as_str).chain([OTHER]);
        match crate::suggest::closest(name, names) {
            Some(best) => bail!(
                "`{}` has no track `{name}`. Did you mean `{best}`? (tracks: {offered})",
                self.id
            ),
            None => bail!("`{}` has no track `{name}`; it offers: {offered}", self.id),
        }
    }

    pub fn scaffold(&self, track: &str) -> Result<Scaffold> {
        if track == OTHER {
            let config = OTHER_CONFIG.replace("{exercise}", &self.id);
            return Ok(Scaffold {
                files: vec![(PathBuf::from("learn.toml"), config.into_bytes())],
            });
        }
        let files = self
            .source
            .files(&format!("scaffolds/{}/{track}", self.id))
            .with_context(|| format!("the course has no scaffold for {} in {track}", self.id))?;
        Ok(Scaffold { files })
    }
}

fn load_exercise(source: &Source, id: &str) -> Result<Exercise> {
    let file = source.name(&format!("exercises/{id}/exercise.toml"));
    let text = source.text(&format!("exercises/{id}/exercise.toml"))?;
    let raw: RawExercise =
        toml::from_str(&text).map_err(|error| SourceError::from_toml(&file, &text, &error))?;
    let env: Vec<(String, String)> = raw
        .env
        .into_iter()
        .map(|(name, value)| match value {
            toml::Value::String(value) => Ok((name, value)),
            _ => bail!("{file}: env.{name} must be a string"),
        })
        .collect::<Result<_>>()?;
    let secrets: Vec<Secret> = raw
        .secrets
        .into_iter()
        .map(|(name, spec)| {
            let spec = spec
                .as_str()
                .ok_or_else(|| anyhow::anyhow!("{file}: secrets.{name} must be a string"))?;
            let secret =
                Secret::parse(&name, spec).map_err(|error| anyhow::anyhow!("{file}: {error}"))?;
            let taken = [
                "PORT",
                "TZ",
                "LANG",
                "DATABASE_URL",
                "PYTHONHASHSEED",
                "OAUTH_ISSUER",
                "OAUTH_CLIENT_ID",
                "OAUTH_CLIENT_SECRET",
            ];
            if taken.contains(&name.as_str()) || env.iter().any(|(other, _)| *other == name) {
                bail!("{file}: secrets.{name}: the server already gets a {name}");
            }
            Ok(secret)
        })
        .collect::<Result<_>>()?;
    let database = match raw.database.as_deref() {
        None => None,
        Some("sqlite") => Some(Database::Sqlite),
        Some(other) => {
            bail!("{file}: database = \"{other}\" is not one learn provides; use \"sqlite\"")
        }
    };
    let services = raw
        .services
        .iter()
        .map(|name| {
            Service::ALL
                .iter()
                .find(|(known, _)| known == name)
                .map(|(_, service)| *service)
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "{file}: services: \"{name}\" is not one learn provides; use \"oauth\""
                    )
                })
        })
        .collect::<Result<_>>()?;
    let openapi = match raw.openapi {
        Some(path) if !path.starts_with('/') || path.contains(char::is_whitespace) => {
            bail!(
                "{file}: openapi: \"{path}\" is the path the server serves its document at, like \"/openapi.json\""
            )
        }
        other => other,
    };
    let readme_file = format!("exercises/{id}/README.md");
    let readme = source.text(&readme_file)?;
    readme::validate(&readme, &raw.tracks)
        .map_err(|error| anyhow::anyhow!("{}: {error}", source.name(&readme_file)))?;
    let defaults = Timeouts::default();
    let ms = |value: Option<u64>, default: Duration| value.map_or(default, Duration::from_millis);
    Ok(Exercise {
        id: id.to_string(),
        title: raw.title,
        stage: raw.stage,
        summary: raw.summary,
        tracks: raw.tracks,
        env,
        secrets,
        database,
        services,
        openapi,
        timeouts: Timeouts {
            build: ms(raw.timeouts.build_ms, defaults.build),
            start: ms(raw.timeouts.start_ms, defaults.start),
            request: ms(raw.timeouts.request_ms, defaults.request),
            check: ms(raw.timeouts.check_ms, defaults.check),
            run: ms(raw.timeouts.run_ms, defaults.run),
        },
        readme,
        checks_file: source.name(&format!("exercises/{id}/checks.toml")),
        checks_source: source.text(&format!("exercises/{id}/checks.toml"))?,
        source: source.clone(),
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
    fn a_secret_is_fresh_for_each_seed_and_the_same_for_one() {
        let key = Secret::parse("SIGNING_KEY", "hex:32").unwrap();
        let password = Secret::parse("ADMIN_PASSWORD", "word:40").unwrap();
        assert_eq!(key.value(7), key.value(7));
        assert_ne!(key.value(7), key.value(8));
        assert_ne!(
            password.value(7),
            Secret::parse("OTHER", "word:40").unwrap().value(7)
        );
        assert_eq!(key.value(7).len(), 64);
        assert!(key.value(7).chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(password.value(7).len(), 40);
        assert!(password.value(7).chars().all(|c| c.is_ascii_alphanumeric()));
    }

    #[test]
    fn a_malformed_secret_says_what_is_expected() {
        for (name, spec, says) in [
            ("KEY", "base64:32", "expected \"hex:N\" or \"word:N\""),
            ("KEY", "hex:0", "a number from 1 to 256"),
            ("KEY", "hex", "a number from 1 to 256"),
            ("jwt-secret", "hex:32", "an environment variable's"),
        ] {
            let error = Secret::parse(name, spec).unwrap_err();
            assert!(error.contains(says), "{name} = {spec}: {error}");
        }
    }

    #[test]
    fn every_embedded_exercise_loads_with_valid_checks() {
        let course = Course::load(None).unwrap();
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
        let course = Course::load(None).unwrap();
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
