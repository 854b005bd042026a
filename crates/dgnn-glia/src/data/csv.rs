//! Users' CSV tables: with or without a header, the label column by name or index (or the last
//! column), numeric or string labels, an optional context (task id) column. Ragged rows, missing
//! values, non-numeric features and a single class are refused with the line and the fix.
//!
//! Reading goes in named steps: the non-empty records with their line numbers
//! (`read_records`), the table's layout (header, label and context columns: `Layout::of`),
//! the body's values (`Layout::parse_body`), and the data set they make.

use super::Dataset;
use crate::GliaError;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Which column of a CSV table holds the class label.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum LabelColumn {
    /// The last column (the default).
    #[default]
    Last,
    /// The column with this header name (the table must have a header).
    Name(String),
    /// The column at this 0-based index.
    Index(usize),
}

impl std::str::FromStr for LabelColumn {
    type Err = std::convert::Infallible;

    /// A command-line column: a 0-based index if `text` is a number, else a header name.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(text.parse::<usize>().map_or_else(|_| Self::Name(text.to_string()), Self::Index))
    }
}

/// How to read a CSV table.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CsvOptions {
    /// Whether the first row is a header: `Some(true)`, `Some(false)`, or `None` (the default) to
    /// detect it: the first row is a header when none of its feature fields is a number.
    #[serde(default)]
    pub header: Option<bool>,
    /// The label column (default: the last one).
    #[serde(default)]
    pub label: LabelColumn,
    /// A column of context (task) ids for multitask networks, numbers or names, not a feature
    /// (default: none, one task). Contexts are numbered 0, 1, … in sorted order of their values.
    #[serde(default)]
    pub context: Option<LabelColumn>,
}

/// Where a run's data come from (for RON configs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum DataSource {
    /// A bundled data set by name: `Builtin("wdbc")`.
    Builtin(String),
    /// A CSV file: `Csv(path: "my.csv", label: Name("diagnosis"), header: Some(true))`.
    Csv {
        /// The file.
        path: std::path::PathBuf,
        /// The label column (default: the last).
        #[serde(default)]
        label: LabelColumn,
        /// Whether the first row is a header (default: detect).
        #[serde(default)]
        header: Option<bool>,
        /// The context (task id) column for multitask networks (default: none).
        #[serde(default)]
        context: Option<LabelColumn>,
    },
}

impl DataSource {
    /// Loads the data set.
    pub fn load(&self) -> Result<Dataset, GliaError> {
        match self {
            Self::Builtin(name) => Dataset::builtin(name),
            Self::Csv { path, label, header, context } => Dataset::from_csv(
                path,
                &CsvOptions { header: *header, label: label.clone(), context: context.clone() },
            ),
        }
    }
}

impl Dataset {
    /// Reads a CSV file; see [`CsvOptions`].
    pub fn from_csv(path: &Path, options: &CsvOptions) -> Result<Self, GliaError> {
        let text = std::fs::read_to_string(path).map_err(|source| GliaError::Io {
            action: "read",
            path: path.into(),
            source,
        })?;
        let name: String =
            path.file_stem().map_or_else(|| "csv".into(), |s| s.to_string_lossy().into_owned());
        Self::from_csv_text(&text, &name, &path.display().to_string(), options)
    }

    /// Parses CSV text (the body of [`Self::from_csv`]); `source_name` labels error messages.
    ///
    /// ```
    /// use dgnn_glia::{CsvOptions, Dataset, LabelColumn};
    /// let text = "a,b,species\n1,2,cat\n3,4,dog\n5,6,cat\n";
    /// let options = CsvOptions { label: LabelColumn::Name("species".into()), ..CsvOptions::default() };
    /// let data = Dataset::from_csv_text(text, "pets", "pets.csv", &options)?;
    /// assert_eq!(data.class_names(), ["cat", "dog"]);
    /// assert_eq!(data.row(1), [3.0, 4.0]);
    /// # Ok::<(), dgnn_glia::GliaError>(())
    /// ```
    pub fn from_csv_text(
        text: &str,
        name: &str,
        source_name: &str,
        options: &CsvOptions,
    ) -> Result<Self, GliaError> {
        let source = Source { name, source_name };
        let rows = read_records(text, &source)?;
        let layout = Layout::of(&rows, options, &source)?;
        let body = if layout.header.is_some() { &rows[1..] } else { &rows[..] };
        if body.is_empty() {
            return Err(source.data("the table has a header but no samples".into()));
        }
        let values = layout.parse_body(body, &source)?;
        let (labels, class_names) = encode_labels(&values.labels);
        if class_names.len() < 2 {
            return Err(source.data(format!(
                "every sample has the label `{}`: classification needs at least two classes \
                 (is the label column right?)",
                class_names.first().cloned().unwrap_or_default()
            )));
        }
        let feature_names = layout.feature_names();
        let n_features = feature_names.len();
        let data =
            Self::new(name, values.features, n_features, labels, class_names, feature_names)?;
        if layout.context.is_none() {
            return Ok(data);
        }
        let (contexts, _) = encode_labels(&values.contexts);
        data.with_contexts(contexts)
    }
}

