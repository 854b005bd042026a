//! The fuzz targets: every reader of dgnn, called exactly as its command calls it, up to the
//! point where the real work would start. A target takes one input file (and its variant: the
//! seed it grew from, when the reader needs to know, e.g. which experiment a config is for) and
//! answers `Ok` (accepted) or `Err` (refused with a message); a panic, a hang or a blow-up is
//! a failure.

use anyhow::{Context, Result, bail};
use dgnn::commands;
use dgnn_glia::data::inference::TableColumns;
use dgnn_glia::{BiologicalEnergy, CsvOptions, Dataset, LabelColumn, ParamGuard, TrainedNetwork};
use dgnn_nas::{Search, SearchConfig};
use std::path::{Path, PathBuf};

/// A reader under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// `dgnn search CONFIG.ron`: parse and check.
    SearchConfig,
    /// `dgnn train CONFIG.ron`: parse and check.
    TrainConfig,
    /// `dgnn simulate CONFIG.ron`: parse and check (stability included).
    SimulateConfig,
    /// `dgnn experiment NAME CONFIG.ron`: parse and check.
    ExperimentConfig,
    /// A data table of `search`/`train` (dgnn-glia's CSV reader).
    Table,
    /// A table of `dgnn predict`, read against a trained model, then classified.
    PredictTable,
    /// A model file of `dgnn predict`, loaded, then run on a small table.
    Model,
    /// A recording of `dgnn sync` as CSV.
    RecordingCsv,
    /// A recording of `dgnn sync` as OpenSignals text.
    OpenSignals,
    /// A WFDB header (its signal files intact).
    WfdbHeader,
    /// A WFDB signal file (its header intact).
    WfdbData,
    /// A search checkpoint of `dgnn search --resume`, loaded and validated.
    Checkpoint,
    /// The `result.json` of a finished search, as `dgnn report` reads and draws it.
    Report,
}

impl Target {
    /// Every target, in the order the harness runs them.
    pub const ALL: [Self; 13] = [
        Self::SearchConfig,
        Self::TrainConfig,
        Self::SimulateConfig,
        Self::ExperimentConfig,
        Self::Table,
        Self::PredictTable,
        Self::Model,
        Self::RecordingCsv,
        Self::OpenSignals,
        Self::WfdbHeader,
        Self::WfdbData,
        Self::Checkpoint,
        Self::Report,
    ];

    /// The name of `--target`.
    pub fn name(self) -> &'static str {
        match self {
            Self::SearchConfig => "search-config",
            Self::TrainConfig => "train-config",
            Self::SimulateConfig => "simulate-config",
            Self::ExperimentConfig => "experiment-config",
            Self::Table => "table",
            Self::PredictTable => "predict-table",
            Self::Model => "model",
            Self::RecordingCsv => "recording-csv",
            Self::OpenSignals => "opensignals",
            Self::WfdbHeader => "wfdb-header",
            Self::WfdbData => "wfdb-data",
            Self::Checkpoint => "checkpoint",
            Self::Report => "report",
        }
    }

    /// The target named `name`.
    pub fn from_name(name: &str) -> Result<Self> {
        Self::ALL.into_iter().find(|t| t.name() == name).with_context(|| {
            let names: Vec<&str> = Self::ALL.iter().map(|t| t.name()).collect();
            format!("unknown fuzz target `{name}`: choose one of {}", names.join(", "))
        })
    }

    /// The file extension of the target's inputs.
    pub fn extension(self) -> &'static str {
        match self {
            Self::SearchConfig
            | Self::TrainConfig
            | Self::SimulateConfig
            | Self::ExperimentConfig
            | Self::Model
            | Self::Checkpoint => "ron",
            Self::Table | Self::PredictTable | Self::RecordingCsv => "csv",
            Self::OpenSignals => "txt",
            Self::WfdbHeader => "hea",
            Self::WfdbData => "dat",
            Self::Report => "json",
        }
    }

    /// Whether the target needs the small search run of [`prepare_search_run`].
    pub fn needs_search_run(self) -> bool {
        matches!(self, Self::PredictTable | Self::Model | Self::Checkpoint | Self::Report)
    }
}

