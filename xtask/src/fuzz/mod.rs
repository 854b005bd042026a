//! `cargo xtask fuzz [--seconds N] [--target NAME]… [--seed S] [--jobs J] [--time-limit SECS]
//! [--memory-mb MB] [--replay] [--work DIR]`: a fuzzing harness on stable Rust for every reader of dgnn (the targets of
//! [`targets`]).
//!
//! For each target, valid seed files (the commands' `--example` configs, the bundled data, the
//! WFDB fixtures, and the files of a small search run: its checkpoint, result folder and models)
//! are mutated structure-aware ([`mutate`]) and handed to a worker process: this binary again,
//! as `xtask fuzz-worker TARGET`, under `ulimit -v` (the memory cap). The worker reads each
//! input as the command would and answers `ok` or `refused`; a panic is caught and answered as a
//! failure, and the parent counts a worker that dies (abort, stack overflow, allocation failure
//! at the cap) or stays silent past the per-input time limit as one too, then starts a new one.
//! Checkpoint mutants are resealed (their content hash recomputed) half of the time, so edits
//! reach the validation behind the hash.
//!
//! Every failing input is saved under `tests/fuzz/regressions/TARGET/`, where `cargo xtask fuzz
//! --replay` (and the `fuzz_regressions` test) reads them all again and fails while any still
//! fails. Accepted mutants join the target's corpus, so later mutants start from inputs that
//! reach deeper. Mutation is seeded (`--seed`, default 0): the same seed gives the same inputs.
//! A summary per target (inputs tried, accepted, refused, failures) is printed and written to
//! `target/fuzz/report.json`.

mod mutate;
mod targets;

use anyhow::{Context, Result, bail};
use rand::{RngExt, SeedableRng};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};
pub use targets::Target;

/// The settings of one fuzzing session.
#[derive(Debug, Clone)]
struct Settings {
    seconds: f64,
    targets: Vec<Target>,
    seed: u64,
    jobs: usize,
    time_limit: Duration,
    memory_mb: u64,
    replay: bool,
    /// The harness's working folder (default `target/fuzz`).
    work: Option<PathBuf>,
}

impl Settings {
    fn parse(args: &[String]) -> Result<Self> {
        let mut settings = Self {
            seconds: 60.0,
            targets: Target::ALL.to_vec(),
            seed: 0,
            jobs: 2,
            time_limit: Duration::from_secs(10),
            memory_mb: 2048,
            replay: false,
            work: None,
        };
        let mut chosen = Vec::new();
        let mut rest = args.iter();
        while let Some(flag) = rest.next() {
            if flag == "--replay" {
                settings.replay = true;
                continue;
            }
            let value = rest.next().with_context(|| format!("{flag} needs a value"))?;
            let number = || -> Result<f64> {
                value
                    .parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite() && *v > 0.0)
                    .with_context(|| format!("{flag} {value}: give a positive number"))
            };
            match flag.as_str() {
                "--seconds" => settings.seconds = number()?,
                "--target" => chosen.push(Target::from_name(value)?),
                "--seed" => settings.seed = number()? as u64,
                "--jobs" => settings.jobs = number()? as usize,
                "--time-limit" => settings.time_limit = Duration::from_secs_f64(number()?),
                "--memory-mb" => settings.memory_mb = number()? as u64,
                "--work" => settings.work = Some(PathBuf::from(value)),
                other => bail!(
                    "unknown flag {other}: cargo xtask fuzz [--seconds N] [--target NAME]… \
                     [--seed S] [--jobs J] [--time-limit SECS] [--memory-mb MB] [--replay] [--work DIR]"
                ),
            }
        }
        if !chosen.is_empty() {
            settings.targets = chosen;
        }
        settings.jobs = settings.jobs.max(1);
        Ok(settings)
    }
}

/// What fuzzing one target found.
#[derive(Debug, Default, Clone, serde::Serialize)]
struct Tally {
    target: &'static str,
    seconds: f64,
    inputs: u64,
    accepted: u64,
    refused: u64,
    failures: Vec<String>,
    /// Seeds the reader refused: the harness then tests less than it should.
    refused_seeds: Vec<String>,
}

