//! The island model: several populations evolving apart, exchanging their best members every
//! few generations along a ring (Whitley, Rana & Heckendorn 1999; Cantú-Paz 2000).
//!
//! An [`Archipelago`] composes what exists: each island is an ordinary [`Executor`] running its
//! own copy of an [`Algorithm`] (its own population, cache, archive and history), seeded with its
//! own stream of the master seed, `seed.stream("evo/island", [i])`. The archipelago advances every
//! island it holds to the next *sync point* (every `migration_interval` generations, and the end
//! of the run) with [`Executor::step`], then:
//! 1. **migration** — unless the run is over, island `i` sends copies of its best `migrants`
//!    members (constrained front, then larger crowding distance, then position) to island
//!    `(i + 1) mod count` (the ring), where they replace the worst members (the same order
//!    reversed) through [`Executor::replace_members`];
//! 2. **checkpoint** — the states of all islands are gathered at the root process, which
//!    rewrites one checkpoint file (format `dgnn-evo/islands-checkpoint`) and tells its
//!    observers about the merged state ([`merge_states`]);
//! 3. **agreement** — every process learns whether all islands are done and whether the root's
//!    stop flag was raised (the stop flag is read at sync points only).
//!
//! Where the islands run is the [`IslandLinks`]' business: [`LocalLinks`] keeps them all in this
//! process; an implementation over MPI ranks spreads them over processes and moves migrants and
//! states. Every random number an island draws comes from its own seed, keyed by (generation,
//! index), and migration is a deterministic function of the islands' states, so a run depends
//! on the island count only — never on how many processes share the islands — and a run resumed
//! from the gathered checkpoint of any sync point is bit-identical to an uninterrupted one.
//!
//! Every island runs the algorithm's configuration as it stands: a population of 40 and 4
//! islands make 160 individuals, and an evaluation budget applies to each island.

use crate::algorithm::{Algorithm, Ranking};
use crate::archive::ParetoArchive;
use crate::cache::EvaluationCache;
use crate::checkpoint::{self, CHECKPOINT_VERSION, Checkpoint};
use crate::error::EvoError;
use crate::executor::Executor;
use crate::observer::{GenerationReport, Observer};
use crate::problem::{Genome, Individual, Problem};
use crate::state::{GenerationSummary, State};
use dgnn_core::error::at_least;
use dgnn_core::{ParamError, Seed, Valid, Validate};
use rand::RngExt;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// The format tag of an island model's gathered checkpoint.
pub const ISLANDS_CHECKPOINT_FORMAT: &str = "dgnn-evo/islands-checkpoint";

/// How islands pass migrants on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Topology {
    /// Island `i` sends to island `(i + 1) mod count`.
    Ring,
}

/// The island model's settings (RON: `(count: 4, migration_interval: 5, migrants: 2, topology:
/// Ring)`); checked into `Valid<IslandConfig>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IslandConfig {
    /// Number of islands (≥ 1), each a whole population of the algorithm.
    pub count: usize,
    /// Generations between migrations (≥ 1); also the interval of the gathered checkpoint.
    pub migration_interval: u64,
    /// Members each island sends to its neighbour at a migration (≥ 1, fewer than the
    /// population).
    pub migrants: usize,
    /// Who sends to whom.
    pub topology: Topology,
}

impl Validate for IslandConfig {
    fn validate(&self) -> Result<(), ParamError> {
        at_least("islands.count", self.count, 1)?;
        if self.migration_interval == 0 {
            return Err(ParamError::new(
                "islands.migration_interval",
                0,
                "must be at least 1 (generations between migrations)",
            ));
        }
        at_least("islands.migrants", self.migrants, 1)?;
        Ok(())
    }
}

/// The seed of island `island`: its own stream of the master seed.
#[must_use]
pub fn island_seed(seed: Seed, island: usize) -> Seed {
    Seed(seed.stream("evo/island", &[island as u64]).random::<u64>())
}

/// Migrants travelling from one island to another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound(serialize = "G: Genome", deserialize = "G: Genome"))]
pub struct Migration<G: Genome> {
    /// The sending island.
    pub from: usize,
    /// The receiving island.
    pub to: usize,
    /// Copies of the sender's best members, best first.
    pub migrants: Vec<Individual<G>>,
}

