//! Helpers shared by the integration tests of the rurban crates: the
//! closeness assertions the tests compare numbers with, the shared real data
//! beside the workspace root, JSON fixtures, scratch directories, and the
//! contract's weighting formulas written out as plain loops.
//!
//! This crate is a dev-dependency only and is never published.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

/// Asserts `|a - b| <= rel * max(|a|, |b|) + abs`: a relative tolerance
/// symmetric in its arguments plus an absolute floor.
#[track_caller]
pub fn close(a: f64, b: f64, rel: f64, abs: f64) {
    let tol = rel * a.abs().max(b.abs()) + abs;
    assert!(
        (a - b).abs() <= tol,
        "{a} vs {b}: difference {} exceeds {tol}",
        (a - b).abs()
    );
}

/// Whether `|a - b| <= tol * max(1, |b|)`: relative to the expected `b`
/// for values above 1 in size, absolute below.
pub fn close_scaled(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * b.abs().max(1.0)
}

/// Asserts [`close_scaled`]; `what` names the value in the message.
#[track_caller]
pub fn assert_scaled(a: f64, b: f64, tol: f64, what: &str) {
    assert!(close_scaled(a, b, tol), "{what}: {a} vs expected {b}");
}

/// Asserts [`close_scaled`] element-wise, and equal lengths.
#[track_caller]
pub fn assert_close(a: &[f64], b: &[f64], tol: f64, what: &str) {
    assert_eq!(a.len(), b.len(), "{what}: lengths differ: {a:?} vs {b:?}");
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        assert!(
            close_scaled(*x, *y, tol),
            "{what}[{i}]: {x} vs expected {y} (all: {a:?} vs {b:?})"
        );
    }
}

/// Whether `got == want` or `|got - want| <= tol * |want|`: purely relative
/// to the expected value, so an expected 0 must be met exactly.
pub fn close_rel(got: f64, want: f64, tol: f64) -> bool {
    got == want || (got - want).abs() <= tol * want.abs()
}

/// The workspace root (two levels above a crate's manifest directory).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The shared real data directory, `../shared/data` beside the workspace
/// root. It is not part of the repository.
pub fn shared_data_dir() -> PathBuf {
    workspace_root().join("../shared/data")
}

/// A file of the shared real data (`../shared/data` beside the workspace
/// root). Fails the test with a clear message when it is not there.
#[track_caller]
pub fn shared_data(rel: &str) -> PathBuf {
    let p = shared_data_dir().join(rel);
    assert!(
        p.is_file(),
        "the real data file {} is missing: these tests read the shared data set from \
         ../shared/data beside the workspace root (see shared/data/README.md); it is not \
         part of the repository and must be provided",
        p.display()
    );
    p
}

/// Reads a JSON file; panics with the path and the cause otherwise.
#[track_caller]
pub fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// Reads the JSON fixture `tests/fixtures/{name}` of the crate whose
/// manifest directory is `manifest_dir` (pass `env!("CARGO_MANIFEST_DIR")`).
#[track_caller]
pub fn fixture_json(manifest_dir: &str, name: &str) -> Value {
    read_json(&Path::new(manifest_dir).join("tests/fixtures").join(name))
}

