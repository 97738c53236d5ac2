//! The integration tests of rurban-cli, compiled as one test binary so
//! that they link once.

#[path = "../support/mod.rs"]
mod support;

mod analysis_cli;
mod asem_cli;
mod chain_cli;
mod construct_cli;
mod data_cli;
mod geo_cli;
mod geo_run_cli;
mod hostile_cli;
mod outdir_cli;
mod overflow_cli;
mod params_cli;
mod plugins_cli;
mod readme_cli;
mod report_cli;
mod robustness_cli;
mod run_cli;
mod trend_cli;
mod tutorial_cli;
mod weights_cli;
