//! Small helpers shared by the test files (included with `mod common;`).

pub use rurban_test_support::close;
