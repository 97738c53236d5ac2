//! Spatial weights and the spatial statistics of regional studies.
//!
//! The crate is pure: it knows regions only by index and name, never by
//! geometry (building weights from boundaries is `rurban-geo`'s job). It holds
//!
//! * [`SpatialWeights`]: a sparse, row-ordered weights matrix over named
//!   regions, restricted and transformed as the contract says;
//! * [`moran`]: global Moran's I (normal and randomisation inference, Geary's C,
//!   a seeded permutation test) and local Moran (LISA) with conditional
//!   permutation p-values;
//! * [`classify`]: map classes (quantile, equal interval, Fisher-Jenks);
//! * [`markov`]: classic and spatial (Rey 2001) Markov chains with steady states.
//!
//! Every definition follows `../shared/CONTRACT.md` ("## Geography");
//! `docs/methods/spatial.md` records the choices where it is silent.

pub mod classify;
pub mod markov;
pub mod moran;
mod rng;
pub mod weights;

pub use weights::{SpatialWeights, Transform};

/// Why a spatial statistic could not be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SpatialError {
    /// Anything wrong with the input, already phrased for the user.
    #[error("{0}")]
    Invalid(String),
}
