//! The engine's guarantees: bit-identical resume, thread-count independence, constrained
//! domination, caching, duplicate elimination, DTLZ2 in 3-D, and typed errors for bad input.

use dgnn_evo::{
    Budget, Dtlz2, EvalContext, Evaluation, EvaluationError, EvoError, Executor, Genome, Nsga2,
    Nsga2Config, Outcome, ParamGuard, Problem, RealVariation, Seed, State, StreamRng, Variation,
    Zdt, ZdtKind,
};
use rand::RngExt;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

fn zdt1(n: usize) -> (Zdt, RealVariation) {
    let problem = Zdt::new(ZdtKind::Zdt1, n).unwrap();
    let variation = RealVariation::with_defaults(problem.bounds().clone());
    (problem, variation)
}

fn small_config(generations: u64) -> Nsga2Config {
    Nsga2Config {
        population: 24,
        generations,
        reference_point: Some(vec![1.1, 1.1]),
        ..Nsga2Config::default()
    }
}

/// A fresh NSGA-II run of `problem` with `variation` and a raw `config` (checked here).
fn nsga2<'a, P: Problem, V: Variation<P::Genome>>(
    problem: &'a P,
    variation: &'a V,
    config: Nsga2Config,
    seed: Seed,
) -> Result<Executor<'a, P, Nsga2<&'a V>>, EvoError> {
    Executor::new(problem, Nsga2::new(variation, config.check()?), seed)
}

/// The run saved in `checkpoint`, continued with NSGA-II and `variation`.
fn resume<'a, P: Problem, V: Variation<P::Genome>>(
    problem: &'a P,
    variation: &'a V,
    checkpoint: &std::path::Path,
) -> Result<Executor<'a, P, Nsga2<&'a V>>, EvoError> {
    Executor::resume(problem, checkpoint, |config| Nsga2::new(variation, config))
}

/// NSGA-II on `problem` stopped by its flag after generation `stop_after` (checkpoint in
/// `path`), and the run resumed from that checkpoint to its end: `(stopped, resumed)`.
fn stopped_and_resumed<P: Problem, V: Variation<P::Genome>>(
    problem: &P,
    variation: &V,
    config: Nsga2Config,
    seed: Seed,
    stop_after: u64,
    path: &std::path::Path,
) -> (Outcome<P::Genome>, Outcome<P::Genome>) {
    let flag = AtomicBool::new(false);
    let mut raise = |report: &dgnn_evo::GenerationReport<'_, P::Genome>| {
        if report.summary.generation + 1 == stop_after {
            flag.store(true, Ordering::SeqCst);
        }
    };
    let stopped = nsga2(problem, variation, config, seed)
        .unwrap()
        .checkpoint(path)
        .stop_flag(&flag)
        .observer(&mut raise)
        .run()
        .unwrap();
    let resumed = resume(problem, variation, path).unwrap().run().unwrap();
    (stopped, resumed)
}

/// Every bit of a state: genomes, objectives, violations, archive, counters, history, cache.
fn fingerprint<G: Genome>(state: &State<G>) -> String {
    // RON writes every f64 in its shortest round-trip form, so equal text ⇔ equal bits.
    ron::to_string(state).unwrap()
}

/// Resume bit-identity: a run stopped after generation k (k = 1, 2, 7, 19 of 20) and resumed
/// from its checkpoint ends in exactly the state of an uninterrupted run. The checkpoint file
/// on disk after generation k is the same whether or not the run was stopped there, so this
/// also covers a kill -9 between two checkpoint writes.
#[test]
fn resumed_runs_are_bit_identical() {
    let (problem, variation) = zdt1(8);
    let dir = tempfile::tempdir().unwrap();
    let full_path = dir.path().join("full.ron");
    let full = nsga2(&problem, &variation, small_config(20), Seed(11))
        .unwrap()
        .checkpoint(&full_path)
        .run()
        .unwrap();
    assert!(!full.stopped);
    assert_eq!(full.state.generation, 20);
    for stop_after in [1u64, 2, 7, 19] {
        let path = dir.path().join(format!("stop-{stop_after}.ron"));
        let (stopped, resumed) = stopped_and_resumed(
            &problem,
            &variation,
            small_config(20),
            Seed(11),
            stop_after,
            &path,
        );
        assert!(stopped.stopped);
        assert_eq!(stopped.state.generation, stop_after);
        assert!(!resumed.stopped);
        assert_eq!(
            fingerprint(&resumed.state),
            fingerprint(&full.state),
            "stop after {stop_after}"
        );
        // The resumed run kept writing the same checkpoints as the uninterrupted one.
        assert_eq!(std::fs::read(&path).unwrap(), std::fs::read(&full_path).unwrap());
    }
}

/// Thread-count independence: the same seed and config give bit-identical states in rayon
/// pools of 1, 2 and 8 threads (every random stream is keyed by generation and index, and
/// batch evaluation gathers results in order).
#[test]
fn results_do_not_depend_on_the_thread_count() {
    let (problem, variation) = zdt1(12);
    let run = |threads| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| {
            let outcome =
                nsga2(&problem, &variation, small_config(30), Seed(5)).unwrap().run().unwrap();
            fingerprint(&outcome.state)
        })
    };
    let one = run(1);
    assert_eq!(run(2), one);
    assert_eq!(run(8), one);
}

