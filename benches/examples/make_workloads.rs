//! Writes the benchmark workloads as files:
//!
//!     cargo run --release -p rurban-benches --example make_workloads -- OUT_DIR [PRESET..] [--complete]
//!
//! For each preset (default: small, province, county) it writes
//! `OUT_DIR/<preset>/panel.csv` (wide form), `groups.csv` (`region,group`)
//! and `spec.toml` (entropy weights over the panel, `year-mean` imputation
//! when cells are missing, the whole analysis chain with the region groups).
//! The panels come from `rurban-synth` with the presets' fixed seeds, so the
//! files are the same on every machine. With `--complete` the presets are
//! written without their missing cells into `OUT_DIR/<preset>-complete/`.

use std::path::PathBuf;

fn main() -> std::process::ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(out) = args.next() else {
        eprintln!("error: usage: make_workloads OUT_DIR [small|province|county ..] [--complete]");
        return std::process::ExitCode::from(2);
    };
    let out = PathBuf::from(out);
    let mut presets: Vec<String> = args.collect();
    let complete = presets.iter().any(|p| p == "--complete");
    presets.retain(|p| p != "--complete");
    if presets.is_empty() {
        presets = rurban_benches::PRESETS
            .iter()
            .map(ToString::to_string)
            .collect();
    }
    for p in &presets {
        let written = if complete {
            rurban_benches::write_complete_workload(p, &out.join(format!("{p}-complete")))
        } else {
            rurban_benches::write_workload(p, &out.join(p))
        };
        match written {
            Ok(f) => println!("{p}: {}", f.spec.display()),
            Err(e) => {
                eprintln!("error: {e}");
                return std::process::ExitCode::from(2);
            }
        }
    }
    std::process::ExitCode::SUCCESS
}
