//! Reading CSV, TSV and XLSX tables into trimmed text cells.
//!
//! Cells stay text until a method asks for numbers, so every conversion error
//! can name its file, 1-based data row and column.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use crate::error::{CoreError, Location};

/// How to read a table.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Force a text encoding (an `encoding_rs` label such as `gb18030`, `gbk`, `utf-8`).
    pub encoding: Option<String>,
    /// Sheet of a workbook; the first sheet when absent.
    pub sheet: Option<String>,
}

/// A table of text cells with a header row.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The file it was read from (used in messages).
    pub path: PathBuf,
    /// Trimmed column names.
    pub headers: Vec<String>,
    /// Trimmed cells, one vector per data row, each as long as `headers`.
    /// Cells, one record per data row, each as long as `headers` (one buffer
    /// per row rather than one string per cell). Read cells through the
    /// accessors, which trim surrounding spaces.
    pub rows: Vec<csv::StringRecord>,
    /// The cells of a workbook that were formatted as dates, by 0-based
    /// data row and column, with their calendar year. Their text is the
    /// date's serial number, as Excel stores it; [`Table::years`] reads
    /// them as their year.
    pub date_years: std::collections::HashMap<(usize, usize), i64>,
}

/// Identifier columns recognised by alias.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdColumn {
    /// `region`, `unit`, `city`, `province`, `地区`, `城市`, `省份`.
    Region,
    /// `year`, `time`, `年份`.
    Year,
}

impl IdColumn {
    /// The header names that identify this column (compared case-insensitively).
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            IdColumn::Region => &["region", "unit", "city", "province", "地区", "城市", "省份"],
            IdColumn::Year => &["year", "time", "年份"],
        }
    }
}

/// True for the contract's missing-value tokens: empty, `NA`, `N/A`, `NaN`,
/// `null`, `..`, `-` (case-insensitive, surrounding spaces ignored).
pub fn is_missing(cell: &str) -> bool {
    let c = cell.trim();
    c.is_empty()
        || c == ".."
        || c == "-"
        || ["na", "n/a", "nan", "null"]
            .iter()
            .any(|t| c.eq_ignore_ascii_case(t))
}

/// Parses a number cell: `Ok(None)` for a missing token, `Err` with the reason
/// for text that is not a finite number. Thousands separators (`6,016.3`) are
/// accepted when they group digits by three.
pub fn parse_number(cell: &str) -> Result<Option<f64>, String> {
    // Fast path: a plain finite number (the vast majority of cells).
    if let Some(v) = fast_number(cell) {
        return Ok(Some(v));
    }
    if cell.is_empty() {
        return Ok(None);
    }
    let c = cell.trim();
    if is_missing(c) {
        return Ok(None);
    }
    let cleaned;
    let s = if c.contains(',') && has_thousands_groups(c) {
        cleaned = c.replace(',', "");
        cleaned.as_str()
    } else {
        c
    };
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        Ok(_) => Err(format!("'{}' is not a finite number", one_line(c))),
        Err(_) => Err(format!("'{}' is not a number", one_line(c))),
    }
}

/// A plain finite number, parsed by `fast-float2`: the same number as
/// `cell.parse::<f64>()` gives, for every text both accept (both round
/// correctly; `fast-float2` accepts no text that `f64::from_str` refuses,
/// see the property test). `None` for anything else (missing tokens,
/// spaces, separators, infinities, errors), left to [`parse_number`]'s
/// slower rules.
#[inline]
pub(crate) fn fast_number(cell: &str) -> Option<f64> {
    match fast_float2::parse::<f64, _>(cell.as_bytes()) {
        Ok(v) if v.is_finite() => Some(v),
        _ => None,
    }
}

/// A cell as it can be quoted inside a one-line message: line breaks, tabs
/// and other control characters escaped (a stray quote in a CSV file can pull
/// several lines into one cell) and cut to [`crate::MAX_QUOTED`] characters.
fn one_line(cell: &str) -> Cow<'_, str> {
    crate::clip(cell)
}

fn has_thousands_groups(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let int = body.split('.').next().unwrap_or("");
    let mut groups = int.split(',');
    let first = groups.next().unwrap_or("");
    if first.is_empty() || first.len() > 3 || !first.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
        && !body.split('.').nth(1).unwrap_or("").contains(',')
}

/// Decodes file bytes: a forced encoding, else UTF-8 (BOM stripped) when
/// valid, else GB18030.
pub fn decode<'a>(
    bytes: &'a [u8],
    forced: Option<&str>,
    path: &Path,
) -> Result<Cow<'a, str>, CoreError> {
    if let Some(label) = forced {
        let enc = encoding_rs::Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| {
            CoreError::at(Location::file(path), format!("unknown encoding '{label}'"))
        })?;
        let (text, _, had_errors) = enc.decode(bytes);
        if had_errors {
            return Err(CoreError::at(
                Location::file(path),
                format!("the file is not valid {}", enc.name()),
            ));
        }
        return Ok(text);
    }
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        if had_errors {
            return Err(CoreError::at(
                Location::file(path),
                format!(
                    "the file starts with a {} byte-order mark but is not valid {}",
                    enc.name(),
                    enc.name()
                ),
            ));
        }
        return Ok(text);
    }
    // Valid UTF-8 is used in place, without a copy.
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(Cow::Borrowed(s)),
        Err(_) => {
            let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
            if had_errors {
                return Err(CoreError::at(
                    Location::file(path),
                    "the file is neither valid UTF-8 nor GB18030; pass --encoding",
                ));
            }
            Ok(text)
        }
    }
}