/// Constrained domination (Deb 2002 §VI): on ZDT1 with the budget f₂ ≤ 1.5 (infeasible for
/// almost every random initial point, where f₂ ≈ g ≈ 5.5), the reported front never contains an
/// infeasible point once the population holds a feasible one, and the final front is feasible
/// and respects the budget.
#[test]
fn constrained_front_is_feasible_when_feasible_points_exist() {
    let (inner, _) = zdt1(10);
    let problem = Budget::new(inner, 1, 1.5).unwrap();
    let variation = RealVariation::with_defaults(problem.inner().bounds().clone());
    let mut generations_with_feasible = 0;
    let mut generations_without = 0;
    let mut check = |report: &dgnn_evo::GenerationReport<'_, Vec<f64>>| {
        let any_feasible = report.population.iter().any(|i| i.evaluation.is_feasible());
        if any_feasible {
            generations_with_feasible += 1;
            for &i in report.front {
                assert!(report.population[i].evaluation.is_feasible());
            }
        } else {
            generations_without += 1;
        }
        assert_eq!(
            report.summary.feasible,
            report.population.iter().filter(|i| i.evaluation.is_feasible()).count()
        );
    };
    let config = Nsga2Config { population: 40, generations: 60, ..Nsga2Config::default() };
    let outcome =
        nsga2(&problem, &variation, config, Seed(3)).unwrap().observer(&mut check).run().unwrap();
    assert!(generations_without >= 1, "the budget should exclude the random start");
    assert!(generations_with_feasible >= 10);
    for individual in outcome.front() {
        assert!(individual.evaluation.is_feasible());
        assert!(individual.evaluation.objectives[1] <= 1.5);
    }
    for member in outcome.state.archive.members() {
        assert!(member.evaluation.is_feasible());
    }
}

/// A problem on a tiny discrete space (two bits and a counter of calls), for the cache and
/// duplicate elimination.
struct Tiny {
    calls: AtomicUsize,
}

/// A genome of two digits in 0..4.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
struct Pair([u8; 2]);

impl Problem for Tiny {
    type Genome = Pair;
    fn describe(&self) -> String {
        "tiny".into()
    }
    fn objectives(&self) -> usize {
        2
    }
    fn random_genome(&self, rng: &mut StreamRng) -> Pair {
        Pair([rng.random_range(0..4u8), rng.random_range(0..4u8)])
    }
    fn evaluate(&self, g: &Pair, _: &EvalContext) -> Result<Evaluation, EvaluationError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let [a, b] = g.0;
        Ok(Evaluation::feasible(vec![f64::from(a), f64::from(3 - a) + f64::from(b)]))
    }
}

impl Genome for Pair {
    type Key = Pair;
    fn key(&self) -> Pair {
        self.clone()
    }
}

struct Flip;

impl Variation<Pair> for Flip {
    fn describe(&self) -> String {
        "flip".into()
    }
    fn crossover(&self, a: &Pair, b: &Pair, _: &mut StreamRng) -> [Pair; 2] {
        [Pair([a.0[0], b.0[1]]), Pair([b.0[0], a.0[1]])]
    }
    fn mutate(&self, g: &mut Pair, rng: &mut StreamRng) {
        let i = rng.random_range(0..2);
        g.0[i] = rng.random_range(0..4u8);
    }
}

/// The cache evaluates each of the 16 genomes of the space at most once: the problem is
/// called exactly `evaluations` ≤ 16 times, everything else is a cache hit, and the front is
/// the known optimum (g₁ = 0: f = (k, 3 − k), k = 0..3).
#[test]
fn cache_evaluates_each_genome_once() {
    let problem = Tiny { calls: AtomicUsize::new(0) };
    let config = Nsga2Config { population: 8, generations: 30, ..Nsga2Config::default() };
    let outcome = nsga2(&problem, &Flip, config, Seed(1)).unwrap().run().unwrap();
    let state = &outcome.state;
    assert_eq!(problem.calls.load(Ordering::SeqCst) as u64, state.evaluations);
    assert!(state.evaluations <= 16);
    assert_eq!(state.evaluations + state.cache_hits, 8 * 30);
    assert_eq!(state.cache.len() as u64, state.evaluations);
    let mut front: Vec<Pair> = outcome.front().iter().map(|i| i.genome.clone()).collect();
    front.sort();
    front.dedup();
    assert_eq!(front, vec![Pair([0, 0]), Pair([1, 0]), Pair([2, 0]), Pair([3, 0])]);
    let mut archive: Vec<Pair> = state.archive.members().iter().map(|i| i.genome.clone()).collect();
    archive.sort();
    assert_eq!(archive, front);
}

/// Duplicate elimination: on ZDT1 the initial population and every population afterwards
/// hold distinct genomes (the continuous space makes a forced duplicate practically
/// impossible), and without the cache every child is evaluated.
#[test]
fn populations_hold_distinct_genomes() {
    let (problem, variation) = zdt1(5);
    let config = Nsga2Config { cache: false, ..small_config(15) };
    let mut check = |report: &dgnn_evo::GenerationReport<'_, Vec<f64>>| {
        let mut keys: Vec<Vec<u64>> = report.population.iter().map(|i| i.genome.key()).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), report.population.len());
    };
    let outcome =
        nsga2(&problem, &variation, config, Seed(2)).unwrap().observer(&mut check).run().unwrap();
    assert_eq!(outcome.state.evaluations, 24 * 15);
    assert!(outcome.state.cache.is_empty());
}