/// `cargo xtask fuzz …` (module docs).
pub fn fuzz(root: &Path, args: &[String]) -> Result<()> {
    let settings = Settings::parse(args)?;
    let work = settings.work.clone().unwrap_or_else(|| root.join("target/fuzz"));
    let run_dir = work.join("search-run");
    if settings.targets.iter().any(|t| t.needs_search_run()) {
        eprintln!("fuzz: preparing the small search run whose files seed 4 targets …");
        targets::prepare_search_run(&run_dir)?;
    }
    let queue = std::sync::Mutex::new(settings.targets.clone().into_iter());
    let tallies = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..settings.jobs.min(settings.targets.len()) {
            scope.spawn(|| {
                loop {
                    let next = queue.lock().map(|mut q| q.next()).ok().flatten();
                    let Some(target) = next else { break };
                    let tally = fuzz_target(root, &work, &run_dir, target, &settings)
                        .unwrap_or_else(|e| Tally {
                            target: target.name(),
                            failures: vec![format!("the harness itself failed: {e:#}")],
                            ..Tally::default()
                        });
                    eprintln!("{}", line(&tally));
                    if let Ok(mut all) = tallies.lock() {
                        all.push(tally);
                    }
                }
            });
        }
    });
    let mut tallies = tallies.into_inner().unwrap_or_default();
    tallies.sort_by_key(|t| Target::ALL.iter().position(|a| a.name() == t.target));
    println!(
        "{:<18} {:>8} {:>9} {:>9} {:>8} {:>9}",
        "target", "inputs", "accepted", "refused", "failed", "inputs/s"
    );
    for tally in &tallies {
        println!("{}", line(tally));
    }
    let report = work.join("report.json");
    std::fs::write(&report, serde_json::to_string_pretty(&tallies)?)?;
    println!("report: {}", report.display());
    for tally in &tallies {
        for refused in &tally.refused_seeds {
            eprintln!("warning: {}: {refused}", tally.target);
        }
    }
    let failed: usize = tallies.iter().map(|t| t.failures.len()).sum();
    if failed > 0 {
        for tally in &tallies {
            for failure in &tally.failures {
                eprintln!("{}: {failure}", tally.target);
            }
        }
        bail!("{failed} failing inputs (saved under tests/fuzz/regressions/)");
    }
    Ok(())
}

fn line(t: &Tally) -> String {
    format!(
        "{:<18} {:>8} {:>9} {:>9} {:>8} {:>9.0}",
        t.target,
        t.inputs,
        t.accepted,
        t.refused,
        t.failures.len(),
        t.inputs as f64 / t.seconds.max(1e-9)
    )
}

/// The saved failing inputs of `target`: (variant, bytes, file).
fn regressions(root: &Path, target: Target) -> Result<Vec<(String, Vec<u8>, PathBuf)>> {
    let dir = root.join("tests/fuzz/regressions").join(target.name());
    let mut found = Vec::new();
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for entry in entries {
            let path = entry?.path();
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
            let Some(variant) = name.as_deref().and_then(|n| n.split("--").next()) else {
                continue;
            };
            found.push((variant.to_string(), std::fs::read(&path)?, path.clone()));
        }
    }
    found.sort_by(|a, b| a.2.cmp(&b.2));
    Ok(found)
}

/// Fuzzes (or with `--replay`, replays the seeds and saved failures of) one target.
fn fuzz_target(
    root: &Path,
    work: &Path,
    run_dir: &Path,
    target: Target,
    settings: &Settings,
) -> Result<Tally> {
    let started = Instant::now();
    let launch = Launch::new(root, &work.join(target.name()), run_dir, target, settings)?;
    let mut session = Session {
        root,
        target,
        limit: settings.time_limit,
        worker: Worker::start(launch)?,
        tally: Tally { target: target.name(), ..Tally::default() },
    };
    let seeds = targets::seeds(target, root, run_dir)?;
    let mut corpus: Vec<(String, Vec<u8>)> =
        seeds.into_iter().map(|s| (s.variant, s.bytes)).collect();
    let seed_count = corpus.len();
    // Seeds and saved failures first: every one must pass before new inputs count.
    for (variant, bytes) in corpus.clone() {
        session.run_one(&variant, &bytes, true)?;
    }
    for (variant, bytes, _) in regressions(root, target)? {
        session.run_one(&variant, &bytes, false)?;
    }
    if !settings.replay {
        let stream = settings.seed
            ^ (Target::ALL.iter().position(|t| *t == target).unwrap_or(0) as u64) << 32;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(stream);
        let deadline = started + Duration::from_secs_f64(settings.seconds);
        while Instant::now() < deadline {
            let pick = rng.random_range(0..corpus.len());
            let others: Vec<&[u8]> = corpus.iter().map(|(_, b)| b.as_slice()).collect();
            let mut mutant = mutate::mutate(&corpus[pick].1, &others, &mut rng);
            if target == Target::Checkpoint
                && rng.random_bool(0.5)
                && let Ok(text) = std::str::from_utf8(&mutant)
                && let Ok(sealed) = dgnn_evo::checkpoint::seal(text)
            {
                mutant = sealed.into_bytes();
            }
            let variant = corpus[pick].0.clone();
            let accepted = session.run_one(&variant, &mutant, false)?;
            if accepted && corpus.len() < seed_count + 200 {
                corpus.push((variant, mutant));
            }
        }
    }
    session.worker.stop();
    session.tally.seconds = started.elapsed().as_secs_f64();
    Ok(session.tally)
}

