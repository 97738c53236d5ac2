//! The construction of the index in two phases, for one run or for a Monte
//! Carlo loop that repeats the build thousands of times.
//!
//! 1. [`prepare`] runs the data stages once, in the contract's order, over
//!    the rows of each scope unit (the whole panel, or each year):
//!    denominate (`x / d`), group-mean imputation, winsorisation. It keeps
//!    every stage's values, the values entering normalisation ([`Unit::x`])
//!    and their [0, 1] direction-aware min-max ([`Unit::z01`]), which the
//!    objective weights, TOPSIS, coupling coordination and the obstacle
//!    degree start from whatever the normalisation of the scores.
//! 2. [`score`] normalises the prepared values with any [`Normaliser`] and
//!    aggregates them bottom-up through the dimension [`Hierarchy`] with an
//!    [`Aggregation`] and [`Weights`], giving the composite and every
//!    dimension's score. It reads the prepared data only, so a loop over
//!    normalisations, aggregations and weights re-parses and re-sorts
//!    nothing.
//!
//! [`objective_weights`] computes a weighting scheme's weights per unit from
//! the prepared data (on `z01`), [`unit_weights`] gives the one weight per
//! indicator that TOPSIS, [`coupling_of`] and [`obstacles_of`] need
//! (objective weights, or the hierarchy's effective weights for given
//! weights).
//!
//! Rows are region-major throughout: row `r * ny + y` is region `r`, year
//! `y`. Missing values are NaN. Only given weights with an arithmetic,
//! geometric or harmonic mean skip missing values; every other step meeting
//! one is an error naming the region, year and indicator.

use ndarray::Array2;
use rurban_core::{Direction, Scope};
use rurban_weighting::{Normalized, Weighting};
use serde::Serialize;

use crate::aggregate::Mean;
use crate::coupling::{Coupling, coupling, dimension_u};
use crate::denominate::{denominate, group_mean_impute};
use crate::hierarchy::Hierarchy;
use crate::normalise::{MinMaxRange, constant_warnings};
use crate::treat::{TreatReport, Treatment, winsorise};
use crate::{Aggregator, IndexError, Normaliser, StageError, WeightSet};

/// The data stages to run before normalisation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stages {
    /// Panel or year: the rows each stage works over.
    pub scope: Scope,
    /// Divide each indicator with a denominator by it.
    pub denominate: bool,
    /// Impute missing values by the mean of the row's group.
    pub group_mean: bool,
    /// Winsorise with these settings.
    pub treatment: Option<Treatment>,
}

impl Stages {
    /// No stage: the values enter normalisation as read.
    pub fn none(scope: Scope) -> Self {
        Stages {
            scope,
            denominate: false,
            group_mean: false,
            treatment: None,
        }
    }
}

/// The data of a construction.
#[derive(Debug, Clone)]
pub struct Input<'a> {
    /// Region labels.
    pub regions: &'a [String],
    /// Years, ascending.
    pub years: &'a [i64],
    /// The dimension tree over the indicators (indicators in its order).
    pub hierarchy: &'a Hierarchy,
    /// Direction of each indicator.
    pub directions: &'a [Direction],
    /// `(regions x years) x indicators`, region-major; NaN = missing.
    pub values: Array2<f64>,
    /// Per indicator: its denominator's name and column (region-major),
    /// when it has one (used when [`Stages::denominate`]).
    pub denominators: Vec<Option<(String, Vec<f64>)>>,
    /// The group of each row (region-major), `None` = missing cell; needed
    /// when [`Stages::group_mean`].
    pub groups: Option<Vec<Option<String>>>,
}

/// One scope unit: the whole panel, or one year.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    /// The year, for scope = year.
    pub year: Option<i64>,
    /// Its rows (region-major row numbers of the panel).
    pub rows: Vec<usize>,
    /// The values entering normalisation, `rows x indicators`.
    pub x: Array2<f64>,
    /// The contract's [0, 1] direction-aware min-max of `x` over the unit's
    /// rows (with the column bounds and constant columns).
    pub z01: Normalized,
}

/// The treatment of one indicator in one scope unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TreatmentRow {
    /// The year, for scope = year.
    pub year: Option<i64>,
    /// The indicator.
    pub indicator: String,
    /// Steps, changed cells, log, G1 and G2 before and after.
    #[serde(flatten)]
    pub report: TreatReport,
}

