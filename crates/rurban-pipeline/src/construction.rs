//! The index construction of `rurban run`: the spec's `[method]` choices
//! resolved into stages, a normalisation, an aggregation and weights
//! ([`Plan`]), the data columns they read besides the indicators
//! ([`Extras`]), and the build through `rurban_index::construct` into the
//! run's weights and scores, coupling coordination and obstacle degree.

use std::sync::Arc;

use ndarray::{Array2, Array3};
use rurban_core::{Panel, Table};
use rurban_index::construct::{self, Aggregation, Input, Prepared, Stages, Weights};
use rurban_index::{
    DimensionDef, Goalposts, Hierarchy, IndexResult, IndicatorDef, Mean, MinMaxRange, Normaliser,
    Rank, Target, Treatment, Winmax, ZScore,
};
use rurban_results::construction::{
    Construction, CouplingRowRef, CouplingSummary, GroupImputedRecord, ObstacleKind,
    ObstacleSummary, StageValues, TreatmentRecord,
};
use rurban_spec::Spec;
use rurban_weighting::Weighting;

use crate::{PipelineError, Resolve};

/// The built-in normalisations.
pub const NORMALISATIONS: [&str; 5] = ["minmax", "zscore", "rank", "goalposts", "target"];
/// The built-in aggregations.
pub const AGGREGATIONS: [&str; 4] = ["arithmetic", "geometric", "harmonic", "topsis"];

/// An aggregation resolved by name.
#[derive(Clone)]
pub enum AggregationKind {
    /// A weighted mean.
    Mean(Mean),
    /// TOPSIS.
    Topsis,
    /// A plugin's.
    Other(Arc<dyn rurban_index::Aggregator>),
}

/// The spec's construction choices, resolved and checked.
#[derive(Clone)]
pub struct Plan {
    /// The data stages.
    pub stages: Stages,
    /// The normalisation.
    pub normaliser: Arc<dyn Normaliser>,
    /// Its name.
    pub normalisation: String,
    /// The aggregation.
    pub aggregation: AggregationKind,
    /// Its name.
    pub aggregation_name: String,
    /// `weighting = "given"`.
    pub given: bool,
    /// The dimension tree with the spec's weights.
    pub hierarchy: Hierarchy,
    /// Coupling coordination: alpha, when the step runs.
    pub coupling: Option<Vec<f64>>,
    /// Whether the obstacle degree is computed.
    pub obstacle: bool,
    /// Warnings of the settings (alpha not summing to 1).
    pub warnings: Vec<String>,
    /// `on = true` given for coupling and for obstacle: a missing value is
    /// then an error; when the step is on by default it is skipped with a
    /// warning.
    pub explicit: (bool, bool),
}

impl Plan {
    /// Missing values may reach the construction (they are skipped by given
    /// weights with a mean, or filled by group-mean imputation; elsewhere
    /// the construction names the cell).
    pub fn allows_missing(&self) -> bool {
        self.stages.group_mean
            || self.stages.denominate
            || (self.given && matches!(self.aggregation, AggregationKind::Mean(_)))
    }
}

fn spec_err(spec: &Spec, msg: impl std::fmt::Display) -> PipelineError {
    PipelineError::Other(format!("{}: {msg}", spec.path.display()))
}

