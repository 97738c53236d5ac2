//! The spatial chain of `rurban run` (`[geo]` in the spec): Moran's I of
//! the composite per year, LISA of every year, the spatial Markov chain, the
//! centre of gravity, their findings in words and the input of the maps.
//!
//! The chain calls the same functions as the spatial subcommands, with the
//! same arguments, so every number can be reproduced from the run's own
//! `scores.csv`:
//!
//! ```text
//! rurban moran   --input scores.csv --column composite --by year --geo F --key P --local
//! rurban markov  --input scores.csv --column composite --k K --geo F --key P
//! rurban gravity --input scores.csv --column composite --by year --geo F --key P
//! ```
//!
//! It runs in three parts: [`setup`] reads the boundaries and builds the
//! weights (all the I/O, and every error that is the spec's fault);
//! [`analyse`] computes the [`SpatialAnalysis`] from the setup, the panel's
//! regions and years and the composite (pure; a statistic the data do not
//! allow is left out with a warning); [`spatial_findings`] and
//! [`maps_input`] turn the analysis into sentences and maps.

use std::path::PathBuf;

use ndarray::ArrayView2;
use rurban_geo::{
    Geography, Gravity, GravityGroup, RegionWeights, Transform, WeightsKind, WeightsOptions,
    haversine_km, initial_bearing, region_weights,
};
use rurban_spatial::classify::{ClassMethod, bins};
use rurban_spatial::markov::{ClassScope, MarkovResult, SpatialMarkov, markov};
use rurban_spatial::moran::{GlobalMoran, PermutationOptions, global_moran, local_moran};
use rurban_spec::{GeoSpec, GeoWeights, Spec};
use rurban_trend::{Direction, format_p, yearly_change};

use crate::PipelineError;

pub use rurban_results::spatial::{
    COMPOSITE, GeometrySource, GravityFinding, MapClasses, MarkovFinding, MoranAnalysis,
    MoranFinding, SpatialAnalysis, SpatialFindings, Spot, SpotsFinding, maps_input,
};

/// The boundaries and weights of a run, read once.
#[derive(Debug, Clone)]
pub struct SpatialSetup {
    /// The boundaries, keyed by the property naming the panel's regions.
    pub geography: Geography,
    /// The weights over the panel's regions (the spec's transform).
    pub weights: RegionWeights,
    /// The GeoJSON file as resolved against the spec.
    pub file: PathBuf,
    /// Warnings of reading and restricting (features without data, islands).
    pub warnings: Vec<String>,
}

fn spec_error(spec: &Spec, key: &str, message: impl std::fmt::Display) -> PipelineError {
    PipelineError::Other(format!("{}: {key}: {message}", spec.path.display()))
}

/// The weights options of a `[geo]` table, paths resolved against the spec.
pub fn weights_options(geo: &GeoSpec, spec: &Spec) -> WeightsOptions {
    let kind = match &geo.weights {
        GeoWeights::Contiguity(c) => match c {
            rurban_spec::Contiguity::Queen => WeightsKind::Queen,
            rurban_spec::Contiguity::Rook => WeightsKind::Rook,
        },
        GeoWeights::Knn(k) => WeightsKind::Knn(*k),
        GeoWeights::File(f) => WeightsKind::File(spec.resolve(f)),
    };
    WeightsOptions {
        kind,
        transform: geo.transform,
    }
}

