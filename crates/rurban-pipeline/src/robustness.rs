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

use rurban_core::{Impute, Scope};
use rurban_index::construct;
use rurban_index::{Hierarchy, IndexModel, Mean};
use rurban_method::name_is;
use rurban_robust::{
    FactorKind, Factors, Layout, ModelError, Nominal, Output, Realisation, RobustError, Robustness,
    RobustnessReport, Runs, SchemeCorrelation,
};
use rurban_spec::Spec;

use crate::{PipelineError, Resolve, RunOptions, construction, load_data, model_of};

/// The normalisations the model supports.
pub const MODEL_NORMALISATIONS: [&str; 5] = ["minmax", "zscore", "rank", "goalposts", "target"];
/// The aggregations the model supports.
pub const MODEL_AGGREGATIONS: [&str; 4] = ["arithmetic", "geometric", "harmonic", "topsis"];
/// The imputation rules the model supports.
pub const MODEL_IMPUTATIONS: [&str; 4] = ["none", "linear", "year-mean", "group-mean"];

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
    /// `[impute][unit]`: the largest and the smallest value of each column
    /// of `z01` over the unit's rows (TOPSIS's ideals before weighting).
    extremes: Vec<Vec<Extremes>>,
    /// `[impute][normalisation]`: the normalised matrix, rows x m.
    norm: Vec<Vec<Arc<Vec<f64>>>>,
    /// `[impute][normalisation][unit]`: the unit's rows of `norm`, column
    /// by column (indicator-major), for the weighted sum.
    norm_cols: Vec<Vec<Vec<Vec<f64>>>>,
    /// `[impute][unit]`: the unit's rows of `z01`, column by column.
    z01_cols: Vec<Vec<Vec<f64>>>,
    /// `[unit]`: the first row when the unit's rows are consecutive (scope
    /// = panel), so a run writes its scores in place.
    contiguous: Vec<Option<usize>>,
    /// `[impute][normalisation]`: `ln` of it, when geometric may run.
    ln: Vec<Vec<Option<Vec<f64>>>>,
    /// `[impute][weighting][unit]`: the weights.
    weights: Vec<Vec<Vec<Vec<f64>>>>,
    /// The dimension tree with the spec's weights.
    hierarchy: Hierarchy,
    /// Given weights are aggregated node by node through the hierarchy
    /// (exactly as `rurban run`) in runs that leave the weights as they
    /// are; with noise or a left-out indicator, as flat means with the
    /// realised effective weights.
    given_exact: bool,
}

/// The column maxima and minima of a unit's rows.
#[derive(Debug, Clone)]
struct Extremes {
    max: Vec<f64>,
    min: Vec<f64>,
}

impl Extremes {
    fn of(z: &[f64], rows: &[usize], m: usize) -> Self {
        let mut max = vec![f64::NEG_INFINITY; m];
        let mut min = vec![f64::INFINITY; m];
        for &r in rows {
            for j in 0..m {
                max[j] = max[j].max(z[r * m + j]);
                min[j] = min[j].min(z[r * m + j]);
            }
        }
        Extremes { max, min }
    }
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
        ("group-mean", Impute::GroupMean),
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
        Impute::GroupMean => "group-mean",
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

    let plan = construction::plan(spec, resolver)?;
    let weighting = Choices::new(&factors, FactorKind::Weighting, &spec.method.weighting);
    let normalisation = Choices::new(&factors, FactorKind::Normalisation, &plan.normalisation);
    let agg_choices = Choices::new(&factors, FactorKind::Aggregation, &plan.aggregation_name);
    let impute = Choices::new(
        &factors,
        FactorKind::Impute,
        impute_name(spec.method.impute),
    );