/// Resolves and checks the spec's construction keys. Errors name the key.
pub fn plan(spec: &Spec, resolver: &dyn Resolve) -> Result<Plan, PipelineError> {
    let m = &spec.method;
    let inds = spec.indicators();
    let names: Vec<String> = inds.iter().map(|(_, i)| i.id.clone()).collect();
    let dims: Vec<DimensionDef> = spec
        .dimension
        .iter()
        .map(|d| DimensionDef {
            id: d.id.clone(),
            parent: d.parent.clone(),
            weight: d.weight.unwrap_or(1.0),
        })
        .collect();
    let idefs: Vec<IndicatorDef> = inds
        .iter()
        .map(|(d, i)| IndicatorDef {
            id: i.id.clone(),
            dimension: spec.dimension[*d].id.clone(),
            weight: i.weight.unwrap_or(1.0),
        })
        .collect();
    let hierarchy =
        Hierarchy::new(&dims, &idefs).map_err(|e| spec_err(spec, format!("[[dimension]]: {e}")))?;
    let range = match m.range {
        Some([l, u]) => {
            MinMaxRange::new(l, u).map_err(|e| spec_err(spec, format!("[method] {e}")))?;
            (l, u)
        }
        None => (0.0, 1.0),
    };
    let normalisation = m
        .normalisation
        .clone()
        .unwrap_or_else(|| "minmax".into())
        .to_lowercase();
    let normaliser: Arc<dyn Normaliser> = match normalisation.as_str() {
        "minmax" => Arc::new(MinMaxRange::new(range.0, range.1).map_err(|e| spec_err(spec, e))?),
        "zscore" => Arc::new(ZScore),
        "rank" => Arc::new(Rank),
        "goalposts" => {
            let posts: Vec<Option<(f64, f64)>> = inds
                .iter()
                .map(|(_, i)| i.goalposts.map(|[a, b]| (a, b)))
                .collect();
            Arc::new(
                Goalposts::new(range, &names, &posts)
                    .map_err(|e| spec_err(spec, format!("[[dimension.indicator]] {e}")))?,
            )
        }
        "target" => {
            let t: Vec<Option<f64>> = inds.iter().map(|(_, i)| i.target).collect();
            Arc::new(
                Target::new(&names, &t)
                    .map_err(|e| spec_err(spec, format!("[[dimension.indicator]] {e}")))?,
            )
        }
        other => resolver.normaliser(other).ok_or_else(|| {
            spec_err(
                spec,
                format!(
                    "[method] normalisation = \"{}\" is not a known normalisation (known: {}; or load a plugin that provides it)",
                    rurban_core::clip(other),
                    NORMALISATIONS.join(", ")
                ),
            )
        })?,
    };
    let aggregation_name = m
        .aggregation
        .clone()
        .unwrap_or_else(|| "arithmetic".into())
        .to_lowercase();
    let aggregation = match aggregation_name.as_str() {
        "arithmetic" => AggregationKind::Mean(Mean::Arithmetic),
        "geometric" => AggregationKind::Mean(Mean::Geometric),
        "harmonic" => AggregationKind::Mean(Mean::Harmonic),
        "topsis" => AggregationKind::Topsis,
        other => AggregationKind::Other(resolver.aggregator(other).ok_or_else(|| {
            spec_err(
                spec,
                format!(
                    "[method] aggregation = \"{}\" is not a known aggregation (known: {}; or load a plugin that provides it)",
                    rurban_core::clip(other),
                    AGGREGATIONS.join(", ")
                ),
            )
        })?),
    };
    let treatment = match m.treat.as_deref().map(str::to_lowercase).as_deref() {
        None | Some("none") => {
            if m.treatment.is_some() {
                return Err(spec_err(
                    spec,
                    "[method.treatment] is given but [method] treat is not \"winsorise\"",
                ));
            }
            None
        }
        Some("winsorise" | "winsorize") => {
            let t = m.treatment.clone().unwrap_or_else(|| {
                toml::from_str("").expect("every field of [method.treatment] has a default")
            });
            let winmax = Winmax::parse(&t.winmax.text())
                .map_err(|e| spec_err(spec, format!("[method.treatment] {e}")))?;
            let tr = Treatment {
                skew: t.skew,
                kurtosis: t.kurtosis,
                winmax,
                switch: t.switch,
                log: t.log,
            };
            tr.check()
                .map_err(|e| spec_err(spec, format!("[method.treatment] {e}")))?;
            Some(tr)
        }
        Some(other) => {
            return Err(spec_err(
                spec,
                format!(
                    "[method] treat = \"{}\": expected \"none\" or \"winsorise\"",
                    rurban_core::clip(other)
                ),
            ));
        }
    };
    let group_mean = m.impute == rurban_core::Impute::GroupMean;
    if group_mean && m.impute_group.is_none() {
        return Err(spec_err(
            spec,
            "[method] impute = \"group-mean\" needs impute_group = \"COLUMN\", the data column holding each row's group",
        ));
    }
    if m.denominate {
        for (_, i) in &inds {
            if let Some(d) = &i.denominator
                && d.trim().is_empty()
            {
                return Err(spec_err(
                    spec,
                    format!("indicator '{}': denominator is empty", i.id),
                ));
            }
        }
    }
    let roots = hierarchy.roots().len();
    let mut warnings = Vec::new();
    let c = spec.analysis.coupling.clone().unwrap_or_default();
    let coupling = match c.on {
        Some(false) => None,
        Some(true) if roots < 2 => {
            return Err(spec_err(
                spec,
                format!(
                    "[analysis.coupling] needs 2 or more top-level dimensions; the index has {roots}"
                ),
            ));
        }
        None if roots < 2 => None,
        _ => {
            let (alpha, w) = rurban_index::coupling::alpha(roots, c.alpha.as_deref())
                .map_err(|e| spec_err(spec, e))?;
            warnings.extend(w);
            Some(alpha)
        }
    };
    let obstacle = spec
        .analysis
        .obstacle
        .as_ref()
        .and_then(|o| o.on)
        .unwrap_or(true);
    Ok(Plan {
        stages: Stages {
            scope: m.scope,
            denominate: m.denominate,
            group_mean,
            treatment,
        },
        normaliser,
        normalisation,
        aggregation,
        aggregation_name,
        given: m.weighting.eq_ignore_ascii_case("given"),
        hierarchy,
        coupling,
        obstacle,
        warnings,
        explicit: (
            c.on == Some(true),
            spec.analysis.obstacle.as_ref().and_then(|o| o.on) == Some(true),
        ),
    })
}

