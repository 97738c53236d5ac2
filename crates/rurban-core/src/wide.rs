//! The fast reading of a wide panel from plain delimited text.
//!
//! The common panel file is UTF-8 text without quotes, lines ending in `\n`
//! or `\r\n`, one row per region-year and number (or missing) cells in the
//! indicator columns. Such a file is mapped into memory (not copied) and
//! read here in two parallel passes over the bytes, without a [`Table`] of
//! records: the first cuts the text at line feeds into pieces and reads the
//! region and year of each line, the second finds each line's delimiters
//! 64 bytes at a time (noting on the way any quote, stray carriage return
//! or byte that is not ASCII) and parses each region-year's indicator cells
//! straight into the panel's cubes, which are not zeroed first. Numbers are
//! parsed as [`crate::table::parse_number`] parses them (the same bits),
//! keys and years as [`Table::keys`] and [`Table::years`] read them.
//!
//! Anything else gives `None`, and the caller reads the file the general
//! way ([`Table::read`] and [`Panel::from_table`]), which also words every
//! error: a quote anywhere, a byte-order mark other than UTF-8's, a forced
//! encoding, text that is not UTF-8, a carriage return not followed by a
//! line feed, a blank line or blank record, a value under a header's empty
//! last cell (an empty last column is dropped, as the general path drops
//! it, when every line has nothing there), a ragged line,
//! an empty region, a year that is not an integer, a cell that is not a
//! number, a repeated region-year, a long table, no indicator column, no
//! data row, a workbook, or any error at all. So the panel and every
//! message are those of the general path.

use std::collections::HashMap;
use std::mem::MaybeUninit;
use std::path::Path;

use ndarray::Array3;
use rayon::prelude::*;

use crate::panel::{Layout, Panel, PanelColumns, check_cube, id_columns, layout};
use crate::table::{MAX_TABLE_BYTES, ReadOptions, Table, clean_headers, parse_number, parse_year};

/// The text is cut into pieces of about this size for the first pass.
const PIECE_BYTES: usize = 1 << 20;

/// Reads the wide panel of a CSV or TSV file the fast way: the header (as a
/// table without rows, see [`Table::header_only`]) and the panel, or
/// `None` when the file is not plain enough (see the module's notes) or
/// anything goes wrong; [`Panel::from_table`] on [`Table::read`]'s table
/// then gives the panel or the error.
pub fn read_wide(
    path: &Path,
    opts: &ReadOptions,
    cols: &PanelColumns<'_>,
    wanted: Option<&[String]>,
) -> Option<(Table, Panel)> {
    if opts.encoding.is_some() || opts.sheet.is_some() {
        return None;
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let delimiter = match ext.as_str() {
        "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => return None,
        "tsv" | "tab" => b'\t',
        _ => b',',
    };
    let file = std::fs::File::open(path).ok()?;
    let meta = file.metadata().ok()?;
    if !meta.is_file() || meta.len() == 0 || meta.len() > MAX_TABLE_BYTES {
        return None;
    }
    // SAFETY: the map is only read, and dropped before this returns. A
    // file truncated by another process while it is read is the one risk
    // of reading through a map (a bus error), as in every tool that maps
    // its input; copying 30 MB first costs more than the parse of a line.
    let map = unsafe { memmap2::Mmap::map(&file) }.ok()?;
    // Each piece's pages are mapped in one call by the thread that reads
    // the piece, rather than a fault every 16 pages (an older kernel
    // refuses the advice and the pages fault in as they are read).
    #[cfg(target_os = "linux")]
    let prefault = |from: usize, to: usize| {
        let _ = map.advise_range(memmap2::Advice::PopulateRead, from, to - from);
    };
    #[cfg(not(target_os = "linux"))]
    let prefault = |_: usize, _: usize| {};
    let read = from_bytes_with(&map, delimiter, path, cols, wanted, &prefault);
    // Unmapping 27 MB takes a couple of milliseconds: off the caller's path.
    rayon::spawn(move || drop(map));
    read
}

/// What a column of a line is to the fast reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cell {
    /// Not read (the region and year are read in the first pass).
    Skip,
    /// The unnamed last column of a header ending in a delimiter: every
    /// cell must be blank.
    Blank,
    /// The indicator of this index.
    Indicator(usize),
}

/// Region and year of the lines of one piece of the text.
struct PieceKeys<'a> {
    /// Start and end (carriage return excluded) of each line, in the text.
    lines: Vec<(usize, usize)>,
    /// Trimmed regions of the lines, each with the number of consecutive
    /// lines that have it (compared here, while the line is in cache).
    runs: Vec<(&'a str, usize)>,
    /// Year of each line.
    years: Vec<i64>,
}

/// [`read_wide`] on bytes already read.
#[cfg(test)]
fn from_bytes(
    bytes: &[u8],
    delimiter: u8,
    path: &Path,
    cols: &PanelColumns<'_>,
    wanted: Option<&[String]>,
) -> Option<(Table, Panel)> {
    from_bytes_with(bytes, delimiter, path, cols, wanted, &|_, _| {})
}

