//! Charts of relations: beta convergence, grey relational grades, the
//! cluster dendrogram.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::{Axis, Chart, Figure, figure, mesh};
use crate::ReportError;
use crate::draw::{
    Area, DrawResult, INK, LegendItem, MUTED, NEUTRAL, begin, category_colour, end, font, legend,
    padded, render, text, text_width, tier_colour,
};
use crate::fmt::{decimals_for, fx, pval};
use crate::i18n::Lang;
use crate::model::{Beta, Cluster, ClusterLabel, Grey, Merge, Summary};

const WIDTH: u32 = 920;

/// Beta regression points: (region index, ln x0, g) for every region with a
/// positive composite in the first and the last year, where
/// `g = ln(x_T / x_0) / (T - t0)`. Also returns `(t0, T)`.
pub(crate) fn beta_points(s: &Summary) -> (Vec<(usize, f64, f64)>, i64, i64) {
    let ny = s.years.len();
    let (t0, t1) = (s.years[0], s.years[ny - 1]);
    let span = (t1 - t0) as f64;
    let mut pts = Vec::new();
    if span <= 0.0 {
        return (pts, t0, t1);
    }
    for (r, row) in s.composite.iter().enumerate() {
        let (x0, x1) = (row[0], row[ny - 1]);
        if x0.is_finite() && x1.is_finite() && x0 > 0.0 && x1 > 0.0 {
            pts.push((r, x0.ln(), (x1 / x0).ln() / span));
        }
    }
    (pts, t0, t1)
}

/// The intercept of the beta line: the summary's, else the OLS intercept for
/// the given slope, `a = mean(g) - b mean(ln x0)`. Returns (a, computed here).
pub(crate) fn beta_intercept(beta: &Beta, pts: &[(usize, f64, f64)]) -> (f64, bool) {
    if let Some(a) = beta.a.filter(|a| a.is_finite()) {
        return (a, false);
    }
    let n = pts.len() as f64;
    let mx = pts.iter().map(|p| p.1).sum::<f64>() / n;
    let my = pts.iter().map(|p| p.2).sum::<f64>() / n;
    (my - beta.b * mx, true)
}

/// What the beta-convergence chart shows.
#[derive(Debug, Clone)]
pub(crate) struct BetaData<'a> {
    /// One point per region: (name, ln x0, g).
    pub points: Vec<(&'a str, f64, f64)>,
    /// First and last year.
    pub t0: i64,
    /// See `t0`.
    pub t1: i64,
    /// Intercept of the line.
    pub a: f64,
    /// `a` was computed from the points (the summary has none).
    pub a_computed: bool,
    /// The regression as the summary states it (slope, se, t, p, ...).
    pub stats: &'a Beta,
}

/// The beta-convergence points and line of a summary; None when fewer than
/// 2 regions have a positive score in both end years.
pub(crate) fn beta_data<'a>(s: &'a Summary, beta: &'a Beta) -> Option<BetaData<'a>> {
    let (pts, t0, t1) = beta_points(s);
    if pts.len() < 2 {
        return None;
    }
    let (a, a_computed) = beta_intercept(beta, &pts);
    Some(BetaData {
        points: pts
            .iter()
            .map(|&(r, x, g)| (s.regions[r].as_str(), x, g))
            .collect(),
        t0,
        t1,
        a,
        a_computed,
        stats: beta,
    })
}

/// The caption of the beta chart; `unlabelled` dots had no room for their name.
pub(crate) fn beta_caption(d: &BetaData, unlabelled: usize, l: Lang) -> String {
    let (t0, t1, b, beta) = (d.t0, d.t1, d.stats.b, d.stats);
    let mut caption = l.fill(
        "beta.cap",
        &[
            ("t0", &t0),
            ("t1", &t1),
            ("span", &(t1 - t0)),
            ("b", &fx(b, 4)),
        ],
    );
    let mut stats = Vec::new();
    if let Some(se) = beta.se {
        stats.push(format!("se {}", fx(se, 4)));
    }
    if let Some(t) = beta.t {
        stats.push(format!("t {}", fx(t, 2)));
    }
    if let Some(p) = beta.p {
        stats.push(format!("p {}", pval(p)));
    }
    if !stats.is_empty() {
        caption.push_str(&format!(" ({})", stats.join(", ")));
    }
    caption.push_str(&l.fill("beta.cap.a", &[("a", &fx(d.a, 4))]));
    if d.a_computed {
        caption.push_str(l.t("beta.cap.a_computed"));
    }
    let comma = l.t("sep.comma");
    if let Some(r2) = beta.r2 {
        caption.push_str(&format!("{comma}R² = {}", fx(r2, 3)));
    }
    caption.push_str(&format!("{comma}n = {}", beta.n.unwrap_or(d.points.len())));
    caption.push_str(l.t("sep.sentence"));
    match (beta.lambda, beta.half_life) {
        (Some(lambda), Some(h)) if b < 0.0 => caption.push_str(&l.fill(
            "beta.cap.converge_speed",
            &[("lambda", &fx(lambda, 4)), ("half", &fx(h, 1))],
        )),
        _ if b < 0.0 => caption.push_str(l.t("beta.cap.converge")),
        _ => caption.push_str(l.t("beta.cap.none")),
    }
    match unlabelled {
        0 => {}
        k => caption.push_str(&l.fill("beta.cap.unlabelled", &[("k", &k), ("n", &d.points.len())])),
    }
    caption
}

