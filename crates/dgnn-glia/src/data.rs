//! Classification data: the bundled UCI sets, users' CSV tables, standardisation and seeded
//! stratified splits.
//!
//! - [`Dataset::builtin`] loads iris, wine, WDBC (breast cancer) or digits from the copies compiled
//!   into the crate (`data/README.md` gives their provenance, licence and citations).
//! - [`Dataset::from_csv`] reads a user's table: with or without a header, the label column by
//!   name or index (or the last column), numeric or string labels. Ragged rows, missing values,
//!   non-numeric features and a single class are refused with the line and the fix.
//! - [`Standardizer`] is scikit-learn's `StandardScaler`: mean and population standard deviation
//!   (ddof = 0) fitted on the training part only; a constant feature keeps scale 1.
//! - [`stratified_split`] and [`stratified_k_fold`] shuffle each class with its own seeded stream
//!   and deal its members round-robin, so every fold holds each class in proportion (counts differ
//!   by at most one) and the result depends only on the seed.

use crate::GliaError;
use dgnn_core::Seed;
use rand::RngExt;
use serde::{Deserialize, Serialize};
use std::io::Read;
use std::path::Path;

/// A classification table: `n` samples of `d` real features, each with a class label and an
/// optional context (task id) for multitask networks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dataset {
    name: String,
    n_features: usize,
    features: Vec<f64>,
    labels: Vec<usize>,
    class_names: Vec<String>,
    feature_names: Vec<String>,
    contexts: Option<Vec<usize>>,
}

/// The data sets compiled into the crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Builtin {
    /// Fisher's iris: 150 × 4, 3 classes.
    Iris,
    /// Wine recognition: 178 × 13, 3 classes.
    Wine,
    /// Wisconsin diagnostic breast cancer: 569 × 30, 2 classes.
    Wdbc,
    /// Optical handwritten digits: 1797 × 64, 10 classes.
    Digits,
}

impl Builtin {
    /// Every bundled data set.
    pub const ALL: [Self; 4] = [Self::Iris, Self::Wine, Self::Wdbc, Self::Digits];

    /// The data set's canonical name.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Iris => "iris",
            Self::Wine => "wine",
            Self::Wdbc => "wdbc",
            Self::Digits => "digits",
        }
    }

    /// Looks a data set up by name (`breast_cancer` is accepted for `wdbc`).
    pub fn from_name(name: &str) -> Result<Self, GliaError> {
        match name.to_ascii_lowercase().as_str() {
            "iris" => Ok(Self::Iris),
            "wine" | "wine_data" => Ok(Self::Wine),
            "wdbc" | "breast_cancer" | "breast-cancer" => Ok(Self::Wdbc),
            "digits" => Ok(Self::Digits),
            _ => Err(GliaError::UnknownDataset { name: name.into() }),
        }
    }

    /// Loads the data set.
    pub fn load(self) -> Result<Dataset, GliaError> {
        let (bytes, gz): (&[u8], bool) = match self {
            Self::Iris => (include_bytes!("../data/iris.csv"), false),
            Self::Wine => (include_bytes!("../data/wine_data.csv"), false),
            Self::Wdbc => (include_bytes!("../data/breast_cancer.csv"), false),
            Self::Digits => (include_bytes!("../data/digits.csv.gz"), true),
        };
        let text = if gz {
            let mut out = String::new();
            flate2::read::GzDecoder::new(bytes).read_to_string(&mut out).map_err(|e| {
                GliaError::Data { name: self.name().into(), problem: format!("bundled file: {e}") }
            })?;
            out
        } else {
            String::from_utf8_lossy(bytes).into_owned()
        };
        let mut lines = text.lines().filter(|l| !l.trim().is_empty());
        let class_names: Vec<String> = if gz {
            (0..10).map(|d| d.to_string()).collect()
        } else {
            let head = lines.next().unwrap_or_default();
            head.split(',').skip(2).map(|s| s.trim().to_string()).collect()
        };
        let feature_names = builtin_feature_names(self);
        let d = feature_names.len();
        let mut features = Vec::new();
        let mut labels = Vec::new();
        for line in lines {
            let fields: Vec<&str> = line.split(',').collect();
            let bad = || GliaError::Data {
                name: self.name().into(),
                problem: format!("bundled file has a malformed line `{line}`"),
            };
            if fields.len() != d + 1 {
                return Err(bad());
            }
            for f in &fields[..d] {
                features.push(f.trim().parse::<f64>().map_err(|_| bad())?);
            }
            labels.push(fields[d].trim().parse::<usize>().map_err(|_| bad())?);
        }
        Dataset::new(self.name(), features, d, labels, class_names, feature_names)
    }
}