/// One target's fuzzing: its worker and what it found so far.
struct Session<'a> {
    root: &'a Path,
    target: Target,
    limit: Duration,
    worker: Worker,
    tally: Tally,
}

impl Session<'_> {
    /// Runs one input (`seed`: one of the target's seeds, which must not be refused); a failure
    /// is saved and counted. Returns whether the reader accepted it.
    fn run_one(&mut self, variant: &str, bytes: &[u8], seed: bool) -> Result<bool> {
        let tally = &mut self.tally;
        tally.inputs += 1;
        match self.worker.run(variant, bytes, self.limit)? {
            Outcome::Accepted => {
                tally.accepted += 1;
                Ok(true)
            }
            Outcome::Refused(message) => {
                tally.refused += 1;
                if seed {
                    tally.refused_seeds.push(format!("seed `{variant}` refused: {message}"));
                }
                Ok(false)
            }
            Outcome::Failed(what) => {
                let saved = save_failure(self.root, self.target, variant, bytes, &what)?;
                let failure = format!("{what} ({})", saved.display());
                if !tally.failures.contains(&failure) {
                    tally.failures.push(failure);
                }
                Ok(false)
            }
        }
    }
}

/// Saves a failing input as `tests/fuzz/regressions/TARGET/VARIANT--KIND-HASH.EXT`.
fn save_failure(
    root: &Path,
    target: Target,
    variant: &str,
    bytes: &[u8],
    what: &str,
) -> Result<PathBuf> {
    let dir = root.join("tests/fuzz/regressions").join(target.name());
    std::fs::create_dir_all(&dir)?;
    let kind = what.split_whitespace().next().unwrap_or("failure").trim_end_matches(':');
    let hash = dgnn_core::rng::stream_id("fuzz-failure", &[bytes.len() as u64, fnv(bytes)]);
    let path = dir.join(format!("{variant}--{kind}-{hash:016x}.{}", target.extension()));
    if !path.exists() {
        std::fs::write(&path, bytes)?;
    }
    Ok(path)
}

