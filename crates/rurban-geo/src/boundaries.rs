//! Reading a GeoJSON FeatureCollection of Polygon and MultiPolygon features.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::GeoError;
use crate::geometry;

/// A ring of (lon, lat) vertices, as written in the file.
pub type Ring = Vec<[f64; 2]>;

/// A polygon: its exterior ring first, then its holes.
pub type Polygon = Vec<Ring>;

/// One feature: its properties and its polygons (one for a Polygon, several
/// for a MultiPolygon).
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    /// The feature's properties (an empty map when it has none).
    pub properties: Map<String, Value>,
    /// Its polygons in (lon, lat) degrees.
    pub polygons: Vec<Polygon>,
}

impl Feature {
    /// A property as the text a region name is compared with: strings
    /// trimmed, numbers (e.g. `adcode`) as they are written, booleans as
    /// `true`/`false`; `None` for an absent or null property, an array or an
    /// object.
    pub fn property_text(&self, key: &str) -> Option<String> {
        match self.properties.get(key)? {
            Value::String(s) => Some(s.trim().to_string()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// The area-weighted planar centroid of all its polygons in (lon, lat)
    /// degrees, holes subtracted (see [`geometry::centroid`]).
    pub fn centroid(&self) -> Option<[f64; 2]> {
        geometry::centroid(&self.polygons)
    }
}

/// The features of one GeoJSON file, in file order.
#[derive(Debug, Clone, PartialEq)]
pub struct Boundaries {
    /// The file they were read from (used in messages).
    pub path: PathBuf,
    /// The features, in file order.
    pub features: Vec<Feature>,
}

impl Boundaries {
    /// Reads a GeoJSON FeatureCollection of Polygon/MultiPolygon features in
    /// WGS84 (lon, lat).
    pub fn read(path: &Path) -> Result<Boundaries, GeoError> {
        let text = std::fs::read_to_string(path).map_err(|cause| GeoError::Io {
            path: path.to_path_buf(),
            cause,
        })?;
        Boundaries::parse(&text, path)
    }

    /// Parses GeoJSON text; `path` is used in messages.
    pub fn parse(text: &str, path: &Path) -> Result<Boundaries, GeoError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        // serde_json first: its errors carry line and column.
        let value: Value = serde_json::from_str(text).map_err(|e| {
            GeoError::invalid(
                path,
                format!(
                    "not valid JSON at line {}, column {}: {}",
                    e.line(),
                    e.column(),
                    strip_position(&e.to_string())
                ),
            )
        })?;
        let kind = value
            .get("type")
            .and_then(Value::as_str)
            .map(str::to_string);
        match kind.as_deref() {
            Some("FeatureCollection") => {}
            Some(other) => {
                return Err(GeoError::invalid(
                    path,
                    format!(
                        "the GeoJSON is a {other}, not a FeatureCollection of region boundaries"
                    ),
                ));
            }
            None => {
                return Err(GeoError::invalid(
                    path,
                    "not a GeoJSON FeatureCollection (no \"type\": \"FeatureCollection\" at the top level)",
                ));
            }
        }
        // Check each feature's geometry type ourselves first, so the message
        // names the feature; then let the geojson crate validate the rest.
        let raw = value
            .get("features")
            .and_then(Value::as_array)
            .ok_or_else(|| {
                GeoError::invalid(path, "the FeatureCollection has no \"features\" array")
            })?;
        for (i, f) in raw.iter().enumerate() {
            let g = f.get("geometry");
            let t = g.and_then(|g| g.get("type")).and_then(Value::as_str);
            match (g, t) {
                (Some(_), Some("Polygon" | "MultiPolygon")) => {}
                (None | Some(Value::Null), _) => {
                    return Err(GeoError::invalid(
                        path,
                        format!(
                            "feature {i}{} has no geometry; every feature must be a Polygon or MultiPolygon",
                            describe(f)
                        ),
                    ));
                }
                (_, t) => {
                    return Err(GeoError::invalid(
                        path,
                        format!(
                            "feature {i}{} is a {}, not a Polygon or MultiPolygon",
                            describe(f),
                            t.unwrap_or("geometry without a type")
                        ),
                    ));
                }
            }
        }
        let fc = geojson::FeatureCollection::from_json_value(value)
            .map_err(|e| GeoError::invalid(path, format!("not valid GeoJSON: {e}")))?;
        let mut features = Vec::with_capacity(fc.features.len());
        for (i, f) in fc.features.into_iter().enumerate() {
            let properties = f.properties.unwrap_or_default();
            let polygons = match f.geometry.map(|g| g.value) {
                Some(geojson::Value::Polygon(p)) => vec![polygon(p, i, path)?],
                Some(geojson::Value::MultiPolygon(ps)) => ps
                    .into_iter()
                    .map(|p| polygon(p, i, path))
                    .collect::<Result<_, _>>()?,
                // Checked above.
                _ => unreachable_geometry(i, path)?,
            };
            features.push(Feature {
                properties,
                polygons,
            });
        }
        if features.is_empty() {
            return Err(GeoError::invalid(
                path,
                "the FeatureCollection has no features",
            ));
        }
        Ok(Boundaries {
            path: path.to_path_buf(),
            features,
        })
    }

    /// Number of features.
    pub fn len(&self) -> usize {
        self.features.len()
    }

    /// True without features (never for a file read by [`Boundaries::read`]).
    pub fn is_empty(&self) -> bool {
        self.features.is_empty()
    }

    /// The names of all properties, in the order first seen.
    pub fn property_names(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for f in &self.features {
            for k in f.properties.keys() {
                if !names.contains(k) {
                    names.push(k.clone());
                }
            }
        }
        names
    }

    /// The centroid of every feature, in feature order. A feature of zero
    /// area is an error naming it.
    pub fn centroids(&self) -> Result<Vec<[f64; 2]>, GeoError> {
        self.features
            .iter()
            .enumerate()
            .map(|(i, f)| {
                f.centroid().ok_or_else(|| {
                    GeoError::invalid(
                        &self.path,
                        format!("feature {i} has zero area: it has no centroid"),
                    )
                })
            })
            .collect()
    }
}

fn unreachable_geometry(i: usize, path: &Path) -> Result<Vec<Polygon>, GeoError> {
    Err(GeoError::invalid(
        path,
        format!("feature {i} is not a Polygon or MultiPolygon"),
    ))
}

/// ` (name "X")`, or nothing, to identify a feature in messages.
fn describe(f: &Value) -> String {
    let props = f.get("properties").and_then(Value::as_object);
    for k in ["name", "short", "name_en", "adcode"] {
        match props.and_then(|p| p.get(k)) {
            Some(Value::String(s)) => return format!(" ({k} \"{s}\")"),
            Some(Value::Number(n)) => return format!(" ({k} {n})"),
            _ => {}
        }
    }
    String::new()
}

/// serde_json appends " at line L column C"; the message gives them already.
fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(p) => msg[..p].to_string(),
        None => msg.to_string(),
    }
}

