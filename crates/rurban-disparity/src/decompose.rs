//! Decompositions over sub-groups: Theil (within/between) and Dagum (1997).

use std::collections::HashMap;

use serde::Serialize;

use crate::measures::{
    check_finite, check_positive, gini_sorted, gini_unchecked, mean_unchecked, sum, theil_unchecked,
};
use crate::pairs::pair_sums_sorted;
use crate::{DisparityError, order_keys};

/// Splits `values` by `labels` into sub-groups ordered by [`order_keys`].
///
/// Errors: length mismatch, fewer than two distinct labels.
pub(crate) fn split<S: AsRef<str>>(
    values: &[f64],
    labels: &[S],
) -> Result<Vec<(String, Vec<f64>)>, DisparityError> {
    if values.len() != labels.len() {
        return Err(DisparityError::LabelLength {
            values: values.len(),
            labels: labels.len(),
        });
    }
    let keys = order_keys(labels);
    match keys.len() {
        0 => return Err(DisparityError::Empty),
        1 => return Err(DisparityError::SingleSubgroup(keys[0].clone())),
        _ => {}
    }
    let index: HashMap<&str, usize> = keys
        .iter()
        .enumerate()
        .map(|(g, k)| (k.as_str(), g))
        .collect();
    let mut groups: Vec<(String, Vec<f64>)> =
        keys.iter().map(|k| (k.clone(), Vec::new())).collect();
    for (v, label) in values.iter().zip(labels) {
        // Every label is among the keys.
        if let Some(&g) = index.get(label.as_ref()) {
            groups[g].1.push(*v);
        }
    }
    Ok(groups)
}

/// Theil index decomposed into within- and between-group parts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, serde::Deserialize)]
pub struct TheilDecomposition {
    /// `sum_g s_g T_g`.
    #[serde(deserialize_with = "rurban_serde::number")]
    pub within: f64,
    /// `sum_g s_g ln(mu_g / mu)`.
    #[serde(deserialize_with = "rurban_serde::number")]
    pub between: f64,
}

/// Theil decomposition of `values` over the sub-groups given by `labels`
/// (`labels[i]` is the sub-group of `values[i]`):
/// `within = sum_g s_g T_g`, `between = sum_g s_g ln(mu_g / mu)`,
/// `s_g = n_g mu_g / (n mu)`. `within + between` equals [`crate::theil`] of
/// all values.
///
/// Errors: empty input, non-finite or non-positive values (position in
/// `values`), length mismatch, a single sub-group.
pub fn theil_decomposition<S: AsRef<str>>(
    values: &[f64],
    labels: &[S],
) -> Result<TheilDecomposition, DisparityError> {
    check_positive(values)?;
    let groups = split(values, labels)?;
    Ok(theil_decomposition_of(values, &groups))
}

/// [`theil_decomposition`] of checked values already split into sub-groups.
pub(crate) fn theil_decomposition_of(
    values: &[f64],
    groups: &[(String, Vec<f64>)],
) -> TheilDecomposition {
    let n = values.len() as f64;
    let mu = mean_unchecked(values);
    let mut within = Vec::with_capacity(groups.len());
    let mut between = Vec::with_capacity(groups.len());
    for (_, y) in groups {
        let mu_g = mean_unchecked(y);
        let s_g = y.len() as f64 * mu_g / (n * mu);
        within.push(s_g * theil_unchecked(y));
        between.push(s_g * (mu_g / mu).ln());
    }
    TheilDecomposition {
        within: sum(within),
        between: sum(between),
    }
}

/// One sub-group in a Dagum decomposition.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DagumGroup {
    /// Sub-group label.
    pub key: String,
    /// `n_j`.
    pub n: usize,
    /// `mu_j`.
    pub mean: f64,
    /// Population share `p_j = n_j / n`.
    pub p: f64,
    /// Income share `s_j = n_j mu_j / (n mu)`.
    pub s: f64,
    /// Within-group Gini `G_jj`.
    pub gini: f64,
}

/// One unordered pair of sub-groups in a Dagum decomposition, oriented so
/// that `a` has the larger (or equal) mean.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DagumPairDetail {
    /// The sub-group with the larger mean (the first in group order if equal).
    pub a: String,
    /// The other sub-group.
    pub b: String,
    /// Between-group Gini `G_ab`.
    pub gini: f64,
    /// `d_ab`: mean over all pairs of `max(y_ai - y_br, 0)`.
    pub excess: f64,
    /// `p_ab`: mean over all pairs of `max(y_br - y_ai, 0)`.
    pub deficit: f64,
    /// Relative economic affluence `D_ab = (d_ab - p_ab) / (d_ab + p_ab)`,
    /// 0 when both are 0.
    pub d: f64,
}

