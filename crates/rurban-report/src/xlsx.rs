//! `results.xlsx`: one worksheet per table, bold frozen header row, numbers
//! as numbers (a value that is not finite is left blank).
//!
//! Sheets are `rurban_results::Table`s: the scores and grey sheets are the
//! very tables `rurban run` writes as CSV; the others add what a reader of
//! the workbook wants beside the numbers (names, units, summaries per year).

use rurban_results::{Cell, Table, table};
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use crate::ReportError;
use crate::charts::{beta_points, key_year};
use crate::model::{Disparity, Summary};

fn text(s: &str) -> Cell {
    Cell::Text(s.to_string())
}

/// A year-like key as a whole number when it is one.
fn key_cell(k: &str) -> Cell {
    match key_year(k) {
        Some(y) if y.fract() == 0.0 => Cell::Int(y as i64),
        _ => text(k),
    }
}

fn xerr(e: XlsxError) -> ReportError {
    ReportError::Xlsx(e.to_string())
}

/// Writes a block of columns starting at column `col0`: header in row 0, data below.
fn block(
    ws: &mut Worksheet,
    bold: &Format,
    col0: u16,
    headers: &[&str],
    rows: &[Vec<Cell>],
) -> Result<(), ReportError> {
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, col0 + c as u16, *h, bold)
            .map_err(xerr)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let c = col0 + c as u16;
            match cell {
                Cell::Num(v) if v.is_finite() => {
                    ws.write_number(r, c, *v).map_err(xerr)?;
                }
                Cell::Int(v) => {
                    ws.write_number(r, c, *v as f64).map_err(xerr)?;
                }
                Cell::Text(s) => {
                    ws.write_string(r, c, s).map_err(xerr)?;
                }
                Cell::Num(_) | Cell::Blank => {}
            }
        }
    }
    Ok(())
}

fn sheet<'a>(wb: &'a mut Workbook, name: &str) -> Result<&'a mut Worksheet, ReportError> {
    let ws = wb.add_worksheet();
    ws.set_name(name).map_err(xerr)?;
    ws.set_freeze_panes(1, 0).map_err(xerr)?;
    Ok(ws)
}

/// A table as one worksheet named after it.
fn table_sheet(wb: &mut Workbook, bold: &Format, t: &Table) -> Result<(), ReportError> {
    let ws = sheet(wb, &t.name)?;
    let headers: Vec<&str> = t.columns.iter().map(String::as_str).collect();
    block(ws, bold, 0, &headers, &t.rows)?;
    ws.autofit();
    Ok(())
}

/// The workbook's bytes: `s` is the checked view of the typed summary `typed`.
pub(crate) fn workbook(
    s: &Summary,
    typed: &rurban_results::Summary,
) -> Result<Vec<u8>, ReportError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    table_sheet(&mut wb, &bold, &weights_table(s))?;
    // scores: the table of scores.csv
    table_sheet(&mut wb, &bold, &table::scores(typed))?;
    for t in [tiers_table(s), kde_table(s), disparity_table(s)]
        .into_iter()
        .flatten()
    {
        table_sheet(&mut wb, &bold, &t)?;
    }
    if let Some(c) = &s.analysis.convergence {
        convergence_sheet(&mut wb, &bold, s, c)?;
    }
    // grey: the table of grey.csv
    if let Some(g) = typed.analysis.as_ref().and_then(|a| a.grey.as_ref()) {
        table_sheet(&mut wb, &bold, &table::grey(g))?;
    }
    // moran, lisa, gravity, markov: the spatial tables (with [geo])
    if let Some(sp) = &typed.spatial {
        for t in table::spatial(sp) {
            table_sheet(&mut wb, &bold, &t)?;
        }
    }
    wb.save_to_buffer().map_err(xerr)
}

