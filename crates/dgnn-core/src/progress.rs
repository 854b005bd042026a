//! Progress reporting without terminal code in the libraries.
//!
//! Long computations take a `&dyn Progress`; the binary passes an indicatif bar, tests and
//! library users pass [`NoProgress`]. Implementations must be cheap and thread-safe: parallel
//! workers call [`Progress::advance`] concurrently.

/// A sink for progress of a long computation.
pub trait Progress: Sync {
    /// Announces the total amount of work, in the units `advance` will count.
    fn start(&self, total: u64, label: &str);
    /// Records that `amount` more units of work are done.
    fn advance(&self, amount: u64);
    /// Replaces the status message (for example "gen 12 · front 9 · best acc 0.97").
    fn message(&self, text: &str);
    /// Marks the computation finished.
    fn finish(&self);
}

/// A progress sink that ignores everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _total: u64, _label: &str) {}
    fn advance(&self, _amount: u64) {}
    fn message(&self, _text: &str) {}
    fn finish(&self) {}
}
