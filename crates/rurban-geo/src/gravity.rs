//! Centre of gravity per group and its moves between consecutive groups.

use serde::{Deserialize, Serialize};

use crate::GeoError;

/// Sphere radius of the great-circle distances, km.
pub const EARTH_RADIUS_KM: f64 = 6371.0;

/// The centre of gravity of one group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GravityCentre {
    /// The group key (e.g. the year).
    pub key: String,
    /// `sum_i x_i lon_i / sum_i x_i`.
    pub lon: f64,
    /// `sum_i x_i lat_i / sum_i x_i`.
    pub lat: f64,
}

/// The move of the centre between two consecutive groups.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GravityMove {
    /// Key of the earlier group.
    pub from: String,
    /// Key of the later group.
    pub to: String,
    /// Haversine distance, km (R = 6371.0).
    pub distance_km: f64,
    /// Initial great-circle bearing, degrees clockwise from north, in [0, 360).
    pub bearing: f64,
}

/// The contract's gravity JSON (less the warnings).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Gravity {
    /// One centre per group, in group order.
    pub groups: Vec<GravityCentre>,
    /// The moves between consecutive groups.
    pub moves: Vec<GravityMove>,
}

/// One group's input: its key, and per region its value and centroid (lon, lat).
#[derive(Debug, Clone, PartialEq)]
pub struct GravityGroup {
    /// The group key.
    pub key: String,
    /// The regions (for messages).
    pub regions: Vec<String>,
    /// The value x_i of each region.
    pub values: Vec<f64>,
    /// The centroid (lon, lat) of each region.
    pub points: Vec<[f64; 2]>,
}

/// Great-circle distance in km between two (lon, lat) points in degrees
/// (haversine, R = 6371.0 km).
pub fn haversine_km(a: [f64; 2], b: [f64; 2]) -> f64 {
    let (lat1, lat2) = (a[1].to_radians(), b[1].to_radians());
    let dlat = lat2 - lat1;
    let dlon = (b[0] - a[0]).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

/// Initial great-circle bearing from `a` to `b` ((lon, lat) in degrees), in
/// degrees clockwise from north:
/// `atan2(sin dlon cos lat2, cos lat1 sin lat2 - sin lat1 cos lat2 cos dlon)`
/// taken mod 360.
pub fn initial_bearing(a: [f64; 2], b: [f64; 2]) -> f64 {
    let (lat1, lat2) = (a[1].to_radians(), b[1].to_radians());
    let dlon = (b[0] - a[0]).to_radians();
    let y = dlon.sin() * lat2.cos();
    let x = lat1.cos() * lat2.sin() - lat1.sin() * lat2.cos() * dlon.cos();
    let deg = y.atan2(x).to_degrees().rem_euclid(360.0) + 0.0;
    // rem_euclid of a tiny negative angle rounds up to 360.
    if deg >= 360.0 { 0.0 } else { deg }
}

/// The centre of gravity of each group and the moves between consecutive
/// groups. Values must be finite and non-negative with a positive sum, and
/// the weighted sums must not overflow a 64-bit float.
pub fn gravity(groups: &[GravityGroup]) -> Result<Gravity, GeoError> {
    let mut centres = Vec::with_capacity(groups.len());
    for g in groups {
        let (mut sx, mut slon, mut slat) = (0.0, 0.0, 0.0);
        for (i, (&x, p)) in g.values.iter().zip(&g.points).enumerate() {
            if !x.is_finite() || x < 0.0 {
                return Err(GeoError::Method(format!(
                    "group {}, region \"{}\": value {} is negative or not finite; \
                     the centre of gravity needs weights >= 0",
                    g.key,
                    g.regions.get(i).map(String::as_str).unwrap_or("?"),
                    rurban_method::text::Shown(x)
                )));
            }
            sx += x;
            slon += x * p[0];
            slat += x * p[1];
        }
        if !(sx.is_finite() && slon.is_finite() && slat.is_finite()) {
            let r = (0..g.values.len())
                .rev()
                .max_by(|&a, &b| g.values[a].total_cmp(&g.values[b]))
                .unwrap_or(0);
            return Err(GeoError::Method(format!(
                "group {}, region \"{}\": value {:e} is too large: the weighted sums of the \
                 centre of gravity overflow a 64-bit float; rescale the column",
                g.key,
                g.regions.get(r).map(String::as_str).unwrap_or("?"),
                g.values.get(r).copied().unwrap_or(f64::NAN)
            )));
        }
        if sx <= 0.0 {
            return Err(GeoError::Method(format!(
                "group {}: the values sum to 0, so there is no centre of gravity",
                g.key
            )));
        }
        centres.push(GravityCentre {
            key: g.key.clone(),
            lon: slon / sx,
            lat: slat / sx,
        });
    }
    let moves = centres
        .windows(2)
        .map(|w| {
            let (a, b) = ([w[0].lon, w[0].lat], [w[1].lon, w[1].lat]);
            GravityMove {
                from: w[0].key.clone(),
                to: w[1].key.clone(),
                distance_km: haversine_km(a, b),
                bearing: initial_bearing(a, b),
            }
        })
        .collect();
    Ok(Gravity {
        groups: centres,
        moves,
    })
}
