//! A table's CSV, written cell by cell into one reused record: the bytes
//! of the text of every cell written as a record of strings.

use rurban_pipeline::output::{csv_bytes, table_csv, write_table_csv};
use rurban_results::table::{Cell, Table};

/// The CSV of a table made the plain way: a `String` per cell.
fn by_strings(t: &Table) -> Vec<u8> {
    csv_bytes(
        &t.columns,
        t.rows.iter().map(|r| r.iter().map(Cell::text).collect()),
    )
}

fn tricky() -> Table {
    let mut t = Table::new("tricky", &["name", "x", "n"]);
    t.rows = vec![
        vec!["a,b".into(), Cell::Num(0.1 + 0.2), Cell::Int(-5)],
        vec!["say \"hi\"".into(), Cell::Num(1e-7), Cell::Int(i64::MIN)],
        vec!["two\nlines".into(), Cell::Num(f64::NAN), Cell::Blank],
        vec!["".into(), Cell::Num(-0.0), Cell::Num(f64::INFINITY)],
        vec![
            " lead".into(),
            Cell::Num(1e21),
            Cell::Num(f64::NEG_INFINITY),
        ],
        vec!["区县".into(), Cell::Num(1.5), Cell::Int(0)],
    ];
    t
}

#[test]
fn cells_are_quoted_and_numbers_written_as_display() {
    let want = "name,x,n\n\
                \"a,b\",0.30000000000000004,-5\n\
                \"say \"\"hi\"\"\",0.0000001,-9223372036854775808\n\
                \"two\nlines\",,\n\
                ,-0,\n\
                \x20lead,1000000000000000000000,\n\
                区县,1.5,0\n";
    let got = String::from_utf8(table_csv(&tricky())).unwrap();
    assert_eq!(got, want);
    assert_eq!(table_csv(&tricky()), by_strings(&tricky()));
}

#[test]
fn a_lone_empty_cell_is_quoted_as_before() {
    // a record of one empty field is written `""`, so the line is not blank
    let mut t = Table::new("one", &["only"]);
    t.rows = vec![
        vec![Cell::Blank],
        vec!["x".into()],
        vec![Cell::Num(f64::NAN)],
    ];
    assert_eq!(table_csv(&t), b"only\n\"\"\nx\n\"\"\n");
    assert_eq!(table_csv(&t), by_strings(&t));
}

#[test]
fn streamed_and_in_memory_tables_are_the_same_bytes() {
    // a table larger than the csv writer's buffer, written into a writer
    // that takes a few bytes at a time
    struct Trickle(Vec<u8>);
    impl std::io::Write for Trickle {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            let n = buf.len().min(7);
            self.0.extend_from_slice(&buf[..n]);
            Ok(n)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut t = Table::new("big", &["region", "year", "v"]);
    for i in 0..20_000i64 {
        t.rows.push(vec![
            format!("r{i}").into(),
            Cell::Int(2000 + i % 30),
            Cell::Num(i as f64 / 7.0),
        ]);
    }
    let mut w = Trickle(Vec::new());
    write_table_csv(&mut w, &t).unwrap();
    assert_eq!(w.0, by_strings(&t));
    assert_eq!(table_csv(&t), w.0);
    let text = String::from_utf8(w.0).unwrap();
    assert_eq!(text.lines().nth(8), Some("r7,2007,1"));
}
