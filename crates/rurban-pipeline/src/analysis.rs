//! The analysis chain of `rurban run`: tiers, distribution dynamics,
//! disparity, convergence and grey relational analysis of the scores.
//!
//! Each step uses the same method crate, and produces the same JSON, as its
//! own subcommand. A step whose data do not allow it (e.g. a zero score for
//! the Theil index) is skipped with a warning; settings that are wrong in the
//! spec are errors when the spec is read (its settings are the methods'
//! checked parameter types).

use std::collections::HashMap;

use rurban_core::{ReadOptions, Table, table::IdColumn};
use rurban_disparity::{Ddof, DisparityReport, GroupInput};
use rurban_kde::Fit;
use rurban_spec::AnalysisSpec;
use rurban_spec::Spec;

use crate::spatial::{SpatialSetup, analyse as spatial_analyse};
use crate::{PipelineError, RunOutput, Step};

pub use rurban_results::{
    Analysis, DisparityAnalysis, GreyAnalysis, OrderedMap, RegionGrey, SkippedStep,
};

/// Reads the region -> group file of `[analysis] groups`, in panel region order.
pub fn read_groups(spec: &Spec, regions: &[String]) -> Result<Option<Vec<String>>, PipelineError> {
    let Some(file) = &spec.analysis.groups else {
        return Ok(None);
    };
    let path = spec.resolve(file);
    let t = Table::read(&path, &ReadOptions::default())?;
    let rc = t.id_column(IdColumn::Region, None)?.ok_or_else(|| {
        PipelineError::Other(format!(
            "{}: no region column (expected columns region, group)",
            path.display()
        ))
    })?;
    let gc = t
        .find("group")
        .or_else(|| (0..t.headers.len()).find(|&c| c != rc))
        .ok_or_else(|| {
            PipelineError::Other(format!(
                "{}: no group column (expected columns region, group)",
                path.display()
            ))
        })?;
    let keys = t.keys(rc)?;
    let groups = t.keys(gc)?;
    let mut map: HashMap<&str, &str> = HashMap::new();
    for (i, (r, g)) in keys.iter().zip(&groups).enumerate() {
        if map.insert(r, g).is_some() {
            return Err(PipelineError::Other(format!(
                "{}, row {}: region '{r}' is listed twice",
                path.display(),
                i + 1
            )));
        }
    }
    let mut out = Vec::with_capacity(regions.len());
    for r in regions {
        match map.get(r.as_str()) {
            Some(g) => out.push(g.to_string()),
            None => {
                return Err(PipelineError::Other(format!(
                    "{}: region '{r}' of the panel has no group{}",
                    path.display(),
                    rurban_core::suggest::did_you_mean(r, &keys)
                )));
            }
        }
    }
    Ok(Some(out))
}

/// The context every analysis step runs in: the run so far (scores and
/// panel), the region groups, and where warnings go.
pub struct RunContext<'a> {
    /// The run: spec, panel, index and scores.
    pub out: &'a RunOutput,
    /// Region -> group, when a groups file was given.
    pub groups: Option<Vec<String>>,
    /// The panel's years as group keys (`"2011"`, ...), computed once.
    pub years: Vec<String>,
    /// The boundaries and weights of `[geo]`, read before the run computed
    /// anything.
    pub spatial: Option<&'a SpatialSetup>,
    /// Warnings of the run; a step that cannot run on the data adds one.
    pub warnings: &'a mut Vec<String>,
}

