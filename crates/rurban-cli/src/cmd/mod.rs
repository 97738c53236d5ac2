//! One module per subcommand.

pub mod cluster;
pub mod common;
pub mod convergence;
pub mod disparity;
pub mod grey;
pub mod kde;
pub mod plugins;
pub mod report;
pub mod run;
pub mod synth;
pub mod trend;
pub mod weights;
