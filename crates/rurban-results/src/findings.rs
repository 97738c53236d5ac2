//! The findings of a run: sentences and the numbers they rest on. The
//! pipeline derives them; every part but the sentences may be absent from a
//! summary, and parts of each are filled with defaults when read.

use serde::{Deserialize, Serialize};

/// Trend of the mean composite over the years.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Trend {
    /// OLS slope of the yearly mean composite on the year.
    pub slope: f64,
    /// OLS intercept.
    pub intercept: f64,
    /// Mean composite in the first year.
    pub first_mean: f64,
    /// Mean composite in the last year.
    pub last_mean: f64,
    /// Years in which the mean composite fell from the year before.
    pub declines: Vec<i64>,
    /// By the Mann-Kendall test (alpha 0.05) of the yearly means:
    /// `rising`, `falling`, `no significant change`, or `untested` (fewer
    /// than 3 years).
    pub direction: String,
    /// The Mann-Kendall p value of the yearly means (fewer than 3 years: none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mann_kendall_p: Option<f64>,
}

/// Did regional gaps narrow?
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct DisparityFinding {
    /// CV of the composite in the first year.
    pub cv_first: f64,
    /// CV in the last year.
    pub cv_last: f64,
    /// `cv_last - cv_first`.
    pub change: f64,
    /// The yearly CV falls by the Mann-Kendall test (alpha 0.05).
    pub narrowed: bool,
    /// Gini in the first year.
    pub gini_first: f64,
    /// Gini in the last year.
    pub gini_last: f64,
    /// The Mann-Kendall p value of the yearly CV (fewer than 3 years: none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mann_kendall_p: Option<f64>,
    /// Its direction (`increasing`, `decreasing`, `no trend`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<rurban_trend::Direction>,
}

/// Where the last year's inequality comes from (with a groups file).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Sources {
    /// The year decomposed (the last year of the panel).
    pub year: String,
    /// Gini of the composite that year.
    pub gini: f64,
    /// Dagum within-group part.
    pub within: f64,
    /// Dagum net between-group part.
    pub between: f64,
    /// Dagum transvariation part.
    pub transvariation: f64,
    /// Within-group part as a share of the Gini.
    pub within_share: f64,
    /// Between-group part as a share of the Gini.
    pub between_share: f64,
    /// Transvariation as a share of the Gini.
    pub transvariation_share: f64,
}

/// How the shape of the distribution moved.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Polarisation {
    /// Peaks in the first year.
    pub peaks_first: usize,
    /// Peaks in the last year.
    pub peaks_last: usize,
    /// Mode in the first year.
    pub mode_first: f64,
    /// Mode in the last year.
    pub mode_last: f64,
    /// Main peak height in the first year.
    pub peak_height_first: f64,
    /// Main peak height in the last year.
    pub peak_height_last: f64,
    /// Spread in the first year.
    pub spread_first: f64,
    /// Spread in the last year.
    pub spread_last: f64,
    /// The Mann-Kendall p value of the yearly number of peaks (fewer than
    /// 3 years: none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peaks_mann_kendall_p: Option<f64>,
    /// The peak counts of the first and last year re-estimated at each
    /// multiple of the chosen bandwidths (0.75 to 1.5); empty when not
    /// checked (older summaries).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub bandwidth_check: Vec<PeakCheck>,
}

/// The peak counts of the first and last year at one multiple of the
/// chosen bandwidths.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PeakCheck {
    /// The multiple of each year's chosen bandwidth.
    pub multiple: f64,
    /// Peaks in the first year at that bandwidth (`None`: not computable).
    pub first: Option<usize>,
    /// Peaks in the last year at that bandwidth (`None`: not computable).
    pub last: Option<usize>,
}

impl Polarisation {
    /// Whether the check at `c` found the peak counts of the chosen
    /// bandwidth in both years.
    pub fn holds(&self, c: &PeakCheck) -> bool {
        c.first == Some(self.peaks_first) && c.last == Some(self.peaks_last)
    }
}

/// One dimension's grey relational grade.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct DimensionGrade {
    /// Dimension id.
    pub dimension: String,
    /// Grade.
    pub grade: f64,
    /// Rank, 1 = largest grade.
    pub rank: usize,
}

/// Which dimension drives the composite.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct GreyFinding {
    /// Dimension with the largest grade.
    pub leading: String,
    /// Its grade.
    pub leading_grade: f64,
    /// Dimension with the smallest grade.
    pub base: String,
    /// Its grade.
    pub base_grade: f64,
    /// Every dimension by rank.
    pub ranking: Vec<DimensionGrade>,
}

/// A region's tier.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RegionTier {
    /// The region.
    #[serde(deserialize_with = "rurban_serde::key")]
    pub region: String,
    /// Tier, 1 = highest.
    #[serde(deserialize_with = "rurban_serde::count")]
    pub tier: usize,
    /// Cluster number.
    #[serde(deserialize_with = "rurban_serde::count")]
    pub cluster: usize,
}

/// All findings.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Findings {
    /// The findings as sentences.
    #[serde(default)]
    pub sentences: Vec<String>,
    /// Trend of the mean composite.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trend: Option<Trend>,
    /// Change of the regional gaps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disparity: Option<DisparityFinding>,
    /// Sources of the last year's inequality.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sources: Option<Sources>,
    /// Change of the distribution's shape.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub polarisation: Option<Polarisation>,
    /// The grey relational order of the dimensions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grey: Option<GreyFinding>,
    /// Every region's tier.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tiers: Vec<RegionTier>,
    /// The spatial findings (with `[geo]`); their sentences are also in
    /// `sentences`, after the others.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spatial: Option<crate::spatial::SpatialFindings>,
}
