//! Generic multi-objective evolutionary optimisation: NSGA-II with constrained domination,
//! exact hypervolume in 2-D and 3-D, a Pareto archive, evaluation caching, parallel evaluation
//! and checkpoints that resume bit-identically. It knows nothing of neural networks.
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
//! stream it is given). [`RealVariation`] is the real-vector operator.
//!
//! # Reproducibility
//! All randomness comes from streams `seed.stream("evo/…", &[generation, index, …])`, one per
//! initial genome, mating and generation's selection; evaluations run in parallel over fixed
//! items and are gathered in order. A run is bit-identical for any rayon thread count, and a run
//! resumed from the checkpoint of any generation is bit-identical to an uninterrupted one.

pub mod archive;
pub mod cache;
pub mod checkpoint;
pub mod dominance;
pub mod error;
pub mod hypervolume;
pub mod nsga2;
pub mod problem;
pub mod problems;
pub mod real;

pub use archive::ParetoArchive;
pub use cache::EvaluationCache;
pub use dominance::{
    constrained_dominates, constrained_fronts, crowding_distances, dominates, non_dominated_fronts,
    rank_and_crowding,
};
pub use error::{EvaluationError, EvoError};
pub use hypervolume::{hypervolume, hypervolume_2d, hypervolume_3d};
pub use nsga2::{
    GenerationReport, GenerationSummary, Nsga2, Nsga2Config, Observer, Outcome, ProgressObserver,
    State,
};
pub use problem::{EvalContext, Evaluation, Genome, Individual, Problem, Variation};
pub use problems::{Budget, Dtlz2, Zdt, ZdtKind};
pub use real::{Bounds, PmConfig, RealVariation, SbxConfig};
