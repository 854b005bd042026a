//! The result envelope and safe file writes.
//!
//! Every result dgnn writes carries what made it: the command, the crate version, the master
//! seed and the full (checked) config, next to the figures. [`Envelope`] serialises to RON
//! (for people and for re-running) and JSON (for scripts). Files are written atomically
//! (temporary file, flush, rename) so that an interrupted run never leaves a half-written
//! result or checkpoint, and [`create_run_dir`] refuses to reuse a folder that holds results.

use crate::error::CoreError;
use crate::rng::Seed;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// A result together with everything needed to reproduce it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope<C, F> {
    /// Always `"dgnn"`: lets a reader recognise a foreign file.
    pub tool: String,
    /// The version of dgnn that produced the result.
    pub version: String,
    /// The command or workload that produced the result (`"simulate"`, `"search"` …).
    pub command: String,
    /// The master seed, if the computation was random.
    pub seed: Option<Seed>,
    /// The checked configuration.
    pub config: C,
    /// The figures computed.
    pub figures: F,
    /// Where, when and how the result was made (absent in files written before dgnn recorded
    /// it, and in results made by a library caller that did not set it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
}

/// Where, when and how a result was made: the commit, the command line, the time, and the CPU
/// features the binary was built for and ran on (results may differ in the last bits across
/// builds with different vector instructions).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// The git commit checked out when the binary was built (`unknown` outside a git checkout).
    pub commit: String,
    /// The command line, program name first.
    pub command_line: Vec<String>,
    /// When the process started, UTC, RFC 3339.
    pub started_utc: String,
    /// The x86-64 vector features compiled in (`-C target-cpu` / `target-feature`); empty for a
    /// portable build.
    pub build_features: Vec<String>,
    /// The vector features of the CPU it ran on.
    pub cpu_features: Vec<String>,
    /// The process's peak resident memory up to the moment the result was written, in bytes
    /// (`VmHWM` of `/proc/self/status`; absent where it cannot be read, and in older files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peak_memory_bytes: Option<u64>,
}

/// The x86-64 vector features dgnn's kernels care about, by name.
const FEATURES: [&str; 6] = ["sse4.2", "avx", "avx2", "fma", "avx512f", "avx512vl"];

impl Provenance {
    /// The provenance of this process: `commit` as the build recorded it, the command line from
    /// the environment, `started` as the start time.
    #[must_use]
    pub fn capture(commit: &str, started: std::time::SystemTime) -> Self {
        Self {
            commit: commit.to_string(),
            command_line: std::env::args().collect(),
            started_utc: humantime::format_rfc3339_seconds(started).to_string(),
            build_features: compiled_features(),
            cpu_features: detected_features(),
            peak_memory_bytes: peak_resident_bytes(),
        }
    }
}

/// `VmHWM` of `/proc/self/status` (the peak resident set), in bytes.
fn peak_resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib.saturating_mul(1024))
}

/// The features of [`FEATURES`] the build enabled at compile time.
fn compiled_features() -> Vec<String> {
    let enabled = [
        cfg!(target_feature = "sse4.2"),
        cfg!(target_feature = "avx"),
        cfg!(target_feature = "avx2"),
        cfg!(target_feature = "fma"),
        cfg!(target_feature = "avx512f"),
        cfg!(target_feature = "avx512vl"),
    ];
    FEATURES.iter().zip(enabled).filter(|(_, on)| *on).map(|(name, _)| name.to_string()).collect()
}

/// The features of [`FEATURES`] the running CPU has.
fn detected_features() -> Vec<String> {
    #[cfg(target_arch = "x86_64")]
    {
        let present = [
            std::arch::is_x86_feature_detected!("sse4.2"),
            std::arch::is_x86_feature_detected!("avx"),
            std::arch::is_x86_feature_detected!("avx2"),
            std::arch::is_x86_feature_detected!("fma"),
            std::arch::is_x86_feature_detected!("avx512f"),
            std::arch::is_x86_feature_detected!("avx512vl"),
        ];
        FEATURES.iter().zip(present).filter(|(_, on)| *on).map(|(n, _)| n.to_string()).collect()
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        Vec::new()
    }
}

impl<C: Serialize, F: Serialize> Envelope<C, F> {
    /// Wraps `figures` with the configuration, seed and version that produced them.
    pub fn new(command: &str, version: &str, seed: Option<Seed>, config: C, figures: F) -> Self {
        Self {
            tool: "dgnn".into(),
            version: version.into(),
            command: command.into(),
            seed,
            config,
            figures,
            provenance: None,
        }
    }

    /// The same envelope with its provenance recorded.
    #[must_use]
    pub fn with_provenance(mut self, provenance: Provenance) -> Self {
        self.provenance = Some(provenance);
        self
    }

    /// A borrowed copy with `provenance` recorded, to write without cloning the figures.
    #[must_use]
    pub fn borrowed_with(&self, provenance: Provenance) -> Envelope<&C, &F> {
        Envelope {
            tool: self.tool.clone(),
            version: self.version.clone(),
            command: self.command.clone(),
            seed: self.seed,
            config: &self.config,
            figures: &self.figures,
            provenance: Some(provenance),
        }
    }

