//! `[geo]`: the spatial chain of `rurban run` (Moran's I, LISA, the spatial
//! Markov chain, the centre of gravity and the maps) on the composite.
//!
//! Every setting is read into a checked type, so a bad value is an error
//! naming its line and key (`spec.toml: line 9: [geo] knn: ...`). Which
//! weights to build is one of `contiguity`, `knn` and `weights_file` (queen
//! contiguity when none is given); two at once is an error naming both.

use std::fmt;

use rurban_spatial::Transform;
use rurban_spatial::classify::ClassMethod;
use serde::{Deserialize, Serialize};

/// The largest number of permutations `[geo] permutations` accepts.
pub const MAX_PERMUTATIONS: usize = 99_999;
/// The largest K `[geo] knn` accepts.
pub const MAX_KNN: usize = 100_000;
/// The largest number of Markov classes `[geo] markov_k` accepts.
pub const MAX_MARKOV_K: usize = 20;
/// The largest number of map classes `[geo] k` accepts.
pub const MAX_MAP_K: usize = 12;

/// Why a `[geo]` setting is not valid.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GeoSpecError {
    /// `contiguity` is not queen or rook.
    #[error("contiguity must be \"queen\" or \"rook\", got '{0}'")]
    Contiguity(String),
    /// `transform` is not r or b.
    #[error("transform must be \"r\" (row-standardised) or \"b\" (binary), got '{0}'")]
    Transform(String),
    /// `classes` is not a map classification.
    #[error("classes must be \"jenks\", \"quantile\" or \"equal\", got '{0}'")]
    Classes(String),
    /// A count out of its bounds.
    #[error("{what} must be between {min} and {max}, got {got}")]
    OutOfRange {
        /// The setting.
        what: &'static str,
        /// Smallest accepted.
        min: usize,
        /// Largest accepted.
        max: usize,
        /// What was given.
        got: i64,
    },
    /// `alpha` outside (0, 1).
    #[error("alpha must be a number strictly between 0 and 1, got {0}")]
    Alpha(f64),
}

/// Queen or rook contiguity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contiguity {
    /// Neighbours share at least one vertex.
    Queen,
    /// Neighbours share at least one edge.
    Rook,
}

impl Contiguity {
    /// `queen` or `rook`.
    pub fn name(self) -> &'static str {
        match self {
            Contiguity::Queen => "queen",
            Contiguity::Rook => "rook",
        }
    }
}

impl std::str::FromStr for Contiguity {
    type Err = GeoSpecError;
    fn from_str(s: &str) -> Result<Self, GeoSpecError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "queen" => Ok(Contiguity::Queen),
            "rook" => Ok(Contiguity::Rook),
            _ => Err(GeoSpecError::Contiguity(s.to_string())),
        }
    }
}

/// Which spatial weights the chain uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GeoWeights {
    /// Queen or rook contiguity.
    Contiguity(Contiguity),
    /// The K nearest features by great-circle distance (K >= 1).
    Knn(usize),
    /// A square weights matrix, relative to the specification file.
    File(String),
}

/// A checked count: an integer in `MIN..=MAX`.
macro_rules! bounded_count {
    ($(#[$doc:meta])* $name:ident, $what:literal, $min:expr, $max:expr, $default:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(try_from = "i64", into = "u64")]
        pub struct $name(usize);

        impl $name {
            /// Checks the bounds.
            pub fn new(v: i64) -> Result<Self, GeoSpecError> {
                if v >= $min as i64 && v <= $max as i64 {
                    Ok($name(v as usize))
                } else {
                    Err(GeoSpecError::OutOfRange {
                        what: $what,
                        min: $min,
                        max: $max,
                        got: v,
                    })
                }
            }
            /// The value.
            pub fn get(self) -> usize {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                $name($default)
            }
        }

        impl TryFrom<i64> for $name {
            type Error = GeoSpecError;
            fn try_from(v: i64) -> Result<Self, GeoSpecError> {
                $name::new(v)
            }
        }

        impl From<$name> for u64 {
            fn from(v: $name) -> u64 {
                v.0 as u64
            }
        }
    };
}

bounded_count!(
    /// Number of permutations of the pseudo p-values, `0..=MAX_PERMUTATIONS`
    /// (default 999; 0 = none).
    Permutations,
    "permutations",
    0,
    MAX_PERMUTATIONS,
    999
);
bounded_count!(
    /// K of the nearest-neighbour weights: at least 1 (whether it is less
    /// than the number of regions depends on the data).
    Knn,
    "knn",
    1,
    MAX_KNN,
    4
);
bounded_count!(
    /// Number of classes of the (spatial) Markov chain, `2..=MAX_MARKOV_K`
    /// (default 4).
    MarkovK,
    "markov_k",
    2,
    MAX_MARKOV_K,
    4
);
bounded_count!(
    /// Number of map classes, `1..=MAX_MAP_K` (default 5).
    MapK,
    "k",
    1,
    MAX_MAP_K,
    5
);

/// The LISA significance level: strictly between 0 and 1 (default 0.05).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Alpha(f64);

impl Alpha {
    /// Checks `0 < a < 1`.
    pub fn new(a: f64) -> Result<Alpha, GeoSpecError> {
        if a > 0.0 && a < 1.0 {
            Ok(Alpha(a))
        } else {
            Err(GeoSpecError::Alpha(a))
        }
    }
    /// The value.
    pub fn get(self) -> f64 {
        self.0
    }
}

impl Default for Alpha {
    fn default() -> Self {
        Alpha(0.05)
    }
}

impl TryFrom<f64> for Alpha {
    type Error = GeoSpecError;
    fn try_from(a: f64) -> Result<Self, GeoSpecError> {
        Alpha::new(a)
    }
}

impl From<Alpha> for f64 {
    fn from(a: Alpha) -> f64 {
        a.0
    }
}

fn parse_transform(s: &str) -> Result<Transform, GeoSpecError> {
    match s.trim() {
        "r" | "R" => Ok(Transform::Row),
        "b" | "B" => Ok(Transform::Binary),
        _ => Err(GeoSpecError::Transform(s.to_string())),
    }
}

fn parse_classes(s: &str) -> Result<ClassMethod, GeoSpecError> {
    s.trim()
        .to_ascii_lowercase()
        .parse()
        .map_err(|_| GeoSpecError::Classes(s.to_string()))
}

/// A name read through its `FromStr`-like parser.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Named<T>(T);

impl<'de> Deserialize<'de> for Named<Contiguity> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map(Named).map_err(serde::de::Error::custom)
    }
}