fn builtin_feature_names(set: Builtin) -> Vec<String> {
    let owned = |v: &[&str]| v.iter().map(|s| (*s).to_string()).collect::<Vec<_>>();
    match set {
        Builtin::Iris => owned(&[
            "sepal length (cm)",
            "sepal width (cm)",
            "petal length (cm)",
            "petal width (cm)",
        ]),
        Builtin::Wine => owned(&[
            "alcohol",
            "malic acid",
            "ash",
            "alcalinity of ash",
            "magnesium",
            "total phenols",
            "flavanoids",
            "nonflavanoid phenols",
            "proanthocyanins",
            "color intensity",
            "hue",
            "od280/od315 of diluted wines",
            "proline",
        ]),
        Builtin::Wdbc => {
            let base = [
                "radius",
                "texture",
                "perimeter",
                "area",
                "smoothness",
                "compactness",
                "concavity",
                "concave points",
                "symmetry",
                "fractal dimension",
            ];
            let mut names: Vec<String> = base.iter().map(|b| format!("mean {b}")).collect();
            names.extend(base.iter().map(|b| format!("{b} error")));
            names.extend(base.iter().map(|b| format!("worst {b}")));
            names
        }
        Builtin::Digits => (0..64).map(|i| format!("pixel_{}_{}", i / 8, i % 8)).collect(),
    }
}

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

fn is_missing(field: &str) -> bool {
    matches!(field, "" | "?" | "NA" | "N/A" | "na" | "NaN" | "nan" | "null" | "NULL")
}

impl Dataset {
    /// Builds a data set from row-major features (`labels.len()` rows of `n_features`), checking
    /// shapes, finiteness, label range and that at least two classes occur.
    pub fn new(
        name: &str,
        features: Vec<f64>,
        n_features: usize,
        labels: Vec<usize>,
        class_names: Vec<String>,
        feature_names: Vec<String>,
    ) -> Result<Self, GliaError> {
        let data_err = |problem: String| GliaError::Data { name: name.into(), problem };
        if n_features == 0 {
            return Err(data_err("has no feature columns; add at least one feature".into()));
        }
        if features.len() != labels.len() * n_features {
            return Err(GliaError::Shape {
                what: format!("data set `{name}` feature values"),
                expected: labels.len() * n_features,
                found: features.len(),
            });
        }
        if feature_names.len() != n_features {
            return Err(GliaError::Shape {
                what: format!("data set `{name}` feature names"),
                expected: n_features,
                found: feature_names.len(),
            });
        }
        if let Some(at) = features.iter().position(|v| !v.is_finite()) {
            return Err(data_err(format!(
                "feature `{}` of sample {} is not finite; remove or impute it",
                feature_names[at % n_features],
                at / n_features
            )));
        }
        if let Some(&bad) = labels.iter().find(|&&l| l >= class_names.len()) {
            return Err(data_err(format!(
                "label {bad} but only {} class names; give one name per class",
                class_names.len()
            )));
        }
        let dataset = Self {
            name: name.into(),
            n_features,
            features,
            labels,
            class_names,
            feature_names,
            contexts: None,
        };
        let present = dataset.class_counts().iter().filter(|&&c| c > 0).count();
        if present < 2 {
            return Err(data_err(format!(
                "only {present} class present in {} samples; classification needs at least two \
                 classes (check the label column)",
                dataset.len()
            )));
        }
        Ok(dataset)
    }

