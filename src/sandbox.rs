//! What untrusted code (the build and the server) may see of learn's own world. In
//! grade mode that code is a stranger's: it gets a clean environment, never the
//! grader's (a CI secret in learn's environment must not reach a submission).

use std::sync::{Arc, Mutex};

use tokio::process::Command;

use crate::jail::Cell;
use crate::platform::{self, Kill};

/// How untrusted code runs: what it sees of learn's environment, the limits of the
/// build's and the server's process trees, and the jail they run in (grade mode, as root).
#[derive(Clone)]
pub struct Sandbox {
    pub environment: Environment,
    pub build: Option<Limits>,
    pub server: Option<Limits>,
    pub jail: Option<Arc<Cell>>,
}

impl Sandbox {
    /// A learner's own code on the learner's own machine (check, watch, doctor, verify).
    pub const OFF: Sandbox = Sandbox {
        environment: Environment::Inherited,
        build: None,
        server: None,
        jail: None,
    };

    /// A stranger's code on a grader's machine.
    pub const GRADING: Sandbox = Sandbox {
        environment: Environment::Clean,
        build: Some(Limits::BUILDING),
        server: Some(Limits::GRADING),
        jail: None,
    };

    /// `sh -c script` as untrusted code runs: in the jail if there is one, with
    /// `limits` set by the shell first, in this sandbox's environment. The caller adds
    /// the run's own variables, folder and pipes.
    pub fn shell(&self, script: &str, limits: Option<Limits>) -> Command {
        let script = match limits {
            Some(limits) => format!("{}{script}", limits.shell_prefix()),
            None => script.to_string(),
        };
        let mut command = match &self.jail {
            Some(cell) => cell.command(&script, limits.map_or(4096, |limits| limits.threads)),
            None => {
                let mut command = Command::new("sh");
                command.arg("-c").arg(script);
                command
            }
        };
        self.environment.apply(&mut command);
        if let Some(cell) = &self.jail {
            command.envs(cell.private_env());
        }
        command
    }
}

/// Which of learn's environment variables the build and the server get.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Environment {
    /// All of them: a learner's own code on the learner's own machine.
    Inherited,
    /// Only what a toolchain needs to find itself, its caches and the network.
    Clean,
}

/// Variables a toolchain needs, passed on by name.
const ALLOWED: [&str; 32] = [
    "PATH",
    "HOME",
    "USER",
    "LOGNAME",
    "TMPDIR",
    // Certificates and proxies, for package registries behind a company's network.
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "NODE_EXTRA_CA_CERTS",
    "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "no_proxy",
    // Where toolchains and their caches live.
    "PYENV_ROOT",
    "PYENV_VERSION",
    "VIRTUAL_ENV",
    "GOPATH",
    "GOCACHE",
    "GOMODCACHE",
    "GOFLAGS",
    "GOPROXY",
    "GOSUMDB",
    "GONOSUMDB",
    "GOPRIVATE",
    "GONOPROXY",
    "GOTOOLCHAIN",
    "CARGO_HOME",
    "RUSTUP_HOME",
    "JAVA_HOME",
];

/// Families of toolchain settings, passed on by prefix: pip's and npm's own
/// configuration (a cache folder, a registry mirror).
const ALLOWED_PREFIXES: [&str; 3] = ["PIP_", "npm_config_", "NPM_CONFIG_"];

impl Environment {
    /// Give `command` this environment; the run's own variables (PORT, the exercise's)
    /// are added after.
    pub fn apply(self, command: &mut Command) {
        if self == Environment::Clean {
            command.env_clear().envs(allowed(std::env::vars_os()));
        }
    }
}

/// The variables of `vars` that a clean environment keeps.
fn allowed(
    vars: impl Iterator<Item = (std::ffi::OsString, std::ffi::OsString)>,
) -> impl Iterator<Item = (std::ffi::OsString, std::ffi::OsString)> {
    vars.filter(|(name, _)| {
        name.to_str().is_some_and(|name| {
            ALLOWED.contains(&name)
                || ALLOWED_PREFIXES
                    .iter()
                    .any(|prefix| name.starts_with(prefix))
        })
    })
}