/// Where a table comes from, for error messages.
struct Source<'a> {
    /// The data set's name.
    name: &'a str,
    /// The file (or the label of an in-memory table).
    source_name: &'a str,
}

impl Source<'_> {
    /// An error at `line` of the table, with its fix.
    fn at(&self, line: usize, problem: String, fix: &str) -> GliaError {
        GliaError::Csv { source_name: self.source_name.into(), line, problem, fix: fix.into() }
    }

    /// An error of the table as a whole.
    fn data(&self, problem: String) -> GliaError {
        GliaError::Data { name: self.name.into(), problem }
    }
}

/// The non-empty records of `text`, each with its 1-based line number.
fn read_records(text: &str, source: &Source<'_>) -> Result<Vec<(usize, Vec<String>)>, GliaError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut rows: Vec<(usize, Vec<String>)> = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line() as usize);
            source.at(line, format!("unreadable CSV: {e}"), "check quoting and encoding")
        })?;
        let line = record.position().map_or(rows.len() + 1, |p| p.line() as usize);
        if record.iter().all(str::is_empty) {
            continue;
        }
        rows.push((line, record.iter().map(str::to_string).collect()));
    }
    Ok(rows)
}

/// Which columns of a table hold what.
struct Layout {
    /// Fields per row.
    width: usize,
    /// The header's names, when the first row is a header.
    header: Option<Vec<String>>,
    /// The label column.
    label: usize,
    /// The context column, if any.
    context: Option<usize>,
}

/// The values of a table's body, before labels and contexts are numbered.
struct BodyValues {
    features: Vec<f64>,
    labels: Vec<String>,
    contexts: Vec<String>,
}

impl Layout {
    /// The layout of a table whose first non-empty row is `rows[0]`.
    fn of(
        rows: &[(usize, Vec<String>)],
        options: &CsvOptions,
        source: &Source<'_>,
    ) -> Result<Self, GliaError> {
        let Some((first_line, first)) = rows.first() else {
            return Err(source.data("the table is empty; give one sample per row".into()));
        };
        let (first_line, width) = (*first_line, first.len());
        if width < 2 {
            return Err(source.at(
                first_line,
                format!("only {width} column"),
                "a table needs feature columns and a label column (is the delimiter a comma?)",
            ));
        }
        let columns = Columns { width, first_line, source };
        let has_header = match options.header {
            Some(h) => h,
            None => columns.looks_like_header(first, options)?,
        };
        let header = has_header.then(|| first.clone());
        let label = columns.find("label", &options.label, header.as_ref())?;
        let context = match &options.context {
            Some(c) => Some(columns.find("context", c, header.as_ref())?),
            None => None,
        };
        if context == Some(label) {
            return Err(source.at(
                first_line,
                format!("the context column is the label column ({label})"),
                "give the task ids their own column",
            ));
        }
        if width < 2 + usize::from(context.is_some()) {
            return Err(source.at(
                first_line,
                format!("only {width} columns"),
                "a table needs feature columns besides the label and context columns",
            ));
        }
        Ok(Self { width, header, label, context })
    }

    /// The names of the feature columns: the header's, else `x{column}`.
    fn feature_names(&self) -> Vec<String> {
        (0..self.width)
            .filter(|&i| i != self.label && Some(i) != self.context)
            .map(|i| self.header.as_ref().map_or_else(|| format!("x{i}"), |h| h[i].clone()))
            .collect()
    }

    /// The name of column `i` in messages: its header name, else its index.
    fn column_name(&self, i: usize) -> String {
        self.header.as_ref().map_or_else(|| format!("{i}"), |h| h[i].clone())
    }

