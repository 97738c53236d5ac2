//! A panel of regions x years x indicators with an explicit missing mask.

use std::collections::HashMap;
use std::path::PathBuf;

use ndarray::{Array2, Array3, ArrayView2};

use crate::error::{CoreError, Location};
use crate::table::{IdColumn, Table};

/// Region x year x indicator values.
///
/// Regions keep the order of their first appearance in the file; years are
/// sorted ascending. A region-year absent from the file counts as missing for
/// every indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    /// The file the panel was read from.
    pub source: PathBuf,
    /// Region names in file order.
    pub regions: Vec<String>,
    /// Years, ascending.
    pub years: Vec<i64>,
    /// Indicator names.
    pub indicators: Vec<String>,
    /// `[region, year, indicator]`; NaN where missing.
    pub values: Array3<f64>,
    /// `[region, year, indicator]`; true where a value was observed.
    pub observed: Array3<bool>,
    /// `[region, year, indicator]`; the 1-based data row of the file the
    /// cell came from, 0 where it did not come from the file (absent
    /// region-year, derived indicator). Lets later errors name the file row.
    /// A third axis of length 1 serves every indicator (a wide file, where
    /// a region-year's cells share their row); read it through
    /// [`Panel::file_row`].
    pub rows: Array3<u32>,
}

/// Column names to use for the identifier columns, when not the aliases.
#[derive(Debug, Clone, Default)]
pub struct PanelColumns<'a> {
    /// The region column's name.
    pub region: Option<&'a str>,
    /// The year column's name.
    pub year: Option<&'a str>,
}

/// One missing cell.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MissingCell {
    /// Region of the missing cell.
    pub region: String,
    /// Year of the missing cell.
    pub year: i64,
    /// Indicator (column) that has no value there.
    pub indicator: String,
}

/// Refuses a panel whose regions x years x indicators cube (values, mask
/// and row numbers: 13 bytes a cell) exceeds the memory available: a long
/// table whose rows each bring a new region and a new year would otherwise
/// ask for rows^2 cells.
pub(crate) fn check_cube(table: &Table, nr: usize, ny: usize, ni: usize) -> Result<(), CoreError> {
    let cells = (nr as u128) * (ny as u128) * (ni as u128);
    crate::memory::ensure(
        crate::memory::bytes_for::<[u8; 13]>(cells),
        &format!("the panel of {nr} regions x {ny} years x {ni} indicators"),
        "check the region and year columns (each row should repeat regions and years), or use fewer indicators",
    )
    .map_err(|e| CoreError::at(Location::file(&table.path), e.to_string()))
}

/// The region and year columns: named in `cols`, else found by alias.
pub(crate) fn id_columns(
    table: &Table,
    cols: &PanelColumns<'_>,
) -> Result<(usize, usize), CoreError> {
    let file = || Location::file(&table.path);
    let rcol = table.id_column(IdColumn::Region, cols.region)?.ok_or_else(|| {
        CoreError::at(
            file(),
            format!(
                "no region column: name one 'region' (or unit, city, province, 地区, 城市, 省份), or set [data] region = \"...\" (columns: {})",
                crate::clip_to(&table.headers.join(", "), 2 * crate::MAX_QUOTED)
            ),
        )
    })?;
    let ycol = table.id_column(IdColumn::Year, cols.year)?.ok_or_else(|| {
        CoreError::at(
            file(),
            format!(
                "no year column: name one 'year' (or time, 年份), or set [data] year = \"...\" (columns: {})",
                crate::clip_to(&table.headers.join(", "), 2 * crate::MAX_QUOTED)
            ),
        )
    })?;
    Ok((rcol, ycol))
}

/// The region and year of every file row and the panel's axes.
struct Keys {
    /// Region of each file row.
    region_keys: Vec<String>,
    /// Year of each file row.
    year_keys: Vec<i64>,
    /// Regions in file order.
    regions: Vec<String>,
    /// Years ascending.
    years: Vec<i64>,
    /// The panel cell (region, year) of each file row.
    cell_of: Vec<(usize, usize)>,
}