    /// A bundled data set by name: `iris`, `wine`, `wdbc` (or `breast_cancer`), `digits`.
    pub fn builtin(name: &str) -> Result<Self, GliaError> {
        Builtin::from_name(name)?.load()
    }

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
    pub fn from_csv_text(
        text: &str,
        name: &str,
        source_name: &str,
        options: &CsvOptions,
    ) -> Result<Self, GliaError> {
        let csv_err = |line: usize, problem: String, fix: &str| GliaError::Csv {
            source_name: source_name.into(),
            line,
            problem,
            fix: fix.into(),
        };
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let mut rows: Vec<(usize, Vec<String>)> = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| {
                let line = e.position().map_or(0, |p| p.line() as usize);
                csv_err(line, format!("unreadable CSV: {e}"), "check quoting and encoding")
            })?;
            let line = record.position().map_or(rows.len() + 1, |p| p.line() as usize);
            if record.iter().all(str::is_empty) {
                continue;
            }
            rows.push((line, record.iter().map(str::to_string).collect()));
        }
        let Some((first_line, first)) = rows.first().cloned() else {
            return Err(GliaError::Data {
                name: name.into(),
                problem: "the table is empty; give one sample per row".into(),
            });
        };
        let width = first.len();
        if width < 2 {
            return Err(csv_err(
                first_line,
                format!("only {width} column"),
                "a table needs feature columns and a label column (is the delimiter a comma?)",
            ));
        }
        let header_names: Option<Vec<String>>;
        let column_at = |role: &str,
                         column: &LabelColumn,
                         header: Option<&Vec<String>>|
         -> Result<usize, GliaError> {
            match column {
                LabelColumn::Last => Ok(width - 1),
                LabelColumn::Index(i) if *i < width => Ok(*i),
                LabelColumn::Index(i) => Err(csv_err(
                    first_line,
                    format!("{role} column index {i} but rows have {width} columns"),
                    "give a 0-based index below the number of columns",
                )),
                LabelColumn::Name(n) => match header {
                    Some(h) => h.iter().position(|c| c == n).ok_or_else(|| {
                        csv_err(
                            first_line,
                            format!("no {role} column named `{n}` (header: {})", h.join(", ")),
                            "give one of the header names, or the column index",
                        )
                    }),
                    None => Err(csv_err(
                        first_line,
                        format!("{role} column `{n}` given by name but the table has no header"),
                        &format!("give the {role} column by index, or add a header row"),
                    )),
                },
            }
        };
        let has_header = match options.header {
            Some(h) => h,
            None => {
                // A header has no numeric feature field; a data row has numeric features.
                let provisional = |role: &str, column: Option<&LabelColumn>| match column {
                    None | Some(LabelColumn::Name(_)) => Ok(None),
                    Some(c) => column_at(role, c, None).map(Some),
                };
                let label = provisional("label", Some(&options.label))?;
                let context = provisional("context", options.context.as_ref())?;
                first
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| Some(*i) != label && Some(*i) != context)
                    .all(|(_, f)| f.parse::<f64>().is_err())
            }
        };
        let body = if has_header {
            header_names = Some(first.clone());
            &rows[1..]
        } else {
            header_names = None;
            &rows[..]
        };
        let label_col = column_at("label", &options.label, header_names.as_ref())?;
        let context_col = match &options.context {
            Some(c) => Some(column_at("context", c, header_names.as_ref())?),
            None => None,
        };
        if context_col == Some(label_col) {
            return Err(csv_err(
                first_line,
                format!("the context column is the label column ({label_col})"),
                "give the task ids their own column",
            ));
        }
        if width < 2 + usize::from(context_col.is_some()) {
            return Err(csv_err(
                first_line,
                format!("only {width} columns"),
                "a table needs feature columns besides the label and context columns",
            ));
        }
        let n_features = width - 1 - usize::from(context_col.is_some());
        let feature_names: Vec<String> = (0..width)
            .filter(|&i| i != label_col && Some(i) != context_col)
            .map(|i| header_names.as_ref().map_or_else(|| format!("x{i}"), |h| h[i].clone()))
            .collect();
        if body.is_empty() {
            return Err(GliaError::Data {
                name: name.into(),
                problem: "the table has a header but no samples".into(),
            });
        }
        let mut features = Vec::with_capacity(body.len() * n_features);
        let mut raw_labels = Vec::with_capacity(body.len());
        let mut raw_contexts = Vec::new();
        for (line, fields) in body {
            if fields.len() != width {
                return Err(csv_err(
                    *line,
                    format!("ragged row: {} fields where the table has {width}", fields.len()),
                    "give every row the same number of fields",
                ));
            }
            for (i, field) in fields.iter().enumerate() {
                let column = header_names.as_ref().map_or_else(|| format!("{i}"), |h| h[i].clone());
                if is_missing(field) {
                    return Err(csv_err(
                        *line,
                        format!("missing value in column `{column}`"),
                        "remove the row or fill the value in (dgnn does not impute)",
                    ));
                }
                if i == label_col {
                    raw_labels.push(field.clone());
                } else if Some(i) == context_col {
                    raw_contexts.push(field.clone());
                } else {
                    let value = field.parse::<f64>().map_err(|_| {
                        csv_err(
                            *line,
                            format!("non-numeric feature `{field}` in column `{column}`"),
                            "features must be numbers: encode categories as numbers or drop the \
                             column (is the label column set right?)",
                        )
                    })?;
                    if !value.is_finite() {
                        return Err(csv_err(
                            *line,
                            format!("feature `{field}` in column `{column}` is not finite"),
                            "replace infinities by finite numbers",
                        ));
                    }
                    features.push(value);
                }
            }
        }
        let (labels, class_names) = encode_labels(&raw_labels);
        if class_names.len() < 2 {
            return Err(GliaError::Data {
                name: name.into(),
                problem: format!(
                    "every sample has the label `{}`: classification needs at least two classes \
                     (is the label column right?)",
                    class_names.first().cloned().unwrap_or_default()
                ),
            });
        }
        let data = Self::new(name, features, n_features, labels, class_names, feature_names)?;
        if context_col.is_none() {
            return Ok(data);
        }
        let (contexts, _) = encode_labels(&raw_contexts);
        data.with_contexts(contexts)
    }

    /// A synthetic multitask data set of two conflicting tasks on the same inputs: `inputs`
    /// points `(x0, x1)` of a deterministic low-discrepancy scatter over [−1, 1]² (the Kronecker
    /// sequence `x0 = 2·frac(i/φ) − 1`, `x1 = 2·frac(i(√2 − 1)) − 1`), each once in context 0,
    /// labelled 1 when `x0 > 0`, and once in context 1, labelled 1 when `x0 ≤ 0`. Every input
    /// appears with both labels, so a classifier blind to the context is right on half of the
    /// samples at best; only context-dependent (phase-gated) networks can do well. Refused for
    /// `inputs` = 0 (no samples).
    pub fn two_conflicting_tasks(inputs: usize) -> Result<Self, GliaError> {
        let mut features = Vec::with_capacity(4 * inputs);
        let (mut labels, mut contexts) = (Vec::new(), Vec::new());
        for i in 0..inputs {
            let x0 = 2.0 * (i as f64 * 0.618_033_988_749_895).fract() - 1.0;
            let x1 = 2.0 * (i as f64 * 0.414_213_562_373_095).fract() - 1.0;
            for task in 0..2 {
                features.extend_from_slice(&[x0, x1]);
                labels.push(usize::from(x0 > 0.0) ^ task);
                contexts.push(task);
            }
        }
        let names = |a: &str, b: &str| vec![a.to_string(), b.to_string()];
        Self::new("two-tasks", features, 2, labels, names("0", "1"), names("x0", "x1"))?
            .with_contexts(contexts)
    }

    /// Attaches a context (task id) to every sample, for multitask networks with a phase layer.
    pub fn with_contexts(mut self, contexts: Vec<usize>) -> Result<Self, GliaError> {
        if contexts.len() != self.len() {
            return Err(GliaError::Shape {
                what: format!("contexts of data set `{}`", self.name),
                expected: self.len(),
                found: contexts.len(),
            });
        }
        self.contexts = Some(contexts);
        Ok(self)
    }

    /// The data set's name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Number of samples.
    #[must_use]
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// True when there are no samples.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Number of features per sample.
    #[must_use]
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// Number of classes (the length of the class-name list).
    #[must_use]
    pub fn n_classes(&self) -> usize {
        self.class_names.len()
    }

    /// Number of contexts: one more than the largest context id (1 without contexts).
    #[must_use]
    pub fn n_contexts(&self) -> usize {
        self.contexts.as_ref().and_then(|c| c.iter().max()).map_or(1, |m| m + 1)
    }

    /// All features, row-major.
    #[must_use]
    pub fn features(&self) -> &[f64] {
        &self.features
    }

    /// The features of sample `i`.
    #[must_use]
    pub fn row(&self, i: usize) -> &[f64] {
        &self.features[i * self.n_features..(i + 1) * self.n_features]
    }

    /// The class label of every sample.
    #[must_use]
    pub fn labels(&self) -> &[usize] {
        &self.labels
    }

    /// The context of sample `i` (0 without contexts).
    #[must_use]
    pub fn context(&self, i: usize) -> usize {
        self.contexts.as_ref().map_or(0, |c| c[i])
    }

    /// The indices of the samples of `context`, in order (all samples without contexts).
    #[must_use]
    pub fn context_members(&self, context: usize) -> Vec<usize> {
        (0..self.len()).filter(|&i| self.context(i) == context).collect()
    }

    /// The class names, indexed by label.
    #[must_use]
    pub fn class_names(&self) -> &[String] {
        &self.class_names
    }

    /// The feature names, indexed by column.
    #[must_use]
    pub fn feature_names(&self) -> &[String] {
        &self.feature_names
    }

    /// How many samples each class has.
    #[must_use]
    pub fn class_counts(&self) -> Vec<usize> {
        let mut counts = vec![0; self.n_classes()];
        for &l in &self.labels {
            counts[l] += 1;
        }
        counts
    }

    /// The samples at `indices`, in that order (classes and names kept).
    #[must_use]
    pub fn subset(&self, indices: &[usize]) -> Self {
        let mut features = Vec::with_capacity(indices.len() * self.n_features);
        for &i in indices {
            features.extend_from_slice(self.row(i));
        }
        Self {
            name: self.name.clone(),
            n_features: self.n_features,
            features,
            labels: indices.iter().map(|&i| self.labels[i]).collect(),
            class_names: self.class_names.clone(),
            feature_names: self.feature_names.clone(),
            contexts: self.contexts.as_ref().map(|c| indices.iter().map(|&i| c[i]).collect()),
        }
    }

    /// Replaces every feature row by `f(row)` in place (used by [`Standardizer::apply`]).
    fn map_rows(&mut self, mut f: impl FnMut(&mut [f64])) {
        for row in self.features.chunks_exact_mut(self.n_features) {
            f(row);
        }
    }
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