/// The beta chart as SVG, with the number of dots left unnamed for lack of
/// room.
pub(crate) fn beta_svg(d: &BetaData, l: Lang) -> Result<(String, usize), ReportError> {
    let (a, b, t0, t1) = (d.a, d.stats.b, d.t0, d.t1);
    let pts = &d.points;
    let (xlo, xhi) = padded(pts.iter().map(|p| p.1), 0.08);
    let line = |x: f64| a + b * x;
    let (ylo, yhi) = padded(
        pts.iter()
            .map(|p| p.2)
            .chain([line(xlo), line(xhi)].into_iter().filter(|v| v.is_finite())),
        0.08,
    );
    let xdec = decimals_for(xhi - xlo);
    let ydec = decimals_for(yhi - ylo);
    let xfmt = move |v: &f64| fx(*v, xdec);
    let yfmt = move |v: &f64| fx(*v, ydec);
    let unlabelled = std::cell::Cell::new(0usize);
    let svg = render("fig-beta", l.t("beta.title"), (WIDTH, 460), |root| {
        legend(root, &beta_legend(a, b, l), (80, 10), WIDTH as i32 - 100)?;
        let mut chart = ChartBuilder::on(root)
            .margin_top(40)
            .margin_right(36)
            .margin_left(4)
            .x_label_area_size(48)
            .y_label_area_size(74)
            .build_cartesian_2d(xlo..xhi, ylo..yhi)?;
        let x = Axis {
            desc: l.fill("axis.beta_x", &[("t0", &t0)]),
            labels: 9,
            grid: true,
            fmt: &xfmt,
        };
        let y = Axis {
            desc: l.fill("axis.beta_y", &[("t0", &t0), ("t1", &t1)]),
            labels: 7,
            grid: true,
            fmt: &yfmt,
        };
        mesh(root, &mut chart, &x, &y)?;
        begin(root, "fit")?;
        chart.draw_series(LineSeries::new(
            vec![(xlo, line(xlo)), (xhi, line(xhi))],
            category_colour(5).stroke_width(2),
        ))?;
        end(root)?;
        begin(root, "points")?;
        chart.draw_series(
            pts.iter()
                .map(|p| Circle::new((p.1, p.2), 5, category_colour(0).mix(0.85).filled())),
        )?;
        end(root)?;
        unlabelled.set(beta_labels(root, &chart, pts)?);
        Ok(())
    })?;
    Ok((svg, unlabelled.get()))
}

/// The legend of the beta chart: the dots and the fitted line.
fn beta_legend(a: f64, b: f64, l: Lang) -> [LegendItem; 2] {
    [
        LegendItem {
            label: l.t("beta.legend_region").into(),
            colour: category_colour(0),
            line: false,
        },
        LegendItem {
            label: l.fill(
                "beta.legend_fit",
                &[(
                    "eq",
                    &format!(
                        "g = {} {} {}·ln x0",
                        fx(a, 4),
                        if b < 0.0 { "−" } else { "+" },
                        fx(b.abs(), 4)
                    ),
                )],
            ),
            colour: category_colour(5),
            line: true,
        },
    ]
}

/// Layer `labels`: region names beside their dots where there is room, the
/// extremes of the initial level first. Returns how many got no name.
fn beta_labels(
    root: &Area,
    chart: &Chart,
    pts: &[(&str, f64, f64)],
) -> Result<usize, Box<dyn std::error::Error>> {
    let mx = pts.iter().map(|p| p.1).sum::<f64>() / pts.len() as f64;
    let mut priority: Vec<usize> = (0..pts.len()).collect();
    priority.sort_by(|&i, &j| {
        (pts[j].1 - mx)
            .abs()
            .total_cmp(&(pts[i].1 - mx).abs())
            .then(i.cmp(&j))
    });
    begin(root, "labels")?;
    let (xr, yr) = chart.plotting_area().get_pixel_range();
    let centres: Vec<(i32, i32)> = pts
        .iter()
        .map(|p| chart.backend_coord(&(p.1, p.2)))
        .collect();
    let boxes = place_labels(
        &centres,
        &priority,
        |i| (text_width(pts[i].0, 11.0).ceil() as i32, 12),
        (xr.start, yr.start, xr.end, yr.end),
    );
    let mut unlabelled = 0;
    for (i, b) in boxes.iter().enumerate() {
        match b {
            Some((x, y)) => text(
                root,
                pts[i].0,
                (*x, *y),
                &font(11.0).color(&MUTED),
                HPos::Left,
                VPos::Top,
            )?,
            None => unlabelled += 1,
        }
    }
    end(root)?;
    Ok(unlabelled)
}

