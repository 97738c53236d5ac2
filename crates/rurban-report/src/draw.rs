//! Drawing helpers shared by the charts: an SVG canvas on plotters' SVG
//! backend, grouping markers, text, colours, legends and label placement.
//!
//! plotters' SVG backend writes a flat list of elements. To give the charts a
//! structure a test (or a reader of the SVG) can rely on, a chart brackets
//! each layer with [`begin`] / [`end`], which draw marker text elements; when
//! the SVG is finished, [`finish`] turns each marker into `<g class="...">` /
//! `</g>`, gives the root `<svg>` its id and a `<title>`, and replaces the
//! placeholder font family with the CJK-capable font stack.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::ReportError;

/// Placeholder family written by plotters, replaced in [`finish`].
const FONT: &str = "rurban-sans";
/// The font stack of every SVG text (region and indicator names are often Chinese).
pub(crate) const FONT_STACK: &str = r#""Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "SimSun", sans-serif"#;
/// First character of a grouping marker (a private-use code point).
const MARK: char = '\u{E000}';

/// What a chart's drawing closure returns.
pub(crate) type DrawResult = Result<(), Box<dyn std::error::Error>>;
/// The root drawing area of a chart.
pub(crate) type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// Dark text and axis colour.
pub(crate) const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
/// Secondary text.
pub(crate) const MUTED: RGBColor = RGBColor(0x5f, 0x63, 0x68);
/// Grid lines.
pub(crate) const GRID: RGBColor = RGBColor(0xe3, 0xe5, 0xe8);
/// Links spanning several tiers, missing cells.
pub(crate) const NEUTRAL: RGBColor = RGBColor(0x9a, 0x9a, 0x9a);

/// Draws a chart of `w` x `h` pixels and returns the finished `<svg>`.
pub(crate) fn render<F>(
    id: &str,
    title: &str,
    (w, h): (u32, u32),
    f: F,
) -> Result<String, ReportError>
where
    F: for<'a, 'b> FnOnce(&'a Area<'b>) -> DrawResult,
{
    let chart_err = |e: String| ReportError::Chart {
        figure: id.to_string(),
        message: e,
    };
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| chart_err(e.to_string()))?;
        f(&root).map_err(|e| chart_err(e.to_string()))?;
        root.present().map_err(|e| chart_err(e.to_string()))?;
    }
    Ok(finish(&buf, id, title))
}

/// Opens a group `<g class="class">` (see the module doc).
pub(crate) fn begin(root: &Area, class: &str) -> DrawResult {
    root.draw(&Text::new(format!("{MARK}g {class}"), (0, 0), font(1.0)))?;
    Ok(())
}

/// Closes the group opened last.
pub(crate) fn end(root: &Area) -> DrawResult {
    root.draw(&Text::new(format!("{MARK}/g"), (0, 0), font(1.0)))?;
    Ok(())
}

/// Post-processes plotters' SVG: groups, id, title, font stack.
pub(crate) fn finish(raw: &str, id: &str, title: &str) -> String {
    let stack = FONT_STACK.replace('"', "&quot;");
    let lines: Vec<&str> = raw.lines().collect();
    let mut out = String::with_capacity(raw.len() + 256);
    let mut i = 0;
    let mut depth = 0usize;
    while i < lines.len() {
        let line = lines[i];
        if i == 0 && line.starts_with("<svg ") {
            out.push_str(&format!(
                "<svg id=\"{}-svg\" class=\"chart\" role=\"img\" ",
                crate::html::attr(id)
            ));
            out.push_str(&line[5..]);
            out.push('\n');
            out.push_str(&format!("<title>{}</title>\n", crate::html::esc(title)));
            i += 1;
            continue;
        }
        if line.starts_with("<text") && i + 2 < lines.len() && lines[i + 1].starts_with(MARK) {
            let marker = &lines[i + 1][MARK.len_utf8()..];
            if let Some(class) = marker.strip_prefix("g ") {
                out.push_str(&format!("<g class=\"{}\">\n", crate::html::attr(class)));
                depth += 1;
            } else if depth > 0 {
                out.push_str("</g>\n");
                depth -= 1;
            }
            i += 3;
            continue;
        }
        if line == "</svg>" {
            for _ in 0..depth {
                out.push_str("</g>\n");
            }
            depth = 0;
        }
        if line.starts_with("<text") {
            out.push_str(&line.replace(
                &format!("font-family=\"{FONT}\""),
                &format!("font-family=\"{stack}\""),
            ));
        } else {
            out.push_str(line);
        }
        out.push('\n');
        i += 1;
    }
    out
}

/// A text style of `px` pixels (plotters divides the size by 1.24).
pub(crate) fn font(px: f64) -> TextStyle<'static> {
    (FONT, px * 1.24).into_font().color(&INK)
}

