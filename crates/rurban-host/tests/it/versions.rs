//! ABI growth: plugins built for minor 0 (the 64-byte declaration every
//! plugin had before minor versions existed) still load and work, a later
//! minor with fields this host does not know loads, and an unknown major
//! version or a declaration too small for its minor is refused naming the
//! file.

use crate::common;

use std::path::Path;

use common::{broken, merec, urban_rural_gap};
use rurban_core::Direction;
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

fn abi_of(r: &Registry, name: &str) -> Option<String> {
    r.list().into_iter().find(|i| i.name == name).unwrap().abi
}

#[test]
fn old_layout_plugins_load_and_work() {
    let mut r = Registry::with_builtins();
    // The existing example plugins, source unchanged.
    r.load(&merec()).unwrap();
    r.load(&urban_rural_gap()).unwrap();
    assert!(r.derived("urban-rural-gap").is_some());
    assert_eq!(abi_of(&r, "merec").as_deref(), Some("1.1"));
    // A 64-byte ABI 1.0 declaration, as plugins were built before minor versions.
    r.load(&broken("old_layout")).unwrap();
    assert_eq!(abi_of(&r, "old-layout").as_deref(), Some("1.0"));
    let raw = ndarray::array![[1.0, 2.0, 3.0, 4.0], [2.0, 1.0, 5.0, 3.0]];
    let w = common::weigh(&r, "old-layout", raw.view()).unwrap();
    assert_eq!(w.weights, vec![0.25; 4]);
    // Today's struct declaring minor 0, with nonsense after last_error: the
    // host reads none of it (a size of 3 would be refused for minor 1).
    r.load(&broken("old_minor")).unwrap();
    assert_eq!(abi_of(&r, "old-minor").as_deref(), Some("1.0"));
    assert_eq!(
        r.list()
            .iter()
            .find(|i| i.name == "old-minor")
            .unwrap()
            .kind,
        "weighting"
    );
    assert!(r.normaliser("old-minor").is_none());
    let w = common::weigh(&r, "old-minor", raw.view()).unwrap();
    assert_eq!(w.weights, vec![0.25; 4]);
    assert!(r.warnings().is_empty());
}

#[test]
fn a_later_minor_with_unknown_fields_loads() {
    let mut r = Registry::with_builtins();
    r.load(&broken("future_minor")).unwrap();
    assert_eq!(abi_of(&r, "future-minor").as_deref(), Some("1.9"));
    assert_eq!(r.normaliser_names(), vec!["future-minor"]);
    // Its normalise function (the identity) is the one at minor 1's offset.
    let n = r.normaliser("future-minor").unwrap();
    let raw = ndarray::array![[1.5, -2.0], [f64::NAN, 4.0]];
    let out = n.normalise(raw.view(), &[Direction::Positive, Direction::Negative]);
    assert_eq!(out.z[[0, 0]], 1.5);
    assert_eq!(out.z[[0, 1]], -2.0);
    assert!(out.z[[1, 0]].is_nan());
    assert_eq!(out.z[[1, 1]], 4.0);
    assert_eq!(out.min, vec![1.5, -2.0]);
    assert_eq!(out.max, vec![1.5, 4.0]);
    assert!(r.take_failures().is_empty());
    assert_eq!(
        r.warnings(),
        [format!(
            "plugin 'future-minor' ({}) was built for plugin ABI version 1.9; this rurban knows 1.1 and ignores what later minor versions added",
            broken("future_minor").display()
        )]
    );
}

#[test]
fn unknown_major_and_bad_minor_declarations_are_refused() {
    let mut r = Registry::with_builtins();
    let before = r.list();
    // Major 2 behind the v1 symbol.
    let p = broken("broken_future_major");
    let e = r.load(&p).unwrap_err();
    assert_eq!(
        e,
        HostError::AbiVersion {
            path: p.clone(),
            found: 2,
            supported: 1
        }
    );
    let msg = load_err(&mut r, &p);
    assert_eq!(
        msg,
        format!(
            "plugin '{}' was built for plugin ABI version 2, but this rurban speaks ABI version 1: rebuild it against the rurban-plugin-api of this rurban",
            p.display()
        )
    );
    // Minor 1 with a size that does not cover minor 1's fields.
    let p = broken("broken_small_size");
    let msg = load_err(&mut r, &p);
    assert!(
        msg.ends_with(
            "has an invalid declaration: it declares ABI version 1.1 but a declaration size of 64 bytes, less than the 88 bytes of version 1.1"
        ),
        "{msg}"
    );
    // A normaliser kind in a 1.0 declaration, which has no normalise field.
    let p = broken("broken_old_normaliser");
    let msg = load_err(&mut r, &p);
    assert!(
        msg.ends_with(
            "has an invalid declaration: kind 3 (normaliser) needs ABI version 1.1 or later, but the declaration says 1.0"
        ),
        "{msg}"
    );
    // A normaliser without its function.
    let p = broken("broken_normaliser_missing_fn");
    let msg = load_err(&mut r, &p);
    assert!(
        msg.ends_with("it is a normaliser plugin but its normalise function is null"),
        "{msg}"
    );
    // A normaliser named like a built-in normalisation.
    let p = broken("dup_zscore");
    let msg = load_err(&mut r, &p);
    assert!(
        msg.ends_with("is named 'zscore', a name already taken by a built-in normalisation"),
        "{msg}"
    );
    assert_eq!(r.list(), before);
}
