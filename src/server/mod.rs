//! Supervising the learner's server: start it on a free port, notice when it is ready,
//! keep what it prints (bounded), and stop its whole process tree.

use std::collections::BTreeSet;
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::{ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::process::Child;
use tokio::task::JoinHandle;

use crate::log_buffer::{self, Log};
use crate::platform::{self, GroupGuard, Kill};
use crate::result::Problem;
use crate::sandbox::{self, Sandbox};

/// How often readiness is polled: a refused connect costs microseconds on loopback.
const READY_POLL: Duration = Duration::from_millis(2);
/// How long a server may take to exit after SIGTERM before it gets SIGKILL.
const STOP_GRACE: Duration = Duration::from_secs(2);

/// What the server is started with (kept, so a restart starts it the same way).
#[derive(Clone)]
pub struct Launch {
    pub dir: PathBuf,
    pub command: String,
    pub env: Vec<(String, String)>,
    pub start_timeout: Duration,
    /// What the server sees of learn's world, and its limits (grade mode).
    pub sandbox: Sandbox,
}

pub struct Supervisor {
    launch: Launch,
    child: Child,
    /// The server's process group; `None` once stopped.
    group: Option<GroupGuard>,
    port: u16,
    log: Log,
    readers: Vec<JoinHandle<()>>,
    watchdog: Option<JoinHandle<()>>,
    /// Why `learn` killed the server before its time, if it did.
    killed_because: Arc<Mutex<Option<String>>>,
}

impl Supervisor {
    /// The folder the server runs in: the learner's workspace (a private copy of it
    /// when grading).
    pub fn dir(&self) -> &std::path::Path {
        &self.launch.dir
    }

    /// Start the server and wait until it accepts connections on its `PORT`.
    /// On failure the problem says why; `log` then holds what the server printed.
    pub async fn start(launch: Launch, log: Log) -> Result<Supervisor, Problem> {
        let port = free_port().map_err(|error| Problem::ServerExited {
            command: launch.command.clone(),
            exit_code: None,
            signal: None,
            port: 0,
            killed_because: Some(format!("learn found no free port: {error}")),
        })?;
        Supervisor::start_on(launch, port, log).await
    }

    /// Stop the server and start it again on the same port, with the same environment
    /// (and so the same data): the checks go on against it.
    pub async fn restart(&mut self) -> Result<(), Problem> {
        self.stop().await;
        *self = Supervisor::start_on(self.launch.clone(), self.port, Arc::clone(&self.log)).await?;
        Ok(())
    }

    async fn start_on(launch: Launch, port: u16, log: Log) -> Result<Supervisor, Problem> {
        log.lock().expect("log lock").mask_port(port);
        let mut command = launch.sandbox.shell(&launch.command, launch.sandbox.server);
        command
            .current_dir(&launch.dir)
            .env("PORT", port.to_string())
            .env("TZ", "UTC")
            .env("LANG", "C.UTF-8")
            .env("PYTHONUNBUFFERED", "1")
            .envs(launch.env.iter().map(|(name, value)| (name, value)))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .kill_on_drop(true);
        let could_not_start = || Problem::ServerExited {
            command: launch.command.to_string(),
            exit_code: None,
            signal: None,
            port,
            killed_because: None,
        };
        let (mut child, group) = GroupGuard::spawn(|| command.spawn(), |child| child.id())
            .map_err(|_| could_not_start())?;
        let group = group.ok_or_else(could_not_start)?;
        let pgid = group.pgid();
        let killed_because = Arc::new(Mutex::new(None));
        let watchdog = launch.sandbox.server.map(|limits| {
            tokio::spawn(sandbox::watch_processes(
                pgid,
                sandbox::Tree::of(&launch.sandbox, pgid),
                limits.processes,
                Arc::clone(&killed_because),
            ))
        });
        let readers = vec![
            tokio::spawn(log_buffer::drain(
                child.stdout.take().expect("piped"),
                Arc::clone(&log),
            )),
            tokio::spawn(log_buffer::drain(
                child.stderr.take().expect("piped"),
                Arc::clone(&log),
            )),
        ];
        let mut supervisor = Supervisor {
            launch: launch.clone(),
            child,
            group: Some(group),
            port,
            log,
            readers,
            watchdog,
            killed_because,
        };
        let started = Instant::now();
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        loop {
            if let Ok(Some(status)) = supervisor.child.try_wait() {
                supervisor.stop().await;
                let output = supervisor.log.lock().expect("log lock").tail(5);
                let killed_because = supervisor.killed_because();
                return Err(crate::build::missing_tool(status.code(), &output)
                    .unwrap_or_else(|| exited(&launch.command, status, port, killed_because)));
            }
            // Whoever answers must be this server, not another program that took the
            // port first (this one then fails to bind and exits, which the loop reports).
            if tokio::net::TcpStream::connect(address).await.is_ok()
                && !platform::listener_is_foreign(pgid, port)
            {
                return Ok(supervisor);
            }
            if started.elapsed() >= launch.start_timeout {
                let listening = platform::listening(pgid)
                    .iter()
                    .map(ToString::to_string)
                    .collect();
                supervisor.stop().await;
                return Err(Problem::ServerNotListening {
                    command: launch.command.to_string(),
                    port,
                    listening,
                    waited_ms: started.elapsed().as_millis() as u64,
                });
            }
            tokio::time::sleep(READY_POLL).await;
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn log(&self) -> &Log {
        &self.log
    }

    /// The exit status, if the server has ended.
    pub fn exit_status(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// Why `learn` killed the server before the checks were done, if it did.
    pub fn killed_because(&self) -> Option<String> {
        self.killed_because.lock().expect("reason lock").clone()
    }

    /// SIGTERM to the whole group, SIGKILL after a grace period, then the escapees
    /// (daemons handed to `learn` as subreaper); finally collect the output.
    pub async fn stop(&mut self) {
        let Some(group) = self.group.take() else {
            return;
        };
        let pgid = group.pgid();
        if let Some(watchdog) = self.watchdog.take() {
            watchdog.abort();
        }
        platform::kill_group(pgid, Kill::Gently);
        let deadline = Instant::now() + STOP_GRACE;
        while platform::group_alive(pgid) && Instant::now() < deadline {
            let _ = self.child.try_wait();
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        drop(group);
        let _ = self.child.wait().await;
        if let Some(cell) = &self.launch.sandbox.jail {
            cell.kill_all();
        }
        platform::kill_orphans();
        // A descendant that escaped may still hold the pipes open: do not wait for it.
        for reader in self.readers.drain(..) {
            let _ = tokio::time::timeout(Duration::from_millis(200), reader).await;
        }
    }
}

fn exited(command: &str, status: ExitStatus, port: u16, killed_because: Option<String>) -> Problem {
    use std::os::unix::process::ExitStatusExt;
    Problem::ServerExited {
        command: command.to_string(),
        exit_code: status.code(),
        signal: status.signal(),
        port,
        killed_because,
    }
}

/// A port nobody listens on right now, chosen by the kernel, and never handed out before
/// by this learn: the runs of a batch (grade, verify) start servers at the same moment,
/// and the kernel may offer a port again as soon as the probe that found it closes.
pub(crate) fn free_port() -> std::io::Result<u16> {
    static HANDED_OUT: Mutex<BTreeSet<u16>> = Mutex::new(BTreeSet::new());
    loop {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
        let port = listener.local_addr()?.port();
        if HANDED_OUT.lock().expect("port lock").insert(port) {
            return Ok(port);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_port_is_handed_out_once() {
        let ports: Vec<u16> = (0..300).map(|_| free_port().unwrap()).collect();
        let distinct: BTreeSet<u16> = ports.iter().copied().collect();
        assert_eq!(distinct.len(), ports.len());
    }
}
