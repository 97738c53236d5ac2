//! The Monte Carlo runner: the model on every row of A, B and each AB_g,
//! in parallel, with results that do not depend on the thread count.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::design::{Design, Realisation};
use crate::error::{ModelError, RobustError};
use crate::factors::Factors;
use crate::rank::{Layout, rank_shift, rank_within_years};

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
    /// Empty in the runs [`crate::robustness`] returns for a layout whose
    /// rank counts fit in cache: those ranks are counted as the runs go
    /// and not kept.
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

/// Evaluates the model once into `scores` and checks that every score is
/// finite.
fn evaluate_into<M: Model + ?Sized>(
    model: &M,
    run: &Realisation<'_>,
    layout: &Layout,
    label: impl Fn() -> (String, usize),
    scores: &mut [f64],
    weights: &mut [f64],
) -> Result<(), RobustError> {
    scores.fill(f64::NAN);
    let mut out = Output { scores, weights };
    model.evaluate(run, &mut out).map_err(|source| {
        let (block, row) = label();
        RobustError::Model { block, row, source }
    })?;
    if let Some(i) = first_non_finite(scores) {
        let (block, row) = label();
        return Err(RobustError::NonFiniteScore {
            block,
            row,
            region: layout.region(i).to_string(),
            year: layout.year(i),
            value: scores[i],
        });
    }
    Ok(())
}

