//! The canonical benchmark workloads of `docs/benchmarks.md`, mirrored exactly: each module builds
//! its inputs outside the timed region, times only the compute, and returns the JSON record
//! `{"workload", "params", "seconds", …result fields}` that `dgnn bench` prints.

pub mod arnold_tongues;
pub mod hkb_ensemble;
pub mod kuramoto;
pub mod mlp_train;
pub mod nas_digits;
pub mod nas_search;
pub mod nas_wdbc;
pub mod nm_sync;
pub mod zdt1_nsga2;

use serde::Serialize;
use serde_json::{Map, Value};

/// Builds the JSON record of one workload run: the workload name, its parameters, the timed
/// seconds, then the result fields (which must serialise to a JSON object).
pub fn record<P: Serialize, F: Serialize>(
    workload: &str,
    params: &P,
    seconds: f64,
    fields: &F,
) -> serde_json::Result<Value> {
    let mut out = Map::new();
    out.insert("workload".into(), Value::from(workload));
    out.insert("params".into(), serde_json::to_value(params)?);
    out.insert("seconds".into(), Value::from(seconds));
    if let Value::Object(extra) = serde_json::to_value(fields)? {
        out.extend(extra);
    }
    Ok(Value::Object(out))
}

/// Adds the thread count to a workload record (placed after `seconds`).
#[must_use]
pub fn with_threads(record: Value, threads: usize) -> Value {
    match record {
        Value::Object(map) => {
            let mut out = Map::new();
            for (key, value) in map {
                let after_seconds = key == "seconds";
                out.insert(key, value);
                if after_seconds {
                    out.insert("threads".into(), Value::from(threads));
                }
            }
            Value::Object(out)
        }
        other => other,
    }
}

/// Times `work` with a monotonic clock, returning its result and the elapsed seconds.
pub fn timed<T>(work: impl FnOnce() -> T) -> (T, f64) {
    let start = std::time::Instant::now();
    let out = work();
    (out, start.elapsed().as_secs_f64())
}
