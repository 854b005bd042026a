//! The experiment machinery on a toy experiment whose answer is known: a biased coin against a
//! fair one. Checks the folder, the report's structure, that the verdict follows the declared
//! rule, thread-count independence, stop and resume, and refusals before any file exists.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use dgnn_core::Seed;
use dgnn_lab::rule::{Condition, QuantitySpec, Side};
use dgnn_lab::stats::bootstrap::{bootstrap_interval, mean_at};
use dgnn_lab::{
    Analysis, Common, DecisionRule, Experiment, ExperimentInfo, LabError, NoProgress, Progress,
    RunEnd, Table, run,
};
use rand::RngExt;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct CoinConfig {
    common: Common,
    flips: usize,
    bias: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct CoinItem {
    seed: u64,
    biased: bool,
}

struct Coins;

const QUANTITIES: &[QuantitySpec] =
    &[QuantitySpec { name: "excess_heads", meaning: "biased minus fair share of heads" }];

impl Experiment for Coins {
    type Config = CoinConfig;
    type Item = CoinItem;
    type Outcome = f64;

    fn info(&self) -> ExperimentInfo {
        ExperimentInfo { name: "coins", question: "Does the biased coin land heads more often?" }
    }
    fn quantities(&self) -> &'static [QuantitySpec] {
        QUANTITIES
    }
    fn default_config(&self) -> CoinConfig {
        let rule = DecisionRule {
            claim: "the biased coin lands heads more often".into(),
            conditions: vec![Condition {
                quantity: "excess_heads".into(),
                holds_if: Side::Above(0.0),
            }],
        };
        CoinConfig { common: Common::new((1..=6).collect(), vec![rule]), flips: 400, bias: 0.6 }
    }
    fn quick_config(&self) -> CoinConfig {
        self.default_config()
    }
    fn example(&self) -> String {
        String::new()
    }
    fn common<'c>(&self, config: &'c CoinConfig) -> &'c Common {
        &config.common
    }
    fn common_mut<'c>(&self, config: &'c mut CoinConfig) -> &'c mut Common {
        &mut config.common
    }
    fn check(&self, config: &CoinConfig) -> Result<(), LabError> {
        dgnn_core::error::in_range("bias", config.bias, 0.0, 1.0)?;
        Ok(())
    }
    fn design(&self, _: &CoinConfig) -> String {
        "Two arms, a fair and a biased coin, on the same seeds.".into()
    }
    fn items(&self, config: &CoinConfig) -> Vec<CoinItem> {
        config
            .common
            .seeds
            .iter()
            .flat_map(|&seed| [false, true].map(|biased| CoinItem { seed, biased }))
            .collect()
    }
    fn run_item(&self, config: &CoinConfig, item: &CoinItem) -> Result<f64, LabError> {
        let mut rng = Seed(item.seed).stream("coin", &[u64::from(item.biased)]);
        let p = if item.biased { config.bias } else { 0.5 };
        let heads = (0..config.flips).filter(|_| rng.random_bool(p)).count();
        Ok(heads as f64 / config.flips as f64)
    }
    fn row(&self, item: &CoinItem, outcome: &f64) -> Vec<(String, String)> {
        vec![
            ("seed".into(), item.seed.to_string()),
            ("arm".into(), if item.biased { "biased" } else { "fair" }.into()),
            ("heads".into(), outcome.to_string()),
        ]
    }
    fn analyse(
        &self,
        config: &CoinConfig,
        results: &[(CoinItem, f64)],
    ) -> Result<Analysis, LabError> {
        let excess: Vec<f64> = results.chunks(2).map(|pair| pair[1].1 - pair[0].1).collect();
        let interval = bootstrap_interval(
            excess.len(),
            |idx| mean_at(&excess, idx),
            &config.common.bootstrap,
            Seed(0),
            &[0],
        )?;
        Ok(Analysis {
            estimates: BTreeMap::from([("excess_heads".into(), interval)]),
            answer: format!("the biased coin gives {:.3} more heads", interval.estimate),
            tables: vec![Table {
                title: "per seed".into(),
                header: vec!["seed".into(), "excess".into()],
                rows: excess.iter().map(|e| vec!["-".into(), e.to_string()]).collect(),
            }],
            ..Analysis::default()
        })
    }
}

