//! The integration tests of rurban-cluster, compiled as one test binary so
//! that they link once.

mod api;
mod reference;