/// [`from_bytes`], with `prefault(from, to)` called before the first pass
/// reads `bytes[from..to]`, on the thread that reads it.
fn from_bytes_with(
    bytes: &[u8],
    delimiter: u8,
    path: &Path,
    cols: &PanelColumns<'_>,
    wanted: Option<&[String]>,
    prefault: &(dyn Fn(usize, usize) + Sync),
) -> Option<(Table, Panel)> {
    // A UTF-8 byte-order mark is dropped, as `decode` drops it; the text
    // after it is the text the general path parses. Other marks are left
    // to it.
    let from = if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        3
    } else if encoding_rs::Encoding::for_bom(bytes).is_some() {
        return None;
    } else {
        0
    };
    // The header line.
    let header_end = from + memchr::memchr(b'\n', &bytes[from..])?;
    let header = std::str::from_utf8(&bytes[from..header_end]).ok()?;
    let header = header.strip_suffix('\r').unwrap_or(header);
    if header.contains(['"', '\r']) {
        return None;
    }
    let cells: Vec<&str> = header.split(char::from(delimiter)).collect();
    if cells.iter().all(|c| c.trim().is_empty()) {
        // a blank header line is skipped: the general path finds the header
        return None;
    }
    let ncols = cells.len();
    // Spreadsheets save a comma at the end of every line: a last column
    // without a name is dropped when no line has a value there (each such
    // cell is checked below; a value sends the file to the general path).
    let drop_last = ncols > 1 && cells.last()?.trim().is_empty();
    let mut headers = clean_headers(cells.into_iter(), path).ok()?;
    if drop_last {
        headers.pop();
    }
    let table = Table::header_only(path, headers);
    let (rcol, ycol) = id_columns(&table, cols).ok()?;
    let Layout::Wide(icols) = layout(&table, (rcol, ycol), wanted).ok()? else {
        return None;
    };
    let ni = icols.len();
    // What each column of a line is.
    let mut action: Vec<Cell> = vec![Cell::Skip; ncols];
    if drop_last {
        action[ncols - 1] = Cell::Blank;
    }
    for (k, &c) in icols.iter().enumerate() {
        if action[c] != Cell::Skip {
            return None;
        }
        action[c] = Cell::Indicator(k);
    }
    if ni == 0 {
        return None;
    }

    // First pass: the lines, their regions and years, piece by piece.
    let body_start = header_end + 1;
    if body_start >= bytes.len() {
        return None;
    }
    let cuts = line_cuts(bytes, body_start, PIECE_BYTES);
    let pieces: Vec<PieceKeys<'_>> = cuts
        .par_windows(2)
        .map(|w| {
            prefault(w[0], w[1]);
            piece_keys(bytes, w[0], w[1], delimiter, rcol, ycol)
        })
        .collect::<Option<_>>()?;
    let n_rows: usize = pieces.iter().map(|p| p.lines.len()).sum();

    // The axes: regions in order of first appearance, years ascending.
    let mut regions: Vec<String> = Vec::new();
    let mut rindex: HashMap<&str, usize, foldhash::fast::RandomState> = HashMap::default();
    let mut region_of: Vec<usize> = Vec::with_capacity(n_rows);
    for p in &pieces {
        for &(r, n) in &p.runs {
            let ri = *rindex.entry(r).or_insert_with(|| {
                regions.push(r.to_string());
                regions.len() - 1
            });
            region_of.extend(std::iter::repeat_n(ri, n));
        }
    }
    drop(rindex);
    let years = YearIndex::of(pieces.iter().flat_map(|p| p.years.iter().copied()));
    let (nr, ny) = (regions.len(), years.years.len());
    check_cube(&table, nr, ny, ni).ok()?;
    // The file row of each (region, year); a repeated pair is an error
    // the general path words.
    let mut row_of = vec![usize::MAX; nr * ny];
    let mut lines: Vec<(usize, usize)> = Vec::with_capacity(n_rows);
    let mut i = 0;
    for p in &pieces {
        for &y in &p.years {
            let slot = &mut row_of[region_of[i] * ny + years.index(y)?];
            if *slot != usize::MAX {
                return None;
            }
            *slot = i;
            i += 1;
        }
        lines.extend_from_slice(&p.lines);
    }
    drop(pieces);

    // Second pass: each region-year's cells into its place. Every cell of
    // the three cubes is written below (an absent region-year too), so
    // they are not zeroed first.
    let shape = (nr, ny, ni);
    let mut values = Array3::<f64>::uninit(shape);
    let mut observed = Array3::<bool>::uninit(shape);
    // a line's cells share their file row: one per region-year
    let mut rows = Array3::<u32>::uninit((nr, ny, 1));
    {
        let (v, o, f) = (
            values.as_slice_mut()?,
            observed.as_slice_mut()?,
            rows.as_slice_mut()?,
        );
        #[cfg(target_arch = "x86_64")]
        let simd = std::arch::is_x86_feature_detected!("ssse3");
        #[cfg(not(target_arch = "x86_64"))]
        let simd = false;
        let ok = v
            .par_chunks_mut(ni)
            .zip(o.par_chunks_mut(ni))
            .zip(f.par_iter_mut())
            .zip(row_of.par_iter())
            .with_min_len(256)
            .all(|(((v, o), f), &i)| {
                if i == usize::MAX {
                    // a region-year absent from the file
                    v.fill(MaybeUninit::new(f64::NAN));
                    o.fill(MaybeUninit::new(false));
                    f.write(0);
                    return true;
                }
                f.write(u32::try_from(i + 1).unwrap_or(u32::MAX));
                parse_line(bytes, lines[i], delimiter, &action, v, o, simd)
            });
        if !ok {
            return None;
        }
    }
    // SAFETY: every cell was written above: an absent region-year's by the
    // fills, a line's by `parse_line`, which writes `v` and `o` at every
    // indicator (each indicator is the action of exactly one column) when
    // it returns true.
    let (values, observed, rows) = unsafe {
        (
            values.assume_init(),
            observed.assume_init(),
            rows.assume_init(),
        )
    };
    let indicators = icols.iter().map(|&c| table.headers[c].clone()).collect();
    let panel = Panel {
        source: path.to_path_buf(),
        regions,
        years: years.years,
        indicators,
        values,
        observed,
        rows,
    };
    Some((table, panel))
}

/// The years of a file, ascending, and the place of each: through a table
/// over their range when it is short (the usual case), else by search.
struct YearIndex {
    years: Vec<i64>,
    /// The first year of the range, and the place of each year in it
    /// (`u32::MAX` for a year the file lacks); empty when searched.
    first: i64,
    place: Vec<u32>,
}

impl YearIndex {
    /// Ranges up to this many years get a table.
    const TABLE: i128 = 1 << 16;