/// A bold text style.
pub(crate) fn bold(px: f64) -> TextStyle<'static> {
    (FONT, px * 1.24, FontStyle::Bold).into_font().color(&INK)
}

/// Estimated width in pixels of `s` at `px` pixels: CJK and full-width
/// characters take one em, Latin letters and digits about 0.55 em.
pub(crate) fn text_width(s: &str, px: f64) -> f64 {
    s.chars()
        .map(|c| {
            let u = c as u32;
            if u >= 0x2E80 {
                1.0
            } else if c.is_ascii_uppercase() || c == 'm' || c == 'w' || c == 'M' || c == 'W' {
                0.68
            } else if c.is_ascii_digit() || c.is_ascii_lowercase() {
                0.56
            } else if c == ' ' || c == '.' || c == ',' || c == '\'' || c == 'i' || c == 'l' {
                0.3
            } else {
                0.5
            }
        })
        .sum::<f64>()
        * px
}

/// Draws `s` at pixel `(x, y)` with the given anchor.
pub(crate) fn text(
    root: &Area,
    s: &str,
    (x, y): (i32, i32),
    style: &TextStyle,
    h: HPos,
    v: VPos,
) -> DrawResult {
    root.draw(&Text::new(s.to_string(), (x, y), style.pos(Pos::new(h, v))))?;
    Ok(())
}

/// Hex colour `#rrggbb` to plotters.
pub(crate) fn hex(s: &str) -> RGBColor {
    let v = u32::from_str_radix(s.trim_start_matches('#'), 16).unwrap_or(0);
    RGBColor((v >> 16) as u8, (v >> 8) as u8, v as u8)
}

/// Colours for many lines (regions): tab10 and two dark extras.
const SERIES: [&str; 12] = [
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
    "#7f7f7f", "#bcbd22", "#393b79", "#637939",
];

/// The `i`-th series colour (cycles).
pub(crate) fn series_colour(i: usize) -> RGBColor {
    hex(SERIES[i % SERIES.len()])
}

/// Colours for a few categories (dimensions): Okabe-Ito, colour-blind safe.
const CATEGORY: [&str; 8] = [
    "#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#8c6d31", "#000000",
];

/// The `i`-th category colour (cycles).
pub(crate) fn category_colour(i: usize) -> RGBColor {
    hex(CATEGORY[i % CATEGORY.len()])
}

/// Tier colours: tier 1 first.
const TIERS: [&str; 8] = [
    "#1b7837", "#2166ac", "#e08214", "#b2182b", "#762a83", "#8c510a", "#35978f", "#4d4d4d",
];

/// Colour of a tier (1-based).
pub(crate) fn tier_colour(tier: i64) -> RGBColor {
    let i = if tier >= 1 {
        (tier - 1) as usize
    } else {
        TIERS.len() - 1
    };
    hex(TIERS[i % TIERS.len()])
}