/// The position of the first NaN or infinite value. All values are
/// checked at once first, with no early exit (a loop that vectorises);
/// the position is looked for only when one is not finite.
fn first_non_finite(v: &[f64]) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f") {
            // SAFETY: the CPU has AVX-512F (checked just above).
            return unsafe { first_non_finite_avx512(v) };
        }
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2 (checked just above).
            return unsafe { first_non_finite_avx2(v) };
        }
    }
    first_non_finite_portable(v)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn first_non_finite_avx512(v: &[f64]) -> Option<usize> {
    first_non_finite_portable(v)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn first_non_finite_avx2(v: &[f64]) -> Option<usize> {
    first_non_finite_portable(v)
}

/// [`first_non_finite`] compiled for the caller's features: a value is
/// not finite when its exponent bits are all ones, i.e. when adding 1 to
/// its exponent carries into the sign bit; those carries are OR-ed (an
/// integer reduction, which the compiler vectorises).
#[inline(always)]
fn first_non_finite_portable(v: &[f64]) -> Option<usize> {
    const EXPONENT: u64 = 0x7ff0_0000_0000_0000;
    const EXPONENT_ONE: u64 = 1 << 52;
    let carries = v.iter().fold(0u64, |acc, x| {
        acc | (x.to_bits() & EXPONENT).wrapping_add(EXPONENT_ONE)
    });
    if carries >> 63 == 0 {
        return None;
    }
    v.iter().position(|x| !x.is_finite())
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
    run_all(factors, design, layout, model, keep_weights, progress, None).map(|(runs, _)| runs)
}

/// [`run_design`] that, with `counts_stride`, does not keep the ranks of
/// the runs of A and B (`Runs::ranks` is left empty) but counts them:
/// the returned table has `counts_stride` entries per region-year, entry
/// `i * counts_stride + r` the number of those runs in which region-year
/// `i` has rank `r` (every rank must be below `counts_stride`). Each
/// task counts into its own table and the tables are added: integers,
/// the same whatever the thread count.
pub(crate) fn run_counted<M: Model + ?Sized>(
    factors: &Factors,
    design: &Design,
    layout: &Layout,
    model: &M,
    keep_weights: bool,
    progress: &(dyn Fn(usize, usize) + Sync),
    counts_stride: usize,
) -> Result<(Runs, Vec<u32>), RobustError> {
    let (runs, counts) = run_all(
        factors,
        design,
        layout,
        model,
        keep_weights,
        progress,
        Some(counts_stride),
    )?;
    Ok((runs, counts.unwrap_or_default()))
}

/// [`run_design`], keeping the ranks of A and B (`counts_stride` None)
/// or counting them ([`run_counted`]).
fn run_all<M: Model + ?Sized>(
    factors: &Factors,
    design: &Design,
    layout: &Layout,
    model: &M,
    keep_weights: bool,
    progress: &(dyn Fn(usize, usize) + Sync),
    counts_stride: Option<usize>,
) -> Result<(Runs, Option<Vec<u32>>), RobustError> {
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
    )?;
    rank_within_years(layout, &scores, &mut order, &mut nominal);

    let wm = if keep_weights { m } else { 0 };
    let wc = wm.max(1);
    let mut y = vec![0.0; total];
    let mut ranks = match counts_stride {
        None => vec![0u32; 2 * n * r_len],
        Some(_) => Vec::new(),
    };
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
    // true when the run was evaluated and ranked
    let one = |s: &mut Scratch, i: usize, yi: &mut f64, w: &mut [f64], keep: Option<&mut [u32]>| {
        if i > first_fail.load(Ordering::Relaxed) {
            return false;
        }
        let (block, row) = design.locate(i);
        design.row_into(factors, block, row, &mut s.u);
        let run = Realisation::from_row(factors, &s.u);
        let res = evaluate_into(
            model,
            &run,
            layout,
            || (block.label(factors), row),
            &mut s.scores,
            &mut w[..wm],
        );
        match res {
            Ok(()) => {
                // the ranks of A and B are kept; the others only give y
                let (ranks_out, kept) = match keep {
                    Some(k) => (k, true),
                    None => (&mut s.ranks[..], false),
                };
                *yi = rank_shift(layout, &s.scores, &nominal, &mut s.order, ranks_out, kept);
                true
            }
            Err(e) => {
                first_fail.fetch_min(i, Ordering::Relaxed);
                let mut f = failure
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                if f.as_ref().is_none_or(|(j, _)| i < *j) {
                    *f = Some((i, e));
                }
                false
            }
        }
    };

    // Runs go to the threads CHUNK at a time (one task, one progress
    // call per chunk); each still writes only its own slots.
    let (y_ab, y_rest) = y.split_at_mut(2 * n);
    let (w_ab, w_rest) = weights.split_at_mut(2 * n * wc);
    let chunk_done = |len: usize| progress(done.fetch_add(len, Ordering::Relaxed) + len, total);
    let counts = match counts_stride {
        None => {
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
            None
        }
        Some(stride) => {
            let table = r_len * stride;
            let counted = y_ab
                .par_chunks_mut(CHUNK)
                .zip(w_ab.par_chunks_mut(wc * CHUNK))
                .enumerate()
                .fold(
                    || (init(), vec![0u32; r_len], vec![0u32; table]),
                    |(mut s, mut rk, mut counts), (c, (ys, ws))| {
                        for (k, (yi, w)) in ys.iter_mut().zip(ws.chunks_mut(wc)).enumerate() {
                            if one(&mut s, c * CHUNK + k, yi, w, Some(&mut rk)) {
                                for (cell, &r) in rk.iter().enumerate() {
                                    counts[cell * stride + r as usize] += 1;
                                }
                            }
                        }
                        chunk_done(ys.len());
                        (s, rk, counts)
                    },
                )
                .map(|(_, _, counts)| counts)
                .reduce_with(|mut a, b| {
                    for (x, y) in a.iter_mut().zip(&b) {
                        *x += y;
                    }
                    a
                })
                .unwrap_or_else(|| vec![0u32; table]);
            Some(counted)
        }
    };
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
    Ok((
        Runs {
            nominal,
            y,
            ranks,
            weights: keep_weights.then_some(weights),
        },
        counts,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::factors::UncertaintyOptions;
    use crate::stats::analyse;

    /// Counting the ranks of A and B as the runs go gives the statistics
    /// of keeping them and analysing the rank matrix, on any number of
    /// threads (7 regions x 4 years, scores with many ties, all list
    /// factors but the model's own).
    #[test]
    fn counted_ranks_give_the_statistics_of_the_kept_ones() {
        let names = |v: &[&str]| v.iter().map(ToString::to_string).collect::<Vec<_>>();
        let opts = UncertaintyOptions {
            replications: Some(40),
            seed: Some(3),
            weights_noise: Some(0.5),
            weighting: Some(names(&["entropy", "equal"])),
            exclude: Some(true),
            ..Default::default()
        };
        let inds = names(&["x1", "x2", "x3"]);
        let factors = Factors::new(&opts, &inds).expect("factors");
        let (nr, ny) = (7, 4);
        let layout = Layout::full(
            (0..nr).map(|r| format!("r{r}")).collect(),
            (2000..2000 + ny as i64).collect(),
        )
        .expect("layout");
        // few distinct values: ties in every year
        let data: Vec<[f64; 3]> = (0..nr * ny)
            .map(|i| {
                [
                    (i % 3) as f64,
                    (i % 5 / 2) as f64,
                    ((i * 7) % 4) as f64 * 0.5,
                ]
            })
            .collect();
        let model = |run: &Realisation<'_>, out: &mut Output<'_>| -> Result<(), ModelError> {
            let mut w = match run.name(crate::FactorKind::Weighting) {
                Some("equal") => [1.0, 1.0, 1.0],
                _ => [0.5, 0.3, 0.2],
            };
            run.apply_weights(&mut w)?;
            out.record_weights(&w)?;
            for (s, x) in out.scores().iter_mut().zip(&data) {
                *s = w[0] * x[0] + w[1] * x[1] + w[2] * x[2];
            }
            Ok(())
        };
        let design = Design::new(&factors);
        let stride = nr + 1;
        let kept = run_design(&factors, &design, &layout, &model, true, &|_, _| {}).expect("runs");
        let want = analyse(&factors, &layout, &kept);
        for threads in [1, 3] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("pool");
            let (runs, counts) = pool
                .install(|| {
                    run_counted(&factors, &design, &layout, &model, true, &|_, _| {}, stride)
                })
                .expect("runs");
            assert!(runs.ranks.is_empty());
            assert_eq!(runs.nominal, kept.nominal);
            assert_eq!(runs.y, kept.y);
            assert_eq!(
                runs.weights
                    .as_ref()
                    .map(|w| w.iter().map(|x| x.to_bits()).collect::<Vec<_>>()),
                kept.weights
                    .as_ref()
                    .map(|w| w.iter().map(|x| x.to_bits()).collect::<Vec<_>>())
            );
            let got = crate::stats::analyse_counted(&factors, &layout, &runs, &counts, stride);
            assert_eq!(got, want, "{threads} threads");
            // and through the whole analysis, which takes this path here
            let (whole, whole_runs) = pool
                .install(|| crate::robustness(&factors, &layout, &model, false, &|_, _| {}))
                .expect("analysis");
            assert!(whole_runs.ranks.is_empty());
            assert_eq!(whole, want, "{threads} threads");
        }
        // the statistics are not trivial
        assert!(want.ranks.iter().any(|r| r.mean_abs_shift > 0.0));
        assert!(want.sensitivity.iter().all(|s| s.first_order.is_some()));
    }

    /// The first NaN or infinity is found wherever it is (in the
    /// vectorised body or the remainder, several of them, -0.0 and the
    /// largest finite values are finite).
    #[test]
    fn first_non_finite_finds_the_first_nan_or_infinity() {
        for len in [0, 1, 7, 8, 9, 16, 17, 620] {
            let v: Vec<f64> = (0..len)
                .map(|i| match i % 4 {
                    0 => -0.0,
                    1 => f64::MAX,
                    2 => -f64::MAX,
                    _ => i as f64 * 1e-300,
                })
                .collect();
            assert_eq!(first_non_finite(&v), None, "len {len}");
            assert_eq!(first_non_finite_portable(&v), None, "len {len}");
            for at in 0..len {
                for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
                    let mut w = v.clone();
                    w[at] = bad;
                    if at + 3 < len {
                        w[at + 3] = f64::NAN;
                    }
                    assert_eq!(first_non_finite(&w), Some(at), "len {len}, at {at}");
                    assert_eq!(first_non_finite_portable(&w), Some(at), "len {len}");
                }
            }
        }
    }
}
