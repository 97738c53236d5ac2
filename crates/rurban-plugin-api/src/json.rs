//! A small JSON reader for plugin parameters, so a plugin needs no
//! dependency to take options from the spec.
//!
//! It reads RFC 8259 JSON (objects, arrays, strings with every escape,
//! numbers, `true`, `false`, `null`), nesting at most 128 levels deep.
//! Numbers become `f64`. A plugin that prefers `serde_json` may use it
//! instead: the parameters are ordinary JSON text.

use std::fmt;

/// A JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum JsonValue {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number.
    Number(f64),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<JsonValue>),
    /// An object, keys in the order written.
    Object(Vec<(String, JsonValue)>),
}

impl JsonValue {
    /// Parses one JSON document (surrounding whitespace allowed).
    pub fn parse(text: &str) -> Result<JsonValue, String> {
        let mut p = Parser {
            s: text.as_bytes(),
            i: 0,
            depth: 0,
        };
        p.ws();
        let v = p.value()?;
        p.ws();
        if p.i != p.s.len() {
            return Err(p.err("unexpected text after the JSON value"));
        }
        Ok(v)
    }

    /// The type's name, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            JsonValue::Null => "null",
            JsonValue::Bool(_) => "a boolean",
            JsonValue::Number(_) => "a number",
            JsonValue::String(_) => "a string",
            JsonValue::Array(_) => "an array",
            JsonValue::Object(_) => "an object",
        }
    }
}

impl fmt::Display for JsonValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JsonValue::Null => f.write_str("null"),
            JsonValue::Bool(b) => write!(f, "{b}"),
            JsonValue::Number(x) => write!(f, "{x}"),
            JsonValue::String(s) => write!(f, "{s:?}"),
            JsonValue::Array(a) => {
                f.write_str("[")?;
                for (i, v) in a.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str("]")
            }
            JsonValue::Object(o) => {
                f.write_str("{")?;
                for (i, (k, v)) in o.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{k:?}:{v}")?;
                }
                f.write_str("}")
            }
        }
    }
}

/// A plugin's parameters: a JSON object read from the text the host passes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Params {
    entries: Vec<(String, JsonValue)>,
}

impl Params {
    /// Reads the parameter text: a JSON object, or empty / `null` for none.
    pub fn parse(text: &str) -> Result<Params, String> {
        if text.trim().is_empty() {
            return Ok(Params::default());
        }
        match JsonValue::parse(text).map_err(|e| format!("parameters are not valid JSON: {e}"))? {
            JsonValue::Object(entries) => Ok(Params { entries }),
            JsonValue::Null => Ok(Params::default()),
            other => Err(format!(
                "parameters must be a JSON object, got {}",
                other.type_name()
            )),
        }
    }

    /// The value of `key`, if present (the last one when repeated).
    pub fn get(&self, key: &str) -> Option<&JsonValue> {
        self.entries
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// The keys, in the order written.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(k, _)| k.as_str())
    }

    /// `Err` naming the first key not in `allowed`.
    pub fn only(&self, allowed: &[&str]) -> Result<(), String> {
        match self.keys().find(|k| !allowed.contains(k)) {
            None => Ok(()),
            Some(k) if allowed.is_empty() => Err(format!(
                "unknown parameter '{k}' (this takes no parameters)"
            )),
            Some(k) => Err(format!(
                "unknown parameter '{k}' (expected one of: {})",
                allowed.join(", ")
            )),
        }
    }

    /// A string parameter; `Err` when present with another type.
    pub fn str(&self, key: &str) -> Result<Option<&str>, String> {
        match self.get(key) {
            None | Some(JsonValue::Null) => Ok(None),
            Some(JsonValue::String(s)) => Ok(Some(s)),
            Some(v) => Err(format!(
                "parameter '{key}' must be a string, got {}",
                v.type_name()
            )),
        }
    }

    /// A number parameter; `Err` when present with another type.
    pub fn f64(&self, key: &str) -> Result<Option<f64>, String> {
        match self.get(key) {
            None | Some(JsonValue::Null) => Ok(None),
            Some(JsonValue::Number(x)) => Ok(Some(*x)),
            Some(v) => Err(format!(
                "parameter '{key}' must be a number, got {}",
                v.type_name()
            )),
        }
    }

    /// A boolean parameter; `Err` when present with another type.
    pub fn bool(&self, key: &str) -> Result<Option<bool>, String> {
        match self.get(key) {
            None | Some(JsonValue::Null) => Ok(None),
            Some(JsonValue::Bool(b)) => Ok(Some(*b)),
            Some(v) => Err(format!(
                "parameter '{key}' must be true or false, got {}",
                v.type_name()
            )),
        }
    }
}

