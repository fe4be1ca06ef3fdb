//! Grade mode, run as root: every submission's build and server run in a jail. A jail
//! is an unprivileged user of its own (one per parallel slot), a PID namespace of its
//! own (everything the submission starts dies with it, on every path, and it sees no
//! other process: not learn, not a neighbour), a private home, temp folder and caches,
//! a copy of the submission owned by that user, and a mount namespace in which learn's
//! binary, the course, the grader's home, the other submissions and the reports are
//! hidden. Without root (or where the kernel refuses namespaces) there is no jail, and
//! the report says which protections applied.
//!
//! The jail is entered through learn's own binary (`learn __jail`), which unshares the
//! namespaces, hides what must not be seen, and forks the namespace's init; the init
//! starts the command as the jail's user, forwards signals to it, and reaps orphans.
//! When the command ends, the init ends, and the kernel kills whatever is left.

use std::ffi::{CString, OsStr, OsString};
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

/// The hidden subcommand that enters a jail.
pub const ENTER: &str = "__jail";
/// Its form that kills every process of a jail's user instead.
const KILL: &str = "--kill";

/// The first user id of the jails' users; slot `n` runs as `FIRST_UID + n`. Far above
/// the ranges of real users, system users and container id maps.
const FIRST_UID: u32 = 0x7F00_0000;
/// How many slots there can be at most (several learns on one machine each take free ones).
const MOST_SLOTS: u32 = 256;
/// The largest submission that is copied into a jail.
const COPY_LIMIT_BYTES: u64 = 1 << 30;
const COPY_LIMIT_ENTRIES: u64 = 200_000;

/// What a jail is told when it is entered (one command-line argument, as JSON).
#[derive(Serialize, Deserialize, Debug, Clone)]
struct Spec {
    uid: u32,
    gid: u32,
    /// Most processes and threads the jail's user may have at once (RLIMIT_NPROC).
    threads: u64,
    /// Hidden: a folder gets an empty one over it, a file an empty file.
    hide: Vec<PathBuf>,
    /// Seen again inside a hidden folder: a toolchain under the grader's home.
    expose: Vec<PathBuf>,
    /// A PID and a mount namespace of its own; without (where the kernel refuses them,
    /// as in a container without CAP_SYS_ADMIN), only the user of its own.
    namespaces: bool,
}

/// The jails of one `learn grade`: a private folder of learn's, the slots, and what
/// every jail hides and exposes.
pub struct Prison {
    /// The private folder that holds the slots (root's, traversable only).
    root: tempfile::TempDir,
    caches: PathBuf,
    hide: Vec<PathBuf>,
    expose: Vec<PathBuf>,
    free: Arc<Mutex<Vec<Slot>>>,
    /// Whether the kernel lets learn make namespaces here.
    namespaces: bool,
}

struct Slot {
    uid: u32,
    /// Held while this learn uses the slot, so two learns never share a user.
    _lock: fs::File,
    /// The jail user's caches (pip's, npm's), kept from one submission to the next.
    cache: PathBuf,
}

/// One submission's jail: its slot, and its copy of the submission.
pub struct Cell {
    spec: Spec,
    /// The copy of the submission, owned by the jail's user.
    pub work: PathBuf,
    home: PathBuf,
    tmp: PathBuf,
    cache: PathBuf,
    /// Where the slot goes back when the submission is done.
    free: Arc<Mutex<Vec<Slot>>>,
    slot: Option<Slot>,
}

