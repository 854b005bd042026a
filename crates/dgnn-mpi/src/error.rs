//! The errors of dgnn-mpi: a rank that failed, a message that cannot be read, a transport that
//! broke. Each names the rank concerned and what to do.

/// Everything that can go wrong while ranks work together.
#[derive(Debug, thiserror::Error)]
pub enum MpiError {
    /// A rank could not set itself up (its data, its config) and left the job.
    #[error("rank {rank} could not set up: {reason}")]
    Setup {
        /// The rank that failed.
        rank: usize,
        /// What it reported.
        reason: String,
    },
    /// A message did not decode as the protocol expects (ranks running different builds of
    /// dgnn, or a damaged message).
    #[error(
        "a message from rank {from} could not be read: {reason} (run the same dgnn build on \
         every rank)"
    )]
    Decode {
        /// The sender.
        from: usize,
        /// What the decoder said.
        reason: String,
    },
    /// A message arrived that the protocol does not allow at this point.
    #[error(
        "rank {from} sent {found} where {expected} was expected (run the same dgnn build on every rank)"
    )]
    Protocol {
        /// The sender.
        from: usize,
        /// What was expected.
        expected: &'static str,
        /// What came.
        found: String,
    },
    /// A rank stopped answering: it died or its node went away.
    #[error("rank {rank} failed {during}")]
    RankFailed {
        /// The rank that failed.
        rank: usize,
        /// When ("during generation 4", "while running item 12" …).
        during: String,
    },
    /// The transport itself failed (a peer's channel closed, MPI reported an error).
    #[error("the MPI transport failed: {0}")]
    Transport(String),
}
