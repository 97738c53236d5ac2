//! The TOML index specification (`index.toml`) of `rurban run`.
//!
//! It sits above the method crates: its `[analysis]` settings deserialise
//! straight into their checked parameter types, so `rurban-core` (the data
//! model) needs none of them.
//!
//! Unknown keys are an error everywhere, so a typo is never silently ignored.
//! The `data` key is either a path (`data = "panel.csv"`) or a table
//! (`[data]` with `file`, `region`, `year`, `sheet`, `encoding`); TOML does not
//! allow both in one file.
//!
//! Settings are checked when they are read: each one deserialises into its
//! method's checked type (`Kernel`, `Bandwidth`, `GridSize`, `Ddof`, `Rho`,
//! `Method`, `ClusterCount`, [`Shift`]), through the same `FromStr` the
//! command line uses, so names are accepted case-insensitively everywhere.
//! A bad setting is an error naming its line and key, e.g.
//! `spec.toml: line 14: [analysis] kde.grid_n: grid size 1 is invalid: ...`.
//!
//! `[geo]` ([`GeoSpec`]) sets up the spatial chain on the composite; its
//! settings are checked types too (`[geo] knn: knn must be between 1 and
//! ...`), and two kinds of weights at once is an error naming both.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use rurban_cluster::{ClusterCount, ClusterParams, Method as ClusterMethod};
use rurban_disparity::{Ddof, DisparityParams};
use rurban_grey::{GreyParams, Normalization, Rho};
use rurban_kde::{Bandwidth, GridSize, KdeError, KdeParams, Kernel};
use serde::{Deserialize, Serialize};

pub use rurban_core::terms::{Direction, Impute, Scope, Shift, ShiftError};
use rurban_core::{CoreError, MAX_QUOTED, clip, clip_to};

mod geo;
pub use geo::{
    Alpha, Contiguity, GeoSpec, GeoSpecError, GeoWeights, Knn, MAX_KNN, MAX_MAP_K, MAX_MARKOV_K,
    MAX_PERMUTATIONS, MapK, MarkovK, Permutations,
};

/// Where the panel comes from and how its identifier columns are named.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DataSpec {
    /// The panel file, relative to the specification file.
    #[serde(default, alias = "path")]
    pub file: Option<String>,
    /// Name of the region column, when the header does not use an alias.
    #[serde(default)]
    pub region: Option<String>,
    /// Name of the year column, when the header does not use an alias.
    #[serde(default)]
    pub year: Option<String>,
    /// Sheet of an XLSX workbook (first sheet when absent).
    #[serde(default)]
    pub sheet: Option<String>,
    /// Text encoding of a CSV file (`utf-8`, `gb18030`, ...).
    #[serde(default)]
    pub encoding: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum DataField {
    Path(String),
    Table(DataSpec),
}

fn de_data<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<DataSpec>, D::Error> {
    Ok(match Option::<DataField>::deserialize(d)? {
        None => None,
        Some(DataField::Path(p)) => Some(DataSpec {
            file: Some(p),
            ..DataSpec::default()
        }),
        Some(DataField::Table(t)) => Some(t),
    })
}

/// `[method]`: weighting scheme, scope, entropy shift and imputation.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MethodSpec {
    /// `entropy`, `critic`, `stddev`, `cv`, `equal` or a plugin's name.
    #[serde(default = "default_weighting")]
    pub weighting: String,
    /// `panel` or `year`.
    #[serde(default)]
    pub scope: Scope,
    /// Entropy shift S added to every normalised value (finite, >= 0).
    #[serde(default)]
    pub shift: Shift,
    /// `none`, `linear` or `year-mean`.
    #[serde(default)]
    pub impute: Impute,
    /// Parameters handed to a weighting plugin as JSON.
    #[serde(default)]
    pub params: Option<toml::Table>,
    /// Divide each indicator that names a `denominator` by that column.
    #[serde(default, skip_serializing_if = "is_false")]
    pub denominate: bool,
    /// The data column holding each row's group (`impute = "group-mean"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impute_group: Option<String>,
    /// `none` (default) or `winsorise`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub treat: Option<String>,
    /// `minmax` (default), `zscore`, `rank`, `goalposts`, `target`, or a
    /// plugin's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub normalisation: Option<String>,
    /// `[l, u]` of minmax and goalposts (default `[0, 1]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<[f64; 2]>,
    /// `arithmetic` (default), `geometric`, `harmonic`, `topsis`, or a
    /// plugin's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aggregation: Option<String>,
    /// `[method.treatment]`: winsorisation settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub treatment: Option<TreatmentSpec>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// `winmax`: an integer number of steps or a text such as `"10%"`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum WinmaxSpec {
    /// A number of steps (checked to be an integer >= 0 when used).
    Steps(i64),
    /// `"p%"` or an integer as text.
    Text(String),
}

