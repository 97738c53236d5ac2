//! The Saltelli (2010) design: matrices A and B of uniforms, the blocks
//! AB_g, and the realisation of a row as the assumptions of one run.

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::error::RobustError;
use crate::factors::{FactorKind, Factors, pick};

/// Stream tag of matrix A (ASCII "A").
const STREAM_A: u64 = 0x41;
/// Stream tag of matrix B (ASCII "B").
const STREAM_B: u64 = 0x42;

/// The SplitMix64 finaliser (a bijection of u64 with full avalanche).
fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn stream(seed: u64, tag: u64) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(mix64(seed ^ mix64(tag)))
}

/// Which matrix a run's row comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Block {
    /// Matrix A.
    A,
    /// Matrix B.
    B,
    /// AB_g: A with the columns of factor `g` (its position among the
    /// factors) taken from B.
    AB(usize),
}

impl Block {
    /// The block's label: `A`, `B` or `AB:<factor>`.
    pub fn label(self, factors: &Factors) -> String {
        match self {
            Block::A => "A".into(),
            Block::B => "B".into(),
            Block::AB(g) => format!("AB:{}", factors.factors()[g].name()),
        }
    }
}

/// The two N x D matrices of uniforms in `[0, 1)`, row-major, columns in
/// factor order. Runs are numbered A rows `0..N`, then B rows, then AB_1
/// rows, ..., AB_k rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    n: usize,
    d: usize,
    a: Vec<f64>,
    b: Vec<f64>,
}

impl Design {
    /// The seeded design of `factors`: A and B each drawn row by row from
    /// their own xoshiro256++ stream of the seed (so the first rows do not
    /// depend on N, and nothing depends on the thread count).
    pub fn new(factors: &Factors) -> Self {
        let (n, d) = (factors.replications(), factors.dims());
        let draw = |tag| {
            let mut rng = stream(factors.seed(), tag);
            (0..n * d).map(|_| rng.r#gen::<f64>()).collect::<Vec<f64>>()
        };
        Design {
            n,
            d,
            a: draw(STREAM_A),
            b: draw(STREAM_B),
        }
    }

    /// A design from given matrices (row-major, N x D each), e.g. to
    /// replay a recorded design. Errors when a size or a value (not in
    /// `[0, 1)`) does not fit `factors`.
    pub fn from_matrices(factors: &Factors, a: Vec<f64>, b: Vec<f64>) -> Result<Self, RobustError> {
        let (n, d) = (factors.replications(), factors.dims());
        for (name, m) in [("A", &a), ("B", &b)] {
            if m.len() != n * d {
                return Err(RobustError::Layout {
                    cause: format!("matrix {name} has {} values, N x D = {}", m.len(), n * d),
                });
            }
            if let Some(u) = m.iter().find(|u| !(0.0..1.0).contains(*u)) {
                return Err(RobustError::Layout {
                    cause: format!("matrix {name} holds {u}, not a uniform in [0, 1)"),
                });
            }
        }
        Ok(Design { n, d, a, b })
    }

    /// N.
    pub fn n(&self) -> usize {
        self.n
    }

    /// D.
    pub fn d(&self) -> usize {
        self.d
    }

    /// Row `r` of A.
    pub fn a_row(&self, r: usize) -> &[f64] {
        &self.a[r * self.d..(r + 1) * self.d]
    }

    /// Row `r` of B.
    pub fn b_row(&self, r: usize) -> &[f64] {
        &self.b[r * self.d..(r + 1) * self.d]
    }

    /// The block and row of run `i` (`0 <= i < N (k + 2)`).
    pub fn locate(&self, i: usize) -> (Block, usize) {
        let (q, r) = (i / self.n, i % self.n);
        let block = match q {
            0 => Block::A,
            1 => Block::B,
            g => Block::AB(g - 2),
        };
        (block, r)
    }

    /// Writes the uniforms of `block` row `r` into `out` (length D).
    pub fn row_into(&self, factors: &Factors, block: Block, r: usize, out: &mut [f64]) {
        match block {
            Block::A => out.copy_from_slice(self.a_row(r)),
            Block::B => out.copy_from_slice(self.b_row(r)),
            Block::AB(g) => {
                out.copy_from_slice(self.a_row(r));
                let cols = factors.factors()[g].columns();
                out[cols.clone()].copy_from_slice(&self.b_row(r)[cols]);
            }
        }
    }
}

/// The assumptions of one run: the chosen alternative of each list
/// factor, the left-out indicator and the weight noise. A factor that is
/// absent (or not varied in this run) is `None`: the model uses the spec's
/// nominal choice. Borrowed, so realising a run allocates nothing.
#[derive(Debug, Clone, Copy)]
pub struct Realisation<'a> {
    factors: &'a Factors,
    choice: [Option<usize>; 6],
    weight_uniforms: &'a [f64],
}

