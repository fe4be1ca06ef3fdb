//! What untrusted code (the build and the server) may see of learn's own world. In
//! grade mode that code is a stranger's: it gets a clean environment, never the
//! grader's (a CI secret in learn's environment must not reach a submission).

use tokio::process::Command;

/// How untrusted code runs: what it sees of learn's environment, and the limits of the
/// build's and the server's process trees.
#[derive(Clone, Copy, Debug)]
pub struct Sandbox {
    pub environment: Environment,
    pub build: Option<Limits>,
    pub server: Option<Limits>,
}

impl Sandbox {
    /// A learner's own code on the learner's own machine (check, watch, doctor, verify).
    pub const OFF: Sandbox = Sandbox {
        environment: Environment::Inherited,
        build: None,
        server: None,
    };

    /// A stranger's code on a grader's machine.
    pub const GRADING: Sandbox = Sandbox {
        environment: Environment::Clean,
        build: Some(Limits::BUILDING),
        server: Some(Limits::GRADING),
    };
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
const ALLOWED: [&str; 27] = [
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
    pub address_space_mib: u64,
    pub cpu_seconds: u64,
    pub file_size_mib: u64,
    pub open_files: u64,
    /// Processes in the server's group; enforced by watching, as root ignores RLIMIT_NPROC.
    pub processes: usize,
}

impl Limits {
    pub const GRADING: Limits = Limits {
        address_space_mib: 2048,
        cpu_seconds: 120,
        file_size_mib: 64,
        open_files: 1024,
        processes: 64,
    };

    /// For a build: generous enough for `pip install` and `npm ci`, bounded all the same.
    pub const BUILDING: Limits = Limits {
        address_space_mib: 4096,
        cpu_seconds: 600,
        file_size_mib: 512,
        open_files: 4096,
        processes: 256,
    };

    /// Shell lines that set the limits before the run command starts, so nothing the
    /// server starts escapes them (POSIX `ulimit`; sizes in KiB and 512-byte blocks).
    /// A limit the machine's hard limit forbids raising is left as the machine has it.
    pub fn shell_prefix(&self) -> String {
        [
            format!("ulimit -v {}", self.address_space_mib * 1024),
            format!("ulimit -t {}", self.cpu_seconds),
            format!("ulimit -f {}", self.file_size_mib * 2048),
            format!("ulimit -n {}", self.open_files),
        ]
        .iter()
        .map(|line| format!("{line} 2>/dev/null\n"))
        .collect()
    }
}

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
