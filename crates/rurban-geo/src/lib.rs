//! Region boundaries: reading GeoJSON, feature centroids, spatial weights
//! (queen and rook contiguity, k nearest neighbours, a user's matrix) and the
//! centre of gravity. Statistics on the weights live in `rurban-spatial`.
//!
//! The usual path, shared by the command line and the pipeline:
//!
//! 1. [`Geography::open`] reads a GeoJSON FeatureCollection and keys its
//!    features by a property that names the data's regions
//!    ([`Boundaries::read`] + [`Boundaries::keyed`]);
//! 2. [`region_weights`] builds the weights on all features, restricts them to
//!    the data's regions (in the data's order) and transforms them, with the
//!    warnings the contract asks for;
//! 3. [`gravity::gravity`] computes the centre of gravity per group from the
//!    feature centroids.
//!
//! Every definition follows `../shared/CONTRACT.md` ("## Geography").

use std::path::PathBuf;

pub mod boundaries;
pub mod geometry;
pub mod gravity;
pub mod key;
pub mod weights;

pub use boundaries::{Boundaries, Feature, Polygon, Ring};
pub use gravity::{
    Gravity, GravityCentre, GravityGroup, GravityMove, gravity, haversine_km, initial_bearing,
};
pub use key::Geography;
pub use rurban_spatial::{SpatialWeights, Transform};
pub use weights::{RegionWeights, WeightsKind, WeightsOptions, WeightsSummary, region_weights};

/// Why boundaries or weights could not be read or built. Every message names
/// the file it is about.
#[derive(Debug, thiserror::Error)]
pub enum GeoError {
    /// The file could not be opened or read.
    #[error("{path}: cannot read file: {cause}")]
    Io {
        /// The file, as the user named it.
        path: PathBuf,
        /// What the operating system reported.
        cause: std::io::Error,
    },
    /// Something wrong in a boundaries or weights file, already phrased.
    #[error("{path}: {message}")]
    Invalid {
        /// The file the message is about.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A table error (from the weights file reader); it names its place.
    #[error(transparent)]
    Table(#[from] rurban_core::CoreError),
    /// Bad input of a computation that is not tied to a file (the caller adds
    /// the file of its data).
    #[error("{0}")]
    Method(String),
}

impl GeoError {
    pub(crate) fn invalid(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        GeoError::Invalid {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// Names for a message: the first `max`, then "and N more".
pub(crate) fn name_list(names: &[String], max: usize) -> String {
    let mut s = names
        .iter()
        .take(max)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > max {
        s.push_str(&format!(" and {} more", names.len() - max));
    }
    s
}
