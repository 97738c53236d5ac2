//! The contract-level report of `rurban disparity`.

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::DisparityError;
use crate::decompose::{Dagum, TheilDecomposition, dagum, theil_decomposition};
use crate::measures::{check_positive, gini_unchecked, mean_unchecked, std};

/// A list of `(key, value)` pairs that serialises as a JSON object with the
/// keys in list order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct KeyedValues(pub Vec<(String, f64)>);

impl Serialize for KeyedValues {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// One pair of sub-groups in the JSON: `a` has the larger mean.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DagumPair {
    /// Sub-group with the larger mean (the first in group order if equal).
    pub a: String,
    /// The other sub-group.
    pub b: String,
    /// Between-group Gini `G_ab`.
    pub gini: f64,
    /// Relative economic affluence `D_ab`.
    pub d: f64,
}

/// The `"dagum"` object of the JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DagumReport {
    /// Gini of the group (= within + between + transvariation).
    pub total: f64,
    /// Within-sub-group contribution `G_w`.
    pub within: f64,
    /// Net between-sub-group contribution `G_nb`.
    pub between: f64,
    /// Transvariation `G_t`.
    pub transvariation: f64,
    /// `{sub-group: G_jj}` in sub-group order.
    pub within_groups: KeyedValues,
    /// Every unordered pair of sub-groups once.
    pub between_groups: Vec<DagumPair>,
}

impl From<&Dagum> for DagumReport {
    fn from(d: &Dagum) -> Self {
        DagumReport {
            total: d.total,
            within: d.within,
            between: d.between,
            transvariation: d.transvariation,
            within_groups: KeyedValues(d.groups.iter().map(|g| (g.key.clone(), g.gini)).collect()),
            between_groups: d
                .pairs
                .iter()
                .map(|p| DagumPair {
                    a: p.a.clone(),
                    b: p.b.clone(),
                    gini: p.gini,
                    d: p.d,
                })
                .collect(),
        }
    }
}

/// Measures for one group (one value of `--by`, or `"all"`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupReport {
    /// Group key.
    pub key: String,
    /// Number of values.
    pub n: usize,
    /// Mean.
    pub mean: f64,
    /// Standard deviation with the report's ddof.
    pub std: f64,
    /// `std / mean`.
    pub cv: f64,
    /// Theil T index.
    pub theil: f64,
    /// Gini coefficient.
    pub gini: f64,
    /// Theil decomposition (only with sub-groups).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub theil_decomposition: Option<TheilDecomposition>,
    /// Dagum decomposition (only with sub-groups).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dagum: Option<DagumReport>,
}

/// The whole `rurban disparity` JSON document (without `"warnings"`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DisparityReport {
    /// Delta degrees of freedom used for `std` (0 or 1).
    pub ddof: u8,
    /// One entry per group, in the order given.
    pub groups: Vec<GroupReport>,
}

/// Measures for one group.
///
/// `values` are the group's values; `subgroups`, when given, holds the
/// sub-group label of each value (same length) and adds the Theil and Dagum
/// decompositions. Every value must be finite and > 0 (the Theil index is
/// always reported).
///
/// Errors (positions are 0-based into `values`): ddof not 0/1, no values,
/// non-finite or non-positive values, fewer than `ddof + 1` values, label
/// count not matching, a single sub-group. Errors are not wrapped with the
/// group key here; [`disparity_report`] does that.
pub fn group_report(
    key: &str,
    values: &[f64],
    subgroups: Option<&[String]>,
    ddof: u8,
) -> Result<GroupReport, DisparityError> {
    if ddof > 1 {
        return Err(DisparityError::InvalidDdof(ddof));
    }
    check_positive(values)?;
    let std = std(values, ddof)?;
    let mean = mean_unchecked(values);
    let theil = crate::measures::theil_unchecked(values);
    let gini = gini_unchecked(values, mean);
    let (theil_decomposition, dagum) = match subgroups {
        Some(labels) => {
            let t = theil_decomposition(values, labels)?;
            let d = dagum(values, labels)?;
            (Some(t), Some(DagumReport::from(&d)))
        }
        None => (None, None),
    };
    Ok(GroupReport {
        key: key.to_string(),
        n: values.len(),
        mean,
        std,
        cv: std / mean,
        theil,
        gini,
        theil_decomposition,
        dagum,
    })
}

/// One group's input to [`disparity_report`]: `(key, values, sub-group
/// labels)`, the labels (one per value) only with a `--group` column.
pub type GroupInput = (String, Vec<f64>, Option<Vec<String>>);

/// The `rurban disparity` report.
///
/// `groups` holds, per group in output order, `(key, values, sub-group
/// labels)`; the caller orders the groups (see [`crate::order_keys`]) and
/// passes `None` as labels when there is no `--group` column. `ddof` is 0 or
/// 1. The result serialises to the contract's JSON shape.
///
/// Errors: `InvalidDdof`, or any error of [`group_report`] wrapped in
/// [`DisparityError::InGroup`] naming the group.
pub fn disparity_report(
    groups: &[GroupInput],
    ddof: u8,
) -> Result<DisparityReport, DisparityError> {
    if ddof > 1 {
        return Err(DisparityError::InvalidDdof(ddof));
    }
    let groups = groups
        .iter()
        .map(|(key, values, labels)| {
            group_report(key, values, labels.as_deref(), ddof).map_err(|e| e.in_group(key))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(DisparityReport { ddof, groups })
}
