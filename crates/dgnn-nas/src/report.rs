//! What a search found ([`SearchReport`]), assembled from the final state in named steps, and
//! its text summary.
//!
//! Reported figures:
//! - the front: every non-dominated genome among the final population's first front and the
//!   Pareto archive, re-measured at full fidelity (a low-fidelity estimate may have put it
//!   there), one genome per distinct point, by increasing energy; each member says whether it
//!   meets the constraints (`feasible`). Under constrained domination the front is either all
//!   feasible or, when no network met the constraints, the least-violating networks;
//! - the *most accurate* member (by validation accuracy, ties to lower energy) and the
//!   *efficient* member: the lowest-energy member whose validation accuracy is within
//!   `efficient_within` (default 1 point) of the most accurate; both with test accuracy;
//! - `energy_ratio`: the efficient member's energy over the baseline's (a plain MLP, by default
//!   30-16-2 tanh, trained and measured the same way); NaN (null in JSON) when no network met
//!   the constraints, so that no saving is ever claimed for an infeasible network;
//! - the hypervolume of the feasible front in normalised `(E/E_baseline, 1 − I/H(Y))` space
//!   against `(1, 1)`: the share of the unit square "cheaper than the baseline, knowing more
//!   than nothing" that the front dominates (1 would be a free perfect classifier).
//!
//! Energies are always the measured ones (in the search's energy unit), whatever the
//! objectives: an information-only search reports them too.

use crate::estimator::{Estimator, FinalMeasurement};
use crate::genome::DgnnGenome;
use crate::measure::Measurement;
use crate::objective::EnergyUnit;
use dgnn_evo::{Evaluation, GenerationSummary, Genome, State, constrained_fronts, hypervolume_2d};
use dgnn_glia::TrainedNetwork;
use serde::{Deserialize, Serialize};
use std::fmt::Write;

/// A member of the reported front (or the baseline).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "StoredMember")]
pub struct MemberReport {
    /// One-line description of the genome.
    pub summary: String,
    /// The genome (the architecture).
    pub genome: DgnnGenome,
    /// Objectives on the validation part (minimised).
    pub objectives: Vec<f64>,
    /// Constraint violation (0 = feasible).
    pub violation: f64,
    /// Whether the network meets every constraint.
    pub feasible: bool,
    /// Astrocytes per neuron over the whole network.
    pub glia_ratio: f64,
    /// Validation measurement (full fidelity).
    pub validation: Measurement,
    /// Test measurement.
    pub test: Measurement,
    /// Test accuracy on each context's (task's) samples; empty for single-context data.
    pub test_accuracy_by_context: Vec<f64>,
}

/// A [`MemberReport`] as stored: reports written before dgnn recorded `feasible` read it from
/// the violation.
#[derive(Deserialize)]
struct StoredMember {
    summary: String,
    genome: DgnnGenome,
    objectives: Vec<f64>,
    violation: f64,
    #[serde(default, deserialize_with = "present")]
    feasible: Option<bool>,
    glia_ratio: f64,
    validation: Measurement,
    test: Measurement,
    #[serde(default)]
    test_accuracy_by_context: Vec<f64>,
}

/// A field that is there (as written, not as `Some(…)`), for an `Option` that is `None` only
/// when the field is absent.
fn present<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

impl From<StoredMember> for MemberReport {
    fn from(s: StoredMember) -> Self {
        Self {
            feasible: s.feasible.unwrap_or(s.violation <= 0.0),
            summary: s.summary,
            genome: s.genome,
            objectives: s.objectives,
            violation: s.violation,
            glia_ratio: s.glia_ratio,
            validation: s.validation,
            test: s.test,
            test_accuracy_by_context: s.test_accuracy_by_context,
        }
    }
}

impl MemberReport {
    /// The report of a network measured as `m` and evaluated as `evaluation`.
    pub(crate) fn of(m: &FinalMeasurement, evaluation: &Evaluation) -> Self {
        Self {
            summary: m.genome.summary(),
            genome: m.genome.clone(),
            objectives: evaluation.objectives.clone(),
            violation: evaluation.violation,
            feasible: evaluation.is_feasible(),
            glia_ratio: m.genome.glia_ratio(),
            validation: m.validation.clone(),
            test: m.test.clone(),
            test_accuracy_by_context: m.test_accuracy_by_context.clone(),
        }
    }
}

