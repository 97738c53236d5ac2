//! The Monte Carlo runner: the model on every row of A, B and each AB_g,
//! in parallel, with results that do not depend on the thread count.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::design::{Design, Realisation};
use crate::error::{ModelError, RobustError};
use crate::factors::Factors;
use crate::rank::{Layout, mean_abs_shift, rank_within_years};

/// Where a model writes one run's results.
#[derive(Debug)]
pub struct Output<'a> {
    scores: &'a mut [f64],
    weights: &'a mut [f64],
}

impl<'a> Output<'a> {
    /// An output with only a score buffer (weights are not recorded), to
    /// evaluate a model outside [`run_design`].
    pub fn new(scores: &'a mut [f64]) -> Self {
        Output {
            scores,
            weights: &mut [],
        }
    }

    /// The composite score of every region-year, in [`Layout`] order, to
    /// be filled by the model (every entry starts as NaN; an entry left
    /// NaN or set to a non-finite value fails the run).
    pub fn scores(&mut self) -> &mut [f64] {
        self.scores
    }

    /// Records the weights the run used (after noise and exclusion, one
    /// per indicator in spec order) for the samples file. Call it only
    /// when one weight vector serves the whole run (scope = panel). A
    /// no-op when the samples are not kept.
    pub fn record_weights(&mut self, w: &[f64]) -> Result<(), RobustError> {
        if self.weights.is_empty() {
            return Ok(());
        }
        if w.len() != self.weights.len() {
            return Err(RobustError::Weights {
                cause: format!(
                    "{} weights recorded for {} indicators",
                    w.len(),
                    self.weights.len()
                ),
            });
        }
        self.weights.copy_from_slice(w);
        Ok(())
    }
}

/// The whole index build with realised assumptions. Implemented by any
/// `Fn(&Realisation, &mut Output) -> Result<(), ModelError> + Sync`.
/// It is called from several threads at once and must give the same
/// scores for the same realisation whatever the thread.
pub trait Model: Sync {
    /// Builds the index under `run` and writes the scores into `out`.
    fn evaluate(&self, run: &Realisation<'_>, out: &mut Output<'_>) -> Result<(), ModelError>;
}

impl<F> Model for F
where
    F: Fn(&Realisation<'_>, &mut Output<'_>) -> Result<(), ModelError> + Sync,
{
    fn evaluate(&self, run: &Realisation<'_>, out: &mut Output<'_>) -> Result<(), ModelError> {
        self(run, out)
    }
}

/// The raw results of the runs, indexed by run (A rows, B rows, AB_1
/// rows, ..., AB_k rows).
#[derive(Debug, Clone, PartialEq)]
pub struct Runs {
    /// The nominal ranks, per region-year.
    pub nominal: Vec<u32>,
    /// y of every run, `N (k + 2)` values.
    pub y: Vec<f64>,
    /// The ranks of the 2N runs of A and B, row-major (run, region-year).
    pub ranks: Vec<u32>,
    /// The weights each run recorded, row-major (run, indicator), NaN
    /// where the run recorded none; `None` unless kept.
    pub weights: Option<Vec<f64>>,
}

struct Scratch {
    u: Vec<f64>,
    scores: Vec<f64>,
    order: Vec<usize>,
    ranks: Vec<u32>,
}

/// Evaluates the model once and ranks the scores into `ranks`.
#[allow(clippy::too_many_arguments)]
fn evaluate_into<M: Model + ?Sized>(
    model: &M,
    run: &Realisation<'_>,
    layout: &Layout,
    label: impl Fn() -> (String, usize),
    scores: &mut [f64],
    weights: &mut [f64],
    order: &mut Vec<usize>,
    ranks: &mut [u32],
) -> Result<(), RobustError> {
    scores.fill(f64::NAN);
    let mut out = Output { scores, weights };
    model.evaluate(run, &mut out).map_err(|source| {
        let (block, row) = label();
        RobustError::Model { block, row, source }
    })?;
    if let Some(i) = scores.iter().position(|s| !s.is_finite()) {
        let (block, row) = label();
        return Err(RobustError::NonFiniteScore {
            block,
            row,
            region: layout.region(i).to_string(),
            year: layout.year(i),
            value: scores[i],
        });
    }
    rank_within_years(layout, scores, order, ranks);
    Ok(())
}

/// Runs of the design that one rayon task evaluates in a row.
const CHUNK: usize = 16;

