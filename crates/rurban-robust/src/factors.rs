//! The uncertain factors of an index and their uniform columns.

use rurban_method::name_is;
use serde::{Deserialize, Serialize};

use crate::error::RobustError;

/// The default base sample size N.
pub const DEFAULT_REPLICATIONS: usize = 1000;
/// The default seed.
pub const DEFAULT_SEED: u64 = 1;

/// The normalisations a factor may choose (contract, "Index construction").
pub const NORMALISATIONS: [&str; 5] = ["minmax", "zscore", "rank", "goalposts", "target"];
/// The aggregations a factor may choose.
pub const AGGREGATIONS: [&str; 4] = ["arithmetic", "geometric", "harmonic", "topsis"];
/// The imputation rules a factor may choose.
pub const IMPUTATIONS: [&str; 4] = ["none", "linear", "year-mean", "group-mean"];

/// One kind of uncertain assumption. The declaration order is the
/// contract's fixed order of factors, uniform columns and sensitivity rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FactorKind {
    /// Multiplicative noise on the weights: one uniform per indicator.
    Weights,
    /// The weighting scheme: one uniform over a list.
    Weighting,
    /// The normalisation: one uniform over a list.
    Normalisation,
    /// The aggregation: one uniform over a list.
    Aggregation,
    /// The imputation rule: one uniform over a list.
    Impute,
    /// Leave out none or one indicator: one uniform over `m + 1` cases.
    Exclude,
}

impl FactorKind {
    /// All kinds in the contract's order.
    pub const ALL: [FactorKind; 6] = [
        FactorKind::Weights,
        FactorKind::Weighting,
        FactorKind::Normalisation,
        FactorKind::Aggregation,
        FactorKind::Impute,
        FactorKind::Exclude,
    ];

    /// The factor's name (its key in `[uncertainty]`, except `weights`,
    /// whose key is `weights_noise`).
    pub fn name(self) -> &'static str {
        match self {
            FactorKind::Weights => "weights",
            FactorKind::Weighting => "weighting",
            FactorKind::Normalisation => "normalisation",
            FactorKind::Aggregation => "aggregation",
            FactorKind::Impute => "impute",
            FactorKind::Exclude => "exclude",
        }
    }

    /// Position in [`FactorKind::ALL`].
    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// The spec's `[uncertainty]` table, unchecked (every key optional).
/// [`Factors::new`] checks it against the index's indicators.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UncertaintyOptions {
    /// The base sample size N (default 1000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replications: Option<i64>,
    /// The seed of the design (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// The noise amplitude `a` of the factor `weights`, in `[0, 1)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weights_noise: Option<f64>,
    /// The weighting schemes of the factor `weighting`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weighting: Option<Vec<String>>,
    /// The normalisations of the factor `normalisation`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub normalisation: Option<Vec<String>>,
    /// The aggregations of the factor `aggregation`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aggregation: Option<Vec<String>>,
    /// The imputation rules of the factor `impute`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impute: Option<Vec<String>>,
    /// Whether the factor `exclude` is on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclude: Option<bool>,
}

/// One factor of the design: its kind, its alternatives and its columns
/// of uniforms.
#[derive(Debug, Clone, PartialEq)]
pub struct Factor {
    kind: FactorKind,
    alternatives: Vec<String>,
    noise: f64,
    offset: usize,
    width: usize,
}

impl Factor {
    /// The factor's kind.
    pub fn kind(&self) -> FactorKind {
        self.kind
    }

    /// The factor's name.
    pub fn name(&self) -> &'static str {
        self.kind.name()
    }

    /// The alternatives of a list factor in the order written (empty for
    /// `weights` and `exclude`).
    pub fn alternatives(&self) -> &[String] {
        &self.alternatives
    }

    /// The noise amplitude `a` (`weights` only; 0 otherwise).
    pub fn noise(&self) -> f64 {
        self.noise
    }

    /// The first column of this factor's uniforms in a design row.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// How many uniforms the factor draws: `m` for `weights`, else 1.
    pub fn width(&self) -> usize {
        self.width
    }

    /// The columns of this factor in a design row.
    pub fn columns(&self) -> std::ops::Range<usize> {
        self.offset..self.offset + self.width
    }
}