fn read(path: &std::path::Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

/// `result.json` without the wall time, which is the only field allowed to differ.
fn figures(dir: &std::path::Path) -> serde_json::Value {
    let mut value: serde_json::Value =
        serde_json::from_str(&read(&dir.join("result.json"))).unwrap();
    value["figures"]["item_seconds"] = serde_json::Value::Null;
    value
}

#[test]
fn a_run_writes_a_report_whose_verdict_follows_the_rule() {
    let dir = tempfile::tempdir().unwrap();
    let stop = AtomicBool::new(false);
    let config = Coins.default_config();
    let end =
        run(&Coins, Some(config.clone()), dir.path(), "test", &NoProgress, &stop, None).unwrap();
    let RunEnd::Finished(finished) = end else { panic!("the run did not finish") };
    let interval = finished.estimates["excess_heads"];
    assert!(interval.contains(interval.estimate));
    // The verdict is the rule's reading of the interval, recomputed here by hand.
    let expected = if interval.low > 0.0 {
        "supported"
    } else if interval.high < 0.0 {
        "not supported"
    } else {
        "inconclusive"
    };
    assert_eq!(finished.decisions[0].verdict.to_string(), expected);
    let report = read(&dir.path().join("report.md"));
    for section in ["## Question and design", "## Decision rules", "## Results", "## Verdicts"] {
        assert!(report.contains(section), "report.md lacks {section}");
    }
    assert!(report.contains(&format!("**the biased coin lands heads more often: {expected}.**")));
    let csv = read(&dir.path().join("results.csv"));
    assert_eq!(csv.lines().count(), 1 + 12);
    assert!(csv.starts_with("seed,arm,heads\n"));
    let saved: CoinConfig = ron::from_str(&read(&dir.path().join("config.ron"))).unwrap();
    assert_eq!(saved, config);
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let mut runs = Vec::new();
    for threads in [1, 3] {
        let dir = tempfile::tempdir().unwrap();
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        let stop = AtomicBool::new(false);
        pool.install(|| {
            run(&Coins, Some(Coins.default_config()), dir.path(), "t", &NoProgress, &stop, None)
        })
        .unwrap();
        runs.push((figures(dir.path()), read(&dir.path().join("results.csv"))));
    }
    assert_eq!(runs[0], runs[1]);
}

/// Runs each pending item on a thread of its own, the last item first, as a runner over other
/// processes would (in any order, anywhere); outcomes come back as text.
struct Elsewhere;

impl dgnn_lab::ItemRunner for Elsewhere {
    fn run_items(
        &self,
        pending: &[usize],
        work: &dgnn_lab::ItemWork<'_>,
        done: &dgnn_lab::ItemDone<'_>,
        stop: &AtomicBool,
    ) -> Result<(), LabError> {
        std::thread::scope(|scope| {
            for &index in pending.iter().rev() {
                if !stop.load(Ordering::SeqCst) {
                    scope.spawn(move || done(index, work(index)));
                }
            }
        });
        Ok(())
    }
}

#[test]
fn results_do_not_depend_on_where_the_items_run() {
    let mut runs = Vec::new();
    for runner in [None, Some(&Elsewhere as &dyn dgnn_lab::ItemRunner)] {
        let dir = tempfile::tempdir().unwrap();
        let stop = AtomicBool::new(false);
        run(&Coins, Some(Coins.default_config()), dir.path(), "t", &NoProgress, &stop, runner)
            .unwrap();
        runs.push((figures(dir.path()), read(&dir.path().join("results.csv"))));
    }
    assert_eq!(runs[0], runs[1]);
}

/// Raises the stop flag after a number of finished items, as Ctrl-C would.
struct StopAfter<'a> {
    flag: &'a AtomicBool,
    after: usize,
    done: AtomicUsize,
}

impl Progress for StopAfter<'_> {
    fn start(&self, _: u64, _: &str) {}
    fn advance(&self, amount: u64) {
        let done = self.done.fetch_add(amount as usize, Ordering::SeqCst) + amount as usize;
        if done >= self.after {
            self.flag.store(true, Ordering::SeqCst);
        }
    }
    fn message(&self, _: &str) {}
    fn finish(&self) {}
}

#[test]
fn a_stopped_run_resumes_to_the_same_result() {
    let whole = tempfile::tempdir().unwrap();
    let never = AtomicBool::new(false);
    run(&Coins, Some(Coins.default_config()), whole.path(), "t", &NoProgress, &never, None)
        .unwrap();

    let dir = tempfile::tempdir().unwrap();
    let stop = AtomicBool::new(false);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let progress = StopAfter { flag: &stop, after: 5, done: AtomicUsize::new(0) };
    let end = pool
        .install(|| {
            run(&Coins, Some(Coins.default_config()), dir.path(), "t", &progress, &stop, None)
        })
        .unwrap();
    assert_eq!(end, RunEnd::Stopped { done: 5, total: 12 });
    assert!(!dir.path().join("report.md").exists());

    let resumed = AtomicBool::new(false);
    let end = run(&Coins, None, dir.path(), "t", &NoProgress, &resumed, None).unwrap();
    let RunEnd::Finished(finished) = end else { panic!("the resumed run did not finish") };
    assert_eq!(finished.resumed_items, 5);
    let mut a = figures(whole.path());
    let mut b = figures(dir.path());
    a["figures"]["resumed_items"] = serde_json::Value::Null;
    b["figures"]["resumed_items"] = serde_json::Value::Null;
    assert_eq!(a, b);
    assert_eq!(read(&whole.path().join("results.csv")), read(&dir.path().join("results.csv")));
}

#[test]
fn bad_configs_are_refused_before_any_file_is_written() {
    let stop = AtomicBool::new(false);
    let mut one_seed = Coins.default_config();
    one_seed.common.seeds = vec![7];
    let mut unknown = Coins.default_config();
    unknown.common.rules[0].conditions[0].quantity = "excess_tails".into();
    let mut no_claim = Coins.default_config();
    no_claim.common.rules.clear();
    let mut repeated = Coins.default_config();
    repeated.common.seeds = vec![1, 1, 2];
    let mut bad_bias = Coins.default_config();
    bad_bias.bias = 1.5;
    for (config, needle) in [
        (one_seed, "at least 2 seeds"),
        (unknown, "unknown quantity `excess_tails`"),
        (repeated, "distinct"),
        (no_claim, "at least one claim"),
        (bad_bias, "bias"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let err = run(&Coins, Some(config), dir.path(), "t", &NoProgress, &stop, None).unwrap_err();
        assert!(err.to_string().contains(needle), "{err}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "files written for {needle}");
    }
}