/// Reads the boundaries of `[geo]` and builds the weights over `regions`
/// (the panel's, in panel order). Every error names the spec and its key:
/// a file that cannot be read, a key property that does not hold the
/// regions, a region without a feature, `knn` not below the number of
/// regions, a bad weights file.
pub fn setup(
    geo: &GeoSpec,
    spec: &Spec,
    regions: &[String],
) -> Result<SpatialSetup, PipelineError> {
    let file = spec.resolve(&geo.file);
    let key_name = if geo.key.is_some() { "key" } else { "file" };
    let geography = Geography::open(&file, geo.key.as_deref(), regions).map_err(|e| match e {
        rurban_geo::GeoError::Io { .. } => spec_error(spec, "[geo] file", e),
        e => spec_error(spec, &format!("[geo] {key_name}"), e),
    })?;
    let opts = weights_options(geo, spec);
    if let WeightsKind::Knn(k) = opts.kind
        && k >= regions.len()
    {
        return Err(spec_error(
            spec,
            "[geo] knn",
            format!(
                "knn = {k}: K must be less than the number of regions ({})",
                regions.len()
            ),
        ));
    }
    let what = match opts.kind {
        WeightsKind::File(_) => "[geo] weights_file",
        _ => "[geo]",
    };
    let weights =
        region_weights(&geography, regions, &opts).map_err(|e| spec_error(spec, what, e))?;
    let warnings = weights.warnings.clone();
    Ok(SpatialSetup {
        geography,
        weights,
        file,
        warnings,
    })
}

/// The years a map of the composite shows: the first, the middle
/// (`years[(Y - 1) / 2]`) and the last, without repeats.
pub fn map_years(years: &[i64]) -> Vec<i64> {
    let mut out: Vec<i64> = Vec::new();
    if years.is_empty() {
        return out;
    }
    for y in [
        years[0],
        years[(years.len() - 1) / 2],
        years[years.len() - 1],
    ] {
        if !out.contains(&y) {
            out.push(y);
        }
    }
    out
}

/// Computes the spatial chain on the composite (`composite[[region, year]]`,
/// regions and years in the panel's order). A statistic that the data do not
/// allow (e.g. Moran's I of fewer than 4 regions, the Markov chain of one
/// year) is left out, and a warning says why; the warnings of [`setup`] come
/// first.
pub fn analyse(
    geo: &GeoSpec,
    setup: &SpatialSetup,
    regions: &[String],
    years: &[i64],
    composite: ArrayView2<f64>,
) -> (SpatialAnalysis, Vec<String>) {
    let mut warnings = setup.warnings.clone();
    let keys: Vec<String> = years.iter().map(i64::to_string).collect();
    let moran = moran_analysis(geo, setup, regions, &keys, composite)
        .map_err(|e| warnings.push(format!("spatial chain: Moran's I skipped: {e}")))
        .ok();
    let markov_result = spatial_markov(geo, setup, years, composite, &mut warnings);
    let gravity = rurban_geo::gravity(&gravity_groups(setup, regions, &keys, composite))
        .map_err(|e| warnings.push(format!("spatial chain: the centre of gravity skipped: {e}")))
        .ok();
    let classes = map_classes(geo, years, composite, &mut warnings);
    let analysis = SpatialAnalysis {
        geometry: GeometrySource {
            file: geo.file.clone(),
            key: setup.geography.key.clone(),
            resolved: std::fs::canonicalize(&setup.file)
                .ok()
                .map(|p| p.display().to_string()),
        },
        alpha: geo.alpha.get(),
        moran,
        markov: markov_result,
        gravity,
        classes,
    };
    (analysis, warnings)
}

/// Moran's I and LISA per year, as `rurban moran --by year --local`.
fn moran_analysis(
    geo: &GeoSpec,
    setup: &SpatialSetup,
    regions: &[String],
    keys: &[String],
    composite: ArrayView2<f64>,
) -> Result<MoranAnalysis, String> {
    let perm = PermutationOptions {
        permutations: geo.permutations.get(),
        seed: geo.seed,
    };
    let w = setup
        .weights
        .subset(regions, geo.transform)
        .map_err(|e| e.to_string())?;
    let mut groups = Vec::with_capacity(keys.len());
    let mut local = Vec::new();
    for (y, key) in keys.iter().enumerate() {
        let x = composite.column(y).to_vec();
        groups.push(global_moran(key, &x, &w, &perm).map_err(|e| e.to_string())?);
        local.extend(local_moran(key, &x, &w, &perm, geo.alpha.get()).map_err(|e| e.to_string())?);
    }
    Ok(MoranAnalysis {
        weights: setup.weights.summary(),
        permutations: perm.permutations,
        groups,
        local,
    })
}

