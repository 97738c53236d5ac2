//! The sheet writer: one table per worksheet, written row by row in
//! `rust_xlsxwriter`'s constant-memory mode (each row goes to a temporary
//! file as soon as the next begins, so a sheet of any length costs one row
//! of memory).
//!
//! Every sheet gets the same treatment: a bold header in row 1, frozen;
//! an autofilter over the whole table; numbers stored as numbers in the
//! format of their column's [`Kind`]; column widths that fit the header
//! and the values as Excel shows them, counting the display width of text
//! (a CJK character is 2 columns wide, by `unicode-width`).
//!
//! Sheet names, header cells and the notes of what was left out are in the
//! workbook's language: each name is looked up in the catalogue
//! (`xlsx.sheet.<name>`, `xlsx.col.<sheet>.<column>` then
//! `xlsx.col.<column>`, whose English texts are the names themselves), and
//! a name the catalogue does not know (a dimension's id) is kept.
//!
//! A new sheet from a typed list is one call:
//!
//! ```text
//! book.add(Sheet::new(
//!     "coverage",
//!     &[("indicator", Kind::Text), ("observed", Kind::Int), ("share", Kind::Fixed4)],
//!     list.iter().map(|c| vec![c.id.as_str().into(), c.observed.into(), c.share.into()]),
//! ))?;
//! ```

use rurban_results::{Cell, Table};
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use unicode_width::UnicodeWidthStr;

use super::names::SheetNames;
use crate::ReportError;
use crate::i18n::Lang;

/// How a column's numbers are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Text.
    Text,
    /// Whole numbers (ranks, counts, years): format `0`.
    Int,
    /// Scores, weights and grades: format `0.0000`.
    Fixed4,
    /// Other numbers (statistics, p values): Excel's General format.
    General,
    /// Group keys: a key that is a whole number (a year) is written as
    /// that number, format `0`; any other key as text.
    Key,
}

/// Data rows that fit below the header: Excel's 1,048,576 rows less one.
/// A longer table is cut there, with a note (see [`Book::notes`]).
const MAX_ROW: u32 = 1_048_575;
/// Excel's longest cell text.
const MAX_TEXT: usize = 32_767;
/// The deflate level of the zip container (1 fastest .. 9 smallest).
const ZIP_LEVEL: u8 = 3;
/// Column widths, in characters of the default font.
const MIN_WIDTH: f64 = 6.0;
const MAX_WIDTH: f64 = 80.0;

/// One table to write as a worksheet: a name, typed columns and the rows,
/// consumed once, in order.
pub(crate) struct Sheet<'a> {
    name: String,
    columns: Vec<(String, Kind)>,
    /// Columns whose header is written as given, not looked up in the
    /// catalogue (names from the data, such as dimension ids).
    verbatim: Vec<usize>,
    rows: Box<dyn Iterator<Item = Vec<Cell>> + 'a>,
}

impl<'a> Sheet<'a> {
    /// A sheet of these columns; each row holds one cell per column (extra
    /// cells are ignored, missing ones left blank).
    pub(crate) fn new(
        name: &str,
        columns: &[(&str, Kind)],
        rows: impl Iterator<Item = Vec<Cell>> + 'a,
    ) -> Sheet<'a> {
        Sheet {
            name: name.to_string(),
            columns: columns.iter().map(|(c, k)| (c.to_string(), *k)).collect(),
            verbatim: Vec::new(),
            rows: Box::new(rows),
        }
    }

    /// The same sheet with the headers of `columns` written as given (names
    /// from the data, not words of the catalogue).
    pub(crate) fn verbatim(mut self, columns: impl IntoIterator<Item = usize>) -> Sheet<'a> {
        self.verbatim.extend(columns);
        self
    }

    /// A result table as a sheet named after it. A column named `year`
    /// holds keys ([`Kind::Key`]), a column named in `fixed4` scores or
    /// weights ([`Kind::Fixed4`]); the others take their kind from their
    /// first cell that is not blank (whole numbers, text, else General).
    pub(crate) fn from_table(t: Table, fixed4: &[&str]) -> Sheet<'static> {
        let columns = t
            .columns
            .iter()
            .enumerate()
            .map(|(j, c)| {
                let kind = if c == "year" {
                    Kind::Key
                } else if fixed4.contains(&c.as_str()) {
                    Kind::Fixed4
                } else {
                    match t.rows.iter().map(|r| r.get(j)).find(|x| {
                        !matches!(x, None | Some(Cell::Blank))
                            && !matches!(x, Some(Cell::Num(v)) if !v.is_finite())
                    }) {
                        Some(Some(Cell::Int(_))) => Kind::Int,
                        Some(Some(Cell::Text(_))) => Kind::Text,
                        _ => Kind::General,
                    }
                };
                (c.clone(), kind)
            })
            .collect();
        Sheet {
            name: t.name,
            columns,
            verbatim: Vec::new(),
            rows: Box::new(t.rows.into_iter()),
        }
    }
}

