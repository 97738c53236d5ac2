//! The maps of the report: a choropleth of a value per region for up to
//! three years on one shared class scheme, a categorical map of cluster
//! tiers, the LISA cluster map and the path of the centre of gravity.
//!
//! The maps are drawn as SVG paths written directly (no plotters): one
//! `<path>` per region holding all its rings (`fill-rule: evenodd`, exterior
//! rings and holes alike), with `data-region="NAME"` and a `<title>` for
//! hover, fills given by classes of a `<style>` scoped to the figure's
//! `<svg>`. Coordinates are rounded to 0.1 px and written relative to the
//! previous vertex (on an integer grid of tenths of a pixel, so nothing
//! drifts and borders shared by two regions stay identical).
//!
//! Projection: with `lat0` the centre latitude of the extent and `lon0` its
//! centre longitude, `x = (lon - lon0) cos(lat0)`, `y = -(lat - lat0)`
//! (degrees; north up), scaled uniformly (aspect preserved) to fit the map
//! box and centred in it. One unit of `y` is `6371 km * pi / 180` on the
//! ground, which gives the scale bar (a round length in km at the centre
//! latitude).
//!
//! Region labels, in the names of the input, sit at a point inside each
//! region (the pole of inaccessibility of its largest polygon) when there are
//! at most [`MAX_LABELS`] regions; labels that would overlap a label already
//! placed (larger regions first) are left out and counted in the caption.
//!
//! Entry points: [`maps_figures`] (each figure's id, title, SVG and caption),
//! [`maps_section`] (the HTML body of a "Maps" section) and, per map, a
//! `*_figure` function and a `*_caption` function (the caption text alone).

use std::collections::{BTreeMap, BinaryHeap};
use std::fmt::Write;

use crate::ReportError;
use crate::draw::{FONT_STACK, heat_colour, text_width, tier_colour, time_colour};
use crate::html::esc;

/// Mean earth radius in km (as the contract's haversine distances).
pub const EARTH_RADIUS_KM: f64 = 6371.0;
/// At most this many regions are labelled on a map.
pub const MAX_LABELS: usize = 40;

/// Width of every map figure in pixels.
const WIDTH: f64 = 900.0;
/// Margin around the drawing.
const PAD: f64 = 14.0;
/// Width of the side panel (legend, north arrow, scale bar) of single maps.
const SIDE: f64 = 250.0;

/// LISA colours (GeoDa's convention).
const LISA_HH: &str = "#e31a1c";
const LISA_LL: &str = "#1f4fd6";
const LISA_LH: &str = "#a6bddb";
const LISA_HL: &str = "#f4a6a6";
/// Not significant, and the fill of the gravity map's outline.
const LIGHT_GREY: &str = "#e4e4e4";
/// Outline and text colours.
const INK: &str = "#222222";
const MUTED: &str = "#5f6368";

pub use rurban_results::maps::{
    Choropleth, Gravity, GravityPoint, Lisa, LisaRegion, MapsInput, Polygon, Quadrant, RegionShape,
    Ring, Tiers, YearValues,
};

/// A finished map figure.
#[derive(Debug, Clone, PartialEq)]
pub struct MapFigure {
    /// The `<figure>` id, `fig-map-...`; the `<svg>` has the id `fig-map-...-svg`.
    pub id: &'static str,
    /// Short title (also the SVG `<title>`).
    pub title: String,
    /// The `<svg>` element.
    pub svg: String,
    /// Caption text (plain text; escaped when written to HTML).
    pub caption: String,
}

/// The figures of every layer present, in the order choropleth, tiers,
/// LISA, gravity.
pub fn maps_figures(input: &MapsInput) -> Result<Vec<MapFigure>, ReportError> {
    let mut out = Vec::new();
    if let Some(c) = &input.choropleth {
        out.push(choropleth_figure(&input.regions, c)?);
    }
    if let Some(t) = &input.tiers {
        out.push(tiers_figure(&input.regions, t)?);
    }
    if let Some(l) = &input.lisa {
        out.push(lisa_figure(&input.regions, l)?);
    }
    if let Some(g) = &input.gravity {
        out.push(gravity_figure(&input.regions, g)?);
    }
    Ok(out)
}

/// [`maps_figures`] with titles and captions in the language `lang`
/// (English: exactly [`maps_figures`]).
pub fn maps_figures_in(
    input: &MapsInput,
    lang: crate::Lang,
) -> Result<Vec<MapFigure>, ReportError> {
    let mut figs = maps_figures(input)?;
    if lang == crate::Lang::En {
        return Ok(figs);
    }
    let l = lang;
    // The texts drawn inside the maps, as the English maps write them.
    const SVG_TEXTS: [&str; 10] = [
        "map.svg.high_high",
        "map.svg.low_low",
        "map.svg.low_high",
        "map.svg.high_low",
        "map.svg.not_significant",
        "map.svg.no_result",
        "map.svg.no_tier",
        "map.svg.cluster_tier",
        "map.svg.island",
        "map.svg.enlarged",
    ];
    for f in &mut figs {
        for key in SVG_TEXTS {
            let en = crate::Lang::En.t(key);
            f.svg = f.svg.replace(
                &format!(">{}</text>", esc(en)),
                &format!(">{}</text>", esc(l.t(key))),
            );
        }
        for t in 1..=32 {
            f.svg = f.svg.replace(
                &format!(">Tier {t} ("),
                &format!(">{} (", l.fill("tier.name", &[("t", &t)])),
            );
        }
        if let Some(c) = &input.choropleth {
            f.svg = f.svg.replace(
                &format!(">{}</text>", esc(&format!("{} ({})", c.variable, c.method))),
                &format!(
                    ">{}</text>",
                    esc(&l.fill(
                        "map.svg.classes",
                        &[(
                            "method",
                            &l.opt(&format!("classes.{}", c.method)).unwrap_or(&c.method)
                        )]
                    ))
                ),
            );
        }
        match f.id {
            "fig-map-choropleth" => {
                if let Some(c) = &input.choropleth {
                    let years: Vec<&str> = c.years.iter().map(|y| y.year.as_str()).collect();
                    f.title = l.t("map.choropleth.title").to_string();
                    f.caption = l.fill(
                        "map.choropleth.cap",
                        &[
                            (
                                "method",
                                &l.opt(&format!("classes.{}", c.method)).unwrap_or(&c.method),
                            ),
                            ("years", &years.join(l.list_sep())),
                            ("classes", &c.bins.len()),
                        ],
                    );
                }
            }
            "fig-map-tiers" => {
                if let Some(t) = &input.tiers {
                    let mut k: Vec<u32> = t.tiers.values().copied().collect();
                    k.sort_unstable();
                    k.dedup();
                    f.title = l.t("map.tiers.title").to_string();
                    f.caption = l.fill("map.tiers.cap", &[("n", &t.tiers.len()), ("k", &k.len())]);
                }
            }
            "fig-map-lisa" => {
                if let Some(m) = &input.lisa {
                    let count = |q: Quadrant| {
                        m.regions
                            .iter()
                            .filter(|r| r.significant && r.quadrant == q)
                            .count()
                    };
                    let ns = m.regions.iter().filter(|r| !r.significant).count();
                    f.title = l.t("map.lisa.title").to_string();
                    f.caption = l.fill(
                        "map.lisa.cap",
                        &[
                            ("year", &m.year),
                            ("alpha", &m.alpha),
                            ("hh", &count(Quadrant::HH)),
                            ("ll", &count(Quadrant::LL)),
                            ("lh", &count(Quadrant::LH)),
                            ("hl", &count(Quadrant::HL)),
                            ("ns", &ns),
                            ("islands", &m.islands.len()),
                        ],
                    );
                }
            }
            "fig-map-gravity" => {
                if let Some(g) = &input.gravity {
                    let first = g.points.first().map_or("–", |p| p.year.as_str());
                    let last = g.points.last().map_or("–", |p| p.year.as_str());
                    f.title = l.t("map.gravity.title").to_string();
                    f.caption = l.fill(
                        "map.gravity.cap",
                        &[("y0", &first), ("y1", &last), ("n", &g.points.len())],
                    );
                }
            }
            _ => {}
        }
    }
    Ok(figs)
}

/// The HTML body of a "Maps" section: each figure as
/// `<figure id="fig-map-..." data-chart="fig-map-...">` with its `<svg>` and
/// `<figcaption><strong>Figure N. Title.</strong> caption</figcaption>`,
/// numbered from `first_number`. Empty when no layer is present.
pub fn maps_section(input: &MapsInput, first_number: usize) -> Result<String, ReportError> {
    let mut html = String::new();
    for (i, f) in maps_figures(input)?.iter().enumerate() {
        let _ = write!(
            html,
            "<figure id=\"{id}\" data-chart=\"{id}\">\n{svg}<figcaption><strong>Figure {n}. {title}.</strong> {cap}</figcaption>\n</figure>\n",
            id = f.id,
            svg = f.svg,
            n = first_number + i,
            title = esc(&f.title),
            cap = esc(&f.caption)
        );
    }
    Ok(html)
}

// ---------------------------------------------------------------- classes

