//! Generic multi-objective evolutionary optimisation: NSGA-II with constrained domination,
//! exact hypervolume in 2-D and 3-D, a Pareto archive, evaluation caching, parallel evaluation
//! and checkpoints that resume bit-identically. It knows nothing of neural networks.
//!
//! # Example: NSGA-II on your own problem
//! Schaffer's problem: minimise `f₁ = x²` and `f₂ = (x − 2)²`. For `x < 0` moving towards 0
//! lowers both, for `x > 2` moving towards 2 lowers both, and inside `[0, 2]` one falls as the
//! other rises: the Pareto set is `x ∈ [0, 2]`, where `√f₁ + √f₂ = |x| + |x − 2| = 2`, and
//! nowhere else.
//!
//! ```
//! use dgnn_evo::{
//!     Bounds, EvalContext, Evaluation, EvaluationError, Executor, Nsga2, Nsga2Config,
//!     ParamGuard, Problem, RealVariation, Seed, StreamRng,
//! };
//!
//! struct Schaffer {
//!     bounds: Bounds,
//! }
//!
//! impl Problem for Schaffer {
//!     type Genome = Vec<f64>;
//!
//!     fn describe(&self) -> String {
//!         "Schaffer(x in [-10, 10])".into()
//!     }
//!
//!     fn objectives(&self) -> usize {
//!         2
//!     }
//!
//!     fn random_genome(&self, rng: &mut StreamRng) -> Vec<f64> {
//!         self.bounds.sample(rng)
//!     }
//!
//!     fn evaluate(&self, x: &Vec<f64>, _: &EvalContext) -> Result<Evaluation, EvaluationError> {
//!         Ok(Evaluation::feasible(vec![x[0] * x[0], (x[0] - 2.0) * (x[0] - 2.0)]))
//!     }
//! }
//!
//! let problem = Schaffer { bounds: Bounds::uniform(1, -10.0, 10.0)? };
//! let variation = RealVariation::with_defaults(problem.bounds.clone());
//! let config = Nsga2Config { population: 40, generations: 60, ..Nsga2Config::default() };
//! let nsga2 = Nsga2::new(&variation, config.check()?);
//! let outcome = Executor::new(&problem, nsga2, Seed(7))?.run()?;
//!
//! // Every member of the final front lies in the Pareto set, and the front spans most of it.
//! let front = outcome.front();
//! for member in &front {
//!     let [f1, f2] = [member.evaluation.objectives[0], member.evaluation.objectives[1]];
//!     assert!((f1.sqrt() + f2.sqrt() - 2.0).abs() < 1e-9, "x = {}", member.genome[0]);
//! }
//! let xs = front.iter().map(|member| member.genome[0]);
//! let (low, high) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), x| (l.min(x), h.max(x)));
//! assert!(low < 0.1 && high > 1.9, "front spans [{low}, {high}]");
//! # Ok::<(), dgnn_evo::EvoError>(())
//! ```
//!
//! `examples/zdt1.rs` runs the W4 benchmark problem and compares the front's hypervolume with
//! the true front's.
//!
//! # Design (argmin's split of solver and executor)
//! - An [`Algorithm`] turns one population into the next (selection, variation, survival):
//!   [`Nsga2`] is one; [`SleepWake`] (NSGA-II with a growth operator in active phases and
//!   another in quiet ones, on a [`PhaseClock`]) is another; a new strategy is a new
//!   implementation. A problem may change over the run: its constraints with the generation
//!   ([`Problem::violation_at`]) or its evaluation at regime boundaries ([`Problem::regime`]).
//! - The [`Executor`] runs it: it owns the [`State`] (population, [`EvaluationCache`],
//!   [`ParetoArchive`], counters, history), the checkpoint, the observers, the evaluation
//!   budget and the stop flag. The problem evaluates each batch in stages of independent
//!   evaluations (one stage unless it overrides [`Problem::evaluate_batch`], two for a
//!   multi-fidelity problem), and every stage runs on the executor's [`Evaluator`]
//!   ([`LocalEvaluator`] by default: parallel in this process).
//! - Settings are checked once into `Valid<…>` types ([`ParamGuard::check`]); entry points take
//!   only checked values, and deserialising a checked value checks it.
//!
//! # Models and sources
//! - **NSGA-II** — Deb, Pratap, Agarwal & Meyarivan (2002), *A fast and elitist multiobjective
//!   genetic algorithm: NSGA-II*, IEEE TEC 6:182: non-dominated sorting, crowding distance,
//!   crowded binary tournament, elitist (μ+λ) survival, constrained domination (§VI).
//!   See [`nsga2`] for the generation step and [`dominance`] for the definitions.
//! - **Non-dominated sorting** — ENS-BS, Zhang, Tian, Cheng & Jin (2015), IEEE TEC 19:201.
//! - **SBX and polynomial mutation** — Deb & Agrawal (1995), Complex Systems 9:115; Deb & Goyal
//!   (1996); the bounded forms and defaults of pymoo 0.6 ([`real`]).
//! - **Hypervolume** — Zitzler & Thiele (1998); 3-D dimension sweep of Beume, Fonseca,
//!   López-Ibáñez, Paquete & Vahrenhold (2009), IEEE TEC 13:1075 ([`hypervolume`](mod@hypervolume)).
//! - **Test problems** — ZDT1–3 (Zitzler, Deb & Thiele 2000), DTLZ2 (Deb, Thiele, Laumanns &
//!   Zitzler 2002) ([`problems`]). True-front hypervolumes against (1.1, 1.1): ZDT1
//!   `1.21 − ∫₀¹(1 − √x)dx = 0.876667`, ZDT2 `1.21 − ∫₀¹(1 − x²)dx = 0.543333`; DTLZ2 (3
//!   objectives) against (1.1, 1.1, 1.1): `1.331 − π/6 = 0.807401`.
//!
//! # Plugging in
//! Implement [`Problem`] (search space, sampling, evaluation → objectives + constraint
//! violation, optionally batch evaluation) for a [`Genome`] type (with an exact key for caching
//! and duplicate elimination) and a [`Variation`] operator (crossover + mutation drawing from the
//! stream it is given). [`RealVariation`] is the real-vector operator. A new algorithm implements
//! [`Algorithm`]; a new place to evaluate (other machines) implements [`Evaluator`], which runs
//! any problem's stages of independent evaluations.
//!
//! # Reproducibility
//! All randomness comes from streams `seed.stream("evo/…", &[generation, index, …])`, one per
//! initial genome, mating and generation's selection; evaluations run in parallel over fixed
//! items and are gathered in order. A run is bit-identical for any rayon thread count, and a run
//! resumed from the checkpoint of any generation is bit-identical to an uninterrupted one.

