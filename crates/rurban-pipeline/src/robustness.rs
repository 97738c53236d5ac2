//! The index build as the model of the uncertainty and sensitivity
//! analysis (`rurban robustness`, and `rurban run` with `[uncertainty]`).
//!
//! [`prepare`] does, once, everything that does not change between runs:
//! per imputation rule the imputed panel; per (imputation, normalisation)
//! the normalised matrix (and its logarithm when geometric aggregation may
//! run); per (imputation, weighting) the weight vector of each scope unit,
//! computed by [`rurban_index::build`] exactly as `rurban run` computes it.
//! A run is then only the noise and exclusion on a copy of the weights, the
//! aggregation of every region-year and its ranking within the year.
//!
//! The nominal run (every assumption as the spec states it) is the spec's
//! own build: the same [0, 1] min-max matrix, the same weights and the same
//! weighted sum as [`rurban_index::WeightedSum`], term by term, so its
//! composite is bit-identical to `rurban run`'s.
//!
//! Every combination that cannot run is an error here, before any run: a
//! scheme or method the index does not support, zscore under geometric or
//! harmonic aggregation, `impute = none` with missing cells, a value <= 0
//! that a geometric or harmonic mean would meet.

use std::sync::Arc;

use rurban_core::{Direction, Impute, Panel, Scope};
use rurban_index::{IndexModel, Normaliser, Rank, ZScore};
use rurban_method::name_is;
use rurban_robust::{
    FactorKind, Factors, Layout, ModelError, Nominal, Output, Realisation, RobustError, Robustness,
    RobustnessReport, Runs, SchemeCorrelation,
};
use rurban_spec::Spec;

use crate::{PipelineError, Resolve, RunOptions, load_panel, model_of};

/// The normalisations the model supports.
pub const MODEL_NORMALISATIONS: [&str; 3] = ["minmax", "zscore", "rank"];
/// The aggregations the model supports.
pub const MODEL_AGGREGATIONS: [&str; 4] = ["arithmetic", "geometric", "harmonic", "topsis"];
/// The imputation rules the model supports.
pub const MODEL_IMPUTATIONS: [&str; 3] = ["none", "linear", "year-mean"];

/// An aggregation the model can run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Agg {
    Arithmetic,
    Geometric,
    Harmonic,
    Topsis,
}

impl Agg {
    fn of(name: &str) -> Option<Agg> {
        [
            ("arithmetic", Agg::Arithmetic),
            ("geometric", Agg::Geometric),
            ("harmonic", Agg::Harmonic),
            ("topsis", Agg::Topsis),
        ]
        .into_iter()
        .find(|(n, _)| name_is(name, n))
        .map(|(_, a)| a)
    }
}

/// The alternatives of one list factor as the model indexes them: the
/// list as written, then the spec's nominal choice when the list does not
/// hold it (or alone when the factor is absent).
#[derive(Debug, Clone)]
struct Choices {
    names: Vec<String>,
    nominal: usize,
}

impl Choices {
    fn new(factors: &Factors, kind: FactorKind, nominal: &str) -> Self {
        let mut names: Vec<String> = factors
            .factor(kind)
            .map(|f| f.alternatives().to_vec())
            .unwrap_or_default();
        let nominal = match names.iter().position(|n| name_is(n, nominal)) {
            Some(i) => i,
            None => {
                names.push(nominal.to_string());
                names.len() - 1
            }
        };
        Choices { names, nominal }
    }

    fn index(&self, run: &Realisation<'_>, kind: FactorKind) -> usize {
        run.choice(kind).unwrap_or(self.nominal)
    }
}

/// The index build under realised assumptions, with everything that does
/// not change between runs computed once.
pub struct IndexRuns {
    m: usize,
    /// Rows (region-years, region-major) of each scope unit.
    units: Vec<Vec<usize>>,
    scope_year: bool,
    weighting: Choices,
    normalisation: Choices,
    aggregation: Vec<Agg>,
    agg_nominal: usize,
    impute: Choices,
    /// `[impute]`: the [0, 1] min-max matrix, rows x m (for TOPSIS).
    z01: Vec<Arc<Vec<f64>>>,
    /// `[impute][normalisation]`: the normalised matrix, rows x m.
    norm: Vec<Vec<Arc<Vec<f64>>>>,
    /// `[impute][normalisation]`: `ln` of it, when geometric may run.
    ln: Vec<Vec<Option<Vec<f64>>>>,
    /// `[impute][weighting][unit]`: the weights.
    weights: Vec<Vec<Vec<Vec<f64>>>>,
}