/// The class (0-based) of `x` under `bins`: the first bin with `x <= bin`,
/// the last class for values above the last bin; `None` for a non-finite
/// value or no bins.
pub fn class_of(x: f64, bins: &[f64]) -> Option<usize> {
    if !x.is_finite() || bins.is_empty() {
        return None;
    }
    Some(bins.iter().position(|&b| x <= b).unwrap_or(bins.len() - 1))
}

/// Fill of choropleth class `i` of `k` (sequential YlGnBu, the heatmap's
/// scale, kept away from white so that no data stays distinguishable).
pub fn class_colour(i: usize, k: usize) -> String {
    let t = if k <= 1 {
        0.5
    } else {
        0.08 + 0.84 * i as f64 / (k - 1) as f64
    };
    hexs(heat_colour(t))
}

/// Fill of a LISA result: the quadrant's colour when significant, light
/// grey otherwise.
pub fn lisa_colour(q: Quadrant, significant: bool) -> &'static str {
    if !significant {
        return LIGHT_GREY;
    }
    match q {
        Quadrant::HH => LISA_HH,
        Quadrant::LL => LISA_LL,
        Quadrant::LH => LISA_LH,
        Quadrant::HL => LISA_HL,
    }
}

/// Fill of tier `t` (1-based): the report's tier colours.
pub fn tier_fill(t: u32) -> String {
    hexs(tier_colour(t as i64))
}

