//! Tables of new samples for a trained network ([`InferenceTable::read`]): the rows `dgnn
//! predict` classifies, laid out as the network expects them.
//!
//! A table is read against what the network was trained on — its feature names, its class names
//! and its number of contexts — rather than on its own terms, so that nothing is renumbered
//! differently from training:
//! - **features** are matched by header name and put in the network's order; without a header
//!   the table must hold exactly the network's number of feature columns, in its order. Missing
//!   and unknown columns are refused by name;
//! - **labels** are optional; when a label column is given, each value must be one of the
//!   network's class names (numbers compare as numbers: `1.0` is class `1`), and any class may
//!   be absent (unlike a training table, one class is enough);
//! - **contexts** (task ids, for a network with a phase layer serving several) are numbered as
//!   training numbered them, by sorting the distinct values (integers numerically, names
//!   alphabetically); the network does not keep the names, so the table must hold every context
//!   for the numbering to agree, and one that holds fewer is refused rather than guessed.

use super::{Dataset, LabelColumn};
use crate::GliaError;
use std::path::Path;

/// Which columns of a table are not features.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TableColumns {
    /// Whether the first row is a header (`None`: it is when one of its feature fields is not a
    /// number).
    pub header: Option<bool>,
    /// The column of true labels, if the table has one (a name or a 0-based index).
    pub label: Option<LabelColumn>,
    /// The column of context (task) ids, for a network serving several contexts.
    pub context: Option<LabelColumn>,
}

/// What a table is read against: the trained network's features, classes and contexts.
#[derive(Debug, Clone, Copy)]
pub struct Expected<'a> {
    /// Feature names in the network's input order.
    pub features: &'a [String],
    /// Class names, indexed by class.
    pub classes: &'a [String],
    /// Contexts (tasks) the network serves (1 without a phase layer serving several).
    pub contexts: usize,
}

/// A table of samples laid out for a trained network.
#[derive(Debug, Clone, PartialEq)]
pub struct InferenceTable {
    /// The samples: features in the network's order, the network's class and feature names,
    /// contexts numbered as in training; labels are the true ones when `labelled`, else 0.
    pub data: Dataset,
    /// Whether the table had a label column.
    pub labelled: bool,
    /// The 1-based line of each sample in the file.
    pub lines: Vec<usize>,
}

/// Reading errors: the table's name, the line (0 for the whole table) and the fix.
fn refuse(name: &str, line: usize, problem: String) -> GliaError {
    let problem = if line > 0 { format!("line {line}: {problem}") } else { problem };
    GliaError::Data { name: name.into(), problem }
}

impl InferenceTable {
    /// Reads the CSV file at `path` against `expected` (module docs).
    ///
    /// # Errors
    /// [`GliaError::Io`] when the file cannot be read, [`GliaError::Data`] naming the line, the
    /// column or the value that does not fit, and the fix.
    pub fn read(
        path: &Path,
        columns: &TableColumns,
        expected: Expected<'_>,
    ) -> Result<Self, GliaError> {
        let text = std::fs::read_to_string(path).map_err(|source| GliaError::Io {
            action: "read",
            path: path.to_path_buf(),
            source,
        })?;
        let name: String =
            path.file_stem().map_or_else(|| "table".into(), |s| s.to_string_lossy().into());
        Self::from_text(&text, &name, columns, expected)
    }

