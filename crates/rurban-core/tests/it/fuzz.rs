//! Fuzz-style properties of the readers: random CSV/TSV text, random small
//! workbooks, random bytes named `.xlsx`, and random specifications built
//! from the spec's keys never panic, and every error names the file.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use rurban_core::{ReadOptions, Table};
use rurban_spec::Spec;

fn scratch() -> PathBuf {
    let d = std::env::temp_dir().join(format!("rurban-core-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Every error names the file it is about.
fn check_table(path: &Path) {
    if let Err(e) = Table::read(path, &ReadOptions::default()) {
        let msg = e.to_string();
        assert!(
            msg.contains(&path.display().to_string()),
            "error without the file: {msg}"
        );
        assert!(!msg.contains('\n'), "multi-line error: {msg}");
    } else if let Ok(t) = Table::read(path, &ReadOptions::default()) {
        for c in 0..t.headers.len() {
            let _ = t.numbers(c);
            let _ = t.years(c);
        }
    }
}

fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("NA".to_string()),
        Just("\"6,016.3\"".to_string()),
        Just("\"a\nb\"".to_string()),
        Just("\"".to_string()),
        Just("2011.0".to_string()),
        Just("1e308".to_string()),
        Just("地区".to_string()),
        "[-0-9.,e]{0,6}",
        "[a-z \t\"]{0,4}",
    ]
}

fn xlsx_cell() -> impl Strategy<Value = (u32, u16, Option<f64>, String)> {
    (
        0u32..6,
        0u16..5,
        proptest::option::of(-1e6f64..1e6),
        "[a-z0-9 ]{0,5}",
    )
}

const SPEC_KEYS: [&str; 12] = [
    "name = \"x\"",
    "data = \"p.csv\"",
    "[data]\nfile = \"p.csv\"",
    "[method]\nweights = \"entropy\"",
    "[method]\nimpute = \"linear\"",
    "[method]\nshift = -1",
    "[[dimension]]\nid = \"d\"",
    "[[dimension.indicator]]\nid = \"x\"\ndirection = \"+\"",
    "[[dimension.indicator]]\nid = \"x\"\ndirection = \"?\"",
    "[[derived]]\nid = \"r\"\nkind = \"ratio\"\ninputs = [\"x\", \"y\"]",
    "[analysis.kde]\ngrid_n = 1",
    "bogus = 1",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn delimited_tables_never_panic(rows in prop::collection::vec(prop::collection::vec(cell(), 1..5), 0..6), tab in any::<bool>()) {
        let sep = if tab { "\t" } else { "," };
        let text: String = rows.iter().map(|r| r.join(sep) + "\n").collect();
        let path = scratch().join(if tab { "f.tsv" } else { "f.csv" });
        std::fs::write(&path, text).unwrap();
        check_table(&path);
    }

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300), xlsx in any::<bool>()) {
        let path = scratch().join(if xlsx { "b.xlsx" } else { "b.csv" });
        std::fs::write(&path, &bytes).unwrap();
        check_table(&path);
    }

    #[test]
    fn small_workbooks_never_panic(cells in prop::collection::vec(xlsx_cell(), 0..12)) {
        let path = scratch().join("w.xlsx");
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for (r, c, num, text) in &cells {
            match num {
                Some(v) => { ws.write_number(*r, *c, *v).unwrap(); }
                None => { ws.write_string(*r, *c, text).unwrap(); }
            }
        }
        wb.save(&path).unwrap();
        check_table(&path);
    }

    #[test]
    fn specs_never_panic(parts in prop::collection::vec(0..SPEC_KEYS.len(), 0..8)) {
        let text: String = parts.iter().map(|&i| format!("{}\n", SPEC_KEYS[i])).collect();
        let path = scratch().join("spec.toml");
        if let Err(e) = Spec::from_str_at(&text, &path) {
            let msg = e.to_string();
            prop_assert!(msg.contains("spec.toml"), "{}", msg);
            prop_assert!(!msg.contains('\n'), "{}", msg);
        }
    }
}
