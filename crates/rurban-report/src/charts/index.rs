//! Charts of the index itself: weights, composite over time, heatmap,
//! dimension scores.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::{Axis, Figure, mesh, year_label, year_range};
use crate::ReportError;
use crate::draw::{
    INK, LegendItem, MUTED, NEUTRAL, begin, bold, category_colour, end, font, heat_colour, is_dark,
    legend, padded, render, series_colour, spread_labels, text, text_width,
};
use crate::fmt::{decimals_for, fx, pct, signed};
use crate::model::Summary;

const WIDTH: u32 = 920;

/// Weights as horizontal bars, grouped by dimension (fig-weights).
pub(crate) fn weights(s: &Summary) -> Result<Figure, ReportError> {
    // Rows from the top: a header per dimension, then its indicators.
    enum Row<'a> {
        Header(&'a str, f64, usize),
        Bar(&'a str, f64, f64, f64, usize),
    }
    let mut rows = Vec::new();
    let mut totals = Vec::new();
    let mut all = Vec::new();
    for (d, dim) in s.dimensions.iter().enumerate() {
        let ws: Vec<(f64, f64, f64)> = dim.indicators.iter().map(|i| s.shown_weight(i)).collect();
        let total: f64 = ws.iter().map(|w| w.0).filter(|w| w.is_finite()).sum();
        totals.push((dim.name.as_str(), total));
        rows.push(Row::Header(&dim.name, total, d));
        for (ind, w) in dim.indicators.iter().zip(&ws) {
            rows.push(Row::Bar(&ind.name, w.0, w.1, w.2, d));
            all.push((ind.name.as_str(), w.0));
        }
    }
    let yearly = !s.year_weights.is_empty();
    let label_px = 12.0;
    let left = rows
        .iter()
        .map(|r| match r {
            Row::Header(n, t, _) => text_width(&format!("{n} (Σ {})", fx(*t, 3)), label_px) + 14.0,
            Row::Bar(n, ..) => text_width(n, label_px) + 26.0,
        })
        .fold(120.0, f64::max)
        .min(420.0)
        .ceil() as u32;
    let row_h = 22u32;
    let nrows = rows.len();
    let height = nrows as u32 * row_h + 16 + 50;
    let wmax = all.iter().map(|w| w.1).chain(
        s.year_weights
            .iter()
            .flat_map(|y| y.weights.values().copied()),
    );
    let xmax = wmax.filter(|w| w.is_finite()).fold(0.0, f64::max).max(1e-9) * 1.16;
    let xdec = decimals_for(xmax);
    let xfmt = move |v: &f64| fx(*v, xdec);
    let title = "Indicator weights by dimension";
    let svg = render("fig-weights", title, (WIDTH, height), |root| {
        let mut chart = ChartBuilder::on(root)
            .margin_top(16)
            .margin_right(24)
            .margin_left(0)
            .x_label_area_size(50)
            .y_label_area_size(left)
            .build_cartesian_2d(0.0..xmax, -0.5..(nrows as f64 - 0.5))?;
        let x = Axis {
            desc: "Weight (weights sum to 1)".into(),
            labels: 8,
            grid: true,
            fmt: &xfmt,
        };
        let y = Axis::hidden();
        mesh(root, &mut chart, &x, &y)?;
        let yrow = |k: usize| (nrows - 1 - k) as f64;
        begin(root, "bars")?;
        for (k, r) in rows.iter().enumerate() {
            if let Row::Bar(_, w, _, _, d) = r
                && w.is_finite()
            {
                let c = category_colour(*d);
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(0.0, yrow(k) - 0.32), (*w, yrow(k) + 0.32)],
                    c.filled(),
                )))?;
            }
        }
        end(root)?;
        if yearly {
            begin(root, "ranges")?;
            for (k, r) in rows.iter().enumerate() {
                if let Row::Bar(_, _, lo, hi, _) = r
                    && lo.is_finite()
                    && hi.is_finite()
                {
                    chart.draw_series(std::iter::once(PathElement::new(
                        vec![(*lo, yrow(k)), (*hi, yrow(k))],
                        INK.stroke_width(1),
                    )))?;
                }
            }
            end(root)?;
        }
        begin(root, "labels")?;
        let (px_range, _) = chart.plotting_area().get_pixel_range();
        let x0 = px_range.start;
        for (k, r) in rows.iter().enumerate() {
            let (_, py) = chart.backend_coord(&(0.0, yrow(k)));
            match r {
                Row::Header(n, t, d) => {
                    let c = category_colour(*d);
                    root.draw(&Rectangle::new([(8, py - 5), (18, py + 5)], c.filled()))?;
                    text(
                        root,
                        &format!("{n} (Σ {})", fx(*t, 3)),
                        (24, py),
                        &bold(label_px),
                        HPos::Left,
                        VPos::Center,
                    )?;
                }
                Row::Bar(n, w, _, hi, _) => {
                    text(
                        root,
                        n,
                        (x0 - 8, py),
                        &font(label_px),
                        HPos::Right,
                        VPos::Center,
                    )?;
                    let end_x = if yearly && hi.is_finite() {
                        hi.max(*w)
                    } else {
                        *w
                    };
                    if w.is_finite() {
                        let (bx, _) = chart.backend_coord(&(end_x, 0.0));
                        text(
                            root,
                            &fx(*w, 3),
                            (bx + 5, py),
                            &font(11.0).color(&MUTED),
                            HPos::Left,
                            VPos::Center,
                        )?;
                    }
                }
            }
        }
        end(root)?;
        Ok(())
    })?;

    let nind = all.len();
    let finite: Vec<&(&str, f64)> = all.iter().filter(|w| w.1.is_finite()).collect();
    let top = finite.iter().max_by(|a, b| a.1.total_cmp(&b.1));
    let low = finite.iter().min_by(|a, b| a.1.total_cmp(&b.1));
    let sum: f64 = finite.iter().map(|w| w.1).sum();
    let method = s
        .method
        .weighting
        .clone()
        .unwrap_or_else(|| "unnamed".into());
    let mut caption = format!(
        "Weights of the {nind} indicators ({method} method{}), grouped by dimension; each bar is labelled with its weight. ",
        if yearly {
            ", scope = year: bars show the mean weight over the years, whiskers the range from the smallest to the largest yearly weight"
        } else {
            ""
        }
    );
    caption.push_str("Dimension totals: ");
    caption.push_str(
        &totals
            .iter()
            .map(|(n, t)| format!("{n} {}", fx(*t, 3)))
            .collect::<Vec<_>>()
            .join(", "),
    );
    caption.push_str(". ");
    if let (Some(t), Some(l)) = (top, low) {
        caption.push_str(&format!(
            "Largest weight: {} ({}); smallest: {} ({}). The weights shown sum to {}.",
            t.0,
            fx(t.1, 3),
            l.0,
            fx(l.1, 3),
            fx(sum, 3)
        ));
    }
    Ok(Figure {
        id: "fig-weights",
        title: title.into(),
        svg,
        caption,
    })
}