fn xerr(e: XlsxError) -> ReportError {
    ReportError::Xlsx(e.to_string())
}

/// A workbook being written, sheet after sheet.
pub(crate) struct Book {
    wb: Workbook,
    /// The language of sheet names, headers and notes.
    lang: Lang,
    names: SheetNames,
    /// Data rows a sheet may hold (Excel's limit but in tests).
    max_rows: u32,
    /// What the workbook had to leave out, for its `warnings` sheet.
    notes: Vec<String>,
    header: Format,
    int: Format,
    fixed4: Format,
}

impl Book {
    /// An empty workbook whose sheet names, headers and notes are in
    /// `lang`.
    pub(crate) fn new(lang: Lang) -> Book {
        Book {
            wb: Workbook::new(),
            lang,
            names: SheetNames::default(),
            max_rows: MAX_ROW,
            notes: Vec::new(),
            header: Format::new().set_bold(),
            int: Format::new().set_num_format("0"),
            fixed4: Format::new().set_num_format("0.0000"),
        }
    }

    /// Writes `sheet` as the next worksheet; returns the name it was given
    /// (its name in the workbook's language, made valid and unique by
    /// [`SheetNames::claim`]).
    pub(crate) fn add(&mut self, mut sheet: Sheet<'_>) -> Result<String, ReportError> {
        let l = self.lang;
        for (c, (h, _)) in sheet.columns.iter_mut().enumerate() {
            if !sheet.verbatim.contains(&c) {
                *h = header(l, &sheet.name, h);
            }
        }
        let name = self.names.claim(&sheet_name(l, &sheet.name));
        let ws = self.wb.add_worksheet_with_constant_memory().map_err(xerr)?;
        ws.set_name(&name).map_err(xerr)?;
        let kinds: Vec<Kind> = sheet.columns.iter().map(|c| c.1).collect();
        let formats = Formats {
            int: &self.int,
            fixed4: &self.fixed4,
        };
        // Header widths leave room for the autofilter's drop-down button.
        let mut widths: Vec<usize> = sheet.columns.iter().map(|(h, _)| h.width() + 2).collect();
        for (c, (h, _)) in sheet.columns.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &self.header)
                .map_err(xerr)?;
        }
        // Whole-number and score columns carry their format as the column's
        // style, which Excel applies to a cell written without one: the
        // cells come out as before (`s="..."`) without looking each cell's
        // `Format` up in the workbook's table of formats.
        for (c, kind) in kinds.iter().enumerate() {
            let format = match kind {
                Kind::Int => &self.int,
                Kind::Fixed4 => &self.fixed4,
                Kind::Text | Kind::General | Kind::Key => continue,
            };
            ws.set_column_format(c as u16, format).map_err(xerr)?;
        }
        let mut last = 0u32;
        let mut rows = sheet.rows;
        for row in rows.by_ref() {
            if last == self.max_rows {
                let total = u64::from(last) + 1 + rows.count() as u64;
                self.notes.push(l.fill(
                    "xlsx.note.cut",
                    &[("name", &name), ("last", &last), ("total", &total)],
                ));
                break;
            }
            last += 1;
            for (c, (cell, kind)) in row.iter().zip(&kinds).enumerate() {
                let w = write_cell(ws, &formats, last, c as u16, cell, *kind)?;
                widths[c] = widths[c].max(w);
            }
        }
        if !kinds.is_empty() {
            ws.autofilter(0, 0, last, kinds.len() as u16 - 1)
                .map_err(xerr)?;
            ws.set_freeze_panes(1, 0).map_err(xerr)?;
        }
        for (c, w) in widths.iter().enumerate() {
            let w = (*w as f64 + 1.0).clamp(MIN_WIDTH, MAX_WIDTH);
            ws.set_column_width(c as u16, w).map_err(xerr)?;
        }
        Ok(name)
    }

    /// The language of the workbook's names and labels.
    pub(crate) fn lang(&self) -> Lang {
        self.lang
    }

    /// What had to be left out so far (sheets cut at Excel's row limit).
    pub(crate) fn notes(&self) -> &[String] {
        &self.notes
    }

    /// The workbook's bytes.
    pub(crate) fn finish(mut self) -> Result<Vec<u8>, ReportError> {
        // Deflate is half the time of a large workbook: level 3 instead of
        // 6 takes a third less time for a file about 9% larger (county
        // panel: 14.5 MB instead of 13.3 MB).
        self.wb.set_zip_compression_level(ZIP_LEVEL);
        self.wb.save_to_buffer().map_err(xerr)
    }
}

