//! Exact Arnold tongues of circle-map families `f_Ω = g + Ω`: edges, widths, the locked measure,
//! the fractal dimension of the unlocked set and the golden-mean critical point.
//!
//! **Edges.** With `G(θ, Ω) = f_Ω^q(θ) − θ − p`, the map has a `p/q` periodic orbit iff `G`
//! has a zero in θ. `G` grows with Ω (`∂_Ω f^q ≥ 1` when `g′ ≥ 0`), so the tongue is
//! `[Ω₋, Ω₊]` with `max_θ G(θ, Ω₋) = 0` and `min_θ G(θ, Ω₊) = 0`: at each edge a stable and an
//! unstable orbit merge in a saddle-node bifurcation, `G = 0` and `∂_θ G = (f^q)′ − 1 = 0`
//! (docs/science.md#mode-locking). We solve it as nested Newton iterations: the inner one finds the
//! extremum of `G` in θ (Newton on `∂_θ G = 0` with `∂²_θ G`, from the best of `16q` samples), the
//! outer one solves `h(Ω) = ext_θ G = 0` with `h′(Ω) = ∂_Ω G` at the extremum (envelope theorem),
//! safeguarded by bisection on the bracket `[p/q − s, p/q + s]` with `s = max|g(θ) − θ|`
//! (`K/2π` for the sine map), where `h` changes sign because `|f^q(θ) − θ − qΩ| ≤ q·s`. The derivatives of `f^q` come from the chain rule along the
//! orbit. A final global sampling at the converged Ω confirms that no other extremum crosses
//! zero. The edges are accurate to about 1e-13 in Ω (`h′ ≥ 1`, so the error in Ω is at most
//! the error in `h`, a few ulps of the lift).
//!
//! **Locked measure and dimension.** At `K = 1` the tongues fill Ω ∈ [0, 1] up to a Cantor set
//! of measure zero and dimension `D ≈ 0.87` (Jensen, Bak & Bohr 1983, PRL 50:1637; 1984, PRA
//! 30:1960). Their gap scaling: between Farey-neighbour tongues `a/b`, `c/d` lies a gap `S`;
//! the mediant tongue splits it into gaps `S′`, `S″`, and `D` solves
//! `(S′/S)^D + (S″/S)^D = 1`.
//!
//! **Golden mean.** The rotation number `(√5 − 1)/2` is reached at a single Ω at `K = 1`
//! (Shenker 1982, Physica D 5:405: `Ω_c ≈ 0.606661063`). Its Fibonacci approximants
//! `F_{n−1}/F_n` have superstable orbits through the critical point θ = 0 at `Ω_n` with
//! `f^{F_n}_{Ω_n}(0) = F_{n−1}`; `Ω_n → Ω_c` geometrically, and Aitken's Δ² extrapolation of the
//! last three gives `Ω_c`. The convergence ratios `δ_n = (Ω_{n−1} − Ω_{n−2})/(Ω_n − Ω_{n−1})`
//! tend to Shenker's `δ = −2.833610655891`, alternating about it with errors shrinking by about
//! −0.53 per step, while their rounding error grows by |δ| per step: the orbit is iterated on
//! [0, 1) with whole turns counted apart, which keeps each `Ω_n` within a few ulps
//! ([`OMEGA_ROUNDING`]), and Aitken's Δ² on the ratios is taken where truncation and rounding
//! together are smallest (F_n = 4181: δ within about 1e-7).

use crate::error::{LockError, Result};
use crate::farey::{Ratio, farey_sequence};
use crate::map::Lift;
use dgnn_core::{ParamError, Progress};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// `f^q(θ)` with its derivatives `∂_θ`, `∂²_θ` and `∂_Ω` along the orbit.
#[derive(Debug, Clone, Copy)]
struct Iterate {
    value: f64,
    d_theta: f64,
    d2_theta: f64,
    d_omega: f64,
}

fn iterate<L: Lift + ?Sized>(lift: &L, omega: f64, theta: f64, q: u64) -> Iterate {
    let (mut x, mut d1, mut d2, mut dw) = (theta, 1.0, 0.0, 0.0);
    for _ in 0..q {
        let (g1, g2) = (lift.derivative(x), lift.second_derivative(x));
        d2 = g2 * d1 * d1 + g1 * d2;
        d1 *= g1;
        dw = 1.0 + g1 * dw;
        x = lift.value(x) + omega;
    }
    Iterate { value: x, d_theta: d1, d2_theta: d2, d_omega: dw }
}

/// The lower (−1) or upper (+1) edge of a tongue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    /// Left edge: the maximum of G over θ reaches zero.
    Lower,
    /// Right edge: the minimum of G over θ reaches zero.
    Upper,
}

impl Side {
    fn sign(self) -> f64 {
        match self {
            Self::Lower => 1.0,
            Self::Upper => -1.0,
        }
    }
}

/// Samples per 1/q of θ when searching the global extremum of G.
const SAMPLES_PER_TURN: u64 = 16;

/// The extremum of `sign·G(·, Ω)`: returns (θ*, G(θ*), ∂_Ω G(θ*)).
fn extremum<L: Lift + ?Sized>(
    lift: &L,
    omega: f64,
    ratio: Ratio,
    side: Side,
    hint: Option<f64>,
) -> (f64, f64, f64) {
    let (p, q) = (ratio.numer() as f64, ratio.denom());
    let s = side.sign();
    let g = |theta: f64| iterate(lift, omega, theta, q).value - theta - p;
    let n = SAMPLES_PER_TURN * q;
    let mut theta = match hint {
        Some(t) => t,
        None => {
            let mut best = (f64::NEG_INFINITY, 0.0);
            for j in 0..n {
                let t = j as f64 / n as f64;
                let v = s * g(t);
                if v > best.0 {
                    best = (v, t);
                }
            }
            best.1
        }
    };
    let max_step = 1.0 / n as f64;
    for _ in 0..60 {
        let it = iterate(lift, omega, theta, q);
        let grad = it.d_theta - 1.0;
        let curv = it.d2_theta;
        // Newton towards a maximum of s·G: step = −grad/curv when s·curv < 0, else a gradient
        // step of bounded length in the ascent direction.
        let step = if s * curv < 0.0 {
            (-grad / curv).clamp(-max_step, max_step)
        } else {
            max_step * (s * grad).signum()
        };
        let candidate = theta + step;
        let old = s * (it.value - theta - p);
        let new = s * g(candidate);
        if new >= old {
            theta = candidate;
        } else {
            // Backtrack: halve until the objective does not decrease.
            let mut h = step / 2.0;
            let mut moved = false;
            for _ in 0..40 {
                if s * g(theta + h) >= old {
                    theta += h;
                    moved = true;
                    break;
                }
                h /= 2.0;
            }
            if !moved {
                break;
            }
        }
        if step.abs() < 1e-15 {
            break;
        }
    }
    let it = iterate(lift, omega, theta, q);
    (theta, it.value - theta - p, it.d_omega)
}