/// The spatial Markov chain, as `rurban markov --k K --geo ...`: pooled
/// quantile classes, row-standardised weights, m = k lag classes.
fn spatial_markov(
    geo: &GeoSpec,
    setup: &SpatialSetup,
    years: &[i64],
    composite: ArrayView2<f64>,
    warnings: &mut Vec<String>,
) -> Option<MarkovResult> {
    if years.len() < 2 {
        warnings.push(format!(
            "spatial chain: the spatial Markov chain needs at least 2 years, the panel has {}; skipped",
            years.len()
        ));
        return None;
    }
    let panel: Vec<Vec<f64>> = composite.rows().into_iter().map(|r| r.to_vec()).collect();
    let w = setup.weights.raw.transform(Transform::Row);
    let k = geo.markov_k.get();
    match markov(&panel, k, ClassScope::Pooled, Some((&w, k))) {
        Ok(r) => {
            warnings.extend(r.warnings.iter().cloned());
            Some(r)
        }
        Err(e) => {
            warnings.push(format!(
                "spatial chain: the spatial Markov chain skipped: {e}"
            ));
            None
        }
    }
}

/// The regions' values and centroids per year, for the centre of gravity
/// as `rurban gravity --by year`.
fn gravity_groups(
    setup: &SpatialSetup,
    regions: &[String],
    keys: &[String],
    composite: ArrayView2<f64>,
) -> Vec<GravityGroup> {
    let points: Vec<[f64; 2]> = regions
        .iter()
        .map(|r| {
            setup
                .geography
                .centroid_of(r)
                .unwrap_or([f64::NAN, f64::NAN])
        })
        .collect();
    keys.iter()
        .enumerate()
        .map(|(y, key)| GravityGroup {
            key: key.clone(),
            regions: regions.to_vec(),
            values: composite.column(y).to_vec(),
            points: points.clone(),
        })
        .collect()
}

/// One class scheme over the pooled values of the years the maps show
/// (natural breaks fall back to fewer classes with few distinct values).
fn map_classes(
    geo: &GeoSpec,
    years: &[i64],
    composite: ArrayView2<f64>,
    warnings: &mut Vec<String>,
) -> Option<MapClasses> {
    let shown = map_years(years);
    let pooled: Vec<f64> = shown
        .iter()
        .filter_map(|y| years.iter().position(|t| t == y))
        .flat_map(|y| composite.column(y).to_vec())
        .collect();
    let mut k = geo.k.get();
    if geo.classes == ClassMethod::Jenks {
        let mut distinct = pooled.clone();
        distinct.sort_by(f64::total_cmp);
        distinct.dedup();
        if !distinct.is_empty() && distinct.len() < k {
            warnings.push(format!(
                "spatial chain: the maps use {} natural-breaks classes instead of {k}: \
                 there are only {} distinct values",
                distinct.len(),
                distinct.len()
            ));
            k = distinct.len();
        }
    }
    match bins(&pooled, geo.classes, k) {
        Ok(b) => Some(MapClasses {
            method: geo.classes,
            years: shown.iter().map(i64::to_string).collect(),
            bins: b,
        }),
        Err(e) => {
            warnings.push(format!("spatial chain: the map classes skipped: {e}"));
            None
        }
    }
}

// ------------------------------------------------------------------ findings

/// The 8-point compass word of a bearing in degrees (sectors of 45 degrees
/// centred on north, north-east, ...).
pub fn compass(bearing: f64) -> &'static str {
    const WORDS: [&str; 8] = [
        "north",
        "north-east",
        "east",
        "south-east",
        "south",
        "south-west",
        "west",
        "north-west",
    ];
    let b = bearing.rem_euclid(360.0);
    WORDS[((b / 45.0).round() as usize) % 8]
}