/// Per-feature standardisation `(x − mean) / scale`, fitted on training data only
/// (scikit-learn's `StandardScaler`: population standard deviation, scale 1 for a constant
/// feature).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Standardizer {
    /// Mean of each feature on the fitting data.
    pub mean: Vec<f64>,
    /// Standard deviation of each feature on the fitting data (1 where it was 0).
    pub scale: Vec<f64>,
}

impl Standardizer {
    /// Fits the mean and scale of every feature of `data`.
    #[must_use]
    pub fn fit(data: &Dataset) -> Self {
        let d = data.n_features();
        let n = data.len().max(1) as f64;
        let mut mean = vec![0.0; d];
        for row in data.features().chunks_exact(d) {
            for (m, x) in mean.iter_mut().zip(row) {
                *m += x;
            }
        }
        mean.iter_mut().for_each(|m| *m /= n);
        let mut var = vec![0.0; d];
        for row in data.features().chunks_exact(d) {
            for ((v, x), m) in var.iter_mut().zip(row).zip(&mean) {
                *v += (x - m) * (x - m);
            }
        }
        let scale = var
            .iter()
            .zip(&mean)
            .map(|(v, m)| {
                let sd = (v / n).sqrt();
                // scikit-learn treats a variance below 10·ε·mean² as zero.
                if sd <= 10.0 * f64::EPSILON * m.abs().max(f64::MIN_POSITIVE) { 1.0 } else { sd }
            })
            .collect();
        Self { mean, scale }
    }

