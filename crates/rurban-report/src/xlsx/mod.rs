//! `results.xlsx`: the tables an Excel user works with, one table per
//! worksheet, written in constant memory (see [`sheet`]).
//!
//! The workbook holds the findings, the index system, the weights, the
//! scores with their ranks and the analysis tables; not the KDE grid (that
//! stays in `kde.csv`: the workbook has the KDE summary and peaks). Lists
//! are rows of numbers, never `a; b; c` text. The `weights`, `scores`
//! (its first columns), `grey` and spatial sheets are the very tables
//! `rurban run` writes as CSV.
//!
//! In another language than English the sheet names and header cells are
//! the catalogue's (see [`sheet`]) and the findings are written as the
//! report writes them, and the labels of the beta statistics too; the data
//! cells (region, dimension and indicator names and ids, codes such as
//! `benefit` or `HH`, numbers) and the run's warnings stay as the summary
//! has them.

mod names;
mod sheet;

use rurban_results::{Cell, Table, table};

use crate::ReportError;
use crate::charts::{beta_intercept, beta_points};
use crate::i18n::Lang;
use crate::model::{Disparity, Summary};
use sheet::{Book, Kind, Sheet};

fn text(s: &str) -> Cell {
    Cell::Text(s.to_string())
}

fn count(n: Option<usize>) -> Cell {
    n.map_or(Cell::Blank, Cell::from)
}

/// The workbook's bytes, in the language of `s`, the checked view of the
/// typed summary `typed`.
pub(crate) fn workbook(
    s: &Summary,
    typed: &rurban_results::Summary,
) -> Result<Vec<u8>, ReportError> {
    workbook_when_checked(typed, s.lang, || Some(s))?
        .ok_or_else(|| ReportError::Xlsx("the summary was not checked".into()))
}

/// The workbook's bytes in `lang`. In English its first sheets (findings,
/// index system, weights, scores: the typed summary alone) are written
/// before `checked` is asked for the checked view the others need, so that
/// the check can run meanwhile on another thread; in another language the
/// findings are rewritten from the checked view, which is asked for first.
/// `None` when `checked` gives no view.
pub(crate) fn workbook_when_checked<'s>(
    typed: &rurban_results::Summary,
    lang: Lang,
    checked: impl FnOnce() -> Option<&'s Summary>,
) -> Result<Option<Vec<u8>>, ReportError> {
    let mut book = Book::new(lang);
    let mut checked = Some(checked);
    let mut view = None;
    if let Some(f) = typed.findings.as_ref().filter(|f| !f.sentences.is_empty()) {
        if lang == Lang::En {
            book.add(numbered("findings", "finding", &f.sentences))?;
        } else {
            let Some(s) = checked.take().and_then(|c| c()) else {
                return Ok(None);
            };
            view = Some(s);
            let sentences = match &s.findings {
                Some(f) => crate::i18n::findings::sentences(s, f),
                None => f.sentences.clone(),
            };
            book.add(numbered("findings", "finding", &sentences))?;
        }
    }
    book.add(index_system(typed))?;
    if let Some(t) = table::weights(typed) {
        book.add(Sheet::from_table(t, &["weight", "entropy"]))?;
    }
    book.add(scores(typed, lang))?;
    let Some(s) = view.or_else(|| checked.take().and_then(|c| c())) else {
        return Ok(None);
    };
    if let Some(t) = tiers_table(s) {
        book.add(Sheet::from_table(t, &["mean_composite"]))?;
    }
    if let Some(k) = &s.analysis.kde {
        book.add(kde(k))?;
        book.add(kde_peaks(k))?;
    }
    if let Some(t) = disparity_table(s) {
        book.add(Sheet::from_table(t, &[]))?;
    }
    if let Some(c) = &s.analysis.convergence {
        convergence(&mut book, s, c)?;
    }
    if let Some(g) = typed.analysis.as_ref().and_then(|a| a.grey.as_ref()) {
        book.add(Sheet::from_table(table::grey(g), &["grade"]))?;
    }
    // moran, lisa, gravity, markov: the spatial tables (with [geo])
    if let Some(sp) = &typed.spatial {
        for t in table::spatial(sp) {
            book.add(Sheet::from_table(t, &[]))?;
        }
    }
    if !typed.coverage.is_empty() {
        book.add(Sheet::from_table(table::coverage(typed), &[]))?;
    }
    if !typed.imputed.is_empty() {
        book.add(imputed(typed))?;
    }
    // The run's warnings, and what the workbook had to leave out.
    let mut warnings = typed.warnings.clone();
    warnings.extend(book.notes().iter().cloned());
    if !warnings.is_empty() {
        book.add(numbered("warnings", "warning", &warnings))?;
    }
    book.finish().map(Some)
}

/// A list of sentences, one a row: `no, <what>`.
fn numbered<'a>(name: &str, what: &str, items: &'a [String]) -> Sheet<'a> {
    Sheet::new(
        name,
        &[("no", Kind::Int), (what, Kind::Text)],
        items
            .iter()
            .enumerate()
            .map(|(i, s)| vec![Cell::from(i + 1), text(s)]),
    )
}