/// The largest table file read: 4 GiB, far above real panels (a panel of
/// 10,000 regions x 50 years x 200 indicators is about 1 GiB of text).
pub const MAX_TABLE_BYTES: u64 = 4 << 30;

/// Refuses what is not a regular file (a FIFO would block forever, a
/// device such as `/dev/zero` never ends), naming what it is.
pub fn regular_file(path: &Path) -> Result<std::fs::Metadata, CoreError> {
    let meta = std::fs::metadata(path).map_err(|cause| CoreError::Io {
        path: path.to_path_buf(),
        cause,
    })?;
    if meta.is_file() {
        return Ok(meta);
    }
    let ft = meta.file_type();
    let what = if ft.is_dir() {
        "a directory"
    } else {
        special_kind(&ft)
    };
    Err(CoreError::at(
        Location::file(path),
        format!("is {what}, not a regular file"),
    ))
}

#[cfg(unix)]
fn special_kind(ft: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if ft.is_fifo() {
        "a FIFO"
    } else if ft.is_char_device() {
        "a character device"
    } else if ft.is_block_device() {
        "a block device"
    } else if ft.is_socket() {
        "a socket"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn special_kind(_ft: &std::fs::FileType) -> &'static str {
    "a special file"
}

/// A missing table is `no such file`, stated once.
fn table_exists(path: &Path) -> Result<(), CoreError> {
    if path.exists() || path.symlink_metadata().is_ok() {
        return Ok(());
    }
    Err(CoreError::Io {
        path: path.to_path_buf(),
        cause: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
    })
}

/// Reads a whole input file that must be a regular file of at most `limit`
/// bytes (and fit in the memory available).
pub fn read_input(path: &Path, limit: u64) -> Result<Vec<u8>, CoreError> {
    use std::io::Read;
    let meta = regular_file(path)?;
    let too_big = |size: u64| {
        CoreError::at(
            Location::file(path),
            format!(
                "the file is {}, more than the {} an input may have",
                crate::memory::human_bytes(size),
                crate::memory::human_bytes(limit)
            ),
        )
    };
    if meta.len() > limit {
        return Err(too_big(meta.len()));
    }
    crate::memory::ensure(Some(meta.len()), "reading the file", "use a smaller file")
        .map_err(|e| CoreError::at(Location::file(path), e.to_string()))?;
    let io = |cause| CoreError::Io {
        path: path.to_path_buf(),
        cause,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    // Room for the whole file (and the byte that shows it grew) at once:
    // growing by doubling would copy a large file several times.
    let mut bytes = Vec::new();
    bytes
        .try_reserve_exact(
            usize::try_from(meta.len())
                .unwrap_or(usize::MAX)
                .saturating_add(1),
        )
        .map_err(|_| {
            CoreError::at(
                Location::file(path),
                "not enough memory to read the file".to_string(),
            )
        })?;
    // The file may grow while it is read: never past the limit.
    file.take(limit + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(too_big(bytes.len() as u64));
    }
    Ok(bytes)
}

/// The sheet to read: the one asked for (which must exist), else the first.
fn choose_sheet(path: &Path, names: &[String], wanted: Option<&str>) -> Result<String, CoreError> {
    match wanted {
        Some(s) => {
            if !names.iter().any(|n| n == s) {
                return Err(CoreError::at(
                    Location::file(path),
                    format!(
                        "no sheet '{}' (sheets: {})",
                        crate::clip(s),
                        crate::clip_to(&names.join(", "), 2 * crate::MAX_QUOTED)
                    ),
                ));
            }
            Ok(s.to_string())
        }
        None => names
            .first()
            .cloned()
            .ok_or_else(|| CoreError::at(Location::file(path), "the workbook has no sheets")),
    }
}

/// A cell of a sheet by (row, column).
type SheetCell = ((u32, u32), calamine::Data);

/// The cells present in `sheet`, by position. An XLSX sheet is read cell by
/// cell, so a lone cell far away (XFD1048576) costs one cell, not a dense
/// range of billions; other formats come as a range from calamine.
fn sheet_cells(
    path: &Path,
    wb: &mut calamine::Sheets<std::io::BufReader<std::fs::File>>,
    sheet: &str,
) -> Result<Vec<SheetCell>, CoreError> {
    use calamine::{Reader, Sheets};
    let cannot = |e: String| {
        CoreError::at(
            Location::file(path),
            format!(
                "cannot read sheet '{}': {}",
                crate::clip(sheet),
                crate::clip(&e)
            ),
        )
    };
    let mut cells: Vec<SheetCell> = Vec::new();
    match wb {
        Sheets::Xlsx(x) => {
            let mut reader = x
                .worksheet_cells_reader(sheet)
                .map_err(|e| cannot(e.to_string()))?;
            while let Some(cell) = reader.next_cell().map_err(|e| cannot(e.to_string()))? {
                let pos = cell.get_position();
                push_cell(
                    path,
                    sheet,
                    &mut cells,
                    pos,
                    cell.get_value().clone().into(),
                )?;
            }
        }
        other => {
            let range = other
                .worksheet_range(sheet)
                .map_err(|e| cannot(e.to_string()))?;
            let (r0, c0) = range.start().unwrap_or((0, 0));
            for (r, c, d) in range.used_cells() {
                push_cell(
                    path,
                    sheet,
                    &mut cells,
                    (r0 + r as u32, c0 + c as u32),
                    d.clone(),
                )?;
            }
        }
    }
    Ok(cells)
}

/// Keeps a non-empty cell; the list grows only after the memory probe says
/// the larger list fits.
fn push_cell(
    path: &Path,
    sheet: &str,
    cells: &mut Vec<SheetCell>,
    pos: (u32, u32),
    d: calamine::Data,
) -> Result<(), CoreError> {
    if matches!(d, calamine::Data::Empty) {
        return Ok(());
    }
    if cells.len() == cells.capacity() {
        let more = cells.len().max(1024);
        crate::memory::ensure(
            crate::memory::bytes_for::<SheetCell>((cells.len() + more) as u128),
            &format!("the cells of sheet '{}'", crate::clip(sheet)),
            "split the workbook",
        )
        .and_then(|()| {
            cells
                .try_reserve(more)
                .map_err(|_| crate::memory::MemoryError {
                    what: "the cells of the sheet".into(),
                    bytes: None,
                    available: None,
                    way_out: "split the workbook".into(),
                })
        })
        .map_err(|e| CoreError::at(Location::file(path), e.to_string()))?;
    }
    cells.push((pos, d));
    Ok(())
}

impl Table {
    /// Reads a table, choosing the format by extension: `.xlsx`/`.xlsm`/`.xls`/`.ods`
    /// as a workbook, `.tsv`/`.tab` as tab-separated, anything else as CSV.
    pub fn read(path: &Path, opts: &ReadOptions) -> Result<Table, CoreError> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        match ext.as_str() {
            "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => Table::read_workbook(path, opts),
            _ => {
                if let Some(sheet) = &opts.sheet {
                    return Err(CoreError::at(
                        Location::file(path),
                        format!(
                            "a sheet ('{}') was given, but this is not a workbook (.xlsx, .xlsm, .xls, .xlsb, .ods)",
                            crate::clip(sheet)
                        ),
                    ));
                }
                table_exists(path)?;
                let bytes = read_input(path, MAX_TABLE_BYTES)?;
                let text = decode(&bytes, opts.encoding.as_deref(), path)?;
                let delim = if ext == "tsv" || ext == "tab" {
                    b'\t'
                } else {
                    b','
                };
                Table::parse_delimited(&text, delim, path)
            }
        }
    }

    /// Parses delimited text (already decoded).
    pub fn parse_delimited(text: &str, delimiter: u8, path: &Path) -> Result<Table, CoreError> {
        let chunks = record_chunks(text.as_bytes(), delimiter, PARALLEL_CHUNK_BYTES);
        Table::parse_chunks(text, delimiter, path, &chunks)
    }

    /// [`Table::parse_delimited`] with the text cut at the given record
    /// boundaries (see [`record_chunks`]), the pieces parsed in parallel.
    fn parse_chunks(
        text: &str,
        delimiter: u8,
        path: &Path,
        cuts: &[usize],
    ) -> Result<Table, CoreError> {
        fn reader(piece: &str, delimiter: u8) -> csv::Reader<&[u8]> {
            csv::ReaderBuilder::new()
                .delimiter(delimiter)
                .has_headers(false)
                .flexible(true)
                .from_reader(piece.as_bytes())
        }
        // Each piece starts at the start of a record, so its records are
        // those the whole text gives there. A piece that fails (which text
        // already decoded cannot) sends the whole text through one reader,
        // so the error and its line number are the ones it has always had.
        let pieces: Option<Vec<Vec<csv::StringRecord>>> = if cuts.len() > 2 {
            use rayon::prelude::*;
            cuts.par_windows(2)
                .map(|w| {
                    reader(&text[w[0]..w[1]], delimiter)
                        .records()
                        .collect::<Result<Vec<_>, _>>()
                        .ok()
                })
                .collect()
        } else {
            None
        };
        let mut sequential;
        let mut parallel;
        let mut records: &mut dyn Iterator<Item = csv::Result<csv::StringRecord>> = match pieces {
            Some(pieces) => {
                parallel = pieces.into_iter().flatten().map(Ok);
                &mut parallel
            }
            None => {
                sequential = reader(text, delimiter).into_records();
                &mut sequential
            }
        };
        let records = &mut records;
        let header = loop {
            match records.next() {
                None => {
                    return Err(CoreError::at(
                        Location::file(path),
                        "the file is empty: no header row",
                    ));
                }
                Some(Err(e)) => return Err(csv_error(e, path)),
                Some(Ok(r)) if r.iter().all(|c| c.trim().is_empty()) => continue,
                Some(Ok(r)) => break r,
            }
        };
        let headers = clean_headers(header.iter(), path)?;
        let mut rows = Vec::new();
        for rec in records {
            let rec = rec.map_err(|e| csv_error(e, path))?;
            if rec.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let row_no = rows.len() + 1;
            if rec.len() != headers.len() {
                return Err(CoreError::at(
                    Location::file(path).row(row_no),
                    format!(
                        "ragged row: {} fields, but the header has {} columns",
                        rec.len(),
                        headers.len()
                    ),
                ));
            }
            rows.push(rec);
        }
        // Spreadsheets often save a trailing comma on every line: a last
        // column with no name and no value anywhere is not data, drop it.
        let mut headers = headers;
        if headers.len() > 1
            && header
                .get(headers.len() - 1)
                .is_some_and(|h| h.trim().is_empty())
            && rows.iter().all(|r| r[headers.len() - 1].trim().is_empty())
        {
            let last = headers.len() - 1;
            headers.pop();
            rows = rows
                .into_iter()
                .map(|r| r.iter().take(last).collect::<csv::StringRecord>())
                .collect();
        }
        Table::finish(path, headers, rows)
    }

    fn read_workbook(path: &Path, opts: &ReadOptions) -> Result<Table, CoreError> {
        use calamine::{Reader, open_workbook_auto};
        table_exists(path)?;
        regular_file(path)?;
        let mut wb = open_workbook_auto(path).map_err(|e| {
            CoreError::at(
                Location::file(path),
                format!("cannot open workbook: {}", crate::clip(&e.to_string())),
            )
        })?;
        let sheet = choose_sheet(path, &wb.sheet_names(), opts.sheet.as_deref())?;
        let cells = sheet_cells(path, &mut wb, &sheet)?;
        Table::from_cells(path, &sheet, cells)
    }

    /// A table from the non-empty cells of a sheet: the first row with a
    /// value is the header, rows without values are skipped, and the table
    /// is as wide as the header.
    fn from_cells(
        path: &Path,
        sheet: &str,
        mut cells: Vec<((u32, u32), calamine::Data)>,
    ) -> Result<Table, CoreError> {
        use calamine::Data;
        cells.sort_by_key(|(pos, _)| *pos);
        let cell_text = |d: &Data| -> (String, Option<i64>) {
            match d {
                Data::Empty | Data::Error(_) => (String::new(), None),
                Data::String(s) => (s.trim().to_string(), None),
                Data::Float(f) => (format!("{f}"), None),
                Data::Int(i) => (i.to_string(), None),
                Data::Bool(b) => (b.to_string(), None),
                Data::DateTime(dt) => {
                    let year = dt.is_datetime().then(|| i64::from(dt.to_ymd_hms_milli().0));
                    (format!("{}", dt.as_f64()), year)
                }
                Data::DateTimeIso(s) => {
                    let year = s
                        .get(..4)
                        .filter(|y| y.bytes().all(|b| b.is_ascii_digit()))
                        .and_then(|y| y.parse().ok())
                        .filter(|_| s.as_bytes().get(4) == Some(&b'-'));
                    (s.clone(), year)
                }
                Data::DurationIso(s) => (s.clone(), None),
            }
        };
        // Rows with at least one value, in order.
        let mut rows_cells: Vec<Vec<(u32, String, Option<i64>)>> = Vec::new();
        let mut last_row = None;
        for ((r, c), d) in &cells {
            let (text, year) = cell_text(d);
            if text.is_empty() {
                continue;
            }
            if last_row != Some(*r) {
                rows_cells.push(Vec::new());
                last_row = Some(*r);
            }
            if let Some(row) = rows_cells.last_mut() {
                row.push((*c, text, year));
            }
        }
        drop(cells);
        let mut rows_iter = rows_cells.into_iter();
        let header = rows_iter.next().ok_or_else(|| {
            CoreError::at(
                Location::file(path),
                format!("sheet '{}' is empty: no header row", crate::clip(sheet)),
            )
        })?;
        let width = header.last().map_or(0, |(c, _, _)| *c as usize + 1);
        let mut header_cells = vec![String::new(); width];
        for (c, text, _) in header {
            header_cells[c as usize] = text;
        }
        let headers = clean_headers(header_cells.iter().map(String::as_str), path)?;
        let data_rows = rows_iter.len();
        crate::memory::ensure(
            crate::memory::bytes_for::<usize>((data_rows as u128) * (width as u128 + 1)),
            &format!("a table of {data_rows} rows x {width} columns"),
            "remove stray cells far to the right of the header",
        )
        .map_err(|e| CoreError::at(Location::file(path), e.to_string()))?;
        let mut rows = Vec::with_capacity(data_rows);
        let mut date_years = std::collections::HashMap::new();
        for row in rows_iter {
            let row_no = rows.len() + 1;
            let mut record = vec![String::new(); width];
            for (c, text, year) in row {
                let Some(slot) = record.get_mut(c as usize) else {
                    return Err(CoreError::at(
                        Location::file(path).row(row_no),
                        format!("ragged row: values beyond the header's {width} columns"),
                    ));
                };
                *slot = text;
                if let Some(y) = year {
                    date_years.insert((row_no - 1, c as usize), y);
                }
            }
            rows.push(csv::StringRecord::from(record));
        }
        let mut table = Table::finish(path, headers, rows)?;
        table.date_years = date_years;
        Ok(table)
    }

    fn finish(
        path: &Path,
        headers: Vec<String>,
        rows: Vec<csv::StringRecord>,
    ) -> Result<Table, CoreError> {
        if rows.is_empty() {
            return Err(CoreError::at(
                Location::file(path),
                "the file has a header but no data rows",
            ));
        }
        Ok(Table {
            path: path.to_path_buf(),
            headers,
            rows,
            date_years: std::collections::HashMap::new(),
        })
    }

    /// Number of data rows.
    pub fn n_rows(&self) -> usize {
        self.rows.len()
    }

    /// A location in this table.
    pub fn loc(&self, row: Option<usize>, col: Option<usize>) -> Location {
        Location {
            file: self.path.clone(),
            row,
            column: col.map(|c| self.headers[c].clone()),
        }
    }

    /// Index of a column by name: exact match first, then case-insensitive.
    pub fn find(&self, name: &str) -> Option<usize> {
        let name = name.trim();
        self.headers.iter().position(|h| h == name).or_else(|| {
            self.headers
                .iter()
                .position(|h| h.to_lowercase() == name.to_lowercase())
        })
    }

    /// Index of a column that must exist.
    pub fn require(&self, name: &str) -> Result<usize, CoreError> {
        self.find(name).ok_or_else(|| {
            CoreError::at(
                Location::file(&self.path).column(name),
                format!(
                    "no such column (columns: {})",
                    crate::clip_to(&self.headers.join(", "), 2 * crate::MAX_QUOTED)
                ),
            )
        })
    }

    /// The identifier column: `explicit` when given (it must exist), else the
    /// first header matching one of the aliases.
    pub fn id_column(
        &self,
        kind: IdColumn,
        explicit: Option<&str>,
    ) -> Result<Option<usize>, CoreError> {
        if let Some(name) = explicit {
            return self.require(name).map(Some);
        }
        Ok(self.headers.iter().position(|h| {
            let h = h.to_lowercase();
            kind.aliases().iter().any(|a| h == *a)
        }))
    }

    /// A numeric column with missing cells as `None`; text that is not a
    /// number is an error naming row and column.
    pub fn numbers(&self, col: usize) -> Result<Vec<Option<f64>>, CoreError> {
        self.rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                parse_number(&r[col])
                    .map_err(|m| CoreError::at(self.loc(Some(i + 1), Some(col)), m))
            })
            .collect()
    }

    /// A numeric column in which a missing cell is an error.
    pub fn numbers_complete(&self, col: usize) -> Result<Vec<f64>, CoreError> {
        self.numbers(col)?
            .into_iter()
            .enumerate()
            .map(|(i, v)| {
                v.ok_or_else(|| CoreError::at(self.loc(Some(i + 1), Some(col)), "missing value"))
            })
            .collect()
    }

    /// A column of integer years (`2011` or `2011.0`); a workbook cell
    /// formatted as a date is its calendar year (see [`Table::date_year_warning`]).
    pub fn years(&self, col: usize) -> Result<Vec<i64>, CoreError> {
        self.rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                // (a CSV table has no date cells: no lookup per row)
                if !self.date_years.is_empty()
                    && let Some(&y) = self.date_years.get(&(i, col))
                {
                    return Ok(y);
                }
                let c = r[col].trim();
                parse_year(c).ok_or_else(|| {
                    CoreError::at(
                        self.loc(Some(i + 1), Some(col)),
                        format!("year '{}' is not an integer", one_line(c)),
                    )
                })
            })
            .collect()
    }

    /// A table of the header only, without its rows: what the fast reading
    /// of a wide panel ([`crate::wide`]) keeps of the file for the checks
    /// that look at column names. [`Table::n_rows`] is 0, so it must not
    /// be given to anything that reads cells.
    pub fn header_only(path: &Path, headers: Vec<String>) -> Table {
        Table {
            path: path.to_path_buf(),
            headers,
            rows: Vec::new(),
            date_years: std::collections::HashMap::new(),
        }
    }

    /// The warning for a year column with cells formatted as dates (read
    /// as their year by [`Table::years`]), if it has any.
    pub fn date_year_warning(&self, col: usize) -> Option<String> {
        let n = self.date_years.keys().filter(|(_, c)| *c == col).count();
        (n > 0).then(|| {
            format!(
                "{}: {n} cell(s) of the year column '{}' are formatted as dates; each was read as its calendar year",
                self.path.display(),
                crate::clip(&self.headers[col])
            )
        })
    }

    /// The text of a column.
    pub fn text(&self, col: usize) -> Vec<&str> {
        self.rows.iter().map(|r| r[col].trim()).collect()
    }

    /// Text keys of a column where an empty or missing key is an error.
    pub fn keys(&self, col: usize) -> Result<Vec<String>, CoreError> {
        self.rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let key = r[col].trim();
                if key.is_empty() {
                    Err(CoreError::at(self.loc(Some(i + 1), Some(col)), "empty key"))
                } else {
                    Ok(key.to_string())
                }
            })
            .collect()
    }
}