impl WinmaxSpec {
    /// The setting as text, as `Winmax::parse` reads it.
    pub fn text(&self) -> String {
        match self {
            WinmaxSpec::Steps(k) => k.to_string(),
            WinmaxSpec::Text(t) => t.clone(),
        }
    }
}

/// `[method.treatment]`: winsorisation settings (contract defaults).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TreatmentSpec {
    /// `|G1|` above this (with G2 above `kurtosis`) marks an outlier column.
    #[serde(default = "default_skew")]
    pub skew: f64,
    /// `G2` above this (with `|G1|` above `skew`) marks an outlier column.
    #[serde(default = "default_kurtosis")]
    pub kurtosis: f64,
    /// The most winsorisation steps: an integer >= 0 or `"p%"`.
    #[serde(default = "default_winmax")]
    pub winmax: WinmaxSpec,
    /// Re-choose the side at every step.
    #[serde(default = "yes")]
    pub switch: bool,
    /// Fall back to the log transform.
    #[serde(default = "yes")]
    pub log: bool,
}

fn default_skew() -> f64 {
    2.0
}
fn default_kurtosis() -> f64 {
    3.5
}
fn default_winmax() -> WinmaxSpec {
    WinmaxSpec::Text("10%".into())
}

fn default_weighting() -> String {
    "entropy".to_string()
}

impl Default for MethodSpec {
    fn default() -> Self {
        MethodSpec {
            weighting: default_weighting(),
            scope: Scope::Panel,
            shift: Shift::default(),
            impute: Impute::None,
            params: None,
            denominate: false,
            impute_group: None,
            treat: None,
            normalisation: None,
            range: None,
            aggregation: None,
            treatment: None,
        }
    }
}

/// One indicator of a dimension.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct IndicatorSpec {
    /// The indicator's column name in the data.
    pub id: String,
    /// Human-readable name.
    #[serde(default)]
    pub name: Option<String>,
    /// `+` or `-`.
    pub direction: Direction,
    /// Unit, for tables and charts.
    #[serde(default)]
    pub unit: Option<String>,
    /// Weight among its siblings (`weighting = "given"`; default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<f64>,
    /// The data column it is divided by (`denominate = true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub denominator: Option<String>,
    /// `[lower, upper]` (`normalisation = "goalposts"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goalposts: Option<[f64; 2]>,
    /// The target, > 0 (`normalisation = "target"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<f64>,
}

/// One dimension (sub-index) and its indicators.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DimensionSpec {
    /// Identifier, used as the column name in `scores.csv`.
    pub id: String,
    /// Human-readable name.
    #[serde(default)]
    pub name: Option<String>,
    /// The dimension's indicators.
    #[serde(default)]
    pub indicator: Vec<IndicatorSpec>,
    /// The id of the dimension it belongs to (nesting to any depth).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Weight among its siblings (`weighting = "given"`; default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<f64>,
}

/// A derived indicator computed from other indicators of the panel.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DerivedSpec {
    /// Name of the new indicator (usable in dimensions).
    pub id: String,
    /// Human-readable name.
    #[serde(default)]
    pub name: Option<String>,
    /// A built-in kind (`ratio`, `difference`, `per_capita`) or a plugin's name.
    pub kind: String,
    /// Input indicators, in the order the kind expects.
    pub inputs: Vec<String>,
    /// Parameters handed to the plugin as JSON.
    #[serde(default)]
    pub params: Option<toml::Table>,
}

