//! Importers for the files a WooCommerce store exports: the product CSV (Products → Export)
//! and the tax-rate CSV (WooCommerce → Settings → Tax → Export CSV). Both are pure parsers:
//! they read from any `impl Read`, look at the current catalog where WooCommerce would look
//! at its database, and return domain values for the caller to store. Every rejected value
//! is reported with its 1-based data row, the CSV line and the column header.

mod products_csv;
mod table;
mod tax_rates_csv;
pub(crate) mod wc_values;

use std::fmt;

pub use cartd_domain::php::sanitize_title;
pub use products_csv::parse_products_csv;
pub use tax_rates_csv::parse_tax_rates_csv;

/// Why an import was refused. Nothing is imported when any row is bad.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportError {
    /// The input is not readable CSV (I/O error, unbalanced quotes, …).
    Csv {
        /// CSV line where the problem was found, when known.
        line: Option<u64>,
        reason: String,
    },
    /// The header row is missing or unusable (duplicate column, wrong column count).
    Header { reason: String },
    /// A value in a data row was rejected.
    Row {
        /// 1-based data row (the header is not counted).
        row: usize,
        /// 1-based line of the CSV file where the row starts.
        line: u64,
        /// The column header as written in the file.
        column: String,
        reason: String,
    },
}

impl ImportError {
    pub(crate) fn row(row: usize, line: u64, column: &str, reason: impl Into<String>) -> Self {
        ImportError::Row { row, line, column: column.to_string(), reason: reason.into() }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::Csv { line: Some(line), reason } => write!(f, "line {line}: invalid CSV: {reason}"),
            ImportError::Csv { line: None, reason } => write!(f, "invalid CSV: {reason}"),
            ImportError::Header { reason } => write!(f, "header row: {reason}"),
            ImportError::Row { row, line, column, reason } => {
                write!(f, "row {row} (line {line}), column \"{column}\": {reason}")
            }
        }
    }
}

impl std::error::Error for ImportError {}
