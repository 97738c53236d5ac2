//! The built-in derived-indicator kinds: `ratio`, `difference`, `per_capita`.

use serde_json::Value;

use crate::{DerivedIndicator, DerivedInput, HostError};

/// A built-in derived kind. Each takes two inputs `[a, b]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuiltinDerived {
    /// `a / b`; missing when `b = 0`.
    Ratio,
    /// `a - b`.
    Difference,
    /// `a / b * scale`; missing when `b = 0`; `scale` defaults to 1.
    PerCapita,
}

/// Names of the built-in derived kinds, in listing order.
pub fn builtin_derived_names() -> &'static [&'static str] {
    &["ratio", "difference", "per_capita"]
}

impl BuiltinDerived {
    /// All built-in kinds, in listing order.
    pub fn all() -> [BuiltinDerived; 3] {
        [
            BuiltinDerived::Ratio,
            BuiltinDerived::Difference,
            BuiltinDerived::PerCapita,
        ]
    }

    /// The kind's name.
    pub fn name(self) -> &'static str {
        match self {
            BuiltinDerived::Ratio => "ratio",
            BuiltinDerived::Difference => "difference",
            BuiltinDerived::PerCapita => "per_capita",
        }
    }

    /// One line describing it.
    pub fn description(self) -> &'static str {
        match self {
            BuiltinDerived::Ratio => "a / b (missing when b = 0)",
            BuiltinDerived::Difference => "a - b",
            BuiltinDerived::PerCapita => {
                "a / b * scale (params: scale, default 1; missing when b = 0)"
            }
        }
    }

    fn err(self, reason: String) -> HostError {
        HostError::Derived {
            kind: self.name().to_string(),
            reason,
        }
    }

    /// Reads the parameters: `scale` for `per_capita`, none for the others.
    fn scale(self, params: &str) -> Result<f64, HostError> {
        let value: Value = if params.trim().is_empty() {
            Value::Object(Default::default())
        } else {
            serde_json::from_str(params)
                .map_err(|e| self.err(format!("parameters are not valid JSON: {e}")))?
        };
        let map = match value {
            Value::Object(m) => m,
            Value::Null => Default::default(),
            other => return Err(self.err(format!("parameters must be a table, got {other}"))),
        };
        let mut scale = 1.0;
        for (key, v) in &map {
            match (self, key.as_str()) {
                (BuiltinDerived::PerCapita, "scale") => {
                    scale = match v.as_f64() {
                        Some(s) if s.is_finite() && s > 0.0 => s,
                        _ => {
                            return Err(self
                                .err(format!("parameter 'scale' must be a number > 0, got {v}")));
                        }
                    }
                }
                (BuiltinDerived::PerCapita, _) => {
                    return Err(self.err(format!("unknown parameter '{key}' (expected: scale)")));
                }
                _ => {
                    return Err(self.err(format!(
                        "unknown parameter '{key}' (this kind takes no parameters)"
                    )));
                }
            }
        }
        Ok(scale)
    }
}

