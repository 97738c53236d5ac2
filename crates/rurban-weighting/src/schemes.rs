//! The built-in weighting schemes.

use ndarray::ArrayView1;

use crate::{WeightError, WeightInput, Weighting, Weights};

/// Mean of a column.
fn mean(c: ArrayView1<'_, f64>) -> f64 {
    c.sum() / c.len() as f64
}

/// Sample standard deviation (n - 1) of a column.
fn sample_std(c: ArrayView1<'_, f64>) -> f64 {
    let mu = mean(c);
    let ss: f64 = c.iter().map(|x| (x - mu) * (x - mu)).sum();
    (ss / (c.len() as f64 - 1.0)).sqrt()
}

/// Scales non-negative scores to sum to 1.
fn share(scores: Vec<f64>) -> Result<Vec<f64>, WeightError> {
    let total: f64 = scores.iter().sum();
    if !total.is_finite() || total <= 0.0 {
        return Err(WeightError::Other(format!(
            "the weighting scores sum to {total}, not a positive number: no column carries information"
        )));
    }
    Ok(scores.into_iter().map(|s| s / total).collect())
}

fn constant_warnings(input: &WeightInput<'_>, method: &str) -> Vec<String> {
    input
        .names
        .iter()
        .zip(input.constant)
        .filter(|(_, c)| **c)
        .map(|(n, _)| {
            format!("column '{n}' is constant: left out of the {method} computation, weight 0")
        })
        .collect()
}

/// The entropy weight method.
#[derive(Debug, Clone, Copy, Default)]
pub struct Entropy;

impl Weighting for Entropy {
    fn name(&self) -> &str {
        "entropy"
    }
    fn description(&self) -> &str {
        "entropy weight method: w_j proportional to 1 - e_j"
    }
    fn weigh(&self, input: &WeightInput<'_>) -> Result<Weights, WeightError> {
        if !input.shift.is_finite() || input.shift < 0.0 {
            return Err(WeightError::Other(format!(
                "entropy shift must be a finite number >= 0, got {}",
                input.shift
            )));
        }
        let n = input.normalized.nrows();
        let k = 1.0 / (n as f64).ln();
        let m = input.normalized.ncols();
        let mut entropy = vec![1.0; m];
        let mut d = vec![0.0; m];
        for (j, col) in input.normalized.columns().into_iter().enumerate() {
            if input.constant[j] {
                continue;
            }
            let total: f64 = col.iter().map(|z| z + input.shift).sum();
            let mut acc = 0.0;
            for z in col {
                let p = (z + input.shift) / total;
                if p > 0.0 {
                    acc += p * p.ln();
                }
            }
            entropy[j] = -k * acc;
            d[j] = 1.0 - entropy[j];
        }
        Ok(Weights {
            weights: share(d)?,
            entropy: Some(entropy),
            warnings: constant_warnings(input, "entropy"),
        })
    }
}

/// CRITIC: contrast intensity times conflict.
#[derive(Debug, Clone, Copy, Default)]
pub struct Critic;

