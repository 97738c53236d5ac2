//! Charts of the distribution: kernel densities, disparity measures, the
//! Dagum decomposition.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::{Axis, Chart, Figure, figure, key_year, mesh, year_label, year_range};
use crate::ReportError;
use crate::draw::{
    Area, DrawResult, LegendItem, MUTED, begin, category_colour, end, font, legend, padded, render,
    text, time_colour,
};
use crate::fmt::{decimals_for, fx, pct};
use crate::i18n::Lang;
use crate::model::{Disparity, DisparityGroup, Kde, KdeGroup};

const WIDTH: u32 = 920;

/// At most this many points per drawn curve (the summary has 512).
const MAX_POINTS: usize = 256;

/// What the density chart shows.
#[derive(Debug, Clone)]
pub(crate) struct KdeData<'a> {
    /// Kernel name.
    pub kernel: String,
    /// Bandwidth rule, if stated.
    pub rule: Option<String>,
    /// One curve per year, in order.
    pub groups: &'a [KdeGroup],
    /// The scores lie on [0, 1]: the curves drawn are reflected at 0 and 1
    /// (boundary-corrected), see [`reflected`].
    pub bounded: bool,
}

/// The plain density `f` on its grid, corrected for the bounds 0 and 1 by
/// reflection: `f(x) + f(-x) + f(2 - x)` for `x` in [0, 1] (for a symmetric
/// kernel this is exactly the kernel estimate with every observation
/// mirrored at 0 and at 1), `f` read off the grid by linear interpolation
/// and 0 outside it. Only the chart uses it; the table and kde.csv keep the
/// plain estimate.
pub(crate) fn reflected(xs: &[f64], f: &[f64]) -> Vec<(f64, f64)> {
    let at = |x: f64| -> f64 {
        if xs.is_empty() || x < xs[0] || x > xs[xs.len() - 1] {
            return 0.0;
        }
        let i = xs.partition_point(|&g| g < x);
        if i == 0 {
            return f[0];
        }
        let (x0, x1) = (xs[i - 1], xs[i]);
        let t = if x1 > x0 { (x - x0) / (x1 - x0) } else { 0.0 };
        f[i - 1] + t * (f[i] - f[i - 1])
    };
    let mut grid: Vec<f64> = xs
        .iter()
        .copied()
        .filter(|x| (0.0..=1.0).contains(x))
        .collect();
    if grid.first() != Some(&0.0) {
        grid.insert(0, 0.0);
    }
    if grid.last() != Some(&1.0) {
        grid.push(1.0);
    }
    let step = grid.len().div_ceil(MAX_POINTS).max(1);
    let mut pts: Vec<f64> = grid.iter().copied().step_by(step).collect();
    if pts.last() != Some(&1.0) {
        pts.push(1.0);
    }
    pts.into_iter()
        .map(|x| (x, at(x) + at(-x) + at(2.0 - x)))
        .filter(|p| p.1.is_finite())
        .collect()
}

/// The density curves of a KDE section.
pub(crate) fn kde_data(k: &Kde, bounded: bool) -> KdeData<'_> {
    KdeData {
        kernel: k.kernel.clone().unwrap_or_else(|| "kernel".into()),
        rule: k.bandwidth_rule.clone(),
        groups: &k.groups,
        bounded,
    }
}

/// The caption of the density chart: method, then the first and last year.
pub(crate) fn kde_caption(d: &KdeData, l: Lang) -> String {
    let kernel = l.method_name(&d.kernel);
    let rule = d
        .rule
        .as_ref()
        .map(|r| l.fill("kde.cap.rule", &[("rule", &l.method_name(r))]))
        .unwrap_or_default();
    let mut caption = l.fill("kde.cap", &[("kernel", &kernel), ("rule", &rule)]);
    if d.bounded {
        caption.push_str(l.t("kde.cap.reflected"));
    }
    let describe = |g: &KdeGroup| {
        l.fill(
            "kde.cap.group",
            &[
                ("key", &g.key),
                ("mode", &fx(g.mode, 3)),
                ("peaks", &g.peaks.len()),
                ("height", &fx(g.peak_height, 2)),
                ("spread", &fx(g.spread, 3)),
                ("bandwidth", &fx(g.bandwidth, 4)),
            ],
        )
    };
    if let Some(first) = d.groups.first() {
        caption.push_str(&describe(first));
        if let Some(last) = d.groups.last().filter(|_| d.groups.len() > 1) {
            caption.push_str(l.t("sep.clause"));
            caption.push_str(&describe(last));
        }
        caption.push_str(l.t("figure.stop"));
    }
    caption
}

