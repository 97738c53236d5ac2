//! Shared helpers of the end-to-end tests: run the `rurban` binary as a
//! process, assert on its error lines, scratch directories, fixtures, the
//! shared real data, and an independent reference implementation of the
//! contract's weighting formulas.

// Each test crate uses a different subset of these helpers.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};

use serde_json::Value;

#[allow(unused_imports)]
pub use rurban_test_support::{TempDir, assert_close, read_json, reference, shared_data};

/// What one run of the binary produced.
#[derive(Debug)]
pub struct Out {
    /// The command line, for messages.
    pub cmdline: String,
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `rurban ARGS` in the test's working directory.
pub fn rurban<I, S>(args: I) -> Out
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    rurban_in(None, args)
}

/// Runs `rurban ARGS` with `cwd` as working directory (when given).
pub fn rurban_in<I, S>(cwd: Option<&Path>, args: I) -> Out
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let args: Vec<std::ffi::OsString> = args
        .into_iter()
        .map(|a| a.as_ref().to_os_string())
        .collect();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rurban"));
    cmd.args(&args);
    // A panic must show up as one: ask for a backtrace so it cannot hide.
    cmd.env("RUST_BACKTRACE", "1");
    if let Some(d) = cwd {
        cmd.current_dir(d);
    }
    let o = cmd.output().expect("cannot start the rurban binary");
    Out {
        cmdline: format!(
            "rurban {}",
            args.iter()
                .map(|a| a.to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join(" ")
        ),
        status: o.status,
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

/// Texts that only a panic (or the program's panic hook) prints.
const PANIC_MARKERS: [&str; 5] = [
    "panicked at",
    "RUST_BACKTRACE",
    "stack backtrace",
    "internal error",
    "this is a bug",
];

impl Out {
    fn context(&self) -> String {
        format!(
            "command: {}\nexit: {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.cmdline,
            self.status.code(),
            self.stdout,
            self.stderr
        )
    }

    fn assert_no_panic(&self) {
        for m in PANIC_MARKERS {
            assert!(
                !self.stderr.contains(m),
                "stderr shows a panic ({m:?})\n{}",
                self.context()
            );
        }
        assert_ne!(
            self.status.code(),
            Some(101),
            "exit status 101 is a panic\n{}",
            self.context()
        );
    }

    /// Asserts success (exit 0, no panic, no `error:` line); returns self.
    #[track_caller]
    pub fn ok(&self) -> &Self {
        assert!(
            self.status.success(),
            "expected success\n{}",
            self.context()
        );
        self.assert_no_panic();
        assert!(
            !self.stderr.lines().any(|l| l.starts_with("error:")),
            "success with an error line\n{}",
            self.context()
        );
        self
    }

    /// Asserts success and parses stdout as exactly one JSON document.
    #[track_caller]
    pub fn json(&self) -> Value {
        self.ok();
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not one JSON document: {e}\n{}", self.context()))
    }

    /// Asserts a clean failure: non-zero exit (not a panic), nothing on
    /// stdout, no panic text, and a first stderr line that starts with
    /// `error:` and contains every one of `needles`. Returns that line.
    #[track_caller]
    pub fn error(&self, needles: &[&str]) -> String {
        assert!(
            !self.status.success(),
            "expected failure, got success\n{}",
            self.context()
        );
        assert!(
            self.status.code().is_some(),
            "killed by a signal\n{}",
            self.context()
        );
        self.assert_no_panic();
        assert!(
            self.stdout.trim().is_empty(),
            "a failing run printed on stdout\n{}",
            self.context()
        );
        let first = self.stderr.lines().next().unwrap_or("");
        assert!(
            first.starts_with("error:"),
            "first stderr line does not start with 'error:'\n{}",
            self.context()
        );
        for n in needles {
            assert!(
                first.contains(n),
                "the error line does not contain {n:?}\n{}",
                self.context()
            );
        }
        first.to_string()
    }

    /// The `warning:` lines of stderr.
    pub fn warnings(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| l.starts_with("warning:"))
            .collect()
    }
}

/// A file of `tests/fixtures`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Runs `rurban run SPEC --out OUT -q EXTRA...`.
pub fn run_quiet(spec: &Path, out: &Path, extra: &[&str]) -> Out {
    let mut args: Vec<&OsStr> = vec![
        "run".as_ref(),
        spec.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "-q".as_ref(),
    ];
    args.extend(extra.iter().map(OsStr::new));
    rurban(args)
}

/// The exit status of every failing run (bad input and bad usage alike).
pub const EXIT_ERROR: i32 = 2;

/// One run that must fail: its arguments, the exit status it must end
/// with, and the substrings its one `error:` line must contain.
#[derive(Debug, Clone)]
pub struct Fails {
    /// The arguments after `rurban`.
    pub args: Vec<String>,
    /// The exit status expected.
    pub exit: i32,
    /// Substrings of the `error:` line.
    pub needles: Vec<String>,
}

/// A run of `args` that must fail with [`EXIT_ERROR`] and an `error:` line
/// containing every one of `needles`.
pub fn fails<A: AsRef<str>, N: AsRef<str>>(args: &[A], needles: &[N]) -> Fails {
    Fails {
        args: args.iter().map(|a| a.as_ref().to_string()).collect(),
        exit: EXIT_ERROR,
        needles: needles.iter().map(|n| n.as_ref().to_string()).collect(),
    }
}

impl Fails {
    /// The same case with `extra` appended to the arguments.
    pub fn with(mut self, extra: &[&str]) -> Fails {
        self.args.extend(extra.iter().map(ToString::to_string));
        self
    }

    /// Runs the case and checks the one-line error rule: the expected exit
    /// status, nothing on stdout, no panic, and exactly one stderr line, which
    /// starts with `error:` and contains every needle. Returns that line.
    #[track_caller]
    pub fn check(&self) -> String {
        let out = rurban(&self.args);
        let needles: Vec<&str> = self.needles.iter().map(String::as_str).collect();
        let line = out.error(&needles);
        assert_eq!(
            out.status.code(),
            Some(self.exit),
            "wrong exit status\n{}",
            out.context()
        );
        assert_eq!(
            out.stderr.lines().count(),
            1,
            "the error is not one line\n{}",
            out.context()
        );
        line
    }
}

/// Checks every case of a table (see [`Fails::check`]); returns their
/// `error:` lines in order.
#[track_caller]
pub fn check_failures(cases: &[Fails]) -> Vec<String> {
    cases.iter().map(Fails::check).collect()
}

/// Asserts that a run left no output: `dir` is absent or empty.
#[track_caller]
pub fn assert_no_outputs(dir: &Path) {
    if dir.exists() {
        let entries: Vec<_> = std::fs::read_dir(dir)
            .expect("cannot list the output directory")
            .map(|e| e.map(|e| e.file_name()).unwrap_or_default())
            .collect();
        assert!(
            entries.is_empty(),
            "a failed run left files in {}: {entries:?}",
            dir.display()
        );
    }
}

/// A CSV file (UTF-8, optional BOM) as header and rows of text.
pub fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let bytes =
        std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let bytes = bytes
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .unwrap_or(&bytes);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(bytes);
    let header = rdr
        .headers()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .iter()
        .map(str::to_string)
        .collect();
    let rows = rdr
        .records()
        .map(|r| {
            r.unwrap_or_else(|e| panic!("{}: {e}", path.display()))
                .iter()
                .map(str::to_string)
                .collect()
        })
        .collect();
    (header, rows)
}