/// Initial level against growth with the fitted line (fig-beta). None when
/// fewer than 2 regions have a positive score in both end years.
pub(crate) fn beta(s: &Summary, beta: &Beta) -> Result<Option<Figure>, ReportError> {
    let l = s.lang;
    let Some(d) = beta_data(s, beta) else {
        return Ok(None);
    };
    let (svg, unlabelled) = beta_svg(&d, l)?;
    Ok(Some(Figure {
        id: "fig-beta",
        title: l.t("beta.title").into(),
        svg,
        caption: beta_caption(&d, unlabelled, l),
    }))
}

/// Places point labels (pixel boxes `w x h`) next to their points without
/// overlapping each other, any point (a 10 x 10 box around each centre) or the
/// plot frame `(x0, y0, x1, y1)`. Points are tried in `priority` order; each
/// gets the first free spot of eight around it, or None. Returns the top-left
/// corner of each label.
pub(crate) fn place_labels(
    centres: &[(i32, i32)],
    priority: &[usize],
    size: impl Fn(usize) -> (i32, i32),
    (x0, y0, x1, y1): (i32, i32, i32, i32),
) -> Vec<Option<(i32, i32)>> {
    type Box4 = (i32, i32, i32, i32);
    let overlaps = |a: &Box4, b: &Box4| a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3;
    let dots: Vec<Box4> = centres
        .iter()
        .map(|&(x, y)| (x - 5, y - 5, x + 5, y + 5))
        .collect();
    let mut placed: Vec<Box4> = Vec::new();
    let mut out = vec![None; centres.len()];
    for &i in priority {
        let (px, py) = centres[i];
        let (w, h) = size(i);
        let candidates = [
            (px + 7, py - h - 1),
            (px + 7, py + 1),
            (px - 7 - w, py - h - 1),
            (px - 7 - w, py + 1),
            (px + 8, py - h / 2),
            (px - 8 - w, py - h / 2),
            (px - w / 2, py - h - 7),
            (px - w / 2, py + 7),
        ];
        for (x, y) in candidates {
            let b = (x, y, x + w, y + h);
            let inside = b.0 >= x0 && b.1 >= y0 && b.2 <= x1 && b.3 <= y1;
            if inside
                && !placed.iter().any(|p| overlaps(p, &b))
                && !dots.iter().any(|d| overlaps(d, &b))
            {
                placed.push(b);
                out[i] = Some((x, y));
                break;
            }
        }
    }
    out
}

/// One bar of the grey chart.
#[derive(Debug, Clone)]
pub(crate) struct GreyRow<'a> {
    /// Dimension name.
    pub name: &'a str,
    /// Grey relational grade.
    pub grade: f64,
    /// Rank (1 = closest to the composite).
    pub rank: i64,
    /// Index of the dimension (its colour), if known.
    pub dim: Option<usize>,
}

/// What the grey chart shows.
#[derive(Debug, Clone)]
pub(crate) struct GreyData<'a> {
    /// Bars by rank, then grade (highest first).
    pub rows: Vec<GreyRow<'a>>,
    /// Normalisation of the series.
    pub normalization: String,
    /// Distinguishing coefficient, if stated.
    pub rho: Option<f64>,
}

/// The grey relational grades of a summary, ranked.
pub(crate) fn grey_data<'a>(s: &'a Summary, g: &'a Grey) -> GreyData<'a> {
    let mut rows: Vec<(usize, GreyRow)> = g
        .grades
        .iter()
        .enumerate()
        .map(|(i, (c, grade, rank))| {
            let row = GreyRow {
                name: s.dim_name(c),
                grade: *grade,
                rank: *rank,
                dim: s.dimensions.iter().position(|d| d.id == *c),
            };
            (i, row)
        })
        .collect();
    rows.sort_by(|(i, a), (j, b)| {
        a.rank
            .cmp(&b.rank)
            .then(b.grade.total_cmp(&a.grade))
            .then(i.cmp(j))
    });
    GreyData {
        rows: rows.into_iter().map(|r| r.1).collect(),
        normalization: g.normalization.clone().unwrap_or_else(|| "mean".into()),
        rho: g.rho,
    }
}

