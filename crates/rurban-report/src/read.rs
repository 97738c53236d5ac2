//! Reading `summary.json` into the typed summary, with errors that name the
//! field: serde's error, its path (`serde_path_to_error`) and the value
//! found there become a [`ReportError`].
//!
//! A summary's text is read straight into the typed summary (the obstacle
//! and coupling rows stream into columns, with no `serde_json::Value` tree
//! of a county's millions of rows); only when that fails is the text parsed
//! again as a `Value`, so a bad summary gets the very message the `Value`
//! path gives: a syntax error before any field error, the first field in
//! document order, the value found described.

use serde_json::Value;

use crate::ReportError;

/// A short description of a JSON value for error messages.
pub(crate) fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => {
            let short: String = s.chars().take(40).collect();
            let more = if s.chars().count() > 40 { "..." } else { "" };
            format!("the string \"{short}{more}\"")
        }
        Value::Array(a) => format!("an array of {} item(s)", a.len()),
        Value::Object(_) => "an object".into(),
    }
}

/// Reads a summary, naming the field of the first error.
pub(crate) fn summary(v: &Value) -> Result<rurban_results::Summary, ReportError> {
    if !v.is_object() {
        return Err(ReportError::Invalid {
            path: "(top level)".into(),
            expected: "an object",
            found: describe(v),
        });
    }
    serde_path_to_error::deserialize(v).map_err(|e| error(v, e.path(), &e.inner().to_string()))
}

/// Why a summary's text could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SummaryTextError {
    /// The text is not JSON (truncated, a syntax error, ...).
    #[error("not a valid summary.json")]
    Json(#[source] serde_json::Error),
    /// The JSON is not a summary (a field missing or of the wrong type).
    #[error(transparent)]
    Report(#[from] ReportError),
}

/// Reads a summary from its text: straight into the typed summary, and only
/// on failure through a `Value` for the message [`summary`] gives.
pub(crate) fn summary_text(text: &str) -> Result<rurban_results::Summary, SummaryTextError> {
    // The typed summary would take an array for its fields in order; the
    // `Value` path wants an object at the top level.
    if text.trim_start().starts_with('{')
        && let Ok(s) = serde_json::from_str(text)
    {
        return Ok(s);
    }
    let v: Value = serde_json::from_str(text).map_err(SummaryTextError::Json)?;
    Ok(summary(&v)?)
}

/// `parent.key` (or `key` at the top level).
fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

fn error(root: &Value, path: &serde_path_to_error::Path, message: &str) -> ReportError {
    use serde_path_to_error::Segment;
    let mut text = String::new();
    let mut at = Some(root);
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => {
                text.push_str(&format!("[{index}]"));
                at = at.and_then(|v| v.get(index));
            }
            Segment::Map { key } | Segment::Enum { variant: key } => {
                text = join(&text, key);
                at = at.and_then(|v| v.get(key));
            }
            Segment::Unknown => text = join(&text, "?"),
        }
    }
    if let Some(field) = message
        .strip_prefix("missing field `")
        .and_then(|m| m.strip_suffix('`'))
    {
        return ReportError::Missing {
            path: join(&text, field),
        };
    }
    if let Some(m) = message.strip_prefix(rurban_serde::INCONSISTENT) {
        return ReportError::Inconsistent(format!("`{text}` {m}"));
    }
    let path = if text.is_empty() {
        "(top level)".to_string()
    } else {
        text
    };
    match message.rfind(", expected ") {
        Some(i) => ReportError::Invalid {
            path,
            expected: expected(&message[i + ", expected ".len()..]),
            found: at.map(describe).unwrap_or_else(|| message[..i].to_string()),
        },
        None => ReportError::Invalid {
            path,
            expected: "a valid value",
            found: message.to_string(),
        },
    }
}

/// serde's "expected ..." in the words of the report's messages.
fn expected(e: &str) -> &'static str {
    match e {
        "a string" => "a string",
        "f64" | "f32" | rurban_serde::EXPECT_NUMBER => "a number",
        "i64" | "i32" | rurban_serde::EXPECT_WHOLE => "a whole number",
        "usize" | "u64" | "u32" | "u8" | rurban_serde::EXPECT_COUNT => {
            "a non-negative whole number"
        }
        rurban_serde::EXPECT_KEY => "a string or a number",
        "a boolean" => "a boolean",
        "a sequence" => "an array",
        "an object or an array" => "an object or an array",
        e if e.starts_with("a sequence") || e.starts_with("a tuple") => "an array",
        e if e == "a map" || e.starts_with("struct ") => "an object",
        e if e.starts_with("variant ") || e.starts_with("one of ") => "one of the known names",
        _ => "a valid value",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_name_the_field_and_what_was_found() {
        let v = json!({"regions": ["A"], "years": [2020], "dimensions": [],
            "scores": [{"region": "A", "year": 2020, "composite": "x"}]});
        let e = summary(&v).unwrap_err().to_string();
        assert!(
            e.contains("`scores[0].composite`") && e.contains("a number") && e.contains("\"x\""),
            "{e}"
        );
    }

    #[test]
    fn whole_numbers() {
        let base =
            |y: Value| json!({"regions": ["A"], "years": [y], "dimensions": [], "scores": []});
        assert_eq!(summary(&base(json!("2020"))).unwrap().years, [2020]);
        assert_eq!(summary(&base(json!(2020.0))).unwrap().years, [2020]);
        let e = summary(&base(json!(2020.5))).unwrap_err().to_string();
        assert!(
            e.contains("`years[0]`") && e.contains("a whole number"),
            "{e}"
        );
    }

    /// The recorded summaries are read straight into the typed summary, not
    /// through the `Value` taken only for the message of a bad one.
    #[test]
    fn recorded_summaries_take_the_direct_path() {
        for name in [
            "summary_full.json",
            "summary_zh.json",
            "summary_minimal.json",
        ] {
            let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
            let text = std::fs::read_to_string(&path).unwrap();
            let direct: rurban_results::Summary = serde_json::from_str(&text).unwrap();
            let read = summary_text(&text).unwrap();
            assert_eq!(
                serde_json::to_value(&read).unwrap(),
                serde_json::to_value(&direct).unwrap(),
                "{name}"
            );
        }
        // an array is not read as the fields in order
        let e = summary_text("[[\"A\"], [2020], [], []]").unwrap_err();
        assert!(
            e.to_string().contains("`(top level)` should be an object"),
            "{e}"
        );
    }

    /// The typed model writes back exactly the JSON it read: every part of
    /// the recorded summaries (all but the findings, whose fixtures predate
    /// some fields) round-trips unchanged, numbers bit for bit.
    #[test]
    fn recorded_summaries_round_trip() {
        for name in [
            "summary_full.json",
            "summary_zh.json",
            "summary_minimal.json",
        ] {
            let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
            let v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let back = serde_json::to_value(summary(&v).unwrap()).unwrap();
            for key in [
                "name",
                "spec",
                "data",
                "method",
                "regions",
                "years",
                "dimensions",
                "weights",
                "scores",
                "imputed",
                "analysis",
                "warnings",
            ] {
                assert_eq!(back.get(key), v.get(key), "{name}: `{key}` changed");
            }
        }
    }
}
