//! An exercise README may hold passages for some tracks only: the database module a
//! scaffold gives (`db.py`, `db.go`), the command that starts the server. A learner's
//! copy keeps the passages of their track; `learn show` keeps them all, each labelled.
//!
//! ```markdown
//! <!-- track: python fastapi django -->
//! DATABASE_URL=blog.sqlite3 .venv/bin/python app.py
//! <!-- end track -->
//! ```

use anyhow::{Result, bail};

const OPEN: &str = "<!-- track:";
const CLOSE: &str = "<!-- end track -->";

/// A part of a README: for every track (`None`) or for the tracks named.
struct Passage<'a> {
    tracks: Option<Vec<&'a str>>,
    lines: Vec<&'a str>,
}

fn passages(readme: &str) -> Result<Vec<Passage<'_>>> {
    let mut out = vec![Passage {
        tracks: None,
        lines: Vec::new(),
    }];
    for (index, line) in readme.lines().enumerate() {
        let number = index + 1;
        let trimmed = line.trim();
        if let Some(rest) = trimmed.strip_prefix(OPEN) {
            if out.last().is_some_and(|passage| passage.tracks.is_some()) {
                bail!(
                    "line {number}: a track passage opens inside another; close it first with `{CLOSE}`"
                );
            }
            let Some(names) = rest.strip_suffix("-->") else {
                bail!("line {number}: `{OPEN}` must end with `-->` on the same line");
            };
            let tracks: Vec<&str> = names.split([' ', ',']).filter(|n| !n.is_empty()).collect();
            if tracks.is_empty() {
                bail!("line {number}: `{OPEN} -->` names no track");
            }
            out.push(Passage {
                tracks: Some(tracks),
                lines: Vec::new(),
            });
        } else if trimmed == CLOSE {
            if out.last().is_none_or(|passage| passage.tracks.is_none()) {
                bail!("line {number}: `{CLOSE}` closes no track passage");
            }
            out.push(Passage {
                tracks: None,
                lines: Vec::new(),
            });
        } else if let Some(passage) = out.last_mut() {
            passage.lines.push(line);
        }
    }
    if out.last().is_some_and(|passage| passage.tracks.is_some()) {
        bail!("a track passage is never closed with `{CLOSE}`");
    }
    Ok(out)
}

/// Whether the README's track passages are well formed and name tracks the exercise
/// offers (or `other`); the error says which line is wrong.
pub fn validate(readme: &str, tracks: &[String]) -> Result<()> {
    for passage in passages(readme)? {
        for name in passage.tracks.iter().flatten() {
            if *name != super::OTHER && !tracks.iter().any(|track| track == name) {
                bail!(
                    "a track passage names `{name}`, which the exercise does not offer (tracks: {})",
                    tracks.join(", ")
                );
            }
        }
    }
    Ok(())
}

/// The README a learner on `track` reads: the passages for every track and for theirs.
/// `None` keeps every passage, each after a line naming its tracks.
pub fn for_track(readme: &str, track: Option<&str>) -> String {
    let Ok(passages) = passages(readme) else {
        // A course that loaded was validated; the text as it is beats nothing.
        return readme.to_string();
    };
    let mut out = String::new();
    for passage in passages {
        match (&passage.tracks, track) {
            (None, _) => {}
            (Some(names), Some(track)) if !names.contains(&track) => continue,
            (Some(_), Some(_)) => {}
            (Some(names), None) => {
                out.push_str(&format!("*({})*\n", names.join(", ")));
            }
        }
        for line in passage.lines {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const README: &str = "# Posts\n\nStart it:\n\n<!-- track: python fastapi -->\n```sh\n.venv/bin/python app.py\n```\n<!-- end track -->\n<!-- track: go -->\n```sh\n./target/server\n```\n<!-- end track -->\n\nThen curl it.\n";

    #[test]
    fn a_learner_reads_the_passages_of_their_track_only() {
        let python = for_track(README, Some("python"));
        assert_eq!(
            python,
            "# Posts\n\nStart it:\n\n```sh\n.venv/bin/python app.py\n```\n\nThen curl it.\n"
        );
        let go = for_track(README, Some("go"));
        assert!(go.contains("./target/server") && !go.contains("app.py"));
        let other = for_track(README, Some("other"));
        assert!(!other.contains("app.py") && !other.contains("./target/server"));
        assert!(other.contains("Then curl it."));
    }

    #[test]
    fn show_keeps_every_passage_and_names_its_tracks() {
        let all = for_track(README, None);
        assert!(all.contains("*(python, fastapi)*\n```sh\n.venv/bin/python app.py"));
        assert!(all.contains("*(go)*\n```sh\n./target/server"));
        assert!(!all.contains("<!--"));
    }

    #[test]
    fn a_malformed_passage_is_an_authoring_error_that_names_its_line() {
        let tracks = ["python".to_string(), "go".to_string()];
        assert!(validate(README, &["python".into(), "fastapi".into(), "go".into()]).is_ok());
        let unknown = validate(README, &tracks).unwrap_err().to_string();
        assert!(unknown.contains("`fastapi`"), "{unknown}");
        let nested = "<!-- track: go -->\n<!-- track: python -->\n<!-- end track -->\n";
        assert!(
            validate(nested, &tracks)
                .unwrap_err()
                .to_string()
                .contains("line 2")
        );
        let stray = "text\n<!-- end track -->\n";
        assert!(
            validate(stray, &tracks)
                .unwrap_err()
                .to_string()
                .contains("line 2")
        );
        let open = "<!-- track: go -->\ntext\n";
        assert!(
            validate(open, &tracks)
                .unwrap_err()
                .to_string()
                .contains("never closed")
        );
        let empty = "<!-- track: -->\n<!-- end track -->\n";
        assert!(
            validate(empty, &tracks)
                .unwrap_err()
                .to_string()
                .contains("names no track")
        );
    }
}
