//! Quoting untrusted text (names, cells, plugin messages) inside messages.
//!
//! Every message that embeds text from the user's files or from a plugin
//! passes it through [`clip`], so an error stays one line of bounded length:
//! control characters (line breaks, tabs, ANSI escapes) are escaped and long
//! text is cut to [`MAX_QUOTED`] characters with an ellipsis.

use std::borrow::Cow;

/// The most characters of one piece of untrusted text a message shows.
pub const MAX_QUOTED: usize = 200;

/// `text` with control characters escaped (`\n`, `\u{1b}`) and cut to
/// [`MAX_QUOTED`] characters with `…` when longer.
///
/// ```
/// use rurban_method::text::clip;
/// assert_eq!(clip("bad\nname\x1b[2J"), "bad\\nname\\u{1b}[2J");
/// assert_eq!(clip("plain"), "plain");
/// assert_eq!(clip(&"x".repeat(500)).chars().count(), 201);
/// ```
pub fn clip(text: &str) -> Cow<'_, str> {
    clip_to(text, MAX_QUOTED)
}

/// [`clip`] with a given maximum of characters (before escaping).
pub fn clip_to(text: &str, max: usize) -> Cow<'_, str> {
    let long = text.chars().nth(max).is_some();
    if !long && !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len().min(max * 4 + 4));
    for ch in text.chars().take(max) {
        if ch.is_control() {
            out.extend(ch.escape_default());
        } else {
            out.push(ch);
        }
    }
    if long {
        out.push('…');
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_truncates() {
        assert_eq!(clip("a\tb\r\n"), "a\\tb\\r\\n");
        let long = "地".repeat(300);
        let c = clip(&long);
        assert_eq!(c.chars().count(), MAX_QUOTED + 1);
        assert!(c.ends_with('…'));
        assert_eq!(clip_to("abcdef", 3), "abc…");
        assert_eq!(clip_to("abc", 3), "abc");
        assert!(matches!(clip("ok"), Cow::Borrowed(_)));
    }
}

/// A number as a message shows it: the shortest round-trip form for the
/// magnitudes data usually have, scientific notation beyond them, so a value
/// near the float limits reads `-1e308`, not as 309 digits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shown(pub f64);

impl std::fmt::Display for Shown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let a = self.0.abs();
        if self.0 == 0.0 || !self.0.is_finite() || (1e-6..1e16).contains(&a) {
            write!(f, "{}", self.0)
        } else {
            write!(f, "{:e}", self.0)
        }
    }
}

#[cfg(test)]
mod shown_tests {
    use super::Shown;

    #[test]
    fn large_and_tiny_values_are_scientific_the_rest_as_written() {
        assert_eq!(Shown(-1e308).to_string(), "-1e308");
        assert_eq!(Shown(1.5e-9).to_string(), "1.5e-9");
        assert_eq!(Shown(6016.3).to_string(), "6016.3");
        assert_eq!(Shown(0.0).to_string(), "0");
        assert_eq!(Shown(123456789012345.0).to_string(), "123456789012345");
        assert_eq!(Shown(f64::NAN).to_string(), "NaN");
    }
}
