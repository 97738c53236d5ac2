//! The integration tests of rurban-core, compiled as one test binary so
//! that they link once.

mod fuzz;
mod hostile;
mod wide;
