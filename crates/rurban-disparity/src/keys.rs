//! Ordering of group labels.

use std::cmp::Ordering;
use std::collections::HashSet;

/// Distinct labels of `labels`, in the order the contract uses for groups:
/// numeric when every label parses as a finite number (after trimming
/// surrounding whitespace; labels with equal numeric value are then ordered
/// lexically), otherwise lexical (byte-wise on the UTF-8 strings, which is
/// Unicode code-point order). The labels themselves are returned unchanged.
///
/// ```
/// use rurban_disparity::order_keys;
/// assert_eq!(order_keys(&["10", "9", "10", "2.5"]), vec!["2.5", "9", "10"]);
/// assert_eq!(order_keys(&["west", "east", "10"]), vec!["10", "east", "west"]);
/// ```
pub fn order_keys<S: AsRef<str>>(labels: &[S]) -> Vec<String> {
    // Deduplicate borrowed labels (runs of one label are skipped without
    // hashing), sort the distinct ones, copy only those.
    let mut seen: HashSet<&str> = HashSet::new();
    let mut distinct: Vec<&str> = Vec::new();
    let mut last: Option<&str> = None;
    for label in labels {
        let label = label.as_ref();
        if last != Some(label) && seen.insert(label) {
            distinct.push(label);
        }
        last = Some(label);
    }
    distinct.sort_unstable();
    let mut keys: Vec<String> = distinct.into_iter().map(str::to_string).collect();
    let numbers: Option<Vec<f64>> = keys
        .iter()
        .map(|k| k.trim().parse::<f64>().ok().filter(|v| v.is_finite()))
        .collect();
    if let Some(numbers) = numbers {
        let mut paired: Vec<(f64, String)> = numbers.into_iter().zip(keys).collect();
        paired.sort_by(|a, b| match a.0.total_cmp(&b.0) {
            Ordering::Equal => a.1.cmp(&b.1),
            other => other,
        });
        keys = paired.into_iter().map(|(_, k)| k).collect();
    }
    keys
}
