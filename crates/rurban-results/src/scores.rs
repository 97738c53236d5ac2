//! The scores of a run in column form.
//!
//! `summary.json` writes them as one record per region-year,
//! `{"region", "year", "composite", <dimension id>...}`; in memory they are
//! columns, so a county-level run (thousands of regions x decades) neither
//! writes nor reads a map per record.

use std::collections::HashMap;
use std::fmt;

use serde::de::{DeserializeSeed, Error, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Scores in column form, one entry per record.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scores {
    /// Region of each record.
    pub region: Vec<String>,
    /// Year of each record.
    pub year: Vec<i64>,
    /// Composite score of each record (NaN where absent or not finite).
    pub composite: Vec<f64>,
    /// One column per dimension id, in order (NaN where a record has none).
    pub dimensions: Vec<(String, Vec<f64>)>,
}

/// Scores on the region x year grid.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreGrid {
    /// `composite[r][y]`, NaN where absent.
    pub composite: Vec<Vec<f64>>,
    /// `dimensions[d][r][y]` for the dimension ids asked for, NaN where absent.
    pub dimensions: Vec<Vec<Vec<f64>>>,
}

impl Scores {
    /// Scores of every region-year, regions outer, years inner.
    pub fn from_grid(
        regions: &[String],
        years: &[i64],
        dimensions: &[String],
        composite: impl Fn(usize, usize) -> f64,
        dimension: impl Fn(usize, usize, usize) -> f64,
    ) -> Scores {
        let n = regions.len() * years.len();
        let mut s = Scores {
            region: Vec::with_capacity(n),
            year: Vec::with_capacity(n),
            composite: Vec::with_capacity(n),
            dimensions: dimensions
                .iter()
                .map(|d| (d.clone(), Vec::with_capacity(n)))
                .collect(),
        };
        for (r, region) in regions.iter().enumerate() {
            for (y, year) in years.iter().enumerate() {
                s.region.push(region.clone());
                s.year.push(*year);
                s.composite.push(composite(r, y));
                for (d, (_, col)) in s.dimensions.iter_mut().enumerate() {
                    col.push(dimension(r, y, d));
                }
            }
        }
        s
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.region.len()
    }

    /// True when there is no record.
    pub fn is_empty(&self) -> bool {
        self.region.is_empty()
    }

    /// The column of a dimension.
    pub fn dimension(&self, id: &str) -> Option<&[f64]> {
        self.dimensions
            .iter()
            .find(|(d, _)| d == id)
            .map(|(_, c)| c.as_slice())
    }

    /// Puts the records on the grid of `regions` x `years`. A record of an
    /// unknown region or year, or a region-year given twice, is an error
    /// naming the record. Region-years without a record stay NaN.
    pub fn grid(
        &self,
        regions: &[String],
        years: &[i64],
        dimensions: &[&str],
    ) -> Result<ScoreGrid, String> {
        let (nr, ny) = (regions.len(), years.len());
        let region_ix: HashMap<&str, usize> = regions
            .iter()
            .enumerate()
            .map(|(i, r)| (r.as_str(), i))
            .collect();
        let year_ix: HashMap<i64, usize> = years.iter().enumerate().map(|(i, y)| (*y, i)).collect();
        let cols: Vec<Option<&[f64]>> = dimensions.iter().map(|d| self.dimension(d)).collect();
        let mut g = ScoreGrid {
            composite: vec![vec![f64::NAN; ny]; nr],
            dimensions: vec![vec![vec![f64::NAN; ny]; nr]; dimensions.len()],
        };
        let mut seen = vec![vec![false; ny]; nr];
        for i in 0..self.len() {
            let region = &self.region[i];
            let year = self.year[i];
            let r = *region_ix.get(region.as_str()).ok_or_else(|| {
                format!("`scores[{i}].region` = '{region}' is not one of `regions`")
            })?;
            let y = *year_ix
                .get(&year)
                .ok_or_else(|| format!("`scores[{i}].year` = {year} is not one of `years`"))?;
            if seen[r][y] {
                return Err(format!("`scores` has region '{region}', year {year} twice"));
            }
            seen[r][y] = true;
            g.composite[r][y] = self.composite[i];
            for (d, col) in cols.iter().enumerate() {
                if let Some(col) = col {
                    g.dimensions[d][r][y] = col[i];
                }
            }
        }
        Ok(g)
    }
}

impl Serialize for Scores {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Record<'a>(&'a Scores, usize);
        impl Serialize for Record<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let Record(sc, i) = *self;
                let mut m = s.serialize_map(Some(3 + sc.dimensions.len()))?;
                m.serialize_entry("region", &sc.region[i])?;
                m.serialize_entry("year", &sc.year[i])?;
                m.serialize_entry("composite", &sc.composite[i])?;
                for (id, col) in &sc.dimensions {
                    m.serialize_entry(id, &col[i])?;
                }
                m.end()
            }
        }
        let mut seq = s.serialize_seq(Some(self.len()))?;
        for i in 0..self.len() {
            seq.serialize_element(&Record(self, i))?;
        }
        seq.end()
    }
}

