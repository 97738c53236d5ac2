//! The shape every rurban method shares.
//!
//! A method has two parameter types, as in linfa:
//!
//! * the **unchecked** parameters (`KdeOptions`, `ClusterOptions`, ...): a
//!   plain struct or builder that any caller can fill in, right or wrong;
//! * the **checked** parameters (`KdeParams`, `ClusterParams`, ...): the
//!   same settings after [`ParamGuard::check`], with private fields, so a
//!   value of that type is valid by construction.
//!
//! Parameters are checked once, when they are built: by [`ParamGuard::check`]
//! for parameters assembled in code, by the `FromStr` of each setting for the
//! command line, and by the `Deserialize` of each setting for the index
//! specification (the same `FromStr`, so the same names and messages
//! everywhere). Everything downstream takes the checked type and never checks
//! again. [`Fit`] then runs the method on its input with checked parameters.
//!
//! Names of choices (kernels, bandwidth rules, normalisations, clustering
//! methods) are accepted case-insensitively, with surrounding spaces ignored:
//! [`name_is`] is the one comparison every `FromStr` uses.
//!
//! [`memory`] is the one probe of the memory available to the process and
//! the check of every allocation that grows with the input; [`text`] quotes
//! untrusted text inside messages.
//!
//! This crate has no dependencies, so every method crate can use it.

pub mod memory;
pub mod text;

/// Checks unchecked parameters once, turning them into their checked type.
///
/// The counterpart of linfa's `ParamGuard`.
pub trait ParamGuard {
    /// The checked parameters.
    type Checked;
    /// Why the parameters are invalid.
    type Error: std::error::Error;

    /// Checks the parameters, consuming them.
    fn check(self) -> Result<Self::Checked, Self::Error>;

    /// Checks a copy of the parameters, leaving these as they are.
    fn check_ref(&self) -> Result<Self::Checked, Self::Error>
    where
        Self: Clone,
    {
        self.clone().check()
    }
}

/// Runs a method on `Input` with checked parameters.
///
/// Implemented by each method's checked parameter type, so a method cannot
/// be run with parameters that were not checked. The counterpart of linfa's
/// `Fit`.
pub trait Fit<Input: ?Sized> {
    /// The method's result.
    type Output;
    /// Why the method cannot run on this input.
    type Error: std::error::Error;

    /// Runs the method.
    fn fit(&self, input: &Input) -> Result<Self::Output, Self::Error>;
}

/// Whether `given` names `name`: ASCII case-insensitive, surrounding
/// whitespace ignored. The one rule for every name of a choice.
///
/// ```
/// use rurban_method::name_is;
/// assert!(name_is(" Gaussian ", "gaussian"));
/// assert!(name_is("WARD", "ward"));
/// assert!(!name_is("wards", "ward"));
/// ```
pub fn name_is(given: &str, name: &str) -> bool {
    given.trim().eq_ignore_ascii_case(name)
}

/// The choice among `choices` (pairs of name and value) that `given` names
/// by [`name_is`], if any.
///
/// ```
/// use rurban_method::parse_name;
/// let c = [("mean", 1), ("none", 2)];
/// assert_eq!(parse_name("NONE", &c), Some(2));
/// assert_eq!(parse_name("zscore", &c), None);
/// ```
pub fn parse_name<T: Copy>(given: &str, choices: &[(&str, T)]) -> Option<T> {
    choices
        .iter()
        .find(|(name, _)| name_is(given, name))
        .map(|&(_, v)| v)
}

/// Sorts group keys in the order the contract gives groups: numerically when
/// every key is a finite number (after trimming surrounding whitespace; keys
/// of equal value then lexically), otherwise lexically (byte-wise, i.e.
/// Unicode code-point order). Text such as `inf` or `NaN` is not a finite
/// number, so a key like that makes the order lexical. The one ordering of
/// `--by` groups and `--group` sub-groups.
///
/// ```
/// let mut k: Vec<String> = ["10", "9", "2.5"].map(String::from).to_vec();
/// rurban_method::sort_keys(&mut k);
/// assert_eq!(k, ["2.5", "9", "10"]);
/// let mut k: Vec<String> = ["10", "inf", "9"].map(String::from).to_vec();
/// rurban_method::sort_keys(&mut k);
/// assert_eq!(k, ["10", "9", "inf"]);
/// ```
pub fn sort_keys<S: AsRef<str>>(keys: &mut [S]) {
    let finite = |k: &S| {
        k.as_ref()
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
    };
    let numbers: Option<Vec<f64>> = keys.iter().map(finite).collect();
    if numbers.is_some() {
        keys.sort_by(|a, b| {
            let (x, y) = (finite(a).unwrap_or(0.0), finite(b).unwrap_or(0.0));
            x.total_cmp(&y).then_with(|| a.as_ref().cmp(b.as_ref()))
        });
    } else {
        keys.sort_by(|a, b| a.as_ref().cmp(b.as_ref()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone)]
    struct Raw(i32);
    #[derive(Debug, PartialEq)]
    struct Positive(i32);
    #[derive(Debug)]
    struct NotPositive;
    impl std::fmt::Display for NotPositive {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("not positive")
        }
    }
    impl std::error::Error for NotPositive {}
    impl ParamGuard for Raw {
        type Checked = Positive;
        type Error = NotPositive;
        fn check(self) -> Result<Positive, NotPositive> {
            if self.0 > 0 {
                Ok(Positive(self.0))
            } else {
                Err(NotPositive)
            }
        }
    }

    #[test]
    fn check_ref_checks_a_copy() {
        let raw = Raw(3);
        assert_eq!(raw.check_ref().unwrap(), Positive(3));
        assert_eq!(raw.check().unwrap(), Positive(3));
        assert!(Raw(0).check().is_err());
    }

    fn sorted(keys: &[&str]) -> Vec<String> {
        let mut k: Vec<String> = keys.iter().map(ToString::to_string).collect();
        sort_keys(&mut k);
        k
    }

    #[test]
    fn keys_sort_numerically_only_when_all_are_finite_numbers() {
        assert_eq!(sorted(&["10", "9", "1e1", "-2"]), ["-2", "9", "10", "1e1"]);
        assert_eq!(sorted(&["west", "east", "10"]), ["10", "east", "west"]);
        // text that Rust would parse as a float but that is not a finite number
        assert_eq!(sorted(&["2", "NaN", "10"]), ["10", "2", "NaN"]);
        assert_eq!(sorted(&["2", "inf", "10"]), ["10", "2", "inf"]);
        assert_eq!(sorted(&["-infinity", "3", "20"]), ["-infinity", "20", "3"]);
        assert_eq!(sorted(&[" 3", "20"]), [" 3", "20"]);
        assert!(sorted(&[]).is_empty());
    }

    #[test]
    fn names_are_case_insensitive_and_trimmed() {
        assert!(name_is("Epanechnikov", "epanechnikov"));
        assert!(name_is("\tscott\n", "scott"));
        assert!(!name_is("", "mean"));
        assert!(!name_is("me an", "mean"));
    }
}
