//! Hostile input end to end: every failure is one bounded `error:` line,
//! a full standard output is an error (not a crash), special files are
//! refused, and sizes beyond the memory available are refused up front.

use crate::support;

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

/// Runs `rurban ARGS` with its address space limited to `limit` bytes.
#[cfg(target_os = "linux")]
fn rurban_limited(limit: u64, args: &[&str]) -> (Option<i32>, String) {
    use std::os::unix::process::CommandExt;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rurban"));
    cmd.args(args);
    // SAFETY: setrlimit is async-signal-safe; nothing else runs in the child.
    unsafe {
        cmd.pre_exec(move || {
            let lim = libc::rlimit {
                rlim_cur: limit as libc::rlim_t,
                rlim_max: limit as libc::rlim_t,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let out = cmd.output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[cfg(target_os = "linux")]
#[test]
fn sizes_beyond_the_memory_available_are_refused_up_front() {
    const LIMIT: u64 = 1 << 30;
    let dir = TempDir::new("memory");
    // CRITIC on 20,000 columns: 1.5 GiB of cross products.
    let m = 20_000;
    let mut text = (0..m)
        .map(|j| format!("c{j}"))
        .collect::<Vec<_>>()
        .join(",");
    for i in 0..3 {
        text.push('\n');
        text.push_str(
            &(0..m)
                .map(|j| ((i * 7 + j * 13) % 10).to_string())
                .collect::<Vec<_>>()
                .join(","),
        );
    }
    text.push('\n');
    let wide = dir.write("wide.csv", &text);
    let (code, err) = rurban_limited(
        LIMIT,
        &[
            "weights",
            "--input",
            wide.to_str().unwrap(),
            "--method",
            "critic",
        ],
    );
    assert!(
        matches!(code, Some(c) if c != 0 && c != 101),
        "{code:?} {err}"
    );
    assert!(
        err.starts_with("error:") && err.lines().count() == 1,
        "{err}"
    );
    assert!(
        err.contains("CRITIC's correlations of 20000 columns needs 1.5 GiB"),
        "{err}"
    );
    assert!(err.contains("fewer columns"), "{err}");
    // Ward on 20,000 rows: 1.5 GiB of distances.
    let mut text = String::from("region,x\n");
    for i in 0..20_000 {
        text.push_str(&format!("r{i},{}\n", (i * 37) % 1000));
    }
    let long = dir.write("long.csv", &text);
    let (code, err) = rurban_limited(
        LIMIT,
        &[
            "cluster",
            "--input",
            long.to_str().unwrap(),
            "--method",
            "ward",
            "--k",
            "3",
        ],
    );
    assert!(
        matches!(code, Some(c) if c != 0 && c != 101),
        "{code:?} {err}"
    );
    assert!(
        err.contains("the distance matrix of 20000 rows") && err.contains("k-means"),
        "{err}"
    );
    // synth: a billion regions is refused by its own limit, without first
    // building a billion names.
    let (code, err) = rurban_limited(
        LIMIT,
        &[
            "synth",
            "--regions",
            "1000000000",
            "--out",
            dir.join("s.csv").to_str().unwrap(),
        ],
    );
    assert!(
        matches!(code, Some(c) if c != 0 && c != 101),
        "{code:?} {err}"
    );
    assert!(err.starts_with("error:"), "{err}");
}

#[test]
fn inputs_that_mean_nothing_are_refused() {
    let dir = TempDir::new("inputs");
    let csv = dir.write("t.csv", "region,a,b\nx,1,2\ny,3,1\nz,2,5\n");
    let f = csv.to_str().unwrap();
    for cols in ["", ",,", " , "] {
        let out = rurban([
            "weights",
            "--input",
            f,
            "--method",
            "equal",
            "--columns",
            cols,
        ]);
        out.error(&["--columns", "names no column"]);
    }
    let out = rurban([
        "weights",
        "--input",
        f,
        "--method",
        "equal",
        "--columns",
        "a,b,a",
    ]);
    out.error(&["--columns names 'a' twice"]);
    let out = rurban([
        "weights", "--input", f, "--method", "equal", "--sheet", "S1",
    ]);
    out.error(&["t.csv", "not a workbook"]);
}

#[test]
fn group_keys_that_are_the_same_number_are_one_group() {
    let dir = TempDir::new("keys");
    let csv = dir.write("t.csv", "year,x\n2011,1\n2011.0,3\n2012,2\n2012,4\n");
    let doc = rurban([
        "disparity",
        "--input",
        csv.to_str().unwrap(),
        "--column",
        "x",
        "--by",
        "year",
        "--format",
        "json",
    ])
    .json();
    let groups = doc["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 2, "{doc}");
    // Group 2011 holds 1 and 3: n 2, mean 2.
    assert_eq!(groups[0]["key"], "2011");
    assert_eq!(groups[0]["n"], 2);
    assert_eq!(groups[0]["mean"], 2.0);
}