/// Position of curve `i` of `ng` on the time colour ramp.
fn time_t(i: usize, ng: usize) -> f64 {
    if ng > 1 {
        i as f64 / (ng - 1) as f64
    } else {
        1.0
    }
}

/// The drawn points of one curve: at most [`MAX_POINTS`], finite only, the
/// last grid point kept so the curve reaches the end of the grid.
fn curve_points(g: &KdeGroup) -> Vec<(f64, f64)> {
    let step = g.x.len().div_ceil(MAX_POINTS).max(1);
    let mut pts: Vec<(f64, f64)> =
        g.x.iter()
            .zip(&g.density)
            .step_by(step)
            .filter(|(x, f)| x.is_finite() && f.is_finite())
            .map(|(&x, &f)| (x, f))
            .collect();
    if let (Some(&x), Some(&f)) = (g.x.last(), g.density.last())
        && x.is_finite()
        && f.is_finite()
        && pts.last().is_some_and(|p| p.0 != x)
    {
        pts.push((x, f));
    }
    pts
}

/// The density chart as SVG.
pub(crate) fn kde_svg(d: &KdeData, l: Lang) -> Result<String, ReportError> {
    let groups = d.groups;
    let ng = groups.len();
    let curves: Vec<Vec<(f64, f64)>> = groups
        .iter()
        .map(|g| {
            if d.bounded {
                reflected(&g.x, &g.density)
            } else {
                curve_points(g)
            }
        })
        .collect();
    let (xlo, xhi) = if d.bounded {
        (0.0, 1.0)
    } else {
        padded(groups.iter().flat_map(|g| g.x.iter().copied()), 0.0)
    };
    let ytop = curves
        .iter()
        .flatten()
        .map(|p| p.1)
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max)
        .max(1e-12)
        * 1.08;
    let xdec = decimals_for(xhi - xlo);
    let ydec = decimals_for(ytop);
    let xfmt = move |v: &f64| fx(*v, xdec);
    let yfmt = move |v: &f64| fx(*v, ydec);
    let height = 470;
    render("fig-kde", l.t("kde.title"), (WIDTH, height), |root| {
        let mut chart = ChartBuilder::on(root)
            .margin_top(50)
            .margin_right(28)
            .margin_left(4)
            .x_label_area_size(48)
            .y_label_area_size(66)
            .build_cartesian_2d(xlo..xhi, 0.0..ytop)?;
        let x = Axis {
            desc: l.t("axis.composite").into(),
            labels: 10,
            grid: true,
            fmt: &xfmt,
        };
        let y = Axis {
            desc: l.t("axis.density").into(),
            labels: 6,
            grid: true,
            fmt: &yfmt,
        };
        mesh(root, &mut chart, &x, &y)?;
        begin(root, "curves")?;
        for (i, pts) in curves.iter().enumerate() {
            let colour = time_colour(time_t(i, ng));
            chart.draw_series(LineSeries::new(pts.clone(), colour.stroke_width(2)))?;
        }
        end(root)?;
        begin(root, "peaks")?;
        for (i, g) in groups.iter().enumerate() {
            let c = time_colour(time_t(i, ng));
            chart.draw_series(
                g.peaks
                    .iter()
                    .filter(|p| p.0.is_finite() && p.1.is_finite())
                    .map(|&p| {
                        // On the corrected curve, the dot sits on that curve.
                        let p = if d.bounded {
                            let x = p.0.clamp(0.0, 1.0);
                            let y = curves[i]
                                .iter()
                                .min_by(|a, b| (a.0 - x).abs().total_cmp(&(b.0 - x).abs()))
                                .map_or(p.1, |q| q.1);
                            (x, y)
                        } else {
                            p
                        };
                        Circle::new(p, 4, c.filled())
                    }),
            )?;
        }
        end(root)?;
        time_legend(root, &chart, groups, l)
    })
}

