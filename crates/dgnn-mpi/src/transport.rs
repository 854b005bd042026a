//! How ranks reach each other: the [`Transport`] trait (point-to-point byte messages), and
//! [`ThreadRanks`], ranks as threads of one process over channels.
//!
//! Every protocol of this crate is a star around rank 0: a worker only ever receives from rank
//! 0, and it never has more than one message to rank 0 waiting for an answer. So a transport
//! needs no tags and no receive-from-one-rank: `send` and `receive` from any rank suffice, and
//! message order between two ranks is kept (MPI's non-overtaking rule; a channel's order).
//!
//! The MPI transport (`MpiWorld`, behind the `mpi` feature) is one
//! implementation; [`ThreadRanks`] is the other, so that every protocol is tested without an MPI
//! library, with any number of ranks, in `cargo test`.

use crate::error::MpiError;
use std::sync::Mutex;
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::time::Duration;

/// The longest pause between two looks for a message while waiting (a waiting rank sleeps, so
/// its core goes to the evaluations; evaluations last milliseconds to minutes, so a millisecond
/// of latency costs nothing).
pub const LONGEST_POLL_PAUSE: Duration = Duration::from_millis(1);

/// Point-to-point messages between the ranks of a job (module docs).
pub trait Transport {
    /// This process's rank (0 = the rank that runs the engine and writes files).
    fn rank(&self) -> usize;

    /// The number of ranks.
    fn size(&self) -> usize;

    /// Sends `bytes` to rank `to` (returns once the buffer may be reused).
    ///
    /// # Errors
    /// [`MpiError::Transport`] when the message cannot be sent.
    fn send(&self, to: usize, bytes: Vec<u8>) -> Result<(), MpiError>;

    /// The next message from any rank, with its sender, if one has arrived.
    ///
    /// # Errors
    /// [`MpiError::Transport`] when the transport broke.
    fn try_receive(&self) -> Result<Option<(usize, Vec<u8>)>, MpiError>;

    /// Waits for the next message from any rank: looks for one, pausing between looks for up to
    /// [`LONGEST_POLL_PAUSE`] (MPI's own blocking receive would keep a core busy).
    ///
    /// # Errors
    /// As [`Transport::try_receive`].
    fn receive(&self) -> Result<(usize, Vec<u8>), MpiError> {
        let mut pause = Duration::from_micros(10);
        loop {
            if let Some(message) = self.try_receive()? {
                return Ok(message);
            }
            std::thread::sleep(pause);
            pause = (pause * 2).min(LONGEST_POLL_PAUSE);
        }
    }
}

/// One rank of [`ThreadRanks`].
pub struct ThreadRank {
    rank: usize,
    peers: Vec<Sender<(usize, Vec<u8>)>>,
    inbox: Mutex<Receiver<(usize, Vec<u8>)>>,
}

/// Ranks as threads of one process, connected by channels: the transport of the tests and of
/// anything that wants the protocols without an MPI library.
pub struct ThreadRanks;

impl ThreadRanks {
    /// `size` connected ranks (at least one); hand each to its own thread.
    #[must_use]
    pub fn connect(size: usize) -> Vec<ThreadRank> {
        let (senders, receivers): (Vec<_>, Vec<_>) =
            (0..size.max(1)).map(|_| mpsc::channel()).unzip();
        receivers
            .into_iter()
            .enumerate()
            .map(|(rank, inbox)| ThreadRank {
                rank,
                peers: senders.clone(),
                inbox: Mutex::new(inbox),
            })
            .collect()
    }
}

impl Transport for ThreadRank {
    fn rank(&self) -> usize {
        self.rank
    }

    fn size(&self) -> usize {
        self.peers.len()
    }

    fn send(&self, to: usize, bytes: Vec<u8>) -> Result<(), MpiError> {
        let peer = self.peers.get(to).ok_or_else(|| {
            MpiError::Transport(format!("no rank {to} among {}", self.peers.len()))
        })?;
        peer.send((self.rank, bytes))
            .map_err(|_| MpiError::RankFailed { rank: to, during: "(its thread ended)".into() })
    }

    fn try_receive(&self) -> Result<Option<(usize, Vec<u8>)>, MpiError> {
        let inbox = self.inbox.lock().map_err(|_| MpiError::Transport("inbox poisoned".into()))?;
        match inbox.try_recv() {
            Ok(message) => Ok(Some(message)),
            Err(TryRecvError::Empty) => Ok(None),
            Err(TryRecvError::Disconnected) => {
                Err(MpiError::Transport("every sender of this rank's inbox is gone".into()))
            }
        }
    }

    /// Blocks on the channel (no polling needed in one process).
    fn receive(&self) -> Result<(usize, Vec<u8>), MpiError> {
        let inbox = self.inbox.lock().map_err(|_| MpiError::Transport("inbox poisoned".into()))?;
        inbox
            .recv()
            .map_err(|_| MpiError::Transport("every sender of this rank's inbox is gone".into()))
    }
}
