//! The input of the report's maps: the regions' geometry and the layers
//! drawn over it (a choropleth for up to three years, cluster tiers, LISA
//! clusters, the path of the centre of gravity). `rurban run` builds it
//! from the run's geometry (`crate::spatial::maps_input`); the report draws
//! it (`rurban_report::maps`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A ring of `[lon, lat]` points in WGS84 degrees (closed or not).
pub type Ring = Vec<[f64; 2]>;
/// A polygon: the exterior ring first, holes after.
pub type Polygon = Vec<Ring>;

/// The geometry of one region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegionShape {
    /// The region's name as in the data (label, `data-region`, key of the
    /// layers' values).
    pub name: String,
    /// Its polygons (a MultiPolygon has several).
    pub polygons: Vec<Polygon>,
}

/// The values of one year of a [`Choropleth`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct YearValues {
    /// The year (or group key) as shown, e.g. `"2020"`.
    pub year: String,
    /// Value per region name; a region absent or `null` has no data.
    pub values: BTreeMap<String, Option<f64>>,
}

/// A choropleth of a value per region for up to three years on one shared
/// class scheme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Choropleth {
    /// What is mapped, e.g. `"Composite score"`.
    pub variable: String,
    /// How the bins were found, e.g. `"natural-breaks"` (Fisher-Jenks).
    pub method: String,
    /// Inclusive upper bounds of the classes, increasing; the class of `x`
    /// is the first bin with `x <= bin` (values above the last bin fall in
    /// the last class), as `rurban classify` defines them.
    pub bins: Vec<f64>,
    /// One to three years (e.g. first, middle, last), drawn side by side.
    pub years: Vec<YearValues>,
}

/// A categorical map of cluster tiers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tiers {
    /// What the tiers are of, e.g. `"Cluster tiers of the mean composite score"`.
    pub title: String,
    /// Tier (1-based, 1 = highest level) per region name; a region absent
    /// has no tier.
    pub tiers: BTreeMap<String, u32>,
}

/// A LISA quadrant (contract: `HH` when z > 0 and lag > 0, `LH` when z <= 0
/// and lag > 0, `LL` when both <= 0, `HL` when z > 0 and lag <= 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Quadrant {
    /// High value, high neighbours.
    HH,
    /// Low value, high neighbours.
    LH,
    /// Low value, low neighbours.
    LL,
    /// High value, low neighbours.
    HL,
}

/// The local Moran result of one region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LisaRegion {
    /// Region name.
    pub region: String,
    /// Its quadrant.
    pub quadrant: Quadrant,
    /// `p_sim <= alpha`.
    pub significant: bool,
}

/// The LISA cluster map of one year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lisa {
    /// What was tested, e.g. `"Composite score"`.
    pub variable: String,
    /// The year (group key) shown.
    pub year: String,
    /// The significance level used.
    pub alpha: f64,
    /// One entry per region with a result.
    pub regions: Vec<LisaRegion>,
    /// Regions without a neighbour (marked on the map).
    #[serde(default)]
    pub islands: Vec<String>,
}

/// One position of the centre of gravity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GravityPoint {
    /// The year (group key).
    pub year: String,
    /// Longitude in degrees.
    pub lon: f64,
    /// Latitude in degrees.
    pub lat: f64,
}

/// The path of the centre of gravity over the years.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Gravity {
    /// The weighting variable, e.g. `"Composite score"`.
    pub variable: String,
    /// Positions in year order.
    pub points: Vec<GravityPoint>,
}

/// Everything the maps need: the geometry and the layers to draw (each
/// layer optional).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct MapsInput {
    /// The regions' geometry.
    pub regions: Vec<RegionShape>,
    /// Values by class, for up to three years.
    #[serde(default)]
    pub choropleth: Option<Choropleth>,
    /// Cluster tiers.
    #[serde(default)]
    pub tiers: Option<Tiers>,
    /// LISA clusters.
    #[serde(default)]
    pub lisa: Option<Lisa>,
    /// Centre of gravity.
    #[serde(default)]
    pub gravity: Option<Gravity>,
}