/// What every process learns at a sync point ([`IslandLinks::agree`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agreement {
    /// Every island of every process is done.
    pub all_done: bool,
    /// The root's stop flag was raised.
    pub stop: bool,
}

/// How the islands of one run reach each other (module docs). Every method is called by every
/// process at the same sync point, in the same order.
pub trait IslandLinks<G: Genome> {
    /// The islands this process runs, in increasing order; together the processes run each of
    /// the `count` islands once.
    fn local_islands(&self, count: usize) -> Vec<usize>;

    /// Whether this process is the root, which writes the checkpoint and reports.
    fn is_root(&self) -> bool;

    /// Sends each local island's migrants on and returns those addressed to local islands, in
    /// increasing order of the receiving island.
    ///
    /// # Errors
    /// [`EvoError::IslandLinks`] when a process cannot be reached.
    fn exchange(&self, outgoing: Vec<Migration<G>>) -> Result<Vec<Migration<G>>, EvoError>;

    /// Gathers the states of all `count` islands at the root: `Some` (in island order) there,
    /// `None` elsewhere.
    ///
    /// # Errors
    /// As [`IslandLinks::exchange`].
    fn gather(
        &self,
        local: Vec<(usize, &State<G>)>,
        count: usize,
    ) -> Result<Option<Vec<State<G>>>, EvoError>;

    /// Hands every process the states of its islands from `all` (read by the root from a
    /// checkpoint; `None` elsewhere).
    ///
    /// # Errors
    /// As [`IslandLinks::exchange`].
    fn scatter(
        &self,
        all: Option<Vec<State<G>>>,
        count: usize,
    ) -> Result<Vec<(usize, State<G>)>, EvoError>;

    /// Combines every process's `all_done` (all must be done) with the root's `stop`.
    ///
    /// # Errors
    /// As [`IslandLinks::exchange`].
    fn agree(&self, local: Agreement) -> Result<Agreement, EvoError>;
}

/// All islands in this process.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LocalLinks;

impl<G: Genome> IslandLinks<G> for LocalLinks {
    fn local_islands(&self, count: usize) -> Vec<usize> {
        (0..count).collect()
    }

    fn is_root(&self) -> bool {
        true
    }

    fn exchange(&self, mut outgoing: Vec<Migration<G>>) -> Result<Vec<Migration<G>>, EvoError> {
        outgoing.sort_by_key(|m| m.to);
        Ok(outgoing)
    }

    fn gather(
        &self,
        local: Vec<(usize, &State<G>)>,
        _count: usize,
    ) -> Result<Option<Vec<State<G>>>, EvoError> {
        Ok(Some(local.into_iter().map(|(_, state)| state.clone()).collect()))
    }

    fn scatter(
        &self,
        all: Option<Vec<State<G>>>,
        _count: usize,
    ) -> Result<Vec<(usize, State<G>)>, EvoError> {
        Ok(all.unwrap_or_default().into_iter().enumerate().collect())
    }

    fn agree(&self, local: Agreement) -> Result<Agreement, EvoError> {
        Ok(local)
    }
}

/// The configuration stored in the gathered checkpoint.
#[derive(Debug, Serialize, Deserialize)]
struct SavedConfig<I, C> {
    islands: I,
    algorithm: C,
}

/// A gathered checkpoint as read.
type SavedIslands<C, G> = Checkpoint<SavedConfig<Valid<IslandConfig>, C>, Vec<State<G>>>;

/// How an [`Archipelago`] ended.
#[derive(Debug, Clone)]
pub struct IslandOutcome<G: Genome> {
    /// At the root: every island's final state, in island order (elsewhere empty).
    pub islands: Vec<State<G>>,
    /// Whether the stop flag ended the run at a sync point (the checkpoint resumes it).
    pub stopped: bool,
}

impl<G: Genome> IslandOutcome<G> {
    /// At the root: the islands merged into one state ([`merge_states`]).
    #[must_use]
    pub fn merged(&self) -> Option<State<G>> {
        (!self.islands.is_empty()).then(|| merge_states(&self.islands))
    }
}