/// One edge by safeguarded Newton on `h(Ω) = ext_θ G(θ, Ω)`.
fn edge<L: Lift + ?Sized>(lift: &L, ratio: Ratio, side: Side, reach: f64) -> Result<f64> {
    let centre = ratio.value();
    let (mut lo, mut hi) = (centre - reach - 1e-12, centre + reach + 1e-12);
    let mut omega = centre;
    let mut hint = None;
    for iteration in 0..200 {
        // Global search on the first steps and whenever the bracket is still wide.
        let use_hint = if iteration > 2 && hi - lo < 1e-3 { hint } else { None };
        let (theta, h, dh) = extremum(lift, omega, ratio, side, use_hint);
        hint = Some(theta);
        if h == 0.0 {
            return confirm(lift, ratio, side, omega, theta);
        }
        if h < 0.0 {
            lo = omega;
        } else {
            hi = omega;
        }
        let newton = omega - h / dh;
        let next =
            if newton > lo && newton < hi && dh.is_finite() { newton } else { 0.5 * (lo + hi) };
        if (next - omega).abs() < 1e-15 || hi - lo < 1e-15 {
            return confirm(lift, ratio, side, next, theta);
        }
        omega = next;
    }
    Err(LockError::NoConvergence {
        what: "tongue edge",
        detail: format!("{ratio} bracket [{lo}, {hi}]"),
    })
}

/// Global check at the converged Ω: no other extremum of G may be beyond zero by more than
/// rounding; if one is (the local search followed a lesser extremum), restart from it.
fn confirm<L: Lift + ?Sized>(
    lift: &L,
    ratio: Ratio,
    side: Side,
    omega: f64,
    theta: f64,
) -> Result<f64> {
    let (_, h, _) = extremum(lift, omega, ratio, side, None);
    let (_, h_local, _) = extremum(lift, omega, ratio, side, Some(theta));
    let tol = 1e-12 * (1.0 + ratio.numer() as f64);
    if side.sign() * (h - h_local) <= tol {
        Ok(omega)
    } else {
        Err(LockError::NoConvergence {
            what: "tongue edge",
            detail: format!(
                "{ratio}: a second extremum of f^q − θ − p crosses zero at Ω = {omega}"
            ),
        })
    }
}

/// A mode-locked interval: rotation number `p/q` for Ω in `[lower, upper]`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Tongue {
    /// The rotation number.
    pub ratio: Ratio,
    /// The left (saddle-node) edge Ω₋.
    pub lower: f64,
    /// The right (saddle-node) edge Ω₊.
    pub upper: f64,
}

impl Tongue {
    /// The width `Ω₊ − Ω₋`.
    #[must_use]
    pub fn width(&self) -> f64 {
        self.upper - self.lower
    }
}

/// The largest `|g(θ) − θ|` over a turn (sampled, plus a safety margin): bounds how far a
/// tongue can lie from its rational `p/q`.
fn reach<L: Lift + ?Sized>(lift: &L) -> f64 {
    let n = 4096;
    let sampled = (0..n)
        .map(|i| {
            let t = i as f64 / n as f64;
            (lift.value(t) - t).abs()
        })
        .fold(0.0, f64::max);
    1.01 * sampled + 1e-9
}

fn check_homeomorphism<L: Lift + ?Sized>(lift: &L) -> Result<()> {
    let n = 4096;
    let min_slope =
        (0..n).map(|i| lift.derivative(i as f64 / n as f64)).fold(f64::INFINITY, f64::min);
    if min_slope < -1e-12 {
        return Err(ParamError::new(
            "lift",
            format!("min g′ = {min_slope:.3}"),
            "tongue edges need an orientation-preserving homeomorphism (g′ ≥ 0; K ≤ 1 for the sine map)",
        )
        .into());
    }
    Ok(())
}

/// The exact `p/q` tongue of `f_Ω = g + Ω` (both saddle-node edges). The lift must be a
/// homeomorphism (`g′ ≥ 0`).
pub fn tongue<L: Lift + ?Sized>(lift: &L, ratio: Ratio) -> Result<Tongue> {
    check_homeomorphism(lift)?;
    let r = reach(lift);
    let lower = edge(lift, ratio, Side::Lower, r)?;
    let upper = edge(lift, ratio, Side::Upper, r)?;
    Ok(Tongue { ratio, lower, upper: upper.max(lower) })
}

/// All tongues `p/q` with `q ≤ q_max` and `0 ≤ p/q ≤ 1`, in increasing order (parallel over
/// ratios; `progress` counts tongues).
pub fn tongues<L: Lift + ?Sized>(
    lift: &L,
    q_max: u64,
    progress: &dyn Progress,
) -> Result<Vec<Tongue>> {
    check_homeomorphism(lift)?;
    let ratios = farey_sequence(q_max)?;
    progress.start(ratios.len() as u64, "tongues");
    let r = reach(lift);
    let out = ratios
        .par_iter()
        .map(|&ratio| {
            let lower = edge(lift, ratio, Side::Lower, r)?;
            let upper = edge(lift, ratio, Side::Upper, r)?;
            progress.advance(1);
            Ok(Tongue { ratio, lower, upper: upper.max(lower) })
        })
        .collect();
    progress.finish();
    out
}

