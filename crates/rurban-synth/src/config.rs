//! The generator's configuration, its presets, TOML input and validation.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::catalogue;
use crate::error::SynthError;

/// Largest number of cells (regions x years x indicators) one panel may have.
pub const MAX_CELLS: u128 = 200_000_000;

/// Whether an indicator rises (`+`) or falls (`-`) with development: the
/// same type the index specification uses.
pub use rurban_core::Direction;

/// Everything the generator needs; every field has a default (the `small`
/// preset), so a TOML file only lists what it changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SynthConfig {
    /// Seed of the xoshiro256++ generator (0 ..= 2^63 - 1 to fit in TOML).
    pub seed: u64,
    /// First year of the panel.
    pub first_year: i32,
    /// Last year of the panel (inclusive).
    pub last_year: i32,
    /// Regions, their base levels and groups.
    pub regions: RegionConfig,
    /// The latent development level: gradient, trend, convergence, shocks.
    pub latent: LatentConfig,
    /// Generated indicators, noise and missing cells.
    pub indicators: IndicatorConfig,
    /// Explicit dimensions and indicators; when empty they are generated
    /// from the built-in catalogue as `indicators` says.
    pub dimension: Vec<DimensionConfig>,
}

/// `[regions]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RegionConfig {
    /// Number of regions, named `R01`, `R02`, ... (used only when `names` is empty).
    pub count: usize,
    /// Explicit region names, in output order.
    pub names: Vec<String>,
    /// Explicit base latent level per region (replaces `latent.level`,
    /// `latent.gradient` and `latent.base_sd`).
    pub base: Vec<f64>,
    /// Number of groups, assigned by position along the gradient.
    pub groups: usize,
    /// Group labels, from the top of the gradient down (default `g1`, `g2`, ...).
    pub group_names: Vec<String>,
    /// Explicit group label per region (replaces `groups` and `group_names`).
    pub group: Vec<String>,
}

/// `[latent]`: the development level `L_it` behind every indicator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LatentConfig {
    /// Mean base level.
    pub level: f64,
    /// Spread of base levels from the first region (`level + gradient/2`)
    /// to the last (`level - gradient/2`).
    pub gradient: f64,
    /// Standard deviation of a region's random deviation from the gradient.
    pub base_sd: f64,
    /// Mean growth of the level per year.
    pub trend: f64,
    /// Standard deviation of a region's growth around `trend`.
    pub trend_sd: f64,
    /// Share of a region's gap to the mean base level closed every year, in `[0, 1)`.
    pub convergence: f64,
    /// Number of random shocks (distinct region-years after the first year).
    pub shocks: usize,
    /// Drop of the level in a shock year.
    pub shock_size: f64,
    /// Share of the drop still present one year later (geometric recovery), in `[0, 1]`.
    pub shock_persistence: f64,
    /// Shocks at given region-years, in addition to the random ones.
    pub shock_at: Vec<ShockAt>,
}

/// `[[latent.shock_at]]`: a shock at a chosen region and year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShockAt {
    /// Region name.
    pub region: String,
    /// Year of the drop (after the first year).
    pub year: i32,
}

/// `[indicators]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IndicatorConfig {
    /// Number of generated indicators (when no `[[dimension]]` is listed).
    pub count: usize,
    /// Number of generated dimensions (when no `[[dimension]]` is listed).
    pub dimensions: usize,
    /// Share of negative generated indicators; absent = catalogue directions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub negative_share: Option<f64>,
    /// Standard deviation of the cell noise, in units of the latent range.
    pub noise_sd: f64,
    /// Standard deviation of a persistent region x indicator effect, same units.
    pub region_sd: f64,
    /// Share of cells left empty, in `[0, 1)`.
    pub missing_share: f64,
}

/// `[[dimension]]`: an explicit dimension.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DimensionConfig {
    /// Identifier (a column of `scores.csv`).
    pub id: String,
    /// Human-readable name.
    pub name: String,
    /// The dimension's indicators.
    pub indicator: Vec<IndicatorSpec>,
}

