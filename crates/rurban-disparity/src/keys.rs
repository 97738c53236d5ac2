//! Ordering of group labels.

use std::collections::HashSet;

/// Distinct labels of `labels`, in the order the contract uses for groups
/// ([`rurban_method::sort_keys`]: numeric when every label is a finite
/// number, otherwise lexical). The labels themselves are returned unchanged.
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
    rurban_method::sort_keys(&mut distinct);
    distinct.into_iter().map(str::to_string).collect()
}