/// A seed input: its variant (see the module docs) and its bytes.
pub struct Seed {
    /// The seed's variant: the experiment, WFDB record or table it is.
    pub variant: String,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

/// The fixed files the harness copies and reads: the repository's bundled data and fixtures.
struct Sources<'a> {
    root: &'a Path,
}

impl Sources<'_> {
    fn read(&self, path: &str) -> Result<Vec<u8>> {
        let path = self.root.join(path);
        std::fs::read(&path).with_context(|| format!("reading the seed {}", path.display()))
    }

    fn wfdb_dir(&self) -> PathBuf {
        self.root.join("crates/dgnn-lock/tests/fixtures/wfdb")
    }

    /// The WFDB records of the fixtures with a single signal file (`NAME.hea` + `NAME.dat`).
    fn wfdb_records(&self) -> Result<Vec<String>> {
        let mut names = Vec::new();
        for entry in std::fs::read_dir(self.wfdb_dir())? {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "hea") {
                let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
                if let Some(stem) = stem
                    && path.with_extension("dat").exists()
                {
                    names.push(stem);
                }
            }
        }
        names.sort();
        Ok(names)
    }
}

/// An OpenSignals (BITalino) text file of two channels, as the device writes it.
const OPENSIGNALS_SEED: &str = "# OpenSignals Text File Format. Version 1\n\
# {\"00:07:80:0F:30:CA\": {\"sensor\": [\"RESPBIT\", \"ECGBIT\"], \"device name\": \"00:07:80:0F:30:CA\", \"column\": [\"nSeq\", \"DI\", \"A2\", \"A3\"], \"sync interval\": 2, \"time\": \"10:14:26.386\", \"comments\": \"\", \"device connection\": \"BTH00:07:80:0F:30:CA\", \"channels\": [2, 3], \"date\": \"2019-10-22\", \"mode\": 0, \"digital IO\": [0, 1], \"firmware version\": 1281, \"device\": \"bitalino_rev\", \"position\": 0, \"sampling rate\": 100, \"label\": [\"A2\", \"A3\"], \"resolution\": [4, 1, 10, 10], \"special\": [{}, {}]}}\n\
# EndOfHeader\n";

/// The seeds of `target`: the examples the commands print, the bundled data, the fixtures,
/// and for the targets that need them the files of the small search run in `run_dir`.
pub fn seeds(target: Target, root: &Path, run_dir: &Path) -> Result<Vec<Seed>> {
    let sources = Sources { root };
    let text = |variant: &str, text: &str| Seed { variant: variant.into(), bytes: text.into() };
    let file = |variant: &str, path: &str| -> Result<Seed> {
        Ok(Seed { variant: variant.into(), bytes: sources.read(path)? })
    };
    let run_file = |variant: &str, path: &str| -> Result<Seed> {
        let path = run_dir.join(path);
        let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        Ok(Seed { variant: variant.into(), bytes })
    };
    Ok(match target {
        Target::SearchConfig => {
            vec![text("example", commands::search::EXAMPLE), text("tiny", SEARCH_RUN_CONFIG)]
        }
        Target::TrainConfig => vec![
            text("example", commands::train::EXAMPLE),
            file("multitask", "docs/examples/mt.ron")?,
        ],
        Target::SimulateConfig => {
            commands::simulate::EXAMPLES.iter().map(|(name, body)| text(name, body)).collect()
        }
        Target::ExperimentConfig => dgnn_lab::catalogue::list()
            .iter()
            .map(|info| Ok(text(info.name, &dgnn_lab::catalogue::example(info.name)?)))
            .collect::<Result<_>>()?,
        Target::Table => vec![
            text("iris", &builtin_csv("iris", 150, true)?),
            text("wine", &builtin_csv("wine", 60, true)?),
            file("two-tasks", "docs/examples/two-tasks.csv")?,
        ],
        Target::PredictTable => vec![
            text("labelled", &builtin_csv("iris", 40, true)?),
            text("unlabelled", &builtin_csv("iris", 40, false)?),
        ],
        Target::Model => vec![
            run_file("front", "models/front-00.ron")?,
            run_file("baseline", "models/baseline.ron")?,
        ],
        Target::RecordingCsv => {
            let mut seeds = Vec::new();
            for name in sources.wfdb_records()? {
                let path = format!("crates/dgnn-lock/tests/fixtures/wfdb/{name}.expected.csv");
                if root.join(&path).exists() {
                    seeds.push(file(&name, &path)?);
                }
            }
            seeds
        }
        Target::OpenSignals => {
            let mut body = String::from(OPENSIGNALS_SEED);
            for i in 0..200 {
                let resp = 500 + (i * 7) % 41;
                let ecg = 480 + (i * 13) % 97;
                body.push_str(&format!("{}\t0\t{resp}\t{ecg}\t\n", i % 16));
            }
            vec![text("bitalino", &body)]
        }
        Target::WfdbHeader => sources
            .wfdb_records()?
            .iter()
            .map(|name| file(name, &format!("crates/dgnn-lock/tests/fixtures/wfdb/{name}.hea")))
            .collect::<Result<_>>()?,
        Target::WfdbData => sources
            .wfdb_records()?
            .iter()
            .map(|name| file(name, &format!("crates/dgnn-lock/tests/fixtures/wfdb/{name}.dat")))
            .collect::<Result<_>>()?,
        Target::Checkpoint => vec![run_file("run", "checkpoint.ron")?],
        Target::Report => vec![run_file("run", "result.json")?],
    })
}

