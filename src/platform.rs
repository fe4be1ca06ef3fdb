//! Everything platform-specific about supervising the learner's processes (the build
//! and the server): process groups, signals, and which ports a process tree listens on.
//! Linux first; other Unixes degrade gracefully (no port discovery).

use std::sync::Mutex;

use rustix::process::{Pid, Signal, kill_process_group};

#[derive(Debug, Clone, Copy)]
pub enum Kill {
    /// Ask politely (SIGTERM): the server may finish in-flight work.
    Gently,
    /// SIGKILL: cannot be caught or ignored.
    Now,
}

/// Signal every process in the group `pgid`. A group that is already gone is fine.
pub fn kill_group(pgid: i32, kill: Kill) {
    let Some(pid) = Pid::from_raw(pgid) else {
        return;
    };
    let signal = match kill {
        Kill::Gently => Signal::TERM,
        Kill::Now => Signal::KILL,
    };
    let _ = kill_process_group(pid, signal);
}

/// The process groups `learn` started and still owns (a build, a server each).
static GROUPS: Mutex<Vec<i32>> = Mutex::new(Vec::new());

/// A process group `learn` started. While it lives, `kill_orphans` leaves its members
/// alone; when dropped, the whole group is killed, so an error, a panic or an
/// interruption leaves nothing behind.
pub struct GroupGuard(i32);

impl GroupGuard {
    /// Start a process that leads a group of its own and own that group. The start and
    /// the registration happen under one lock, so `kill_orphans` (on another thread)
    /// never mistakes a child just born for an orphan.
    pub fn spawn<T>(
        spawn: impl FnOnce() -> std::io::Result<T>,
        pid_of: impl Fn(&T) -> Option<u32>,
    ) -> std::io::Result<(T, Option<GroupGuard>)> {
        let mut groups = GROUPS.lock().expect("groups lock");
        let child = spawn()?;
        let guard = pid_of(&child).map(|pid| {
            groups.push(pid as i32);
            GroupGuard(pid as i32)
        });
        Ok((child, guard))
    }

    pub fn pgid(&self) -> i32 {
        self.0
    }
}

impl Drop for GroupGuard {
    fn drop(&mut self) {
        kill_group(self.0, Kill::Now);
        // SIGKILL takes effect within moments; wait for it (briefly), so that when
        // `learn` exits, even when interrupted, nothing of the group is still running.
        let deadline = std::time::Instant::now() + std::time::Duration::from_millis(500);
        while group_alive(self.0) && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        GROUPS
            .lock()
            .expect("groups lock")
            .retain(|pgid| *pgid != self.0);
    }
}

/// Make `learn` the reaper of its orphaned descendants (Linux), so a server that
/// double-forks a daemon into a session of its own cannot escape: the daemon becomes
/// `learn`'s child, and `kill_orphans` finds it. False where the platform cannot.
#[cfg(target_os = "linux")]
pub fn become_subreaper() -> bool {
    rustix::process::set_child_subreaper(Some(rustix::process::getpid())).is_ok()
}

#[cfg(not(target_os = "linux"))]
pub fn become_subreaper() -> bool {
    false
}

/// Kill and reap every child of `learn` that no live `GroupGuard` owns, and everything
/// they started: the daemons and other escapees of stopped servers and finished
/// builds, handed to `learn` as their subreaper.
#[cfg(target_os = "linux")]
pub fn kill_orphans() {
    use rustix::process::{WaitOptions, waitpid};
    use std::collections::HashSet;
    let me = rustix::process::getpid().as_raw_nonzero().get();
    // Held throughout, so no group is started (and so unowned) while we look.
    let owned = GROUPS.lock().expect("groups lock");
    let deadline = std::time::Instant::now() + ORPHAN_SWEEP_LIMIT;
    // Until none is left: a process may fork again as it dies (a "hopper"), and its
    // child comes to learn in turn.
    loop {
        let all = processes();
        let orphans: Vec<&Process> = all
            .iter()
            .filter(|process| process.parent == me && !owned.contains(&process.group))
            .collect();
        if orphans.is_empty() {
            return;
        }
        // Every descendant of an orphan goes in the same round, so a chain of any
        // depth dies at once instead of one link per round.
        let mut doomed: HashSet<i32> = orphans.iter().map(|process| process.pid).collect();
        loop {
            let before = doomed.len();
            for process in &all {
                if doomed.contains(&process.parent) && !owned.contains(&process.group) {
                    doomed.insert(process.pid);
                }
            }
            if doomed.len() == before {
                break;
            }
        }
        for pid in &doomed {
            if let Some(pid) = Pid::from_raw(*pid) {
                let _ = rustix::process::kill_process(pid, Signal::KILL);
            }
        }
        // Only learn's own children can be reaped; their children come back as
        // orphans (or zombies of learn's) in the next round.
        for orphan in orphans {
            if let Some(pid) = Pid::from_raw(orphan.pid) {
                let _ = waitpid(Some(pid), WaitOptions::empty());
            }
        }
        if std::time::Instant::now() >= deadline {
            return;
        }
    }
}

