//! Charts of the distribution: kernel densities, disparity measures, the
//! Dagum decomposition.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::{Axis, Figure, key_year, mesh, year_label, year_range};
use crate::ReportError;
use crate::draw::{
    LegendItem, MUTED, begin, category_colour, end, font, legend, padded, render, text, time_colour,
};
use crate::fmt::{decimals_for, fx, pct};
use crate::model::{Disparity, Kde};

const WIDTH: u32 = 920;

/// At most this many points per drawn curve (the summary has 512).
const MAX_POINTS: usize = 256;

/// Kernel density curves across the years on one axis (fig-kde).
pub(crate) fn kde(k: &Kde) -> Result<Figure, ReportError> {
    let ng = k.groups.len();
    let t = |i: usize| {
        if ng > 1 {
            i as f64 / (ng - 1) as f64
        } else {
            1.0
        }
    };
    let (xlo, xhi) = padded(k.groups.iter().flat_map(|g| g.x.iter().copied()), 0.0);
    let ytop = k
        .groups
        .iter()
        .flat_map(|g| g.density.iter().copied())
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max)
        .max(1e-12)
        * 1.08;
    let xdec = decimals_for(xhi - xlo);
    let ydec = decimals_for(ytop);
    let xfmt = move |v: &f64| fx(*v, xdec);
    let yfmt = move |v: &f64| fx(*v, ydec);
    let title = "Kernel density of the composite score";
    let height = 470;
    let svg = render("fig-kde", title, (WIDTH, height), |root| {
        let mut chart = ChartBuilder::on(root)
            .margin_top(50)
            .margin_right(28)
            .margin_left(4)
            .x_label_area_size(48)
            .y_label_area_size(66)
            .build_cartesian_2d(xlo..xhi, 0.0..ytop)?;
        let x = Axis {
            desc: "Composite score (index, 0–1)".into(),
            labels: 10,
            grid: true,
            fmt: &xfmt,
        };
        let y = Axis {
            desc: "Density".into(),
            labels: 6,
            grid: true,
            fmt: &yfmt,
        };
        mesh(root, &mut chart, &x, &y)?;
        begin(root, "curves")?;
        for (i, g) in k.groups.iter().enumerate() {
            let step = g.x.len().div_ceil(MAX_POINTS).max(1);
            let mut pts: Vec<(f64, f64)> =
                g.x.iter()
                    .zip(&g.density)
                    .step_by(step)
                    .filter(|(x, f)| x.is_finite() && f.is_finite())
                    .map(|(&x, &f)| (x, f))
                    .collect();
            // Keep the last grid point so the curve reaches the end of the grid.
            if let (Some(&x), Some(&f)) = (g.x.last(), g.density.last())
                && x.is_finite()
                && f.is_finite()
                && pts.last().is_some_and(|p| p.0 != x)
            {
                pts.push((x, f));
            }
            chart.draw_series(LineSeries::new(pts, time_colour(t(i)).stroke_width(2)))?;
        }
        end(root)?;
        begin(root, "peaks")?;
        for (i, g) in k.groups.iter().enumerate() {
            let c = time_colour(t(i));
            chart.draw_series(
                g.peaks
                    .iter()
                    .filter(|p| p.0.is_finite() && p.1.is_finite())
                    .map(|&p| Circle::new(p, 4, c.filled())),
            )?;
        }
        end(root)?;
        // Legend: one swatch per year along a ramp, labels thinned to fit.
        begin(root, "time-legend")?;
        let (xr, _) = chart.plotting_area().get_pixel_range();
        let sw = (((xr.end - xr.start) as f64 * 0.5) / ng.max(1) as f64).clamp(6.0, 40.0) as i32;
        let x0 = xr.start + 10;
        let y0 = 14;
        text(
            root,
            "Year:",
            (x0, y0 + 6),
            &font(12.0),
            HPos::Left,
            VPos::Center,
        )?;
        let bx = x0 + 42;
        let every = (48 / sw).max(1) as usize;
        for (i, g) in k.groups.iter().enumerate() {
            let px = bx + i as i32 * sw;
            root.draw(&Rectangle::new(
                [(px, y0), (px + sw - 1, y0 + 12)],
                time_colour(t(i)).filled(),
            ))?;
            if i % every == 0 || i + 1 == ng {
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
            "peak",
            (lx + 9, y0 + 6),
            &font(12.0),
            HPos::Left,
            VPos::Center,
        )?;
        end(root)?;
        Ok(())
    })?;

    let kernel = k.kernel.clone().unwrap_or_else(|| "kernel".into());
    let rule = k
        .bandwidth_rule
        .clone()
        .map(|r| format!(", {r} bandwidth"))
        .unwrap_or_default();
    let mut caption = format!(
        "Density of the composite score across regions ({kernel} kernel{rule}), one curve per year on a common axis; the colour runs with time from the first year (light green) to the last (dark purple), dots mark the peaks (local maxima of at least 1% of the curve's maximum); spread is the width of the range where the density is at least 5% of its maximum. "
    );
    let describe = |g: &crate::model::KdeGroup| {
        format!(
            "{}: mode {}, {} peak(s), peak height {}, spread {}, bandwidth {}",
            g.key,
            fx(g.mode, 3),
            g.peaks.len(),
            fx(g.peak_height, 2),
            fx(g.spread, 3),
            fx(g.bandwidth, 4)
        )
    };
    if let Some(first) = k.groups.first() {
        caption.push_str(&describe(first));
        if let Some(last) = k.groups.last().filter(|_| ng > 1) {
            caption.push_str("; ");
            caption.push_str(&describe(last));
        }
        caption.push('.');
    }
    Ok(Figure {
        id: "fig-kde",
        title: title.into(),
        svg,
        caption,
    })
}