fn hexs(c: plotters::style::RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// Decimals that tell the bins (and the lowest value) apart: at least two.
fn decimals(vals: &[f64]) -> usize {
    let mut vals = vals.to_vec();
    vals.sort_by(f64::total_cmp);
    vals.dedup();
    for d in 2..=6 {
        let s: Vec<String> = vals.iter().map(|v| format!("{v:.d$}")).collect();
        if s.windows(2).all(|w| w[0] != w[1]) {
            return d;
        }
    }
    6
}

fn num(x: f64, d: usize) -> String {
    crate::fmt::fx(x, d)
}

/// The lowest finite value of the choropleth's years.
fn choropleth_min(c: &Choropleth) -> Option<f64> {
    c.years
        .iter()
        .flat_map(|y| y.values.values())
        .filter_map(|v| v.filter(|x| x.is_finite()))
        .reduce(f64::min)
}

/// The legend labels of the classes: `[lo, b0]`, `(b0, b1]`, ...
fn class_labels(c: &Choropleth) -> Vec<String> {
    let lo = choropleth_min(c)
        .map(|m| m.min(c.bins.first().copied().unwrap_or(m)))
        .unwrap_or_else(|| c.bins.first().copied().unwrap_or(0.0));
    let mut all = vec![lo];
    all.extend(&c.bins);
    let d = decimals(&all);
    c.bins
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if i == 0 {
                format!("[{}, {}]", num(lo, d), num(b, d))
            } else {
                format!("({}, {}]", num(c.bins[i - 1], d), num(b, d))
            }
        })
        .collect()
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items.len() {
        0 => String::new(),
        1 => items[0].clone(),
        n => format!("{} and {}", items[..n - 1].join(", "), items[n - 1]),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn label_note(n_regions: usize) -> String {
    if n_regions > MAX_LABELS {
        format!(
            " Regions are not labelled ({} regions; labels are drawn for at most {MAX_LABELS}).",
            n_regions
        )
    } else {
        String::new()
    }
}

// ---------------------------------------------------------------- captions

/// The caption of the choropleth, e.g. "Composite score by natural-breaks
/// class, 2011, 2015 and 2020; 5 classes from 0.12 to 0.61 ...".
pub fn choropleth_caption(regions: &[RegionShape], c: &Choropleth) -> String {
    let years: Vec<String> = c.years.iter().map(|y| y.year.clone()).collect();
    let k = c.bins.len();
    let mut s = format!("{} by {} class, {}", c.variable, c.method, and_list(&years));
    let lo = choropleth_min(c);
    if let (Some(lo), Some(&hi)) = (lo, c.bins.last()) {
        let lo = lo.min(c.bins[0]);
        let mut all = vec![lo];
        all.extend(&c.bins);
        let d = decimals(&all);
        let _ = write!(
            s,
            "; {} from {} to {}, one scheme for all years",
            plural(k, "class", "classes"),
            num(lo, d),
            num(hi, d)
        );
    } else {
        let _ = write!(s, "; {}", plural(k, "class", "classes"));
    }
    s.push('.');
    if k > 0 {
        let counts: Vec<String> = c
            .years
            .iter()
            .map(|y| {
                let n = class_counts(regions, c, y);
                format!(
                    "{}: {}",
                    y.year,
                    n.iter()
                        .map(std::string::ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("/")
                )
            })
            .collect();
        let _ = write!(
            s,
            " Regions per class, lowest first: {}.",
            counts.join("; ")
        );
    }
    let nodata: Vec<String> = c
        .years
        .iter()
        .filter_map(|y| {
            let n = regions
                .iter()
                .filter(|r| value_of(y, &r.name).is_none())
                .count();
            (n > 0).then(|| format!("{} in {}", n, y.year))
        })
        .collect();
    if !nodata.is_empty() {
        let _ = write!(s, " Hatched: no data ({}).", nodata.join(", "));
    }
    s.push_str(&label_note(regions.len()));
    s
}

fn value_of(y: &YearValues, name: &str) -> Option<f64> {
    y.values
        .get(name)
        .copied()
        .flatten()
        .filter(|v| v.is_finite())
}

/// Regions per class in year `y` (only regions of the geometry count).
fn class_counts(regions: &[RegionShape], c: &Choropleth, y: &YearValues) -> Vec<usize> {
    let mut n = vec![0; c.bins.len()];
    for r in regions {
        if let Some(k) = value_of(y, &r.name).and_then(|v| class_of(v, &c.bins)) {
            n[k] += 1;
        }
    }
    n
}

/// The caption of the tier map, e.g. "Cluster tiers of 13 regions: Tier 1
/// (3 regions), Tier 2 (5), Tier 3 (5).".
pub fn tiers_caption(regions: &[RegionShape], t: &Tiers) -> String {
    let counts = tier_counts(regions, t);
    let parts: Vec<String> = counts
        .iter()
        .enumerate()
        .map(|(i, (tier, n))| {
            if i == 0 {
                format!("Tier {tier} ({})", plural(*n, "region", "regions"))
            } else {
                format!("Tier {tier} ({n})")
            }
        })
        .collect();
    let mut s = format!(
        "{} of {}: {}; Tier 1 is the highest level.",
        t.title,
        plural(regions.len(), "region", "regions"),
        and_list(&parts)
    );
    let none = regions
        .iter()
        .filter(|r| !t.tiers.contains_key(&r.name))
        .count();
    if none > 0 {
        let _ = write!(s, " Hatched: no tier ({none}).");
    }
    s.push_str(&label_note(regions.len()));
    s
}

fn tier_counts(regions: &[RegionShape], t: &Tiers) -> Vec<(u32, usize)> {
    let mut m: BTreeMap<u32, usize> = BTreeMap::new();
    for v in t.tiers.values() {
        m.entry(*v).or_insert(0);
    }
    for r in regions {
        if let Some(v) = t.tiers.get(&r.name) {
            *m.entry(*v).or_insert(0) += 1;
        }
    }
    m.into_iter().collect()
}

/// The caption of the LISA map.
pub fn lisa_caption(regions: &[RegionShape], l: &Lisa) -> String {
    let by: BTreeMap<&str, &LisaRegion> =
        l.regions.iter().map(|r| (r.region.as_str(), r)).collect();
    let count = |q: Quadrant| {
        regions
            .iter()
            .filter(|r| {
                by.get(r.name.as_str())
                    .is_some_and(|x| x.significant && x.quadrant == q)
            })
            .count()
    };
    let ns = regions
        .iter()
        .filter(|r| by.get(r.name.as_str()).is_some_and(|x| !x.significant))
        .count();
    let mut s = format!(
        "Local Moran (LISA) clusters of {}, {}, significant at p ≤ {}: {} HH (high among high), {} LL, {} LH, {} HL; {} not significant (grey).",
        l.variable,
        l.year,
        crate::fmt::fx(l.alpha, 2),
        count(Quadrant::HH),
        count(Quadrant::LL),
        count(Quadrant::LH),
        count(Quadrant::HL),
        ns
    );
    let islands: Vec<&String> = l
        .islands
        .iter()
        .filter(|i| regions.iter().any(|r| &&r.name == i))
        .collect();
    if !islands.is_empty() {
        let names: Vec<String> = islands
            .iter()
            .map(std::string::ToString::to_string)
            .collect();
        let _ = write!(
            s,
            " Circled: {} without neighbours ({}), never significant.",
            plural(islands.len(), "island", "islands"),
            and_list(&names)
        );
    }
    let none = regions
        .iter()
        .filter(|r| !by.contains_key(r.name.as_str()))
        .count();
    if none > 0 {
        let _ = write!(s, " Hatched: no result ({none}).");
    }
    s.push_str(&label_note(regions.len()));
    s
}

/// Great-circle distance in km (haversine, R = 6371 km).
pub fn haversine_km(lon1: f64, lat1: f64, lon2: f64, lat2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * a.sqrt().min(1.0).asin()
}

/// Initial great-circle bearing in degrees clockwise from north, in [0, 360).
pub fn bearing_deg(lon1: f64, lat1: f64, lon2: f64, lat2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dl = (lon2 - lon1).to_radians();
    let y = dl.sin() * p2.cos();
    let x = p1.cos() * p2.sin() - p1.sin() * p2.cos() * dl.cos();
    y.atan2(x).to_degrees().rem_euclid(360.0)
}

fn compass(b: f64) -> &'static str {
    const N: [&str; 8] = [
        "north",
        "north-east",
        "east",
        "south-east",
        "south",
        "south-west",
        "west",
        "north-west",
    ];
    N[(((b + 22.5) / 45.0).floor() as usize) % 8]
}

fn lonlat(lon: f64, lat: f64) -> String {
    format!(
        "{:.2}° {}, {:.2}° {}",
        lon.abs(),
        if lon >= 0.0 { "E" } else { "W" },
        lat.abs(),
        if lat >= 0.0 { "N" } else { "S" }
    )
}

/// The caption of the centre-of-gravity map.
pub fn gravity_caption(regions: &[RegionShape], g: &Gravity) -> String {
    let pts: Vec<&GravityPoint> = g
        .points
        .iter()
        .filter(|p| p.lon.is_finite() && p.lat.is_finite())
        .collect();
    let mut s = format!("Centre of gravity of {}", g.variable);
    match pts.as_slice() {
        [] => s.push_str(": no position."),
        [p] => {
            let _ = write!(s, ", {}: {}.", p.year, lonlat(p.lon, p.lat));
        }
        [a, .., b] => {
            let total: f64 = pts
                .windows(2)
                .map(|w| haversine_km(w[0].lon, w[0].lat, w[1].lon, w[1].lat))
                .sum();
            let net = haversine_km(a.lon, a.lat, b.lon, b.lat);
            let _ = write!(
                s,
                ", {}–{} ({} positions): from {} in {} to {} in {}; {:.1} km along the path, net {:.1} km",
                a.year,
                b.year,
                pts.len(),
                lonlat(a.lon, a.lat),
                a.year,
                lonlat(b.lon, b.lat),
                b.year,
                total,
                net
            );
            if net > 0.0 {
                let br = bearing_deg(a.lon, a.lat, b.lon, b.lat);
                let _ = write!(s, " towards the {} (bearing {:.0}°)", compass(br), br);
            }
            s.push_str(". The inset enlarges the path; arrows run in year order.");
        }
    }
    let _ = write!(
        s,
        " Drawn on the outline of {}.",
        plural(regions.len(), "region", "regions")
    );
    s
}

// ---------------------------------------------------------------- projection

/// The map projection fitted into a box of pixels.
#[derive(Debug, Clone, Copy)]
struct Proj {
    lon0: f64,
    lat0: f64,
    cos0: f64,
    /// Projected centre of the extent.
    xc: f64,
    yc: f64,
    /// Pixels per projected unit (degree of latitude).
    s: f64,
    /// Pixel centre of the box.
    cx: f64,
    cy: f64,
    /// Step of the vertex grid of region paths, in tenths of a pixel.
    grid: i64,
}

/// The extent `[lon_min, lat_min, lon_max, lat_max]` of the regions' finite
/// points, if any.
fn extent(regions: &[RegionShape]) -> Option<[f64; 4]> {
    let mut e = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    for p in regions
        .iter()
        .flat_map(|r| r.polygons.iter().flatten().flatten())
        .filter(|p| p[0].is_finite() && p[1].is_finite())
    {
        e = [
            e[0].min(p[0]),
            e[1].min(p[1]),
            e[2].max(p[0]),
            e[3].max(p[1]),
        ];
    }
    e[0].is_finite().then_some(e)
}

impl Proj {
    /// The projection of `ext` fitted into the box `(x, y, w, h)`, region
    /// vertices on a grid of `grid` tenths of a pixel.
    fn fit(ext: [f64; 4], (bx, by, bw, bh): (f64, f64, f64, f64), grid: i64) -> Proj {
        let lon0 = (ext[0] + ext[2]) / 2.0;
        let lat0 = (ext[1] + ext[3]) / 2.0;
        let cos0 = lat0.to_radians().cos();
        let w = (ext[2] - ext[0]) * cos0;
        let h = ext[3] - ext[1];
        let s = match (w > 1e-12, h > 1e-12) {
            (true, true) => (bw / w).min(bh / h),
            (true, false) => bw / w,
            (false, true) => bh / h,
            (false, false) => bw.min(bh) / 1.0,
        };
        Proj {
            lon0,
            lat0,
            cos0,
            xc: 0.0,
            yc: 0.0,
            s,
            cx: bx + bw / 2.0,
            cy: by + bh / 2.0,
            grid,
        }
    }

    /// Pixel position of `(lon, lat)`.
    fn px(&self, lon: f64, lat: f64) -> (f64, f64) {
        let x = (lon - self.lon0) * self.cos0;
        let y = -(lat - self.lat0);
        (
            self.cx + (x - self.xc) * self.s,
            self.cy + (y - self.yc) * self.s,
        )
    }

    /// Pixels per km on the ground (along a meridian; along the centre
    /// parallel too, by construction).
    fn px_per_km(&self) -> f64 {
        self.s / (EARTH_RADIUS_KM * std::f64::consts::PI / 180.0)
    }

    /// Height in pixels of the projected extent of width `bw`.
    fn height_for(ext: [f64; 4], bw: f64, min: f64, max: f64) -> f64 {
        let lat0 = (ext[1] + ext[3]) / 2.0;
        let w = (ext[2] - ext[0]) * lat0.to_radians().cos();
        let h = ext[3] - ext[1];
        if w > 1e-12 && h > 1e-12 {
            (bw * h / w).clamp(min, max)
        } else {
            min
        }
    }
}

// ---------------------------------------------------------------- paths

/// Tenths of a pixel.
fn tenths(v: f64) -> i64 {
    (v * 10.0).round() as i64
}

/// `v` pixels on a grid of `g` tenths of a pixel, in tenths.
fn snap(v: f64, g: i64) -> i64 {
    if g <= 1 {
        tenths(v)
    } else {
        (v * 10.0 / g as f64).round() as i64 * g
    }
}

/// A number of tenths as the shortest decimal text: `12` -> `1.2`,
/// `-5` -> `-.5`, `30` -> `3`.
fn push_tenths(out: &mut String, v: i64) {
    let sep = !out.is_empty() && !out.ends_with(|c: char| c.is_ascii_alphabetic()) && v >= 0;
    if sep {
        out.push(' ');
    }
    if v < 0 {
        out.push('-');
    }
    let a = v.unsigned_abs();
    let (i, f) = (a / 10, a % 10);
    if f == 0 {
        let _ = write!(out, "{i}");
    } else if i == 0 {
        let _ = write!(out, ".{f}");
    } else {
        let _ = write!(out, "{i}.{f}");
    }
}

/// The `d` attribute of a region: every ring as `m` + relative points + `z`,
/// on the 0.1 px grid, consecutive repeats dropped.
fn region_d(r: &RegionShape, p: &Proj) -> String {
    let mut d = String::new();
    // Current point after the previous subpath (its start), in tenths.
    let mut cur: Option<(i64, i64)> = None;
    for ring in r.polygons.iter().flatten() {
        let mut pts: Vec<(i64, i64)> = Vec::with_capacity(ring.len());
        for q in ring.iter().filter(|q| q[0].is_finite() && q[1].is_finite()) {
            let (x, y) = p.px(q[0], q[1]);
            let t = (snap(x, p.grid), snap(y, p.grid));
            if pts.last() != Some(&t) {
                pts.push(t);
            }
        }
        while pts.len() > 1 && pts.last() == pts.first() {
            pts.pop();
        }
        let pts = drop_collinear(pts);
        if pts.len() < 3 {
            continue;
        }
        d.push('m');
        let (sx, sy) = pts[0];
        let (ox, oy) = cur.unwrap_or((0, 0));
        push_tenths(&mut d, sx - ox);
        push_tenths(&mut d, sy - oy);
        for w in pts.windows(2) {
            push_tenths(&mut d, w[1].0 - w[0].0);
            push_tenths(&mut d, w[1].1 - w[0].1);
        }
        d.push('z');
        cur = Some((sx, sy));
    }
    d
}

/// Drops the vertices of a closed ring (on the integer grid) that lie on the
/// line through their neighbours, spikes included: the outline is unchanged,
/// and a border shared by two regions keeps every vertex it has in both.
fn drop_collinear(pts: Vec<(i64, i64)>) -> Vec<(i64, i64)> {
    let cross = |a: (i64, i64), b: (i64, i64), c: (i64, i64)| {
        (b.0 - a.0) * (c.1 - a.1) - (b.1 - a.1) * (c.0 - a.0)
    };
    let mut out: Vec<(i64, i64)> = Vec::with_capacity(pts.len());
    for p in pts {
        while out.len() >= 2 && cross(out[out.len() - 2], out[out.len() - 1], p) == 0 {
            out.pop();
        }
        if out.last() != Some(&p) {
            out.push(p);
        }
    }
    // Across the ring's start.
    loop {
        let n = out.len();
        if n < 3 {
            break;
        }
        if cross(out[n - 2], out[n - 1], out[0]) == 0 {
            out.pop();
        } else if cross(out[n - 1], out[0], out[1]) == 0 {
            out.remove(0);
        } else {
            break;
        }
    }
    out
}

/// Signed area (shoelace) of a ring in its own units.
fn ring_area(r: &[(f64, f64)]) -> f64 {
    let n = r.len();
    if n < 3 {
        return 0.0;
    }
    (0..n)
        .map(|i| {
            let (a, b) = (r[i], r[(i + 1) % n]);
            a.0 * b.1 - b.0 * a.1
        })
        .sum::<f64>()
        / 2.0
}

/// Rings of pixel points.
type PxRings = Vec<Vec<(f64, f64)>>;

/// Projected rings of a polygon.
fn proj_polygon(poly: &Polygon, p: &Proj) -> Vec<Vec<(f64, f64)>> {
    poly.iter()
        .map(|ring| {
            ring.iter()
                .filter(|q| q[0].is_finite() && q[1].is_finite())
                .map(|q| p.px(q[0], q[1]))
                .collect()
        })
        .collect()
}

/// The label point of a region in pixels: the pole of inaccessibility of its
/// largest polygon, and that polygon's area in px².
fn label_point(r: &RegionShape, p: &Proj) -> Option<((f64, f64), f64)> {
    let mut best: Option<(PxRings, f64)> = None;
    for poly in &r.polygons {
        let rings = proj_polygon(poly, p);
        let Some(ext) = rings.first() else { continue };
        let a = ring_area(ext).abs() - rings[1..].iter().map(|h| ring_area(h).abs()).sum::<f64>();
        if best.as_ref().is_none_or(|(_, b)| a > *b) {
            best = Some((rings, a));
        }
    }
    let (rings, area) = best?;
    if rings[0].is_empty() {
        return None;
    }
    Some((polylabel(&rings, 0.5), area))
}

/// Signed distance from `pt` to the polygon outline: positive inside.
fn point_dist(pt: (f64, f64), rings: &[Vec<(f64, f64)>]) -> f64 {
    let mut inside = false;
    let mut min_d2 = f64::INFINITY;
    for ring in rings {
        let n = ring.len();
        for i in 0..n {
            let a = ring[i];
            let b = ring[(i + 1) % n];
            if (a.1 > pt.1) != (b.1 > pt.1) && pt.0 < (b.0 - a.0) * (pt.1 - a.1) / (b.1 - a.1) + a.0
            {
                inside = !inside;
            }
            min_d2 = min_d2.min(seg_dist2(pt, a, b));
        }
    }
    let d = min_d2.sqrt();
    if inside { d } else { -d }
}

fn seg_dist2(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (mut x, mut y) = a;
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    if dx != 0.0 || dy != 0.0 {
        let t = ((p.0 - x) * dx + (p.1 - y) * dy) / (dx * dx + dy * dy);
        if t > 1.0 {
            (x, y) = b;
        } else if t > 0.0 {
            x += dx * t;
            y += dy * t;
        }
    }
    (p.0 - x).powi(2) + (p.1 - y).powi(2)
}

/// A cell of the pole-of-inaccessibility search.
struct Cell {
    c: (f64, f64),
    h: f64,
    d: f64,
    max: f64,
}

impl Cell {
    fn new(c: (f64, f64), h: f64, rings: &[Vec<(f64, f64)>]) -> Cell {
        let d = point_dist(c, rings);
        Cell {
            c,
            h,
            d,
            max: d + h * std::f64::consts::SQRT_2,
        }
    }
}

impl PartialEq for Cell {
    fn eq(&self, o: &Self) -> bool {
        self.max.total_cmp(&o.max).is_eq()
    }
}
impl Eq for Cell {}
impl PartialOrd for Cell {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Cell {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        self.max.total_cmp(&o.max)
    }
}

/// The pole of inaccessibility (the inside point farthest from the outline)
/// to within `precision` pixels, by the quadtree search of Mapbox's
/// polylabel; the centroid-of-bbox cell when the polygon is degenerate.
fn polylabel(rings: &[Vec<(f64, f64)>], precision: f64) -> (f64, f64) {
    let ext = &rings[0];
    let (mut x0, mut y0, mut x1, mut y1) = (
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    );
    for &(x, y) in ext {
        x0 = x0.min(x);
        y0 = y0.min(y);
        x1 = x1.max(x);
        y1 = y1.max(y);
    }
    let (w, h) = (x1 - x0, y1 - y0);
    let size = w.min(h);
    if size <= 0.0 || ext.len() < 3 {
        return ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    }
    let half = size / 2.0;
    let mut q = BinaryHeap::new();
    let mut x = x0;
    while x < x1 {
        let mut y = y0;
        while y < y1 {
            q.push(Cell::new((x + half, y + half), half, rings));
            y += size;
        }
        x += size;
    }
    // Start from the area centroid when it lies inside, else the bbox centre.
    let a = ring_area(ext);
    let mut best = if a.abs() > 0.0 {
        let n = ext.len();
        let (mut cx, mut cy) = (0.0, 0.0);
        for i in 0..n {
            let (p, r) = (ext[i], ext[(i + 1) % n]);
            let f = p.0 * r.1 - r.0 * p.1;
            cx += (p.0 + r.0) * f;
            cy += (p.1 + r.1) * f;
        }
        Cell::new((cx / (6.0 * a), cy / (6.0 * a)), 0.0, rings)
    } else {
        Cell::new((x0 + w / 2.0, y0 + h / 2.0), 0.0, rings)
    };
    let bbox = Cell::new((x0 + w / 2.0, y0 + h / 2.0), 0.0, rings);
    if bbox.d > best.d {
        best = bbox;
    }
    let mut steps = 0;
    while let Some(cell) = q.pop() {
        if cell.d > best.d {
            best = Cell::new(cell.c, 0.0, rings);
        }
        steps += 1;
        if cell.max - best.d <= precision || steps > 20_000 {
            continue;
        }
        let h2 = cell.h / 2.0;
        for (dx, dy) in [(-1.0, -1.0), (1.0, -1.0), (-1.0, 1.0), (1.0, 1.0)] {
            q.push(Cell::new(
                (cell.c.0 + dx * h2, cell.c.1 + dy * h2),
                h2,
                rings,
            ));
        }
    }
    best.c
}

// ---------------------------------------------------------------- SVG pieces

/// Formats a pixel value with one decimal, without a trailing `.0`.
fn f1(v: f64) -> String {
    let mut s = String::new();
    push_tenths(&mut s, tenths(v));
    s
}

fn stack_attr() -> String {
    FONT_STACK.replace('"', "&quot;")
}

/// A `<text>` element.
#[allow(clippy::too_many_arguments)]
fn text(
    out: &mut String,
    s: &str,
    (x, y): (f64, f64),
    px: f64,
    anchor: &str,
    class: Option<&str>,
    fill: &str,
    bold: bool,
) {
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"{}\" font-size=\"{}\" font-family=\"{}\" text-anchor=\"{anchor}\" dominant-baseline=\"central\" fill=\"{fill}\"{}{}>{}</text>",
        f1(x),
        f1(y),
        f1(px),
        stack_attr(),
        class.map(|c| format!(" class=\"{c}\"")).unwrap_or_default(),
        if bold { " font-weight=\"bold\"" } else { "" },
        esc(s)
    );
}

