//! Calling plugins through the real dynamic loader: every result is checked,
//! a plugin's error or panic surfaces with its message, and the host goes on.

use crate::common;

use common::{broken, merec, urban_rural_gap};
use rurban_host::{DerivedInput, HostError, Registry};
use rurban_weighting::WeightError;

fn matrix() -> ndarray::Array2<f64> {
    ndarray::array![
        [1.0, 10.0, 3.0],
        [2.0, 30.0, 1.0],
        [4.0, 20.0, 2.0],
        [3.0, 40.0, 5.0]
    ]
}

/// A registry with every loadable broken plugin and the two real ones.
fn registry() -> Registry {
    let mut r = Registry::with_builtins();
    for b in [
        "broken_panic",
        "broken_error",
        "broken_nan",
        "broken_sum",
        "broken_negative",
        "broken_entropy",
        "broken_infinite",
        "broken_indicator_panic",
    ] {
        r.load(&broken(b)).unwrap_or_else(|e| panic!("{e}"));
    }
    r.load(&merec()).unwrap();
    r.load(&urban_rural_gap()).unwrap();
    r
}

fn weigh_err(r: &Registry, method: &str) -> String {
    match common::weigh(r, method, matrix().view()) {
        Err(WeightError::Other(msg)) => {
            let file = broken(&method.replace('-', "_"));
            assert!(
                msg.starts_with(&format!("plugin '{method}' ({}) ", file.display())),
                "{msg}"
            );
            msg
        }
        other => panic!("expected a plugin error from '{method}', got {other:?}"),
    }
}

/// One derived computation over 3 rows.
fn derive(r: &Registry, kind: &str, params: &str) -> Result<Vec<f64>, HostError> {
    let names = ["urban".to_string(), "rural".to_string()];
    let urban = [30000.0, 36000.0, 40000.0];
    let rural = [10000.0, 12000.0, f64::NAN];
    let cols: [&[f64]; 2] = [&urban, &rural];
    let regions = [
        "Harbin".to_string(),
        "Harbin".to_string(),
        "Daqing".to_string(),
    ];
    let years = [2020, 2021, 2021];
    r.derived(kind)
        .unwrap_or_else(|| panic!("no derived kind '{kind}'"))
        .compute(&DerivedInput {
            names: &names,
            columns: &cols,
            regions: &regions,
            years: &years,
            params,
        })
}

#[test]
fn a_panicking_plugin_becomes_an_error_with_its_message() {
    let r = registry();
    for _ in 0..3 {
        let msg = weigh_err(&r, "broken-panic");
        assert!(
            msg.contains("failed: the plugin panicked (caught): deliberate panic while weighing 3 columns (at "),
            "{msg}"
        );
        assert!(msg.contains("broken_panic.rs:"), "{msg}");
    }
    // Other plugins and built-ins are unaffected.
    assert!(common::weigh(&r, "merec", matrix().view()).is_ok());
    assert!(common::weigh(&r, "entropy", matrix().view()).is_ok());
}

#[test]
fn panics_from_many_threads_are_contained() {
    let r = registry();
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..5 {
                    let msg = weigh_err(&r, "broken-panic");
                    assert!(
                        msg.contains("the plugin panicked (caught): deliberate panic"),
                        "{msg}"
                    );
                    assert!(common::weigh(&r, "merec", matrix().view()).is_ok());
                }
            });
        }
    });
}

#[test]
fn a_plugin_error_status_surfaces_its_message() {
    let r = registry();
    let msg = weigh_err(&r, "broken-error");
    assert!(
        msg.ends_with("failed: column 'a' is not something this method can weigh"),
        "{msg}"
    );
}

#[test]
fn nan_weights_are_refused() {
    let r = registry();
    let msg = weigh_err(&r, "broken-nan");
    assert!(
        msg.ends_with("returned an invalid result: weight 1 ('a') is NaN; weights must be finite"),
        "{msg}"
    );
}

#[test]
fn weights_not_summing_to_one_are_refused() {
    let r = registry();
    let msg = weigh_err(&r, "broken-sum");
    // 0.3 * 3 = 0.8999999999999999 in floating point.
    assert!(
        msg.contains("returned an invalid result: the weights sum to 0.899999"),
        "{msg}"
    );
    assert!(msg.ends_with("not 1 (tolerance 1e-9)"), "{msg}");
}

#[test]
fn negative_weights_are_refused() {
    let r = registry();
    let msg = weigh_err(&r, "broken-negative");
    assert!(
        msg.ends_with("returned an invalid result: weight 2 ('b') is -0.5; weights must be >= 0"),
        "{msg}"
    );
}

#[test]
fn infinite_entropy_is_refused() {
    let r = registry();
    let msg = weigh_err(&r, "broken-entropy");
    assert!(
        msg.ends_with("entropy 3 ('c') is inf; entropy values must be finite"),
        "{msg}"
    );
}

