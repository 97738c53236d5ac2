//! Values near the float limits (±1.8e308) end to end: a measure whose
//! sums, squares or ranges overflow is one `error:` line naming the file,
//! the column and the row or group, never a null or infinity with exit 0.

use crate::support::{self, TempDir, rurban};

/// A small panel of Heilongjiang cities with the value column `x`.
fn panel(dir: &TempDir, name: &str, values: &[&str]) -> String {
    let regions = ["Harbin", "Suihua", "Daqing", "Yichun"];
    let mut s = String::from("region,year,x,y,g\n");
    for (i, v) in values.iter().enumerate() {
        let year = 2020 + i / regions.len();
        let g = if i % 4 < 2 { "a" } else { "b" };
        s.push_str(&format!("{},{year},{v},{},{g}\n", regions[i % 4], i + 1));
    }
    dir.write(name, &s).to_string_lossy().into_owned()
}

#[test]
fn disparity_refuses_an_overflowing_mean() {
    let d = TempDir::new("ovf-disparity");
    let f = panel(&d, "p.csv", &["1e308", "1e308", "1.5e308", "1e308"]);
    rurban([
        "disparity",
        "--input",
        &f,
        "--column",
        "x",
        "--format",
        "json",
    ])
    .error(&["p.csv", "row 3", "'x'", "overflows"]);
    let f = panel(
        &d,
        "q.csv",
        &["1", "2", "3", "4", "1e308", "1e308", "1.5e308", "1e308"],
    );
    rurban([
        "disparity",
        "--input",
        &f,
        "--column",
        "x",
        "--by",
        "year",
        "--group",
        "g",
    ])
    .error(&["q.csv", "row 7", "'x'", "overflows"]);
    // A huge value in a message reads as -1e308, not as its 309 digits.
    let f = panel(&d, "n.csv", &["5", "-1e308", "3", "4"]);
    let out = rurban(["disparity", "--input", &f, "--column", "x"]);
    let line = out.error(&["n.csv", "row 2", "'x'", "-1e308", "not positive"]);
    assert!(line.len() < 200, "{line}");
}

#[test]
fn kde_refuses_a_grid_whose_step_overflows() {
    let d = TempDir::new("ovf-kde");
    let f = panel(&d, "p.csv", &["1", "2", "3", "4"]);
    let line = rurban([
        "kde",
        "--input",
        &f,
        "--column",
        "x",
        "--grid-min",
        "-1e308",
        "--grid-max",
        "1e308",
        "--format",
        "json",
    ])
    .error(&["grid range", "overflows"]);
    assert!(line.contains("-1e308") && line.contains("1e308"), "{line}");
    // Huge data values: the default grid around them overflows.
    let f = panel(&d, "q.csv", &["1e308", "-1e308", "3", "4"]);
    rurban(["kde", "--input", &f, "--column", "x", "--format", "json"]).error(&[
        "q.csv",
        "row 1",
        "'x'",
        "overflows",
    ]);
}

#[test]
fn trend_refuses_overflowing_statistics() {
    let d = TempDir::new("ovf-trend");
    // Before: a panic inside the Student-t distribution (exit 101).
    let f = panel(
        &d,
        "p.csv",
        &["1e308", "1e308", "1.5e308", "1e308", "1.7e308"],
    );
    rurban(["trend", "--input", &f, "--column", "x", "--format", "json"]).error(&[
        "p.csv",
        "row 5",
        "'x'",
        "overflows",
    ]);
    // Before: nulls with exit 0.
    let f = panel(
        &d,
        "q.csv",
        &["1e308", "-1e308", "3", "4", "1e308", "-1e308"],
    );
    rurban(["trend", "--input", &f, "--column", "x", "--format", "json"]).error(&[
        "q.csv",
        "row 1",
        "'x'",
        "overflows",
    ]);
}

#[test]
fn grey_refuses_overflowing_normalisations() {
    let d = TempDir::new("ovf-grey");
    let f = panel(&d, "p.csv", &["1", "1e308", "-1e308", "4"]);
    rurban([
        "grey",
        "--input",
        &f,
        "--reference",
        "x",
        "--compare",
        "y",
        "--normalization",
        "minmax",
        "--format",
        "json",
    ])
    .error(&["p.csv", "row 2", "'x'", "overflows"]);
    let f = panel(&d, "q.csv", &["1", "1.7e308", "-1.7e308", "4"]);
    rurban([
        "grey",
        "--input",
        &f,
        "--reference",
        "y",
        "--compare",
        "x",
        "--normalization",
        "none",
    ])
    .error(&["q.csv", "row 2", "'x'", "overflows"]);
}