/// Layer `time-legend`: one swatch per year along a ramp, labels thinned to
/// fit, and the peak marker.
fn time_legend(root: &Area, chart: &Chart, groups: &[KdeGroup], l: Lang) -> DrawResult {
    let ng = groups.len();
    begin(root, "time-legend")?;
    let (xr, _) = chart.plotting_area().get_pixel_range();
    let sw = (((xr.end - xr.start) as f64 * 0.5) / ng.max(1) as f64).clamp(6.0, 40.0) as i32;
    let x0 = xr.start + 10;
    let y0 = 14;
    let title = l.t("kde.legend_year");
    text(
        root,
        title,
        (x0, y0 + 6),
        &font(12.0),
        HPos::Left,
        VPos::Center,
    )?;
    let bx = x0 + crate::draw::text_width(title, 12.0).ceil() as i32 + 8;
    // Labels at least one label width plus a gap apart: every k-th year,
    // and the last year in place of the one before it when they would touch.
    let label_w = groups
        .iter()
        .map(|g| crate::draw::text_width(&g.key, 10.5))
        .fold(0.0, f64::max)
        + 8.0;
    let every = (label_w / sw as f64).ceil().max(1.0) as usize;
    let mut shown: Vec<usize> = (0..ng).step_by(every).collect();
    if shown.last() != Some(&(ng - 1)) && ng > 0 {
        if shown.last().is_some_and(|&p| ng - 1 - p < every) {
            shown.pop();
        }
        shown.push(ng - 1);
    }
    for (i, g) in groups.iter().enumerate() {
        let px = bx + i as i32 * sw;
        root.draw(&Rectangle::new(
            [(px, y0), (px + sw - 1, y0 + 12)],
            time_colour(time_t(i, ng)).filled(),
        ))?;
        if shown.contains(&i) {
            text(
                root,
                &g.key,
                (px + sw / 2, y0 + 16),
                &font(10.5).color(&MUTED),
                HPos::Center,
                VPos::Top,
            )?;
        }
    }
    let lx = bx + ng as i32 * sw + 24;
    root.draw(&Circle::new((lx, y0 + 6), 4, time_colour(1.0).filled()))?;
    text(
        root,
        l.t("kde.legend_peak"),
        (lx + 9, y0 + 6),
        &font(12.0),
        HPos::Left,
        VPos::Center,
    )?;
    end(root)
}

/// Kernel density curves across the years on one axis (fig-kde).
pub(crate) fn kde(k: &Kde, bounded: bool, l: Lang) -> Result<Figure, ReportError> {
    figure(
        "fig-kde",
        l.t("kde.title"),
        &kde_data(k, bounded),
        |d| kde_svg(d, l),
        |d| kde_caption(d, l),
    )
}

/// The x axis of a by-year report: one position per group (the year, or the
/// index when keys are not numbers) and the keys.
#[derive(Debug, Clone)]
pub(crate) struct GroupAxis {
    /// Position of each group.
    pub xs: Vec<f64>,
    /// The keys are years.
    pub numeric: bool,
    /// The group keys.
    pub keys: Vec<String>,
}

impl GroupAxis {
    fn of(d: &Disparity) -> Self {
        let ys: Option<Vec<f64>> = d.groups.iter().map(|g| key_year(&g.key)).collect();
        let (xs, numeric) = match ys {
            Some(v) => (v, true),
            None => ((0..d.groups.len()).map(|i| i as f64).collect(), false),
        };
        GroupAxis {
            xs,
            numeric,
            keys: d.groups.iter().map(|g| g.key.clone()).collect(),
        }
    }

    /// The tick label at `v`: a year, or the key at a whole index.
    fn label(&self, v: &f64) -> String {
        if self.numeric {
            year_label(v)
        } else if (v - v.round()).abs() < 1e-6 && *v >= 0.0 {
            self.keys
                .get(v.round() as usize)
                .cloned()
                .unwrap_or_default()
        } else {
            String::new()
        }
    }