    /// [`InferenceTable::read`] from the text of a table named `name`.
    ///
    /// # Errors
    /// As [`InferenceTable::read`].
    pub fn from_text(
        text: &str,
        name: &str,
        columns: &TableColumns,
        expected: Expected<'_>,
    ) -> Result<Self, GliaError> {
        let records = records(text, name)?;
        let Some((first_line, first)) = records.first() else {
            return Err(refuse(name, 0, "holds no rows: give at least one sample".into()));
        };
        let width = first.len();
        let header = match columns.header {
            Some(h) => h,
            None => first.iter().any(|f| f.trim().parse::<f64>().is_err()),
        };
        let header_row = header.then_some(first.as_slice());
        let find = |what: &str, column: &LabelColumn| -> Result<usize, GliaError> {
            match column {
                LabelColumn::Last => Ok(width - 1),
                LabelColumn::Index(i) if *i < width => Ok(*i),
                LabelColumn::Index(i) => Err(refuse(
                    name,
                    *first_line,
                    format!("the {what} column {i} does not exist: the table has {width} columns (0 to {})", width - 1),
                )),
                LabelColumn::Name(n) => header_row
                    .and_then(|h| h.iter().position(|f| f.trim() == n))
                    .ok_or_else(|| {
                        let why = if header { "no header field is" } else { "the table has no header, so no column is" };
                        refuse(name, *first_line, format!("{why} called `{n}`: name the {what} column as in the header, or give its 0-based index"))
                    }),
            }
        };
        let label = columns.label.as_ref().map(|c| find("label", c)).transpose()?;
        let context = columns.context.as_ref().map(|c| find("context", c)).transpose()?;
        if label.is_some() && label == context {
            return Err(refuse(
                name,
                0,
                "the label and the context column are the same column".into(),
            ));
        }
        match (expected.contexts, context) {
            (1, Some(_)) => {
                return Err(refuse(
                    name,
                    0,
                    "the network serves a single context: leave out the context column".into(),
                ));
            }
            (n, None) if n > 1 => {
                return Err(refuse(
                    name,
                    0,
                    format!(
                        "the network serves {n} contexts (tasks): name the column of task ids (dgnn predict --context COLUMN)"
                    ),
                ));
            }
            _ => {}
        }
        let feature_columns: Vec<usize> =
            (0..width).filter(|&i| Some(i) != label && Some(i) != context).collect();
        let order = feature_order(name, header_row, &feature_columns, expected.features)?;
        let body = &records[usize::from(header)..];
        if body.is_empty() {
            return Err(refuse(name, 0, "holds a header but no samples".into()));
        }
        let d = expected.features.len();
        let mut features = Vec::with_capacity(body.len() * d);
        let mut labels = Vec::with_capacity(body.len());
        let mut raw_contexts = Vec::new();
        let mut lines = Vec::with_capacity(body.len());
        for (line, fields) in body {
            if fields.len() != width {
                return Err(refuse(
                    name,
                    *line,
                    format!(
                        "{} fields where the first row has {width}: every row needs the same columns",
                        fields.len()
                    ),
                ));
            }
            for &column in &order {
                let field = fields[column].trim();
                let value = field.parse::<f64>().ok().filter(|v| v.is_finite()).ok_or_else(|| {
                    let column_name = header_row.map_or_else(|| format!("column {column}"), |h| format!("`{}`", h[column].trim()));
                    refuse(name, *line, format!("feature {column_name} is `{field}`, not a finite number: fill it in or drop the row"))
                })?;
                features.push(value);
            }
            labels.push(match label {
                Some(column) => {
                    class_of(fields[column].trim(), expected.classes).ok_or_else(|| {
                        refuse(
                            name,
                            *line,
                            format!(
                                "label `{}` is not a class of the network (its classes: {})",
                                fields[column].trim(),
                                expected.classes.join(", ")
                            ),
                        )
                    })?
                }
                None => 0,
            });
            if let Some(column) = context {
                raw_contexts.push(fields[column].trim().to_string());
            }
            lines.push(*line);
        }
        let contexts = match context {
            Some(_) => Some(number_contexts(name, &raw_contexts, expected.contexts)?),
            None => None,
        };
        let data = Dataset {
            name: name.into(),
            n_features: d,
            features,
            labels,
            class_names: expected.classes.to_vec(),
            feature_names: expected.features.to_vec(),
            contexts,
            n_contexts: expected.contexts,
        };
        Ok(Self { data, labelled: label.is_some(), lines })
    }
}

/// The non-empty records of a CSV text with their 1-based line numbers.
fn records(text: &str, name: &str) -> Result<Vec<(usize, Vec<String>)>, GliaError> {
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| refuse(name, 0, format!("is not readable as CSV: {e}")))?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        out.push((line, record.iter().map(str::to_string).collect()));
    }
    Ok(out)
}

/// The table columns of the network's features, in the network's order: by header name, or by
/// position without a header.
fn feature_order(
    name: &str,
    header: Option<&[String]>,
    columns: &[usize],
    features: &[String],
) -> Result<Vec<usize>, GliaError> {
    let Some(header) = header else {
        if columns.len() != features.len() {
            return Err(refuse(
                name,
                0,
                format!(
                    "has {} feature columns but the network takes {} ({}): give the table a header naming its columns, or exactly these columns in this order",
                    columns.len(),
                    features.len(),
                    features.join(", ")
                ),
            ));
        }
        return Ok(columns.to_vec());
    };
    let named = |i: &usize| header[*i].trim().to_string();
    let missing: Vec<&str> = features
        .iter()
        .filter(|f| !columns.iter().any(|i| named(i) == **f))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        return Err(refuse(
            name,
            0,
            format!(
                "lacks the network's feature column{} {}: the network was trained on {}",
                if missing.len() == 1 { "" } else { "s" },
                missing.join(", "),
                features.join(", ")
            ),
        ));
    }
    let unknown: Vec<String> =
        columns.iter().map(named).filter(|c| !features.contains(c)).collect();
    if !unknown.is_empty() {
        return Err(refuse(
            name,
            0,
            format!(
                "has column{} the network was not trained on: {} (name the label column with --label and the task column with --context, or drop the others)",
                if unknown.len() == 1 { "" } else { "s" },
                unknown.join(", ")
            ),
        ));
    }
    Ok(features
        .iter()
        .map(|f| columns.iter().copied().find(|&i| named(&i) == *f).unwrap_or(0))
        .collect())
}

