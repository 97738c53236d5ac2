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
