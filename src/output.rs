//! Result folders and terminal progress for the commands.
//!
//! A [`RunFolder`] is a fresh directory (never one that already holds results) into which a
//! command writes its envelope (`result.json` and `result.ron`: command, version, seed, config,
//! figures), CSV tables and plots. [`TerminalProgress`] adapts an indicatif bar to the
//! libraries' [`Progress`] trait; it draws nothing when stderr is not a terminal.

mod figures;

use anyhow::Context;
use dgnn_core::{Envelope, Progress};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The version recorded in every result envelope.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The git commit the binary was built from (see `build.rs`).
pub const COMMIT: &str = env!("DGNN_GIT_COMMIT");

static STARTED: std::sync::OnceLock<std::time::SystemTime> = std::sync::OnceLock::new();

/// Records the process start time for [`provenance`]; `main` calls it first thing.
pub fn mark_start() {
    STARTED.get_or_init(std::time::SystemTime::now);
}

/// The provenance of this process: commit, command line, start time, CPU features.
#[must_use]
pub fn provenance() -> dgnn_core::Provenance {
    dgnn_core::Provenance::capture(COMMIT, *STARTED.get_or_init(std::time::SystemTime::now))
}

/// A directory that receives one run's results.
#[derive(Debug, Clone)]
pub struct RunFolder {
    path: PathBuf,
}

impl RunFolder {
    /// Creates `path` for a new run; refuses a directory that already holds files.
    pub fn create(path: &Path) -> anyhow::Result<Self> {
        let path = dgnn_core::create_run_dir(path)?;
        Ok(Self { path })
    }

    /// Creates `out` if given, else the first free `runs/<command>-<n>` (n = 1, 2, …) under the
    /// current directory, so that consecutive runs never collide.
    pub fn create_or_default(out: Option<&Path>, command: &str) -> anyhow::Result<Self> {
        if let Some(path) = out {
            return Self::create(path);
        }
        let base = Path::new("runs");
        let free = (1u32..)
            .map(|n| base.join(format!("{command}-{n}")))
            .find(|candidate| !candidate.exists())
            .context("no free run folder name")?;
        Self::create(&free)
    }

    /// Reopens the folder of an interrupted run (`dgnn search --resume`) to finish it; the
    /// folder must exist.
    pub fn reopen(path: &Path) -> anyhow::Result<Self> {
        if !path.is_dir() {
            anyhow::bail!("{} is not a run folder (no such directory)", path.display());
        }
        Ok(Self { path: path.to_path_buf() })
    }

    /// The folder's path.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The path of a file inside the folder.
    #[must_use]
    pub fn file(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    /// Writes the envelope as `result.json` and `result.ron`, with this process's
    /// [`provenance`].
    pub fn write_envelope<C: Serialize, F: Serialize>(
        &self,
        envelope: &Envelope<C, F>,
    ) -> anyhow::Result<()> {
        let envelope = envelope.borrowed_with(provenance());
        envelope.write_json(&self.file("result.json"))?;
        envelope.write_ron(&self.file("result.ron"))?;
        Ok(())
    }

    /// Writes serialisable rows as a CSV table with a header row.
    pub fn write_csv<R: Serialize>(&self, name: &str, rows: &[R]) -> anyhow::Result<()> {
        let path = self.file(name);
        let mut writer =
            csv::Writer::from_path(&path).with_context(|| format!("writing {}", path.display()))?;
        for row in rows {
            writer.serialize(row).with_context(|| format!("writing {}", path.display()))?;
        }
        writer.flush().with_context(|| format!("writing {}", path.display()))?;
        Ok(())
    }

    /// Draws a plot as `<stem>.svg` and `<stem>.png`.
    pub fn write_plot(&self, stem: &str, plot: &dgnn_plot::Plot) -> anyhow::Result<()> {
        plot.save_both(&self.path, stem)?;
        Ok(())
    }
}

/// A terminal progress bar behind the libraries' [`Progress`] trait. When stderr is not a
/// terminal (a pipe, `nohup`, CI) the bar draws nothing and a plain line
/// (`label: done/total message`) is printed every [`PLAIN_EVERY`] instead, so a long run shows
/// signs of life in a log.
#[derive(Debug)]
pub struct TerminalProgress {
    bar: indicatif::ProgressBar,
    /// When the last plain line was printed (`None` on a terminal).
    plain: Option<std::sync::Mutex<std::time::Instant>>,
}

/// The interval between plain progress lines off a terminal.
pub const PLAIN_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

impl TerminalProgress {
    /// A hidden-until-started bar on stderr.
    #[must_use]
    pub fn new() -> Self {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{prefix:>12} [{elapsed_precise}] {wide_bar} {pos}/{len} (eta {eta}) {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        use std::io::IsTerminal;
        let plain = (!std::io::stderr().is_terminal())
            .then(|| std::sync::Mutex::new(std::time::Instant::now()));
        Self { bar, plain }
    }

    /// Prints a plain progress line if stderr is not a terminal and the last one is older than
    /// [`PLAIN_EVERY`] (or `now` is set).
    fn plain_line(&self, now: bool) {
        let Some(last) = &self.plain else { return };
        let Ok(mut last) = last.lock() else { return };
        if now || last.elapsed() >= PLAIN_EVERY {
            *last = std::time::Instant::now();
            let (pos, len) = (self.bar.position(), self.bar.length().unwrap_or(0));
            eprintln!("{}: {pos}/{len} {}", self.bar.prefix().trim(), self.bar.message());
        }
    }
}

impl Default for TerminalProgress {
    fn default() -> Self {
        Self::new()
    }
}

impl Progress for TerminalProgress {
    fn start(&self, total: u64, label: &str) {
        self.bar.set_length(total);
        self.bar.set_position(0);
        self.bar.set_prefix(label.to_string());
    }