/// The islands of a run held by this process (module docs): a builder, then
/// [`Archipelago::run`].
#[must_use = "an archipelago does nothing until `run` is called"]
pub struct Archipelago<'a, P: Problem, A: Algorithm<P>> {
    problem: &'a P,
    config: Valid<IslandConfig>,
    seed: Seed,
    links: &'a dyn IslandLinks<P::Genome>,
    /// This process's islands, by island number.
    islands: Vec<(usize, Executor<'a, P, A>)>,
    /// A configuration and description every island shares (checkpoint).
    algorithm_config: A::Config,
    description: String,
    checkpoint: Option<PathBuf>,
    stop: Option<&'a AtomicBool>,
    observers: Vec<&'a mut dyn Observer<P::Genome>>,
}

impl<'a, P: Problem, A: Algorithm<P>> Archipelago<'a, P, A> {
    /// A fresh run: this process's islands (as `links` assigns them), each running the
    /// algorithm `build` makes, with its own seed ([`island_seed`]).
    ///
    /// # Errors
    /// [`EvoError::Param`] for settings that do not fit the problem.
    pub fn new(
        problem: &'a P,
        config: Valid<IslandConfig>,
        seed: Seed,
        build: impl Fn() -> A,
        links: &'a dyn IslandLinks<P::Genome>,
    ) -> Result<Self, EvoError> {
        let template = build();
        let islands = links
            .local_islands(config.count)
            .into_iter()
            .map(|i| Ok((i, Executor::new(problem, build(), island_seed(seed, i))?)))
            .collect::<Result<_, EvoError>>()?;
        Ok(Self::assemble(problem, config, seed, links, islands, &template, None))
    }

    /// Continues the run saved in the gathered checkpoint `path`, which only the root reads
    /// (and keeps rewriting); the other processes receive their islands' states from it. The
    /// problem, the operators, the island settings and the algorithm's configuration must be
    /// those the checkpoint was written with.
    ///
    /// # Errors
    /// dgnn-evo's checkpoint errors at the root, [`EvoError::IslandLinks`] elsewhere.
    pub fn resume(
        problem: &'a P,
        config: Valid<IslandConfig>,
        seed: Seed,
        build: impl Fn() -> A,
        links: &'a dyn IslandLinks<P::Genome>,
        path: &Path,
    ) -> Result<Self, EvoError> {
        let template = build();
        let algorithm_config = template.config().clone();
        let description = template.describe();
        let saved = if links.is_root() {
            Some(Self::read(problem, &config, seed, &algorithm_config, &description, path)?)
        } else {
            None
        };
        let states = links.scatter(saved, config.count)?;
        let islands = states
            .into_iter()
            .map(|(i, state)| {
                Ok((i, Executor::from_state(problem, build(), island_seed(seed, i), state)?))
            })
            .collect::<Result<_, EvoError>>()?;
        Ok(Self::assemble(problem, config, seed, links, islands, &template, Some(path.into())))
    }

