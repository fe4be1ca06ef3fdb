//! Everything platform-specific about supervising the learner's processes (the build
//! and the server): process groups, signals, and which ports a process tree listens on.
//! Linux first; other Unixes degrade gracefully (no port discovery).

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

/// Kills a process group when dropped, so an error or interruption leaves nothing behind.
pub struct GroupGuard(pub i32);

impl Drop for GroupGuard {
    fn drop(&mut self) {
        kill_group(self.0, Kill::Now);
    }
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

/// The live (not zombie) processes of group `pgid`, from /proc.
#[cfg(target_os = "linux")]
fn group_members(pgid: i32) -> Vec<u32> {
    let Ok(processes) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    processes
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
                return false;
            };
            // After the parenthesised command name: state ppid pgrp ...
            let fields: Vec<&str> = stat
                .rsplit_once(')')
                .map_or("", |(_, rest)| rest)
                .split_whitespace()
                .collect();
            fields.first() != Some(&"Z")
                && fields.get(2).and_then(|g| g.parse::<i32>().ok()) == Some(pgid)
        })
        .collect()
}

/// TCP ports that processes of group `pgid` listen on (Linux: from /proc).
#[cfg(target_os = "linux")]
pub fn listening_ports(pgid: i32) -> Vec<u16> {
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
    let mut ports = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(text) = fs::read_to_string(table) else {
            continue;
        };
        for line in text.lines().skip(1) {
            let fields: Vec<&str> = line.split_whitespace().collect();
            // local_address is HEX_IP:HEX_PORT, st 0A is LISTEN, inode is field 9.
            let (Some(local), Some(state), Some(inode)) =
                (fields.get(1), fields.get(3), fields.get(9))
            else {
                continue;
            };
            if *state != "0A" || !socket_inodes.contains(*inode) {
                continue;
            }
            if let Some(port) = local
                .rsplit_once(':')
                .and_then(|(_, p)| u16::from_str_radix(p, 16).ok())
            {
                ports.push(port);
            }
        }
    }
    ports.sort_unstable();
    ports.dedup();
    ports
}

#[cfg(not(target_os = "linux"))]
pub fn listening_ports(_pgid: i32) -> Vec<u16> {
    Vec::new()
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use std::os::unix::process::CommandExt;
    use std::process::Command;

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
        assert_eq!(listening_ports(pgid), vec![port]);
        assert!(group_alive(pgid));
        kill_group(pgid, Kill::Now);
        child.wait().unwrap();
        assert!(!group_alive(pgid));
    }
}
