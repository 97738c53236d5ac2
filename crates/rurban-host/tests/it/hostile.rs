//! Hostile plugin files: truncated libraries, names with control
//! characters, noisy messages, and hard links to a loaded library.

use crate::common;

use common::{broken, merec, scratch, weigh};
use ndarray::array;
use rurban_host::Registry;

#[test]
fn a_truncated_library_is_refused_not_loaded() {
    let dir = scratch("truncated");
    let full = std::fs::read(merec()).unwrap();
    for (tag, len) in [("head", 3000), ("half", full.len() / 2), ("short", 40)] {
        let cut = dir.join(format!("{tag}_{}", rurban_host::library_file_name("cut")));
        std::fs::write(&cut, &full[..len]).unwrap();
        let mut r = Registry::with_builtins();
        let msg = r.load(&cut).unwrap_err().to_string();
        assert!(msg.contains(&cut.display().to_string()), "{msg}");
        assert!(msg.contains("truncated or corrupt"), "{tag}: {msg}");
    }
    // Text and a non-library ELF file are refused with their reason.
    let text = dir.join("text.so");
    std::fs::write(&text, "not a library").unwrap();
    let msg = Registry::with_builtins()
        .load(&text)
        .unwrap_err()
        .to_string();
    assert!(msg.contains("not an ELF file"), "{msg}");
    // The whole file still loads.
    Registry::with_builtins().load(&merec()).unwrap();
}

#[test]
fn a_name_with_control_characters_is_refused_escaped() {
    let p = broken("broken_control_name");
    let msg = Registry::with_builtins().load(&p).unwrap_err().to_string();
    assert!(
        msg.ends_with("its name 'bad\\nname\\u{1b}[2J' contains control characters"),
        "{msg}"
    );
    assert!(!msg.chars().any(char::is_control), "{msg:?}");
}

#[test]
fn a_plugin_message_is_escaped_and_bounded() {
    let mut r = Registry::with_builtins();
    r.load(&broken("broken_error")).unwrap();
    // broken-error quotes the first column name in its message.
    let scheme = r.weighting("broken-error").unwrap();
    let name = format!("a\nb\x1b[2J{}", "n".repeat(100_000));
    let names = vec![name, "b".to_string()];
    let dirs = vec![rurban_core::Direction::Positive; 2];
    let raw = array![[1.0, 2.0], [2.0, 1.0], [3.0, 3.5]];
    let e = rurban_weighting::compute(&*scheme, &names, raw.view(), &dirs, 0.0, "{}")
        .unwrap_err()
        .to_string();
    assert!(!e.chars().any(char::is_control), "{:?}", &e[..200]);
    assert!(e.contains("a\\nb\\u{1b}[2J"), "{}", &e[..200]);
    assert!(e.len() < 2_000, "{} bytes", e.len());
}

#[cfg(unix)]
#[test]
fn a_hard_link_to_a_loaded_library_loads_once() {
    let dir = scratch("hardlink");
    let link = dir.join(rurban_host::library_file_name("merec_again"));
    std::fs::hard_link(merec(), &link).unwrap();
    let mut r = Registry::with_builtins();
    r.load(&merec()).unwrap();
    let n = r.list().len();
    r.load(&link).unwrap();
    assert_eq!(r.list().len(), n);
    let w = weigh(
        &r,
        "merec",
        array![[1.0, 2.0], [2.0, 1.0], [3.0, 3.5]].view(),
    )
    .unwrap();
    assert_eq!(w.weights.len(), 2);
}
