//! The integration tests of rurban-synth, compiled as one test binary so
//! that they link once.

mod config;
mod heilongjiang;
mod structure;