/// A sheet's name in `l` (`xlsx.sheet.<name>`), else the name itself.
pub(crate) fn sheet_name(l: Lang, name: &str) -> String {
    l.opt(&format!("xlsx.sheet.{name}"))
        .map_or_else(|| name.to_string(), str::to_string)
}

/// The header of `column` of sheet `sheet` in `l`
/// (`xlsx.col.<sheet>.<column>`, else `xlsx.col.<column>`), else the
/// column's name itself.
pub(crate) fn header(l: Lang, sheet: &str, column: &str) -> String {
    l.opt(&format!("xlsx.col.{sheet}.{column}"))
        .or_else(|| l.opt(&format!("xlsx.col.{column}")))
        .map_or_else(|| column.to_string(), str::to_string)
}

struct Formats<'a> {
    int: &'a Format,
    fixed4: &'a Format,
}

/// Writes one cell; returns its display width (0 for a blank).
fn write_cell(
    ws: &mut Worksheet,
    f: &Formats<'_>,
    r: u32,
    c: u16,
    cell: &Cell,
    kind: Kind,
) -> Result<usize, ReportError> {
    let number = |ws: &mut Worksheet, v: f64, whole: bool| -> Result<usize, ReportError> {
        let (fmt, width) = match kind {
            Kind::Fixed4 => (Some(f.fixed4), fixed4_width(v)),
            Kind::Int | Kind::Key => (Some(f.int), whole_width(v)),
            Kind::Text | Kind::General if whole => (Some(f.int), whole_width(v)),
            Kind::Text | Kind::General => (None, general_width(v)),
        };
        // An Int or Fixed4 column's own format is its column style.
        let own = matches!(kind, Kind::Int | Kind::Fixed4);
        match fmt {
            Some(fmt) if !own => ws.write_number_with_format(r, c, v, fmt),
            _ => ws.write_number(r, c, v),
        }
        .map_err(xerr)?;
        Ok(width)
    };
    match cell {
        Cell::Num(v) if v.is_finite() => number(ws, *v, false),
        Cell::Int(i) => number(ws, *i as f64, true),
        Cell::Text(s) => {
            if kind == Kind::Key
                && let Ok(y) = s.trim().parse::<i64>()
            {
                return number(ws, y as f64, true);
            }
            let s = clip(s);
            ws.write_string(r, c, s).map_err(xerr)?;
            Ok(s.width())
        }
        Cell::Num(_) | Cell::Blank => Ok(0),
    }
}