    // The spec under each imputation rule, and its plan (group-mean is a
    // construction stage).
    let mut specs = Vec::new();
    let mut plans = Vec::new();
    for name in &impute.names {
        let mut s = spec.clone();
        s.method.impute = impute_rule(name).unwrap_or_default();
        let p = construction::plan(&s, resolver)
            .map_err(|e| PipelineError::Other(format!("[uncertainty] impute '{name}': {e}")))?;
        specs.push(s);
        plans.push(p);
    }
    // The panels, the rules that fill cells first: whether the data have
    // missing cells decides whether `none` can run.
    let mut prepared: Vec<Option<construct::Prepared>> = vec![None; impute.names.len()];
    let mut has_missing = false;
    let mut warnings = Vec::new();
    let mut order: Vec<usize> = (0..impute.names.len()).collect();
    order.sort_by_key(|&i| impute_rule(&impute.names[i]) == Some(Impute::None));
    let listed_none = factors
        .factor(FactorKind::Impute)
        .is_some_and(|f| f.alternatives().iter().any(|a| name_is(a, "none")));
    for i in order {
        let rule = specs[i].method.impute;
        if rule == Impute::None && has_missing && listed_none && !plan.allows_missing() {
            continue; // check_combinations below names it
        }
        let (p, filled) = prepared_data(&specs[i], &plans[i], opts, resolver)?;
        if filled > 0 {
            has_missing = true;
            if i != impute.nominal {
                warnings.push(format!(
                    "robustness: impute '{}' fills {filled} missing cell(s)",
                    impute.names[i]
                ));
            }
        }
        prepared[i] = Some(p);
    }
    factors
        .check_combinations(&Nominal {
            normalisation: plan.normalisation.clone(),
            aggregation: plan.aggregation_name.clone(),
            has_missing: has_missing && !plan.allows_missing(),
        })
        .map_err(|e| other(spec, e))?;
    let prepared: Vec<construct::Prepared> = prepared
        .into_iter()
        .map(|p| p.ok_or_else(|| other(spec, "a panel was not prepared")))
        .collect::<Result<_, _>>()?;

    let nominal = &prepared[impute.nominal];
    let (nr, ny) = (nominal.regions.len(), nominal.years.len());
    let rows = nr * ny;
    let scope = spec.method.scope;
    let units: Vec<Vec<usize>> = nominal.units.iter().map(|u| u.rows.clone()).collect();
    let params = spec
        .method
        .params
        .as_ref()
        .map(|t| serde_json::to_string(t).unwrap_or_else(|_| "{}".into()))
        .unwrap_or_else(|| "{}".into());

    let aggregation: Vec<Agg> = agg_choices
        .names
        .iter()
        .map(|n| {
            Agg::of(n).ok_or_else(|| {
                other(
                    spec,
                    format!(
                        "[method] aggregation '{n}': the robustness analysis runs the built-in \
                         aggregations only ({})",
                        MODEL_AGGREGATIONS.join(", ")
                    ),
                )
            })
        })
        .collect::<Result<_, _>>()?;
    let needs_ln = aggregation.contains(&Agg::Geometric);
    // One normaliser per normalisation, as `rurban run` resolves it.
    let mut normalisers = Vec::new();
    for name in &normalisation.names {
        let mut s = spec.clone();
        s.method.normalisation = Some(name.clone());
        let p = construction::plan(&s, resolver).map_err(|e| {
            PipelineError::Other(format!("[uncertainty] normalisation '{name}': {e}"))
        })?;
        normalisers.push(p.normaliser);
    }
    let names = &index_model.indicators;
    let directions = &index_model.directions;