impl Prison {
    /// Jails for `slots` parallel runs, hiding `hide` (the course, the submissions, the
    /// reports) besides learn's binary and the grader's home. Err says why there can be
    /// none here (not root, no namespaces).
    pub fn open(slots: usize, hide: &[PathBuf]) -> Result<Prison, String> {
        if !rustix::process::geteuid().is_root() {
            return Err(
                "learn does not run as root; run learn grade as root to jail it".to_string(),
            );
        }
        let caches = directories::ProjectDirs::from("", "", "learn")
            .map(|dirs| dirs.cache_dir().join("jails"))
            .ok_or("no cache folder")?;
        fs::create_dir_all(&caches).map_err(|error| error.to_string())?;
        let root = tempfile::Builder::new()
            .prefix("learn-jails-")
            .tempdir()
            .map_err(|error| error.to_string())?;
        // Jail users may pass through to their own slot, not list the others.
        fs::set_permissions(root.path(), fs::Permissions::from_mode(0o711))
            .map_err(|error| error.to_string())?;
        let mut hidden: Vec<PathBuf> = hide.iter().filter_map(|path| canonical(path)).collect();
        if let Some(exe) = std::env::current_exe().ok().and_then(|exe| canonical(&exe)) {
            hidden.push(exe);
        }
        let home = std::env::var_os("HOME").and_then(|home| canonical(Path::new(&home)));
        let home = home.filter(|home| home.parent().is_some());
        let expose = home.as_deref().map(toolchains_under).unwrap_or_default();
        hidden.extend(home);
        let mut prison = Prison {
            root,
            caches,
            hide: hidden,
            expose,
            free: Arc::default(),
            namespaces: true,
        };
        let mut slots_taken = Vec::new();
        let mut uid = FIRST_UID;
        while slots_taken.len() < slots && uid < FIRST_UID + MOST_SLOTS {
            if let Some(slot) = prison.take_slot(uid) {
                slots_taken.push(slot);
            }
            uid += 1;
        }
        if slots_taken.len() < slots {
            return Err("every jail user is taken by other learns".to_string());
        }
        *prison.free.lock().expect("slots lock") = slots_taken;
        if let Err(refused) = prison.probe() {
            // A user of its own still protects learn and the neighbours' processes.
            prison.namespaces = false;
            prison
                .probe()
                .map_err(|error| format!("{refused}, and without namespaces {error}"))?;
        }
        Ok(prison)
    }

    /// The slot of user `uid`, unless a real user has that id or another learn holds it.
    fn take_slot(&self, uid: u32) -> Option<Slot> {
        if user_exists(uid) {
            return None;
        }
        let lock_path = self.caches.join(format!("{uid}.lock"));
        let lock = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .ok()?;
        rustix::fs::flock(&lock, rustix::fs::FlockOperation::NonBlockingLockExclusive).ok()?;
        let cache = self.caches.join(uid.to_string());
        own_dir(&cache, uid, false).ok()?;
        Some(Slot {
            uid,
            _lock: lock,
            cache,
        })
    }

    /// Enter a jail once, to know the kernel allows it here: the command runs as the
    /// jail's user and cannot read learn's binary through /proc.
    fn probe(&self) -> Result<(), String> {
        let cell = self.cell(None)?;
        let exe = std::env::current_exe().map_err(|error| error.to_string())?;
        let learn = if self.namespaces {
            "1".to_string()
        } else {
            std::process::id().to_string()
        };
        let output = std::process::Command::new(exe)
            .arg(ENTER)
            .arg(
                serde_json::to_string(&Spec {
                    threads: 16,
                    ..cell.spec.clone()
                })
                .expect("a spec"),
            )
            .arg(format!(
                "test \"$(id -u)\" = {} && test ! -r /proc/{learn}/exe{}",
                cell.spec.uid,
                // Every folder on PATH is still within reach (a toolchain under the
                // grader's home is, through the namespace, or by its permissions).
                std::env::var_os("PATH")
                    .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
                    .unwrap_or_default()
                    .iter()
                    .filter(|dir| dir.is_absolute() && dir.is_dir())
                    .map(|dir| {
                        let dir = dir.display().to_string();
                        format!(" && test -x {}", crate::report::human::quote(&dir))
                    })
                    .collect::<String>()
            ))
            .current_dir(&cell.work)
            .stdin(std::process::Stdio::null())
            .output()
            .map_err(|error| format!("cannot start learn's jail: {error}"))?;
        let said = String::from_utf8_lossy(&output.stderr);
        match said.lines().last() {
            _ if output.status.success() => Ok(()),
            Some(reason) => Err(format!("the kernel refused learn's jail ({reason})")),
            None => Err("a folder on PATH is out of another user's reach".to_string()),
        }
    }