/// A cell filled by group-mean imputation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupCell {
    /// Region of the cell.
    pub region: String,
    /// Year of the cell.
    pub year: i64,
    /// Indicator of the cell.
    pub indicator: String,
    /// The row's group.
    pub group: String,
    /// The value written.
    pub value: f64,
}

/// The result of [`prepare`]: every data stage's values and the scope units.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    /// Panel or year.
    pub scope: Scope,
    /// Region labels.
    pub regions: Vec<String>,
    /// Years.
    pub years: Vec<i64>,
    /// The dimension tree (its weights are the given weights).
    pub hierarchy: Hierarchy,
    /// Direction of each indicator.
    pub directions: Vec<Direction>,
    /// After denomination, when it ran (region-major).
    pub denominated: Option<Array2<f64>>,
    /// After group-mean imputation, when it ran.
    pub imputed: Option<Array2<f64>>,
    /// After winsorisation, when it ran.
    pub treated: Option<Array2<f64>>,
    /// `(region-years, indicators)`: the shape of the values entering
    /// normalisation. The values themselves are held once, by the units
    /// ([`Unit::x`]; [`Prepared::values`] puts them back together).
    pub shape: (usize, usize),
    /// The scope units (one for scope = panel, one per year).
    pub units: Vec<Unit>,
    /// Per unit and indicator, when treatment ran (unit-major).
    pub treatment: Vec<TreatmentRow>,
    /// The cells group-mean imputation filled.
    pub group_cells: Vec<GroupCell>,
    /// Warnings (zero denominators, groups without a value).
    pub warnings: Vec<String>,
}

/// How nodes are aggregated.
#[derive(Clone, Copy)]
pub enum Aggregation<'a> {
    /// A weighted mean.
    Mean(Mean),
    /// TOPSIS closeness on the [0, 1] min-max.
    Topsis,
    /// Another aggregation (a plugin's), applied to each dimension over the
    /// indicators below it and to the composite over all indicators, with
    /// one weight per indicator.
    Other(&'a dyn Aggregator),
}

impl std::fmt::Debug for Aggregation<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Aggregation::Mean(m) => write!(f, "Mean({})", m.name()),
            Aggregation::Topsis => f.write_str("Topsis"),
            Aggregation::Other(a) => write!(f, "Other({})", a.name()),
        }
    }
}

/// Where the weights come from.
#[derive(Debug, Clone, PartialEq)]
pub enum Weights {
    /// The spec's weights held by the hierarchy: each node the mean of its
    /// children with their own weights; effective weights where one weight
    /// per indicator is needed.
    Given,
    /// One weight vector per scope unit (e.g. from [`objective_weights`]).
    Objective(Vec<Vec<f64>>),
}

/// The scores of every region-year.
#[derive(Debug, Clone, PartialEq)]
pub struct Scores {
    /// Normalised values, `rows x indicators` (region-major).
    pub normalised: Array2<f64>,
    /// The composite per row (NaN = missing).
    pub composite: Vec<f64>,
    /// `rows x dimensions`, dimensions in spec order (NaN = missing).
    pub dimensions: Array2<f64>,
    /// Warnings of the normalisation (constant columns).
    pub warnings: Vec<String>,
}

impl Prepared {
    /// The values entering normalisation (the last stage's), `region-years
    /// x indicators`, put together from the units' [`Unit::x`].
    pub fn values(&self) -> Array2<f64> {
        let mut out = Array2::from_elem(self.shape, f64::NAN);
        for unit in &self.units {
            for (i, &row) in unit.rows.iter().enumerate() {
                out.row_mut(row).assign(&unit.x.row(i));
            }
        }
        out
    }

    /// Region and year of a region-major row.
    pub fn cell(&self, row: usize) -> (&str, i64) {
        let ny = self.years.len().max(1);
        (
            self.regions.get(row / ny).map_or("?", String::as_str),
            self.years.get(row % ny).copied().unwrap_or_default(),
        )
    }

    /// The first missing value of `x` in `unit`, as an error for `stage`.
    fn missing_in(&self, unit: &Unit, stage: &str) -> Result<(), IndexError> {
        for (j, col) in unit.x.columns().into_iter().enumerate() {
            if let Some(i) = col.iter().position(|v| v.is_nan()) {
                return Err(self.missing(unit.rows[i], j, stage));
            }
        }
        Ok(())
    }

