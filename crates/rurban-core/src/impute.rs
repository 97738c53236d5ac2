//! impute
