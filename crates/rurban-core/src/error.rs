//! Errors that name the place in the input they are about.

use std::fmt;
use std::path::PathBuf;

/// Where in an input file something went wrong.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Location {
    /// The file, as the user named it.
    pub file: PathBuf,
    /// 1-based data row (the header is not counted), if the error is about a row.
    pub row: Option<usize>,
    /// Column name, if the error is about a column.
    pub column: Option<String>,
}

impl Location {
    /// A location naming only the file.
    pub fn file(file: impl Into<PathBuf>) -> Self {
        Location {
            file: file.into(),
            row: None,
            column: None,
        }
    }
    /// This location narrowed to a data row.
    pub fn row(mut self, row: usize) -> Self {
        self.row = Some(row);
        self
    }
    /// This location narrowed to a column.
    pub fn column(mut self, column: impl Into<String>) -> Self {
        self.column = Some(column.into());
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(r) = self.row {
            write!(f, ", row {r}")?;
        }
        if let Some(c) = &self.column {
            write!(f, ", column '{}'", crate::clip(c))?;
        }
        Ok(())
    }
}

/// Everything that can go wrong while reading data or a specification.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// The file could not be opened or read.
    ///
    /// The cause is part of the message and deliberately not exposed as
    /// `source()`: error printers that walk the source chain (such as
    /// `anyhow`'s `{:#}`) would otherwise print it twice.
    #[error("{path}: cannot read file: {cause}")]
    Io {
        /// The file, as the user named it.
        path: PathBuf,
        /// What the operating system reported.
        cause: std::io::Error,
    },
    /// Malformed input at a known place.
    #[error("{at}: {message}")]
    At {
        /// The file, row and column the problem is in.
        at: Location,
        /// What is wrong there, phrased for the user.
        message: String,
    },
    /// A problem with the specification file (TOML syntax, unknown keys, semantics).
    #[error("{path}: {message}")]
    Spec {
        /// The specification file, as the user named it.
        path: PathBuf,
        /// What is wrong with it, phrased for the user.
        message: String,
    },
}

impl CoreError {
    /// An error at a location.
    pub fn at(at: Location, message: impl Into<String>) -> Self {
        CoreError::At {
            at,
            message: message.into(),
        }
    }
    /// An error in a specification file.
    pub fn spec(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        CoreError::Spec {
            path: path.into(),
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The message with every cause of the source chain appended, the way
    /// `anyhow` prints `{:#}`.
    fn chain(e: &dyn std::error::Error) -> String {
        let mut s = e.to_string();
        let mut cur = e.source();
        while let Some(c) = cur {
            s.push_str(": ");
            s.push_str(&c.to_string());
            cur = c.source();
        }
        s
    }

    #[test]
    fn io_error_states_its_cause_once() {
        let e = CoreError::Io {
            path: PathBuf::from("panel.csv"),
            cause: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
        };
        assert_eq!(e.to_string(), "panel.csv: cannot read file: no such file");
        assert_eq!(chain(&e), "panel.csv: cannot read file: no such file");
    }

    #[test]
    fn location_names_file_row_and_column() {
        let e = CoreError::at(
            Location::file("a.csv").row(3).column("x"),
            "'q' is not a number",
        );
        assert_eq!(
            e.to_string(),
            "a.csv, row 3, column 'x': 'q' is not a number"
        );
    }
}