    let mut z01 = Vec::new();
    let mut z01_cols = Vec::new();
    let mut norm_cols = Vec::new();
    let mut extremes = Vec::new();
    let mut norm = Vec::new();
    let mut ln = Vec::new();
    let mut weights = Vec::new();
    let any_missing =
        |p: &construct::Prepared| p.units.iter().any(|u| u.x.iter().any(|v| v.is_nan()));
    for (i, p) in prepared.iter().enumerate() {
        let mut by_weighting = Vec::new();
        for name in &weighting.names {
            let w = if name_is(name, "given") && resolver.weighting(name).is_none() {
                construct::unit_weights(p, &construct::Weights::Given)
                    .map_err(|e| other(spec, format!("[uncertainty] weighting 'given': {e}")))?
            } else {
                let scheme = resolver.weighting(name).ok_or_else(|| {
                    other(
                        spec,
                        format!("[uncertainty] weighting: unknown weighting '{name}'"),
                    )
                })?;
                let params = if name_is(name, &spec.method.weighting) {
                    params.as_str()
                } else {
                    "{}"
                };
                construct::objective_weights(p, scheme.as_ref(), spec.method.shift.get(), params)
                    .map_err(|e| {
                        other(
                            spec,
                            format!("[uncertainty] weighting '{name}' cannot run: {e}"),
                        )
                    })?
                    .into_iter()
                    .map(|s| s.weights)
                    .collect()
            };
            by_weighting.push(w);
        }
        if aggregation.contains(&Agg::Topsis) && any_missing(p) {
            return Err(other(
                spec,
                format!(
                    "[uncertainty] aggregation: topsis cannot run: the data{} have missing values",
                    if prepared.len() > 1 {
                        format!(" under impute '{}'", impute.names[i])
                    } else {
                        String::new()
                    }
                ),
            ));
        }
        let mut z = vec![f64::NAN; rows * m];
        for u in &p.units {
            for (k, &r) in u.rows.iter().enumerate() {
                for j in 0..m {
                    z[r * m + j] = u.z01.z[[k, j]];
                }
            }
        }
        let mut by_norm = Vec::new();
        let mut ln_by_norm = Vec::new();
        for (n, normaliser) in normalisers.iter().enumerate() {
            let mut matrix = vec![f64::NAN; rows * m];
            for u in &p.units {
                let zn = normaliser
                    .try_normalise(names, u.x.view(), directions)
                    .map_err(|e| {
                        other(
                            spec,
                            format!(
                                "[uncertainty] normalisation '{}': {e}",
                                normalisation.names[n]
                            ),
                        )
                    })?;
                for (k, &r) in u.rows.iter().enumerate() {
                    for j in 0..m {
                        matrix[r * m + j] = zn.z[[k, j]];
                    }
                }
            }
            ln_by_norm.push(needs_ln.then(|| matrix.iter().map(|x| x.ln()).collect()));
            by_norm.push(Arc::new(matrix));
        }
        extremes.push(units.iter().map(|rows| Extremes::of(&z, rows, m)).collect());
        norm_cols.push(
            by_norm
                .iter()
                .map(|zn| units.iter().map(|rows| columns_of(zn, rows, m)).collect())
                .collect(),
        );
        z01_cols.push(units.iter().map(|rows| columns_of(&z, rows, m)).collect());
        z01.push(Arc::new(z));
        norm.push(by_norm);
        ln.push(ln_by_norm);
        weights.push(by_weighting);
    }

    let given_exact = factors.factor(FactorKind::Weights).is_none();
    let contiguous = units
        .iter()
        .map(|rows| {
            let first = *rows.first()?;
            rows.iter()
                .enumerate()
                .all(|(k, &r)| r == first + k)
                .then_some(first)
        })
        .collect();
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
        z01_cols,
        extremes,
        norm,
        norm_cols,
        contiguous,
        ln,
        weights,
        hierarchy: plan.hierarchy.clone(),
        given_exact,
    };
    model
        .check_positive(prepared.len(), &index_model, &factors, nominal)
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