/// `[[dimension.indicator]]`: an explicit indicator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorSpec {
    /// Column name in the panel.
    pub id: String,
    /// Human-readable name.
    pub name: String,
    /// `+` or `-`.
    pub direction: Direction,
    /// Unit, for the index specification.
    pub unit: String,
    /// Value at the least developed end of the latent range (`+`), or at the
    /// most developed end (`-`): the smaller end, > 0.
    pub low: f64,
    /// The other end, > `low`.
    pub high: f64,
    /// Upper bound that values approach but never reach; default 100 when
    /// `unit` is `%`, none otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ceiling: Option<f64>,
}

impl IndicatorSpec {
    /// The ceiling in force: `ceiling`, or 100 for a `%` unit.
    pub fn effective_ceiling(&self) -> Option<f64> {
        self.ceiling.or(if self.unit.trim() == "%" {
            Some(100.0)
        } else {
            None
        })
    }
}

impl Default for RegionConfig {
    fn default() -> Self {
        RegionConfig {
            count: 13,
            names: Vec::new(),
            base: Vec::new(),
            groups: 3,
            group_names: Vec::new(),
            group: Vec::new(),
        }
    }
}

impl Default for LatentConfig {
    fn default() -> Self {
        LatentConfig {
            level: 0.0,
            gradient: 1.0,
            base_sd: 0.15,
            trend: 0.08,
            trend_sd: 0.01,
            convergence: 0.04,
            shocks: 3,
            shock_size: 0.25,
            shock_persistence: 0.4,
            shock_at: Vec::new(),
        }
    }
}

impl Default for IndicatorConfig {
    fn default() -> Self {
        IndicatorConfig {
            count: 20,
            dimensions: 5,
            negative_share: None,
            noise_sd: 0.03,
            region_sd: 0.04,
            missing_share: 0.0,
        }
    }
}

impl Default for SynthConfig {
    /// The `small` preset.
    fn default() -> Self {
        SynthConfig {
            seed: 42,
            first_year: 2011,
            last_year: 2020,
            regions: RegionConfig::default(),
            latent: LatentConfig::default(),
            indicators: IndicatorConfig::default(),
            dimension: Vec::new(),
        }
    }
}

/// The thirteen prefecture-level divisions of Heilongjiang, in yearbook order.
pub const HEILONGJIANG_CITIES: [&str; 13] = [
    "Harbin",
    "Qiqihar",
    "Jixi",
    "Hegang",
    "Shuangyashan",
    "Daqing",
    "Yichun",
    "Jiamusi",
    "Qitaihe",
    "Mudanjiang",
    "Heihe",
    "Suihua",
    "Daxing'anling",
];

/// Names of the presets, for `SynthConfig::preset`.
pub const PRESETS: [&str; 4] = ["heilongjiang", "small", "province", "county"];

impl SynthConfig {
    /// 13 regions x 2011-2020 x 20 indicators (5 dimensions of 4), 3 groups
    /// along the gradient, 3 random shocks, no missing cells.
    pub fn small() -> Self {
        SynthConfig::default()
    }