/// The opening of a map's `<svg>`, its `<title>`, `<style>` and hatch pattern.
fn open_svg(out: &mut String, id: &str, title: &str, h: f64, style: &str) {
    let h = h.ceil();
    let sid = format!("{id}-svg");
    let _ = writeln!(
        out,
        "<svg id=\"{sid}\" class=\"chart map\" role=\"img\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" xmlns=\"http://www.w3.org/2000/svg\">",
        w = WIDTH
    );
    let _ = writeln!(out, "<title>{}</title>", esc(title));
    let _ = writeln!(
        out,
        "<defs><pattern id=\"{id}-nodata\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#ffffff\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#b0b0b0\" stroke-width=\"1.5\"/></pattern></defs>"
    );
    let _ = writeln!(
        out,
        "<style>#{sid} .regions path{{fill-rule:evenodd;stroke-linejoin:round}} #{sid} .nd{{fill:url(#{id}-nodata)}} #{sid} .halo{{paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}}{style}</style>"
    );
    let _ = writeln!(
        out,
        "<rect width=\"{w}\" height=\"{h}\" fill=\"#ffffff\"/>",
        w = WIDTH
    );
}

/// Border stroke of the region paths: thinner when there are many.
fn border(n: usize) -> &'static str {
    if n > 400 {
        "stroke:#ffffff;stroke-width:.25"
    } else if n > 40 {
        "stroke:#ffffff;stroke-width:.5"
    } else {
        "stroke:#ffffff;stroke-width:.8"
    }
}

/// One region path with its class, `data-region` and hover title.
/// Region paths grouped by their fill class: `<g class="CLASS">` holding
/// one `<path data-region="NAME" d="..."><title>..</title></path>` per
/// region, groups in order of first appearance.
#[derive(Default)]
struct ClassPaths {
    order: Vec<String>,
    by: std::collections::HashMap<String, String>,
}

impl ClassPaths {
    fn add(&mut self, r: &RegionShape, p: &Proj, class: &str, hover: &str) {
        if !self.by.contains_key(class) {
            self.order.push(class.to_string());
        }
        let body = self.by.entry(class.to_string()).or_default();
        let _ = writeln!(
            body,
            "<path data-region=\"{}\" d=\"{}\"><title>{}</title></path>",
            esc(&r.name),
            region_d(r, p),
            esc(hover)
        );
    }