/// The construction's data stages of `spec` (its imputation rule set) as
/// `rurban run` runs them, and how many cells the imputation filled.
fn prepared_data(
    spec: &Spec,
    plan: &construction::Plan,
    opts: &RunOptions,
    resolver: &dyn Resolve,
) -> Result<(construct::Prepared, usize), PipelineError> {
    let ((_, panel, imputed, _, _), extras) =
        load_data(spec, opts, resolver, plan.allows_missing())?;
    let values = construction::stacked_values(&panel);
    let directions: Vec<_> = spec.indicators().iter().map(|(_, i)| i.direction).collect();
    let p = construct::prepare(
        construct::Input {
            regions: &panel.regions,
            years: &panel.years,
            hierarchy: &plan.hierarchy,
            directions: &directions,
            values,
            denominators: extras.denominators,
            groups: extras.groups,
        },
        &plan.stages,
    )
    .map_err(|cause| PipelineError::Index {
        path: panel.source.clone(),
        cause: Box::new(cause),
    })?;
    let filled = imputed.len() + p.group_cells.len();
    Ok((p, filled))
}

impl IndexRuns {
    /// Geometric and harmonic means need every value > 0: the first value
    /// <= 0 of a normalisation that may run under them (in a column some
    /// weighting gives a weight) is an error naming both methods, the
    /// indicator and the region-year.
    fn check_positive(
        &self,
        panels: usize,
        model: &IndexModel,
        factors: &Factors,
        nominal: &construct::Prepared,
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
                            if panels > 1 {
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
        let mut wv_stack = [0.0; MAX_TOPSIS_M];
        let mut wv_heap = Vec::new();
        let wv: &mut [f64] = if m <= MAX_TOPSIS_M {
            &mut wv_stack[..m]
        } else {
            wv_heap.resize(m, 0.0);
            &mut wv_heap
        };
        for (u, rows) in self.units.iter().enumerate() {
            wv.copy_from_slice(&self.weights[i][w][u]);
            run.apply_weights(wv)?;
            if !self.scope_year {
                out.record_weights(wv)?;
            }
            let scores = out.scores();
            let mean = match self.aggregation[a] {
                Agg::Arithmetic => Some(Mean::Arithmetic),
                Agg::Geometric => Some(Mean::Geometric),
                Agg::Harmonic => Some(Mean::Harmonic),
                Agg::Topsis => None,
            };
            if let Some(mean) = mean
                && self.given_exact
                && run.excluded().is_none()
                && name_is(&self.weighting.names[w], "given")
            {
                // node by node through the hierarchy, as `rurban run`
                let z = &self.norm[i][n];
                for &r in rows {
                    let s = self
                        .hierarchy
                        .aggregate_given(&z[r * m..(r + 1) * m], mean, r)
                        .map_err(|e| RobustError::Weights {
                            cause: e.to_string(),
                        })?;
                    scores[r] = s.composite.unwrap_or(f64::NAN);
                }
                continue;
            }
            match self.aggregation[a] {
                Agg::Arithmetic => {
                    let z = &self.norm[i][n];
                    // term by term as rurban_index::WeightedSum, column by
                    // column over the unit's rows so that the rows' sums
                    // run side by side (each row's sum keeps its order:
                    // the same bits)
                    let cols = &self.norm_cols[i][n][u];
                    let wv = &*wv;
                    self.unit_scores(u, rows, scores, |out, start| {
                        if !weighted_sum(cols, rows.len(), start, wv, out) {
                            return;
                        }
                        for (o, &r) in out.iter_mut().zip(&rows[start..]) {
                            if o.is_nan() {
                                // given weights skip a missing value: the mean of the rest
                                let (mut acc, mut sw) = (0.0, 0.0);
                                for (wj, zj) in wv.iter().zip(&z[r * m..(r + 1) * m]) {
                                    if !zj.is_nan() && *wj != 0.0 {
                                        acc += wj * zj;
                                        sw += wj;
                                    }
                                }
                                *o = acc / sw;
                            }
                        }
                    });
                }
                Agg::Geometric => {
                    let lz = self.ln[i][n].as_deref().unwrap_or(&[]);
                    for &r in rows {
                        // as rurban_index::Mean::Geometric: zero weights skipped
                        let (mut acc, mut sw) = (0.0, 0.0);
                        for (wj, lj) in wv.iter().zip(&lz[r * m..(r + 1) * m]) {
                            if *wj != 0.0 && !lj.is_nan() {
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
                            if *wj != 0.0 && !zj.is_nan() {
                                sw += wj;
                                acc += wj / zj;
                            }
                        }
                        scores[r] = sw / acc;
                    }
                }
                Agg::Topsis => {
                    if wv.len() <= MAX_TOPSIS_M && wv.iter().all(|&x| x >= 0.0) {
                        let cols = &self.z01_cols[i][u];
                        let ext = &self.extremes[i][u];
                        self.unit_scores(u, rows, scores, |out, start| {
                            topsis(cols, rows.len(), start, ext, wv, out);
                        });
                    } else {
                        topsis_general(&self.z01[i], wv, rows, scores);
                    }
                }
            }
        }
        Ok(())
    }
}

/// Rows of a unit scored together: their partial sums stay in L1.
const BLOCK: usize = 256;

/// The rows `rows` of `z` (rows x m) column by column: `m` runs of
/// `rows.len()` values.
fn columns_of(z: &[f64], rows: &[usize], m: usize) -> Vec<f64> {
    let len = rows.len();
    let mut cols = vec![0.0; len * m];
    for (k, &r) in rows.iter().enumerate() {
        for j in 0..m {
            cols[j * len + k] = z[r * m + j];
        }
    }
    cols
}

impl IndexRuns {
    /// Scores the rows of unit `u` block by block: `f(out, start)` fills
    /// `out` with the scores of the unit's rows `start..start +
    /// out.len()`, in place when the unit's rows are consecutive, else
    /// through a buffer scattered to `rows`.
    fn unit_scores(
        &self,
        u: usize,
        rows: &[usize],
        scores: &mut [f64],
        f: impl Fn(&mut [f64], usize),
    ) {
        let mut buf = [0.0; BLOCK];
        for start in (0..rows.len()).step_by(BLOCK) {
            let len = BLOCK.min(rows.len() - start);
            match self.contiguous[u] {
                Some(first) => f(&mut scores[first + start..first + start + len], start),
                None => {
                    f(&mut buf[..len], start);
                    for (&r, &v) in rows[start..start + len].iter().zip(&buf[..len]) {
                        scores[r] = v;
                    }
                }
            }
        }
    }
}

/// The weighted sums `-0.0 + w_0 z_0 + w_1 z_1 + ...` (term by term, as
/// [`rurban_index::WeightedSum`]) of the unit rows `start..start +
/// out.len()`, from the unit's columns `cols` (each `len` long), into
/// `out`. Compiled for AVX-512 or AVX2 when the processor has them (no
/// fused multiply-add: the same bits). True when a sum is NaN (a missing
/// value met).
fn weighted_sum(cols: &[f64], len: usize, start: usize, w: &[f64], out: &mut [f64]) -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f") {
            // SAFETY: the CPU has AVX-512F (checked just above).
            return unsafe { weighted_sum_avx512(cols, len, start, w, out) };
        }
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2 (checked just above).
            return unsafe { weighted_sum_avx2(cols, len, start, w, out) };
        }
    }
    weighted_sum_portable(cols, len, start, w, out)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn weighted_sum_avx512(cols: &[f64], len: usize, start: usize, w: &[f64], out: &mut [f64]) -> bool {
    weighted_sum_portable(cols, len, start, w, out)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn weighted_sum_avx2(cols: &[f64], len: usize, start: usize, w: &[f64], out: &mut [f64]) -> bool {
    weighted_sum_portable(cols, len, start, w, out)
}

/// Rows whose sums a column kernel keeps in registers over all the
/// indicators (read from memory once, written once).
const LANES: usize = 16;

#[inline(always)]
fn weighted_sum_portable(
    cols: &[f64],
    len: usize,
    start: usize,
    w: &[f64],
    out: &mut [f64],
) -> bool {
    let nb = out.len();
    let full = nb - nb % LANES;
    for (k, o) in out[..full].chunks_exact_mut(LANES).enumerate() {
        let at = start + k * LANES;
        let mut acc = [-0.0f64; LANES];
        for (j, &wj) in w.iter().enumerate() {
            let c = &cols[j * len + at..j * len + at + LANES];
            for (a, &z) in acc.iter_mut().zip(c) {
                *a += wj * z;
            }
        }
        o.copy_from_slice(&acc);
    }
    let rest = &mut out[full..];
    rest.fill(-0.0);
    for (j, &wj) in w.iter().enumerate() {
        let c = &cols[j * len + start + full..j * len + start + nb];
        for (o, &z) in rest.iter_mut().zip(c) {
            *o += wj * z;
        }
    }
    // a reduction with no early exit, so that it vectorises
    out.iter().fold(false, |nan, x| nan | x.is_nan())
}

/// TOPSIS closeness (as [`rurban_index::topsis`]: NaN where a row is at
/// distance 0 from both ideals) of the unit rows `start..start +
/// out.len()`, from the unit's columns `cols` of the [0, 1] min-max
/// (each `len` long) with weights `w` (all >= 0, at most
/// [`MAX_TOPSIS_M`]), into `out`.
///
/// The weights are >= 0, and rounding is monotone, so the ideal
/// `max_r fl(w_j z_rj)` is exactly `fl(w_j max_r z_rj)`: the ideals come
/// from the unit's precomputed column extremes (the same bits as taking
/// the extremes of the weighted values). Each row's sums keep their
/// order (indicator by indicator from 0.0). Compiled for AVX-512 or AVX2
/// when the processor has them (the same bits).
fn topsis(cols: &[f64], len: usize, start: usize, ext: &Extremes, w: &[f64], out: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f") {
            // SAFETY: the CPU has AVX-512F (checked just above).
            unsafe { topsis_avx512(cols, len, start, ext, w, out) };
            return;
        }
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2 (checked just above).
            unsafe { topsis_avx2(cols, len, start, ext, w, out) };
            return;
        }
    }
    topsis_portable(cols, len, start, ext, w, out);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn topsis_avx512(
    cols: &[f64],
    len: usize,
    start: usize,
    ext: &Extremes,
    w: &[f64],
    out: &mut [f64],
) {
    topsis_portable(cols, len, start, ext, w, out);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn topsis_avx2(cols: &[f64], len: usize, start: usize, ext: &Extremes, w: &[f64], out: &mut [f64]) {
    topsis_portable(cols, len, start, ext, w, out);
}

#[inline(always)]
fn topsis_portable(
    cols: &[f64],
    len: usize,
    start: usize,
    ext: &Extremes,
    w: &[f64],
    out: &mut [f64],
) {
    let m = w.len();
    let (mut best, mut worst) = ([0.0f64; MAX_TOPSIS_M], [0.0f64; MAX_TOPSIS_M]);
    for j in 0..m {
        best[j] = w[j] * ext.max[j];
        worst[j] = w[j] * ext.min[j];
    }
    let closeness = |p: f64, q: f64| {
        let (p, q) = (p.sqrt(), q.sqrt());
        if p + q > 0.0 { q / (p + q) } else { f64::NAN }
    };
    // LANES rows at a time, their distances in registers over all the
    // indicators; then the rows left, up to LANES - 1
    for (k, o) in out.chunks_mut(LANES).enumerate() {
        let at = start + k * LANES;
        let l = o.len();
        let (mut dp, mut dm) = ([0.0f64; LANES], [0.0f64; LANES]);
        if l == LANES {
            for j in 0..m {
                let c = &cols[j * len + at..j * len + at + LANES];
                for ((p, q), &z) in dp.iter_mut().zip(dm.iter_mut()).zip(c) {
                    let v = w[j] * z;
                    *p += (v - best[j]) * (v - best[j]);
                    *q += (v - worst[j]) * (v - worst[j]);
                }
            }
        } else {
            for j in 0..m {
                let c = &cols[j * len + at..j * len + at + l];
                for ((p, q), &z) in dp.iter_mut().zip(dm.iter_mut()).zip(c) {
                    let v = w[j] * z;
                    *p += (v - best[j]) * (v - best[j]);
                    *q += (v - worst[j]) * (v - worst[j]);
                }
            }
        }
        for ((o, &p), &q) in o.iter_mut().zip(&dp).zip(&dm) {
            *o = closeness(p, q);
        }
    }
}

/// Up to this many indicators TOPSIS keeps its ideals on the stack.
const MAX_TOPSIS_M: usize = 64;

/// [`topsis`] for more than [`MAX_TOPSIS_M`] indicators or a negative
/// weight: the ideals from the weighted values themselves.
fn topsis_general(z: &[f64], w: &[f64], rows: &[usize], scores: &mut [f64]) {
    let m = w.len();
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
pub fn report(
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Random values in [0, 1) with exact zeros and ones among them.
    fn values(n: usize, seed: &mut u64) -> Vec<f64> {
        (0..n)
            .map(|_| {
                *seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                match *seed >> 60 {
                    0 => 0.0,
                    1 => 1.0,
                    _ => (*seed >> 11) as f64 / (1u64 << 53) as f64,
                }
            })
            .collect()
    }

    /// The column kernels, through the dispatch and portable, give the
    /// same bits as the row-by-row weighted sum and TOPSIS (row order
    /// scrambled, units longer than a block, zero weights).
    #[test]
    fn column_kernels_equal_row_by_row_sums_bit_for_bit() {
        let mut seed = 7u64;
        for (nrows, m) in [(1, 1), (7, 3), (31, 6), (300, 5), (620, 6), (513, 40)] {
            let z = values(nrows * m, &mut seed);
            let mut w = values(m, &mut seed);
            if m > 2 {
                w[1] = 0.0;
            }
            let sum: f64 = w.iter().sum();
            w.iter_mut().for_each(|x| *x /= sum);
            // a unit of every other row, backwards
            let rows: Vec<usize> = (0..nrows).rev().step_by(2).collect();
            let len = rows.len();
            let cols = columns_of(&z, &rows, m);
            let ext = Extremes::of(&z, &rows, m);
            // row by row, as rurban_index
            let mut want_sum = Vec::new();
            let mut want_topsis = Vec::new();
            let mut general = vec![0.0; nrows];
            topsis_general(&z, &w, &rows, &mut general);
            for &r in &rows {
                let mut t = -0.0;
                for j in 0..m {
                    t += w[j] * z[r * m + j];
                }
                want_sum.push(t.to_bits());
                want_topsis.push(general[r].to_bits());
            }
            for start in (0..len).step_by(BLOCK) {
                let nb = BLOCK.min(len - start);
                let mut a = vec![0.0; nb];
                let mut b = vec![0.0; nb];
                assert!(!weighted_sum(&cols, len, start, &w, &mut a));
                assert!(!weighted_sum_portable(&cols, len, start, &w, &mut b));
                let a: Vec<u64> = a.iter().map(|x| x.to_bits()).collect();
                let b: Vec<u64> = b.iter().map(|x| x.to_bits()).collect();
                assert_eq!(a, want_sum[start..start + nb], "sum {nrows} x {m}");
                assert_eq!(b, want_sum[start..start + nb], "sum {nrows} x {m}");
                let mut a = vec![0.0; nb];
                let mut b = vec![0.0; nb];
                topsis(&cols, len, start, &ext, &w, &mut a);
                topsis_portable(&cols, len, start, &ext, &w, &mut b);
                let a: Vec<u64> = a.iter().map(|x| x.to_bits()).collect();
                let b: Vec<u64> = b.iter().map(|x| x.to_bits()).collect();
                assert_eq!(a, want_topsis[start..start + nb], "topsis {nrows} x {m}");
                assert_eq!(b, want_topsis[start..start + nb], "topsis {nrows} x {m}");
            }
        }
    }
}