/// The total width of the given tongues inside Ω ∈ [0, 1) (the `0/1` and `1/1` tongues each
/// contribute the half that lies inside): the locked measure.
#[must_use]
pub fn locked_measure(tongues: &[Tongue]) -> f64 {
    tongues.iter().map(|t| (t.upper.min(1.0) - t.lower.max(0.0)).max(0.0)).sum()
}

/// One gap of the Jensen–Bak–Bohr construction and the dimension it implies.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GapScaling {
    /// Left tongue of the gap.
    pub left: Ratio,
    /// Right tongue of the gap (a Farey neighbour of `left`).
    pub right: Ratio,
    /// The gap `S` between them.
    pub gap: f64,
    /// The gaps `S′`, `S″` left by the mediant tongue.
    pub parts: (f64, f64),
    /// `D` solving `(S′/S)^D + (S″/S)^D = 1`.
    pub dimension: f64,
}

/// Solves `a^D + b^D = 1` for `D ∈ (0, 1]` by bisection (`0 < a, b`, `a + b < 1`).
fn similarity_dimension(a: f64, b: f64) -> f64 {
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if a.powf(mid) + b.powf(mid) > 1.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// The gap scaling of every pair of Farey neighbours `a/b < c/d` whose mediant has
/// denominator `b + d ≤ q_max`, from tongues computed up to `q_max` (typically at K = 1), in
/// increasing order of the mediant's denominator.
#[must_use]
pub fn gap_scalings(tongues: &[Tongue], q_max: u64) -> Vec<GapScaling> {
    let by_ratio: std::collections::HashMap<Ratio, &Tongue> =
        tongues.iter().map(|t| (t.ratio, t)).collect();
    let mut out = Vec::new();
    // Neighbours a/b < c/d of some Farey sequence, listed once: they are neighbours in F_n for
    // max(b, d) ≤ n < b + d, so take them from F_{max(b, d)}, where the later one first appears.
    for n in 1..q_max {
        let Ok(level) = farey_sequence(n) else { continue };
        for pair in level.windows(2) {
            let (a, c) = (pair[0], pair[1]);
            let m = a.mediant(c);
            if a.denom().max(c.denom()) != n || m.denom() > q_max {
                continue;
            }
            let (Some(ta), Some(tc), Some(tm)) =
                (by_ratio.get(&a), by_ratio.get(&c), by_ratio.get(&m))
            else {
                continue;
            };
            let gap = tc.lower - ta.upper;
            let parts = (tm.lower - ta.upper, tc.lower - tm.upper);
            if gap > 0.0 && parts.0 > 0.0 && parts.1 > 0.0 {
                out.push(GapScaling {
                    left: a,
                    right: c,
                    gap,
                    parts,
                    dimension: similarity_dimension(parts.0 / gap, parts.1 / gap),
                });
            }
        }
    }
    out.sort_by_key(|g| g.left.denom() + g.right.denom());
    out
}

/// The box-counting estimate of the dimension of the unlocked set (Jensen, Bak & Bohr 1983):
/// with `S(r)` the total width of tongues wider than `r`, the unlocked set needs
/// `N(r) = (1 − S(r))/r` intervals of size r, and `N(r) ∝ r^{−D}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoxDimension {
    /// The least-squares slope `−d ln N / d ln r`.
    pub dimension: f64,
    /// The points `(r, N(r))` of the fit.
    pub points: Vec<(f64, f64)>,
}

/// Fits `N(r) ∝ r^{−D}` from tongues computed up to `q_max` over r from the widest tongue of
/// denominator `q_max` (below it, tongues with larger q would be missing) up to 25 times that,
/// at 13 geometrically spaced scales. Needs every tongue with `q ≤ q_max` (`q_max ≥ 8`).
pub fn box_dimension(tongues: &[Tongue], q_max: u64) -> Result<BoxDimension> {
    if q_max < 8 {
        return Err(ParamError::new("q_max", q_max, "must be at least 8").into());
    }
    let r_min =
        tongues.iter().filter(|t| t.ratio.denom() == q_max).map(Tongue::width).fold(0.0, f64::max);
    if r_min <= 0.0 {
        return Err(LockError::NotEnoughData(format!("no tongue of denominator {q_max} given")));
    }
    let clipped: Vec<f64> =
        tongues.iter().map(|t| (t.upper.min(1.0) - t.lower.max(0.0)).max(0.0)).collect();
    let points: Vec<(f64, f64)> = (0..13)
        .map(|i| {
            let r = r_min * 25f64.powf(f64::from(i) / 12.0);
            let locked: f64 = clipped.iter().filter(|w| **w > r).sum();
            (r, (1.0 - locked) / r)
        })
        .collect();
    let (xs, ys): (Vec<f64>, Vec<f64>) = points.iter().map(|(r, n)| (r.ln(), n.ln())).unzip();
    let (mx, my) = (xs.iter().sum::<f64>() / 13.0, ys.iter().sum::<f64>() / 13.0);
    let sxy: f64 = xs.iter().zip(&ys).map(|(x, y)| (x - mx) * (y - my)).sum();
    let sxx: f64 = xs.iter().map(|x| (x - mx).powi(2)).sum();
    Ok(BoxDimension { dimension: -sxy / sxx, points })
}