    fn missing(&self, row: usize, j: usize, stage: &str) -> IndexError {
        let (region, year) = self.cell(row);
        let name = &self.hierarchy.indicators()[j];
        let why = if self.imputed.is_some() {
            " (group-mean imputation found no value in the row's group)"
        } else if self.denominated.is_some() {
            " (missing, or its denominator is missing or 0)"
        } else {
            ""
        };
        IndexError::Construction(format!(
            "region '{region}', year {year}, indicator '{name}': missing value{why}, which {stage} cannot take (only weighting = \"given\" with arithmetic, geometric or harmonic aggregation skips missing values)"
        ))
    }

    fn stage_error(&self, e: StageError) -> IndexError {
        match e {
            StageError::NotPositive {
                what,
                row,
                value,
                stage,
                hint,
            } => {
                let (region, year) = self.cell(row);
                IndexError::Construction(format!(
                    "region '{region}', year {year}, {what}: value {value} is not > 0, which {stage} needs{hint}"
                ))
            }
            StageError::Missing { what, row, stage } => {
                let (region, year) = self.cell(row);
                IndexError::Construction(format!(
                    "region '{region}', year {year}, {what}: missing value, which {stage} cannot take"
                ))
            }
            e => IndexError::Construction(e.to_string()),
        }
    }
}

/// The rows of each scope unit (region-major row numbers) with its year.
fn unit_rows(scope: Scope, nr: usize, ny: usize, years: &[i64]) -> Vec<(Option<i64>, Vec<usize>)> {
    match scope {
        Scope::Panel => vec![(None, (0..nr * ny).collect())],
        Scope::Year => (0..ny)
            .map(|y| (Some(years[y]), (0..nr).map(|r| r * ny + y).collect()))
            .collect(),
    }
}