/// `index_system`: every indicator with its dimension, names, direction,
/// unit and weight (with scope = year, the mean over the years).
fn index_system(s: &rurban_results::Summary) -> Sheet<'_> {
    Sheet::new(
        "index_system",
        &[
            ("dimension", Kind::Text),
            ("dimension_name", Kind::Text),
            ("indicator", Kind::Text),
            ("indicator_name", Kind::Text),
            ("direction", Kind::Text),
            ("unit", Kind::Text),
            ("weight", Kind::Fixed4),
        ],
        s.dimensions.iter().flat_map(|d| {
            d.indicators.iter().map(move |i| {
                vec![
                    text(&d.id),
                    text(d.label()),
                    text(&i.id),
                    text(i.label()),
                    text(&i.direction),
                    text(i.unit.as_deref().unwrap_or("")),
                    Cell::Num(i.weight),
                ]
            })
        }),
    )
}

/// `scores`: the columns of `scores.csv` (`region, year, composite`, one
/// per dimension), then the rank of the composite (`rank`) and of each
/// dimension (`<id>_rank`, in Chinese `<id>排名`) among the regions of the
/// same year. The dimensions' columns are headed by their ids in any
/// language. Streamed from the score columns, row by row.
fn scores(s: &rurban_results::Summary, lang: Lang) -> Sheet<'_> {
    let sc = &s.scores;
    let dims: Vec<(&str, Option<&[f64]>)> = s
        .dimensions
        .iter()
        .map(|d| (d.id.as_str(), sc.dimension(&d.id)))
        .collect();
    let rank_names: Vec<String> = dims
        .iter()
        .map(|(id, _)| lang.fill("xlsx.col.dim_rank", &[("id", id)]))
        .collect();
    let mut columns = vec![
        ("region", Kind::Text),
        ("year", Kind::Int),
        ("composite", Kind::Fixed4),
    ];
    columns.extend(dims.iter().map(|(id, _)| (*id, Kind::Fixed4)));
    columns.push(("rank", Kind::Int));
    columns.extend(rank_names.iter().map(|n| (n.as_str(), Kind::Int)));
    let mut ranks = vec![ranks_by_year(&sc.year, &sc.composite)];
    ranks.extend(
        dims.iter()
            .map(|(_, c)| c.map(|c| ranks_by_year(&sc.year, c)).unwrap_or_default()),
    );
    let nd = dims.len();
    let rows = (0..sc.len()).map(move |i| {
        let mut r = Vec::with_capacity(4 + 2 * dims.len());
        r.push(text(&sc.region[i]));
        r.push(Cell::Int(sc.year[i]));
        r.push(Cell::Num(sc.composite[i]));
        for (_, c) in &dims {
            r.push(Cell::Num(c.map_or(f64::NAN, |c| c[i])));
        }
        for rk in &ranks {
            r.push(match rk.get(i) {
                Some(&k) if k > 0 => Cell::Int(i64::from(k)),
                _ => Cell::Blank,
            });
        }
        r
    });
    // The ids and their rank columns: 3.. and 4 + nd..
    Sheet::new("scores", &columns, rows).verbatim((3..3 + nd).chain(4 + nd..4 + 2 * nd))
}

/// The rank of each `values[i]` among the values of the same `years[i]`:
/// 1 = highest, ties share the smallest rank (competition ranking); 0 for
/// a value that is not finite (no rank).
pub(crate) fn ranks_by_year(years: &[i64], values: &[f64]) -> Vec<u32> {
    let mut order: Vec<usize> = (0..values.len().min(years.len()))
        .filter(|&i| values[i].is_finite())
        .collect();
    order.sort_unstable_by(|&a, &b| {
        years[a]
            .cmp(&years[b])
            .then(values[b].total_cmp(&values[a]))
            .then(a.cmp(&b))
    });
    let mut ranks = vec![0u32; values.len()];
    let mut start = 0;
    while start < order.len() {
        let year = years[order[start]];
        let mut end = start;
        let mut rank = 1;
        while end < order.len() && years[order[end]] == year {
            let i = order[end];
            if end > start && values[i] != values[order[end - 1]] {
                rank = (end - start + 1) as u32;
            }
            ranks[i] = rank;
            end += 1;
        }
        start = end;
    }
    ranks
}