impl Keys {
    fn read(table: &Table, rcol: usize, ycol: usize) -> Result<Keys, CoreError> {
        let region_keys = table.keys(rcol)?;
        let year_keys = table.years(ycol)?;
        let mut regions: Vec<String> = Vec::new();
        let mut rindex: HashMap<&str, usize> = HashMap::new();
        for r in &region_keys {
            if !rindex.contains_key(r.as_str()) {
                rindex.insert(r, regions.len());
                regions.push(r.clone());
            }
        }
        let mut years = year_keys.clone();
        years.sort_unstable();
        years.dedup();
        let yindex: HashMap<i64, usize> = years.iter().enumerate().map(|(i, y)| (*y, i)).collect();
        let cell_of: Vec<(usize, usize)> = region_keys
            .iter()
            .zip(&year_keys)
            .map(|(r, y)| (rindex[r.as_str()], yindex[y]))
            .collect();
        drop(rindex);
        Ok(Keys {
            region_keys,
            year_keys,
            regions,
            years,
            cell_of,
        })
    }

    /// Empty cubes of values, observed flags and file rows for `ni` indicators.
    fn cubes(&self, ni: usize) -> (Array3<f64>, Array3<bool>, Array3<u32>) {
        let shape = (self.regions.len(), self.years.len(), ni);
        (
            Array3::from_elem(shape, f64::NAN),
            Array3::from_elem(shape, false),
            Array3::<u32>::zeros(shape),
        )
    }
}

/// A long table (`region, year, indicator, value`): one cell per row.
fn from_long(
    table: &Table,
    keys: Keys,
    (icol, vcol): (usize, usize),
    wanted: Option<&[String]>,
) -> Result<Panel, CoreError> {
    let file = || Location::file(&table.path);
    let names = table.keys(icol)?;
    let mut indicators: Vec<String> = match wanted {
        Some(w) => w.to_vec(),
        None => {
            let mut v: Vec<String> = Vec::new();
            for n in &names {
                if !v.contains(n) {
                    v.push(n.clone());
                }
            }
            v
        }
    };
    indicators.dedup();
    check_cube(
        table,
        keys.regions.len(),
        keys.years.len(),
        indicators.len(),
    )?;
    let iindex: HashMap<&str, usize> = indicators
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    let (mut values, mut observed, mut rows) = keys.cubes(indicators.len());
    let mut seen: HashMap<(usize, usize, usize), usize> = HashMap::new();
    let mut found = vec![false; indicators.len()];
    for (i, row) in table.rows.iter().enumerate() {
        let Some(&k) = iindex.get(names[i].as_str()) else {
            continue;
        };
        found[k] = true;
        let (r, y) = keys.cell_of[i];
        if let Some(prev) = seen.insert((r, y, k), i + 1) {
            return Err(CoreError::at(
                file().row(i + 1),
                format!(
                    "duplicate (region, year, indicator) ({}, {}, {}): also on row {prev}",
                    crate::clip(&keys.region_keys[i]),
                    keys.year_keys[i],
                    crate::clip(&names[i])
                ),
            ));
        }
        rows[[r, y, k]] = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let v = crate::table::parse_number(&row[vcol])
            .map_err(|m| CoreError::at(table.loc(Some(i + 1), Some(vcol)), m))?;
        if let Some(v) = v {
            values[[r, y, k]] = v;
            observed[[r, y, k]] = true;
        }
    }
    if let Some(k) = found.iter().position(|f| !f) {
        let mut known: Vec<&str> = names.iter().map(String::as_str).collect();
        known.sort_unstable();
        known.dedup();
        return Err(CoreError::at(
            file().column(indicators[k].as_str()),
            format!(
                "indicator not found in the long-form data (no row has it in the 'indicator' column){}",
                crate::suggest::did_you_mean(&indicators[k], &known)
            ),
        ));
    }
    Ok(Panel {
        source: table.path.clone(),
        regions: keys.regions,
        years: keys.years,
        indicators,
        values,
        observed,
        rows,
    })
}