    /// The x axis in the report's style.
    fn axis<'f>(&self, fmt: &'f dyn Fn(&f64) -> String, l: Lang) -> Axis<'f> {
        Axis {
            desc: if self.numeric {
                l.t("axis.year").into()
            } else {
                l.t("axis.group").into()
            },
            labels: self.xs.len().min(12),
            grid: false,
            fmt,
        }
    }
}

/// The plot of a by-year chart with a legend row above it.
fn by_group_chart<'a, 'b>(
    root: &'a Area<'b>,
    x: std::ops::Range<f64>,
    y: std::ops::Range<f64>,
) -> Result<Chart<'a, 'b>, Box<dyn std::error::Error>> {
    Ok(ChartBuilder::on(root)
        .margin_top(40)
        .margin_right(28)
        .margin_left(4)
        .x_label_area_size(48)
        .y_label_area_size(66)
        .build_cartesian_2d(x, y)?)
}

/// A legend of one entry per name.
fn legend_items(names: &[&str], colours: [RGBColor; 3], line: bool) -> Vec<LegendItem> {
    names
        .iter()
        .zip(colours)
        .map(|(n, c)| LegendItem {
            label: n.to_string(),
            colour: c,
            line,
        })
        .collect()
}

/// What the disparity chart shows.
#[derive(Debug, Clone)]
pub(crate) struct DisparityData<'a> {
    /// The groups (years) on the x axis.
    pub axis: GroupAxis,
    /// CV, Theil and Gini per group.
    pub series: [(&'static str, Vec<f64>); 3],
    /// The groups with their measures.
    pub groups: &'a [DisparityGroup],
    /// Delta degrees of freedom of the std, if stated.
    pub ddof: Option<i64>,
}

/// The disparity measures of a by-year report.
pub(crate) fn disparity_data(d: &Disparity, l: Lang) -> DisparityData<'_> {
    let series = [
        (l.t("disparity.cv"), d.groups.iter().map(|g| g.cv).collect()),
        (
            l.t("disparity.theil"),
            d.groups.iter().map(|g| g.theil).collect(),
        ),
        (
            l.t("disparity.gini"),
            d.groups.iter().map(|g| g.gini).collect(),
        ),
    ];
    DisparityData {
        axis: GroupAxis::of(d),
        series,
        groups: &d.groups,
        ddof: d.ddof,
    }
}

/// The caption of the disparity chart: the change of each measure from the
/// first to the last group.
pub(crate) fn disparity_caption(d: &DisparityData, l: Lang) -> String {
    let ng = d.groups.len();
    let mut caption = l.fill(
        "disparity.cap",
        &[(
            "ddof",
            &d.ddof
                .map(|k| l.fill("disparity.cap.ddof", &[("k", &k)]))
                .unwrap_or_default(),
        )],
    );
    if ng > 0 {
        let (a, b) = (&d.groups[0], &d.groups[ng - 1]);
        let trend = |x: f64, y: f64| {
            l.t(if y < x {
                "change.fell"
            } else if y > x {
                "change.rose"
            } else {
                "change.stayed"
            })
        };
        caption.push_str(&l.fill(
            "disparity.cap.change",
            &[
                ("a", &a.key),
                ("b", &b.key),
                ("cv", &trend(a.cv, b.cv)),
                ("cv0", &fx(a.cv, 3)),
                ("cv1", &fx(b.cv, 3)),
                ("theil", &trend(a.theil, b.theil)),
                ("t0", &fx(a.theil, 4)),
                ("t1", &fx(b.theil, 4)),
                ("gini", &trend(a.gini, b.gini)),
                ("g0", &fx(a.gini, 3)),
                ("g1", &fx(b.gini, 3)),
            ],
        ));
    }
    caption
}

