//! Hostile input files: far-away workbook cells, special files, dates in
//! the year column.

use std::path::{Path, PathBuf};

use rurban_core::{IdColumn, ReadOptions, Table};

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("rurban-core-hostile-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn read(path: &Path) -> Result<Table, String> {
    Table::read(path, &ReadOptions::default()).map_err(|e| e.to_string())
}

#[test]
fn a_lone_cell_at_the_last_address_is_cheap() {
    let dir = scratch("xfd");
    let path = dir.join("far.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    // XFD1048576: the last cell of a sheet.
    ws.write_string(1_048_575, 16_383, "x").unwrap();
    wb.save(&path).unwrap();
    let e = read(&path).unwrap_err();
    assert!(e.contains("far.xlsx") && e.contains("no data rows"), "{e}");
}

#[test]
fn a_stray_cell_far_away_is_a_ragged_row_not_gigabytes() {
    let dir = scratch("zz");
    let path = dir.join("stray.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["region", "year", "x"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "a").unwrap();
    ws.write_number(1, 1, 2011).unwrap();
    ws.write_number(1, 2, 1.5).unwrap();
    // ZZ200000
    ws.write_number(199_999, 701, 7).unwrap();
    wb.save(&path).unwrap();
    let e = read(&path).unwrap_err();
    assert!(e.contains("row 2") && e.contains("ragged row"), "{e}");
    // Without the stray cell, the same sheet reads as before.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["region", "year", "x"].iter().enumerate() {
        ws.write_string(3, 2 + c as u16, *h).unwrap();
    }
    ws.write_string(5, 2, "a").unwrap();
    ws.write_number(5, 3, 2011).unwrap();
    ws.write_number(5, 4, 1.5).unwrap();
    let ok = dir.join("ok.xlsx");
    wb.save(&ok).unwrap();
    let t = read(&ok).unwrap();
    assert_eq!(t.headers, ["column_1", "column_2", "region", "year", "x"]);
    assert_eq!(t.n_rows(), 1);
    assert_eq!(t.numbers(4).unwrap(), vec![Some(1.5)]);
}

#[test]
fn dates_in_the_year_column_are_their_year() {
    let dir = scratch("dates");
    let path = dir.join("dates.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let fmt = rust_xlsxwriter::Format::new().set_num_format("yyyy");
    ws.write_string(0, 0, "region").unwrap();
    ws.write_string(0, 1, "year").unwrap();
    ws.write_string(0, 2, "x").unwrap();
    for (i, y) in [2011u16, 2012].iter().enumerate() {
        let r = 1 + i as u32;
        ws.write_string(r, 0, "a").unwrap();
        let d = rust_xlsxwriter::ExcelDateTime::from_ymd(*y, 1, 1).unwrap();
        ws.write_datetime_with_format(r, 1, &d, &fmt).unwrap();
        ws.write_number(r, 2, 1.0).unwrap();
    }
    wb.save(&path).unwrap();
    let t = read(&path).unwrap();
    let yc = t.id_column(IdColumn::Year, None).unwrap().unwrap();
    // 40544 is 2011-01-01 as an Excel serial number.
    assert_eq!(t.text(yc), ["40544", "40909"]);
    assert_eq!(t.years(yc).unwrap(), vec![2011, 2012]);
    let w = t.date_year_warning(yc).unwrap();
    assert!(w.contains("2 cell(s)") && w.contains("'year'"), "{w}");
    assert_eq!(t.date_year_warning(2), None);
}

#[cfg(unix)]
#[test]
fn special_files_are_refused_by_kind() {
    let dir = scratch("fifo");
    let fifo = dir.join("pipe.csv");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    // Without the check, reading a FIFO with no writer blocks forever.
    let e = read(&fifo).unwrap_err();
    assert!(
        e.contains("pipe.csv") && e.contains("is a FIFO, not a regular file"),
        "{e}"
    );
    let e = read(Path::new("/dev/zero")).unwrap_err();
    assert!(
        e.contains("is a character device, not a regular file"),
        "{e}"
    );
    let e = read(Path::new("/dev/null")).unwrap_err();
    assert!(e.contains("is a character device"), "{e}");
    let e = read(&dir).unwrap_err();
    assert!(e.contains("is a directory"), "{e}");
    let xfifo = dir.join("pipe.xlsx");
    std::process::Command::new("mkfifo")
        .arg(&xfifo)
        .status()
        .unwrap();
    let e = read(&xfifo).unwrap_err();
    assert!(e.contains("is a FIFO"), "{e}");
    let e = rurban_spec::Spec::from_file(&fifo).unwrap_err().to_string();
    assert!(e.contains("is a FIFO"), "{e}");
}

#[test]
fn an_input_beyond_the_limit_is_refused_with_its_size() {
    let dir = scratch("big");
    let path = dir.join("big.csv");
    std::fs::write(&path, "region,x\na,1\n").unwrap();
    let e = rurban_core::table::read_input(&path, 8)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("big.csv") && e.contains("13 B, more than the 8 B"),
        "{e}"
    );
    assert_eq!(rurban_core::table::read_input(&path, 13).unwrap().len(), 13);
}