/// The caption of the grey chart.
pub(crate) fn grey_caption(d: &GreyData, l: Lang) -> String {
    let mut caption = l.fill(
        "grey.cap",
        &[
            ("norm", &l.method_name(&d.normalization)),
            (
                "rho",
                &d.rho.map(|r| fx(r, 2)).unwrap_or_else(|| "0.5".into()),
            ),
        ],
    );
    caption.push_str(
        &d.rows
            .iter()
            .map(|r| format!("{}. {} {}", r.rank, r.name, fx(r.grade, 3)))
            .collect::<Vec<_>>()
            .join(l.t("sep.clause")),
    );
    caption.push_str(l.t("figure.stop"));
    caption
}

/// The label of a grey bar: rank and name.
fn grey_label(r: &GreyRow) -> String {
    format!("{}. {}", r.rank, r.name)
}

/// The grey chart as SVG.
pub(crate) fn grey_svg(d: &GreyData, l: Lang) -> Result<String, ReportError> {
    let rows = &d.rows;
    let n = rows.len();
    let lab_px = 12.0;
    let left = (rows
        .iter()
        .map(|r| text_width(&grey_label(r), lab_px))
        .fold(60.0, f64::max)
        + 22.0)
        .ceil() as u32;
    let height = n as u32 * 34 + 18 + 52;
    let xfmt = |v: &f64| fx(*v, 1);
    render("fig-grey", l.t("grey.title"), (WIDTH, height), |root| {
        let mut chart = ChartBuilder::on(root)
            .margin_top(18)
            .margin_right(40)
            .margin_left(0)
            .x_label_area_size(48)
            .y_label_area_size(left)
            .build_cartesian_2d(0.0..1.0, -0.5..(n as f64 - 0.5))?;
        let x = Axis {
            desc: l.t("axis.grey").into(),
            labels: 11,
            grid: true,
            fmt: &xfmt,
        };
        let y = Axis::hidden();
        mesh(root, &mut chart, &x, &y)?;
        let row = |k: usize| (n - 1 - k) as f64;
        let length = |r: &GreyRow| if r.grade.is_finite() { r.grade } else { 0.0 };
        begin(root, "bars")?;
        for (k, r) in rows.iter().enumerate() {
            let c = r.dim.map(category_colour).unwrap_or(NEUTRAL);
            chart.draw_series(std::iter::once(Rectangle::new(
                [(0.0, row(k) - 0.3), (length(r), row(k) + 0.3)],
                c.filled(),
            )))?;
        }
        end(root)?;
        begin(root, "labels")?;
        let (xr, _) = chart.plotting_area().get_pixel_range();
        for (k, r) in rows.iter().enumerate() {
            let (bx, py) = chart.backend_coord(&(length(r), row(k)));
            text(
                root,
                &grey_label(r),
                (xr.start - 8, py),
                &font(lab_px),
                HPos::Right,
                VPos::Center,
            )?;
            text(
                root,
                &fx(r.grade, 3),
                (bx + 5, py),
                &font(11.0).color(&MUTED),
                HPos::Left,
                VPos::Center,
            )?;
        }
        end(root)?;
        Ok(())
    })
}

/// Grey relational grades of the dimensions, ranked (fig-grey).
pub(crate) fn grey(s: &Summary, g: &Grey) -> Result<Figure, ReportError> {
    let l = s.lang;
    figure(
        "fig-grey",
        l.t("grey.title"),
        &grey_data(s, g),
        |d| grey_svg(d, l),
        |d| grey_caption(d, l),
    )
}

/// Leaf order of a SciPy linkage as `scipy.cluster.hierarchy.dendrogram`
/// draws it (no sorting): from the root, the first merged cluster `a` before
/// the second `b`.
pub(crate) fn leaf_order(merges: &[Merge], n: usize) -> Vec<usize> {
    if n == 0 {
        return Vec::new();
    }
    if merges.is_empty() {
        return (0..n).collect();
    }
    let mut out = Vec::with_capacity(n);
    let mut stack = vec![n + merges.len() - 1];
    while let Some(node) = stack.pop() {
        if node < n {
            out.push(node);
        } else {
            let m = merges[node - n];
            stack.push(m.b);
            stack.push(m.a);
        }
    }
    out
}

