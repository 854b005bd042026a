//! Experiments that answer the source paper's questions with data.
//!
//! An experiment states a question in the paper's terms, runs independent items (seed × arm ×
//! data set) in parallel, and decides a verdict — *supported*, *not supported* or
//! *inconclusive* — by a decision rule declared in its config before anything runs.
//!
//! - [`stats`]: bootstrap intervals, rank and permutation tests, with scipy's conventions.

pub mod stats;

pub use dgnn_core::{ParamError, Seed};
