//! The scaling model of a distributed search: what the figures measured on a few ranks predict
//! for many. **A model, not a measurement.**
//!
//! # Distributed evaluation ([`crate::farm`])
//! One generation of a search is rank 0's serial part `S` (selection, variation, sorting, the
//! cache and the checkpoint) and `s` stages of `n = E / s` evaluations each (`E` evaluations per
//! generation), each evaluation costing `τ` thread-seconds on average. With `p` ranks of `t`
//! threads, a stage takes the longer of its computation and of rank 0's communication, which
//! one thread of rank 0 does while the others evaluate:
//!
//! ```text
//! T(p) = S + s · max( τ · ⌈n / (p t)⌉ ,  c · n (p − 1) / p  +  m · (p − 1) )
//! ```
//!
//! - `τ · ⌈n / (p t)⌉`: the stage's work spread over `p t` slots, but no finer than one
//!   evaluation per slot (an evaluation is not split);
//! - `c · n (p − 1)/p`: the `(p − 1)/p` share of the evaluations that workers run costs rank 0
//!   `c` seconds each (two messages: the result in, the next task out), measured with 2 ranks;
//!   `c` scales with the message size as `c = c₀ · b / b₀` for a genome of `b` bytes;
//! - `m · (p − 1)`: one hand-out message per worker and stage.
//!
//! The speed-up is `T(1) / T(p)`. It stops growing at the smallest of three limits:
//! **Amdahl's** `(S + W) / S` with `W = s τ n / t` (the serial share); the **batch width**
//! `p t = n` (more slots than evaluations in a stage stay idle); and **rank 0's
//! communication**, once `c n (p − 1)/p` exceeds `τ n / (p t)`, i.e. from
//! `p ≈ τ / (c t)` on: from there a stage costs `c n` whatever the ranks, the speed-up
//! saturates near `(S + W) / (S + s c n)`, and the hand-out messages `m (p − 1)` slowly erode
//! it.
//!
//! # Islands ([`crate::islands`])
//! `K` islands of `E` evaluations per generation each run whole engines on their ranks (island
//! `i` on rank `i mod p`) and meet every `g` generations, when rank 0 gathers and returns
//! migrants and the checkpoint (`σ` seconds per island per sync point, measured):
//!
//! ```text
//! T_K(p) = ⌈K / p⌉ · T_island  +  K σ / g
//! ```
//!
//! with `T_island` one island's generation on its rank, measured on an island run
//! ([`IslandsMeasured`]).
//!
//! Each island pays its own serial part on its own rank, so the Amdahl limit of one engine is
//! gone up to `p = K`; the limit moves to `p = K` ranks (one island each), and the
//! communication, once per `g` generations, is `g` times rarer. The cost is that islands are
//! another algorithm than one population of `K E`: their result depends on `K` (never on `p`).

use serde::{Deserialize, Serialize};

/// What the model needs, measured on one machine (rank 0's figures from `mpi.json`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Measured {
    /// `E`: evaluations per generation.
    pub evaluations_per_generation: f64,
    /// `s`: evaluation stages per generation (1 without multi-fidelity stages).
    pub stages_per_generation: f64,
    /// `τ`: thread-seconds per evaluation (one rank, one thread).
    pub seconds_per_evaluation: f64,
    /// `S`: rank 0's serial seconds per generation.
    pub serial_seconds: f64,
    /// `c`: rank 0's communication seconds per evaluation run on another rank.
    pub communication_per_remote_evaluation: f64,
    /// `m`: rank 0's seconds per hand-out message (one per worker and stage).
    pub seconds_per_message: f64,
    /// `b₀`: bytes that travel per evaluation (task out, result in).
    pub bytes_per_evaluation: f64,
}

impl Measured {
    /// Evaluations per stage, `n = E / s`.
    #[must_use]
    pub fn evaluations_per_stage(&self) -> f64 {
        self.evaluations_per_generation / self.stages_per_generation.max(1.0)
    }

    /// The same measurement with messages of `bytes_per_evaluation` bytes: the communication
    /// cost per remote evaluation scales in proportion (`c = c₀ · b / b₀`).
    #[must_use]
    pub fn with_message_bytes(&self, bytes_per_evaluation: f64) -> Self {
        let scale = bytes_per_evaluation / self.bytes_per_evaluation.max(1.0);
        Self {
            communication_per_remote_evaluation: self.communication_per_remote_evaluation * scale,
            bytes_per_evaluation,
            ..*self
        }
    }

    /// `T(p)`: seconds per generation of distributed evaluation over `ranks` ranks of
    /// `threads` threads (module docs).
    #[must_use]
    pub fn farm_seconds(&self, ranks: usize, threads: usize) -> f64 {
        let (p, slots) = (ranks.max(1) as f64, (ranks.max(1) * threads.max(1)) as f64);
        let n = self.evaluations_per_stage();
        let compute = self.seconds_per_evaluation * (n / slots).ceil();
        let communication = self.communication_per_remote_evaluation * n * (p - 1.0) / p
            + self.seconds_per_message * (p - 1.0);
        self.serial_seconds + self.stages_per_generation * compute.max(communication)
    }

    /// `T(1) / T(p)` for distributed evaluation, both with `threads` threads per rank.
    #[must_use]
    pub fn farm_speedup(&self, ranks: usize, threads: usize) -> f64 {
        self.farm_seconds(1, threads) / self.farm_seconds(ranks, threads)
    }

