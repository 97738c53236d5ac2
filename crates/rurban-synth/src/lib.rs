//! Seeded synthetic panels with known structure.
//!
//! `rurban-synth` writes region x year x indicator panels whose structure is
//! known exactly, to test and demonstrate the index pipeline: a latent
//! development level per region-year with a spatial gradient, a trend,
//! convergence (gaps narrow), short-term shocks, and indicators that are
//! affine maps of that level plus noise, with yearbook-like units and ranges.
//!
//! The model (full statement in `docs/methods/synth.md`), for region `i`,
//! year index `t = 0..T-1`, indicator `j`:
//!
//! - base level `b_i = level + gradient (1/2 - i/(n-1)) + base_sd z_i`
//!   (or an explicit `b_i`), growth `g_i = trend + trend_sd z'_i`;
//! - latent level `L_it = b̄ + (b_i - b̄) (1 - c)^t + g_i t - sum_shocks size rho^(t - t_s)`,
//!   with `c` the convergence rate and the sum over the region's shocks with `t_s <= t`;
//! - `s_it = (L_it - min L) / (max L - min L)`;
//! - `x_ijt = low_j + (high_j - low_j)(s_it + a_ij + e_ijt)` for a `+`
//!   indicator, `high_j - (high_j - low_j)(s_it + a_ij + e_ijt)` for a `-` one,
//!   with `a_ij ~ N(0, region_sd^2)`, `e_ijt ~ N(0, noise_sd^2)`, then kept
//!   in `(0, ceiling)` by smooth exponential bounds and rounded to 4 decimals;
//! - a share of cells, drawn without replacement, is left missing.
//!
//! Randomness comes from xoshiro256++ (`seed_from_u64`), normals from the
//! polar form of Box-Muller, and logarithms and exponentials from
//! platform-independent code, so the same configuration gives byte-identical
//! output on every platform.
//!
//! ```
//! let panel = rurban_synth::generate(&rurban_synth::SynthConfig::small()).unwrap();
//! let mut csv = Vec::new();
//! panel.write_wide_csv(&mut csv).unwrap();
//! assert!(csv.starts_with(b"region,year,income_ratio,"));
//! ```

mod catalogue;
mod config;
mod detmath;
mod error;
mod generate;
mod write;

pub use config::{
    DimensionConfig, Direction, HEILONGJIANG_CITIES, IndicatorConfig, IndicatorSpec, LatentConfig,
    MAX_CELLS, PRESETS, RegionConfig, ShockAt, SynthConfig,
};
pub use error::SynthError;
pub use generate::{Shock, SynthDimension, SynthIndicator, SynthPanel, generate};
