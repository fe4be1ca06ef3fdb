//! A bounded record of what a child process printed: the last lines, never more.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncRead, AsyncReadExt};

const MAX_LINES: usize = 400;
const MAX_LINE_CHARS: usize = 2000;
/// Bytes kept of one line: enough for MAX_LINE_CHARS characters of 4 bytes.
const MAX_LINE_BYTES: usize = MAX_LINE_CHARS * 4;

/// The last `MAX_LINES` lines of output, each cut to `MAX_LINE_CHARS`; memory stays
/// bounded whatever the process prints.
#[derive(Debug, Default)]
pub struct LogBuffer {
    lines: VecDeque<String>,
    /// Lines ever completed, so callers can ask for "what came since".
    total: usize,
    /// The port the process was given, written as `$PORT` so reports repeat exactly.
    port: Option<String>,
}

/// Shared between the readers of a process's streams and whoever reports on it.
pub type Log = Arc<Mutex<LogBuffer>>;

impl LogBuffer {
    /// From now on, show this port number as `$PORT`.
    pub fn mask_port(&mut self, port: u16) {
        self.port = Some(port.to_string());
    }

    fn push_line(&mut self, bytes: &[u8], cut: bool) {
        let text = String::from_utf8_lossy(bytes);
        let text = text.trim_end_matches('\r');
        let text = match &self.port {
            Some(port) => replace_number(text, port, "$PORT"),
            None => text.to_string(),
        };
        let mut line: String = text.chars().take(MAX_LINE_CHARS).collect();
        if cut || line.len() < text.len() {
            line.push_str(" [line cut]");
        }
        if self.lines.len() == MAX_LINES {
            self.lines.pop_front();
        }
        self.lines.push_back(line);
        self.total += 1;
    }

    pub fn total(&self) -> usize {
        self.total
    }

    /// The lines completed since `total()` was `mark`, at most the last `limit`.
    pub fn since(&self, mark: usize, limit: usize) -> Vec<String> {
        let new = self.total.saturating_sub(mark).min(self.lines.len());
        let take = new.min(limit);
        self.lines
            .iter()
            .skip(self.lines.len() - take)
            .cloned()
            .collect()
    }

    pub fn tail(&self, limit: usize) -> Vec<String> {
        self.since(0, limit)
    }
}

/// `text` with every whole occurrence of the number `digits` (not part of a longer
/// number) replaced.
fn replace_number(text: &str, digits: &str, with: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(digits) {
        let before = rest[..at].chars().next_back();
        let after = rest[at + digits.len()..].chars().next();
        let whole = !before.is_some_and(|c| c.is_ascii_digit())
            && !after.is_some_and(|c| c.is_ascii_digit());
        out.push_str(&rest[..at]);
        out.push_str(if whole { with } else { digits });
        rest = &rest[at + digits.len()..];
    }
    out.push_str(rest);
    out
}

/// Splits one stream into lines; each stream gets its own so lines never interleave.
#[derive(Default)]
struct LineSplitter {
    partial: Vec<u8>,
    cut: bool,
}

impl LineSplitter {
    fn feed(&mut self, mut bytes: &[u8], log: &mut LogBuffer) {
        while let Some(newline) = bytes.iter().position(|b| *b == b'\n') {
            self.keep(&bytes[..newline]);
            log.push_line(&self.partial, self.cut);
            self.partial.clear();
            self.cut = false;
            bytes = &bytes[newline + 1..];
        }
        self.keep(bytes);
    }

    fn keep(&mut self, bytes: &[u8]) {
        let room = MAX_LINE_BYTES.saturating_sub(self.partial.len());
        self.cut |= bytes.len() > room;
        self.partial
            .extend_from_slice(&bytes[..bytes.len().min(room)]);
    }

    fn finish(self, log: &mut LogBuffer) {
        if !self.partial.is_empty() {
            log.push_line(&self.partial, self.cut);
        }
    }
}

/// Read `stream` to its end into `log`, line by line.
pub async fn drain(mut stream: impl AsyncRead + Unpin, log: Log) {
    let mut splitter = LineSplitter::default();
    let mut chunk = vec![0u8; 8192];
    while let Ok(n @ 1..) = stream.read(&mut chunk).await {
        splitter.feed(&chunk[..n], &mut log.lock().expect("log lock"));
    }
    splitter.finish(&mut log.lock().expect("log lock"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_lines_across_chunks_and_remembers_marks() {
        let mut log = LogBuffer::default();
        let mut splitter = LineSplitter::default();
        splitter.feed(b"one\ntw", &mut log);
        splitter.feed(b"o\r\nthree", &mut log);
        assert_eq!(log.tail(10), ["one", "two"]);
        let mark = log.total();
        splitter.finish(&mut log);
        assert_eq!(log.since(mark, 10), ["three"]);
        assert_eq!(log.tail(2), ["two", "three"]);
    }

    #[test]
    fn the_port_reads_as_a_variable() {
        let mut log = LogBuffer::default();
        log.mask_port(4242);
        let mut splitter = LineSplitter::default();
        splitter.feed(
            b"Running on http://127.0.0.1:4242 (pid 142420, 4242)\n",
            &mut log,
        );
        assert_eq!(
            log.tail(1),
            ["Running on http://127.0.0.1:$PORT (pid 142420, $PORT)"]
        );
    }

    #[test]
    fn stays_bounded_under_a_flood() {
        let mut log = LogBuffer::default();
        let mut splitter = LineSplitter::default();
        let long = vec![b'x'; 100_000];
        splitter.feed(&long, &mut log);
        assert!(splitter.partial.len() <= MAX_LINE_BYTES);
        splitter.feed(b"\n", &mut log);
        for _ in 0..10_000 {
            splitter.feed(b"spam\n", &mut log);
        }
        assert_eq!(log.total(), 10_001);
        assert_eq!(log.lines.len(), MAX_LINES);
        let mut fresh = LogBuffer::default();
        let mut splitter = LineSplitter::default();
        splitter.feed(&long, &mut fresh);
        splitter.finish(&mut fresh);
        let line = &fresh.tail(1)[0];
        assert!(line.ends_with(" [line cut]"));
        assert_eq!(line.chars().count(), MAX_LINE_CHARS + " [line cut]".len());
    }
}