/// The p value a finding quotes for Moran's I: the permutation p when
/// there were permutations, else the randomisation p.
pub fn moran_p(g: &GlobalMoran) -> f64 {
    g.p_sim.unwrap_or(g.p_random)
}

fn names(spots: &[Spot]) -> String {
    spots
        .iter()
        .map(|s| format!("{} ({})", s.region, format_p(s.p_sim)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The spatial findings in words, each sentence with the numbers it rests
/// on (I with 4 decimals, p as `format_p` writes it, km with 1 decimal,
/// degrees rounded).
pub fn spatial_findings(a: &SpatialAnalysis) -> SpatialFindings {
    let mut f = SpatialFindings::default();
    if let Some(m) = &a.moran
        && let (Some(first), Some(last)) = (m.groups.first(), m.groups.last())
    {
        moran_finding(&mut f, m, first, last);
        if m.permutations > 0 {
            spots_finding(&mut f, m, last, a.alpha);
        }
    }
    if let Some(g) = &a.gravity
        && g.groups.len() >= 2
    {
        gravity_finding(&mut f, g);
    }
    if let Some(sp) = a.markov.as_ref().and_then(|m| m.spatial.as_ref())
        && let (Some(lo), Some(hi)) = (sp.counts.first(), sp.counts.last())
    {
        markov_finding(&mut f, sp, lo, hi);
    }
    f
}

/// Moran's I from the first to the last year, with the Mann-Kendall trend
/// of the yearly I when there are enough years.
fn moran_finding(
    f: &mut SpatialFindings,
    m: &MoranAnalysis,
    first: &GlobalMoran,
    last: &GlobalMoran,
) {
    let years: Vec<i64> = m
        .groups
        .iter()
        .map(|g| g.key.parse().unwrap_or(0))
        .collect();
    let series: Vec<f64> = m.groups.iter().map(|g| g.i).collect();
    let change = yearly_change("Moran's I", &years, &series, "rose", "fell").ok();
    let (fp, lp) = (moran_p(first), moran_p(last));
    let sentence = if m.groups.len() == 1 {
        format!(
            "Moran's I of the composite in {} is {:.4} ({}).",
            last.key,
            last.i,
            format_p(lp)
        )
    } else {
        let span = format!(
            "from {:.4} ({}) in {} to {:.4} ({}) in {}",
            first.i,
            format_p(fp),
            first.key,
            last.i,
            format_p(lp),
            last.key
        );
        match &change {
            Some(c) => {
                let mk = format_p(c.mann_kendall.p);
                match c.direction {
                    Direction::Increasing => format!(
                        "Moran's I of the composite rose {span} (Mann-Kendall {mk}): \
                         similar levels cluster more and more."
                    ),
                    Direction::Decreasing => format!(
                        "Moran's I of the composite fell {span} (Mann-Kendall {mk}): \
                         similar levels cluster less and less."
                    ),
                    Direction::NoTrend => format!(
                        "Moran's I of the composite went {span}, no significant change \
                         (Mann-Kendall {mk})."
                    ),
                }
            }
            None => {
                format!("Moran's I of the composite went {span} (too few years for a trend test).")
            }
        }
    };
    f.sentences.push(sentence);
    f.moran = Some(MoranFinding {
        first_year: first.key.clone(),
        first_i: first.i,
        first_p: fp,
        last_year: last.key.clone(),
        last_i: last.i,
        last_p: lp,
        mann_kendall_p: change.as_ref().map(|c| c.mann_kendall.p),
        direction: change.as_ref().map(|c| c.direction),
    });
}

/// The significant hot (HH) and cold (LL) spots of the last year's LISA.
fn spots_finding(f: &mut SpatialFindings, m: &MoranAnalysis, last: &GlobalMoran, alpha: f64) {
    let mut hot = Vec::new();
    let mut cold = Vec::new();
    for l in m
        .local
        .iter()
        .filter(|l| l.key == last.key && l.significant)
    {
        let s = Spot {
            region: l.region.clone(),
            p_sim: l.p_sim.unwrap_or(1.0),
        };
        match l.quadrant.as_str() {
            "HH" => hot.push(s),
            "LL" => cold.push(s),
            _ => {}
        }
    }
    let by_p = |a: &Spot, b: &Spot| a.p_sim.total_cmp(&b.p_sim);
    hot.sort_by(by_p);
    cold.sort_by(by_p);
    let part = |v: &[Spot], what: &str| {
        if v.is_empty() {
            format!("no significant {what}")
        } else {
            format!("{what} in {}", names(v))
        }
    };
    f.sentences.push(format!(
        "In {} the LISA (alpha {alpha}) finds {}; {}.",
        last.key,
        part(&hot, "hot spots (HH, high among high)"),
        part(&cold, "cold spots (LL, low among low)")
    ));
    f.spots = Some(SpotsFinding {
        year: last.key.clone(),
        hot,
        cold,
    });
}

/// How far and in which direction the centre of gravity moved from the
/// first to the last year.
fn gravity_finding(f: &mut SpatialFindings, g: &Gravity) {
    let (first, last) = (&g.groups[0], &g.groups[g.groups.len() - 1]);
    let (p, q) = ([first.lon, first.lat], [last.lon, last.lat]);
    let d = haversine_km(p, q);
    let b = initial_bearing(p, q);
    let towards = compass(b);
    f.sentences.push(format!(
        "From {} to {} the centre of gravity of the composite moved {d:.1} km towards the \
         {towards} (bearing {b:.0} degrees), from ({:.4}, {:.4}) to ({:.4}, {:.4}) (lon, lat).",
        first.key, last.key, first.lon, first.lat, last.lon, last.lat
    ));
    f.gravity = Some(GravityFinding {
        from: first.key.clone(),
        to: last.key.clone(),
        distance_km: d,
        bearing: b,
        towards: towards.to_string(),
    });
}

/// The chance of moving up a class with neighbours in the lowest against
/// the highest lag class (spatial Markov chain).
fn markov_finding(f: &mut SpatialFindings, sp: &SpatialMarkov, lo: &[Vec<u64>], hi: &[Vec<u64>]) {
    let up = |c: &[Vec<u64>]| -> (u64, u64) {
        let k = c.len();
        let mut up = 0;
        let mut from = 0;
        for (a, row) in c.iter().enumerate().take(k.saturating_sub(1)) {
            from += row.iter().sum::<u64>();
            up += row[a + 1..].iter().sum::<u64>();
        }
        (up, from)
    };
    let (low_up, low_from) = up(lo);
    let (high_up, high_from) = up(hi);
    let ratio = |u: u64, n: u64| (n > 0).then(|| u as f64 / n as f64);
    let (low_p, high_p) = (ratio(low_up, low_from), ratio(high_up, high_from));
    let k = lo.len();
    let describe = |p: Option<f64>, u: u64, n: u64| match p {
        Some(p) => format!("{p:.4} ({u} of {n} transitions from below the top class)"),
        None => "no estimate (no transition from below the top class)".to_string(),
    };
    let verdict = match (low_p, high_p) {
        (Some(l), Some(h)) if h > l => ": prosperous neighbours go with moving up".to_string(),
        (Some(l), Some(h)) if h < l => {
            ": regions with poorer neighbours moved up more often".to_string()
        }
        (Some(_), Some(_)) => ": the neighbours' level makes no difference".to_string(),
        _ => String::new(),
    };
    f.sentences.push(format!(
        "Spatial Markov chain ({k} classes of the composite, {} lag classes): a region whose \
         neighbours are in the lowest lag class moved up a class with probability {}, one \
         whose neighbours are in the highest lag class with probability {}{verdict}.",
        sp.m,
        describe(low_p, low_up, low_from),
        describe(high_p, high_up, high_from)
    ));
    f.markov = Some(MarkovFinding {
        low_up,
        low_from,
        high_up,
        high_from,
        low_p,
        high_p,
    });
}
