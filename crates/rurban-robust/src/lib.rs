//! Uncertainty and sensitivity analysis of a composite index's ranking.
//!
//! The uncertain assumptions of an index (its *factors*, in the fixed
//! order weights, weighting, normalisation, aggregation, impute, exclude)
//! are checked into [`Factors`]; a seeded Saltelli (2010) [`Design`] draws
//! two N x D matrices A and B of uniforms, and each factor g gives a block
//! AB_g (A with g's columns from B). Every row is realised
//! ([`Realisation`]: the chosen alternatives, noisy and renormalised
//! weights, a left-out indicator) and handed to the [`Model`], the whole
//! index build, supplied by the caller. [`run_design`] evaluates the
//! N (k + 2) runs in parallel with rayon (bit-identical whatever the
//! thread count), ranks the scores within each year (1 = highest, ties
//! share the smallest rank) and computes
//! `y = mean |rank - nominal rank|`. [`analyse`] gives the rank
//! uncertainty per region-year (median, q05, q95, mean shift), the
//! first-order (Saltelli 2010) and total-order (Jansen) Sobol indices of
//! y, and the summary of y; [`write_robustness`], [`write_sensitivity`]
//! and [`write_samples`] write the contract's CSV files.
//!
//! ```
//! use rurban_robust::*;
//! let opts = UncertaintyOptions {
//!     replications: Some(8),
//!     weights_noise: Some(0.5),
//!     exclude: Some(true),
//!     ..Default::default()
//! };
//! let inds = vec!["x1".to_string(), "x2".to_string()];
//! let factors = Factors::new(&opts, &inds).unwrap();
//! let layout = Layout::full(vec!["a".into(), "b".into(), "c".into()], vec![2020]).unwrap();
//! // a weighted sum of two indicators
//! let data = [[1.0, 0.0], [0.0, 1.0], [0.6, 0.5]];
//! let model = |run: &Realisation<'_>, out: &mut Output<'_>| -> Result<(), ModelError> {
//!     let mut w = [0.5, 0.5];
//!     run.apply_weights(&mut w)?;
//!     for (s, x) in out.scores().iter_mut().zip(&data) {
//!         *s = w[0] * x[0] + w[1] * x[1];
//!     }
//!     Ok(())
//! };
//! let (result, _runs) = robustness(&factors, &layout, &model, false, &|_, _| {}).unwrap();
//! assert_eq!(result.runs, 8 * 4);
//! assert_eq!(result.ranks[2].nominal, 1);
//! ```
//!
//! The crate does no I/O beyond the writers' `Write`. See
//! `docs/methods/robustness.md`.

mod design;
mod error;
mod factors;
mod rank;
mod run;
mod stats;
mod write;

pub use design::{Block, Design, Realisation};
pub use error::{ModelError, RobustError};
pub use factors::{
    AGGREGATIONS, DEFAULT_REPLICATIONS, DEFAULT_SEED, Factor, FactorKind, Factors, IMPUTATIONS,
    NORMALISATIONS, Nominal, UncertaintyOptions, pick,
};
pub use rank::{Layout, mean_abs_shift, rank_shift, rank_within_years};
pub use run::{Model, Output, Runs, run_design};
pub use stats::{
    RankCorrelation, RankSummary, Robustness, RobustnessReport, SchemeCorrelation, Sensitivity,
    SobolIndices, YSummary, analyse, quantile_sorted, rank_correlation, ranks_of,
    scheme_correlations, sobol,
};
pub use write::{samples_header, write_robustness, write_samples, write_sensitivity};

/// The whole analysis: the seeded design of `factors`, every run
/// ([`run_design`]) and the statistics ([`analyse`]). Returns the runs too
/// (for the samples file; `keep_weights` keeps the weights each run
/// recorded). When the counts of every rank of every region-year take at
/// most 512 KiB (e.g. 31 regions x 20 years), the ranks of A and B are
/// counted as the runs go, not kept: the returned `Runs::ranks` is then
/// empty (the statistics are the same).
pub fn robustness<M: Model + ?Sized>(
    factors: &Factors,
    layout: &Layout,
    model: &M,
    keep_weights: bool,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<(Robustness, Runs), RobustError> {
    let design = Design::new(factors);
    // ranks are at most the largest year's size
    let stride = layout.groups().iter().map(Vec::len).max().unwrap_or(0) + 1;
    if layout.len() * stride * size_of::<u32>() <= COUNTED {
        let (runs, counts) = run::run_counted(
            factors,
            &design,
            layout,
            model,
            keep_weights,
            progress,
            stride,
        )?;
        return Ok((
            stats::analyse_counted(factors, layout, &runs, &counts, stride),
            runs,
        ));
    }
    let runs = run_design(factors, &design, layout, model, keep_weights, progress)?;
    Ok((analyse(factors, layout, &runs), runs))
}

/// Bytes of the rank counts of every region-year up to which
/// [`robustness`] counts the ranks of A and B as the runs go (each task
/// into its own table) instead of keeping them all for [`analyse`].
const COUNTED: usize = 1 << 19;
