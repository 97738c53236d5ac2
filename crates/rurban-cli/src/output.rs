//! Printing results, warnings and errors.

use std::io::IsTerminal;

use clap::ValueEnum;
use serde_json::Value;

/// Output format of a subcommand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// Aligned tables for people.
    #[default]
    Human,
    /// One JSON document on stdout.
    Json,
}

/// Prints an error as one `error:` line (causes joined by `: `).
pub fn print_error(e: &anyhow::Error) {
    let msg = format!("{e:#}");
    let mut lines = msg.lines();
    eprintln!("error: {}", lines.next().unwrap_or(""));
    for l in lines {
        eprintln!("  {l}");
    }
}

/// Prints warnings on stderr.
pub fn print_warnings(warnings: &[String]) {
    for w in warnings {
        eprintln!("warning: {w}");
    }
}

/// Prints `doc` as the one JSON document on stdout, with `warnings` added.
pub fn emit_json(mut doc: Value, warnings: &[String]) -> anyhow::Result<()> {
    if let Value::Object(map) = &mut doc {
        map.insert("warnings".into(), Value::from(warnings.to_vec()));
    }
    print_warnings(warnings);
    let text = serde_json::to_string_pretty(&doc)?;
    println!("{text}");
    Ok(())
}

/// A table for the terminal.
pub fn table(header: &[&str]) -> comfy_table::Table {
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::UTF8_BORDERS_ONLY);
    if !std::io::stdout().is_terminal() {
        t.force_no_tty();
    }
    // Styling is emitted only when stdout is a terminal (comfy-table checks).
    t.set_header(header.iter().map(|h| {
        comfy_table::Cell::new(h)
            .add_attribute(comfy_table::Attribute::Bold)
            .fg(comfy_table::Color::Cyan)
    }));
    t
}

/// A number for people: 4 significant decimals.
pub fn fmt4(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.4}")
    } else {
        "-".into()
    }
}
