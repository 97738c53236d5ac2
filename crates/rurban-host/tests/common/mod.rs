//! Builds the plugin crates once per test binary and finds their libraries.
//!
//! The plugins are built by a nested `cargo build` into their own target
//! directory (`target/plugin-tests`), so it never waits on the lock of the
//! outer `cargo test`, and they are loaded by path through the real dynamic
//! loader: the tests never link them.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The plugin packages the tests load.
const PACKAGES: [&str; 5] = [
    "rurban-plugin-merec-weights",
    "rurban-plugin-urban-rural-gap",
    "rurban-plugin-logistic-normaliser",
    "rurban-plugin-power-mean",
    "rurban-plugin-test-broken",
];

/// The workspace root.
pub fn workspace() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    root.canonicalize().unwrap_or(root)
}

/// Builds the plugins (once) and returns the directory of their libraries.
pub fn plugin_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let target = workspace().join("target").join("plugin-tests");
        let mut cmd = Command::new(env!("CARGO"));
        cmd.current_dir(workspace())
            .arg("build")
            .arg("--lib")
            .arg("--examples");
        for p in PACKAGES {
            cmd.arg("-p").arg(p);
        }
        cmd.arg("--target-dir").arg(&target);
        let out = cmd
            .output()
            .expect("cannot run cargo to build the test plugins");
        assert!(
            out.status.success(),
            "building the test plugins failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        target.join("debug")
    })
}

/// The library of a plugin crate, e.g. `lib("rurban_plugin_merec_weights")`.
pub fn lib(lib_name: &str) -> PathBuf {
    plugin_dir().join(rurban_host::library_file_name(lib_name))
}

/// The library of one broken test plugin (an example of the test-broken crate).
pub fn broken(example: &str) -> PathBuf {
    plugin_dir()
        .join("examples")
        .join(rurban_host::library_file_name(example))
}

/// The MEREC plugin.
pub fn merec() -> PathBuf {
    lib("rurban_plugin_merec_weights")
}

/// The urban-rural gap plugin.
pub fn urban_rural_gap() -> PathBuf {
    lib("rurban_plugin_urban_rural_gap")
}

/// The logistic normaliser plugin.
pub fn logistic() -> PathBuf {
    lib("rurban_plugin_logistic_normaliser")
}

/// The power-mean aggregator plugin.
pub fn power_mean() -> PathBuf {
    lib("rurban_plugin_power_mean")
}

/// A fresh scratch directory for one test.
pub fn scratch(name: &str) -> PathBuf {
    let d = workspace()
        .join("target")
        .join("plugin-tests")
        .join("scratch")
        .join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("cannot create a scratch directory");
    d
}

/// Names a, b, c, ...
pub fn names(m: usize) -> Vec<String> {
    (0..m)
        .map(|j| ((b'a' + j as u8) as char).to_string())
        .collect()
}

/// Weighs `raw` (all '+') with the registry's scheme `method` as a run does.
pub fn weigh(
    registry: &rurban_host::Registry,
    method: &str,
    raw: ndarray::ArrayView2<'_, f64>,
) -> Result<rurban_weighting::Weights, rurban_weighting::WeightError> {
    let scheme = registry
        .weighting(method)
        .unwrap_or_else(|| panic!("no weighting '{method}'"));
    let names = names(raw.ncols());
    let dirs = vec![rurban_core::Direction::Positive; raw.ncols()];
    rurban_weighting::compute(&*scheme, &names, raw, &dirs, 0.0, "{}")
}