/// Settings of the cluster step of the analysis chain; each is checked
/// when read.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ClusterSpec {
    /// Whether the step runs (default true).
    #[serde(default = "yes")]
    pub enabled: bool,
    /// `kmeans`, `ward` (default), `complete`, `average` or `single`.
    #[serde(default = "default_cluster_method")]
    pub method: ClusterMethod,
    /// Number of tiers, at least 1 (default 3).
    #[serde(default)]
    pub k: ClusterCount,
    /// k-means seed (default 42).
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Z-score the yearly columns first (default false).
    #[serde(default)]
    pub standardize: bool,
}

impl ClusterSpec {
    /// The checked parameters of the step.
    pub fn params(&self) -> ClusterParams {
        ClusterParams::new(self.method, self.k, self.seed, self.standardize)
    }
}

/// Settings of the kernel density step; each is checked when read.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct KdeSpec {
    /// Whether the step runs (default true).
    #[serde(default = "yes")]
    pub enabled: bool,
    /// `gaussian` (default) or `epanechnikov`.
    #[serde(default = "default_kernel")]
    pub kernel: Kernel,
    /// `silverman` (default), `scott` or a number > 0.
    #[serde(default = "default_bandwidth")]
    pub bandwidth: Bandwidth,
    /// Grid points, `2..=rurban_kde::MAX_GRID_N` (default 512).
    #[serde(default)]
    pub grid_n: GridSize,
}

impl KdeSpec {
    /// The parameters of the step (checked already, unless a field was
    /// set in code to a fixed bandwidth that is not > 0).
    pub fn params(&self) -> Result<KdeParams, KdeError> {
        KdeParams::new(self.kernel, self.bandwidth, self.grid_n, None)
    }
}

/// Settings of the disparity step; each is checked when read.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DisparitySpec {
    /// Whether the step runs (default true).
    #[serde(default = "yes")]
    pub enabled: bool,
    /// 0 or 1 (default 1).
    #[serde(default)]
    pub ddof: Ddof,
}

impl DisparitySpec {
    /// The checked parameters of the step.
    pub fn params(&self) -> DisparityParams {
        DisparityParams::new(self.ddof)
    }
}

/// Settings of the convergence step.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ConvergenceSpec {
    /// Whether the step runs (default true).
    #[serde(default = "yes")]
    pub enabled: bool,
}

/// Settings of the grey relational step; each is checked when read.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct GreySpec {
    /// Whether the step runs (default true).
    #[serde(default = "yes")]
    pub enabled: bool,
    /// `mean` (default), `initial`, `minmax` or `none`.
    #[serde(default)]
    pub normalization: Normalization,
    /// In `(0, 1]` (default 0.5).
    #[serde(default)]
    pub rho: Rho,
}

impl GreySpec {
    /// The checked parameters of the step.
    pub fn params(&self) -> GreyParams {
        GreyParams::new(self.normalization, self.rho)
    }
}

macro_rules! default_from_serde {
    ($($t:ty),*) => {$(
        impl Default for $t {
            fn default() -> Self {
                toml::from_str("").expect("every field has a default")
            }
        }
    )*};
}
default_from_serde!(
    ClusterSpec,
    KdeSpec,
    DisparitySpec,
    ConvergenceSpec,
    GreySpec
);

fn yes() -> bool {
    true
}
fn default_cluster_method() -> ClusterMethod {
    ClusterMethod::Ward
}
fn default_seed() -> u64 {
    42
}
fn default_kernel() -> Kernel {
    Kernel::Gaussian
}
fn default_bandwidth() -> Bandwidth {
    Bandwidth::Silverman
}