    /// A jail for one submission: a free slot, fresh private folders, and a copy of
    /// `submission` (none: an empty one) owned by the slot's user.
    pub fn cell(&self, submission: Option<&Path>) -> Result<Cell, String> {
        let slot = self
            .free
            .lock()
            .expect("slots lock")
            .pop()
            .ok_or("no free jail")?;
        let dir = self.root.path().join(slot.uid.to_string());
        let mut cell = Cell {
            spec: Spec {
                uid: slot.uid,
                gid: slot.uid,
                threads: 0,
                hide: self.hide.clone(),
                expose: self.expose.clone(),
                namespaces: self.namespaces,
            },
            work: dir.join("work"),
            home: dir.join("home"),
            tmp: dir.join("tmp"),
            cache: slot.cache.clone(),
            free: Arc::clone(&self.free),
            slot: Some(slot),
        };
        let uid = cell.spec.uid;
        let _ = fs::remove_dir_all(&dir);
        own_dir(&dir, uid, true).map_err(|error| error.to_string())?;
        for private in [&cell.home, &cell.tmp] {
            own_dir(private, uid, true).map_err(|error| error.to_string())?;
        }
        match submission {
            Some(from) => {
                let mut budget = (COPY_LIMIT_BYTES, COPY_LIMIT_ENTRIES);
                copy_tree(from, &cell.work, uid, &mut budget)
                    .map_err(|error| format!("cannot copy the submission: {error}"))?;
                // learn's own state is learn's to make: a grade always builds.
                let _ = fs::remove_dir_all(cell.work.join(crate::workspace::STATE_DIR));
            }
            None => own_dir(&cell.work, uid, true).map_err(|error| error.to_string())?,
        }
        // The jail's own folder and caches (in the grader's home), seen again if a
        // hidden folder holds them.
        cell.spec.expose.push(dir);
        cell.spec.expose.push(cell.cache.clone());
        Ok(cell)
    }
}

impl Cell {
    /// The user and group the jail's processes run as (for files made for them).
    pub fn owner(&self) -> (u32, u32) {
        (self.spec.uid, self.spec.gid)
    }

    /// Whether the jail has namespaces of its own (its processes see no other, the
    /// grader's files are hidden), or only a user of its own.
    pub fn has_namespaces(&self) -> bool {
        self.spec.namespaces
    }

    /// Kill every process of the jail's user at once (one `kill(-1)` as that user,
    /// which no fork can outrun), wherever it went: the end of a build or a server.
    pub fn kill_all(&self) {
        // With namespaces, the end of the jail's init has killed everything already.
        if self.spec.namespaces {
            return;
        }
        if let Ok(exe) = std::env::current_exe() {
            let _ = std::process::Command::new(exe)
                .arg(ENTER)
                .arg(KILL)
                .arg(self.spec.uid.to_string())
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status();
        }
    }

    /// `sh -c script` in this jail, its user allowed `threads` processes and threads.
    pub fn command(&self, script: &str, threads: u64) -> tokio::process::Command {
        let exe = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("/proc/self/exe"));
        let mut command = tokio::process::Command::new(exe);
        let spec = Spec {
            threads,
            ..self.spec.clone()
        };
        command
            .arg(ENTER)
            .arg(serde_json::to_string(&spec).expect("a spec"))
            .arg(script);
        command
    }

    /// The jail's private folders, given to the command after the allowlisted
    /// environment (so the grader's caches and home are never named).
    pub fn private_env(&self) -> Vec<(&'static str, OsString)> {
        let cache = |name: &str| self.cache.join(name).into_os_string();
        vec![
            ("HOME", self.home.clone().into_os_string()),
            ("TMPDIR", self.tmp.clone().into_os_string()),
            ("USER", "learn-jail".into()),
            ("LOGNAME", "learn-jail".into()),
            ("XDG_CACHE_HOME", self.cache.clone().into_os_string()),
            ("PIP_CACHE_DIR", cache("pip")),
            ("npm_config_cache", cache("npm")),
        ]
    }
}

