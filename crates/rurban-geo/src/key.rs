//! Keying features by the property that holds the data's region names.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::boundaries::{Boundaries, Feature, Polygon};
use crate::{GeoError, name_list};

/// The properties tried, in order, when no key is given.
pub const DEFAULT_KEYS: [&str; 4] = ["name", "short", "name_en", "adcode"];

/// Boundaries keyed by one property: feature `i` is region `ids[i]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Geography {
    /// The GeoJSON file (used in messages).
    pub path: PathBuf,
    /// The key property.
    pub key: String,
    /// The key value of every feature, in feature order (unique).
    pub ids: Vec<String>,
    /// The features, in file order.
    pub features: Vec<Feature>,
    /// The centroid of every feature, in feature order.
    pub centroids: Vec<[f64; 2]>,
    index: HashMap<String, usize>,
}

impl Geography {
    /// Reads `path` and keys its features by `key`, or by the first of
    /// [`DEFAULT_KEYS`] whose values contain every one of `regions` (with no
    /// regions: the first of them that every feature has). Every region must
    /// have a feature; the key's values must be unique.
    pub fn open(path: &Path, key: Option<&str>, regions: &[String]) -> Result<Self, GeoError> {
        Boundaries::read(path)?.keyed(key, regions)
    }

    /// The feature index of a region.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// The centroid of a region.
    pub fn centroid_of(&self, id: &str) -> Option<[f64; 2]> {
        self.index_of(id).map(|i| self.centroids[i])
    }

    /// The polygons of a region (rings of (lon, lat)), for drawing maps.
    pub fn polygons_of(&self, id: &str) -> Option<&[Polygon]> {
        self.index_of(id)
            .map(|i| self.features[i].polygons.as_slice())
    }

    /// Number of features.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True without features.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The features whose id is not among `regions`, in feature order.
    pub fn without_data(&self, regions: &[String]) -> Vec<String> {
        let set: HashSet<&str> = regions.iter().map(String::as_str).collect();
        self.ids
            .iter()
            .filter(|id| !set.contains(id.as_str()))
            .cloned()
            .collect()
    }
}

impl Boundaries {
    /// The key value of every feature, or `None` when some feature lacks it.
    fn values_of(&self, key: &str) -> Option<Vec<String>> {
        self.features.iter().map(|f| f.property_text(key)).collect()
    }

    /// Keys the features (see [`Geography::open`]).
    pub fn keyed(self, key: Option<&str>, regions: &[String]) -> Result<Geography, GeoError> {
        let props = self.property_names();
        let (key, ids) = match key {
            Some(k) => {
                if !props.iter().any(|p| p == k) {
                    return Err(GeoError::invalid(
                        &self.path,
                        format!(
                            "no feature has the property '{k}' (properties: {})",
                            props.join(", ")
                        ),
                    ));
                }
                let mut ids = Vec::with_capacity(self.len());
                for (i, f) in self.features.iter().enumerate() {
                    match f.property_text(k) {
                        Some(v) if !v.is_empty() => ids.push(v),
                        _ => {
                            return Err(GeoError::invalid(
                                &self.path,
                                format!("feature {i} has no value of the key property '{k}'"),
                            ));
                        }
                    }
                }
                (k.to_string(), ids)
            }
            None => self.auto_key(&props, regions)?,
        };
        let mut index = HashMap::with_capacity(ids.len());
        for (i, id) in ids.iter().enumerate() {
            if let Some(first) = index.insert(id.clone(), i) {
                let unique: Vec<String> = props
                    .iter()
                    .filter(|p| {
                        self.values_of(p).is_some_and(|v| {
                            let s: HashSet<&String> = v.iter().collect();
                            s.len() == v.len()
                        })
                    })
                    .cloned()
                    .collect();
                let hint = if unique.is_empty() {
                    String::new()
                } else {
                    format!(
                        "; properties with unique values: {} (pass --key)",
                        unique.join(", ")
                    )
                };
                return Err(GeoError::invalid(
                    &self.path,
                    format!(
                        "the key property '{key}' repeats the value \"{id}\" (features {first} and {i}); \
                         region names must be unique{hint}"
                    ),
                ));
            }
        }
        // With --key, the regions are checked once the key is known to be unique.
        self.check_regions(&key, &ids, regions)?;
        let centroids = self.centroids()?;
        Ok(Geography {
            path: self.path,
            key,
            ids,
            features: self.features,
            centroids,
            index,
        })
    }