    /// The Heilongjiang example: its 13 cities x 2011-2020, the five
    /// dimensions of four indicators each, a southwest-to-east gradient,
    /// rising levels with narrowing gaps, five short-term shocks, no missing
    /// cells. Identical to `examples/heilongjiang/synth.toml`.
    pub fn heilongjiang() -> Self {
        // Base levels in city order; Harbin, Daqing, Qiqihar, Mudanjiang and
        // Suihua lead, the eastern coal cities and the northern forest
        // regions trail.
        let base = [
            0.60, 0.25, -0.10, -0.30, -0.20, 0.50, -0.40, 0.00, -0.25, 0.20, -0.15, 0.15, -0.45,
        ];
        let group = [
            "southwest",
            "southwest",
            "east",
            "east",
            "east",
            "southwest",
            "north",
            "east",
            "east",
            "east",
            "north",
            "southwest",
            "north",
        ];
        let shock_at = [
            ("Yichun", 2014),
            ("Hegang", 2015),
            ("Shuangyashan", 2015),
            ("Daqing", 2016),
            ("Qitaihe", 2016),
        ];
        SynthConfig {
            seed: 20201231,
            first_year: 2011,
            last_year: 2020,
            regions: RegionConfig {
                count: 13,
                names: HEILONGJIANG_CITIES
                    .iter()
                    .map(ToString::to_string)
                    .collect(),
                base: base.to_vec(),
                groups: 3,
                group_names: Vec::new(),
                group: group.iter().map(ToString::to_string).collect(),
            },
            latent: LatentConfig {
                level: 0.0,
                gradient: 1.0,
                base_sd: 0.0,
                trend: 0.09,
                trend_sd: 0.005,
                convergence: 0.05,
                shocks: 0,
                shock_size: 0.25,
                shock_persistence: 0.4,
                shock_at: shock_at
                    .iter()
                    .map(|(r, y)| ShockAt {
                        region: r.to_string(),
                        year: *y,
                    })
                    .collect(),
            },
            indicators: IndicatorConfig {
                count: 20,
                dimensions: 5,
                negative_share: None,
                noise_sd: 0.03,
                region_sd: 0.04,
                missing_share: 0.0,
            },
            dimension: catalogue::themed(4),
        }
    }

    /// 31 regions x 2001-2020 x 30 indicators (5 dimensions of 6), groups
    /// `east`, `central`, `west` along the gradient, 1% missing cells.
    pub fn province() -> Self {
        SynthConfig {
            seed: 31,
            first_year: 2001,
            last_year: 2020,
            regions: RegionConfig {
                count: 31,
                groups: 3,
                group_names: vec!["east".into(), "central".into(), "west".into()],
                ..RegionConfig::default()
            },
            latent: LatentConfig {
                gradient: 1.2,
                base_sd: 0.15,
                trend: 0.06,
                trend_sd: 0.004,
                convergence: 0.03,
                shocks: 8,
                ..LatentConfig::default()
            },
            indicators: IndicatorConfig {
                count: 30,
                missing_share: 0.01,
                ..IndicatorConfig::default()
            },
            ..SynthConfig::default()
        }
    }

    /// 2,851 regions x 1991-2020 x 40 indicators (5 dimensions of 8),
    /// 8 groups along the gradient, 300 random shocks, 2% missing cells.
    pub fn county() -> Self {
        SynthConfig {
            seed: 2851,
            first_year: 1991,
            last_year: 2020,
            regions: RegionConfig {
                count: 2851,
                groups: 8,
                ..RegionConfig::default()
            },
            latent: LatentConfig {
                gradient: 1.5,
                base_sd: 0.25,
                trend: 0.05,
                trend_sd: 0.004,
                convergence: 0.02,
                shocks: 300,
                ..LatentConfig::default()
            },
            indicators: IndicatorConfig {
                count: 40,
                missing_share: 0.02,
                ..IndicatorConfig::default()
            },
            ..SynthConfig::default()
        }
    }