/// The disparity chart as SVG.
pub(crate) fn disparity_svg(d: &DisparityData, l: Lang) -> Result<String, ReportError> {
    let series = &d.series;
    let keyfmt = |v: &f64| d.axis.label(v);
    let (xlo, xhi) = year_range(&d.axis.xs, 0.25);
    let finite = || {
        series
            .iter()
            .flat_map(|s| s.1.iter().copied())
            .filter(|v| v.is_finite())
    };
    let ymax = finite().fold(0.0, f64::max).max(1e-9) * 1.1;
    let ymin = finite().fold(0.0, f64::min);
    let ydec = decimals_for(ymax - ymin);
    let yfmt = move |v: &f64| fx(*v, ydec);
    let colours = [category_colour(0), category_colour(5), category_colour(2)];
    render(
        "fig-disparity",
        l.t("disparity.title"),
        (WIDTH, 420),
        |root| {
            let names = series.each_ref().map(|s| s.0);
            legend(
                root,
                &legend_items(&names, colours, true),
                (80, 10),
                WIDTH as i32 - 100,
            )?;
            let mut chart = by_group_chart(root, xlo..xhi, ymin..ymax)?;
            let y = Axis {
                desc: l.t("axis.value").into(),
                labels: 7,
                grid: true,
                fmt: &yfmt,
            };
            mesh(root, &mut chart, &d.axis.axis(&keyfmt, l), &y)?;
            let points = |values: &[f64]| -> Vec<(f64, f64)> {
                d.axis
                    .xs
                    .iter()
                    .zip(values)
                    .filter(|p| p.1.is_finite())
                    .map(|(&x, &v)| (x, v))
                    .collect()
            };
            begin(root, "series")?;
            for (s, c) in series.iter().zip(colours) {
                chart.draw_series(LineSeries::new(points(&s.1), c.stroke_width(2)))?;
            }
            end(root)?;
            begin(root, "markers")?;
            for (i, (s, c)) in series.iter().zip(colours).enumerate() {
                let pts = points(&s.1).into_iter();
                // Distinct marker shapes keep the lines apart in black-and-white print.
                match i {
                    0 => {
                        chart.draw_series(pts.map(|p| Circle::new(p, 4, c.filled())))?;
                    }
                    1 => {
                        chart.draw_series(pts.map(|p| TriangleMarker::new(p, 5, c.filled())))?;
                    }
                    _ => {
                        chart.draw_series(pts.map(|p| Cross::new(p, 4, c.stroke_width(2))))?;
                    }
                }
            }
            end(root)?;
            Ok(())
        },
    )
}

/// CV, Theil and Gini over the years (fig-disparity).
pub(crate) fn disparity(d: &Disparity, l: Lang) -> Result<Figure, ReportError> {
    figure(
        "fig-disparity",
        l.t("disparity.title"),
        &disparity_data(d, l),
        |d| disparity_svg(d, l),
        |d| disparity_caption(d, l),
    )
}

/// What the Dagum chart shows.
#[derive(Debug, Clone)]
pub(crate) struct DagumData {
    /// The groups (years) on the x axis.
    pub axis: GroupAxis,
    /// Within, net between and transvariation per year (NaN drawn as 0).
    pub parts: Vec<[f64; 3]>,
    /// Names of the region groups.
    pub groups: Vec<String>,
}

/// The Dagum decomposition of a by-year report; None unless every year has one.
pub(crate) fn dagum_data(d: &Disparity) -> Option<DagumData> {
    if d.groups.is_empty() || d.groups.iter().any(|g| g.dagum.is_none()) {
        return None;
    }
    let parts: Vec<[f64; 3]> = d
        .groups
        .iter()
        .filter_map(|g| g.dagum.as_ref())
        .map(|g| {
            [g.within, g.between, g.transvariation].map(|v| if v.is_finite() { v } else { 0.0 })
        })
        .collect();
    let groups: Vec<String> = d.groups[0]
        .dagum
        .as_ref()
        .map(|g| g.within_groups.iter().map(|w| w.0.clone()).collect())
        .unwrap_or_default();
    Some(DagumData {
        axis: GroupAxis::of(d),
        parts,
        groups,
    })
}