    fn advance(&self, amount: u64) {
        self.bar.inc(amount);
        self.plain_line(false);
    }

    fn message(&self, text: &str) {
        self.bar.set_message(text.to_string());
        self.plain_line(false);
    }

    fn finish(&self) {
        self.plain_line(true);
        self.bar.finish_and_clear();
    }
}

/// The worker pool of a command: `--threads N` if given, else `RAYON_NUM_THREADS` if set to a
/// positive number, else every core. Results never depend on it.
pub fn thread_pool(threads: Option<usize>) -> anyhow::Result<rayon::ThreadPool> {
    let threads = pool_size(threads, std::env::var("RAYON_NUM_THREADS").ok().as_deref());
    Ok(rayon::ThreadPoolBuilder::new().num_threads(threads).build()?)
}

/// The size of [`thread_pool`]: the flag if given and positive, else the environment's
/// `RAYON_NUM_THREADS` if it is a positive number, else every core.
fn pool_size(flag: Option<usize>, environment: Option<&str>) -> usize {
    let from_env = || environment.and_then(|v| v.trim().parse::<usize>().ok());
    let cores = || std::thread::available_parallelism().map_or(1, usize::from);
    flag.filter(|&n| n > 0).or_else(|| from_env().filter(|&n| n > 0)).unwrap_or_else(cores)
}

/// The exit status of a run stopped early by Ctrl-C (the shell's convention for SIGINT), so
/// that scripts do not read an interrupted run as a success.
pub const EXIT_STOPPED: i32 = 130;

/// The first number in `figures` (in field order) that is not finite, as `path = value`
/// (`mean_frequency = inf`, `points[3].r = NaN`), or `None` when every number is finite.
/// Commands whose figures must all be numbers refuse such a result instead of reporting it
/// (issue 14: an unstable integration printed "± inf" with status 0).
#[must_use]
pub fn first_non_finite<T: Serialize>(figures: &T) -> Option<String> {
    let mut finder = figures::NonFiniteFinder::default();
    // The finder's only error is the one it raises to stop at the first non-finite number.
    let _ = figures.serialize(&mut finder);
    finder.found
}

/// An error and its causes on one line, outermost first ("reading config.ron: invalid `dt`
/// …"), each cause left out when the text before already says it (a library error that quotes
/// its operating-system cause would otherwise print it twice: "No such file or directory (os
/// error 2): No such file or directory (os error 2)", issue 14).
#[must_use]
pub fn one_line(error: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in error.chain() {
        let cause = cause.to_string();
        if text.contains(&cause) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&cause);
    }
    text
}

/// A run that the user stopped early (Ctrl-C) at a boundary from which it can continue: the
/// process ends with [`EXIT_STOPPED`] and prints `message` (how to continue) without calling
/// it an error.
#[derive(Debug)]
pub struct StoppedEarly {
    /// What was kept and how to continue, e.g. "stopped after generation 3; continue with: …".
    pub message: String,
}

impl std::fmt::Display for StoppedEarly {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StoppedEarly {}

/// How long a stop may take to reach its boundary before the process quits by itself.
pub const STOP_GRACE: std::time::Duration = std::time::Duration::from_secs(30);

/// The exit status of rank 0 when the MPI job ends under it (128 + SIGTERM).
pub const EXIT_JOB_ENDED: i32 = 143;

/// What rank 0 of an MPI job says when a signal ends it ([`on_job_end`]).
static JOB_ENDING: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// Under `--mpi`, rank 0's last words: when a signal arrives (a rank died and `mpirun` ends
/// the others, the job was cancelled, or Ctrl-C reached `mpirun`), the handler of
/// [`stop_on_ctrl_c`] prints `message` (what the checkpoint holds, how to continue) and exits
/// with [`EXIT_JOB_ENDED`] at once: a stop at the next boundary would wait for the dead rank
/// forever. Call it again to update the message.
pub fn on_job_end(message: String) {
    if let Ok(mut ending) = JOB_ENDING.lock() {
        *ending = Some(message);
    }
}

/// Installs the handler of Ctrl-C and SIGTERM (which batch systems send before they kill), once
/// per process, and returns its flag: the first signal raises the flag, so the command stops at
/// its next boundary (`boundary`, e.g. "after this generation") with its checkpoint intact; a
/// second one ends the process at once, and so does [`STOP_GRACE`] without a boundary. Under
/// `--mpi` rank 0 ends at once ([`on_job_end`]).
pub fn stop_on_ctrl_c(
    boundary: &'static str,
) -> anyhow::Result<&'static std::sync::atomic::AtomicBool> {
    use std::sync::atomic::{AtomicBool, Ordering};
    static FLAG: AtomicBool = AtomicBool::new(false);
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    let mut result = Ok(());
    INSTALLED.call_once(|| {
        result = ctrlc::set_handler(move || {
            if let Some(message) = JOB_ENDING.lock().ok().and_then(|m| m.clone()) {
                eprintln!("\n{message}");
                std::process::exit(EXIT_JOB_ENDED);
            }
            if FLAG.swap(true, Ordering::SeqCst) {
                std::process::exit(EXIT_STOPPED);
            }
            eprintln!(
                "\nstopping {boundary} (Ctrl-C again to quit now; quits by itself after {} s) …",
                STOP_GRACE.as_secs()
            );
            // A signal sent once (`timeout`, a batch system's SIGTERM) must end the process
            // even when no boundary comes (a generation being set up, a long evaluation); the
            // files written so far are complete (atomic writes).
            std::thread::spawn(|| {
                std::thread::sleep(STOP_GRACE);
                eprintln!("no boundary reached within {} s: quitting", STOP_GRACE.as_secs());
                std::process::exit(EXIT_STOPPED);
            });
        });
    });
    result.context("installing the Ctrl-C handler")?;
    Ok(&FLAG)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_non_finite_figure_is_named_by_its_path() {
        #[derive(Serialize)]
        struct Point {
            k: f64,
            r: Option<f64>,
        }
        #[derive(Serialize)]
        struct Figures {
            count: usize,
            points: Vec<Point>,
            mean: f64,
        }
        let point = |k: f64, r: Option<f64>| Point { k, r };
        let fine =
            Figures { count: 2, points: vec![point(1.0, None), point(2.0, Some(0.5))], mean: 1.5 };
        assert_eq!(first_non_finite(&fine), None);
        let bad = Figures {
            count: 2,
            points: vec![point(1.0, Some(0.5)), point(2.0, Some(f64::NAN))],
            mean: f64::INFINITY,
        };
        assert_eq!(first_non_finite(&bad).as_deref(), Some("points[1].r = NaN"));
        let bad = Figures { count: 0, points: vec![], mean: f64::NEG_INFINITY };
        assert_eq!(first_non_finite(&bad).as_deref(), Some("mean = -inf"));
    }

    #[test]
    fn an_error_chain_says_each_cause_once() {
        let os = std::io::Error::new(std::io::ErrorKind::NotFound, "No such file (os error 2)");
        let error = anyhow::Error::new(os)
            .context("read `x.csv`: No such file (os error 2)")
            .context("loading the data");
        assert_eq!(one_line(&error), "loading the data: read `x.csv`: No such file (os error 2)");
        let plain = anyhow::anyhow!("inner").context("outer");
        assert_eq!(one_line(&plain), "outer: inner");
    }

    #[test]
    fn the_pool_size_follows_the_flag_then_rayon_num_threads_then_the_cores() {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        assert_eq!(pool_size(Some(3), Some("5")), 3);
        assert_eq!(pool_size(None, Some("5")), 5);
        assert_eq!(pool_size(None, Some(" 2 ")), 2);
        for unusable in [None, Some("0"), Some("many"), Some("")] {
            assert_eq!(pool_size(None, unusable), cores, "{unusable:?}");
        }
        assert_eq!(pool_size(Some(0), Some("4")), 4);
    }
}
