//! Mutants: deliberate bugs in a reference solution, each naming the checks it must
//! fail and the README sentence it breaks (`tests/mutants/<id>/<track>.toml`).

use std::fs;
use std::path::Path;

use serde::Deserialize;

use super::SourceError;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mutant {
    pub name: String,
    /// The README sentence (or phrase) the bug violates, quoted verbatim.
    pub breaks: Option<String>,
    /// The checks it must fail.
    pub kills: Vec<String>,
    /// The database it runs on: `sqlite` (the default) or `postgres`.
    pub db: Option<MutantDb>,
    #[serde(rename = "edit")]
    pub edits: Vec<Edit>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MutantDb {
    Sqlite,
    Postgres,
}

/// Replace the one occurrence of `find` in `file` with `replace`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Edit {
    pub file: String,
    pub find: String,
    pub replace: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MutantsFile {
    #[serde(default)]
    mutant: Vec<Mutant>,
}

/// The mutants in `path`, or none when there is no such file.
pub fn load(path: &Path) -> Result<Vec<Mutant>, SourceError> {
    let Ok(text) = fs::read_to_string(path) else {
        return Ok(Vec::new());
    };
    let name = path.display().to_string();
    let file: MutantsFile =
        toml::from_str(&text).map_err(|error| SourceError::from_toml(&name, &text, &error))?;
    Ok(file.mutant)
}

impl Mutant {
    /// Make the bug in a copy of the solution in `dir`; why it cannot be made, if not.
    pub fn apply(&self, dir: &Path) -> Result<(), String> {
        for edit in &self.edits {
            let path = dir.join(&edit.file);
            let text = fs::read_to_string(&path)
                .map_err(|error| format!("cannot read {}: {error}", edit.file))?;
            match text.matches(&edit.find).count() {
                1 => {}
                0 => return Err(format!("its `find` text is not in {}", edit.file)),
                n => {
                    return Err(format!(
                        "its `find` text occurs {n} times in {}; it must occur once",
                        edit.file
                    ));
                }
            }
            fs::write(&path, text.replacen(&edit.find, &edit.replace, 1))
                .map_err(|error| format!("cannot write {}: {error}", edit.file))?;
        }
        Ok(())
    }
}

/// Whether `quote` occurs in `readme`, white space normalised in both (a quote may be
/// wrapped differently from the README's lines).
pub fn quoted_in(quote: &str, readme: &str) -> bool {
    let normal = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
    let quote = normal(quote);
    !quote.is_empty() && normal(readme).contains(&quote)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quote_matches_across_line_breaks_but_not_altered_words() {
        let readme = "Tags are not\nsearched, and `q`   matches titles.";
        assert!(quoted_in("Tags are not searched", readme));
        assert!(quoted_in("searched, and `q` matches", readme));
        assert!(!quoted_in("Tags are searched", readme));
        assert!(!quoted_in("searched, and q matches", readme));
        assert!(!quoted_in("   ", readme));
    }

    #[test]
    fn an_edit_must_find_its_text_exactly_once() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("app.py"), "a = 1\nb = 1\n").unwrap();
        let mutant = |find: &str| Mutant {
            name: "m".into(),
            breaks: None,
            kills: vec![],
            db: None,
            edits: vec![Edit {
                file: "app.py".into(),
                find: find.into(),
                replace: "2".into(),
            }],
        };
        assert!(
            mutant("= 1")
                .apply(dir.path())
                .unwrap_err()
                .contains("2 times")
        );
        assert!(
            mutant("c = 1")
                .apply(dir.path())
                .unwrap_err()
                .contains("not in")
        );
        mutant("a = 1").apply(dir.path()).unwrap();
        assert_eq!(
            fs::read_to_string(dir.path().join("app.py")).unwrap(),
            "2\nb = 1\n"
        );
    }
}