    fn of(all: impl Iterator<Item = i64> + Clone) -> Self {
        let (lo, hi) = all
            .clone()
            .fold((i64::MAX, i64::MIN), |(lo, hi), y| (lo.min(y), hi.max(y)));
        let span = i128::from(hi) - i128::from(lo);
        if (0..Self::TABLE).contains(&span) {
            let mut place = vec![u32::MAX; usize::try_from(span).unwrap_or(0) + 1];
            let at = |y: i64| usize::try_from(y - lo).unwrap_or(0);
            for y in all {
                place[at(y)] = 0;
            }
            let mut years = Vec::new();
            for (k, p) in place.iter_mut().enumerate() {
                if *p == 0 {
                    *p = u32::try_from(years.len()).unwrap_or(u32::MAX);
                    years.push(lo + i64::try_from(k).unwrap_or(0));
                }
            }
            YearIndex {
                years,
                first: lo,
                place,
            }
        } else {
            let mut years: Vec<i64> = all.collect();
            years.sort_unstable();
            years.dedup();
            YearIndex {
                years,
                first: 0,
                place: Vec::new(),
            }
        }
    }

    /// The place of year `y` (one of the years it was made of).
    #[inline]
    fn index(&self, y: i64) -> Option<usize> {
        if self.place.is_empty() {
            return self.years.binary_search(&y).ok();
        }
        let p = *self
            .place
            .get(usize::try_from(y.checked_sub(self.first)?).ok()?)?;
        (p != u32::MAX).then_some(p as usize)
    }
}

/// Offsets `[from, c_1, ..., len]` cutting `bytes[from..]` into pieces of
/// about `piece` bytes, each `c_i` just after a line feed.
fn line_cuts(bytes: &[u8], from: usize, piece: usize) -> Vec<usize> {
    let mut cuts = vec![from];
    let mut at = from + piece;
    while at < bytes.len() {
        match memchr::memchr(b'\n', &bytes[at..]) {
            Some(i) if at + i + 1 < bytes.len() => {
                cuts.push(at + i + 1);
                at += i + 1 + piece;
            }
            _ => break,
        }
    }
    cuts.push(bytes.len());
    cuts
}

/// The lines of `bytes[from..to]` with their region and year; `None` when
/// a line lacks its region or year, or they are not UTF-8. The rest of
/// each line (quotes, stray carriage returns, UTF-8) is checked by the
/// second pass, which reads every byte of every line anyway.
fn piece_keys(
    bytes: &[u8],
    from: usize,
    to: usize,
    delimiter: u8,
    rcol: usize,
    ycol: usize,
) -> Option<PieceKeys<'_>> {
    let piece = &bytes[from..to];
    let guess = piece.len() / 64 + 1;
    let mut keys = PieceKeys {
        lines: Vec::with_capacity(guess),
        runs: Vec::new(),
        years: Vec::with_capacity(guess),
    };
    let mut at = 0;
    let last = rcol.max(ycol);
    let field = |s: usize, e: usize| std::str::from_utf8(&piece[s..e]).ok().map(str::trim);
    while at < piece.len() {
        let (mut end, next, lf) = match memchr::memchr(b'\n', &piece[at..]) {
            Some(i) => (at + i, at + i + 1, true),
            None => (piece.len(), piece.len(), false),
        };
        if lf && end > at && piece[end - 1] == b'\r' {
            end -= 1;
        }
        // the fields up to the region and year columns
        let (mut region, mut year) = (None, None);
        let mut s = at;
        for c in 0..=last {
            if s > end {
                return None;
            }
            let e = memchr::memchr(delimiter, &piece[s..end]).map_or(end, |i| s + i);
            if c == rcol {
                region = Some(field(s, e)?);
            }
            if c == ycol {
                year = Some(field(s, e)?);
            }
            s = e + 1;
        }
        let region = region.filter(|r| !r.is_empty())?;
        match keys.runs.last_mut() {
            Some((r, n)) if *r == region => *n += 1,
            _ => keys.runs.push((region, 1)),
        }
        keys.years.push(parse_year(year?)?);
        keys.lines.push((from + at, from + end));
        at = next;
    }
    Some(keys)
}

/// A whole cell `[-]digits[.digits]` with at most 19 digits whose
/// integer is below 2^53 and at most 22 after the point: the number. Such
/// a number is the integer divided by a power of ten, both exact doubles,
/// so the one correctly rounded division gives the correctly rounded
/// number, the bits `f64::from_str` gives (Clinger's fast path). `None`
/// for anything else. One loop over the cell's bytes (its end is known),
/// the point being the one rare branch.
#[inline]
fn plain_decimal(cell: &[u8]) -> Option<f64> {
    const POW10: [f64; 23] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];
    let (neg, digits) = match cell.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, cell),
    };
    let mut m: u64 = 0;
    let mut point = None;
    for (i, &b) in digits.iter().enumerate() {
        let d = b.wrapping_sub(b'0');
        if d < 10 {
            m = m.wrapping_mul(10).wrapping_add(u64::from(d));
        } else if b == b'.' && point.is_none() {
            point = Some(i);
        } else {
            return None;
        }
    }
    let len = digits.len();
    let (count, frac) = match point {
        // a digit on each side of the point
        Some(p) if p == 0 || p + 1 == len => return None,
        Some(p) => (len - 1, len - p - 1),
        None if len == 0 => return None,
        None => (len, 0),
    };
    if count > 19 || m >= 1 << 53 || frac > 22 {
        return None;
    }
    #[allow(clippy::cast_precision_loss)] // m < 2^53: exact
    let v = m as f64 / POW10[frac];
    Some(if neg { -v } else { v })
}

/// For a cell of `len` bytes (0 to 16) with its point at `d` (16: none), the
/// positions of its other bytes right-aligned in 16 lanes (0x80: a lane
/// left zero), at `len * 17 + d`.
#[cfg(target_arch = "x86_64")]
static DIGIT_LANES: [[u8; 16]; 17 * 17] = digit_lanes();

