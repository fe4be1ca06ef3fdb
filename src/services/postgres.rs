//! A throwaway PostgreSQL cluster for one run: `initdb` into a temp folder, the
//! postmaster on a free loopback port with its socket in that folder, trust auth for
//! loopback only; stopped (fast shutdown, then SIGKILL) and deleted afterwards.

use std::fs::File;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

use crate::platform::{self, GroupGuard};

/// The role and database the server gets.
const ROLE: &str = "learn";
const DATABASE: &str = "learn";
/// How long a fast shutdown may take before the cluster is killed.
const STOP_GRACE: Duration = Duration::from_secs(5);

/// PostgreSQL's server programs.
#[derive(Debug, Clone, PartialEq)]
pub struct Binaries {
    pub initdb: PathBuf,
    pub postgres: PathBuf,
}

/// Find `initdb` and `postgres`: in `$LEARN_PG_BIN` when it is set, else on PATH, else
/// where Debian and Ubuntu keep them (`/usr/lib/postgresql/<version>/bin`).
pub fn find_binaries() -> anyhow::Result<Binaries> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    if let Some(dir) = std::env::var_os("LEARN_PG_BIN") {
        dirs.push(PathBuf::from(dir));
    } else {
        if let Some(path) = std::env::var_os("PATH") {
            dirs.extend(std::env::split_paths(&path));
        }
        dirs.extend(debian_dirs());
    }
    for dir in &dirs {
        let (initdb, postgres) = (dir.join("initdb"), dir.join("postgres"));
        if initdb.is_file() && postgres.is_file() {
            return Ok(Binaries { initdb, postgres });
        }
    }
    anyhow::bail!(
        "--db postgres needs PostgreSQL's server programs (initdb and postgres), and this \
         machine does not have them.\n\
         Install them:\n  \
           Debian, Ubuntu:  sudo apt-get install postgresql\n  \
           Fedora:          sudo dnf install postgresql-server\n  \
           macOS:           brew install postgresql@17\n\
         Or use a PostgreSQL you already run: --database-url postgresql://USER@HOST:PORT/DB"
    )
}

/// `/usr/lib/postgresql/*/bin`, newest version first.
fn debian_dirs() -> Vec<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse().ok()?;
            Some((version, entry.path().join("bin")))
        })
        .collect();
    versions.sort_by_key(|(version, _)| std::cmp::Reverse(*version));
    versions.into_iter().map(|(_, dir)| dir).collect()
}

pub struct Cluster {
    port: u16,
    postmaster: Child,
    group: Option<GroupGuard>,
    /// Data, socket and log; deleted when the cluster is dropped (after it stopped).
    dir: Option<TempDir>,
}