/// A wide table (`region, year, <indicators>`): the columns `icols` of one
/// row per region-year.
fn from_wide(table: &Table, keys: Keys, icols: Vec<usize>) -> Result<Panel, CoreError> {
    let indicators: Vec<String> = icols.iter().map(|&c| table.headers[c].clone()).collect();
    check_cube(
        table,
        keys.regions.len(),
        keys.years.len(),
        indicators.len(),
    )?;
    let (mut values, mut observed, mut rows) = keys.cubes(indicators.len());
    // The file row of each (region, year), in the cube's order: a second
    // row for the same pair is the error it has always been.
    let ny = keys.years.len();
    let mut row_of = vec![usize::MAX; keys.regions.len() * ny];
    for (i, &(r, y)) in keys.cell_of.iter().enumerate() {
        let prev = row_of[r * ny + y];
        if prev != usize::MAX {
            return Err(CoreError::at(
                Location::file(&table.path).row(i + 1),
                format!(
                    "duplicate (region, year) ({}, {}): also on row {}",
                    crate::clip(&keys.region_keys[i]),
                    keys.year_keys[i],
                    prev + 1
                ),
            ));
        }
        row_of[r * ny + y] = i;
    }
    if !fill_wide(
        table,
        &icols,
        &row_of,
        &mut values,
        &mut observed,
        &mut rows,
    ) {
        // Some cell is not a number: the first error in column order is
        // the one reported, as `Table::numbers` words it.
        for &c in &icols {
            table.numbers(c)?;
        }
        return Err(CoreError::at(
            Location::file(&table.path),
            "a cell could not be read as a number",
        ));
    }
    Ok(Panel {
        source: table.path.clone(),
        regions: keys.regions,
        years: keys.years,
        indicators,
        values,
        observed,
        rows,
    })
}

/// Fills the cubes of a wide table in one parallel pass over the
/// region-years: the slot of each (region, year) reads its file row's
/// indicator cells with [`crate::table::parse_number`] (the same numbers and
/// missing cells as [`Table::numbers`]) straight into its place. False,
/// with the cubes partly filled, when a cell is not a number.
fn fill_wide(
    table: &Table,
    icols: &[usize],
    row_of: &[usize],
    values: &mut Array3<f64>,
    observed: &mut Array3<bool>,
    rows: &mut Array3<u32>,
) -> bool {
    use rayon::prelude::*;
    let ni = icols.len();
    let (Some(v), Some(o), Some(f)) = (
        values.as_slice_mut(),
        observed.as_slice_mut(),
        rows.as_slice_mut(),
    ) else {
        return false;
    };
    if ni == 0 {
        // no indicator: the cubes are empty
        return true;
    }
    v.par_chunks_mut(ni)
        .zip(o.par_chunks_mut(ni))
        .zip(f.par_chunks_mut(ni))
        .zip(row_of.par_iter())
        .with_min_len(256)
        .all(|(((v, o), f), &i)| {
            let Some(rec) = table.rows.get(i) else {
                // a region-year absent from the file
                return true;
            };
            f.fill(u32::try_from(i + 1).unwrap_or(u32::MAX));
            for (k, &c) in icols.iter().enumerate() {
                match crate::table::parse_number(&rec[c]) {
                    Ok(Some(x)) => {
                        v[k] = x;
                        o[k] = true;
                    }
                    Ok(None) => {}
                    Err(_) => return false,
                }
            }
            true
        })
}

/// How a table holds its indicators.
pub(crate) enum Layout {
    /// `region, year, indicator, value`: the indicator and value columns.
    Long(usize, usize),
    /// One column per indicator: the columns read, in the order wanted.
    Wide(Vec<usize>),
}

