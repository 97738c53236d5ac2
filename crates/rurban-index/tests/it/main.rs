//! The integration tests of rurban-index, compiled as one test binary so
//! that they link once.

mod build;
mod construction;