    /// A run of `islands` (fresh or resumed) with the algorithm configuration and description
    /// of `template`, no stop flag and no observers yet.
    fn assemble(
        problem: &'a P,
        config: Valid<IslandConfig>,
        seed: Seed,
        links: &'a dyn IslandLinks<P::Genome>,
        islands: Vec<(usize, Executor<'a, P, A>)>,
        template: &A,
        checkpoint: Option<PathBuf>,
    ) -> Self {
        Self {
            problem,
            config,
            seed,
            links,
            islands,
            algorithm_config: template.config().clone(),
            description: template.describe(),
            checkpoint,
            stop: None,
            observers: Vec::new(),
        }
    }

    /// Reads and checks the gathered checkpoint (root only).
    fn read(
        problem: &P,
        config: &Valid<IslandConfig>,
        seed: Seed,
        algorithm_config: &A::Config,
        description: &str,
        path: &Path,
    ) -> Result<Vec<State<P::Genome>>, EvoError> {
        let saved: SavedIslands<A::Config, P::Genome> =
            checkpoint::read(path, ISLANDS_CHECKPOINT_FORMAT)?;
        let mismatch = |what, found: String, given: String| EvoError::CheckpointMismatch {
            path: path.into(),
            what,
            found,
            given,
        };
        if saved.problem != problem.describe() {
            return Err(mismatch("problem", saved.problem, problem.describe()));
        }
        if saved.variation != description {
            return Err(mismatch("variation operator", saved.variation, description.into()));
        }
        if saved.seed != seed {
            return Err(mismatch("seed", format!("{:?}", saved.seed), format!("{seed:?}")));
        }
        let (found, given) = (text(&saved.config.islands), text(config));
        if found != given {
            return Err(mismatch("island settings", found, given));
        }
        let (found, given) = (text(&saved.config.algorithm), text(algorithm_config));
        if found != given {
            return Err(mismatch("algorithm settings", found, given));
        }
        if saved.state.len() != config.count {
            return Err(EvoError::CheckpointUnreadable {
                path: path.into(),
                reason: format!("{} island states for {} islands", saved.state.len(), config.count),
            });
        }
        Ok(saved.state)
    }

    /// Writes the gathered checkpoint to `path` at every sync point (the root does; other
    /// processes ignore it).
    pub fn checkpoint(mut self, path: impl Into<PathBuf>) -> Self {
        self.checkpoint = Some(path.into());
        self
    }

    /// Stops [`Archipelago::run`] at the next sync point once `flag` is raised at the root.
    pub fn stop_flag(mut self, flag: &'a AtomicBool) -> Self {
        self.stop = Some(flag);
        self
    }

    /// Adds an observer, called at the root at every sync point with the merged state.
    pub fn observer(mut self, observer: &'a mut dyn Observer<P::Genome>) -> Self {
        self.observers.push(observer);
        self
    }

    /// Runs every island of this process on `evaluator` instead of the local one.
    pub fn evaluator<E: crate::Evaluator<P> + Clone + 'a>(mut self, evaluator: E) -> Self {
        self.islands = self
            .islands
            .into_iter()
            .map(|(i, island)| (i, island.evaluator(evaluator.clone())))
            .collect();
        self
    }

    /// The completed generations every island has reached (0 before the first).
    fn generation(&self) -> u64 {
        self.islands
            .iter()
            .filter_map(|(_, island)| island.state())
            .map(|s| s.generation)
            .min()
            .unwrap_or(0)
    }

    /// Runs to the end or to the sync point where the stop flag is seen (module docs).
    ///
    /// # Errors
    /// An island's error (evaluation, hypervolume), a checkpoint that cannot be written, or
    /// links that fail; the last checkpoint then holds the last sync point.
    pub fn run(mut self) -> Result<IslandOutcome<P::Genome>, EvoError> {
        let interval = self.config.migration_interval;
        loop {
            let target = (self.generation() / interval + 1) * interval;
            for (_, island) in &mut self.islands {
                while island.state().map_or(0, |s| s.generation) < target && island.step()? {}
            }
            let local_done = self.islands.iter().all(|(_, island)| island.is_done());
            let stop = self.stop.is_some_and(|flag| flag.load(Ordering::SeqCst));
            let agreement = self.links.agree(Agreement { all_done: local_done, stop })?;
            if !agreement.all_done && self.config.count > 1 {
                self.migrate()?;
            }
            let gathered = self.gather_and_save()?;
            if agreement.all_done || agreement.stop {
                return Ok(IslandOutcome {
                    islands: gathered.unwrap_or_default(),
                    stopped: !agreement.all_done,
                });
            }
        }
    }

    /// Ring migration: every local island sends its best, the received replace the worst.
    fn migrate(&mut self) -> Result<(), EvoError> {
        let count = self.config.count;
        let wanted = self.config.migrants;
        let mut outgoing = Vec::with_capacity(self.islands.len());
        for (i, island) in &mut self.islands {
            let population = island.state().map(|s| s.population.clone()).unwrap_or_default();
            let order = island.ranking().map(best_first).unwrap_or_default();
            let migrants = order.iter().take(wanted).map(|&k| population[k].clone()).collect();
            outgoing.push(Migration { from: *i, to: (*i + 1) % count, migrants });
        }
        for arrival in self.links.exchange(outgoing)? {
            let Some((_, island)) = self.islands.iter_mut().find(|(i, _)| *i == arrival.to) else {
                return Err(EvoError::IslandLinks(format!(
                    "migrants for island {} arrived at a process that does not run it",
                    arrival.to
                )));
            };
            let order = island.ranking().map(best_first).unwrap_or_default();
            let worst = order.iter().rev().copied();
            island.replace_members(worst.zip(arrival.migrants).collect());
        }
        Ok(())
    }