#[test]
fn an_infinite_derived_value_is_refused() {
    let r = registry();
    let e = derive(&r, "broken-infinite", "{}").unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "plugin 'broken-infinite' ({}) returned an invalid result: row 2 (region 'Harbin', year 2021) is inf; \
             a derived value must be finite or NaN (missing)",
            broken("broken_infinite").display()
        )
    );
}

#[test]
fn a_panicking_indicator_plugin_becomes_an_error() {
    let r = registry();
    let e = derive(&r, "broken-indicator-panic", "{}").unwrap_err();
    let HostError::PluginFailed {
        plugin, message, ..
    } = &e
    else {
        panic!("{e:?}")
    };
    assert_eq!(plugin, "broken-indicator-panic");
    assert!(
        message.starts_with(
            "the plugin panicked (caught): index out of bounds: the len is 3 but the index is 8"
        ),
        "{message}"
    );
    // The working plugin next to it still computes.
    assert!(derive(&r, "urban-rural-gap", "{}").is_ok());
}

#[test]
fn the_urban_rural_gap_plugin_computes_through_the_host() {
    let r = registry();
    // 30000 / 10000 = 3, 36000 / 12000 = 3, rural missing -> missing.
    let v = derive(&r, "urban-rural-gap", "{}").unwrap();
    assert_eq!(&v[..2], &[3.0, 3.0]);
    assert!(v[2].is_nan());
    // A bad parameter surfaces the plugin's message.
    let e = derive(&r, "urban-rural-gap", r#"{"measure": "gini"}"#).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "plugin 'urban-rural-gap' ({}) failed: unknown measure 'gini': expected \"ratio\" or \"theil\"",
            urban_rural_gap().display()
        )
    );
    // The built-in ratio goes through the same trait and agrees.
    let b = derive(&r, "ratio", "{}").unwrap();
    assert_eq!(&b[..2], &v[..2]);
    assert!(b[2].is_nan());
}

#[test]
fn theil_gap_through_the_host_matches_the_formula() {
    let r = registry();
    let names = ["u".to_string(), "r".to_string(), "s".to_string()];
    let (u, rr, s) = ([30000.0], [10000.0], [0.5]);
    let cols: [&[f64]; 3] = [&u, &rr, &s];
    let regions = ["Harbin".to_string()];
    let v = r
        .derived("urban-rural-gap")
        .unwrap()
        .compute(&DerivedInput {
            names: &names,
            columns: &cols,
            regions: &regions,
            years: &[2020],
            params: r#"{"measure": "theil"}"#,
        })
        .unwrap();
    // Income shares 0.75 / 0.25 over population shares 0.5 / 0.5:
    // T = 0.75 ln 1.5 + 0.25 ln 0.5 = 0.130812...
    assert!((v[0] - (0.75 * 1.5f64.ln() + 0.25 * 0.5f64.ln())).abs() < 1e-15);
}

#[test]
fn plugin_warnings_reach_the_host() {
    let r = registry();
    // Column c constant: MEREC gives it weight 0 and says so.
    let m = ndarray::array![[1.0, 10.0, 3.0], [2.0, 30.0, 3.0], [4.0, 20.0, 3.0]];
    let w = common::weigh(&r, "merec", m.view()).unwrap();
    assert_eq!(w.weights[2], 0.0);
    assert_eq!(
        w.warnings,
        vec!["column 'c' has no removal effect (constant): weight 0".to_string()]
    );
    assert_eq!(w.entropy, None);
}

/// Run only as a child of `a_plugin_panic_prints_nothing_on_stderr`.
#[test]
#[ignore = "run as a child process by a_plugin_panic_prints_nothing_on_stderr"]
fn child_calls_the_panicking_plugins() {
    let r = registry();
    assert!(common::weigh(&r, "broken-panic", matrix().view()).is_err());
    assert!(derive(&r, "broken-indicator-panic", "{}").is_err());
    println!("child survived");
}

#[test]
fn a_plugin_panic_prints_nothing_on_stderr() {
    common::plugin_dir();
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "results::child_calls_the_panicking_plugins",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "child failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains("child survived"), "{stdout}");
    assert!(
        !stderr.contains("panicked"),
        "a plugin panic reached stderr:\n{stderr}"
    );
}

#[test]
fn the_documented_panic_message_is_the_one_the_host_shows() {
    let r = registry();
    let msg = weigh_err(&r, "broken-panic");
    let shown = format!("failed: {}", rurban_plugin_api::PANIC_PREFIX);
    assert!(msg.contains(&shown), "{msg}");
    // docs/plugins.md and the error type's documentation quote the same prefix.
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let docs = std::fs::read_to_string(format!("{root}/docs/plugins.md")).unwrap();
    assert!(
        docs.contains(&format!("`{shown}<message>")),
        "docs/plugins.md"
    );
    let source =
        std::fs::read_to_string(format!("{root}/crates/rurban-host/src/error.rs")).unwrap();
    assert!(source.contains(rurban_plugin_api::PANIC_PREFIX.trim_end()));
    assert!(!docs.contains("`failed: panicked:"));
}