/// DTLZ2 with three objectives: NSGA-II's front lies near the unit sphere (g ≈ 0) and its
/// hypervolume approaches the true 1.331 − π/6 = 0.807401 from below. NSGA-II's crowding
/// spreads poorly on 3-objective fronts (Deb & Jain 2014, IEEE TEC 18:577, §I): pymoo 0.6's
/// NSGA-II with the same settings (pop 100, 200 generations, n = 12) reaches 0.696, 0.709,
/// 0.713, 0.700 for seeds 1–4 with a largest radius error of 0.057 (measured with the peer
/// environment). We require the lower end of that spread less one seed-to-seed spread (0.017),
/// and radius errors below 0.1.
#[test]
fn dtlz2_front_approaches_the_sphere() {
    let problem = Dtlz2::new(3, 10).unwrap();
    let variation = RealVariation::with_defaults(problem.bounds().clone());
    let config = Nsga2Config {
        population: 100,
        generations: 200,
        reference_point: Some(vec![1.1, 1.1, 1.1]),
        ..Nsga2Config::default()
    };
    let outcome = nsga2(&problem, &variation, config, Seed(4)).unwrap().run().unwrap();
    let truth = 1.331 - std::f64::consts::PI / 6.0;
    let hv = outcome.hypervolume().unwrap();
    assert!(hv > 0.679 && hv < truth, "{hv} vs {truth}");
    for individual in outcome.front() {
        let radius: f64 =
            individual.evaluation.objectives.iter().map(|f| f * f).sum::<f64>().sqrt();
        assert!((radius - 1.0).abs() < 0.1, "{radius}");
    }
}

/// Config errors name the field: population < 4, zero generations, a budget below one
/// generation, a reference point of the wrong size or with NaN.
#[test]
fn bad_configs_are_typed_errors() {
    let (problem, variation) = zdt1(5);
    let attempt = |config: Nsga2Config| {
        nsga2(&problem, &variation, config, Seed(0)).err().map(|e| e.to_string())
    };
    let cases = [
        (Nsga2Config { population: 3, ..Nsga2Config::default() }, "population"),
        (Nsga2Config { generations: 0, ..Nsga2Config::default() }, "generations"),
        (Nsga2Config { max_evaluations: Some(99), ..Nsga2Config::default() }, "max_evaluations"),
        (
            Nsga2Config { reference_point: Some(vec![1.0]), ..Nsga2Config::default() },
            "reference_point",
        ),
        (
            Nsga2Config { reference_point: Some(vec![1.0, f64::NAN]), ..Nsga2Config::default() },
            "reference_point[1]",
        ),
    ];
    for (config, field) in cases {
        let message = attempt(config).expect("config must be refused");
        assert!(message.contains(field), "{message}");
    }
    // A RON config with a misspelt field is refused by deny_unknown_fields.
    assert!(ron::from_str::<Nsga2Config>("(populaton: 10)").is_err());
    let parsed: Nsga2Config = ron::from_str("(population: 10, generations: 3)").unwrap();
    assert_eq!(parsed, Nsga2Config { population: 10, generations: 3, ..Nsga2Config::default() });
}

/// An odd population needs no special case: the last mating's second child is dropped, so
/// every generation makes exactly N children (5 + 3 × 5 evaluations after four generations).
#[test]
fn odd_populations_make_exactly_n_children() {
    let (problem, variation) = zdt1(5);
    let config = Nsga2Config { population: 5, generations: 4, ..Nsga2Config::default() };
    let outcome = nsga2(&problem, &variation, config, Seed(8)).unwrap().run().unwrap();
    assert_eq!(outcome.state.population.len(), 5);
    assert_eq!(outcome.state.evaluations + outcome.state.cache_hits, 20);
}

/// The evaluation budget: the run stops before a generation that would exceed it.
#[test]
fn evaluation_budget_is_never_exceeded() {
    let (problem, variation) = zdt1(5);
    let config = Nsga2Config { max_evaluations: Some(24 * 5 + 10), ..small_config(100) };
    let outcome = nsga2(&problem, &variation, config, Seed(0)).unwrap().run().unwrap();
    assert_eq!(outcome.state.evaluations, 24 * 5);
    assert_eq!(outcome.state.generation, 5);
}