/// Composite score over the years: one line per region and the mean (fig-composite).
pub(crate) fn composite(s: &Summary) -> Result<Figure, ReportError> {
    let years: Vec<f64> = s.years.iter().map(|&y| y as f64).collect();
    let ny = years.len();
    let mean = s.yearly_mean();
    let n = s.regions.len();
    let lab_px = 11.0;
    let label_w = s
        .regions
        .iter()
        .map(|r| text_width(r, lab_px))
        .fold(text_width("Mean", 12.0), f64::max);
    let right = (label_w + 36.0).ceil() as u32;
    let height = (((n + 1) as f64 * (lab_px + 1.5)) as u32 + 120).max(440);
    let (xlo, xhi) = year_range(&years, 0.25);
    let (ylo, yhi) = padded(
        s.composite
            .iter()
            .flatten()
            .copied()
            .chain(mean.iter().copied()),
        0.06,
    );
    let ydec = decimals_for(yhi - ylo);
    let yfmt = move |v: &f64| fx(*v, ydec);
    let stroke = if n > 15 { 1 } else { 2 };
    let title = "Composite score over the years";
    // The last year with a value, per region.
    let last_point = |row: &[f64]| {
        (0..ny)
            .rev()
            .find(|&y| row[y].is_finite())
            .map(|y| (years[y], row[y]))
    };
    let svg = render("fig-composite", title, (WIDTH, height), |root| {
        let mut chart = ChartBuilder::on(root)
            .margin_top(18)
            .margin_right(right)
            .margin_left(4)
            .x_label_area_size(48)
            .y_label_area_size(66)
            .build_cartesian_2d(xlo..xhi, ylo..yhi)?;
        let x = Axis {
            desc: "Year".into(),
            labels: ny.min(12),
            grid: false,
            fmt: &year_label,
        };
        let y = Axis {
            desc: "Composite score (index, 0–1)".into(),
            labels: 7,
            grid: true,
            fmt: &yfmt,
        };
        mesh(root, &mut chart, &x, &y)?;
        begin(root, "series")?;
        for (r, row) in s.composite.iter().enumerate() {
            let pts: Vec<(f64, f64)> = (0..ny)
                .filter(|&y| row[y].is_finite())
                .map(|y| (years[y], row[y]))
                .collect();
            chart.draw_series(LineSeries::new(pts, series_colour(r).stroke_width(stroke)))?;
        }
        end(root)?;
        begin(root, "mean")?;
        let pts: Vec<(f64, f64)> = (0..ny)
            .filter(|&y| mean[y].is_finite())
            .map(|y| (years[y], mean[y]))
            .collect();
        chart.draw_series(LineSeries::new(pts.clone(), INK.stroke_width(3)))?;
        end(root)?;
        begin(root, "mean-points")?;
        chart.draw_series(pts.iter().map(|&p| Circle::new(p, 3, INK.filled())))?;
        end(root)?;

        // Direct labels at the right end, moved apart so they never overlap.
        let (xr, yr) = chart.plotting_area().get_pixel_range();
        let mut ends: Vec<(String, (i32, i32), RGBColor, bool)> = Vec::new();
        for (r, row) in s.composite.iter().enumerate() {
            if let Some(p) = last_point(row) {
                ends.push((
                    s.regions[r].clone(),
                    chart.backend_coord(&p),
                    series_colour(r),
                    false,
                ));
            }
        }
        if let Some(p) = last_point(&mean) {
            ends.push(("Mean".into(), chart.backend_coord(&p), INK, true));
        }
        let want: Vec<f64> = ends.iter().map(|e| e.1.1 as f64).collect();
        let pos = spread_labels(
            &want,
            lab_px + 1.5,
            yr.start as f64 + 4.0,
            yr.end as f64 - 4.0,
        );
        begin(root, "labels")?;
        let lx = xr.end + 14;
        for (e, p) in ends.iter().zip(&pos) {
            let py = p.round() as i32;
            root.draw(&PathElement::new(
                vec![(e.1.0 + 3, e.1.1), (lx - 3, py)],
                e.2.mix(0.6).stroke_width(1),
            ))?;
            let style = if e.3 {
                bold(12.0)
            } else {
                font(lab_px).color(&e.2)
            };
            text(root, &e.0, (lx, py), &style, HPos::Left, VPos::Center)?;
        }
        end(root)?;
        Ok(())
    })?;

    let (y0, y1) = (s.years[0], s.years[ny - 1]);
    let mut caption = format!(
        "Composite score of each of the {n} regions from {y0} to {y1} (thin coloured lines, labelled at the right end) and the cross-region mean (thick black line with dots). "
    );
    let (m0, m1) = (mean[0], mean[ny - 1]);
    caption.push_str(&format!(
        "The mean went from {} in {y0} to {} in {y1} ({}).",
        fx(m0, 3),
        fx(m1, 3),
        signed(m1 - m0, 3)
    ));
    let last: Vec<(usize, f64)> = s
        .composite
        .iter()
        .enumerate()
        .map(|(r, row)| (r, row[ny - 1]))
        .filter(|v| v.1.is_finite())
        .collect();
    if let (Some(hi), Some(lo)) = (
        last.iter().max_by(|a, b| a.1.total_cmp(&b.1)),
        last.iter().min_by(|a, b| a.1.total_cmp(&b.1)),
    ) {
        caption.push_str(&format!(
            " In {y1} the highest score is {} ({}), the lowest {} ({}).",
            s.regions[hi.0],
            fx(hi.1, 3),
            s.regions[lo.0],
            fx(lo.1, 3)
        ));
    }
    let gains: Vec<(usize, f64)> = s
        .composite
        .iter()
        .enumerate()
        .map(|(r, row)| (r, row[ny - 1] - row[0]))
        .filter(|v| v.1.is_finite())
        .collect();
    if ny > 1
        && let Some(g) = gains.iter().max_by(|a, b| a.1.total_cmp(&b.1))
    {
        caption.push_str(&format!(
            " The largest gain is {} ({}).",
            s.regions[g.0],
            signed(g.1, 3)
        ));
    }
    Ok(Figure {
        id: "fig-composite",
        title: title.into(),
        svg,
        caption,
    })
}

