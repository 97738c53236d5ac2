//! The integration tests of rurban-pipeline, compiled as one test binary so
//! that they link once.

mod construction;
mod outdir;
mod robustness;
mod spatial;
mod table_csv;