/// The config of the small search whose checkpoint, result folder and models seed the
/// checkpoint, report, model and predict-table targets (iris, 8 networks, 3 generations).
pub const SEARCH_RUN_CONFIG: &str = r#"(
    seed: 7,
    data: Builtin("iris"),
    estimation: (training: (epochs: 8, batch_size: 16, learning_rate: 0.02, l2: 1e-4),
                 low_fidelity: (epochs: 2, subset: 0.5)),
    evolution: (population: 8, generations: 3),
    baseline: [4],
)
"#;

/// Runs the small search of [`SEARCH_RUN_CONFIG`] into `dir` (once: a finished run is kept).
pub fn prepare_search_run(dir: &Path) -> Result<()> {
    if dir.join("result.json").exists() {
        return Ok(());
    }
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    let parent = dir.parent().context("the search run's folder has a parent")?;
    std::fs::create_dir_all(parent)?;
    let config = parent.join("search-run.ron");
    std::fs::write(&config, SEARCH_RUN_CONFIG)?;
    let args = ["dgnn", "search", &config.to_string_lossy(), "--out", &dir.to_string_lossy()];
    let cli = <dgnn::Cli as clap::Parser>::try_parse_from(args)?;
    dgnn::run(cli).context("running the small search whose files seed the fuzz targets")
}

/// What a worker keeps between inputs: the fixtures copied into its folder, and for the
/// checkpoint target the search that reads checkpoints.
pub struct Reader {
    target: Target,
    dir: PathBuf,
    run_dir: PathBuf,
    checkpoint_search: Option<CheckpointSearch>,
}

/// The search of the small run, rebuilt as `dgnn search --resume` rebuilds it.
struct CheckpointSearch {
    search: Search,
    baseline: dgnn_nas::Baseline,
}