/// What the dendrogram shows.
#[derive(Debug, Clone)]
pub(crate) struct DendrogramData<'a> {
    /// The leaves (regions) with cluster and tier.
    pub labels: &'a [ClusterLabel],
    /// SciPy linkage rows (at least one).
    pub merges: &'a [Merge],
    /// Linkage method.
    pub method: String,
    /// Leaves from the top: node ids (regions, or with a truncated tree
    /// also merged clusters drawn as one leaf).
    pub order: Vec<usize>,
    /// Merges before this index are contracted into the leaves (0: the
    /// whole tree); see [`truncated_leaves`].
    pub first_merge: usize,
    /// Number of regions under every node.
    pub size: Vec<usize>,
    /// Vertical position of every node (leaves, then merges).
    pub pos: Vec<f64>,
    /// Merge height of every node (0 for leaves).
    pub height: Vec<f64>,
    /// Tier of every node: Some(t) when all its leaves share tier t.
    pub tier: Vec<Option<i64>>,
    /// Tallest merge (at least 1e-12).
    pub hmax: f64,
    /// Number of clusters.
    pub k: usize,
    /// Height of the cut into `k` clusters, if there is one.
    pub cut: Option<f64>,
    /// Per tier, ascending: (tier, members, mean composite of the members).
    pub tiers: Vec<(i64, usize, f64)>,
}

/// The tree of a hierarchical clustering; None for k-means (no merges).
pub(crate) fn dendrogram_data<'a>(s: &Summary, c: &'a Cluster) -> Option<DendrogramData<'a>> {
    let merges = c.merges.as_ref().filter(|m| !m.is_empty())?;
    let labels: &[ClusterLabel] = &c.labels;
    let n = labels.len();
    let (order, first_merge) = if n > super::MANY_REGIONS && merges.len() + 1 == n {
        (
            truncated_leaves(merges, n, DENDROGRAM_LEAVES),
            n - DENDROGRAM_LEAVES,
        )
    } else {
        (leaf_order(merges, n), 0)
    };
    let (pos, height, tier, size) = node_positions(labels, merges, &order, first_merge);
    let hmax = merges
        .iter()
        .map(|m| m.height)
        .fold(0.0, f64::max)
        .max(1e-12);
    let k = c.k.unwrap_or_else(|| {
        let mut t: Vec<i64> = labels.iter().map(|l| l.cluster).collect();
        t.sort();
        t.dedup();
        t.len()
    });
    Some(DendrogramData {
        labels,
        merges,
        method: c.method.clone().unwrap_or_else(|| "hierarchical".into()),
        order,
        first_merge,
        size,
        pos,
        height,
        tier,
        hmax,
        k,
        cut: cut_height(merges, k),
        tiers: tier_means(s, labels),
    })
}

/// Leaves of a dendrogram of many regions: the last `p` clusters formed,
/// as SciPy's `dendrogram(..., truncate_mode="lastp", p=p)` draws them
/// (from the root, `a` before `b`; a merge among the last `p - 1` is
/// opened, any other node is a leaf).
pub(crate) fn truncated_leaves(merges: &[Merge], n: usize, p: usize) -> Vec<usize> {
    if p >= n || merges.len() + 1 != n {
        return leaf_order(merges, n);
    }
    let opened = n + (n - p); // node ids from here on are opened
    let mut out = Vec::with_capacity(p);
    let mut stack = vec![n + merges.len() - 1];
    while let Some(node) = stack.pop() {
        if node >= opened {
            let m = merges[node - n];
            stack.push(m.b);
            stack.push(m.a);
        } else {
            out.push(node);
        }
    }
    out
}

/// Leaves of the truncated dendrogram of more than
/// [`MANY_REGIONS`](super::MANY_REGIONS) regions.
pub(crate) const DENDROGRAM_LEAVES: usize = 30;

/// Position, height, tier and size of every node of the tree: leaves evenly
/// spaced in `order` from the top (a contracted cluster among them drawn at
/// height 0, as SciPy draws it), each drawn merge midway between its children.
#[allow(clippy::type_complexity)]
fn node_positions(
    labels: &[ClusterLabel],
    merges: &[Merge],
    order: &[usize],
    first_merge: usize,
) -> (Vec<f64>, Vec<f64>, Vec<Option<i64>>, Vec<usize>) {
    let n = labels.len();
    let rows = order.len();
    let mut pos = vec![0.0; n + merges.len()];
    for (k, &leaf) in order.iter().enumerate() {
        pos[leaf] = (rows - 1 - k) as f64;
    }
    let mut height = vec![0.0; n + merges.len()];
    let mut size = vec![1usize; n + merges.len()];
    let mut tier: Vec<Option<i64>> = labels.iter().map(|l| Some(l.tier)).collect();
    tier.resize(n + merges.len(), None);
    for (i, m) in merges.iter().enumerate() {
        let id = n + i;
        size[id] = size[m.a] + size[m.b];
        if i >= first_merge {
            pos[id] = (pos[m.a] + pos[m.b]) / 2.0;
            height[id] = m.height;
        }
        tier[id] = match (tier[m.a], tier[m.b]) {
            (Some(x), Some(y)) if x == y => Some(x),
            _ => None,
        };
    }
    (pos, height, tier, size)
}