/// A scratch directory, fresh and empty when made and removed when
/// dropped. Names are unique within the process and across processes.
#[derive(Debug)]
pub struct TempDir {
    path: PathBuf,
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

impl TempDir {
    /// A fresh, empty directory whose name contains `tag`.
    pub fn new(tag: &str) -> TempDir {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let path =
            std::env::temp_dir().join(format!("rurban-test-{}-{n}-{tag}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("cannot create a scratch directory");
        TempDir { path }
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `self/name`.
    pub fn join(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    /// Writes a text file (creating parent directories) and returns its path.
    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        self.write_bytes(name, text.as_bytes())
    }

    /// Writes a file (creating parent directories) and returns its path.
    pub fn write_bytes(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.path.join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("cannot create a scratch subdirectory");
        }
        std::fs::write(&p, bytes).expect("cannot write a scratch file");
        p
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// The contract's weighting formulas written out as plain loops, independent
/// of the program's code. `x[i][j]`: row i, column j.
pub mod reference {
    /// Direction-aware min-max over all rows; `None` for a constant column.
    pub fn minmax(x: &[Vec<f64>], negative: &[bool]) -> Vec<Option<Vec<f64>>> {
        let m = x[0].len();
        (0..m)
            .map(|j| {
                let col: Vec<f64> = x.iter().map(|r| r[j]).collect();
                let lo = col.iter().cloned().fold(f64::INFINITY, f64::min);
                let hi = col.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                if hi == lo {
                    return None;
                }
                Some(
                    col.iter()
                        .map(|v| {
                            if negative[j] {
                                (hi - v) / (hi - lo)
                            } else {
                                (v - lo) / (hi - lo)
                            }
                        })
                        .collect(),
                )
            })
            .collect()
    }

    fn normalise(v: Vec<f64>) -> Vec<f64> {
        let s: f64 = v.iter().sum();
        v.into_iter().map(|x| x / s).collect()
    }

    fn mean(v: &[f64]) -> f64 {
        v.iter().sum::<f64>() / v.len() as f64
    }

    /// Sample standard deviation (n - 1).
    pub fn sd(v: &[f64]) -> f64 {
        let mu = mean(v);
        (v.iter().map(|x| (x - mu) * (x - mu)).sum::<f64>() / (v.len() as f64 - 1.0)).sqrt()
    }

    fn pearson(a: &[f64], b: &[f64]) -> f64 {
        let (ma, mb) = (mean(a), mean(b));
        let mut sab = 0.0;
        let mut saa = 0.0;
        let mut sbb = 0.0;
        for k in 0..a.len() {
            sab += (a[k] - ma) * (b[k] - mb);
            saa += (a[k] - ma) * (a[k] - ma);
            sbb += (b[k] - mb) * (b[k] - mb);
        }
        sab / (saa * sbb).sqrt()
    }

    /// Entropy weights and entropies e_j (constant columns: weight 0; their
    /// e_j is not defined by the contract and returned as NaN).
    pub fn entropy(x: &[Vec<f64>], negative: &[bool], shift: f64) -> (Vec<f64>, Vec<f64>) {
        let n = x.len() as f64;
        let z = minmax(x, negative);
        let mut e = Vec::new();
        let mut d = Vec::new();
        for col in &z {
            match col {
                None => {
                    e.push(f64::NAN);
                    d.push(0.0);
                }
                Some(z) => {
                    let q: Vec<f64> = z.iter().map(|v| v + shift).collect();
                    let total: f64 = q.iter().sum();
                    let mut s = 0.0;
                    for qi in &q {
                        let p = qi / total;
                        if p > 0.0 {
                            s += p * p.ln();
                        }
                    }
                    let ej = -s / n.ln();
                    e.push(ej);
                    d.push(1.0 - ej);
                }
            }
        }
        (normalise(d), e)
    }

    /// CRITIC weights over the non-constant columns.
    pub fn critic(x: &[Vec<f64>], negative: &[bool]) -> Vec<f64> {
        let z = minmax(x, negative);
        let live: Vec<usize> = (0..z.len()).filter(|&j| z[j].is_some()).collect();
        let mut c = vec![0.0; z.len()];
        for &j in &live {
            let zj = z[j].as_ref().unwrap();
            let mut conflict = 0.0;
            for &k in &live {
                conflict += 1.0 - pearson(zj, z[k].as_ref().unwrap());
            }
            c[j] = sd(zj) * conflict;
        }
        normalise(c)
    }

    /// Standard-deviation weights over the non-constant columns.
    pub fn stddev(x: &[Vec<f64>], negative: &[bool]) -> Vec<f64> {
        let z = minmax(x, negative);
        normalise(
            z.iter()
                .map(|c| c.as_ref().map(|v| sd(v)).unwrap_or(0.0))
                .collect(),
        )
    }

    /// Coefficient-of-variation weights on raw values.
    pub fn cv(x: &[Vec<f64>]) -> Vec<f64> {
        let m = x[0].len();
        normalise(
            (0..m)
                .map(|j| {
                    let col: Vec<f64> = x.iter().map(|r| r[j]).collect();
                    sd(&col) / mean(&col)
                })
                .collect(),
        )
    }

    /// Equal weights.
    pub fn equal(m: usize) -> Vec<f64> {
        vec![1.0 / m as f64; m]
    }
}
