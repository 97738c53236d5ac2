//! `rurban run` and its output directory: concurrent runs, planted links,
//! files of the user, and inputs that an output would overwrite.

use crate::support;

use std::path::Path;
use std::process::Command;

use serde_json::Value;
use support::{TempDir, run_quiet, rurban, rurban_in};

const GOOD: &str = "region,year,a,b\nx,2011,1,2\ny,2011,3,4\nz,2011,5,9\n";

/// A spec named `name` reading `data`, with indicators `a` (+) and `b` (-).
fn spec(name: &str, data: &str) -> String {
    format!(
        "name = \"{name}\"\ndata = \"{data}\"\n\n[[dimension]]\nid = \"d\"\n\n\
         [[dimension.indicator]]\nid = \"a\"\ndirection = \"+\"\n\n\
         [[dimension.indicator]]\nid = \"b\"\ndirection = \"-\"\n"
    )
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    v.sort();
    v
}

#[test]
fn no_report_leaves_a_report_html_of_the_user() {
    let dir = TempDir::new("userreport");
    dir.write("d.csv", GOOD);
    let spec = dir.write("spec.toml", &spec("mine", "d.csv"));
    let out = dir.join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("report.html"), "<p>my own notes</p>").unwrap();
    let run = |extra: &[&str]| {
        let mut args: Vec<&std::ffi::OsStr> = vec![
            "run".as_ref(),
            spec.as_os_str(),
            "--out".as_ref(),
            out.as_os_str(),
            "-q".as_ref(),
        ];
        args.extend(extra.iter().map(std::ffi::OsStr::new));
        rurban(args).ok();
    };
    run(&["--no-report"]);
    run(&["--no-report", "--no-xlsx"]);
    assert_eq!(
        std::fs::read_to_string(out.join("report.html")).unwrap(),
        "<p>my own notes</p>"
    );
    assert!(
        !out.join("results.xlsx").exists(),
        "results.xlsx that rurban wrote is removed"
    );
    assert!(out.join("summary.json").is_file());
}

#[test]
fn out_dot_with_the_data_named_scores_csv_is_refused() {
    let dir = TempDir::new("dotout");
    let data = dir.write("scores.csv", GOOD);
    dir.write("spec.toml", &spec("dot", "scores.csv"));
    let line = rurban_in(Some(dir.path()), ["run", "spec.toml", "--out", ".", "-q"]).error(&[
        "scores.csv",
        "data file",
        "refusing to write over",
    ]);
    // Both paths are named: the output and the input.
    assert!(line.matches("scores.csv").count() >= 2, "{line}");
    assert_eq!(std::fs::read_to_string(&data).unwrap(), GOOD);
    let left = names(dir.path());
    for f in ["weights.csv", "summary.json", "report.html"] {
        assert!(!left.iter().any(|n| n == f), "{f} written: {left:?}");
    }
}

#[test]
fn the_spec_as_an_output_name_is_refused() {
    let dir = TempDir::new("specout");
    let data = dir.write("d.csv", GOOD);
    // A spec named like a file of the run, in the output directory.
    let out = dir.join("out");
    std::fs::create_dir(&out).unwrap();
    let text = spec("s", &data.display().to_string());
    std::fs::write(out.join("summary.json"), &text).unwrap();
    rurban([
        "run".as_ref(),
        out.join("summary.json").as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ])
    .error(&["summary.json", "spec"]);
    assert_eq!(
        std::fs::read_to_string(out.join("summary.json")).unwrap(),
        text
    );
}

#[cfg(unix)]
#[test]
fn a_planted_partial_symlink_is_not_followed() {
    let dir = TempDir::new("plantedlink");
    dir.write("d.csv", GOOD);
    let spec = dir.write("spec.toml", &spec("links", "d.csv"));
    let victim = dir.write("victim.txt", "do not touch\n");
    let out = dir.join("out");
    std::fs::create_dir(&out).unwrap();
    for n in ["scores.csv.partial", "summary.json.partial", "weights.csv"] {
        std::os::unix::fs::symlink(&victim, out.join(n)).unwrap();
    }
    run_quiet(&spec, &out, &[]).ok();
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "do not touch\n");
    // weights.csv is now the run's file, not a link.
    let m = std::fs::symlink_metadata(out.join("weights.csv")).unwrap();
    assert!(m.is_file());
    assert!(
        std::fs::read_to_string(out.join("weights.csv"))
            .unwrap()
            .starts_with("dimension,indicator,direction,weight")
    );
}

/// Two processes running into one directory at once, several times: both
/// succeed (one waits for the other's lock), and the directory holds
/// exactly one run's files, none left half-written.
#[test]
fn two_concurrent_runs_into_one_directory() {
    let dir = TempDir::new("concurrent");
    dir.write("d.csv", GOOD);
    let with_report = dir.write("a.toml", &spec("run-a", "d.csv"));
    let bare = dir.write("b.toml", &spec("run-b", "d.csv"));
    let out = dir.join("out");
    for round in 0..4 {
        let start = |spec: &Path, extra: &[&str]| {
            Command::new(env!("CARGO_BIN_EXE_rurban"))
                .arg("run")
                .arg(spec)
                .arg("--out")
                .arg(&out)
                .arg("-q")
                .args(extra)
                .output()
        };
        let (a, b) = std::thread::scope(|s| {
            let a = s.spawn(|| start(&with_report, &[]));
            let b = s.spawn(|| start(&bare, &["--no-report", "--no-xlsx"]));
            (a.join().unwrap().unwrap(), b.join().unwrap().unwrap())
        });
        for o in [&a, &b] {
            assert!(
                o.status.success(),
                "round {round}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
        }
        let summary: Value =
            serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
        let last_is_a = summary["name"] == "run-a";
        let files = names(&out);
        let mut expected = vec![
            ".rurban-manifest.json",
            ".rurban.lock",
            "scores.csv",
            "stages",
            "summary.json",
            "weights.csv",
        ];
        if last_is_a {
            expected.extend(["report.html", "results.xlsx"]);
        }
        // Analysis files the tiny panel allows are the same for both runs.
        let files: Vec<&str> = files
            .iter()
            .map(String::as_str)
            .filter(|n| !n.ends_with(".csv") || ["scores.csv", "weights.csv"].contains(n))
            .filter(|n| *n != "convergence.json")
            .collect();
        expected.sort();
        assert_eq!(files, expected, "round {round}");
        // The manifest describes exactly the files there.
        let m: Value =
            serde_json::from_slice(&std::fs::read(out.join(".rurban-manifest.json")).unwrap())
                .unwrap();
        for e in m["files"].as_array().unwrap() {
            let name = e["name"].as_str().unwrap();
            let len = std::fs::metadata(out.join(name)).unwrap().len();
            assert_eq!(len, e["size"].as_u64().unwrap(), "{name}");
        }
        if last_is_a {
            let html = std::fs::read_to_string(out.join("report.html")).unwrap();
            assert!(html.contains("run-a"));
        }
    }
}
