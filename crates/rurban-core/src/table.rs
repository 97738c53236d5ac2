//! placeholder
pub struct Table;
pub struct ReadOptions;
