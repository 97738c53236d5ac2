//! One module per subcommand.

pub mod common;
pub mod run;
pub mod weights;