fn polygon(rings: geojson::PolygonType, feature: usize, path: &Path) -> Result<Polygon, GeoError> {
    if rings.is_empty() {
        return Err(GeoError::invalid(
            path,
            format!("feature {feature} has a polygon without rings"),
        ));
    }
    rings
        .into_iter()
        .map(|ring| {
            ring.into_iter()
                .map(|p| {
                    let (Some(&lon), Some(&lat)) = (p.first(), p.get(1)) else {
                        return Err(GeoError::invalid(
                            path,
                            format!("feature {feature} has a position with fewer than 2 numbers"),
                        ));
                    };
                    if !lon.is_finite() || !lat.is_finite() {
                        return Err(GeoError::invalid(
                            path,
                            format!("feature {feature} has a coordinate that is not a finite number"),
                        ));
                    }
                    if lon.abs() > 180.0 || lat.abs() > 90.0 {
                        return Err(GeoError::invalid(
                            path,
                            format!(
                                "feature {feature} has the coordinate ({lon}, {lat}), outside longitude -180..180 / \
                                 latitude -90..90: the file looks projected, not lon/lat; reproject to EPSG:4326"
                            ),
                        ));
                    }
                    // -0.0 and 0.0 are the same coordinate.
                    Ok([lon + 0.0, lat + 0.0])
                })
                .collect::<Result<Ring, _>>()
        })
        .collect()
}