/// Index of a column in a header.
#[track_caller]
pub fn col(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name:?} in {header:?}"))
}

/// Parses a number written by the program.
#[track_caller]
pub fn num(s: &str) -> f64 {
    s.parse()
        .unwrap_or_else(|_| panic!("{s:?} is not a number"))
}

/// A JSON array of numbers.
#[track_caller]
pub fn f64s(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|x| x.as_f64().unwrap_or_else(|| panic!("not a number: {x}")))
        .collect()
}

/// A JSON array of strings.
#[track_caller]
pub fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|x| {
            x.as_str()
                .unwrap_or_else(|| panic!("not a string: {x}"))
                .to_string()
        })
        .collect()
}

/// A small numeric matrix as CSV text with `region,year` columns first.
pub fn matrix_csv(names: &[&str], x: &[Vec<f64>]) -> String {
    let mut s = format!("region,year,{}\n", names.join(","));
    for (i, r) in x.iter().enumerate() {
        let cells: Vec<String> = r.iter().map(|v| format!("{v}")).collect();
        s.push_str(&format!("r{i},2020,{}\n", cells.join(",")));
    }
    s
}

/// Asserts that the JSON object `v` has every key of `required`, and no key
/// outside `required` and `allowed_extra`.
#[track_caller]
pub fn assert_keys(v: &Value, required: &[&str], allowed_extra: &[&str], what: &str) {
    let obj = v
        .as_object()
        .unwrap_or_else(|| panic!("{what}: not a JSON object: {v}"));
    for k in required {
        assert!(
            obj.contains_key(*k),
            "{what}: key {k:?} missing in {:?}",
            obj.keys().collect::<Vec<_>>()
        );
    }
    for k in obj.keys() {
        assert!(
            required.contains(&k.as_str()) || allowed_extra.contains(&k.as_str()),
            "{what}: unexpected key {k:?} (expected {required:?}, optionally {allowed_extra:?})"
        );
    }
}