/// The golden-mean critical point of the sine map at K = 1 from Fibonacci approximants.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GoldenMean {
    /// `(F_{n−1}/F_n, Ω_n)`: the superstable parameter of each approximant, up to the last one
    /// whose convergence ratio is still above its rounding error.
    pub approximants: Vec<(Ratio, f64)>,
    /// Aitken's Δ² extrapolation of the last three `Ω_n`.
    pub omega_c: f64,
    /// The bound on the rounding error of every `Ω_n` ([`OMEGA_ROUNDING`]).
    pub omega_rounding: f64,
    /// The scaling `δ = lim (Ω_{n−1} − Ω_{n−2})/(Ω_n − Ω_{n−1})` (Shenker 1982: −2.833610655891):
    /// Aitken's Δ² on the convergence ratios, at the denominator with the smallest error estimate.
    pub delta: f64,
    /// The error estimate of `delta`: the spread of the extrapolants around it (truncation) plus
    /// its propagated rounding bound.
    pub delta_error: f64,
    /// The Fibonacci denominator `F_n` of the last approximant in `delta`.
    pub delta_denominator: u64,
}

/// A bound on the rounding error of each `Ω_n` that [`golden_mean`] finds: 5u with u = 2⁻⁵³
/// (5 units in the last place of numbers in [0.5, 1), 5.6e-16).
///
/// One step of the orbit kept in [0, 1), `x ↦ x − (K/2π) sin 2πx + Ω` with whole turns counted
/// apart, rounds by at most about 2.4u (0.64u from the argument 2πx < 2π, 0.16u from the sine's
/// last bit times K/2π, 0.06u from that product, 0.5u from the difference in [0, 1), 1u from the
/// sum in [0.5, 2)). An error ε_j at step j reaches `f^q` multiplied by `P_j = ∏_{i>j} g′(x_i)`,
/// and `∂_Ω f^q = Σ_j P_j`; with `g′ ≥ 0` (K ≤ 1) the error in Ω is the weighted mean
/// `Σ_j ε_j P_j / Σ_j P_j`, at most max |ε_j| whatever the period q (it does not grow with the
/// number of iterations). Newton's last step and the rounding of Ω itself add at most 1u; the
/// rest is margin. (2π and K/2π rounded once are a fixed, smooth change of the map, which moves
/// every Ω_n together and leaves δ alone.)
pub const OMEGA_ROUNDING: f64 = 2.5 * f64::EPSILON;

/// `f_Ω^q(0) − p` and `∂_Ω f_Ω^q(0)` for the ratio `p/q`, with the orbit kept in [0, 1) and its
/// whole turns counted apart (`g(θ + 1) = g(θ) + 1`), so each step rounds on the scale of one turn
/// however far the lift has gone (an unreduced lift at `F_{n−1} ≈ 10⁴` rounds on 2e-12).
fn winding_residual<L: Lift + ?Sized>(lift: &L, omega: f64, ratio: Ratio) -> (f64, f64) {
    let (mut turns, mut fraction, mut d_omega) = (0i64, 0.0, 0.0);
    for _ in 0..ratio.denom() {
        d_omega = 1.0 + lift.derivative(fraction) * d_omega;
        let next = lift.value(fraction) + omega;
        let whole = next.floor();
        turns += whole as i64;
        fraction = next - whole;
    }
    ((turns - ratio.numer() as i64) as f64 + fraction, d_omega)
}

/// Ω with `f_Ω^q(0) = p` by safeguarded Newton (`∂_Ω f^q ≥ 1` makes it monotone in Ω): the
/// superstable orbit through the critical point θ = 0 of the sine lift at K = 1.
fn superstable<L: Lift + ?Sized>(lift: &L, ratio: Ratio, guess: f64, reach: f64) -> Result<f64> {
    let centre = ratio.value();
    let (mut lo, mut hi) = (centre - reach, centre + reach);
    let mut omega = guess.clamp(lo, hi);
    for _ in 0..200 {
        let (f, d_omega) = winding_residual(lift, omega, ratio);
        if f == 0.0 {
            return Ok(omega);
        }
        if f < 0.0 {
            lo = omega;
        } else {
            hi = omega;
        }
        let newton = omega - f / d_omega;
        let next = if newton > lo && newton < hi { newton } else { 0.5 * (lo + hi) };
        if (next - omega).abs() < 1e-16 || hi - lo < 1e-16 {
            return Ok(next);
        }
        omega = next;
    }
    Err(LockError::NoConvergence { what: "superstable orbit", detail: ratio.to_string() })
}

/// Aitken's Δ² limit of three consecutive terms of a sequence, or `None` when their second
/// difference vanishes.
fn aitken(x0: f64, x1: f64, x2: f64) -> Option<f64> {
    let second_difference = x2 - 2.0 * x1 + x0;
    (second_difference.abs() > 0.0).then(|| x2 - (x2 - x1).powi(2) / second_difference)
}

/// The convergence ratio `δ_n = (Ω_{n−1} − Ω_{n−2})/(Ω_n − Ω_{n−1})` of three consecutive
/// approximants, with the bound on its rounding error when each Ω is within `rounding`: each
/// difference is within `2·rounding`, so `|Δδ_n| ≤ |δ_n|·2·rounding·(1/|D_{n−1}| + 1/|D_n|)`.
fn convergence_ratio(omegas: [f64; 3], rounding: f64) -> (f64, f64) {
    let (earlier, later) = (omegas[1] - omegas[0], omegas[2] - omegas[1]);
    let ratio = earlier / later;
    (ratio, ratio.abs() * 2.0 * rounding * (1.0 / earlier.abs() + 1.0 / later.abs()))
}

/// δ from the convergence ratios `ratios[i] = (δ_i, rounding bound)`: Aitken's Δ² on every three
/// consecutive ratios, each with its propagated rounding bound and a truncation estimate (the
/// larger of its last two steps), and the one with the smallest sum. Returns
/// `(δ, error estimate, index of its last ratio)`, or `None` with fewer than five ratios.
fn extrapolated_delta(ratios: &[(f64, f64)]) -> Option<(f64, f64, usize)> {
    // Aitken's value d₂ − a²/(a − b), with a = d₂ − d₁ and b = d₁ − d₀, moves by b²/(a − b)²,
    // −2ab/(a − b)² and a²/(a − b)² per unit change of d₂, d₁, d₀.
    let limits: Vec<Option<(f64, f64)>> = ratios
        .windows(3)
        .map(|w| {
            let ((d0, e0), (d1, e1), (d2, e2)) = (w[0], w[1], w[2]);
            let (a, b) = (d2 - d1, d1 - d0);
            let rounding = (b * b * e2 + 2.0 * (a * b).abs() * e1 + a * a * e0) / (a - b).powi(2);
            aitken(d0, d1, d2).map(|limit| (limit, rounding))
        })
        .collect();
    limits
        .windows(3)
        .enumerate()
        .filter_map(|(start, w)| {
            let ((a0, _), (a1, _), (a2, rounding)) = (w[0]?, w[1]?, w[2]?);
            let truncation = (a2 - a1).abs().max((a1 - a0).abs());
            Some((a2, truncation + rounding, start + 4))
        })
        .filter(|(_, error, _)| error.is_finite())
        .min_by(|x, y| x.1.total_cmp(&y.1))
}