impl Reader {
    /// Prepares `dir` (the worker's own folder) for `target`.
    pub fn new(target: Target, root: &Path, dir: &Path, run_dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir)?;
        if matches!(target, Target::WfdbHeader | Target::WfdbData) {
            let sources = Sources { root };
            for name in sources.wfdb_records()? {
                for ext in ["hea", "dat"] {
                    let from = sources.wfdb_dir().join(format!("{name}.{ext}"));
                    std::fs::copy(&from, dir.join(format!("{name}.{ext}")))?;
                }
            }
        }
        if target == Target::Model {
            std::fs::write(dir.join("iris.csv"), builtin_csv("iris", 12, true)?)?;
        }
        let checkpoint_search = if target == Target::Checkpoint {
            let text = std::fs::read_to_string(run_dir.join("config.ron"))?;
            let config: SearchConfig = commands::search::parse_config(&text)?;
            let config = config.check()?;
            let data = config.data.load()?;
            let search = Search::new(config, &data)?;
            let baseline = search.measure_baseline()?;
            Some(CheckpointSearch { search, baseline })
        } else {
            None
        };
        Ok(Self { target, dir: dir.into(), run_dir: run_dir.into(), checkpoint_search })
    }

    /// Writes `bytes` where the reader of the target finds them, and reads them.
    pub fn read(&self, variant: &str, bytes: &[u8]) -> Result<()> {
        let text = || std::str::from_utf8(bytes).context("not UTF-8");
        let input = |name: &str| -> Result<PathBuf> {
            let path = self.dir.join(name);
            std::fs::write(&path, bytes)?;
            Ok(path)
        };
        match self.target {
            Target::SearchConfig => commands::search::check_config_text(text()?),
            Target::TrainConfig => commands::train::check_config_text(text()?),
            Target::SimulateConfig => commands::simulate::check_config_text(text()?),
            Target::ExperimentConfig => {
                dgnn_lab::catalogue::Prepared::shared(variant, text()?)?;
                Ok(())
            }
            Target::Table => {
                let context = (variant == "two-tasks").then(|| LabelColumn::Name("task".into()));
                let options = CsvOptions { context, ..CsvOptions::default() };
                Dataset::from_csv_text(text()?, variant, "fuzz.csv", &options)?;
                Ok(())
            }
            Target::PredictTable => {
                let network = TrainedNetwork::load(&self.run_dir.join("models/front-00.ron"))?;
                let label = (variant == "labelled").then(LabelColumn::default);
                let columns = TableColumns { header: None, label, context: None };
                let energy = BiologicalEnergy::default().check()?;
                network.predict_file(&input("table.csv")?, &columns, &energy)?;
                Ok(())
            }
            Target::Model => {
                let network = TrainedNetwork::load(&input("model.ron")?)?;
                let columns = TableColumns {
                    header: None,
                    label: Some(LabelColumn::default()),
                    context: None,
                };
                let energy = BiologicalEnergy::default().check()?;
                network.predict_file(&self.dir.join("iris.csv"), &columns, &energy)?;
                Ok(())
            }
            Target::RecordingCsv => {
                let options = dgnn_lock::read::CsvOptions {
                    fs_hz: Some(250.0),
                    ..dgnn_lock::read::CsvOptions::default()
                };
                dgnn_lock::read::read_csv(&input("recording.csv")?, &options)?;
                Ok(())
            }
            Target::OpenSignals => {
                dgnn_lock::read::read_opensignals(&input("opensignals.txt")?)?;
                Ok(())
            }
            Target::WfdbHeader => {
                dgnn_lock::read::read_wfdb(&input(&format!("{variant}.hea"))?)?;
                Ok(())
            }
            Target::WfdbData => {
                input(&format!("{variant}.dat"))?;
                dgnn_lock::read::read_wfdb(&self.dir.join(format!("{variant}.hea")))?;
                Ok(())
            }
            Target::Checkpoint => {
                let Some(CheckpointSearch { search, baseline }) = &self.checkpoint_search else {
                    bail!("the checkpoint reader was not prepared");
                };
                let problem = search.problem(baseline)?;
                let path = input("checkpoint.ron")?;
                let _engine = search.resume(&problem, &path)?;
                Ok(())
            }
            Target::Report => {
                let run = self.dir.join("run");
                std::fs::create_dir_all(&run)?;
                std::fs::write(run.join("result.json"), bytes)?;
                let report = commands::report::read_report(&run)?;
                commands::report::draw(&run, &report)?;
                let _summary = report.summary();
                Ok(())
            }
        }
    }
}

/// The first `rows` rows of a bundled data set as a CSV table with a header of its feature
/// names (and its class names in a last `label` column when `labelled`).
fn builtin_csv(name: &str, rows: usize, labelled: bool) -> Result<String> {
    let data = Dataset::builtin(name)?;
    let mut header = data.feature_names().to_vec();
    if labelled {
        header.push("label".into());
    }
    let mut text = header.join(",") + "\n";
    for i in 0..rows.min(data.len()) {
        let mut fields: Vec<String> = data.row(i).iter().map(f64::to_string).collect();
        if labelled {
            fields.push(data.class_names()[data.labels()[i]].clone());
        }
        text.push_str(&fields.join(","));
        text.push('\n');
    }
    Ok(text)
}