/// Unreadable, truncated, foreign and mismatched checkpoints are refused with typed errors.
#[test]
fn bad_checkpoints_are_typed_errors() {
    let (problem, variation) = zdt1(5);
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.ron");
    assert!(matches!(
        resume(&problem, &variation, &missing).err(),
        Some(EvoError::CheckpointUnreadable { .. })
    ));
    let good = dir.path().join("good.ron");
    nsga2(&problem, &variation, small_config(3), Seed(0)).unwrap().checkpoint(&good).run().unwrap();
    let text = std::fs::read_to_string(&good).unwrap();
    for cut in [10, text.len() / 2, text.len() - 1] {
        let truncated = dir.path().join(format!("truncated-{cut}.ron"));
        std::fs::write(&truncated, &text[..cut]).unwrap();
        assert!(matches!(
            resume(&problem, &variation, &truncated).err(),
            Some(EvoError::CheckpointUnreadable { .. })
        ));
    }
    let foreign = dir.path().join("foreign.ron");
    std::fs::write(&foreign, text.replace("dgnn-evo/nsga2-checkpoint", "something-else")).unwrap();
    assert!(matches!(
        resume(&problem, &variation, &foreign).err(),
        Some(EvoError::CheckpointForeign { .. })
    ));
    let envelope = dir.path().join("envelope.ron");
    std::fs::write(&envelope, "(tool: \"dgnn\", version: \"0.1.0\", command: \"simulate\")")
        .unwrap();
    assert!(matches!(
        resume(&problem, &variation, &envelope).err(),
        Some(EvoError::CheckpointForeign { .. })
    ));
    let (other, other_variation) = zdt1(6);
    let err = resume(&other, &other_variation, &good).err().unwrap();
    assert!(matches!(err, EvoError::CheckpointMismatch { what: "problem", .. }), "{err}");
}

/// Issue 14: an edited checkpoint is refused by its content hash; one resealed after the edit
/// (as a careful forger would) is refused by the state check, naming what is wrong.
#[test]
fn edited_checkpoints_are_refused_and_say_why() {
    let (problem, variation) = zdt1(5);
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.ron");
    nsga2(&problem, &variation, small_config(3), Seed(0)).unwrap().checkpoint(&good).run().unwrap();
    let text = std::fs::read_to_string(&good).unwrap();
    assert!(text.contains("content_hash:\""), "{}", &text[..120]);
    assert_eq!(dgnn_evo::checkpoint::seal(&text).unwrap(), text, "sealing is idempotent");
    // The first gene and the first objective of the population, as written.
    let first = |after: &str| text.split(after).nth(1).unwrap().split(',').next().unwrap();
    let (first_gene, first_objective) =
        (first("population:[(genome:["), first("evaluation:(objectives:["));
    let edits: [(&str, String, &str); 5] = [
        ("generation", text.replacen("generation:3,", "generation:999,", 1), "generation 999"),
        (
            "a gene outside [0, 1]",
            text.replacen(
                &format!("population:[(genome:[{first_gene},"),
                "population:[(genome:[5.0,",
                1,
            ),
            "population[0].genome is outside the search space: x[0] = 5 lies outside [0, 1]",
        ),
        (
            "a NaN objective",
            text.replacen(
                &format!("evaluation:(objectives:[{first_objective},"),
                "evaluation:(objectives:[NaN,",
                1,
            ),
            "population[0].evaluation: objective 0 is NaN",
        ),
        ("counters", text.replacen(",evaluations:", ",evaluations:1", 1), "evaluations"),
        (
            "an empty history",
            text.replacen("history:[", "history:[],unused:[", 1),
            "generation 3 but 0 history entries",
        ),
    ];
    for (what, edited, reason) in edits {
        assert_ne!(edited, text, "{what}: the edit did not apply");
        let path = dir.path().join("edited.ron");
        std::fs::write(&path, &edited).unwrap();
        let err = resume(&problem, &variation, &path).err().unwrap();
        assert!(matches!(err, EvoError::CheckpointEdited { .. }), "{what}: {err}");
        assert!(err.to_string().contains("edited or damaged"), "{err}");
        let Ok(resealed) = dgnn_evo::checkpoint::seal(&edited) else { continue };
        std::fs::write(&path, &resealed).unwrap();
        match resume(&problem, &variation, &path).err() {
            Some(EvoError::CheckpointInvalid { reason: got, .. }) => {
                assert!(got.contains(reason), "{what}: `{reason}` not in `{got}`");
            }
            // An edit that breaks the structure no longer parses.
            Some(EvoError::CheckpointUnreadable { .. }) => assert!(reason.is_empty(), "{what}"),
            other => panic!("{what}: {other:?}"),
        }
    }
}

/// Issue 14: a checkpoint of another problem is refused saying what differs, not by printing
/// both descriptions whole.
#[test]
fn mismatches_name_the_difference() {
    use dgnn_evo::checkpoint::describe_difference;
    let old = "dgnn-nas(data=wdbc; data fingerprint=50f4; seed=2026; \
               estimation=(training:(epochs:60,batch_size:32),low:Some((epochs:10))))";
    let new = "dgnn-nas(data=wdbc; data fingerprint=9a1c; seed=7; \
               estimation=(training:(epochs:30,batch_size:32),low:Some((epochs:10))))";
    let text = describe_difference(old, new);
    assert_eq!(
        text,
        "data fingerprint differs; seed 2026 in the checkpoint, 7 now; \
         estimation.training.epochs 60 in the checkpoint, 30 now"
    );
    // Descriptions without items are shown whole.
    assert_eq!(describe_difference("ZDT1(n=5)", "ZDT1(n=6)"), "n 5 in the checkpoint, 6 now");
    assert_eq!(describe_difference("a", "b"), "`a` in the checkpoint, `b` now");
}

/// ZDT1 that raises a stop flag at its `at`-th evaluation (counting from 1).
struct RaisesAt<'a> {
    inner: Zdt,
    flag: &'a AtomicBool,
    at: usize,
    count: AtomicUsize,
}