/// Runs the data stages (denominate, group-mean impute, treat) over each
/// scope unit and min-maxes the result onto [0, 1]. Errors: a shape that
/// does not fit, a missing group cell, an invalid treatment setting.
pub fn prepare(input: Input<'_>, stages: &Stages) -> Result<Prepared, IndexError> {
    let nr = input.regions.len();
    let ny = input.years.len();
    let m = input.hierarchy.indicators().len();
    let shape_err = |what: String| IndexError::Model(what);
    if input.values.dim() != (nr * ny, m) {
        return Err(shape_err(format!(
            "{:?} values for {nr} regions x {ny} years x {m} indicators",
            input.values.dim()
        )));
    }
    if input.directions.len() != m || input.denominators.len() != m {
        return Err(shape_err(format!(
            "{} directions and {} denominator entries for {m} indicators",
            input.directions.len(),
            input.denominators.len()
        )));
    }
    if ny == 0 {
        return Err(shape_err("the panel has no years".into()));
    }
    let mut p = Prepared {
        scope: stages.scope,
        regions: input.regions.to_vec(),
        years: input.years.to_vec(),
        hierarchy: input.hierarchy.clone(),
        directions: input.directions.to_vec(),
        denominated: None,
        imputed: None,
        treated: None,
        shape: (nr * ny, m),
        units: Vec::new(),
        treatment: Vec::new(),
        group_cells: Vec::new(),
        warnings: Vec::new(),
    };
    let names: Vec<String> = p.hierarchy.indicators().to_vec();
    let mut values = input.values;
    if stages.denominate {
        for (j, d) in input.denominators.iter().enumerate() {
            let Some((dname, dcol)) = d else { continue };
            let col: Vec<f64> = values.column(j).to_vec();
            let out = denominate(&col, dcol).map_err(|e| shape_err(e.to_string()))?;
            for &row in &out.zero_rows {
                let (region, year) = p.cell(row);
                p.warnings.push(format!(
                    "region '{region}', year {year}: denominator '{dname}' of indicator '{}' is 0; the value is missing",
                    names[j]
                ));
            }
            values
                .column_mut(j)
                .iter_mut()
                .zip(out.values)
                .for_each(|(v, o)| *v = o);
        }
        p.denominated = Some(values.clone());
    }
    let units = unit_rows(stages.scope, nr, ny, &p.years);
    if stages.group_mean {
        let Some(groups) = &input.groups else {
            return Err(shape_err(
                "group-mean imputation needs the group of every row".into(),
            ));
        };
        if let Some(row) = groups.iter().position(Option::is_none) {
            let (region, year) = p.cell(row);
            return Err(IndexError::Construction(format!(
                "region '{region}', year {year}: the group cell is missing, which impute = \"group-mean\" needs"
            )));
        }
        for (year, rows) in &units {
            let g: Vec<Option<String>> = rows.iter().map(|&r| groups[r].clone()).collect();
            for (j, name) in names.iter().enumerate() {
                let col: Vec<f64> = rows.iter().map(|&r| values[[r, j]]).collect();
                let out = group_mean_impute(name, &col, &g, None)
                    .map_err(|e| shape_err(e.to_string()))?;
                for c in &out.cells {
                    let row = rows[c.row];
                    let (region, y) = p.cell(row);
                    p.group_cells.push(GroupCell {
                        region: region.to_string(),
                        year: y,
                        indicator: name.clone(),
                        group: c.group.clone(),
                        value: c.value,
                    });
                }
                for &i in &out.left_missing {
                    let (region, y) = p.cell(rows[i]);
                    let scope = year.map_or(String::new(), |yy| format!(" in {yy}"));
                    p.warnings.push(format!(
                        "region '{region}', year {y}, indicator '{name}': group '{}' has no value{scope}, so the cell stays missing",
                        g[i].as_deref().unwrap_or("")
                    ));
                }
                for (&r, v) in rows.iter().zip(out.values) {
                    values[[r, j]] = v;
                }
            }
        }
        p.imputed = Some(values.clone());
    }
    if let Some(t) = &stages.treatment {
        t.check()
            .map_err(|e| IndexError::Construction(e.to_string()))?;
        for (year, rows) in &units {
            for (j, name) in names.iter().enumerate() {
                let col: Vec<f64> = rows.iter().map(|&r| values[[r, j]]).collect();
                let out = winsorise(&col, t);
                for (&r, v) in rows.iter().zip(out.values) {
                    values[[r, j]] = v;
                }
                p.treatment.push(TreatmentRow {
                    year: *year,
                    indicator: name.clone(),
                    report: out.report,
                });
            }
        }
        p.treated = Some(values.clone());
    }
    // With scope = panel the one unit takes every row in order: it takes
    // the values themselves rather than a copy.
    let whole = units.len() == 1 && units[0].1.len() == nr * ny;
    let mut values = Some(values);
    for (year, rows) in units {
        let x = if whole {
            values.take().unwrap_or_default()
        } else {
            values
                .as_ref()
                .map(|v| v.select(ndarray::Axis(0), &rows))
                .unwrap_or_default()
        };
        let z01 = MinMaxRange::default().normalise(x.view(), &p.directions);
        p.units.push(Unit { year, rows, x, z01 });
    }
    Ok(p)
}

/// The weights of `scheme` for each scope unit, over the unit's `z01` (and
/// its raw `x` for schemes on raw values), as `rurban weights` computes
/// them. A missing value is an error naming its cell.
pub fn objective_weights(
    p: &Prepared,
    scheme: &dyn Weighting,
    shift: f64,
    params: &str,
) -> Result<Vec<WeightSet>, IndexError> {
    let names = p.hierarchy.indicators();
    let mut sets = Vec::with_capacity(p.units.len());
    for unit in &p.units {
        p.missing_in(unit, &format!("weighting '{}'", scheme.name()))?;
        let context = unit.year.map(|y| format!("year {y}: ")).unwrap_or_default();
        let wrap = |cause| match cause {
            rurban_weighting::WeightError::BadValue {
                column,
                row,
                message,
            } if row >= 1 => {
                let (region, year) = p.cell(unit.rows[row - 1]);
                IndexError::Value {
                    method: scheme.name().to_string(),
                    row: None,
                    region: region.to_string(),
                    year,
                    indicator: column,
                    message,
                }
            }
            cause => IndexError::Weighting {
                method: scheme.name().to_string(),
                context: context.clone(),
                cause,
            },
        };
        rurban_weighting::check_input(names, unit.x.view(), &p.directions).map_err(wrap)?;
        let w = rurban_weighting::weigh_normalized(
            scheme,
            names,
            unit.x.view(),
            &p.directions,
            &unit.z01,
            shift,
            params,
        )
        .map_err(wrap)?;
        sets.push(WeightSet {
            year: unit.year,
            weights: w.weights,
            entropy: w.entropy,
            n: unit.rows.len(),
            warnings: w
                .warnings
                .into_iter()
                .map(|s| format!("{context}{s}"))
                .collect(),
        });
    }
    Ok(sets)
}