    fn write(mut self, out: &mut String) {
        for c in &self.order {
            let _ = writeln!(out, "<g class=\"{c}\">");
            out.push_str(&self.by.remove(c).unwrap_or_default());
            out.push_str("</g>\n");
        }
    }
}

/// Region labels (at most [`MAX_LABELS`] regions; overlapping ones left out).
/// Returns the number left out.
fn labels(out: &mut String, regions: &[RegionShape], p: &Proj, px: f64) -> usize {
    if regions.len() > MAX_LABELS || regions.is_empty() {
        return 0;
    }
    let mut cand: Vec<(&str, (f64, f64), f64)> = regions
        .iter()
        .filter_map(|r| label_point(r, p).map(|(pt, a)| (r.name.as_str(), pt, a)))
        .collect();
    cand.sort_by(|a, b| b.2.total_cmp(&a.2));
    let mut placed: Vec<[f64; 4]> = Vec::new();
    let mut skipped = regions.len() - cand.len();
    out.push_str("<g class=\"labels\">\n");
    for (name, (x, y), _) in cand {
        let w = text_width(name, px) + 2.0;
        let b = [x - w / 2.0, y - px * 0.6, x + w / 2.0, y + px * 0.6];
        if placed
            .iter()
            .any(|o| b[0] < o[2] && o[0] < b[2] && b[1] < o[3] && o[1] < b[3])
        {
            skipped += 1;
            continue;
        }
        placed.push(b);
        text(out, name, (x, y), px, "middle", Some("halo"), INK, false);
    }
    out.push_str("</g>\n");
    skipped
}

/// A north arrow centred at `(x, y)` (top of the arrow at `y`).
fn north_arrow(out: &mut String, x: f64, y: f64) {
    out.push_str("<g class=\"north-arrow\">\n");
    text(out, "N", (x, y + 6.0), 13.0, "middle", None, INK, true);
    let _ = writeln!(
        out,
        "<path d=\"M{} {}L{} {}L{} {}L{} {}z\" fill=\"{INK}\"/>",
        f1(x),
        f1(y + 15.0),
        f1(x + 7.0),
        f1(y + 37.0),
        f1(x),
        f1(y + 31.0),
        f1(x - 7.0),
        f1(y + 37.0)
    );
    out.push_str("</g>\n");
}

/// The round scale-bar length in km for about `target_px` pixels.
fn round_km(p: &Proj, target_px: f64) -> f64 {
    let raw = target_px / p.px_per_km();
    if !raw.is_finite() || raw <= 0.0 {
        return 1.0;
    }
    let e = 10f64.powf(raw.log10().floor());
    let m = raw / e;
    let f = if m >= 5.0 {
        5.0
    } else if m >= 2.0 {
        2.0
    } else {
        1.0
    };
    f * e
}

fn km_text(km: f64) -> String {
    if km >= 1.0 {
        format!("{km:.0} km")
    } else {
        format!("{} km", crate::fmt::fx(km, 3).trim_end_matches('0'))
    }
}

/// A scale bar starting at `(x, y)`, about `target_px` long, with
/// `data-km` and `data-px` (its exact length in pixels).
fn scale_bar(out: &mut String, p: &Proj, x: f64, y: f64, target_px: f64) {
    let km = round_km(p, target_px);
    let len = km * p.px_per_km();
    let _ = writeln!(
        out,
        "<g class=\"scale-bar\" data-km=\"{km}\" data-px=\"{len:.3}\">"
    );
    let _ = writeln!(
        out,
        "<path d=\"M{x0} {y0}v6h{l}v-6\" fill=\"none\" stroke=\"{INK}\" stroke-width=\"1.5\"/>",
        x0 = f1(x),
        y0 = f1(y),
        l = f1(len)
    );
    text(out, "0", (x, y - 8.0), 11.0, "middle", None, INK, false);
    text(
        out,
        &km_text(km),
        (x + len, y - 8.0),
        11.0,
        "middle",
        None,
        INK,
        false,
    );
    out.push_str("</g>\n");
}

/// A legend of swatches (`class` for the fill) and labels, one per row,
/// starting at `(x, y)`; returns the y below it.
fn legend_rows(out: &mut String, rows: &[(String, String)], x: f64, y: f64, title: &str) -> f64 {
    out.push_str("<g class=\"legend\">\n");
    let mut y = y;
    if !title.is_empty() {
        text(out, title, (x, y + 7.0), 12.5, "start", None, INK, true);
        y += 22.0;
    }
    for (class, label) in rows {
        let _ = writeln!(
            out,
            "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"16\" height=\"12\" stroke=\"#999999\" stroke-width=\".5\"/>",
            f1(x),
            f1(y + 1.0)
        );
        text(
            out,
            label,
            (x + 24.0, y + 7.0),
            12.0,
            "start",
            None,
            INK,
            false,
        );
        y += 19.0;
    }
    out.push_str("</g>\n");
    y
}

/// Layout of a single map: the map box on the left, the side panel on the
/// right. Returns the projection (if any geometry) and the figure height.
fn single_layout(regions: &[RegionShape], grid: i64) -> (Option<Proj>, (f64, f64, f64, f64), f64) {
    let bw = WIDTH - SIDE - 3.0 * PAD;
    let ext = extent(regions);
    let bh = ext.map_or(300.0, |e| Proj::height_for(e, bw, 300.0, 620.0));
    let bx = (PAD, PAD, bw, bh);
    (ext.map(|e| Proj::fit(e, bx, grid)), bx, bh + 2.0 * PAD)
}

/// The note drawn in place of a map without geometry.
fn empty_note(out: &mut String, (x, y, w, h): (f64, f64, f64, f64)) {
    text(
        out,
        "No region geometry",
        (x + w / 2.0, y + h / 2.0),
        14.0,
        "middle",
        None,
        MUTED,
        false,
    );
}

fn check_names<'a>(
    id: &str,
    regions: &[RegionShape],
    names: impl Iterator<Item = &'a String>,
    what: &str,
) -> Result<(), ReportError> {
    let known: std::collections::HashSet<&str> = regions.iter().map(|r| r.name.as_str()).collect();
    for n in names {
        if !known.contains(n.as_str()) {
            return Err(ReportError::Chart {
                figure: id.into(),
                message: format!("{what} names region \"{n}\", which has no geometry"),
            });
        }
    }
    Ok(())
}

fn check_geometry(id: &str, regions: &[RegionShape]) -> Result<(), ReportError> {
    let mut seen = std::collections::HashSet::new();
    for r in regions {
        if !seen.insert(r.name.as_str()) {
            return Err(ReportError::Chart {
                figure: id.into(),
                message: format!("region \"{}\" has two geometries", r.name),
            });
        }
        if let Some(q) = r
            .polygons
            .iter()
            .flatten()
            .flatten()
            .find(|q| !q[0].is_finite() || !q[1].is_finite())
        {
            return Err(ReportError::Chart {
                figure: id.into(),
                message: format!(
                    "region \"{}\" has a non-finite coordinate [{}, {}]",
                    r.name, q[0], q[1]
                ),
            });
        }
    }
    Ok(())
}

// ---------------------------------------------------------------- figures

/// Largest SVG wanted for one map, in bytes.
const BUDGET: usize = 900_000;

/// Draws a map on the 0.1 px grid, or, when its SVG would exceed [`BUDGET`]
/// (thousands of regions), on a coarser vertex grid (0.2, 0.5, 1 px). A grid
/// moves every vertex the same way, so borders shared by two regions stay
/// shared.
fn within_budget(
    draw: impl Fn(i64) -> Result<MapFigure, ReportError>,
) -> Result<MapFigure, ReportError> {
    let mut fig = draw(1)?;
    for g in [2, 5, 10] {
        if fig.svg.len() <= BUDGET {
            break;
        }
        fig = draw(g)?;
    }
    Ok(fig)
}

/// The choropleth (`fig-map-choropleth`): one panel per year side by side,
/// one legend with the class ranges and the number of regions per class and
/// year, a north arrow and a scale bar.
pub fn choropleth_figure(
    regions: &[RegionShape],
    c: &Choropleth,
) -> Result<MapFigure, ReportError> {
    within_budget(|grid| choropleth_at(regions, c, grid))
}