/// A year cell, already trimmed: an integer, or a finite number with no
/// fraction below 1e9 in absolute value (`2011.0`).
pub(crate) fn parse_year(c: &str) -> Option<i64> {
    if let Ok(y) = c.parse::<i64>() {
        return Some(y);
    }
    match c.parse::<f64>() {
        Ok(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e9 => Some(f as i64),
        _ => None,
    }
}

/// The column names of a header record: trimmed, a leading BOM character
/// dropped, an empty name as `column_N`; a repeated name is an error.
pub(crate) fn clean_headers<'a>(
    cells: impl Iterator<Item = &'a str>,
    path: &Path,
) -> Result<Vec<String>, CoreError> {
    let mut headers: Vec<String> = Vec::new();
    for (i, h) in cells.enumerate() {
        let h = h.trim().trim_start_matches('\u{feff}').trim().to_string();
        let h = if h.is_empty() {
            format!("column_{}", i + 1)
        } else {
            h
        };
        if headers.contains(&h) {
            return Err(CoreError::at(
                Location::file(path).column(h.as_str()),
                format!(
                    "duplicate column name in the header (columns {} and {})",
                    headers.iter().position(|x| *x == h).unwrap_or(0) + 1,
                    i + 1
                ),
            ));
        }
        headers.push(h);
    }
    Ok(headers)
}

