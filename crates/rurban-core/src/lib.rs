//! Data model and table input for rurban.
//!
//! * [`table`] reads CSV, TSV and XLSX files into a [`Table`] of trimmed text
//!   cells, with encoding detection (UTF-8 with or without BOM, GB18030), the
//!   missing-value tokens of the contract and the identifier-column aliases.
//! * [`panel`] turns a table (long or wide form) into a [`Panel`]: regions x
//!   years x indicators on `ndarray`, with an explicit missing mask.
//! * [`wide`] reads the common wide CSV panel (plain UTF-8, no quotes) in
//!   two parallel passes straight into a [`Panel`], without a [`Table`];
//!   anything else is left to [`Table::read`] and [`Panel::from_table`].
//! * [`terms`] is the shared vocabulary ([`Direction`], [`Scope`], [`Impute`],
//!   [`Shift`]); the specification itself is the `rurban-spec` crate.
//! * [`impute`] fills missing panel cells by the rules a spec may choose and
//!   counts each indicator's coverage.
//! * [`suggest`] finds the nearest names to a misspelt one, for messages.
//!
//! Every error carries the file, the 1-based data row (header not counted) and
//! the column it is about, so the binary can print one precise `error:` line.

pub mod error;
pub mod impute;
pub mod panel;
pub mod suggest;
pub mod table;
pub mod terms;
pub mod wide;

pub use error::{CoreError, Location};
pub use rurban_method::memory;
pub use rurban_method::text::{MAX_QUOTED, clip, clip_to};

pub use panel::{Panel, PanelColumns};
pub use table::{IdColumn, ReadOptions, Table, order_keys};
pub use terms::{Direction, Extrapolate, Impute, Scope, Shift};
