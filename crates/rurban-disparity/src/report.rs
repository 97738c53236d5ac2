//! The contract-level report of `rurban disparity`.

use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use crate::decompose::{Dagum, TheilDecomposition, dagum_of, split, theil_decomposition_of};
use crate::measures::{check_positive, finite, gini_sorted, mean_unchecked, std_with};
use crate::{Ddof, DisparityError};

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

impl<'de> Deserialize<'de> for KeyedValues {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Pairs;
        impl<'de> serde::de::Visitor<'de> for Pairs {
            type Value = KeyedValues;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<KeyedValues, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, rurban_serde::Num>()? {
                    out.push((k, v.0));
                }
                Ok(KeyedValues(out))
            }
        }
        d.deserialize_map(Pairs)
    }
}

/// One pair of sub-groups in the JSON: `a` has the larger mean.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DagumPair {
    /// Sub-group with the larger mean (the first in group order if equal).
    #[serde(deserialize_with = "rurban_serde::key")]
    pub a: String,
    /// The other sub-group.
    #[serde(deserialize_with = "rurban_serde::key")]
    pub b: String,
    /// Between-group Gini `G_ab`.
    #[serde(deserialize_with = "rurban_serde::number")]
    pub gini: f64,
    /// Relative economic affluence `D_ab`.
    #[serde(deserialize_with = "rurban_serde::number")]
    pub d: f64,
}

/// The `"dagum"` object of the JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DagumReport {
    /// Gini of the group (= within + between + transvariation).
    #[serde(deserialize_with = "rurban_serde::number")]
    pub total: f64,
    /// Within-sub-group contribution `G_w`.
    #[serde(deserialize_with = "rurban_serde::number")]
    pub within: f64,
    /// Net between-sub-group contribution `G_nb`.
    #[serde(deserialize_with = "rurban_serde::number")]
    pub between: f64,
    /// Transvariation `G_t`.
    #[serde(deserialize_with = "rurban_serde::number")]
    pub transvariation: f64,
    /// `{sub-group: G_jj}` in sub-group order.
    #[serde(default)]
    pub within_groups: KeyedValues,
    /// Every unordered pair of sub-groups once.
    #[serde(default)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupReport {
    /// Group key.
    #[serde(deserialize_with = "rurban_serde::key")]
    pub key: String,
    /// Number of values (0 when a summary leaves it out).
    #[serde(default)]
    pub n: usize,
    /// Mean.
    #[serde(deserialize_with = "rurban_serde::number")]
    pub mean: f64,
    /// Standard deviation with the report's ddof (NaN when a summary leaves it out).
    #[serde(
        default = "rurban_serde::nan",
        deserialize_with = "rurban_serde::number"
    )]
    pub std: f64,
    /// `std / mean`.
    #[serde(deserialize_with = "rurban_serde::number")]
    pub cv: f64,
    /// Theil T index (NaN, written as null, when undefined).
    #[serde(deserialize_with = "rurban_serde::number")]
    pub theil: f64,
    /// Gini coefficient.
    #[serde(deserialize_with = "rurban_serde::number")]
    pub gini: f64,
    /// Theil decomposition (only with sub-groups).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theil_decomposition: Option<TheilDecomposition>,
    /// Dagum decomposition (only with sub-groups).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dagum: Option<DagumReport>,
}

fn one() -> u8 {
    1
}

/// The whole `rurban disparity` JSON document (without `"warnings"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DisparityReport {
    /// Delta degrees of freedom used for `std` (0 or 1; 1 when a summary
    /// leaves it out).
    #[serde(default = "one")]
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
    group_report_with(key, values, subgroups, Ddof::new(ddof)?)
}

