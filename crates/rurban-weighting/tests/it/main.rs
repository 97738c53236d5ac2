//! The integration tests of rurban-weighting, compiled as one test binary so
//! that they link once.

mod errors;
mod reference;
mod schemes;