/// "weights": every indicator with its dimension, direction, unit and
/// weight (one set per year when the weights vary by year).
fn weights_table(s: &Summary) -> Table {
    let yearly = !s.year_weights.is_empty();
    let mut rows = Vec::new();
    let mut headers = Vec::new();
    if yearly {
        headers.push("year");
    }
    headers.extend([
        "dimension",
        "dimension_name",
        "indicator",
        "indicator_name",
        "direction",
        "unit",
        "weight",
    ]);
    let sets: Vec<Option<&crate::model::YearWeights>> = if yearly {
        s.year_weights.iter().map(Some).collect()
    } else {
        vec![None]
    };
    for set in sets {
        for dim in &s.dimensions {
            for ind in &dim.indicators {
                let mut row = Vec::new();
                let w = match set {
                    Some(y) => {
                        row.push(Cell::Int(y.year));
                        y.weights.get(&ind.id).copied().unwrap_or(f64::NAN)
                    }
                    None => ind.weight,
                };
                row.extend([
                    text(&dim.id),
                    text(&dim.name),
                    text(&ind.id),
                    text(&ind.name),
                    text(&ind.direction),
                    text(&ind.unit),
                    Cell::Num(w),
                ]);
                rows.push(row);
            }
        }
    }
    let mut t = Table::new("weights", &headers);
    t.rows = rows;
    t
}

/// "tiers": each region's cluster, tier and mean composite, when clustered.
fn tiers_table(s: &Summary) -> Option<Table> {
    let labels = s.tiers()?;
    let means = s.region_mean();
    let rows: Vec<Vec<Cell>> = labels
        .iter()
        .map(|l| {
            let m = s
                .regions
                .iter()
                .position(|r| r == &l.label)
                .map(|r| means[r])
                .unwrap_or(f64::NAN);
            vec![
                text(&l.label),
                Cell::Int(l.cluster),
                Cell::Int(l.tier),
                Cell::Num(m),
            ]
        })
        .collect();
    let mut t = Table::new("tiers", &["region", "cluster", "tier", "mean_composite"]);
    t.rows = rows;
    Some(t)
}

/// "kde": the kernel density summary per year.
fn kde_table(s: &Summary) -> Option<Table> {
    let k = s.analysis.kde.as_ref()?;
    let rows: Vec<Vec<Cell>> = k
        .groups
        .iter()
        .map(|g| {
            let xs: Vec<String> = g.peaks.iter().map(|p| format!("{}", p.0)).collect();
            vec![
                key_cell(&g.key),
                g.n.map(|n| Cell::Int(n as i64)).unwrap_or(Cell::Blank),
                Cell::Num(g.bandwidth),
                Cell::Num(g.mode),
                Cell::Int(g.peaks.len() as i64),
                Cell::Num(g.peak_height),
                Cell::Num(g.spread),
                Cell::Text(xs.join("; ")),
            ]
        })
        .collect();
    let mut t = Table::new(
        "kde",
        &[
            "year",
            "n",
            "bandwidth",
            "mode",
            "peaks",
            "peak_height",
            "spread",
            "peak_x",
        ],
    );
    t.rows = rows;
    Some(t)
}