/// Asserts `|a - b| <= tol * |b|` (a relative comparison also for small
/// numbers such as p values); `a == b` when `b` is 0.
#[track_caller]
pub fn assert_rel(a: f64, b: f64, tol: f64, what: &str) {
    assert!(
        (a - b).abs() <= tol * b.abs(),
        "{what}: {a} vs expected {b} (relative tolerance {tol})"
    );
}

/// A JSON number (panics with `what` otherwise).
#[track_caller]
pub fn fnum(v: &Value, what: &str) -> f64 {
    v.as_f64()
        .unwrap_or_else(|| panic!("{what}: not a number: {v}"))
}

/// Asserts that two JSON documents have the same structure, equal strings,
/// booleans and nulls, and numbers within `tol * max(1, |b|)`. `path` names
/// the place in messages.
#[track_caller]
pub fn assert_json_close(a: &Value, b: &Value, tol: f64, path: &str) {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (
                x.as_f64().unwrap_or(f64::NAN),
                y.as_f64().unwrap_or(f64::NAN),
            );
            assert!(
                (x - y).abs() <= tol * y.abs().max(1.0),
                "{path}: {x} vs expected {y}"
            );
        }
        (Value::Array(x), Value::Array(y)) => {
            assert_eq!(x.len(), y.len(), "{path}: array lengths differ");
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                assert_json_close(p, q, tol, &format!("{path}[{i}]"));
            }
        }
        (Value::Object(x), Value::Object(y)) => {
            let mut kx: Vec<&String> = x.keys().collect();
            let mut ky: Vec<&String> = y.keys().collect();
            kx.sort();
            ky.sort();
            assert_eq!(kx, ky, "{path}: keys differ");
            for (k, q) in y {
                assert_json_close(&x[k], q, tol, &format!("{path}.{k}"));
            }
        }
        _ => assert_eq!(a, b, "{path}: values differ"),
    }
}

/// `v` without its top-level `"warnings"` key.
pub fn without_warnings(v: &Value) -> Value {
    let mut v = v.clone();
    if let Value::Object(m) = &mut v {
        m.remove("warnings");
    }
    v
}
