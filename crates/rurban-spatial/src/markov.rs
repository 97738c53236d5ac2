//! Classic and spatial (Rey 2001) Markov chains of a balanced panel.
//!
//! Definitions: CONTRACT.md "## Geography"; the steady-state uniqueness rule
//! is in docs/methods/spatial.md.

use serde::{Deserialize, Serialize};

use crate::classify::quantile_sorted;

use crate::{SpatialError, SpatialWeights};

/// How the value classes are cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ClassScope {
    /// Quantiles of all region-years pooled (default).
    #[default]
    Pooled,
    /// Quantiles of each year.
    Year,
}

/// The spatial Markov part of the result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpatialMarkov {
    /// Number of lag classes.
    pub m: usize,
    /// Cut-offs of the pooled lag classes.
    pub lag_cutoffs: Vec<f64>,
    /// `counts[l][a][b]`.
    pub counts: Vec<Vec<Vec<u64>>>,
    /// `probabilities[l][a][b]`.
    pub probabilities: Vec<Vec<Vec<f64>>>,
    /// Steady state of each lag class's matrix, or null.
    pub steady_states: Vec<Option<Vec<f64>>>,
}

/// The contract's markov JSON (less the warnings).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarkovResult {
    /// Number of classes.
    pub k: usize,
    /// Cut-offs: a flat list (pooled) or one list per year (`--classes year`).
    pub cutoffs: Cutoffs,
    /// Transition counts.
    pub counts: Vec<Vec<u64>>,
    /// Transition probabilities.
    pub probabilities: Vec<Vec<f64>>,
    /// The steady state, or null.
    pub steady_state: Option<Vec<f64>>,
    /// Present with spatial weights.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub spatial: Option<SpatialMarkov>,
    /// Warnings (no unique steady state, ...).
    #[serde(skip)]
    pub warnings: Vec<String>,
}

/// Cut-offs of the value classes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Cutoffs {
    /// Pooled classes.
    Pooled(Vec<f64>),
    /// One list per year.
    Year(Vec<Vec<f64>>),
}

/// A Markov chain of `values[region][year]` (balanced; years consecutive in
/// the given order). With `w` (over the same regions, in the same order), the
/// spatial chain with `m` lag classes.
///
/// `w` must already be row-standardised (it is used as given). Needs at least
/// 2 years, k >= 2 (and m >= 2), finite values, and values spread enough that
/// the quantiles give k (m) distinct cut-offs.
pub fn markov(
    values: &[Vec<f64>],
    k: usize,
    classes: ClassScope,
    w: Option<(&SpatialWeights, usize)>,
) -> Result<MarkovResult, SpatialError> {
    check_panel(values, k)?;
    let (class, cutoffs) = value_classes(values, k, classes)?;
    let counts = transition_counts(&class, k);
    let probabilities = probabilities_of(&counts);
    let mut warnings = Vec::new();
    let steady_state = match steady_state(&probabilities) {
        Ok(s) => Some(s),
        Err(why) => {
            warnings.push(format!("Markov chain: {why}"));
            None
        }
    };

    let spatial = match w {
        None => None,
        Some((w, m)) => Some(spatial_chain(values, &class, k, w, m, &mut warnings)?),
    };

    Ok(MarkovResult {
        k,
        cutoffs,
        counts,
        probabilities,
        steady_state,
        spatial,
        warnings,
    })
}

/// At least one region, balanced, at least 2 years and 2 classes, finite.
fn check_panel(values: &[Vec<f64>], k: usize) -> Result<(), SpatialError> {
    if values.is_empty() {
        return Err(invalid("Markov chain: no regions".into()));
    }
    let t = values[0].len();
    if let Some((r, row)) = values.iter().enumerate().find(|(_, r)| r.len() != t) {
        return Err(invalid(format!(
            "Markov chain: the panel is not balanced: region {} has {} years, region 1 has {t}",
            r + 1,
            row.len()
        )));
    }
    if t < 2 {
        return Err(invalid(format!(
            "Markov chain: needs at least 2 years, got {t}"
        )));
    }
    if k < 2 {
        return Err(invalid(format!(
            "Markov chain: needs at least 2 classes, got k = {k}"
        )));
    }
    for (r, row) in values.iter().enumerate() {
        if let Some(y) = row.iter().position(|v| !v.is_finite()) {
            return Err(invalid(format!(
                "Markov chain: region {}, year {}: the value is not a finite number ({})",
                r + 1,
                y + 1,
                row[y]
            )));
        }
    }
    Ok(())
}