/// The data columns the construction reads besides the indicators.
#[derive(Debug, Clone, Default)]
pub struct Extras {
    /// Per indicator (spec order): its denominator's name and column
    /// (region-major), with `denominate = true`.
    pub denominators: Vec<Option<(String, Vec<f64>)>>,
    /// The group of each row (region-major), with group-mean imputation.
    pub groups: Option<Vec<Option<String>>>,
}

/// The denominator columns a spec reads (with `denominate = true`).
pub fn denominator_columns(spec: &Spec) -> Vec<String> {
    if !spec.method.denominate {
        return Vec::new();
    }
    let mut out: Vec<String> = Vec::new();
    for (_, i) in spec.indicators() {
        if let Some(d) = &i.denominator
            && !out.contains(d)
        {
            out.push(d.clone());
        }
    }
    out
}

/// Checks that the denominator columns exist in a wide table, naming the
/// spec key when one does not.
pub fn check_denominators(spec: &Spec, table: &Table) -> Result<(), PipelineError> {
    if !spec.method.denominate || is_long(table) {
        return Ok(());
    }
    for (_, i) in spec.indicators() {
        if let Some(d) = &i.denominator
            && table.find(d).is_none()
        {
            return Err(spec_err(
                spec,
                format!(
                    "indicator '{}': denominator = \"{}\" is not a column of {}",
                    rurban_core::clip(&i.id),
                    rurban_core::clip(d),
                    table.path.display()
                ),
            ));
        }
    }
    Ok(())
}

fn is_long(table: &Table) -> bool {
    let lower: Vec<String> = table.headers.iter().map(|h| h.to_lowercase()).collect();
    lower.iter().any(|h| h == "indicator") && lower.iter().any(|h| h == "value")
}