/// The checked factors of an analysis: the indicators (spec order), the
/// factors in the contract's order with their uniform columns, N and the
/// seed. Valid by construction.
#[derive(Debug, Clone, PartialEq)]
pub struct Factors {
    replications: usize,
    seed: u64,
    indicators: Vec<String>,
    factors: Vec<Factor>,
    slot: [Option<usize>; 6],
    dims: usize,
}

/// The spec's nominal methods, for [`Factors::check_combinations`].
#[derive(Debug, Clone, PartialEq)]
pub struct Nominal {
    /// The spec's normalisation.
    pub normalisation: String,
    /// The spec's aggregation.
    pub aggregation: String,
    /// Whether the data have missing cells that a step would meet without
    /// imputation (false when the spec's given weights skip them).
    pub has_missing: bool,
}

fn list(
    key: &'static str,
    given: &Option<Vec<String>>,
    known: Option<&[&str]>,
) -> Result<Option<Vec<String>>, RobustError> {
    let Some(items) = given else { return Ok(None) };
    if items.is_empty() {
        return Err(RobustError::EmptyList { key });
    }
    for (i, name) in items.iter().enumerate() {
        if items[..i].iter().any(|prev| name_is(prev, name)) {
            return Err(RobustError::DuplicateAlternative {
                key,
                name: name.clone(),
            });
        }
        if let Some(known) = known
            && !known.iter().any(|k| name_is(name, k))
        {
            return Err(RobustError::UnknownAlternative {
                key,
                name: name.clone(),
                known: known.join(", "),
            });
        }
    }
    Ok(Some(items.iter().map(|s| s.trim().to_string()).collect()))
}

fn check_replications(value: i64) -> Result<usize, RobustError> {
    if value < 1 {
        return Err(RobustError::Replications { value });
    }
    usize::try_from(value).map_err(|_| RobustError::Replications { value })
}

impl Factors {
    /// Checks `[uncertainty]` against the index's indicators (spec order).
    ///
    /// Errors, each naming its key: `replications < 1`; `weights_noise`
    /// not in `[0, 1)` (0 is allowed: the factor then changes nothing and
    /// its indices are 0, a dummy factor that checks the estimators);
    /// an empty list, a name listed twice, or a normalisation, aggregation
    /// or imputation the index does not know; `weights_noise` without
    /// indicators, `exclude = true` with fewer than 2 indicators; no factor
    /// at all; two indicators of the same name. Weighting schemes depend on
    /// the registry: see [`Factors::check_weighting`].
    pub fn new(options: &UncertaintyOptions, indicators: &[String]) -> Result<Self, RobustError> {
        let replications =
            check_replications(options.replications.unwrap_or(DEFAULT_REPLICATIONS as i64))?;
        let seed = options.seed.unwrap_or(DEFAULT_SEED);
        for (i, name) in indicators.iter().enumerate() {
            if indicators[..i].contains(name) {
                return Err(RobustError::DuplicateIndicator { name: name.clone() });
            }
        }
        let m = indicators.len();
        let mut factors = Vec::new();
        let mut offset = 0;
        let mut push = |kind, alternatives, noise, width| {
            factors.push(Factor {
                kind,
                alternatives,
                noise,
                offset,
                width,
            });
            offset += width;
        };
        if let Some(a) = options.weights_noise {
            if !(a.is_finite() && (0.0..1.0).contains(&a)) {
                return Err(RobustError::WeightsNoise { value: a });
            }
            if m == 0 {
                return Err(RobustError::TooFewIndicators {
                    key: "weights_noise",
                    needed: 1,
                    found: 0,
                });
            }
            push(FactorKind::Weights, Vec::new(), a, m);
        }
        let lists = [
            (FactorKind::Weighting, &options.weighting, None),
            (
                FactorKind::Normalisation,
                &options.normalisation,
                Some(&NORMALISATIONS[..]),
            ),
            (
                FactorKind::Aggregation,
                &options.aggregation,
                Some(&AGGREGATIONS[..]),
            ),
            (FactorKind::Impute, &options.impute, Some(&IMPUTATIONS[..])),
        ];
        for (kind, given, known) in lists {
            if let Some(alts) = list(kind.name(), given, known)? {
                push(kind, alts, 0.0, 1);
            }
        }
        if options.exclude == Some(true) {
            if m < 2 {
                return Err(RobustError::TooFewIndicators {
                    key: "exclude",
                    needed: 2,
                    found: m,
                });
            }
            push(FactorKind::Exclude, Vec::new(), 0.0, 1);
        }
        if factors.is_empty() {
            return Err(RobustError::NoFactors);
        }
        let mut slot = [None; 6];
        for (g, f) in factors.iter().enumerate() {
            slot[f.kind.index()] = Some(g);
        }
        Ok(Factors {
            replications,
            seed,
            indicators: indicators.to_vec(),
            factors,
            slot,
            dims: offset,
        })
    }