/// One generation of the run as reports list it (`history.csv`, `result.json`).
///
/// dgnn-evo's [`GenerationSummary`] (what the checkpoint keeps) plus the normalised
/// hypervolume, built from it in one place ([`HistoryRecord::of`]). The two stay separate
/// types: the normalisation needs the objectives' ideal point, which only the search knows, and
/// putting it in the engine's summary would change the checkpoint format of every dgnn-evo run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryRecord {
    /// Generation (0 = initial population).
    pub generation: u64,
    /// Evaluations so far.
    pub evaluations: u64,
    /// Cache hits so far.
    pub cache_hits: u64,
    /// Size of the population's first front.
    pub front_size: usize,
    /// Size of the Pareto archive.
    pub archive_size: usize,
    /// Hypervolume of the population's feasible first front, in objective units, against the
    /// reference point.
    pub hypervolume: Option<f64>,
    /// The same divided by the volume between the objectives' ideal values and the reference
    /// point (in [0, 1]); none when an objective has no finite ideal.
    pub hypervolume_normalised: Option<f64>,
    /// Networks of the population that meet every constraint (absent in reports written
    /// before dgnn recorded it).
    #[serde(default)]
    pub feasible: Option<usize>,
}

impl HistoryRecord {
    /// The report's row for the engine's summary of a generation, the hypervolume divided by
    /// `scale` (see [`HistoryRecord::hypervolume_normalised`]) when there is one.
    #[must_use]
    pub fn of(summary: &GenerationSummary, scale: Option<f64>) -> Self {
        Self {
            generation: summary.generation,
            evaluations: summary.evaluations,
            cache_hits: summary.cache_hits,
            front_size: summary.front_size,
            archive_size: summary.archive_size,
            hypervolume: summary.hypervolume,
            hypervolume_normalised: summary.hypervolume.zip(scale).map(|(hv, s)| hv / s),
            feasible: Some(summary.feasible),
        }
    }
}

/// The data and its parts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataSummary {
    /// Name of the data set.
    pub name: String,
    /// Samples.
    pub samples: usize,
    /// Features.
    pub features: usize,
    /// Class names.
    pub classes: Vec<String>,
    /// Samples in the training, validation, test and low-fidelity parts.
    pub parts: [usize; 4],
    /// The data fingerprint (hex).
    pub fingerprint: String,
    /// Contexts (tasks) the networks serve (1 for single-task data; absent in older reports).
    #[serde(default = "one_context")]
    pub contexts: usize,
}

fn one_context() -> usize {
    1
}

impl DataSummary {
    /// The data an estimator splits.
    #[must_use]
    pub fn of(estimator: &Estimator) -> Self {
        let splits = estimator.splits();
        Self {
            name: splits.train.name().into(),
            samples: splits.train.len() + splits.validation.len() + splits.test.len(),
            features: splits.train.n_features(),
            classes: splits.train.class_names().to_vec(),
            parts: [
                splits.train.len(),
                splits.validation.len(),
                splits.test.len(),
                splits.low_fidelity.len(),
            ],
            fingerprint: format!("{:016x}", estimator.data_fingerprint()),
            contexts: estimator.contexts(),
        }
    }
}

/// What a search found (module docs); the machine-readable core of a run folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchReport {
    /// The data.
    pub data: DataSummary,
    /// Objective names, in order.
    pub objective_names: Vec<String>,
    /// The hypervolume reference point (from the baseline).
    pub reference_point: Vec<f64>,
    /// The energy model's name.
    pub energy_model: String,
    /// The unit of the reported energies (and of the energy objective, if any).
    pub energy_unit: EnergyUnit,
    /// Generations completed.
    pub generations: u64,
    /// Evaluations made (cache hits excluded).
    pub evaluations: u64,
    /// Evaluations answered by the cache.
    pub cache_hits: u64,
    /// The baseline plain MLP.
    pub baseline: MemberReport,
    /// The front, by increasing energy.
    pub front: Vec<MemberReport>,
    /// One record per generation.
    pub history: Vec<HistoryRecord>,
    /// Hypervolume of the feasible front in normalised `(E/E_baseline, 1 − I/H)` space against
    /// (1, 1).
    pub hypervolume_normalised: f64,
    /// Index into `front` of the most accurate member.
    pub most_accurate: usize,
    /// Index into `front` of the efficient member.
    pub efficient: usize,
    /// Energy of the efficient member over the baseline's (NaN when no network met the
    /// constraints; JSON writes it as null, which reads back as NaN).
    #[serde(deserialize_with = "nan_if_null")]
    pub energy_ratio: f64,
}