/// Reads one record into the columns.
struct RecordSeed<'a>(&'a mut Scores);

impl<'de> DeserializeSeed<'de> for RecordSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RecordSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a map")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let s = self.0;
        let i = s.region.len();
        let (mut region, mut year, mut composite) = (None, None, None);
        let mut values: Vec<(usize, f64)> = Vec::new();
        while let Some(k) = map.next_key::<String>()? {
            match k.as_str() {
                "region" => region = Some(map.next_value::<String>()?),
                "year" => year = Some(map.next_value::<rurban_serde::Whole>()?.0),
                "composite" => composite = Some(map.next_value::<rurban_serde::Num>()?.0),
                _ => {
                    let v = map.next_value::<rurban_serde::Num>()?.0;
                    let d = match s.dimensions.iter().position(|(id, _)| *id == k) {
                        Some(d) => d,
                        None => {
                            s.dimensions.push((k, vec![f64::NAN; i]));
                            s.dimensions.len() - 1
                        }
                    };
                    values.push((d, v));
                }
            }
        }
        let region = region.ok_or_else(|| A::Error::missing_field("region"))?;
        let year = year.ok_or_else(|| A::Error::missing_field("year"))?;
        let composite = composite.ok_or_else(|| A::Error::missing_field("composite"))?;
        s.region.push(region);
        s.year.push(year);
        s.composite.push(composite);
        for (_, col) in s.dimensions.iter_mut() {
            col.push(f64::NAN);
        }
        for (d, v) in values {
            s.dimensions[d].1[i] = v;
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for Scores {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Scores;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a sequence")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scores, A::Error> {
                let mut s = Scores::default();
                while seq.next_element_seed(RecordSeed(&mut s))?.is_some() {}
                Ok(s)
            }
        }
        d.deserialize_seq(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_with_nan_as_null() {
        let regions = vec!["A".to_string(), "B".to_string()];
        let dims = vec!["econ".to_string()];
        let s = Scores::from_grid(
            &regions,
            &[2020, 2021],
            &dims,
            |r, y| {
                if r == 1 && y == 1 {
                    f64::NAN
                } else {
                    (r * 2 + y) as f64
                }
            },
            |r, y, _| (r + y) as f64 / 2.0,
        );
        let text = serde_json::to_string(&s).unwrap();
        assert!(text.starts_with(
            r#"[{"region":"A","year":2020,"composite":0.0,"econ":0.0},{"region":"A","year":2021"#
        ));
        assert!(text.contains(r#"{"region":"B","year":2021,"composite":null,"econ":1.0}"#));
        let back: Scores = serde_json::from_str(&text).unwrap();
        assert_eq!(back.region, s.region);
        assert_eq!(back.year, s.year);
        assert_eq!(back.composite[..3], s.composite[..3]);
        assert!(back.composite[3].is_nan());
        assert_eq!(
            back.dimension("econ").unwrap(),
            s.dimension("econ").unwrap()
        );
    }

    #[test]
    fn a_dimension_missing_from_a_record_is_nan() {
        let text = r#"[{"region":"A","year":"2020","composite":1},{"region":"A","year":2021,"composite":2,"econ":0.5}]"#;
        let s: Scores = serde_json::from_str(text).unwrap();
        assert_eq!(s.year, [2020, 2021]);
        let econ = s.dimension("econ").unwrap();
        assert!(econ[0].is_nan());
        assert_eq!(econ[1], 0.5);
        let e = serde_json::from_str::<Scores>(r#"[{"region":"A","year":2020}]"#).unwrap_err();
        assert!(e.to_string().contains("missing field `composite`"), "{e}");
    }

    #[test]
    fn the_grid_rejects_unknown_and_repeated_records() {
        let regions = vec!["A".to_string()];
        let s = Scores {
            region: vec!["A".into(), "A".into()],
            year: vec![2020, 2020],
            composite: vec![1.0, 2.0],
            dimensions: Vec::new(),
        };
        let e = s.grid(&regions, &[2020], &[]).unwrap_err();
        assert_eq!(e, "`scores` has region 'A', year 2020 twice");
        let e = s.grid(&regions, &[2021], &[]).unwrap_err();
        assert_eq!(e, "`scores[0].year` = 2020 is not one of `years`");
        let e = s.grid(&["B".to_string()], &[2020], &[]).unwrap_err();
        assert_eq!(e, "`scores[0].region` = 'A' is not one of `regions`");
    }
}
