//! The integration tests of rurban-report, compiled as one test binary so
//! that they link once.

#[path = "../common/mod.rs"]
mod common;

mod browser;
mod errors;
mod html;
mod i18n;
mod maps;
mod scale;
mod text;
mod xlsx;
