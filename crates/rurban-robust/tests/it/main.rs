//! The integration tests of rurban-robust, compiled as one test binary so
//! that they link once.

mod hand;
mod reference;
