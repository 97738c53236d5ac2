//! `RURBAN_PLUGIN_PATH`-style search paths. Each case runs this test binary
//! again as a child with the variable set, so no test changes its own
//! environment.

use crate::common;

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use rurban_host::Registry;

const VAR: &str = "RURBAN_TEST_PLUGIN_PATH";

/// Run only as a child of the tests below: loads `RURBAN_TEST_PRELOAD` (if
/// set), then the search path, and prints the outcome on one line.
#[test]
#[ignore = "run as a child process by the search-path tests"]
fn child_loads_the_search_path() {
    let mut r = Registry::with_builtins();
    if let Some(p) = std::env::var_os("RURBAN_TEST_PRELOAD") {
        r.load(&PathBuf::from(p)).unwrap();
    }
    match r.load_search_path(VAR) {
        Ok(()) => {
            let plugins: Vec<String> = r
                .list()
                .into_iter()
                .filter(|i| !i.builtin)
                .map(|i| format!("{}={}", i.name, i.file.unwrap()))
                .collect();
            println!("\nLOADED {}", plugins.join(" "));
        }
        Err(e) => println!("\nERROR {e}"),
    }
}

/// Runs the child with the search path `dirs` and returns its outcome line.
fn run(dirs: &[PathBuf], preload: Option<PathBuf>) -> String {
    common::plugin_dir();
    let value: OsString = std::env::join_paths(dirs).unwrap();
    let mut cmd = std::process::Command::new(std::env::current_exe().unwrap());
    cmd.args([
        "--exact",
        "search_path::child_loads_the_search_path",
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ])
    .env(VAR, value)
    .env_remove("RURBAN_TEST_PRELOAD");
    if let Some(p) = preload {
        cmd.env("RURBAN_TEST_PRELOAD", p);
    }
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "child failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
        .lines()
        .find(|l| l.starts_with("LOADED") || l.starts_with("ERROR"))
        .unwrap_or_else(|| panic!("no outcome in:\n{stdout}"))
        .to_string()
}

fn copy_into(dir: &Path, from: PathBuf, name: &str) -> PathBuf {
    let to = dir.join(rurban_host::library_file_name(name));
    std::fs::copy(from, &to).unwrap();
    to
}

#[test]
fn loads_every_library_of_every_directory_in_name_order() {
    let a = common::scratch("search-a");
    let b = common::scratch("search-b");
    let gap = copy_into(&a, common::urban_rural_gap(), "a_gap");
    std::fs::write(a.join("README.txt"), "not a library, ignored").unwrap();
    let merec = copy_into(&b, common::merec(), "z_merec");
    // An empty entry between the two directories is skipped.
    let line = run(&[a.clone(), PathBuf::new(), b.clone()], None);
    assert_eq!(
        line,
        format!(
            "LOADED urban-rural-gap={} merec={}",
            gap.display(),
            merec.display()
        )
    );
}

#[test]
fn a_missing_directory_is_an_error_naming_it() {
    let missing = common::scratch("search-missing").join("nope");
    let line = run(std::slice::from_ref(&missing), None);
    assert_eq!(
        line,
        format!(
            "ERROR plugin search path {VAR}: directory '{}': no such directory",
            missing.display()
        )
    );
}

#[test]
fn a_broken_library_on_the_path_is_an_error_naming_the_file() {
    let d = common::scratch("search-broken");
    let bad = copy_into(&d, common::broken("broken_no_entry"), "broken_no_entry");
    let line = run(&[d], None);
    assert_eq!(
        line,
        format!(
            "ERROR '{}' is not a rurban plugin: it exports no 'rurban_plugin_entry_v1' symbol",
            bad.display()
        )
    );
}

#[test]
fn a_library_both_given_and_on_the_path_loads_once() {
    // The plugin build directory holds exactly the four example plugin
    // libraries, loaded in file-name order after the preloaded merec.
    let dir = common::plugin_dir().to_path_buf();
    let line = run(&[dir], Some(common::merec()));
    assert_eq!(
        line,
        format!(
            "LOADED merec={} logistic={} power-mean={} urban-rural-gap={}",
            common::merec().display(),
            common::logistic().display(),
            common::power_mean().display(),
            common::urban_rural_gap().display()
        )
    );
}
