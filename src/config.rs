//! Reading and writing the commands' RON config files (the format itself is
//! `dgnn_core::config`, shared with the libraries).

use anyhow::Context;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::path::Path;

/// Parses a config from RON text (`dgnn_core::config::from_ron`); unknown fields are refused by
/// the config types themselves (`deny_unknown_fields`), and the error names the position and the
/// field: RON's own message where it names one, else the field path at the error's position
/// (`1:9-1:10: Integer is out of bounds (in `seed`)`, issue 14).
pub fn parse_ron<T: DeserializeOwned>(text: &str) -> anyhow::Result<T> {
    dgnn_core::config::from_ron(text).map_err(|e| {
        let message = e.to_string();
        match field_at(text, e.span.start.line, e.span.start.col) {
            Some(path) if !message.contains('`') => anyhow::anyhow!("{message} (in `{path}`)"),
            _ => anyhow::anyhow!("{message}"),
        }
    })
}

/// The path of the field whose value holds the 1-based position (`line`, `col` in characters)
/// of a RON text, read backwards from there: the nearest `name:` at the same nesting, then the
/// `name:` before each enclosing bracket (`evolution.population`; variant names such as
/// `Hkb(` are skipped). Comments are ignored. None when no field encloses the position.
fn field_at(text: &str, line: usize, col: usize) -> Option<String> {
    let mut before: Vec<char> = Vec::new();
    for (number, content) in text.split('\n').enumerate() {
        let content = content.split("//").next().unwrap_or("");
        if number + 1 == line {
            before.extend(content.chars().take(col.saturating_sub(1)));
            break;
        }
        before.extend(content.chars());
        before.push('\n');
    }
    let mut path = Vec::new();
    let (mut depth, mut innermost) = (0usize, true);
    let mut i = before.len();
    while i > 0 {
        i -= 1;
        match before[i] {
            ')' | ']' | '}' => depth += 1,
            '(' | '[' | '{' if depth > 0 => depth -= 1,
            '(' | '[' | '{' => {
                innermost = false;
                path.extend(name_before_bracket(&before[..i]));
            }
            ':' if depth == 0 && innermost => {
                innermost = false;
                path.extend(identifier_before(&before[..i]));
            }
            ',' if depth == 0 => innermost = false,
            _ => {}
        }
    }
    path.reverse();
    (!path.is_empty()).then(|| path.join("."))
}

/// The identifier that ends `text` (after trailing blanks), if any.
fn identifier_before(text: &[char]) -> Option<String> {
    let end = text.iter().rposition(|c| !c.is_whitespace())? + 1;
    let start =
        text[..end].iter().rposition(|c| !(c.is_alphanumeric() || *c == '_')).map_or(0, |p| p + 1);
    (start < end).then(|| text[start..end].iter().collect())
}

/// The field name before a bracket: `name: (`, or `name: Variant(` with the variant skipped.
fn name_before_bracket(text: &[char]) -> Option<String> {
    let mut end = text.iter().rposition(|c| !c.is_whitespace())? + 1;
    if text[end - 1] != ':' {
        // A variant or struct name: skip it.
        let word = identifier_before(&text[..end])?;
        end -= word.chars().count();
        end = text[..end].iter().rposition(|c| !c.is_whitespace())? + 1;
        if text[end - 1] != ':' {
            return None;
        }
    }
    identifier_before(&text[..end - 1])
}

/// Reads and parses a config file, naming the file in any error.
pub fn read_ron_file<T: DeserializeOwned>(path: &Path) -> anyhow::Result<T> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    parse_ron(&text).with_context(|| format!("reading {}", path.display()))
}

/// Serialises a config as pretty RON that [`parse_ron`] reads back exactly.
pub fn to_ron<T: Serialize>(config: &T) -> anyhow::Result<String> {
    Ok(dgnn_core::config::to_ron(config)?)
}

/// Writes a config as RON, atomically.
pub fn write_ron_file<T: Serialize>(path: &Path, config: &T) -> anyhow::Result<()> {
    dgnn_core::atomic_write(path, to_ron(config)?.as_bytes())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)] // read only to provoke errors
    struct Inner {
        population: u64,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)] // read only to provoke errors
    struct Outer {
        seed: u64,
        #[serde(default)]
        evolution: Option<Inner>,
        #[serde(default)]
        baseline: Vec<u64>,
    }

    #[test]
    fn errors_without_a_name_are_given_the_field_path() {
        // Issue 14: `seed: -1` said "Integer is out of bounds" and nothing else.
        let err = parse_ron::<Outer>("(seed: -1)").unwrap_err().to_string();
        assert!(err.ends_with("(in `seed`)"), "{err}");
        let err = parse_ron::<Outer>(
            "(seed: 1,\n  // a comment: (with) brackets\n  evolution: (population: -5))",
        )
        .unwrap_err()
        .to_string();
        assert!(err.ends_with("(in `evolution.population`)"), "{err}");
        let err = parse_ron::<Outer>("(seed: 1, baseline: [16, -1])").unwrap_err().to_string();
        assert!(err.ends_with("(in `baseline`)"), "{err}");
        // RON's messages that name the field already stay as they are.
        let err = parse_ron::<Outer>("(seed: 1, colour: 2)").unwrap_err().to_string();
        assert!(err.contains("`colour`") && !err.contains("(in "), "{err}");
    }

    #[test]
    fn variant_names_are_skipped_in_the_path() {
        let text: Vec<char> = "(model: Ensemble(potential: Hkb(a: ".chars().collect();
        assert_eq!(name_before_bracket(&text[..text.len() - 4]).as_deref(), Some("potential"));
        assert_eq!(
            field_at("(model: Ensemble(potential: Hkb(a: x", 1, 36).as_deref(),
            Some("model.potential.a")
        );
    }
}
