//! W6 `nas-wdbc` (docs/benchmarks.md): the default `dgnn search` on the bundled WDBC data with a
//! fixed seed and budget, end to end ([`super::nas_search`] times and reports it); the plain
//! MLP of the comparison is 30-16-2.

pub use super::nas_search::Params;

/// Runs the workload and returns its JSON record.
pub fn run(params: &Params) -> anyhow::Result<serde_json::Value> {
    super::nas_search::run("nas-wdbc", "wdbc", params)
}