impl Problem for RaisesAt<'_> {
    type Genome = Vec<f64>;
    fn describe(&self) -> String {
        self.inner.describe()
    }
    fn objectives(&self) -> usize {
        2
    }
    fn random_genome(&self, rng: &mut StreamRng) -> Vec<f64> {
        self.inner.random_genome(rng)
    }
    fn evaluate(&self, g: &Vec<f64>, c: &EvalContext) -> Result<Evaluation, EvaluationError> {
        if self.count.fetch_add(1, Ordering::SeqCst) + 1 == self.at {
            self.flag.store(true, Ordering::SeqCst);
        }
        self.inner.evaluate(g, c)
    }
}

/// Issue 14: the stop flag takes effect inside a generation, at the next evaluation: a flag
/// raised at evaluation 60 (generation 2 of 24-member generations) ends the run with two
/// generations done and at most one evaluation per thread after it, and the checkpoint resumes
/// to the uninterrupted result; a flag raised in the initial generation ends with none done.
#[test]
fn the_stop_flag_takes_effect_inside_a_generation() {
    let dir = tempfile::tempdir().unwrap();
    let (whole, whole_path) = (zdt1(5), dir.path().join("whole.ron"));
    let full = nsga2(&whole.0, &whole.1, small_config(6), Seed(4))
        .unwrap()
        .checkpoint(&whole_path)
        .run()
        .unwrap();
    let flag = AtomicBool::new(false);
    let raising = RaisesAt { inner: zdt1(5).0, flag: &flag, at: 60, count: AtomicUsize::new(0) };
    let path = dir.path().join("cut.ron");
    let variation = &whole.1;
    let stopped = nsga2(&raising, variation, small_config(6), Seed(4))
        .unwrap()
        .checkpoint(&path)
        .stop_flag(&flag)
        .run()
        .unwrap();
    assert!(stopped.stopped);
    assert_eq!(stopped.state.generation, 2, "generation 2 (evaluations 49–72) was dropped");
    assert_eq!(stopped.state.evaluations, 48);
    let threads = rayon::current_num_threads();
    assert!(raising.count.load(Ordering::SeqCst) <= 60 + threads, "evaluations went on");
    let resumed = resume(&whole.0, variation, &path).unwrap().run().unwrap();
    assert_eq!(fingerprint(&resumed.state), fingerprint(&full.state));
    // Raised during the initial generation: nothing completed, no checkpoint written.
    let flag = AtomicBool::new(false);
    let early = RaisesAt { inner: zdt1(5).0, flag: &flag, at: 3, count: AtomicUsize::new(0) };
    let path = dir.path().join("early.ron");
    let outcome = nsga2(&early, variation, small_config(6), Seed(4))
        .unwrap()
        .checkpoint(&path)
        .stop_flag(&flag)
        .run()
        .unwrap();
    assert!(outcome.stopped && outcome.state.generation == 0 && !path.exists());
}

/// A problem that fails or returns NaN stops the run with a typed error naming the individual.
#[test]
fn bad_evaluations_are_typed_errors() {
    struct Broken {
        nan: bool,
    }
    impl Problem for Broken {
        type Genome = Vec<f64>;
        fn describe(&self) -> String {
            "broken".into()
        }
        fn objectives(&self) -> usize {
            2
        }
        fn random_genome(&self, rng: &mut StreamRng) -> Vec<f64> {
            vec![rng.random::<f64>()]
        }
        fn evaluate(&self, g: &Vec<f64>, _: &EvalContext) -> Result<Evaluation, EvaluationError> {
            if self.nan {
                Ok(Evaluation::feasible(vec![g[0], f64::NAN]))
            } else {
                Err("the simulator diverged".into())
            }
        }
    }
    let variation = RealVariation::with_defaults(dgnn_evo::Bounds::uniform(1, 0.0, 1.0).unwrap());
    let config = Nsga2Config { population: 4, generations: 2, ..Nsga2Config::default() };
    let err = nsga2(&Broken { nan: false }, &variation, config.clone(), Seed(0))
        .unwrap()
        .run()
        .unwrap_err();
    assert!(matches!(err, EvoError::Evaluation { generation: 0, index: 0, .. }), "{err}");
    assert!(err.to_string().contains("diverged"));
    let err = nsga2(&Broken { nan: true }, &variation, config, Seed(0)).unwrap().run().unwrap_err();
    assert!(matches!(err, EvoError::InvalidEvaluation { .. }), "{err}");
    assert!(err.to_string().contains("objective 1"));
}

/// Checked settings cannot be read unchecked: deserialising a `Valid<Nsga2Config>` runs the
/// same check as `check()`, naming the bad field, and a good one reads back equal.
#[test]
fn checked_configs_are_checked_when_deserialised() {
    let bad = ron::from_str::<dgnn_evo::Valid<Nsga2Config>>("(population: 3)").unwrap_err();
    assert!(bad.to_string().contains("population"), "{bad}");
    let bad = ron::from_str::<dgnn_evo::Valid<Nsga2Config>>("(reference_point: Some([1.0]))");
    assert!(bad.unwrap_err().to_string().contains("reference_point"));
    let good: dgnn_evo::Valid<Nsga2Config> =
        ron::from_str("(population: 10, generations: 3)").unwrap();
    let expected = Nsga2Config { population: 10, generations: 3, ..Nsga2Config::default() };
    assert_eq!(good, expected.check().unwrap());
}