    /// Amdahl's bound `(S + W) / S` on the speed-up of one engine, `W` its evaluation seconds
    /// per generation on `threads` threads.
    #[must_use]
    pub fn amdahl_bound(&self, threads: usize) -> f64 {
        let work =
            self.evaluations_per_generation * self.seconds_per_evaluation / threads.max(1) as f64;
        (self.serial_seconds + work) / self.serial_seconds.max(f64::MIN_POSITIVE)
    }

    /// The rank count from which rank 0's communication outlasts a stage's computation,
    /// `τ / (c t) + 1` (infinite without communication cost).
    #[must_use]
    pub fn communication_limit(&self, threads: usize) -> f64 {
        if self.communication_per_remote_evaluation <= 0.0 {
            return f64::INFINITY;
        }
        self.seconds_per_evaluation
            / (self.communication_per_remote_evaluation * threads.max(1) as f64)
            + 1.0
    }
}

/// What the island model needs, measured on an island run with one island per rank.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct IslandsMeasured {
    /// Seconds of one island's generation on its rank, sync points excluded.
    pub generation_seconds: f64,
    /// `σ`: rank 0's seconds per island and sync point (waiting for the slowest island
    /// included).
    pub sync_seconds_per_island: f64,
    /// `g`: generations between sync points.
    pub migration_interval: usize,
}

impl IslandsMeasured {
    /// `T_K(p)`: seconds per generation of `islands` islands on `ranks` ranks (module docs),
    /// `⌈K/p⌉` islands per rank.
    #[must_use]
    pub fn seconds(&self, islands: usize, ranks: usize) -> f64 {
        let per_rank = islands.max(1).div_ceil(ranks.max(1)) as f64;
        per_rank * self.generation_seconds
            + islands as f64 * self.sync_seconds_per_island / self.migration_interval.max(1) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measured() -> Measured {
        Measured {
            evaluations_per_generation: 80.0,
            stages_per_generation: 2.0,
            seconds_per_evaluation: 0.01,
            serial_seconds: 0.004,
            communication_per_remote_evaluation: 1e-5,
            seconds_per_message: 1e-6,
            bytes_per_evaluation: 600.0,
        }
    }

    #[test]
    fn one_rank_is_the_serial_part_plus_the_whole_work() {
        let m = measured();
        // 2 stages × 40 evaluations × 0.01 s on one thread, plus S.
        assert!((m.farm_seconds(1, 1) - (0.004 + 0.8)).abs() < 1e-12);
        assert!((m.farm_seconds(1, 2) - (0.004 + 0.4)).abs() < 1e-12);
        assert!((m.farm_speedup(1, 1) - 1.0).abs() < 1e-15);
    }

    #[test]
    fn without_communication_the_speedup_follows_amdahl_until_the_batch_is_spread() {
        let m = Measured {
            communication_per_remote_evaluation: 0.0,
            seconds_per_message: 0.0,
            ..measured()
        };
        for p in [2, 4, 5, 8, 10, 20, 40] {
            // 40 evaluations per stage divide exactly over these slot counts: Amdahl's law.
            let amdahl = (0.004 + 0.8) / (0.004 + 0.8 / p as f64);
            assert!((m.farm_speedup(p, 1) - amdahl).abs() < 1e-12, "p = {p}");
        }
        // Beyond one evaluation per slot nothing more is gained.
        assert!((m.farm_speedup(64, 1) - m.farm_speedup(40, 1)).abs() < 1e-12);
        assert!(m.farm_speedup(4096, 1) < m.amdahl_bound(1));
        assert!(m.communication_limit(1).is_infinite());
    }

    #[test]
    fn communication_caps_the_speedup_where_it_outlasts_computation() {
        let m = Measured { communication_per_remote_evaluation: 1e-3, ..measured() };
        // τ / c + 1 = 11 ranks.
        assert!((m.communication_limit(1) - 11.0).abs() < 1e-12);
        // Past the limit a stage costs rank 0's communication, whatever the slots.
        for p in [20_usize, 40, 4096] {
            let pf = p as f64;
            let communication = 1e-3 * 40.0 * (pf - 1.0) / pf + 1e-6 * (pf - 1.0);
            assert!((m.farm_seconds(p, 1) - (0.004 + 2.0 * communication)).abs() < 1e-12);
        }
        // Messages twice as large double the communication cost.
        let big = m.with_message_bytes(1200.0);
        assert!((big.communication_per_remote_evaluation - 2e-3).abs() < 1e-15);
    }

    #[test]
    fn islands_scale_to_one_island_per_rank() {
        let islands = IslandsMeasured {
            generation_seconds: 0.5,
            sync_seconds_per_island: 0.0,
            migration_interval: 5,
        };
        assert!((islands.seconds(8, 1) - 4.0).abs() < 1e-12);
        assert!((islands.seconds(8, 8) - 0.5).abs() < 1e-12);
        assert!((islands.seconds(8, 3) - 1.5).abs() < 1e-12);
        // More ranks than islands leave ranks idle.
        assert!((islands.seconds(8, 64) - islands.seconds(8, 8)).abs() < 1e-12);
        // Sync points cost K σ every g generations.
        let synced = IslandsMeasured { sync_seconds_per_island: 0.01, ..islands };
        assert!((synced.seconds(8, 8) - (0.5 + 8.0 * 0.01 / 5.0)).abs() < 1e-12);
    }
}