/// One weight per indicator for each scope unit: the objective weights as
/// given, or the hierarchy's effective weights for given weights.
pub fn unit_weights(p: &Prepared, weights: &Weights) -> Result<Vec<Vec<f64>>, IndexError> {
    match weights {
        Weights::Objective(w) => {
            if w.len() != p.units.len()
                || w.iter().any(|w| w.len() != p.hierarchy.indicators().len())
            {
                return Err(IndexError::Model(format!(
                    "{} weight vectors for {} scope units",
                    w.len(),
                    p.units.len()
                )));
            }
            Ok(w.clone())
        }
        Weights::Given => {
            let e = p
                .hierarchy
                .effective_weights()
                .map_err(|e| IndexError::Construction(e.to_string()))?;
            Ok(vec![e; p.units.len()])
        }
    }
}

/// Normalises the prepared values with `normaliser` (per scope unit) and
/// aggregates every region-year into the composite and each dimension.
pub fn score(
    p: &Prepared,
    normaliser: &dyn Normaliser,
    aggregation: Aggregation<'_>,
    weights: &Weights,
) -> Result<Scores, IndexError> {
    let names = p.hierarchy.indicators();
    let (n, m) = p.shape;
    let nd = p.hierarchy.dimensions().len();
    let ws = unit_weights(p, weights)?;
    let given = matches!(weights, Weights::Given);
    let skips = given && matches!(aggregation, Aggregation::Mean(_));
    // With one unit holding every row in order, its normalised values
    // become the scores' as they are, without a copy.
    let mut normalised: Option<Array2<f64>> = None;
    let mut out = Scores {
        normalised: Array2::zeros((0, m)),
        composite: vec![f64::NAN; n],
        dimensions: Array2::from_elem((n, nd), f64::NAN),
        warnings: Vec::new(),
    };
    for (unit, w) in p.units.iter().zip(&ws) {
        if !skips {
            p.missing_in(unit, &format!("{aggregation:?} aggregation").to_lowercase())?;
        }
        let norm = normaliser
            .try_normalise(names, unit.x.view(), &p.directions)
            .map_err(|e| match e {
                // rows of the unit -> rows of the panel
                StageError::NotPositive {
                    what,
                    row,
                    value,
                    stage,
                    hint,
                } => p.stage_error(StageError::NotPositive {
                    what,
                    row: unit.rows.get(row).copied().unwrap_or(row),
                    value,
                    stage,
                    hint,
                }),
                e => IndexError::Construction(e.to_string()),
            })?;
        let ctx = unit.year.map(|y| format!("year {y}: ")).unwrap_or_default();
        out.warnings.extend(
            constant_warnings(names, &norm, normaliser.name())
                .into_iter()
                .map(|s| format!("{ctx}{s}")),
        );
        match aggregation {
            Aggregation::Topsis => {
                let t = p
                    .hierarchy
                    .topsis(unit.z01.z.view(), w)
                    .map_err(|e| IndexError::Construction(e.to_string()))?;
                for (i, &row) in unit.rows.iter().enumerate() {
                    out.composite[row] = t.composite[i].unwrap_or(f64::NAN);
                    for d in 0..nd {
                        out.dimensions[[row, d]] = t.dimensions[d][i].unwrap_or(f64::NAN);
                    }
                }
            }
            Aggregation::Mean(mean) => {
                for (i, &row) in unit.rows.iter().enumerate() {
                    let z: Vec<f64> = norm.z.row(i).to_vec();
                    if given {
                        let s = p
                            .hierarchy
                            .aggregate_given(&z, mean, row)
                            .map_err(|e| p.stage_error(e))?;
                        out.composite[row] = s.composite.unwrap_or(f64::NAN);
                        for (d, v) in s.dimensions.iter().enumerate() {
                            out.dimensions[[row, d]] = v.unwrap_or(f64::NAN);
                        }
                    } else if mean == Mean::Arithmetic {
                        // sum_j w_j z_j: dimensions from 0, the composite
                        // from -0.0, in indicator order (as WeightedSum)
                        let mut total = -0.0;
                        for (wj, zj) in w.iter().zip(&z) {
                            total += wj * zj;
                        }
                        out.composite[row] = total;
                        for d in 0..nd {
                            let mut s = 0.0;
                            for &j in p.hierarchy.indicators_below(d) {
                                s += w[j] * z[j];
                            }
                            out.dimensions[[row, d]] = s;
                        }
                    } else {
                        let s = p
                            .hierarchy
                            .aggregate_objective(&z, w, mean, row)
                            .map_err(|e| p.stage_error(e))?;
                        out.composite[row] = s.composite.unwrap_or(f64::NAN);
                        for (d, v) in s.dimensions.iter().enumerate() {
                            out.dimensions[[row, d]] = v.unwrap_or(f64::NAN);
                        }
                    }
                }
            }
            Aggregation::Other(agg) => {
                for (i, &row) in unit.rows.iter().enumerate() {
                    let z = norm.z.row(i);
                    let over = |js: &[usize]| {
                        let zs = ndarray::Array1::from_iter(js.iter().map(|&j| z[j]));
                        let wsub: Vec<f64> = js.iter().map(|&j| w[j]).collect();
                        let mut d = ndarray::Array1::<f64>::zeros(1);
                        agg.aggregate(zs.view(), &wsub, &vec![0; js.len()], d.view_mut())
                    };
                    let all: Vec<usize> = (0..m).collect();
                    out.composite[row] = over(&all);
                    for d in 0..nd {
                        out.dimensions[[row, d]] = over(p.hierarchy.indicators_below(d));
                    }
                }
            }
        }
        let whole = p.units.len() == 1
            && norm.z.dim() == (n, m)
            && unit.rows.iter().enumerate().all(|(i, &row)| i == row);
        if whole {
            normalised = Some(norm.z);
        } else {
            let all = normalised.get_or_insert_with(|| Array2::from_elem((n, m), f64::NAN));
            for (i, &row) in unit.rows.iter().enumerate() {
                all.row_mut(row).assign(&norm.z.row(i));
            }
        }
    }
    out.normalised = normalised.unwrap_or_else(|| Array2::from_elem((n, m), f64::NAN));
    Ok(out)
}