/// How long `kill_orphans` keeps sweeping a tree that keeps forking.
#[cfg(target_os = "linux")]
const ORPHAN_SWEEP_LIMIT: std::time::Duration = std::time::Duration::from_secs(2);

#[cfg(not(target_os = "linux"))]
pub fn kill_orphans() {}

/// How many live processes group `pgid` has, with every descendant of its leader
/// that left the group (a new session) while its parent lives.
#[cfg(target_os = "linux")]
pub fn tree_size(pgid: i32) -> usize {
    use std::collections::HashSet;
    let all: Vec<Process> = processes()
        .into_iter()
        .filter(|process| !process.zombie)
        .collect();
    let mut tree: HashSet<i32> = all
        .iter()
        .filter(|process| process.group == pgid || process.pid == pgid)
        .map(|process| process.pid)
        .collect();
    loop {
        let before = tree.len();
        for process in &all {
            if tree.contains(&process.parent) {
                tree.insert(process.pid);
            }
        }
        if tree.len() == before {
            return tree.len();
        }
    }
}

#[cfg(not(target_os = "linux"))]
pub fn tree_size(_pgid: i32) -> usize {
    0
}

/// How many live processes user `uid` has (Linux: from /proc).
#[cfg(target_os = "linux")]
pub fn processes_of(uid: u32) -> usize {
    use std::os::unix::fs::MetadataExt;
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0;
    };
    entries
        .flatten()
        .filter(|entry| {
            entry
                .file_name()
                .to_str()
                .is_some_and(|name| name.bytes().all(|b| b.is_ascii_digit()))
        })
        .filter(|entry| entry.metadata().is_ok_and(|meta| meta.uid() == uid))
        .filter(|entry| {
            std::fs::read_to_string(entry.path().join("stat"))
                .ok()
                .and_then(|stat| {
                    stat.rsplit_once(") ")
                        .map(|(_, rest)| !rest.starts_with('Z'))
                })
                .unwrap_or(false)
        })
        .count()
}

#[cfg(not(target_os = "linux"))]
pub fn processes_of(_uid: u32) -> usize {
    0
}

/// Whether any process of the group is still running. Zombies do not count: an
/// orphan waiting for init to reap it is already dead.
#[cfg(target_os = "linux")]
pub fn group_alive(pgid: i32) -> bool {
    !group_members(pgid).is_empty()
}

#[cfg(not(target_os = "linux"))]
pub fn group_alive(pgid: i32) -> bool {
    Pid::from_raw(pgid).is_some_and(|pid| rustix::process::test_kill_process_group(pid).is_ok())
}

/// A live (not zombie) process, as /proc describes it.
#[cfg(target_os = "linux")]
struct Process {
    pid: i32,
    parent: i32,
    group: i32,
    /// Dead, waiting to be reaped by its parent.
    zombie: bool,
}

#[cfg(target_os = "linux")]
fn processes() -> Vec<Process> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let pid = entry.file_name().to_str()?.parse::<i32>().ok()?;
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            // After the parenthesised command name: state ppid pgrp ...
            let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
            Some(Process {
                pid,
                parent: fields.get(1)?.parse().ok()?,
                group: fields.get(2)?.parse().ok()?,
                zombie: *fields.first()? == "Z",
            })
        })
        .collect()
}

/// The live (not zombie) processes of group `pgid`, from /proc.
#[cfg(target_os = "linux")]
fn group_members(pgid: i32) -> Vec<i32> {
    processes()
        .into_iter()
        .filter(|process| process.group == pgid && !process.zombie)
        .map(|process| process.pid)
        .collect()
}

/// Where processes of group `pgid` listen for TCP connections (Linux: from /proc).
#[cfg(target_os = "linux")]
pub fn listening(pgid: i32) -> Vec<std::net::SocketAddr> {
    use std::collections::HashSet;
    use std::fs;

    let mut socket_inodes = HashSet::new();
    for pid in group_members(pgid) {
        let Ok(fds) = fs::read_dir(format!("/proc/{pid}/fd")) else {
            continue;
        };
        for fd in fds.flatten() {
            if let Ok(target) = fs::read_link(fd.path()) {
                let target = target.to_string_lossy();
                if let Some(inode) = target
                    .strip_prefix("socket:[")
                    .and_then(|t| t.strip_suffix(']'))
                {
                    socket_inodes.insert(inode.to_string());
                }
            }
        }
    }
    let mut found: Vec<std::net::SocketAddr> = listening_sockets()
        .into_iter()
        .filter(|(_, inode)| socket_inodes.contains(inode))
        .map(|(address, _)| address)
        .collect();
    found.sort_unstable();
    found.dedup();
    found
}