/// Everything the analysis needs: the checked factors, the region-years
/// and the model.
pub struct Prepared {
    /// The checked factors.
    pub factors: Factors,
    /// The region-years in `scores.csv` order.
    pub layout: Layout,
    /// The model.
    pub model: IndexRuns,
    /// Warnings of the preparation (imputations of the alternatives...).
    pub warnings: Vec<String>,
}

fn other(spec: &Spec, e: impl std::fmt::Display) -> PipelineError {
    PipelineError::Other(format!("{}: {e}", spec.path.display()))
}

fn impute_rule(name: &str) -> Option<Impute> {
    [
        ("none", Impute::None),
        ("linear", Impute::Linear),
        ("year-mean", Impute::YearMean),
    ]
    .into_iter()
    .find(|(n, _)| name_is(name, n))
    .map(|(_, r)| r)
}

fn impute_name(rule: Impute) -> &'static str {
    match rule {
        Impute::None => "none",
        Impute::Linear => "linear",
        Impute::YearMean => "year-mean",
    }
}

/// The alternatives of `kind` the model does not support, as an error.
fn supported(factors: &Factors, kind: FactorKind, known: &[&str]) -> Result<(), RobustError> {
    let Some(f) = factors.factor(kind) else {
        return Ok(());
    };
    match f
        .alternatives()
        .iter()
        .find(|a| !known.iter().any(|k| name_is(a, k)))
    {
        Some(a) => Err(RobustError::UnknownAlternative {
            key: kind.name(),
            name: a.clone(),
            known: known.join(", "),
        }),
        None => Ok(()),
    }
}

/// Normalises the panel's rows per scope unit into a rows x m matrix.
fn normalise(
    panel: &Panel,
    normaliser: &dyn Normaliser,
    directions: &[Direction],
    scope: Scope,
) -> Vec<f64> {
    let (nr, ny, m) = panel.values.dim();
    match scope {
        Scope::Panel => {
            let stacked = panel.stacked();
            normaliser
                .normalise(stacked.view(), directions)
                .z
                .iter()
                .copied()
                .collect()
        }
        Scope::Year => {
            let mut out = vec![0.0; nr * ny * m];
            for y in 0..ny {
                let z = normaliser.normalise(panel.year_slice(y), directions).z;
                for r in 0..nr {
                    for j in 0..m {
                        out[(r * ny + y) * m + j] = z[[r, j]];
                    }
                }
            }
            out
        }
    }
}

