//! Writers: wide and long CSV, groups CSV and a matching index specification.
//!
//! Values are written with `{:.4}` (Rust's own exact decimal formatting, the
//! same on every platform), lines end in `\n`, and a field is quoted only when
//! it contains a comma, a double quote or a line break.

use std::fmt::Write as _;
use std::io::{self, BufWriter, Write};

use crate::generate::SynthPanel;

/// A CSV field, quoted when needed.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// A TOML basic string, quotes included.
fn toml_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn value(w: &mut impl Write, v: f64) -> io::Result<()> {
    if v.is_nan() {
        Ok(())
    } else {
        write!(w, "{v:.4}")
    }
}

impl SynthPanel {
    /// Wide CSV: `region,year,<indicator ids>`, one row per region-year,
    /// missing cells empty.
    pub fn write_wide_csv(&self, w: impl Write) -> io::Result<()> {
        let mut w = BufWriter::new(w);
        write!(w, "region,year")?;
        for ind in &self.indicators {
            write!(w, ",{}", field(&ind.id))?;
        }
        writeln!(w)?;
        let nt = self.years.len();
        for (i, region) in self.regions.iter().enumerate() {
            let region = field(region);
            for (t, year) in self.years.iter().enumerate() {
                write!(w, "{region},{year}")?;
                for &v in &self.values[i * nt + t] {
                    write!(w, ",")?;
                    value(&mut w, v)?;
                }
                writeln!(w)?;
            }
        }
        w.flush()
    }

    /// Long CSV: `region,year,indicator,value`, region by region, year by
    /// year, indicators in column order; a missing cell has an empty value.
    pub fn write_long_csv(&self, w: impl Write) -> io::Result<()> {
        let mut w = BufWriter::new(w);
        writeln!(w, "region,year,indicator,value")?;
        let ids: Vec<String> = self.indicators.iter().map(|x| field(&x.id)).collect();
        let nt = self.years.len();
        for (i, region) in self.regions.iter().enumerate() {
            let region = field(region);
            for (t, year) in self.years.iter().enumerate() {
                for (id, &v) in ids.iter().zip(&self.values[i * nt + t]) {
                    write!(w, "{region},{year},{id},")?;
                    value(&mut w, v)?;
                    writeln!(w)?;
                }
            }
        }
        w.flush()
    }

    /// Groups CSV: `region,group`, one row per region.
    pub fn write_groups_csv(&self, w: impl Write) -> io::Result<()> {
        let mut w = BufWriter::new(w);
        writeln!(w, "region,group")?;
        for (r, g) in self.regions.iter().zip(&self.groups) {
            writeln!(w, "{},{}", field(r), field(g))?;
        }
        w.flush()
    }

    /// An index specification for this panel, without a `data` key (give the
    /// panel with `rurban run --data`).
    pub fn spec_toml(&self, name: &str) -> String {
        self.spec_toml_with_data(name, None)
    }

    /// An index specification for this panel: `name`, `data` (when given,
    /// relative to the specification file), `[method]` with entropy
    /// weighting over the whole panel, shift 0 and imputation `none`
    /// (`year-mean` when the panel has missing cells), then one
    /// `[[dimension]]` per dimension with its `[[dimension.indicator]]`
    /// entries (`id`, `name`, `direction`, `unit`).
    pub fn spec_toml_with_data(&self, name: &str, data: Option<&str>) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "# Index specification for a synthetic panel written by `rurban synth`."
        );
        let _ = writeln!(s, "name = {}", toml_str(name));
        if let Some(d) = data {
            let _ = writeln!(s, "data = {}", toml_str(d));
        }
        let impute = if self.missing_count() > 0 {
            "year-mean"
        } else {
            "none"
        };
        let _ = writeln!(s);
        let _ = writeln!(s, "[method]");
        let _ = writeln!(s, "weighting = \"entropy\"");
        let _ = writeln!(s, "scope = \"panel\"");
        let _ = writeln!(s, "shift = 0.0");
        let _ = writeln!(s, "impute = \"{impute}\"");
        for d in &self.dimensions {
            let _ = writeln!(s);
            let _ = writeln!(s, "[[dimension]]");
            let _ = writeln!(s, "id = {}", toml_str(&d.id));
            let _ = writeln!(s, "name = {}", toml_str(&d.name));
            for ind in self.indicators.iter().filter(|x| x.dimension == d.id) {
                let _ = writeln!(s);
                let _ = writeln!(s, "[[dimension.indicator]]");
                let _ = writeln!(s, "id = {}", toml_str(&ind.id));
                let _ = writeln!(s, "name = {}", toml_str(&ind.name));
                let _ = writeln!(s, "direction = \"{}\"", ind.direction.symbol());
                let _ = writeln!(s, "unit = {}", toml_str(&ind.unit));
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        assert_eq!(field("Harbin"), "Harbin");
        assert_eq!(field("Daxing'anling"), "Daxing'anling");
        assert_eq!(field("A, B"), "\"A, B\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }

    #[test]
    fn toml_strings_are_escaped() {
        assert_eq!(toml_str("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(toml_str("µg/m³"), "\"µg/m³\"");
        assert_eq!(toml_str("\u{1}"), "\"\\u0001\"");
    }
}