/// Resource limits for an untrusted process tree: a server's or a build's (grade mode).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Data memory (RLIMIT_DATA: heap and private writable maps). Not address space:
    /// V8 reserves gigabytes it never uses for WebAssembly, and the JVM and Go do too.
    pub data_mib: u64,
    pub cpu_seconds: u64,
    pub file_size_mib: u64,
    pub open_files: u64,
    /// Processes of the tree (in a jail, of the jail's user, whatever their session);
    /// enforced by watching, as root ignores RLIMIT_NPROC.
    pub processes: usize,
    /// Processes and threads the jail's user may have at all (RLIMIT_NPROC, which
    /// counts threads): the kernel's backstop behind the watch, generous for runtimes
    /// that start a thread per core.
    pub threads: u64,
}

impl Limits {
    pub const GRADING: Limits = Limits {
        data_mib: 2048,
        cpu_seconds: 120,
        file_size_mib: 64,
        open_files: 1024,
        processes: 64,
        threads: 1024,
    };

    /// For a build: generous enough for `pip install` and `npm ci`, bounded all the same.
    pub const BUILDING: Limits = Limits {
        data_mib: 4096,
        cpu_seconds: 600,
        file_size_mib: 512,
        open_files: 4096,
        processes: 256,
        threads: 4096,
    };

    /// Shell lines that set the limits before the run command starts, so nothing the
    /// server starts escapes them (POSIX `ulimit`; sizes in KiB and 512-byte blocks).
    /// A limit the machine's hard limit forbids raising is left as the machine has it.
    pub fn shell_prefix(&self) -> String {
        [
            format!("ulimit -d {}", self.data_mib * 1024),
            format!("ulimit -t {}", self.cpu_seconds),
            format!("ulimit -f {}", self.file_size_mib * 2048),
            format!("ulimit -n {}", self.open_files),
        ]
        .iter()
        .map(|line| format!("{line} 2>/dev/null\n"))
        .collect()
    }
}

/// What a process watch counts: a process group and all it started, or every process
/// of a jail's user.
#[derive(Clone, Copy, Debug)]
pub enum Tree {
    Group(i32),
    User(u32),
}

impl Tree {
    /// The tree of the command `shell` started as group `pgid`.
    pub fn of(sandbox: &Sandbox, pgid: i32) -> Tree {
        match &sandbox.jail {
            Some(cell) => Tree::User(cell.owner().0),
            None => Tree::Group(pgid),
        }
    }

    fn size(self) -> usize {
        match self {
            Tree::Group(pgid) => platform::tree_size(pgid),
            Tree::User(uid) => platform::processes_of(uid),
        }
    }
}

/// Kill group `pgid` (and so a jail) when `tree` holds more than `most` processes (a
/// fork bomb); the reason goes to `killed_because`. Ends when the tree is empty.
pub async fn watch_processes(
    pgid: i32,
    tree: Tree,
    most: usize,
    killed_because: Arc<Mutex<Option<String>>>,
) {
    loop {
        tokio::time::sleep(WATCH_POLL).await;
        let count = tree.size();
        if count > most {
            *killed_because.lock().expect("reason lock") = Some(format!(
                "learn stopped it: it started more than {most} processes"
            ));
            platform::kill_group(pgid, Kill::Now);
            return;
        }
        if count == 0 {
            return;
        }
    }
}

/// How often the process count of a limited tree is looked at.
const WATCH_POLL: std::time::Duration = std::time::Duration::from_millis(20);

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsString;

    #[test]
    fn a_clean_environment_keeps_the_toolchains_and_drops_the_rest() {
        let vars = [
            ("PATH", "/usr/bin"),
            ("HOME", "/root"),
            ("PIP_CACHE_DIR", "/cache/pip"),
            ("npm_config_cache", "/cache/npm"),
            ("GITHUB_TOKEN", "ghp_secret"),
            ("AWS_SECRET_ACCESS_KEY", "secret"),
            ("PATHOLOGICAL", "x"),
            ("LD_PRELOAD", "/tmp/evil.so"),
        ]
        .map(|(name, value)| (OsString::from(name), OsString::from(value)));
        let kept: Vec<String> = allowed(vars.into_iter())
            .map(|(name, _)| name.into_string().unwrap())
            .collect();
        assert_eq!(kept, ["PATH", "HOME", "PIP_CACHE_DIR", "npm_config_cache"]);
    }
}
