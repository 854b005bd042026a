//! Messages on the wire: any serde value, written as RON text.
//!
//! RON writes every `f64` in Rust's shortest round-trip form and the standard library parses it
//! correctly rounded, so objectives, genomes and checkpoints cross a rank boundary bit for bit
//! (dgnn-evo's checkpoints rely on the same property, and its tests check it for every finite
//! value). Messages are small (a genome, an evaluation), so the text form costs little next to
//! one training, and a message can be read by eye when a protocol goes wrong.

use crate::error::MpiError;
use crate::transport::Transport;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Encodes a message.
///
/// # Errors
/// [`MpiError::Transport`] for a value serde cannot write (a map with non-string keys, say).
pub fn encode<M: Serialize>(message: &M) -> Result<Vec<u8>, MpiError> {
    ron::to_string(message)
        .map(String::into_bytes)
        .map_err(|e| MpiError::Transport(format!("cannot encode a message: {e}")))
}

/// Decodes a message sent by rank `from`.
///
/// # Errors
/// [`MpiError::Decode`] naming the sender.
pub fn decode<M: DeserializeOwned>(from: usize, bytes: &[u8]) -> Result<M, MpiError> {
    let text =
        std::str::from_utf8(bytes).map_err(|e| MpiError::Decode { from, reason: e.to_string() })?;
    ron::from_str(text).map_err(|e| MpiError::Decode { from, reason: e.to_string() })
}

/// Sends `message` to rank `to`; returns the bytes sent.
///
/// # Errors
/// As [`encode`] and [`Transport::send`].
pub fn send<T: Transport + ?Sized, M: Serialize>(
    transport: &T,
    to: usize,
    message: &M,
) -> Result<usize, MpiError> {
    let bytes = encode(message)?;
    let length = bytes.len();
    transport.send(to, bytes)?;
    Ok(length)
}

/// Waits for the next message from any rank and decodes it; returns the sender, the message and
/// its size in bytes.
///
/// # Errors
/// As [`decode`] and [`Transport::receive`].
pub fn receive<T: Transport + ?Sized, M: DeserializeOwned>(
    transport: &T,
) -> Result<(usize, M, usize), MpiError> {
    let (from, bytes) = transport.receive()?;
    Ok((from, decode(from, &bytes)?, bytes.len()))
}

/// Rank 0 hands every other rank the same value (the checked config of a run, say) or `None`
/// (rank 0 could not start: the others leave). Workers pass `None` and receive the value.
///
/// # Errors
/// As [`send`] and [`receive`].
pub fn share_from_root<T: Transport + ?Sized, M: Serialize + DeserializeOwned>(
    transport: &T,
    value: Option<M>,
) -> Result<Option<M>, MpiError> {
    if transport.rank() == 0 {
        let bytes = encode(&value)?;
        for rank in 1..transport.size() {
            transport.send(rank, bytes.clone())?;
        }
        Ok(value)
    } else {
        let (_, value, _) = receive::<T, Option<M>>(transport)?;
        Ok(value)
    }
}