/// The class of every region-year by the quantiles of the pooled values or
/// of each year, with the cut-offs.
fn value_classes(
    values: &[Vec<f64>],
    k: usize,
    classes: ClassScope,
) -> Result<(Vec<Vec<usize>>, Cutoffs), SpatialError> {
    let (n, t) = (values.len(), values[0].len());
    let mut class = vec![vec![0usize; t]; n];
    let cutoffs = match classes {
        ClassScope::Pooled => {
            let b = cut(
                values.iter().flatten().copied().collect(),
                k,
                "the pooled values",
            )?;
            for (r, row) in values.iter().enumerate() {
                for (y, &v) in row.iter().enumerate() {
                    class[r][y] = class_of(v, &b);
                }
            }
            Cutoffs::Pooled(b[..k - 1].to_vec())
        }
        ClassScope::Year => {
            let mut all = Vec::with_capacity(t);
            for y in 0..t {
                let col: Vec<f64> = values.iter().map(|row| row[y]).collect();
                let b = cut(col, k, &format!("the values of year {}", y + 1))?;
                for r in 0..n {
                    class[r][y] = class_of(values[r][y], &b);
                }
                all.push(b[..k - 1].to_vec());
            }
            Cutoffs::Year(all)
        }
    };
    Ok((class, cutoffs))
}

/// Transitions from each class to each class between consecutive years.
fn transition_counts(class: &[Vec<usize>], k: usize) -> Vec<Vec<u64>> {
    let mut counts = vec![vec![0u64; k]; k];
    for row in class {
        for y in 0..row.len() - 1 {
            counts[row[y]][row[y + 1]] += 1;
        }
    }
    counts
}

fn spatial_chain(
    values: &[Vec<f64>],
    class: &[Vec<usize>],
    k: usize,
    w: &SpatialWeights,
    m: usize,
    warnings: &mut Vec<String>,
) -> Result<SpatialMarkov, SpatialError> {
    let (n, t) = (values.len(), values[0].len());
    if w.n() != n {
        return Err(invalid(format!(
            "spatial Markov chain: the weights have {} regions, the panel {n}",
            w.n()
        )));
    }
    if m < 2 {
        return Err(invalid(format!(
            "spatial Markov chain: needs at least 2 lag classes, got m = {m}"
        )));
    }
    // lag[r][y]
    let mut lag = vec![vec![0.0; t]; n];
    for y in 0..t {
        let col: Vec<f64> = values.iter().map(|row| row[y]).collect();
        for (r, l) in w.lag(&col).into_iter().enumerate() {
            lag[r][y] = l;
        }
    }
    let lb = cut(
        lag.iter().flatten().copied().collect(),
        m,
        "the spatial lags",
    )?;
    let mut counts = vec![vec![vec![0u64; k]; k]; m];
    for r in 0..n {
        for y in 0..t - 1 {
            let l = class_of(lag[r][y], &lb);
            counts[l][class[r][y]][class[r][y + 1]] += 1;
        }
    }
    let probabilities: Vec<Vec<Vec<f64>>> = counts.iter().map(|c| probabilities_of(c)).collect();
    let steady_states = probabilities
        .iter()
        .enumerate()
        .map(|(l, p)| match steady_state(p) {
            Ok(s) => Some(s),
            Err(why) => {
                warnings.push(format!("spatial Markov chain, lag class {}: {why}", l + 1));
                None
            }
        })
        .collect();
    Ok(SpatialMarkov {
        m,
        lag_cutoffs: lb[..m - 1].to_vec(),
        counts,
        probabilities,
        steady_states,
    })
}

fn invalid(m: String) -> SpatialError {
    SpatialError::Invalid(m)
}

/// Quantile bins of `v` that must give exactly `k` distinct cut-offs.
fn cut(mut v: Vec<f64>, k: usize, what: &str) -> Result<Vec<f64>, SpatialError> {
    v.sort_by(f64::total_cmp);
    let b = quantile_sorted(&v, k);
    if b.len() < k {
        return Err(invalid(format!(
            "Markov chain: {what} give only {} distinct quantile cut-offs for {k} classes \
             (too many equal values); choose fewer classes",
            b.len()
        )));
    }
    Ok(b)
}