/// An evaluator that sends each stage "elsewhere": a separate thread per genome, started in
/// reverse order, with results gathered by index (as an MPI evaluator gathers them from ranks).
/// Counts the stages it ran.
struct Elsewhere {
    batches: AtomicUsize,
}

impl<P: Problem> dgnn_evo::Evaluator<P> for Elsewhere {
    fn evaluate_each(
        &self,
        problem: &P,
        genomes: &[&P::Genome],
        context: &EvalContext,
    ) -> Vec<Result<Evaluation, EvaluationError>> {
        self.batches.fetch_add(1, Ordering::SeqCst);
        let mut results: Vec<Option<Result<Evaluation, EvaluationError>>> =
            (0..genomes.len()).map(|_| None).collect();
        std::thread::scope(|scope| {
            let handles: Vec<_> = genomes
                .iter()
                .enumerate()
                .rev()
                .map(|(index, genome)| {
                    (index, scope.spawn(move || problem.evaluate(genome, context)))
                })
                .collect();
            for (index, handle) in handles {
                results[index] = handle.join().ok();
            }
        });
        results.into_iter().map(|r| r.unwrap_or_else(|| Err("worker panicked".into()))).collect()
    }
}

/// The evaluator is pluggable and invisible to the result: a run whose batches are evaluated
/// elsewhere (threads, reverse order, results keyed by index) is bit-identical to the default
/// run, with one stage (the default batch evaluation) per generation.
#[test]
fn an_evaluator_elsewhere_gives_the_same_run() {
    let (problem, variation) = zdt1(6);
    let local = nsga2(&problem, &variation, small_config(6), Seed(21)).unwrap().run().unwrap();
    let elsewhere = Elsewhere { batches: AtomicUsize::new(0) };
    let remote = nsga2(&problem, &variation, small_config(6), Seed(21))
        .unwrap()
        .evaluator(&elsewhere)
        .run()
        .unwrap();
    assert_eq!(fingerprint(&remote.state), fingerprint(&local.state));
    assert_eq!(elsewhere.batches.load(Ordering::SeqCst), 6);
}

/// An evaluator that loses a result is refused with a typed error, not trusted.
#[test]
fn an_evaluator_returning_too_few_results_is_an_error() {
    struct Lossy;
    impl<P: Problem> dgnn_evo::Evaluator<P> for Lossy {
        fn evaluate_each(
            &self,
            problem: &P,
            genomes: &[&P::Genome],
            context: &EvalContext,
        ) -> Vec<Result<Evaluation, EvaluationError>> {
            genomes.iter().skip(1).map(|genome| problem.evaluate(genome, context)).collect()
        }
    }
    let (problem, variation) = zdt1(4);
    let err = nsga2(&problem, &variation, small_config(2), Seed(0))
        .unwrap()
        .evaluator(Lossy)
        .run()
        .unwrap_err();
    assert!(matches!(err, EvoError::InvalidEvaluation { generation: 0, .. }), "{err}");
    assert!(err.to_string().contains("23 results for 24 genomes"), "{err}");
}

/// A second algorithm under the same executor: random search that keeps the best `N` of the
/// current population and `N` fresh random genomes (stream `("test/fresh", [g, i])`) by
/// NSGA-II's ranking. The executor gives it the cache, archive, budget, checkpoint and
/// bit-identical resume without a loop of its own.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct RandomSearchConfig {
    population: usize,
    generations: u64,
}

struct RandomSearch {
    config: RandomSearchConfig,
}

impl RandomSearch {
    fn fresh<P: Problem>(
        &self,
        context: &mut dgnn_evo::GenerationContext<'_, P>,
    ) -> Result<Vec<dgnn_evo::Individual<P::Genome>>, EvoError> {
        let (problem, seed, generation) = (context.problem(), context.seed(), context.generation());
        let genomes = (0..self.config.population as u64)
            .map(|i| problem.random_genome(&mut seed.stream("test/fresh", &[generation, i])).into())
            .collect();
        context.evaluate(genomes)
    }
}

impl<P: Problem> dgnn_evo::Algorithm<P> for RandomSearch {
    type Config = RandomSearchConfig;
    const CHECKPOINT_FORMAT: &'static str = "test/random-search";

    fn config(&self) -> &RandomSearchConfig {
        &self.config
    }

    fn run_settings(&self) -> dgnn_evo::RunSettings {
        dgnn_evo::RunSettings {
            generations: self.config.generations,
            max_evaluations: None,
            evaluations_per_generation: self.config.population as u64,
            reference_point: Some(vec![1.1, 1.1]),
            cache: true,
            archive: true,
        }
    }

    fn describe(&self) -> String {
        "uniform sampling".into()
    }

    fn init(
        &mut self,
        context: &mut dgnn_evo::GenerationContext<'_, P>,
    ) -> Result<Vec<dgnn_evo::Individual<P::Genome>>, EvoError> {
        self.fresh(context)
    }