impl<'a> Realisation<'a> {
    /// The nominal run: every assumption as the spec states it.
    pub fn nominal(factors: &'a Factors) -> Self {
        Realisation {
            factors,
            choice: [None; 6],
            weight_uniforms: &[],
        }
    }

    /// The realisation of a design row `u` (length D): alternative
    /// `floor(u L)` of each list, `floor(u (m + 1))` for `exclude`
    /// (0 = none), the weights' uniforms `u_j`.
    pub fn from_row(factors: &'a Factors, u: &'a [f64]) -> Self {
        let mut r = Realisation::nominal(factors);
        let m = factors.indicators().len();
        for f in factors.factors() {
            let x = u[f.offset()];
            match f.kind() {
                FactorKind::Weights => r.weight_uniforms = &u[f.columns()],
                FactorKind::Exclude => {
                    r.choice[f.kind().index()] = pick(x, m + 1).checked_sub(1);
                }
                kind => r.choice[kind.index()] = Some(pick(x, f.alternatives().len())),
            }
        }
        r
    }

    /// Only alternative `alt` of the list factor `kind` (or, for
    /// `exclude`, only indicator `alt` left out), everything else nominal:
    /// a scheme taken alone. `None` if the factor is absent, is `weights`,
    /// or `alt` is out of range.
    pub fn alone(factors: &'a Factors, kind: FactorKind, alt: usize) -> Option<Self> {
        let f = factors.factor(kind)?;
        let count = match kind {
            FactorKind::Weights => return None,
            FactorKind::Exclude => factors.indicators().len(),
            _ => f.alternatives().len(),
        };
        if alt >= count {
            return None;
        }
        let mut r = Realisation::nominal(factors);
        r.choice[kind.index()] = Some(alt);
        Some(r)
    }

    /// The factors this realisation belongs to.
    pub fn factors(&self) -> &'a Factors {
        self.factors
    }

    /// The chosen alternative (0-based, in the order written) of a list
    /// factor, or for `exclude` the left-out indicator's index; `None`
    /// means nominal (or, for `exclude`, none left out).
    pub fn choice(&self, kind: FactorKind) -> Option<usize> {
        self.choice[kind.index()]
    }

    /// The chosen alternative's name (for `exclude`, the left-out
    /// indicator's name).
    pub fn name(&self, kind: FactorKind) -> Option<&'a str> {
        let i = self.choice(kind)?;
        match kind {
            FactorKind::Exclude => Some(self.factors.indicators()[i].as_str()),
            _ => Some(self.factors.factor(kind)?.alternatives()[i].as_str()),
        }
    }

    /// The left-out indicator's index, if any.
    pub fn excluded(&self) -> Option<usize> {
        self.choice(FactorKind::Exclude)
    }

    /// The noise multiplier `1 + a (2 u_j - 1)` of indicator `j` (1 when
    /// the weights are not varied).
    pub fn multiplier(&self, j: usize) -> f64 {
        match (
            self.weight_uniforms.get(j),
            self.factors.factor(FactorKind::Weights),
        ) {
            (Some(u), Some(f)) => 1.0 + f.noise() * (2.0 * u - 1.0),
            _ => 1.0,
        }
    }

    /// Realises a weight vector of the chosen weighting (one weight per
    /// indicator, spec order) in place: `w'_j = w_j (1 + a (2 u_j - 1))`
    /// divided by their sum; then the left-out indicator's weight set to 0
    /// and the others divided by their sum (not recomputed). Call it on
    /// every weight vector of the run (one per year when scope = year).
    /// An error when a sum is not positive and finite.
    pub fn apply_weights(&self, w: &mut [f64]) -> Result<(), RobustError> {
        let m = self.factors.indicators().len();
        if w.len() != m {
            return Err(RobustError::Weights {
                cause: format!("{} weights given for {m} indicators", w.len()),
            });
        }
        if !self.weight_uniforms.is_empty() {
            for (j, wj) in w.iter_mut().enumerate() {
                *wj *= self.multiplier(j);
            }
            renormalise(w, "the noisy weights")?;
        }
        if let Some(x) = self.excluded() {
            w[x] = 0.0;
            renormalise(
                w,
                &format!(
                    "the weights left when '{}' is left out",
                    self.factors.indicators()[x]
                ),
            )?;
        }
        Ok(())
    }
}

fn renormalise(w: &mut [f64], what: &str) -> Result<(), RobustError> {
    let s: f64 = w.iter().sum();
    if !(s.is_finite() && s > 0.0) {
        return Err(RobustError::Weights {
            cause: format!("{what} sum to {s}; they cannot be renormalised"),
        });
    }
    for x in w.iter_mut() {
        *x /= s;
    }
    Ok(())
}