/// Rows of `counts` divided by their sums; a row of zeros stays zero.
fn probabilities_of(counts: &[Vec<u64>]) -> Vec<Vec<f64>> {
    counts
        .iter()
        .map(|row| {
            let s: u64 = row.iter().sum();
            row.iter()
                .map(|&c| if s == 0 { 0.0 } else { c as f64 / s as f64 })
                .collect()
        })
        .collect()
}

/// The steady state of `p` (rows sum to 1 or are all zero), or why there is
/// none or more than one.
///
/// Stationary vectors live on the recurrent classes: the communicating classes
/// (strongly connected components of the graph `a -> b` when `p[a][b] > 0`)
/// that no transition leaves and whose states all have a non-zero row. With
/// exactly one such class the steady state is unique: it is solved on that
/// class by the GTH algorithm (Grassmann, Taksar and Heyman 1985, free of
/// subtractions), and every other class, transient or with a zero row, gets 0.
#[allow(clippy::needless_range_loop)] // matrix indices read clearer
pub fn steady_state(p: &[Vec<f64>]) -> Result<Vec<f64>, String> {
    let k = p.len();
    // reachability, reflexive (Floyd-Warshall on booleans; k is small)
    let mut reach = vec![vec![false; k]; k];
    for a in 0..k {
        reach[a][a] = true;
        for b in 0..k {
            if p[a][b] > 0.0 {
                reach[a][b] = true;
            }
        }
    }
    for c in 0..k {
        for a in 0..k {
            if reach[a][c] {
                for b in 0..k {
                    if reach[c][b] {
                        reach[a][b] = true;
                    }
                }
            }
        }
    }
    let mut recurrent: Vec<Vec<usize>> = Vec::new();
    let mut seen = vec![false; k];
    for a in 0..k {
        if seen[a] {
            continue;
        }
        let members: Vec<usize> = (0..k).filter(|&b| reach[a][b] && reach[b][a]).collect();
        for &b in &members {
            seen[b] = true;
        }
        let closed = members
            .iter()
            .all(|&i| (0..k).all(|j| p[i][j] == 0.0 || members.contains(&j)));
        let live = members.iter().all(|&i| p[i].iter().any(|&v| v > 0.0));
        if closed && live {
            recurrent.push(members);
        }
    }
    match recurrent.len() {
        0 => Err(
            "no steady state: every path leads to a class with no observed transition out".into(),
        ),
        1 => {
            let c = &recurrent[0];
            let sub: Vec<Vec<f64>> = c
                .iter()
                .map(|&i| c.iter().map(|&j| p[i][j]).collect())
                .collect();
            let pi = gth(sub);
            let mut s = vec![0.0; k];
            for (&i, v) in c.iter().zip(pi) {
                s[i] = v;
            }
            Ok(s)
        }
        r => Err(format!(
            "no unique steady state: the chain has {r} closed sets of classes ({})",
            recurrent
                .iter()
                .map(|c| c
                    .iter()
                    .map(|i| (i + 1).to_string())
                    .collect::<Vec<_>>()
                    .join(", "))
                .map(|s| format!("{{{s}}}"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// The stationary vector of an irreducible stochastic matrix (GTH).
#[allow(clippy::needless_range_loop)] // matrix indices read clearer
fn gth(mut a: Vec<Vec<f64>>) -> Vec<f64> {
    let n = a.len();
    for m in (1..n).rev() {
        let s: f64 = a[m][..m].iter().sum();
        for i in 0..m {
            a[i][m] /= s;
        }
        for i in 0..m {
            let aim = a[i][m];
            if aim != 0.0 {
                for j in 0..m {
                    a[i][j] += aim * a[m][j];
                }
            }
        }
    }
    let mut pi = vec![0.0; n];
    pi[0] = 1.0;
    for j in 1..n {
        pi[j] = (0..j).map(|i| pi[i] * a[i][j]).sum();
    }
    let total: f64 = pi.iter().sum();
    pi.iter().map(|v| v / total).collect()
}

fn class_of(v: f64, bins: &[f64]) -> usize {
    crate::classify::class_of(v, bins)
}