    /// A preset by name (`heilongjiang`, `small`, `province`, `county`).
    pub fn preset(name: &str) -> Option<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "heilongjiang" => Some(Self::heilongjiang()),
            "small" => Some(Self::small()),
            "province" => Some(Self::province()),
            "county" => Some(Self::county()),
            _ => None,
        }
    }

    /// Parses a TOML configuration; keys not given take the `small` defaults.
    pub fn from_toml(text: &str) -> Result<Self, SynthError> {
        toml::from_str(text).map_err(|e| SynthError::Toml(e.to_string()))
    }

    /// Parses a TOML configuration over `base`: tables merge key by key,
    /// every other value (lists included) replaces the base's. Setting
    /// `regions.count` without `regions.names` drops the base's region names,
    /// base levels, group labels and `latent.shock_at`; setting
    /// `regions.groups` without `regions.group` drops the base's per-region
    /// groups (and its `group_names` when their number differs); setting
    /// `indicators.count`, `indicators.dimensions` or
    /// `indicators.negative_share` without `[[dimension]]` drops the base's
    /// explicit dimensions; changing the regions or years without setting
    /// `latent.shocks` caps the base's random shocks at the region-years
    /// available (`cap_shocks`), and without `regions.groups` lowers the
    /// base's number of groups to the number of regions when larger.
    pub fn from_toml_over(base: &SynthConfig, text: &str) -> Result<Self, SynthError> {
        let over: toml::Table =
            toml::from_str(text).map_err(|e| SynthError::Toml(e.to_string()))?;
        let mut base = base.clone();
        let sub = |key: &str| over.get(key).and_then(|v| v.as_table());
        if let Some(r) = sub("regions") {
            if let Some(n) = r.get("count").and_then(toml::Value::as_integer)
                && !r.contains_key("names")
            {
                base.set_region_count(usize::try_from(n).unwrap_or(0));
            }
            if let Some(g) = r.get("groups").and_then(toml::Value::as_integer)
                && !r.contains_key("group")
            {
                base.set_group_count(usize::try_from(g).unwrap_or(0));
            }
        }
        if let Some(i) = sub("indicators")
            && !over.contains_key("dimension")
            && ["count", "dimensions", "negative_share"]
                .iter()
                .any(|k| i.contains_key(*k))
        {
            base.dimension.clear();
        }
        let reshaped = ["first_year", "last_year"]
            .iter()
            .any(|k| over.contains_key(*k))
            || sub("regions").is_some_and(|r| r.contains_key("count") || r.contains_key("names"));
        let sets_shocks = sub("latent").is_some_and(|l| l.contains_key("shocks"));
        let sets_groups = sub("regions").is_some_and(|r| r.contains_key("groups"));
        let mut merged =
            toml::Value::try_from(&base).map_err(|e| SynthError::Toml(e.to_string()))?;
        merge(&mut merged, toml::Value::Table(over));
        let mut cfg: SynthConfig = merged
            .try_into()
            .map_err(|e: toml::de::Error| SynthError::Toml(e.to_string()))?;
        if reshaped && !sets_shocks {
            cfg.cap_shocks();
        }
        let n = cfg.region_count();
        if reshaped && !sets_groups && cfg.regions.group.is_empty() && cfg.regions.groups > n {
            cfg.set_group_count(n);
        }
        Ok(cfg)
    }

    /// Lowers `latent.shocks` to the number of region-years after the first
    /// year when it is larger (e.g. after shrinking a preset).
    pub fn cap_shocks(&mut self) {
        let years = (self.last_year as i64 - self.first_year as i64).max(0) as usize;
        let slots = self.region_count().saturating_mul(years);
        self.latent.shocks = self.latent.shocks.min(slots);
    }

    /// The configuration as TOML (what `from_toml` reads back).
    pub fn to_toml(&self) -> Result<String, SynthError> {
        toml::to_string(self).map_err(|e| SynthError::Toml(e.to_string()))
    }

    /// Sets the number of regions, dropping explicit names, base levels,
    /// per-region groups and explicit shocks (they name regions).
    pub fn set_region_count(&mut self, n: usize) {
        self.regions.count = n;
        self.regions.names.clear();
        self.regions.base.clear();
        self.regions.group.clear();
        self.latent.shock_at.clear();
    }

    /// Sets the number of groups along the gradient, dropping per-region
    /// groups, and the group labels when their number differs.
    pub fn set_group_count(&mut self, n: usize) {
        self.regions.groups = n;
        self.regions.group.clear();
        if self.regions.group_names.len() != n {
            self.regions.group_names.clear();
        }
    }

    /// Sets the number of generated indicators, dropping explicit dimensions;
    /// the number of dimensions is lowered to `n` when larger.
    pub fn set_indicator_count(&mut self, n: usize) {
        self.indicators.count = n;
        self.dimension.clear();
        if n >= 1 && self.indicators.dimensions > n {
            self.indicators.dimensions = n;
        }
    }

    /// The number of regions, without building their names.
    pub fn region_count(&self) -> usize {
        if self.regions.names.is_empty() {
            self.regions.count
        } else {
            self.regions.names.len()
        }
    }

    /// The region names in output order.
    pub fn region_names(&self) -> Vec<String> {
        if !self.regions.names.is_empty() {
            return self.regions.names.clone();
        }
        let n = self.regions.count;
        let width = n.to_string().len().max(2);
        (1..=n).map(|i| format!("R{i:0width$}")).collect()
    }

    /// The dimensions in force: the explicit ones, or the generated ones.
    pub fn dimensions(&self) -> Vec<DimensionConfig> {
        if !self.dimension.is_empty() {
            return self.dimension.clone();
        }
        catalogue::generated(
            self.indicators.count,
            self.indicators.dimensions,
            self.indicators.negative_share,
        )
    }

    /// Checks every value; the error names the key and what is wrong.
    pub fn validate(&self) -> Result<(), SynthError> {
        let years = self.validate_years()?;
        // The size first, before any list of regions is built from the count.
        let indicators: u128 = if self.dimension.is_empty() {
            self.indicators.count as u128
        } else {
            self.dimension
                .iter()
                .map(|d| d.indicator.len() as u128)
                .sum()
        };
        check_size(self.region_count(), years, indicators.max(1))?;
        let names = self.validate_regions()?;
        self.validate_latent(&names, years)?;
        self.validate_indicator_counts()?;
        let total = self.validate_dimensions()?;
        check_size(names.len(), years, total)
    }

    /// The seed and the years; returns the number of years.
    fn validate_years(&self) -> Result<usize, SynthError> {
        if self.seed > i64::MAX as u64 {
            return invalid("seed", format!("{} is larger than 2^63 - 1", self.seed));
        }
        if self.last_year < self.first_year {
            return invalid(
                "last_year",
                format!(
                    "{} is before first_year {}",
                    self.last_year, self.first_year
                ),
            );
        }
        Ok((self.last_year as i64 - self.first_year as i64 + 1) as usize)
    }

    /// Region names, base levels and groups; returns the region names.
    fn validate_regions(&self) -> Result<Vec<String>, SynthError> {
        let r = &self.regions;
        let names = self.region_names();
        if names.is_empty() {
            return invalid("regions.count", "must be at least 1".into());
        }
        let mut seen = HashSet::new();
        for n in &names {
            check_name("regions.names", n)?;
            if !seen.insert(n.as_str()) {
                return invalid("regions.names", format!("'{n}' appears twice"));
            }
        }
        let nr = names.len();
        if !r.base.is_empty() && r.base.len() != nr {
            return invalid(
                "regions.base",
                format!("has {} values for {nr} regions", r.base.len()),
            );
        }
        for (n, b) in names.iter().zip(&r.base) {
            if !b.is_finite() {
                return invalid(
                    "regions.base",
                    format!("value for '{n}' is not a finite number"),
                );
            }
        }
        self.validate_groups(nr)?;
        Ok(names)
    }

    /// Per-region group labels, or the number of groups and their labels.
    fn validate_groups(&self, nr: usize) -> Result<(), SynthError> {
        let r = &self.regions;
        if !r.group.is_empty() {
            if r.group.len() != nr {
                return invalid(
                    "regions.group",
                    format!("has {} labels for {nr} regions", r.group.len()),
                );
            }
            for g in &r.group {
                check_name("regions.group", g)?;
            }
            return Ok(());
        }
        if r.groups == 0 || r.groups > nr {
            return invalid(
                "regions.groups",
                format!(
                    "{} is not between 1 and {nr} (the number of regions)",
                    r.groups
                ),
            );
        }
        if !r.group_names.is_empty() {
            if r.group_names.len() != r.groups {
                return invalid(
                    "regions.group_names",
                    format!("has {} labels for {} groups", r.group_names.len(), r.groups),
                );
            }
            for g in &r.group_names {
                check_name("regions.group_names", g)?;
            }
        }
        Ok(())
    }

    /// The latent level's numbers (and the noise of the indicators), the
    /// number of shocks and the explicit shocks.
    fn validate_latent(&self, names: &[String], years: usize) -> Result<(), SynthError> {
        let l = &self.latent;
        for (key, v) in [
            ("latent.level", l.level),
            ("latent.gradient", l.gradient),
            ("latent.trend", l.trend),
        ] {
            if !v.is_finite() {
                return invalid(key, format!("{v} is not a finite number"));
            }
        }
        for (key, v) in [
            ("latent.base_sd", l.base_sd),
            ("latent.trend_sd", l.trend_sd),
            ("latent.shock_size", l.shock_size),
            ("indicators.noise_sd", self.indicators.noise_sd),
            ("indicators.region_sd", self.indicators.region_sd),
        ] {
            if !(v.is_finite() && v >= 0.0) {
                return invalid(key, format!("{v} is not a finite number >= 0"));
            }
        }
        if !(l.convergence >= 0.0 && l.convergence < 1.0) {
            return invalid(
                "latent.convergence",
                format!("{} is not in [0, 1)", l.convergence),
            );
        }
        if !(0.0..=1.0).contains(&l.shock_persistence) {
            return invalid(
                "latent.shock_persistence",
                format!("{} is not in [0, 1]", l.shock_persistence),
            );
        }
        let slots = names.len() * (years - 1);
        if l.shocks > slots {
            return invalid(
                "latent.shocks",
                format!(
                    "{} shocks do not fit in {slots} region-years after the first year",
                    l.shocks
                ),
            );
        }
        self.validate_shock_at(names)
    }

    /// Each explicit shock names a region and a year after the first, once.
    fn validate_shock_at(&self, names: &[String]) -> Result<(), SynthError> {
        let mut shock_seen = HashSet::new();
        for s in &self.latent.shock_at {
            if !names.contains(&s.region) {
                return invalid(
                    "latent.shock_at",
                    format!("region '{}' is not one of the regions", s.region),
                );
            }
            if s.year <= self.first_year || s.year > self.last_year {
                return invalid(
                    "latent.shock_at",
                    format!(
                        "year {} for '{}' is not after the first year {} and up to {}",
                        s.year, s.region, self.first_year, self.last_year
                    ),
                );
            }
            if !shock_seen.insert((s.region.as_str(), s.year)) {
                return invalid(
                    "latent.shock_at",
                    format!("'{}' {} is listed twice", s.region, s.year),
                );
            }
        }
        Ok(())
    }

    /// The share of missing cells and, for generated dimensions, the numbers
    /// of indicators and dimensions and the share of negative indicators.
    fn validate_indicator_counts(&self) -> Result<(), SynthError> {
        let ic = &self.indicators;
        if !(ic.missing_share >= 0.0 && ic.missing_share < 1.0) {
            return invalid(
                "indicators.missing_share",
                format!("{} is not in [0, 1)", ic.missing_share),
            );
        }
        if !self.dimension.is_empty() {
            return Ok(());
        }
        if ic.count == 0 {
            return invalid("indicators.count", "must be at least 1".into());
        }
        if ic.dimensions == 0 || ic.dimensions > ic.count {
            return invalid(
                "indicators.dimensions",
                format!(
                    "{} is not between 1 and {} (the number of indicators)",
                    ic.dimensions, ic.count
                ),
            );
        }
        if let Some(p) = ic.negative_share
            && !(0.0..=1.0).contains(&p)
        {
            return invalid("indicators.negative_share", format!("{p} is not in [0, 1]"));
        }
        Ok(())
    }

    /// The dimensions in force and their indicators; returns the number of
    /// indicators.
    fn validate_dimensions(&self) -> Result<u128, SynthError> {
        let dims = self.dimensions();
        let mut dim_ids = HashSet::new();
        let mut ind_ids = HashSet::new();
        let mut total = 0u128;
        for d in &dims {
            check_name("dimension.id", &d.id)?;
            let lower = d.id.to_lowercase();
            if ["region", "year", "composite"].contains(&lower.as_str()) {
                return invalid(
                    "dimension.id",
                    format!("'{}' is reserved for a column of scores.csv", d.id),
                );
            }
            if !dim_ids.insert(d.id.as_str()) {
                return invalid("dimension.id", format!("'{}' appears twice", d.id));
            }
            if d.indicator.is_empty() {
                return invalid(
                    "dimension.indicator",
                    format!("dimension '{}' has no indicators", d.id),
                );
            }
            for ind in &d.indicator {
                check_indicator(ind, &mut ind_ids)?;
                total += 1;
            }
        }
        Ok(total)
    }
}