/// Checks the `[uncertainty]` of `spec` against the data and the schemes
/// the resolver knows, and computes everything the runs share. `replications`
/// and `seed` override the table (`--replications`, `--seed`).
pub fn prepare(
    spec: &Spec,
    opts: &RunOptions,
    resolver: &dyn Resolve,
    replications: Option<i64>,
    seed: Option<u64>,
) -> Result<Prepared, PipelineError> {
    let Some(table) = &spec.uncertainty else {
        return Err(other(
            spec,
            "no [uncertainty] table: name the uncertain assumptions (e.g. `[uncertainty]` with \
             `weighting = [\"entropy\", \"equal\"]`) to analyse the robustness of the ranking",
        ));
    };
    let index_model = model_of(spec);
    let m = index_model.indicators.len();
    let mut factors =
        Factors::new(table.options(), &index_model.indicators).map_err(|e| other(spec, e))?;
    if let Some(n) = replications {
        factors = factors.with_replications(n).map_err(|e| other(spec, e))?;
    }
    if let Some(s) = seed {
        factors = factors.with_seed(s);
    }
    let mut known: Vec<String> = resolver.weighting_names();
    known.push("given".into());
    let known_refs: Vec<&str> = known.iter().map(String::as_str).collect();
    factors
        .check_weighting(&known_refs)
        .map_err(|e| other(spec, e))?;
    supported(&factors, FactorKind::Normalisation, &MODEL_NORMALISATIONS)
        .and_then(|()| supported(&factors, FactorKind::Aggregation, &MODEL_AGGREGATIONS))
        .and_then(|()| supported(&factors, FactorKind::Impute, &MODEL_IMPUTATIONS))
        .map_err(|e| other(spec, e))?;

    let weighting = Choices::new(&factors, FactorKind::Weighting, &spec.method.weighting);
    let normalisation = Choices::new(&factors, FactorKind::Normalisation, "minmax");
    let agg_choices = Choices::new(&factors, FactorKind::Aggregation, "arithmetic");
    let impute = Choices::new(
        &factors,
        FactorKind::Impute,
        impute_name(spec.method.impute),
    );

    // The panels, the rules that fill cells first: whether the data have
    // missing cells decides whether `none` can run.
    let mut panels: Vec<Option<Panel>> = vec![None; impute.names.len()];
    let mut has_missing = false;
    let mut warnings = Vec::new();
    let mut order: Vec<usize> = (0..impute.names.len()).collect();
    order.sort_by_key(|&i| impute_rule(&impute.names[i]) == Some(Impute::None));
    let nominal_panel = |i: usize| i == impute.nominal;
    for i in order {
        let rule = impute_rule(&impute.names[i]).unwrap_or_default();
        let listed = factors
            .factor(FactorKind::Impute)
            .is_some_and(|f| f.alternatives().iter().any(|a| name_is(a, "none")));
        if rule == Impute::None && has_missing && listed {
            continue; // check_combinations below names it
        }
        let mut s = spec.clone();
        s.method.impute = rule;
        let (_, panel, imputed, _) = load_panel(&s, opts, resolver)?;
        if !imputed.is_empty() {
            has_missing = true;
            if !nominal_panel(i) {
                warnings.push(format!(
                    "robustness: impute '{}' fills {} missing cell(s)",
                    impute.names[i],
                    imputed.len()
                ));
            }
        }
        panels[i] = Some(panel);
    }
    factors
        .check_combinations(&Nominal {
            normalisation: "minmax".into(),
            aggregation: "arithmetic".into(),
            has_missing,
        })
        .map_err(|e| other(spec, e))?;
    let panels: Vec<Panel> = panels
        .into_iter()
        .map(|p| p.ok_or_else(|| other(spec, "a panel was not loaded")))
        .collect::<Result<_, _>>()?;

    let nominal = &panels[impute.nominal];
    let (nr, ny, _) = nominal.values.dim();
    let rows = nr * ny;
    let scope = spec.method.scope;
    let units: Vec<Vec<usize>> = match scope {
        Scope::Panel => vec![(0..rows).collect()],
        Scope::Year => (0..ny)
            .map(|y| (0..nr).map(|r| r * ny + y).collect())
            .collect(),
    };
    let params = spec
        .method
        .params
        .as_ref()
        .map(|t| serde_json::to_string(t).unwrap_or_else(|_| "{}".into()))
        .unwrap_or_else(|| "{}".into());

    let aggregation: Vec<Agg> = agg_choices
        .names
        .iter()
        .map(|n| Agg::of(n).ok_or_else(|| other(spec, format!("unknown aggregation '{n}'"))))
        .collect::<Result<_, _>>()?;
    let needs_ln = aggregation.contains(&Agg::Geometric);

    let mut z01 = Vec::new();
    let mut norm = Vec::new();
    let mut ln = Vec::new();
    let mut weights = Vec::new();
    for panel in &panels {
        // Weights of each weighting, by the same build as `rurban run`;
        // its z is the [0, 1] min-max matrix.
        let mut by_weighting = Vec::new();
        let mut z = None;
        for name in &weighting.names {
            let w = weights_of(
                spec,
                resolver,
                panel,
                &index_model,
                name,
                &params,
                units.len(),
            )?;
            if z.is_none() && w.1.is_some() {
                z = w.1;
            }
            by_weighting.push(w.0);
        }
        let z = match z {
            Some(z) => z,
            None => Arc::new(normalise(
                panel,
                &rurban_index::MinMax,
                &index_model.directions,
                scope,
            )),
        };
        let mut by_norm = Vec::new();
        let mut ln_by_norm = Vec::new();
        for name in &normalisation.names {
            let matrix = if name_is(name, "minmax") {
                z.clone()
            } else if name_is(name, "zscore") {
                Arc::new(normalise(panel, &ZScore, &index_model.directions, scope))
            } else {
                Arc::new(normalise(panel, &Rank, &index_model.directions, scope))
            };
            ln_by_norm.push(needs_ln.then(|| matrix.iter().map(|x| x.ln()).collect()));
            by_norm.push(matrix);
        }
        z01.push(z);
        norm.push(by_norm);
        ln.push(ln_by_norm);
        weights.push(by_weighting);
    }

    let model = IndexRuns {
        m,
        units,
        scope_year: scope == Scope::Year,
        weighting,
        normalisation,
        agg_nominal: agg_choices.nominal,
        aggregation,
        impute,
        z01,
        norm,
        ln,
        weights,
    };
    model
        .check_positive(&panels, &index_model, &factors, nominal)
        .map_err(|e| other(spec, e))?;
    let layout =
        Layout::full(nominal.regions.clone(), nominal.years.clone()).map_err(|e| other(spec, e))?;
    Ok(Prepared {
        factors,
        layout,
        model,
        warnings,
    })
}