pub mod algorithm;
pub mod archive;
pub mod cache;
pub mod checkpoint;
pub mod dominance;
pub mod error;
pub mod evaluator;
pub mod executor;
pub mod hypervolume;
pub mod islands;
pub mod nsga2;
pub mod observer;
pub mod problem;
pub mod problems;
pub mod real;
pub mod sleep_wake;
pub mod state;

pub use algorithm::{Algorithm, Candidate, GenerationContext, Ranking, RunSettings};

pub use archive::ParetoArchive;
pub use cache::EvaluationCache;
pub use dominance::{
    constrained_dominates, constrained_fronts, crowding_distances, dominates, non_dominated_fronts,
    rank_and_crowding,
};
pub use error::{EvaluationError, EvoError, Interrupted};
pub use evaluator::{Evaluator, LocalEvaluator};
pub use executor::{Executor, Outcome};
pub use hypervolume::{hypervolume, hypervolume_2d, hypervolume_3d};
pub use islands::{
    Agreement, Archipelago, IslandConfig, IslandLinks, IslandOutcome, LocalLinks, Migration,
    Topology, island_seed, merge_states,
};
pub use nsga2::{Nsga2, Nsga2Config};
pub use observer::{GenerationReport, Observer, ProgressObserver};
pub use problem::{EvalContext, Evaluation, Genome, Individual, Problem, Variation};
pub use problems::{Budget, Dtlz2, Zdt, ZdtKind};
pub use real::{Bounds, PmConfig, RealVariation, RealVariationConfig, SbxConfig};
pub use sleep_wake::{Phase, PhaseClock, SleepWake, SleepWakeConfig};
pub use state::{GenerationSummary, State};

/// What a user of dgnn-evo alone needs from dgnn-core: seeds and their streams, progress
/// reporting, and checked parameters.
pub use dgnn_core::{
    NoProgress, ParamError, ParamGuard, Progress, Seed, StreamRng, Valid, Validate,
};