/// A cut between the (k-1)-th and k-th highest merges; none when every row
/// is its own cluster (k = n) or all are one (k = 1).
fn cut_height(merges: &[Merge], k: usize) -> Option<f64> {
    let mut sorted: Vec<f64> = merges.iter().map(|m| m.height).collect();
    sorted.sort_by(f64::total_cmp);
    let m = sorted.len();
    (k >= 2 && k <= m).then(|| (sorted[m - k] + sorted[m - k + 1]) / 2.0)
}

/// Per tier, ascending: (tier, members, mean composite over the years of
/// the members).
fn tier_means(s: &Summary, labels: &[ClusterLabel]) -> Vec<(i64, usize, f64)> {
    let mut tiers: Vec<i64> = labels.iter().map(|l| l.tier).collect();
    tiers.sort();
    tiers.dedup();
    let means = s.region_mean();
    let index = super::region_index(&s.regions);
    let idx = |name: &str| index.get(name).copied();
    tiers
        .iter()
        .map(|&t| {
            let members: Vec<&ClusterLabel> = labels.iter().filter(|l| l.tier == t).collect();
            let m = crate::model::mean(
                members
                    .iter()
                    .filter_map(|l| idx(&l.label))
                    .map(|r| means[r]),
            );
            (t, members.len(), m)
        })
        .collect()
}

/// The caption of the dendrogram.
pub(crate) fn dendrogram_caption(d: &DendrogramData, l: Lang) -> String {
    let (n, k) = (d.labels.len(), d.k);
    let method = l.method_name(&d.method);
    let mut caption = l.fill("dendrogram.cap", &[("method", &method), ("n", &n)]);
    if d.first_merge > 0 {
        caption.push_str(&l.fill(
            "dendrogram.cap.truncated",
            &[("p", &d.order.len()), ("n", &n)],
        ));
    }
    if let Some(cut) = d.cut {
        caption.push_str(&l.fill("dendrogram.cap.cut", &[("cut", &fx(cut, 3)), ("k", &k)]));
    }
    let parts: Vec<String> = d
        .tiers
        .iter()
        .map(|&(t, members, m)| {
            l.fill(
                "dendrogram.cap.tier",
                &[("t", &t), ("members", &members), ("mean", &fx(m, 3))],
            )
        })
        .collect();
    caption.push_str(&parts.join(l.t("sep.clause")));
    caption.push_str(&l.fill("dendrogram.cap.tallest", &[("h", &fx(d.hmax, 3))]));
    caption
}

/// The text of a leaf: the region, or the size of a contracted cluster.
fn leaf_text(d: &DendrogramData, node: usize) -> String {
    match d.labels.get(node) {
        Some(l) => l.label.clone(),
        None => format!("({})", d.size[node]),
    }
}

/// The dendrogram as SVG.
pub(crate) fn dendrogram_svg(d: &DendrogramData, l: Lang) -> Result<String, ReportError> {
    let n = d.order.len();
    let lab_px = if n > 40 { 10.0 } else { 12.0 };
    let row_h: u32 = if n > 40 { 14 } else { 20 };
    let left = (d
        .order
        .iter()
        .map(|&node| text_width(&leaf_text(d, node), lab_px))
        .fold(40.0, f64::max)
        + 36.0)
        .ceil() as u32;
    let h_px = n as u32 * row_h + 40 + 52;
    let xdec = decimals_for(d.hmax);
    let xfmt = move |v: &f64| fx(*v, xdec);
    render(
        "fig-dendrogram",
        l.t("dendrogram.title"),
        (WIDTH, h_px),
        |root| {
            legend(
                root,
                &tier_legend(d, l),
                (left as i32, 10),
                WIDTH as i32 - left as i32 - 20,
            )?;
            let mut chart = ChartBuilder::on(root)
                .margin_top(40)
                .margin_right(30)
                .margin_left(0)
                .x_label_area_size(48)
                .y_label_area_size(left)
                .build_cartesian_2d(0.0..d.hmax * 1.04, -0.6..(n as f64 - 0.4))?;
            let x = Axis {
                desc: l.fill(
                    "axis.merge_height",
                    &[("method", &l.method_name(&d.method))],
                ),
                labels: 9,
                grid: true,
                fmt: &xfmt,
            };
            let y = Axis::hidden();
            mesh(root, &mut chart, &x, &y)?;
            dendrogram_links(root, &mut chart, d)?;
            if let Some(cut) = d.cut {
                begin(root, "cut")?;
                chart.draw_series(DashedLineSeries::new(
                    vec![(cut, -0.5), (cut, n as f64 - 0.5)],
                    6,
                    4,
                    INK.mix(0.7).stroke_width(1),
                ))?;
                end(root)?;
            }
            dendrogram_leaves(root, &chart, d, lab_px)
        },
    )
}

