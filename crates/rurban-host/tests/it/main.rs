//! The integration tests of rurban-host, compiled as one test binary so
//! that they link once.

#[path = "../common/mod.rs"]
mod common;

mod heilongjiang;
mod hostile;
mod load;
mod merec_pymcdm;
mod results;
mod search_path;
mod stages;
mod versions;
