//! Input checks, standardisation and tiers.

use ndarray::{Array2, ArrayView2, Axis};

use crate::ClusterError;

/// Name of column `j` (0-based) for messages: the given name, else
/// `column {j+1}`.
pub(crate) fn column_name(names: &[String], j: usize) -> String {
    names
        .get(j)
        .cloned()
        .unwrap_or_else(|| format!("column {}", j + 1))
}

/// Z-scores every column: `(x - mean) / s`, `s` the sample standard deviation
/// (`n - 1`). A constant column (`s = 0`) is an error naming it; so is
/// standardising fewer than two rows, and a column whose mean or standard
/// deviation overflows (naming its largest value's row).
pub fn standardize(
    data: &ArrayView2<'_, f64>,
    names: &[String],
) -> Result<Array2<f64>, ClusterError> {
    let n = data.nrows();
    if n < 2 {
        return Err(ClusterError::StandardizeNeedsTwoRows);
    }
    let mut out = data.to_owned();
    for (j, mut col) in out.axis_iter_mut(Axis(1)).enumerate() {
        let mean = col.iter().sum::<f64>() / n as f64;
        let ss: f64 = col.iter().map(|v| (v - mean) * (v - mean)).sum();
        let s = (ss / (n - 1) as f64).sqrt();
        if !(mean.is_finite() && s.is_finite()) {
            let i = (0..n)
                .rev()
                .max_by(|&a, &b| col[a].abs().total_cmp(&col[b].abs()))
                .unwrap_or(0);
            return Err(ClusterError::StandardizeOverflow {
                row: i + 1,
                column: column_name(names, j),
                value: col[i],
            });
        }
        if s == 0.0 {
            return Err(ClusterError::ConstantColumn {
                column: column_name(names, j),
            });
        }
        col.mapv_inplace(|v| (v - mean) / s);
    }
    Ok(out)
}

/// Tier of each row: clusters ranked by the mean, over their members, of
/// each row's mean over the columns of `original`, descending (tier 1 =
/// highest). Equal means are ranked by cluster number. `clusters` holds
/// numbers `1..=m`.
pub fn tiers(original: &ArrayView2<'_, f64>, clusters: &[usize]) -> Vec<usize> {
    let m = clusters.iter().copied().max().unwrap_or(0);
    let p = original.ncols().max(1) as f64;
    let mut sum = vec![0.0f64; m + 1];
    let mut count = vec![0usize; m + 1];
    for (row, &c) in original.rows().into_iter().zip(clusters) {
        sum[c] += row.sum() / p;
        count[c] += 1;
    }
    let mut present: Vec<(usize, f64)> = (1..=m)
        .filter(|&c| count[c] > 0)
        .map(|c| (c, sum[c] / count[c] as f64))
        .collect();
    present.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut tier_of = vec![0usize; m + 1];
    for (rank, (c, _)) in present.iter().enumerate() {
        tier_of[*c] = rank + 1;
    }
    clusters.iter().map(|&c| tier_of[c]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn standardize_by_hand() {
        // column [1, 2, 3]: mean 2, s = 1 -> [-1, 0, 1];
        // column [0, 0, 6]: mean 2, s = sqrt((4 + 4 + 16) / 2) = sqrt(12)
        let x = array![[1.0, 0.0], [2.0, 0.0], [3.0, 6.0]];
        let z = standardize(&x.view(), &[]).unwrap();
        assert_eq!(z.column(0).to_vec(), vec![-1.0, 0.0, 1.0]);
        let s = 12f64.sqrt();
        assert!((z[[0, 1]] + 2.0 / s).abs() < 1e-15);
        assert!((z[[2, 1]] - 4.0 / s).abs() < 1e-15);
    }

    #[test]
    fn constant_column_is_named() {
        let x = array![[1.0, 5.0], [2.0, 5.0]];
        let names = vec!["gdp".to_string(), "income".to_string()];
        let e = standardize(&x.view(), &names).unwrap_err();
        assert_eq!(
            e,
            ClusterError::ConstantColumn {
                column: "income".into()
            }
        );
        assert!(e.to_string().contains("income"));
        let e = standardize(&x.view(), &[]).unwrap_err();
        assert!(e.to_string().contains("column 2"), "{e}");
        let one = array![[1.0, 2.0]];
        assert_eq!(
            standardize(&one.view(), &[]).unwrap_err(),
            ClusterError::StandardizeNeedsTwoRows
        );
    }

    #[test]
    fn an_overflowing_standard_deviation_names_the_row() {
        // Finite values whose squared deviations overflow: not a constant column.
        let x = array![[1.0, 1e308], [2.0, -1.7e308], [3.0, 1.0]];
        let names = vec!["gdp".to_string(), "income".to_string()];
        assert_eq!(
            standardize(&x.view(), &names).unwrap_err(),
            ClusterError::StandardizeOverflow {
                row: 2,
                column: "income".into(),
                value: -1.7e308
            }
        );
    }

    #[test]
    fn tiers_by_hand() {
        // row means: 2, 10, 3, 6, 10
        // cluster 1 = rows {0, 2}: mean 2.5; cluster 2 = rows {1, 4}: 10;
        // cluster 3 = row {3}: 6 -> tiers: cluster 2 -> 1, 3 -> 2, 1 -> 3
        let x = array![
            [1.0, 3.0],
            [10.0, 10.0],
            [2.0, 4.0],
            [6.0, 6.0],
            [0.0, 20.0]
        ];
        assert_eq!(tiers(&x.view(), &[1, 2, 1, 3, 2]), vec![3, 1, 3, 2, 1]);
        // equal means: the smaller cluster number gets the higher tier
        let y = array![[1.0], [1.0]];
        assert_eq!(tiers(&y.view(), &[2, 1]), vec![2, 1]);
    }
}