/// At most Excel's 32,767 characters of `s`.
fn clip(s: &str) -> &str {
    match s.char_indices().nth(MAX_TEXT) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// Digits before the decimal point of `|v|` (at least 1).
fn int_digits(a: f64) -> usize {
    let (mut digits, mut ten) = (1, 10.0);
    while a >= ten && digits < 309 {
        digits += 1;
        ten *= 10.0;
    }
    digits
}

/// The width of `v` shown as `0.0000`.
fn fixed4_width(v: f64) -> usize {
    let a = (v.abs() * 1e4).round() / 1e4;
    usize::from(v < 0.0) + int_digits(a) + 5
}

/// The width of `v` shown as `0`.
fn whole_width(v: f64) -> usize {
    usize::from(v < 0.0) + int_digits(v.abs().round())
}

/// The width of `v` in Excel's General format: a whole number as itself,
/// anything else in at most 11 characters.
fn general_width(v: f64) -> usize {
    if v.fract() == 0.0 && v.abs() < 1e11 {
        whole_width(v)
    } else {
        11
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx};

    #[test]
    fn a_sheet_longer_than_excel_allows_is_cut_with_a_note() {
        let mut book = Book::new(Lang::En);
        book.max_rows = 3;
        let rows = (1..=5).map(|i: i64| vec![Cell::Int(i)]);
        let name = book
            .add(Sheet::new("imputed", &[("n", Kind::Int)], rows))
            .unwrap();
        assert_eq!(name, "imputed");
        assert_eq!(
            book.notes(),
            [
                "sheet `imputed`: only the first 3 of 5 rows fit in an Excel sheet; \
              the full table is in the run's CSV files and summary.json"
            ]
        );
        let bytes = book.finish().unwrap();
        let mut wb = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let r = wb.worksheet_range("imputed").unwrap();
        let got: Vec<Data> = r.rows().map(|r| r[0].clone()).collect();
        assert_eq!(
            got,
            [
                Data::String("n".into()),
                Data::Float(1.0),
                Data::Float(2.0),
                Data::Float(3.0)
            ]
        );
    }

    #[test]
    fn english_names_are_the_names_themselves() {
        // An English workbook is the one written before the catalogue named
        // its sheets and headers.
        for (k, v) in crate::i18n::en::TEXTS {
            let Some(rest) = k
                .strip_prefix("xlsx.sheet.")
                .or_else(|| k.strip_prefix("xlsx.col."))
                .or_else(|| k.strip_prefix("xlsx.stat."))
            else {
                continue;
            };
            if rest == "dim_rank" {
                assert_eq!(*v, "{id}_rank");
                continue;
            }
            assert_eq!(*v, rest.rsplit('.').next().unwrap(), "{k}");
        }
        assert_eq!(sheet_name(Lang::En, "scores"), "scores");
        assert_eq!(header(Lang::En, "scores", "rank"), "rank");
        assert_eq!(header(Lang::En, "scores", "economy"), "economy");
    }

    #[test]
    fn chinese_names_by_sheet_then_by_column() {
        assert_eq!(sheet_name(Lang::Zh, "scores"), "得分与排名");
        assert_eq!(header(Lang::Zh, "scores", "rank"), "综合得分排名");
        assert_eq!(header(Lang::Zh, "grey", "rank"), "关联度排名");
        assert_eq!(header(Lang::Zh, "lisa", "rank"), "排名");
        assert_eq!(header(Lang::Zh, "moran", "I"), "莫兰指数 I");
        assert_eq!(header(Lang::Zh, "lisa", "I"), "局部莫兰指数 I");
        // A name the catalogue does not know stays (a sheet added later).
        assert_eq!(sheet_name(Lang::Zh, "new_table"), "new_table");
        assert_eq!(header(Lang::Zh, "new_table", "zeta"), "zeta");
    }

    #[test]
    fn every_chinese_sheet_name_is_valid_and_unique() {
        let mut names = SheetNames::default();
        for (k, v) in crate::i18n::zh::TEXTS {
            if k.starts_with("xlsx.sheet.") {
                assert_eq!(names.claim(v), *v, "{k}: {v} changed by Excel's rules");
            }
        }
    }

    #[test]
    fn a_cut_sheet_is_noted_in_chinese() {
        let mut book = Book::new(Lang::Zh);
        book.max_rows = 2;
        let rows = (1..=4).map(|i: i64| vec![Cell::Int(i)]);
        let name = book
            .add(Sheet::new("imputed", &[("value", Kind::Int)], rows))
            .unwrap();
        assert_eq!(name, "插补值");
        assert_eq!(
            book.notes(),
            [
                "工作表“插补值”：Excel 工作表只能容纳 4 行中的前 2 行；完整的表格见本次运行的 CSV 文件和 summary.json"
            ]
        );
    }

    #[test]
    fn widths_of_numbers_as_excel_shows_them() {
        assert_eq!(fixed4_width(0.12345), 6); // 0.1235
        assert_eq!(fixed4_width(-0.5), 7); // -0.5000
        assert_eq!(fixed4_width(9.99996), 7); // 10.0000
        assert_eq!(fixed4_width(123.4), 8);
        assert_eq!(whole_width(2011.0), 4);
        assert_eq!(whole_width(-12.0), 3);
        assert_eq!(whole_width(0.0), 1);
        assert_eq!(general_width(2851.0), 4);
        assert_eq!(general_width(0.012345678901), 11);
    }

    #[test]
    fn chinese_text_counts_two_columns_a_character() {
        assert_eq!("经济融合".width(), 8);
        assert_eq!("life".width(), 4);
        assert_eq!("北京a".width(), 5);
    }

    #[test]
    fn long_text_is_clipped_to_excels_limit() {
        let long = "字".repeat(MAX_TEXT + 5);
        assert_eq!(clip(&long).chars().count(), MAX_TEXT);
        assert_eq!(clip("short"), "short");
    }
}