impl Drop for Cell {
    fn drop(&mut self) {
        self.kill_all();
        if let Some(dir) = self.work.parent() {
            let _ = fs::remove_dir_all(dir);
        }
        if let Some(slot) = self.slot.take() {
            self.free.lock().expect("slots lock").push(slot);
        }
    }
}

/// The folders of toolchains (on PATH or named by their variables) under `home`, which
/// the jail sees again though `home` is hidden: `/root/.pyenv` for `/root/.pyenv/shims`.
fn toolchains_under(home: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect())
        .unwrap_or_default();
    for name in [
        "PYENV_ROOT",
        "NVM_DIR",
        "CARGO_HOME",
        "RUSTUP_HOME",
        "GOROOT",
        "GOPATH",
        "JAVA_HOME",
        "VOLTA_HOME",
    ] {
        dirs.extend(std::env::var_os(name).map(PathBuf::from));
    }
    let mut found: Vec<PathBuf> = dirs
        .iter()
        .filter_map(|dir| canonical(dir))
        .filter_map(|dir| {
            let first = dir.strip_prefix(home).ok()?.components().next()?;
            Some(home.join(first))
        })
        .collect();
    found.sort();
    found.dedup();
    found
}

fn canonical(path: &Path) -> Option<PathBuf> {
    fs::canonicalize(path).ok()
}

/// Whether /etc/passwd names a user with this id.
fn user_exists(uid: u32) -> bool {
    fs::read_to_string("/etc/passwd").is_ok_and(|passwd| {
        passwd
            .lines()
            .any(|line| line.split(':').nth(2) == Some(&uid.to_string()))
    })
}

/// Make `dir` (fresh when `fresh`) a folder that only `uid` may use.
fn own_dir(dir: &Path, uid: u32, fresh: bool) -> std::io::Result<()> {
    if fresh {
        fs::create_dir(dir)?;
    } else {
        fs::create_dir_all(dir)?;
    }
    let meta = fs::symlink_metadata(dir)?;
    if !meta.is_dir() {
        return Err(std::io::Error::other("not a folder"));
    }
    std::os::unix::fs::lchown(dir, Some(uid), Some(uid))?;
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
}

/// Copy the submission `from` into the new folder `to`, owned by `uid`: folders,
/// regular files (no set-id bits) and symbolic links as they are; FIFOs, sockets,
/// devices and Python virtual environments are left out. `budget` is the bytes and entries still allowed.
fn copy_tree(from: &Path, to: &Path, uid: u32, budget: &mut (u64, u64)) -> std::io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    own_dir(to, uid, true)?;
    let mut entries: Vec<fs::DirEntry> = fs::read_dir(from)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|entry| entry.file_name());
    for entry in entries {
        if budget.1 == 0 {
            return Err(std::io::Error::other(format!(
                "it holds more than {COPY_LIMIT_ENTRIES} files"
            )));
        }
        budget.1 -= 1;
        let source = entry.path();
        let target = to.join(entry.file_name());
        let meta = fs::symlink_metadata(&source)?;
        let kind = meta.file_type();
        // A Python virtual environment names its own folder in every script: moved, it
        // is broken (and the build makes a fresh one).
        if kind.is_dir() && fs::symlink_metadata(source.join("pyvenv.cfg")).is_ok() {
            continue;
        }
        if kind.is_dir() {
            copy_tree(&source, &target, uid, budget)?;
            fs::set_permissions(
                &target,
                fs::Permissions::from_mode(meta.mode() & 0o755 | 0o700),
            )?;
        } else if kind.is_symlink() {
            std::os::unix::fs::symlink(fs::read_link(&source)?, &target)?;
            std::os::unix::fs::lchown(&target, Some(uid), Some(uid))?;
        } else if kind.is_file() {
            if meta.len() > budget.0 {
                return Err(std::io::Error::other(format!(
                    "it is larger than {} MiB",
                    COPY_LIMIT_BYTES >> 20
                )));
            }
            budget.0 -= meta.len();
            let (mut file, _) = crate::atomic::open_regular_no_follow(&source)?;
            let mut copy = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&target)?;
            std::io::copy(&mut std::io::Read::take(&mut file, meta.len()), &mut copy)?;
            std::os::unix::fs::fchown(&copy, Some(uid), Some(uid))?;
            copy.set_permissions(fs::Permissions::from_mode(meta.mode() & 0o777))?;
        }
    }
    Ok(())
}