/// Coupling coordination of each region-year (region-major) over the
/// top-level dimensions: `U_d` from the unit's `z01` and the weights `w`
/// (one vector per unit, from [`unit_weights`]), `alpha` one per top-level
/// dimension. A missing value is an error.
pub fn coupling_of(
    p: &Prepared,
    w: &[Vec<f64>],
    alpha: &[f64],
) -> Result<Vec<Coupling>, IndexError> {
    let roots = p.hierarchy.roots();
    let (n, m) = p.shape;
    let mut out = vec![None; n];
    // one buffer for a row's z and one for its U_d, reused over the rows
    let mut z = vec![0.0; m];
    let mut u = vec![0.0; roots.len()];
    for (unit, w) in p.units.iter().zip(w) {
        p.missing_in(unit, "coupling coordination")?;
        for (i, &row) in unit.rows.iter().enumerate() {
            for (a, b) in z.iter_mut().zip(unit.z01.z.row(i)) {
                *a = *b;
            }
            for (u, &d) in u.iter_mut().zip(roots) {
                *u = dimension_u(&z, w, p.hierarchy.indicators_below(d));
            }
            out[row] = Some(coupling(&u, alpha));
        }
    }
    out.into_iter()
        .map(|c| c.ok_or_else(|| IndexError::Model("a row of no scope unit".into())))
        .collect()
}

/// The obstacle degree of each region-year (region-major) in one dense
/// array: row `i` (of [`width`](Self::width) values) holds the obstacle of
/// every indicator (spec order), then of every dimension in
/// [`Hierarchy::order`] (every parent after its children: the rows of
/// `obstacles.csv`); NaN where it is null.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Obstacles {
    /// Values per region-year: indicators plus dimensions.
    pub width: usize,
    /// `region-years x width` values, row-major.
    pub values: Vec<f64>,
}

impl Obstacles {
    /// The values of region-year `i`.
    pub fn row(&self, i: usize) -> &[f64] {
        &self.values[i * self.width..(i + 1) * self.width]
    }
}

