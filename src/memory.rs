//! How much memory a run may use, and refusing runs that would need more (issue 14: a config
//! asking for 10⁸ networks or a 10¹⁹-cell map must be refused with its estimate, not grow until
//! the machine swaps or the allocator aborts).
//!
//! The memory available to this process is the least of: the machine's `MemAvailable`
//! (`/proc/meminfo`), the room left under the cgroup's `memory.max` (a SLURM job or a
//! container), and the room left under the address-space limit (`ulimit -v`). Where none can
//! be read, nothing is refused.

/// The memory this process can still use, in bytes (module docs), or `None` where it cannot
/// be read.
#[must_use]
pub fn available() -> Option<u64> {
    [machine_available(), cgroup_room(), address_space_room()].into_iter().flatten().min()
}

/// Refuses work that needs `needed` bytes (`None`: more than 2⁶⁴, the count overflowed) when
/// that is more than [`available`]; `what` names the work and the fields it grows with, `fix`
/// says what to lower.
///
/// # Errors
/// The refusal, with the estimate and what is available.
pub fn check_fits(what: &str, needed: Option<u64>, fix: &str) -> anyhow::Result<()> {
    let Some(room) = available() else { return Ok(()) };
    match needed {
        Some(needed) if needed <= room => Ok(()),
        Some(needed) => anyhow::bail!(
            "{what} needs about {} of memory, more than the {} available: {fix}",
            bytes(needed),
            bytes(room)
        ),
        None => anyhow::bail!(
            "{what} needs more than 16 EiB of memory (its sizes overflow), and {} are \
             available: {fix}",
            bytes(room)
        ),
    }
}

/// A byte count for people: `4.0 KiB`, `381.5 GiB`.
#[must_use]
pub fn bytes(n: u64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < units.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 { format!("{n} B") } else { format!("{value:.1} {}", units[unit]) }
}

/// The product of `factors` in bytes, `None` when it overflows.
#[must_use]
pub fn product(factors: &[usize]) -> Option<u64> {
    factors.iter().try_fold(1u64, |acc, &f| acc.checked_mul(u64::try_from(f).ok()?))
}

/// `MemAvailable` of `/proc/meminfo`.
fn machine_available() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    kib_field(&text, "MemAvailable:")
}

/// `memory.max − memory.current` of this process's cgroup (v2), when it has a limit.
fn cgroup_room() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    let path = text.lines().find_map(|l| l.strip_prefix("0::"))?;
    let dir = std::path::Path::new("/sys/fs/cgroup").join(path.trim_start_matches('/'));
    let max: u64 = std::fs::read_to_string(dir.join("memory.max")).ok()?.trim().parse().ok()?;
    let current: u64 =
        std::fs::read_to_string(dir.join("memory.current")).ok()?.trim().parse().ok()?;
    Some(max.saturating_sub(current))
}

/// The soft address-space limit (`ulimit -v`) less the address space in use (`VmSize`).
fn address_space_room() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max address space"))?;
    let soft: u64 = line.split_whitespace().nth(3)?.parse().ok()?;
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let used = kib_field(&status, "VmSize:")?;
    Some(soft.saturating_sub(used))
}

/// A `NAME:  1234 kB` field of a `/proc` file, in bytes.
fn kib_field(text: &str, name: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.starts_with(name))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib.saturating_mul(1024))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_counts_read_naturally() {
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(4096), "4.0 KiB");
        assert_eq!(bytes(3 << 30), "3.0 GiB");
    }

    #[test]
    fn products_overflow_to_none() {
        assert_eq!(product(&[1000, 1000, 8]), Some(8_000_000));
        assert_eq!(product(&[usize::MAX, 2]), None);
    }

    #[test]
    fn an_impossible_need_is_refused_with_the_estimate() {
        if available().is_none() {
            return; // Nothing to compare with on this system.
        }
        let err = check_fits("the map's 10¹⁸ cells", Some(u64::MAX / 2), "lower b_count")
            .unwrap_err()
            .to_string();
        assert!(err.contains("8.0 EiB") && err.contains("lower b_count"), "{err}");
        let err = check_fits("the map", None, "lower b_count").unwrap_err().to_string();
        assert!(err.contains("overflow"), "{err}");
        check_fits("one byte", Some(1), "nothing").unwrap();
    }
}