/// Draws the map with region vertices on a grid of `grid` tenths of a pixel.
fn choropleth_at(
    regions: &[RegionShape],
    c: &Choropleth,
    grid: i64,
) -> Result<MapFigure, ReportError> {
    let id = "fig-map-choropleth";
    check_choropleth(id, regions, c)?;
    let k = c.bins.len();
    let n = c.years.len();
    let gap = 18.0;
    let pw = ((WIDTH - 2.0 * PAD - gap * (n - 1) as f64) / n as f64).min(560.0);
    let x0 = (WIDTH - (pw * n as f64 + gap * (n - 1) as f64)) / 2.0;
    let ext = extent(regions);
    let ph = ext.map_or(220.0, |e| Proj::height_for(e, pw, 180.0, 520.0));
    let top = PAD + 22.0;
    let legend_top = top + ph + 18.0;
    let legend_h = 22.0 + 19.0 * (k as f64 + 1.0);
    let h = legend_top + legend_h.max(70.0) + PAD;

    let sid = format!("{id}-svg");
    let mut style = format!(" #{sid} .regions{{{}}}", border(regions.len()));
    for i in 0..k {
        let _ = write!(style, " #{sid} .c{i}{{fill:{}}}", class_colour(i, k));
    }
    let title = format!("{} by class", c.variable);
    let mut out = String::new();
    open_svg(&mut out, id, &title, h, &style);
    let mut proj = None;
    for (j, y) in c.years.iter().enumerate() {
        let bx = (x0 + j as f64 * (pw + gap), top, pw, ph);
        let _ = writeln!(out, "<g class=\"panel\" data-year=\"{}\">", esc(&y.year));
        text(
            &mut out,
            &y.year,
            (bx.0 + pw / 2.0, PAD + 8.0),
            13.5,
            "middle",
            None,
            INK,
            true,
        );
        match ext {
            Some(e) => {
                let p = Proj::fit(e, bx, grid);
                choropleth_regions(&mut out, regions, c, y, &p);
                proj = Some(p);
            }
            None => empty_note(&mut out, bx),
        }
        out.push_str("</g>\n");
    }
    choropleth_legend(&mut out, regions, c, legend_top);
    if let Some(p) = proj {
        let rx = WIDTH - PAD - 200.0;
        north_arrow(&mut out, rx + 170.0, legend_top);
        scale_bar(&mut out, &p, rx, legend_top + 40.0, 120.0);
    }
    out.push_str("</svg>\n");
    Ok(MapFigure {
        id,
        title,
        svg: out,
        caption: choropleth_caption(regions, c),
    })
}

/// One to three years, finite increasing bins, and every region named in
/// the values known.
fn check_choropleth(id: &str, regions: &[RegionShape], c: &Choropleth) -> Result<(), ReportError> {
    check_geometry(id, regions)?;
    let err = |m: String| ReportError::Chart {
        figure: id.into(),
        message: m,
    };
    if c.years.is_empty() || c.years.len() > 3 {
        return Err(err(format!(
            "the choropleth needs one to three years, found {}",
            c.years.len()
        )));
    }
    if c.bins.is_empty() || c.bins.iter().any(|b| !b.is_finite()) {
        return Err(err("the choropleth needs finite bins".into()));
    }
    if c.bins.windows(2).any(|w| w[0] >= w[1]) {
        return Err(err(format!(
            "the choropleth's bins must increase: {:?}",
            c.bins
        )));
    }
    for y in &c.years {
        check_names(id, regions, y.values.keys(), &format!("year {}", y.year))?;
    }
    Ok(())
}

/// The regions of one year's panel, filled by class, and their labels.
fn choropleth_regions(
    out: &mut String,
    regions: &[RegionShape],
    c: &Choropleth,
    y: &YearValues,
    p: &Proj,
) {
    let n = c.years.len();
    let lab_px = if n == 1 { 12.0 } else { 10.0 };
    // Hover titles: short when there are many paths; values with one
    // decimal more than the legend.
    let many = regions.len() * n > 1000;
    let vd = {
        let mut all: Vec<f64> = c.bins.clone();
        all.extend(choropleth_min(c));
        decimals(&all) + 1
    };
    out.push_str("<g class=\"regions\">\n");
    let mut cp = ClassPaths::default();
    for r in regions {
        let v = value_of(y, &r.name);
        let cls = v.and_then(|v| class_of(v, &c.bins));
        let (class, hover) = match (v, cls) {
            (Some(v), Some(i)) => (
                format!("c{i}"),
                if many {
                    format!("{}: {}", r.name, num(v, vd))
                } else {
                    format!("{} {}: {} (class {})", r.name, y.year, num(v, vd), i + 1)
                },
            ),
            _ => ("nd".to_string(), format!("{}: no data", r.name)),
        };
        cp.add(r, p, &class, &hover);
    }
    cp.write(out);
    out.push_str("</g>\n");
    labels(out, regions, p, lab_px);
}

/// The legend: swatch, range and the count of regions per year of each class.
fn choropleth_legend(out: &mut String, regions: &[RegionShape], c: &Choropleth, legend_top: f64) {
    let labs = class_labels(c);
    let counts: Vec<Vec<usize>> = c
        .years
        .iter()
        .map(|y| class_counts(regions, c, y))
        .collect();
    let lx = PAD + 10.0;
    let range_w = labs
        .iter()
        .map(|l| text_width(l, 12.0))
        .fold(60.0, f64::max);
    let col0 = lx + 24.0 + range_w + 24.0;
    out.push_str("<g class=\"legend\">\n");
    text(
        out,
        &format!("{} ({})", c.variable, c.method),
        (lx, legend_top + 7.0),
        12.5,
        "start",
        None,
        INK,
        true,
    );
    let hy = legend_top + 22.0;
    for (j, y) in c.years.iter().enumerate() {
        text(
            out,
            &y.year,
            (col0 + 46.0 * j as f64 + 20.0, hy + 7.0),
            11.5,
            "end",
            None,
            MUTED,
            true,
        );
    }
    for (i, lab) in labs.iter().enumerate() {
        let yy = hy + 19.0 * (i as f64 + 1.0);
        let _ = writeln!(
            out,
            "<rect class=\"c{i}\" x=\"{}\" y=\"{}\" width=\"16\" height=\"12\" stroke=\"#999999\" stroke-width=\".5\"/>",
            f1(lx),
            f1(yy + 1.0)
        );
        text(
            out,
            lab,
            (lx + 24.0, yy + 7.0),
            12.0,
            "start",
            None,
            INK,
            false,
        );
        for (j, cn) in counts.iter().enumerate() {
            text(
                out,
                &cn[i].to_string(),
                (col0 + 46.0 * j as f64 + 20.0, yy + 7.0),
                12.0,
                "end",
                Some("count"),
                INK,
                false,
            );
        }
    }
    out.push_str("</g>\n");
}

/// The side panel of a single map: legend rows, then the north arrow and
/// the scale bar.
fn side_panel(
    out: &mut String,
    p: Option<&Proj>,
    rows: &[(String, String)],
    title: &str,
    fig_h: f64,
) {
    let x = WIDTH - SIDE - PAD;
    let y = legend_rows(out, rows, x, PAD, title);
    if let Some(p) = p {
        let ny = (y + 16.0).max(fig_h - PAD - 100.0);
        north_arrow(out, x + 20.0, ny);
        scale_bar(out, p, x + 10.0, ny + 72.0, 140.0);
    }
}

/// The tier map (`fig-map-tiers`): one colour per tier, the report's tier
/// colours.
pub fn tiers_figure(regions: &[RegionShape], t: &Tiers) -> Result<MapFigure, ReportError> {
    within_budget(|grid| tiers_at(regions, t, grid))
}

/// Draws the map with region vertices on a grid of `grid` tenths of a pixel.
fn tiers_at(regions: &[RegionShape], t: &Tiers, grid: i64) -> Result<MapFigure, ReportError> {
    let id = "fig-map-tiers";
    check_geometry(id, regions)?;
    check_names(id, regions, t.tiers.keys(), "the tiers")?;
    let sid = format!("{id}-svg");
    let counts = tier_counts(regions, t);
    let mut style = format!(" #{sid} .regions{{{}}}", border(regions.len()));
    for (tier, _) in &counts {
        let _ = write!(style, " #{sid} .t{tier}{{fill:{}}}", tier_fill(*tier));
    }
    let (p, bx, h) = single_layout(regions, grid);
    let mut out = String::new();
    open_svg(&mut out, id, &t.title, h, &style);
    if let Some(p) = &p {
        out.push_str("<g class=\"regions\">\n");
        let mut cp = ClassPaths::default();
        for r in regions {
            let (class, hover) = match t.tiers.get(&r.name) {
                Some(v) => (format!("t{v}"), format!("{}: Tier {v}", r.name)),
                None => ("nd".into(), format!("{}: no tier", r.name)),
            };
            cp.add(r, p, &class, &hover);
        }
        cp.write(&mut out);
        out.push_str("</g>\n");
        labels(&mut out, regions, p, 12.0);
    } else {
        empty_note(&mut out, bx);
    }
    let mut rows: Vec<(String, String)> = counts
        .iter()
        .map(|(tier, n)| (format!("t{tier}"), format!("Tier {tier} ({n})")))
        .collect();
    if regions.iter().any(|r| !t.tiers.contains_key(&r.name)) {
        rows.push(("nd".into(), "No tier".into()));
    }
    side_panel(&mut out, p.as_ref(), &rows, "Cluster tier", h);
    out.push_str("</svg>\n");
    Ok(MapFigure {
        id,
        title: t.title.clone(),
        svg: out,
        caption: tiers_caption(regions, t),
    })
}

/// The LISA cluster map (`fig-map-lisa`): HH red, LL blue, LH light blue,
/// HL pink when significant, everything else light grey; islands circled.
pub fn lisa_figure(regions: &[RegionShape], l: &Lisa) -> Result<MapFigure, ReportError> {
    within_budget(|grid| lisa_at(regions, l, grid))
}

