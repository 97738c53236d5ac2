//! The typed results of a `rurban run`: one serde model of `summary.json`.
//!
//! The pipeline builds a [`Summary`] and writes `summary.json` by
//! serialising it once; the report reads `summary.json` back into the same
//! types. Every method's result is the method crate's own type
//! (`KdeResult`, `DisparityReport`, `GreyReport`, `ClusterResult`,
//! `ConvergenceReport`), with the JSON shape of its subcommand.
//!
//! * [`scores`]: the scores in column form, written as records.
//! * [`stats`]: the per-year statistics of the composite and the ranking of
//!   the regions, computed here once for the findings, the terminal and the
//!   report.
//! * [`spatial`]: the spatial chain of a `[geo]` table (Moran's I, LISA,
//!   spatial Markov, centre of gravity) and its findings; [`maps`] the
//!   input of the report's maps, built from them and the geometry.
//! * [`table`]: the result tables (weights, scores, clusters, kde,
//!   disparity, grey), built once from a summary, which the pipeline writes
//!   as CSV and the report as worksheets.
//!
//! Reading is lenient where people edit summaries by hand or where JSON
//! writes NaN as `null` (see `rurban_serde`); consistency between the parts
//! (every score's region among `regions`, ...) is for the reader to check.

pub mod construction;
pub mod findings;
pub mod maps;
pub mod scores;
pub mod spatial;
pub mod stats;
pub mod table;

use serde::de::{MapAccess, SeqAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use findings::Findings;
pub use rurban_cluster::ClusterResult;
pub use rurban_convergence::ConvergenceReport;
pub use rurban_disparity::DisparityReport;
pub use rurban_grey::GreyReport;
pub use rurban_kde::KdeResult;
pub use scores::Scores;
pub use spatial::{SpatialAnalysis, SpatialFindings};
pub use stats::YearStats;
pub use table::{Cell, Table};

/// The whole of `summary.json`. See `docs/outputs.md` for the shape.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Summary {
    /// Name of the index (`"Composite index"` when a summary has none).
    #[serde(default = "default_name")]
    pub name: String,
    /// The specification file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<String>,
    /// The data file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
    /// The method settings of the spec.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<MethodInfo>,
    /// Regions in panel order.
    pub regions: Vec<String>,
    /// Years, ascending.
    #[serde(deserialize_with = "rurban_serde::wholes")]
    pub years: Vec<i64>,
    /// The index system: dimensions with their indicators and weights.
    pub dimensions: Vec<SystemDimension>,
    /// The weights in the shape of `rurban weights`: one set, or one per
    /// year when scope = year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weights: Option<Weights>,
    /// Composite and dimension scores of every region-year.
    pub scores: Scores,
    /// Cells filled by imputation.
    #[serde(default)]
    pub imputed: Vec<ImputedRecord>,
    /// How much of each indicator read from the data was observed,
    /// interpolated, extrapolated or filled by the year mean (in the
    /// study period, before imputation).
    #[serde(default)]
    pub coverage: Vec<CoverageRecord>,
    /// Analysis steps that did not run on these data, each with the reason
    /// (e.g. one year: no trend, convergence or grey relational analysis
    /// over time).
    #[serde(default)]
    pub skipped: Vec<SkippedStep>,
    /// Results of the analysis chain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub analysis: Option<Analysis>,
    /// The findings in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub findings: Option<Findings>,
    /// The spatial chain of the composite, with a `[geo]` table in the spec
    /// (absent without).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spatial: Option<SpatialAnalysis>,
    /// How the index was built (stages, treatment, dimension order).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub construction: Option<std::sync::Arc<construction::Construction>>,
    /// Coupling coordination of the top-level dimensions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coupling: Option<std::sync::Arc<construction::CouplingSummary>>,
    /// Obstacle degree of the indicators and dimensions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub obstacle: Option<std::sync::Arc<construction::ObstacleSummary>>,
    /// The uncertainty and sensitivity analysis of the ranking, with an
    /// `[uncertainty]` table in the spec.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub robustness: Option<rurban_robust::RobustnessReport>,
    /// Every warning of the run.
    #[serde(default)]
    pub warnings: Vec<String>,
}