impl Weighting for Critic {
    fn name(&self) -> &str {
        "critic"
    }
    fn description(&self) -> &str {
        "CRITIC: c_j = s_j * sum_k (1 - r_jk)"
    }
    fn weigh(&self, input: &WeightInput<'_>) -> Result<Weights, WeightError> {
        let z = input.normalized;
        let m = z.ncols();
        let live: Vec<usize> = (0..m).filter(|&j| !input.constant[j]).collect();
        if live.len() < 2 {
            let names: Vec<String> = live
                .iter()
                .map(|&j| format!("'{}'", input.names[j]))
                .collect();
            return Err(WeightError::Other(format!(
                "CRITIC needs at least 2 non-constant columns (its conflict term compares columns), got {}: {}",
                live.len(),
                names.join(", ")
            )));
        }
        let means: Vec<f64> = (0..m).map(|j| mean(z.column(j))).collect();
        let stds: Vec<f64> = (0..m).map(|j| sample_std(z.column(j))).collect();
        let mut c = vec![0.0; m];
        for &j in &live {
            let mut conflict = 0.0;
            for &k in &live {
                let r = if j == k {
                    1.0
                } else {
                    let cov: f64 = z
                        .column(j)
                        .iter()
                        .zip(z.column(k))
                        .map(|(a, b)| (a - means[j]) * (b - means[k]))
                        .sum::<f64>()
                        / (z.nrows() as f64 - 1.0);
                    // Rounding can push |r| a hair past 1; keep it in range.
                    (cov / (stds[j] * stds[k])).clamp(-1.0, 1.0)
                };
                conflict += 1.0 - r;
            }
            c[j] = stds[j] * conflict;
        }
        if c.iter().all(|&v| v == 0.0) {
            return Err(WeightError::Other(
                "CRITIC: every non-constant column is perfectly correlated with every other (r = 1), so every c_j = 0".into(),
            ));
        }
        Ok(Weights {
            weights: share(c)?,
            entropy: None,
            warnings: constant_warnings(input, "CRITIC"),
        })
    }
}

/// Standard-deviation weights.
#[derive(Debug, Clone, Copy, Default)]
pub struct StdDev;

impl Weighting for StdDev {
    fn name(&self) -> &str {
        "stddev"
    }
    fn description(&self) -> &str {
        "standard deviation of the normalised values"
    }
    fn weigh(&self, input: &WeightInput<'_>) -> Result<Weights, WeightError> {
        let s = (0..input.normalized.ncols())
            .map(|j| {
                if input.constant[j] {
                    0.0
                } else {
                    sample_std(input.normalized.column(j))
                }
            })
            .collect();
        Ok(Weights {
            weights: share(s)?,
            entropy: None,
            warnings: constant_warnings(input, "stddev"),
        })
    }
}

/// Coefficient-of-variation weights on the raw values.
#[derive(Debug, Clone, Copy, Default)]
pub struct Cv;

impl Weighting for Cv {
    fn name(&self) -> &str {
        "cv"
    }
    fn description(&self) -> &str {
        "coefficient of variation of the raw values (all > 0)"
    }
    fn weigh(&self, input: &WeightInput<'_>) -> Result<Weights, WeightError> {
        let mut v = Vec::with_capacity(input.raw.ncols());
        for (j, col) in input.raw.columns().into_iter().enumerate() {
            if let Some(i) = col.iter().position(|&x| x <= 0.0) {
                return Err(WeightError::BadValue {
                    column: input.names[j].clone(),
                    row: i + 1,
                    message: format!(
                        "value {} is not > 0: the cv method needs positive raw values",
                        col[i]
                    ),
                });
            }
            v.push(sample_std(col) / mean(col));
        }
        Ok(Weights {
            weights: share(v)?,
            entropy: None,
            warnings: Vec::new(),
        })
    }
}

/// Equal weights.
#[derive(Debug, Clone, Copy, Default)]
pub struct Equal;

impl Weighting for Equal {
    fn name(&self) -> &str {
        "equal"
    }
    fn description(&self) -> &str {
        "equal weights 1/m"
    }
    fn weigh(&self, input: &WeightInput<'_>) -> Result<Weights, WeightError> {
        let m = input.normalized.ncols();
        Ok(Weights {
            weights: vec![1.0 / m as f64; m],
            entropy: None,
            warnings: Vec::new(),
        })
    }
}

/// Names of the built-in schemes, in the order they are listed.
pub fn builtin_names() -> &'static [&'static str] {
    &["entropy", "critic", "stddev", "cv", "equal"]
}

/// A built-in scheme by name.
pub fn builtin(name: &str) -> Option<Box<dyn Weighting>> {
    Some(match name {
        "entropy" => Box::new(Entropy),
        "critic" => Box::new(Critic),
        "stddev" => Box::new(StdDev),
        "cv" => Box::new(Cv),
        "equal" => Box::new(Equal),
        _ => return None,
    })
}