#[cfg(target_arch = "x86_64")]
const fn digit_lanes() -> [[u8; 16]; 17 * 17] {
    let mut t = [[0x80u8; 16]; 17 * 17];
    let mut len = 0;
    while len <= 16 {
        let mut d = 0;
        while d <= 16 {
            let count = if d < len { len - 1 } else { len };
            let (mut k, mut pos) = (0, 0);
            while pos < len {
                if pos != d {
                    #[allow(clippy::cast_possible_truncation)] // pos < 16
                    {
                        t[len * 17 + d][16 - count + k] = pos as u8;
                    }
                    k += 1;
                }
                pos += 1;
            }
            d += 1;
        }
        len += 1;
    }
    t
}

/// [`plain_decimal`] sixteen bytes at a time (SSSE3): the cell of `len`
/// bytes at `at` in `bytes`. Its bytes are checked to be digits but for
/// one point, the digits are moved right-aligned into 16 lanes (the point
/// left out), and three multiply-adds make the integer of the first and
/// last eight digits. The same integer and the same division: the same
/// bits. `None` for anything else (a negative number too: the rare cell
/// is left to the byte loop, which keeps this path short), a cell longer
/// than 16 bytes, an integer of 2^53 or more, or fewer than 16 bytes left
/// in the text from `at`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "ssse3")]
#[inline]
fn simd_decimal(bytes: &[u8], at: usize, len: usize) -> Option<f64> {
    use std::arch::x86_64::{
        __m128i, _mm_and_si128, _mm_cmpeq_epi8, _mm_cvtsi128_si64, _mm_loadu_si128, _mm_madd_epi16,
        _mm_maddubs_epi16, _mm_min_epu8, _mm_movemask_epi8, _mm_packs_epi32, _mm_set1_epi8,
        _mm_set1_epi16, _mm_set1_epi32, _mm_shuffle_epi8, _mm_sub_epi8,
    };
    const POW10: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    if len == 0 || len > 16 {
        return None;
    }
    let src: &[u8; 16] = bytes.get(at..at + 16)?.try_into().ok()?;
    // SAFETY: `src` holds 16 bytes.
    let raw = unsafe { _mm_loadu_si128(src.as_ptr().cast::<__m128i>()) };
    let t = _mm_sub_epi8(raw, _mm_set1_epi8(b'0'.cast_signed()));
    // lanes 0 to 9 after the subtraction are the digits
    let is_digit = _mm_cmpeq_epi8(_mm_min_epu8(t, _mm_set1_epi8(9)), t);
    let within = (1u32 << len) - 1;
    let digits = _mm_movemask_epi8(is_digit).cast_unsigned() & within;
    // (a minus is a byte other than a digit at 0: left to the byte loop)
    let others = !digits & within;
    let (point, frac) = if others == 0 {
        (16, 0)
    } else {
        let d = others.trailing_zeros() as usize;
        // one point, a digit on each side of it
        if others & (others - 1) != 0 || d == 0 || d + 1 == len || src[d] != b'.' {
            return None;
        }
        (d, len - 1 - d)
    };
    // SAFETY: every entry of the table holds 16 bytes.
    let lanes =
        unsafe { _mm_loadu_si128(DIGIT_LANES[len * 17 + point].as_ptr().cast::<__m128i>()) };
    let x = _mm_shuffle_epi8(_mm_and_si128(t, is_digit), lanes);
    // pairs, quadruples, then the two halves of eight digits
    let pairs = _mm_maddubs_epi16(x, _mm_set1_epi16(0x010A));
    let quads = _mm_madd_epi16(pairs, _mm_set1_epi32(0x0001_0064));
    let halves = _mm_madd_epi16(_mm_packs_epi32(quads, quads), _mm_set1_epi32(0x0001_2710));
    let both = _mm_cvtsi128_si64(halves).cast_unsigned();
    let m = (both & 0xFFFF_FFFF) * 100_000_000 + (both >> 32);
    if m >= 1 << 53 {
        return None;
    }
    #[allow(clippy::cast_precision_loss)] // m < 2^53: exact
    Some(m as f64 / POW10[frac])
}

/// The positions of the delimiter in the line `bytes[start..end]`, in
/// order, found 64 bytes at a time: each block is turned into a bit set
/// first, so that finding the next cell never waits for the parsing of the
/// one before. The same look at each block notes the bytes the fast
/// reading cannot take as they are (see [`LineScan::plain`]).
struct LineScan<'a> {
    bytes: &'a [u8],
    end: usize,
    delimiter: u8,
    /// The block the bits are of (an offset in `bytes`).
    base: usize,
    /// The delimiters of the block not yet returned.
    bits: u64,
    /// Whether a block so far held a quote, a carriage return or a byte
    /// that is not ASCII.
    unusual: bool,
}

impl<'a> LineScan<'a> {
    fn new(bytes: &'a [u8], (start, end): (usize, usize), delimiter: u8) -> Self {
        let mut scan = LineScan {
            bytes,
            end,
            delimiter,
            base: start,
            bits: 0,
            unusual: false,
        };
        scan.load();
        scan
    }

    /// The bits of the block at `base`, bytes past the line's end left out.
    #[inline(always)]
    fn load(&mut self) {
        let len = self.end - self.base;
        let (bits, unusual) = match self.bytes.get(self.base..self.base + 64) {
            Some(block) => {
                let (d, u) = block_bits(block.try_into().unwrap_or(&[0; 64]), self.delimiter);
                let keep = if len >= 64 {
                    u64::MAX
                } else {
                    (1u64 << len) - 1
                };
                (d & keep, u & keep)
            }
            None => self.bytes[self.base..self.end].iter().enumerate().fold(
                (0, 0),
                |(d, u), (i, &b)| {
                    (
                        d | (u64::from(b == self.delimiter) << i),
                        u | (u64::from(b == b'"' || b == b'\r' || !b.is_ascii()) << i),
                    )
                },
            ),
        };
        self.bits = bits;
        self.unusual |= unusual != 0;
    }

    /// Whether the line read so far holds only what the fast reading takes
    /// as it is: no quote, no carriage return (one before the line feed is
    /// not part of the line), ASCII (else the caller checks UTF-8).
    fn plain(&self) -> bool {
        !self.unusual
    }
}

