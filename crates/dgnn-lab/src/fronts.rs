//! What experiments read off a search's front: members reduced to the figures the analyses
//! compare, and the selections every analysis makes the same way (the most accurate member,
//! the cheapest member within a margin of an accuracy, the knee of the energy–information
//! trade-off).
//!
//! Selections use validation accuracy only (the test part is for reporting, never for choosing),
//! as the search itself does.

use serde::{Deserialize, Serialize};

/// One network of a front (or a baseline), reduced to the figures experiments compare.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Member {
    /// Energy per inference under the search's energy model, joules.
    pub energy_joules: f64,
    /// Validation accuracy (full fidelity).
    pub validation_accuracy: f64,
    /// Test accuracy.
    pub test_accuracy: f64,
    /// Validation information `I(Y; Ŷ)`, bits.
    pub information_bits: f64,
    /// Whether it met the search's constraints.
    pub feasible: bool,
    /// Hidden neurons.
    pub neurons: usize,
    /// Astrocytes per neuron over the network.
    pub glia_ratio: f64,
    /// Test accuracy per context (task); empty for single-task data.
    pub test_accuracy_by_context: Vec<f64>,
    /// `log₂` of the number of attractors of the phase layer (0 without one).
    pub attractors_log2: f64,
    /// The phase layer's `b/a` (NaN without a phase layer).
    pub phase_b_over_a: f64,
    /// One-line description of the network.
    pub summary: String,
}

/// The index of the most accurate member by validation accuracy, ties to the lower energy;
/// `None` for an empty front.
#[must_use]
pub fn most_accurate(front: &[Member]) -> Option<usize> {
    (0..front.len()).min_by(|&a, &b| {
        front[b]
            .validation_accuracy
            .total_cmp(&front[a].validation_accuracy)
            .then(front[a].energy_joules.total_cmp(&front[b].energy_joules))
            .then(a.cmp(&b))
    })
}

/// The index of the lowest-energy member whose validation accuracy is at least
/// `accuracy − margin` (a small tolerance absorbs the rounding of `k/n` accuracies); `None` when
/// no member reaches it.
#[must_use]
pub fn cheapest_within(front: &[Member], accuracy: f64, margin: f64) -> Option<usize> {
    (0..front.len())
        .filter(|&i| front[i].validation_accuracy >= accuracy - margin - 1e-12)
        .min_by(|&a, &b| front[a].energy_joules.total_cmp(&front[b].energy_joules).then(a.cmp(&b)))
}

/// The index of the most accurate member (by validation accuracy, ties to the lower energy)
/// among those spending at most `max_energy_joules`; `None` when no member is that cheap.
#[must_use]
pub fn most_accurate_within_energy(front: &[Member], max_energy_joules: f64) -> Option<usize> {
    most_accurate_among(front, |m| m.energy_joules <= max_energy_joules)
}

/// The index of the most accurate member of those `keep` accepts ([`most_accurate`]).
fn most_accurate_among(front: &[Member], keep: impl Fn(&Member) -> bool) -> Option<usize> {
    let kept: Vec<usize> = (0..front.len()).filter(|&i| keep(&front[i])).collect();
    let chosen: Vec<Member> = kept.iter().map(|&i| front[i].clone()).collect();
    most_accurate(&chosen).map(|k| kept[k])
}

/// The index of the most accurate feasible member; `None` when none is feasible.
#[must_use]
pub fn most_accurate_feasible(front: &[Member]) -> Option<usize> {
    most_accurate_among(front, |m| m.feasible)
}

/// The trade-off along a front: information gained per doubling of energy, and the knee.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TradeOff {
    /// Least-squares slope of information (bits) on log₂ energy over the whole front: bits
    /// gained per doubling of energy.
    pub bits_per_doubling: f64,
    /// The knee's energy over the cheapest member's (≥ 1).
    pub knee_energy_factor: f64,
    /// Bits per doubling from the cheapest member to the knee.
    pub bits_per_doubling_below_knee: f64,
    /// Bits per doubling from the knee to the most energetic member (NaN if the knee is last).
    pub bits_per_doubling_above_knee: f64,
}