/// The layout of a table with region column `rcol` and year column `ycol`;
/// in a wide table, the columns of the `wanted` indicators (each must be a
/// column), else every other column.
pub(crate) fn layout(
    table: &Table,
    (rcol, ycol): (usize, usize),
    wanted: Option<&[String]>,
) -> Result<Layout, CoreError> {
    let lower: Vec<String> = table.headers.iter().map(|h| h.to_lowercase()).collect();
    let others: Vec<usize> = (0..table.headers.len())
        .filter(|&c| c != rcol && c != ycol)
        .collect();
    let is_long =
        others.len() == 2 && lower[others[0]] == "indicator" && lower[others[1]] == "value";
    if is_long {
        return Ok(Layout::Long(others[0], others[1]));
    }
    let icols: Vec<usize> = match wanted {
            Some(w) => w
                .iter()
                .map(|name| {
                    table
                        .find(name)
                        .filter(|c| *c != rcol && *c != ycol)
                        .ok_or_else(|| {
                            let heads: Vec<&str> = (0..table.headers.len())
                                .filter(|c| *c != rcol && *c != ycol)
                                .map(|c| table.headers[c].as_str())
                                .collect();
                            CoreError::at(
                                Location::file(&table.path).column(name.as_str()),
                                format!(
                                    "indicator named in the specification is not a column of the data{}",
                                    crate::suggest::did_you_mean(name, &heads)
                                ),
                            )
                        })
                })
                .collect::<Result<_, _>>()?,
            None => others,
        };
    Ok(Layout::Wide(icols))
}

impl Panel {
    /// Builds a panel from a table in long (`region, year, indicator, value`)
    /// or wide (`region, year, <indicators>`) form. `wanted` restricts (and
    /// requires) the indicators read; other columns are ignored.
    pub fn from_table(
        table: &Table,
        cols: &PanelColumns<'_>,
        wanted: Option<&[String]>,
    ) -> Result<Panel, CoreError> {
        let (rcol, ycol) = id_columns(table, cols)?;
        let keys = Keys::read(table, rcol, ycol)?;
        match layout(table, (rcol, ycol), wanted)? {
            Layout::Long(icol, vcol) => from_long(table, keys, (icol, vcol), wanted),
            Layout::Wide(icols) => from_wide(table, keys, icols),
        }
    }

    /// A panel from values (NaN = missing), not read from a file: every
    /// finite value counts as observed, no cell has a file row.
    pub fn from_values(
        source: impl Into<PathBuf>,
        regions: Vec<String>,
        years: Vec<i64>,
        indicators: Vec<String>,
        values: Array3<f64>,
    ) -> Panel {
        let observed = values.mapv(f64::is_finite);
        let rows = Array3::zeros(values.raw_dim());
        Panel {
            source: source.into(),
            regions,
            years,
            indicators,
            values,
            observed,
            rows,
        }
    }

    /// The 1-based file data row of a cell, when it came from the file.
    pub fn file_row(&self, region: usize, year: usize, indicator: usize) -> Option<usize> {
        let k = if self.rows.dim().2 == 1 { 0 } else { indicator };
        match self.rows.get([region, year, k]) {
            Some(&r) if r > 0 => Some(r as usize),
            _ => None,
        }
    }