impl Iterator for LineScan<'_> {
    type Item = usize;

    #[inline(always)]
    fn next(&mut self) -> Option<usize> {
        while self.bits == 0 {
            if self.base + 64 >= self.end {
                return None;
            }
            self.base += 64;
            self.load();
        }
        let at = self.base + self.bits.trailing_zeros() as usize;
        self.bits &= self.bits - 1;
        Some(at)
    }
}

/// The bit sets of a block of 64 bytes (bit i for byte i): the bytes equal
/// to `d`, and the quotes, carriage returns and bytes that are not ASCII.
/// SSE2 compares on x86_64 (part of every x86_64 processor), a byte loop
/// elsewhere.
#[inline(always)]
fn block_bits(block: &[u8; 64], d: u8) -> (u64, u64) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{
            __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128,
            _mm_set1_epi8,
        };
        // SAFETY: SSE2 is part of the x86_64 baseline, and each load reads
        // 16 of the block's 64 bytes.
        unsafe {
            let dv = _mm_set1_epi8(d.cast_signed());
            let quote = _mm_set1_epi8(b'"'.cast_signed());
            let cr = _mm_set1_epi8(b'\r'.cast_signed());
            let (mut bits, mut unusual) = (0u64, 0u64);
            for k in 0..4 {
                let v = _mm_loadu_si128(block.as_ptr().add(16 * k).cast::<__m128i>());
                let m = _mm_movemask_epi8(_mm_cmpeq_epi8(v, dv)).cast_unsigned();
                let odd = _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, cr));
                // the high bit of a byte is set when it is not ASCII
                let u = (_mm_movemask_epi8(odd) | _mm_movemask_epi8(v)).cast_unsigned();
                bits |= u64::from(m & 0xFFFF) << (16 * k);
                unusual |= u64::from(u & 0xFFFF) << (16 * k);
            }
            (bits, unusual)
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        block
            .iter()
            .enumerate()
            .fold((0, 0), |(bits, unusual), (i, &b)| {
                (
                    bits | (u64::from(b == d) << i),
                    unusual | (u64::from(b == b'"' || b == b'\r' || !b.is_ascii()) << i),
                )
            })
    }
}

/// Parses the indicator cells of the line `bytes[start..end]` into `v` and
/// `o` (NaN and false for a missing cell), writing every cell of both when
/// it returns true; false when the line does not have exactly one cell per
/// column, a cell is not a number, or the line holds a quote, a carriage
/// return or text that is not UTF-8.
///
/// `simd` (true only when the processor has SSSE3) parses the common cells
/// with [`simd_decimal`].
#[inline]
fn parse_line(
    bytes: &[u8],
    span: (usize, usize),
    delimiter: u8,
    action: &[Cell],
    v: &mut [MaybeUninit<f64>],
    o: &mut [MaybeUninit<bool>],
    simd: bool,
) -> bool {
    #[cfg(target_arch = "x86_64")]
    if simd {
        // SAFETY: `simd` is true only when the processor has SSSE3.
        return unsafe { parse_line_ssse3(bytes, span, delimiter, action, v, o) };
    }
    let _ = simd;
    parse_line_with(bytes, span, delimiter, action, v, o, |_, _, _| None)
}

/// [`parse_line`] compiled with SSSE3, cells through [`simd_decimal`] first.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "ssse3")]
fn parse_line_ssse3(
    bytes: &[u8],
    span: (usize, usize),
    delimiter: u8,
    action: &[Cell],
    v: &mut [MaybeUninit<f64>],
    o: &mut [MaybeUninit<bool>],
) -> bool {
    // the closure inherits this function's SSSE3
    parse_line_with(bytes, span, delimiter, action, v, o, |b, at, len| {
        simd_decimal(b, at, len)
    })
}

