//! One module per `dgnn` subcommand: argument definitions and the glue from arguments to
//! library calls to a result folder.

pub mod bench;
pub mod experiment;
pub mod predict;
pub mod report;
pub mod search;
pub mod simulate;
pub mod staircase;
pub mod sync;
pub mod tongues;
pub mod train;