    /// The standardised copy of `data`.
    pub fn apply(&self, data: &Dataset) -> Result<Dataset, GliaError> {
        if data.n_features() != self.mean.len() {
            return Err(GliaError::Shape {
                what: format!("features of data set `{}` for the fitted standardiser", data.name()),
                expected: self.mean.len(),
                found: data.n_features(),
            });
        }
        let mut out = data.clone();
        out.map_rows(|row| {
            for ((x, m), s) in row.iter_mut().zip(&self.mean).zip(&self.scale) {
                *x = (*x - m) / s;
            }
        });
        Ok(out)
    }
}

/// A train/test partition of sample indices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Split {
    /// Indices of the training samples.
    pub train: Vec<usize>,
    /// Indices of the test (held-out) samples.
    pub test: Vec<usize>,
}

/// Each class's sample indices, shuffled with the class's own stream of `seed`.
fn shuffled_classes(labels: &[usize], seed: Seed, name: &str) -> Vec<Vec<usize>> {
    let classes = labels.iter().max().map_or(0, |m| m + 1);
    let mut by_class = vec![Vec::new(); classes];
    for (i, &l) in labels.iter().enumerate() {
        by_class[l].push(i);
    }
    for (c, members) in by_class.iter_mut().enumerate() {
        let mut rng = seed.stream(name, &[c as u64]);
        shuffle(members, &mut rng);
    }
    by_class
}