    /// Reads every body row: features as numbers, labels and contexts as written.
    fn parse_body(
        &self,
        body: &[(usize, Vec<String>)],
        source: &Source<'_>,
    ) -> Result<BodyValues, GliaError> {
        let n_features = self.width - 1 - usize::from(self.context.is_some());
        let mut values = BodyValues {
            features: Vec::with_capacity(body.len() * n_features),
            labels: Vec::with_capacity(body.len()),
            contexts: Vec::new(),
        };
        for (line, fields) in body {
            if fields.len() != self.width {
                return Err(source.at(
                    *line,
                    format!(
                        "ragged row: {} fields where the table has {}",
                        fields.len(),
                        self.width
                    ),
                    "give every row the same number of fields",
                ));
            }
            for (i, field) in fields.iter().enumerate() {
                if is_missing(field) {
                    return Err(source.at(
                        *line,
                        format!("missing value in column `{}`", self.column_name(i)),
                        "remove the row or fill the value in (dgnn does not impute)",
                    ));
                }
                if i == self.label {
                    values.labels.push(field.clone());
                } else if Some(i) == self.context {
                    values.contexts.push(field.clone());
                } else {
                    values.features.push(self.feature(field, i, *line, source)?);
                }
            }
        }
        Ok(values)
    }

    /// A feature field as a finite number.
    fn feature(
        &self,
        field: &str,
        column: usize,
        line: usize,
        source: &Source<'_>,
    ) -> Result<f64, GliaError> {
        let value = field.parse::<f64>().map_err(|_| {
            source.at(
                line,
                format!("non-numeric feature `{field}` in column `{}`", self.column_name(column)),
                "features must be numbers: encode categories as numbers or drop the column (is \
                 the label column set right?)",
            )
        })?;
        if !value.is_finite() {
            return Err(source.at(
                line,
                format!("feature `{field}` in column `{}` is not finite", self.column_name(column)),
                "replace infinities by finite numbers",
            ));
        }
        Ok(value)
    }
}

/// Finds the label and context columns of a table `width` fields wide.
struct Columns<'a> {
    width: usize,
    first_line: usize,
    source: &'a Source<'a>,
}

impl Columns<'_> {
    /// The index of the `role` column.
    fn find(
        &self,
        role: &str,
        column: &LabelColumn,
        header: Option<&Vec<String>>,
    ) -> Result<usize, GliaError> {
        let (width, line) = (self.width, self.first_line);
        match column {
            LabelColumn::Last => Ok(width - 1),
            LabelColumn::Index(i) if *i < width => Ok(*i),
            LabelColumn::Index(i) => Err(self.source.at(
                line,
                format!("{role} column index {i} but rows have {width} columns"),
                "give a 0-based index below the number of columns",
            )),
            LabelColumn::Name(n) => match header {
                Some(h) => h.iter().position(|c| c == n).ok_or_else(|| {
                    self.source.at(
                        line,
                        format!("no {role} column named `{n}` (header: {})", h.join(", ")),
                        "give one of the header names, or the column index",
                    )
                }),
                None => Err(self.source.at(
                    line,
                    format!("{role} column `{n}` given by name but the table has no header"),
                    &format!("give the {role} column by index, or add a header row"),
                )),
            },
        }
    }

    /// Whether `first` is a header: none of its feature fields is a number (the label and
    /// context columns, where known by position, are not looked at).
    fn looks_like_header(&self, first: &[String], options: &CsvOptions) -> Result<bool, GliaError> {
        let by_position = |role: &str, column: Option<&LabelColumn>| match column {
            None | Some(LabelColumn::Name(_)) => Ok(None),
            Some(c) => self.find(role, c, None).map(Some),
        };
        let label = by_position("label", Some(&options.label))?;
        let context = by_position("context", options.context.as_ref())?;
        Ok(first
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != label && Some(*i) != context)
            .all(|(_, f)| f.parse::<f64>().is_err()))
    }
}

fn is_missing(field: &str) -> bool {
    matches!(field, "" | "?" | "NA" | "N/A" | "na" | "NaN" | "nan" | "null" | "NULL")
}