    /// Overrides N (`--replications`); below 1 is an error naming the key.
    pub fn with_replications(mut self, n: i64) -> Result<Self, RobustError> {
        self.replications = check_replications(n)?;
        Ok(self)
    }

    /// Overrides the seed (`--seed`).
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Checks the `weighting` list against the schemes the index knows
    /// (built-ins, `given` and plugins), by the case-insensitive name rule.
    pub fn check_weighting(&self, known: &[&str]) -> Result<(), RobustError> {
        let Some(f) = self.factor(FactorKind::Weighting) else {
            return Ok(());
        };
        match f
            .alternatives
            .iter()
            .find(|name| !known.iter().any(|k| name_is(name, k)))
        {
            Some(name) => Err(RobustError::UnknownAlternative {
                key: "weighting",
                name: name.clone(),
                known: known.join(", "),
            }),
            None => Ok(()),
        }
    }

    /// Checks the combinations that cannot run, over every normalisation
    /// and aggregation a run may use (the lists, or the spec's nominal
    /// method when the factor is absent): zscore under geometric or
    /// harmonic aggregation; `impute = none` when the data have missing
    /// cells. The error names the list that brings the combination in.
    pub fn check_combinations(&self, nominal: &Nominal) -> Result<(), RobustError> {
        let norms = self.choices(FactorKind::Normalisation, &nominal.normalisation);
        let aggs = self.choices(FactorKind::Aggregation, &nominal.aggregation);
        for n in &norms {
            for a in &aggs {
                if name_is(n, "zscore") && (name_is(a, "geometric") || name_is(a, "harmonic")) {
                    let key = if self.factor(FactorKind::Normalisation).is_some() {
                        "normalisation"
                    } else {
                        "aggregation"
                    };
                    return Err(RobustError::Incompatible {
                        key,
                        cause: format!(
                            "normalisation '{n}' cannot run under {a} aggregation \
                             (it needs values > 0)"
                        ),
                    });
                }
            }
        }
        if nominal.has_missing
            && let Some(f) = self.factor(FactorKind::Impute)
            && let Some(none) = f.alternatives.iter().find(|s| name_is(s, "none"))
        {
            return Err(RobustError::Incompatible {
                key: "impute",
                cause: format!("'{none}' cannot run: the data have missing cells"),
            });
        }
        Ok(())
    }

    fn choices<'a>(&'a self, kind: FactorKind, nominal: &'a str) -> Vec<&'a str> {
        match self.factor(kind) {
            Some(f) => f.alternatives.iter().map(String::as_str).collect(),
            None => vec![nominal],
        }
    }

    /// N, the base sample size.
    pub fn replications(&self) -> usize {
        self.replications
    }

    /// The seed of the design.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The indicators in spec order.
    pub fn indicators(&self) -> &[String] {
        &self.indicators
    }

    /// The factors present, in the contract's order.
    pub fn factors(&self) -> &[Factor] {
        &self.factors
    }

    /// k, the number of factors.
    pub fn k(&self) -> usize {
        self.factors.len()
    }

    /// D, the number of uniforms of a design row.
    pub fn dims(&self) -> usize {
        self.dims
    }

    /// The number of model runs of the design, `N (k + 2)` (the nominal
    /// run not counted).
    pub fn runs(&self) -> usize {
        self.replications * (self.k() + 2)
    }

    /// The factor of this kind, if present.
    pub fn factor(&self, kind: FactorKind) -> Option<&Factor> {
        self.slot[kind.index()].map(|g| &self.factors[g])
    }

    /// The names of the factors, in order (the JSON's `"factors"`).
    pub fn names(&self) -> Vec<String> {
        self.factors.iter().map(|f| f.name().to_string()).collect()
    }
}

/// The alternative `floor(u L)` of a uniform `u` in `[0, 1)` among `L`
/// (capped at `L - 1` against rounding).
pub fn pick(u: f64, l: usize) -> usize {
    ((u * l as f64).floor() as usize).min(l.saturating_sub(1))
}