impl DerivedIndicator for BuiltinDerived {
    fn name(&self) -> &str {
        BuiltinDerived::name(*self)
    }
    fn description(&self) -> &str {
        BuiltinDerived::description(*self)
    }
    fn compute(&self, input: &DerivedInput<'_>) -> Result<Vec<f64>, HostError> {
        let kind = *self;
        let n = input.check_shape(kind.name())?;
        if input.columns.len() != 2 {
            return Err(kind.err(format!(
                "needs 2 inputs [a, b], got {}",
                input.columns.len()
            )));
        }
        let scale = kind.scale(input.params)?;
        let (a, b) = (input.columns[0], input.columns[1]);
        (0..n)
            .map(|i| {
                let v = match kind {
                    BuiltinDerived::Difference => a[i] - b[i],
                    BuiltinDerived::Ratio | BuiltinDerived::PerCapita => {
                        if b[i] == 0.0 {
                            f64::NAN
                        } else {
                            a[i] / b[i] * scale
                        }
                    }
                };
                if v.is_infinite() {
                    return Err(kind.err(format!(
                        "row {} (region '{}', year {}): the result overflows (inputs {:e} and {:e})",
                        i + 1,
                        input.regions[i],
                        input.years[i],
                        a[i],
                        b[i]
                    )));
                }
                Ok(v)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(
        kind: BuiltinDerived,
        a: &[f64],
        b: &[f64],
        params: &str,
    ) -> Result<Vec<f64>, HostError> {
        let names = ["a".to_string(), "b".to_string()];
        let regions: Vec<String> = (0..a.len()).map(|i| format!("R{}", i + 1)).collect();
        let years: Vec<i64> = vec![2020; a.len()];
        let cols: [&[f64]; 2] = [a, b];
        kind.compute(&DerivedInput {
            names: &names,
            columns: &cols,
            regions: &regions,
            years: &years,
            params,
        })
    }

    #[test]
    fn ratio_hand_computed() {
        // 6/3 = 2, 1/4 = 0.25, 5/0 -> missing, NaN/2 -> missing.
        let v = run(
            BuiltinDerived::Ratio,
            &[6.0, 1.0, 5.0, f64::NAN],
            &[3.0, 4.0, 0.0, 2.0],
            "{}",
        )
        .unwrap();
        assert_eq!(&v[..2], &[2.0, 0.25]);
        assert!(v[2].is_nan() && v[3].is_nan());
    }

    #[test]
    fn difference_hand_computed() {
        // 6 - 3 = 3, 1 - 4 = -3, 2 - NaN -> missing.
        let v = run(
            BuiltinDerived::Difference,
            &[6.0, 1.0, 2.0],
            &[3.0, 4.0, f64::NAN],
            "",
        )
        .unwrap();
        assert_eq!(&v[..2], &[3.0, -3.0]);
        assert!(v[2].is_nan());
    }

    #[test]
    fn per_capita_scales() {
        // GDP 2.5e6 over population 500 per 10 000 people: 2.5e6 / 500 * 1e4 = 5e7.
        let v = run(
            BuiltinDerived::PerCapita,
            &[2.5e6, 3.0],
            &[500.0, 0.0],
            r#"{"scale": 10000}"#,
        )
        .unwrap();
        assert_eq!(v[0], 5e7);
        assert!(v[1].is_nan());
        let v = run(BuiltinDerived::PerCapita, &[3.0], &[4.0], "{}").unwrap();
        assert_eq!(v, vec![0.75]);
    }

    #[test]
    fn wrong_input_count_names_kind_and_count() {
        let names = ["a".to_string()];
        let regions = ["R1".to_string()];
        let cols: [&[f64]; 1] = [&[1.0]];
        let e = BuiltinDerived::Ratio
            .compute(&DerivedInput {
                names: &names,
                columns: &cols,
                regions: &regions,
                years: &[2020],
                params: "{}",
            })
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "derived indicator 'ratio': needs 2 inputs [a, b], got 1"
        );
    }

    #[test]
    fn bad_parameters_are_refused() {
        let e = run(BuiltinDerived::Ratio, &[1.0], &[1.0], r#"{"scale": 2}"#).unwrap_err();
        assert_eq!(
            e.to_string(),
            "derived indicator 'ratio': unknown parameter 'scale' (this kind takes no parameters)"
        );
        let e = run(BuiltinDerived::PerCapita, &[1.0], &[1.0], r#"{"scale": 0}"#).unwrap_err();
        assert_eq!(
            e.to_string(),
            "derived indicator 'per_capita': parameter 'scale' must be a number > 0, got 0"
        );
        let e = run(
            BuiltinDerived::PerCapita,
            &[1.0],
            &[1.0],
            r#"{"scale": "10k"}"#,
        )
        .unwrap_err();
        assert!(e.to_string().contains("must be a number > 0"), "{e}");
        let e = run(BuiltinDerived::PerCapita, &[1.0], &[1.0], r#"{"per": 2}"#).unwrap_err();
        assert_eq!(
            e.to_string(),
            "derived indicator 'per_capita': unknown parameter 'per' (expected: scale)"
        );
        let e = run(BuiltinDerived::Difference, &[1.0], &[1.0], "[1]").unwrap_err();
        assert_eq!(
            e.to_string(),
            "derived indicator 'difference': parameters must be a table, got [1]"
        );
        let e = run(BuiltinDerived::Difference, &[1.0], &[1.0], "{").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("derived indicator 'difference': parameters are not valid JSON"),
            "{e}"
        );
    }

    #[test]
    fn overflow_and_shape_errors_name_the_row() {
        let e = run(BuiltinDerived::Ratio, &[1e308, 1.0], &[1e-10, 1.0], "{}").unwrap_err();
        assert_eq!(
            e.to_string(),
            "derived indicator 'ratio': row 1 (region 'R1', year 2020): the result overflows (inputs 1e308 and 1e-10)"
        );
        let names = ["a".to_string(), "b".to_string()];
        let regions = ["R1".to_string(), "R2".to_string()];
        let cols: [&[f64]; 2] = [&[1.0, 2.0], &[1.0]];
        let e = BuiltinDerived::Difference
            .compute(&DerivedInput {
                names: &names,
                columns: &cols,
                regions: &regions,
                years: &[1, 2],
                params: "",
            })
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "derived indicator 'difference': input 'b' has 1 values for 2 rows"
        );
    }
}
