//! Why a server did not start, in one sentence with the fix: for the report of
//! `learn check` and for `learn doctor`.

use std::net::SocketAddr;

use crate::result::Problem;

/// The likely cause of a start failure, and what to do about it.
pub fn diagnose(problem: &Problem, server_log: &[String]) -> Option<String> {
    let output = server_log.join("\n");
    match problem {
        Problem::ServerNotListening {
            port, listening, ..
        } => {
            let addresses: Vec<SocketAddr> =
                listening.iter().filter_map(|a| a.parse().ok()).collect();
            let on_port: Vec<&SocketAddr> =
                addresses.iter().filter(|a| a.port() == *port).collect();
            Some(match (on_port.first(), addresses.is_empty()) {
                (Some(address), _) if address.ip().is_ipv6() && address.ip().is_loopback() => format!(
                    "It listens on {address}, IPv6 only, where learn cannot reach it: listen on 127.0.0.1 or 0.0.0.0 instead."
                ),
                (Some(address), _) => format!(
                    "It listens on {address}, an address learn cannot reach: listen on 127.0.0.1 or 0.0.0.0 instead."
                ),
                (None, false) => {
                    let ports: Vec<String> = addresses.iter().map(|a| a.port().to_string()).collect();
                    let ports = dedup(ports).join(", ");
                    format!("It listens on port {ports} instead: read the port to listen on from the PORT environment variable.")
                }
                (None, true) => "It did not listen on any port: make sure it starts listening (app.run, app.listen) \\
                                 on the port in the PORT environment variable."
                    .to_string(),
            })
        }
        Problem::ServerExited {
            exit_code,
            killed_because: None,
            ..
        } => {
            let code = exit_code.map_or(String::new(), |code| format!(" (exit code {code})"));
            Some(
                if output.contains("EADDRINUSE") || output.contains("Address already in use") {
                    "Its port was already taken: it probably listens on a fixed port; read the port from the PORT \\
                 environment variable."
                    .to_string()
                } else if output.contains("Traceback (most recent call last)")
                    || output.contains("\\n    at ")
                {
                    "It crashed with an error: the last lines of its output name the file and line to look at.".to_string()
                } else if output.trim().is_empty() {
                    format!(
                        "It ended at once without printing anything{code}: check that `run` in learn.toml starts your \\
                     server and keeps it running."
                    )
                } else {
                    format!("It ended{code}: its output says why.")
                },
            )
        }
        _ => None,
    }
}

fn dedup(mut items: Vec<String>) -> Vec<String> {
    items.dedup();
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    fn not_listening(listening: &[&str]) -> Problem {
        Problem::ServerNotListening {
            command: "python3 app.py".to_string(),
            port: 40000,
            listening: listening.iter().map(|a| a.to_string()).collect(),
            waited_ms: 20000,
        }
    }

    fn exited(code: i32) -> Problem {
        Problem::ServerExited {
            command: "node server.js".to_string(),
            exit_code: Some(code),
            signal: None,
            port: 40000,
            killed_because: None,
        }
    }

    #[test]
    fn names_each_start_failure_with_its_fix() {
        let cases = [
            (
                not_listening(&["127.0.0.1:8000"]),
                vec![],
                "It listens on port 8000 instead",
            ),
            (not_listening(&["[::1]:40000"]), vec![], "IPv6 only"),
            (
                not_listening(&["10.1.2.3:40000"]),
                vec![],
                "It listens on 10.1.2.3:40000, an address",
            ),
            (not_listening(&[]), vec![], "It did not listen on any port"),
            (
                exited(1),
                vec!["Traceback (most recent call last):", "NameError: x"],
                "It crashed with an error",
            ),
            (
                exited(1),
                vec!["Error: listen EADDRINUSE: address already in use :::8000"],
                "already taken",
            ),
            (
                exited(0),
                vec![],
                "It ended at once without printing anything (exit code 0)",
            ),
            (
                exited(2),
                vec!["usage: app.py"],
                "It ended (exit code 2): its output says why.",
            ),
        ];
        for (problem, log, expected) in cases {
            let log: Vec<String> = log.into_iter().map(str::to_string).collect();
            let diagnosis = diagnose(&problem, &log).unwrap();
            assert!(diagnosis.contains(expected), "{diagnosis}");
        }
    }
}