#[test]
fn convergence_refuses_an_overflowing_sigma() {
    let d = TempDir::new("ovf-convergence");
    let f = panel(
        &d,
        "p.csv",
        &["1", "2", "3", "4", "1e308", "1.7e308", "1e308", "1e308"],
    );
    rurban([
        "convergence",
        "--input",
        &f,
        "--column",
        "x",
        "--format",
        "json",
    ])
    .error(&["p.csv", "row 6", "'x'", "2021", "overflows"]);
}

/// The boundaries of the Heilongjiang cities (the panel's regions).
fn heilongjiang() -> String {
    support::shared_data("boundaries/heilongjiang_cities.geojson")
        .to_string_lossy()
        .into_owned()
}

#[test]
fn moran_refuses_overflowing_moments() {
    let d = TempDir::new("ovf-moran");
    let g = heilongjiang();
    let f = panel(
        &d,
        "p.csv",
        &["1", "2", "3", "4", "1e308", "-1.7e308", "3", "4"],
    );
    let line = rurban([
        "moran",
        "--input",
        &f,
        "--column",
        "x",
        "--geo",
        &g,
        "--by",
        "year",
        "--permutations",
        "0",
        "--format",
        "json",
    ])
    .error(&["p.csv", "'x'", "\"2021\"", "\"Suihua\"", "overflows"]);
    assert!(line.contains("-1.7e308"), "{line}");
}

#[test]
fn gravity_refuses_overflowing_sums() {
    let d = TempDir::new("ovf-gravity");
    let g = heilongjiang();
    let f = panel(
        &d,
        "p.csv",
        &["1", "2", "3", "4", "1e308", "1.7e308", "3", "4"],
    );
    rurban([
        "gravity", "--input", &f, "--column", "x", "--geo", &g, "--by", "year", "--format", "json",
    ])
    .error(&["p.csv", "'x'", "2021", "\"Suihua\"", "overflow"]);
}

#[test]
fn cluster_standardize_refuses_an_overflowing_standard_deviation() {
    let d = TempDir::new("ovf-cluster");
    let f = panel(&d, "p.csv", &["1", "1e308", "-1.7e308", "4"]);
    for method in ["kmeans", "ward"] {
        let line = rurban([
            "cluster",
            "--input",
            &f,
            "--columns",
            "x,y",
            "--method",
            method,
            "--k",
            "2",
            "--standardize",
            "--format",
            "json",
        ])
        .error(&["p.csv", "row 3", "'x'", "overflows"]);
        assert!(!line.contains("constant"), "{line}");
    }
}

#[test]
fn an_overflowing_shift_is_refused_on_every_weighting_path() {
    let d = TempDir::new("ovf-shift");
    let data =
        "region,year,a,b\nx,2011,1,2\ny,2011,3,4\nz,2011,5,9\nx,2012,2,2\ny,2012,4,5\nz,2012,6,7\n";
    d.write("w.csv", data);
    let w = d.join("w.csv");
    rurban([
        "weights".as_ref(),
        "--input".as_ref(),
        w.as_os_str(),
        "--method".as_ref(),
        "entropy".as_ref(),
        "--shift".as_ref(),
        "1e308".as_ref(),
    ])
    .error(&["w.csv", "shift 1e308", "overflow"]);
    for scope in ["panel", "year"] {
        let spec = d.write(
            "spec.toml",
            &format!(
                "data = \"w.csv\"\n[method]\nshift = 1e308\nscope = \"{scope}\"\n\
                 [[dimension]]\nid = \"d\"\n[[dimension.indicator]]\nid = \"a\"\ndirection = \"+\"\n\
                 [[dimension.indicator]]\nid = \"b\"\ndirection = \"-\"\n"
            ),
        );
        let out = d.join(&format!("out-{scope}"));
        rurban([
            "run".as_ref(),
            spec.as_os_str(),
            "--out".as_ref(),
            out.as_os_str(),
        ])
        .error(&["w.csv", "shift 1e308", "overflow"]);
        support::assert_no_outputs(&out);
    }
}