/// One step of the analysis chain. Adding an analysis means one type
/// implementing this (plus its field in [`Analysis`], its tables in
/// `rurban_results::table` and its report section), listed in [`STEPS`].
pub trait AnalysisStep: Sync {
    /// The key of the step's result in `summary.json`'s `analysis`.
    fn id(&self) -> &'static str;
    /// The progress step announced before it runs (its label is the
    /// progress line).
    fn step(&self) -> Step;
    /// Runs the step when the spec switches it on, storing its typed
    /// result in `into`; failures on the data become warnings.
    fn run(&self, cx: &mut RunContext<'_>, into: &mut Analysis);
    /// The result tables the step contributes to a summary (written as CSV
    /// by the pipeline, as worksheets by the report).
    fn tables(&self, summary: &rurban_results::Summary) -> Vec<rurban_results::Table>;
}

/// The analysis chain, in order.
pub const STEPS: [&dyn AnalysisStep; 6] = [
    &Clusters,
    &Density,
    &Disparity,
    &Convergence,
    &Grey,
    &Spatial,
];

/// Runs the analysis chain on a run's scores. Failures of individual steps
/// become warnings.
pub fn analyse(
    out: &RunOutput,
    groups: Option<Vec<String>>,
    spatial: Option<&SpatialSetup>,
    warnings: &mut Vec<String>,
    progress: &dyn Fn(Step),
) -> Analysis {
    let mut res = Analysis {
        groups: groups.clone(),
        ..Analysis::default()
    };
    let mut cx = RunContext {
        out,
        groups,
        years: out.panel.years.iter().map(i64::to_string).collect(),
        spatial,
        warnings,
    };
    let single = single_year_skips(out);
    if !single.is_empty() {
        let steps: Vec<&str> = single.iter().map(|s| s.step.as_str()).collect();
        cx.warnings.push(format!(
            "one year ({}): analyses over time are skipped ({})",
            cx.years.first().map_or("", String::as_str),
            steps.join(", ")
        ));
    }
    res.skipped = single;
    for step in STEPS {
        progress(step.step());
        step.run(&mut cx, &mut res);
    }
    res
}

/// Whether the panel has a single year: the steps over time then do not
/// run (see [`single_year_skips`]).
fn one_year(out: &RunOutput) -> bool {
    out.panel.years.len() < 2
}

/// On a one-year panel, the steps that need several years, each with the
/// reason the report shows: the trend of the mean composite, convergence,
/// grey relational analysis over time, the movement of the density and,
/// with `[geo]`, the spatial Markov chain. Empty with two years or more.
pub fn single_year_skips(out: &RunOutput) -> Vec<SkippedStep> {
    if !one_year(out) {
        return Vec::new();
    }
    let year = out
        .panel
        .years
        .first()
        .map_or_else(String::new, i64::to_string);
    let a = &out.spec.analysis;
    let mut v = vec![("trend", "no trend of the composite over time")];
    if a.convergence.enabled {
        v.push(("convergence", "no sigma or beta convergence"));
    }
    if a.grey.enabled {
        v.push(("grey", "no grey relational analysis over time"));
    }
    if a.kde.enabled {
        v.push((
            "kde-movement",
            "the density of one year, no movement between years",
        ));
    }
    if out.spec.geo.is_some() {
        v.push((
            "markov",
            "no transitions between years (spatial Markov chain)",
        ));
    }
    v.into_iter()
        .map(|(step, why)| SkippedStep {
            step: step.to_string(),
            reason: format!("one year ({year}): {why}"),
        })
        .collect()
}

/// Records that step `id` did not run, and why.
fn skip(res: &mut Analysis, id: &str, reason: impl Into<String>) {
    res.skipped.push(SkippedStep {
        step: id.to_string(),
        reason: reason.into(),
    });
}

/// The one table of an analysis result, when the summary has that result.
fn table_of<T>(
    s: &rurban_results::Summary,
    result: impl Fn(&Analysis) -> Option<&T>,
    table: impl Fn(&T) -> rurban_results::Table,
) -> Vec<rurban_results::Table> {
    s.analysis
        .as_ref()
        .and_then(result)
        .map(table)
        .into_iter()
        .collect()
}

/// Clusters of the regions' composite series (tiers).
pub struct Clusters;

impl AnalysisStep for Clusters {
    fn id(&self) -> &'static str {
        "cluster"
    }
    fn step(&self) -> Step {
        Step::Cluster
    }
    fn run(&self, cx: &mut RunContext<'_>, res: &mut Analysis) {
        let (out, warnings) = (cx.out, &mut *cx.warnings);
        let a: &AnalysisSpec = &out.spec.analysis;
        if a.cluster.enabled {
            match cluster_regions(out, a) {
                Ok(c) => {
                    warnings.extend(c.warnings.iter().map(|w| format!("cluster analysis: {w}")));
                    res.cluster = Some(c);
                }
                Err(e) => {
                    warnings.push(format!("cluster analysis skipped: {e}"));
                    skip(res, "cluster", e);
                }
            }
        }
    }
    fn tables(&self, s: &rurban_results::Summary) -> Vec<rurban_results::Table> {
        table_of(s, |a| a.cluster.as_ref(), rurban_results::table::clusters)
    }
}