/// The trade-off of a front with at least two distinct energies; `None` otherwise.
///
/// The knee is the member farthest above the chord from the cheapest to the most energetic
/// member in the unit square of (log₂ E, I), each axis scaled to [0, 1] (the "kneedle" rule of
/// Satopää et al. 2011): beyond it, doubling the energy buys less information than on average.
#[must_use]
pub fn trade_off(front: &[Member]) -> Option<TradeOff> {
    let mut points: Vec<(f64, f64)> =
        front.iter().map(|m| (m.energy_joules.log2(), m.information_bits)).collect();
    points.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let (first, last) = (*points.first()?, *points.last()?);
    if last.0.partial_cmp(&first.0) != Some(std::cmp::Ordering::Greater) {
        return None;
    }
    let bits_per_doubling = least_squares_slope(&points);
    let span_i = (last.1 - first.1).abs().max(f64::MIN_POSITIVE);
    let scaled = |p: (f64, f64)| ((p.0 - first.0) / (last.0 - first.0), (p.1 - first.1) / span_i);
    let (end_x, end_y) = scaled(last);
    let knee = (0..points.len())
        .max_by(|&a, &b| {
            let height = |i: usize| {
                let (x, y) = scaled(points[i]);
                y - end_y * x / end_x
            };
            height(a).total_cmp(&height(b)).then(b.cmp(&a))
        })
        .unwrap_or(0);
    let slope = |a: (f64, f64), b: (f64, f64)| {
        if b.0 > a.0 { (b.1 - a.1) / (b.0 - a.0) } else { f64::NAN }
    };
    Some(TradeOff {
        bits_per_doubling,
        knee_energy_factor: (points[knee].0 - first.0).exp2(),
        bits_per_doubling_below_knee: slope(first, points[knee]),
        bits_per_doubling_above_knee: slope(points[knee], last),
    })
}

/// The least-squares slope of y on x.
fn least_squares_slope(points: &[(f64, f64)]) -> f64 {
    let n = points.len() as f64;
    let mx = points.iter().map(|p| p.0).sum::<f64>() / n;
    let my = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let sxx: f64 = points.iter().map(|p| (p.0 - mx) * (p.0 - mx)).sum();
    sxy / sxx
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(energy: f64, validation: f64, bits: f64) -> Member {
        Member {
            energy_joules: energy,
            validation_accuracy: validation,
            test_accuracy: validation,
            information_bits: bits,
            feasible: true,
            neurons: 1,
            glia_ratio: 1.0,
            test_accuracy_by_context: Vec::new(),
            attractors_log2: 0.0,
            phase_b_over_a: f64::NAN,
            summary: String::new(),
        }
    }

    #[test]
    fn the_most_accurate_within_an_energy_reads_the_cheap_members_only() {
        // Members at 0.1 J (validation 0.8), 0.2 J (0.9) and 0.5 J (0.95): the most accurate is
        // the 0.5 J one; within 0.25 J the 0.2 J one; within 0.05 J none.
        let front = [member(0.1, 0.8, 1.0), member(0.2, 0.9, 1.0), member(0.5, 0.95, 1.0)];
        assert_eq!(most_accurate(&front), Some(2));
        assert_eq!(most_accurate_within_energy(&front, 0.25), Some(1));
        assert_eq!(most_accurate_within_energy(&front, 0.5), Some(2));
        assert_eq!(most_accurate_within_energy(&front, 0.05), None);
    }

    #[test]
    fn selections_follow_validation_accuracy_and_energy() {
        let front = [member(1.0, 0.90, 0.5), member(2.0, 0.95, 0.8), member(8.0, 0.955, 0.9)];
        assert_eq!(most_accurate(&front), Some(2));
        // Within one point of 0.955: members 1 and 2; the cheaper is 1.
        assert_eq!(cheapest_within(&front, 0.955, 0.01), Some(1));
        assert_eq!(cheapest_within(&front, 0.99, 0.01), None);
        let mut infeasible = front.clone();
        infeasible[2].feasible = false;
        assert_eq!(most_accurate_feasible(&infeasible), Some(1));
    }

    /// A front whose information rises 1 bit per doubling up to 4× the cheapest energy and is
    /// flat after it: the knee is at 4×, with slopes 1 below and 0 above.
    #[test]
    fn trade_off_finds_the_knee_of_a_broken_line() {
        let front: Vec<Member> = [1.0, 2.0, 4.0, 8.0, 16.0]
            .iter()
            .map(|&e: &f64| member(e, 0.9, e.log2().min(2.0)))
            .collect();
        let t = trade_off(&front).unwrap();
        assert!((t.knee_energy_factor - 4.0).abs() < 1e-12, "{t:?}");
        assert!((t.bits_per_doubling_below_knee - 1.0).abs() < 1e-12);
        assert!(t.bits_per_doubling_above_knee.abs() < 1e-12);
        // Least squares over x = 0..4, y = 0,1,2,2,2: slope = 5/10.
        assert!((t.bits_per_doubling - 0.5).abs() < 1e-12);
        assert!(trade_off(&front[..1]).is_none());
    }
}