/// See [`Obstacles`]: `w` one weight vector per unit, from [`unit_weights`].
/// A missing value is an error. The arithmetic is
/// [`obstacle`](crate::obstacle::obstacle)'s and
/// [`dimension_obstacles`](crate::obstacle::dimension_obstacles)', written
/// straight into the array.
pub fn obstacles_of(p: &Prepared, w: &[Vec<f64>]) -> Result<Obstacles, IndexError> {
    let (n, m) = p.shape;
    let order = p.hierarchy.order();
    let width = m + order.len();
    let mut values = vec![f64::NAN; n * width];
    let mut terms = vec![0.0; m];
    for (unit, w) in p.units.iter().zip(w) {
        p.missing_in(unit, "the obstacle degree")?;
        for (i, &row) in unit.rows.iter().enumerate() {
            let z = unit.z01.z.row(i);
            for ((t, z), w) in terms.iter_mut().zip(z.iter()).zip(w) {
                *t = w * (1.0 - z);
            }
            let total: f64 = terms.iter().sum();
            let out = &mut values[row * width..(row + 1) * width];
            if total == 0.0 || !total.is_finite() {
                // every obstacle null, as the NaN the array starts with
                continue;
            }
            for (o, t) in out.iter_mut().zip(&terms) {
                *o = t / total;
            }
            let (inds, dims) = out.split_at_mut(m);
            for (o, &d) in dims.iter_mut().zip(order) {
                let mut s = 0.0;
                for &j in p.hierarchy.indicators_below(d) {
                    s += inds[j];
                }
                *o = s;
            }
        }
    }
    Ok(Obstacles { width, values })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DimensionDef, IndexModel, IndicatorDef, build};
    use ndarray::Array3;
    use rurban_core::Panel;

    fn panel(nr: usize, ny: usize, m: usize) -> Panel {
        let mut seed = 5u64;
        let values = Array3::from_shape_fn((nr, ny, m), |_| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            1.0 + (seed >> 11) as f64 / (1u64 << 53) as f64
        });
        Panel::from_values(
            "t",
            (0..nr).map(|r| format!("r{r}")).collect(),
            (0..ny as i64).map(|y| 2000 + y).collect(),
            (0..m).map(|j| format!("x{j}")).collect(),
            values,
        )
    }

    fn input<'a>(p: &'a Panel, h: &'a Hierarchy, dirs: &'a [Direction]) -> Input<'a> {
        let (nr, ny, m) = p.values.dim();
        Input {
            regions: &p.regions,
            years: &p.years,
            hierarchy: h,
            directions: dirs,
            values: p.values.to_shape((nr * ny, m)).unwrap().to_owned(),
            denominators: vec![None; m],
            groups: None,
        }
    }

    /// The prepared values are held once, by the units: with scope = panel
    /// the one unit holds every row as given, with scope = year each unit
    /// its year's rows; `values()` puts the input back together in both.
    #[test]
    fn units_hold_the_values_once() {
        let p = panel(4, 3, 2);
        let dirs = [Direction::Positive, Direction::Negative];
        let model = IndexModel {
            indicators: p.indicators.clone(),
            directions: dirs.to_vec(),
            dimension_of: vec![0, 1],
            dimensions: ["a", "b"].map(String::from).to_vec(),
        };
        let h = Hierarchy::flat(&model).unwrap();
        let given = input(&p, &h, &dirs).values;
        let prep = prepare(input(&p, &h, &dirs), &Stages::none(Scope::Panel)).unwrap();
        assert_eq!(prep.shape, (12, 2));
        assert_eq!(prep.units.len(), 1);
        assert_eq!(prep.units[0].x, given);
        assert_eq!(prep.values(), given);
        let prep = prepare(input(&p, &h, &dirs), &Stages::none(Scope::Year)).unwrap();
        assert_eq!(prep.units.len(), 3);
        assert_eq!(prep.units[1].rows, [1, 4, 7, 10]);
        assert_eq!(prep.units[1].x.row(2), given.row(7));
        assert_eq!(prep.values(), given);
    }

    /// Without stages, with objective weights and the arithmetic mean, the
    /// scores are `build`'s bit for bit, for both scopes.
    #[test]
    fn default_construction_is_bit_identical_to_build() {
        let p = panel(9, 4, 5);
        let dirs = [
            Direction::Positive,
            Direction::Negative,
            Direction::Positive,
            Direction::Positive,
            Direction::Negative,
        ];
        let model = IndexModel {
            indicators: p.indicators.clone(),
            directions: dirs.to_vec(),
            dimension_of: vec![0, 1, 0, 2, 1],
            dimensions: ["a", "b", "c"].map(String::from).to_vec(),
        };
        let h = Hierarchy::flat(&model).unwrap();
        for scope in [Scope::Panel, Scope::Year] {
            for scheme in [
                &rurban_weighting::Entropy as &dyn Weighting,
                &rurban_weighting::Critic,
            ] {
                let old = build(&p, &model, scheme, scope, 0.0, "{}").unwrap();
                let prep = prepare(input(&p, &h, &dirs), &Stages::none(scope)).unwrap();
                let sets = objective_weights(&prep, scheme, 0.0, "{}").unwrap();
                assert_eq!(sets, old.weight_sets);
                let w = Weights::Objective(sets.iter().map(|s| s.weights.clone()).collect());
                let s = score(
                    &prep,
                    &MinMaxRange::default(),
                    Aggregation::Mean(Mean::Arithmetic),
                    &w,
                )
                .unwrap();
                let ny = p.years.len();
                for (row, c) in s.composite.iter().enumerate() {
                    let (r, y) = (row / ny, row % ny);
                    assert_eq!(c.to_bits(), old.composite[[r, y]].to_bits());
                    for d in 0..3 {
                        assert_eq!(
                            s.dimensions[[row, d]].to_bits(),
                            old.dimension_scores[[r, y, d]].to_bits()
                        );
                    }
                    for j in 0..5 {
                        assert_eq!(s.normalised[[row, j]].to_bits(), old.z[[r, y, j]].to_bits());
                    }
                }
            }
        }
    }

    /// Given weights on a two-level tree, by hand: regions a, b, c with
    /// x = (1, 2, 3) and y = (3, 3, 0) (both +), one year; y is in child
    /// dimension C of P (weight 3), x in P itself (weight 1).
    #[test]
    fn given_weights_and_coupling_by_hand() {
        let values = Array3::from_shape_vec((3, 1, 2), vec![1.0, 3.0, 2.0, 3.0, 3.0, 0.0]).unwrap();
        let p = Panel::from_values(
            "t",
            vec!["a".into(), "b".into(), "c".into()],
            vec![2000],
            vec!["x".into(), "y".into()],
            values,
        );
        let h = Hierarchy::new(
            &[
                DimensionDef {
                    id: "C".into(),
                    parent: Some("P".into()),
                    weight: 3.0,
                },
                DimensionDef {
                    id: "P".into(),
                    parent: None,
                    weight: 1.0,
                },
            ],
            &[
                IndicatorDef {
                    id: "x".into(),
                    dimension: "P".into(),
                    weight: 1.0,
                },
                IndicatorDef {
                    id: "y".into(),
                    dimension: "C".into(),
                    weight: 1.0,
                },
            ],
        )
        .unwrap();
        let dirs = [Direction::Positive; 2];
        let prep = prepare(input(&p, &h, &dirs), &Stages::none(Scope::Panel)).unwrap();
        // z: x = 0, .5, 1; y = 1, 1, 0
        let s = score(
            &prep,
            &MinMaxRange::default(),
            Aggregation::Mean(Mean::Arithmetic),
            &Weights::Given,
        )
        .unwrap();
        // C = y; P = (1 x + 3 C) / 4: a .75, b .875, c .25
        assert_eq!(s.dimensions.column(0).to_vec(), [1.0, 1.0, 0.0]);
        assert_eq!(s.composite, [0.75, 0.875, 0.25]);
        // effective weights x 1/4, y 3/4; obstacles of a: I = (1, 0) -> (1, 0)
        let w = unit_weights(&prep, &Weights::Given).unwrap();
        assert_eq!(w[0], [0.25, 0.75]);
        let o = obstacles_of(&prep, &w).unwrap();
        // indicators x, y, then the dimensions bottom-up (C, then P)
        assert_eq!(o.width, 4);
        assert_eq!(prep.hierarchy.order(), [0, 1]);
        assert_eq!(o.row(0), [1.0, 0.0, 0.0, 1.0]);
        // b: I = (.5, 0): x 1, dims C 0, P 1; c: I = (0, 1): y 1
        assert_eq!(o.row(2), [0.0, 1.0, 1.0, 1.0]);
        // geometric over a zero: an error naming region, year and the hint
        let e = score(
            &prep,
            &MinMaxRange::default(),
            Aggregation::Mean(Mean::Geometric),
            &Weights::Given,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("region 'a', year 2000, indicator 'x'"), "{e}");
        assert!(e.contains("range = [1, 100]"), "{e}");
    }
}
