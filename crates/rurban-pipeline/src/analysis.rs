//! The analysis chain of `rurban run`: tiers, distribution dynamics,
//! disparity, convergence and grey relational analysis of the scores.
//!
//! Each step uses the same method crate, and produces the same JSON, as its
//! own subcommand. A step whose data do not allow it (e.g. a zero score for
//! the Theil index) is skipped with a warning; settings that are wrong in the
//! spec are errors when the spec is read (its settings are the methods'
//! checked parameter types).

use std::collections::HashMap;

use rurban_convergence::ConvergenceReport;
use rurban_core::spec::AnalysisSpec;
use rurban_core::{ReadOptions, Spec, Table, table::IdColumn};
use rurban_disparity::{Ddof, DisparityReport, GroupInput};
use rurban_grey::GreyReport;
use rurban_kde::{Fit, KdeResult};
use serde::Serialize;

use crate::{PipelineError, RunOutput, Step};

/// Disparity of the composite and of each dimension score, per year.
#[derive(Debug, Clone, Serialize)]
pub struct DisparityAnalysis {
    /// The composite, by year (with the group decompositions when groups are given).
    pub composite: DisparityReport,
    /// Each dimension score, by year.
    pub dimensions: indexmap_like::OrderedMap<DisparityReport>,
}

/// Grey relational analysis of the dimensions against the composite.
#[derive(Debug, Clone, Serialize)]
pub struct GreyAnalysis {
    /// On the yearly means across regions (the province-level series).
    pub mean: GreyReport,
    /// For each region, on its own series.
    pub regions: Vec<RegionGrey>,
}

/// One region's grey relational analysis.
#[derive(Debug, Clone, Serialize)]
pub struct RegionGrey {
    pub region: String,
    pub result: GreyReport,
}

/// Every analysis result of a run (absent when switched off or skipped).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Analysis {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kde: Option<KdeResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disparity: Option<DisparityAnalysis>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub convergence: Option<ConvergenceReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grey: Option<GreyAnalysis>,
    /// Region -> group, when a groups file was given.
    #[serde(skip)]
    pub groups: Option<Vec<String>>,
}

/// A JSON object that keeps insertion order.
pub mod indexmap_like {
    use serde::ser::{Serialize, SerializeMap, Serializer};

    /// `(key, value)` pairs serialised as a JSON object, in order.
    #[derive(Debug, Clone, Default)]
    pub struct OrderedMap<V>(pub Vec<(String, V)>);

    impl<V: Serialize> Serialize for OrderedMap<V> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut m = s.serialize_map(Some(self.0.len()))?;
            for (k, v) in &self.0 {
                m.serialize_entry(k, v)?;
            }
            m.end()
        }
    }
}

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
                    "{}: region '{r}' of the panel has no group",
                    path.display()
                )));
            }
        }
    }
    Ok(Some(out))
}

/// Runs the analysis chain on a run's scores. Failures of individual steps
/// become warnings.
pub fn analyse(
    out: &RunOutput,
    groups: Option<Vec<String>>,
    warnings: &mut Vec<String>,
    progress: &dyn Fn(Step),
) -> Analysis {
    let a: &AnalysisSpec = &out.spec.analysis;
    let (nr, ny) = out.index.composite.dim();
    let years: Vec<String> = out.panel.years.iter().map(|y| y.to_string()).collect();
    let mut res = Analysis {
        groups: groups.clone(),
        ..Analysis::default()
    };

    progress(Step::Cluster);
    if a.cluster.enabled {
        match cluster_regions(out, a) {
            Ok(v) => res.cluster = Some(v),
            Err(e) => warnings.push(format!("cluster analysis skipped: {e}")),
        }
    }

    progress(Step::Kde);
    if a.kde.enabled {
        let data: Vec<(String, Vec<f64>)> = (0..ny)
            .map(|y| (years[y].clone(), out.index.composite.column(y).to_vec()))
            .collect();
        match a.kde.params().and_then(|p| p.fit(&data)) {
            Ok(k) => res.kde = Some(k),
            Err(e) => warnings.push(format!("kernel density skipped: {e}")),
        }
    }

    progress(Step::Disparity);
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
                    match disparity_by_year(&format!("dimension '{id}'"), &input, ddof, warnings) {
                        Ok(rep) => dims.push((id.clone(), rep)),
                        Err(e) => {
                            warnings.push(format!("disparity of dimension '{id}' skipped: {e}"))
                        }
                    }
                }
                res.disparity = Some(DisparityAnalysis {
                    composite,
                    dimensions: indexmap_like::OrderedMap(dims),
                });
            }
            Err(e) => warnings.push(format!("disparity analysis skipped: {e}")),
        }
    }

    progress(Step::Convergence);
    if a.convergence.enabled {
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
            Err(e) => warnings.push(format!("convergence analysis skipped: {e}")),
        }
    }

    progress(Step::Grey);
    if a.grey.enabled {
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
                    match rurban_grey::grey_report("composite", &reference, &compare, norm, rho) {
                        Ok(result) => regions.push(RegionGrey {
                            region: region.clone(),
                            result,
                        }),
                        Err(e) => warnings.push(format!(
                            "grey relational analysis of region '{region}' skipped: {e}"
                        )),
                    }
                }
                res.grey = Some(GreyAnalysis { mean, regions });
            }
            Err(e) => warnings.push(format!("grey relational analysis skipped: {e}")),
        }
    }
    res
}

/// Clusters the regions on their composite series (one feature per year).
fn cluster_regions(out: &RunOutput, a: &AnalysisSpec) -> Result<serde_json::Value, String> {
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
    let res = params.fit(&input).map_err(|e| e.to_string())?;
    serde_json::to_value(&res).map_err(|e| e.to_string())
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