/// Kernel density of the composite per year.
pub struct Density;

impl AnalysisStep for Density {
    fn id(&self) -> &'static str {
        "kde"
    }
    fn step(&self) -> Step {
        Step::Kde
    }
    fn run(&self, cx: &mut RunContext<'_>, res: &mut Analysis) {
        let (out, warnings) = (cx.out, &mut *cx.warnings);
        let a: &AnalysisSpec = &out.spec.analysis;
        let ny = out.index.composite.dim().1;
        let years = &cx.years;
        if a.kde.enabled {
            let data: Vec<(String, Vec<f64>)> = (0..ny)
                .map(|y| (years[y].clone(), out.index.composite.column(y).to_vec()))
                .collect();
            match a.kde.params().and_then(|p| p.fit(&data)) {
                Ok(k) => res.kde = Some(k),
                Err(e) => {
                    warnings.push(format!("kernel density skipped: {e}"));
                    skip(res, "kde", e.to_string());
                }
            }
        }
    }
    fn tables(&self, s: &rurban_results::Summary) -> Vec<rurban_results::Table> {
        table_of(s, |a| a.kde.as_ref(), rurban_results::table::kde)
    }
}

/// Disparity of the composite and of each dimension per year.
pub struct Disparity;

impl AnalysisStep for Disparity {
    fn id(&self) -> &'static str {
        "disparity"
    }
    fn step(&self) -> Step {
        Step::Disparity
    }
    fn run(&self, cx: &mut RunContext<'_>, res: &mut Analysis) {
        let (out, groups, warnings) = (cx.out, &cx.groups, &mut *cx.warnings);
        let a: &AnalysisSpec = &out.spec.analysis;
        let (nr, ny) = out.index.composite.dim();
        let years = &cx.years;
        if a.disparity.enabled {
            let by_year = |series: &dyn Fn(usize, usize) -> f64| -> Vec<GroupInput> {
                (0..ny)
                    .map(|y| {
                        (
                            (years[y].clone()),
                            (0..nr).map(|r| series(r, y)).collect(),
                            groups.clone(),
                        )
                    })
                    .collect()
            };
            let ddof = a.disparity.params().ddof();
            let composite = disparity_by_year(
                "composite",
                &by_year(&|r, y| out.index.composite[[r, y]]),
                ddof,
                warnings,
            );
            match composite {
                Ok(composite) => {
                    let mut dims = Vec::new();
                    for (d, id) in out.model.dimensions.iter().enumerate() {
                        let input = by_year(&|r, y| out.index.dimension_scores[[r, y, d]]);
                        match disparity_by_year(
                            &format!("dimension '{id}'"),
                            &input,
                            ddof,
                            warnings,
                        ) {
                            Ok(rep) => dims.push((id.clone(), rep)),
                            Err(e) => {
                                warnings
                                    .push(format!("disparity of dimension '{id}' skipped: {e}"));
                            }
                        }
                    }
                    res.disparity = Some(DisparityAnalysis {
                        composite,
                        dimensions: OrderedMap(dims),
                    });
                }
                Err(e) => {
                    warnings.push(format!("disparity analysis skipped: {e}"));
                    skip(res, "disparity", e.to_string());
                }
            }
        }
    }
    fn tables(&self, s: &rurban_results::Summary) -> Vec<rurban_results::Table> {
        table_of(
            s,
            |a| a.disparity.as_ref(),
            rurban_results::table::disparity,
        )
    }
}

/// Sigma and beta convergence of the composite.
pub struct Convergence;