/// Draws the map with region vertices on a grid of `grid` tenths of a pixel.
fn lisa_at(regions: &[RegionShape], l: &Lisa, grid: i64) -> Result<MapFigure, ReportError> {
    let id = "fig-map-lisa";
    check_geometry(id, regions)?;
    check_names(
        id,
        regions,
        l.regions.iter().map(|r| &r.region),
        "the LISA results",
    )?;
    check_names(id, regions, l.islands.iter(), "the islands")?;
    let by: BTreeMap<&str, &LisaRegion> =
        l.regions.iter().map(|r| (r.region.as_str(), r)).collect();
    let title = format!("LISA clusters of {}, {}", l.variable, l.year);
    let (p, bx, h) = single_layout(regions, grid);
    let mut out = String::new();
    open_svg(&mut out, id, &title, h, &lisa_style(id, regions.len()));
    if let Some(p) = &p {
        lisa_regions(&mut out, regions, l, &by, p);
        labels(&mut out, regions, p, 12.0);
    } else {
        empty_note(&mut out, bx);
    }
    let mut rows: Vec<(String, String)> = vec![
        ("hh".into(), "High-High".into()),
        ("ll".into(), "Low-Low".into()),
        ("lh".into(), "Low-High".into()),
        ("hl".into(), "High-Low".into()),
        ("ns".into(), "Not significant".into()),
    ];
    if regions.iter().any(|r| !by.contains_key(r.name.as_str())) {
        rows.push(("nd".into(), "No result".into()));
    }
    side_panel(
        &mut out,
        p.as_ref(),
        &rows,
        &format!("LISA, p ≤ {}", crate::fmt::fx(l.alpha, 2)),
        h,
    );
    if !l.islands.is_empty() {
        island_legend(&mut out, rows.len());
    }
    out.push_str("</svg>\n");
    Ok(MapFigure {
        id,
        title,
        svg: out,
        caption: lisa_caption(regions, l),
    })
}

/// The LISA map's fills: a colour per quadrant, grey for not significant,
/// and the island ring.
fn lisa_style(id: &str, n_regions: usize) -> String {
    let sid = format!("{id}-svg");
    let mut style = format!(" #{sid} .regions{{{}}}", border(n_regions));
    for (c, q) in [
        ("hh", Quadrant::HH),
        ("ll", Quadrant::LL),
        ("lh", Quadrant::LH),
        ("hl", Quadrant::HL),
    ] {
        let _ = write!(style, " #{sid} .{c}{{fill:{}}}", lisa_colour(q, true));
    }
    let _ = write!(
        style,
        " #{sid} .ns{{fill:{LIGHT_GREY}}} #{sid} .island{{fill:none;stroke:{INK};stroke-width:1.5}}"
    );
    style
}

/// The regions by quadrant (grey when not significant) and a ring around
/// each island.
fn lisa_regions(
    out: &mut String,
    regions: &[RegionShape],
    l: &Lisa,
    by: &BTreeMap<&str, &LisaRegion>,
    p: &Proj,
) {
    out.push_str("<g class=\"regions\">\n");
    let mut cp = ClassPaths::default();
    for r in regions {
        let (class, hover) = match by.get(r.name.as_str()) {
            Some(x) if x.significant => (
                format!("{:?}", x.quadrant).to_lowercase(),
                format!("{}: {:?}, significant", r.name, x.quadrant),
            ),
            Some(x) => (
                "ns".to_string(),
                format!("{}: {:?}, not significant", r.name, x.quadrant),
            ),
            None => ("nd".to_string(), format!("{}: no result", r.name)),
        };
        let hover = if l.islands.contains(&r.name) {
            format!("{hover}; island (no neighbour)")
        } else {
            hover
        };
        cp.add(r, p, &class, &hover);
    }
    cp.write(out);
    out.push_str("</g>\n");
    out.push_str("<g class=\"islands\">\n");
    for r in regions.iter().filter(|r| l.islands.contains(&r.name)) {
        if let Some(((x, y), _)) = label_point(r, p) {
            let _ = writeln!(
                out,
                "<circle class=\"island\" data-region=\"{}\" cx=\"{}\" cy=\"{}\" r=\"7\"/>",
                esc(&r.name),
                f1(x),
                f1(y)
            );
        }
    }
    out.push_str("</g>\n");
}

/// The island symbol below the `rows` legend swatches.
fn island_legend(out: &mut String, rows: usize) {
    let x = WIDTH - SIDE - PAD;
    let y = PAD + 22.0 + 19.0 * rows as f64;
    let _ = writeln!(
        out,
        "<g class=\"legend\"><circle class=\"island\" cx=\"{}\" cy=\"{}\" r=\"6\"/>",
        f1(x + 8.0),
        f1(y + 7.0)
    );
    text(
        out,
        "Island (no neighbour)",
        (x + 24.0, y + 7.0),
        12.0,
        "start",
        None,
        INK,
        false,
    );
    out.push_str("</g>\n");
}

/// Draws the gravity path (line, arrows, points, first and last labels)
/// with projection `p` into `out`, groups `gravity-path` and
/// `gravity-points`.
fn gravity_layer(out: &mut String, pts: &[&GravityPoint], p: &Proj, big: bool) {
    let xy: Vec<(f64, f64)> = pts.iter().map(|q| p.px(q.lon, q.lat)).collect();
    gravity_segments(out, &xy, big);
    gravity_points(out, pts, &xy, big);
    if big && !pts.is_empty() {
        gravity_end_labels(out, pts, &xy);
    }
}

/// The colour of point `i` of `n` along the time ramp.
fn gravity_colour(i: usize, n: usize) -> String {
    hexs(time_colour(if n > 1 {
        i as f64 / (n - 1) as f64
    } else {
        0.0
    }))
}

/// Group `gravity-path`: a segment per year step, coloured by its end year,
/// with an arrow head at its middle when `big` and long enough.
fn gravity_segments(out: &mut String, xy: &[(f64, f64)], big: bool) {
    out.push_str("<g class=\"gravity-path\">\n");
    for (i, w) in xy.windows(2).enumerate() {
        let (a, b) = (w[0], w[1]);
        let c = gravity_colour(i + 1, xy.len());
        let _ = writeln!(
            out,
            "<path d=\"M{} {}L{} {}\" stroke=\"{c}\" stroke-width=\"{}\" fill=\"none\"/>",
            f1(a.0),
            f1(a.1),
            f1(b.0),
            f1(b.1),
            if big { "2" } else { "1.5" }
        );
        // Arrow head at the segment's middle, pointing along it.
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let len = (dx * dx + dy * dy).sqrt();
        if big && len > 14.0 {
            let (ux, uy) = (dx / len, dy / len);
            let (mx, my) = ((a.0 + b.0) / 2.0 + ux * 4.0, (a.1 + b.1) / 2.0 + uy * 4.0);
            let (bx, by) = (mx - ux * 9.0, my - uy * 9.0);
            let _ = writeln!(
                out,
                "<path class=\"arrow\" d=\"M{} {}L{} {}L{} {}z\" fill=\"{c}\"/>",
                f1(mx),
                f1(my),
                f1(bx - uy * 4.5),
                f1(by + ux * 4.5),
                f1(bx + uy * 4.5),
                f1(by - ux * 4.5)
            );
        }
    }
    out.push_str("</g>\n");
}

/// Group `gravity-points`: a dot per year with its coordinates as title.
fn gravity_points(out: &mut String, pts: &[&GravityPoint], xy: &[(f64, f64)], big: bool) {
    out.push_str("<g class=\"gravity-points\">\n");
    for (i, (q, &(x, y))) in pts.iter().zip(xy).enumerate() {
        let _ = writeln!(
            out,
            "<circle data-year=\"{}\" cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{}\" stroke=\"#ffffff\" stroke-width=\"1\"><title>{}: {}</title></circle>",
            esc(&q.year),
            f1(x),
            f1(y),
            if big { "4.5" } else { "3" },
            gravity_colour(i, pts.len()),
            esc(&q.year),
            lonlat(q.lon, q.lat)
        );
    }
    out.push_str("</g>\n");
}

/// Group `gravity-labels`: the first and last year, placed away from the
/// path (opposite to the neighbouring point).
fn gravity_end_labels(out: &mut String, pts: &[&GravityPoint], xy: &[(f64, f64)]) {
    let n = pts.len();
    out.push_str("<g class=\"gravity-labels\">\n");
    let ends: Vec<usize> = if n > 1 { vec![0, n - 1] } else { vec![0] };
    for &i in &ends {
        let (x, y) = xy[i];
        let j = if i == 0 { 1.min(n - 1) } else { i - 1 };
        let (dx, dy) = (x - xy[j].0, y - xy[j].1);
        let len = (dx * dx + dy * dy).sqrt();
        let (ux, uy) = if len > 0.0 {
            (dx / len, dy / len)
        } else if i == 0 {
            (-1.0, 0.0)
        } else {
            (1.0, 0.0)
        };
        let anchor = if ux > 0.3 {
            "start"
        } else if ux < -0.3 {
            "end"
        } else {
            "middle"
        };
        text(
            out,
            &pts[i].year,
            (x + ux * 12.0, y + uy * 12.0),
            12.0,
            anchor,
            Some("halo"),
            INK,
            true,
        );
    }
    out.push_str("</g>\n");
}

/// The centre-of-gravity map (`fig-map-gravity`): the outline of all
/// regions, the path at map scale, and an inset enlarging the path with
/// arrows in year order and the first and last year labelled.
pub fn gravity_figure(regions: &[RegionShape], g: &Gravity) -> Result<MapFigure, ReportError> {
    within_budget(|grid| gravity_at(regions, g, grid))
}