/// `learn __jail SPEC SCRIPT`: enter the jail SPEC describes and run `sh -c SCRIPT`
/// there; exit as the script did (the same code, or the same signal).
pub fn enter(args: &[OsString]) -> ExitCode {
    if args.first().is_some_and(|arg| arg == KILL) {
        let uid = args
            .get(1)
            .and_then(|uid| uid.to_str()?.parse::<u32>().ok());
        let Some(uid) = uid.filter(|uid| *uid >= FIRST_UID) else {
            return ExitCode::from(125);
        };
        // SAFETY: this process becomes the jail's user, then signals all it may signal:
        // every process of that user but itself.
        unsafe {
            if !become_user(uid, uid) {
                return ExitCode::from(125);
            }
            libc::kill(-1, libc::SIGKILL);
        }
        return ExitCode::SUCCESS;
    }
    let (Some(spec), Some(script)) = (args.first(), args.get(1)) else {
        eprintln!("learn: {ENTER} takes a spec and a script");
        return ExitCode::from(125);
    };
    let spec: Spec = match serde_json::from_slice(spec.as_bytes()) {
        Ok(spec) => spec,
        Err(error) => {
            eprintln!("learn: a jail spec that is not valid: {error}");
            return ExitCode::from(125);
        }
    };
    match enter_jail(&spec, script) {
        Ok(never) => match never {},
        Err(error) => {
            eprintln!("learn: cannot enter the jail: {error}");
            ExitCode::from(125)
        }
    }
}

enum Never {}

/// Unshare, hide, fork the init; then wait for it and end as the script ended.
fn enter_jail(spec: &Spec, script: &OsStr) -> Result<Never, String> {
    let script = CString::new(script.as_bytes()).map_err(|_| "a script with a NUL byte")?;
    if !spec.namespaces {
        // SAFETY: become the jail's user and exec; nothing else happens in between.
        unsafe {
            if !(limit_threads(spec.threads) && become_user(spec.uid, spec.gid)) {
                return Err(format!(
                    "become user {}: {}",
                    spec.uid,
                    std::io::Error::last_os_error()
                ));
            }
            exec_shell(&script);
        }
        return Err(format!("exec /bin/sh: {}", std::io::Error::last_os_error()));
    }
    // SAFETY: plain system calls on this (single-threaded, just started) process.
    unsafe {
        check(
            libc::unshare(libc::CLONE_NEWNS | libc::CLONE_NEWPID),
            "unshare",
        )?;
        // Nothing mounted here reaches the grader's namespace.
        check(
            libc::mount(
                c"none".as_ptr(),
                c"/".as_ptr(),
                std::ptr::null(),
                libc::MS_REC | libc::MS_PRIVATE,
                std::ptr::null(),
            ),
            "make / private",
        )?;
    }
    // Opened in the new namespace before anything is hidden: the folders seen again
    // inside hidden ones.
    let exposed: Vec<(&PathBuf, fs::File)> = spec
        .expose
        .iter()
        .filter_map(|path| Some((path, fs::File::open(path).ok()?)))
        .collect();
    let holds_exposed =
        |hidden: &&PathBuf| exposed.iter().any(|(path, _)| path.starts_with(hidden));
    for hidden in spec.hide.iter().filter(holds_exposed) {
        hide(hidden)?;
    }
    for (path, folder) in &exposed {
        if fs::symlink_metadata(path).is_err() {
            fs::create_dir_all(path).map_err(|error| format!("{}: {error}", path.display()))?;
        }
        let source = c_path(Path::new(&format!(
            "/proc/self/fd/{}",
            std::os::fd::AsRawFd::as_raw_fd(folder)
        )))?;
        let target = c_path(path)?;
        // SAFETY: a bind mount of an open folder onto a path of this namespace.
        unsafe {
            check(
                libc::mount(
                    source.as_ptr(),
                    target.as_ptr(),
                    std::ptr::null(),
                    libc::MS_BIND | libc::MS_REC,
                    std::ptr::null(),
                ),
                "show a toolchain",
            )?;
        }
    }
    for hidden in spec.hide.iter().filter(|hidden| !holds_exposed(hidden)) {
        hide(hidden)?;
    }
    drop(exposed);
    let mut status_pipe = [0; 2];
    // SAFETY: fork in a single-threaded process; the child only makes system calls
    // and execs (see `init`).
    unsafe {
        check(
            libc::pipe2(status_pipe.as_mut_ptr(), libc::O_CLOEXEC),
            "pipe",
        )?;
        let pid = libc::fork();
        if pid < 0 {
            return Err(format!("fork: {}", std::io::Error::last_os_error()));
        }
        if pid == 0 {
            libc::close(status_pipe[0]);
            init(spec, &script, status_pipe[1]);
        }
        libc::close(status_pipe[1]);
        // The init forwards SIGTERM and Ctrl-C to the script; SIGKILL (which cannot be
        // ignored) ends this process, and so the init and the whole jail with it.
        for signal in [libc::SIGTERM, libc::SIGINT, libc::SIGHUP] {
            libc::signal(signal, libc::SIG_IGN);
        }
        let mut init_status = 0;
        while libc::waitpid(pid, &mut init_status, 0) < 0 {
            if std::io::Error::last_os_error().raw_os_error() != Some(libc::EINTR) {
                break;
            }
        }
        let mut status = [0u8; 4];
        let read = libc::read(status_pipe[0], status.as_mut_ptr().cast(), 4);
        let status = if read == 4 {
            i32::from_ne_bytes(status)
        } else {
            init_status
        };
        end_as(status)
    }
}