/// The legend: one line per tier and grey for links across tiers.
fn tier_legend(d: &DendrogramData, l: Lang) -> Vec<LegendItem> {
    let mut items: Vec<LegendItem> = d
        .tiers
        .iter()
        .map(|&(t, ..)| LegendItem {
            label: l.fill("tier.name", &[("t", &t)]),
            colour: tier_colour(t),
            line: true,
        })
        .collect();
    items.push(LegendItem {
        label: l.t("dendrogram.legend_mixed").into(),
        colour: NEUTRAL,
        line: true,
    });
    items
}

/// Layer `links`: each merge as two horizontal arms and a vertical joint.
fn dendrogram_links(root: &Area, chart: &mut Chart, d: &DendrogramData) -> DrawResult {
    let n = d.labels.len();
    let (pos, height) = (&d.pos, &d.height);
    begin(root, "links")?;
    for (i, m) in d.merges.iter().enumerate().skip(d.first_merge) {
        let colour = d.tier[n + i].map(tier_colour).unwrap_or(NEUTRAL);
        let style = colour.stroke_width(2);
        let h = m.height;
        let segments = [
            vec![(height[m.a], pos[m.a]), (h, pos[m.a])],
            vec![(height[m.b], pos[m.b]), (h, pos[m.b])],
            vec![(h, pos[m.a]), (h, pos[m.b])],
        ];
        for segment in segments {
            chart.draw_series(std::iter::once(PathElement::new(segment, style)))?;
        }
    }
    end(root)
}

/// Layer `leaves`: a tier square and the region name per leaf.
fn dendrogram_leaves(root: &Area, chart: &Chart, d: &DendrogramData, lab_px: f64) -> DrawResult {
    begin(root, "leaves")?;
    let (xr, _) = chart.plotting_area().get_pixel_range();
    for &leaf in &d.order {
        let (_, py) = chart.backend_coord(&(0.0, d.pos[leaf]));
        let col = d.tier[leaf].map(tier_colour).unwrap_or(NEUTRAL);
        root.draw(&Rectangle::new(
            [(xr.start - 16, py - 5), (xr.start - 6, py + 5)],
            col.filled(),
        ))?;
        text(
            root,
            &leaf_text(d, leaf),
            (xr.start - 22, py),
            &font(lab_px),
            HPos::Right,
            VPos::Center,
        )?;
    }
    end(root)
}

