//! Number formatting for captions and tables.

/// `x` with `d` decimals; an en dash when not finite.
pub(crate) fn fx(x: f64, d: usize) -> String {
    if x.is_finite() {
        let s = format!("{x:.d$}");
        // Avoid "-0.000".
        if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
            s[1..].to_string()
        } else {
            s
        }
    } else {
        "–".into()
    }
}

/// `x` with a sign and `d` decimals.
pub(crate) fn signed(x: f64, d: usize) -> String {
    if x.is_finite() && x > 0.0 {
        format!("+{}", fx(x, d))
    } else {
        fx(x, d)
    }
}

/// A p value: 3 significant digits, scientific below 0.001.
pub(crate) fn pval(p: f64) -> String {
    if !p.is_finite() {
        "–".into()
    } else if p < 1e-3 {
        format!("{p:.2e}")
    } else {
        format!("{p:.3}")
    }
}

/// A share in percent with one decimal.
pub(crate) fn pct(part: f64, whole: f64) -> String {
    if whole != 0.0 && part.is_finite() && whole.is_finite() {
        format!("{:.1}%", 100.0 * part / whole)
    } else {
        "–".into()
    }
}

/// Decimals that make neighbouring tick values of a range of width `span` distinct.
pub(crate) fn decimals_for(span: f64) -> usize {
    if !span.is_finite() || span <= 0.0 {
        return 2;
    }
    let d = (-(span / 5.0).log10()).ceil();
    d.clamp(0.0, 6.0) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(fx(0.12345, 3), "0.123");
        assert_eq!(fx(-0.0001, 3), "0.000");
        assert_eq!(fx(f64::NAN, 3), "–");
        assert_eq!(signed(0.5, 2), "+0.50");
        assert_eq!(signed(-0.5, 2), "-0.50");
        assert_eq!(pval(2.7e-11), "2.70e-11");
        assert_eq!(pval(0.0412), "0.041");
        assert_eq!(pct(1.0, 4.0), "25.0%");
        // A range 0..1 has ticks 0.2 apart: one decimal; 0..0.1: two.
        assert_eq!(decimals_for(1.0), 1);
        assert_eq!(decimals_for(0.1), 2);
    }
}