fn default_name() -> String {
    "Composite index".into()
}

/// `method` of the summary: the spec's settings as text.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct MethodInfo {
    /// Weighting scheme.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weighting: Option<String>,
    /// `panel` or `year`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// Entropy shift.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "rurban_serde::opt_number"
    )]
    pub shift: Option<f64>,
    /// Imputation rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impute: Option<String>,
    /// `constant` when linear imputation may extrapolate (absent: refused).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extrapolate: Option<String>,
    /// The study period `[first, last]` of `[data] years` or `--years`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub years: Option<[i64; 2]>,
}

/// One dimension of the index system.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SystemDimension {
    /// Dimension id.
    pub id: String,
    /// Display name (the id when the spec gives none).
    #[serde(default)]
    pub name: Option<String>,
    /// Indicators in spec order.
    pub indicators: Vec<SystemIndicator>,
}

/// One indicator of the index system.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SystemIndicator {
    /// Indicator id (its name in the data).
    pub id: String,
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// `+` or `-`.
    #[serde(default = "plus")]
    pub direction: String,
    /// Unit.
    #[serde(default)]
    pub unit: Option<String>,
    /// The panel weight; with scope = year, the mean over the years.
    #[serde(
        default = "rurban_serde::nan",
        deserialize_with = "rurban_serde::number"
    )]
    pub weight: f64,
}

fn plus() -> String {
    "+".into()
}

impl SystemDimension {
    /// The display name, else the id.
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }
}

impl SystemIndicator {
    /// The display name, else the id.
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }
}

/// One weight vector in the JSON shape of `rurban weights`, plus `year`
/// when scope = year.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WeightSet {
    /// Weighting scheme.
    #[serde(default)]
    pub method: String,
    /// Indicators, in column order.
    #[serde(default)]
    pub indicators: Vec<String>,
    /// Weights, in column order.
    #[serde(default, deserialize_with = "rurban_serde::numbers")]
    pub weights: Vec<f64>,
    /// Number of rows the weights were computed over.
    #[serde(default)]
    pub n: usize,
    /// Warnings of the weighting.
    #[serde(default)]
    pub warnings: Vec<String>,
    /// Entropy of each indicator (entropy method only).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "opt_numbers"
    )]
    pub entropy: Option<Vec<f64>>,
    /// The year (scope = year only).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "opt_whole"
    )]
    pub year: Option<i64>,
}

fn opt_numbers<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<f64>>, D::Error> {
    Option::<rurban_serde::Nums>::deserialize(d).map(|o| o.map(|n| n.0))
}

fn opt_whole<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Option::<rurban_serde::Whole>::deserialize(d).map(|o| o.map(|w| w.0))
}

/// `weights`: one set over the panel, or one per year.
#[derive(Debug, Clone)]
pub enum Weights {
    /// scope = panel: a single object.
    Panel(WeightSet),
    /// scope = year: an array of sets, each with its year.
    Year(Vec<WeightSet>),
}

impl Weights {
    /// Every set, in order.
    pub fn sets(&self) -> &[WeightSet] {
        match self {
            Weights::Panel(w) => std::slice::from_ref(w),
            Weights::Year(ws) => ws,
        }
    }
}

impl Serialize for Weights {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Weights::Panel(w) => w.serialize(s),
            Weights::Year(ws) => ws.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Weights {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Weights;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object or an array")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Weights, A::Error> {
                WeightSet::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(Weights::Panel)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Weights, A::Error> {
                Vec::<WeightSet>::deserialize(serde::de::value::SeqAccessDeserializer::new(seq))
                    .map(Weights::Year)
            }
        }
        d.deserialize_any(V)
    }
}

/// One imputed cell.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ImputedRecord {
    /// Region.
    #[serde(default)]
    pub region: String,
    /// Year.
    #[serde(default, deserialize_with = "rurban_serde::whole")]
    pub year: i64,
    /// Indicator.
    #[serde(default)]
    pub indicator: String,
    /// The value filled in.
    #[serde(
        default = "rurban_serde::nan",
        deserialize_with = "rurban_serde::number"
    )]
    pub value: f64,
    /// The imputation rule.
    #[serde(default)]
    pub method: String,
}