/// Region order by mean composite, highest first (ties by name order).
fn order_by(values: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (values[a], values[b]);
        match (x.is_finite(), y.is_finite()) {
            (true, true) => y.total_cmp(&x),
            (true, false) => std::cmp::Ordering::Less,
            (false, true) => std::cmp::Ordering::Greater,
            (false, false) => std::cmp::Ordering::Equal,
        }
        .then(a.cmp(&b))
    });
    order
}

/// Region x year heatmap of the composite (fig-heatmap).
pub(crate) fn heatmap(s: &Summary) -> Result<Figure, ReportError> {
    let n = s.regions.len();
    let ny = s.years.len();
    let order = order_by(&s.region_mean());
    let lab_px = if n > 40 { 10.0 } else { 12.0 };
    let cell_h: u32 = if n > 40 { 15 } else { 22 };
    let left = (s
        .regions
        .iter()
        .map(|r| text_width(r, lab_px))
        .fold(40.0, f64::max)
        + 20.0)
        .ceil() as u32;
    let height = n as u32 * cell_h + 18 + 48;
    let scale_w = 90u32;
    let (lo, hi) = padded(s.composite.iter().flatten().copied(), 0.0);
    let t = |v: f64| if hi > lo { (v - lo) / (hi - lo) } else { 0.5 };
    let yearsf: Vec<f64> = s.years.iter().map(|&y| y as f64).collect();
    let title = "Composite score by region and year";
    let plot_w = WIDTH as f64 - left as f64 - scale_w as f64 - 10.0;
    let cell_w = plot_w / ny as f64;
    let show_values = cell_w >= 38.0 && cell_h >= 15;
    let svg = render("fig-heatmap", title, (WIDTH, height), |root| {
        let mut chart = ChartBuilder::on(root)
            .margin_top(18)
            .margin_right(scale_w + 10)
            .margin_left(0)
            .x_label_area_size(48)
            .y_label_area_size(left)
            .build_cartesian_2d(-0.5..(ny as f64 - 0.5), -0.5..(n as f64 - 0.5))?;
        let x = Axis {
            desc: "Year".into(),
            ..Axis::hidden()
        };
        let y = Axis::hidden();
        mesh(root, &mut chart, &x, &y)?;
        let row = |k: usize| (n - 1 - k) as f64;
        begin(root, "cells")?;
        for (k, &r) in order.iter().enumerate() {
            for yi in 0..ny {
                let v = s.composite[r][yi];
                let c = if v.is_finite() {
                    heat_colour(t(v))
                } else {
                    NEUTRAL
                };
                chart.draw_series(std::iter::once(Rectangle::new(
                    [
                        (yi as f64 - 0.5, row(k) - 0.5),
                        (yi as f64 + 0.5, row(k) + 0.5),
                    ],
                    c.filled(),
                )))?;
            }
        }
        end(root)?;
        if show_values {
            begin(root, "values")?;
            for (k, &r) in order.iter().enumerate() {
                for yi in 0..ny {
                    let v = s.composite[r][yi];
                    let p = chart.backend_coord(&(yi as f64, row(k)));
                    let (label, colour) = if v.is_finite() {
                        let c = heat_colour(t(v));
                        (fx(v, 2), if is_dark(c) { WHITE } else { INK })
                    } else {
                        ("n/a".to_string(), WHITE)
                    };
                    text(
                        root,
                        &label,
                        p,
                        &font(10.5).color(&colour),
                        HPos::Center,
                        VPos::Center,
                    )?;
                }
            }
            end(root)?;
        }
        begin(root, "row-labels")?;
        let (xr, yr) = chart.plotting_area().get_pixel_range();
        for (k, &r) in order.iter().enumerate() {
            let (_, py) = chart.backend_coord(&(0.0, row(k)));
            text(
                root,
                &s.regions[r],
                (xr.start - 8, py),
                &font(lab_px),
                HPos::Right,
                VPos::Center,
            )?;
        }
        end(root)?;
        begin(root, "col-labels")?;
        // Every year when there is room, else every k-th.
        let step = ((ny as f64 * 34.0) / (xr.end - xr.start) as f64)
            .ceil()
            .max(1.0) as usize;
        for yi in (0..ny).step_by(step) {
            let (px, _) = chart.backend_coord(&(yi as f64, 0.0));
            text(
                root,
                &year_label(&yearsf[yi]),
                (px, yr.end + 6),
                &font(11.5).color(&MUTED),
                HPos::Center,
                VPos::Top,
            )?;
        }
        end(root)?;
        // Colour scale at the right.
        begin(root, "scale")?;
        let sx = xr.end + 22;
        let (top, bottom) = (
            yr.start,
            yr.start + ((yr.end - yr.start) as f64).min(240.0) as i32,
        );
        let steps = 40;
        for i in 0..steps {
            let y0 = bottom - (bottom - top) * (i + 1) / steps;
            let y1 = bottom - (bottom - top) * i / steps;
            let c = heat_colour((i as f64 + 0.5) / steps as f64);
            root.draw(&Rectangle::new([(sx, y0), (sx + 14, y1)], c.filled()))?;
        }
        let dec = decimals_for(hi - lo).max(2);
        for i in 0..=4 {
            let v = lo + (hi - lo) * i as f64 / 4.0;
            let py = bottom - (bottom - top) * i / 4;
            root.draw(&PathElement::new(
                vec![(sx + 14, py), (sx + 18, py)],
                INK.stroke_width(1),
            ))?;
            text(
                root,
                &fx(v, dec),
                (sx + 21, py),
                &font(10.5).color(&MUTED),
                HPos::Left,
                VPos::Center,
            )?;
        }
        text(
            root,
            "score",
            (sx, top - 6),
            &font(10.5).color(&MUTED),
            HPos::Left,
            VPos::Bottom,
        )?;
        end(root)?;
        Ok(())
    })?;

    let mut cells: Vec<(usize, usize, f64)> = Vec::new();
    for r in 0..n {
        for y in 0..ny {
            if s.composite[r][y].is_finite() {
                cells.push((r, y, s.composite[r][y]));
            }
        }
    }
    let missing = n * ny - cells.len();
    let mut caption = format!(
        "Composite score of each region (rows, ordered by the region's mean over the years, highest first) in each year (columns); darker cells are higher scores, on a scale from {} to {}{}. ",
        fx(lo, 3),
        fx(hi, 3),
        if show_values {
            "; cell values are rounded to 2 decimals"
        } else {
            ""
        }
    );
    if let (Some(h), Some(l)) = (
        cells.iter().max_by(|a, b| a.2.total_cmp(&b.2)),
        cells.iter().min_by(|a, b| a.2.total_cmp(&b.2)),
    ) {
        caption.push_str(&format!(
            "Highest: {} in {} ({}); lowest: {} in {} ({}).",
            s.regions[h.0],
            s.years[h.1],
            fx(h.2, 3),
            s.regions[l.0],
            s.years[l.1],
            fx(l.2, 3)
        ));
    }
    if missing > 0 {
        caption.push_str(&format!(
            " {missing} region-year(s) have no score (grey, n/a)."
        ));
    }
    Ok(Figure {
        id: "fig-heatmap",
        title: title.into(),
        svg,
        caption,
    })
}

