//! Denomination (`x / d`) and group-mean imputation, over column data.

use std::collections::HashMap;

use serde::Serialize;

use crate::StageError;

/// A group and, for scope = year, a year.
type GroupKey<'a> = (Option<&'a str>, Option<i64>);

/// A denominated column.
#[derive(Debug, Clone, PartialEq)]
pub struct Denominated {
    /// `x / d` per row; missing where x or d is missing or d is 0.
    pub values: Vec<f64>,
    /// 0-based rows where d was 0 (each deserves a warning).
    pub zero_rows: Vec<usize>,
}

/// Divides `x` by the denominator column `d` of the same rows: a missing
/// (NaN) or zero `d` gives a missing value; the rows of the zeros are
/// listed for the warning the contract asks for.
pub fn denominate(x: &[f64], d: &[f64]) -> Result<Denominated, StageError> {
    if x.len() != d.len() {
        return Err(StageError::Shape(format!(
            "{} values but {} denominators",
            x.len(),
            d.len()
        )));
    }
    let mut zero_rows = Vec::new();
    let values = x
        .iter()
        .zip(d)
        .enumerate()
        .map(|(i, (&x, &d))| {
            if d == 0.0 {
                zero_rows.push(i);
                f64::NAN
            } else if d.is_nan() {
                f64::NAN
            } else {
                x / d
            }
        })
        .collect();
    Ok(Denominated { values, zero_rows })
}

/// One cell filled by group-mean imputation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupImputedCell {
    /// 0-based row.
    pub row: usize,
    /// The row's group.
    pub group: String,
    /// The value filled in.
    pub value: f64,
}

/// A column after group-mean imputation.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupImputed {
    /// The values, missing ones filled where their group has a value.
    pub values: Vec<f64>,
    /// Every filled cell, in row order.
    pub cells: Vec<GroupImputedCell>,
    /// 0-based rows left missing because no row of their group (and year)
    /// has a value.
    pub left_missing: Vec<usize>,
}

/// Group-mean imputation of one indicator: a missing (NaN) value becomes
/// the mean of the non-missing values of the rows of the same group (and,
/// when `years` is given, as for scope = year, the same year), summed in
/// row order. A group with no value leaves its cells missing. A row whose
/// group is `None` (a missing group cell) is an error naming the row
/// (0-based, as [`StageError::Missing`]).
pub fn group_mean_impute(
    name: &str,
    x: &[f64],
    groups: &[Option<String>],
    years: Option<&[i64]>,
) -> Result<GroupImputed, StageError> {
    if groups.len() != x.len() || years.is_some_and(|y| y.len() != x.len()) {
        return Err(StageError::Shape(format!(
            "{} values, {} groups and {} years",
            x.len(),
            groups.len(),
            years.map_or(x.len(), <[i64]>::len)
        )));
    }
    if let Some(row) = groups.iter().position(Option::is_none) {
        return Err(StageError::Missing {
            what: format!("the group of indicator '{name}'"),
            row,
            stage: "group-mean imputation",
        });
    }
    let key = |i: usize| (groups[i].as_deref(), years.map(|y| y[i]));
    // (sum, count) per key, each sum in row order.
    let mut sums: HashMap<GroupKey<'_>, (f64, usize)> = HashMap::new();
    for (i, &v) in x.iter().enumerate() {
        if v.is_nan() {
            continue;
        }
        let e = sums.entry(key(i)).or_insert((0.0, 0));
        e.0 += v;
        e.1 += 1;
    }
    let mut values = x.to_vec();
    let mut cells = Vec::new();
    let mut left_missing = Vec::new();
    for (i, v) in values.iter_mut().enumerate() {
        if !v.is_nan() {
            continue;
        }
        match sums.get(&key(i)) {
            Some(&(s, c)) => {
                *v = s / c as f64;
                cells.push(GroupImputedCell {
                    row: i,
                    group: groups[i].clone().unwrap_or_default(),
                    value: *v,
                });
            }
            None => left_missing.push(i),
        }
    }
    Ok(GroupImputed {
        values,
        cells,
        left_missing,
    })
}
