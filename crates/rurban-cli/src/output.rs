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

/// The most characters of the one `error:` line.
pub const MAX_ERROR_LINE: usize = 2000;

/// Prints an error as one `error:` line (causes joined by `: `).
pub fn print_error(e: &anyhow::Error) {
    eprintln!("error: {}", error_line(&format!("{e:#}")));
}

/// The text of the one `error:` line, the last line of defence against
/// untrusted text: line breaks join lines with `; `, other control characters
/// (ANSI escapes, tabs) are escaped, and the line is cut to
/// [`MAX_ERROR_LINE`] characters.
pub fn error_line(msg: &str) -> String {
    let joined = msg
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    rurban_core::clip_to(&joined, MAX_ERROR_LINE).into_owned()
}

/// The error of a failed write to standard output, in the words of the
/// operating system (`No space left on device`, without `(os error 28)`).
pub fn stdout_error(e: std::io::Error) -> anyhow::Error {
    let text = e.to_string();
    let text = match text.find(" (os error") {
        Some(i) => &text[..i],
        None => &text,
    };
    anyhow::anyhow!("cannot write to standard output: {text}")
}

/// Writes to standard output, returning an error instead of panicking when
/// the output cannot be written (a full disk, a closed file).
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        write!(std::io::stdout().lock(), $($arg)*).map_err($crate::output::stdout_error)
    }};
}

/// [`out!`] with a line break.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*).map_err($crate::output::stdout_error)
    }};
}

pub(crate) use {out, outln};

/// Flushes standard output, reporting a failure (the last buffered line of
/// a full disk) as an error.
pub fn flush_stdout() -> anyhow::Result<()> {
    use std::io::Write as _;
    match std::io::stdout().lock().flush() {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => r.map_err(stdout_error),
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
    outln!("{text}")?;
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
