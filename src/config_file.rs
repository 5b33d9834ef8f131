//! Config files (a sweep's or a map's `--config`, sweep.toml) are read here, one way for all:
//! keys no struct has are refused, and a bad value in a file is reported where it is: the file,
//! line and column of its key, in words. Checks that run later on the resolved configuration
//! (file, then flags) name the flag (`--epochs: must be …`); when that flag was not given on the
//! command line, the value came from the file, and [`locate`] points the message at the key.

use serde::de::DeserializeOwned;

use crate::error::UsageError;
use crate::escape::escape;

/// `flag path` as a message starts it (`--config c.toml`, or just the path; callers pass the
/// path as shown, escaped).
fn source(flag: &str, path: &str) -> String {
    if flag.is_empty() {
        path.to_string()
    } else {
        format!("{flag} {path}")
    }
}

/// A TOML file's error as one line naming the flag, the file, and the line and column.
pub fn toml_error(flag: &str, path: &str, text: &str, e: &toml::de::Error) -> UsageError {
    let at = e
        .span()
        .map(|s| {
            let (line, column) = line_column(text, s.start);
            format!(", line {line}, column {column}")
        })
        .unwrap_or_default();
    let msg = e.message().trim().replace('\n', " ");
    UsageError::new(format!("{}{at}: {msg}", source(flag, path)))
}

/// The TOML `text` of the config file `path` as a `T` whose keys are `known`: a key not in it
/// is refused, and so is a value `T` does not take, each at its line and column. (Serde reports
/// a flattened struct's bad value at line 1, column 1, so the culprit is found by reading the
/// keys one at a time.)
pub fn parse<T: DeserializeOwned>(
    text: &str,
    path: &str,
    flag: &str,
    known: &[String],
) -> Result<T, UsageError> {
    // A document a plain table cannot hold (an integer above i64's range, which a u64 seed may
    // be) is left to the typed parse, which reports syntax errors at their line and column.
    let table: toml::Table = toml::from_str(text).unwrap_or_default();
    let at = |key: &str| {
        find_key(text, key)
            .map(|(line, column)| format!(", line {line}, column {column}"))
            .unwrap_or_default()
    };
    if let Some(key) = table.keys().find(|k| !known.contains(k)) {
        return Err(UsageError::new(format!(
            "{}{}: unknown field '{}'{} (known: {})",
            source(flag, path),
            at(key),
            escape(key),
            crate::hints::suggestion(key, known.iter().map(String::as_str)),
            known.join(", ")
        )));
    }
    toml::from_str(text).map_err(|e| {
        let culprit = table.iter().find_map(|(key, value)| {
            let one = toml::Table::from_iter([(key.clone(), value.clone())]);
            T::deserialize(toml::Value::Table(one))
                .err()
                .map(|e| (key, e))
        });
        match culprit {
            Some((key, e)) => UsageError::new(format!(
                "{}{}: {key}: {}",
                source(flag, path),
                at(key),
                escape(e.message().trim()).replace('\n', " ")
            )),
            None => toml_error(flag, path, text, &e),
        }
    })
}

/// The line and column (1-based, in characters) of byte `at` of `text`.
pub fn line_column(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.chars().rev().take_while(|&c| c != '\n').count() + 1;
    (line, column)
}

/// The line and column of the value of top-level `key` in the TOML `text`, if it is there.
pub fn find_key(text: &str, key: &str) -> Option<(usize, usize)> {
    let table = toml::de::DeTable::parse(text).ok()?;
    table
        .get_ref()
        .iter()
        .find(|(k, _)| k.get_ref().as_ref() == key)
        .map(|(_, v)| line_column(text, v.span().start))
}

/// `e` (a check's message, naming a flag) pointed at the config file `path` (its contents
/// `text`) when the flag's key is set there and `given(flag)` says the command line did not set
/// it; else `e` as it is.
pub fn locate(e: UsageError, text: &str, path: &str, given: impl Fn(&str) -> bool) -> UsageError {
    let msg = &e.0;
    let Some(rest) = msg.strip_prefix("--") else {
        return e;
    };
    let Some((name, detail)) = rest.split_once(": ") else {
        return e;
    };
    if !name.chars().all(|c| c.is_ascii_lowercase() || c == '-') {
        return e;
    }
    let flag = format!("--{name}");
    if given(&flag) {
        return e;
    }
    let key = name.replace('-', "_");
    match find_key(text, &key) {
        Some((line, column)) => UsageError::new(format!(
            "--config {}, line {line}, column {column}: {key}: {detail}",
            escape(path)
        )),
        None => e,
    }
}

/// Whether `flag` is among the command-line arguments `argv` (as `--flag VALUE` or
/// `--flag=VALUE`).
pub fn flag_given<S: AsRef<str>>(argv: &[S], flag: &str) -> bool {
    argv.iter().any(|a| {
        let a = a.as_ref();
        a == flag || a.strip_prefix(flag).is_some_and(|r| r.starts_with('='))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_check_on_a_value_from_the_file_points_into_the_file() {
        let text = "seeds = 3\n\nchunk_nets = 0\n";
        let e = UsageError::new("--chunk-nets: must be at least 1");
        let none: [&str; 0] = [];
        let got = locate(e, text, "c.toml", |f| flag_given(&none, f));
        assert_eq!(
            got.0,
            "--config c.toml, line 3, column 14: chunk_nets: must be at least 1"
        );
        // Given on the command line too: the flag's value is the one checked.
        let e = UsageError::new("--chunk-nets: must be at least 1");
        let argv = ["xorsweep", "sweep", "--chunk-nets=0"];
        assert_eq!(
            locate(e, text, "c.toml", |f| flag_given(&argv, f)).0,
            "--chunk-nets: must be at least 1"
        );
        // Not in the file: unchanged.
        let e = UsageError::new("--epochs: must be at least 1");
        assert_eq!(
            locate(e, text, "c.toml", |_| false).0,
            "--epochs: must be at least 1"
        );
    }
}
