//! What an exercise's server gets besides its code: a database through DATABASE_URL.
//! Everything made here lives as long as the value and is removed with it: a SQLite
//! file in a temp folder, or a throwaway PostgreSQL cluster that is stopped and deleted,
//! also when the run fails or is interrupted.

pub mod oauth;
mod postgres;

use std::path::PathBuf;
use std::time::Duration;

use tempfile::TempDir;

use crate::course::{Database, Exercise, Service};
use crate::result::Problem;

pub use postgres::{Binaries, find_binaries};

/// Which database a run gives the server (`--db`, `--database-url`).
#[derive(Debug, Clone, PartialEq)]
pub enum Choice {
    /// A fresh SQLite file.
    Sqlite,
    /// A throwaway PostgreSQL cluster, started with these programs.
    Postgres(Binaries),
    /// An existing database, used as it is.
    Url(String),
}

/// Where the server's database is, for the checks that read it.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Target {
    /// The database a `DATABASE_URL` names: PostgreSQL by its scheme, else a SQLite
    /// path (as the servers read it).
    pub fn from_url(url: &str) -> Target {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Target::Postgres(url.to_string())
        } else {
            Target::Sqlite(PathBuf::from(url))
        }
    }
}

pub struct Services {
    /// Extra environment for the server.
    pub env: Vec<(String, String)>,
    /// The database, when the exercise has one.
    pub database: Option<Target>,
    /// The mock OAuth provider, when the exercise has one.
    pub oauth: Option<oauth::Provider>,
    cluster: Option<postgres::Cluster>,
    /// Removed when the run ends, also when it is interrupted.
    _scratch: Option<TempDir>,
}

impl Services {
    /// Stop what was started (a PostgreSQL cluster, gracefully) and delete it. Dropping
    /// does the same, more bluntly; this is the way for a run that ends normally.
    pub async fn stop(mut self) {
        if let Some(cluster) = self.cluster.take() {
            cluster.stop().await;
        }
    }

    /// The ports of learn's own services: a client following redirects may go there.
    pub fn ports(&self) -> Vec<u16> {
        self.oauth.iter().map(oauth::Provider::port).collect()
    }
}

/// Make the services `exercise` declares, fresh for one run (their keys from `seed`);
/// the problem when they cannot be made. `wait` bounds a database start; `owner` is
/// the user and group the server runs as, when it is not learn's (a grading jail's),
/// who gets the files.
pub async fn provision(
    exercise: &Exercise,
    choice: &Choice,
    wait: Duration,
    owner: Option<(u32, u32)>,
    seed: u64,
) -> Result<Services, Problem> {
    let mut services = make(exercise, choice, wait, owner)
        .await
        .map_err(|error| Problem::DatabaseFailed { error })?;
    if exercise.services.contains(&Service::OAuth) {
        let provider =
            oauth::Provider::start(seed)
                .await
                .map_err(|error| Problem::ServiceFailed {
                    service: "mock OAuth provider".to_string(),
                    error,
                })?;
        services.env.extend(provider.env());
        services.oauth = Some(provider);
    }
    Ok(services)
}

async fn make(
    exercise: &Exercise,
    choice: &Choice,
    wait: Duration,
    owner: Option<(u32, u32)>,
) -> Result<Services, String> {
    let none = Services {
        env: Vec::new(),
        database: None,
        oauth: None,
        cluster: None,
        _scratch: None,
    };
    let Some(Database::Sqlite) = exercise.database else {
        return Ok(none);
    };
    let with_url = |url: String, cluster, scratch| Services {
        env: vec![("DATABASE_URL".to_string(), url.clone())],
        database: Some(Target::from_url(&url)),
        oauth: None,
        cluster,
        _scratch: scratch,
    };
    match choice {
        Choice::Sqlite => {
            let scratch = tempfile::Builder::new()
                .prefix("learn-db-")
                .tempdir()
                .map_err(|error| error.to_string())?;
            if let Some((uid, gid)) = owner {
                std::os::unix::fs::chown(scratch.path(), Some(uid), Some(gid))
                    .map_err(|error| error.to_string())?;
            }
            let path = scratch.path().join("learn.sqlite3");
            Ok(with_url(path.display().to_string(), None, Some(scratch)))
        }
        Choice::Postgres(binaries) => {
            let cluster = postgres::Cluster::start(binaries, wait).await?;
            Ok(with_url(cluster.url(), Some(cluster), None))
        }
        Choice::Url(url) => Ok(with_url(url.clone(), None, None)),
    }
}