const MAX_DEPTH: usize = 128;

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    depth: usize,
}

impl Parser<'_> {
    fn err(&self, what: &str) -> String {
        format!("{what} at byte {}", self.i + 1)
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.s.get(self.i) {
            self.i += 1;
        }
    }

    fn eat(&mut self, lit: &str) -> Result<(), String> {
        if self.s[self.i..].starts_with(lit.as_bytes()) {
            self.i += lit.len();
            Ok(())
        } else {
            Err(self.err(&format!("expected '{lit}'")))
        }
    }

    fn value(&mut self) -> Result<JsonValue, String> {
        match self.s.get(self.i) {
            None => Err(self.err("unexpected end of text")),
            Some(b'{') => self.nested(Self::object),
            Some(b'[') => self.nested(Self::array),
            Some(b'"') => self.string().map(JsonValue::String),
            Some(b't') => self.eat("true").map(|_| JsonValue::Bool(true)),
            Some(b'f') => self.eat("false").map(|_| JsonValue::Bool(false)),
            Some(b'n') => self.eat("null").map(|_| JsonValue::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.err("unexpected character")),
        }
    }

    fn nested(
        &mut self,
        f: fn(&mut Self) -> Result<JsonValue, String>,
    ) -> Result<JsonValue, String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err("nesting deeper than 128 levels"));
        }
        let v = f(self);
        self.depth -= 1;
        v
    }

    fn object(&mut self) -> Result<JsonValue, String> {
        self.i += 1;
        let mut entries = Vec::new();
        self.ws();
        if self.s.get(self.i) == Some(&b'}') {
            self.i += 1;
            return Ok(JsonValue::Object(entries));
        }
        loop {
            self.ws();
            if self.s.get(self.i) != Some(&b'"') {
                return Err(self.err("expected a string key"));
            }
            let k = self.string()?;
            self.ws();
            self.eat(":")?;
            self.ws();
            let v = self.value()?;
            entries.push((k, v));
            self.ws();
            match self.s.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Ok(JsonValue::Object(entries));
                }
                _ => return Err(self.err("expected ',' or '}'")),
            }
        }
    }

    fn array(&mut self) -> Result<JsonValue, String> {
        self.i += 1;
        let mut items = Vec::new();
        self.ws();
        if self.s.get(self.i) == Some(&b']') {
            self.i += 1;
            return Ok(JsonValue::Array(items));
        }
        loop {
            self.ws();
            items.push(self.value()?);
            self.ws();
            match self.s.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(JsonValue::Array(items));
                }
                _ => return Err(self.err("expected ',' or ']'")),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let h = self
            .s
            .get(self.i..self.i + 4)
            .ok_or_else(|| self.err("truncated \\u escape"))?;
        let h = std::str::from_utf8(h).map_err(|_| self.err("bad \\u escape"))?;
        let v = u32::from_str_radix(h, 16).map_err(|_| self.err("bad \\u escape"))?;
        self.i += 4;
        Ok(v)
    }

    fn string(&mut self) -> Result<String, String> {
        self.i += 1;
        let mut out: Vec<u8> = Vec::new();
        loop {
            let Some(&b) = self.s.get(self.i) else {
                return Err(self.err("unterminated string"));
            };
            self.i += 1;
            match b {
                b'"' => break,
                b'\\' => {
                    let Some(&e) = self.s.get(self.i) else {
                        return Err(self.err("unterminated string"));
                    };
                    self.i += 1;
                    let c = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hi = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&hi) {
                                self.eat("\\u")
                                    .map_err(|_| self.err("unpaired surrogate"))?;
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return Err(self.err("unpaired surrogate"));
                                }
                                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                            } else {
                                hi
                            };
                            char::from_u32(code).ok_or_else(|| self.err("unpaired surrogate"))?
                        }
                        _ => return Err(self.err("unknown escape")),
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                0x00..=0x1F => return Err(self.err("control character in string")),
                _ => out.push(b),
            }
        }
        // The input is a &str, and escapes add whole characters.
        String::from_utf8(out).map_err(|_| self.err("invalid UTF-8 in string"))
    }

    fn number(&mut self) -> Result<JsonValue, String> {
        let start = self.i;
        let digits = |p: &mut Self| {
            let s = p.i;
            while let Some(b'0'..=b'9') = p.s.get(p.i) {
                p.i += 1;
            }
            p.i - s
        };
        if self.s.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        let int_start = self.i;
        let n = digits(self);
        if n == 0 || (n > 1 && self.s[int_start] == b'0') {
            return Err(self.err("malformed number"));
        }
        if self.s.get(self.i) == Some(&b'.') {
            self.i += 1;
            if digits(self) == 0 {
                return Err(self.err("malformed number"));
            }
        }
        if let Some(b'e' | b'E') = self.s.get(self.i) {
            self.i += 1;
            if let Some(b'+' | b'-') = self.s.get(self.i) {
                self.i += 1;
            }
            if digits(self) == 0 {
                return Err(self.err("malformed number"));
            }
        }
        let text = std::str::from_utf8(&self.s[start..self.i])
            .map_err(|_| self.err("malformed number"))?;
        let x: f64 = text.parse().map_err(|_| self.err("malformed number"))?;
        if !x.is_finite() {
            return Err(self.err("number out of range"));
        }
        Ok(JsonValue::Number(x))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_all_value_kinds() {
        let v = JsonValue::parse(
            r#" {"a": 1.5e2, "b": [true, false, null], "c": "x\"\u00e9\ud83d\ude00\n", "d": {}} "#,
        )
        .unwrap();
        let JsonValue::Object(o) = v else {
            panic!("not an object")
        };
        assert_eq!(o[0], ("a".into(), JsonValue::Number(150.0)));
        assert_eq!(
            o[1].1,
            JsonValue::Array(vec![
                JsonValue::Bool(true),
                JsonValue::Bool(false),
                JsonValue::Null
            ])
        );
        assert_eq!(o[2].1, JsonValue::String("x\"é😀\n".into()));
        assert_eq!(o[3].1, JsonValue::Object(vec![]));
    }

    #[test]
    fn numbers_follow_the_json_grammar() {
        assert_eq!(JsonValue::parse("-0.25").unwrap(), JsonValue::Number(-0.25));
        assert_eq!(
            JsonValue::parse("10000").unwrap(),
            JsonValue::Number(10000.0)
        );
        for bad in ["01", "1.", ".5", "+1", "1e", "-", "1e999", "NaN"] {
            assert!(JsonValue::parse(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn rejects_malformed_text_with_position() {
        assert_eq!(
            JsonValue::parse("{\"a\" 1}").unwrap_err(),
            "expected ':' at byte 6"
        );
        assert_eq!(
            JsonValue::parse("[1, 2").unwrap_err(),
            "expected ',' or ']' at byte 6"
        );
        assert_eq!(
            JsonValue::parse("\"abc").unwrap_err(),
            "unterminated string at byte 5"
        );
        assert_eq!(
            JsonValue::parse("{} x").unwrap_err(),
            "unexpected text after the JSON value at byte 4"
        );
        assert!(JsonValue::parse("\"\\ud800\"").is_err());
        assert!(JsonValue::parse("\"a\u{1}\"").is_err());
        let deep = "[".repeat(200) + &"]".repeat(200);
        assert!(
            JsonValue::parse(&deep)
                .unwrap_err()
                .starts_with("nesting deeper")
        );
    }

    #[test]
    fn params_typed_access() {
        let p = Params::parse(r#"{"measure": "theil", "scale": 10000, "log": true}"#).unwrap();
        assert_eq!(p.str("measure").unwrap(), Some("theil"));
        assert_eq!(p.f64("scale").unwrap(), Some(10000.0));
        assert_eq!(p.bool("log").unwrap(), Some(true));
        assert_eq!(p.str("missing").unwrap(), None);
        assert_eq!(
            p.f64("measure").unwrap_err(),
            "parameter 'measure' must be a number, got a string"
        );
        assert!(p.only(&["measure", "scale", "log"]).is_ok());
        assert_eq!(
            p.only(&["measure"]).unwrap_err(),
            "unknown parameter 'scale' (expected one of: measure)"
        );
        assert_eq!(
            p.only(&[]).unwrap_err(),
            "unknown parameter 'measure' (this takes no parameters)"
        );
    }

    #[test]
    fn params_empty_and_non_object() {
        assert_eq!(Params::parse("").unwrap(), Params::default());
        assert_eq!(Params::parse("  null ").unwrap(), Params::default());
        assert_eq!(
            Params::parse("[1]").unwrap_err(),
            "parameters must be a JSON object, got an array"
        );
        assert!(
            Params::parse("{")
                .unwrap_err()
                .starts_with("parameters are not valid JSON")
        );
    }

    #[test]
    fn display_round_trips() {
        let text = r#"{"a":[1,2.5,null],"b":"q\"","c":false}"#;
        let v = JsonValue::parse(text).unwrap();
        assert_eq!(JsonValue::parse(&v.to_string()).unwrap(), v);
    }
}