/// "disparity": the disparity measures of the composite and of each
/// dimension per year, with the Theil and Dagum decompositions when present.
fn disparity_table(s: &Summary) -> Option<Table> {
    if s.analysis.disparity_composite.is_none() && s.analysis.disparity_dimensions.is_empty() {
        return None;
    }
    let mut series: Vec<(&str, &Disparity)> = Vec::new();
    if let Some(d) = &s.analysis.disparity_composite {
        series.push(("composite", d));
    }
    for (id, d) in &s.analysis.disparity_dimensions {
        series.push((id.as_str(), d));
    }
    let theil = series
        .iter()
        .any(|(_, d)| d.groups.iter().any(|g| g.theil_decomposition.is_some()));
    let dagum = series
        .iter()
        .any(|(_, d)| d.groups.iter().any(|g| g.dagum.is_some()));
    let mut headers = vec!["series", "year", "n", "mean", "std", "cv", "theil", "gini"];
    if theil {
        headers.extend(["theil_within", "theil_between"]);
    }
    if dagum {
        headers.extend([
            "dagum_total",
            "dagum_within",
            "dagum_between",
            "dagum_transvariation",
        ]);
    }
    let mut rows = Vec::new();
    for (name, d) in series {
        for g in &d.groups {
            let mut row = vec![
                text(name),
                key_cell(&g.key),
                g.n.map(|n| Cell::Int(n as i64)).unwrap_or(Cell::Blank),
                Cell::Num(g.mean),
                Cell::Num(g.std),
                Cell::Num(g.cv),
                Cell::Num(g.theil),
                Cell::Num(g.gini),
            ];
            if theil {
                let (w, b) = g.theil_decomposition.unwrap_or((f64::NAN, f64::NAN));
                row.extend([Cell::Num(w), Cell::Num(b)]);
            }
            if dagum {
                match &g.dagum {
                    Some(dg) => row.extend([
                        Cell::Num(dg.total),
                        Cell::Num(dg.within),
                        Cell::Num(dg.between),
                        Cell::Num(dg.transvariation),
                    ]),
                    None => row.extend([Cell::Blank, Cell::Blank, Cell::Blank, Cell::Blank]),
                }
            }
            rows.push(row);
        }
    }
    let mut t = Table::new("disparity", &headers);
    t.rows = rows;
    Some(t)
}

/// "convergence": beta statistics | sigma by year | the points of the beta
/// regression, side by side.
fn convergence_sheet(
    wb: &mut Workbook,
    bold: &Format,
    s: &Summary,
    c: &crate::model::Convergence,
) -> Result<(), ReportError> {
    let mut stats: Vec<Vec<Cell>> = Vec::new();
    let (pts, t0, t1) = beta_points(s);
    if let Some(b) = &c.beta {
        let opt = |v: Option<f64>| v.map(Cell::Num).unwrap_or(Cell::Blank);
        let (a, _) = if pts.len() >= 2 {
            crate::charts::beta_intercept(b, &pts)
        } else {
            (b.a.unwrap_or(f64::NAN), false)
        };
        stats = vec![
            vec![text("b"), Cell::Num(b.b)],
            vec![text("a"), Cell::Num(a)],
            vec![text("se"), opt(b.se)],
            vec![text("t"), opt(b.t)],
            vec![text("p"), opt(b.p)],
            vec![text("r2"), opt(b.r2)],
            vec![text("lambda"), opt(b.lambda)],
            vec![text("half_life"), opt(b.half_life)],
            vec![
                text("n"),
                b.n.map(|n| Cell::Int(n as i64)).unwrap_or(Cell::Blank),
            ],
            vec![text("first_year"), Cell::Int(t0)],
            vec![text("last_year"), Cell::Int(t1)],
        ];
    }
    let sigma: Vec<Vec<Cell>> = c
        .sigma
        .iter()
        .map(|(y, v)| vec![Cell::Int(*y), Cell::Num(*v)])
        .collect();
    let line = c
        .beta
        .as_ref()
        .filter(|_| pts.len() >= 2)
        .map(|b| (crate::charts::beta_intercept(b, &pts).0, b.b));
    let points: Vec<Vec<Cell>> = pts
        .iter()
        .map(|&(r, lx, g)| {
            vec![
                text(&s.regions[r]),
                Cell::Num(lx),
                Cell::Num(g),
                line.map(|(a, b)| Cell::Num(a + b * lx))
                    .unwrap_or(Cell::Blank),
            ]
        })
        .collect();
    let ws = sheet(wb, "convergence")?;
    block(ws, bold, 0, &["statistic", "value"], &stats)?;
    block(ws, bold, 3, &["year", "sigma_cv"], &sigma)?;
    block(
        ws,
        bold,
        6,
        &["region", "ln_x0", "growth", "fitted"],
        &points,
    )?;
    ws.autofit();
    Ok(())
}