type UnitWeights = (Vec<Vec<f64>>, Option<Arc<Vec<f64>>>);

/// The weights of weighting `name` for each scope unit, and the [0, 1]
/// min-max matrix of the build when one ran.
fn weights_of(
    spec: &Spec,
    resolver: &dyn Resolve,
    panel: &Panel,
    model: &IndexModel,
    name: &str,
    params: &str,
    units: usize,
) -> Result<UnitWeights, PipelineError> {
    if name_is(name, "given") && resolver.weighting(name).is_none() {
        let w = rurban_index::Hierarchy::flat(model)
            .and_then(|h| h.effective_weights())
            .map_err(|e| other(spec, format!("[uncertainty] weighting 'given': {e}")))?;
        return Ok((vec![w; units], None));
    }
    let scheme = resolver.weighting(name).ok_or_else(|| {
        other(
            spec,
            format!("[uncertainty] weighting: unknown weighting '{name}'"),
        )
    })?;
    let params = if name_is(name, &spec.method.weighting) {
        params
    } else {
        "{}"
    };
    let built = rurban_index::build(
        panel,
        model,
        scheme.as_ref(),
        spec.method.scope,
        spec.method.shift.get(),
        params,
    )
    .map_err(|cause| {
        other(
            spec,
            format!("[uncertainty] weighting '{name}' cannot run: {cause}"),
        )
    })?;
    let z: Vec<f64> = built.z.iter().copied().collect();
    Ok((
        built.weight_sets.into_iter().map(|s| s.weights).collect(),
        Some(Arc::new(z)),
    ))
}