/// Reads the extras from the panel (denominator columns, before the
/// indicators are selected) and the table (the group column).
pub fn extras(spec: &Spec, panel: &Panel, table: &Table) -> Result<Extras, PipelineError> {
    let (nr, ny, _) = panel.values.dim();
    let column = |name: &str| -> Option<Vec<f64>> {
        let k = panel.indicators.iter().position(|i| i == name)?;
        let mut v = Vec::with_capacity(nr * ny);
        for r in 0..nr {
            for y in 0..ny {
                v.push(if panel.observed[[r, y, k]] {
                    panel.values[[r, y, k]]
                } else {
                    f64::NAN
                });
            }
        }
        Some(v)
    };
    let mut out = Extras::default();
    for (_, i) in spec.indicators() {
        out.denominators
            .push(match (&i.denominator, spec.method.denominate) {
                (Some(d), true) => Some((
                    d.clone(),
                    column(d).ok_or_else(|| {
                        spec_err(
                            spec,
                            format!(
                                "indicator '{}': denominator = \"{}\" is not a column of the data",
                                rurban_core::clip(&i.id),
                                rurban_core::clip(d)
                            ),
                        )
                    })?,
                )),
                _ => None,
            });
    }
    if spec.method.impute == rurban_core::Impute::GroupMean {
        let gname = spec.method.impute_group.as_deref().unwrap_or_default();
        if is_long(table) {
            return Err(spec_err(
                spec,
                "[method] impute = \"group-mean\" needs a wide panel (the group is a column)",
            ));
        }
        let gcol = table.find(gname).ok_or_else(|| {
            spec_err(
                spec,
                format!(
                    "[method] impute_group = \"{}\" is not a column of {}",
                    rurban_core::clip(gname),
                    table.path.display()
                ),
            )
        })?;
        let text = table.text(gcol);
        let mut groups = Vec::with_capacity(nr * ny);
        for r in 0..nr {
            for y in 0..ny {
                let row = (0..panel.indicators.len()).find_map(|k| panel.file_row(r, y, k));
                let g = row
                    .and_then(|row| text.get(row - 1))
                    .filter(|c| !rurban_core::table::is_missing(c));
                match g {
                    Some(g) => groups.push(Some(g.to_string())),
                    None => {
                        let at = match row {
                            Some(row) => format!("row {row}, "),
                            None => String::new(),
                        };
                        return Err(PipelineError::Other(format!(
                            "{}: {at}column '{}' (region '{}', year {}): missing group, which impute = \"group-mean\" needs",
                            table.path.display(),
                            rurban_core::clip(&table.headers[gcol]),
                            rurban_core::clip(&panel.regions[r]),
                            panel.years[y]
                        )));
                    }
                }
            }
        }
        out.groups = Some(groups);
    }
    Ok(out)
}

/// What the construction of a run computed besides the scores.
#[derive(Debug, Clone, Default)]
pub struct Built {
    /// `"construction"` of the summary (shared with it, never copied).
    pub construction: Arc<Construction>,
    /// `"coupling"`, when it ran.
    pub coupling: Option<Arc<CouplingSummary>>,
    /// `"obstacle"`, when it ran.
    pub obstacle: Option<Arc<ObstacleSummary>>,
    /// Warnings of the construction.
    pub warnings: Vec<String>,
}

fn values_of(p: &Prepared, stage: &str, a: &Array2<f64>) -> Result<StageValues, PipelineError> {
    StageValues::from_grid(
        stage,
        &p.regions,
        &p.years,
        a.ncols(),
        a.iter().copied().collect(),
    )
    .map_err(PipelineError::Other)
}