/// "tiers": each region's cluster, tier and mean composite, when clustered.
fn tiers_table(s: &Summary) -> Option<Table> {
    let labels = s.tiers()?;
    let means = s.region_mean();
    let index = crate::charts::region_index(&s.regions);
    let rows: Vec<Vec<Cell>> = labels
        .iter()
        .map(|l| {
            let m = index.get(l.label.as_str()).map_or(f64::NAN, |&r| means[r]);
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

/// "kde": the kernel density summary per year (the grid is in `kde.csv`).
fn kde(k: &crate::model::Kde) -> Sheet<'_> {
    Sheet::new(
        "kde",
        &[
            ("year", Kind::Key),
            ("n", Kind::Int),
            ("bandwidth", Kind::General),
            ("mode", Kind::Fixed4),
            ("peaks", Kind::Int),
            ("peak_height", Kind::General),
            ("spread", Kind::General),
        ],
        k.groups.iter().map(|g| {
            vec![
                text(&g.key),
                count(g.n),
                Cell::Num(g.bandwidth),
                Cell::Num(g.mode),
                Cell::from(g.peaks.len()),
                Cell::Num(g.peak_height),
                Cell::Num(g.spread),
            ]
        }),
    )
}

/// "kde_peaks": every peak of every year's density, one a row, highest
/// first as the summary lists them.
fn kde_peaks(k: &crate::model::Kde) -> Sheet<'_> {
    Sheet::new(
        "kde_peaks",
        &[
            ("year", Kind::Key),
            ("peak", Kind::Int),
            ("x", Kind::Fixed4),
            ("density", Kind::General),
        ],
        k.groups.iter().flat_map(|g| {
            g.peaks.iter().enumerate().map(|(i, (x, f))| {
                vec![
                    text(&g.key),
                    Cell::from(i + 1),
                    Cell::Num(*x),
                    Cell::Num(*f),
                ]
            })
        }),
    )
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
                text(&g.key),
                count(g.n),
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

/// The convergence tables, one a sheet: "convergence_beta" (the beta
/// statistics, one a row), "convergence_sigma" (the CV per year) and
/// "convergence_points" (each region's point of the beta regression).
fn convergence(
    book: &mut Book,
    s: &Summary,
    c: &crate::model::Convergence,
) -> Result<(), ReportError> {
    let (pts, t0, t1) = beta_points(s);
    let opt = |v: Option<f64>| v.map_or(Cell::Blank, Cell::Num);
    let line = c
        .beta
        .as_ref()
        .filter(|_| pts.len() >= 2)
        .map(|b| (beta_intercept(b, &pts).0, b.b));
    if let Some(b) = &c.beta {
        let a = line.map_or(b.a.unwrap_or(f64::NAN), |l| l.0);
        // The statistics' labels in the workbook's language (`xlsx.stat.*`).
        let l = book.lang();
        let label = |name: &str| {
            Cell::Text(
                l.opt(&format!("xlsx.stat.{name}"))
                    .unwrap_or(name)
                    .to_string(),
            )
        };
        let stats = vec![
            vec![label("b"), Cell::Num(b.b)],
            vec![label("a"), Cell::Num(a)],
            vec![label("se"), opt(b.se)],
            vec![label("t"), opt(b.t)],
            vec![label("p"), opt(b.p)],
            vec![label("r2"), opt(b.r2)],
            vec![label("lambda"), opt(b.lambda)],
            vec![label("half_life"), opt(b.half_life)],
            vec![label("n"), b.n.map_or(Cell::Blank, |n| Cell::Int(n as i64))],
            vec![label("first_year"), Cell::Int(t0)],
            vec![label("last_year"), Cell::Int(t1)],
        ];
        book.add(Sheet::new(
            "convergence_beta",
            &[("statistic", Kind::Text), ("value", Kind::General)],
            stats.into_iter(),
        ))?;
    }
    book.add(Sheet::new(
        "convergence_sigma",
        &[("year", Kind::Int), ("sigma_cv", Kind::General)],
        c.sigma
            .iter()
            .map(|(y, v)| vec![Cell::Int(*y), Cell::Num(*v)]),
    ))?;
    if !pts.is_empty() {
        book.add(Sheet::new(
            "convergence_points",
            &[
                ("region", Kind::Text),
                ("ln_x0", Kind::General),
                ("growth", Kind::General),
                ("fitted", Kind::General),
            ],
            pts.iter().map(|&(r, lx, g)| {
                vec![
                    text(&s.regions[r]),
                    Cell::Num(lx),
                    Cell::Num(g),
                    line.map_or(Cell::Blank, |(a, b)| Cell::Num(a + b * lx)),
                ]
            }),
        ))?;
    }
    Ok(())
}

/// "imputed": every cell filled by imputation.
fn imputed(s: &rurban_results::Summary) -> Sheet<'_> {
    Sheet::new(
        "imputed",
        &[
            ("region", Kind::Text),
            ("year", Kind::Int),
            ("indicator", Kind::Text),
            ("value", Kind::General),
            ("method", Kind::Text),
        ],
        s.imputed.iter().map(|c| {
            vec![
                text(&c.region),
                Cell::Int(c.year),
                text(&c.indicator),
                Cell::Num(c.value),
                text(&c.method),
            ]
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::ranks_by_year;

    #[test]
    fn ranks_within_each_year_ties_share_the_smallest() {
        let years = [2020, 2020, 2020, 2020, 2021, 2021, 2021];
        let values = [0.5, 0.9, 0.5, f64::NAN, 0.1, 0.3, 0.2];
        assert_eq!(ranks_by_year(&years, &values), [2, 1, 2, 0, 3, 1, 2]);
        // Rows of a year need not be adjacent.
        let years = [1, 2, 1, 2, 1];
        let values = [3.0, 1.0, 3.0, 2.0, 4.0];
        assert_eq!(ranks_by_year(&years, &values), [2, 2, 2, 1, 1]);
        assert!(ranks_by_year(&[], &[]).is_empty());
    }
}