/// `[analysis]`: which methods of the chain run, and their settings.
/// Without the section the whole chain runs with defaults.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AnalysisSpec {
    /// Region -> group file (columns `region, group`), relative to the spec,
    /// for the Theil and Dagum decompositions.
    #[serde(default)]
    pub groups: Option<String>,
    /// `[analysis.cluster]`: grouping of the regions into tiers by score.
    #[serde(default)]
    pub cluster: ClusterSpec,
    /// `[analysis.kde]`: kernel density estimates of the score distribution.
    #[serde(default)]
    pub kde: KdeSpec,
    /// `[analysis.disparity]`: inequality measures and their decompositions.
    #[serde(default)]
    pub disparity: DisparitySpec,
    /// `[analysis.convergence]`: sigma and absolute beta convergence.
    #[serde(default)]
    pub convergence: ConvergenceSpec,
    /// `[analysis.grey]`: grey relational analysis.
    #[serde(default)]
    pub grey: GreySpec,
    /// `[analysis.coupling]`: coupling coordination of the top-level
    /// dimensions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coupling: Option<CouplingSpec>,
    /// `[analysis.obstacle]`: obstacle degree of the indicators.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub obstacle: Option<ObstacleSpec>,
}

/// `[analysis.coupling]`: on by default with 2 or more top-level
/// dimensions.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CouplingSpec {
    /// Whether the step runs (default: with 2 or more top-level dimensions).
    #[serde(default, alias = "enabled")]
    pub on: Option<bool>,
    /// One weight per top-level dimension, in spec order (default equal).
    #[serde(default)]
    pub alpha: Option<Vec<f64>>,
}

/// `[analysis.obstacle]`: on by default.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ObstacleSpec {
    /// Whether the step runs (default true).
    #[serde(default, alias = "enabled")]
    pub on: Option<bool>,
}

/// `[report]`: how `report.html` is written.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ReportSpec {
    /// Language of the report: `en` (English, the default) or `zh`
    /// (Chinese); read case-insensitively and stored as `en` or `zh`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_lang"
    )]
    pub lang: Option<String>,
}

impl ReportSpec {
    /// Nothing set.
    pub fn is_default(&self) -> bool {
        self == &ReportSpec::default()
    }
}

/// The report languages, by code.
pub const REPORT_LANGS: [&str; 2] = ["en", "zh"];

fn de_lang<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let s = String::deserialize(d)?;
    let code = s.trim().to_ascii_lowercase();
    let code = match code.as_str() {
        "zh-cn" | "zh-hans" => "zh".to_string(),
        _ => code,
    };
    if REPORT_LANGS.contains(&code.as_str()) {
        Ok(Some(code))
    } else {
        Err(serde::de::Error::custom(format!(
            "unknown report language \"{}\": expected \"en\" (English) or \"zh\" (Chinese)",
            clip(&s)
        )))
    }
}

/// A whole index specification.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// Name of the index.
    #[serde(default = "default_name")]
    pub name: String,
    /// Free-text description.
    #[serde(default)]
    pub description: Option<String>,
    /// The panel file and its identifier columns.
    #[serde(default, deserialize_with = "de_data")]
    pub data: Option<DataSpec>,
    /// Plugin libraries to load, relative to the spec file.
    #[serde(default)]
    pub plugins: Vec<String>,
    /// Weighting and preprocessing.
    #[serde(default)]
    pub method: MethodSpec,
    /// Derived indicators.
    #[serde(default)]
    pub derived: Vec<DerivedSpec>,
    /// The dimensions of the index.
    #[serde(default)]
    pub dimension: Vec<DimensionSpec>,
    /// The analysis chain.
    #[serde(default)]
    pub analysis: AnalysisSpec,
    /// The spatial chain on the composite (with region boundaries).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geo: Option<GeoSpec>,
    /// `[report]`: the report's language.
    #[serde(default, skip_serializing_if = "ReportSpec::is_default")]
    pub report: ReportSpec,
    /// The directory of the spec file; relative paths resolve against it.
    #[serde(skip)]
    pub base_dir: PathBuf,
    /// The spec file itself.
    #[serde(skip)]
    pub path: PathBuf,
}

/// The key a deserialisation error is about, as `[table] key` (the table
/// as written in the spec, then the key within it), followed by `": "`;
/// empty for an error about the whole document.
fn key_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let segments: Vec<&Segment> = path.iter().collect();
    let full = path.to_string();
    match segments.as_slice() {
        [] => String::new(),
        [Segment::Map { key: table }, Segment::Map { .. }, ..] => {
            let rest = full.strip_prefix(&format!("{table}.")).unwrap_or(&full);
            format!("[{}] {}: ", clip(table), clip(rest))
        }
        _ if full == "?" || full == "." => String::new(),
        // an error about the [geo] table as a whole (e.g. two kinds of weights)
        [Segment::Map { key }] if key == "geo" => "[geo] ".to_string(),
        _ => format!("{}: ", clip(&full)),
    }
}

