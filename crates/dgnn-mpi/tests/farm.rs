//! The farm over ranks as threads: fronts are bit-identical to the local evaluator's for any
//! number of ranks and slots, uneven evaluation costs are balanced by demand, every rank does
//! work, and a worker that cannot set up ends the job with its rank named.

use dgnn_evo::{
    Bounds, EvalContext, Evaluation, EvaluationError, Executor, Nsga2, Nsga2Config, ParamGuard,
    Problem, RealVariation, Seed, State, StreamRng, Zdt, ZdtKind,
};
use dgnn_mpi::{Farm, MpiError, ThreadRanks, Transport, refuse, serve};
use std::time::Duration;

/// ZDT1 whose evaluations take uneven time (0 to 2 ms by the first coordinate), evaluated in
/// two stages like a multi-fidelity search: a cheap stage for all, then stage 0 for the better
/// half of the cheap estimates.
struct UnevenZdt {
    zdt: Zdt,
}

impl Problem for UnevenZdt {
    type Genome = Vec<f64>;

    fn describe(&self) -> String {
        format!("uneven {}", self.zdt.describe())
    }

    fn objectives(&self) -> usize {
        2
    }

    fn random_genome(&self, rng: &mut StreamRng) -> Vec<f64> {
        self.zdt.random_genome(rng)
    }

    fn evaluate(&self, x: &Vec<f64>, context: &EvalContext) -> Result<Evaluation, EvaluationError> {
        std::thread::sleep(Duration::from_micros((x[0] * 2000.0) as u64));
        let mut evaluation = self.zdt.evaluate(x, context)?;
        if context.stage == 1 {
            // The cheap estimate: a little worse than the truth, by a genome-dependent amount.
            evaluation.objectives[1] += 0.1 * x[1];
        }
        Ok(evaluation)
    }

    fn evaluate_batch(
        &self,
        genomes: &[&Vec<f64>],
        context: &EvalContext,
        evaluator: &dyn dgnn_evo::Evaluator<Self>,
    ) -> Vec<Result<Evaluation, EvaluationError>> {
        let mut results = evaluator.evaluate_each(self, genomes, &context.at_stage(1));
        let mut order: Vec<usize> = (0..genomes.len()).collect();
        let second = |i: usize| results[i].as_ref().map_or(f64::INFINITY, |e| e.objectives[1]);
        order.sort_by(|&a, &b| second(a).total_cmp(&second(b)).then(a.cmp(&b)));
        order.truncate(genomes.len() / 2);
        order.sort_unstable();
        let promoted: Vec<&Vec<f64>> = order.iter().map(|&i| genomes[i]).collect();
        let full = evaluator.evaluate_each(self, &promoted, context);
        for (&i, result) in order.iter().zip(full) {
            results[i] = result;
        }
        results
    }
}

fn problem() -> UnevenZdt {
    UnevenZdt { zdt: Zdt::new(ZdtKind::Zdt1, 6).unwrap() }
}

fn config() -> dgnn_evo::Valid<Nsga2Config> {
    Nsga2Config {
        population: 16,
        generations: 6,
        reference_point: Some(vec![1.1, 11.0]),
        ..Nsga2Config::default()
    }
    .check()
    .unwrap()
}

fn variation() -> RealVariation {
    RealVariation::with_defaults(Bounds::uniform(6, 0.0, 1.0).unwrap())
}

fn local_run() -> State<Vec<f64>> {
    let problem = problem();
    let variation = variation();
    let engine = Executor::new(&problem, Nsga2::new(&variation, config()), Seed(5)).unwrap();
    engine.run().unwrap().state
}

/// The run with `ranks` ranks of `slots` threads each; also returns evaluations by rank.
fn farmed_run(ranks: usize, slots: usize) -> (State<Vec<f64>>, Vec<u64>) {
    let problem = problem();
    let variation = variation();
    let mut connected = ThreadRanks::connect(ranks).into_iter();
    let root = connected.next().unwrap();
    std::thread::scope(|scope| {
        for worker in connected {
            let problem = &problem;
            scope.spawn(move || serve(&worker, problem, slots).unwrap());
        }
        let farm = Farm::start(&root, slots).unwrap();
        let engine = Executor::new(&problem, Nsga2::new(&variation, config()), Seed(5))
            .unwrap()
            .evaluator(&farm);
        let state = engine.run().unwrap().state;
        farm.shutdown().unwrap();
        let stats = farm.stats();
        assert_eq!(stats.evaluations(), stats.traffic.tasks_by_rank.iter().sum::<u64>());
        (state, stats.traffic.tasks_by_rank)
    })
}

#[test]
fn fronts_are_bit_identical_for_any_number_of_ranks_and_slots() {
    let local = local_run();
    let text = ron::to_string(&local).unwrap();
    for (ranks, slots) in [(1, 1), (2, 1), (3, 2), (4, 1)] {
        let (farmed, by_rank) = farmed_run(ranks, slots);
        // The whole state: population, archive, cache, history, bit for bit.
        assert_eq!(ron::to_string(&farmed).unwrap(), text, "{ranks} ranks × {slots} slots");
        assert_eq!(farmed, local);
        // Every evaluation of the run was farmed: the initial 16 plus 5 generations of 16
        // children, each at the cheap stage, half of each batch again at the full one (cache hits
        // are not evaluated, so at most that many).
        let total: u64 = by_rank.iter().sum();
        assert!(total > 0 && total <= 6 * (16 + 8), "{by_rank:?}");
        if ranks > 1 {
            assert!(by_rank.iter().all(|&n| n > 0), "every rank worked: {by_rank:?}");
        }
    }
}

#[test]
fn a_worker_that_cannot_set_up_is_named() {
    let mut connected = ThreadRanks::connect(3).into_iter();
    let root = connected.next().unwrap();
    let problem = problem();
    std::thread::scope(|scope| {
        let good = connected.next().unwrap();
        let bad = connected.next().unwrap();
        let problem = &problem;
        scope.spawn(move || serve(&good, problem, 1).unwrap());
        scope.spawn(move || refuse(&bad, "cannot read data.csv").unwrap());
        let error = Farm::start(&root, 1).err().expect("the farm refuses to start");
        assert!(matches!(error, MpiError::Setup { rank: 2, .. }), "{error}");
        assert!(error.to_string().contains("rank 2") && error.to_string().contains("data.csv"));
        assert_eq!(root.size(), 3);
    });
}