/// The caption of the Dagum chart: the split of the first and last year.
pub(crate) fn dagum_caption(d: &DagumData, l: Lang) -> String {
    let describe = |i: usize| {
        let p = &d.parts[i];
        let total = p.iter().sum::<f64>();
        l.fill(
            "dagum.cap.year",
            &[
                ("key", &d.axis.keys[i]),
                ("g", &fx(total, 4)),
                ("w", &fx(p[0], 4)),
                ("wp", &pct(p[0], total)),
                ("b", &fx(p[1], 4)),
                ("bp", &pct(p[1], total)),
                ("t", &fx(p[2], 4)),
                ("tp", &pct(p[2], total)),
            ],
        )
    };
    let mut caption = l.fill(
        "dagum.cap",
        &[(
            "groups",
            &if d.groups.is_empty() {
                "–".to_string()
            } else {
                d.groups.join(l.list_sep())
            },
        )],
    );
    caption.push_str(&describe(0));
    if d.parts.len() > 1 {
        caption.push_str(l.t("sep.clause"));
        caption.push_str(&describe(d.parts.len() - 1));
    }
    caption.push_str(l.t("figure.stop"));
    caption
}

/// The Dagum chart as SVG.
pub(crate) fn dagum_svg(d: &DagumData, l: Lang) -> Result<String, ReportError> {
    let xs = &d.axis.xs;
    let keyfmt = |v: &f64| d.axis.label(v);
    let names = [
        l.t("dagum.within"),
        l.t("dagum.between"),
        l.t("dagum.transvariation"),
    ];
    let colours = [category_colour(0), category_colour(1), category_colour(2)];
    let (xlo, xhi) = year_range(xs, 0.2);
    let ymax = d
        .parts
        .iter()
        .map(|p| p.iter().sum::<f64>())
        .fold(0.0, f64::max)
        .max(1e-9)
        * 1.1;
    let ydec = decimals_for(ymax);
    let yfmt = move |v: &f64| fx(*v, ydec);
    render("fig-dagum", l.t("dagum.title"), (WIDTH, 420), |root| {
        legend(
            root,
            &legend_items(&names, colours, false),
            (80, 10),
            WIDTH as i32 - 100,
        )?;
        let mut chart = by_group_chart(root, xlo..xhi, 0.0..ymax)?;
        let y = Axis {
            desc: l.t("axis.gini_contribution").into(),
            labels: 7,
            grid: true,
            fmt: &yfmt,
        };
        mesh(root, &mut chart, &d.axis.axis(&keyfmt, l), &y)?;
        begin(root, "areas")?;
        let mut lower = vec![0.0; xs.len()];
        for (c, colour) in colours.iter().enumerate() {
            let upper: Vec<f64> = lower.iter().zip(&d.parts).map(|(l, p)| l + p[c]).collect();
            let mut poly: Vec<(f64, f64)> = xs.iter().zip(&upper).map(|(&x, &u)| (x, u)).collect();
            poly.extend(xs.iter().zip(&lower).rev().map(|(&x, &l)| (x, l)));
            chart.draw_series(std::iter::once(Polygon::new(
                poly,
                colour.mix(0.85).filled(),
            )))?;
            lower = upper;
        }
        end(root)?;
        begin(root, "totals")?;
        chart.draw_series(
            xs.iter()
                .zip(&lower)
                .map(|(&x, &v)| Circle::new((x, v), 3, BLACK.filled())),
        )?;
        end(root)?;
        Ok(())
    })
}

