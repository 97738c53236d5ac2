//! The fast reading of wide panels gives the general path's panel, to the
//! bit, on the data shipped with the project.

use std::path::{Path, PathBuf};

use rurban_core::{Panel, PanelColumns, ReadOptions, Table, wide};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Reads `file` both ways with every numeric column of the general table
/// as an indicator, and compares the panels bit for bit.
fn same_both_ways(file: &Path, cols: &PanelColumns<'_>) {
    let opts = ReadOptions::default();
    let table = Table::read(file, &opts).unwrap();
    let (rcol, ycol) = (
        table
            .id_column(rurban_core::IdColumn::Region, cols.region)
            .unwrap()
            .unwrap(),
        table
            .id_column(rurban_core::IdColumn::Year, cols.year)
            .unwrap()
            .unwrap(),
    );
    let wanted: Vec<String> = (0..table.headers.len())
        .filter(|&c| c != rcol && c != ycol && table.numbers(c).is_ok())
        .map(|c| table.headers[c].clone())
        .collect();
    assert!(wanted.len() > 5, "{}: {wanted:?}", file.display());
    let general = Panel::from_table(&table, cols, Some(&wanted)).unwrap();
    let (head, fast) = wide::read_wide(file, &opts, cols, Some(&wanted))
        .unwrap_or_else(|| panic!("{} was not read the fast way", file.display()));
    assert_eq!(head.headers, table.headers);
    assert_eq!(fast.source, general.source);
    assert_eq!(fast.regions, general.regions);
    assert_eq!(fast.years, general.years);
    assert_eq!(fast.indicators, general.indicators);
    let bits = |p: &Panel| p.values.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&fast), bits(&general), "{}", file.display());
    assert_eq!(fast.observed, general.observed);
    assert!(fast.file_rows().eq(general.file_rows()));
    assert_eq!(fast.rows.dim().2, 1, "one file row per region-year");
    assert!(general.observed.iter().any(|o| *o));
}

#[test]
fn heilongjiang_panel() {
    same_both_ways(
        &root().join("examples/heilongjiang/panel.csv"),
        &PanelColumns::default(),
    );
}

#[test]
fn asem_data_with_its_empty_last_column() {
    same_both_ways(
        &root().join("examples/asem/ASEM_iData.csv"),
        &PanelColumns {
            region: Some("uCode"),
            year: Some("Time"),
        },
    );
}

#[test]
fn nbs_province_panel_with_its_byte_order_mark() {
    let file = root().join("../shared/data/china-provinces/provinces_2005_2024.csv");
    if !file.exists() {
        // the shared data are beside the repository, not in it
        eprintln!("skipped: {} is absent", file.display());
        return;
    }
    same_both_ways(&file, &PanelColumns::default());
}
