//! Hostile input end to end: every failure is one bounded `error:` line,
//! a full standard output is an error (not a crash), special files are
//! refused, and sizes beyond the memory available are refused up front.

mod support;

use std::process::{Command, Stdio};

use support::{TempDir, rurban};

/// Asserts that stderr is exactly one line, starting with `error:`.
#[track_caller]
fn one_error_line(out: &support::Out) -> String {
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "expected one stderr line:\n{}", out.stderr);
    assert!(lines[0].starts_with("error:"), "{}", out.stderr);
    assert!(!out.status.success());
    lines[0].to_string()
}

#[test]
fn usage_errors_are_one_line_with_a_hint() {
    let out = rurban(["weights", "--input", "x.csv", "--bogus"]);
    let line = one_error_line(&out);
    assert!(line.contains("'--bogus'"), "{line}");
    assert!(line.contains("--help"), "{line}");
    assert_eq!(out.status.code(), Some(2));
    // A missing required argument names it on the same line.
    let out = rurban(["kde", "--input", "x.csv"]);
    let line = one_error_line(&out);
    assert!(line.contains("--column"), "{line}");
    // Help is still help, on stdout, exit 0.
    let out = rurban(["--help"]);
    assert!(out.status.success() && out.stdout.contains("Usage:"));
}

#[test]
fn toml_errors_are_one_line() {
    let dir = TempDir::new("toml");
    let spec = dir.write("spec.toml", "name = \"x\"\nweights = [\n");
    let out = rurban([
        "run",
        spec.to_str().unwrap(),
        "--out",
        dir.join("o").to_str().unwrap(),
    ]);
    let line = one_error_line(&out);
    assert!(
        line.contains("spec.toml") && line.contains("line"),
        "{line}"
    );
}

#[test]
fn a_huge_name_gives_a_bounded_line() {
    let dir = TempDir::new("hugename");
    let name = format!("{}\x1b[2J\nx", "r".repeat(1_000_000));
    let csv = dir.write("t.csv", &format!("region,x\na,1\nb,\"{name}\"\n"));
    let out = rurban([
        "disparity",
        "--input",
        csv.to_str().unwrap(),
        "--column",
        "x",
    ]);
    let line = one_error_line(&out);
    assert!(line.len() < 2_100, "{} bytes", line.len());
    assert!(!line.contains('\x1b'), "{line}");
    // A column name of a million characters is clipped where it is quoted.
    let col = "c".repeat(1_000_000);
    let csv = dir.write("u.csv", &format!("region,{col}\na,x\n"));
    let out = rurban([
        "weights",
        "--input",
        csv.to_str().unwrap(),
        "--method",
        "equal",
    ]);
    let line = one_error_line(&out);
    assert!(
        line.len() < 2_100 && line.contains('…'),
        "{} bytes",
        line.len()
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_standard_output_is_an_error() {
    let dir = TempDir::new("full");
    let csv = dir.write("t.csv", "region,a,b\nx,1,2\ny,3,1\nz,2,5\n");
    for format in ["human", "json"] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_rurban"))
            .args([
                "weights",
                "--input",
                csv.to_str().unwrap(),
                "--method",
                "equal",
                "--format",
                format,
            ])
            .stdout(Stdio::from(full))
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            stderr.trim_end(),
            "error: cannot write to standard output: No space left on device",
            "{format}"
        );
        assert!(
            matches!(out.status.code(), Some(c) if c != 0 && c != 101),
            "{:?}",
            out.status
        );
    }
}