impl AnalysisStep for Convergence {
    fn id(&self) -> &'static str {
        "convergence"
    }
    fn step(&self) -> Step {
        Step::Convergence
    }
    fn run(&self, cx: &mut RunContext<'_>, res: &mut Analysis) {
        let (out, warnings) = (cx.out, &mut *cx.warnings);
        let a: &AnalysisSpec = &out.spec.analysis;
        let (nr, ny) = out.index.composite.dim();
        if a.convergence.enabled && !one_year(out) {
            let rows: Vec<(&str, i64, f64)> = (0..nr)
                .flat_map(|r| (0..ny).map(move |y| (r, y)))
                .map(|(r, y)| {
                    (
                        out.panel.regions[r].as_str(),
                        out.panel.years[y],
                        out.index.composite[[r, y]],
                    )
                })
                .collect();
            match rurban_convergence::convergence_report(&rows) {
                Ok(c) => {
                    warnings.extend(c.warnings.iter().map(|w| format!("convergence: {w}")));
                    res.convergence = Some(c);
                }
                Err(e) => {
                    warnings.push(format!("convergence analysis skipped: {e}"));
                    skip(res, "convergence", e.to_string());
                }
            }
        }
    }
    fn tables(&self, _: &rurban_results::Summary) -> Vec<rurban_results::Table> {
        // Written as convergence.json, not as a table.
        Vec::new()
    }
}

/// Grey relational analysis of the dimensions against the composite.
pub struct Grey;

impl AnalysisStep for Grey {
    fn id(&self) -> &'static str {
        "grey"
    }
    fn step(&self) -> Step {
        Step::Grey
    }
    fn run(&self, cx: &mut RunContext<'_>, res: &mut Analysis) {
        let (out, warnings) = (cx.out, &mut *cx.warnings);
        let a: &AnalysisSpec = &out.spec.analysis;
        let (nr, ny) = out.index.composite.dim();
        if a.grey.enabled && !one_year(out) {
            let (norm, rho) = (a.grey.normalization, a.grey.rho.get());
            let nd = out.model.dimensions.len();
            let mean_of = |f: &dyn Fn(usize) -> f64| (0..nr).map(f).sum::<f64>() / nr as f64;
            let reference: Vec<f64> = (0..ny)
                .map(|y| mean_of(&|r| out.index.composite[[r, y]]))
                .collect();
            let compare: Vec<(String, Vec<f64>)> = (0..nd)
                .map(|d| {
                    (
                        out.model.dimensions[d].clone(),
                        (0..ny)
                            .map(|y| mean_of(&|r| out.index.dimension_scores[[r, y, d]]))
                            .collect(),
                    )
                })
                .collect();
            match rurban_grey::grey_report("composite", &reference, &compare, norm, rho) {
                Ok(mean) => {
                    let mut regions = Vec::new();
                    for (r, region) in out.panel.regions.iter().enumerate() {
                        let reference: Vec<f64> = out.index.composite.row(r).to_vec();
                        let compare: Vec<(String, Vec<f64>)> = (0..nd)
                            .map(|d| {
                                (
                                    out.model.dimensions[d].clone(),
                                    (0..ny)
                                        .map(|y| out.index.dimension_scores[[r, y, d]])
                                        .collect(),
                                )
                            })
                            .collect();
                        match rurban_grey::grey_report("composite", &reference, &compare, norm, rho)
                        {
                            Ok(result) => regions.push(RegionGrey {
                                region: region.clone(),
                                result,
                            }),
                            Err(e) => warnings.push(format!(
                                "grey relational analysis of region '{region}' skipped: {e}"
                            )),
                        }
                    }
                    res.grey = Some(GreyAnalysis {
                        mean: Some(mean),
                        regions,
                    });
                }
                Err(e) => {
                    warnings.push(format!("grey relational analysis skipped: {e}"));
                    skip(res, "grey", e.to_string());
                }
            }
        }
    }
    fn tables(&self, s: &rurban_results::Summary) -> Vec<rurban_results::Table> {
        table_of(s, |a| a.grey.as_ref(), rurban_results::table::grey)
    }
}

/// The spatial chain of `[geo]` on the composite: Moran's I and LISA per
/// year, the spatial Markov chain, the centre of gravity and the map
/// classes (`crate::spatial::analyse`). Its result is `summary.json`'s
/// top-level `spatial`; its warnings (islands, features without data, a
/// statistic the data do not allow) join the run's.
pub struct Spatial;

