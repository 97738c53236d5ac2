//! Regenerates the Heilongjiang example panel from its checked-in
//! configuration:
//!
//! ```text
//! cargo run -p rurban-synth --example heilongjiang
//! ```
//!
//! reads `examples/heilongjiang/synth.toml` and writes `panel.csv` and
//! `groups.csv` next to it. A test checks that the checked-in files are
//! exactly what this writes.

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/heilongjiang");
    let text = std::fs::read_to_string(dir.join("synth.toml"))?;
    let cfg = rurban_synth::SynthConfig::from_toml(&text)?;
    let panel = rurban_synth::generate(&cfg)?;
    let mut csv = Vec::new();
    panel.write_wide_csv(&mut csv)?;
    std::fs::write(dir.join("panel.csv"), csv)?;
    let mut groups = Vec::new();
    panel.write_groups_csv(&mut groups)?;
    std::fs::write(dir.join("groups.csv"), groups)?;
    if std::env::args().any(|a| a == "--print-config") {
        print!("{}", cfg.to_toml()?);
    }
    println!(
        "wrote {} rows x {} indicators to {}",
        panel.n_rows(),
        panel.indicators.len(),
        dir.display()
    );
    Ok(())
}
