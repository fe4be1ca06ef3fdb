//! What an exercise's server gets besides its code: a database through DATABASE_URL.
//! Everything made here lives as long as the value and is removed with it.

use tempfile::TempDir;

use crate::course::{Database, Exercise};
use crate::result::Problem;

pub struct Services {
    /// Extra environment for the server.
    pub env: Vec<(String, String)>,
    /// Removed when the run ends, also when it is interrupted.
    _scratch: Option<TempDir>,
}

/// Make the services `exercise` declares, fresh for one run; a problem naming the
/// server's `run_command` when they cannot be made.
pub fn provision(exercise: &Exercise, run_command: &str) -> Result<Services, Problem> {
    make(exercise).map_err(|error| Problem::ServerExited {
        command: run_command.to_string(),
        exit_code: None,
        signal: None,
        port: 0,
        killed_because: Some(format!("learn could not make its database: {error}")),
    })
}

fn make(exercise: &Exercise) -> std::io::Result<Services> {
    match exercise.database {
        None => Ok(Services {
            env: Vec::new(),
            _scratch: None,
        }),
        Some(Database::Sqlite) => {
            let scratch = tempfile::Builder::new().prefix("learn-db-").tempdir()?;
            let path = scratch.path().join("learn.sqlite3");
            Ok(Services {
                env: vec![("DATABASE_URL".to_string(), path.display().to_string())],
                _scratch: Some(scratch),
            })
        }
    }
}
