//! Nearest names for messages: "did you mean ...?".
//!
//! Edit distance over characters (so Chinese names work as well as Latin
//! ones), case-insensitive; a name that contains the misspelt one, or is
//! contained in it, ranks first. Only names within half their length of the
//! given one are suggested, so an unrelated name is never offered.

/// Up to `max` of `candidates` closest to `name`, best first.
pub fn nearest<S: AsRef<str>>(name: &str, candidates: &[S], max: usize) -> Vec<String> {
    let lower = name.trim().to_lowercase();
    if lower.is_empty() {
        return Vec::new();
    }
    let mut scored: Vec<(bool, usize, usize)> = candidates
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let l = c.as_ref().trim().to_lowercase();
            if l.is_empty() || l == lower {
                return None;
            }
            let d = strsim::levenshtein(&lower, &l);
            let len = lower.chars().count().max(l.chars().count());
            let contains = l.contains(&lower) || lower.contains(&l);
            (contains || d <= len / 2).then_some((!contains, d, i))
        })
        .collect();
    scored.sort_unstable();
    let mut out: Vec<String> = Vec::new();
    for (_, _, i) in scored {
        let c = candidates[i].as_ref().to_string();
        if !out.contains(&c) {
            out.push(c);
        }
        if out.len() == max {
            break;
        }
    }
    out
}

/// `"; did you mean 'a'?"` (or `'a' or 'b'`), quoted and clipped, or
/// empty when nothing is near.
pub fn did_you_mean<S: AsRef<str>>(name: &str, candidates: &[S]) -> String {
    let near = nearest(name, candidates, 2);
    if near.is_empty() {
        return String::new();
    }
    let quoted: Vec<String> = near
        .iter()
        .map(|n| format!("'{}'", crate::clip(n)))
        .collect();
    format!("; did you mean {}?", quoted.join(" or "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_and_fragments_find_their_names() {
        let keys = ["weighting", "scope", "shift", "impute", "params"];
        assert_eq!(nearest("imput", &keys, 1), ["impute"]);
        assert_eq!(nearest("Scop", &keys, 1), ["scope"]);
        assert_eq!(nearest("wieghting", &keys, 1), ["weighting"]);
        assert!(nearest("colour", &keys, 3).is_empty());
        let heads = ["GDP_当年价_亿元", "城镇化率_%", "税收收入_亿元"];
        assert_eq!(nearest("城镇化率", &heads, 2), ["城镇化率_%"]);
        assert_eq!(nearest("税收收入_万元", &heads, 2), ["税收收入_亿元"]);
        assert_eq!(
            did_you_mean("imput", &keys),
            "; did you mean 'impute'?".to_string()
        );
        assert_eq!(did_you_mean("zzzzzz", &keys), "");
    }
}
