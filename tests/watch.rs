//! `learn watch` for real, under a pseudo-terminal (util-linux `script`): saves start
//! new runs, keys work, and quitting or Ctrl-C leaves no process behind.

mod common;

use std::fs;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{copy_dir, processes_inside, repo};

/// `learn watch` running in `dir` under a pseudo-terminal, its screen collected.
struct Watch {
    child: Child,
    screen: Arc<Mutex<String>>,
    /// How much of the screen the waits have already looked at.
    seen: usize,
}

impl Watch {
    fn start(dir: &Path, data: &Path) -> Watch {
        let learn = assert_cmd::cargo::cargo_bin("learn");
        let mut child = Command::new("script")
            .args(["-qfec", &format!("{} watch", learn.display()), "/dev/null"])
            .current_dir(dir)
            .env("LEARN_DATA_DIR", data)
            .env_remove("NO_COLOR")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("script(1) from util-linux runs learn under a pseudo-terminal");
        let screen = Arc::new(Mutex::new(String::new()));
        let mut stdout = child.stdout.take().unwrap();
        let collected = Arc::clone(&screen);
        std::thread::spawn(move || {
            let mut chunk = [0u8; 4096];
            while let Ok(n @ 1..) = stdout.read(&mut chunk) {
                collected
                    .lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&chunk[..n]));
            }
        });
        Watch {
            child,
            screen,
            seen: 0,
        }
    }

    /// Wait until `text` shows up after what earlier waits saw.
    fn wait_for(&mut self, text: &str, within: Duration) {
        let deadline = Instant::now() + within;
        loop {
            {
                let screen = self.screen.lock().unwrap();
                if let Some(at) = screen[self.seen..].find(text) {
                    self.seen += at + text.len();
                    return;
                }
            }
            assert!(
                Instant::now() < deadline,
                "no {text:?} within {within:?}; the screen:\n{}",
                self.screen.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn press(&mut self, key: &[u8]) {
        let stdin = self.child.stdin.as_mut().unwrap();
        stdin.write_all(key).unwrap();
        stdin.flush().unwrap();
    }

    fn exit_code(mut self) -> i32 {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().unwrap_or(-1);
            }
            assert!(Instant::now() < deadline, "learn watch did not end");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).unwrap();
    assert!(text.contains(from));
    fs::write(path, text.replace(from, to)).unwrap();
}

#[test]
fn saves_rerun_the_checks_and_q_quits_cleanly() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("hello");
    copy_dir(&repo().join("tests/solutions/hello-http/python"), &dir);
    let mut watch = Watch::start(&dir, &temp.path().join("data"));
    watch.wait_for("All 12 checks passed", Duration::from_secs(180));
    watch.wait_for("q quit", Duration::from_secs(10));

    let app = dir.join("app.py");
    edit(&app, "jsonify(status=\"ok\")", "jsonify(status=\"OK\")");
    watch.wait_for("11 of 12 checks passed", Duration::from_secs(30));
    watch.wait_for("q quit", Duration::from_secs(10));
    watch.press(b"h");
    watch.wait_for("2 of 2 for", Duration::from_secs(10));
    watch.press(b"l");
    watch.wait_for("Your server's last lines", Duration::from_secs(10));

    // Two failures: the first in full, the other on its line until `a` expands both.
    edit(&app, "Hello, world!", "Hello, you!");
    watch.wait_for(
        "curl -i 'http://127.0.0.1:8000/health'",
        Duration::from_secs(30),
    );
    watch.wait_for("more checks fail (listed above)", Duration::from_secs(10));
    watch.wait_for(
        "press a to see every failure in full",
        Duration::from_secs(10),
    );
    watch.wait_for("q quit", Duration::from_secs(10));
    watch.press(b"a");
    watch.wait_for(
        "curl -i 'http://127.0.0.1:8000/health'",
        Duration::from_secs(10),
    );
    watch.wait_for(
        "curl -i 'http://127.0.0.1:8000/greeting'",
        Duration::from_secs(10),
    );
    edit(&app, "Hello, you!", "Hello, world!");
    watch.wait_for("11 of 12 checks passed", Duration::from_secs(30));

    // A crash at start does not stop the watching.
    let working = fs::read_to_string(&app).unwrap();
    fs::write(&app, "this is not python\n").unwrap();
    watch.wait_for(
        "Your server stopped before it accepted any connection",
        Duration::from_secs(30),
    );
    fs::write(
        &app,
        working.replace("jsonify(status=\"OK\")", "jsonify(status=\"ok\")"),
    )
    .unwrap();
    watch.wait_for("All 12 checks passed", Duration::from_secs(30));
    watch.wait_for("q quit", Duration::from_secs(10));

    watch.press(b"q");
    assert_eq!(watch.exit_code(), 0);
    assert_eq!(processes_inside(temp.path()), Vec::<String>::new());
}

#[test]
fn ctrl_c_stops_watching_and_the_server() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("hello");
    copy_dir(&repo().join("tests/solutions/hello-http/node"), &dir);
    let mut watch = Watch::start(&dir, &temp.path().join("data"));
    watch.wait_for("All 12 checks passed", Duration::from_secs(180));
    watch.wait_for("q quit", Duration::from_secs(10));
    // A save starts a run; Ctrl-C while it runs stops it all.
    fs::write(dir.join("notes.txt"), "a save").unwrap();
    watch.wait_for("checking hello-http", Duration::from_secs(10));
    watch.press(&[3]);
    assert_eq!(watch.exit_code(), 130);
    assert_eq!(processes_inside(temp.path()), Vec::<String>::new());
}
