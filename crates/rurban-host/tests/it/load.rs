//! Loading plugins through the real dynamic loader: every refusal names the
//! file and the reason, and the host goes on working after each one.

use crate::common;

use std::path::Path;

use common::{broken, merec, urban_rural_gap};
use rurban_host::{HostError, Registry};

fn load_err(r: &mut Registry, path: &Path) -> String {
    let e = r.load(path).expect_err("the load should have been refused");
    let msg = e.to_string();
    assert!(
        msg.contains(&path.display().to_string()),
        "the error does not name the file: {msg}"
    );
    assert!(!msg.contains('\n'), "the error is not one line: {msg}");
    msg
}

/// A matrix every scheme can weigh: 4 rows, 3 columns, all values > 0.
fn matrix() -> ndarray::Array2<f64> {
    ndarray::array![
        [1.0, 10.0, 3.0],
        [2.0, 30.0, 1.0],
        [4.0, 20.0, 2.0],
        [3.0, 40.0, 5.0]
    ]
}

#[test]
fn every_refusal_names_the_file_and_the_host_survives() {
    let mut r = Registry::with_builtins();
    let before = r.list();

    // Missing file.
    let missing = common::plugin_dir().join("libdoes_not_exist.so");
    let msg = load_err(&mut r, &missing);
    assert!(msg.ends_with("': file not found"), "{msg}");

    // No entry symbol.
    let p = broken("broken_no_entry");
    let msg = load_err(&mut r, &p);
    assert_eq!(
        msg,
        format!(
            "'{}' is not a rurban plugin: it exports no 'rurban_plugin_entry_v1' symbol",
            p.display()
        )
    );

    // Wrong ABI version in the declaration: both versions named.
    let p = broken("broken_abi");
    let e = r.load(&p).unwrap_err();
    assert_eq!(
        e,
        HostError::AbiVersion {
            path: p.clone(),
            found: 99,
            supported: 1
        }
    );
    let msg = e.to_string();
    assert!(
        msg.contains("ABI version 99") && msg.contains("ABI version 1"),
        "{msg}"
    );

    // A library built for a future ABI (only the v2 symbol).
    let p = broken("broken_future_abi");
    assert_eq!(
        r.load(&p).unwrap_err(),
        HostError::AbiVersion {
            path: p.clone(),
            found: 2,
            supported: 1
        }
    );

    // Null declaration, null name, non-UTF-8 name, missing function, unknown kind.
    let p = broken("broken_null_declaration");
    let msg = load_err(&mut r, &p);
    assert!(
        msg.ends_with("has an invalid declaration: the entry function returned a null pointer"),
        "{msg}"
    );
    let p = broken("broken_null_name");
    let msg = load_err(&mut r, &p);
    assert!(
        msg.ends_with("has an invalid declaration: its name is a null pointer"),
        "{msg}"
    );
    let p = broken("broken_bad_utf8_name");
    let msg = load_err(&mut r, &p);
    assert!(
        msg.ends_with("has an invalid declaration: its name is not UTF-8 (\"bad\u{FFFD}name\")"),
        "{msg}"
    );
    let p = broken("broken_missing_fn");
    let msg = load_err(&mut r, &p);
    assert!(
        msg.ends_with("it is a weighting plugin but its weigh function is null"),
        "{msg}"
    );
    let p = broken("broken_unknown_kind");
    let msg = load_err(&mut r, &p);
    assert!(
        msg.ends_with("unknown kind 7 (expected 1 = weighting or 2 = indicator)"),
        "{msg}"
    );

    // A name taken by a built-in: the built-in stays.
    let p = broken("dup_entropy");
    let msg = load_err(&mut r, &p);
    assert!(
        msg.ends_with(
            "is named 'entropy', a name already taken by the built-in weighting 'entropy'"
        ),
        "{msg}"
    );
    assert_eq!(
        r.weighting("entropy").unwrap().description(),
        before[0].description
    );

    // Nothing was registered by any refused library.
    assert_eq!(r.list(), before);

    // And a good plugin still loads and works.
    r.load(&merec()).unwrap();
    let w = common::weigh(&r, "merec", matrix().view()).unwrap();
    assert_eq!(w.weights.len(), 3);
    assert!((w.weights.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    assert_eq!(r.list().len(), before.len() + 1);
}

#[test]
fn a_name_taken_by_another_plugin_is_refused() {
    let mut r = Registry::with_builtins();
    r.load(&merec()).unwrap();
    // The same library under another file name is a second library to the
    // loader, declaring the same name.
    let dir = common::scratch("duplicate");
    let copy = dir.join(rurban_host::library_file_name("merec_copy"));
    std::fs::copy(merec(), &copy).unwrap();
    let msg = load_err(&mut r, &copy);
    assert_eq!(
        msg,
        format!(
            "plugin '{}' is named 'merec', a name already taken by the plugin loaded from '{}'",
            copy.display(),
            merec().display()
        )
    );
    // The first one still answers.
    assert!(common::weigh(&r, "merec", matrix().view()).is_ok());
}

#[test]
fn loading_the_same_file_twice_is_a_no_op() {
    let mut r = Registry::with_builtins();
    r.load(&merec()).unwrap();
    let n = r.list().len();
    r.load(&merec()).unwrap();
    // The same file through another spelling of its path.
    let dotted = merec()
        .parent()
        .unwrap()
        .join(".")
        .join(merec().file_name().unwrap());
    r.load(&dotted).unwrap();
    assert_eq!(r.list().len(), n);
}

#[test]
fn a_non_library_file_is_refused() {
    let mut r = Registry::with_builtins();
    let dir = common::scratch("not-a-library");
    let fake = dir.join(rurban_host::library_file_name("fake"));
    std::fs::write(&fake, b"this is not a shared library").unwrap();
    let msg = load_err(&mut r, &fake);
    assert!(msg.starts_with("cannot load plugin '"), "{msg}");
    r.load(&urban_rural_gap()).unwrap();
    assert!(r.derived("urban-rural-gap").is_some());
}

#[test]
fn plugins_are_listed_with_kind_version_and_file() {
    let mut r = Registry::with_builtins();
    r.load(&merec()).unwrap();
    r.load(&urban_rural_gap()).unwrap();
    let list = r.list();
    let m = list.iter().find(|i| i.name == "merec").unwrap();
    assert_eq!(m.kind, "weighting");
    assert_eq!(m.version, "0.1.0");
    assert_eq!(
        m.file.as_deref(),
        Some(merec().display().to_string().as_str())
    );
    assert!(!m.builtin);
    assert!(m.description.starts_with("MEREC"));
    let g = list.iter().find(|i| i.name == "urban-rural-gap").unwrap();
    assert_eq!(g.kind, "indicator");
    // Built-ins first, then plugins in load order.
    let names: Vec<&str> = list.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(&names[8..], &["merec", "urban-rural-gap"]);
    assert_eq!(
        r.weighting_names().last().map(String::as_str),
        Some("merec")
    );
    assert_eq!(
        r.derived_names().last().map(String::as_str),
        Some("urban-rural-gap")
    );
}