    /// Gathers the islands' states at the root, which rewrites the checkpoint and calls the
    /// observers; returns the states there.
    fn gather_and_save(&mut self) -> Result<Option<Vec<State<P::Genome>>>, EvoError> {
        let local: Vec<(usize, &State<P::Genome>)> =
            self.islands.iter().filter_map(|(i, island)| island.state().map(|s| (*i, s))).collect();
        let Some(states) = self.links.gather(local, self.config.count)? else {
            return Ok(None);
        };
        if let Some(path) = &self.checkpoint {
            let saved = Checkpoint {
                format: ISLANDS_CHECKPOINT_FORMAT.into(),
                version: CHECKPOINT_VERSION,
                problem: self.problem.describe(),
                variation: self.description.clone(),
                seed: self.seed,
                config: SavedConfig { islands: &self.config, algorithm: &self.algorithm_config },
                state: &states,
            };
            checkpoint::write(path, &saved)?;
        }
        if !self.observers.is_empty() {
            let merged = merge_states(&states);
            let front = Ranking::of(&merged.population).first_front();
            if let Some(summary) = merged.history.last() {
                let report = GenerationReport {
                    summary,
                    population: &merged.population,
                    front: &front,
                    archive: &merged.archive,
                };
                for observer in &mut self.observers {
                    observer.observe(&report);
                }
            }
        }
        Ok(Some(states))
    }
}

/// Positions of a ranked population, best first: lower front, then larger crowding distance,
/// then lower position.
fn best_first(ranking: &Ranking) -> Vec<usize> {
    let (rank, crowding) = (ranking.rank(), ranking.crowding());
    let mut order: Vec<usize> = (0..rank.len()).collect();
    order.sort_by(|&a, &b| {
        rank[a].cmp(&rank[b]).then(crowding[b].total_cmp(&crowding[a])).then(a.cmp(&b))
    });
    order
}

/// The islands as one run: the populations one after the other (island order), every
/// island's archive offered to one archive, counters summed. Per generation the history sums
/// evaluations, cache hits, feasible members, front sizes and archive sizes over the islands,
/// and keeps the largest island hypervolume. The cache is left empty (each island keeps its
/// own in the checkpoint).
#[must_use]
pub fn merge_states<G: Genome>(islands: &[State<G>]) -> State<G> {
    let mut archive = ParetoArchive::default();
    for island in islands {
        for member in island.archive.members() {
            archive.offer(member);
        }
    }
    let generations = islands.iter().map(|s| s.history.len()).min().unwrap_or(0);
    let history = (0..generations)
        .map(|g| {
            let entries: Vec<&GenerationSummary> = islands.iter().map(|s| &s.history[g]).collect();
            GenerationSummary {
                generation: entries[0].generation,
                evaluations: entries.iter().map(|e| e.evaluations).sum(),
                cache_hits: entries.iter().map(|e| e.cache_hits).sum(),
                front_size: entries.iter().map(|e| e.front_size).sum(),
                feasible: entries.iter().map(|e| e.feasible).sum(),
                hypervolume: entries.iter().filter_map(|e| e.hypervolume).reduce(f64::max),
                archive_size: entries.iter().map(|e| e.archive_size).sum(),
            }
        })
        .collect();
    State {
        generation: islands.iter().map(|s| s.generation).min().unwrap_or(0),
        population: islands.iter().flat_map(|s| s.population.iter().cloned()).collect(),
        archive,
        evaluations: islands.iter().map(|s| s.evaluations).sum(),
        cache_hits: islands.iter().map(|s| s.cache_hits).sum(),
        history,
        cache: EvaluationCache::default(),
    }
}

/// A configuration as the RON text a checkpoint compares.
fn text<T: Serialize>(value: &T) -> String {
    ron::to_string(value).unwrap_or_default()
}
