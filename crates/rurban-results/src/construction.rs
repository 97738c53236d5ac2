//! The index construction of a run in `summary.json`: the stages that ran
//! with their values (`stages/*.csv`), the treatment of each indicator
//! (`treatment.csv`), coupling coordination (`coupling.csv`) and the
//! obstacle degree (`obstacles.csv`).

use serde::{Deserialize, Serialize};

use crate::table::{Cell, Table};

/// `"construction"`: how the index was built.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Construction {
    /// The stages that ran, in order (`denominate`, `impute`, `treat`,
    /// `normalise`).
    pub stages: Vec<String>,
    /// The normalisation.
    pub normalisation: String,
    /// Its range `[l, u]` (minmax and goalposts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<[f64; 2]>,
    /// The aggregation.
    pub aggregation: String,
    /// The weighting (`given` or a scheme).
    pub weighting: String,
    /// Indicators in spec order (the columns of the stage tables).
    pub indicators: Vec<String>,
    /// Dimension ids, every parent after its children (the order of the
    /// dimension columns of `scores.csv`).
    pub dimension_order: Vec<String>,
    /// The parent of each dimension (spec order of `dimension_order`'s ids
    /// is not assumed: pairs of id and parent).
    #[serde(default)]
    pub parents: Vec<(String, Option<String>)>,
    /// The values after each stage that ran, in stage order (the
    /// `stages/*.csv` files; not in `summary.json`, which keeps `trace`).
    #[serde(default, skip_serializing)]
    pub values: Vec<StageValues>,
    /// One indicator through the stages, for the report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace: Option<StageTrace>,
    /// Per indicator (and year, for scope = year), when treatment ran.
    #[serde(default)]
    pub treatment: Vec<TreatmentRecord>,
    /// Cells filled by group-mean imputation.
    #[serde(default)]
    pub group_imputed: Vec<GroupImputedRecord>,
}

/// The values of the panel after one stage: one row per region-year
/// (region-major, as `scores`), one value per indicator (null = missing).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct StageValues {
    /// `denominated`, `imputed`, `treated` or `normalised`.
    pub stage: String,
    /// Region of each row.
    pub region: Vec<String>,
    /// Year of each row.
    pub year: Vec<i64>,
    /// Values, `rows x indicators`.
    pub values: Vec<Vec<Option<f64>>>,
}

/// One indicator's values after each stage that ran (rows as
/// [`StageValues`]).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct StageTrace {
    /// The indicator.
    pub indicator: String,
    /// Per stage (`denominated`, ..., `normalised`): its name and values.
    pub stages: Vec<(String, Vec<Option<f64>>)>,
}

impl Construction {
    /// The indicator to follow through the stages: the first one the
    /// treatment changed, else the first with a group-imputed cell, else
    /// the first one that a stage changed, else the first indicator.
    pub fn traced_indicator(&self) -> Option<usize> {
        if self.indicators.is_empty() {
            return None;
        }
        let pos = |name: &str| self.indicators.iter().position(|i| i == name);
        let treated = self
            .treatment
            .iter()
            .find(|t| t.steps > 0 || t.log)
            .and_then(|t| pos(&t.indicator));
        let imputed = self.group_imputed.first().and_then(|g| pos(&g.indicator));
        let changed = || {
            let mut stages = self.values.iter().filter(|v| v.stage != "normalised");
            let first = stages.next()?;
            let last = self
                .values
                .iter()
                .rfind(|v| v.stage != "normalised")
                .unwrap_or(first);
            (0..self.indicators.len()).find(|&j| {
                first
                    .values
                    .iter()
                    .zip(&last.values)
                    .any(|(a, b)| a.get(j) != b.get(j))
            })
        };
        treated.or(imputed).or_else(changed).or(Some(0))
    }

    /// [`traced_indicator`](Self::traced_indicator)'s values after every
    /// stage.
    pub fn trace_of(&self) -> Option<StageTrace> {
        let j = self.traced_indicator()?;
        Some(StageTrace {
            indicator: self.indicators[j].clone(),
            stages: self
                .values
                .iter()
                .map(|s| {
                    (
                        s.stage.clone(),
                        s.values
                            .iter()
                            .map(|r| r.get(j).copied().flatten())
                            .collect(),
                    )
                })
                .collect(),
        })
    }
}

/// The treatment of one indicator.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct TreatmentRecord {
    /// The year, for scope = year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i64>,
    /// The indicator.
    pub indicator: String,
    /// Winsorisation steps taken.
    pub steps: usize,
    /// Cells the kept winsorisation changed (0 when the log was applied).
    pub cells: usize,
    /// Whether the log transform replaced the column.
    pub log: bool,
    /// G1 before.
    pub skew_before: Option<f64>,
    /// G2 before.
    pub kurtosis_before: Option<f64>,
    /// G1 after.
    pub skew_after: Option<f64>,
    /// G2 after.
    pub kurtosis_after: Option<f64>,
}

/// A cell filled by group-mean imputation.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct GroupImputedRecord {
    /// Region.
    pub region: String,
    /// Year.
    pub year: i64,
    /// Indicator.
    pub indicator: String,
    /// The row's group.
    pub group: String,
    /// The value written.
    pub value: f64,
}