/// The cluster dendrogram with tiers coloured (fig-dendrogram); None for
/// k-means (no merges).
pub(crate) fn dendrogram(s: &Summary, c: &Cluster) -> Result<Option<Figure>, ReportError> {
    let l = s.lang;
    dendrogram_data(s, c)
        .map(|d| {
            figure(
                "fig-dendrogram",
                l.t("dendrogram.title"),
                &d,
                |d| dendrogram_svg(d, l),
                |d| dendrogram_caption(d, l),
            )
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(a: usize, b: usize, h: f64) -> Merge {
        Merge { a, b, height: h }
    }

    #[test]
    fn truncated_leaves_follow_scipy_lastp() {
        // tests/fixtures/lastp.py: scipy's dendrogram(truncate_mode="lastp")
        // of a Ward linkage of 40 points, for p = 2, 5, 12, 30.
        let v: serde_json::Value =
            serde_json::from_str(include_str!("../../tests/fixtures/lastp.json")).unwrap();
        let n = v["n"].as_u64().unwrap() as usize;
        let rows = v["merges"].as_array().unwrap();
        let merges: Vec<Merge> = rows
            .iter()
            .map(|r| Merge {
                a: r[0].as_f64().unwrap() as usize,
                b: r[1].as_f64().unwrap() as usize,
                height: r[2].as_f64().unwrap(),
            })
            .collect();
        let mut size = vec![1usize; n + merges.len()];
        for (i, m) in merges.iter().enumerate() {
            size[n + i] = size[m.a] + size[m.b];
        }
        for (p, want) in v["lastp"].as_object().unwrap() {
            let p: usize = p.parse().unwrap();
            let got: Vec<String> = truncated_leaves(&merges, n, p)
                .into_iter()
                .map(|node| {
                    if node < n {
                        node.to_string()
                    } else {
                        format!("({})", size[node])
                    }
                })
                .collect();
            let want: Vec<String> = want
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap().to_string())
                .collect();
            assert_eq!(got, want, "p = {p}");
        }
    }

    #[test]
    fn leaf_order_follows_scipy() {
        // 4 leaves: (0,3) -> 4, (1,2) -> 5, (5,4) -> 6.
        // From the root 6: left 5 = (1, 2), right 4 = (0, 3): order 1, 2, 0, 3.
        let merges = [m(0, 3, 1.0), m(1, 2, 1.5), m(5, 4, 3.0)];
        assert_eq!(leaf_order(&merges, 4), vec![1, 2, 0, 3]);
        assert_eq!(leaf_order(&[], 1), vec![0]);
    }

    #[test]
    fn labels_do_not_overlap() {
        // Two points 4 px apart: the first label goes above-right of point 0
        // at (7, -11)..(37, -1); for point 1 at (0, 4) above-right would be
        // (7, -7)..(37, 3), which overlaps, so it goes below-right: (7, 5).
        let c = [(0, 0), (0, 4)];
        let out = place_labels(&c, &[0, 1], |_| (30, 10), (-100, -100, 100, 100));
        assert_eq!(out, vec![Some((7, -11)), Some((7, 5))]);
        // No room at all inside a tiny frame.
        let out = place_labels(&c, &[0, 1], |_| (30, 10), (-1, -1, 1, 1));
        assert_eq!(out, vec![None, None]);
    }

    #[test]
    fn intercept_from_points() {
        // Points (ln x0, g): (0, 1), (1, 0), (2, -1); b = -1.
        // mean(g) = 0, mean(ln x0) = 1: a = 0 - (-1)(1) = 1.
        let pts = [(0, 0.0, 1.0), (1, 1.0, 0.0), (2, 2.0, -1.0)];
        let beta = Beta {
            b: -1.0,
            a: None,
            se: None,
            t: None,
            p: None,
            r2: None,
            lambda: None,
            half_life: None,
            n: None,
        };
        assert_eq!(beta_intercept(&beta, &pts), (1.0, true));
        let given = Beta {
            a: Some(0.25),
            ..beta
        };
        assert_eq!(beta_intercept(&given, &pts), (0.25, false));
    }

    #[test]
    fn grey_caption_lists_ranked_grades() {
        let d = GreyData {
            rows: vec![
                GreyRow {
                    name: "Econ",
                    grade: 0.8123,
                    rank: 1,
                    dim: Some(0),
                },
                GreyRow {
                    name: "Soc",
                    grade: 0.6,
                    rank: 2,
                    dim: None,
                },
            ],
            normalization: "initial".into(),
            rho: None,
        };
        assert_eq!(
            grey_caption(&d, Lang::En),
            "Grey relational grade of each dimension's yearly mean score with the yearly mean \
             composite (initial normalisation, ρ = 0.5), ranked: rank 1 moves most closely with \
             the composite. 1. Econ 0.812; 2. Soc 0.600."
        );
    }

    #[test]
    fn beta_caption_states_speed_and_unnamed_dots() {
        let stats = Beta {
            b: -0.02,
            a: Some(0.1),
            se: Some(0.005),
            t: Some(-4.0),
            p: None,
            r2: None,
            lambda: Some(0.0202),
            half_life: Some(34.3),
            n: None,
        };
        let d = BetaData {
            points: vec![("A", 0.0, 0.1), ("B", 1.0, 0.08)],
            t0: 2010,
            t1: 2020,
            a: 0.1,
            a_computed: false,
            stats: &stats,
        };
        let c = beta_caption(&d, 1, Lang::En);
        assert!(c.contains("g = ln(x2020 / x2010) / 10."), "{c}");
        assert!(
            c.contains("b = -0.0200 (se 0.0050, t -4.00) and a = 0.1000, n = 2. "),
            "{c}"
        );
        assert!(
            c.contains("at a speed λ = 0.0202 per year, half-life 34.3 years."),
            "{c}"
        );
        assert!(c.ends_with(" 1 of the 2 dots are not named because their label would overlap another label or dot."), "{c}");
    }

    #[test]
    fn dendrogram_cut_lies_between_the_k_th_highest_merges() {
        // Heights 1.0, 1.5, 3.0: two clusters are cut between 1.5 and 3.0.
        let merges = [m(0, 3, 1.0), m(1, 2, 1.5), m(5, 4, 3.0)];
        assert_eq!(cut_height(&merges, 2), Some(2.25));
        assert_eq!(cut_height(&merges, 3), Some(1.25));
        assert_eq!(cut_height(&merges, 1), None);
        assert_eq!(cut_height(&merges, 4), None);
    }
}
