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

use std::collections::BTreeMap;
use std::path::PathBuf;

use ndarray::ArrayView2;
use rurban_geo::{
    Geography, Gravity, GravityGroup, RegionWeights, Transform, WeightsKind, WeightsOptions,
    WeightsSummary, haversine_km, initial_bearing, region_weights,
};
use rurban_report::maps;
use rurban_spatial::classify::{ClassMethod, bins};
use rurban_spatial::markov::{ClassScope, MarkovResult, markov};
use rurban_spatial::moran::{
    GlobalMoran, LocalMoran, PermutationOptions, global_moran, local_moran,
};
use rurban_spec::Spec;
use rurban_spec::{GeoSpec, GeoWeights};
use rurban_trend::{Direction, format_p, yearly_change};
use serde::{Deserialize, Serialize};

use crate::PipelineError;

/// What the maps call the composite.
pub const COMPOSITE: &str = "Composite score";

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

/// The boundaries used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GeometrySource {
    /// The GeoJSON file (as resolved against the spec).
    pub file: String,
    /// The key property.
    pub key: String,
}

/// The contract's moran JSON of the composite, `--by year --local`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MoranAnalysis {
    /// Kind, transform, number of regions and islands of the weights.
    pub weights: WeightsSummary,
    /// Permutations of the pseudo p-values.
    pub permutations: usize,
    /// Global Moran's I per year (key = the year).
    pub groups: Vec<GlobalMoran>,
    /// LISA of every region in every year, year by year.
    pub local: Vec<LocalMoran>,
}

/// The classes of the composite maps: one scheme over the pooled values of
/// the years drawn (first, middle and last).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapClasses {
    /// How the bins were found.
    pub method: ClassMethod,
    /// The years drawn (one to three).
    pub years: Vec<String>,
    /// Inclusive upper bounds; the last is the maximum.
    pub bins: Vec<f64>,
}

/// The spatial chain's results: `summary.json`'s `"spatial"` object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpatialAnalysis {
    /// The boundaries used.
    pub geometry: GeometrySource,
    /// The LISA significance level.
    pub alpha: f64,
    /// Moran's I per year and LISA of every year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moran: Option<MoranAnalysis>,
    /// The classic and spatial Markov chain (needs at least 2 years).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub markov: Option<MarkovResult>,
    /// The centre of gravity per year and its moves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gravity: Option<Gravity>,
    /// The classes of the composite maps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classes: Option<MapClasses>,
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
    let column = |y: usize| composite.column(y).to_vec();

    // Moran's I and LISA per year, as `rurban moran --by year --local`.
    let perm = PermutationOptions {
        permutations: geo.permutations.get(),
        seed: geo.seed,
    };
    let moran = (|| -> Result<MoranAnalysis, String> {
        let w = setup
            .weights
            .subset(regions, geo.transform)
            .map_err(|e| e.to_string())?;
        let mut groups = Vec::with_capacity(years.len());
        let mut local = Vec::new();
        for (y, key) in keys.iter().enumerate() {
            let x = column(y);
            groups.push(global_moran(key, &x, &w, &perm).map_err(|e| e.to_string())?);
            local.extend(
                local_moran(key, &x, &w, &perm, geo.alpha.get()).map_err(|e| e.to_string())?,
            );
        }
        Ok(MoranAnalysis {
            weights: setup.weights.summary(),
            permutations: perm.permutations,
            groups,
            local,
        })
    })();
    let moran = moran
        .map_err(|e| warnings.push(format!("spatial chain: Moran's I skipped: {e}")))
        .ok();

    // The spatial Markov chain, as `rurban markov --k K --geo ...`: pooled
    // quantile classes, row-standardised weights, m = k lag classes.
    let markov_result = if years.len() < 2 {
        warnings.push(format!(
            "spatial chain: the spatial Markov chain needs at least 2 years, the panel has {}; skipped",
            years.len()
        ));
        None
    } else {
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
    };

    // The centre of gravity per year, as `rurban gravity --by year`.
    let points: Vec<[f64; 2]> = regions
        .iter()
        .map(|r| {
            setup
                .geography
                .centroid_of(r)
                .unwrap_or([f64::NAN, f64::NAN])
        })
        .collect();
    let groups: Vec<GravityGroup> = keys
        .iter()
        .enumerate()
        .map(|(y, key)| GravityGroup {
            key: key.clone(),
            regions: regions.to_vec(),
            values: column(y),
            points: points.clone(),
        })
        .collect();
    let gravity = rurban_geo::gravity(&groups)
        .map_err(|e| warnings.push(format!("spatial chain: the centre of gravity skipped: {e}")))
        .ok();

    // One class scheme over the pooled values of the years the maps show.
    let shown = map_years(years);
    let pooled: Vec<f64> = shown
        .iter()
        .filter_map(|y| years.iter().position(|t| t == y))
        .flat_map(column)
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
    let classes = match bins(&pooled, geo.classes, k) {
        Ok(b) => Some(MapClasses {
            method: geo.classes,
            years: shown.iter().map(i64::to_string).collect(),
            bins: b,
        }),
        Err(e) => {
            warnings.push(format!("spatial chain: the map classes skipped: {e}"));
            None
        }
    };

    let analysis = SpatialAnalysis {
        geometry: GeometrySource {
            file: setup.file.display().to_string(),
            key: setup.geography.key.clone(),
        },
        alpha: geo.alpha.get(),
        moran,
        markov: markov_result,
        gravity,
        classes,
    };
    (analysis, warnings)
}