/// `"coupling"`: coupling coordination of the top-level dimensions.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct CouplingSummary {
    /// The top-level dimensions, in spec order.
    pub dimensions: Vec<String>,
    /// Their weights alpha.
    pub alpha: Vec<f64>,
    /// One row per region-year.
    pub rows: Vec<CouplingRow>,
}

/// Coupling coordination of one region-year.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct CouplingRow {
    /// Region.
    pub region: String,
    /// Year.
    pub year: i64,
    /// Coupling degree C.
    #[serde(rename = "C")]
    pub c: f64,
    /// Comprehensive development T.
    #[serde(rename = "T")]
    pub t: f64,
    /// Coordination degree D.
    #[serde(rename = "D")]
    pub d: f64,
    /// Class 1..10 of D.
    pub level: u8,
    /// The class's English name.
    pub level_name: String,
}

/// `"obstacle"`: the obstacle degree of each indicator and dimension.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ObstacleSummary {
    /// One row per region-year and indicator, then per dimension.
    pub rows: Vec<ObstacleRow>,
}

/// One obstacle degree.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ObstacleRow {
    /// Region.
    pub region: String,
    /// Year.
    pub year: i64,
    /// The indicator; `None` on a dimension's row.
    pub indicator: Option<String>,
    /// The indicator's own dimension, or the dimension of the row.
    pub dimension: String,
    /// The obstacle degree (null when every weighted indicator is at its
    /// best).
    pub obstacle: Option<f64>,
}

fn opt(x: Option<f64>) -> Cell {
    x.map_or(Cell::Blank, Cell::Num)
}

/// `stages/<stage>.csv`: `region, year`, then the indicators.
pub fn stage_tables(c: &Construction) -> Vec<Table> {
    c.values
        .iter()
        .map(|s| {
            let mut cols = vec!["region", "year"];
            cols.extend(c.indicators.iter().map(String::as_str));
            let mut t = Table::new(&format!("stages/{}", s.stage), &cols);
            for ((r, y), v) in s.region.iter().zip(&s.year).zip(&s.values) {
                let mut row = vec![Cell::Text(r.clone()), Cell::Int(*y)];
                row.extend(v.iter().map(|x| opt(*x)));
                t.rows.push(row);
            }
            t
        })
        .collect()
}

/// `treatment`: `[year,] indicator, steps, cells, log`, when treatment ran.
pub fn treatment(c: &Construction) -> Option<Table> {
    if !c.stages.iter().any(|s| s == "treat") {
        return None;
    }
    let by_year = c.treatment.iter().any(|t| t.year.is_some());
    let mut cols = Vec::new();
    if by_year {
        cols.push("year");
    }
    cols.extend(["indicator", "steps", "cells", "log"]);
    let mut t = Table::new("treatment", &cols);
    for r in &c.treatment {
        let mut row = Vec::new();
        if let Some(y) = r.year {
            row.push(Cell::Int(y));
        }
        row.push(Cell::Text(r.indicator.clone()));
        row.push(r.steps.into());
        row.push(r.cells.into());
        row.push(Cell::Text(r.log.to_string()));
        t.rows.push(row);
    }
    Some(t)
}

/// `coupling`: `region, year, C, T, D, level, level_name`.
pub fn coupling(c: &CouplingSummary) -> Table {
    let mut t = Table::new(
        "coupling",
        &["region", "year", "C", "T", "D", "level", "level_name"],
    );
    for r in &c.rows {
        t.rows.push(vec![
            Cell::Text(r.region.clone()),
            Cell::Int(r.year),
            Cell::Num(r.c),
            Cell::Num(r.t),
            Cell::Num(r.d),
            Cell::Int(i64::from(r.level)),
            Cell::Text(r.level_name.clone()),
        ]);
    }
    t
}

/// `obstacles`: `region, year, indicator, dimension, obstacle`.
pub fn obstacles(o: &ObstacleSummary) -> Table {
    let mut t = Table::new(
        "obstacles",
        &["region", "year", "indicator", "dimension", "obstacle"],
    );
    for r in &o.rows {
        t.rows.push(vec![
            Cell::Text(r.region.clone()),
            Cell::Int(r.year),
            r.indicator.clone().map_or(Cell::Blank, Cell::Text),
            Cell::Text(r.dimension.clone()),
            opt(r.obstacle),
        ]);
    }
    t
}

impl ObstacleSummary {
    /// The `k` largest indicator obstacles of `region` in `year`, largest
    /// first (ties in indicator order).
    pub fn largest(&self, region: &str, year: i64, k: usize) -> Vec<(&str, f64)> {
        let mut v: Vec<(&str, f64)> = self
            .rows
            .iter()
            .filter(|r| r.region == region && r.year == year)
            .filter_map(|r| Some((r.indicator.as_deref()?, r.obstacle?)))
            .collect();
        v.sort_by(|a, b| b.1.total_cmp(&a.1));
        v.truncate(k);
        v
    }
}
