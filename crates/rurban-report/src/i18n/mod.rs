//! The report's words: one catalogue per language ([`en`], [`zh`]), each a
//! table of `(key, text)` pairs. Every heading, caption, table header and
//! note of the report is looked up here by key; a text may hold named
//! placeholders `{name}`, filled by [`Lang::fill`]. To add a text, add one
//! line with the same key to each catalogue (a test checks that both have
//! the same keys and the same placeholders).
//!
//! The findings' sentences of `summary.json` stay English (they are part of
//! the contract); in another language the report rewrites the findings it
//! knows, the spatial ones among them, from their typed parts ([`findings`],
//! [`spatial`]) and keeps the English sentence of any other finding. The
//! workbook takes its sheet names and header cells from the catalogue too
//! (`xlsx.sheet.*`, `xlsx.col.*`).

pub(crate) mod en;
pub(crate) mod findings;
pub(crate) mod spatial;
pub(crate) mod zh;

use std::fmt::Display;

/// The language of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// English (the default).
    #[default]
    En,
    /// Simplified Chinese, worded as a Chinese thesis would be.
    Zh,
}

/// An unknown language code.
#[derive(Debug, Clone, thiserror::Error)]
#[error("unknown report language {0:?}: expected \"en\" (English) or \"zh\" (简体中文)")]
pub struct UnknownLang(pub String);

impl std::str::FromStr for Lang {
    type Err = UnknownLang;

    fn from_str(s: &str) -> Result<Lang, UnknownLang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "en" | "english" => Ok(Lang::En),
            "zh" | "zh-cn" | "zh-hans" | "cn" | "chinese" => Ok(Lang::Zh),
            _ => Err(UnknownLang(s.to_string())),
        }
    }
}

impl Lang {
    /// The language code (`en`, `zh`), also the page's `lang` attribute
    /// (`zh-CN` for Chinese).
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    /// The HTML `lang` attribute.
    pub(crate) fn html(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-CN",
        }
    }

    fn table(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Lang::En => en::TEXTS,
            Lang::Zh => zh::TEXTS,
        }
    }

    /// The text of `key`; a key missing from this language falls back to
    /// English, and a key missing from English to the key itself (a test
    /// renders every report in both languages to catch that).
    pub(crate) fn t(self, key: &str) -> &'static str {
        if let Some(v) = lookup(self.table(), key) {
            return v;
        }
        if let Some(v) = lookup(en::TEXTS, key) {
            return v;
        }
        debug_assert!(false, "no text for key {key:?}");
        ""
    }

    /// The text of `key` with its `{name}` placeholders filled.
    pub(crate) fn fill(self, key: &str, args: &[(&str, &dyn Display)]) -> String {
        fill(self.t(key), args)
    }

    /// The text of `key` if this language (or English) has one.
    pub(crate) fn opt(self, key: &str) -> Option<&'static str> {
        lookup(self.table(), key).or_else(|| lookup(en::TEXTS, key))
    }

    /// A method's name as the report writes it (`entropy`: "熵权法" in
    /// Chinese): the text of `method.NAME`, else the name itself.
    pub(crate) fn method_name(self, name: &str) -> String {
        self.opt(&format!("method.{}", name.to_ascii_lowercase()))
            .map_or_else(|| name.to_string(), str::to_string)
    }

    /// Separator of a list of items (`, ` or `、`).
    pub(crate) fn list_sep(self) -> &'static str {
        self.t("sep.list")
    }

    /// Is this Chinese?
    pub(crate) fn is_zh(self) -> bool {
        self == Lang::Zh
    }
}

fn lookup(table: &'static [(&'static str, &'static str)], key: &str) -> Option<&'static str> {
    table.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

/// Replaces `{name}` by the argument of that name.
pub(crate) fn fill(template: &str, args: &[(&str, &dyn Display)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match args.iter().find(|(n, _)| *n == name) {
                    Some((_, v)) => out.push_str(&v.to_string()),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The placeholders of a template, in order.
#[cfg(test)]
pub(crate) fn placeholders(template: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        out.push(after[..close].to_string());
        rest = &after[close + 1..];
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_english_and_chinese_with_the_same_placeholders() {
        let en: Vec<&str> = en::TEXTS.iter().map(|p| p.0).collect();
        let zh: Vec<&str> = zh::TEXTS.iter().map(|p| p.0).collect();
        for (name, keys) in [("en", &en), ("zh", &zh)] {
            let mut sorted = keys.to_vec();
            sorted.sort();
            let n = sorted.len();
            sorted.dedup();
            assert_eq!(sorted.len(), n, "{name} has a key twice");
        }
        let missing_zh: Vec<&&str> = en.iter().filter(|k| !zh.contains(k)).collect();
        let missing_en: Vec<&&str> = zh.iter().filter(|k| !en.contains(k)).collect();
        assert!(
            missing_zh.is_empty(),
            "keys without Chinese: {missing_zh:?}"
        );
        assert!(
            missing_en.is_empty(),
            "keys without English: {missing_en:?}"
        );
        for (k, e) in en::TEXTS {
            let z = Lang::Zh.t(k);
            assert_eq!(placeholders(e), placeholders(z), "placeholders of {k}");
            assert!(
                !e.trim().is_empty() || k.starts_with("sep."),
                "{k}: empty English text"
            );
            assert!(
                !z.trim().is_empty() || k.starts_with("sep."),
                "{k}: empty Chinese text"
            );
        }
    }

    #[test]
    fn chinese_texts_are_chinese() {
        // Every Chinese text with letters in it has Chinese characters
        // (symbols, units and proper names such as "Moran's I" aside).
        const PROPER_NAMES: &[&str] = &["method.epanechnikov", "col.geary"];
        for (k, z) in zh::TEXTS {
            if PROPER_NAMES.contains(k) {
                continue;
            }
            // The placeholders are not words of the text.
            let names = placeholders(z);
            let empty: Vec<(&str, &dyn Display)> = names
                .iter()
                .map(|n| (n.as_str(), &"" as &dyn Display))
                .collect();
            let stripped = fill(z, &empty);
            let letters = stripped.chars().filter(char::is_ascii_alphabetic).count();
            let han = stripped
                .chars()
                .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
                .count();
            assert!(han > 0 || letters <= 8, "{k}: {z:?} does not look Chinese");
        }
    }

    #[test]
    fn languages_parse_and_unknown_ones_are_named() {
        assert_eq!("zh".parse::<Lang>().unwrap(), Lang::Zh);
        assert_eq!("EN".parse::<Lang>().unwrap(), Lang::En);
        assert_eq!("zh-CN".parse::<Lang>().unwrap(), Lang::Zh);
        let e = "fr".parse::<Lang>().unwrap_err().to_string();
        assert!(e.contains("\"fr\"") && e.contains("\"zh\""), "{e}");
    }

    #[test]
    fn placeholders_are_filled_by_name() {
        assert_eq!(
            fill("{b} after {a}, {c}", &[("a", &1), ("b", &"x")]),
            "x after 1, {c}"
        );
    }
}