// ------------------------------------------------------------------ findings

/// Moran's I of the composite in the first and last year and its trend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MoranFinding {
    /// First year.
    pub first_year: String,
    /// I in the first year.
    pub first_i: f64,
    /// Its p value (`p_sim`, or `p_random` without permutations).
    pub first_p: f64,
    /// Last year.
    pub last_year: String,
    /// I in the last year.
    pub last_i: f64,
    /// Its p value.
    pub last_p: f64,
    /// Mann-Kendall p of the yearly I (at least 3 years).
    pub mann_kendall_p: Option<f64>,
    /// `increasing`, `decreasing` or `no trend` (null below 3 years).
    pub direction: Option<Direction>,
}

/// A significant LISA hot or cold spot of the last year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Spot {
    /// The region.
    pub region: String,
    /// Its pseudo p-value.
    pub p_sim: f64,
}

/// The LISA clusters of the last year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpotsFinding {
    /// The year.
    pub year: String,
    /// Significant HH regions, by p then panel order.
    pub hot: Vec<Spot>,
    /// Significant LL regions.
    pub cold: Vec<Spot>,
}

/// The move of the centre of gravity from the first to the last year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GravityFinding {
    /// First year.
    pub from: String,
    /// Last year.
    pub to: String,
    /// Great-circle distance between the two centres, km.
    pub distance_km: f64,
    /// Initial bearing, degrees clockwise from north.
    pub bearing: f64,
    /// The 8-point compass direction of the bearing (`north`, `north-east`, ...).
    pub towards: String,
}

/// The probability of moving up a class by the neighbours' lag class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarkovFinding {
    /// Transitions up (to a higher class) with neighbours in the lowest lag class.
    pub low_up: u64,
    /// Transitions from below the top class with neighbours in the lowest lag class.
    pub low_from: u64,
    /// Transitions up with neighbours in the highest lag class.
    pub high_up: u64,
    /// Transitions from below the top class with neighbours in the highest lag class.
    pub high_from: u64,
    /// `low_up / low_from` (null without such transitions).
    pub low_p: Option<f64>,
    /// `high_up / high_from`.
    pub high_p: Option<f64>,
}

