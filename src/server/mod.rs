//! Supervising the learner's server: start it on a free port, notice when it is ready,
//! keep what it prints (bounded), and stop its whole process tree.

use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::Path;
use std::process::{ExitStatus, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::process::{Child, Command};
use tokio::task::JoinHandle;

use crate::log_buffer::{self, Log};
use crate::platform::{self, Kill};
use crate::result::Problem;

/// How often readiness is polled: a refused connect costs microseconds on loopback.
const READY_POLL: Duration = Duration::from_millis(2);
/// How long a server may take to exit after SIGTERM before it gets SIGKILL.
const STOP_GRACE: Duration = Duration::from_secs(2);

/// What the server is started with.
pub struct Launch<'a> {
    pub dir: &'a Path,
    pub command: &'a str,
    pub env: &'a [(String, String)],
    pub start_timeout: Duration,
}

pub struct Supervisor {
    child: Child,
    pgid: i32,
    port: u16,
    log: Log,
    readers: Vec<JoinHandle<()>>,
    stopped: bool,
}

impl Supervisor {
    /// Start the server and wait until it accepts connections on its `PORT`.
    /// On failure the problem says why; `log` then holds what the server printed.
    pub async fn start(launch: &Launch<'_>, log: Log) -> Result<Supervisor, Problem> {
        let port = free_port().map_err(|error| Problem::ServerExited {
            command: format!("{} (no free port: {error})", launch.command),
            exit_code: None,
            signal: None,
            port: 0,
        })?;
        log.lock().expect("log lock").mask_port(port);
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(launch.command)
            .current_dir(launch.dir)
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
        let mut child = command.spawn().map_err(|_| Problem::ServerExited {
            command: launch.command.to_string(),
            exit_code: None,
            signal: None,
            port,
        })?;
        let pgid = child.id().map_or(0, |id| id as i32);
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
            child,
            pgid,
            port,
            log,
            readers,
            stopped: false,
        };
        let started = Instant::now();
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        loop {
            if let Ok(Some(status)) = supervisor.child.try_wait() {
                supervisor.stop().await;
                let output = supervisor.log.lock().expect("log lock").tail(5);
                return Err(crate::build::missing_tool(status.code(), &output)
                    .unwrap_or_else(|| exited(launch.command, status, port)));
            }
            if tokio::net::TcpStream::connect(address).await.is_ok() {
                return Ok(supervisor);
            }
            if started.elapsed() >= launch.start_timeout {
                let other_ports: Vec<u16> = platform::listening_ports(pgid)
                    .into_iter()
                    .filter(|p| *p != port)
                    .collect();
                supervisor.stop().await;
                return Err(Problem::ServerNotListening {
                    command: launch.command.to_string(),
                    port,
                    other_ports,
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

    /// SIGTERM to the whole group, SIGKILL after a grace period, then collect the output.
    pub async fn stop(&mut self) {
        if self.stopped {
            return;
        }
        self.stopped = true;
        platform::kill_group(self.pgid, Kill::Gently);
        let deadline = Instant::now() + STOP_GRACE;
        while platform::group_alive(self.pgid) && Instant::now() < deadline {
            let _ = self.child.try_wait();
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        platform::kill_group(self.pgid, Kill::Now);
        let _ = self.child.wait().await;
        // A descendant that escaped the group may still hold the pipes open: do not wait for it.
        for reader in self.readers.drain(..) {
            let _ = tokio::time::timeout(Duration::from_millis(200), reader).await;
        }
    }
}

impl Drop for Supervisor {
    /// Whatever happened (an error, a panic), the server's tree does not outlive the run.
    fn drop(&mut self) {
        if !self.stopped {
            platform::kill_group(self.pgid, Kill::Now);
        }
    }
}

fn exited(command: &str, status: ExitStatus, port: u16) -> Problem {
    use std::os::unix::process::ExitStatusExt;
    Problem::ServerExited {
        command: command.to_string(),
        exit_code: status.code(),
        signal: status.signal(),
        port,
    }
}

/// A port nobody listens on right now, chosen by the kernel.
fn free_port() -> std::io::Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    Ok(listener.local_addr()?.port())
}
