//! One module per subcommand.

pub mod classify;
pub mod cluster;
pub mod common;
pub mod convergence;
pub mod disparity;
pub mod gravity;
pub mod grey;
pub mod kde;
pub mod markov;
pub mod moran;
pub mod neighbours;
pub mod plugins;
pub mod report;
pub mod robustness;
pub mod run;
pub mod spatial;
pub mod synth;
pub mod trend;
pub mod weights;
