//! Worksheet names as Excel accepts them: at most 31 characters (UTF-16
//! code units), none of `[ ] : * ? / \`, not starting or ending with an
//! apostrophe, not `History`, and unique regardless of case.

/// Excel's limit on the length of a sheet name.
pub(crate) const MAX_LEN: usize = 31;

/// The names given so far in one workbook.
#[derive(Debug, Default)]
pub(crate) struct SheetNames {
    taken: Vec<String>,
}

impl SheetNames {
    /// A valid name for `wanted`, unique in the workbook: forbidden
    /// characters become `_`, a long name is cut to 31 characters, and a
    /// name already given (case-insensitively) gets ` (2)`, ` (3)`, ...
    pub(crate) fn claim(&mut self, wanted: &str) -> String {
        let base = clean(wanted);
        let mut name = base.clone();
        let mut n = 2;
        while self.is_taken(&name) {
            let suffix = format!(" ({n})");
            let room = MAX_LEN - suffix.len();
            name = format!("{}{suffix}", trim_quotes(&cut(&base, room)));
            n += 1;
        }
        self.taken.push(name.to_lowercase());
        name
    }

    fn is_taken(&self, name: &str) -> bool {
        let lower = name.to_lowercase();
        self.taken.contains(&lower)
    }
}

/// `wanted` with Excel's rules applied (uniqueness aside).
fn clean(wanted: &str) -> String {
    let replaced: String = wanted
        .chars()
        .map(|c| match c {
            '[' | ']' | ':' | '*' | '?' | '/' | '\\' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    let mut name = trim_quotes(&cut(trim_quotes(replaced.trim()), MAX_LEN)).to_string();
    if name.is_empty() {
        name = "sheet".into();
    }
    if name.eq_ignore_ascii_case("history") {
        name.push('_');
    }
    name
}

fn trim_quotes(s: &str) -> &str {
    s.trim_matches('\'')
}

/// The longest prefix of `s` of at most `max` UTF-16 code units.
fn cut(s: &str, max: usize) -> String {
    let mut units = 0;
    s.chars()
        .take_while(|c| {
            units += c.len_utf16();
            units <= max
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_characters_become_underscores() {
        let mut n = SheetNames::default();
        assert_eq!(n.claim("a[b]c:d*e?f/g\\h"), "a_b_c_d_e_f_g_h");
        assert_eq!(n.claim("'quoted'"), "quoted");
        assert_eq!(n.claim(""), "sheet");
        assert_eq!(n.claim("''"), "sheet (2)");
        assert_eq!(n.claim("History"), "History_");
        assert_eq!(n.claim("tab\there"), "tab_here");
    }

    #[test]
    fn long_names_are_cut_and_duplicates_numbered() {
        let mut n = SheetNames::default();
        let long = "disparity_of_the_composite_by_province_and_year";
        let a = n.claim(long);
        assert_eq!(a, "disparity_of_the_composite_by_p");
        assert_eq!(a.chars().count(), 31);
        let b = n.claim(long);
        assert_eq!(b, "disparity_of_the_composite_ (2)");
        assert_eq!(b.chars().count(), 31);
        assert_eq!(
            n.claim("DISPARITY_of_the_composite_by_p"),
            "DISPARITY_of_the_composite_ (3)"
        );
        // Excel compares names without regard to case.
        assert_eq!(n.claim("Scores"), "Scores");
        assert_eq!(n.claim("scores"), "scores (2)");
    }

    #[test]
    fn chinese_names_count_characters_not_bytes() {
        let mut n = SheetNames::default();
        let name = "城乡融合发展指数的各维度得分与排名按年份和地区列出的完整表格附录";
        let got = n.claim(name);
        assert_eq!(got.chars().count(), 31);
        assert!(name.starts_with(&got));
        // A character outside the BMP counts twice, as in Excel.
        let got = n.claim(&"𝔸".repeat(20));
        assert_eq!(got.chars().count(), 15);
    }

    #[test]
    fn a_cut_does_not_leave_a_trailing_apostrophe() {
        let mut n = SheetNames::default();
        let got = n.claim(&format!("{}'tail", "x".repeat(30)));
        assert_eq!(got, "x".repeat(30));
    }
}