/// Fisher–Yates shuffle driven by `rng`.
pub fn shuffle<T>(items: &mut [T], rng: &mut impl rand::Rng) {
    for i in (1..items.len()).rev() {
        let j = rng.random_range(0..=i);
        items.swap(i, j);
    }
}

/// A seeded stratified split holding out `test_fraction` of each class (at least one sample of
/// every class with two or more members stays on each side).
pub fn stratified_split(
    labels: &[usize],
    test_fraction: f64,
    seed: Seed,
) -> Result<Split, GliaError> {
    if !(test_fraction > 0.0 && test_fraction < 1.0) {
        return Err(dgnn_core::ParamError::new(
            "test_fraction",
            test_fraction,
            "must lie strictly between 0 and 1",
        )
        .into());
    }
    let mut split = Split { train: Vec::new(), test: Vec::new() };
    for members in shuffled_classes(labels, seed, "glia/data/split") {
        let n = members.len();
        let mut n_test = (test_fraction * n as f64).round() as usize;
        if n >= 2 {
            n_test = n_test.clamp(1, n - 1);
        }
        split.test.extend_from_slice(&members[..n_test.min(n)]);
        split.train.extend_from_slice(&members[n_test.min(n)..]);
    }
    split.train.sort_unstable();
    split.test.sort_unstable();
    Ok(split)
}