impl<'de> Deserialize<'de> for Named<Transform> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        parse_transform(&s)
            .map(Named)
            .map_err(serde::de::Error::custom)
    }
}

impl<'de> Deserialize<'de> for Named<ClassMethod> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        parse_classes(&s)
            .map(Named)
            .map_err(serde::de::Error::custom)
    }
}

/// `[geo]` as written: every key optional but `file`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGeo {
    file: String,
    #[serde(default)]
    key: Option<String>,
    #[serde(default)]
    contiguity: Option<Named<Contiguity>>,
    #[serde(default)]
    knn: Option<Knn>,
    #[serde(default)]
    weights_file: Option<String>,
    #[serde(default)]
    transform: Option<Named<Transform>>,
    #[serde(default)]
    permutations: Permutations,
    #[serde(default = "default_seed")]
    seed: u64,
    #[serde(default)]
    alpha: Alpha,
    #[serde(default)]
    markov_k: MarkovK,
    #[serde(default)]
    classes: Option<Named<ClassMethod>>,
    #[serde(default)]
    k: MapK,
}

fn default_seed() -> u64 {
    42
}

/// `[geo]`, checked: the boundaries, the weights and the settings of the
/// spatial chain.
#[derive(Debug, Clone, PartialEq)]
pub struct GeoSpec {
    /// The GeoJSON file, relative to the specification file.
    pub file: String,
    /// The feature property holding the region names (default: the first of
    /// `name`, `short`, `name_en`, `adcode` that holds every region).
    pub key: Option<String>,
    /// Which weights (queen contiguity by default).
    pub weights: GeoWeights,
    /// How the weights are transformed for Moran's I and LISA (default `r`;
    /// the spatial Markov chain always uses row-standardised weights).
    pub transform: Transform,
    /// Permutations of the pseudo p-values (default 999).
    pub permutations: Permutations,
    /// Seed of the permutations (default 42).
    pub seed: u64,
    /// Significance level of the LISA (default 0.05).
    pub alpha: Alpha,
    /// Classes (and lag classes) of the spatial Markov chain (default 4).
    pub markov_k: MarkovK,
    /// Classification of the composite maps (default jenks).
    pub classes: ClassMethod,
    /// Number of map classes (default 5).
    pub k: MapK,
}

impl<'de> Deserialize<'de> for GeoSpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let r = RawGeo::deserialize(d)?;
        let mut set: Vec<&str> = Vec::new();
        if r.contiguity.is_some() {
            set.push("contiguity");
        }
        if r.knn.is_some() {
            set.push("knn");
        }
        if r.weights_file.is_some() {
            set.push("weights_file");
        }
        if set.len() > 1 {
            return Err(serde::de::Error::custom(format!(
                "{} are both set: give one kind of weights (contiguity, knn or weights_file)",
                set.join(" and ")
            )));
        }
        if r.file.trim().is_empty() {
            return Err(serde::de::Error::custom(
                "file is empty: name the GeoJSON file of the regions' boundaries",
            ));
        }
        let weights = if let Some(k) = r.knn {
            GeoWeights::Knn(k.get())
        } else if let Some(f) = r.weights_file {
            GeoWeights::File(f)
        } else {
            GeoWeights::Contiguity(r.contiguity.map_or(Contiguity::Queen, |c| c.0))
        };
        Ok(GeoSpec {
            file: r.file,
            key: r.key,
            weights,
            transform: r.transform.map_or(Transform::Row, |t| t.0),
            permutations: r.permutations,
            seed: r.seed,
            alpha: r.alpha,
            markov_k: r.markov_k,
            classes: r.classes.map_or(ClassMethod::Jenks, |c| c.0),
            k: r.k,
        })
    }
}

impl Serialize for GeoSpec {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("file", &self.file)?;
        if let Some(k) = &self.key {
            m.serialize_entry("key", k)?;
        }
        match &self.weights {
            GeoWeights::Contiguity(c) => m.serialize_entry("contiguity", c.name())?,
            GeoWeights::Knn(k) => m.serialize_entry("knn", k)?,
            GeoWeights::File(f) => m.serialize_entry("weights_file", f)?,
        }
        m.serialize_entry("transform", self.transform.name())?;
        m.serialize_entry("permutations", &self.permutations.get())?;
        m.serialize_entry("seed", &self.seed)?;
        m.serialize_entry("alpha", &self.alpha.get())?;
        m.serialize_entry("markov_k", &self.markov_k.get())?;
        m.serialize_entry("classes", self.classes.name())?;
        m.serialize_entry("k", &self.k.get())?;
        m.end()
    }
}

impl fmt::Display for GeoWeights {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GeoWeights::Contiguity(c) => write!(f, "contiguity = \"{}\"", c.name()),
            GeoWeights::Knn(k) => write!(f, "knn = {k}"),
            GeoWeights::File(p) => write!(f, "weights_file = \"{p}\""),
        }
    }
}