/// FNV-1a of `bytes` (a content key for failure file names).
fn fnv(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

/// What one input did.
enum Outcome {
    Accepted,
    /// Refused, with the reader's message.
    Refused(String),
    Failed(String),
}

/// How to start a worker for one target.
struct Launch {
    exe: PathBuf,
    memory_kib: String,
    target: Target,
    root: PathBuf,
    dir: PathBuf,
    run_dir: PathBuf,
}

impl Launch {
    fn new(
        root: &Path,
        dir: &Path,
        run_dir: &Path,
        target: Target,
        settings: &Settings,
    ) -> Result<Self> {
        std::fs::create_dir_all(dir)?;
        Ok(Self {
            exe: std::env::current_exe()?,
            memory_kib: settings.memory_mb.saturating_mul(1024).to_string(),
            target,
            root: root.into(),
            dir: dir.into(),
            run_dir: run_dir.into(),
        })
    }

    /// Starts a worker under `ulimit -v` and waits until it is ready.
    fn spawn(&self) -> Result<Running> {
        let mut child = Command::new("sh")
            .arg("-c")
            .arg("ulimit -v \"$1\" && shift && exec \"$@\"")
            .arg("sh")
            .arg(&self.memory_kib)
            .arg(&self.exe)
            .arg("fuzz-worker")
            .arg(self.target.name())
            .arg(&self.root)
            .arg(&self.dir)
            .arg(&self.run_dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("starting a fuzz worker")?;
        let stdin = child.stdin.take().context("the worker's stdin")?;
        let stdout = child.stdout.take().context("the worker's stdout")?;
        let (send, replies) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        // The worker says `ready` once its target is prepared (a search for checkpoints).
        match replies.recv_timeout(Duration::from_secs(300)) {
            Ok(line) if line == "ready" => Ok(Running { child, stdin, replies }),
            Ok(line) => bail!("the fuzz worker could not start: {line}"),
            Err(_) => bail!("the fuzz worker did not start"),
        }
    }
}

/// A worker process and its pipes.
struct Running {
    child: Child,
    stdin: ChildStdin,
    replies: Receiver<String>,
}

/// A worker process reading inputs for one target, under the memory cap, replaced when it
/// hangs or dies.
struct Worker {
    launch: Launch,
    running: Running,
}

impl Worker {
    fn start(launch: Launch) -> Result<Self> {
        let running = launch.spawn()?;
        Ok(Self { launch, running })
    }

    fn run(&mut self, variant: &str, bytes: &[u8], limit: Duration) -> Result<Outcome> {
        std::fs::write(self.launch.dir.join("input.bin"), bytes)?;
        let running = &mut self.running;
        writeln!(running.stdin, "{variant}").context("writing to the fuzz worker")?;
        running.stdin.flush()?;
        let outcome = match running.replies.recv_timeout(limit) {
            Ok(line) if line == "ok" => return Ok(Outcome::Accepted),
            Ok(line) if line.starts_with("refused") => {
                return Ok(Outcome::Refused(line.trim_start_matches("refused ").to_string()));
            }
            Ok(line) => return Ok(Outcome::Failed(format!("panic: {line}"))),
            Err(RecvTimeoutError::Timeout) => {
                Outcome::Failed(format!("hang: no answer within {:.0} s", limit.as_secs_f64()))
            }
            Err(RecvTimeoutError::Disconnected) => {
                let status = running.child.wait().map(|s| s.to_string()).unwrap_or_default();
                Outcome::Failed(format!("crash: the worker died ({status}; memory cap or abort)"))
            }
        };
        // A panicking worker carries on (above); a hung or dead one is replaced.
        let _ = running.child.kill();
        let _ = running.child.wait();
        self.running = self.launch.spawn()?;
        Ok(outcome)
    }

    fn stop(mut self) {
        let _ = self.running.child.kill();
        let _ = self.running.child.wait();
    }
}

/// `xtask fuzz-worker TARGET ROOT DIR RUN_DIR`: reads `DIR/input.bin` for every variant name
/// on stdin and answers `ok`, `refused` or the panic's message, one line each.
pub fn worker(args: &[String]) -> Result<()> {
    let [target, root, dir, run_dir] = args else {
        bail!("usage: xtask fuzz-worker TARGET ROOT DIR RUN_DIR");
    };
    let target = Target::from_name(target)?;
    let (dir, root, run_dir) = (Path::new(dir), Path::new(root), Path::new(run_dir));
    let mut out = std::io::stdout().lock();
    let reader = match targets::Reader::new(target, root, &dir.join("files"), run_dir) {
        Ok(reader) => reader,
        Err(e) => {
            writeln!(out, "{}", one_line(&format!("{e:#}")))?;
            return Ok(());
        }
    };
    let last_panic = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let record = std::sync::Arc::clone(&last_panic);
    std::panic::set_hook(Box::new(move |info| {
        // Where in dgnn's own code it happened (the message may name a std function).
        let trace = std::backtrace::Backtrace::force_capture().to_string();
        let ours = trace
            .lines()
            .map(str::trim)
            .find(|l| l.starts_with("at ./") && !l.contains("fuzz/"))
            .map_or_else(String::new, |l| format!(" [{}]", l.trim_start_matches("at ./")));
        if let Ok(mut last) = record.lock() {
            *last = one_line(&format!("{info}{ours}"));
        }
    }));
    writeln!(out, "ready")?;
    out.flush()?;
    let input = dir.join("input.bin");
    for variant in std::io::stdin().lock().lines() {
        let variant = variant?;
        let bytes = std::fs::read(&input)?;
        let answer = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            reader.read(&variant, &bytes)
        })) {
            Ok(Ok(())) => "ok".to_string(),
            Ok(Err(e)) => format!("refused {}", one_line(&format!("{e:#}"))),
            Err(_) => last_panic.lock().map(|m| m.clone()).unwrap_or_default(),
        };
        writeln!(out, "{answer}")?;
        out.flush()?;
    }
    Ok(())
}

fn one_line(text: &str) -> String {
    let line = text.replace('\n', " ⏎ ");
    if line.is_empty() { "panic (no message)".into() } else { line }
}