/// The spatial findings: sentences and the numbers they rest on.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SpatialFindings {
    /// The findings as sentences, in the order moran, spots, gravity, markov.
    pub sentences: Vec<String>,
    /// Moran's I.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moran: Option<MoranFinding>,
    /// Hot and cold spots.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spots: Option<SpotsFinding>,
    /// The centre of gravity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gravity: Option<GravityFinding>,
    /// The spatial Markov chain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub markov: Option<MarkovFinding>,
}

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
                None => format!(
                    "Moran's I of the composite went {span} (too few years for a trend test)."
                ),
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

        // hot and cold spots of the last year
        if m.permutations > 0 {
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
            let alpha = a.alpha;
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
    }

    if let Some(g) = &a.gravity
        && g.groups.len() >= 2
    {
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

    if let Some(sp) = a.markov.as_ref().and_then(|m| m.spatial.as_ref())
        && let (Some(lo), Some(hi)) = (sp.counts.first(), sp.counts.last())
    {
        let up = |c: &Vec<Vec<u64>>| -> (u64, u64) {
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
    f
}

// ---------------------------------------------------------------------- maps

/// The input of the report's maps: the regions' polygons, the composite of
/// the years of [`MapClasses`] on their one scheme, the cluster tiers when
/// given (region -> tier, 1 = highest), the LISA of the last year and the
/// path of the centre of gravity.
pub fn maps_input(
    a: &SpatialAnalysis,
    geography: &Geography,
    regions: &[String],
    years: &[i64],
    composite: ArrayView2<f64>,
    tiers: Option<&BTreeMap<String, u32>>,
) -> maps::MapsInput {
    let shapes = regions
        .iter()
        .filter_map(|r| {
            geography.polygons_of(r).map(|p| maps::RegionShape {
                name: r.clone(),
                polygons: p.to_vec(),
            })
        })
        .collect();
    let choropleth = a.classes.as_ref().map(|c| maps::Choropleth {
        variable: COMPOSITE.to_string(),
        method: match c.method {
            ClassMethod::Jenks => "natural-breaks".to_string(),
            m => m.name().to_string(),
        },
        bins: c.bins.clone(),
        years: c
            .years
            .iter()
            .filter_map(|key| {
                let y = years.iter().position(|t| t.to_string() == *key)?;
                Some(maps::YearValues {
                    year: key.clone(),
                    values: regions
                        .iter()
                        .enumerate()
                        .map(|(r, name)| (name.clone(), Some(composite[[r, y]])))
                        .collect(),
                })
            })
            .collect(),
    });
    let tiers = tiers.map(|t| maps::Tiers {
        title: "Cluster tiers of the composite series".to_string(),
        tiers: t.clone(),
    });
    let lisa = a.moran.as_ref().and_then(|m| {
        let last = m.groups.last()?;
        Some(maps::Lisa {
            variable: COMPOSITE.to_string(),
            year: last.key.clone(),
            alpha: a.alpha,
            regions: m
                .local
                .iter()
                .filter(|l| l.key == last.key)
                .map(|l| maps::LisaRegion {
                    region: l.region.clone(),
                    quadrant: match l.quadrant.as_str() {
                        "HH" => maps::Quadrant::HH,
                        "LH" => maps::Quadrant::LH,
                        "LL" => maps::Quadrant::LL,
                        _ => maps::Quadrant::HL,
                    },
                    significant: l.significant,
                })
                .collect(),
            islands: m.weights.islands.clone(),
        })
    });
    let gravity = a.gravity.as_ref().map(|g| maps::Gravity {
        variable: COMPOSITE.to_string(),
        points: g
            .groups
            .iter()
            .map(|c| maps::GravityPoint {
                year: c.key.clone(),
                lon: c.lon,
                lat: c.lat,
            })
            .collect(),
    });
    maps::MapsInput {
        regions: shapes,
        choropleth,
        tiers,
        lisa,
        gravity,
    }
}