    /// [`Panel::file_row`] of every cell, in region, year, indicator order
    /// (the same sequence whether the panel keeps one row per cell or one
    /// per region-year).
    pub fn file_rows(&self) -> impl Iterator<Item = Option<usize>> + '_ {
        ndarray::indices(self.values.dim())
            .into_iter()
            .map(|(r, y, k)| self.file_row(r, y, k))
    }

    /// Cells that are not observed, in region, year, indicator order.
    pub fn missing(&self) -> Vec<MissingCell> {
        self.observed
            .indexed_iter()
            .filter(|(_, o)| !**o)
            .map(|((r, y, k), _)| MissingCell {
                region: self.regions[r].clone(),
                year: self.years[y],
                indicator: self.indicators[k].clone(),
            })
            .collect()
    }

    /// An error listing missing cells (first 20, then a count), if any.
    pub fn require_complete(&self) -> Result<(), CoreError> {
        let missing = self.missing();
        if missing.is_empty() {
            return Ok(());
        }
        let mut msg = format!(
            "{} missing value(s) and no imputation rule ([method] impute = \"linear\" or \"year-mean\"): ",
            missing.len()
        );
        let shown: Vec<String> = missing
            .iter()
            .take(20)
            .map(|m| {
                format!(
                    "{} {} '{}'",
                    crate::clip(&m.region),
                    m.year,
                    crate::clip(&m.indicator)
                )
            })
            .collect();
        msg.push_str(&shown.join("; "));
        if missing.len() > 20 {
            msg.push_str(&format!("; and {} more", missing.len() - 20));
        }
        Err(CoreError::at(Location::file(&self.source), msg))
    }

    /// The values as a (region-year) x indicator matrix, rows ordered region
    /// by region, years ascending within a region.
    pub fn stacked(&self) -> Array2<f64> {
        let (nr, ny, m) = self.values.dim();
        self.values
            .to_shape((nr * ny, m))
            .map(|a| a.to_owned())
            .unwrap_or_else(|_| Array2::zeros((nr * ny, m)))
    }

    /// The values of one year: region x indicator.
    pub fn year_slice(&self, y: usize) -> ArrayView2<'_, f64> {
        self.values.index_axis(ndarray::Axis(1), y)
    }

    /// Appends a derived indicator column (NaN = missing).
    pub fn push_indicator(&mut self, name: &str, data: &Array2<f64>) {
        let (nr, ny, m) = self.values.dim();
        let mut values = Array3::from_elem((nr, ny, m + 1), f64::NAN);
        let mut observed = Array3::from_elem((nr, ny, m + 1), false);
        values
            .slice_mut(ndarray::s![.., .., ..m])
            .assign(&self.values);
        observed
            .slice_mut(ndarray::s![.., .., ..m])
            .assign(&self.observed);
        for r in 0..nr {
            for y in 0..ny {
                let v = data[[r, y]];
                values[[r, y, m]] = v;
                observed[[r, y, m]] = v.is_finite();
            }
        }
        let mut rows = Array3::<u32>::zeros((nr, ny, m + 1));
        // (one row for every indicator is spread over the m columns)
        rows.slice_mut(ndarray::s![.., .., ..m]).assign(&self.rows);
        self.values = values;
        self.observed = observed;
        self.rows = rows;
        self.indicators.push(name.to_string());
    }

    /// Keeps only the named indicators, in the given order, consuming the
    /// panel: when it already holds exactly those, in that order, nothing is
    /// copied.
    pub fn into_selected(self, names: &[String]) -> Result<Panel, CoreError> {
        if self.indicators == names {
            return Ok(self);
        }
        self.select(names)
    }

    /// Keeps only the named indicators, in the given order.
    pub fn select(&self, names: &[String]) -> Result<Panel, CoreError> {
        let idx: Vec<usize> = names
            .iter()
            .map(|n| {
                self.indicators.iter().position(|i| i == n).ok_or_else(|| {
                    CoreError::at(
                        Location::file(&self.source).column(n.as_str()),
                        "indicator named in the specification is not a column of the data",
                    )
                })
            })
            .collect::<Result<_, _>>()?;
        let values = self.values.select(ndarray::Axis(2), &idx);
        let observed = self.observed.select(ndarray::Axis(2), &idx);
        let rows = if self.rows.dim().2 == 1 {
            // one row for every indicator
            self.rows.clone()
        } else {
            self.rows.select(ndarray::Axis(2), &idx)
        };
        Ok(Panel {
            indicators: names.to_vec(),
            values,
            observed,
            rows,
            ..self.clone_meta()
        })
    }

    /// Keeps only the years from `first` to `last` (both included): the
    /// study period of `[data] years` or `--years`. A range that is reversed
    /// or selects no year of the panel is an error naming the panel's years.
    pub fn select_years(&self, first: i64, last: i64) -> Result<Panel, CoreError> {
        let span = match (self.years.first(), self.years.last()) {
            (Some(a), Some(b)) if a == b => format!("{a}"),
            (Some(a), Some(b)) => format!("{a}-{b}"),
            _ => "none".to_string(),
        };
        if first > last {
            return Err(CoreError::at(
                Location::file(&self.source),
                format!(
                    "year range {first}-{last} is reversed: the first year must not come after the last (the data hold {span})"
                ),
            ));
        }
        let idx: Vec<usize> = (0..self.years.len())
            .filter(|&y| (first..=last).contains(&self.years[y]))
            .collect();
        if idx.is_empty() {
            return Err(CoreError::at(
                Location::file(&self.source),
                format!(
                    "year range {first}-{last} selects no year of the data (the data hold {span})"
                ),
            ));
        }
        let ax = ndarray::Axis(1);
        Ok(Panel {
            years: idx.iter().map(|&y| self.years[y]).collect(),
            indicators: self.indicators.clone(),
            values: self.values.select(ax, &idx),
            observed: self.observed.select(ax, &idx),
            rows: self.rows.select(ax, &idx),
            ..self.clone_meta()
        })
    }

    fn clone_meta(&self) -> Panel {
        Panel {
            source: self.source.clone(),
            regions: self.regions.clone(),
            years: self.years.clone(),
            indicators: Vec::new(),
            values: Array3::zeros((0, 0, 0)),
            observed: Array3::from_elem((0, 0, 0), false),
            rows: Array3::zeros((0, 0, 0)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn table(text: &str) -> Table {
        Table::parse_delimited(text, b',', Path::new("p.csv")).unwrap()
    }

    #[test]
    fn wide_panel_orders_regions_by_file_and_years_ascending() {
        let t = table("city,year,a,b\nz,2012,1,2\nz,2011,3,4\ny,2011,5,\n");
        let p = Panel::from_table(&t, &PanelColumns::default(), None).unwrap();
        assert_eq!(p.regions, ["z", "y"]);
        assert_eq!(p.years, [2011, 2012]);
        assert_eq!(p.values[[0, 0, 0]], 3.0);
        assert!(!p.observed[[1, 0, 1]]);
        assert!(!p.observed[[1, 1, 0]], "absent region-year is missing");
        assert_eq!(p.missing().len(), 3);
    }

    #[test]
    fn long_panel() {
        let t =
            table("region,year,indicator,value\na,2011,x,1\na,2011,y,2\nb,2011,x,3\nb,2011,y,4\n");
        let p = Panel::from_table(&t, &PanelColumns::default(), None).unwrap();
        assert_eq!(p.indicators, ["x", "y"]);
        assert_eq!(p.values[[1, 0, 1]], 4.0);
    }

    #[test]
    fn duplicate_region_year_names_both_rows() {
        let t = table("region,year,a\nq,2011,1\nq,2011,2\n");
        let e = Panel::from_table(&t, &PanelColumns::default(), None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("row 2") && e.contains("also on row 1"), "{e}");
        let t = table("region,year,indicator,value\na,2011,x,1\na,2011,x,2\n");
        let e = Panel::from_table(&t, &PanelColumns::default(), None)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("row 2") && e.contains("also on row 1") && e.contains("x"),
            "{e}"
        );
    }

    #[test]
    fn wanted_indicator_must_exist() {
        let t = table("region,year,a\nq,2011,1\n");
        let e = Panel::from_table(&t, &PanelColumns::default(), Some(&["zz".into()]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("'zz'") && e.contains("not a column"), "{e}");
    }

    #[test]
    fn the_first_bad_column_in_file_order_is_reported() {
        // Columns parse in parallel; the error must not depend on which
        // thread finishes first.
        let mut header = String::from("region,year");
        let mut row = String::from("q,2011");
        for j in 0..40 {
            header.push_str(&format!(",c{j}"));
            row.push_str(if j == 7 || j == 30 { ",bad" } else { ",1" });
        }
        let t = table(&format!("{header}\n{row}\n"));
        for _ in 0..20 {
            let e = Panel::from_table(&t, &PanelColumns::default(), None)
                .unwrap_err()
                .to_string();
            assert!(e.contains("column 'c7'"), "{e}");
        }
    }

    /// A panel keeping one file row per region-year (as the fast wide
    /// reading makes it) answers every cell with its line's row, through
    /// selection, a study period and a derived indicator alike.
    #[test]
    fn one_file_row_per_region_year_serves_every_indicator() {
        let t = table("region,year,a,b,c\nq,2011,1,2,3\nq,2012,4,5,6\nr,2011,7,8,9\n");
        let full = Panel::from_table(&t, &PanelColumns::default(), None).unwrap();
        let mut shared = full.clone();
        shared.rows = full.rows.slice(ndarray::s![.., .., ..1]).to_owned();
        assert!(shared.file_rows().eq(full.file_rows()));
        assert_eq!(shared.file_row(0, 1, 2), Some(2));
        assert_eq!(shared.file_row(1, 1, 0), None, "r has no 2012 line");
        let names = ["c".to_string(), "a".to_string()];
        let (s, f) = (shared.select(&names).unwrap(), full.select(&names).unwrap());
        assert!(s.file_rows().eq(f.file_rows()));
        assert_eq!(s.file_row(1, 0, 1), Some(3));
        let (s, f) = (
            shared.select_years(2012, 2012).unwrap(),
            full.select_years(2012, 2012).unwrap(),
        );
        assert!(s.file_rows().eq(f.file_rows()));
        let derived = ndarray::Array2::from_elem((2, 2), 1.0);
        let (mut s, mut f) = (shared.clone(), full.clone());
        s.push_indicator("d", &derived);
        f.push_indicator("d", &derived);
        assert!(s.file_rows().eq(f.file_rows()));
        assert_eq!(s.file_row(0, 0, 3), None, "a derived cell has no file row");
        assert_eq!(s.file_row(0, 0, 2), Some(1));
    }

    #[test]
    fn identical_selection_is_not_copied_and_others_reorder() {
        let t = table("region,year,a,b\nq,2011,1,2\n");
        let p = Panel::from_table(&t, &PanelColumns::default(), None).unwrap();
        let same = p.clone().into_selected(&["a".into(), "b".into()]).unwrap();
        assert_eq!(same, p);
        let swapped = p.into_selected(&["b".into(), "a".into()]).unwrap();
        assert_eq!(swapped.values[[0, 0, 0]], 2.0);
        assert_eq!(swapped.rows[[0, 0, 1]], 1);
    }

    #[test]
    fn explicit_id_columns() {
        let t = table("uCode,Time,a\nq,2018,1\n");
        let cols = PanelColumns {
            region: Some("uCode"),
            year: Some("Time"),
        };
        let p = Panel::from_table(&t, &cols, None).unwrap();
        assert_eq!(p.regions, ["q"]);
        assert_eq!(p.indicators, ["a"]);
    }

    #[test]
    fn missing_listing_is_capped() {
        let mut text = String::from("region,year,a\n");
        for i in 0..25 {
            text.push_str(&format!("r{i},2011,NA\n"));
        }
        let p = Panel::from_table(&table(&text), &PanelColumns::default(), None).unwrap();
        let e = p.require_complete().unwrap_err().to_string();
        assert!(e.contains("25 missing") && e.contains("and 5 more"), "{e}");
    }
}