    /// Writes the envelope as pretty JSON, atomically.
    pub fn write_json(&self, path: &Path) -> Result<(), CoreError> {
        write_json(path, self)
    }

    /// Writes the envelope as pretty RON, atomically.
    pub fn write_ron(&self, path: &Path) -> Result<(), CoreError> {
        write_ron(path, self)
    }
}

/// Serialises `value` as pretty JSON and writes it atomically to `path`.
pub fn write_json<T: Serialize + ?Sized>(path: &Path, value: &T) -> Result<(), CoreError> {
    let text = serde_json::to_string_pretty(value).map_err(|e| CoreError::Format {
        format: "JSON",
        path: path.into(),
        message: e.to_string(),
    })?;
    atomic_write(path, text.as_bytes())
}

/// Serialises `value` as pretty RON and writes it atomically to `path`.
pub fn write_ron<T: Serialize + ?Sized>(path: &Path, value: &T) -> Result<(), CoreError> {
    let text =
        ron::ser::to_string_pretty(value, ron::ser::PrettyConfig::default()).map_err(|e| {
            CoreError::Format { format: "RON", path: path.into(), message: e.to_string() }
        })?;
    atomic_write(path, text.as_bytes())
}

/// Reads and parses a RON file.
pub fn read_ron<T: DeserializeOwned>(path: &Path) -> Result<T, CoreError> {
    let text = std::fs::read_to_string(path).map_err(|source| CoreError::Io {
        action: "read",
        path: path.into(),
        source,
    })?;
    ron::from_str(&text).map_err(|e| CoreError::Format {
        format: "RON",
        path: path.into(),
        message: e.to_string(),
    })
}

/// Reads and parses a JSON file.
pub fn read_json<T: DeserializeOwned>(path: &Path) -> Result<T, CoreError> {
    let text = std::fs::read_to_string(path).map_err(|source| CoreError::Io {
        action: "read",
        path: path.into(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|e| CoreError::Format {
        format: "JSON",
        path: path.into(),
        message: e.to_string(),
    })
}

/// Writes `bytes` to `path` so that readers see either the old file or the complete new one:
/// the bytes go to a temporary file in the same directory, are flushed to disk, and the
/// temporary file is renamed over `path`.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> Result<(), CoreError> {
    let io = |action, source| CoreError::Io { action, path: path.into(), source };
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{file_name}.tmp-{}", std::process::id()));
    let mut file = std::fs::File::create(&tmp).map_err(|e| io("create", e))?;
    file.write_all(bytes).map_err(|e| io("write", e))?;
    file.sync_all().map_err(|e| io("sync", e))?;
    drop(file);
    std::fs::rename(&tmp, path).map_err(|e| io("rename into place", e))
}

/// Creates the directory `path` for a new run. An existing empty directory is accepted; an
/// existing directory with files in it is refused ([`CoreError::RunDirExists`]), so one run
/// never overwrites another's results.
pub fn create_run_dir(path: &Path) -> Result<PathBuf, CoreError> {
    let io = |action, source| CoreError::Io { action, path: path.into(), source };
    if path.exists() {
        let mut entries = std::fs::read_dir(path).map_err(|e| io("read directory", e))?;
        if entries.next().is_some() {
            return Err(CoreError::RunDirExists { path: path.into() });
        }
    }
    std::fs::create_dir_all(path).map_err(|e| io("create directory", e))?;
    Ok(path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Figures {
        mean: f64,
    }

    #[test]
    fn envelope_round_trips_through_json_and_ron() {
        let dir = tempfile::tempdir().unwrap();
        let env =
            Envelope::new("test", "0.0.0", Some(Seed(3)), vec![1u32, 2], Figures { mean: 0.5 });
        env.write_json(&dir.path().join("r.json")).unwrap();
        env.write_ron(&dir.path().join("r.ron")).unwrap();
        let from_json: Envelope<Vec<u32>, Figures> = read_json(&dir.path().join("r.json")).unwrap();
        let from_ron: Envelope<Vec<u32>, Figures> = read_ron(&dir.path().join("r.ron")).unwrap();
        assert_eq!(from_json, env);
        assert_eq!(from_ron, env);
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.txt");
        atomic_write(&path, b"one").unwrap();
        atomic_write(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn run_dir_is_never_reused() {
        let dir = tempfile::tempdir().unwrap();
        let run = dir.path().join("run");
        create_run_dir(&run).unwrap();
        create_run_dir(&run).unwrap(); // still empty: fine
        std::fs::write(run.join("front.csv"), "x").unwrap();
        assert!(matches!(create_run_dir(&run), Err(CoreError::RunDirExists { .. })));
    }

    #[test]
    fn broken_files_give_format_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.ron");
        std::fs::write(&path, "(tool: \"dgnn\", version: ").unwrap();
        let err = read_ron::<Envelope<u32, u32>>(&path).unwrap_err();
        assert!(matches!(err, CoreError::Format { format: "RON", .. }));
    }
}
