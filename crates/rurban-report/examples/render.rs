//! Renders a summary.json into report.html and results.xlsx:
//! `cargo run -p rurban-report --example render -- summary.json OUT_DIR`.

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let input = PathBuf::from(args.next().ok_or("usage: render SUMMARY.json OUT_DIR")?);
    let out = PathBuf::from(args.next().ok_or("usage: render SUMMARY.json OUT_DIR")?);
    let summary: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&input)?)?;
    std::fs::create_dir_all(&out)?;
    std::fs::write(
        out.join("report.html"),
        rurban_report::render_html(&summary)?,
    )?;
    std::fs::write(
        out.join("results.xlsx"),
        rurban_report::render_xlsx(&summary)?,
    )?;
    println!("wrote {}", out.display());
    Ok(())
}
