//! The TOML index specification (`index.toml`).
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

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use rurban_cluster::{ClusterCount, ClusterParams, Method as ClusterMethod};
use rurban_disparity::{Ddof, DisparityParams};
use rurban_grey::{GreyParams, Normalization, Rho};
use rurban_kde::{Bandwidth, GridSize, KdeError, KdeParams, Kernel};
use serde::{Deserialize, Serialize};

use crate::error::CoreError;

/// A checked entropy shift S: a finite number >= 0.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Shift(f64);

/// Why a shift is not valid.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ShiftError {
    /// Negative, NaN or infinite.
    #[error("shift must be a finite number >= 0, got {0}")]
    Invalid(f64),
    /// Text that is not a number.
    #[error("shift must be a finite number >= 0, got '{0}'")]
    NotANumber(String),
}

impl Shift {
    /// Checks `s`: finite and >= 0. The one place a shift is checked.
    pub fn new(s: f64) -> Result<Shift, ShiftError> {
        if s.is_finite() && s >= 0.0 {
            Ok(Shift(s))
        } else {
            Err(ShiftError::Invalid(s))
        }
    }
    /// The value.
    pub fn get(self) -> f64 {
        self.0
    }
}

impl TryFrom<f64> for Shift {
    type Error = ShiftError;
    fn try_from(s: f64) -> Result<Self, ShiftError> {
        Shift::new(s)
    }
}

impl From<Shift> for f64 {
    fn from(s: Shift) -> f64 {
        s.0
    }
}

impl std::str::FromStr for Shift {
    type Err = ShiftError;
    fn from_str(s: &str) -> Result<Self, ShiftError> {
        match s.trim().parse::<f64>() {
            Ok(v) => Shift::new(v),
            Err(_) => Err(ShiftError::NotANumber(s.to_string())),
        }
    }
}

impl fmt::Display for Shift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

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
    /// Entropy shift S added to every normalised value (finite, >= 0).
    #[serde(default)]
    pub shift: Shift,
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
            shift: Shift::default(),
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
            format!("[{}] {}: ", crate::clip(table), crate::clip(rest))
        }
        _ if full == "?" || full == "." => String::new(),
        _ => format!("{}: ", crate::clip(&full)),
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
        let bytes = crate::table::read_input(path, MAX_SPEC_BYTES)?;
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
                let msg = crate::clip_to(&msg, 4 * crate::MAX_QUOTED);
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
                return err(format!("duplicate dimension id '{}'", crate::clip(&d.id)));
            }
            if d.indicator.is_empty() {
                return err(format!(
                    "dimension '{}' has no indicators",
                    crate::clip(&d.id)
                ));
            }
            for i in &d.indicator {
                if i.id.trim().is_empty() {
                    return err(format!(
                        "dimension '{}' has an indicator with an empty id",
                        crate::clip(&d.id)
                    ));
                }
                if let Some(prev) = inds.insert(i.id.as_str(), d.id.as_str()) {
                    return err(format!(
                        "duplicate indicator id '{}' (in dimensions '{}' and '{}')",
                        crate::clip(&i.id),
                        crate::clip(prev),
                        crate::clip(&d.id)
                    ));
                }
            }
        }
        let mut derived = HashSet::new();
        for d in &self.derived {
            if !derived.insert(d.id.as_str()) {
                return err(format!(
                    "duplicate derived indicator '{}'",
                    crate::clip(&d.id)
                ));
            }
            if d.inputs.is_empty() {
                return err(format!(
                    "derived indicator '{}' has no inputs",
                    crate::clip(&d.id)
                ));
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
}