/// An `Invalid` error for `key`.
fn invalid<T>(key: &str, message: String) -> Result<T, SynthError> {
    Err(SynthError::Invalid {
        key: key.to_string(),
        message,
    })
}

/// Rejects a panel of more than [`MAX_CELLS`] cells.
fn check_size(regions: usize, years: usize, indicators: u128) -> Result<(), SynthError> {
    let cells = regions as u128 * years as u128 * indicators;
    if cells > MAX_CELLS {
        return Err(SynthError::TooLarge {
            cells,
            limit: MAX_CELLS,
        });
    }
    Ok(())
}

/// One indicator: its id (valid, not a region or year column, not seen in
/// `ids` before) and its range `0 < low < high < ceiling`.
fn check_indicator<'a>(
    ind: &'a IndicatorSpec,
    ids: &mut HashSet<&'a str>,
) -> Result<(), SynthError> {
    check_name("dimension.indicator.id", &ind.id)?;
    if is_reserved_column(&ind.id) {
        return invalid(
            "dimension.indicator.id",
            format!("'{}' is a region or year column name", ind.id),
        );
    }
    if !ids.insert(ind.id.as_str()) {
        return invalid(
            "dimension.indicator.id",
            format!("'{}' appears twice", ind.id),
        );
    }
    if !(ind.low.is_finite() && ind.low > 0.0) {
        return invalid(
            "dimension.indicator.low",
            format!("{} for '{}' is not a number > 0", ind.low, ind.id),
        );
    }
    if !(ind.high.is_finite() && ind.high > ind.low) {
        return invalid(
            "dimension.indicator.high",
            format!(
                "{} for '{}' is not a number > low ({})",
                ind.high, ind.id, ind.low
            ),
        );
    }
    if let Some(c) = ind.effective_ceiling()
        && !(c.is_finite() && c > ind.high)
    {
        return invalid(
            "dimension.indicator.ceiling",
            format!("{c} for '{}' is not a number > high ({})", ind.id, ind.high),
        );
    }
    Ok(())
}

/// Region and year aliases of the contract, which an indicator id may not take.
fn is_reserved_column(id: &str) -> bool {
    let l = id.trim().to_lowercase();
    [
        "region", "unit", "city", "province", "地区", "城市", "省份", "year", "time", "年份",
    ]
    .contains(&l.as_str())
}

/// A name must be non-empty, without surrounding spaces or control characters.
fn check_name(key: &str, name: &str) -> Result<(), SynthError> {
    let message = if name.is_empty() {
        Some("an empty name".to_string())
    } else if name.trim() != name {
        Some(format!("'{name}' has leading or trailing spaces"))
    } else if name.chars().any(char::is_control) {
        Some(format!("{name:?} contains a control character"))
    } else {
        None
    };
    match message {
        Some(message) => Err(SynthError::Invalid {
            key: key.to_string(),
            message,
        }),
        None => Ok(()),
    }
}

/// Merges `over` into `base`: tables key by key, anything else replaced.
fn merge(base: &mut toml::Value, over: toml::Value) {
    match (base, over) {
        (toml::Value::Table(b), toml::Value::Table(o)) => {
            for (k, v) in o {
                match b.get_mut(&k) {
                    Some(bv) => merge(bv, v),
                    None => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (b, o) => *b = o,
    }
}