/// Exit with the status `status` of a child: its exit code, or its signal.
unsafe fn end_as(status: i32) -> ! {
    // SAFETY: reproducing a child's end on this process.
    unsafe {
        if libc::WIFSIGNALED(status) {
            let signal = libc::WTERMSIG(status);
            let no_core = libc::rlimit {
                rlim_cur: 0,
                rlim_max: 0,
            };
            libc::setrlimit(libc::RLIMIT_CORE, &no_core);
            libc::signal(signal, libc::SIG_DFL);
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            libc::sigaddset(&mut set, signal);
            libc::sigprocmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
            libc::raise(signal);
            libc::_exit(128 + signal);
        }
        libc::_exit(libc::WEXITSTATUS(status))
    }
}

/// Hide `path` in this mount namespace: an empty read-only folder over a folder, an
/// empty file over anything else. What does not exist is left alone.
fn hide(path: &Path) -> Result<(), String> {
    let Ok(meta) = fs::metadata(path) else {
        return Ok(());
    };
    let target = c_path(path)?;
    // SAFETY: mounts over paths of this private mount namespace.
    unsafe {
        if meta.is_dir() {
            check(
                libc::mount(
                    c"tmpfs".as_ptr(),
                    target.as_ptr(),
                    c"tmpfs".as_ptr(),
                    libc::MS_NOSUID | libc::MS_NODEV,
                    c"mode=0755,size=1m".as_ptr().cast(),
                ),
                "hide a folder",
            )
        } else {
            check(
                libc::mount(
                    c"/dev/null".as_ptr(),
                    target.as_ptr(),
                    std::ptr::null(),
                    libc::MS_BIND,
                    std::ptr::null(),
                ),
                "hide a file",
            )
        }
        .map_err(|error| format!("{}: {error}", path.display()))
    }
}

