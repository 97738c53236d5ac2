//! The result tables of a run, built once from a [`Summary`]: the pipeline
//! writes them as CSV files, the report as worksheets.

use crate::{ClusterResult, DisparityAnalysis, GreyAnalysis, KdeResult, Summary, Weights};

/// One cell of a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// A float (a non-finite one is written blank).
    Num(f64),
    /// A whole number.
    Int(i64),
    /// Text.
    Text(String),
    /// Nothing.
    Blank,
}

impl Cell {
    /// The cell as CSV text: floats with full round-trip precision, a
    /// non-finite float and a blank as the empty string.
    pub fn text(&self) -> String {
        let mut s = String::new();
        self.write_text(&mut s);
        s
    }

    /// Appends [`Cell::text`] to `out`, so that a writer of many cells
    /// reuses one buffer instead of making a `String` per cell.
    pub fn write_text(&self, out: &mut String) {
        use std::fmt::Write as _;
        // Writing into a String cannot fail.
        match self {
            Cell::Num(x) if x.is_finite() => {
                let _ = write!(out, "{x}");
            }
            Cell::Num(_) | Cell::Blank => {}
            Cell::Int(i) => {
                let _ = write!(out, "{i}");
            }
            Cell::Text(s) => out.push_str(s),
        }
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<f64> for Cell {
    fn from(x: f64) -> Cell {
        Cell::Num(x)
    }
}

impl From<usize> for Cell {
    fn from(i: usize) -> Cell {
        Cell::Int(i as i64)
    }
}

impl From<i64> for Cell {
    fn from(i: i64) -> Cell {
        Cell::Int(i)
    }
}

/// A named table: a header and rows of typed cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Name (the file stem, or the sheet name).
    pub name: String,
    /// Column names.
    pub columns: Vec<String>,
    /// Rows, each as long as `columns`.
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// An empty table with these columns.
    pub fn new(name: &str, columns: &[&str]) -> Table {
        Table {
            name: name.to_string(),
            columns: columns.iter().map(ToString::to_string).collect(),
            rows: Vec::new(),
        }
    }
}

/// `weights`: `[year,] dimension, indicator, direction, weight[, entropy]`,
/// one row per indicator (per year when scope = year).
pub fn weights(s: &Summary) -> Option<Table> {
    let w = s.weights.as_ref()?;
    let sets = w.sets();
    let by_year = matches!(w, Weights::Year(_));
    let has_entropy = sets.first().is_some_and(|w| w.entropy.is_some());
    let mut cols = Vec::new();
    if by_year {
        cols.push("year");
    }
    cols.extend(["dimension", "indicator", "direction", "weight"]);
    if has_entropy {
        cols.push("entropy");
    }
    let mut t = Table::new("weights", &cols);
    let inds: Vec<(&str, &crate::SystemIndicator)> = s
        .dimensions
        .iter()
        .flat_map(|d| d.indicators.iter().map(move |i| (d.id.as_str(), i)))
        .collect();
    for ws in sets {
        for (j, (dim, ind)) in inds.iter().enumerate() {
            let mut r = Vec::with_capacity(cols.len());
            if let Some(y) = ws.year {
                r.push(Cell::Int(y));
            }
            r.push((*dim).into());
            r.push(ind.id.as_str().into());
            r.push(ind.direction.as_str().into());
            r.push(ws.weights.get(j).copied().unwrap_or(f64::NAN).into());
            if let Some(e) = &ws.entropy {
                r.push(e.get(j).copied().unwrap_or(f64::NAN).into());
            }
            t.rows.push(r);
        }
    }
    Some(t)
}

/// `coverage`: `indicator, cells, observed, interpolated, extrapolated,
/// year_mean, group_mean, missing, first_year, last_year`, one row per
/// indicator read.
pub fn coverage(s: &Summary) -> Table {
    let mut t = Table::new(
        "coverage",
        &[
            "indicator",
            "cells",
            "observed",
            "interpolated",
            "extrapolated",
            "year_mean",
            "group_mean",
            "missing",
            "first_year",
            "last_year",
        ],
    );
    let year = |y: Option<i64>| y.map_or(Cell::Blank, Cell::Int);
    for c in &s.coverage {
        t.rows.push(vec![
            c.indicator.as_str().into(),
            c.cells.into(),
            c.observed.into(),
            c.interpolated.into(),
            c.extrapolated.into(),
            c.year_mean.into(),
            c.group_mean.into(),
            c.missing.into(),
            year(c.first_year),
            year(c.last_year),
        ]);
    }
    t
}

/// `scores`: `region, year, composite`, then one column per dimension.
pub fn scores(s: &Summary) -> Table {
    // every parent after its children, when the construction says so
    let ids: Vec<&str> = match &s.construction {
        Some(c) if !c.dimension_order.is_empty() => {
            c.dimension_order.iter().map(String::as_str).collect()
        }
        _ => s.dimensions.iter().map(|d| d.id.as_str()).collect(),
    };
    let mut cols = vec!["region", "year", "composite"];
    cols.extend(&ids);
    let mut t = Table::new("scores", &cols);
    let dims: Vec<Option<&[f64]>> = ids.iter().map(|d| s.scores.dimension(d)).collect();
    let sc = &s.scores;
    t.rows.reserve(sc.len());
    for i in 0..sc.len() {
        let mut r = Vec::with_capacity(cols.len());
        r.push(Cell::Text(sc.region[i].clone()));
        r.push(Cell::Int(sc.year[i]));
        r.push(Cell::Num(sc.composite[i]));
        for d in &dims {
            r.push(Cell::Num(d.map_or(f64::NAN, |c| c[i])));
        }
        t.rows.push(r);
    }
    t
}

/// `clusters`: `region, cluster, tier`.
pub fn clusters(c: &ClusterResult) -> Table {
    let mut t = Table::new("clusters", &["region", "cluster", "tier"]);
    for l in &c.labels {
        t.rows.push(vec![
            l.label.as_str().into(),
            l.cluster.into(),
            l.tier.into(),
        ]);
    }
    t
}

/// `kde`: `year, x, density`, one row per grid point and year.
pub fn kde(k: &KdeResult) -> Table {
    let mut t = Table::new("kde", &["year", "x", "density"]);
    for g in &k.groups {
        for (x, f) in g.x.iter().zip(&g.density) {
            t.rows
                .push(vec![g.key.as_str().into(), (*x).into(), (*f).into()]);
        }
    }
    t
}

/// `disparity`: one row per series (the composite, then each dimension)
/// and year; with groups, the Theil and Dagum decompositions.
pub fn disparity(d: &DisparityAnalysis) -> Table {
    let grouped = d
        .composite
        .groups
        .first()
        .is_some_and(|g| g.dagum.is_some());
    let mut cols = vec!["series", "year", "n", "mean", "std", "cv", "theil", "gini"];
    if grouped {
        cols.extend([
            "theil_within",
            "theil_between",
            "dagum_within",
            "dagum_between",
            "dagum_transvariation",
        ]);
    }
    let mut t = Table::new("disparity", &cols);
    let series = std::iter::once(("composite", &d.composite))
        .chain(d.dimensions.0.iter().map(|(k, v)| (k.as_str(), v)));
    for (name, rep) in series {
        for g in &rep.groups {
            let mut r: Vec<Cell> = vec![
                name.into(),
                g.key.as_str().into(),
                g.n.into(),
                g.mean.into(),
                g.std.into(),
                g.cv.into(),
                g.theil.into(),
                g.gini.into(),
            ];
            if grouped {
                match (&g.theil_decomposition, &g.dagum) {
                    (Some(th), Some(dg)) => r.extend([
                        th.within.into(),
                        th.between.into(),
                        dg.within.into(),
                        dg.between.into(),
                        dg.transvariation.into(),
                    ]),
                    _ => r.extend(std::iter::repeat_n(Cell::Blank, 5)),
                }
            }
            t.rows.push(r);
        }
    }
    t
}

/// `grey`: `scope, region, dimension, grade, rank`: the grades of the
/// yearly means (scope `mean`), then each region's (scope `region`).
pub fn grey(g: &GreyAnalysis) -> Table {
    let mut t = Table::new("grey", &["scope", "region", "dimension", "grade", "rank"]);
    for x in g.mean.iter().flat_map(|m| &m.grades) {
        t.rows.push(vec![
            "mean".into(),
            Cell::Blank,
            x.column.as_str().into(),
            x.grade.into(),
            x.rank.into(),
        ]);
    }
    for r in &g.regions {
        for x in &r.result.grades {
            t.rows.push(vec![
                "region".into(),
                r.region.as_str().into(),
                x.column.as_str().into(),
                x.grade.into(),
                x.rank.into(),
            ]);
        }
    }
    t
}

/// `moran`: Moran's I of the composite per year, the columns of `rurban
/// moran`'s groups (`year` for the key; `p_sim` blank without permutations).
pub fn moran(m: &crate::spatial::MoranAnalysis) -> Table {
    let mut t = Table::new(
        "moran",
        &[
            "year",
            "n",
            "I",
            "expected",
            "variance_normal",
            "z_normal",
            "p_normal",
            "variance_random",
            "z_random",
            "p_random",
            "geary_c",
            "p_sim",
        ],
    );
    for g in &m.groups {
        t.rows.push(vec![
            g.key.as_str().into(),
            g.n.into(),
            g.i.into(),
            g.expected.into(),
            g.variance_normal.into(),
            g.z_normal.into(),
            g.p_normal.into(),
            g.variance_random.into(),
            g.z_random.into(),
            g.p_random.into(),
            g.geary_c.into(),
            g.p_sim.map_or(Cell::Blank, Cell::Num),
        ]);
    }
    t
}

/// `lisa`: the LISA of every region in every year, the columns of `rurban
/// moran --local`'s local results (`year` for the key; `p_sim` blank for an
/// island or without permutations; `significant` as `true`/`false`).
pub fn lisa(m: &crate::spatial::MoranAnalysis) -> Table {
    let mut t = Table::new(
        "lisa",
        &[
            "year",
            "region",
            "value",
            "lag",
            "I",
            "quadrant",
            "p_sim",
            "significant",
        ],
    );
    for l in &m.local {
        t.rows.push(vec![
            l.key.as_str().into(),
            l.region.as_str().into(),
            l.value.into(),
            l.lag.into(),
            l.i.into(),
            l.quadrant.as_str().into(),
            l.p_sim.map_or(Cell::Blank, Cell::Num),
            l.significant.to_string().into(),
        ]);
    }
    t
}

/// `gravity`: the centre of gravity of the composite per year (`lon`,
/// `lat`) and its move from the previous year (`distance_km`, `bearing`;
/// blank in the first year).
pub fn gravity(g: &rurban_geo::Gravity) -> Table {
    let mut t = Table::new("gravity", &["year", "lon", "lat", "distance_km", "bearing"]);
    for c in &g.groups {
        let mv = g.moves.iter().find(|m| m.to == c.key);
        t.rows.push(vec![
            c.key.as_str().into(),
            c.lon.into(),
            c.lat.into(),
            mv.map_or(Cell::Blank, |m| m.distance_km.into()),
            mv.map_or(Cell::Blank, |m| m.bearing.into()),
        ]);
    }
    t
}

/// `markov`: the transition counts and probabilities in long form, one row
/// per matrix cell: `chain` is `classic` for the classic chain and `lag 1`
/// .. `lag m` for the spatial chain's matrix of that lag class, `from` and
/// `to` are 1-based classes (1 = lowest).
pub fn markov(m: &rurban_spatial::markov::MarkovResult) -> Table {
    let mut t = Table::new("markov", &["chain", "from", "to", "count", "probability"]);
    let mut push = |chain: &str, counts: &[Vec<u64>], probs: &[Vec<f64>]| {
        for (a, row) in counts.iter().enumerate() {
            for (b, c) in row.iter().enumerate() {
                let p = probs.get(a).and_then(|r| r.get(b)).copied();
                t.rows.push(vec![
                    chain.into(),
                    (a + 1).into(),
                    (b + 1).into(),
                    (*c as i64).into(),
                    p.map_or(Cell::Blank, Cell::Num),
                ]);
            }
        }
    };
    push("classic", &m.counts, &m.probabilities);
    if let Some(sp) = &m.spatial {
        for (l, (c, p)) in sp.counts.iter().zip(&sp.probabilities).enumerate() {
            push(&format!("lag {}", l + 1), c, p);
        }
    }
    t
}

/// The spatial tables of a summary with a `spatial` object: `moran`,
/// `lisa`, `gravity` and `markov`, each when its result is there.
pub fn spatial(s: &crate::spatial::SpatialAnalysis) -> Vec<Table> {
    let mut out = Vec::new();
    if let Some(m) = &s.moran {
        out.push(moran(m));
        if !m.local.is_empty() {
            out.push(lisa(m));
        }
    }
    if let Some(g) = &s.gravity {
        out.push(gravity(g));
    }
    if let Some(m) = &s.markov {
        out.push(markov(m));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_text_is_display_with_blanks() {
        assert_eq!(Cell::Num(0.5).text(), "0.5");
        assert_eq!(Cell::Num(-2.0).text(), "-2");
        assert_eq!(Cell::Num(-0.0).text(), "-0");
        assert_eq!(Cell::Num(2.5e-8).text(), "0.000000025");
        assert_eq!(Cell::Num(0.1 + 0.2).text(), "0.30000000000000004");
        assert_eq!(Cell::Num(f64::NAN).text(), "");
        assert_eq!(Cell::Num(f64::NEG_INFINITY).text(), "");
        assert_eq!(Cell::Int(-42).text(), "-42");
        assert_eq!(Cell::Blank.text(), "");
        assert_eq!(Cell::Text("a,b".into()).text(), "a,b");
        // appended, not replaced
        let mut s = String::from("x=");
        Cell::Num(1e21).write_text(&mut s);
        assert_eq!(s, "x=1000000000000000000000");
    }
}