    fn auto_key(
        &self,
        props: &[String],
        regions: &[String],
    ) -> Result<(String, Vec<String>), GeoError> {
        let candidates: Vec<(&str, Vec<String>)> = DEFAULT_KEYS
            .iter()
            .filter(|k| props.iter().any(|p| p == *k))
            .filter_map(|k| self.values_of(k).map(|v| (*k, v)))
            .collect();
        if candidates.is_empty() {
            return Err(GeoError::invalid(
                &self.path,
                format!(
                    "none of the properties {} is set on every feature; name the property that holds \
                     the region names with --key (properties: {})",
                    DEFAULT_KEYS.join(", "),
                    props.join(", ")
                ),
            ));
        }
        let mut best: Option<(usize, usize)> = None;
        for (c, (_, values)) in candidates.iter().enumerate() {
            let set: HashSet<&str> = values.iter().map(String::as_str).collect();
            let covered = regions.iter().filter(|r| set.contains(r.as_str())).count();
            if covered == regions.len() {
                let (k, v) = &candidates[c];
                return Ok((k.to_string(), v.clone()));
            }
            if best.is_none_or(|(_, b)| covered > b) {
                best = Some((c, covered));
            }
        }
        // No candidate holds every region: report against the best one.
        let (c, _) = best.unwrap_or((0, 0));
        let (k, v) = &candidates[c];
        self.check_regions(k, v, regions)?;
        Ok((k.to_string(), v.clone()))
    }

    /// Every region must be among `ids`; the error names the first that is
    /// not, the nearest feature names and a property that holds it as is.
    fn check_regions(&self, key: &str, ids: &[String], regions: &[String]) -> Result<(), GeoError> {
        let set: HashSet<&str> = ids.iter().map(String::as_str).collect();
        let mut missing: Vec<String> = Vec::new();
        for r in regions {
            if !set.contains(r.as_str()) && !missing.contains(r) {
                missing.push(r.clone());
            }
        }
        let Some(first) = missing.first() else {
            return Ok(());
        };
        let near = nearest(first, ids, 3);
        let mut msg =
            format!("region \"{first}\" of the data has no feature (key property '{key}')");
        if !near.is_empty() {
            msg.push_str(&format!("; nearest names: {}", near.join(", ")));
        }
        if let Some(other) = self
            .property_names()
            .into_iter()
            .filter(|p| p != key)
            .find(|p| {
                self.features
                    .iter()
                    .any(|f| f.property_text(p).as_deref() == Some(first.as_str()))
            })
        {
            msg.push_str(&format!(
                "; the property '{other}' has \"{first}\": try --key {other}"
            ));
        }
        if missing.len() > 1 {
            msg.push_str(&format!(
                " ({} regions have no feature: {})",
                missing.len(),
                name_list(&missing, 10)
            ));
        }
        Err(GeoError::invalid(&self.path, msg))
    }
}

/// Up to `max` names of `ids` closest to `name` by edit distance over
/// characters (Chinese names included); names containing `name` or
/// contained in it rank first. Only names within half their length are kept.
pub fn nearest(name: &str, ids: &[String], max: usize) -> Vec<String> {
    let lower = name.to_lowercase();
    let mut scored: Vec<(bool, usize, usize)> = ids
        .iter()
        .enumerate()
        .filter_map(|(i, id)| {
            let l = id.to_lowercase();
            let d = strsim::levenshtein(&lower, &l);
            let len = lower.chars().count().max(l.chars().count());
            let contains = l.contains(&lower) || lower.contains(&l);
            (contains || d <= len.div_ceil(2)).then_some((!contains, d, i))
        })
        .collect();
    scored.sort_unstable();
    scored
        .into_iter()
        .take(max)
        .map(|(_, _, i)| ids[i].clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn nearest_finds_the_name_with_its_suffix_and_typos() {
        let ids = s(&["齐齐哈尔市", "哈尔滨市", "鸡西市", "大庆市"]);
        assert_eq!(nearest("哈尔滨", &ids, 3)[0], "哈尔滨市");
        let ids = s(&["Harbin", "Qiqihar", "Jixi"]);
        assert_eq!(nearest("harbn", &ids, 3), s(&["Harbin"]));
        assert!(nearest("Shanghai", &ids, 3).is_empty());
    }
}