fn default_name() -> String {
    "Composite index".into()
}

/// The largest specification file read (16 MiB).
pub const MAX_SPEC_BYTES: u64 = 16 << 20;

impl Spec {
    /// Reads and validates a specification file.
    pub fn from_file(path: &Path) -> Result<Spec, CoreError> {
        let bytes = rurban_core::table::read_input(path, MAX_SPEC_BYTES)?;
        let text = String::from_utf8(bytes)
            .map_err(|_| CoreError::spec(path, "the specification is not valid UTF-8"))?;
        let mut spec = Spec::from_str_at(&text, path)?;
        spec.base_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Ok(spec)
    }

    /// Parses and validates specification text; `path` is used in messages.
    pub fn from_str_at(text: &str, path: &Path) -> Result<Spec, CoreError> {
        let mut spec: Spec = serde_path_to_error::deserialize(toml::Deserializer::new(text))
            .map_err(|e| {
                let key = key_path(e.path());
                let e = e.into_inner();
                // toml's message is multi-line with a snippet; keep the gist on line one.
                let msg = e
                    .message()
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .collect::<Vec<_>>()
                    .join("; ");
                let msg = clip_to(&msg, 4 * MAX_QUOTED);
                let at = e
                    .span()
                    .map(|s| {
                        let line = text[..s.start.min(text.len())].matches('\n').count() + 1;
                        format!("line {line}: ")
                    })
                    .unwrap_or_default();
                CoreError::spec(path, format!("{at}{key}{msg}"))
            })?;
        spec.path = path.to_path_buf();
        spec.validate()?;
        Ok(spec)
    }

    fn validate(&self) -> Result<(), CoreError> {
        let err = |m: String| Err(CoreError::spec(&self.path, m));
        if self.dimension.is_empty() {
            return err("no [[dimension]] defined: an index needs at least one dimension".into());
        }
        let mut dims = HashSet::new();
        let mut inds: BTreeMap<&str, &str> = BTreeMap::new();
        for d in &self.dimension {
            if d.id.trim().is_empty() {
                return err("a dimension has an empty id".into());
            }
            if !dims.insert(d.id.as_str()) {
                return err(format!("duplicate dimension id '{}'", clip(&d.id)));
            }
            if d.indicator.is_empty()
                && !self
                    .dimension
                    .iter()
                    .any(|c| c.parent.as_deref() == Some(d.id.as_str()))
            {
                return err(format!(
                    "dimension '{}' has no indicators and no child dimension",
                    clip(&d.id)
                ));
            }
            for i in &d.indicator {
                if i.id.trim().is_empty() {
                    return err(format!(
                        "dimension '{}' has an indicator with an empty id",
                        clip(&d.id)
                    ));
                }
                if let Some(prev) = inds.insert(i.id.as_str(), d.id.as_str()) {
                    return err(format!(
                        "duplicate indicator id '{}' (in dimensions '{}' and '{}')",
                        clip(&i.id),
                        clip(prev),
                        clip(&d.id)
                    ));
                }
            }
        }
        let mut derived = HashSet::new();
        for d in &self.derived {
            if !derived.insert(d.id.as_str()) {
                return err(format!("duplicate derived indicator '{}'", clip(&d.id)));
            }
            if d.inputs.is_empty() {
                return err(format!("derived indicator '{}' has no inputs", clip(&d.id)));
            }
        }
        Ok(())
    }

    /// Indicator ids in specification order, with their dimension index.
    pub fn indicators(&self) -> Vec<(usize, &IndicatorSpec)> {
        self.dimension
            .iter()
            .enumerate()
            .flat_map(|(d, dim)| dim.indicator.iter().map(move |i| (d, i)))
            .collect()
    }