/// Runs the nominal model, then every run of the design, in parallel on
/// the current rayon pool. `keep_weights` keeps each run's recorded
/// weights (for the samples file). `progress(done, total)` is called
/// after every chunk of runs, from the worker threads (the counts may arrive
/// slightly out of order; a progress bar should keep the largest).
///
/// Deterministic: the uniforms come from the design, each run writes
/// only its own slots, and when runs fail the error is that of the
/// failing run with the smallest index, whatever the thread count.
pub fn run_design<M: Model + ?Sized>(
    factors: &Factors,
    design: &Design,
    layout: &Layout,
    model: &M,
    keep_weights: bool,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Runs, RobustError> {
    let (n, r_len, m) = (design.n(), layout.len(), factors.indicators().len());
    let total = factors.runs();
    let mut nominal = vec![0u32; r_len];
    let mut scores = vec![0.0; r_len];
    let mut order = Vec::with_capacity(r_len);
    evaluate_into(
        model,
        &Realisation::nominal(factors),
        layout,
        || ("nominal".into(), 0),
        &mut scores,
        &mut [],
        &mut order,
        &mut nominal,
    )?;

    let wm = if keep_weights { m } else { 0 };
    let wc = wm.max(1);
    let mut y = vec![0.0; total];
    let mut ranks = vec![0u32; 2 * n * r_len];
    let mut weights = vec![f64::NAN; total * wc];
    let done = AtomicUsize::new(0);
    let first_fail = AtomicUsize::new(usize::MAX);
    let failure: Mutex<Option<(usize, RobustError)>> = Mutex::new(None);
    let init = || Scratch {
        u: vec![0.0; design.d()],
        scores: vec![0.0; r_len],
        order: Vec::with_capacity(r_len),
        ranks: vec![0; r_len],
    };
    let one = |s: &mut Scratch, i: usize, yi: &mut f64, w: &mut [f64], keep: Option<&mut [u32]>| {
        if i > first_fail.load(Ordering::Relaxed) {
            return;
        }
        let (block, row) = design.locate(i);
        design.row_into(factors, block, row, &mut s.u);
        let run = Realisation::from_row(factors, &s.u);
        let ranks_out = match keep {
            Some(k) => k,
            None => &mut s.ranks[..],
        };
        let res = evaluate_into(
            model,
            &run,
            layout,
            || (block.label(factors), row),
            &mut s.scores,
            &mut w[..wm],
            &mut s.order,
            ranks_out,
        );
        match res {
            Ok(()) => *yi = mean_abs_shift(ranks_out, &nominal),
            Err(e) => {
                first_fail.fetch_min(i, Ordering::Relaxed);
                let mut f = failure
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                if f.as_ref().is_none_or(|(j, _)| i < *j) {
                    *f = Some((i, e));
                }
            }
        }
    };

    // Runs go to the threads CHUNK at a time (one task, one progress
    // call per chunk); each still writes only its own slots.
    let (y_ab, y_rest) = y.split_at_mut(2 * n);
    let (w_ab, w_rest) = weights.split_at_mut(2 * n * wc);
    let chunk_done = |len: usize| progress(done.fetch_add(len, Ordering::Relaxed) + len, total);
    ranks
        .par_chunks_mut(r_len * CHUNK)
        .zip(y_ab.par_chunks_mut(CHUNK))
        .zip(w_ab.par_chunks_mut(wc * CHUNK))
        .enumerate()
        .for_each_init(init, |s, (c, ((rk, ys), ws))| {
            let runs = rk
                .chunks_mut(r_len)
                .zip(ys.iter_mut())
                .zip(ws.chunks_mut(wc));
            for (k, ((rk, yi), w)) in runs.enumerate() {
                one(s, c * CHUNK + k, yi, w, Some(rk));
            }
            chunk_done(ys.len());
        });
    y_rest
        .par_chunks_mut(CHUNK)
        .zip(w_rest.par_chunks_mut(wc * CHUNK))
        .enumerate()
        .for_each_init(init, |s, (c, (ys, ws))| {
            for (k, (yi, w)) in ys.iter_mut().zip(ws.chunks_mut(wc)).enumerate() {
                one(s, 2 * n + c * CHUNK + k, yi, w, None);
            }
            chunk_done(ys.len());
        });

    if let Some((_, e)) = failure
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
    {
        return Err(e);
    }
    Ok(Runs {
        nominal,
        y,
        ranks,
        weights: keep_weights.then_some(weights),
    })
}