/// Ω_c of the golden mean `(√5 − 1)/2` for the sine map at `K = 1` and its scaling δ, from the
/// approximants `F_{n−1}/F_n` (any `K ≤ 1` is accepted; Shenker's δ is that of K = 1).
///
/// The approximants are followed until `F_n` exceeds `max_denominator` (at least 34: δ's
/// extrapolation needs seven) or until the rounding bound of the convergence ratio δ_n exceeds
/// its change from δ_{n−1}, whichever comes first: past that point rounding, not the map, sets
/// the differences `Ω_n − Ω_{n−1}` (in double precision at F_n = 17711, where they are 1e-9 and
/// each Ω_n is within [`OMEGA_ROUNDING`]). δ is then Aitken's Δ² on three consecutive ratios at
/// the denominator where truncation and rounding together are smallest.
pub fn golden_mean(lift: &crate::map::SineLift, max_denominator: u64) -> Result<GoldenMean> {
    if max_denominator < 34 {
        return Err(ParamError::new(
            "max_denominator",
            max_denominator,
            "must be at least 34 (seven approximants extrapolate δ)",
        )
        .into());
    }
    if lift.k() > 1.0 {
        return Err(ParamError::new(
            "k",
            lift.k(),
            "must be at most 1 (the rounding bound needs an invertible map)",
        )
        .into());
    }
    let r = reach(lift);
    let (mut a, mut b) = (1u64, 2u64);
    let mut approximants: Vec<(Ratio, f64)> = Vec::new();
    let mut ratios: Vec<(f64, f64)> = Vec::new();
    while b <= max_denominator {
        let ratio = Ratio::new(a, b)?;
        let n = approximants.len();
        let guess = if n >= 2 {
            let (w1, w2) = (approximants[n - 2].1, approximants[n - 1].1);
            w2 + (w2 - w1) / -2.8336
        } else {
            ratio.value()
        };
        approximants.push((ratio, superstable(lift, ratio, guess, r)?));
        if let [.., (_, w0), (_, w1), (_, w2)] = approximants[..] {
            ratios.push(convergence_ratio([w0, w1, w2], OMEGA_ROUNDING));
        }
        if let [.., (earlier, _), (latest, rounding)] = ratios[..]
            && rounding > (latest - earlier).abs()
        {
            break;
        }
        let Some(next) = a.checked_add(b) else { break };
        (a, b) = (b, next);
    }
    let n = approximants.len();
    let (x0, x1, x2) = (approximants[n - 3].1, approximants[n - 2].1, approximants[n - 1].1);
    let omega_c = aitken(x0, x1, x2).unwrap_or(x2);
    let (delta, delta_error, last) = extrapolated_delta(&ratios).ok_or_else(|| {
        LockError::NotEnoughData(format!("no extrapolation of δ from {n} approximants"))
    })?;
    Ok(GoldenMean {
        omega_c,
        omega_rounding: OMEGA_ROUNDING,
        delta,
        delta_error,
        delta_denominator: approximants[last + 2].0.denom(),
        approximants,
    })
}

/// The exact edges of one tongue over several K: its two boundary curves in the (Ω, K) plane.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TongueEdges {
    /// The rotation number of the tongue.
    pub ratio: Ratio,
    /// The K values, as given.
    pub ks: Vec<f64>,
    /// The left edge Ω₋ at each K.
    pub lower: Vec<f64>,
    /// The right edge Ω₊ at each K.
    pub upper: Vec<f64>,
}

/// The edges of every tongue `p/q` of the sine circle map with `q ≤ q_max` at each K of `ks`
/// (each in [0, 1]), one entry per ratio in increasing order. `progress` counts K values.
pub fn sine_tongue_edges(
    ks: &[f64],
    q_max: u64,
    progress: &dyn Progress,
) -> Result<Vec<TongueEdges>> {
    let mut edges: Vec<TongueEdges> = Vec::new();
    progress.start(ks.len() as u64, "tongue edges");
    for &k in ks {
        for t in tongues(&crate::map::SineLift::new(k)?, q_max, &dgnn_core::NoProgress)? {
            let entry = match edges.iter().position(|e| e.ratio == t.ratio) {
                Some(index) => &mut edges[index],
                None => {
                    edges.push(TongueEdges {
                        ratio: t.ratio,
                        ks: Vec::with_capacity(ks.len()),
                        lower: Vec::with_capacity(ks.len()),
                        upper: Vec::with_capacity(ks.len()),
                    });
                    let last = edges.len() - 1;
                    &mut edges[last]
                }
            };
            entry.ks.push(k);
            entry.lower.push(t.lower);
            entry.upper.push(t.upper);
        }
        progress.advance(1);
    }
    progress.finish();
    Ok(edges)
}

/// The largest Fibonacci denominator [`critical_figures`] would follow the golden mean's
/// approximants to (F₃₀ = 832 040), a cap only: [`golden_mean`] stops where rounding overtakes the
/// convergence ratios, at F₂₁ = 17 711 in double precision.
pub const GOLDEN_MEAN_MAX_DENOMINATOR: u64 = 832_040;

