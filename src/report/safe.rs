//! The one sanitiser every renderer uses for text that a submission controls (its
//! answers, its output): shown, never obeyed.

/// One line of text that the server controls, made inert for every report: colour
/// codes (CSI sequences) dropped; any other control character (C0, DEL, C1), and the
/// two characters XML forbids (U+FFFE, U+FFFF), shown as an escape, never obeyed by a
/// terminal and never breaking a `junit.xml`.
pub fn inert(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            chars.next();
            // Parameters and intermediates, then one final byte in @..~.
            while chars
                .next_if(|c| ('\u{20}'..='\u{3f}').contains(c))
                .is_some()
            {}
            if chars.next_if(|c| ('@'..='~').contains(c)).is_some() {
                continue;
            }
            out.push_str("\\u{1b}[");
        } else if (c.is_control() && c != '\t') || matches!(c, '\u{fffe}' | '\u{ffff}') {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Text of several lines, each made `inert`.
pub fn inert_lines(text: &str) -> String {
    text.lines().map(inert).collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_shown_not_obeyed() {
        assert_eq!(inert("\u{1b}[31mred\u{1b}[0m\r"), "red\\r");
        assert_eq!(inert("\u{1b}]0;title\u{7}"), "\\u{1b}]0;title\\u{7}");
        assert_eq!(inert("\u{1b}[\u{1b}c"), "\\u{1b}[\\u{1b}c");
        assert_eq!(
            inert("ok\u{7f}\u{85}\u{ffff}\u{fffe}é✓"),
            "ok\\u{7f}\\u{85}\\u{ffff}\\u{fffe}é✓"
        );
        assert_eq!(inert_lines("a\u{7}\nb"), "a\\u{7}\nb");
    }
}