fn index_u32(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// A weighting error about a cell, with the cell's file row filled in.
fn with_file_row(panel: &Panel, e: rurban_index::IndexError) -> rurban_index::IndexError {
    match e {
        rurban_index::IndexError::Value {
            method,
            row: None,
            region,
            year,
            indicator,
            message,
        } => {
            let r = panel.regions.iter().position(|x| *x == region);
            let y = panel.years.iter().position(|x| *x == year);
            let k = panel.indicators.iter().position(|x| *x == indicator);
            let row = match (r, y, k) {
                (Some(r), Some(y), Some(k)) => panel.file_row(r, y, k),
                _ => None,
            };
            rurban_index::IndexError::Value {
                method,
                row,
                region,
                year,
                indicator,
                message,
            }
        }
        e => e,
    }
}

fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// The panel's values as the construction takes them: a (region-year) x
/// indicator matrix, rows region by region, NaN where a cell is missing.
pub fn stacked_values(panel: &Panel) -> Array2<f64> {
    let (nr, ny, m) = panel.values.dim();
    let mut values = Array2::<f64>::from_elem((nr * ny, m), f64::NAN);
    for r in 0..nr {
        for y in 0..ny {
            for k in 0..m {
                if panel.observed[[r, y, k]] || panel.values[[r, y, k]].is_finite() {
                    values[[r * ny + y, k]] = panel.values[[r, y, k]];
                }
            }
        }
    }
    values
}

/// [`stacked_values`] made from the panel's own values cube, without a
/// copy: `[r, y, k]` is row `r * ny + y`, column `k` of the same floats.
/// The panel's `values` are left `regions x years x 0`.
fn take_stacked_values(panel: &mut Panel) -> Result<Array2<f64>, PipelineError> {
    let (nr, ny, m) = panel.values.dim();
    let cube = std::mem::replace(&mut panel.values, Array3::zeros((nr, ny, 0)));
    let mut cube = if cube.is_standard_layout() {
        cube
    } else {
        cube.as_standard_layout().into_owned()
    };
    ndarray::Zip::from(&mut cube)
        .and(&panel.observed)
        .for_each(|v, &observed| {
            if !(observed || v.is_finite()) {
                *v = f64::NAN;
            }
        });
    cube.into_shape_with_order((nr * ny, m))
        .map_err(|e| PipelineError::Other(e.to_string()))
}

/// Builds weights, scores, coupling and obstacles. `panel` holds the
/// indicators in spec order (NaN = missing where the plan allows it); the
/// construction takes its values cube (left `regions x years x 0`), its
/// labels and file rows stay. `scheme` is the objective weighting (None
/// for given weights).
pub fn build(
    spec: &Spec,
    plan: &Plan,
    panel: &mut Panel,
    extras: Extras,
    scheme: Option<&dyn Weighting>,
    params: &str,
) -> Result<(IndexResult, Built), PipelineError> {
    let (nr, ny, m) = panel.values.dim();
    let values = take_stacked_values(panel)?;
    let panel: &Panel = panel;
    let directions: Vec<_> = spec.indicators().iter().map(|(_, i)| i.direction).collect();
    let data_err = |e: rurban_index::IndexError| PipelineError::Index {
        path: panel.source.clone(),
        cause: Box::new(e),
    };
    let prepared = construct::prepare(
        Input {
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
    .map_err(data_err)?;
    let (weights, weight_sets) = match scheme {
        Some(s) => {
            let sets = construct::objective_weights(&prepared, s, spec.method.shift.get(), params)
                .map_err(|e| data_err(with_file_row(panel, e)))?;
            (
                Weights::Objective(sets.iter().map(|w| w.weights.clone()).collect()),
                sets,
            )
        }
        None => {
            let w = construct::unit_weights(&prepared, &Weights::Given)
                .map_err(|e| spec_err(spec, e))?;
            let sets = prepared
                .units
                .iter()
                .zip(w)
                .map(|(u, w)| rurban_index::WeightSet {
                    year: u.year,
                    weights: w,
                    entropy: None,
                    n: u.rows.len(),
                    warnings: Vec::new(),
                })
                .collect();
            (Weights::Given, sets)
        }
    };
    let aggregation = match &plan.aggregation {
        AggregationKind::Mean(mean) => Aggregation::Mean(*mean),
        AggregationKind::Topsis => Aggregation::Topsis,
        AggregationKind::Other(a) => Aggregation::Other(a.as_ref()),
    };
    let scores = construct::score(&prepared, plan.normaliser.as_ref(), aggregation, &weights)
        .map_err(data_err)?;
    if let Some(row) = scores.composite.iter().position(|c| c.is_nan()) {
        let (region, year) = prepared.cell(row);
        return Err(PipelineError::Other(format!(
            "{}: region '{region}', year {year}: the composite is missing (every indicator of the row is missing)",
            panel.source.display()
        )));
    }
    let nd = plan.hierarchy.dimensions().len();
    let construct::Scores {
        normalised,
        composite: composite_rows,
        dimensions,
        warnings: score_warnings,
    } = scores;
    // Row `r * ny + y` of the normalised values is `[r, y, ..]` of `z`: the
    // same floats in the same order, so `z` takes them without a copy.
    let normalised = if normalised.is_standard_layout() {
        normalised
    } else {
        normalised.as_standard_layout().into_owned()
    };
    let z = normalised
        .into_shape_with_order((nr, ny, m))
        .map_err(|e| PipelineError::Other(e.to_string()))?
        .into_shared();
    let mut composite = Array2::<f64>::zeros((nr, ny));
    let mut dimension_scores = Array3::<f64>::zeros((nr, ny, nd));
    for r in 0..nr {
        for y in 0..ny {
            let row = r * ny + y;
            composite[[r, y]] = composite_rows[row];
            for d in 0..nd {
                dimension_scores[[r, y, d]] = dimensions[[row, d]];
            }
        }
    }
    drop((composite_rows, dimensions));
    let index = IndexResult {
        weight_sets,
        z,
        composite,
        dimension_scores,
    };
    let mut built = Built {
        warnings: plan.warnings.clone(),
        ..Built::default()
    };
    built.warnings.extend(prepared.warnings.iter().cloned());
    // The default min-max is the weighting's own, which already warns of
    // constant columns.
    if plan.given || !(plan.normalisation == "minmax" && spec.method.range.is_none()) {
        built.warnings.extend(score_warnings);
    }
    let unit_w = construct::unit_weights(&prepared, &weights).map_err(data_err)?;
    let h = &plan.hierarchy;
    let dim_ids = h.dimensions();
    let mut c = Construction {
        normalisation: plan.normalisation.clone(),
        range: spec.method.range,
        aggregation: plan.aggregation_name.clone(),
        weighting: spec.method.weighting.clone(),
        indicators: h.indicators().to_vec(),
        dimension_order: h.order().iter().map(|&d| dim_ids[d].clone()).collect(),
        parents: (0..nd)
            .map(|d| (dim_ids[d].clone(), h.parent(d).map(|p| dim_ids[p].clone())))
            .collect(),
        ..Construction::default()
    };
    for (stage, name, a) in [
        ("denominate", "denominated", &prepared.denominated),
        ("impute", "imputed", &prepared.imputed),
        ("treat", "treated", &prepared.treated),
    ] {
        if let Some(a) = a {
            c.stages.push(stage.into());
            c.values.push(values_of(&prepared, name, a)?);
        }
    }
    // The normalised stage's values (`z`'s, shared) are added once the
    // prepared units are dropped, below.
    c.stages.push("normalise".into());
    c.treatment = prepared
        .treatment
        .iter()
        .map(|t| TreatmentRecord {
            year: t.year,
            indicator: t.indicator.clone(),
            steps: t.report.steps,
            cells: t.report.cells,
            log: t.report.log,
            skew_before: finite(t.report.skew_before),
            kurtosis_before: finite(t.report.kurtosis_before),
            skew_after: finite(t.report.skew_after),
            kurtosis_after: finite(t.report.kurtosis_after),
        })
        .collect();
    c.group_imputed = prepared
        .group_cells
        .iter()
        .map(|g| GroupImputedRecord {
            region: g.region.clone(),
            year: g.year,
            indicator: g.indicator.clone(),
            group: g.group.clone(),
            value: g.value,
        })
        .collect();
    if !prepared.group_cells.is_empty() {
        built.warnings.push(format!(
            "{} missing cell(s) imputed by rule 'group-mean' (column '{}')",
            prepared.group_cells.len(),
            spec.method.impute_group.as_deref().unwrap_or_default()
        ));
    }
    // A step on by default meeting a missing value is skipped with a
    // warning; switched on explicitly, it is an error naming the cell.
    fn skip<T>(
        explicit: bool,
        step: &str,
        r: Result<T, rurban_index::IndexError>,
        warnings: &mut Vec<String>,
    ) -> Result<Option<T>, rurban_index::IndexError> {
        match r {
            Ok(v) => Ok(Some(v)),
            Err(rurban_index::IndexError::Construction(msg))
                if !explicit && msg.contains("missing value") =>
            {
                warnings.push(format!(
                    "{step} skipped: {msg}; set `on = true` in its table to make this an error"
                ));
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }
    let coupling = match &plan.coupling {
        Some(alpha) => skip(
            plan.explicit.0,
            "[analysis.coupling]",
            construct::coupling_of(&prepared, &unit_w, alpha),
            &mut built.warnings,
        )
        .map_err(data_err)?,
        None => None,
    };
    if let (Some(alpha), Some(cs)) = (&plan.coupling, coupling) {
        let mut sum = CouplingSummary::new(
            h.roots().iter().map(|&d| dim_ids[d].clone()).collect(),
            alpha.clone(),
        );
        for (row, c) in cs.iter().enumerate() {
            let (region, year) = prepared.cell(row);
            sum.push(CouplingRowRef {
                region,
                year,
                c: c.c,
                t: c.t,
                d: c.d,
                level: c.level,
                level_name: c.level_name,
            });
        }
        built.coupling = Some(Arc::new(sum));
    }
    let obstacles = if plan.obstacle {
        skip(
            plan.explicit.1,
            "[analysis.obstacle]",
            construct::obstacles_of(&prepared, &unit_w),
            &mut built.warnings,
        )
        .map_err(data_err)?
    } else {
        None
    };
    if let Some(os) = obstacles {
        // The rows of a region-year: each indicator with its own
        // dimension, then every dimension bottom-up, as `obstacles_of`
        // lays them out.
        let own = h.dimension_of();
        let kinds: Vec<ObstacleKind> = (0..m)
            .map(|j| ObstacleKind {
                indicator: Some(index_u32(j)),
                dimension: index_u32(own[j]),
            })
            .chain(h.order().iter().map(|&d| ObstacleKind {
                indicator: None,
                dimension: index_u32(d),
            }))
            .collect();
        let o = ObstacleSummary::from_grid(
            prepared.regions.clone(),
            &prepared.years,
            h.indicators().to_vec(),
            dim_ids.to_vec(),
            kinds,
            os.values,
        )
        .map_err(PipelineError::Other)?;
        built.obstacle = Some(Arc::new(o));
    }
    // The units' values and their [0, 1] min-max are dead from here on.
    drop(unit_w);
    let Prepared {
        regions: stage_regions,
        years: stage_years,
        units,
        ..
    } = prepared;
    drop(units);
    c.values.push(
        StageValues::from_shared(
            "normalised",
            &stage_regions,
            &stage_years,
            m,
            Arc::new(SharedCube(index.z.clone())),
        )
        .map_err(PipelineError::Other)?,
    );
    c.trace = c.trace_of();
    built.construction = Arc::new(c);
    Ok((index, built))
}

/// The normalised values of a run, shared by `z` and the `normalised`
/// stage (standard layout: their slice is the region-major rows).
struct SharedCube(ndarray::ArcArray<f64, ndarray::Ix3>);

impl AsRef<[f64]> for SharedCube {
    fn as_ref(&self) -> &[f64] {
        self.0.as_slice().unwrap_or(&[])
    }
}

/// The findings of the construction: coupling coordination over the years
/// (the mean D over the regions, its direction only with its Mann-Kendall
/// p) and each region's three largest obstacles in the last year.
pub fn findings(out: &crate::RunOutput) -> Vec<String> {
    let mut s = Vec::new();
    let years = &out.panel.years;
    let Some(&last) = years.last() else {
        return s;
    };
    if let Some(c) = &out.construction.coupling {
        let means: Vec<f64> = years
            .iter()
            .map(|&y| {
                let ds: Vec<f64> = c.rows().filter(|r| r.year == y).map(|r| r.d).collect();
                ds.iter().sum::<f64>() / ds.len().max(1) as f64
            })
            .collect();
        let first = years[0];
        let level =
            |d: f64| rurban_index::LEVEL_NAMES[usize::from(rurban_index::coupling::level(d) - 1)];
        let verdict = if years.len() >= 3 {
            rurban_trend::yearly_change(
                "mean coupling coordination",
                years,
                &means,
                "rising",
                "falling",
            )
            .map(|c| c.phrase)
            .unwrap_or_else(|_| "too few years for a trend test".into())
        } else {
            "too few years for a trend test".into()
        };
        if years.len() >= 2 {
            s.push(format!(
                "The mean coupling coordination degree D of {} went from {:.4} ({}) in {first} to {:.4} ({}) in {last}: {verdict}.",
                c.dimensions.join(", "),
                means[0],
                level(means[0]),
                means[years.len() - 1],
                level(means[years.len() - 1]),
            ));
        } else {
            s.push(format!(
                "The mean coupling coordination degree D of {} in {last} is {:.4} ({}).",
                c.dimensions.join(", "),
                means[0],
                level(means[0]),
            ));
        }
    }
    if let Some(o) = &out.construction.obstacle {
        let mut by_region = o.largest_in_year(last, 3);
        let mut parts = Vec::new();
        for region in &out.panel.regions {
            let Some(top) = by_region.remove(region.as_str()) else {
                continue;
            };
            let items: Vec<String> = top
                .iter()
                .map(|(i, v)| format!("{i} ({:.1}%)", 100.0 * v))
                .collect();
            parts.push(format!("{region}: {}", items.join(", ")));
        }
        if !parts.is_empty() {
            s.push(format!(
                "The three largest obstacles (obstacle degree) of each region in {last}: {}.",
                parts.join("; ")
            ));
        }
    }
    s
}