/// [`parse_line`] with `first(bytes, at, len)` trying each indicator cell
/// before the byte loop.
#[inline(always)]
fn parse_line_with(
    bytes: &[u8],
    (start, end): (usize, usize),
    delimiter: u8,
    action: &[Cell],
    v: &mut [MaybeUninit<f64>],
    o: &mut [MaybeUninit<bool>],
    first: impl Fn(&[u8], usize, usize) -> Option<f64>,
) -> bool {
    let line = &bytes[start..end];
    let mut cuts = LineScan::new(bytes, (start, end), delimiter);
    let mut at = start;
    let last = action.len() - 1;
    for (c, act) in action.iter().enumerate() {
        let stop = if c < last {
            match cuts.next() {
                Some(p) => p,
                // too few cells
                None => return false,
            }
        } else if cuts.next().is_some() {
            // too many cells
            return false;
        } else {
            end
        };
        let cell = &bytes[at..stop];
        match *act {
            Cell::Indicator(k) => {
                // the whole cell a plain finite number: the bits of
                // `fast_float2::parse` on the cell, so of `parse_number`
                let fast = first(bytes, at, cell.len())
                    .or_else(|| plain_decimal(cell))
                    .or_else(|| match fast_float2::parse_partial::<f64, _>(cell) {
                        Ok((x, n)) if n == cell.len() && x.is_finite() => Some(x),
                        _ => None,
                    });
                if let Some(x) = fast {
                    v[k].write(x);
                    o[k].write(true);
                } else {
                    let Ok(cell) = std::str::from_utf8(cell) else {
                        return false;
                    };
                    match parse_number(cell) {
                        Ok(Some(x)) => {
                            v[k].write(x);
                            o[k].write(true);
                        }
                        Ok(None) => {
                            v[k].write(f64::NAN);
                            o[k].write(false);
                        }
                        Err(_) => return false,
                    }
                }
            }
            Cell::Skip => {}
            Cell::Blank => {
                if !cell.iter().all(u8::is_ascii_whitespace) {
                    return false;
                }
            }
        }
        at = stop + 1;
    }
    // every block of the line has been looked at: the last cell's search
    // for a delimiter went to the end
    cuts.plain()
        || (!line.contains(&b'"') && !line.contains(&b'\r') && std::str::from_utf8(line).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`simd_decimal`] from a test.
    ///
    /// # Safety
    /// The processor must have SSSE3.
    #[cfg(target_arch = "x86_64")]
    unsafe fn simd_decimal_for_test(bytes: &[u8], at: usize, len: usize) -> Option<f64> {
        // SAFETY: the caller checked SSSE3.
        unsafe { simd_decimal(bytes, at, len) }
    }
    use proptest::prelude::*;

    const PATH: &str = "w.csv";

    /// The general path: the table of records, then the panel.
    fn general(text: &str, delimiter: u8, wanted: Option<&[String]>) -> Result<Panel, String> {
        let t =
            Table::parse_delimited(text, delimiter, Path::new(PATH)).map_err(|e| e.to_string())?;
        Panel::from_table(&t, &PanelColumns::default(), wanted).map_err(|e| e.to_string())
    }

    fn fast(text: &str, delimiter: u8, wanted: Option<&[String]>) -> Option<Panel> {
        from_bytes(
            text.as_bytes(),
            delimiter,
            Path::new(PATH),
            &PanelColumns::default(),
            wanted,
        )
        .map(|(t, p)| {
            assert_eq!(t.path, Path::new(PATH));
            assert!(t.rows.is_empty());
            p
        })
    }

    /// Two panels alike to the bit: axes, values (NaN included), observed
    /// flags and file rows.
    fn assert_same(a: &Panel, b: &Panel) {
        assert_eq!(a.source, b.source);
        assert_eq!(a.regions, b.regions);
        assert_eq!(a.years, b.years);
        assert_eq!(a.indicators, b.indicators);
        assert_eq!(a.values.dim(), b.values.dim());
        let bits = |p: &Panel| p.values.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(a), bits(b));
        assert_eq!(a.observed, b.observed);
        assert!(a.file_rows().eq(b.file_rows()));
    }

    /// The fast path gives the general path's panel, or leaves the text to it.
    fn check(text: &str, delimiter: u8, wanted: Option<&[String]>) -> bool {
        match fast(text, delimiter, wanted) {
            Some(p) => {
                let g = general(text, delimiter, wanted)
                    .unwrap_or_else(|e| panic!("{text:?}: fast read, general error {e}"));
                assert_same(&p, &g);
                true
            }
            None => false,
        }
    }

    #[test]
    fn plain_files_are_read_fast_and_alike() {
        let text = "region,year,a,b,c\nz,2012,1,2.5,\nz,2011,3,NA,-1e-3\ny,2011,5, 7 ,n/a\n";
        assert!(check(text, b',', None));
        let p = fast(text, b',', None).unwrap();
        assert_eq!(p.regions, ["z", "y"]);
        assert_eq!(p.years, [2011, 2012]);
        assert_eq!(p.values[[0, 0, 2]], -1e-3);
        assert_eq!(p.values[[1, 0, 1]], 7.0);
        assert!(!p.observed[[1, 0, 2]] && p.values[[1, 0, 2]].is_nan());
        assert!(!p.observed[[1, 1, 0]] && p.file_row(1, 1, 0).is_none());
        assert_eq!(p.file_row(0, 0, 1), Some(2));
        // CRLF, no final line end, ids not first, a column not read, TSV
        let w = ["a".to_string()];
        assert!(check(
            "a,Year,x,City\r\n1,2011,q,r\r\n2,2012,s,r",
            b',',
            Some(&w)
        ));
        assert!(check(
            "a,year,note,city\n1,2011, some text ,r\n",
            b',',
            Some(&w)
        ));
        assert!(check(
            "city\tyear\tv\nr\t2011\t6,016.3\nr\t2012.0\t-\n",
            b'\t',
            None
        ));
        let p = fast("city\tyear\tv\nr\t2011\t6,016.3\n", b'\t', None).unwrap();
        assert_eq!(p.values[[0, 0, 0]], 6016.3);
        // wanted columns in their own order
        let w = ["c".to_string(), "a".to_string()];
        assert!(check(text, b',', Some(&w)));
    }

    #[test]
    fn anything_unusual_is_left_to_the_general_path() {
        for (text, why) in [
            ("region,year,a\nq,2011,\"1\"\n", "a quote"),
            (
                "\u{feff}\u{feff}region,year,a\nq,2011,1\n\r",
                "a final lone CR after a BOM",
            ),
            (
                "region,year,a\nq,2011,1\rr,2011,2\n",
                "a lone carriage return",
            ),
            ("region,year,a\nq,2011,1\r", "a final carriage return"),
            ("region,year,a\nq,2011,1\n\nr,2011,2\n", "a blank line"),
            ("region,year,a\nq,2011,1\n , ,\n", "a blank record"),
            (
                "region,year,a,\nq,2011,1,2\n",
                "a value under an empty last header",
            ),
            (
                "region,year,a,\nq,2011,1\n",
                "a short line under an empty last header",
            ),
            ("region,year,a\nq,2011,1,2\n", "a long line"),
            ("region,year,a\nq,2011\n", "a short line"),
            ("region,year,a\n,2011,1\n", "an empty region"),
            ("region,year,a\nq,2011.5,1\n", "a bad year"),
            ("region,year,a\nq,2011,abc\n", "a bad number"),
            ("region,year,a\nq,2011,inf\n", "an infinite number"),
            (
                "region,year,a\nq,2011,1\nq,2011,2\n",
                "a repeated region-year",
            ),
            ("region,year,indicator,value\nq,2011,a,1\n", "a long table"),
            ("region,year\nq,2011\n", "no indicator"),
            ("region,year,a\n", "no data row"),
            ("region,year,a", "no line end"),
            ("region,a\nq,1\n", "no year column"),
            ("region,year,a,a\nq,2011,1,2\n", "a repeated column"),
        ] {
            assert!(fast(text, b',', None).is_none(), "{why}: {text:?}");
            // and the general path decides (a panel or an error)
            let _ = general(text, b',', None);
        }
        let read =
            |bytes: &[u8]| from_bytes(bytes, b',', Path::new(PATH), &PanelColumns::default(), None);
        let (bytes, _, _) = encoding_rs::GB18030.encode("地区,年份,a\n哈尔滨,2011,1\n");
        assert!(read(&bytes).is_none(), "GB18030 text");
        let mut utf16 = vec![0xFF, 0xFE];
        for u in "region,year,a\nq,2011,1\n".encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        assert!(read(&utf16).is_none(), "UTF-16 with its mark");
    }

    /// The second pass looks at every byte of a line, in every 64-byte
    /// block: a quote, a stray carriage return or text that is not UTF-8
    /// far into a long line, in a column that is not read, still sends the
    /// file to the general path; UTF-8 text there is read fast.
    #[test]
    fn unusual_bytes_deep_in_a_line_are_noticed() {
        let names: Vec<String> = (0..30).map(|k| format!("c{k}")).collect();
        let line = |note: &[u8]| {
            let mut text = format!("region,year,{},note\n", names.join(",")).into_bytes();
            for (r, y) in [("q", 2011), ("r", 2011)] {
                text.extend_from_slice(format!("{r},{y},").as_bytes());
                text.extend_from_slice("12.5,".repeat(30).as_bytes());
                text.extend_from_slice(note);
                text.push(b'\n');
            }
            text
        };
        let read = |text: &[u8]| {
            from_bytes(
                text,
                b',',
                Path::new(PATH),
                &PanelColumns::default(),
                Some(&names),
            )
            .map(|(_, p)| p)
        };
        for (note, why) in [
            (&b"say \"hi\""[..], "a quote"),
            (b"a\rb", "a carriage return"),
            (&encoding_rs::GB18030.encode("哈尔滨").0[..], "GB18030 text"),
            (b"\xff", "a byte that is never UTF-8"),
        ] {
            assert!(read(&line(note)).is_none(), "{why}");
        }
        let text = String::from_utf8(line("哈尔滨 note".as_bytes())).unwrap();
        let p = read(text.as_bytes()).expect("UTF-8 text in a column not read");
        assert_same(&p, &general(&text, b',', Some(&names)).unwrap());
        assert_eq!(p.values[[1, 0, 29]], 12.5);
    }

    /// Years whose range is too wide for a table are searched instead: the
    /// same panel either way, extreme years included.
    #[test]
    fn years_far_apart_are_placed_by_search() {
        let text = format!(
            "region,year,a\nq,{},1\nq,2011,2\nr,{},3\nr,2011,4\nq,70000,5\n",
            i64::MIN,
            i64::MAX
        );
        assert!(check(&text, b',', None));
        let p = fast(&text, b',', None).unwrap();
        assert_eq!(p.years, [i64::MIN, 2011, 70000, i64::MAX]);
        assert_eq!(p.values[[1, 3, 0]], 3.0);
        assert_eq!(p.file_row(0, 2, 0), Some(5));
        let near = YearIndex::of([2011, 2013, 2011].into_iter());
        assert_eq!(near.years, [2011, 2013]);
        assert!(!near.place.is_empty(), "a short range gets a table");
        assert_eq!(
            (near.index(2013), near.index(2012), near.index(i64::MIN)),
            (Some(1), None, None)
        );
    }

    #[test]
    fn a_utf8_mark_and_an_empty_last_column_are_read_fast() {
        for text in [
            "\u{feff}地区,年份,a\n哈尔滨,2011,1\n",
            "\u{feff}\u{feff}region,year,a\nq,2011,1\n",
            "region,year,a,\nq,2011,1,\nr,2011,, \n",
            "region,year,a, \r\nq,2011,1,\r\n",
        ] {
            assert!(check(text, b',', None), "{text:?}");
        }
        let p = fast("\u{feff}地区,年份,a,\n哈尔滨,2011,1,\n", b',', None).unwrap();
        assert_eq!(p.regions, ["哈尔滨"]);
        assert_eq!(p.indicators, ["a"]);
    }

    #[test]
    fn many_pieces_are_one_text() {
        // more than one piece of the first pass, rows out of order
        let mut text = String::from("region,year,a,b\n");
        let mut i = 0u64;
        while text.len() < 3 * PIECE_BYTES {
            i += 1;
            let r = (i * 7919) % 1000;
            let y = 2000 + i / 1000;
            text.push_str(&format!("R{r},{y},{},{}\r\n", i as f64 / 7.0, i % 5));
        }
        assert!(line_cuts(text.as_bytes(), 16, PIECE_BYTES).len() > 3);
        assert!(check(&text, b',', None));
    }

    #[test]
    fn plain_decimals_are_from_str_numbers() {
        let same = |s: &str| {
            let want = s.parse::<f64>().unwrap();
            let got = plain_decimal(s.as_bytes()).unwrap_or_else(|| panic!("{s}"));
            assert_eq!(got.to_bits(), want.to_bits(), "{s}");
        };
        for s in [
            "0",
            "-0",
            "0.0",
            "-0.000",
            "1",
            "12.5",
            "-3.25",
            "0.1",
            "0.3",
            "2.675",
            "9007199254740991",
            "900719925474099.1",
            "0.000000000000000001",
            "4.35",
            "14474.2187",
            "0.999999999999999",
        ] {
            same(s);
        }
        for s in [
            "",
            "-",
            ".5",
            "1.",
            "+1",
            "1e5",
            "1.5x",
            "1.2.3",
            "--1",
            "-",
            "1,5",
            " 1",
            "9007199254740993",
            "12345678901234567890",
            "0.00000000000000000000001",
            "0.9999999999999999",
        ] {
            assert!(plain_decimal(s.as_bytes()).is_none(), "{s}");
        }
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..200_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let m = state % (1 << 53);
            let k = (state >> 56) as usize % 23;
            let mut s = m.to_string();
            if k > 0 {
                while s.len() <= k {
                    s.insert(0, '0');
                }
                s.insert(s.len() - k, '.');
            }
            if state & 1 == 1 {
                s.insert(0, '-');
            }
            if s.trim_start_matches('-').len() - usize::from(k > 0) <= 19 {
                same(&s);
            }
        }
    }

    /// The sixteen-bytes-at-a-time cells give the byte loop's bits, or are
    /// left to it: random cells of every length up to 18 bytes, with and
    /// without a minus and a point, among junk, at every distance from the
    /// end of the text.
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn simd_decimals_are_plain_decimals() {
        if !std::arch::is_x86_feature_detected!("ssse3") {
            return;
        }
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let pool = b"0123456789012345678901234567890123456789.-+e x";
        let (mut fast, mut both) = (0, 0);
        for round in 0..400_000 {
            let r = next();
            let len = (r % 19) as usize;
            let mut cell: Vec<u8> = (0..len)
                .map(|i| {
                    let k = (next() >> (i % 8)) as usize;
                    // mostly digits, sometimes anything of the pool
                    if round % 3 == 0 {
                        pool[k % pool.len()]
                    } else {
                        b'0' + (k % 10) as u8
                    }
                })
                .collect();
            if len > 2 && r >> 40 & 1 == 1 {
                let at = 1 + (r >> 41) as usize % (len - 2);
                cell[at] = b'.';
            }
            if len > 0 && r >> 50 & 3 == 0 {
                cell[0] = b'-';
            }
            let pad = (r >> 56) as usize % 20;
            let mut text = cell.clone();
            text.extend(std::iter::repeat_n(b',', pad));
            let want = plain_decimal(&cell);
            // SAFETY: the processor has SSSE3 (checked above).
            let got = unsafe { simd_decimal_for_test(&text, 0, cell.len()) };
            match (got, want) {
                (Some(g), Some(w)) => {
                    fast += 1;
                    assert_eq!(
                        g.to_bits(),
                        w.to_bits(),
                        "{:?}",
                        String::from_utf8_lossy(&cell)
                    );
                }
                (Some(g), None) => panic!("{:?} read as {g}", String::from_utf8_lossy(&cell)),
                (None, Some(_)) => {
                    // left to the byte loop: negative, long, large, or
                    // near the end
                    let digits = cell.iter().filter(|b| b.is_ascii_digit()).count();
                    assert!(
                        cell[0] == b'-' || cell.len() > 16 || digits >= 16 || text.len() < 16,
                        "{:?}",
                        String::from_utf8_lossy(&cell)
                    );
                    both += 1;
                }
                (None, None) => {}
            }
        }
        assert!(fast > 100_000 && both > 1_000, "{fast} fast, {both} left");
        // SAFETY: as above.
        let read = |s: &str| unsafe {
            simd_decimal_for_test(format!("{s},,,,,,,,,,,,,,,,").as_bytes(), 0, s.len())
        };
        assert_eq!(read("14474.2187"), Some(14474.2187));
        assert_eq!(read("0.5"), Some(0.5));
        assert_eq!(read("0"), Some(0.0));
        assert_eq!(read("9007199254740991"), Some(9_007_199_254_740_991.0));
        for bad in [
            "",
            "-",
            ".5",
            "5.",
            "-.5",
            "-0.5",
            "-7",
            "1.2.3",
            "1-2",
            "+1",
            "1e5",
            " 1",
            "9007199254740992",
        ] {
            assert_eq!(read(bad), None, "{bad}");
        }
    }

    /// The delimiters of lines of every length around the 64-byte blocks.
    #[test]
    fn delimiters_are_found_in_order() {
        for len in [0, 1, 7, 63, 64, 65, 127, 128, 129, 300] {
            for every in [1, 2, 3, 7, 64, 200] {
                let line: Vec<u8> = (0..len)
                    .map(|i| if i % every == 0 { b',' } else { b'7' })
                    .collect();
                let want: Vec<usize> = (0..len).filter(|i| i % every == 0).collect();
                let got: Vec<usize> = LineScan::new(&line, (0, line.len()), b',').collect();
                assert_eq!(got, want, "len {len}, every {every}");
            }
        }
    }

    fn cell() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => any::<f64>().prop_filter("finite", |v| v.is_finite()).prop_map(|v| format!("{v}")),
            2 => (-1_000_000i64..1_000_000, 0u32..6).prop_map(|(m, e)| format!("{}", m as f64 / 10f64.powi(e as i32))),
            1 => any::<f64>().prop_map(|v| format!("{v:e}")),
            1 => "[-+]?[0-9]{1,22}(\\.[0-9]{0,22})?([eE][-+]?[0-9]{1,2})?",
            1 => prop::sample::select(vec![
                "", " ", "NA", "na", "N/A", "NaN", "nan", "null", "NULL", "..", "-", " NA ",
                " 1.5", "2 ", "+3", ".5", "1.", "1e5", "1,234",
            ]).prop_map(str::to_string),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 3_000, ..ProptestConfig::default() })]

        #[test]
        fn random_plain_files_read_alike(
            rows in prop::collection::vec((0usize..6, 2000i64..2006, prop::collection::vec(cell(), 3)), 1..30),
            crlf in any::<bool>(),
            tab in any::<bool>(),
            end in any::<bool>(),
        ) {
            let d = if tab { '\t' } else { ',' };
            let nl = if crlf { "\r\n" } else { "\n" };
            let mut text = format!("region{d}year{d}a{d}b{d}c");
            let mut seen = std::collections::HashSet::new();
            for (r, y, cells) in &rows {
                if !seen.insert((*r, *y)) {
                    continue;
                }
                text.push_str(nl);
                text.push_str(&format!("R{r}{d}{y}"));
                for c in cells {
                    // a comma inside a cell of a CSV would be another cell
                    let c = if tab { c.clone() } else { c.replace(',', "") };
                    text.push(d);
                    text.push_str(&c);
                }
            }
            if end {
                text.push_str(nl);
            }
            let read = check(&text, d as u8, None);
            // every cell above is a number or a missing token, and the
            // region-years are distinct: all are read the fast way
            prop_assert!(read, "{:?} left to the general path", text);
        }

        #[test]
        fn random_texts_read_alike_or_fall_back(
            text in "[Rr0-9,.\\-\n\r \"a]{0,60}",
        ) {
            let text = format!("region,year,a\n{text}");
            check(&text, b',', None);
        }
    }
}