/// Class indices for raw label strings: integers sort numerically, other labels alphabetically.
fn encode_labels(raw: &[String]) -> (Vec<usize>, Vec<String>) {
    let mut names: Vec<String> = raw.to_vec();
    let numeric = names.iter().all(|n| n.parse::<i64>().is_ok());
    if numeric {
        names.sort_by_key(|n| n.parse::<i64>().unwrap_or(0));
    } else {
        names.sort();
    }
    names.dedup();
    let labels = raw.iter().map(|r| names.iter().position(|n| n == r).unwrap_or(0)).collect();
    (labels, names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_header_and_string_labels() {
        let text = "a,b,species\n1,2,cat\n3,4,dog\n5,6,cat\n";
        let options =
            CsvOptions { header: None, label: LabelColumn::Name("species".into()), context: None };
        let d = Dataset::from_csv_text(text, "t", "t.csv", &options).unwrap();
        assert_eq!(d.len(), 3);
        assert_eq!(d.class_names(), ["cat", "dog"]);
        assert_eq!(d.labels(), [0, 1, 0]);
        assert_eq!(d.feature_names(), ["a", "b"]);
        assert_eq!(d.row(1), [3.0, 4.0]);
    }

    #[test]
    fn csv_without_header_label_by_index_numeric_labels() {
        let text = "10,1.5,2.5\n2,3.5,4.5\n10,0.5,0.5\n";
        let options = CsvOptions { header: None, label: LabelColumn::Index(0), context: None };
        let d = Dataset::from_csv_text(text, "t", "t.csv", &options).unwrap();
        // Numeric labels sort numerically: 2 < 10.
        assert_eq!(d.class_names(), ["2", "10"]);
        assert_eq!(d.labels(), [1, 0, 1]);
        assert_eq!(d.row(0), [1.5, 2.5]);
    }

    #[test]
    fn csv_context_column_gives_task_ids_not_a_feature() {
        // Task names sort to ids (A → 0, B → 1); the column leaves the features.
        let text = "x0,task,x1,y\n1,B,2,no\n3,A,4,yes\n5,B,6,yes\n";
        let options = CsvOptions {
            header: None,
            label: LabelColumn::Name("y".into()),
            context: Some(LabelColumn::Name("task".into())),
        };
        let d = Dataset::from_csv_text(text, "t", "t.csv", &options).unwrap();
        assert_eq!(d.feature_names(), ["x0", "x1"]);
        assert_eq!(d.row(1), [3.0, 4.0]);
        assert_eq!(d.n_contexts(), 2);
        assert_eq!((0..3).map(|i| d.context(i)).collect::<Vec<_>>(), [1, 0, 1]);
        // Without a header, by index; numeric task ids sort numerically (2 < 10), and the
        // header detection ignores the context column.
        let text = "0.5,10,1\n1.5,2,0\n2.5,10,0\n";
        let options = CsvOptions {
            header: None,
            label: LabelColumn::Last,
            context: Some(LabelColumn::Index(1)),
        };
        let d = Dataset::from_csv_text(text, "t", "t.csv", &options).unwrap();
        assert_eq!((d.len(), d.n_features()), (3, 1));
        assert_eq!((0..3).map(|i| d.context(i)).collect::<Vec<_>>(), [1, 0, 1]);
        // The label column cannot double as the context column; an unknown name is named.
        let err = |context: LabelColumn| {
            let options =
                CsvOptions { header: Some(true), label: LabelColumn::Last, context: Some(context) };
            Dataset::from_csv_text("a,b,y\n1,2,0\n3,4,1\n", "t", "t.csv", &options)
                .unwrap_err()
                .to_string()
        };
        assert!(err(LabelColumn::Name("y".into())).contains("is the label column"));
        let unknown = err(LabelColumn::Name("task".into()));
        assert!(unknown.contains("no context column named `task`"), "{unknown}");
        // A table of only a label and a context column has no features.
        let options = CsvOptions {
            header: Some(false),
            label: LabelColumn::Last,
            context: Some(LabelColumn::Index(0)),
        };
        let err = Dataset::from_csv_text("0,1\n1,0\n", "t", "t.csv", &options).unwrap_err();
        assert!(err.to_string().contains("feature columns"), "{err}");
    }

    #[test]
    fn label_columns_parse_from_the_command_line() {
        assert_eq!("3".parse::<LabelColumn>(), Ok(LabelColumn::Index(3)));
        assert_eq!("task".parse::<LabelColumn>(), Ok(LabelColumn::Name("task".into())));
    }

    #[test]
    fn csv_errors_name_the_line_and_the_fix() {
        let opts = CsvOptions::default();
        let err = |text: &str| Dataset::from_csv_text(text, "t", "t.csv", &opts).unwrap_err();
        let ragged = err("1,2,0\n3,4\n5,6,1\n");
        assert!(matches!(ragged, GliaError::Csv { line: 2, .. }), "{ragged}");
        assert!(ragged.to_string().contains("ragged"));
        let missing = err("1,2,0\n3,,1\n");
        assert!(missing.to_string().contains("missing value"), "{missing}");
        let text = err("1,2,0\n3,x,1\n");
        assert!(text.to_string().contains("non-numeric feature `x`"), "{text}");
        let single = err("1,2,0\n3,4,0\n");
        assert!(single.to_string().contains("at least two classes"), "{single}");
        let named = Dataset::from_csv_text(
            "1,2,0\n3,4,1\n",
            "t",
            "t.csv",
            &CsvOptions { header: None, label: LabelColumn::Name("y".into()), context: None },
        )
        .unwrap_err();
        assert!(named.to_string().contains("no header"), "{named}");
    }
}