    fn next_generation(
        &mut self,
        mut population: Vec<dgnn_evo::Individual<P::Genome>>,
        _: &dgnn_evo::Ranking,
        context: &mut dgnn_evo::GenerationContext<'_, P>,
    ) -> Result<Vec<dgnn_evo::Individual<P::Genome>>, EvoError> {
        population.extend(self.fresh(context)?);
        let ranking = dgnn_evo::Ranking::of(&population);
        let mut order: Vec<usize> = (0..population.len()).collect();
        order.sort_by(|&a, &b| {
            let (rank, crowding) = (ranking.rank(), ranking.crowding());
            rank[a].cmp(&rank[b]).then(crowding[b].total_cmp(&crowding[a])).then(a.cmp(&b))
        });
        order.truncate(self.config.population);
        order.sort_unstable();
        Ok(order.into_iter().map(|i| population[i].clone()).collect())
    }
}

#[test]
fn a_second_algorithm_runs_and_resumes_under_the_same_executor() {
    let (problem, _) = zdt1(5);
    let config = RandomSearchConfig { population: 10, generations: 8 };
    let build = |config| RandomSearch { config };
    let dir = tempfile::tempdir().unwrap();
    let whole = Executor::new(&problem, build(config.clone()), Seed(3)).unwrap().run().unwrap();
    assert_eq!(whole.state.evaluations, 80);
    assert_eq!(whole.state.history.len(), 8);
    // Survival keeps the whole first front of parents ∪ fresh genomes whenever it fits (the new
    // front is then smaller than the population), and every old front point is in that front
    // or dominated by one of it: the hypervolume cannot decrease across such a generation.
    let mut checked = 0;
    for pair in whole.state.history.windows(2) {
        if pair[1].front_size < 10 {
            assert!(pair[1].hypervolume >= pair[0].hypervolume, "{pair:?}");
            checked += 1;
        }
    }
    assert!(checked >= 3, "only {checked} generations had a front smaller than the population");
    let path = dir.path().join("random.ron");
    let mut first = Executor::new(&problem, build(config), Seed(3)).unwrap().checkpoint(&path);
    for _ in 0..3 {
        assert!(first.step().unwrap());
    }
    drop(first);
    let resumed = Executor::resume(&problem, &path, build).unwrap().run().unwrap();
    assert_eq!(fingerprint(&resumed.state), fingerprint(&whole.state));
    // An NSGA-II run refuses this checkpoint as foreign.
    let (_, variation) = zdt1(5);
    assert!(matches!(
        resume(&problem, &variation, &path).err(),
        Some(EvoError::CheckpointForeign { .. })
    ));
}

/// ZDT1 whose budget on f₂ changes with the generation: `limit(g)` (issue 12's energy-budget
/// schedule, in miniature). The measured f₂ is kept in the evaluation's measures.
struct ScheduledBudget {
    inner: Zdt,
    limit: fn(u64) -> f64,
    /// Report varying constraints (false: the budget of generation 0 is fixed at evaluation).
    varying: bool,
}

impl Problem for ScheduledBudget {
    type Genome = Vec<f64>;

    fn describe(&self) -> String {
        format!("{} with a scheduled f2 budget", self.inner.describe())
    }

    fn objectives(&self) -> usize {
        2
    }

    fn random_genome(&self, rng: &mut StreamRng) -> Vec<f64> {
        self.inner.random_genome(rng)
    }

    fn evaluate(
        &self,
        genome: &Vec<f64>,
        context: &EvalContext,
    ) -> Result<Evaluation, EvaluationError> {
        let e = self.inner.evaluate(genome, context)?;
        let f2 = e.objectives[1];
        let generation = if self.varying { context.generation } else { 0 };
        let violation = (f2 - (self.limit)(generation)).max(0.0);
        Ok(Evaluation::new(e.objectives, violation).with_measures(vec![f2]))
    }

    fn constraints_vary(&self) -> bool {
        self.varying
    }

    fn violation_at(&self, evaluation: &Evaluation, generation: u64) -> f64 {
        (evaluation.measures[0] - (self.limit)(generation)).max(0.0)
    }
}

/// A generous f₂ budget of 6 for five generations, tightened linearly to 1.5 by generation 15.
fn tightening(generation: u64) -> f64 {
    let t = (generation.saturating_sub(5) as f64 / 10.0).min(1.0);
    6.0 + (1.5 - 6.0) * t
}

fn scheduled(limit: fn(u64) -> f64, varying: bool) -> (ScheduledBudget, RealVariation) {
    let (inner, variation) = zdt1(10);
    (ScheduledBudget { inner, limit, varying }, variation)
}

/// Issue 12: with a budget that tightens over the run, every generation's population is ranked
/// under that generation's budget (each violation equals `max(0, f₂ − limit(g))`, whether the
/// evaluation is new, cached or carried over), and at the end the front and the archive hold
/// only points within the final budget once a feasible one exists.
#[test]
fn varying_constraints_are_reassessed_every_generation() {
    let (problem, variation) = scheduled(tightening, true);
    let mut generations = 0;
    let mut check = |report: &dgnn_evo::GenerationReport<'_, Vec<f64>>| {
        let limit = tightening(report.summary.generation);
        for individual in report.population {
            let f2 = individual.evaluation.objectives[1];
            // The same expression as the problem's, so equal to the bit.
            let expected = (f2 - limit).max(0.0);
            assert_eq!(individual.evaluation.violation.to_bits(), expected.to_bits());
        }
        generations += 1;
    };
    let config = Nsga2Config { population: 40, generations: 30, ..Nsga2Config::default() };
    let outcome =
        nsga2(&problem, &variation, config, Seed(4)).unwrap().observer(&mut check).run().unwrap();
    assert_eq!(generations, 30);
    let front = outcome.front();
    assert!(front.iter().all(|i| i.evaluation.is_feasible()), "the run should reach the budget");
    for individual in front.iter().copied().chain(outcome.state.archive.members()) {
        assert!(individual.evaluation.objectives[1] <= 1.5);
    }
}