/// The x position of each group of a by-year report: the year, or the index
/// when keys are not numbers.
fn positions(d: &Disparity) -> (Vec<f64>, bool) {
    let ys: Option<Vec<f64>> = d.groups.iter().map(|g| key_year(&g.key)).collect();
    match ys {
        Some(v) => (v, true),
        None => ((0..d.groups.len()).map(|i| i as f64).collect(), false),
    }
}

/// CV, Theil and Gini over the years (fig-disparity).
pub(crate) fn disparity(d: &Disparity) -> Result<Figure, ReportError> {
    let (xs, numeric) = positions(d);
    let keys: Vec<String> = d.groups.iter().map(|g| g.key.clone()).collect();
    let keyfmt = |v: &f64| {
        if numeric {
            year_label(v)
        } else if (v - v.round()).abs() < 1e-6 && *v >= 0.0 {
            keys.get(v.round() as usize).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    };
    let series: [(&str, Vec<f64>); 3] = [
        (
            "Coefficient of variation",
            d.groups.iter().map(|g| g.cv).collect(),
        ),
        ("Theil index", d.groups.iter().map(|g| g.theil).collect()),
        (
            "Gini coefficient",
            d.groups.iter().map(|g| g.gini).collect(),
        ),
    ];
    let (xlo, xhi) = year_range(&xs, 0.25);
    let ymax = series
        .iter()
        .flat_map(|s| s.1.iter().copied())
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max)
        .max(1e-9)
        * 1.1;
    let ymin = series
        .iter()
        .flat_map(|s| s.1.iter().copied())
        .filter(|v| v.is_finite())
        .fold(0.0, f64::min);
    let ydec = decimals_for(ymax - ymin);
    let yfmt = move |v: &f64| fx(*v, ydec);
    let colours = [category_colour(0), category_colour(5), category_colour(2)];
    let title = "Regional disparity of the composite score";
    let svg = render("fig-disparity", title, (WIDTH, 420), |root| {
        let items: Vec<LegendItem> = series
            .iter()
            .zip(colours)
            .map(|(s, c)| LegendItem {
                label: s.0.to_string(),
                colour: c,
                line: true,
            })
            .collect();
        legend(root, &items, (80, 10), WIDTH as i32 - 100)?;
        let mut chart = ChartBuilder::on(root)
            .margin_top(40)
            .margin_right(28)
            .margin_left(4)
            .x_label_area_size(48)
            .y_label_area_size(66)
            .build_cartesian_2d(xlo..xhi, ymin..ymax)?;
        let x = Axis {
            desc: if numeric {
                "Year".into()
            } else {
                "Group".into()
            },
            labels: xs.len().min(12),
            grid: false,
            fmt: &keyfmt,
        };
        let y = Axis {
            desc: "Value (dimensionless)".into(),
            labels: 7,
            grid: true,
            fmt: &yfmt,
        };
        mesh(root, &mut chart, &x, &y)?;
        begin(root, "series")?;
        for (s, c) in series.iter().zip(colours) {
            let pts: Vec<(f64, f64)> = xs
                .iter()
                .zip(&s.1)
                .filter(|p| p.1.is_finite())
                .map(|(&x, &v)| (x, v))
                .collect();
            chart.draw_series(LineSeries::new(pts, c.stroke_width(2)))?;
        }
        end(root)?;
        begin(root, "markers")?;
        for (i, (s, c)) in series.iter().zip(colours).enumerate() {
            let pts = xs
                .iter()
                .zip(&s.1)
                .filter(|p| p.1.is_finite())
                .map(|(&x, &v)| (x, v));
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
    })?;

    let ng = d.groups.len();
    let mut caption = format!(
        "Coefficient of variation (std{} / mean), Theil index and Gini coefficient of the composite score across regions, per year. ",
        d.ddof
            .map(|k| format!(" with ddof {k}"))
            .unwrap_or_default()
    );
    if ng > 0 {
        let (a, b) = (&d.groups[0], &d.groups[ng - 1]);
        let trend = |x: f64, y: f64| {
            if y < x {
                "fell"
            } else if y > x {
                "rose"
            } else {
                "stayed"
            }
        };
        caption.push_str(&format!(
            "From {} to {}: CV {} from {} to {}, Theil {} from {} to {}, Gini {} from {} to {}.",
            a.key,
            b.key,
            trend(a.cv, b.cv),
            fx(a.cv, 3),
            fx(b.cv, 3),
            trend(a.theil, b.theil),
            fx(a.theil, 4),
            fx(b.theil, 4),
            trend(a.gini, b.gini),
            fx(a.gini, 3),
            fx(b.gini, 3)
        ));
    }
    Ok(Figure {
        id: "fig-disparity",
        title: title.into(),
        svg,
        caption,
    })
}

/// The Dagum decomposition as stacked areas (fig-dagum); None without groups.
pub(crate) fn dagum(d: &Disparity) -> Result<Option<Figure>, ReportError> {
    if d.groups.is_empty() || d.groups.iter().any(|g| g.dagum.is_none()) {
        return Ok(None);
    }
    let (xs, numeric) = positions(d);
    let keys: Vec<String> = d.groups.iter().map(|g| g.key.clone()).collect();
    let keyfmt = |v: &f64| {
        if numeric {
            year_label(v)
        } else if (v - v.round()).abs() < 1e-6 && *v >= 0.0 {
            keys.get(v.round() as usize).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    };
    let parts: Vec<[f64; 3]> = d
        .groups
        .iter()
        .filter_map(|g| g.dagum.as_ref())
        .map(|g| {
            [g.within, g.between, g.transvariation].map(|v| if v.is_finite() { v } else { 0.0 })
        })
        .collect();
    let names = ["Within groups", "Between groups (net)", "Transvariation"];
    let colours = [category_colour(0), category_colour(1), category_colour(2)];
    let (xlo, xhi) = year_range(&xs, 0.2);
    let ymax = parts
        .iter()
        .map(|p| p.iter().sum::<f64>())
        .fold(0.0, f64::max)
        .max(1e-9)
        * 1.1;
    let ydec = decimals_for(ymax);
    let yfmt = move |v: &f64| fx(*v, ydec);
    let title = "Dagum decomposition of the Gini coefficient";
    let svg = render("fig-dagum", title, (WIDTH, 420), |root| {
        let items: Vec<LegendItem> = names
            .iter()
            .zip(colours)
            .map(|(n, c)| LegendItem {
                label: n.to_string(),
                colour: c,
                line: false,
            })
            .collect();
        legend(root, &items, (80, 10), WIDTH as i32 - 100)?;
        let mut chart = ChartBuilder::on(root)
            .margin_top(40)
            .margin_right(28)
            .margin_left(4)
            .x_label_area_size(48)
            .y_label_area_size(66)
            .build_cartesian_2d(xlo..xhi, 0.0..ymax)?;
        let x = Axis {
            desc: if numeric {
                "Year".into()
            } else {
                "Group".into()
            },
            labels: xs.len().min(12),
            grid: false,
            fmt: &keyfmt,
        };
        let y = Axis {
            desc: "Contribution to the Gini coefficient".into(),
            labels: 7,
            grid: true,
            fmt: &yfmt,
        };
        mesh(root, &mut chart, &x, &y)?;
        begin(root, "areas")?;
        let mut lower = vec![0.0; xs.len()];
        for (c, colour) in colours.iter().enumerate() {
            let upper: Vec<f64> = lower.iter().zip(&parts).map(|(l, p)| l + p[c]).collect();
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
    })?;

    let describe = |i: usize| {
        let g = &d.groups[i];
        let p = &parts[i];
        let total = p.iter().sum::<f64>();
        format!(
            "{}: G = {} = within {} ({}) + between {} ({}) + transvariation {} ({})",
            g.key,
            fx(total, 4),
            fx(p[0], 4),
            pct(p[0], total),
            fx(p[1], 4),
            pct(p[1], total),
            fx(p[2], 4),
            pct(p[2], total)
        )
    };
    let groups: Vec<String> = d.groups[0]
        .dagum
        .as_ref()
        .map(|g| g.within_groups.iter().map(|w| w.0.clone()).collect())
        .unwrap_or_default();
    let mut caption = format!(
        "Dagum (1997) decomposition of the Gini coefficient of the composite score into within-group, net between-group and transvariation contributions, stacked, per year; the stack height (dots) is the total Gini. Groups: {}. ",
        if groups.is_empty() {
            "–".to_string()
        } else {
            groups.join(", ")
        }
    );
    caption.push_str(&describe(0));
    if d.groups.len() > 1 {
        caption.push_str("; ");
        caption.push_str(&describe(d.groups.len() - 1));
    }
    caption.push('.');
    Ok(Some(Figure {
        id: "fig-dagum",
        title: title.into(),
        svg,
        caption,
    }))
}
