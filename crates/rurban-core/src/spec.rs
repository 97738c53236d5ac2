//! The TOML index specification (`index.toml`).
//!
//! Unknown keys are an error everywhere, so a typo is never silently ignored.
//! The `data` key is either a path (`data = "panel.csv"`) or a table
//! (`[data]` with `file`, `region`, `year`, `sheet`, `encoding`); TOML does not
//! allow both in one file.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::CoreError;

/// Whether more of an indicator is better (`+`) or worse (`-`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// More is better.
    Positive,
    /// Less is better.
    Negative,
}

impl Direction {
    /// `+` or `-`.
    pub fn symbol(self) -> &'static str {
        match self {
            Direction::Positive => "+",
            Direction::Negative => "-",
        }
    }
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

impl Serialize for Direction {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.symbol())
    }
}

impl<'de> Deserialize<'de> for Direction {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        match s.trim() {
            "+" => Ok(Direction::Positive),
            "-" => Ok(Direction::Negative),
            other => Err(serde::de::Error::custom(format!(
                "invalid direction '{other}': expected \"+\" or \"-\""
            ))),
        }
    }
}

/// Over which rows min-max bounds and weights are computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// One normalisation and one weight vector over all region-years.
    #[default]
    Panel,
    /// Normalisation and weights computed separately for each year.
    Year,
}

/// How missing panel cells are filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Impute {
    /// A missing cell is an error.
    #[default]
    None,
    /// Linear interpolation within a region across years; nearest observed
    /// value before the first and after the last observation.
    Linear,
    /// The mean of the other regions' values that year.
    YearMean,
}

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
    /// Entropy shift S added to every normalised value.
    #[serde(default)]
    pub shift: f64,
    /// `none`, `linear` or `year-mean`.
    #[serde(default)]
    pub impute: Impute,
    /// Parameters handed to a weighting plugin as JSON.
    #[serde(default)]
    pub params: Option<toml::Table>,
}

fn default_weighting() -> String {
    "entropy".to_string()
}

impl Default for MethodSpec {
    fn default() -> Self {
        MethodSpec {
            weighting: default_weighting(),
            scope: Scope::Panel,
            shift: 0.0,
            impute: Impute::None,
            params: None,
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

/// Settings of the cluster step of the analysis chain.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ClusterSpec {
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default = "default_cluster_method")]
    pub method: String,
    #[serde(default = "default_k")]
    pub k: usize,
    #[serde(default = "default_seed")]
    pub seed: u64,
    #[serde(default)]
    pub standardize: bool,
}

/// Settings of the kernel density step.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct KdeSpec {
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default = "default_kernel")]
    pub kernel: String,
    /// `silverman`, `scott` or a number.
    #[serde(default = "default_bandwidth")]
    pub bandwidth: toml::Value,
    #[serde(default = "default_grid_n")]
    pub grid_n: usize,
}

/// Settings of the disparity step.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DisparitySpec {
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default = "default_ddof")]
    pub ddof: u8,
}

/// Settings of the convergence step.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ConvergenceSpec {
    #[serde(default = "yes")]
    pub enabled: bool,
}

/// Settings of the grey relational step.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct GreySpec {
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default = "default_normalization")]
    pub normalization: String,
    #[serde(default = "default_rho")]
    pub rho: f64,
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
fn default_cluster_method() -> String {
    "ward".into()
}
fn default_k() -> usize {
    3
}
fn default_seed() -> u64 {
    42
}
fn default_kernel() -> String {
    "gaussian".into()
}
fn default_bandwidth() -> toml::Value {
    toml::Value::String("silverman".into())
}
fn default_grid_n() -> usize {
    512
}
fn default_ddof() -> u8 {
    1
}
fn default_normalization() -> String {
    "mean".into()
}
fn default_rho() -> f64 {
    0.5
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
    #[serde(default)]
    pub cluster: ClusterSpec,
    #[serde(default)]
    pub kde: KdeSpec,
    #[serde(default)]
    pub disparity: DisparitySpec,
    #[serde(default)]
    pub convergence: ConvergenceSpec,
    #[serde(default)]
    pub grey: GreySpec,
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
    /// The directory of the spec file; relative paths resolve against it.
    #[serde(skip)]
    pub base_dir: PathBuf,
    /// The spec file itself.
    #[serde(skip)]
    pub path: PathBuf,
}

fn default_name() -> String {
    "Composite index".into()
}

impl Spec {
    /// Reads and validates a specification file.
    pub fn from_file(path: &Path) -> Result<Spec, CoreError> {
        let text = std::fs::read_to_string(path).map_err(|cause| CoreError::Io {
            path: path.to_path_buf(),
            cause,
        })?;
        let mut spec = Spec::from_str_at(&text, path)?;
        spec.base_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Ok(spec)
    }

    /// Parses and validates specification text; `path` is used in messages.
    pub fn from_str_at(text: &str, path: &Path) -> Result<Spec, CoreError> {
        let mut spec: Spec = toml::from_str(text).map_err(|e| {
            // toml's message is multi-line with a snippet; keep the gist on line one.
            let msg = e.message().to_string();
            let at = e
                .span()
                .map(|s| {
                    let line = text[..s.start.min(text.len())].matches('\n').count() + 1;
                    format!("line {line}: ")
                })
                .unwrap_or_default();
            CoreError::spec(path, format!("{at}{msg}"))
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
                return err(format!("duplicate dimension id '{}'", d.id));
            }
            if d.indicator.is_empty() {
                return err(format!("dimension '{}' has no indicators", d.id));
            }
            for i in &d.indicator {
                if i.id.trim().is_empty() {
                    return err(format!(
                        "dimension '{}' has an indicator with an empty id",
                        d.id
                    ));
                }
                if let Some(prev) = inds.insert(i.id.as_str(), d.id.as_str()) {
                    return err(format!(
                        "duplicate indicator id '{}' (in dimensions '{}' and '{}')",
                        i.id, prev, d.id
                    ));
                }
            }
        }
        let mut derived = HashSet::new();
        for d in &self.derived {
            if !derived.insert(d.id.as_str()) {
                return err(format!("duplicate derived indicator '{}'", d.id));
            }
            if d.inputs.is_empty() {
                return err(format!("derived indicator '{}' has no inputs", d.id));
            }
        }
        if !self.method.shift.is_finite() || self.method.shift < 0.0 {
            return err(format!(
                "[method] shift must be a finite number >= 0, got {}",
                self.method.shift
            ));
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
