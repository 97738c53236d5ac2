//! The one place that knows how much memory the process may use, and the
//! check every allocation that grows with the input goes through.
//!
//! A method that needs a buffer whose size grows with its input (a
//! correlation matrix, a distance matrix, a panel cube) estimates the bytes
//! up front with [`bytes_for`] and calls [`ensure`] (or allocates with
//! [`try_vec`], which also reserves with `try_reserve`), so that an input too
//! large for the machine is an error naming the size and the way out rather
//! than an abort of the whole process.
//!
//! The memory available is the smaller of the physical memory
//! (`MemTotal` in `/proc/meminfo`) and the soft address-space limit
//! (`RLIMIT_AS`, as `/proc/self/limits` shows it). Where neither can be read
//! (not Linux) the limit is unknown and only `try_reserve` guards.

use std::fmt;
use std::sync::OnceLock;

/// An allocation refused because it exceeds the memory available.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemoryError {
    /// What the memory was needed for, e.g. `the correlation matrix of 100000 columns`.
    pub what: String,
    /// Bytes needed (`None` when the size overflows 64 bits).
    pub bytes: Option<u64>,
    /// Bytes available to the process (`None` when unknown).
    pub available: Option<u64>,
    /// What the user can do instead, e.g. `use fewer columns`.
    pub way_out: String,
}

impl fmt::Display for MemoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let need = self
            .bytes
            .map_or_else(|| "more than 16 EiB".to_string(), human_bytes);
        write!(f, "{} needs {need} of memory", self.what)?;
        match self.available {
            Some(a) => write!(f, ", more than the {} available", human_bytes(a))?,
            None => write!(f, ", which could not be allocated")?,
        }
        write!(f, "; {}", self.way_out)
    }
}

impl std::error::Error for MemoryError {}

/// `bytes` in binary units with one decimal: `1.5 GiB`, `800 B`.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut v = bytes as f64 / 1024.0;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    format!("{v:.1} {}", UNITS[u])
}

/// The bytes of `count` values of type `T`, `None` on overflow.
pub fn bytes_for<T>(count: u128) -> Option<u64> {
    count
        .checked_mul(size_of::<T>() as u128)
        .and_then(|b| u64::try_from(b).ok())
}

/// The memory available to this process in bytes: the smaller of the
/// physical memory and the address-space limit, `None` when neither is known.
/// Read once per process (a command checks many allocations).
pub fn available() -> Option<u64> {
    static AVAILABLE: OnceLock<Option<u64>> = OnceLock::new();
    *AVAILABLE.get_or_init(read_available)
}

/// [`available`], read from `/proc`.
fn read_available() -> Option<u64> {
    let physical = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| meminfo_total(&s));
    let limit = std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|s| address_space_limit(&s));
    match (physical, limit) {
        (Some(p), Some(l)) => Some(p.min(l)),
        (p, l) => p.or(l),
    }
}

/// `MemTotal` of a `/proc/meminfo` text, in bytes.
fn meminfo_total(text: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    kib.checked_mul(1024)
}

/// The soft `Max address space` of a `/proc/self/limits` text in bytes;
/// `None` when unlimited.
fn address_space_limit(text: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.starts_with("Max address space"))?;
    line["Max address space".len()..]
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Refuses an allocation of `bytes` (`None`: the size overflowed) beyond
/// the memory [`available`] to the process.
pub fn ensure(bytes: Option<u64>, what: &str, way_out: &str) -> Result<(), MemoryError> {
    ensure_within(bytes, available(), what, way_out)
}

/// [`ensure`] against a given limit (`None`: unknown, nothing refused but
/// an overflowing size).
pub fn ensure_within(
    bytes: Option<u64>,
    available: Option<u64>,
    what: &str,
    way_out: &str,
) -> Result<(), MemoryError> {
    let refuse = match (bytes, available) {
        (None, _) => true,
        (Some(b), Some(a)) => b > a,
        (Some(_), None) => false,
    };
    if refuse {
        return Err(MemoryError {
            what: what.to_string(),
            bytes,
            available,
            way_out: way_out.to_string(),
        });
    }
    Ok(())
}

/// A vector of `n` copies of `value`, checked against the memory available
/// and reserved with `try_reserve`, so that a refusal is an error, not an
/// abort.
pub fn try_vec<T: Clone>(
    n: usize,
    value: T,
    what: &str,
    way_out: &str,
) -> Result<Vec<T>, MemoryError> {
    let bytes = bytes_for::<T>(n as u128);
    ensure(bytes, what, way_out)?;
    let mut v = Vec::new();
    v.try_reserve_exact(n).map_err(|_| MemoryError {
        what: what.to_string(),
        bytes,
        available: None,
        way_out: way_out.to_string(),
    })?;
    v.resize(n, value);
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_proc_formats() {
        let meminfo = "MemTotal:       16318976 kB\nMemFree:  1 kB\n";
        assert_eq!(meminfo_total(meminfo), Some(16318976 * 1024));
        let limits = "Limit                     Soft Limit           Hard Limit           Units     \n\
Max stack size            8388608              unlimited            bytes     \n\
Max address space         1073741824           unlimited            bytes     \n";
        assert_eq!(address_space_limit(limits), Some(1 << 30));
        let unlimited =
            "Max address space         unlimited            unlimited            bytes     \n";
        assert_eq!(address_space_limit(unlimited), None);
    }

    #[test]
    fn refuses_beyond_the_limit_naming_size_and_way_out() {
        assert!(ensure_within(Some(100), Some(100), "x", "y").is_ok());
        assert!(ensure_within(Some(1 << 40), None, "x", "y").is_ok());
        let e = ensure_within(
            bytes_for::<f64>(100_000 * 100_000),
            Some(8 << 30),
            "the correlation matrix of 100000 columns",
            "use fewer columns",
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "the correlation matrix of 100000 columns needs 74.5 GiB of memory, \
             more than the 8.0 GiB available; use fewer columns"
        );
        // A size that overflows 64 bits is always refused.
        assert_eq!(bytes_for::<f64>(u128::from(u64::MAX)), None);
        assert!(ensure_within(None, None, "x", "y").is_err());
    }

    #[test]
    fn this_machine_has_a_limit_and_small_vectors_fit() {
        if cfg!(target_os = "linux") {
            assert!(available().is_some_and(|a| a > 1 << 20));
        }
        assert_eq!(try_vec(3, 1.5f64, "x", "y").unwrap(), vec![1.5; 3]);
        let e = try_vec(usize::MAX / 2, 0u64, "a huge vector", "ask for less").unwrap_err();
        assert!(e.to_string().starts_with("a huge vector needs"), "{e}");
    }

    #[test]
    fn human_units() {
        assert_eq!(human_bytes(800), "800 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(10 * (1 << 30)), "10.0 GiB");
    }
}
