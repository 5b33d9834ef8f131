//! Values echoed back to a terminal — from a file, an argument or a path — are escaped first, so
//! that a runs.csv whose `init` holds `ESC ]0;pwned BEL ESC [2J` shows those bytes as text
//! instead of retitling the terminal and clearing the screen. Control characters (C0, DEL, C1)
//! print as `\x1b`, `\x7f`, `\u{9b}`; a backslash stays a backslash; everything else is kept.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::path::Path;

/// `s` with every control character written out as an escape.
pub fn escape(s: &str) -> Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_control() {
            if (c as u32) < 0x80 {
                let _ = write!(out, "\\x{:02x}", c as u32);
            } else {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A message of xorsweep's own for the terminal: like [`escape`], but the line breaks xorsweep
/// puts between its own lines are kept (a value echoed inside a message is escaped where it is
/// formatted, with [`escape`] or [`shown`]).
pub fn escape_message(s: &str) -> String {
    s.split('\n')
        .map(|line| escape(line).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A path as it is shown in messages: lossy UTF-8, control characters escaped.
pub fn shown(path: &Path) -> String {
    escape(&path.to_string_lossy()).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_written_out() {
        assert_eq!(escape("uniform"), "uniform");
        assert_eq!(
            escape("\u{1b}]0;pwned\u{7}\u{1b}[2J"),
            "\\x1b]0;pwned\\x07\\x1b[2J"
        );
        assert_eq!(escape("a\nb\tc\u{7f}\u{9b}"), "a\\x0ab\\x09c\\x7f\\u{9b}");
        assert_eq!(escape("ε → ü"), "ε → ü");
        assert_eq!(escape_message("one\u{1b}\ntwo"), "one\\x1b\ntwo");
    }
}