/// The namespace's init (PID 1): mount its /proc, start the script as the jail's
/// user, forward signals to everything in the jail, reap orphans; when the script
/// ends, write its status to `status_fd` and end, which ends the whole jail.
unsafe fn init(spec: &Spec, script: &CString, status_fd: i32) -> ! {
    // SAFETY: only system calls until exec or _exit (this is a forked child).
    unsafe {
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
        let proc_mounted = libc::mount(
            c"proc".as_ptr(),
            c"/proc".as_ptr(),
            c"proc".as_ptr(),
            libc::MS_NOSUID | libc::MS_NODEV | libc::MS_NOEXEC,
            std::ptr::null(),
        );
        if proc_mounted != 0 {
            libc::_exit(125);
        }
        // PID 1 gets only the signals it handles; handled, they wait for sigwait.
        let forwarded = [libc::SIGTERM, libc::SIGINT, libc::SIGHUP];
        let mut set: libc::sigset_t = std::mem::zeroed();
        let mut old: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for signal in forwarded.iter().chain(&[libc::SIGCHLD]) {
            libc::signal(
                *signal,
                nothing as extern "C" fn(libc::c_int) as libc::sighandler_t,
            );
            libc::sigaddset(&mut set, *signal);
        }
        libc::sigprocmask(libc::SIG_BLOCK, &set, &mut old);
        let main = libc::fork();
        if main == 0 {
            libc::sigprocmask(libc::SIG_SETMASK, &old, std::ptr::null_mut());
            for signal in forwarded.iter().chain(&[libc::SIGCHLD]) {
                libc::signal(*signal, libc::SIG_DFL);
            }
            if !(limit_threads(spec.threads) && become_user(spec.uid, spec.gid)) {
                libc::_exit(125);
            }
            exec_shell(script);
            libc::_exit(127);
        }
        if main < 0 {
            libc::_exit(125);
        }
        loop {
            let signal = libc::sigwaitinfo(&set, std::ptr::null_mut());
            if forwarded.contains(&signal) {
                // Every process of the jail but this one.
                libc::kill(-1, signal);
                continue;
            }
            loop {
                let mut status = 0;
                let reaped = libc::waitpid(-1, &mut status, libc::WNOHANG);
                if reaped <= 0 {
                    break;
                }
                if reaped == main {
                    let bytes = status.to_ne_bytes();
                    libc::write(status_fd, bytes.as_ptr().cast(), 4);
                    libc::_exit(0);
                }
            }
        }
    }
}

extern "C" fn nothing(_: libc::c_int) {}

/// At most `threads` processes and threads for this process's user (RLIMIT_NPROC).
unsafe fn limit_threads(threads: u64) -> bool {
    let limit = libc::rlimit {
        rlim_cur: threads,
        rlim_max: threads,
    };
    // SAFETY: setrlimit on this process.
    unsafe { libc::setrlimit(libc::RLIMIT_NPROC, &limit) == 0 }
}

/// Drop every privilege: no supplementary groups, the jail's group and user for good,
/// and no way back through set-id programs. False if any step failed.
unsafe fn become_user(uid: u32, gid: u32) -> bool {
    // SAFETY: credential system calls on this process.
    unsafe {
        libc::setgroups(0, std::ptr::null()) == 0
            && libc::setresgid(gid, gid, gid) == 0
            && libc::setresuid(uid, uid, uid) == 0
            && libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0
    }
}

/// Replace this process with `sh -c script`; returns only if exec failed.
unsafe fn exec_shell(script: &CString) {
    let argv = [
        c"sh".as_ptr(),
        c"-c".as_ptr(),
        script.as_ptr(),
        std::ptr::null(),
    ];
    // SAFETY: argv is NUL-terminated and outlives the call.
    unsafe {
        libc::execv(c"/bin/sh".as_ptr(), argv.as_ptr());
    }
}

fn check(result: libc::c_int, what: &str) -> Result<(), String> {
    if result == 0 {
        Ok(())
    } else {
        Err(format!("{what}: {}", std::io::Error::last_os_error()))
    }
}

fn c_path(path: &Path) -> Result<CString, String> {
    CString::new(path.as_os_str().as_bytes()).map_err(|_| "a path with a NUL byte".to_string())
}