/// Text parsed in pieces of about this many bytes, in parallel, when it is
/// larger than two of them (8 MiB).
///
/// The county panel (27 MB) is cut into 7 pieces. Its records parsed on
/// rayon's threads sit in the workers' malloc arenas, which the rest of
/// the run does not reuse (the run's peak memory rose by about 38 MB when
/// this was first measured); the parse is the part of the reading step
/// that does not otherwise run on both cores, so it is cut.
const PARALLEL_CHUNK_BYTES: usize = 4 << 20;

/// Byte offsets that cut `bytes` into pieces of about `piece` bytes, each
/// starting at the start of a record: `[0, c_1, ..., len]`, each `c_i` just
/// after a line feed that is not inside a quoted field.
///
/// Quoted fields are found as the `csv` crate reads them: a quote opens one
/// only at the start of a field (at the start of the text, or after the
/// delimiter, a line feed or a carriage return); inside it, two quotes are
/// one literal quote and one quote closes it; any other quote is text. Only
/// the quotes are visited (`memchr`), so a file without quotes costs one
/// scan for them.
fn record_chunks(bytes: &[u8], delimiter: u8, piece: usize) -> Vec<usize> {
    let len = bytes.len();
    let mut cuts = vec![0];
    if len <= 2 * piece.max(1) {
        cuts.push(len);
        return cuts;
    }
    let mut quotes = memchr::memchr_iter(b'"', bytes).peekable();
    let mut quoted = false;
    let mut from = piece;
    while from < len {
        let Some(nl) = memchr::memchr(b'\n', &bytes[from..]).map(|i| from + i) else {
            break;
        };
        while let Some(&q) = quotes.peek() {
            if q >= nl {
                break;
            }
            quotes.next();
            if quoted {
                if bytes.get(q + 1) == Some(&b'"') {
                    // an escaped quote: the pair stays inside the field
                    quotes.next();
                } else {
                    quoted = false;
                }
            } else if q == 0 || matches!(bytes[q - 1], b'\n' | b'\r') || bytes[q - 1] == delimiter {
                quoted = true;
            }
        }
        if quoted {
            // inside a quoted field: try the next line feed
            from = nl + 1;
            continue;
        }
        if nl + 1 < len {
            cuts.push(nl + 1);
        }
        from = nl + 1 + piece;
    }
    cuts.push(len);
    cuts
}