/// Every listening TCP socket of the system, with its inode (Linux: /proc/net/tcp*).
#[cfg(target_os = "linux")]
fn listening_sockets() -> Vec<(std::net::SocketAddr, String)> {
    let mut found = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(text) = std::fs::read_to_string(table) else {
            continue;
        };
        for line in text.lines().skip(1) {
            let fields: Vec<&str> = line.split_whitespace().collect();
            // local_address is HEX_IP:HEX_PORT, st 0A is LISTEN, inode is field 9.
            let (Some(local), Some(&"0A"), Some(inode)) =
                (fields.get(1), fields.get(3), fields.get(9))
            else {
                continue;
            };
            if let Some(address) = parse_proc_address(local) {
                found.push((address, inode.to_string()));
            }
        }
    }
    found
}

/// Whether what listens on `port` is known to belong to some process outside group
/// `pgid` (Linux: from /proc). False when it is the group's, or when it cannot be told.
#[cfg(target_os = "linux")]
pub fn listener_is_foreign(pgid: i32, port: u16) -> bool {
    let ours = listening(pgid).iter().any(|address| address.port() == port);
    !ours && listening_anywhere(port)
}

#[cfg(not(target_os = "linux"))]
pub fn listener_is_foreign(_pgid: i32, _port: u16) -> bool {
    false
}

/// Whether the system's TCP table shows a listening socket on `port`.
#[cfg(target_os = "linux")]
fn listening_anywhere(port: u16) -> bool {
    listening_sockets()
        .iter()
        .any(|(address, _)| address.port() == port)
}

/// `0100007F:1F90` (IPv4) or 32 hex digits (IPv6), each 32-bit word in host order.
#[cfg(target_os = "linux")]
fn parse_proc_address(text: &str) -> Option<std::net::SocketAddr> {
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
    let (address, port) = text.rsplit_once(':')?;
    let port = u16::from_str_radix(port, 16).ok()?;
    let words: Vec<u32> = (0..address.len() / 8)
        .map(|i| u32::from_str_radix(&address[i * 8..i * 8 + 8], 16).map(u32::from_be))
        .collect::<Result<_, _>>()
        .ok()?;
    let bytes: Vec<u8> = words.iter().flat_map(|word| word.to_be_bytes()).collect();
    let ip = match bytes.len() {
        4 => IpAddr::V4(Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3])),
        16 => IpAddr::V6(Ipv6Addr::from(<[u8; 16]>::try_from(bytes.as_slice()).ok()?)),
        _ => return None,
    };
    Some(std::net::SocketAddr::new(ip, port))
}

#[cfg(not(target_os = "linux"))]
pub fn listening(_pgid: i32) -> Vec<std::net::SocketAddr> {
    Vec::new()
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use std::os::unix::process::CommandExt;
    use std::process::Command;

    #[test]
    fn a_listener_is_foreign_only_to_a_group_it_does_not_belong_to() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let own_group = rustix::process::getpgrp().as_raw_nonzero().get();
        assert!(!listener_is_foreign(own_group, port));
        let mut other = Command::new("sleep")
            .arg("30")
            .process_group(0)
            .spawn()
            .unwrap();
        let other_group = other.id() as i32;
        assert!(listener_is_foreign(other_group, port));
        drop(listener);
        assert!(
            !listener_is_foreign(other_group, port),
            "nobody listens now"
        );
        let _ = other.kill();
        let _ = other.wait();
    }

    #[test]
    fn reads_proc_addresses() {
        assert_eq!(
            parse_proc_address("0100007F:1F90"),
            Some("127.0.0.1:8080".parse().unwrap())
        );
        assert_eq!(
            parse_proc_address("00000000000000000000000001000000:0050"),
            Some("[::1]:80".parse().unwrap())
        );
        assert_eq!(parse_proc_address("nonsense"), None);
    }

    #[test]
    fn finds_the_port_a_group_listens_on_and_kills_the_group() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let script = format!(
            "import socket,time\ns=socket.socket()\ns.bind(('127.0.0.1',{port}))\ns.listen()\nprint('up',flush=True)\ntime.sleep(30)"
        );
        let mut child = Command::new("python3")
            .args(["-c", &script])
            .stdout(std::process::Stdio::piped())
            .process_group(0)
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stdout.as_mut().unwrap()),
            &mut line,
        )
        .unwrap();
        let pgid = child.id() as i32;
        assert_eq!(
            listening(pgid),
            vec![std::net::SocketAddr::from(([127, 0, 0, 1], port))]
        );
        assert!(group_alive(pgid));
        kill_group(pgid, Kill::Now);
        child.wait().unwrap();
        assert!(!group_alive(pgid));
    }
}

/// Make `link` a symbolic link to the folder `target` (a build's output shared by
/// copies of a workspace).
pub fn link_dir(target: &std::path::Path, link: &std::path::Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}