/// The Dagum decomposition as stacked areas (fig-dagum); None without groups.
pub(crate) fn dagum(d: &Disparity, l: Lang) -> Result<Option<Figure>, ReportError> {
    dagum_data(d)
        .map(|d| {
            figure(
                "fig-dagum",
                l.t("dagum.title"),
                &d,
                |d| dagum_svg(d, l),
                |d| dagum_caption(d, l),
            )
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    //! Captions from hand-built data: no SVG.
    use super::*;

    #[test]
    fn reflection_adds_the_mirrored_density_at_both_bounds() {
        // f(x) = 2x + 2 on [-1, 2]: linear, so interpolation is exact.
        let xs: Vec<f64> = (0..=6).map(|i| -1.0 + 0.5 * f64::from(i)).collect();
        let f: Vec<f64> = xs.iter().map(|x| 2.0 * x + 2.0).collect();
        let r = reflected(&xs, &f);
        let at = |x: f64| r.iter().find(|p| (p.0 - x).abs() < 1e-12).unwrap().1;
        // f(x) + f(-x) + f(2 - x) = (2x + 2) + (2 - 2x) + (6 - 2x) = 10 - 2x
        assert!((at(0.0) - 10.0).abs() < 1e-12);
        assert!((at(0.5) - 9.0).abs() < 1e-12);
        assert!((at(1.0) - 8.0).abs() < 1e-12);
        assert!(r.iter().all(|p| (0.0..=1.0).contains(&p.0)));
    }

    #[test]
    fn reflection_keeps_the_mass_of_a_density_of_data_on_0_1() {
        // A Gaussian kernel estimate of data on [0, 1] spills over the
        // bounds; reflected, it integrates to 1 on [0, 1].
        let data = [0.02, 0.1, 0.15, 0.5, 0.9, 0.97];
        let h = 0.08;
        let xs: Vec<f64> = (0..2001)
            .map(|i| -0.6 + 2.2 * f64::from(i) / 2000.0)
            .collect();
        let f: Vec<f64> = xs
            .iter()
            .map(|x| {
                data.iter()
                    .map(|d| (-(x - d).powi(2) / (2.0 * h * h)).exp())
                    .sum::<f64>()
                    / (data.len() as f64 * h * (2.0 * std::f64::consts::PI).sqrt())
            })
            .collect();
        let plain_inside: f64 = xs
            .windows(2)
            .zip(f.windows(2))
            .filter(|(x, _)| x[0] >= 0.0 && x[1] <= 1.0)
            .map(|(x, y)| (x[1] - x[0]) * (y[0] + y[1]) / 2.0)
            .sum();
        let r = reflected(&xs, &f);
        let mass: f64 = r
            .windows(2)
            .map(|w| (w[1].0 - w[0].0) * (w[0].1 + w[1].1) / 2.0)
            .sum();
        assert!(plain_inside < 0.95, "{plain_inside}");
        assert!((mass - 1.0).abs() < 2e-3, "{mass}");
    }

    fn axis(keys: &[&str]) -> GroupAxis {
        GroupAxis {
            xs: (0..keys.len()).map(|i| 2000.0 + i as f64).collect(),
            numeric: true,
            keys: keys.iter().map(std::string::ToString::to_string).collect(),
        }
    }

    #[test]
    fn dagum_caption_splits_first_and_last_year() {
        let d = DagumData {
            axis: axis(&["2000", "2001"]),
            // G = 0.1 + 0.2 + 0.1 = 0.4: 25 %, 50 %, 25 %.
            parts: vec![[0.1, 0.2, 0.1], [0.05, 0.05, 0.1]],
            groups: vec!["East".into(), "West".into()],
        };
        let c = dagum_caption(&d, Lang::En);
        assert!(c.contains("Groups: East, West. "), "{c}");
        assert!(
            c.contains(
                "2000: G = 0.4000 = within 0.1000 (25.0%) + between 0.2000 (50.0%) + \
                 transvariation 0.1000 (25.0%); "
            ),
            "{c}"
        );
        // G = 0.05 + 0.05 + 0.1 = 0.2: 25 %, 25 %, 50 %.
        assert!(
            c.ends_with(
                "2001: G = 0.2000 = within 0.0500 (25.0%) + between 0.0500 (25.0%) + \
                 transvariation 0.1000 (50.0%)."
            ),
            "{c}"
        );
    }

    #[test]
    fn group_axis_labels_years_or_keys() {
        let years = axis(&["2000", "2001"]);
        assert_eq!(years.label(&2001.0), "2001");
        assert_eq!(years.label(&2000.5), "");
        let named = GroupAxis {
            xs: vec![0.0, 1.0],
            numeric: false,
            keys: vec!["east".into(), "west".into()],
        };
        assert_eq!(named.label(&1.0), "west");
        assert_eq!(named.label(&0.5), "");
        assert_eq!(named.label(&2.0), "");
    }
}
