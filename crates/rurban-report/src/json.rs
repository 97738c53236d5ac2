//! Path-aware access to the summary JSON, so every error names the field.

use serde_json::{Map, Value};

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

fn invalid(path: &str, expected: &'static str, v: &Value) -> ReportError {
    ReportError::Invalid {
        path: path.to_string(),
        expected,
        found: describe(v),
    }
}

/// `parent.key` (or `key` at the top level).
pub(crate) fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

/// `parent[i]`.
pub(crate) fn index(parent: &str, i: usize) -> String {
    format!("{parent}[{i}]")
}

/// The value as an object.
pub(crate) fn obj<'a>(v: &'a Value, path: &str) -> Result<&'a Map<String, Value>, ReportError> {
    v.as_object().ok_or_else(|| invalid(path, "an object", v))
}

/// The value as an array.
pub(crate) fn arr<'a>(v: &'a Value, path: &str) -> Result<&'a Vec<Value>, ReportError> {
    v.as_array().ok_or_else(|| invalid(path, "an array", v))
}

/// The value as a string.
pub(crate) fn string<'a>(v: &'a Value, path: &str) -> Result<&'a str, ReportError> {
    v.as_str().ok_or_else(|| invalid(path, "a string", v))
}

/// The value as a number; `null` (how JSON writes a non-finite float) is NaN.
pub(crate) fn num(v: &Value, path: &str) -> Result<f64, ReportError> {
    match v {
        Value::Null => Ok(f64::NAN),
        Value::Number(n) => n.as_f64().ok_or_else(|| invalid(path, "a number", v)),
        _ => Err(invalid(path, "a number", v)),
    }
}

/// The value as a whole number (an integer, a float with no fraction, or a
/// string holding an integer, as years are when used as keys).
pub(crate) fn int(v: &Value, path: &str) -> Result<i64, ReportError> {
    match v {
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                return Ok(i);
            }
            match n.as_f64() {
                Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(f as i64),
                _ => Err(invalid(path, "a whole number", v)),
            }
        }
        Value::String(s) => s
            .trim()
            .parse::<i64>()
            .map_err(|_| invalid(path, "a whole number", v)),
        _ => Err(invalid(path, "a whole number", v)),
    }
}

/// The value as a non-negative whole number.
pub(crate) fn count(v: &Value, path: &str) -> Result<usize, ReportError> {
    let i = int(v, path)?;
    usize::try_from(i).map_err(|_| invalid(path, "a non-negative whole number", v))
}

/// A key that may be a string or a number, as text.
pub(crate) fn key(v: &Value, path: &str) -> Result<String, ReportError> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        _ => Err(invalid(path, "a string or a number", v)),
    }
}

/// A field that must be there.
pub(crate) fn req<'a>(
    o: &'a Map<String, Value>,
    parent: &str,
    k: &str,
) -> Result<&'a Value, ReportError> {
    o.get(k).ok_or_else(|| ReportError::Missing {
        path: join(parent, k),
    })
}

/// A field that may be absent; `null` counts as absent.
pub(crate) fn opt<'a>(o: &'a Map<String, Value>, k: &str) -> Option<&'a Value> {
    o.get(k).filter(|v| !v.is_null())
}

/// An optional string field.
pub(crate) fn opt_str(
    o: &Map<String, Value>,
    parent: &str,
    k: &str,
) -> Result<Option<String>, ReportError> {
    opt(o, k)
        .map(|v| string(v, &join(parent, k)).map(str::to_string))
        .transpose()
}

/// An optional number field (absent or null: None).
pub(crate) fn opt_num(
    o: &Map<String, Value>,
    parent: &str,
    k: &str,
) -> Result<Option<f64>, ReportError> {
    opt(o, k).map(|v| num(v, &join(parent, k))).transpose()
}

/// A required number field (null is NaN).
pub(crate) fn req_num(o: &Map<String, Value>, parent: &str, k: &str) -> Result<f64, ReportError> {
    num(req(o, parent, k)?, &join(parent, k))
}

/// An array of numbers.
pub(crate) fn nums(v: &Value, path: &str) -> Result<Vec<f64>, ReportError> {
    arr(v, path)?
        .iter()
        .enumerate()
        .map(|(i, x)| num(x, &index(path, i)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_and_nulls() {
        assert_eq!(num(&json!(1.5), "a").unwrap(), 1.5);
        assert!(num(&Value::Null, "a").unwrap().is_nan());
        let e = num(&json!("x"), "scores[3].composite")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("scores[3].composite") && e.contains("a number") && e.contains("\"x\""),
            "{e}"
        );
    }

    #[test]
    fn whole_numbers() {
        assert_eq!(int(&json!(2020), "y").unwrap(), 2020);
        assert_eq!(int(&json!(2020.0), "y").unwrap(), 2020);
        assert_eq!(int(&json!("2020"), "y").unwrap(), 2020);
        assert!(int(&json!(2020.5), "y").is_err());
        assert!(count(&json!(-1), "n").is_err());
    }
}