/// Draws the map with region vertices on a grid of `grid` tenths of a pixel.
fn gravity_at(regions: &[RegionShape], g: &Gravity, grid: i64) -> Result<MapFigure, ReportError> {
    let id = "fig-map-gravity";
    check_geometry(id, regions)?;
    let pts: Vec<&GravityPoint> = g
        .points
        .iter()
        .filter(|q| q.lon.is_finite() && q.lat.is_finite())
        .collect();
    if pts.len() != g.points.len() {
        return Err(ReportError::Chart {
            figure: id.into(),
            message: "a centre of gravity has a non-finite coordinate".into(),
        });
    }
    let sid = format!("{id}-svg");
    let style = format!(
        " #{sid} .regions{{stroke:#b5b5b5;stroke-width:{}}} #{sid} .regions path{{fill:{LIGHT_GREY}}} #{sid} .inset-frame{{fill:none;stroke:{MUTED};stroke-width:1}}",
        if regions.len() > 400 { ".25" } else { ".6" }
    );
    let title = format!("Centre of gravity of {}", g.variable);
    let shapes_ext = gravity_extent(regions, &pts);
    let bw = WIDTH - SIDE - 3.0 * PAD;
    let bh = shapes_ext.map_or(300.0, |e| Proj::height_for(e, bw, 300.0, 620.0));
    let bx = (PAD, PAD, bw, bh);
    let h = (bh + 2.0 * PAD).max(SIDE + 150.0);
    let mut out = String::new();
    open_svg(&mut out, id, &title, h, &style);
    let Some(e) = shapes_ext else {
        empty_note(&mut out, bx);
        out.push_str("</svg>\n");
        return Ok(MapFigure {
            id,
            title,
            svg: out,
            caption: gravity_caption(regions, g),
        });
    };
    let p = Proj::fit(e, bx, grid);
    out.push_str("<g class=\"regions\">\n");
    let mut cp = ClassPaths::default();
    for r in regions {
        cp.add(r, &p, "o", &r.name);
    }
    cp.write(&mut out);
    out.push_str("</g>\n");
    // Muted labels so that the path can be placed among the regions.
    if regions.len() <= MAX_LABELS {
        let mut lab = String::new();
        labels(&mut lab, regions, &p, 11.0);
        out.push_str(&lab.replace(&format!("fill=\"{INK}\""), &format!("fill=\"{MUTED}\"")));
    }
    let (ix, iy, iw) = (WIDTH - SIDE - PAD, PAD, SIDE);
    if !pts.is_empty() {
        gravity_inset(&mut out, id, regions, &pts, &p, grid);
    }
    let ny = h - PAD - 100.0;
    north_arrow(&mut out, ix + 200.0, ny.max(iy + iw + 60.0));
    let mut main_bar = String::new();
    scale_bar(
        &mut main_bar,
        &p,
        ix + 110.0,
        ny.max(iy + iw + 60.0) + 72.0,
        110.0,
    );
    out.push_str(&main_bar.replace("class=\"scale-bar\"", "class=\"scale-bar main\""));
    out.push_str("</svg>\n");
    Ok(MapFigure {
        id,
        title,
        svg: out,
        caption: gravity_caption(regions, g),
    })
}

/// The extent of the regions and the path together.
fn gravity_extent(regions: &[RegionShape], pts: &[&GravityPoint]) -> Option<[f64; 4]> {
    let mut ext = extent(regions);
    for q in pts {
        let e = ext.get_or_insert([q.lon, q.lat, q.lon, q.lat]);
        *e = [
            e[0].min(q.lon),
            e[1].min(q.lat),
            e[2].max(q.lon),
            e[3].max(q.lat),
        ];
    }
    ext
}

/// The inset's extent: a square around the path (at least 20 km wide),
/// padded by 40 %, as `[lon0, lat0, lon1, lat1]`.
fn inset_extent(pts: &[&GravityPoint]) -> [f64; 4] {
    let lon_c = pts.iter().map(|q| q.lon).sum::<f64>() / pts.len() as f64;
    let lat_c = pts.iter().map(|q| q.lat).sum::<f64>() / pts.len() as f64;
    let (mut lo, mut la) = (0.0f64, 0.0f64);
    for q in pts {
        lo = lo.max((q.lon - lon_c).abs());
        la = la.max((q.lat - lat_c).abs());
    }
    let cos_c = lat_c.to_radians().cos().max(1e-6);
    // Half width in degrees of latitude, padded by 40 %.
    let half = (lo * cos_c).max(la).max(10.0 / 111.195) * 1.4;
    [
        lon_c - half / cos_c,
        lat_c - half,
        lon_c + half / cos_c,
        lat_c + half,
    ]
}

/// The path at map scale `p` with the inset's frame marked, then the inset
/// beside the map: the regions it meets, the enlarged path and a scale bar.
fn gravity_inset(
    out: &mut String,
    id: &str,
    regions: &[RegionShape],
    pts: &[&GravityPoint],
    p: &Proj,
    grid: i64,
) {
    let (ix, iy, iw) = (WIDTH - SIDE - PAD, PAD, SIDE);
    let iext = inset_extent(pts);
    let ip = Proj::fit(iext, (ix, iy + 18.0, iw, iw), grid);
    // Mark the inset's extent on the main map.
    let (a, b) = (p.px(iext[0], iext[3]), p.px(iext[2], iext[1]));
    let _ = writeln!(
        out,
        "<rect class=\"inset-frame\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
        f1(a.0.min(b.0) - 1.0),
        f1(a.1.min(b.1) - 1.0),
        f1((b.0 - a.0).abs() + 2.0),
        f1((b.1 - a.1).abs() + 2.0)
    );
    gravity_layer(out, pts, p, false);
    out.push_str("<g class=\"inset\">\n");
    text(
        out,
        "Enlarged",
        (ix, iy + 7.0),
        12.5,
        "start",
        None,
        INK,
        true,
    );
    let _ = writeln!(
        out,
        "<clipPath id=\"{id}-clip\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/></clipPath>",
        f1(ix),
        f1(iy + 18.0),
        f1(iw),
        f1(iw)
    );
    let _ = writeln!(out, "<g class=\"regions\" clip-path=\"url(#{id}-clip)\">");
    let mut cp = ClassPaths::default();
    for r in regions {
        // Only regions whose extent meets the inset.
        let Some(re) = extent(std::slice::from_ref(r)) else {
            continue;
        };
        if re[2] < iext[0] || re[0] > iext[2] || re[3] < iext[1] || re[1] > iext[3] {
            continue;
        }
        cp.add(r, &ip, "o", &r.name);
    }
    cp.write(out);
    out.push_str("</g>\n");
    gravity_layer(out, pts, &ip, true);
    let _ = writeln!(
        out,
        "<rect class=\"inset-frame\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
        f1(ix),
        f1(iy + 18.0),
        f1(iw),
        f1(iw)
    );
    scale_bar(out, &ip, ix + 10.0, iy + 18.0 + iw + 30.0, 80.0);
    out.push_str("</g>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenths_are_written_short() {
        let mut s = String::from("m");
        for v in [12, -5, 30, 0, 5, -12] {
            push_tenths(&mut s, v);
        }
        assert_eq!(s, "m1.2-.5 3 0 .5-1.2");
    }

    #[test]
    fn classes_follow_inclusive_upper_bounds() {
        let bins = [0.2, 0.4, 0.6];
        assert_eq!(class_of(0.1, &bins), Some(0));
        assert_eq!(class_of(0.2, &bins), Some(0));
        assert_eq!(class_of(0.2000001, &bins), Some(1));
        assert_eq!(class_of(0.6, &bins), Some(2));
        assert_eq!(class_of(0.9, &bins), Some(2));
        assert_eq!(class_of(f64::NAN, &bins), None);
    }

    #[test]
    fn pole_of_inaccessibility_of_a_square_is_its_centre() {
        let sq = vec![vec![(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)]];
        let (x, y) = polylabel(&sq, 0.01);
        assert!((x - 5.0).abs() < 0.05 && (y - 5.0).abs() < 0.05, "{x} {y}");
        // An L shape: the point lies inside, not at the (outside) bbox centre.
        let l = vec![vec![
            (0.0, 0.0),
            (10.0, 0.0),
            (10.0, 2.0),
            (2.0, 2.0),
            (2.0, 10.0),
            (0.0, 10.0),
        ]];
        let p = polylabel(&l, 0.01);
        assert!(point_dist(p, &l) > 0.9, "{p:?}");
    }

    #[test]
    fn haversine_and_bearing_of_known_moves() {
        // One degree of latitude: 6371 pi / 180 km, due north.
        let d = haversine_km(120.0, 40.0, 120.0, 41.0);
        assert!((d - 6371.0 * std::f64::consts::PI / 180.0).abs() < 1e-9);
        assert!(bearing_deg(120.0, 40.0, 120.0, 41.0).abs() < 1e-9);
        assert!((bearing_deg(0.0, 0.0, 1.0, 0.0) - 90.0).abs() < 1e-9);
        assert_eq!(compass(135.0), "south-east");
        assert_eq!(compass(350.0), "north");
    }
}
