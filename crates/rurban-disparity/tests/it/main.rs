//! The integration tests of rurban-disparity, compiled as one test binary so
//! that they link once.

#[path = "../common/mod.rs"]
mod common;

mod measures;
mod reference;
mod report;
