//! Errors of the generator.

/// What can go wrong when reading a configuration or generating a panel.
#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    /// A configuration value is out of range or inconsistent.
    #[error("invalid synth config: {key}: {message}")]
    Invalid {
        /// The offending key, e.g. `regions.base`.
        key: String,
        /// What is wrong with it.
        message: String,
    },
    /// The TOML text could not be read as a configuration.
    #[error("invalid synth config TOML: {0}")]
    Toml(String),
    /// The panel would have too many cells.
    #[error(
        "synthetic panel too large: {cells} cells (regions x years x indicators), limit {limit}"
    )]
    TooLarge {
        /// Requested number of cells.
        cells: u128,
        /// The limit, `MAX_CELLS`.
        limit: u128,
    },
}