impl AnalysisStep for Spatial {
    fn id(&self) -> &'static str {
        "spatial"
    }
    fn step(&self) -> Step {
        Step::Spatial
    }
    fn run(&self, cx: &mut RunContext<'_>, res: &mut Analysis) {
        let out = cx.out;
        let (Some(geo), Some(setup)) = (&out.spec.geo, cx.spatial) else {
            return;
        };
        let (a, w) = spatial_analyse(
            geo,
            setup,
            &out.panel.regions,
            &out.panel.years,
            out.index.composite.view(),
        );
        cx.warnings.extend(w);
        res.spatial = Some(a);
    }
    fn tables(&self, s: &rurban_results::Summary) -> Vec<rurban_results::Table> {
        s.spatial
            .as_ref()
            .map(rurban_results::table::spatial)
            .unwrap_or_default()
    }
}

/// Clusters the regions on their composite series (one feature per year).
fn cluster_regions(
    out: &RunOutput,
    a: &AnalysisSpec,
) -> Result<rurban_cluster::ClusterResult, String> {
    let params = a.cluster.params().with_column_names(
        out.panel
            .years
            .iter()
            .map(|y| format!("composite {y}"))
            .collect(),
    );
    let input = rurban_cluster::ClusterInput {
        labels: &out.panel.regions,
        data: out.index.composite.view(),
    };
    params.fit(&input).map_err(|e| e.to_string())
}

/// The disparity report of one series by year. A year with a score of 0
/// (min-max scores reach 0 at the panel's minimum) has no Theil index and no
/// decompositions; its CV and Gini are still reported, the Theil index is
/// null, and a warning says so.
fn disparity_by_year(
    series: &str,
    input: &[GroupInput],
    ddof: Ddof,
    warnings: &mut Vec<String>,
) -> Result<DisparityReport, rurban_disparity::DisparityError> {
    let mut groups = Vec::with_capacity(input.len());
    let mut theil_missing = Vec::new();
    for (key, values, labels) in input {
        match rurban_disparity::group_report_with(key, values, labels.as_deref(), ddof) {
            Ok(g) => groups.push(g),
            Err(e) if values.iter().all(|v| *v >= 0.0) => {
                let mean = rurban_disparity::mean(values).map_err(|_| e.in_group(key))?;
                let std = rurban_disparity::std_with(values, ddof).map_err(|e| e.in_group(key))?;
                let gini = rurban_disparity::gini(values).map_err(|e| e.in_group(key))?;
                theil_missing.push(key.clone());
                groups.push(rurban_disparity::GroupReport {
                    key: key.clone(),
                    n: values.len(),
                    mean,
                    std,
                    cv: std / mean,
                    theil: f64::NAN,
                    gini,
                    theil_decomposition: None,
                    dagum: None,
                });
            }
            Err(e) => return Err(e.in_group(key)),
        }
    }
    if !theil_missing.is_empty() {
        warnings.push(format!(
            "disparity of {series}: a score of 0 leaves the Theil index (and the decompositions) undefined in {}; CV and Gini are reported",
            theil_missing.join(", ")
        ));
    }
    Ok(DisparityReport {
        ddof: ddof.get(),
        groups,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The chain announces the progress steps after loading and scoring, in
    /// the order of `Step::ALL`, and each step's id is its key in the
    /// summary's `analysis` object.
    #[test]
    fn steps_follow_the_progress_order_and_the_summary_keys() {
        let steps: Vec<Step> = STEPS.iter().map(|s| s.step()).collect();
        assert_eq!(steps, Step::ALL[2..]);
        let ids: Vec<&str> = STEPS.iter().map(|s| s.id()).collect();
        assert_eq!(
            ids,
            [
                "cluster",
                "kde",
                "disparity",
                "convergence",
                "grey",
                "spatial"
            ]
        );
        let empty = serde_json::to_value(Analysis {
            cluster: None,
            ..Analysis::default()
        })
        .unwrap();
        assert_eq!(empty, serde_json::json!({}));
    }
}