/// Dagum (1997) decomposition of the Gini coefficient.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dagum {
    /// Gini of all values (equals `within + between + transvariation`).
    pub total: f64,
    /// `G_w = sum_j G_jj p_j s_j`.
    pub within: f64,
    /// Net between-group part `G_nb = sum_pairs G_jh (p_j s_h + p_h s_j) D_jh`.
    pub between: f64,
    /// Transvariation `G_t = sum_pairs G_jh (p_j s_h + p_h s_j) (1 - D_jh)`.
    pub transvariation: f64,
    /// Sub-groups in [`order_keys`] order.
    pub groups: Vec<DagumGroup>,
    /// Every unordered pair once, `(j, h)` with `j` before `h` in group order,
    /// oriented by mean as described on [`DagumPairDetail`].
    pub pairs: Vec<DagumPairDetail>,
}

/// Dagum (1997) decomposition of the Gini of `values` over the sub-groups
/// given by `labels` (see the crate documentation for the formulas).
///
/// Pair sums use [`crate::pair_sums`] (`O((n_j + n_h) log)` per pair).
///
/// Errors: empty input, non-finite or negative values (position in
/// `values`), length mismatch, a single sub-group, a sub-group whose values
/// are all 0.
pub fn dagum<S: AsRef<str>>(values: &[f64], labels: &[S]) -> Result<Dagum, DisparityError> {
    check_finite(values)?;
    if let Some(index) = values.iter().position(|&v| v < 0.0) {
        return Err(DisparityError::Negative {
            index,
            value: values[index],
        });
    }
    let split = split(values, labels)?;
    dagum_of(values, &split, None)
}

/// [`dagum`] of checked values already split into sub-groups; `sorted_all`,
/// when given, is `values` sorted ascending (`f64::total_cmp`), for the total.
///
/// Each sub-group is sorted once and the sorted copies serve its own Gini
/// and every pair it is in (the same numbers, bit for bit, as sorting inside
/// each call).
pub(crate) fn dagum_of(
    values: &[f64],
    split: &[(String, Vec<f64>)],
    sorted_all: Option<&[f64]>,
) -> Result<Dagum, DisparityError> {
    let n = values.len() as f64;
    let mu = mean_unchecked(values);

    let mut groups = Vec::with_capacity(split.len());
    let mut sorted = Vec::with_capacity(split.len());
    for (key, y) in split {
        let mean = mean_unchecked(y);
        if mean == 0.0 {
            return Err(DisparityError::SubgroupZeroMean(key.clone()));
        }
        let mut ys = y.clone();
        ys.sort_by(f64::total_cmp);
        let nj = y.len() as f64;
        groups.push(DagumGroup {
            key: key.clone(),
            n: y.len(),
            mean,
            p: nj / n,
            s: nj * mean / (n * mu),
            gini: gini_sorted(&ys, mean),
        });
        sorted.push(ys);
    }

    let within = sum(groups.iter().map(|g| g.gini * g.p * g.s));
    let mut pairs = Vec::new();
    let mut between = Vec::new();
    let mut transvariation = Vec::new();
    for j in 0..groups.len() {
        for h in (j + 1)..groups.len() {
            // Orient so that `a` is the richer group (first in order if tied).
            let (a, b) = if groups[j].mean >= groups[h].mean {
                (j, h)
            } else {
                (h, j)
            };
            let (ga, gb) = (&groups[a], &groups[b]);
            let sums = pair_sums_sorted(&split[a].1, &split[b].1, &sorted[a], &sorted[b]);
            let count = ga.n as f64 * gb.n as f64;
            let excess = sums.excess / count;
            let deficit = sums.deficit / count;
            let d = if excess + deficit == 0.0 {
                0.0
            } else {
                (excess - deficit) / (excess + deficit)
            };
            let gini = sums.abs() / (count * (ga.mean + gb.mean));
            let weight = ga.p * gb.s + gb.p * ga.s;
            between.push(gini * weight * d);
            transvariation.push(gini * weight * (1.0 - d));
            pairs.push(DagumPairDetail {
                a: ga.key.clone(),
                b: gb.key.clone(),
                gini,
                excess,
                deficit,
                d,
            });
        }
    }
    Ok(Dagum {
        total: match sorted_all {
            Some(s) => gini_sorted(s, mu),
            None => gini_unchecked(values, mu),
        },
        within,
        between: sum(between),
        transvariation: sum(transvariation),
        groups,
        pairs,
    })
}