/// Reads a number that JSON may have written as null (a NaN); RON writes NaN itself.
fn nan_if_null<'de, D: serde::Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum NumberOrNull {
        Number(f64),
        Null(()),
    }
    Ok(match NumberOrNull::deserialize(d)? {
        NumberOrNull::Number(x) => x,
        NumberOrNull::Null(()) => f64::NAN,
    })
}

/// A report with the trained networks of the front and of the baseline.
#[derive(Debug, Clone)]
pub struct SearchResult {
    /// The figures.
    pub report: SearchReport,
    /// The trained front members, in the order of `report.front`.
    pub models: Vec<TrainedNetwork>,
    /// The trained baseline.
    pub baseline_model: TrainedNetwork,
}

/// A network measured at the end of a search, with its evaluation under the search's
/// objectives and constraints.
pub(crate) struct Scored {
    pub(crate) measured: FinalMeasurement,
    pub(crate) evaluation: Evaluation,
}

impl Scored {
    fn energy(&self, unit: EnergyUnit) -> f64 {
        self.measured.validation.energy_in(unit)
    }
}

/// The genomes to re-measure at the end of a run: the Pareto archive's, then the final
/// population's first front, each distinct genome once.
pub(crate) fn final_candidates(state: &State<DgnnGenome>) -> Vec<DgnnGenome> {
    let mut candidates: Vec<DgnnGenome> = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    let from_front = state.front().into_iter().map(|i| &i.genome);
    for genome in state.archive.members().iter().map(|i| &i.genome).chain(from_front) {
        if seen.insert(genome.key()) {
            candidates.push(genome.clone());
        }
    }
    candidates
}

/// The first constrained front of the re-measured candidates, by increasing energy (ties by
/// genome key), one network per distinct evaluation: genomes that build different but equally
/// good networks (a phase layer without gating, say) share one point, and the first is kept,
/// as the archive does.
pub(crate) fn final_front(scored: Vec<Scored>, unit: EnergyUnit) -> Vec<Scored> {
    let evaluations: Vec<&Evaluation> = scored.iter().map(|s| &s.evaluation).collect();
    let first: std::collections::BTreeSet<usize> = constrained_fronts(&evaluations)
        .into_iter()
        .next()
        .unwrap_or_default()
        .into_iter()
        .collect();
    let mut front: Vec<Scored> =
        scored.into_iter().enumerate().filter(|(i, _)| first.contains(i)).map(|(_, s)| s).collect();
    front.sort_by(|a, b| {
        a.energy(unit)
            .total_cmp(&b.energy(unit))
            .then(a.measured.genome.key().cmp(&b.measured.genome.key()))
    });
    front.dedup_by(|b, a| a.evaluation == b.evaluation);
    front
}

/// The members a report points out (module docs).
pub(crate) struct Highlights {
    /// The most accurate member on the validation part (ties to the lower index, that is the
    /// lower energy).
    pub(crate) most_accurate: usize,
    /// The lowest-energy member within `within` of the most accurate's validation accuracy.
    pub(crate) efficient: usize,
}

impl Highlights {
    /// The highlights of a front sorted by increasing energy (0 and 0 for an empty front).
    pub(crate) fn of(front: &[Scored], unit: EnergyUnit, within: f64) -> Self {
        let accuracy = |i: usize| front[i].measured.validation.accuracy;
        let most_accurate = (0..front.len())
            .min_by(|&a, &b| accuracy(b).total_cmp(&accuracy(a)).then(a.cmp(&b)))
            .unwrap_or(0);
        let best = front.get(most_accurate).map_or(0.0, |m| m.measured.validation.accuracy);
        let efficient = (0..front.len())
            .filter(|&i| accuracy(i) >= best - within - 1e-12)
            .min_by(|&a, &b| {
                front[a].energy(unit).total_cmp(&front[b].energy(unit)).then(a.cmp(&b))
            })
            .unwrap_or(0);
        Self { most_accurate, efficient }
    }
}