/// The coverage of one indicator (see `rurban_core::impute::coverage`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoverageRecord {
    /// The indicator (its column in the data).
    pub indicator: String,
    /// Region-year cells in the study period.
    #[serde(default)]
    pub cells: usize,
    /// Cells with an observed value.
    #[serde(default)]
    pub observed: usize,
    /// Missing cells between a region's first and last observation,
    /// filled by linear interpolation.
    #[serde(default)]
    pub interpolated: usize,
    /// Missing cells outside a region's observed years (filled by the
    /// nearest value only with `extrapolate = "constant"`).
    #[serde(default)]
    pub extrapolated: usize,
    /// Missing cells filled by the year mean of the other regions.
    #[serde(default)]
    pub year_mean: usize,
    /// Missing cells left to the construction's group-mean imputation.
    #[serde(default)]
    pub group_mean: usize,
    /// Missing cells left missing (`impute = "none"` with given weights).
    #[serde(default)]
    pub missing: usize,
    /// First year any region observes the indicator.
    #[serde(default)]
    pub first_year: Option<i64>,
    /// Last year any region observes the indicator.
    #[serde(default)]
    pub last_year: Option<i64>,
}

/// An analysis step that did not run on the data, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedStep {
    /// The step's id (`trend`, `convergence`, `grey`, `markov`, ...).
    pub step: String,
    /// Why, in words a report can show.
    pub reason: String,
}

/// Disparity of the composite and of each dimension score, per year.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DisparityAnalysis {
    /// The composite, by year (with the group decompositions when groups are given).
    pub composite: DisparityReport,
    /// Each dimension score, by year.
    #[serde(default)]
    pub dimensions: OrderedMap<DisparityReport>,
}

/// Grey relational analysis of the dimensions against the composite.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GreyAnalysis {
    /// On the yearly means across regions (the province-level series).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean: Option<GreyReport>,
    /// For each region, on its own series.
    #[serde(default)]
    pub regions: Vec<RegionGrey>,
}

/// One region's grey relational analysis.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RegionGrey {
    /// The region.
    pub region: String,
    /// Its grey relational analysis.
    pub result: GreyReport,
}

/// Every analysis result of a run (absent when switched off or skipped).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Analysis {
    /// Clusters of the regions' composite series, with their warnings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<ClusterResult>,
    /// Kernel density of the composite per year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kde: Option<KdeResult>,
    /// Disparity of the composite and the dimensions per year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disparity: Option<DisparityAnalysis>,
    /// Sigma and beta convergence of the composite.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub convergence: Option<ConvergenceReport>,
    /// Grey relational analysis.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grey: Option<GreyAnalysis>,
    /// The spatial chain (with `[geo]`): written at the top level of
    /// `summary.json` as `"spatial"` ([`Summary::spatial`]), not here.
    #[serde(skip)]
    pub spatial: Option<SpatialAnalysis>,
    /// Region -> group, when a groups file was given (not written).
    #[serde(skip)]
    pub groups: Option<Vec<String>>,
    /// Steps that did not run on the data: written at the top level of
    /// `summary.json` as `"skipped"` ([`Summary::skipped`]), not here.
    #[serde(skip)]
    pub skipped: Vec<SkippedStep>,
}

/// `(key, value)` pairs written as a JSON object, in order. A `null`
/// value is read as absent.
#[derive(Debug, Clone)]
pub struct OrderedMap<V>(pub Vec<(String, V)>);

impl<V> Default for OrderedMap<V> {
    fn default() -> Self {
        OrderedMap(Vec::new())
    }
}

impl<V: Serialize> Serialize for OrderedMap<V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for OrderedMap<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct M<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for M<V> {
            type Value = OrderedMap<V>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(k) = map.next_key::<String>()? {
                    if let Some(v) = map.next_value::<Option<V>>()? {
                        out.push((k, v));
                    }
                }
                Ok(OrderedMap(out))
            }
        }
        d.deserialize_map(M(std::marker::PhantomData))
    }
}
