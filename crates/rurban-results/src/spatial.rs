//! The spatial chain's results (`summary.json`'s top-level `"spatial"`
//! object, and the spatial part of the findings), and the input of the
//! report's maps built from them.
//!
//! `moran`, `markov` and `gravity` are the JSON of the subcommands `rurban
//! moran --by year --local`, `rurban markov --geo` and `rurban gravity --by
//! year` on the composite. The pipeline computes them
//! (`rurban_pipeline::spatial`); the report reads them back.

use std::collections::BTreeMap;

use rurban_geo::{Geography, Gravity, WeightsSummary};
use rurban_spatial::classify::ClassMethod;
use rurban_spatial::markov::MarkovResult;
use rurban_spatial::moran::{GlobalMoran, LocalMoran};
use rurban_trend::Direction;
use serde::{Deserialize, Serialize};

use crate::maps;

/// What the maps call the composite.
pub const COMPOSITE: &str = "Composite score";

/// The boundaries used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GeometrySource {
    /// The GeoJSON file as the spec names it: relative to the spec's
    /// directory, or absolute.
    pub file: String,
    /// The key property.
    pub key: String,
    /// The file's absolute path when the run read it, so that `rurban
    /// report` finds it from any working directory (absent in summaries of
    /// earlier versions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved: Option<String>,
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

/// The input of the report's maps: the regions' polygons, the composite of
/// the years of [`MapClasses`] on their one scheme, the cluster tiers when
/// given (region -> tier, 1 = highest), the LISA of the last year and the
/// path of the centre of gravity. `composite(r, y)` is the composite of
/// `regions[r]` in `years[y]`.
pub fn maps_input(
    a: &SpatialAnalysis,
    geography: &Geography,
    regions: &[String],
    years: &[i64],
    composite: impl Fn(usize, usize) -> f64,
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
                        .map(|(r, name)| (name.clone(), Some(composite(r, y))))
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
