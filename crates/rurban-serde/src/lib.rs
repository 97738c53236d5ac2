//! Serde helpers shared by the result types of rurban's method crates and
//! the run summary.
//!
//! JSON has no NaN: `serde_json` writes a non-finite float as `null`. The
//! readers here take `null` back as NaN, so every result that was written
//! can be read again. Years and group keys are read the way people write
//! them by hand: a year may be `2020`, `2020.0` or `"2020"`, a key a string
//! or a number. Each reader names what it expects ("a number", "a whole
//! number", ...), which is what error messages quote.

use std::fmt;

use serde::Deserializer;
use serde::de::{self, SeqAccess, Unexpected, Visitor};

/// What a number reader expects, as error messages quote it.
pub const EXPECT_NUMBER: &str = "a number";
/// What a whole-number reader expects.
pub const EXPECT_WHOLE: &str = "a whole number";
/// What a count reader expects.
pub const EXPECT_COUNT: &str = "a non-negative whole number";
/// What a key reader expects.
pub const EXPECT_KEY: &str = "a string or a number";

/// Marks a message of a reader that found values contradicting each other
/// (not a wrong type): callers that turn serde errors into their own can
/// tell the two apart.
pub const INCONSISTENT: &str = "inconsistent: ";

/// A message for `serde::de::Error::custom` marked with [`INCONSISTENT`].
pub fn inconsistent(message: impl fmt::Display) -> String {
    format!("{INCONSISTENT}{message}")
}

/// An optional float: absent or `null` is `None`.
pub fn opt_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    let x = number(d)?;
    Ok(if x.is_nan() { None } else { Some(x) })
}

/// NaN, as a serde default for a float that may be absent.
pub fn nan() -> f64 {
    f64::NAN
}

struct Number;

impl<'de> Visitor<'de> for Number {
    type Value = f64;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(EXPECT_NUMBER)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
        Ok(v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
        Ok(v as f64)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
        Ok(v as f64)
    }
    fn visit_unit<E: de::Error>(self) -> Result<f64, E> {
        Ok(f64::NAN)
    }
    fn visit_none<E: de::Error>(self) -> Result<f64, E> {
        Ok(f64::NAN)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<f64, D::Error> {
        d.deserialize_any(Number)
    }
}

/// A float: a number, or `null` for NaN.
pub fn number<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    d.deserialize_option(Number)
}

/// A list of floats, each a number or `null` for NaN.
pub fn numbers<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f64>, D::Error> {
    struct Numbers;
    impl<'de> Visitor<'de> for Numbers {
        type Value = Vec<f64>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a sequence")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<f64>, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
            while let Some(x) = seq.next_element::<Num>()? {
                out.push(x.0);
            }
            Ok(out)
        }
    }
    d.deserialize_seq(Numbers)
}

/// A list of lists of floats (a matrix by rows), `null` for NaN.
pub fn number_rows<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Vec<f64>>, D::Error> {
    let rows: Vec<Nums> = serde::Deserialize::deserialize(d)?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// A float read by [`number`], for use inside other readers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Num(pub f64);

impl<'de> serde::Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        number(d).map(Num)
    }
}

/// A list of floats read by [`numbers`].
#[derive(Debug, Clone, PartialEq)]
pub struct Nums(pub Vec<f64>);

impl<'de> serde::Deserialize<'de> for Nums {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        numbers(d).map(Nums)
    }
}

struct WholeVisitor;

impl<'de> Visitor<'de> for WholeVisitor {
    type Value = i64;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(EXPECT_WHOLE)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
        Ok(v)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v).map_err(|_| E::invalid_value(Unexpected::Unsigned(v), &self))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<i64, E> {
        if v.fract() == 0.0 && v.abs() < 9.0e15 {
            Ok(v as i64)
        } else {
            Err(E::invalid_value(Unexpected::Float(v), &self))
        }
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<i64, E> {
        v.trim()
            .parse::<i64>()
            .map_err(|_| E::invalid_value(Unexpected::Str(v), &self))
    }
}

/// A whole number: an integer, a float without fraction, or a string
/// holding an integer (as years are when they are keys).
pub fn whole<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    d.deserialize_any(WholeVisitor)
}

/// A count (a non-negative whole number, read as [`whole`]).
pub fn count<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    struct Count;
    impl<'de> Visitor<'de> for Count {
        type Value = usize;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str(EXPECT_COUNT)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<usize, E> {
            usize::try_from(v).map_err(|_| E::invalid_value(Unexpected::Signed(v), &self))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<usize, E> {
            usize::try_from(v).map_err(|_| E::invalid_value(Unexpected::Unsigned(v), &self))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<usize, E> {
            if v.fract() == 0.0 && (0.0..9.0e15).contains(&v) {
                Ok(v as usize)
            } else {
                Err(E::invalid_value(Unexpected::Float(v), &self))
            }
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<usize, E> {
            v.trim()
                .parse::<usize>()
                .map_err(|_| E::invalid_value(Unexpected::Str(v), &self))
        }
    }
    d.deserialize_any(Count)
}

/// A whole number read by [`whole`], for use inside other readers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Whole(pub i64);

impl<'de> serde::Deserialize<'de> for Whole {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        whole(d).map(Whole)
    }
}

/// A list of whole numbers, each read by [`whole`].
pub fn wholes<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<i64>, D::Error> {
    let v: Vec<Whole> = serde::Deserialize::deserialize(d)?;
    Ok(v.into_iter().map(|w| w.0).collect())
}

/// A key: a string, or a number taken as its text.
pub fn key<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    struct Key;
    impl<'de> Visitor<'de> for Key {
        type Value = String;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str(EXPECT_KEY)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
            Ok(v)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
            Ok(v.to_string())
        }
    }
    d.deserialize_any(Key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct T {
        #[serde(deserialize_with = "number")]
        x: f64,
        #[serde(deserialize_with = "numbers")]
        xs: Vec<f64>,
        #[serde(deserialize_with = "whole")]
        year: i64,
        #[serde(deserialize_with = "key")]
        k: String,
    }

    fn parse(s: &str) -> Result<T, String> {
        serde_json::from_str(s).map_err(|e| e.to_string())
    }

    #[test]
    fn null_is_nan_and_years_are_lenient() {
        let t = parse(r#"{"x": null, "xs": [1, null, 2.5], "year": "2020", "k": 2011}"#).unwrap();
        assert!(t.x.is_nan());
        assert_eq!(t.xs[0], 1.0);
        assert!(t.xs[1].is_nan());
        assert_eq!(t.xs[2], 2.5);
        assert_eq!(t.year, 2020);
        assert_eq!(t.k, "2011");
        assert_eq!(
            parse(r#"{"x": 1, "xs": [], "year": 2020.0, "k": "a"}"#)
                .unwrap()
                .year,
            2020
        );
    }

    #[test]
    fn errors_name_what_was_expected() {
        let e = parse(r#"{"x": "high", "xs": [], "year": 1, "k": "a"}"#).unwrap_err();
        assert!(e.contains("expected a number"), "{e}");
        let e = parse(r#"{"x": 1, "xs": [], "year": 2013.5, "k": "a"}"#).unwrap_err();
        assert!(e.contains("expected a whole number"), "{e}");
        let e = parse(r#"{"x": 1, "xs": [], "year": 1, "k": true}"#).unwrap_err();
        assert!(e.contains("expected a string or a number"), "{e}");
    }
}