/// The hypervolume of the front's feasible members in normalised `(E/E_baseline, 1 − I/H(Y))`
/// space against (1, 1) (module docs).
pub(crate) fn normalised_hypervolume(front: &[Scored], baseline: &Measurement) -> f64 {
    let feasible = front.iter().filter(|s| s.evaluation.is_feasible());
    hypervolume_of(feasible.map(|s| &s.measured.validation), baseline)
}

/// The hypervolume of `measurements` in normalised `(E/E_baseline, 1 − I/H(Y))` space against
/// (1, 1).
fn hypervolume_of<'m>(
    measurements: impl Iterator<Item = &'m Measurement>,
    baseline: &Measurement,
) -> f64 {
    let points: Vec<[f64; 2]> = measurements
        .map(|m| {
            [
                m.energy_joules / baseline.energy_joules,
                1.0 - m.information_bits / m.label_entropy_bits.max(f64::MIN_POSITIVE),
            ]
        })
        .collect();
    hypervolume_2d(&points, [1.0, 1.0])
}

/// The energy of the efficient member over the baseline's; NaN for an empty or infeasible
/// front (module docs).
pub(crate) fn energy_ratio(front: &[Scored], efficient: usize, baseline: &Measurement) -> f64 {
    front
        .get(efficient)
        .filter(|s| s.evaluation.is_feasible())
        .map_or(f64::NAN, |s| s.measured.validation.energy_joules / baseline.energy_joules)
}

/// `, N contexts` for data with several contexts (tasks), empty for one.
#[must_use]
pub fn contexts_note(contexts: usize) -> String {
    if contexts > 1 { format!(", {contexts} contexts") } else { String::new() }
}

/// ` · by context A / B …` for a member of a multitask search, empty otherwise.
fn by_context(m: &MemberReport) -> String {
    if m.test_accuracy_by_context.is_empty() {
        return String::new();
    }
    let each: Vec<String> = m.test_accuracy_by_context.iter().map(|a| format!("{a:.4}")).collect();
    format!(" · by context {}", each.join(" / "))
}

impl SearchReport {
    /// [`SearchReport::hypervolume_normalised`] measured on the held-out test part: the feasible
    /// members' test energy over the baseline's test energy, and their test `1 − I/H(Y)`. Fronts
    /// of different searches on the same data compare by it without the validation part's
    /// selection bias (every search chose its front on validation).
    #[must_use]
    pub fn test_hypervolume_normalised(&self) -> f64 {
        let feasible = self.front.iter().filter(|m| m.feasible);
        hypervolume_of(feasible.map(|m| &m.test), &self.baseline.test)
    }

    /// Whether the front meets the constraints (it is then feasible throughout; otherwise it
    /// holds the least-violating networks).
    #[must_use]
    pub fn constraints_met(&self) -> bool {
        !self.front.is_empty() && self.front.iter().all(|m| m.feasible)
    }

    /// The measured energy of a member, in the report's unit.
    #[must_use]
    pub fn energy_of(&self, m: &MemberReport) -> f64 {
        m.validation.energy_in(self.energy_unit)
    }

