//! Errors in course and workspace files, pointing at `file:line:col` with the offending line.

use std::fmt;
use std::ops::Range;

/// A mistake in a TOML file, located precisely enough to fix it without searching.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub line_text: String,
    pub width: usize,
    pub message: String,
}

impl SourceError {
    /// Locate `span` (byte offsets into `source`) and keep the line it starts on.
    pub fn new(file: &str, source: &str, span: Range<usize>, message: impl Into<String>) -> Self {
        let start = span.start.min(source.len());
        let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = source[start..]
            .find('\n')
            .map_or(source.len(), |i| start + i);
        let line_text = source[line_start..line_end]
            .trim_end_matches('\r')
            .to_string();
        let column = source[line_start..start].chars().count() + 1;
        let end = span.end.clamp(start, line_end);
        let width = source[start..end].chars().count().max(1);
        SourceError {
            file: file.to_string(),
            line: source[..start].matches('\n').count() + 1,
            column,
            line_text,
            width,
            message: message.into(),
        }
    }

    /// Turn a TOML parse or shape error into a located one, with "did you mean" for unknown keys.
    pub fn from_toml(file: &str, source: &str, error: &toml::de::Error) -> Self {
        let span = error.span().unwrap_or(0..0);
        SourceError::new(file, source, span, friendlier(error.message()))
    }
}

/// serde says "unknown field `equal`, expected one of `a`, `b`"; say which one was meant.
fn friendlier(message: &str) -> String {
    let message = message.trim_end();
    let Some(rest) = message.strip_prefix("unknown field `") else {
        return message.to_string();
    };
    let Some((unknown, expected)) = rest.split_once('`') else {
        return message.to_string();
    };
    let candidates: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    match crate::suggest::closest(unknown, candidates.iter().copied()) {
        Some(best) => format!("unknown key `{unknown}` (did you mean `{best}`?)"),
        None => format!(
            "unknown key `{unknown}`; expected one of: {}",
            candidates.join(", ")
        ),
    }
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let number = self.line.to_string();
        let pad = " ".repeat(number.len());
        writeln!(f, "{}", self.message)?;
        writeln!(f, "{pad}--> {}:{}:{}", self.file, self.line, self.column)?;
        writeln!(f, "{pad} |")?;
        writeln!(f, "{number} | {}", self.line_text)?;
        write!(
            f,
            "{pad} | {}{}",
            " ".repeat(self.column - 1),
            "^".repeat(self.width)
        )
    }
}

impl std::error::Error for SourceError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_at_line_and_column() {
        let source = "a = 1\nbb = oops\n";
        let error = SourceError::new("f.toml", source, 11..15, "bad value");
        assert_eq!((error.line, error.column, error.width), (2, 6, 4));
        assert_eq!(
            error.to_string(),
            "bad value\n --> f.toml:2:6\n  |\n2 | bb = oops\n  |      ^^^^"
        );
    }

    #[test]
    fn suggests_the_closest_known_key() {
        assert_eq!(
            friendlier("unknown field `equal`, expected one of `query`, `equals`, `contains`"),
            "unknown key `equal` (did you mean `equals`?)"
        );
        assert_eq!(
            friendlier("unknown field `zzzzzz`, expected `a` or `b`"),
            "unknown key `zzzzzz`; expected one of: a, b"
        );
    }
}