/// The class of a label value: its position among the class names, comparing numbers as numbers.
fn class_of(value: &str, classes: &[String]) -> Option<usize> {
    classes.iter().position(|c| c == value).or_else(|| {
        let number = value.parse::<f64>().ok()?;
        classes.iter().position(|c| c.parse::<f64>().ok() == Some(number))
    })
}

/// Context ids as training numbered them (module docs): every one of the network's contexts must
/// appear.
fn number_contexts(name: &str, raw: &[String], contexts: usize) -> Result<Vec<usize>, GliaError> {
    let mut distinct: Vec<&String> = raw.iter().collect();
    super::csv::sort_names(&mut distinct);
    if distinct.len() != contexts {
        return Err(refuse(
            name,
            0,
            format!(
                "its context column holds {} distinct value{} but the network serves {contexts} contexts: contexts are numbered by sorting their values as in training, so the table must hold samples of every context (and only those)",
                distinct.len(),
                if distinct.len() == 1 { "" } else { "s" }
            ),
        ));
    }
    Ok(raw.iter().map(|v| distinct.iter().position(|d| *d == v).unwrap_or(0)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_string()).collect()
    }

    #[test]
    fn columns_are_matched_by_name_and_labels_by_class() {
        let (features, classes) = (names(&["a", "b"]), names(&["no", "yes"]));
        let expected = Expected { features: &features, classes: &classes, contexts: 1 };
        let columns =
            TableColumns { label: Some(LabelColumn::Name("y".into())), ..TableColumns::default() };
        // Columns in another order, one class only: read in the network's order.
        let table = InferenceTable::from_text("y,b,a\nyes,2,1\nyes,4,3\n", "t", &columns, expected)
            .unwrap();
        assert!(table.labelled);
        assert_eq!(table.data.features(), &[1.0, 2.0, 3.0, 4.0]);
        assert_eq!(table.data.labels(), &[1, 1]);
        assert_eq!(table.lines, [2, 3]);
        // Without labels, with numbers as class names compared as numbers.
        let numeric = names(&["0", "1"]);
        let expected = Expected { features: &features, classes: &numeric, contexts: 1 };
        let table = InferenceTable::from_text("a,b,y\n1,2,1.0\n", "t", &columns, expected).unwrap();
        assert_eq!(table.data.labels(), &[1]);
        let unlabelled =
            InferenceTable::from_text("1,2\n3,4\n", "t", &TableColumns::default(), expected)
                .unwrap();
        assert!(!unlabelled.labelled && unlabelled.data.len() == 2);
    }

    #[test]
    fn tables_that_do_not_fit_are_refused_by_name() {
        let (features, classes) = (names(&["a", "b"]), names(&["no", "yes"]));
        let expected = Expected { features: &features, classes: &classes, contexts: 1 };
        let label =
            TableColumns { label: Some(LabelColumn::Name("y".into())), ..TableColumns::default() };
        let cases: [(&str, &TableColumns, &str); 8] = [
            ("a,y\n1,no\n", &label, "lacks the network's feature column b"),
            ("a,b,c,y\n1,2,3,no\n", &label, "not trained on: c"),
            ("a,b,y\n1,2,maybe\n", &label, "line 2: label `maybe` is not a class"),
            ("a,b,y\n1,x,no\n", &label, "line 2: feature `b` is `x`"),
            ("a,b,y\n1,2,no\n1,2\n", &label, "line 3: 2 fields where the first row has 3"),
            ("1,2,3\n", &TableColumns::default(), "has 3 feature columns but the network takes 2"),
            ("", &TableColumns::default(), "holds no rows"),
            ("a,b\n", &TableColumns::default(), "holds a header but no samples"),
        ];
        for (text, columns, needle) in cases {
            let err =
                InferenceTable::from_text(text, "t", columns, expected).unwrap_err().to_string();
            assert!(err.contains(needle), "{text:?}: {err}");
        }
    }

    #[test]
    fn contexts_are_numbered_as_in_training_or_refused() {
        let (features, classes) = (names(&["a"]), names(&["0", "1"]));
        let expected = Expected { features: &features, classes: &classes, contexts: 2 };
        let task = TableColumns {
            context: Some(LabelColumn::Name("task".into())),
            ..TableColumns::default()
        };
        let table = InferenceTable::from_text("a,task\n1,B\n2,A\n", "t", &task, expected).unwrap();
        assert_eq!((table.data.context(0), table.data.context(1)), (1, 0));
        let err = InferenceTable::from_text("a,task\n1,B\n", "t", &task, expected).unwrap_err();
        assert!(err.to_string().contains("1 distinct value but the network serves 2"), "{err}");
        let err = InferenceTable::from_text("a\n1\n", "t", &TableColumns::default(), expected)
            .unwrap_err();
        assert!(err.to_string().contains("--context"), "{err}");
    }
}