fn csv_error(e: csv::Error, path: &Path) -> CoreError {
    let mut loc = Location::file(path);
    if let Some(p) = e.position() {
        // csv lines are 1-based and include the header line.
        loc = loc.row((p.line() as usize).saturating_sub(1));
    }
    CoreError::at(loc, format!("malformed CSV: {e}"))
}

/// Orders group keys as the contract orders groups: numerically when every
/// key is a finite number, else lexically ([`rurban_method::sort_keys`], the
/// one ordering shared with the sub-groups of the disparity decompositions).
pub fn order_keys(keys: &mut [String]) {
    rurban_method::sort_keys(keys);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(text: &str) -> Result<Table, CoreError> {
        Table::parse_delimited(text, b',', Path::new("x.csv"))
    }

    #[test]
    fn missing_tokens() {
        for c in ["", " NA ", "n/a", "NaN", "NULL", "..", "-"] {
            assert_eq!(parse_number(c), Ok(None), "{c:?}");
        }
        assert_eq!(parse_number("-1"), Ok(Some(-1.0)));
    }

    /// `fast_number` must give exactly `f64::from_str`'s number for every
    /// text it accepts, and must accept no text `from_str` refuses.
    fn same_as_from_str(s: &str) {
        let std = s.parse::<f64>().ok().filter(|v| v.is_finite());
        match fast_number(s) {
            Some(v) => assert_eq!(
                Some(v.to_bits()),
                std.map(f64::to_bits),
                "{s:?}: fast {v:e}, from_str {std:?}"
            ),
            // not needed for correctness, but the fast path should not
            // leave a plain number to the slow one
            None => assert_eq!(std, None, "{s:?} left to the slow path"),
        }
    }

    #[test]
    fn fast_numbers_are_from_str_numbers_on_edge_cases() {
        for s in [
            "0",
            "-0",
            "+0",
            "1",
            "+1",
            "-1",
            "1.",
            ".5",
            "+.5",
            "-.5",
            ".",
            "+",
            "-",
            "",
            " 1",
            "1 ",
            "1e5",
            "1E5",
            "1e+5",
            "1e-5",
            "1e",
            "1e+",
            "e5",
            ".e5",
            "1.e5",
            "1..2",
            "1.2.3",
            "--1",
            "+-1",
            "0x10",
            "1_000",
            "1,5",
            "inf",
            "-inf",
            "+inf",
            "infinity",
            "Infinity",
            "INF",
            "nan",
            "NaN",
            "-nan",
            "1e308",
            "1.8e308",
            "2e308",
            "-1e309",
            "4.9e-324",
            "2.4e-324",
            "2.5e-324",
            "1e-400",
            "2.2250738585072011e-308",
            "2.2250738585072014e-308",
            "9007199254740993",
            "0.1",
            "0.30000000000000004",
            "123456789012345678901234567890",
            "00000000000001.5",
            "1.0000000000000000000000001",
            "179769313486231570000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
            "1\u{0}",
            "\u{a0}1",
            "１",
            "1e0000000000000000000000000000001",
            "1e-99999999999",
            "6,016.3",
            "NA",
            "..",
            "\t1",
            "1\n",
        ] {
            same_as_from_str(s);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 20_000, ..Default::default() })]

        #[test]
        fn fast_numbers_are_from_str_numbers_on_random_texts(s in "[-+0-9.eE ,infatyINFATY_x]{0,24}") {
            same_as_from_str(&s);
        }

        #[test]
        fn fast_numbers_are_from_str_numbers_on_digit_strings(
            sign in "[-+]?", int in "[0-9]{0,25}", frac in proptest::option::of("[0-9]{0,25}"),
            exp in proptest::option::of("[eE][-+]?[0-9]{1,4}"),
        ) {
            let s = format!("{sign}{int}{}{}", frac.map(|f| format!(".{f}")).unwrap_or_default(), exp.unwrap_or_default());
            same_as_from_str(&s);
        }

        #[test]
        fn fast_numbers_are_from_str_numbers_on_printed_floats(bits in proptest::num::u64::ANY, digits in 0usize..20) {
            let v = f64::from_bits(bits);
            for s in [format!("{v}"), format!("{v:e}"), format!("{v:.digits$}"), format!("{v:.digits$e}"), format!("{}", v as f32)] {
                same_as_from_str(&s);
            }
        }
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(parse_number("6,016.3"), Ok(Some(6016.3)));
        assert_eq!(parse_number("-1,234,567"), Ok(Some(-1234567.0)));
        assert!(parse_number("1,23").is_err());
        assert!(parse_number("12,3456.1").is_err());
        assert!(parse_number("abc").is_err());
        assert!(parse_number("inf").is_err());
    }

    #[test]
    fn quoted_thousands_in_csv() {
        let tab = t("region,x\na,\"6,016.3\"\n").unwrap();
        assert_eq!(tab.numbers(1).unwrap(), vec![Some(6016.3)]);
    }

    #[test]
    fn an_empty_unnamed_last_column_is_dropped() {
        // As spreadsheets write it: a comma at the end of every line.
        let tab = t("region,x,\na,1,\nb,2,\n").unwrap();
        assert_eq!(tab.headers, ["region", "x"]);
        assert_eq!(tab.numbers(1).unwrap(), vec![Some(1.0), Some(2.0)]);
        // A named empty column, or an unnamed one with values, stays.
        assert_eq!(t("region,x,notes\na,1,\n").unwrap().headers.len(), 3);
        assert_eq!(
            t("region,x,\na,1,5\n").unwrap().headers,
            ["region", "x", "column_3"]
        );
    }

    #[test]
    fn ragged_row_names_row() {
        let e = t("a,b\n1,2\n3\n").unwrap_err().to_string();
        assert!(e.contains("row 2") && e.contains("ragged"), "{e}");
    }

    #[test]
    fn a_cell_spanning_lines_is_quoted_on_one_line() {
        // An unclosed quote makes the rest of the file one cell; the message
        // must still fit the first line of the error.
        let tab = t("region,x\na,\"3\nb,4\n").unwrap();
        let e = tab.numbers(1).unwrap_err().to_string();
        assert_eq!(e, "x.csv, row 1, column 'x': '3\\nb,4' is not a number");
        assert!(!e.contains('\n'));
        let tab = t("year\n\"20\t11\"\n").unwrap();
        let e = tab.years(0).unwrap_err().to_string();
        assert!(e.contains("'20\\t11'") && !e.contains('\t'), "{e}");
    }

    #[test]
    fn empty_and_header_only() {
        assert!(t("").unwrap_err().to_string().contains("empty"));
        assert!(t("a,b\n").unwrap_err().to_string().contains("no data rows"));
    }

    #[test]
    fn non_numeric_names_row_and_column() {
        let tab = t("region,x\na,1\nb,abc\n").unwrap();
        let e = tab.numbers(1).unwrap_err().to_string();
        assert_eq!(e, "x.csv, row 2, column 'x': 'abc' is not a number");
    }

    #[test]
    fn gb18030_and_bom() {
        let (bytes, _, _) = encoding_rs::GB18030.encode("地区,年份\n哈尔滨,2011\n");
        let s = decode(&bytes, None, Path::new("g.csv")).unwrap();
        assert!(s.starts_with("地区,年份"));
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice("年份,x\n".as_bytes());
        assert_eq!(decode(&b, None, Path::new("b.csv")).unwrap(), "年份,x\n");
    }

    #[test]
    fn aliases_case_insensitive() {
        let tab = t(" City ,TIME,x\na,2011,1\n").unwrap();
        assert_eq!(tab.id_column(IdColumn::Region, None).unwrap(), Some(0));
        assert_eq!(tab.id_column(IdColumn::Year, None).unwrap(), Some(1));
    }

    #[test]
    fn years_must_be_integers() {
        let tab = t("year\n2011\n2012.0\n2012.5\n").unwrap();
        let e = tab.years(0).unwrap_err().to_string();
        assert!(e.contains("row 3") && e.contains("not an integer"), "{e}");
    }

    #[test]
    fn key_order() {
        let mut k = vec!["10".to_string(), "9".into(), "2".into()];
        order_keys(&mut k);
        assert_eq!(k, ["2", "9", "10"]);
        let mut k = vec!["west".to_string(), "east".into()];
        order_keys(&mut k);
        assert_eq!(k, ["east", "west"]);
        // "inf" and "NaN" are text, not numbers: the order is lexical
        let mut k = vec!["9".to_string(), "inf".into(), "10".into()];
        order_keys(&mut k);
        assert_eq!(k, ["10", "9", "inf"]);
        let mut k = vec!["9".to_string(), "NaN".into(), "10".into()];
        order_keys(&mut k);
        assert_eq!(k, ["10", "9", "NaN"]);
    }

    /// Parses `text` cut into pieces of about `piece` bytes, and in one
    /// piece; both must give the same table or the same error.
    fn same_in_pieces(text: &str, delimiter: u8, piece: usize) -> Vec<usize> {
        let path = Path::new("x.csv");
        let cuts = record_chunks(text.as_bytes(), delimiter, piece);
        let whole = Table::parse_chunks(text, delimiter, path, &[0, text.len()]);
        let pieces = Table::parse_chunks(text, delimiter, path, &cuts);
        match (&whole, &pieces) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{text:?} cut at {cuts:?}"),
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{text:?} at {cuts:?}"),
            _ => panic!("{text:?} cut at {cuts:?}: {whole:?} vs {pieces:?}"),
        }
        cuts
    }

    #[test]
    fn pieces_start_at_record_starts() {
        // a line feed inside a quoted field is not a cut
        let text = "region,note\nA,\"x\ny\"\nB,\"say \"\"hi\"\"\n\"\nC,plain\n";
        let cuts = record_chunks(text.as_bytes(), b',', 1);
        assert_eq!(cuts, vec![0, 12, 20, 36, text.len()]);
        assert_eq!(&text[12..20], "A,\"x\ny\"\n");
        assert_eq!(&text[20..36], "B,\"say \"\"hi\"\"\n\"\n");
        let t = same_in_pieces(text, b',', 1);
        assert_eq!(t, cuts);
        let table = t_pieces(text, 1);
        assert_eq!(&table.rows[0][1], "x\ny");
        assert_eq!(&table.rows[1][1], "say \"hi\"\n");
        // a quote inside an unquoted field is text and opens nothing
        let text = "region,v\nA,5\"\nB,6\nC,7\n";
        assert_eq!(
            record_chunks(text.as_bytes(), b',', 1),
            vec![0, 9, 14, 18, text.len()]
        );
        same_in_pieces(text, b',', 1);
    }

    fn t_pieces(text: &str, piece: usize) -> Table {
        let cuts = record_chunks(text.as_bytes(), b',', piece);
        Table::parse_chunks(text, b',', Path::new("x.csv"), &cuts).unwrap()
    }

    #[test]
    fn pieces_with_crlf_blank_lines_and_one_line() {
        let crlf = "region,year,v\r\nA,2020,1\r\n\r\nB,2020,\"2,5\"\r\nC,2020,3\r\n";
        for piece in 1..crlf.len() {
            same_in_pieces(crlf, b',', piece);
        }
        let table = t_pieces(crlf, 1);
        assert_eq!(table.n_rows(), 3);
        assert_eq!(&table.rows[1][2], "2,5");
        // a file of one line: the same error either way
        for text in ["region,year,v", "region,year,v\n", "region,year,v\r\n"] {
            for piece in 1..4 {
                same_in_pieces(text, b',', piece);
            }
            let err = Table::parse_chunks(
                text,
                b',',
                Path::new("x.csv"),
                &record_chunks(text.as_bytes(), b',', 1),
            )
            .unwrap_err();
            assert!(err.to_string().contains("header but no data rows"), "{err}");
        }
        // tab-separated, quotes opened after a tab
        let tsv = "region\tv\nA\t\"1\n2\"\nB\t3\n";
        assert_eq!(
            record_chunks(tsv.as_bytes(), b'\t', 1),
            vec![0, 9, 17, tsv.len()]
        );
        same_in_pieces(tsv, b'\t', 1);
    }

    #[test]
    fn ragged_row_numbered_across_pieces() {
        // data row 250 (file line 251) is ragged; blank lines are not rows
        let mut text = String::from("region,year,v\n");
        for i in 1..=300 {
            if i % 50 == 0 {
                text.push('\n');
            }
            if i == 250 {
                text.push_str("R250,2020,1,extra\n");
            } else {
                text.push_str(&format!("R{i},2020,{i}\n"));
            }
        }
        for piece in [1, 7, 100, 1000] {
            let cuts = same_in_pieces(&text, b',', piece);
            assert!(cuts.len() > 3);
            let err = Table::parse_chunks(&text, b',', Path::new("x.csv"), &cuts).unwrap_err();
            let msg = err.to_string();
            assert!(
                msg.contains("row 250") && msg.contains("ragged row"),
                "{msg}"
            );
        }
    }

    #[test]
    fn a_file_read_from_disk_equals_its_pieces() {
        // the BOM, CRLF, quoted numbers with separators and quoted line
        // breaks, read from disk and decoded first, then cut into pieces
        let dir = std::env::temp_dir().join(format!("rurban-core-pieces-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("big.csv");
        let mut text = String::from("region,year,v,note\r\n");
        let mut i = 0;
        while text.len() < 3 << 20 {
            i += 1;
            text.push_str(&format!(
                "R{i},{},\"{},{:03}.5\",\"line\r\nbreak \"\"{i}\"\"\"\r\n",
                2000 + i % 20,
                i / 1000 + 1,
                i % 1000
            ));
        }
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend_from_slice(text.as_bytes());
        std::fs::write(&path, &bytes).unwrap();
        let read = Table::read(&path, &ReadOptions::default()).unwrap();
        let cuts = record_chunks(text.as_bytes(), b',', 1 << 20);
        assert!(cuts.len() > 3, "{cuts:?}");
        let pieces = Table::parse_chunks(&text, b',', &path, &cuts).unwrap();
        assert_eq!(read, pieces);
        assert_eq!(read.n_rows(), i);
        assert_eq!(read.headers[0], "region");
        assert_eq!(&read.rows[i - 1][3], format!("line\r\nbreak \"{i}\""));
        assert_eq!(
            parse_number(&read.rows[0][2]).unwrap(),
            Some(1001.5),
            "{}",
            &read.rows[0][2]
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn random_texts_parse_the_same_in_pieces() {
        // quotes, delimiters, CR and LF in every order and every cut size
        let alphabet = [b'a', b',', b'"', b'\n', b'\r', b' ', b'1'];
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..3000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 40) as usize;
            let mut seed = state;
            let text: String = (0..len)
                .map(|_| {
                    seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                    alphabet[(seed >> 33) as usize % alphabet.len()] as char
                })
                .collect();
            for piece in 1..5 {
                same_in_pieces(&text, b',', piece);
            }
        }
    }
}