/// The figures of the sine circle map at the critical line K = 1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CriticalFigures {
    /// Largest denominator of the tongues measured.
    pub q_max: u64,
    /// Total width of the tongues with `q ≤ q_max` ([`locked_measure`]).
    pub locked_measure: f64,
    /// Box-counting dimension of the unlocked set ([`box_dimension`]).
    pub box_dimension: f64,
    /// Median (the upper one for an even count) of the gap-scaling dimensions
    /// ([`gap_scalings`]); NaN when there are none.
    pub gap_dimension_median: f64,
    /// The golden-mean critical Ω ([`golden_mean`], up to [`GOLDEN_MEAN_MAX_DENOMINATOR`]).
    pub golden_mean_omega_c: f64,
    /// The golden mean's scaling δ, extrapolated ([`GoldenMean::delta`]; Shenker: −2.833610655891).
    pub golden_mean_delta: f64,
    /// The error estimate of δ ([`GoldenMean::delta_error`]).
    pub golden_mean_delta_error: f64,
    /// The Fibonacci denominator of the last approximant in δ ([`GoldenMean::delta_denominator`]).
    pub golden_mean_delta_denominator: u64,
}

/// The K = 1 figures of the sine circle map from its tongues with `q ≤ q_max` (at least 8):
/// the locked measure, the dimension of the unlocked set by box counting and by gap scaling,
/// and the golden-mean critical point. `progress` counts tongues.
pub fn critical_figures(q_max: u64, progress: &dyn Progress) -> Result<CriticalFigures> {
    let lift = crate::map::SineLift::new(1.0)?;
    let all = tongues(&lift, q_max, progress)?;
    let box_dimension = box_dimension(&all, q_max)?.dimension;
    let mut dimensions: Vec<f64> = gap_scalings(&all, q_max).iter().map(|g| g.dimension).collect();
    dimensions.sort_by(f64::total_cmp);
    let golden = golden_mean(&lift, GOLDEN_MEAN_MAX_DENOMINATOR)?;
    Ok(CriticalFigures {
        q_max,
        locked_measure: locked_measure(&all),
        box_dimension,
        gap_dimension_median: dimensions.get(dimensions.len() / 2).copied().unwrap_or(f64::NAN),
        golden_mean_omega_c: golden.omega_c,
        golden_mean_delta: golden.delta,
        golden_mean_delta_error: golden.delta_error,
        golden_mean_delta_denominator: golden.delta_denominator,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grid::{GridParams, sine_grid};
    use crate::map::{RotationOptions, SineLift, rotation_number};
    use dgnn_core::{NoProgress, ParamGuard};
    use std::f64::consts::{PI, TAU};

    fn sine(k: f64) -> SineLift {
        SineLift::new(k).unwrap()
    }

    fn ratio(p: u64, q: u64) -> Ratio {
        Ratio::new(p, q).unwrap()
    }

    #[test]
    fn zero_tongue_is_k_over_two_pi() {
        // docs/science.md#mode-locking: the 0/1 tongue is |Ω| ≤ K/2π exactly (a fixed point of
        // θ + Ω − K/2π sin 2πθ exists iff |Ω| ≤ K/2π). The solver's error is a few ulps of the lift.
        for k in [0.1, 0.5, 1.0] {
            let t = tongue(&sine(k), ratio(0, 1)).unwrap();
            assert!((t.lower + k / (2.0 * PI)).abs() < 1e-13, "{t:?}");
            assert!((t.upper - k / (2.0 * PI)).abs() < 1e-13, "{t:?}");
        }
    }

    #[test]
    fn half_tongue_width_is_k_squared_over_four_pi() {
        // docs/science.md#mode-locking: the 1/2 tongue has full width ≈ K²/(4π) for small K
        // (second-order averaging of f²). The map with −K is the map with K shifted by ½, so the
        // width is even in K: w = K²/(4π)·(1 + cK² + O(K⁴)). Hence |w/(K²/4π) − 1| = O(K²), and
        // doubling K quadruples the relative correction.
        let rel =
            |k: f64| tongue(&sine(k), ratio(1, 2)).unwrap().width() / (k * k / (4.0 * PI)) - 1.0;
        for k in [0.01, 0.02, 0.04] {
            assert!(rel(k).abs() < 0.1 * k * k, "K = {k}: {}", rel(k));
        }
        let quadrupling = rel(0.04) / rel(0.02);
        assert!((quadrupling - 4.0).abs() < 0.05, "{quadrupling}");
    }

    #[test]
    fn width_scales_as_k_to_the_q() {
        // docs/science.md#mode-locking: the p/q tongue width ∝ K^q for small K. With
        // w = C K^q (1 + cK² + …) (even in K as above) the slope between K and 2K is
        // q + 3cK²/ln 2 + …; at K = 0.05 the correction is below 0.02 for |c| ≤ 1.8.
        for (p, q) in [(0, 1), (1, 2), (1, 3), (1, 4), (2, 5)] {
            let w = |k| tongue(&sine(k), ratio(p, q)).unwrap().width();
            let slope = (w(0.1) / w(0.05)).log2();
            assert!((slope - q as f64).abs() < 0.02, "{p}/{q}: slope {slope}");
        }
    }

    #[test]
    fn edges_are_saddle_nodes_to_1e_10() {
        // Independent check by plain iteration, not by the solver: 1e-10 inside an edge the map
        // has a stable p/q orbit (no phase slips in 2e7 steps after a 2e6-step transient, so
        // |W − p/q| < 1/M); 1e-10 outside, the saddle-node ghost lets the phase slip every
        // T ≈ π/sqrt(ab·1e-10) ~ 1e5–1e6 steps, so over M = 2e7 steps |W − p/q| ≥ 1/M.
        let lift = sine(0.9);
        let t = tongue(&lift, ratio(2, 5)).unwrap();
        let opts = RotationOptions { transient: 2_000_000, measured: 20_000_000 }.check().unwrap();
        let w = |omega| rotation_number(&lift, omega, 0.0, &opts).unwrap().value;
        let m = opts.measured as f64;
        for (inside, outside) in
            [(t.lower + 1e-10, t.lower - 1e-10), (t.upper - 1e-10, t.upper + 1e-10)]
        {
            assert!((w(inside) - 0.4).abs() < 0.5 / m, "inside {inside}: {}", w(inside));
            assert!((w(outside) - 0.4).abs() >= 0.5 / m, "outside {outside}: {}", w(outside));
        }
    }

    #[test]
    fn grid_agrees_with_exact_edges() {
        // Grid points 1e-3 or more inside a tongue (q ≤ 5, K = 0.8) have W = p/q (M = 6000 is a
        // multiple of every q ≤ 5, and the orbit has converged in the transient); points 1e-3 or
        // more outside every such tongue have |W − p/q| > 1e-6 for each of them (phase slips
        // every ~1/sqrt(1e-3) ≈ 30–300 steps).
        let k = 0.8;
        let all = tongues(&sine(k), 5, &NoProgress).unwrap();
        let spec = GridParams {
            n_omega: 400,
            k_min: k,
            n_k: 1,
            transient: 3000,
            measured: 6000,
            ..GridParams::default()
        }
        .check()
        .unwrap();
        let grid = sine_grid(&spec, &NoProgress);
        let mut inside_count = 0;
        for (&omega, &w) in grid.omegas.iter().zip(&grid.w) {
            let home = all.iter().find(|t| omega > t.lower + 1e-3 && omega < t.upper - 1e-3);
            let near = all.iter().any(|t| omega > t.lower - 1e-3 && omega < t.upper + 1e-3);
            if let Some(t) = home {
                inside_count += 1;
                assert!((w - t.ratio.value()).abs() < 1e-9, "Ω = {omega}: W = {w} in {}", t.ratio);
            } else if !near {
                for t in &all {
                    assert!((w - t.ratio.value()).abs() > 1e-6, "Ω = {omega}: W = {w}");
                }
            }
        }
        assert!(inside_count > 100, "{inside_count}");
    }

    #[test]
    fn mediant_is_the_widest_tongue_between_neighbours() {
        // docs/science.md#mode-locking (Farey mediant rule): between neighbouring tongues a/b and
        // c/d the widest tongue is (a+c)/(b+d); checked at K = 1 for every neighbour pair of F_5
        // against all tongues with q ≤ 13 in between.
        let all = tongues(&sine(1.0), 13, &NoProgress).unwrap();
        let f5 = farey_sequence(5).unwrap();
        for pair in f5.windows(2) {
            let (a, c) = (pair[0], pair[1]);
            let widest = all
                .iter()
                .filter(|t| t.ratio > a && t.ratio < c)
                .max_by(|x, y| x.width().total_cmp(&y.width()))
                .unwrap();
            assert_eq!(widest.ratio, a.mediant(c), "between {a} and {c}");
        }
    }

    #[test]
    fn locked_set_and_its_dimension_at_k_one() {
        // docs/science.md#mode-locking: at K = 1 the locked measure grows towards 1 as q_max grows,
        // and the unlocked complement has box dimension D ≈ 0.87 (Jensen, Bak & Bohr 1983 quote
        // 0.87 ± 0.02; Cvitanović et al. 1985 find 0.870). The fit over 1.4 decades of r with
        // q ≤ 40 must land in that band. Gap triples give D in (0, 1) with S′ + S″ < S.
        let all = tongues(&sine(1.0), 40, &NoProgress).unwrap();
        let measure = |q: u64| {
            let sub: Vec<Tongue> = all.iter().copied().filter(|t| t.ratio.denom() <= q).collect();
            locked_measure(&sub)
        };
        let ms: Vec<f64> = [5, 10, 20, 40].into_iter().map(measure).collect();
        assert!(ms.windows(2).all(|w| w[0] < w[1] && w[1] < 1.0), "{ms:?}");
        let d = box_dimension(&all, 40).unwrap().dimension;
        assert!((d - 0.87).abs() < 0.02, "D = {d}");
        let gaps = gap_scalings(&all, 40);
        assert!(gaps.len() > 100);
        for g in &gaps {
            assert!(g.parts.0 + g.parts.1 < g.gap && g.dimension > 0.0 && g.dimension < 1.0);
        }
        // Tongues do not overlap: edges are ordered along Ω.
        for pair in all.windows(2) {
            assert!(pair[0].upper < pair[1].lower, "{:?} {:?}", pair[0], pair[1]);
        }
    }

    #[test]
    fn edge_curves_close_on_the_zero_tongue() {
        // Along K, the 0/1 tongue's edges are ∓K/2π exactly and every tongue widens with K
        // (docs/science.md#mode-locking); each curve has one point per K.
        let ks = [0.25, 0.5, 0.75, 1.0];
        let edges = sine_tongue_edges(&ks, 4, &NoProgress).unwrap();
        let ratios: Vec<Ratio> = edges.iter().map(|e| e.ratio).collect();
        assert_eq!(ratios, farey_sequence(4).unwrap());
        for e in &edges {
            assert_eq!((e.ks.len(), e.lower.len(), e.upper.len()), (4, 4, 4));
            let widths: Vec<f64> = e.upper.iter().zip(&e.lower).map(|(u, l)| u - l).collect();
            assert!(widths.windows(2).all(|w| w[0] < w[1]), "{}: {widths:?}", e.ratio);
        }
        for (k, (lower, upper)) in ks.iter().zip(edges[0].lower.iter().zip(&edges[0].upper)) {
            assert!((upper - k / TAU).abs() < 1e-13 && (lower + k / TAU).abs() < 1e-13);
        }
    }

    #[test]
    fn critical_figures_gather_the_k_one_facts() {
        // The same facts as the tests above, through the one call `dgnn tongues` makes: Shenker's
        // Ω_c and δ, Jensen, Bak & Bohr's D = 0.87 ± 0.02, a locked measure below 1 that exceeds
        // that of q ≤ 10, gap dimensions in (0, 1), and a refusal of q_max < 8 (the box fit
        // needs it).
        let figures = critical_figures(20, &NoProgress).unwrap();
        assert!((figures.golden_mean_omega_c - 0.606_661_063_4).abs() < 2e-10);
        assert!((figures.golden_mean_delta + 2.8336).abs() < 2e-3);
        let q10 = locked_measure(&tongues(&sine(1.0), 10, &NoProgress).unwrap());
        assert!(q10 < figures.locked_measure && figures.locked_measure < 1.0);
        assert!((figures.box_dimension - 0.87).abs() < 0.02, "{figures:?}");
        assert!(figures.gap_dimension_median > 0.0 && figures.gap_dimension_median < 1.0);
        assert!(critical_figures(7, &NoProgress).is_err());
    }

    #[test]
    fn golden_mean_matches_shenker() {
        // Shenker 1982: Ω_c = 0.6066610634 at K = 1 for the golden-mean rotation number, reached
        // geometrically with ratio δ = −2.8336. Our Ω_n come from superstable orbits through
        // the critical point (not from Shenker's numbers); after Aitken extrapolation of
        // F_n ≤ 17711 the remaining error is ~|Ω_n − Ω_{n−1}|/δ² ≈ 1e-10.
        let gm = golden_mean(&sine(1.0), 17711).unwrap();
        assert!((gm.omega_c - 0.606_661_063_4).abs() < 2e-10, "{}", gm.omega_c);
        assert!((gm.delta + 2.8336).abs() < 2e-3, "{}", gm.delta);
        // Consecutive approximants straddle Ω_c from alternate sides.
        for w in gm.approximants.windows(2).skip(3) {
            assert!((w[0].1 - gm.omega_c) * (w[1].1 - gm.omega_c) < 0.0);
        }
    }

    #[test]
    fn golden_mean_scaling_matches_shenker_within_its_error_estimate() {
        // Shenker 1982 (Physica D 5:405): δ = −2.833610655891 for the golden mean at K = 1, the
        // value issue 16 cites. Ours is Aitken's Δ² on the convergence ratios of our own Ω_n,
        // with an error estimate from their rounding bound and the extrapolants' spread; the
        // published value must lie within that estimate, and the estimate within 1e-6.
        let gm = golden_mean(&sine(1.0), GOLDEN_MEAN_MAX_DENOMINATOR).unwrap();
        let shenker = -2.833_610_655_891;
        assert!(gm.delta_error > 0.0 && gm.delta_error <= 1e-6, "{}", gm.delta_error);
        assert!((gm.delta - shenker).abs() <= gm.delta_error, "{} ± {}", gm.delta, gm.delta_error);
        // The approximants stop on their own, far below the cap, once the rounding bound of
        // δ_n exceeds its change: there |Ω_n − Ω_{n−1}| ≈ 1e-9 is still 10⁶ times the rounding
        // bound of each Ω_n, but δ_n changes by only ≈ 1e-6 per step.
        let last = gm.approximants.len() - 1;
        assert!(gm.approximants[last].0.denom() < GOLDEN_MEAN_MAX_DENOMINATOR / 10);
        let step = (gm.approximants[last].1 - gm.approximants[last - 1].1).abs();
        assert!(step > 1e5 * gm.omega_rounding, "{step}");
        // δ's approximant lies inside the followed range, and the raw ratios at the end differ
        // from Shenker's δ by more than the extrapolated value does (extrapolation helps).
        assert!(gm.approximants.iter().any(|(r, _)| r.denom() == gm.delta_denominator));
        let w: Vec<f64> = gm.approximants[last - 2..].iter().map(|a| a.1).collect();
        let raw = (w[1] - w[0]) / (w[2] - w[1]);
        assert!((raw - shenker).abs() > (gm.delta - shenker).abs());
    }

    #[test]
    fn superstable_parameters_are_within_their_rounding_bound() {
        // The 1/2 approximant is superstable at Ω = ½ exactly: 0 ↦ ½ ↦ 1 − sin(π)/2π = 1. The
        // large ones against Ω_n solved independently with mpmath at 40 digits (Newton on
        // f^q(0) − p with the derivative along the orbit, unreduced lift): within the rounding
        // bound, where the unreduced double lift was up to 8e-14 off at q = 10 946.
        let lift = sine(1.0);
        let half = superstable(&lift, ratio(1, 2), 0.4, 0.2).unwrap();
        assert!((half - 0.5).abs() <= OMEGA_ROUNDING, "{half}");
        for (p, q, reference) in [
            (4181, 6765, 0.606_661_065_817_718_8),
            (6765, 10946, 0.606_661_062_641_626_4),
            (10946, 17711, 0.606_661_063_762_490_2),
        ] {
            let omega = superstable(&lift, ratio(p, q), 0.606_661, 0.2).unwrap();
            assert!((omega - reference).abs() <= OMEGA_ROUNDING, "{q}: {omega}");
        }
    }

    #[test]
    fn bad_input_is_rejected() {
        assert!(tongue(&sine(1.5), ratio(1, 2)).is_err(), "K > 1 is not a homeomorphism");
        assert!(golden_mean(&sine(1.0), 5).is_err());
        let few = golden_mean(&sine(1.0), 33).unwrap_err().to_string();
        assert!(few.contains("max_denominator"), "seven approximants extrapolate δ: {few}");
        let k = golden_mean(&sine(1.5), 100).unwrap_err().to_string();
        assert!(k.contains("`k` = 1.5"), "K > 1 is not a homeomorphism: {k}");
        assert!(box_dimension(&[], 40).is_err());
    }

    #[test]
    fn tongues_are_identical_for_any_thread_count() {
        let run = |threads| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            pool.install(|| tongues(&sine(0.7), 8, &NoProgress).unwrap())
        };
        let one = run(1);
        for threads in [2, 8] {
            let other = run(threads);
            for (a, b) in one.iter().zip(&other) {
                assert_eq!(a.lower.to_bits(), b.lower.to_bits());
                assert_eq!(a.upper.to_bits(), b.upper.to_bits());
            }
        }
    }
}
