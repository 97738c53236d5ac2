//! `[uncertainty]`: the uncertain assumptions of the index, for the
//! uncertainty and sensitivity analysis (`rurban robustness`, and `rurban
//! run` when the table is present).
//!
//! The table deserialises into [`rurban_robust::UncertaintyOptions`]
//! (unknown keys are an error naming them) and is checked at once, so a
//! bad setting stops the spec before anything runs, naming its key:
//! `replications` below 1, `weights_noise` outside `[0, 1)`, an empty list,
//! a name listed twice, a normalisation, aggregation or imputation rule the
//! index does not know. Weighting schemes depend on the plugins loaded, and
//! combinations that cannot run depend on the data: both are checked by the
//! pipeline before the first run.

use rurban_method::name_is;
use rurban_robust::{AGGREGATIONS, IMPUTATIONS, NORMALISATIONS, UncertaintyOptions};
use serde::{Deserialize, Serialize};

/// The checked `[uncertainty]` table.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct UncertaintySpec(pub UncertaintyOptions);

impl UncertaintySpec {
    /// The options as written.
    pub fn options(&self) -> &UncertaintyOptions {
        &self.0
    }
}

/// Why a list of alternatives is not valid, or `None`.
fn check_list(key: &str, list: Option<&Vec<String>>, known: Option<&[&str]>) -> Option<String> {
    let items = list?;
    if items.is_empty() {
        return Some(format!("{key}: the list of alternatives is empty"));
    }
    for (i, name) in items.iter().enumerate() {
        if items[..i].iter().any(|p| name_is(p, name)) {
            return Some(format!(
                "{key}: '{}' is listed twice",
                rurban_core::clip(name)
            ));
        }
        if let Some(known) = known
            && !known.iter().any(|k| name_is(name, k))
        {
            return Some(format!(
                "{key}: unknown {key} '{}' (known: {})",
                rurban_core::clip(name),
                known.join(", ")
            ));
        }
    }
    None
}

/// Checks the settings that do not depend on the data or the plugins;
/// the message starts with the key.
pub fn check(o: &UncertaintyOptions) -> Result<(), String> {
    if let Some(n) = o.replications
        && n < 1
    {
        return Err(format!("replications: must be an integer >= 1, got {n}"));
    }
    if let Some(a) = o.weights_noise
        && !(a.is_finite() && (0.0..1.0).contains(&a))
    {
        return Err(format!("weights_noise: must be in [0, 1), got {a}"));
    }
    let lists = [
        ("weighting", o.weighting.as_ref(), None),
        (
            "normalisation",
            o.normalisation.as_ref(),
            Some(&NORMALISATIONS[..]),
        ),
        (
            "aggregation",
            o.aggregation.as_ref(),
            Some(&AGGREGATIONS[..]),
        ),
        ("impute", o.impute.as_ref(), Some(&IMPUTATIONS[..])),
    ];
    for (key, list, known) in lists {
        if let Some(e) = check_list(key, list, known) {
            return Err(e);
        }
    }
    let any = o.weights_noise.is_some()
        || o.weighting.is_some()
        || o.normalisation.is_some()
        || o.aggregation.is_some()
        || o.impute.is_some()
        || o.exclude == Some(true);
    if !any {
        return Err(
            "names no uncertain factor: give at least one of weights_noise, \
                    weighting, normalisation, aggregation, impute, exclude = true"
                .into(),
        );
    }
    Ok(())
}

impl<'de> Deserialize<'de> for UncertaintySpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let o = UncertaintyOptions::deserialize(d)?;
        check(&o).map_err(serde::de::Error::custom)?;
        Ok(UncertaintySpec(o))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(text: &str) -> Result<UncertaintySpec, String> {
        toml::from_str::<UncertaintySpec>(text).map_err(|e| e.message().to_string())
    }

    #[test]
    fn a_valid_table_reads_every_key() {
        let u = opts(
            "replications = 50\nseed = 3\nweights_noise = 0.25\n\
             weighting = [\"entropy\", \"equal\"]\nnormalisation = [\"minmax\", \"Rank\"]\n\
             aggregation = [\"arithmetic\", \"topsis\"]\nimpute = [\"linear\", \"year-mean\"]\n\
             exclude = true\n",
        )
        .unwrap();
        let o = u.options();
        assert_eq!(o.replications, Some(50));
        assert_eq!(o.seed, Some(3));
        assert_eq!(o.weights_noise, Some(0.25));
        assert_eq!(o.normalisation.as_ref().unwrap()[1], "Rank");
        assert_eq!(o.exclude, Some(true));
    }

    #[test]
    fn bad_settings_name_their_key() {
        let cases = [
            (
                "replications = 0\nexclude = true",
                "replications: must be an integer >= 1, got 0",
            ),
            (
                "weights_noise = 1.0",
                "weights_noise: must be in [0, 1), got 1",
            ),
            (
                "weights_noise = -0.1",
                "weights_noise: must be in [0, 1), got -0.1",
            ),
            (
                "normalisation = []",
                "normalisation: the list of alternatives is empty",
            ),
            (
                "aggregation = [\"mean\"]",
                "aggregation: unknown aggregation 'mean'",
            ),
            (
                "impute = [\"linear\", \"LINEAR\"]",
                "impute: 'LINEAR' is listed twice",
            ),
            (
                "normalisation = [\"log\"]",
                "normalisation: unknown normalisation 'log'",
            ),
            ("seed = 4", "names no uncertain factor"),
            ("exclude = false", "names no uncertain factor"),
            ("colour = 1", "unknown field `colour`"),
        ];
        for (text, want) in cases {
            let e = opts(text).unwrap_err();
            assert!(e.contains(want), "{text}: {e}");
        }
    }

    #[test]
    fn spec_errors_name_the_table_line_and_key() {
        let dims =
            "[[dimension]]\nid = \"d\"\n[[dimension.indicator]]\nid = \"x\"\ndirection = \"+\"\n";
        let parse = |extra: &str| {
            crate::Spec::from_str_at(&format!("{dims}{extra}"), std::path::Path::new("spec.toml"))
                .map_err(|e| e.to_string())
        };
        let s = parse("[uncertainty]\nexclude = true\n").unwrap();
        assert_eq!(s.uncertainty.unwrap().options().exclude, Some(true));
        assert!(parse("").unwrap().uncertainty.is_none());
        let e = parse("[uncertainty]\nreplications = 0\nexclude = true\n").unwrap_err();
        assert!(
            e.contains("[uncertainty] replications: must be an integer >= 1, got 0"),
            "{e}"
        );
        let e = parse("[uncertainty]\nexclude = true\nrepetitions = 5\n").unwrap_err();
        assert!(
            e.contains("[uncertainty]") && e.contains("repetitions"),
            "{e}"
        );
    }
}