/// A constant budget through the varying-constraints path gives exactly the run of the same
/// budget fixed at evaluation: re-assessment changes nothing when nothing changes.
#[test]
fn a_constant_schedule_runs_as_a_fixed_constraint() {
    let run = |varying| {
        let (problem, variation) = scheduled(|_| 2.0, varying);
        let outcome =
            nsga2(&problem, &variation, small_config(15), Seed(9)).unwrap().run().unwrap();
        fingerprint(&outcome.state)
    };
    assert_eq!(run(true), run(false));
}

/// Resume bit-identity holds with varying constraints: runs stopped during and after the
/// tightening and resumed end in exactly the uninterrupted state.
#[test]
fn resumed_runs_with_varying_constraints_are_bit_identical() {
    let (problem, variation) = scheduled(tightening, true);
    let config = || Nsga2Config { population: 24, generations: 20, ..Nsga2Config::default() };
    let full = nsga2(&problem, &variation, config(), Seed(13)).unwrap().run().unwrap();
    let dir = tempfile::tempdir().unwrap();
    for stop_after in [3u64, 9, 17] {
        let path = dir.path().join(format!("stop-{stop_after}.ron"));
        let (stopped, resumed) =
            stopped_and_resumed(&problem, &variation, config(), Seed(13), stop_after, &path);
        assert_eq!(stopped.state.generation, stop_after);
        assert_eq!(
            fingerprint(&resumed.state),
            fingerprint(&full.state),
            "stop after {stop_after}"
        );
    }
}

/// ZDT1 whose f₂ rises by 1 from generation `change` on: a problem with two regimes.
struct Shifting {
    inner: Zdt,
    change: u64,
}

impl Shifting {
    fn shift(&self, generation: u64) -> f64 {
        if generation >= self.change { 1.0 } else { 0.0 }
    }
}

impl Problem for Shifting {
    type Genome = Vec<f64>;

    fn describe(&self) -> String {
        format!("{} with f2 + 1 from generation {}", self.inner.describe(), self.change)
    }

    fn objectives(&self) -> usize {
        2
    }

    fn random_genome(&self, rng: &mut StreamRng) -> Vec<f64> {
        self.inner.random_genome(rng)
    }

    fn evaluate(
        &self,
        genome: &Vec<f64>,
        context: &EvalContext,
    ) -> Result<Evaluation, EvaluationError> {
        let mut e = self.inner.evaluate(genome, context)?;
        e.objectives[1] += self.shift(context.generation);
        Ok(e)
    }

    fn regime(&self, generation: u64) -> u64 {
        u64::from(generation >= self.change)
    }
}

/// Issue 12: when the problem's regime changes (generation 8 of 16), nothing evaluated under
/// the old regime survives: every member of every later population, and every archive member
/// at the end, carries its evaluation under the new regime; the parents' re-evaluation is
/// counted; and runs stopped just before and just after the change resume bit-identically.
#[test]
fn a_regime_change_re_evaluates_the_parents_and_forgets_the_cache() {
    let (inner, variation) = zdt1(6);
    let problem = Shifting { inner, change: 8 };
    let exact = |genome: &Vec<f64>, generation: u64| {
        let e = problem.inner.evaluate(genome, &EvalContext::new(Seed(0), 0)).unwrap();
        [e.objectives[0], e.objectives[1] + problem.shift(generation)]
    };
    let mut evaluations = Vec::new();
    let mut check = |report: &dgnn_evo::GenerationReport<'_, Vec<f64>>| {
        for individual in report.population {
            let expected = exact(&individual.genome, report.summary.generation);
            assert_eq!(individual.evaluation.objectives, expected.to_vec());
        }
        evaluations.push(report.summary.evaluations);
    };
    let config = || Nsga2Config { population: 20, generations: 16, ..Nsga2Config::default() };
    let full =
        nsga2(&problem, &variation, config(), Seed(2)).unwrap().observer(&mut check).run().unwrap();
    for member in full.state.archive.members() {
        assert_eq!(member.evaluation.objectives, exact(&member.genome, 15).to_vec());
    }
    // Generation 8 evaluates its 20 re-evaluated parents and at most 20 children.
    let made = |g: usize| evaluations[g] - evaluations[g - 1];
    assert!(made(8) > 20 && made(8) <= 40, "{evaluations:?}");
    assert!(made(7) <= 20 && made(9) <= 20, "{evaluations:?}");

    let dir = tempfile::tempdir().unwrap();
    for stop_after in [8u64, 9] {
        let path = dir.path().join(format!("stop-{stop_after}.ron"));
        let (stopped, resumed) =
            stopped_and_resumed(&problem, &variation, config(), Seed(2), stop_after, &path);
        assert_eq!(stopped.state.generation, stop_after);
        assert_eq!(
            fingerprint(&resumed.state),
            fingerprint(&full.state),
            "stop after {stop_after}"
        );
    }
}