/// Dimension scores of the last year, stacked per region (fig-dimensions).
pub(crate) fn dimensions(s: &Summary) -> Result<Figure, ReportError> {
    let n = s.regions.len();
    let nd = s.dimensions.len();
    let ny = s.years.len();
    let yl = ny - 1;
    let last_year = s.years[yl];
    let totals: Vec<f64> = (0..n)
        .map(|r| {
            (0..nd)
                .map(|d| s.dims[d][r][yl])
                .filter(|v| v.is_finite())
                .sum()
        })
        .collect();
    let comp_last: Vec<f64> = (0..n).map(|r| s.composite[r][yl]).collect();
    let order = order_by(&comp_last);
    let lab_px = if n > 40 { 10.0 } else { 12.0 };
    let bar_h: u32 = if n > 40 { 15 } else { 21 };
    let left = (s
        .regions
        .iter()
        .map(|r| text_width(r, lab_px))
        .fold(40.0, f64::max)
        + 20.0)
        .ceil() as u32;
    let legend_items: Vec<LegendItem> = s
        .dimensions
        .iter()
        .enumerate()
        .map(|(d, dim)| LegendItem {
            label: dim.name.clone(),
            colour: category_colour(d),
            line: false,
        })
        .collect();
    let legend_w: f64 = legend_items
        .iter()
        .map(|i| text_width(&i.label, 12.0) + 42.0)
        .sum();
    let legend_rows = (legend_w / (WIDTH as f64 - 40.0)).ceil().max(1.0) as u32;
    let top = 18 * legend_rows + 22;
    let height = n as u32 * bar_h + top + 52;
    let xmax = totals
        .iter()
        .chain(comp_last.iter())
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max)
        .max(1e-9)
        * 1.12;
    let xdec = decimals_for(xmax);
    let xfmt = move |v: &f64| fx(*v, xdec);
    let title = format!("Dimension scores in {last_year}");
    let svg = render("fig-dimensions", &title, (WIDTH, height), |root| {
        legend(
            root,
            &legend_items,
            (left as i32, 10),
            WIDTH as i32 - left as i32 - 20,
        )?;
        let mut chart = ChartBuilder::on(root)
            .margin_top(top)
            .margin_right(24)
            .margin_left(0)
            .x_label_area_size(48)
            .y_label_area_size(left)
            .build_cartesian_2d(0.0..xmax, -0.5..(n as f64 - 0.5))?;
        let x = Axis {
            desc: format!("Score in {last_year} (dimension scores add up to the composite)"),
            labels: 8,
            grid: true,
            fmt: &xfmt,
        };
        let y = Axis::hidden();
        mesh(root, &mut chart, &x, &y)?;
        let row = |k: usize| (n - 1 - k) as f64;
        begin(root, "bars")?;
        for (k, &r) in order.iter().enumerate() {
            let mut acc = 0.0;
            for d in 0..nd {
                let v = s.dims[d][r][yl];
                let v = if v.is_finite() { v } else { 0.0 };
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(acc, row(k) - 0.36), (acc + v, row(k) + 0.36)],
                    category_colour(d).filled(),
                )))?;
                acc += v;
            }
        }
        end(root)?;
        begin(root, "labels")?;
        let (xr, _) = chart.plotting_area().get_pixel_range();
        for (k, &r) in order.iter().enumerate() {
            let (_, py) = chart.backend_coord(&(0.0, row(k)));
            text(
                root,
                &s.regions[r],
                (xr.start - 8, py),
                &font(lab_px),
                HPos::Right,
                VPos::Center,
            )?;
            if totals[r].is_finite() {
                let (bx, _) = chart.backend_coord(&(totals[r], 0.0));
                text(
                    root,
                    &fx(comp_last[r], 3),
                    (bx + 5, py),
                    &font(10.5).color(&MUTED),
                    HPos::Left,
                    VPos::Center,
                )?;
            }
        }
        end(root)?;
        Ok(())
    })?;

    let mean_total = crate::model::mean(totals.iter().copied());
    let mut caption = format!(
        "Scores of the {nd} dimensions in {last_year}, stacked per region (regions ordered by their composite score in {last_year}, highest first; the number at the end of each bar is the composite). Mean contribution over the regions: "
    );
    let parts: Vec<String> = s
        .dimensions
        .iter()
        .enumerate()
        .map(|(d, dim)| {
            let m = crate::model::mean((0..n).map(|r| s.dims[d][r][yl]));
            format!("{} {} ({})", dim.name, fx(m, 3), pct(m, mean_total))
        })
        .collect();
    caption.push_str(&parts.join(", "));
    caption.push('.');
    if let Some(&r) = order.first()
        && comp_last[r].is_finite()
    {
        let best = (0..nd).max_by(|&a, &b| {
            let (x, y) = (s.dims[a][r][yl], s.dims[b][r][yl]);
            x.total_cmp(&y)
        });
        if let Some(d) = best {
            caption.push_str(&format!(
                " The top region, {} ({}), draws most from {} ({}).",
                s.regions[r],
                fx(comp_last[r], 3),
                s.dimensions[d].name,
                fx(s.dims[d][r][yl], 3)
            ));
        }
    }
    Ok(Figure {
        id: "fig-dimensions",
        title,
        svg,
        caption,
    })
}