/// [`group_report`] with a checked ddof.
pub fn group_report_with(
    key: &str,
    values: &[f64],
    subgroups: Option<&[String]>,
    ddof: Ddof,
) -> Result<GroupReport, DisparityError> {
    check_positive(values)?;
    let std = std_with(values, ddof)?;
    let mean = mean_unchecked(values);
    let theil = finite(
        values,
        "Theil index",
        crate::measures::theil_unchecked(values),
    )?;
    // Sorted once for the Gini of the group and the total of its Dagum
    // decomposition; split once for both decompositions (the values are
    // checked positive, so only the split itself can fail, as it would in
    // `theil_decomposition` first).
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let gini = finite(values, "Gini coefficient", gini_sorted(&sorted, mean))?;
    let (theil_decomposition, dagum) = match subgroups {
        Some(labels) => {
            let groups = split(values, labels)?;
            let t = theil_decomposition_of(values, &groups);
            finite(values, "Theil decomposition", t.within + t.between)?;
            let d = dagum_of(values, &groups, Some(&sorted))?;
            let parts = d.within
                + d.between
                + d.transvariation
                + d.groups.iter().map(|g| g.mean + g.gini).sum::<f64>()
                + d.pairs.iter().map(|p| p.gini + p.d).sum::<f64>();
            finite(values, "Dagum decomposition", parts)?;
            (Some(t), Some(DagumReport::from(&d)))
        }
        None => (None, None),
    };
    Ok(GroupReport {
        key: key.to_string(),
        n: values.len(),
        mean,
        std,
        cv: finite(values, "coefficient of variation", std / mean)?,
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
    report_with(groups, Ddof::new(ddof)?)
}

/// [`disparity_report`] with a checked ddof.
pub(crate) fn report_with(
    groups: &[GroupInput],
    ddof: Ddof,
) -> Result<DisparityReport, DisparityError> {
    let one = |(key, values, labels): &GroupInput| {
        group_report_with(key, values, labels.as_deref(), ddof).map_err(|e| e.in_group(key))
    };
    let threads = threads_for(groups);
    let groups = if threads <= 1 {
        groups.iter().map(one).collect::<Result<Vec<_>, _>>()?
    } else {
        // Whole groups shared out among threads, collected in input order;
        // the first error in group order is the one reported, as in the
        // sequential loop.
        let chunk = groups.len().div_ceil(threads);
        let parts: Vec<Vec<Result<GroupReport, DisparityError>>> = std::thread::scope(|s| {
            let handles: Vec<_> = groups
                .chunks(chunk)
                .map(|part| s.spawn(move || part.iter().map(one).collect::<Vec<_>>()))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        });
        parts.into_iter().flatten().collect::<Result<Vec<_>, _>>()?
    };
    Ok(DisparityReport {
        ddof: ddof.get(),
        groups,
    })
}

/// Threads worth using for a report: 1 unless there are at least two groups
/// and 2^15 values with sub-groups (2^17 without), else the available
/// parallelism, at most 8 and at most one per group. Each group is computed
/// by one thread, so results do not depend on this number.
fn threads_for(groups: &[GroupInput]) -> usize {
    let weight: usize = groups
        .iter()
        .map(|(_, v, l)| if l.is_some() { 4 * v.len() } else { v.len() })
        .sum();
    if groups.len() < 2 || weight < 1 << 17 {
        return 1;
    }
    std::thread::available_parallelism()
        .map_or(1, |n| n.get().min(8))
        .min(groups.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{dagum, gini, theil_decomposition};

    /// A report large enough to be shared out among threads equals the
    /// group-by-group one, and reports the first failing group in order.
    #[test]
    fn threaded_report_equals_the_sequential_one() {
        let groups: Vec<GroupInput> = (0..12)
            .map(|g| {
                let values: Vec<f64> = (0..4000)
                    .map(|i| 1.0 + ((i * 37 + g * 11) % 997) as f64)
                    .collect();
                let labels = (0..4000).map(|i| format!("s{}", i % 5)).collect();
                (format!("{g}"), values, Some(labels))
            })
            .collect();
        assert!(threads_for(&groups) >= 1);
        let report = disparity_report(&groups, 1).unwrap();
        for (g, r) in groups.iter().zip(&report.groups) {
            assert_eq!(*r, group_report(&g.0, &g.1, g.2.as_deref(), 1).unwrap());
        }
        let mut bad = groups.clone();
        bad[7].1[3] = -1.0;
        bad[9].1[0] = 0.0;
        let err = disparity_report(&bad, 1).unwrap_err();
        assert_eq!(
            err,
            group_report("7", &bad[7].1, bad[7].2.as_deref(), 1)
                .unwrap_err()
                .in_group("7")
        );
    }

    /// The shared split and sort of `group_report` give exactly what the
    /// public functions give on their own.
    #[test]
    fn group_report_equals_the_standalone_functions() {
        let mut s = 5u64;
        let mut next = || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
        for n in [2, 3, 10, 57, 400] {
            let values: Vec<f64> = (0..n).map(|_| 0.01 + next().powi(2)).collect();
            let labels: Vec<String> = (0..n)
                .map(|i| ["b", "a", "10", "c"][i % 4].to_string())
                .collect();
            let rep = group_report("k", &values, Some(&labels), 1).unwrap();
            assert_eq!(rep.gini.to_bits(), gini(&values).unwrap().to_bits());
            assert_eq!(
                rep.theil_decomposition,
                Some(theil_decomposition(&values, &labels).unwrap())
            );
            assert_eq!(
                rep.dagum,
                Some(DagumReport::from(&dagum(&values, &labels).unwrap()))
            );
        }
    }
}