impl IndexRuns {
    /// Geometric and harmonic means need every value > 0: the first value
    /// <= 0 of a normalisation that may run under them (in a column some
    /// weighting gives a weight) is an error naming both methods, the
    /// indicator and the region-year.
    fn check_positive(
        &self,
        panels: &[Panel],
        model: &IndexModel,
        factors: &Factors,
        nominal: &Panel,
    ) -> Result<(), String> {
        let Some(agg) = self
            .aggregation
            .iter()
            .find(|a| matches!(a, Agg::Geometric | Agg::Harmonic))
        else {
            return Ok(());
        };
        let agg_name = if *agg == Agg::Geometric {
            "geometric"
        } else {
            "harmonic"
        };
        let ny = nominal.years.len();
        let key = if factors.factor(FactorKind::Aggregation).is_some() {
            "aggregation"
        } else {
            "normalisation"
        };
        for (i, by_norm) in self.norm.iter().enumerate() {
            for (n, z) in by_norm.iter().enumerate() {
                for j in 0..self.m {
                    let weighted = self.weights[i]
                        .iter()
                        .any(|units| units.iter().any(|w| w[j] != 0.0));
                    if !weighted {
                        continue;
                    }
                    if let Some(row) = (0..z.len() / self.m).find(|&r| z[r * self.m + j] <= 0.0) {
                        return Err(format!(
                            "[uncertainty] {key}: {agg_name} aggregation cannot run on the '{}' \
                             normalisation{}: indicator '{}' is {} in region '{}', year {} \
                             (it needs values > 0)",
                            self.normalisation.names[n],
                            if panels.len() > 1 {
                                format!(" (impute '{}')", self.impute.names[i])
                            } else {
                                String::new()
                            },
                            model.indicators[j],
                            z[row * self.m + j],
                            nominal.regions[row / ny],
                            nominal.years[row % ny],
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    fn run(&self, run: &Realisation<'_>, out: &mut Output<'_>) -> Result<(), RobustError> {
        let i = self.impute.index(run, FactorKind::Impute);
        let w = self.weighting.index(run, FactorKind::Weighting);
        let n = self.normalisation.index(run, FactorKind::Normalisation);
        let a = run
            .choice(FactorKind::Aggregation)
            .unwrap_or(self.agg_nominal);
        let m = self.m;
        let mut wv = vec![0.0; m];
        for (u, rows) in self.units.iter().enumerate() {
            wv.copy_from_slice(&self.weights[i][w][u]);
            run.apply_weights(&mut wv)?;
            if !self.scope_year {
                out.record_weights(&wv)?;
            }
            let scores = out.scores();
            match self.aggregation[a] {
                Agg::Arithmetic => {
                    let z = &self.norm[i][n];
                    for &r in rows {
                        // term by term as rurban_index::WeightedSum
                        let mut total = -0.0;
                        for (wj, zj) in wv.iter().zip(&z[r * m..(r + 1) * m]) {
                            total += wj * zj;
                        }
                        scores[r] = total;
                    }
                }
                Agg::Geometric => {
                    let lz = self.ln[i][n].as_deref().unwrap_or(&[]);
                    for &r in rows {
                        // as rurban_index::Mean::Geometric: zero weights skipped
                        let (mut acc, mut sw) = (0.0, 0.0);
                        for (wj, lj) in wv.iter().zip(&lz[r * m..(r + 1) * m]) {
                            if *wj != 0.0 {
                                sw += wj;
                                acc += wj * lj;
                            }
                        }
                        scores[r] = (acc / sw).exp();
                    }
                }
                Agg::Harmonic => {
                    let z = &self.norm[i][n];
                    for &r in rows {
                        let (mut acc, mut sw) = (0.0, 0.0);
                        for (wj, zj) in wv.iter().zip(&z[r * m..(r + 1) * m]) {
                            if *wj != 0.0 {
                                sw += wj;
                                acc += wj / zj;
                            }
                        }
                        scores[r] = sw / acc;
                    }
                }
                Agg::Topsis => topsis(&self.z01[i], &wv, rows, m, scores),
            }
        }
        Ok(())
    }
}

/// TOPSIS closeness of `rows` of `z` (rows x m, the [0, 1] min-max) with
/// weights `w`, as [`rurban_index::topsis`]: NaN where a row is at
/// distance 0 from both ideals.
fn topsis(z: &[f64], w: &[f64], rows: &[usize], m: usize, scores: &mut [f64]) {
    let mut best = vec![f64::NEG_INFINITY; m];
    let mut worst = vec![f64::INFINITY; m];
    for &r in rows {
        for j in 0..m {
            let v = w[j] * z[r * m + j];
            best[j] = best[j].max(v);
            worst[j] = worst[j].min(v);
        }
    }
    for &r in rows {
        let (mut dp, mut dm) = (0.0, 0.0);
        for j in 0..m {
            let v = w[j] * z[r * m + j];
            dp += (v - best[j]) * (v - best[j]);
            dm += (v - worst[j]) * (v - worst[j]);
        }
        let (dp, dm) = (dp.sqrt(), dm.sqrt());
        scores[r] = if dp + dm > 0.0 {
            dm / (dp + dm)
        } else {
            f64::NAN
        };
    }
}

impl rurban_robust::Model for IndexRuns {
    fn evaluate(&self, run: &Realisation<'_>, out: &mut Output<'_>) -> Result<(), ModelError> {
        self.run(run, out).map_err(|e| Box::new(e) as ModelError)
    }
}

impl Prepared {
    /// Every run of the design and the statistics. `keep_weights` keeps
    /// each run's weights for the samples file; `progress(done, total)` is
    /// called after each run.
    pub fn analyse(
        &self,
        keep_weights: bool,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<(Robustness, Runs), PipelineError> {
        rurban_robust::robustness(
            &self.factors,
            &self.layout,
            &self.model,
            keep_weights,
            progress,
        )
        .map_err(|e| PipelineError::Other(format!("robustness: {e}")))
    }

    /// The rank correlations of each alternative taken alone with the
    /// nominal ranking.
    pub fn schemes(&self) -> Result<Vec<SchemeCorrelation>, PipelineError> {
        rurban_robust::scheme_correlations(&self.factors, &self.layout, &self.model)
            .map_err(|e| PipelineError::Other(format!("robustness: {e}")))
    }

    /// The composite score of every region-year under `run`, in layout
    /// order (e.g. the nominal run, or a run recomputed from the samples).
    pub fn scores(&self, run: &Realisation<'_>) -> Result<Vec<f64>, PipelineError> {
        let mut scores = vec![f64::NAN; self.layout.len()];
        let mut out = Output::new(&mut scores);
        self.model
            .run(run, &mut out)
            .map_err(|e| PipelineError::Other(format!("robustness: {e}")))?;
        Ok(scores)
    }
}

/// Prepares and runs the whole analysis of `spec`, with the scheme
/// correlations: what `rurban run` puts in its summary.
pub fn summary_of(
    spec: &Spec,
    opts: &RunOptions,
    resolver: &dyn Resolve,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<(RobustnessReport, Vec<String>), PipelineError> {
    let prepared = prepare(spec, opts, resolver, None, None)?;
    let (result, _) = prepared.analyse(false, progress)?;
    let schemes = prepared.schemes()?;
    let mut warnings = prepared.warnings.clone();
    warnings.extend(result.warnings.iter().cloned());
    Ok((
        RobustnessReport {
            result,
            schemes,
            seed: prepared.factors.seed(),
        },
        warnings,
    ))
}