    /// Resolves a path relative to the specification file.
    pub fn resolve(&self, p: &str) -> PathBuf {
        let p = Path::new(p);
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.base_dir.join(p)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIMS: &str =
        "[[dimension]]\nid = \"d\"\n[[dimension.indicator]]\nid = \"x\"\ndirection = \"+\"\n";

    fn parse(extra: &str) -> Result<Spec, String> {
        Spec::from_str_at(&format!("{DIMS}{extra}"), Path::new("spec.toml"))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn analysis_settings_are_checked_types() {
        let s = parse(
            "[analysis.kde]\nkernel = \"Epanechnikov\"\nbandwidth = \"SCOTT\"\ngrid_n = 64\n\
             [analysis.cluster]\nmethod = \"KMeans\"\nk = 4\n\
             [analysis.grey]\nnormalization = \"MinMax\"\nrho = 1\n\
             [analysis.disparity]\nddof = 0\n",
        )
        .unwrap();
        let a = &s.analysis;
        assert_eq!(a.kde.kernel, Kernel::Epanechnikov);
        assert_eq!(a.kde.bandwidth, Bandwidth::Scott);
        assert_eq!(a.kde.params().unwrap().grid_n().get(), 64);
        assert_eq!(a.cluster.params().method(), ClusterMethod::Kmeans);
        assert_eq!(a.cluster.params().k(), 4);
        assert_eq!(a.grey.params().normalization(), Normalization::MinMax);
        assert_eq!(a.grey.params().rho().get(), 1.0);
        assert_eq!(a.disparity.params().ddof().get(), 0);
        let s = parse("[analysis.kde]\nbandwidth = 0.25\n").unwrap();
        assert_eq!(s.analysis.kde.bandwidth, Bandwidth::Fixed(0.25));
        let s = parse("[analysis.kde]\nbandwidth = 2\n").unwrap();
        assert_eq!(s.analysis.kde.bandwidth, Bandwidth::Fixed(2.0));
        // defaults
        let d = parse("").unwrap().analysis;
        assert_eq!(d.kde.params().unwrap(), KdeParams::default());
        assert_eq!(d.cluster.params(), ClusterParams::default());
        assert_eq!(d.disparity.ddof, Ddof::ONE);
        assert_eq!(d.grey.rho.get(), 0.5);
    }

    #[test]
    fn the_report_language_is_en_or_zh() {
        assert_eq!(parse("").unwrap().report.lang, None);
        let s = parse("[report]\nlang = \"ZH\"\n").unwrap();
        assert_eq!(s.report.lang.as_deref(), Some("zh"));
        let s = parse("[report]\nlang = \"en\"\n").unwrap();
        assert_eq!(s.report.lang.as_deref(), Some("en"));
        // [report] is line 6, lang line 7.
        let e = parse("[report]\nlang = \"fr\"\n").unwrap_err();
        assert!(
            e.contains("line 7") && e.contains("unknown report language \"fr\""),
            "{e}"
        );
        let e = parse("[report]\nlanguage = \"zh\"\n").unwrap_err();
        assert!(e.contains("language"), "{e}");
    }

    #[test]
    fn a_bad_setting_names_its_line_and_key() {
        // the [analysis.kde] header is line 6, grid_n line 7
        let e = parse("[analysis.kde]\ngrid_n = 10000000\n").unwrap_err();
        assert!(
            e.starts_with(
                "spec.toml: line 7: [analysis] kde.grid_n: grid size 10000000 is too large"
            ),
            "{e}"
        );
        assert!(e.contains(&rurban_kde::MAX_GRID_N.to_string()), "{e}");
        let e = parse("[analysis.kde]\ngrid_n = 1\n").unwrap_err();
        assert!(e.contains("line 7: [analysis] kde.grid_n: "), "{e}");
        let e = parse("[analysis.disparity]\nddof = 3\n").unwrap_err();
        assert!(
            e.contains("line 7: [analysis] disparity.ddof: ddof must be 0 or 1, got 3"),
            "{e}"
        );
        let e = parse("[analysis.grey]\nrho = 0\n").unwrap_err();
        assert!(
            e.contains("[analysis] grey.rho: rho must be in (0, 1], got 0"),
            "{e}"
        );
        let e = parse("[analysis.cluster]\nk = 0\n").unwrap_err();
        assert!(e.contains("[analysis] cluster.k: k = 0"), "{e}");
        let e = parse("[analysis.cluster]\nmethod = \"kmedoids\"\n").unwrap_err();
        assert!(
            e.contains("[analysis] cluster.method: ") && e.contains("'kmedoids'"),
            "{e}"
        );
        let e = parse("[analysis.kde]\nbandwidth = -1\n").unwrap_err();
        assert!(
            e.contains("[analysis] kde.bandwidth: bandwidth -1 is invalid"),
            "{e}"
        );
        let e = parse("[analysis.kde]\nkernel = \"box\"\n").unwrap_err();
        assert!(
            e.contains("[analysis] kde.kernel: ") && e.contains("'box'"),
            "{e}"
        );
        let e = parse("[method]\nshift = -0.5\n").unwrap_err();
        assert!(
            e.contains("line 7: [method] shift: shift must be a finite number >= 0"),
            "{e}"
        );
    }

    #[test]
    fn geo_defaults_and_checked_settings() {
        assert!(parse("").unwrap().geo.is_none());
        let g = parse("[geo]\nfile = \"b.geojson\"\n").unwrap().geo.unwrap();
        assert_eq!(g.file, "b.geojson");
        assert_eq!(g.key, None);
        assert_eq!(g.weights, GeoWeights::Contiguity(Contiguity::Queen));
        assert_eq!(g.transform, rurban_spatial::Transform::Row);
        assert_eq!(g.permutations.get(), 999);
        assert_eq!(g.seed, 42);
        assert_eq!(g.alpha.get(), 0.05);
        assert_eq!(g.markov_k.get(), 4);
        assert_eq!(g.classes, rurban_spatial::classify::ClassMethod::Jenks);
        assert_eq!(g.k.get(), 5);
        let g = parse(
            "[geo]\nfile = \"b.geojson\"\nkey = \"adcode\"\ncontiguity = \"Rook\"\n\
             transform = \"B\"\npermutations = 0\nseed = 7\nalpha = 0.1\nmarkov_k = 3\n\
             classes = \"Quantile\"\nk = 4\n",
        )
        .unwrap()
        .geo
        .unwrap();
        assert_eq!(g.key.as_deref(), Some("adcode"));
        assert_eq!(g.weights, GeoWeights::Contiguity(Contiguity::Rook));
        assert_eq!(g.transform, rurban_spatial::Transform::Binary);
        assert_eq!(g.permutations.get(), 0);
        assert_eq!(
            (g.seed, g.alpha.get(), g.markov_k.get(), g.k.get()),
            (7, 0.1, 3, 4)
        );
        assert_eq!(g.classes, rurban_spatial::classify::ClassMethod::Quantile);
        let g = parse("[geo]\nfile = \"b.geojson\"\nknn = 3\n")
            .unwrap()
            .geo
            .unwrap();
        assert_eq!(g.weights, GeoWeights::Knn(3));
        let g = parse("[geo]\nfile = \"b.geojson\"\nweights_file = \"w.csv\"\n")
            .unwrap()
            .geo
            .unwrap();
        assert_eq!(g.weights, GeoWeights::File("w.csv".into()));
        // the checked spec serialises back to what it read
        let text = toml::to_string(&g).unwrap();
        let again: GeoSpec = toml::from_str(&text).unwrap();
        assert_eq!(again, g);
    }

    #[test]
    fn a_bad_geo_setting_names_its_key() {
        // [geo] is line 6, file line 7, the setting line 8
        let geo =
            |extra: &str| parse(&format!("[geo]\nfile = \"b.geojson\"\n{extra}")).unwrap_err();
        let e = geo("contiguity = \"bishop\"\n");
        assert!(
            e.contains("line 8: [geo] contiguity: contiguity must be"),
            "{e}"
        );
        let e = geo("knn = 0\n");
        assert!(
            e.contains("line 8: [geo] knn: knn must be between 1 and"),
            "{e}"
        );
        let e = geo("permutations = 100000\n");
        assert!(
            e.contains("[geo] permutations: permutations must be between 0 and 99999, got 100000"),
            "{e}"
        );
        let e = geo("alpha = 1.5\n");
        assert!(e.contains("[geo] alpha: alpha must be"), "{e}");
        let e = geo("markov_k = 1\n");
        assert!(
            e.contains("[geo] markov_k: markov_k must be between 2"),
            "{e}"
        );
        let e = geo("transform = \"w\"\n");
        assert!(e.contains("[geo] transform: transform must be"), "{e}");
        let e = geo("classes = \"natural\"\n");
        assert!(e.contains("[geo] classes: classes must be"), "{e}");
        let e = geo("k = 0\n");
        assert!(e.contains("[geo] k: k must be between 1 and 12"), "{e}");
        let e = geo("colour = \"red\"\n");
        assert!(
            e.contains("[geo]") && e.contains("unknown field `colour`"),
            "{e}"
        );
        let e = geo("knn = 4\ncontiguity = \"rook\"\n");
        assert!(
            e.contains("[geo] contiguity and knn are both set: give one kind of weights"),
            "{e}"
        );
        let e = geo("knn = 4\nweights_file = \"w.csv\"\n");
        assert!(e.contains("[geo] knn and weights_file are both set"), "{e}");
        let e = parse("[geo]\nknn = 4\n").unwrap_err();
        assert!(
            e.contains("[geo]") && e.contains("missing field `file`"),
            "{e}"
        );
    }

    #[test]
    fn construction_keys_are_read_and_unknown_ones_refused() {
        let s = Spec::from_str_at(
            "[method]\nweighting = \"given\"\ndenominate = true\nimpute = \"group-mean\"\n\
             impute_group = \"g\"\ntreat = \"winsorise\"\nnormalisation = \"goalposts\"\n\
             range = [1, 100]\naggregation = \"geometric\"\n\
             [method.treatment]\nwinmax = 3\nswitch = false\n\
             [analysis.coupling]\nalpha = [0.5, 0.5]\n[analysis.obstacle]\non = false\n\
             [[dimension]]\nid = \"top\"\nweight = 2\n\
             [[dimension]]\nid = \"d\"\nparent = \"top\"\n\
             [[dimension.indicator]]\nid = \"x\"\ndirection = \"+\"\nweight = 0.5\n\
             denominator = \"pop\"\ngoalposts = [0, 10]\ntarget = 4.5\n",
            Path::new("spec.toml"),
        )
        .unwrap();
        let m = &s.method;
        assert!(m.denominate);
        assert_eq!(m.impute, Impute::GroupMean);
        assert_eq!(m.impute_group.as_deref(), Some("g"));
        assert_eq!(m.range, Some([1.0, 100.0]));
        let t = m.treatment.as_ref().unwrap();
        assert_eq!(
            (t.winmax.text().as_str(), t.switch, t.log),
            ("3", false, true)
        );
        assert_eq!((t.skew, t.kurtosis), (2.0, 3.5));
        assert_eq!(s.dimension[0].weight, Some(2.0));
        // a dimension holding only a child dimension is accepted
        assert!(s.dimension[0].indicator.is_empty());
        let i = &s.dimension[1].indicator[0];
        assert_eq!(i.goalposts, Some([0.0, 10.0]));
        assert_eq!(i.target, Some(4.5));
        assert_eq!(s.analysis.obstacle.as_ref().unwrap().on, Some(false));
        assert_eq!(
            s.analysis.coupling.as_ref().unwrap().alpha.as_deref(),
            Some(&[0.5, 0.5][..])
        );
        let e =
            parse("[method]\ntreat = \"winsorise\"\n[method.treatment]\nwinmx = 2\n").unwrap_err();
        assert!(e.contains("unknown field `winmx`"), "{e}");
        let e = parse("[analysis.coupling]\nalfa = [1]\n").unwrap_err();
        assert!(e.contains("unknown field `alfa`"), "{e}");
        // a spec without the new keys serialises as before
        let plain = parse("").unwrap();
        let v = serde_json::to_value(&plain.method).unwrap();
        let mut keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        keys.sort();
        assert_eq!(keys, ["impute", "params", "scope", "shift", "weighting"]);
    }
}