fn ramp(stops: &[&str], t: f64) -> RGBColor {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let seg = (stops.len() - 1) as f64;
    let k = ((t * seg).floor() as usize).min(stops.len() - 2);
    let f = t * seg - k as f64;
    let (a, b) = (hex(stops[k]), hex(stops[k + 1]));
    let mix = |x: u8, y: u8| (x as f64 + (y as f64 - x as f64) * f).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Sequential scale for the heatmap (YlGnBu), `t` in [0, 1].
pub(crate) fn heat_colour(t: f64) -> RGBColor {
    ramp(
        &[
            "#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#253494",
            "#081d58",
        ],
        t,
    )
}

/// Colour running with time (viridis from green to dark purple), `t` in [0, 1].
pub(crate) fn time_colour(t: f64) -> RGBColor {
    ramp(&["#7ad151", "#22a884", "#2a788e", "#414487", "#440154"], t)
}

/// Relative luminance, to pick black or white text on a fill.
pub(crate) fn is_dark(c: RGBColor) -> bool {
    let l = 0.2126 * c.0 as f64 + 0.7152 * c.1 as f64 + 0.0722 * c.2 as f64;
    l < 128.0
}

/// Moves label positions (pixels, any order) apart so that neighbours are at
/// least `gap` apart, staying within `[lo, hi]` when there is room.
/// Returns the new positions in the input order.
pub(crate) fn spread_labels(want: &[f64], gap: f64, lo: f64, hi: f64) -> Vec<f64> {
    let mut order: Vec<usize> = (0..want.len()).collect();
    order.sort_by(|&a, &b| want[a].total_cmp(&want[b]));
    let mut pos: Vec<f64> = order.iter().map(|&i| want[i].clamp(lo, hi)).collect();
    for k in 1..pos.len() {
        if pos[k] < pos[k - 1] + gap {
            pos[k] = pos[k - 1] + gap;
        }
    }
    if let Some(&last) = pos.last()
        && last > hi
    {
        let n = pos.len();
        pos[n - 1] = hi;
        for k in (0..n - 1).rev() {
            if pos[k] > pos[k + 1] - gap {
                pos[k] = pos[k + 1] - gap;
            }
        }
    }
    let mut out = vec![0.0; want.len()];
    for (k, &i) in order.iter().enumerate() {
        out[i] = pos[k];
    }
    out
}

/// A padded axis range around finite values (never empty).
pub(crate) fn padded(vals: impl Iterator<Item = f64>, pad: f64) -> (f64, f64) {
    let (lo, hi) = vals
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    let span = hi - lo;
    if span <= f64::EPSILON * hi.abs().max(1.0) {
        let d = if lo.abs() > 0.0 { lo.abs() * 0.1 } else { 0.5 };
        return (lo - d, hi + d);
    }
    (lo - pad * span, hi + pad * span)
}

/// One legend entry: a swatch and a label.
pub(crate) struct LegendItem {
    pub label: String,
    pub colour: RGBColor,
    /// Draw a line swatch instead of a filled box.
    pub line: bool,
}

/// Draws a legend as a row (wrapping) starting at `(x, y)`, at most `width`
/// wide. Returns the height used.
pub(crate) fn legend(
    root: &Area,
    items: &[LegendItem],
    (x, y): (i32, i32),
    width: i32,
) -> Result<i32, Box<dyn std::error::Error>> {
    let px = 12.0;
    let row_h = 18;
    let mut cx = x;
    let mut cy = y;
    begin(root, "legend")?;
    for it in items {
        let w = 18 + 6 + text_width(&it.label, px).ceil() as i32 + 18;
        if cx > x && cx + w > x + width {
            cx = x;
            cy += row_h;
        }
        if it.line {
            root.draw(&PathElement::new(
                vec![(cx, cy + 7), (cx + 18, cy + 7)],
                it.colour.stroke_width(3),
            ))?;
        } else {
            root.draw(&Rectangle::new(
                [(cx, cy + 1), (cx + 14, cy + 13)],
                it.colour.filled(),
            ))?;
        }
        text(
            root,
            &it.label,
            (cx + 22, cy + 7),
            &font(px),
            HPos::Left,
            VPos::Center,
        )?;
        cx += w;
    }
    end(root)?;
    Ok(cy + row_h - y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_spread_and_kept_in_range() {
        // Three labels wanting 10, 11, 12 with gap 5 go to 10, 15, 20.
        let p = spread_labels(&[12.0, 10.0, 11.0], 5.0, 0.0, 100.0);
        assert_eq!(p, vec![20.0, 10.0, 15.0]);
        // Near the bottom they are pushed back up: 90, 95, 100.
        let p = spread_labels(&[99.0, 99.5, 100.0], 5.0, 0.0, 100.0);
        assert_eq!(p, vec![90.0, 95.0, 100.0]);
    }

    #[test]
    fn cjk_text_is_wider_than_latin() {
        // 2 CJK characters at 10 px: 2 * 1.0 * 10 = 20; "ab": 2 * 0.56 * 10 = 11.2.
        assert!((text_width("北京", 10.0) - 20.0).abs() < 1e-9);
        assert!((text_width("ab", 10.0) - 11.2).abs() < 1e-9);
    }

    #[test]
    fn ranges_are_never_empty() {
        assert_eq!(padded([1.0, 3.0].into_iter(), 0.5), (0.0, 4.0));
        let (a, b) = padded([2.0, 2.0].into_iter(), 0.1);
        assert!(a < 2.0 && b > 2.0);
        assert_eq!(padded([f64::NAN].into_iter(), 0.1), (0.0, 1.0));
    }

    #[test]
    fn markers_become_groups_and_fonts_the_stack() {
        let svg = render("fig-t", "T", (100, 50), |root| {
            begin(root, "things")?;
            text(root, "北京", (10, 10), &font(12.0), HPos::Left, VPos::Top)?;
            end(root)?;
            Ok(())
        })
        .unwrap();
        assert!(
            svg.starts_with("<svg id=\"fig-t-svg\" class=\"chart\""),
            "{svg}"
        );
        assert!(svg.contains("<g class=\"things\">\n<text"), "{svg}");
        assert!(svg.contains("</text>\n</g>"), "{svg}");
        assert!(
            svg.contains("font-family=\"&quot;Noto Sans CJK SC&quot;, &quot;Source Han Sans SC&quot;, &quot;Microsoft YaHei&quot;"),
            "{svg}"
        );
        assert!(!svg.contains(MARK) && !svg.contains(FONT), "{svg}");
        assert!(svg.contains(">\n北京\n</text>"));
    }
}