impl Cluster {
    /// Make and start a cluster, waiting at most `wait` for it to accept connections.
    pub async fn start(binaries: &Binaries, wait: Duration) -> Result<Cluster, String> {
        let deadline = Instant::now() + wait;
        let dir = tempfile::Builder::new()
            .prefix("learn-pg-")
            .tempdir()
            .map_err(|error| format!("cannot make a temp folder: {error}"))?;
        let user = RunAs::for_postgres()?;
        user.own(dir.path())?;
        let data = dir.path().join("data");
        let log = dir.path().join("postgres.log");
        make_data(binaries, &user, dir.path(), &data).await?;
        let port = crate::server::free_port()
            .map_err(|error| format!("learn found no free port: {error}"))?;
        let log_file = File::create(&log).map_err(|error| error.to_string())?;
        user.own(&log)?;
        let mut postgres = user.command(&binaries.postgres, dir.path());
        postgres
            .arg("-D")
            .arg(&data)
            .args(["-p", &port.to_string(), "-k"])
            .arg(dir.path())
            .args(["-c", "listen_addresses=127.0.0.1"])
            // Throwaway data: durability buys nothing and costs time.
            .args(["-c", "fsync=off", "-c", "synchronous_commit=off"])
            .args(["-c", "full_page_writes=off"])
            // Shared memory files inside the data folder, so they go with it.
            .args(["-c", "dynamic_shared_memory_type=mmap"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log_file)
            .process_group(0);
        let (postmaster, group) = GroupGuard::spawn(|| postgres.spawn(), |child| Some(child.id()))
            .map_err(|error| format!("cannot start {}: {error}", binaries.postgres.display()))?;
        let mut cluster = Cluster {
            port,
            postmaster,
            group,
            dir: Some(dir),
        };
        cluster.wait_ready(deadline, &log).await?;
        Ok(cluster)
    }

    /// The URL the server gets.
    pub fn url(&self) -> String {
        format!("postgresql://{ROLE}@127.0.0.1:{}/{DATABASE}", self.port)
    }

    /// Wait until the postmaster accepts a connection, then make the server's database.
    async fn wait_ready(&mut self, deadline: Instant, log: &Path) -> Result<(), String> {
        let admin = format!(
            "host=127.0.0.1 port={} user={ROLE} dbname=postgres connect_timeout=2",
            self.port
        );
        loop {
            if let Ok(Some(status)) = self.postmaster.try_wait() {
                return Err(format!(
                    "postgres stopped at start ({status}): {}",
                    last_lines(log)
                ));
            }
            if let Ok((client, connection)) =
                tokio_postgres::connect(&admin, tokio_postgres::NoTls).await
            {
                let connection = tokio::spawn(connection);
                let made = client
                    .batch_execute(&format!("CREATE DATABASE {DATABASE}"))
                    .await;
                drop(client);
                let _ = connection.await;
                return made.map_err(|error| format!("cannot make the database: {error}"));
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "postgres did not accept connections in time: {}",
                    last_lines(log)
                ));
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Fast shutdown (SIGINT: end sessions, write nothing more), waiting up to
    /// `STOP_GRACE`; then the group is killed and the folder deleted.
    pub async fn stop(mut self) {
        self.interrupt();
        let deadline = Instant::now() + STOP_GRACE;
        while Instant::now() < deadline && self.running() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    fn running(&mut self) -> bool {
        matches!(self.postmaster.try_wait(), Ok(None))
    }

    fn interrupt(&self) {
        if let Some(pid) = rustix::process::Pid::from_raw(self.postmaster.id() as i32) {
            let _ = rustix::process::kill_process(pid, rustix::process::Signal::INT);
        }
    }
}

impl Drop for Cluster {
    /// Also on failure and interruption: stop politely if it still runs (briefly), kill
    /// the group, reap, and delete the folder.
    fn drop(&mut self) {
        if self.running() {
            self.interrupt();
            let deadline = Instant::now() + STOP_GRACE;
            while Instant::now() < deadline && self.running() {
                std::thread::sleep(Duration::from_millis(5));
            }
        }
        drop(self.group.take());
        let _ = self.postmaster.kill();
        let _ = self.postmaster.wait();
        platform::kill_orphans();
        drop(self.dir.take());
    }
}

/// initdb's options; a change to them makes a new template.
const INITDB_ARGS: [&str; 7] = [
    "--no-sync",
    "--no-instructions",
    "--auth=trust",
    "--encoding=UTF8",
    "--locale=C",
    "--username",
    ROLE,
];

/// Fill `data` with a new cluster: a copy of the cached template when there is one
/// (about a tenth of initdb's time), else initdb's own, which then becomes the template.
async fn make_data(
    binaries: &Binaries,
    user: &RunAs,
    dir: &Path,
    data: &Path,
) -> Result<(), String> {
    let template = template_dir(binaries);
    if let Some(template) = &template
        && template.join(COMPLETE).is_file()
    {
        let copied = copy_tree(&template.join("data"), data, user);
        if copied.is_ok() {
            return Ok(());
        }
        // A template that cannot be copied is no reason to fail: make the cluster anew.
        let _ = std::fs::remove_dir_all(data);
    }
    initdb(binaries, user, dir, data).await?;
    if let Some(template) = template {
        save_template(data, &template);
    }
    Ok(())
}

/// Written last into a template folder: the copy in it is whole.
const COMPLETE: &str = "complete";

/// Where the template for these programs lives (`None` without a cache folder): keyed
/// by the server program (its real path, size and time), so a new PostgreSQL gets a
/// new template.
fn template_dir(binaries: &Binaries) -> Option<PathBuf> {
    use sha2::{Digest, Sha256};
    let cache = match std::env::var_os("LEARN_CACHE_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => directories::ProjectDirs::from("", "", "learn")?
            .cache_dir()
            .to_path_buf(),
    };
    let server = std::fs::canonicalize(&binaries.postgres).ok()?;
    let metadata = std::fs::metadata(&server).ok()?;
    let modified = metadata
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    let key = format!(
        "{}\n{}\n{}\n{}",
        server.display(),
        metadata.len(),
        modified.as_nanos(),
        INITDB_ARGS.join(" ")
    );
    let hash = format!("{:x}", Sha256::digest(key.as_bytes()));
    Some(cache.join(format!("postgres-{}", &hash[..16])))
}

/// Keep a fresh cluster's data as the template. Best effort: another run may be doing
/// the same (the first to rename wins), and a cache that cannot be written only costs
/// time.
fn save_template(data: &Path, template: &Path) {
    let Some(parent) = template.parent() else {
        return;
    };
    if std::fs::create_dir_all(parent).is_err() {
        return;
    }
    let Ok(staging) = tempfile::Builder::new()
        .prefix(".postgres-template-")
        .tempdir_in(parent)
    else {
        return;
    };
    let staged = staging.path().join("data");
    let mine = RunAs { ids: None };
    if copy_tree(data, &staged, &mine).is_err()
        || std::fs::write(staging.path().join(COMPLETE), "").is_err()
    {
        return;
    }
    let staging = staging.keep();
    if std::fs::rename(&staging, template).is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
}

/// Copy a cluster's data folder, keeping every mode (PostgreSQL wants its folder 0700)
/// and handing each entry to `user`.
fn copy_tree(from: &Path, to: &Path, user: &RunAs) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    let fail = |error: std::io::Error| format!("cannot copy {}: {error}", from.display());
    let mode = std::fs::metadata(from).map_err(fail)?.permissions().mode();
    std::fs::create_dir(to).map_err(fail)?;
    std::fs::set_permissions(to, std::fs::Permissions::from_mode(mode)).map_err(fail)?;
    user.own(to)?;
    for entry in std::fs::read_dir(from).map_err(fail)? {
        let entry = entry.map_err(fail)?;
        let kind = entry.file_type().map_err(fail)?;
        let target = to.join(entry.file_name());
        if kind.is_dir() {
            copy_tree(&entry.path(), &target, user)?;
        } else if kind.is_file() {
            std::fs::copy(entry.path(), &target).map_err(fail)?;
            user.own(&target)?;
        } else {
            return Err(format!("{} is not a plain file", entry.path().display()));
        }
    }
    Ok(())
}

/// Run initdb into `data`, as `user`.
async fn initdb(binaries: &Binaries, user: &RunAs, dir: &Path, data: &Path) -> Result<(), String> {
    let mut initdb = user.command(&binaries.initdb, dir);
    initdb
        .args(INITDB_ARGS)
        .arg("--pgdata")
        .arg(data)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    let mut initdb = tokio::process::Command::from(initdb);
    initdb.kill_on_drop(true);
    // Registered like every group learn starts, so that cleaning up after another
    // run (a batch grades several at once) never takes it for an orphan.
    let (child, _group) = GroupGuard::spawn(|| initdb.spawn(), tokio::process::Child::id)
        .map_err(|error| format!("cannot run {}: {error}", binaries.initdb.display()))?;
    let output = child
        .wait_with_output()
        .await
        .map_err(|error| format!("initdb failed: {error}"))?;
    if !output.status.success() {
        return Err(format!(
            "initdb failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(())
}

/// The last lines PostgreSQL logged, for an error message.
fn last_lines(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let lines = &lines[lines.len().saturating_sub(5)..];
    if lines.is_empty() {
        "it logged nothing".to_string()
    } else {
        lines.join(" | ")
    }
}

/// PostgreSQL refuses to run as root: as root, run it as the `postgres` user (or
/// `nobody`); as anyone else, as that user.
struct RunAs {
    ids: Option<(u32, u32)>,
}

impl RunAs {
    fn for_postgres() -> Result<RunAs, String> {
        if !rustix::process::geteuid().is_root() {
            return Ok(RunAs { ids: None });
        }
        let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
        for name in ["postgres", "nobody"] {
            let found = passwd.lines().find_map(|line| {
                let fields: Vec<&str> = line.split(':').collect();
                (fields.len() > 3 && fields[0] == name)
                    .then(|| Some((fields[2].parse().ok()?, fields[3].parse().ok()?)))
                    .flatten()
            });
            if let Some(ids) = found {
                return Ok(RunAs { ids: Some(ids) });
            }
        }
        Err(
            "PostgreSQL does not run as root, and this machine has no `postgres` or \
             `nobody` user to run it as"
                .to_string(),
        )
    }

    fn own(&self, path: &Path) -> Result<(), String> {
        match self.ids {
            Some((uid, gid)) => std::os::unix::fs::chown(path, Some(uid), Some(gid))
                .map_err(|error| format!("cannot hand {} to PostgreSQL: {error}", path.display())),
            None => Ok(()),
        }
    }

    fn command(&self, program: &Path, dir: &Path) -> Command {
        let mut command = Command::new(program);
        command.current_dir(dir).env("LC_ALL", "C").env("TZ", "UTC");
        if let Some((uid, gid)) = self.ids {
            command.uid(uid).gid(gid);
        }
        command
    }
}
