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
    /// Reads a CSV file; see [`CsvOptions`]. The file is read as a stream, straight into the
    /// data set's columns: a table takes its own size in memory (8 bytes per number), not the
    /// file's text besides (issue 14: a 76 MB table took 919 MB).
    pub fn from_csv(path: &Path, options: &CsvOptions) -> Result<Self, GliaError> {
        let io = |source| GliaError::Io { action: "read", path: path.into(), source };
        let file = std::fs::File::open(path).map_err(io)?;
        let name: String =
            path.file_stem().map_or_else(|| "csv".into(), |s| s.to_string_lossy().into_owned());
        let source = Source { name: &name, source_name: &path.display().to_string() };
        let total = file.metadata().ok().map(|m| m.len());
        read_table(std::io::BufReader::with_capacity(1 << 20, file), total, options, &source)
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
        read_table(text.as_bytes(), Some(text.len() as u64), options, &Source { name, source_name })
    }
}

/// Reads a table from `reader` into a data set: the first non-empty row decides the layout,
/// then every row is parsed straight into the columns (no copy of the text is kept).
fn read_table(
    reader: impl std::io::Read,
    total_bytes: Option<u64>,
    options: &CsvOptions,
    source: &Source<'_>,
) -> Result<Dataset, GliaError> {
    let mut rows = Rows::new(reader);
    let Some(first_line) = rows.next(source)? else {
        return Err(source.data("the table is empty; give one sample per row".into()));
    };
    let first: Vec<String> = rows.record.iter().map(str::to_string).collect();
    let layout = Layout::of(first_line, &first, options, source)?;
    let mut body = Body::new();
    if layout.header.is_none() {
        body.push(first_line, &rows.record, &layout, source)?;
    }
    while let Some(line) = rows.next(source)? {
        body.push(line, &rows.record, &layout, source)?;
        if body.labels.rows.len() == 4096
            && let Some(total) = total_bytes
        {
            body.reserve_for(rows.record.position().map_or(0, csv::Position::byte), total);
        }
    }
    body.features.shrink_to_fit();
    if body.labels.is_empty() {
        return Err(source.data("the table has a header but no samples".into()));
    }
    let (labels, class_names) = body.labels.encode();
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
        Dataset::new(source.name, body.features, n_features, labels, class_names, feature_names)?;
    if layout.context.is_none() {
        return Ok(data);
    }
    let (contexts, _) = body.contexts.encode();
    data.with_contexts(contexts)
}

/// The non-empty records of a table, one at a time, each with its 1-based line number.
struct Rows<R: std::io::Read> {
    reader: csv::Reader<R>,
    /// The current record (reused for every row).
    record: csv::StringRecord,
}

impl<R: std::io::Read> Rows<R> {
    fn new(reader: R) -> Self {
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(reader);
        Self { reader, record: csv::StringRecord::new() }
    }

    /// Reads the next non-empty record into `self.record`; its line, or `None` at the end.
    fn next(&mut self, source: &Source<'_>) -> Result<Option<usize>, GliaError> {
        loop {
            let more = self.reader.read_record(&mut self.record).map_err(|e| {
                let line = e.position().map_or(0, |p| p.line() as usize);
                source.at(line, format!("unreadable CSV: {e}"), "check quoting and encoding")
            })?;
            if !more {
                return Ok(None);
            }
            if self.record.iter().all(str::is_empty) {
                continue;
            }
            let line = self.record.position().map_or(0, |p| p.line() as usize);
            return Ok(Some(line));
        }
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

/// The values of a table's body, gathered row by row: features as numbers, labels and
/// contexts as the distinct names written (numbered when the table is complete).
struct Body {
    features: Vec<f64>,
    labels: Names,
    contexts: Names,
}

impl Body {
    fn new() -> Self {
        Self { features: Vec::new(), labels: Names::default(), contexts: Names::default() }
    }

    /// Reserves room for the whole table once `bytes_read` of its `total_bytes` gave the rows
    /// so far, so the columns grow once instead of doubling (a doubling holds 3× the data).
    fn reserve_for(&mut self, bytes_read: u64, total_bytes: u64) {
        let rows = self.labels.rows.len() as f64;
        let expected = (rows * total_bytes as f64 / bytes_read.max(1) as f64 * 1.02) as usize;
        let per_row = self.features.len() / self.labels.rows.len().max(1);
        self.features.reserve(expected.saturating_sub(self.labels.rows.len()) * per_row);
        self.labels.rows.reserve(expected.saturating_sub(self.labels.rows.len()));
    }

    /// Adds one row, refusing ragged rows, missing values and non-numeric features.
    fn push(
        &mut self,
        line: usize,
        fields: &csv::StringRecord,
        layout: &Layout,
        source: &Source<'_>,
    ) -> Result<(), GliaError> {
        if fields.len() != layout.width {
            return Err(source.at(
                line,
                format!("ragged row: {} fields where the table has {}", fields.len(), layout.width),
                "give every row the same number of fields",
            ));
        }
        for (i, field) in fields.iter().enumerate() {
            if is_missing(field) {
                return Err(source.at(
                    line,
                    format!("missing value in column `{}`", layout.column_name(i)),
                    "remove the row or fill the value in (dgnn does not impute)",
                ));
            }
            if i == layout.label {
                self.labels.push(field);
            } else if Some(i) == layout.context {
                self.contexts.push(field);
            } else {
                self.features.push(layout.feature(field, i, line, source)?);
            }
        }
        Ok(())
    }
}

/// A column of names (labels or contexts): the distinct names in order of first appearance and
/// each row's index into them.
#[derive(Default)]
struct Names {
    distinct: Vec<String>,
    index: std::collections::HashMap<String, usize>,
    rows: Vec<usize>,
}

impl Names {
    fn push(&mut self, name: &str) {
        let id = match self.index.get(name) {
            Some(&id) => id,
            None => {
                self.distinct.push(name.to_string());
                self.index.insert(name.to_string(), self.distinct.len() - 1);
                self.distinct.len() - 1
            }
        };
        self.rows.push(id);
    }

    fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Class indices for the rows and the sorted names: integers sort numerically, other
    /// names alphabetically.
    fn encode(self) -> (Vec<usize>, Vec<String>) {
        let mut names = self.distinct.clone();
        sort_names(&mut names);
        let rank: Vec<usize> =
            self.distinct.iter().map(|d| names.iter().position(|n| n == d).unwrap_or(0)).collect();
        (self.rows.iter().map(|&r| rank[r]).collect(), names)
    }
}

/// Sorts label or context names into the order that numbers them, and drops repeats: integers
/// numerically, other names alphabetically (the one numbering of training and prediction).
pub(crate) fn sort_names<S: AsRef<str> + Ord>(names: &mut Vec<S>) {
    let numeric = names.iter().all(|n| n.as_ref().parse::<i64>().is_ok());
    if numeric {
        names.sort_by_key(|n| n.as_ref().parse::<i64>().unwrap_or(0));
    } else {
        names.sort();
    }
    names.dedup();
}

impl Layout {
    /// The layout of a table whose first non-empty row is `first`, at `first_line`.
    fn of(
        first_line: usize,
        first: &[String],
        options: &CsvOptions,
        source: &Source<'_>,
    ) -> Result<Self, GliaError> {
        let width = first.len();
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
        let header = has_header.then(|| first.to_vec());
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