    /// The unit's symbol (`ATP` or `J`).
    #[must_use]
    pub fn unit_symbol(&self) -> &'static str {
        self.energy_unit.symbol()
    }

    /// The text summary (what `dgnn search` prints and writes as `summary.txt`): the data, the
    /// work done, the front against the baseline, and the most accurate and efficient networks
    /// — or, when no network met the constraints, the least-violating ones and no saving.
    #[must_use]
    pub fn summary(&self) -> String {
        let mut s = String::new();
        self.write_header(&mut s);
        let met = self.constraints_met();
        if met {
            self.write_front_line(&mut s);
        } else {
            let _ = writeln!(s, "no network met the constraints; the least-violating ones are:");
        }
        self.write_table(&mut s, !met);
        if met {
            self.write_highlights(&mut s);
        }
        s
    }

    fn write_header(&self, s: &mut String) {
        let [train, validation, test, low] = self.data.parts;
        let contexts = contexts_note(self.data.contexts);
        let _ = writeln!(
            s,
            "dgnn search on {} ({} samples × {} features, {} classes{contexts}; train {train} / \
             validation {validation} / test {test}, low-fidelity subset {low})",
            self.data.name,
            self.data.samples,
            self.data.features,
            self.data.classes.len()
        );
        let _ = writeln!(
            s,
            "{} evaluations in {} generations ({} answered by the cache); energy model {}",
            self.evaluations, self.generations, self.cache_hits, self.energy_model
        );
    }

    fn write_front_line(&self, s: &mut String) {
        let energies = self.front.iter().map(|m| self.energy_of(m));
        let (lo, hi) =
            energies.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), e| (a.min(e), b.max(e)));
        let _ = writeln!(
            s,
            "front: {} networks, {lo:.3e} to {hi:.3e} {} per inference (max/min {:.2}); \
             normalised hypervolume {:.4}",
            self.front.len(),
            self.unit_symbol(),
            hi / lo,
            self.hypervolume_normalised
        );
    }

    /// The table of the front and the baseline, with the violation when `violations`.
    fn write_table(&self, s: &mut String, violations: bool) {
        let unit = self.unit_symbol();
        let violation_head = if violations { "  violation" } else { "" };
        let _ = writeln!(
            s,
            "\n  #  energy ({unit})  I (bit)  val acc  test acc  glia:neuron{violation_head}  network"
        );
        let violation = |m: &MemberReport| {
            if violations { format!("  {:>9.4}", m.violation) } else { String::new() }
        };
        for (i, m) in self.front.iter().enumerate() {
            let _ = writeln!(
                s,
                "{i:>3}  {:>12.4e}  {:>7.4}  {:>7.4}  {:>8.4}  {:>11.2}{}  {}",
                self.energy_of(m),
                m.validation.information_bits,
                m.validation.accuracy,
                m.test.accuracy,
                m.glia_ratio,
                violation(m),
                m.summary
            );
        }
        let b = &self.baseline;
        let _ = writeln!(
            s,
            "  -  {:>12.4e}  {:>7.4}  {:>7.4}  {:>8.4}  {:>11.2}{}  baseline MLP: {}\n",
            self.energy_of(b),
            b.validation.information_bits,
            b.validation.accuracy,
            b.test.accuracy,
            b.glia_ratio,
            violation(b),
            b.summary
        );
    }

    fn write_highlights(&self, s: &mut String) {
        let (Some(best), Some(eff)) =
            (self.front.get(self.most_accurate), self.front.get(self.efficient))
        else {
            return;
        };
        let _ = writeln!(
            s,
            "most accurate (#{}): test accuracy {:.4} (validation {:.4}){}",
            self.most_accurate,
            best.test.accuracy,
            best.validation.accuracy,
            by_context(best)
        );
        // A front may hold no network cheaper than the baseline (a tiny baseline MLP on iris):
        // then say how much more, not "0.5× less".
        let saving = if self.energy_ratio <= 1.0 {
            format!("{:.1}× less", 1.0 / self.energy_ratio)
        } else {
            format!("{:.1}× more", self.energy_ratio)
        };
        let _ = writeln!(
            s,
            "efficient (#{}, lowest energy within 1 point): test accuracy {:.4} at {:.3} × the \
             baseline's energy ({saving})",
            self.efficient, eff.test.accuracy, self.energy_ratio,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dgnn_glia::Architecture;

    /// A member of `energy_atp` ATP at `accuracy`, with `violation`.
    fn member(energy_atp: f64, accuracy: f64, violation: f64) -> MemberReport {
        let mut validation = Measurement::for_tests(1.0, 0.5, accuracy);
        validation.energy_atp = energy_atp;
        let genome = DgnnGenome(Architecture::plain(&[2]));
        MemberReport {
            summary: genome.summary(),
            genome,
            objectives: vec![energy_atp, 0.5],
            violation,
            feasible: violation <= 0.0,
            glia_ratio: 1.0,
            test: validation.clone(),
            validation,
            test_accuracy_by_context: Vec::new(),
        }
    }

    fn report(front: Vec<MemberReport>, energy_ratio: f64) -> SearchReport {
        SearchReport {
            data: DataSummary {
                name: "toy".into(),
                samples: 100,
                features: 2,
                classes: vec!["a".into(), "b".into()],
                parts: [60, 20, 20, 30],
                fingerprint: "0".into(),
                contexts: 1,
            },
            objective_names: vec!["energy_atp".into(), "information_loss_bits".into()],
            reference_point: vec![8e9, 1.0],
            energy_model: "biological".into(),
            energy_unit: EnergyUnit::Atp,
            generations: 2,
            evaluations: 12,
            cache_hits: 0,
            baseline: member(8e9, 0.9, 0.0),
            front,
            history: Vec::new(),
            hypervolume_normalised: 0.5,
            most_accurate: 1,
            efficient: 0,
            energy_ratio,
        }
    }

    #[test]
    fn the_summary_claims_a_saving_only_for_feasible_fronts() {
        // Feasible: the efficient member at 0.05 × the baseline's energy is 20× less.
        let text = report(vec![member(4e8, 0.90, 0.0), member(5e8, 0.95, 0.0)], 0.05).summary();
        assert!(text.contains("front: 2 networks, 4.000e8 to 5.000e8 ATP"), "{text}");
        assert!(text.contains("at 0.050 × the baseline's energy (20.0× less)"), "{text}");
        // A member dearer than the baseline is said to cost more, not "0.5× less".
        let text = report(vec![member(4e8, 0.90, 0.0), member(5e8, 0.95, 0.0)], 1.971).summary();
        assert!(text.contains("at 1.971 × the baseline's energy (2.0× more)"), "{text}");
        assert!(!text.contains("violation"), "{text}");
        // Infeasible: the least-violating networks with their violations, no highlights.
        let text = report(vec![member(4e8, 0.9, 3.0)], f64::NAN).summary();
        assert!(text.contains("no network met the constraints; the least-violating ones are:"));
        assert!(text.contains("   3.0000  2 tanh"), "{text}");
        assert!(!text.contains("efficient") && !text.contains("most accurate"), "{text}");
    }

    #[test]
    fn the_test_hypervolume_counts_feasible_members_on_the_test_part() {
        // Baseline test energy 8.3e-11 J. Member A: test energy 0.25 × it, 1 − I/H = 0.5 (0.5
        // of 1 bit); member B: 0.5 ×, 1 − 0.75 = 0.25. Their union against (1, 1): 0.75·0.5 +
        // 0.5·(0.5 − 0.25) = 0.5. An infeasible member dominating both adds nothing.
        let baseline_joules = Measurement::for_tests(1.0, 0.5, 0.9).energy_joules;
        let on_test = |energy_share: f64, information: f64, violation: f64| {
            let mut m = member(4e8, 0.9, violation);
            m.test = Measurement::for_tests(1.0, information, 0.9);
            m.test.energy_joules = energy_share * baseline_joules;
            m
        };
        let front = vec![on_test(0.25, 0.5, 0.0), on_test(0.5, 0.75, 0.0), on_test(0.1, 0.9, 1.0)];
        let hv = report(front, 0.05).test_hypervolume_normalised();
        assert!((hv - 0.5).abs() < 1e-12, "{hv}");
        // The validation figures do not enter: only the test part's.
        assert!(report(Vec::new(), f64::NAN).test_hypervolume_normalised() == 0.0);
    }

    #[test]
    fn reports_read_back_with_their_feasibility_and_a_missing_ratio() {
        let infeasible = report(vec![member(4e8, 0.9, 3.0)], f64::NAN);
        let text = ron::to_string(&infeasible).unwrap();
        let read: SearchReport = ron::from_str(&text).unwrap();
        assert!(read.energy_ratio.is_nan());
        assert!(!read.front[0].feasible && !read.constraints_met());
        // A report written before `feasible` existed takes it from the violation.
        let old = text.replace("feasible:false,", "").replace("feasible:true,", "");
        let read: SearchReport = ron::from_str(&old).unwrap();
        assert!(!read.front[0].feasible && read.baseline.feasible);
    }
}