/// Seeded stratified k-fold cross-validation: fold `f`'s test part is every k-th member of the
/// shuffled classes (dealt round-robin, continuing across classes), its training part the rest.
/// Every class must have at least `k` samples.
pub fn stratified_k_fold(labels: &[usize], k: usize, seed: Seed) -> Result<Vec<Split>, GliaError> {
    dgnn_core::error::at_least("folds", k, 2)?;
    let classes = shuffled_classes(labels, seed, "glia/data/kfold");
    if let Some((c, members)) =
        classes.iter().enumerate().find(|(_, m)| !m.is_empty() && m.len() < k)
    {
        return Err(GliaError::Data {
            name: "cross-validation".into(),
            problem: format!(
                "class {c} has {} samples, fewer than the {k} folds; use fewer folds",
                members.len()
            ),
        });
    }
    let mut fold_of = vec![0usize; labels.len()];
    let mut next = 0usize;
    for members in &classes {
        for &i in members {
            fold_of[i] = next % k;
            next += 1;
        }
    }
    Ok((0..k)
        .map(|f| {
            let (test, train): (Vec<usize>, Vec<usize>) =
                (0..labels.len()).partition(|&i| fold_of[i] == f);
            Split { train, test }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn builtin_sets_have_their_published_shapes() {
        // Shapes and class counts from the UCI descriptions (data/README.md):
        // iris 50/50/50, wine 59/71/48, WDBC 212 malignant / 357 benign, digits 1797 × 64.
        let iris = Dataset::builtin("iris").unwrap();
        assert_eq!((iris.len(), iris.n_features()), (150, 4));
        assert_eq!(iris.class_counts(), vec![50, 50, 50]);
        let wine = Dataset::builtin("wine").unwrap();
        assert_eq!((wine.len(), wine.n_features()), (178, 13));
        assert_eq!(wine.class_counts(), vec![59, 71, 48]);
        let wdbc = Dataset::builtin("breast_cancer").unwrap();
        assert_eq!((wdbc.len(), wdbc.n_features()), (569, 30));
        assert_eq!(wdbc.class_counts(), vec![212, 357]);
        assert_eq!(wdbc.class_names(), ["malignant", "benign"]);
        let digits = Dataset::builtin("digits").unwrap();
        assert_eq!((digits.len(), digits.n_features(), digits.n_classes()), (1797, 64, 10));
        assert!(digits.features().iter().all(|&v| (0.0..=16.0).contains(&v)));
        // Fisher's first iris sample is (5.1, 3.5, 1.4, 0.2), setosa.
        assert_eq!(iris.row(0), [5.1, 3.5, 1.4, 0.2]);
        assert!(matches!(Dataset::builtin("mnist"), Err(GliaError::UnknownDataset { .. })));
    }

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

    #[test]
    fn standardizer_matches_hand_computation() {
        // Column (1, 2, 3, 6): mean 3, population variance (4 + 1 + 0 + 9)/4 = 3.5.
        let d = Dataset::new(
            "t",
            vec![1.0, 5.0, 2.0, 5.0, 3.0, 5.0, 6.0, 5.0],
            2,
            vec![0, 1, 0, 1],
            vec!["a".into(), "b".into()],
            vec!["x".into(), "c".into()],
        )
        .unwrap();
        let s = Standardizer::fit(&d);
        assert!((s.mean[0] - 3.0).abs() < 1e-15);
        assert!((s.scale[0] - 3.5f64.sqrt()).abs() < 1e-15);
        assert!((s.scale[1] - 1.0).abs() < 1e-15, "constant feature keeps scale 1");
        let t = s.apply(&d).unwrap();
        assert!((t.row(3)[0] - 3.0 / 3.5f64.sqrt()).abs() < 1e-15);
        assert!(t.row(2)[1].abs() < 1e-15);
    }

    proptest! {
        // Invariant: k-fold test parts partition the samples, each class is spread over the folds
        // with counts differing by at most one, and the same seed gives the same folds.
        #[test]
        fn k_fold_partitions_and_stratifies(
            labels in proptest::collection::vec(0usize..3, 30..120),
            k in 2usize..6,
            seed in any::<u64>(),
        ) {
            let counts = (0..3).map(|c| labels.iter().filter(|&&l| l == c).count());
            prop_assume!(counts.clone().all(|n| n == 0 || n >= k));
            let folds = stratified_k_fold(&labels, k, Seed(seed)).unwrap();
            let mut seen = vec![0; labels.len()];
            for f in &folds {
                for &i in &f.test { seen[i] += 1; }
                prop_assert_eq!(f.train.len() + f.test.len(), labels.len());
            }
            prop_assert!(seen.iter().all(|&s| s == 1));
            for (c, n) in counts.enumerate() {
                let per_fold: Vec<usize> = folds.iter()
                    .map(|f| f.test.iter().filter(|&&i| labels[i] == c).count()).collect();
                let (lo, hi) = (per_fold.iter().min().unwrap(), per_fold.iter().max().unwrap());
                prop_assert!(hi - lo <= 1, "class {} of {} spread {:?}", c, n, per_fold);
            }
            prop_assert_eq!(folds, stratified_k_fold(&labels, k, Seed(seed)).unwrap());
        }

        // Invariant: a stratified split is a partition whose test share of each class is the
        // rounded fraction (clamped so both sides keep a member).
        #[test]
        fn split_is_stratified(labels in proptest::collection::vec(0usize..4, 8..100), frac in 0.1f64..0.9, seed in any::<u64>()) {
            let s = stratified_split(&labels, frac, Seed(seed)).unwrap();
            prop_assert_eq!(s.train.len() + s.test.len(), labels.len());
            for c in 0..4 {
                let n = labels.iter().filter(|&&l| l == c).count();
                let t = s.test.iter().filter(|&&i| labels[i] == c).count();
                let mut want = (frac * n as f64).round() as usize;
                if n >= 2 { want = want.clamp(1, n - 1); }
                prop_assert_eq!(t, want.min(n));
            }
        }
    }
}
